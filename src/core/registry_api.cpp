// SPDX-License-Identifier: Apache-2.0
#include "core/registry_api.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include <fmt/format.h>

#include "core/api_answers.hpp"
#include "core/digdir_fields.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace mpctl::core {

using nlohmann::json;
using namespace api_answers;

namespace {

PrefixRecord prefix_from(const json& j) {
    return PrefixRecord{text(j, "prefix", text(j, "name")), text(j, "owner_orgno"),
                        text(j, "created")};
}

Scope scope_from(const json& j) {
    std::string name = text(j, "name");
    if (name.empty()) {
        name = text(j, "prefix") + ":" + text(j, "subscope");
    }
    ScopeSpec spec{.name = ScopeName::parse(name),
                   .description = text(j, "description"),
                   .long_description = text(j, "long_description"),
                   .token_type = parse_token_type(text(j, "token_type", "SELF_CONTAINED")),
                   .at_max_age = number<int64_t>(j, "at_max_age", 0),
                   .visibility = parse_visibility(text(j, "visibility", "PUBLIC")),
                   .accessible_for_all = flag(j, "accessible_for_all", false),
                   .delegation_source = std::nullopt,
                   .allowed_integration_types =
                       texts(j, "allowed_integration_types", {std::string(k_maskinporten)}),
                   .active = flag(j, "active", true),
                   .kept = read_kept_fields(j, scope_digdir_fields())};
    if (auto source = text(j, "delegation_source"); !source.empty()) {
        spec.delegation_source = source;
    }
    Scope scope{std::move(spec),         "", "", text(j, "owner_orgno"), text(j, "created"),
                text(j, "last_updated"), ""};
    scope.prefix = scope.name.prefix().str();
    scope.subscope = std::string(scope.name.subscope());
    return scope;
}

// Any state but APPROVED gives no access (Digdir has REQUESTED and the like).
Access access_from(const json& j) {
    AccessState state =
        text(j, "state", "APPROVED") == "APPROVED" ? AccessState::approved : AccessState::denied;
    return Access{text(j, "scope"),   text(j, "consumer_orgno"), text(j, "owner_orgno"), state,
                  text(j, "created"), text(j, "last_updated")};
}

Client client_from(const json& j) {
    Client c;
    // What the CLI parses again (to update the client, say) is checked here.
    c.client_id = Uuid::parse(text(j, "client_id"), "client_id").str();
    c.client_orgno = OrgNumber::parse(text(j, "client_orgno")).str();
    c.client_name = text(j, "client_name");
    c.description = text(j, "description");
    c.integration_type = text(j, "integration_type", c.integration_type);
    c.token_endpoint_auth_method =
        text(j, "token_endpoint_auth_method", c.token_endpoint_auth_method);
    c.grant_types = texts(j, "grant_types", c.grant_types);
    c.scopes = texts(j, "scopes");
    c.access_token_lifetime = number<int64_t>(j, "access_token_lifetime", 120);
    c.active = flag(j, "active", true);
    c.created = text(j, "created");
    c.last_updated = text(j, "last_updated");
    c.kept = read_kept_fields(j, client_digdir_fields());
    return c;
}

// A time of an answer: mpctl's "2026-11-24T14:43:56Z", or Digdir's with a
// fraction of a second (which is dropped); 0 when it is neither.
UnixTime time_from(const json& j, const char* name) {
    std::string t = text(j, name);
    if (t.size() > 19 && (t[19] == '.' || t[19] == 'Z')) {
        t = t.substr(0, 19) + "Z";
    }
    return util::parse_iso8601(t).value_or(0);
}

ClientKeySet keys_from(const json& j, const Uuid& id) {
    ClientKeySet set{id.str(), {}};
    auto it = j.find("keys");
    if (it == j.end() || !it->is_array()) {
        fail(ErrorKind::failure, "a JWK set without \"keys\"");
    }
    for (const auto& k : *it) {
        if (!k.is_object() || !k.contains("kid") || !k["kid"].is_string()) {
            fail(ErrorKind::failure, "a key without \"kid\"");
        }
        ClientKey key;
        key.jwk = k;
        key.expires = number<UnixTime>(k, "exp", 0);
        key.created = time_from(k, "created");
        key.updated = k.contains("last_updated") ? time_from(k, "last_updated") : key.created;
        for (const char* member : {"exp", "created", "last_updated"}) {
            key.jwk.erase(member);
        }
        set.keys.push_back(std::move(key));
    }
    return set;
}

Delegation delegation_from(const json& j) {
    return Delegation{text(j, "id"),
                      text(j, "scope"),
                      text(j, "consumer_orgno"),
                      text(j, "supplier_orgno"),
                      text(j, "delegation_source"),
                      flag(j, "active", true),
                      text(j, "created"),
                      text(j, "last_updated")};
}

// What a POST or PUT of a scope sends: Digdir's input fields (prefix and
// subscope), and "active" only when given: a PUT without it does not touch a
// deactivated scope (refused), as the local store's update does not.
json scope_body(const ScopeSpec& s, std::optional<bool> active) {
    json body{{"prefix", s.name.prefix().str()},
              {"subscope", std::string(s.name.subscope())},
              {"description", s.description},
              {"long_description", s.long_description},
              {"token_type", to_string(s.token_type)},
              {"at_max_age", s.at_max_age},
              {"visibility", to_string(s.visibility)},
              {"accessible_for_all", s.accessible_for_all},
              {"allowed_integration_types", s.allowed_integration_types}};
    if (s.delegation_source) {
        body["delegation_source"] = *s.delegation_source;
    }
    if (active) {
        body["active"] = *active;
    }
    write_digdir_fields(body, scope_digdir_fields(), s.kept);
    return body;
}

// What a POST or PUT of a client sends, with the fields Digdir requires of
// a Maskinporten client.
json client_body(const ClientSpec& s, std::optional<bool> active) {
    json body{{"client_name", s.client_name},
              {"client_orgno", s.org.str()},
              {"description", s.description},
              {"scopes", s.scopes},
              {"access_token_lifetime", s.access_token_lifetime},
              {"integration_type", std::string(k_maskinporten)},
              {"application_type", "web"},
              {"token_endpoint_auth_method", "private_key_jwt"},
              {"grant_types", json::array({std::string(k_jwt_bearer)})}};
    if (s.client_id) {
        body["client_id"] = s.client_id->str();
    }
    if (active) {
        body["active"] = *active;
    }
    write_digdir_fields(body, client_digdir_fields(), s.kept);
    return body;
}

// A key as a JWK set sends it back: the JWK with its expiry, when the
// answer gave one.
json jwk_with_exp(const ClientKey& key) {
    json jwk = key.jwk;
    if (key.expires != 0) {
        jwk["exp"] = key.expires;
    }
    return jwk;
}

// A key to send, checked first as the local store checks it: above all no
// private key ever leaves (validate_client_jwk refuses one). Its "exp" is
// kept, or else it lives `life` from `now`.
json checked_jwk(const json& raw, UnixTime now, std::optional<UnixTime> life) {
    json jwk = validate_client_jwk(raw);
    if (raw.is_object() && raw.contains("exp")) {
        jwk["exp"] = raw["exp"];
    } else if (life) {
        jwk["exp"] = now + *life;
    }
    return jwk;
}

std::string scope_path(const ScopeName& name) {
    return "v1/scopes?scope=" + query_value(name.str());
}

std::string access_path(const ScopeName& scope, const OrgNumber& consumer) {
    return "v1/scopes/access/" + consumer.str() + "?scope=" + query_value(scope.str());
}

std::string client_path(const Uuid& id, std::string_view below = "") {
    return "v1/clients/" + id.str() + std::string(below);
}

}  // namespace

