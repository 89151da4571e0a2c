// SPDX-License-Identifier: Apache-2.0
// The self-service API (/api/v1): the registry's rules, applied by core for
// the Actor the caller's token names; this file only maps HTTP to them.
#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/clients.hpp"
#include "core/delegations.hpp"
#include "core/scopes.hpp"
#include "core/token/keyfile.hpp"
#include "server/api_call.hpp"
#include "server/auth.hpp"
#include "server/handlers.hpp"
#include "server/json_body.hpp"

namespace mpctl::server {

using nlohmann::ordered_json;
using namespace api;

namespace {

core::ScopeName scope_param(const Query& q) {
    auto name = field(q, "scope");
    if (!name) {
        throw HttpError(400, "invalid_request", "the query parameter \"scope\" is missing");
    }
    return core::ScopeName::parse(*name);
}

// The name a scope body gives: "name", or "prefix" and "subscope". An empty
// name is no name (digdirator sends "name": "" beside the two).
std::optional<std::string> body_scope_name(JsonBody& body) {
    auto name = body.string("name");
    if (name && name->empty()) {
        name.reset();
    }
    auto prefix = body.string("prefix");
    auto subscope = body.string("subscope");
    if (prefix && subscope) {
        std::string joined = *prefix + ":" + *subscope;
        if (name && *name != joined) {
            throw HttpError(
                400, "invalid_request",
                fmt::format("name \"{}\" differs from prefix:subscope \"{}\"", *name, joined));
        }
        return joined;
    }
    if (prefix || subscope) {
        throw HttpError(400, "invalid_request",
                        "give both \"prefix\" and \"subscope\", or \"name\"");
    }
    return name;
}

// The scope fields of a POST or PUT body, Digdir's inert ones included. What
// says "none" in Digdir's terms ("" delegation source, [] integration types)
// is read as not given.
core::ScopeUpdate scope_fields(JsonBody& body) {
    core::ScopeUpdate u;
    u.description = body.string("description");
    u.long_description = body.string("long_description");
    if (auto t = body.string("token_type")) {
        u.token_type = core::parse_token_type(*t);
    }
    u.at_max_age = body.integer("at_max_age");
    if (auto v = body.string("visibility")) {
        u.visibility = core::parse_visibility(*v);
    }
    u.accessible_for_all = body.boolean("accessible_for_all");
    if (auto source = body.string("delegation_source")) {
        u.delegation_source = source->empty() ? std::nullopt : std::optional(*source);
    }
    u.allowed_integration_types = body.strings("allowed_integration_types");
    if (u.allowed_integration_types && u.allowed_integration_types->empty()) {
        u.allowed_integration_types.reset();
    }
    u.active = body.boolean("active");
    u.kept = body.digdir_fields(core::scope_digdir_fields());
    body.finish();
    return u;
}

// Scopes: a provider's own, under its prefixes.

Response get_scopes(const Call& c) {
    c.caller.require_scope({k_scopes_write});
    auto txn = c.s.registry.read();
    if (!c.query.contains("scope")) {
        return records(core::list_own_scopes(txn, c.actor(), flag(c.query, "inactive")));
    }
    // Only one's own: another provider's PUBLIC scope is in /scopes/all.
    auto scope = core::get_scope(txn, c.actor(), scope_param(c.query));
    if (scope.owner_orgno != c.caller.org.str()) {
        throw HttpError(404, "not_found",
                        fmt::format("{} is not a scope of org {}; /scopes/all lists other orgs' "
                                    "public scopes",
                                    scope.name.str(), c.caller.org.str()));
    }
    return record(200, scope);
}

Response post_scopes(const Call& c) {
    c.caller.require_scope({k_scopes_write});
    JsonBody body(c.req);
    auto name = body_scope_name(body);
    if (!name) {
        throw HttpError(400, "invalid_request", "field \"name\" is missing");
    }
    core::ScopeUpdate f = scope_fields(body);
    core::ScopeSpec spec{.name = core::ScopeName::parse(*name),
                         .description = f.description.value_or(""),
                         .long_description = f.long_description.value_or(""),
                         .token_type = f.token_type.value_or(core::TokenType::self_contained),
                         .at_max_age = f.at_max_age.value_or(0),
                         .visibility = f.visibility.value_or(core::Visibility::public_),
                         .accessible_for_all = f.accessible_for_all.value_or(false),
                         .delegation_source = f.delegation_source.value_or(std::nullopt),
                         .active = f.active.value_or(true),
                         .kept = *f.kept};
    if (f.allowed_integration_types) {
        spec.allowed_integration_types = *f.allowed_integration_types;
    }
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return core::create_scope(txn, c.actor(), spec, c.now);
    }));
}

