// SPDX-License-Identifier: Apache-2.0
#include "cli/output.hpp"

#include <algorithm>
#include <iostream>

#include "core/util/text.hpp"

namespace mpctl::cli {

namespace {

size_t display_width(const std::string& s) {
    // Count every byte that does not continue a UTF-8 sequence.
    return static_cast<size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

void print_row(const Row& row, const std::vector<size_t>& widths) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
        line += row[i];
        if (i + 1 < row.size()) {
            line.append(widths[i] - display_width(row[i]) + 2, ' ');
        }
    }
    std::cout << line << '\n';
}

}  // namespace

void print_table(const Row& headers, const std::vector<Row>& raw_rows) {
    // What the store holds was checked when it entered; escaping it again
    // here keeps a terminal from acting on anything that got past that.
    std::vector<Row> rows;
    rows.reserve(raw_rows.size());
    for (const auto& raw : raw_rows) {
        Row& row = rows.emplace_back();
        for (const auto& c : raw) {
            row.push_back(core::util::printable(c));
        }
    }
    std::vector<size_t> widths(headers.size());
    for (size_t i = 0; i < headers.size(); ++i) {
        widths[i] = display_width(headers[i]);
        for (const auto& row : rows) {
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    }
    print_row(headers, widths);
    for (const auto& row : rows) {
        print_row(row, widths);
    }
}

std::string cell(const nlohmann::ordered_json& value) {
    if (value.is_null()) {
        return "-";
    }
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (value.is_array()) {
        std::string out;
        for (const auto& item : value) {
            out += (out.empty() ? "" : ", ") + cell(item);
        }
        return out.empty() ? "-" : out;
    }
    return value.dump();
}

void print_record(const nlohmann::ordered_json& record) {
    size_t width = 0;
    for (const auto& [key, value] : record.items()) {
        width = std::max(width, key.size());
    }
    for (const auto& [key, value] : record.items()) {
        std::cout << core::util::printable(key) << ':' << std::string(width - key.size() + 1, ' ')
                  << core::util::printable(cell(value)) << '\n';
    }
}

std::string wrap(std::string_view text, size_t width, std::string_view indent) {
    std::string out;
    size_t line = 0;  // bytes on the current line
    while (!text.empty()) {
        size_t end = text.find(' ');
        std::string_view word = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (word.empty()) {
            continue;
        }
        if (line > 0 && line + 1 + word.size() > width) {
            out += '\n';
            out += indent;
            line = 0;
        } else if (line > 0) {
            out += ' ';
            ++line;
        }
        out += word;
        line += word.size();
    }
    return out;
}

}  // namespace mpctl::cli