Error api_error(const std::string& method, const std::string& url,
                const util::HttpResponse& response) {
    long status = response.status;
    ErrorKind kind = status == 400                                       ? ErrorKind::invalid_input
                     : status == 401 || status == 403                    ? ErrorKind::forbidden
                     : status == 404                                     ? ErrorKind::not_found
                     : status == 409                                     ? ErrorKind::conflict
                     : status == 429 || (status >= 500 && status <= 599) ? ErrorKind::unavailable
                                                                         : ErrorKind::failure;
    std::string words;
    auto body = json::parse(response.body, nullptr, false);
    if (body.is_object()) {
        words = text(body, "error_description", text(body, "error", text(body, "message")));
    }
    if (words.empty()) {
        words = fmt::format("the server answered HTTP {}", status);
    }
    return Error(
        kind, fmt::format("{} (HTTP {} from {} {})", util::printable(words), status, method, url));
}

namespace {

// Whether two JWKs are the same key as registered (kid, alg and use too);
// one that does not pass as a client key is no key's same.
bool same_key(const json& a, const json& b) {
    try {
        return validate_client_jwk(a) == validate_client_jwk(b);
    } catch (const Error&) {
        return false;
    }
}

}  // namespace

ApiRegistry::ApiRegistry(util::HttpClient& http, std::string server, Actor actor, TokenSource token,
                         std::function<UnixTime()> clock)
    : m_http(http),
      m_api(std::move(server)),
      m_actor(std::move(actor)),
      m_token(std::move(token)),
      m_clock(std::move(clock)) {
    if (m_api.empty() || m_api.back() != '/') {
        m_api += '/';
    }
    m_api += "api/";
}

