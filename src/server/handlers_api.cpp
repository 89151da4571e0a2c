// SPDX-License-Identifier: Apache-2.0
// The self-service API (/api/v1): the registry's rules, applied by core for
// the Actor the caller's token names; this file only maps HTTP to them.
#include <fmt/format.h>

#include "core/clients.hpp"
#include "core/delegations.hpp"
#include "core/scopes.hpp"
#include "server/auth.hpp"
#include "server/handlers.hpp"
#include "server/json_body.hpp"

namespace mpctl::server {

using nlohmann::ordered_json;

namespace {

// What a route handler gets: the request, the caller, the rest of the path
// after the route's prefix ("" or "/{id}..."), the query.
struct Call {
    const Request& req;
    const Caller& caller;
    const Query& query;
    Services& s;
    core::UnixTime now;
};

// Which admin scopes allow what on clients, keys and delegations, in one place.
void may_read(const Caller& c) {
    c.require_scope({k_dcr_read, k_dcr_write, k_dcr_modify});
}
void may_create(const Caller& c) {
    c.require_scope({k_dcr_write});
}
void may_change(const Caller& c) {
    c.require_scope({k_dcr_write, k_dcr_modify});
}

template <class T>
Response record(int status, const T& value) {
    return json_response(status, ordered_json(value));
}

template <class T>
Response records(const std::vector<T>& values) {
    ordered_json list = ordered_json::array();
    for (const auto& v : values) {
        list.push_back(ordered_json(v));
    }
    return json_response(200, list);
}

[[noreturn]] void method_not_allowed(const Request& req, std::string_view path,
                                     std::string_view allowed) {
    throw HttpError(405, "method_not_allowed",
                    fmt::format("/api/v1{} takes {}, not {}", path, allowed, req.method));
}

core::ScopeName scope_param(const Query& q) {
    auto name = field(q, "scope");
    if (!name) {
        throw HttpError(400, "invalid_request", "the query parameter \"scope\" is missing");
    }
    return core::ScopeName::parse(*name);
}

bool flag(const Query& q, const char* name) {
    auto v = field(q, name);
    if (!v || *v == "false") {
        return false;
    }
    if (*v == "true") {
        return true;
    }
    throw HttpError(
        400, "invalid_request",
        fmt::format("query parameter \"{}\" must be true or false, not \"{}\"", name, *v));
}

// Fields of a record that the server sets: sent back, they are ignored.
constexpr auto k_server_fields = {"active", "created", "last_updated"};

void ignore_server_fields(JsonBody& body) {
    for (const char* name : k_server_fields) {
        body.ignore({name});
    }
}

// The name a scope body gives: "name", or "prefix" and "subscope".
std::optional<std::string> body_scope_name(JsonBody& body) {
    auto name = body.string("name");
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

// A PUT carries the whole object (as Digdir's API has it): a required field
// it lacks is a 400 that names it, never a silent clear.
[[noreturn]] void missing_in_put(const char* field, const char* what, const char* hint = "") {
    throw HttpError(
        400, "invalid_request",
        fmt::format("field \"{}\" is missing; a PUT carries the whole {}{}", field, what, hint));
}

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
    u.delegation_source = body.nullable_string("delegation_source");
    u.allowed_integration_types = body.strings("allowed_integration_types");
    return u;
}

Response scopes_route(const Call& c, std::string_view rest) {
    if (!rest.empty()) {
        throw HttpError(404, "not_found", fmt::format("no such endpoint: /api/v1/scopes{}", rest));
    }
    c.caller.require_scope({k_scopes_write});
    auto actor = c.caller.actor();
    const std::string& m = c.req.method;
    bool one = c.query.contains("scope");
    if (m == "GET") {
        auto txn = c.s.registry.read();
        if (one) {
            // Only one's own: another provider's PUBLIC scope is in /scopes/all.
            auto scope = core::get_scope(txn, actor, scope_param(c.query));
            if (scope.owner_orgno != c.caller.org.str()) {
                throw HttpError(404, "not_found",
                                fmt::format("{} is not a scope of org {}; /scopes/all lists "
                                            "other orgs' public scopes",
                                            scope.name, c.caller.org.str()));
            }
            return record(200, scope);
        }
        return records(core::list_own_scopes(txn, actor, flag(c.query, "inactive")));
    }
    if (m == "POST") {
        JsonBody body(c.req);
        auto name = body_scope_name(body);
        if (!name) {
            throw HttpError(400, "invalid_request", "field \"name\" is missing");
        }
        core::ScopeUpdate f = scope_fields(body);
        body.ignore({"owner_orgno"});
        ignore_server_fields(body);
        body.finish();
        core::ScopeSpec spec{.name = core::ScopeName::parse(*name),
                             .description = f.description.value_or(""),
                             .long_description = f.long_description.value_or(""),
                             .token_type = f.token_type.value_or(core::TokenType::self_contained),
                             .at_max_age = f.at_max_age.value_or(0),
                             .visibility = f.visibility.value_or(core::Visibility::public_),
                             .accessible_for_all = f.accessible_for_all.value_or(false),
                             .delegation_source = f.delegation_source.value_or(std::nullopt)};
        if (f.allowed_integration_types) {
            spec.allowed_integration_types = *f.allowed_integration_types;
        }
        auto scope = c.s.registry.write(
            [&](core::WriteTxn& txn) { return core::create_scope(txn, actor, spec, c.now); });
        return record(201, scope);
    }
    if (m == "PUT" || m == "DELETE") {
        auto name = scope_param(c.query);
        if (m == "DELETE") {
            return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
                return core::deactivate_scope(txn, actor, name, c.now);
            }));
        }
        JsonBody body(c.req);
        auto named = body_scope_name(body);
        if (named && *named != name.str()) {
            throw HttpError(400, "invalid_request",
                            fmt::format("a scope's name never changes: the body names \"{}\", the "
                                        "query \"{}\"",
                                        *named, name.str()));
        }
        core::ScopeUpdate u = scope_fields(body);
        body.ignore({"owner_orgno"});
        ignore_server_fields(body);
        body.finish();
        if (!u.description) {
            missing_in_put("description", "scope");
        }
        // PUT replaces: what the body leaves out goes back to its default,
        // the same as for a new scope.
        const core::ScopeSpec d{.name = name,
                                .description = "",
                                .long_description = "",
                                .delegation_source = std::nullopt};
        u.long_description = u.long_description.value_or(d.long_description);
        u.token_type = u.token_type.value_or(d.token_type);
        u.at_max_age = u.at_max_age.value_or(d.at_max_age);
        u.visibility = u.visibility.value_or(d.visibility);
        u.accessible_for_all = u.accessible_for_all.value_or(d.accessible_for_all);
        u.delegation_source = u.delegation_source.value_or(d.delegation_source);
        u.allowed_integration_types =
            u.allowed_integration_types.value_or(d.allowed_integration_types);
        return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
            return core::update_scope(txn, actor, name, u, c.now);
        }));
    }
    method_not_allowed(c.req, "/scopes", "GET, POST, PUT, DELETE");
}

