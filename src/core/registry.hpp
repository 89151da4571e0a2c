// SPDX-License-Identifier: Apache-2.0
// The registry as one actor works with it: the self-service API's
// operations, whichever registry answers them. Two implement it:
//
//   StoreRegistry   the local store, through core's own functions (this file)
//   ApiRegistry     a server's /api/v1 in Digdir's shapes (core/registry_api.hpp)
//
// The CLI's registry commands and registry as code (core/registry_plan.hpp)
// are written once, against this interface.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/actor.hpp"
#include "core/change.hpp"
#include "core/clients.hpp"
#include "core/entities.hpp"
#include "core/scopes.hpp"
#include "core/store/store.hpp"
#include "core/systems.hpp"
#include "core/values.hpp"

namespace mpctl::core {

class Registry {
  public:
    virtual ~Registry() = default;

    // Who acts: the operator or an organisation (a server's: the one its
    // token names).
    virtual const Actor& actor() const = 0;

    // Prefixes: the actor's (every one for the operator). Adding one is the
    // operator's, on the local store only.
    virtual std::vector<PrefixRecord> prefixes() = 0;
    virtual void add_prefix(const Prefix& prefix, const OrgNumber& owner) = 0;

    // Scopes under the actor's prefixes; a PUBLIC one of anyone's.
    virtual std::vector<Scope> own_scopes(bool include_inactive) = 0;
    virtual std::vector<Scope> public_scopes(bool accessible_for_all_only) = 0;
    virtual Scope scope(const ScopeName& name) = 0;
    virtual Scope create_scope(const ScopeSpec& spec) = 0;
    // Changes the fields `update` gives; the others stay as they are.
    virtual Scope update_scope(const ScopeName& name, const ScopeUpdate& update) = 0;
    virtual Changed<Scope> deactivate_scope(const ScopeName& name) = 0;

    // Access: the list of an own scope, or what `consumer` was granted.
    virtual std::vector<Access> access(const ScopeName& scope) = 0;
    virtual std::vector<Access> access_of(const OrgNumber& consumer) = 0;
    virtual Access grant_access(const ScopeName& scope, const OrgNumber& consumer) = 0;
    virtual Changed<Access> revoke_access(const ScopeName& scope, const OrgNumber& consumer) = 0;

    // Clients of the actor's org (every org's for the operator), or of `org`.
    virtual std::vector<Client> clients(const std::optional<OrgNumber>& org,
                                        bool include_inactive) = 0;
    virtual Client client(const Uuid& id) = 0;
    virtual Client register_client(const ClientSpec& spec) = 0;
    // Changes the fields `update` gives; the others stay as they are.
    virtual Client update_client(const Uuid& id, const ClientUpdate& update) = 0;
    virtual Changed<Client> deactivate_client(const Uuid& id) = 0;

    // A client's keys. Adding renews a kid that is there with the same key;
    // a key without "exp" lives `life`. Replacing sets the whole set.
    virtual ClientKeySet client_keys(const Uuid& id) = 0;
    virtual ClientKeySet add_client_keys(const Uuid& id, const std::vector<nlohmann::json>& jwks,
                                         UnixTime life) = 0;
    virtual ClientKeySet replace_client_keys(const Uuid& id,
                                             const std::vector<nlohmann::json>& jwks) = 0;
    virtual Changed<ClientKeySet> remove_client_key(const Uuid& id, const Kid& kid) = 0;

    // Delegations of the actor's org as a consumer (every one for the operator).
    virtual std::vector<Delegation> delegations(bool include_inactive) = 0;
    virtual Delegation add_delegation(const ScopeName& scope, const OrgNumber& consumer,
                                      const OrgNumber& supplier) = 0;
    virtual Changed<Delegation> remove_delegation(const Uuid& id) = 0;

    // Altinn's system register: the actor's systems and those offered to
    // every org (every system for the operator), and the system users the
    // actor's org has as customer or as vendor.
    virtual std::vector<System> systems(bool include_inactive) = 0;
    virtual System system(const std::string& id) = 0;
    virtual System register_system(const SystemSpec& spec) = 0;
    // Changes the fields `update` gives; the others stay as they are.
    virtual System update_system(const std::string& id, const SystemUpdate& update) = 0;
    virtual Changed<System> deactivate_system(const std::string& id) = 0;
    virtual std::vector<SystemUser> systemusers(const SystemUserFilter& filter) = 0;
    virtual SystemUser systemuser(const Uuid& id) = 0;
    virtual SystemUser add_systemuser(const SystemUserSpec& spec) = 0;
    virtual Changed<SystemUser> deactivate_systemuser(const Uuid& id) = 0;
};

// Registers `spec` unless its org has an active client of its name; then
// as `same_name` says (already: nothing written). Two of the name (the API
// accepts them, as Digdir's does) are a conflict naming both: no name picks
// one. Give it a registry in one transaction (StoreRegistry over a WriteTxn)
// for two runs at once not to register two.
Changed<Client> register_by_name(Registry& registry, const ClientSpec& spec, SameName same_name,
                                 GivenFields given);

// The local store's registry: core's functions as `actor`, the same rules
// as the API's. Over a store, each call is a transaction of its own; over a
// write transaction, every call is in it (registry as code's all or
// nothing).
class StoreRegistry final : public Registry {
  public:
    StoreRegistry(Store& store, Actor actor, std::function<UnixTime()> clock);
    StoreRegistry(WriteTxn& txn, Actor actor, UnixTime now);

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
    // Runs `work` on the transaction given, else on one of its own.
    template <class Work>
    auto reading(Work&& work);
    template <class Work>
    auto writing(Work&& work);

    Store* m_store = nullptr;
    WriteTxn* m_txn = nullptr;
    Actor m_actor;
    std::function<UnixTime()> m_clock;
};

}  // namespace mpctl::core
