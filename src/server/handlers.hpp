// SPDX-License-Identifier: Apache-2.0
// The endpoints of docs/http-api.md, one function each. They may throw HttpError or
// mpctl::Error; handle() (router.hpp) turns those into responses.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http.hpp"
#include "server/services.hpp"

namespace mpctl::server {

using Query = std::map<std::string, std::string>;

// A form or query field, nullopt when absent.
inline std::optional<std::string> field(const Query& q, const char* name) {
    auto it = q.find(name);
    return it == q.end() ? std::nullopt : std::optional<std::string>(it->second);
}

Response handle_token(const Request& req, Services& s);
Response handle_jwk(const Request& req, Services& s);
Response handle_metadata(const Request& req, Services& s);
Response handle_introspect(const Request& req, Services& s);
Response handle_healthz(const Request& req, Services& s);
Response handle_metrics(const Request& req, Services& s);
// docs/openapi.json, compiled in (openapi.hpp), with `servers` set to the
// issuer the server runs under.
Response handle_openapi(const Request& req, Services& s);
// docs/registry.schema.json, compiled in: what an editor validates a
// registry file (mpctl apply) against. No authentication.
Response handle_registry_schema(const Request& req, Services& s);

// GET /api/v1/delegationsources, public as at Digdir.
Response handle_delegation_sources(const Request& req, Services& s);

// The self-service API: everything under /api; `path` is what follows it
// ("/v1/scopes", "/v2/clients/{id}/key", ...).
Response handle_api(const Request& req, std::string_view path, const Query& query, Services& s);

// The routes handle_api() answers, from its table; paths under /api ("/v1/clients/{id}").
std::vector<RouteSpec> api_routes();

}  // namespace mpctl::server
