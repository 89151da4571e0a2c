// SPDX-License-Identifier: Apache-2.0
#include "server/auth.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/token/grant.hpp"
#include "core/util/error.hpp"

namespace mpctl::server {

namespace {

[[noreturn]] void unauthorized(const std::string& why) {
    throw HttpError(401, "invalid_token", why);
}

}  // namespace

void Caller::require_scope(std::initializer_list<std::string_view> any_of) const {
    for (auto want : any_of) {
        if (std::find(scopes.begin(), scopes.end(), want) != scopes.end()) {
            return;
        }
    }
    std::string names;
    for (auto want : any_of) {
        names += (names.empty() ? "" : " or ") + std::string(want);
    }
    throw HttpError(403, "insufficient_scope", fmt::format("this call needs the scope {}", names));
}

Caller authenticate(const Request& req, Services& services) {
    std::string_view auth = req.authorization;
    constexpr std::string_view scheme = "bearer ";
    if (auth.empty()) {
        unauthorized("no access token: send Authorization: Bearer <token from this server>");
    }
    if (auth.size() <= scheme.size() ||
        !std::equal(scheme.begin(), scheme.end(), auth.begin(), [](char a, char b) {
            return a == std::tolower(static_cast<unsigned char>(b));
        })) {
        unauthorized("the Authorization header must be \"Bearer <token>\"");
    }
    auto check = services.tokens.check(auth.substr(scheme.size()));
    if (!check.active) {
        unauthorized(fmt::format("the access token is not valid here: {}", check.problem));
    }
    const auto& consumer = check.claims.value("consumer", nlohmann::json::object());
    std::string id = consumer.value("ID", "");
    constexpr std::string_view icd = "0192:";
    try {
        if (id.rfind(icd, 0) != 0) {
            throw Error(ErrorKind::invalid_input, "no 0192 org");
        }
        Caller caller{core::OrgNumber::parse(std::string_view(id).substr(icd.size())),
                      core::split_scopes(check.claims.value("scope", ""))};
        const auto& client = check.claims.value("client_id", nlohmann::json());
        if (client.is_string()) {
            req.client_id = client.get<std::string>();
        }
        return caller;
    } catch (const Error&) {
        unauthorized("the access token names no consumer organisation");
    }
}

}  // namespace mpctl::server
