// SPDX-License-Identifier: Apache-2.0
// Prefixes, scopes and access: the API provider's side of the registry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/actor.hpp"
#include "core/change.hpp"
#include "core/entities.hpp"
#include "core/store/store.hpp"
#include "core/values.hpp"

namespace mpctl::core {

// Assigns a prefix to an org. Operator only; a prefix is never reassigned
// (conflict), and assigning it again to its owner changes nothing (already).
Changed<PrefixRecord> add_prefix(WriteTxn& txn, const Actor& actor, const Prefix& prefix,
                                 const OrgNumber& owner, UnixTime now);
std::vector<PrefixRecord> list_prefixes(const ReadTxn& txn, const Actor& actor);

// The fields an update may change; unset ones stay as they are. Names never change.
struct ScopeUpdate {
    std::optional<std::string> description;
    std::optional<std::string> long_description;
    std::optional<TokenType> token_type;
    std::optional<int64_t> at_max_age;
    std::optional<Visibility> visibility;
    std::optional<bool> accessible_for_all;
    // Set to an empty optional inside to make the scope no longer delegable.
    std::optional<std::optional<std::string>> delegation_source;
    std::optional<std::vector<std::string>> allowed_integration_types;
    // true reactivates a deactivated scope, false deactivates it.
    std::optional<bool> active;
    std::optional<nlohmann::json> kept;
};

// Sets on `spec` the fields `update` gives, unchecked (update_scope checks
// them); `active` is left alone: a spec's own is how a scope is created.
void set_fields(ScopeSpec& spec, const ScopeUpdate& update);

// at_max_age: 0 (no cap) to 86400 seconds.
void check_at_max_age(int64_t seconds);

// Creates a scope under a prefix the actor's org owns.
Scope create_scope(WriteTxn& txn, const Actor& actor, const ScopeSpec& spec, UnixTime now);
// Changes an own scope. A deactivated one only with `active` given: true
// reactivates it (an org may not reactivate what the operator deactivated:
// forbidden), false leaves it deactivated.
Scope update_scope(WriteTxn& txn, const Actor& actor, const ScopeName& name,
                   const ScopeUpdate& update, UnixTime now);
// Deactivates an own scope; one that is deactivated already stays as it is
// (already).
Changed<Scope> deactivate_scope(WriteTxn& txn, const Actor& actor, const ScopeName& name,
                                UnixTime now);

// A scope the actor may see: its own, or any PUBLIC one. Throws not_found otherwise.
Scope get_scope(const ReadTxn& txn, const Actor& actor, const ScopeName& name);
std::optional<Scope> find_scope(const ReadTxn& txn, const ScopeName& name);
// The actor's own scopes (every scope for the operator).
std::vector<Scope> list_own_scopes(const ReadTxn& txn, const Actor& actor, bool include_inactive);
// Every active PUBLIC scope, optionally only those accessible for all.
std::vector<Scope> list_public_scopes(const ReadTxn& txn, bool accessible_for_all_only);

// Grants a consumer access to an active scope the actor owns. Granting again is
// a no-op; granting denied access approves it again.
Access grant_access(WriteTxn& txn, const Actor& actor, const ScopeName& scope,
                    const OrgNumber& consumer, UnixTime now);
// Takes access away (DENIED). Access that is denied already stays as it is
// (already); access never given is absent.
Changed<Access> revoke_access(WriteTxn& txn, const Actor& actor, const ScopeName& scope,
                              const OrgNumber& consumer, UnixTime now);
// The access list of a scope the actor owns.
std::vector<Access> list_access(const ReadTxn& txn, const Actor& actor, const ScopeName& scope);
// The approved access entries of a consumer the actor acts for.
std::vector<Access> list_access_of(const ReadTxn& txn, const Actor& actor,
                                   const OrgNumber& consumer);

// Whether an org may use a scope: it is active, and accessible for all or granted.
bool has_access(const ReadTxn& txn, const Scope& scope, std::string_view orgno);

}  // namespace mpctl::core