Response scopes_all_route(const Call& c) {
    if (c.req.method != "GET") {
        method_not_allowed(c.req, "/scopes/all", "GET");
    }
    return records(
        core::list_public_scopes(c.s.registry.read(), flag(c.query, "accessible_for_all")));
}

Response access_route(const Call& c, std::string_view rest) {
    auto actor = c.caller.actor();
    const std::string& m = c.req.method;
    if (rest == "/all") {
        if (m != "GET") {
            method_not_allowed(c.req, "/scopes/access/all", "GET");
        }
        c.caller.require_scope({k_dcr_read, k_dcr_write, k_dcr_modify, k_scopes_write});
        return records(core::list_access_of(c.s.registry.read(), actor, c.caller.org));
    }
    c.caller.require_scope({k_scopes_write});
    auto scope = scope_param(c.query);
    if (rest.empty()) {
        if (m != "GET") {
            method_not_allowed(c.req, "/scopes/access", "GET");
        }
        return records(core::list_access(c.s.registry.read(), actor, scope));
    }
    auto consumer = core::OrgNumber::parse(rest.substr(1));
    if (m == "PUT") {
        return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
            return core::grant_access(txn, actor, scope, consumer, c.now);
        }));
    }
    if (m == "DELETE") {
        return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
            return core::revoke_access(txn, actor, scope, consumer, c.now);
        }));
    }
    method_not_allowed(c.req, "/scopes/access/{orgno}", "PUT, DELETE");
}

