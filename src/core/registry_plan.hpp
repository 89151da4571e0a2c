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
#include "core/plan.hpp"
#include "core/registry.hpp"
#include "core/registry_file.hpp"
#include "core/scopes.hpp"
#include "core/values.hpp"

namespace mpctl::core {

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