json ApiRegistry::call(const std::string& method, const std::string& path,
                       const std::optional<json>& body) {
    std::string url = m_api + path;
    util::HttpRequest request{.method = method, .url = url, .bearer = m_token(false)};
    if (body) {
        request.body = body->dump();
        request.content_type = "application/json";
    }
    auto response = m_http.send(request);
    if (response.status == 401) {
        // The token at hand expired, or the server no longer knows it: once, a new one.
        std::string fresh = m_token(true);
        if (fresh != request.bearer) {
            request.bearer = std::move(fresh);
            response = m_http.send(request);
        }
    }
    if (response.status < 200 || response.status > 299) {
        throw api_error(method, url, response);
    }
    if (response.body.empty()) {
        return nullptr;  // Digdir answers some removals with no body
    }
    auto answer = json::parse(response.body, nullptr, false);
    if (answer.is_discarded()) {
        fail(ErrorKind::failure, fmt::format("the answer to {} {} is not JSON (HTTP {}, {} bytes)",
                                             method, url, response.status, response.body.size()));
    }
    return answer;
}

std::vector<PrefixRecord> ApiRegistry::prefixes() {
    return fetch("GET", "v1/prefix", list_of(prefix_from));
}

void ApiRegistry::add_prefix(const Prefix& prefix, const OrgNumber&) {
    fail(ErrorKind::forbidden,
         fmt::format("prefix {}: a server's API adds no prefixes; its operator does (mpctl "
                     "prefix add, on its store)",
                     prefix.str()));
}

std::vector<Scope> ApiRegistry::own_scopes(bool include_inactive) {
    return fetch("GET", include_inactive ? "v1/scopes?inactive=true" : "v1/scopes",
                 list_of(scope_from));
}

std::vector<Scope> ApiRegistry::public_scopes(bool accessible_for_all_only) {
    return fetch(
        "GET", accessible_for_all_only ? "v1/scopes/all?accessible_for_all=true" : "v1/scopes/all",
        list_of(scope_from));
}

Scope ApiRegistry::scope(const ScopeName& name) {
    try {
        return fetch("GET", scope_path(name), scope_from);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::not_found) {
            throw;
        }
        // The API shows an org only its own; another's PUBLIC scope, as the
        // local store shows it, is in the list of all.
        for (auto& s : public_scopes(false)) {
            if (s.name == name) {
                return s;
            }
        }
        throw;
    }
}

Scope ApiRegistry::create_scope(const ScopeSpec& spec) {
    return fetch("POST", "v1/scopes", scope_from,
                 scope_body(spec, spec.active ? std::nullopt : std::optional(false)));
}

