// SPDX-License-Identifier: Apache-2.0
// Human output: aligned tables and "field: value" records.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mpctl::cli {

using Row = std::vector<std::string>;

// Columns padded to the widest cell (counting UTF-8 characters, not bytes).
void print_table(const Row& headers, const std::vector<Row>& rows);

// One "field: value" line per member of a JSON object; arrays joined by ", ".
void print_record(const nlohmann::ordered_json& record);

// `text` broken into lines of at most `width` bytes at spaces (a longer word
// stays whole), each line after the first starting with `indent`.
std::string wrap(std::string_view text, size_t width, std::string_view indent);

// A JSON value as a table cell: strings bare, arrays joined, null as "-".
std::string cell(const nlohmann::ordered_json& value);

}  // namespace mpctl::cli
