// SPDX-License-Identifier: Apache-2.0
#include "core/registry.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/delegations.hpp"
#include "core/util/error.hpp"

namespace mpctl::core {

namespace {

// The API's names of the fields an update would change.
std::vector<std::string> changed_fields(const ClientUpdate& update) {
    std::vector<std::string> out;
    if (update.description) {
        out.emplace_back("description");
    }
    if (update.scopes) {
        out.emplace_back("scopes");
    }
    if (update.access_token_lifetime) {
        out.emplace_back("access_token_lifetime");
    }
    return out;
}

}  // namespace

Changed<Client> register_by_name(Registry& registry, const ClientSpec& spec, SameName same_name,
                                 GivenFields given) {
    auto existing = registry.clients(spec.org, false);
    std::erase_if(existing, [&](const Client& c) { return c.client_name != spec.client_name; });
    if (existing.empty()) {
        return made(registry.register_client(spec));
    }
    if (existing.size() > 1) {
        std::vector<std::string> ids;
        for (const auto& c : existing) {
            ids.push_back(c.client_id);
        }
        fail(ErrorKind::conflict,
             fmt::format("org {} has {} active clients named \"{}\" ({}); give each its own "
                         "name (mpctl client update ID --name …)",
                         spec.org.str(), existing.size(), spec.client_name, fmt::join(ids, ", ")));
    }
    Client& found = existing.front();
    if (same_name == SameName::refuse) {
        fail(ErrorKind::conflict,
             fmt::format("org {} has an active client named \"{}\" already ({}); --if-absent "
                         "prints it, --update-if-different makes it what is asked",
                         spec.org.str(), spec.client_name, found.client_id));
    }
    ClientUpdate update;
    if (std::set<std::string>(found.scopes.begin(), found.scopes.end()) !=
        std::set<std::string>(spec.scopes.begin(), spec.scopes.end())) {
        update.scopes = spec.scopes;
    }
    if (given.description && found.description != spec.description) {
        update.description = spec.description;
    }
    if (given.access_token_lifetime && found.access_token_lifetime != spec.access_token_lifetime) {
        update.access_token_lifetime = spec.access_token_lifetime;
    }
    auto differ = changed_fields(update);
    if (differ.empty()) {
        std::string note = fmt::format("org {}'s client \"{}\" ({}) is as asked already",
                                       spec.org.str(), spec.client_name, found.client_id);
        return {std::move(found), Change::already, std::move(note)};
    }
    if (same_name == SameName::keep_if_same) {
        fail(ErrorKind::conflict,
             fmt::format("org {}'s client \"{}\" ({}) differs in {}; --update-if-different "
                         "makes it so",
                         spec.org.str(), spec.client_name, found.client_id,
                         fmt::join(differ, ", ")));
    }
    return made(registry.update_client(Uuid::parse(found.client_id, "client id"), update));
}

StoreRegistry::StoreRegistry(Store& store, Actor actor, std::function<UnixTime()> clock)
    : m_store(&store), m_actor(std::move(actor)), m_clock(std::move(clock)) {}

StoreRegistry::StoreRegistry(WriteTxn& txn, Actor actor, UnixTime now)
    : m_txn(&txn), m_actor(std::move(actor)), m_clock([now] { return now; }) {}

template <class Work>
auto StoreRegistry::reading(Work&& work) {
    if (m_txn != nullptr) {
        return work(static_cast<const ReadTxn&>(*m_txn));
    }
    auto txn = m_store->read();
    return work(static_cast<const ReadTxn&>(txn));
}

template <class Work>
auto StoreRegistry::writing(Work&& work) {
    if (m_txn != nullptr) {
        return work(*m_txn);
    }
    return m_store->write(work);
}

std::vector<PrefixRecord> StoreRegistry::prefixes() {
    return reading([&](const ReadTxn& txn) { return list_prefixes(txn, m_actor); });
}

void StoreRegistry::add_prefix(const Prefix& prefix, const OrgNumber& owner) {
    writing([&](WriteTxn& txn) { core::add_prefix(txn, m_actor, prefix, owner, m_clock()); });
}

std::vector<Scope> StoreRegistry::own_scopes(bool include_inactive) {
    return reading(
        [&](const ReadTxn& txn) { return list_own_scopes(txn, m_actor, include_inactive); });
}

std::vector<Scope> StoreRegistry::public_scopes(bool accessible_for_all_only) {
    return reading(
        [&](const ReadTxn& txn) { return list_public_scopes(txn, accessible_for_all_only); });
}

Scope StoreRegistry::scope(const ScopeName& name) {
    return reading([&](const ReadTxn& txn) { return get_scope(txn, m_actor, name); });
}

Scope StoreRegistry::create_scope(const ScopeSpec& spec) {
    return writing(
        [&](WriteTxn& txn) { return core::create_scope(txn, m_actor, spec, m_clock()); });
}

Scope StoreRegistry::update_scope(const ScopeName& name, const ScopeUpdate& update) {
    return writing(
        [&](WriteTxn& txn) { return core::update_scope(txn, m_actor, name, update, m_clock()); });
}

Changed<Scope> StoreRegistry::deactivate_scope(const ScopeName& name) {
    return writing(
        [&](WriteTxn& txn) { return core::deactivate_scope(txn, m_actor, name, m_clock()); });
}

std::vector<Access> StoreRegistry::access(const ScopeName& scope) {
    return reading([&](const ReadTxn& txn) { return list_access(txn, m_actor, scope); });
}

std::vector<Access> StoreRegistry::access_of(const OrgNumber& consumer) {
    return reading([&](const ReadTxn& txn) { return list_access_of(txn, m_actor, consumer); });
}

Access StoreRegistry::grant_access(const ScopeName& scope, const OrgNumber& consumer) {
    return writing([&](WriteTxn& txn) {
        return core::grant_access(txn, m_actor, scope, consumer, m_clock());
    });
}

Changed<Access> StoreRegistry::revoke_access(const ScopeName& scope, const OrgNumber& consumer) {
    return writing([&](WriteTxn& txn) {
        return core::revoke_access(txn, m_actor, scope, consumer, m_clock());
    });
}

std::vector<Client> StoreRegistry::clients(const std::optional<OrgNumber>& org,
                                           bool include_inactive) {
    return reading(
        [&](const ReadTxn& txn) { return list_clients(txn, m_actor, org, include_inactive); });
}

Client StoreRegistry::client(const Uuid& id) {
    return reading([&](const ReadTxn& txn) { return get_client(txn, m_actor, id); });
}

Client StoreRegistry::register_client(const ClientSpec& spec) {
    return writing(
        [&](WriteTxn& txn) { return core::register_client(txn, m_actor, spec, m_clock()); });
}

Client StoreRegistry::update_client(const Uuid& id, const ClientUpdate& update) {
    return writing(
        [&](WriteTxn& txn) { return core::update_client(txn, m_actor, id, update, m_clock()); });
}

Changed<Client> StoreRegistry::deactivate_client(const Uuid& id) {
    return writing(
        [&](WriteTxn& txn) { return core::deactivate_client(txn, m_actor, id, m_clock()); });
}

ClientKeySet StoreRegistry::client_keys(const Uuid& id) {
    return reading([&](const ReadTxn& txn) { return get_client_keys(txn, m_actor, id); });
}

ClientKeySet StoreRegistry::add_client_keys(const Uuid& id, const std::vector<nlohmann::json>& jwks,
                                            UnixTime life) {
    return writing([&](WriteTxn& txn) {
        return core::add_client_keys(txn, m_actor, id, jwks, m_clock(), life);
    });
}

ClientKeySet StoreRegistry::replace_client_keys(const Uuid& id,
                                                const std::vector<nlohmann::json>& jwks) {
    return writing([&](WriteTxn& txn) {
        return core::replace_client_keys(txn, m_actor, id, jwks, m_clock());
    });
}

Changed<ClientKeySet> StoreRegistry::remove_client_key(const Uuid& id, const Kid& kid) {
    return writing([&](WriteTxn& txn) { return core::remove_client_key(txn, m_actor, id, kid); });
}

std::vector<Delegation> StoreRegistry::delegations(bool include_inactive) {
    return reading(
        [&](const ReadTxn& txn) { return list_delegations(txn, m_actor, include_inactive); });
}

Delegation StoreRegistry::add_delegation(const ScopeName& scope, const OrgNumber& consumer,
                                         const OrgNumber& supplier) {
    return writing([&](WriteTxn& txn) {
        return core::add_delegation(txn, m_actor, scope, consumer, supplier, m_clock());
    });
}

Changed<Delegation> StoreRegistry::remove_delegation(const Uuid& id) {
    return writing(
        [&](WriteTxn& txn) { return core::remove_delegation(txn, m_actor, id, m_clock()); });
}

std::vector<System> StoreRegistry::systems(bool include_inactive) {
    return reading(
        [&](const ReadTxn& txn) { return list_systems(txn, m_actor, include_inactive); });
}

System StoreRegistry::system(const std::string& id) {
    return reading([&](const ReadTxn& txn) { return get_system(txn, m_actor, id); });
}

System StoreRegistry::register_system(const SystemSpec& spec) {
    return writing(
        [&](WriteTxn& txn) { return core::register_system(txn, m_actor, spec, m_clock()); });
}

System StoreRegistry::update_system(const std::string& id, const SystemUpdate& update) {
    return writing(
        [&](WriteTxn& txn) { return core::update_system(txn, m_actor, id, update, m_clock()); });
}

Changed<System> StoreRegistry::deactivate_system(const std::string& id) {
    return writing(
        [&](WriteTxn& txn) { return core::deactivate_system(txn, m_actor, id, m_clock()); });
}

std::vector<SystemUser> StoreRegistry::systemusers(const SystemUserFilter& filter) {
    return reading([&](const ReadTxn& txn) { return list_systemusers(txn, m_actor, filter); });
}

SystemUser StoreRegistry::systemuser(const Uuid& id) {
    return reading([&](const ReadTxn& txn) { return get_systemuser(txn, m_actor, id); });
}

SystemUser StoreRegistry::add_systemuser(const SystemUserSpec& spec) {
    return writing(
        [&](WriteTxn& txn) { return core::add_systemuser(txn, m_actor, spec, m_clock()); });
}

Changed<SystemUser> StoreRegistry::deactivate_systemuser(const Uuid& id) {
    return writing(
        [&](WriteTxn& txn) { return core::deactivate_systemuser(txn, m_actor, id, m_clock()); });
}

}  // namespace mpctl::core
