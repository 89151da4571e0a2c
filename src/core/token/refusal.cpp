// SPDX-License-Identifier: Apache-2.0
#include "core/token/refusal.hpp"

#include <fmt/format.h>

namespace mpctl::core::refuse {

namespace {

Refusal make(const char* error, const char* code, int status, std::string text) {
    return Refusal{error, code, status, std::move(text)};
}

constexpr const char* k_grant = "invalid_grant";
// RFC 9396's error for authorization_details it cannot grant.
constexpr const char* k_authorization = "invalid_authorization_details";
constexpr const char* k_invalid = "Invalid assertion.";

}  // namespace

Refusal invalid_request(const std::string& detail) {
    return make("invalid_request", "MP-011", 400,
                fmt::format("{} Invalid parameter value: {}", k_invalid, detail));
}

Refusal unsupported_grant_type(const std::string& detail) {
    return make("unsupported_grant_type", "MP-011", 400, detail);
}

Refusal used_before() {
    return make(k_grant, "MP-012", 400, "Grant is used before");
}

Refusal client_authentication(const std::string& detail) {
    return make(k_grant, "MP-100", 400,
                fmt::format("{} Client authentication failed. {}", k_invalid, detail));
}

Refusal audience(const std::string& detail) {
    return make(k_grant, "MP-110", 400,
                fmt::format("{} Invalid JWT claim aud: {}", k_invalid, detail));
}

Refusal certificate(const std::string& detail) {
    return make(
        k_grant, "MP-120", 400,
        fmt::format("{} The JWT is signed with an invalid certificate: {}", k_invalid, detail));
}

Refusal expired_key(const std::string& kid) {
    return make(k_grant, "MP-121", 400, fmt::format("{} Expired key: {}", k_invalid, kid));
}

Refusal certificate_org(const std::string& detail) {
    return make(
        k_grant, "MP-122", 400,
        fmt::format("Invalid organization number for client. Does not match certificate orgno: "
                    "{}",
                    detail));
}

Refusal x5c(const std::string& detail) {
    return make(k_grant, "MP-123", 400, fmt::format("Invalid JWT header x5c: {}", detail));
}

Refusal signature(const std::string& detail) {
    return make(k_grant, "MP-124", 400, fmt::format("Invalid JWT signature: {}", detail));
}

Refusal time(const std::string& detail) {
    return make(k_grant, "MP-130", 400, detail);
}

Refusal scope(const std::string& detail) {
    return make("invalid_scope", "MP-200", 400,
                fmt::format("Token request contains invalid scopes for client, {}", detail));
}

Refusal scope_not_maskinporten(const std::string& scope) {
    return make(
        "invalid_scope", "MP-201", 400,
        fmt::format("Token request contains scopes not allowed for maskinporten: {}", scope));
}

Refusal no_access(const std::string& scope) {
    return make("forbidden", "MP-250", 403,
                fmt::format("Consumer has not been granted access to the scope {}.", scope));
}

Refusal no_delegation(const std::string& consumer, const std::string& scope,
                      const std::string& supplier) {
    return make("forbidden", "MP-251", 403,
                fmt::format("Consumer {} has not delegated access to the scope {} to supplier {}.",
                            consumer, scope, supplier));
}

Refusal authorization_type(const std::string& detail) {
    return make(k_authorization, "MP-301", 400,
                fmt::format("Unknown authorization_details type: {}", detail));
}

Refusal authorization_member(const std::string& detail) {
    return make(k_authorization, "MP-302", 400,
                fmt::format("Unknown field in authorization_details: {}", detail));
}

Refusal authorization_value(const std::string& detail) {
    return make(k_authorization, "MP-303", 400,
                fmt::format("Invalid value in authorization_details: {}", detail));
}

}  // namespace mpctl::core::refuse
