// SPDX-License-Identifier: Apache-2.0
#include "core/registry_api.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include <fmt/format.h>

#include "core/digdir_fields.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace mpctl::core {

using nlohmann::json;

namespace {

// Reading an answer: what it has of each field, else the field's default,
// since Digdir's answers carry more fields, and sometimes fewer, than
// mpctl's.
std::string text(const json& j, const char* name, const std::string& otherwise = "") {
    auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : otherwise;
}

template <class T>
T number(const json& j, const char* name, T otherwise) {
    auto it = j.find(name);
    return it != j.end() && it->is_number_integer() ? it->get<T>() : otherwise;
}

bool flag(const json& j, const char* name, bool otherwise) {
    auto it = j.find(name);
    return it != j.end() && it->is_boolean() ? it->get<bool>() : otherwise;
}

std::vector<std::string> texts(const json& j, const char* name,
                               std::vector<std::string> otherwise = {}) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_array()) {
        return otherwise;
    }
    std::vector<std::string> out;
    for (const auto& v : *it) {
        if (v.is_string()) {
            out.push_back(v.get<std::string>());
        }
    }
    return out;
}

// An answer's list: a JSON array (null, for an empty body, is none).
const json& list(const json& answer) {
    static const json k_none = json::array();
    if (answer.is_null()) {
        return k_none;
    }
    if (!answer.is_array()) {
        fail(ErrorKind::failure, "a list was expected");
    }
    return answer;
}

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

Access access_from(const json& j) {
    return Access{text(j, "scope"),       text(j, "consumer_orgno"),
                  text(j, "owner_orgno"), parse_access_state(text(j, "state", "APPROVED")),
                  text(j, "created"),     text(j, "last_updated")};
}

Client client_from(const json& j) {
    Client c;
    c.client_id = text(j, "client_id");
    if (c.client_id.empty()) {
        fail(ErrorKind::failure, "a client without \"client_id\"");
    }
    c.client_name = text(j, "client_name");
    c.description = text(j, "description");
    c.client_orgno = text(j, "client_orgno");
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

template <class T, class From>
std::vector<T> all_from(const json& answer, From from) {
    std::vector<T> out;
    for (const auto& j : list(answer)) {
        out.push_back(from(j));
    }
    return out;
}

// What a POST or PUT of a scope sends: Digdir's input fields (prefix and
// subscope), and "active" only when given, as a PUT of a deactivated scope
// changes nothing unless it reactivates it.
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

// A key as a JWK set sends it back: the JWK with its expiry.
json key_to_send(const ClientKey& key) {
    json jwk = key.jwk;
    jwk["exp"] = key.expires;
    return jwk;
}

std::string query_value(std::string_view value) {
    return util::form_encode(value);
}

// Every reading of an answer goes through here: an answer that is not what
// the API answers is a failure naming the request, never a crash.
template <class Work>
auto read_answer(const std::string& what, Work&& work) {
    try {
        return work();
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::failure && e.kind() != ErrorKind::invalid_input) {
            throw;
        }
        fail(ErrorKind::failure, fmt::format("the server's answer to {}: {}", what, e.what()));
    } catch (const json::exception& e) {
        fail(ErrorKind::failure, fmt::format("the server's answer to {}: {}", what, e.what()));
    }
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
        request.bearer = m_token(true);
        response = m_http.send(request);
    }
    if (response.status < 200 || response.status > 299) {
        throw api_error(method, url, response);
    }
    if (response.body.empty()) {
        return nullptr;
    }
    auto answer = json::parse(response.body, nullptr, false);
    if (answer.is_discarded()) {
        fail(ErrorKind::failure, fmt::format("the answer to {} {} is not JSON (HTTP {}, {} bytes)",
                                             method, url, response.status, response.body.size()));
    }
    return answer;
}

std::vector<PrefixRecord> ApiRegistry::prefixes() {
    auto answer = call("GET", "v1/prefix");
    return read_answer("GET v1/prefix",
                       [&] { return all_from<PrefixRecord>(answer, prefix_from); });
}

void ApiRegistry::add_prefix(const Prefix& prefix, const OrgNumber&) {
    fail(ErrorKind::forbidden,
         fmt::format("prefix {}: a server's API adds no prefixes; its operator does (mpctl "
                     "prefix add, on its store)",
                     prefix.str()));
}

std::vector<Scope> ApiRegistry::own_scopes(bool include_inactive) {
    std::string path = include_inactive ? "v1/scopes?inactive=true" : "v1/scopes";
    auto answer = call("GET", path);
    return read_answer("GET " + path, [&] { return all_from<Scope>(answer, scope_from); });
}

std::vector<Scope> ApiRegistry::public_scopes(bool accessible_for_all_only) {
    std::string path =
        accessible_for_all_only ? "v1/scopes/all?accessible_for_all=true" : "v1/scopes/all";
    auto answer = call("GET", path);
    return read_answer("GET " + path, [&] { return all_from<Scope>(answer, scope_from); });
}