Response put_scopes(const Call& c) {
    c.caller.require_scope({k_scopes_write});
    auto name = scope_param(c.query);
    JsonBody body(c.req);
    auto named = body_scope_name(body);
    if (named && *named != name.str()) {
        throw HttpError(400, "invalid_request",
                        fmt::format("a scope's name never changes: the body names \"{}\", the "
                                    "query \"{}\"",
                                    *named, name.str()));
    }
    core::ScopeUpdate u = scope_fields(body);
    if (!u.description) {
        missing_in_put("description", "scope");
    }
    // PUT replaces: what the body leaves out goes back to its default, the
    // same as for a new scope.
    const core::ScopeSpec d{
        .name = name, .description = "", .long_description = "", .delegation_source = std::nullopt};
    u.long_description = u.long_description.value_or(d.long_description);
    u.token_type = u.token_type.value_or(d.token_type);
    u.at_max_age = u.at_max_age.value_or(d.at_max_age);
    u.visibility = u.visibility.value_or(d.visibility);
    u.accessible_for_all = u.accessible_for_all.value_or(d.accessible_for_all);
    u.delegation_source = u.delegation_source.value_or(d.delegation_source);
    u.allowed_integration_types = u.allowed_integration_types.value_or(d.allowed_integration_types);
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return core::update_scope(txn, c.actor(), name, u, c.now);
    }));
}

Response delete_scopes(const Call& c) {
    c.caller.require_scope({k_scopes_write});
    auto name = scope_param(c.query);
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return removed(core::deactivate_scope(txn, c.actor(), name, c.now));
    }));
}

Response get_scopes_all(const Call& c) {
    return records(
        core::list_public_scopes(c.s.registry.read(), flag(c.query, "accessible_for_all")));
}

// In the fields of Digdir's ScopePrefix (prefixes are never deactivated or
// changed here; Digdir's organization_name is not known to mpctl).
Response get_prefixes(const Call& c) {
    c.caller.require_scope({k_scopes_write});
    ordered_json list = ordered_json::array();
    for (const auto& p : core::list_prefixes(c.s.registry.read(), c.actor())) {
        list.push_back(ordered_json{{"prefix", p.name},
                                    {"owner_orgno", p.owner_orgno},
                                    {"created", p.created},
                                    {"last_updated", p.created},
                                    {"active", true}});
    }
    return json_response(200, list);
}

// Access to a scope: its provider grants and revokes; a consumer reads its own.

Response get_access_all(const Call& c) {
    c.caller.require_scope({k_dcr_read, k_dcr_write, k_dcr_modify, k_scopes_write});
    return records(core::list_access_of(c.s.registry.read(), c.actor(), c.caller.org));
}

Response get_access(const Call& c) {
    c.caller.require_scope({k_scopes_write});
    return records(core::list_access(c.s.registry.read(), c.actor(), scope_param(c.query)));
}

Response put_access(const Call& c) {
    c.caller.require_scope({k_scopes_write});
    auto scope = scope_param(c.query);
    auto consumer = core::OrgNumber::parse(c.params.at(0));
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return core::grant_access(txn, c.actor(), scope, consumer, c.now);
    }));
}

Response delete_access(const Call& c) {
    c.caller.require_scope({k_scopes_write});
    auto scope = scope_param(c.query);
    auto consumer = core::OrgNumber::parse(c.params.at(0));
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return removed(core::revoke_access(txn, c.actor(), scope, consumer, c.now));
    }));
}

