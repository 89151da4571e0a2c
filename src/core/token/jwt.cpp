// SPDX-License-Identifier: Apache-2.0
#include "core/token/jwt.hpp"

#include <utility>

#include <fmt/format.h>

#include "core/util/base64.hpp"
#include "core/util/expected.hpp"
#include "core/util/json_text.hpp"

namespace mpctl::core {

using nlohmann::json;

namespace {

Parsed<std::string> decode_part(std::string_view part, std::string_view what) {
    auto bytes = util::base64url_decode(part);
    if (!bytes) {
        return Invalid{fmt::format("the {} is not base64url without padding", what)};
    }
    return std::move(*bytes);
}

Parsed<json> decode_object(std::string_view part, std::string_view what) {
    auto text = decode_part(part, what);
    if (!text) {
        return text.error();
    }
    return try_parse_json_object(*text, what);
}

}  // namespace

Parsed<Jwt> try_parse_jwt(std::string_view compact) {
    if (compact.size() > k_max_jwt_size) {
        return Invalid{fmt::format("the JWT is {} bytes; at most {} are accepted", compact.size(),
                                   k_max_jwt_size)};
    }
    auto first = compact.find('.');
    auto second = first == std::string_view::npos ? first : compact.find('.', first + 1);
    if (second == std::string_view::npos ||
        compact.find('.', second + 1) != std::string_view::npos) {
        return Invalid{"a JWT must have exactly three parts separated by '.'"};
    }
    std::string_view header = compact.substr(0, first);
    std::string_view payload = compact.substr(first + 1, second - first - 1);
    std::string_view signature = compact.substr(second + 1);
    if (header.empty() || payload.empty() || signature.empty()) {
        return Invalid{"a part of the JWT is empty"};
    }
    auto header_json = decode_object(header, "JWT header");
    if (!header_json) {
        return header_json.error();
    }
    auto claims = decode_object(payload, "JWT payload");
    if (!claims) {
        return claims.error();
    }
    auto signature_bytes = decode_part(signature, "JWT signature");
    if (!signature_bytes) {
        return signature_bytes.error();
    }
    return Jwt{std::move(*header_json), std::move(*claims), std::string(compact.substr(0, second)),
               std::move(*signature_bytes)};
}

Jwt parse_jwt(std::string_view compact) {
    return try_parse_jwt(compact).value();
}

std::string sign_jwt(json header, const json& claims, const util::Key& key, util::JwsAlg alg) {
    header["alg"] = util::to_string(alg);
    return sign_jwt_text(header.dump(), claims.dump(), key, alg);
}

std::string sign_jwt_text(std::string_view header_json, std::string_view claims_json,
                          const util::Key& key, util::JwsAlg alg) {
    std::string jwt = util::base64url_encode(header_json);
    jwt += '.';
    jwt += util::base64url_encode(claims_json);
    std::string signature = util::base64url_encode(util::jws_sign(key, alg, jwt));
    jwt += '.';
    jwt += signature;
    return jwt;
}

}  // namespace mpctl::core
