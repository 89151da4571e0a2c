// SPDX-License-Identifier: Apache-2.0
// A registry plan's data (docs/apply.md): the registry as it is, as plain
// data, and the steps that make it what a file asks, each with the call
// that makes it. core/registry_plan.hpp computes and carries out plans;
// core/planning.hpp holds the pieces its planners share.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clients.hpp"
#include "core/entities.hpp"
#include "core/scopes.hpp"
#include "core/systems.hpp"
#include "core/values.hpp"

namespace mpctl::core {

struct SnapshotScope {
    Scope scope;                      // active or not
    std::vector<std::string> access;  // the consumers with approved access, sorted
};

struct SnapshotClient {
    Client client;  // active
    std::vector<ClientKey> keys;
};

// The registry as it is, for what a file speaks for: the prefixes the actor
// sees, the scopes (deactivated ones too) with their access, the active
// clients with their keys, the active delegations, the systems (deactivated
// ones too) and the active system users.
struct RegistrySnapshot {
    std::vector<PrefixRecord> prefixes;
    std::vector<SnapshotScope> scopes;
    // The active clients of `client_orgs`: those the file's clients speak
    // for (with their keys) and the vendors of its systems (whose clients
    // a system names).
    std::vector<SnapshotClient> clients;
    std::vector<std::string> client_orgs;
    std::vector<Delegation> delegations;
    std::vector<System> systems;
    std::vector<SystemUser> systemusers;
};

struct PlanOptions {
    // Deactivate the scopes, clients, systems and system users and remove
    // the delegations that the file leaves out, of the organisations and
    // kinds it speaks for.
    bool prune = false;
    // The organisation the file is applied as (--as), which it speaks for.
    std::optional<OrgNumber> acting_org = std::nullopt;
};

enum class PlanOp { add, change, remove };
enum class PlanKind { prefix, scope, access, client, key, system, systemuser, delegation };
// "add", "change", "remove"; "prefix", "scope", ...
std::string_view to_string(PlanOp op);
std::string_view to_string(PlanKind kind);

// A client as a plan names it: its org and name, and its id once it exists
// (a client registered by an earlier step gets it then). A system may name
// a client by its id alone (no name).
struct ClientRef {
    OrgNumber org;
    std::string name;
    std::optional<Uuid> id;
};

namespace plan {
struct AddPrefix {
    Prefix prefix;
    OrgNumber owner;
};
struct CreateScope {
    ScopeSpec spec;
};
struct UpdateScope {
    ScopeName name;
    ScopeUpdate update;
};
struct DeactivateScope {
    ScopeName name;
};
struct GrantAccess {
    ScopeName scope;
    OrgNumber consumer;
};
struct RevokeAccess {
    ScopeName scope;
    OrgNumber consumer;
};
struct RegisterClient {
    ClientSpec spec;
};
struct UpdateClient {
    ClientRef client;
    ClientUpdate update;
};
struct DeactivateClient {
    ClientRef client;
};
// The client's whole key set: each JWK with "exp" where the expiry is
// kept or given (else a key lives the API's year).
struct ReplaceKeys {
    ClientRef client;
    std::vector<nlohmann::json> jwks;
};
struct AddDelegation {
    ScopeName scope;
    OrgNumber consumer;
    OrgNumber supplier;
};
struct RemoveDelegation {
    Uuid id;
};
// The spec's clients are `clients`, resolved when the step is made.
struct RegisterSystem {
    SystemSpec spec;
    std::vector<ClientRef> clients;
};
// `update` never has clients: `clients` are resolved when the step is made.
struct UpdateSystem {
    std::string id;
    SystemUpdate update;
    std::optional<std::vector<ClientRef>> clients;
};
struct DeactivateSystem {
    std::string id;
};
struct AddSystemUser {
    SystemUserSpec spec;
};
struct DeactivateSystemUser {
    Uuid id;
};
}  // namespace plan

using PlanAction =
    std::variant<plan::AddPrefix, plan::CreateScope, plan::UpdateScope, plan::DeactivateScope,
                 plan::GrantAccess, plan::RevokeAccess, plan::RegisterClient, plan::UpdateClient,
                 plan::DeactivateClient, plan::ReplaceKeys, plan::AddDelegation,
                 plan::RemoveDelegation, plan::RegisterSystem, plan::UpdateSystem,
                 plan::DeactivateSystem, plan::AddSystemUser, plan::DeactivateSystemUser>;

// One line of a plan, and the call that makes it.
struct PlanStep {
    PlanOp op = PlanOp::add;
    PlanKind kind = PlanKind::scope;
    // "acme:orders.read", "974761076/orders-reader", "acme:orders.read 974761076"
    // (access), "974761076/orders-reader KID" (key), "acme:deleg 974761076
    // 999888771" (delegation: scope, consumer, supplier), "974761076_payroll"
    // (system), "974761076_payroll 920000002" (system user: system, customer,
    // and its external ref when that is not the customer)
    std::string id;
    std::vector<std::string> fields;  // what a change changes, by the API's names
    // Where the file asks for it ("registry.yaml: scopes[1] (acme:x)"), or
    // for what it leaves out, "registry.yaml: --prune: client 974761076/x".
    std::string where;
    std::string field;  // the field a refusal is about, when there is one
    // A client's key steps share one ReplaceKeys, on the first of them.
    std::optional<PlanAction> action;
};

// "+ client 974761076/orders-reader", "~ scope acme:x: description, at_max_age"
std::string describe(const PlanStep& step);

struct Plan {
    // Additions and changes first, by kind: prefixes, scopes, access,
    // clients, keys, systems, system users, delegations (each in the file's
    // order); then removals, the other way round. A system that gives up a
    // client another system of the file takes goes first among the
    // systems, changed or deactivated by --prune.
    std::vector<PlanStep> steps;

    size_t count(PlanOp op) const;
    // "1 to add, 2 to change, 0 to remove"
    std::string summary() const;
};

}  // namespace mpctl::core