// Clients and their keys: a consumer's own.

// The client fields of a POST or PUT body, Digdir's inert ones included
// (core/digdir_fields.hpp). `whole`: a PUT, which must carry the scopes.
core::ClientSpec client_spec(JsonBody& body, const Caller& caller, bool whole) {
    auto name = body.string("client_name");
    if (!name) {
        throw HttpError(400, "invalid_request", "field \"client_name\" is missing");
    }
    auto org = body.string("client_orgno");
    auto scopes = body.strings("scopes");
    if (whole && !scopes) {
        missing_in_put("scopes", "client", " (give [] for none)");
    }
    auto id = body.string("client_id");
    core::ClientSpec spec{
        .org = org ? core::OrgNumber::parse(*org) : caller.org,
        .client_name = *name,
        .description = body.string("description").value_or(""),
        .scopes = scopes.value_or(std::vector<std::string>{}),
        .access_token_lifetime = body.integer("access_token_lifetime").value_or(120),
        .client_id = id ? std::optional(core::Uuid::parse(*id, "client_id")) : std::nullopt,
        .active = body.boolean("active").value_or(true),
        .kept = body.digdir_fields(core::client_digdir_fields())};
    body.finish();
    return spec;
}

std::vector<nlohmann::json> jwks_body(const Request& req) {
    JsonBody body(req);
    auto keys = body.any("keys");
    // What GET answered may be sent back: the set's own members are the server's.
    body.ignore({"client_id", "created", "last_updated"});
    body.finish();
    if (!keys || !keys->is_array()) {
        throw HttpError(400, "invalid_request", "the body must be a JWK set: {\"keys\": [...]}");
    }
    return std::vector<nlohmann::json>(keys->begin(), keys->end());
}

Response get_clients(const Call& c) {
    may_read(c.caller);
    return records(core::list_clients(c.s.registry.read(), c.actor(), std::nullopt,
                                      flag(c.query, "inactive")));
}

Response post_clients(const Call& c) {
    may_create(c.caller);
    JsonBody body(c.req);
    auto spec = client_spec(body, c.caller, false);
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return core::register_client(txn, c.actor(), spec, c.now);
    }));
}

Response get_client(const Call& c) {
    may_read(c.caller);
    return record(200, core::get_client(c.s.registry.read(), c.actor(), c.client_id()));
}

Response put_client(const Call& c) {
    may_change(c.caller);
    auto id = c.client_id();
    JsonBody body(c.req);
    bool gives_active = body.any("active").has_value();
    auto spec = client_spec(body, c.caller, true);
    if (spec.client_id && *spec.client_id != id) {
        throw HttpError(400, "invalid_request",
                        fmt::format("client_id \"{}\" in the body differs from the path's {}",
                                    spec.client_id->str(), id.str()));
    }
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        auto current = core::get_client(txn, c.actor(), id);
        if (current.client_orgno != spec.org.str()) {
            throw HttpError(400, "invalid_request", "a client's client_orgno never changes");
        }
        // PUT replaces: what the body leaves out goes back to its default.
        return core::update_client(
            txn, c.actor(), id,
            core::ClientUpdate{spec.client_name, spec.description, spec.scopes,
                               spec.access_token_lifetime,
                               gives_active ? std::optional(spec.active) : std::nullopt, spec.kept},
            c.now);
    }));
}

Response delete_client(const Call& c) {
    may_change(c.caller);
    auto id = c.client_id();
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return removed(core::deactivate_client(txn, c.actor(), id, c.now));
    }));
}

Response get_client_keys(const Call& c) {
    may_read(c.caller);
    return record(200, core::get_client_keys(c.s.registry.read(), c.actor(), c.client_id()));
}

// POST and PUT both replace the whole set, as Digdir's API has it.
Response replace_client_keys(const Call& c) {
    may_change(c.caller);
    auto id = c.client_id();
    auto keys = jwks_body(c.req);
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return core::replace_client_keys(txn, c.actor(), id, keys, c.now);
    }));
}

