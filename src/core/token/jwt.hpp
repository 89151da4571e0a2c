// SPDX-License-Identifier: Apache-2.0
// Compact JWS/JWT: strict parsing and signing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/util/crypto.hpp"
#include "core/util/expected.hpp"
#include "core/util/jws.hpp"

namespace mpctl::core {

inline constexpr size_t k_max_jwt_size = 16 * 1024;

struct Jwt {
    nlohmann::json header;
    nlohmann::json claims;
    std::string signing_input;  // "header.payload" as received
    std::string signature;      // decoded bytes
};

// Parses "header.payload.signature": three base64url parts without padding
// or stray characters, a JSON object in each of the first two with no name
// twice, at most k_max_jwt_size bytes. The Invalid says what is wrong;
// parse_jwt() throws it (mpctl::Error, invalid_input).
Parsed<Jwt> try_parse_jwt(std::string_view compact);
Jwt parse_jwt(std::string_view compact);

// header.payload.signature, signed with `key` by `alg` (header gets "alg").
std::string sign_jwt(nlohmann::json header, const nlohmann::json& claims, const util::Key& key,
                     util::JwsAlg alg);

// The same over JSON texts the caller wrote; `header_json` names the alg.
std::string sign_jwt_text(std::string_view header_json, std::string_view claims_json,
                          const util::Key& key, util::JwsAlg alg);

}  // namespace mpctl::core
