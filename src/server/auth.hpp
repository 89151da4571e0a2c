// SPDX-License-Identifier: Apache-2.0
// Who calls the self-service API and introspection: the bearer token, issued
// by this server, names the caller's org (its `consumer`) and its scopes.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor.hpp"
#include "core/values.hpp"
#include "server/http.hpp"
#include "server/services.hpp"

namespace mpctl::server {

// The admin scopes of the self-service API (docs/http-api.md).
inline constexpr std::string_view k_scopes_write = "idporten:scopes.write";
inline constexpr std::string_view k_dcr_read = "idporten:dcr.read";
inline constexpr std::string_view k_dcr_write = "idporten:dcr.write";
inline constexpr std::string_view k_dcr_modify = "idporten:dcr.modify";

struct Caller {
    core::OrgNumber org;
    std::vector<std::string> scopes;

    core::Actor actor() const { return core::Actor::organisation(org); }
    // 403 insufficient_scope unless the token carries one of `any_of`.
    void require_scope(std::initializer_list<std::string_view> any_of) const;
};

// The caller of a request; HttpError 401 (invalid_token) for a missing,
// malformed, expired, forged or foreign token. Notes the token's client
// in req.client_id, for the access log.
Caller authenticate(const Request& req, Services& services);

}  // namespace mpctl::server