Scope ApiRegistry::update_scope(const ScopeName& name, const ScopeUpdate& update) {
    // The API's PUT replaces the scope: send it whole, as it is with the update.
    ScopeSpec s = scope(name);
    set_fields(s, update);
    return fetch("PUT", scope_path(name), scope_from, scope_body(s, update.active));
}

Changed<Scope> ApiRegistry::deactivate_scope(const ScopeName& name) {
    Scope now = scope(name);
    if (!now.active) {
        return {std::move(now), Change::already, note::deactivated_already("scope " + name.str())};
    }
    return made(fetch("DELETE", scope_path(name),
                      after_removal(
                          now, [](auto& x) { x.active = false; }, scope_from)));
}

std::vector<Access> ApiRegistry::access(const ScopeName& scope) {
    return fetch("GET", "v1/scopes/access?scope=" + query_value(scope.str()), list_of(access_from));
}

std::vector<Access> ApiRegistry::access_of(const OrgNumber& consumer) {
    if (!m_actor.may_act_for(consumer.str())) {
        fail(ErrorKind::forbidden,
             fmt::format("{} may not list the access of org {}: a server answers for the org "
                         "its token names",
                         m_actor.describe(), consumer.str()));
    }
    return fetch("GET", "v1/scopes/access/all", list_of(access_from));
}

Access ApiRegistry::grant_access(const ScopeName& scope, const OrgNumber& consumer) {
    return fetch("PUT", access_path(scope, consumer), access_from);
}

Changed<Access> ApiRegistry::revoke_access(const ScopeName& scope, const OrgNumber& consumer) {
    auto entries = access(scope);
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const Access& a) { return a.consumer_orgno == consumer.str(); });
    if (it == entries.end()) {
        return {Access{scope.str(), consumer.str(), m_actor.org() ? m_actor.org()->str() : "",
                       AccessState::denied, "", ""},
                Change::absent, note::no_access(consumer.str(), scope.str())};
    }
    if (it->state == AccessState::denied) {
        return {std::move(*it), Change::already,
                note::revoked_already(consumer.str(), scope.str())};
    }
    Access now = *it;
    return made(fetch("DELETE", access_path(scope, consumer),
                      after_removal(
                          now, [](auto& x) { x.state = AccessState::denied; }, access_from)));
}

std::vector<Client> ApiRegistry::clients(const std::optional<OrgNumber>& org,
                                         bool include_inactive) {
    if (org && !m_actor.may_act_for(org->str())) {
        fail(ErrorKind::forbidden,
             fmt::format("{} may not list the clients of org {}", m_actor.describe(), org->str()));
    }
    auto all = fetch("GET", include_inactive ? "v1/clients?inactive=true" : "v1/clients",
                     list_of(client_from));
    std::erase_if(all, [&](const Client& c) {
        return (org && c.client_orgno != org->str()) || (!include_inactive && !c.active);
    });
    return all;
}

Client ApiRegistry::client(const Uuid& id) {
    return fetch("GET", client_path(id), client_from);
}

Client ApiRegistry::register_client(const ClientSpec& spec) {
    return fetch("POST", "v1/clients", client_from,
                 client_body(spec, spec.active ? std::nullopt : std::optional(false)));
}

Client ApiRegistry::update_client(const Uuid& id, const ClientUpdate& update) {
    // The API's PUT replaces the client: send it whole, as it is with the update.
    Client c = client(id);
    ClientSpec s{
        .org = OrgNumber::parse(c.client_orgno),
        .client_name = update.client_name.value_or(c.client_name),
        .description = update.description.value_or(c.description),
        .scopes = update.scopes.value_or(c.scopes),
        .access_token_lifetime = update.access_token_lifetime.value_or(c.access_token_lifetime),
        .client_id = id,
        .kept = update.kept.value_or(c.kept)};
    return fetch("PUT", client_path(id), client_from, client_body(s, update.active));
}

Changed<Client> ApiRegistry::deactivate_client(const Uuid& id) {
    Client now = client(id);
    if (!now.active) {
        return {std::move(now), Change::already, note::deactivated_already("client " + id.str())};
    }
    return made(fetch("DELETE", client_path(id),
                      after_removal(
                          now, [](auto& x) { x.active = false; }, client_from)));
}