// The client fields of a POST or PUT body. integration_type,
// token_endpoint_auth_method and grant_types have one allowed value each.
core::ClientSpec client_spec(JsonBody& body, const Caller& caller, bool whole = false) {
    auto fixed = [&](const char* name, std::string_view allowed) {
        auto v = body.string(name);
        if (v && *v != allowed) {
            throw HttpError(400, "invalid_request",
                            fmt::format("{} must be \"{}\", not \"{}\"", name, allowed, *v));
        }
    };
    fixed("integration_type", core::k_maskinporten);
    fixed("token_endpoint_auth_method", "private_key_jwt");
    if (auto g = body.strings("grant_types");
        g && *g != std::vector<std::string>{std::string(core::k_jwt_bearer)}) {
        throw HttpError(400, "invalid_request",
                        fmt::format("grant_types must be [\"{}\"]", core::k_jwt_bearer));
    }
    auto name = body.string("client_name");
    if (!name) {
        throw HttpError(400, "invalid_request", "field \"client_name\" is missing");
    }
    auto org = body.string("client_orgno");
    auto scopes = body.strings("scopes");
    if (whole && !scopes) {
        missing_in_put("scopes", "client", " (give [] for none)");
    }
    return core::ClientSpec{org ? core::OrgNumber::parse(*org) : caller.org, *name,
                            body.string("description").value_or(""),
                            scopes.value_or(std::vector<std::string>{}),
                            body.integer("access_token_lifetime").value_or(120)};
}

std::vector<nlohmann::json> jwks_body(const Request& req) {
    JsonBody body(req);
    auto keys = body.any("keys");
    body.ignore({"client_id"});
    body.finish();
    if (!keys || !keys->is_array()) {
        throw HttpError(400, "invalid_request", "the body must be a JWK set: {\"keys\": [...]}");
    }
    return std::vector<nlohmann::json>(keys->begin(), keys->end());
}

Response client_keys_route(const Call& c, const core::Uuid& id) {
    auto actor = c.caller.actor();
    const std::string& m = c.req.method;
    if (m == "GET") {
        may_read(c.caller);
        return record(200, core::get_client_keys(c.s.registry.read(), actor, id));
    }
    may_change(c.caller);
    if (m == "POST" || m == "PUT") {
        auto keys = jwks_body(c.req);
        return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
            return core::replace_client_keys(txn, actor, id, keys, c.now);
        }));
    }
    if (m == "DELETE") {
        c.s.registry.write(
            [&](core::WriteTxn& txn) { core::remove_all_client_keys(txn, actor, id); });
        return Response{204, "application/json", "", {}};
    }
    method_not_allowed(c.req, "/clients/{id}/jwks", "GET, POST, PUT, DELETE");
}

