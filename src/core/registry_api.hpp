// SPDX-License-Identifier: Apache-2.0
// The registry of a server, over its self-service API (/api/v1) in Digdir's
// shapes: mpctl serve's, or Digdir's own. The server applies its rules; what
// it refuses comes back as the mpctl::Error of its HTTP status, with its
// words. Where the API replaces (PUT) and the interface changes fields, the
// record is read first and sent back whole; a removal reads first too, to
// answer "already" as the local store does. Neither is atomic: two writers
// at once can interleave, as with any client of the API.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/api_answers.hpp"
#include "core/registry.hpp"
#include "core/util/http.hpp"

namespace mpctl::core {

class ApiRegistry final : public Registry {
  public:
    // An access token with the admin scopes: the one at hand, or with
    // `fresh` a new one (asked once, when the server answers 401 to the one
    // at hand: it expired, or the server no longer knows it).
    using TokenSource = std::function<std::string(bool fresh)>;

    // `server`: where /api/v1 is (https://mp.example/ for mpctl serve);
    // `actor`: the org the token names. `clock`: for the expiry of a key
    // added without one.
    ApiRegistry(util::HttpClient& http, std::string server, Actor actor, TokenSource token,
                std::function<UnixTime()> clock);

    const Actor& actor() const override { return m_actor; }
    std::vector<PrefixRecord> prefixes() override;
    void add_prefix(const Prefix& prefix, const OrgNumber& owner) override;
    std::vector<Scope> own_scopes(bool include_inactive) override;
    std::vector<Scope> public_scopes(bool accessible_for_all_only) override;
    Scope scope(const ScopeName& name) override;
    Scope create_scope(const ScopeSpec& spec) override;
    Scope update_scope(const ScopeName& name, const ScopeUpdate& update) override;
    Changed<Scope> deactivate_scope(const ScopeName& name) override;
    std::vector<Access> access(const ScopeName& scope) override;
    std::vector<Access> access_of(const OrgNumber& consumer) override;
    Access grant_access(const ScopeName& scope, const OrgNumber& consumer) override;
    Changed<Access> revoke_access(const ScopeName& scope, const OrgNumber& consumer) override;
    std::vector<Client> clients(const std::optional<OrgNumber>& org,
                                bool include_inactive) override;
    Client client(const Uuid& id) override;
    Client register_client(const ClientSpec& spec) override;
    Client update_client(const Uuid& id, const ClientUpdate& update) override;
    Changed<Client> deactivate_client(const Uuid& id) override;
    ClientKeySet client_keys(const Uuid& id) override;
    ClientKeySet add_client_keys(const Uuid& id, const std::vector<nlohmann::json>& jwks,
                                 UnixTime life) override;
    ClientKeySet replace_client_keys(const Uuid& id,
                                     const std::vector<nlohmann::json>& jwks) override;
    Changed<ClientKeySet> remove_client_key(const Uuid& id, const Kid& kid) override;
    std::vector<Delegation> delegations(bool include_inactive) override;
    Delegation add_delegation(const ScopeName& scope, const OrgNumber& consumer,
                              const OrgNumber& supplier) override;
    Changed<Delegation> remove_delegation(const Uuid& id) override;
    std::vector<System> systems(bool include_inactive) override;
    System system(const std::string& id) override;
    System register_system(const SystemSpec& spec) override;
    System update_system(const std::string& id, const SystemUpdate& update) override;
    Changed<System> deactivate_system(const std::string& id) override;
    std::vector<SystemUser> systemusers(const SystemUserFilter& filter) override;
    SystemUser systemuser(const Uuid& id) override;
    SystemUser add_systemuser(const SystemUserSpec& spec) override;
    Changed<SystemUser> deactivate_systemuser(const Uuid& id) override;

  private:
    // Sends a request to `path` (under the server's /api/) and returns the
    // answer's JSON (null for an empty body); an error status throws.
    nlohmann::json call(const std::string& method, const std::string& path,
                        const std::optional<nlohmann::json>& body = std::nullopt);
    // call(), and the answer read by `from` (a failure naming the request
    // when it is not what the API answers).
    template <class From>
    auto fetch(const std::string& method, const std::string& path, From from,
               const std::optional<nlohmann::json>& body = std::nullopt);

    util::HttpClient& m_http;
    std::string m_api;  // the server's URL with "api/"
    Actor m_actor;
    TokenSource m_token;
    std::function<UnixTime()> m_clock;
};

// The mpctl::Error an API's error answer stands for: the kind by its status
// (400 invalid_input, 401 and 403 forbidden, 404 not_found, 409 conflict,
// 429 and 5xx unavailable, any other failure), the words from its
// error_description (or error, or the status), and where they came from.
Error api_error(const std::string& method, const std::string& url,
                const util::HttpResponse& response);

template <class From>
auto ApiRegistry::fetch(const std::string& method, const std::string& path, From from,
                        const std::optional<nlohmann::json>& body) {
    auto answer = call(method, path, body);
    return api_answers::read_answer(method + " " + path, [&] { return from(answer); });
}

}  // namespace mpctl::core
