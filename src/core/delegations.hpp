// SPDX-License-Identifier: Apache-2.0
// Delegations: a consumer lets a supplier's clients ask for a scope on its behalf.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/actor.hpp"
#include "core/change.hpp"
#include "core/entities.hpp"
#include "core/store/store.hpp"
#include "core/values.hpp"

namespace mpctl::core {

// Delegates a delegable scope the consumer has access to, to another org.
// The actor must act for the consumer.
Delegation add_delegation(WriteTxn& txn, const Actor& actor, const ScopeName& scope,
                          const OrgNumber& consumer, const OrgNumber& supplier, UnixTime now);
// Deactivates a delegation of the actor's (as consumer); one removed
// already stays as it is (already).
Changed<Delegation> remove_delegation(WriteTxn& txn, const Actor& actor, const Uuid& id,
                                      UnixTime now);
// The delegations the actor's org gave or received (all for the operator).
std::vector<Delegation> list_delegations(const ReadTxn& txn, const Actor& actor,
                                         bool include_inactive);
// The active delegation of `scope` from consumer to supplier, if there is one.
std::optional<Delegation> find_delegation(const ReadTxn& txn, std::string_view scope,
                                          std::string_view consumer, std::string_view supplier);

// Whether any consumer has an active delegation of `scope` to `supplier`.
bool is_delegated_to(const ReadTxn& txn, std::string_view scope, std::string_view supplier);

}  // namespace mpctl::core