Response delete_client_keys(const Call& c) {
    may_change(c.caller);
    auto id = c.client_id();
    c.s.registry.write(
        [&](core::WriteTxn& txn) { core::remove_all_client_keys(txn, c.actor(), id); });
    return Response{200, "", "", {}};  // Digdir's: 200 and no body
}

Response delete_client_key(const Call& c) {
    may_change(c.caller);
    auto id = c.client_id();
    auto kid = core::Kid::parse(c.params.at(1));
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return removed(core::remove_client_key(txn, c.actor(), id, kid));
    }));
}

// One key as text/plain: a JWK, a JWK set or a PEM public key, added to
// the set (a key with the same kid is renewed).
Response post_client_key(const Call& c) {
    may_change(c.caller);
    auto id = c.client_id();
    if (!has_media_type(c.req.content_type, "text/plain") &&
        !has_media_type(c.req.content_type, "application/json")) {
        throw HttpError(415, "invalid_request",
                        fmt::format("the body must be text/plain (a JWK or a PEM public key), "
                                    "not \"{}\"",
                                    c.req.content_type));
    }
    auto keys = core::read_public_jwks(c.req.body);
    if (keys.size() != 1) {
        throw HttpError(400, "invalid_request",
                        fmt::format("the body holds {} keys; this route adds one (send them one "
                                    "at a time; PUT /api/v1/clients/{{id}}/jwks replaces the whole "
                                    "set)",
                                    keys.size()));
    }
    auto set = c.s.registry.write([&](core::WriteTxn& txn) {
        return core::add_client_keys(txn, c.actor(), id, keys, c.now);
    });
    // As Digdir's: the one key, as stored (kid filled in, created, exp).
    std::string kid = keys.front().value("kid", "");
    for (const auto& key : set.keys) {
        if (key.kid() == kid) {
            return record(200, key);
        }
    }
    throw HttpError(500, "server_error", "the key was added but is not in the set");
}

// Delegations: a consumer's, to suppliers.

Response get_delegations(const Call& c) {
    may_read(c.caller);
    return records(
        core::list_delegations(c.s.registry.read(), c.actor(), flag(c.query, "inactive")));
}

Response post_delegations(const Call& c) {
    may_create(c.caller);
    JsonBody body(c.req);
    auto scope = body.string("scope");
    auto supplier = body.string("supplier_orgno");
    auto consumer = body.string("consumer_orgno");
    body.ignore({"id", "delegation_source", "active", "created", "last_updated"});
    body.finish();
    if (!scope || !supplier) {
        throw HttpError(400, "invalid_request",
                        "fields \"scope\" and \"supplier_orgno\" are required");
    }
    auto scope_name = core::ScopeName::parse(*scope);
    auto supplier_org = core::OrgNumber::parse(*supplier);
    auto consumer_org = consumer ? core::OrgNumber::parse(*consumer) : c.caller.org;
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return core::add_delegation(txn, c.actor(), scope_name, consumer_org, supplier_org, c.now);
    }));
}

Response delete_delegation(const Call& c) {
    may_change(c.caller);
    auto id = core::Uuid::parse(c.params.at(0), "delegation id");
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return removed(core::remove_delegation(txn, c.actor(), id, c.now));
    }));
}

using RouteHandler = Response (*)(const Call&);

struct ApiRoute {
    std::string_view method;
    std::string_view path;  // under /api; "{x}" is one segment
    RouteHandler handler;
};

