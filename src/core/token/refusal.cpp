// SPDX-License-Identifier: Apache-2.0
#include "core/token/refusal.hpp"

#include <fmt/format.h>

namespace mpctl::core::refuse {

namespace {

[[noreturn]] void raise(const char* error, const char* code, int status, std::string text) {
    throw Refused(Refusal{error, code, status, std::move(text)});
}

constexpr const char* k_grant = "invalid_grant";
// RFC 9396's error for authorization_details it cannot grant.
constexpr const char* k_authorization = "invalid_authorization_details";
constexpr const char* k_invalid = "Invalid assertion.";

}  // namespace

void invalid_request(const std::string& detail) {
    raise("invalid_request", "MP-011", 400,
          fmt::format("{} Invalid parameter value: {}", k_invalid, detail));
}

void unsupported_grant_type(const std::string& detail) {
    raise("unsupported_grant_type", "MP-011", 400, detail);
}

void used_before() {
    raise(k_grant, "MP-012", 400, "Grant is used before");
}

void client_authentication(const std::string& detail) {
    raise(k_grant, "MP-100", 400,
          fmt::format("{} Client authentication failed. {}", k_invalid, detail));
}

void audience(const std::string& detail) {
    raise(k_grant, "MP-110", 400, fmt::format("{} Invalid JWT claim aud: {}", k_invalid, detail));
}

void certificate(const std::string& detail) {
    raise(k_grant, "MP-120", 400,
          fmt::format("{} The JWT is signed with an invalid certificate: {}", k_invalid, detail));
}

void expired_key(const std::string& kid) {
    raise(k_grant, "MP-121", 400, fmt::format("{} Expired key: {}", k_invalid, kid));
}

void certificate_org(const std::string& detail) {
    raise(k_grant, "MP-122", 400,
          fmt::format("Invalid organization number for client. Does not match certificate orgno: "
                      "{}",
                      detail));
}

void x5c(const std::string& detail) {
    raise(k_grant, "MP-123", 400, fmt::format("Invalid JWT header x5c: {}", detail));
}

void signature(const std::string& detail) {
    raise(k_grant, "MP-124", 400, fmt::format("Invalid JWT signature: {}", detail));
}

void time(const std::string& detail) {
    raise(k_grant, "MP-130", 400, detail);
}

void scope(const std::string& detail) {
    raise("invalid_scope", "MP-200", 400,
          fmt::format("Token request contains invalid scopes for client, {}", detail));
}

void scope_not_maskinporten(const std::string& scope) {
    raise("invalid_scope", "MP-201", 400,
          fmt::format("Token request contains scopes not allowed for maskinporten: {}", scope));
}

void no_access(const std::string& scope) {
    raise("forbidden", "MP-250", 403,
          fmt::format("Consumer has not been granted access to the scope {}.", scope));
}

void no_delegation(const std::string& consumer, const std::string& scope,
                   const std::string& supplier) {
    raise("forbidden", "MP-251", 403,
          fmt::format("Consumer {} has not delegated access to the scope {} to supplier {}.",
                      consumer, scope, supplier));
}

void authorization_type(const std::string& detail) {
    raise(k_authorization, "MP-301", 400,
          fmt::format("Unknown authorization_details type: {}", detail));
}

void authorization_member(const std::string& detail) {
    raise(k_authorization, "MP-302", 400,
          fmt::format("Unknown field in authorization_details: {}", detail));
}

void authorization_value(const std::string& detail) {
    raise(k_authorization, "MP-303", 400,
          fmt::format("Invalid value in authorization_details: {}", detail));
}

}  // namespace mpctl::core::refuse
