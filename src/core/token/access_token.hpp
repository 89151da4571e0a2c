// SPDX-License-Identifier: Apache-2.0
// Checking a self-contained access token the way a resource server does.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/util/time.hpp"

namespace mpctl::core {

struct TokenCheck {
    bool valid = false;
    std::string problem;  // why not, when not valid
    nlohmann::json header;
    nlohmann::json claims;
};

// Verifies the signature with the key `kid` names in `jwks` (a JWK set), then
// that iss is `issuer` (when given) and that the token has not expired.
// The header and claims are filled in whenever the token parses.
TokenCheck check_access_token(std::string_view token, const nlohmann::json& jwks,
                              const std::optional<std::string>& issuer, util::UnixTime now);

}  // namespace mpctl::core
