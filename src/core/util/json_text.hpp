// SPDX-License-Identifier: Apache-2.0
// JSON text from outside (request bodies, JWT parts, key files, the audit
// log, a server's answers), parsed within limits.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/util/expected.hpp"

namespace mpctl::core {

// How deep arrays and objects may nest. mpctl's own documents need 4 (a JWK
// set: object, keys array, key, x5c array); the limit leaves room for
// extensions while keeping copies and printing of a parsed value shallow.
inline constexpr size_t k_max_json_depth = 16;

// Parses JSON text, refusing invalid JSON or UTF-8, nesting deeper than
// k_max_json_depth (checked while parsing), and a member name given twice in
// one object. `what` names the text in the Invalid.
Parsed<nlohmann::json> try_parse_json(std::string_view text, std::string_view what);

// try_parse_json(), and the value must be an object.
Parsed<nlohmann::json> try_parse_json_object(std::string_view text, std::string_view what);

// The same, throwing the Invalid as mpctl::Error(invalid_input).
nlohmann::json parse_json(std::string_view text, std::string_view what);
nlohmann::json parse_json_object(std::string_view text, std::string_view what);

}  // namespace mpctl::core