Scope ApiRegistry::scope(const ScopeName& name) {
    std::string path = "v1/scopes?scope=" + query_value(name.str());
    auto answer = call("GET", path);
    return read_answer("GET " + path, [&] { return scope_from(answer); });
}

Scope ApiRegistry::create_scope(const ScopeSpec& spec) {
    auto answer = call("POST", "v1/scopes",
                       scope_body(spec, spec.active ? std::nullopt : std::optional(false)));
    return read_answer("POST v1/scopes", [&] { return scope_from(answer); });
}

Scope ApiRegistry::update_scope(const ScopeName& name, const ScopeUpdate& update) {
    // The API's PUT replaces the scope: send it whole, as it is with the update.
    ScopeSpec s = scope(name);
    s.description = update.description.value_or(s.description);
    s.long_description = update.long_description.value_or(s.long_description);
    s.token_type = update.token_type.value_or(s.token_type);
    s.at_max_age = update.at_max_age.value_or(s.at_max_age);
    s.visibility = update.visibility.value_or(s.visibility);
    s.accessible_for_all = update.accessible_for_all.value_or(s.accessible_for_all);
    s.delegation_source = update.delegation_source.value_or(s.delegation_source);
    s.allowed_integration_types =
        update.allowed_integration_types.value_or(s.allowed_integration_types);
    s.kept = update.kept.value_or(s.kept);
    std::string path = "v1/scopes?scope=" + query_value(name.str());
    auto answer = call("PUT", path, scope_body(s, update.active));
    return read_answer("PUT " + path, [&] { return scope_from(answer); });
}

Changed<Scope> ApiRegistry::deactivate_scope(const ScopeName& name) {
    Scope now = scope(name);
    if (!now.active) {
        return {std::move(now), Change::already,
                fmt::format("scope {} is deactivated already", name.str())};
    }
    std::string path = "v1/scopes?scope=" + query_value(name.str());
    auto answer = call("DELETE", path);
    return made(read_answer("DELETE " + path, [&] { return scope_from(answer); }));
}

std::vector<Access> ApiRegistry::access(const ScopeName& scope) {
    std::string path = "v1/scopes/access?scope=" + query_value(scope.str());
    auto answer = call("GET", path);
    return read_answer("GET " + path, [&] { return all_from<Access>(answer, access_from); });
}

std::vector<Access> ApiRegistry::access_of(const OrgNumber& consumer) {
    if (!m_actor.may_act_for(consumer.str())) {
        fail(ErrorKind::forbidden,
             fmt::format("{} may not list the access of org {}: a server answers for the org "
                         "its token names",
                         m_actor.describe(), consumer.str()));
    }
    auto answer = call("GET", "v1/scopes/access/all");
    return read_answer("GET v1/scopes/access/all",
                       [&] { return all_from<Access>(answer, access_from); });
}

Access ApiRegistry::grant_access(const ScopeName& scope, const OrgNumber& consumer) {
    std::string path = "v1/scopes/access/" + consumer.str() + "?scope=" + query_value(scope.str());
    auto answer = call("PUT", path);
    return read_answer("PUT " + path, [&] { return access_from(answer); });
}

Changed<Access> ApiRegistry::revoke_access(const ScopeName& scope, const OrgNumber& consumer) {
    auto entries = access(scope);
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const Access& a) { return a.consumer_orgno == consumer.str(); });
    if (it == entries.end()) {
        return {
            Access{scope.str(), consumer.str(), m_actor.org() ? m_actor.org()->str() : "",
                   AccessState::denied, "", ""},
            Change::absent,
            fmt::format("org {} has no access to scope {} to revoke", consumer.str(), scope.str())};
    }
    if (it->state == AccessState::denied) {
        return {std::move(*it), Change::already,
                fmt::format("org {}'s access to scope {} is revoked already", consumer.str(),
                            scope.str())};
    }
    std::string path = "v1/scopes/access/" + consumer.str() + "?scope=" + query_value(scope.str());
    auto answer = call("DELETE", path);
    return made(read_answer("DELETE " + path, [&] { return access_from(answer); }));
}

std::vector<Client> ApiRegistry::clients(const std::optional<OrgNumber>& org,
                                         bool include_inactive) {
    std::string path = include_inactive ? "v1/clients?inactive=true" : "v1/clients";
    auto answer = call("GET", path);
    auto all = read_answer("GET " + path, [&] { return all_from<Client>(answer, client_from); });
    std::erase_if(all, [&](const Client& c) {
        return (org && c.client_orgno != org->str()) || (!include_inactive && !c.active);
    });
    return all;
}

Client ApiRegistry::client(const Uuid& id) {
    std::string path = "v1/clients/" + id.str();
    auto answer = call("GET", path);
    return read_answer("GET " + path, [&] { return client_from(answer); });
}

