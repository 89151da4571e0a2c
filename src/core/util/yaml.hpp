// SPDX-License-Identifier: Apache-2.0
// YAML text from outside (the registry files of `mpctl plan/apply`), read
// within limits into the JSON data model, and JSON written as YAML. The one
// place that knows yaml-cpp.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/util/expected.hpp"

namespace mpctl::core {

// Parses one YAML document into JSON values. Refused, each with the line and
// column of the fault: text over 1 MiB or not UTF-8, a second document,
// nesting deeper than k_max_json_depth (checked while parsing), a mapping
// key given twice or that is not a scalar, anchors and aliases (so that no
// alias bomb expands), and tags other than the core schema's (!!str, !!int,
// !!float, !!bool, !!null, !!map, !!seq). Quoted and block scalars are
// strings; plain ones follow YAML 1.2's core schema: null, ~ and nothing
// are null, true/false booleans, integers (also 0x.. and 0o..) and floats
// numbers (.inf and .nan are refused: JSON has none), else strings. An
// empty text is null. `what` names the text in the Invalid ("registry.yaml:
// line 3, column 7: ...").
Parsed<nlohmann::json> try_parse_yaml(std::string_view text, std::string_view what);

// The same, throwing the Invalid as mpctl::Error(invalid_input).
nlohmann::json parse_yaml(std::string_view text, std::string_view what);

// `value` as a YAML document (block style, members in their order, ending
// in a line feed). A string that the core schema would read as something
// else ("true", "123", "null", "") is quoted, so parse_yaml gives `value`
// back.
std::string emit_yaml(const nlohmann::ordered_json& value);

}  // namespace mpctl::core
