// SPDX-License-Identifier: Apache-2.0
// Registry as code (docs/apply.md): what a registry file asks compared with
// the registry as it is, as a plan of changes, and the plan carried out
// through an abstract writer. Three parts, so that the same plan serves the
// local store and a server's self-service API:
//
//   RegistrySnapshot   the current state of what the file speaks for, as
//                      plain data (as the API shows it): snapshot_of() reads
//                      it from a Registry (core/registry.hpp), the local
//                      store's or a server's
//   compute_plan()     pure: snapshot + file -> the steps, in order
//   execute_plan()     makes the steps through the same Registry: on the
//                      local store, one write transaction
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/actor.hpp"
#include "core/clients.hpp"
#include "core/entities.hpp"
#include "core/registry.hpp"
#include "core/registry_file.hpp"
#include "core/scopes.hpp"
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

// What a file speaks for, kind by kind: the organisations whose entries of
// that kind --prune may touch. Each kind's are the file's "orgs", the acting
// org, and those its entries of that kind name: a scope's owner (by its
// prefix, from the file or `prefixes`), a client's org, a delegation's
// consumer, a system's vendor, a system user's customer. A kind the file
// leaves out speaks for none.
struct FileReach {
    std::vector<std::string> scope_orgs;
    std::vector<std::string> client_orgs;
    std::vector<std::string> delegation_orgs;
    std::vector<std::string> system_orgs;
    std::vector<std::string> systemuser_orgs;
};
FileReach reach_of(const DesiredRegistry& desired, const std::vector<PrefixRecord>& prefixes,
                   const std::optional<OrgNumber>& acting_org);

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

// The steps that make `snapshot` what `desired` asks. Pure. Throws
// conflict when the file names what cannot be told apart or changed (two
// active clients of one name, a prefix of another owner, a system's client
// that --prune deactivates), invalid_input for a system's client that is not
// there, and forbidden for one of an org the actor cannot see.
Plan compute_plan(const RegistrySnapshot& snapshot, const DesiredRegistry& desired,
                  const PlanOptions& options);

// The snapshot of a registry for `desired`, as its actor sees it.
RegistrySnapshot snapshot_of(Registry& registry, const DesiredRegistry& desired);

// What `mpctl export` writes: the snapshot of all that the registry's actor
// owns (for the operator: every org's), or of `org`'s.
RegistrySnapshot snapshot_for_export(Registry& registry, const std::optional<OrgNumber>& org);
// The snapshot as a registry file's document: prefixes (the operator's
// export only), active scopes with their access, clients with their keys
// (public JWKs, with kid), delegations, active systems (their clients by
// name where the name tells one active client, else by id) and active
// system users; "orgs" when `org` is given. The
// built-in admin prefix is left out, and an admin scope appears only when
// it has access, as its name and access list. Applying it to the same
// store changes nothing.
nlohmann::ordered_json registry_document(const RegistrySnapshot& snapshot, const Actor& actor,
                                         const std::optional<OrgNumber>& org);

// Makes each step with `writer`, in order. A refusal is thrown again with
// the step's place in the file (and field) before its words, of the same
// ErrorKind.
void execute_plan(const Plan& plan, Registry& writer);

}  // namespace mpctl::core
