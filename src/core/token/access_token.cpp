// SPDX-License-Identifier: Apache-2.0
#include "core/token/access_token.hpp"

#include <fmt/format.h>

#include "core/token/jwt.hpp"
#include "core/util/error.hpp"

namespace mpctl::core {

using nlohmann::json;

TokenCheck check_access_token(std::string_view token, const json& jwks,
                              const std::optional<std::string>& issuer, util::UnixTime now) {
    TokenCheck out;
    Jwt jwt;
    try {
        jwt = parse_jwt(token);
    } catch (const Error& e) {
        out.problem =
            fmt::format("not a JWT ({}); an opaque token is checked by introspection", e.what());
        return out;
    }
    out.header = jwt.header;
    out.claims = jwt.claims;
    auto alg = util::parse_jws_alg(jwt.header.value("alg", ""));
    if (!alg) {
        out.problem = fmt::format("algorithm \"{}\" is not accepted", jwt.header.value("alg", ""));
        return out;
    }
    std::string kid = jwt.header.value("kid", "");
    const json* jwk = nullptr;
    if (jwks.contains("keys") && jwks["keys"].is_array()) {
        for (const auto& k : jwks["keys"]) {
            if (k.value("kid", "") == kid) {
                jwk = &k;
            }
        }
    }
    if (jwk == nullptr) {
        out.problem = fmt::format("no key with kid \"{}\" in the JWK set", kid);
        return out;
    }
    try {
        if (!util::jws_verify(util::Key::from_jwk(*jwk), *alg, jwt.signing_input, jwt.signature)) {
            out.problem = "the signature does not verify";
            return out;
        }
    } catch (const Error& e) {
        out.problem = fmt::format("the key \"{}\" is unusable: {}", kid, e.what());
        return out;
    }
    if (issuer && jwt.claims.value("iss", "") != *issuer) {
        out.problem = fmt::format("iss is \"{}\", not {}", jwt.claims.value("iss", ""), *issuer);
        return out;
    }
    if (!jwt.claims.contains("exp") || !jwt.claims["exp"].is_number() ||
        jwt.claims["exp"].get<double>() <= static_cast<double>(now)) {
        out.problem = "the token has expired";
        return out;
    }
    out.valid = true;
    return out;
}

}  // namespace mpctl::core