Response clients_route(const Call& c, std::string_view rest) {
    auto actor = c.caller.actor();
    const std::string& m = c.req.method;
    if (rest.empty()) {
        if (m == "GET") {
            may_read(c.caller);
            return records(core::list_clients(c.s.registry.read(), actor, std::nullopt,
                                              flag(c.query, "inactive")));
        }
        if (m == "POST") {
            may_create(c.caller);
            JsonBody body(c.req);
            auto spec = client_spec(body, c.caller);
            body.ignore({"client_id"});
            ignore_server_fields(body);
            body.finish();
            return record(201, c.s.registry.write([&](core::WriteTxn& txn) {
                return core::register_client(txn, actor, spec, c.now);
            }));
        }
        method_not_allowed(c.req, "/clients", "GET, POST");
    }
    std::string_view id_text = rest.substr(1);
    std::string_view sub;
    if (auto slash = id_text.find('/'); slash != std::string_view::npos) {
        sub = id_text.substr(slash);
        id_text = id_text.substr(0, slash);
    }
    auto id = core::Uuid::parse(id_text, "client id");
    if (sub == "/jwks") {
        return client_keys_route(c, id);
    }
    if (!sub.empty()) {
        throw HttpError(404, "not_found",
                        fmt::format("no such endpoint: /api/v1/clients/{{id}}{}", sub));
    }
    if (m == "GET") {
        may_read(c.caller);
        return record(200, core::get_client(c.s.registry.read(), actor, id));
    }
    may_change(c.caller);
    if (m == "PUT") {
        JsonBody body(c.req);
        auto spec = client_spec(body, c.caller, true);
        if (auto body_id = body.string("client_id"); body_id && *body_id != id.str()) {
            throw HttpError(400, "invalid_request",
                            fmt::format("client_id \"{}\" in the body differs from the path's {}",
                                        *body_id, id.str()));
        }
        ignore_server_fields(body);
        body.finish();
        return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
            auto current = core::get_client(txn, actor, id);
            if (current.client_orgno != spec.org.str()) {
                throw HttpError(400, "invalid_request", "a client's client_orgno never changes");
            }
            // PUT replaces: what the body leaves out goes back to its default.
            return core::update_client(txn, actor, id,
                                       core::ClientUpdate{spec.client_name, spec.description,
                                                          spec.scopes, spec.access_token_lifetime},
                                       c.now);
        }));
    }
    if (m == "DELETE") {
        return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
            return core::deactivate_client(txn, actor, id, c.now);
        }));
    }
    method_not_allowed(c.req, "/clients/{id}", "GET, PUT, DELETE");
}

Response delegations_route(const Call& c, std::string_view rest) {
    auto actor = c.caller.actor();
    const std::string& m = c.req.method;
    if (rest.empty()) {
        if (m == "GET") {
            may_read(c.caller);
            return records(
                core::list_delegations(c.s.registry.read(), actor, flag(c.query, "inactive")));
        }
        if (m == "POST") {
            may_create(c.caller);
            JsonBody body(c.req);
            auto scope = body.string("scope");
            auto supplier = body.string("supplier_orgno");
            auto consumer = body.string("consumer_orgno");
            body.ignore({"id", "delegation_source"});
            ignore_server_fields(body);
            body.finish();
            if (!scope || !supplier) {
                throw HttpError(400, "invalid_request",
                                "fields \"scope\" and \"supplier_orgno\" are required");
            }
            auto scope_name = core::ScopeName::parse(*scope);
            auto supplier_org = core::OrgNumber::parse(*supplier);
            auto consumer_org = consumer ? core::OrgNumber::parse(*consumer) : c.caller.org;
            return record(201, c.s.registry.write([&](core::WriteTxn& txn) {
                return core::add_delegation(txn, actor, scope_name, consumer_org, supplier_org,
                                            c.now);
            }));
        }
        method_not_allowed(c.req, "/delegations", "GET, POST");
    }
    if (m != "DELETE") {
        method_not_allowed(c.req, "/delegations/{id}", "DELETE");
    }
    may_change(c.caller);
    auto id = core::Uuid::parse(rest.substr(1), "delegation id");
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return core::remove_delegation(txn, actor, id, c.now);
    }));
}

// "/scopes/access/x" under "/scopes/access": the rest, "/x"; nullopt when
// `path` is not `prefix` or below it.
std::optional<std::string_view> below(std::string_view path, std::string_view prefix) {
    if (!path.starts_with(prefix)) {
        return std::nullopt;
    }
    std::string_view rest = path.substr(prefix.size());
    if (!rest.empty() && (rest[0] != '/' || rest.size() == 1)) {
        return std::nullopt;
    }
    return rest;
}

}  // namespace

Response handle_api(const Request& req, std::string_view path, const Query& query, Services& s) {
    Caller caller = authenticate(req, s);
    Call c{req, caller, query, s, s.clock()};
    if (path == "/scopes/all") {
        return scopes_all_route(c);
    }
    if (auto rest = below(path, "/scopes/access")) {
        return access_route(c, *rest);
    }
    if (auto rest = below(path, "/scopes")) {
        return scopes_route(c, *rest);
    }
    if (auto rest = below(path, "/clients")) {
        return clients_route(c, *rest);
    }
    if (auto rest = below(path, "/delegations")) {
        return delegations_route(c, *rest);
    }
    throw HttpError(404, "not_found", fmt::format("no such endpoint: /api/v1{}", path));
}

}  // namespace mpctl::server