Client ApiRegistry::register_client(const ClientSpec& spec) {
    auto answer = call("POST", "v1/clients",
                       client_body(spec, spec.active ? std::nullopt : std::optional(false)));
    return read_answer("POST v1/clients", [&] { return client_from(answer); });
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
    std::string path = "v1/clients/" + id.str();
    auto answer = call("PUT", path, client_body(s, update.active));
    return read_answer("PUT " + path, [&] { return client_from(answer); });
}

Changed<Client> ApiRegistry::deactivate_client(const Uuid& id) {
    Client now = client(id);
    if (!now.active) {
        return {std::move(now), Change::already,
                fmt::format("client {} is deactivated already", id.str())};
    }
    std::string path = "v1/clients/" + id.str();
    auto answer = call("DELETE", path);
    return made(read_answer("DELETE " + path, [&] { return client_from(answer); }));
}

ClientKeySet ApiRegistry::client_keys(const Uuid& id) {
    std::string path = "v1/clients/" + id.str() + "/jwks";
    auto answer = call("GET", path);
    return read_answer("GET " + path, [&] { return keys_from(answer, id); });
}

ClientKeySet ApiRegistry::add_client_keys(const Uuid& id, const std::vector<json>& jwks,
                                          UnixTime life) {
    // The API replaces the whole set: the keys there, but those of a kid
    // given again (renewed, as the local store does), and the new ones.
    auto set = client_keys(id);
    json keys = json::array();
    for (const auto& key : set.keys) {
        auto again = std::find_if(jwks.begin(), jwks.end(),
                                  [&](const json& j) { return j.value("kid", "") == key.kid(); });
        if (again == jwks.end()) {
            keys.push_back(key_to_send(key));
            continue;
        }
        if (!util::Key::from_jwk(*again).same_public_key(util::Key::from_jwk(key.jwk))) {
            fail(ErrorKind::conflict,
                 fmt::format("client {} has another key with kid \"{}\"; give this one another "
                             "kid, or remove that one first",
                             id.str(), key.kid()));
        }
    }
    for (auto jwk : jwks) {
        if (!jwk.contains("exp")) {
            jwk["exp"] = m_clock() + life;
        }
        keys.push_back(std::move(jwk));
    }
    return replace_client_keys(id, std::vector<json>(keys.begin(), keys.end()));
}

ClientKeySet ApiRegistry::replace_client_keys(const Uuid& id, const std::vector<json>& jwks) {
    std::string path = "v1/clients/" + id.str() + "/jwks";
    auto answer = call("PUT", path, json{{"keys", jwks}});
    return read_answer("PUT " + path, [&] { return keys_from(answer, id); });
}

Changed<ClientKeySet> ApiRegistry::remove_client_key(const Uuid& id, const Kid& kid) {
    auto set = client_keys(id);
    bool there = std::any_of(set.keys.begin(), set.keys.end(),
                             [&](const ClientKey& k) { return k.kid() == kid.str(); });
    if (!there) {
        return {std::move(set), Change::absent,
                fmt::format("client {} has no key with kid \"{}\"", id.str(), kid.str())};
    }
    std::string path = "v1/clients/" + id.str() + "/jwks/" + query_value(kid.str());
    call("DELETE", path);
    // Digdir answers the removal with no body: the set as it is now.
    return made(client_keys(id));
}

std::vector<Delegation> ApiRegistry::delegations(bool include_inactive) {
    std::string path = include_inactive ? "v1/delegations?inactive=true" : "v1/delegations";
    auto answer = call("GET", path);
    return read_answer("GET " + path,
                       [&] { return all_from<Delegation>(answer, delegation_from); });
}

Delegation ApiRegistry::add_delegation(const ScopeName& scope, const OrgNumber& consumer,
                                       const OrgNumber& supplier) {
    auto answer = call("POST", "v1/delegations",
                       json{{"scope", scope.str()},
                            {"consumer_orgno", consumer.str()},
                            {"supplier_orgno", supplier.str()}});
    return read_answer("POST v1/delegations", [&] { return delegation_from(answer); });
}

Changed<Delegation> ApiRegistry::remove_delegation(const Uuid& id) {
    auto all = delegations(true);
    auto it =
        std::find_if(all.begin(), all.end(), [&](const Delegation& d) { return d.id == id.str(); });
    if (it == all.end()) {
        fail(ErrorKind::not_found, fmt::format("delegation {} does not exist", id.str()));
    }
    if (!it->active) {
        return {std::move(*it), Change::already,
                fmt::format("delegation {} is already removed", id.str())};
    }
    std::string path = "v1/delegations/" + id.str();
    auto answer = call("DELETE", path);
    return made(read_answer("DELETE " + path, [&] { return delegation_from(answer); }));
}

}  // namespace mpctl::core