ClientKeySet ApiRegistry::client_keys(const Uuid& id) {
    return fetch("GET", client_path(id, "/jwks"),
                 [&](const json& answer) { return keys_from(answer, id); });
}

ClientKeySet ApiRegistry::add_client_keys(const Uuid& id, const std::vector<json>& jwks,
                                          UnixTime life) {
    std::vector<json> adding;
    for (const auto& raw : jwks) {
        adding.push_back(checked_jwk(raw, m_clock(), life));
    }
    // The API replaces the whole set: the keys there, but those of a kid
    // given again (renewed, as the local store does: the same key only),
    // and the new ones.
    auto set = client_keys(id);
    std::vector<json> keys;
    for (const auto& key : set.keys) {
        auto again = std::find_if(adding.begin(), adding.end(),
                                  [&](const json& j) { return j["kid"] == key.kid(); });
        if (again == adding.end()) {
            keys.push_back(jwk_with_exp(key));
            continue;
        }
        json bare = *again;
        bare.erase("exp");
        if (!same_key(bare, key.jwk)) {
            fail(ErrorKind::conflict, fmt::format("client {} already has another key with kid "
                                                  "\"{}\"",
                                                  id.str(), key.kid()));
        }
    }
    keys.insert(keys.end(), adding.begin(), adding.end());
    return fetch(
        "PUT", client_path(id, "/jwks"), [&](const json& answer) { return keys_from(answer, id); },
        json{{"keys", keys}});
}

ClientKeySet ApiRegistry::replace_client_keys(const Uuid& id, const std::vector<json>& jwks) {
    json keys = json::array();
    for (const auto& raw : jwks) {
        keys.push_back(checked_jwk(raw, m_clock(), std::nullopt));
    }
    return fetch(
        "PUT", client_path(id, "/jwks"), [&](const json& answer) { return keys_from(answer, id); },
        json{{"keys", keys}});
}

Changed<ClientKeySet> ApiRegistry::remove_client_key(const Uuid& id, const Kid& kid) {
    auto set = client_keys(id);
    bool there = std::any_of(set.keys.begin(), set.keys.end(),
                             [&](const ClientKey& k) { return k.kid() == kid.str(); });
    if (!there) {
        return {std::move(set), Change::absent, note::no_key(id.str(), kid.str())};
    }
    call("DELETE", client_path(id, "/jwks/" + query_value(kid.str())));
    // Digdir answers the removal with no body: the set as it is now.
    return made(client_keys(id));
}

std::vector<Delegation> ApiRegistry::delegations(bool include_inactive) {
    // mpctl's own route: Digdir's Maskinporten has none.
    return none_where_absent([&] {
        return fetch("GET", include_inactive ? "v1/delegations?inactive=true" : "v1/delegations",
                     list_of(delegation_from));
    });
}

Delegation ApiRegistry::add_delegation(const ScopeName& scope, const OrgNumber& consumer,
                                       const OrgNumber& supplier) {
    return fetch("POST", "v1/delegations", delegation_from,
                 json{{"scope", scope.str()},
                      {"consumer_orgno", consumer.str()},
                      {"supplier_orgno", supplier.str()}});
}

Changed<Delegation> ApiRegistry::remove_delegation(const Uuid& id) {
    auto all = delegations(true);
    // Only the consumer's to remove: one it is the supplier of is not there
    // for it, as on the local store.
    auto it = std::find_if(all.begin(), all.end(), [&](const Delegation& d) {
        return d.id == id.str() && m_actor.may_act_for(d.consumer_orgno);
    });
    if (it == all.end()) {
        fail(ErrorKind::not_found, fmt::format("delegation {} does not exist", id.str()));
    }
    if (!it->active) {
        return {std::move(*it), Change::already, note::removed_already(id.str())};
    }
    Delegation now = *it;
    return made(fetch("DELETE", "v1/delegations/" + id.str(),
                      after_removal(
                          now, [](auto& x) { x.active = false; }, delegation_from)));
}

}  // namespace mpctl::core