// Every route of the self-service API, in one place.
constexpr ApiRoute k_api_routes[] = {
    {"GET", "/v1/scopes/all", get_scopes_all},
    {"GET", "/v1/scopes", get_scopes},
    {"POST", "/v1/scopes", post_scopes},
    {"PUT", "/v1/scopes", put_scopes},
    {"DELETE", "/v1/scopes", delete_scopes},
    {"GET", "/v1/scopes/access/all", get_access_all},
    {"GET", "/v1/scopes/access", get_access},
    {"PUT", "/v1/scopes/access/{orgno}", put_access},
    {"DELETE", "/v1/scopes/access/{orgno}", delete_access},
    {"GET", "/v1/prefix", get_prefixes},
    {"GET", "/v1/clients", get_clients},
    {"POST", "/v1/clients", post_clients},
    {"GET", "/v1/clients/{id}", get_client},
    {"PUT", "/v1/clients/{id}", put_client},
    {"DELETE", "/v1/clients/{id}", delete_client},
    {"GET", "/v1/clients/{id}/jwks", get_client_keys},
    {"POST", "/v1/clients/{id}/jwks", replace_client_keys},
    {"PUT", "/v1/clients/{id}/jwks", replace_client_keys},
    {"DELETE", "/v1/clients/{id}/jwks", delete_client_keys},
    {"DELETE", "/v1/clients/{id}/jwks/{kid}", delete_client_key},
    {"POST", "/v2/clients/{id}/key", post_client_key},
    {"GET", "/v1/delegations", get_delegations},
    {"POST", "/v1/delegations", post_delegations},
    {"DELETE", "/v1/delegations/{id}", delete_delegation},
    {"GET", "/v1/systemregister", get_systems},
    {"POST", "/v1/systemregister/vendor", post_system},
    {"GET", "/v1/systemregister/vendor/{systemId}", get_system},
    {"PUT", "/v1/systemregister/vendor/{systemId}", put_system},
    {"DELETE", "/v1/systemregister/vendor/{systemId}", delete_system},
    {"GET", "/v1/systemuser", get_systemusers},
    {"POST", "/v1/systemuser", post_systemuser},
    {"GET", "/v1/systemuser/vendor/bysystem/{systemId}", get_systemusers_by_system},
    {"GET", "/v1/systemuser/{id}", get_systemuser},
    {"DELETE", "/v1/systemuser/{id}", delete_systemuser},
};

// Whether `path` fits `pattern`; the {param} segments go to `params`.
bool matches(std::string_view pattern, std::string_view path,
             std::vector<std::string_view>& params) {
    params.clear();
    while (!pattern.empty() && !path.empty()) {
        if (pattern[0] != '/' || path[0] != '/') {
            return false;
        }
        pattern.remove_prefix(1);
        path.remove_prefix(1);
        auto p_end = std::min(pattern.find('/'), pattern.size());
        auto s_end = std::min(path.find('/'), path.size());
        std::string_view want = pattern.substr(0, p_end);
        std::string_view have = path.substr(0, s_end);
        if (want.starts_with('{')) {
            if (have.empty()) {
                return false;
            }
            params.push_back(have);
        } else if (want != have) {
            return false;
        }
        pattern.remove_prefix(p_end);
        path.remove_prefix(s_end);
    }
    return pattern.empty() && path.empty();
}

}  // namespace

std::vector<RouteSpec> api_routes() {
    std::vector<RouteSpec> out;
    for (const auto& route : k_api_routes) {
        out.push_back(RouteSpec{std::string(route.method), std::string(route.path)});
    }
    return out;
}

Response handle_api(const Request& req, std::string_view path, const Query& query, Services& s) {
    Caller caller = authenticate(req, s);
    Call c{req, caller, query, s, s.clock(), {}};
    // A path that is a route's own ("/v1/scopes/access/all") belongs to that
    // route alone, not also to a template it fits ("/v1/scopes/access/{orgno}"):
    // PUT on it is 405, and Allow names only what the path takes.
    bool literal =
        std::any_of(std::begin(k_api_routes), std::end(k_api_routes), [&](const auto& r) {
            return r.path == path && r.path.find('{') == std::string_view::npos;
        });
    std::string allowed;
    for (const auto& route : k_api_routes) {
        if ((literal && route.path != path) || !matches(route.path, path, c.params)) {
            continue;
        }
        if (route.method == req.method) {
            return route.handler(c);
        }
        allowed += (allowed.empty() ? "" : ", ") + std::string(route.method);
    }
    if (!allowed.empty()) {
        throw HttpError(405, "method_not_allowed",
                        fmt::format("/api{} takes {}, not {}", path, allowed, req.method), allowed);
    }
    throw HttpError(404, "not_found", fmt::format("no such endpoint: /api{}", path));
}

}  // namespace mpctl::server
