// SPDX-License-Identifier: Apache-2.0
#include "core/scopes.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>

#include <fmt/format.h>

#include "core/activation.hpp"
#include "core/store/records.hpp"
#include "core/util/error.hpp"

namespace mpctl::core {

void check_at_max_age(int64_t seconds) {
    if (seconds < 0 || seconds > 86400) {
        fail(ErrorKind::invalid_input,
             fmt::format("invalid at_max_age {}: must be 0 (no cap) to 86400 seconds", seconds));
    }
}

namespace {

void require_operator(const Actor& actor, std::string_view what) {
    if (!actor.is_operator()) {
        fail(ErrorKind::forbidden, fmt::format("only the operator may {}", what));
    }
}

void check_delegation_source(const std::optional<std::string>& source) {
    if (!source) {
        return;
    }
    check_text("delegation_source", *source, 255, true);
    for (char c : *source) {
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
            fail(ErrorKind::invalid_input,
                 fmt::format("invalid delegation_source \"{}\": no spaces or control characters",
                             *source));
        }
    }
}

void check_integration_types(const std::vector<std::string>& types) {
    if (types.empty()) {
        fail(ErrorKind::invalid_input, "allowed_integration_types may not be empty");
    }
    const auto& known = known_integration_types();
    for (size_t i = 0; i < types.size(); ++i) {
        if (std::find(known.begin(), known.end(), types[i]) == known.end()) {
            fail(ErrorKind::invalid_input,
                 fmt::format("unknown integration type \"{}\" (known: {})", types[i],
                             fmt::join(known, ", ")));
        }
        if (std::find(types.begin(), types.begin() + static_cast<long>(i), types[i]) !=
            types.begin() + static_cast<long>(i)) {
            fail(ErrorKind::invalid_input,
                 fmt::format("integration type \"{}\" is listed twice", types[i]));
        }
    }
}

void save_scope(WriteTxn& txn, const Scope& scope) {
    save(txn, Table::scopes, scope.name.str(), scope);
    txn.put(Table::scopes_by_owner, index_key(scope.owner_orgno, scope.name.str()), "");
}

// A scope the actor owns: not_found when it cannot see it, forbidden when it
// sees it (PUBLIC) but does not own it.
Scope own_scope(const ReadTxn& txn, const Actor& actor, const ScopeName& name) {
    Scope scope = get_scope(txn, actor, name);
    if (!actor.may_act_for(scope.owner_orgno)) {
        fail(ErrorKind::forbidden, fmt::format("scope {} belongs to org {}, not to {}", name.str(),
                                               scope.owner_orgno, actor.describe()));
    }
    return scope;
}

// The actor's own active scope, for changing it or granting access to it.
Scope own_active_scope(const ReadTxn& txn, const Actor& actor, const ScopeName& name,
                       std::string_view hint = "") {
    Scope scope = own_scope(txn, actor, name);
    if (!scope.active) {
        fail(ErrorKind::conflict, fmt::format("scope {} is deactivated{}", name.str(), hint));
    }
    return scope;
}

}  // namespace

void set_fields(ScopeSpec& spec, const ScopeUpdate& update) {
    spec.description = update.description.value_or(spec.description);
    spec.long_description = update.long_description.value_or(spec.long_description);
    spec.token_type = update.token_type.value_or(spec.token_type);
    spec.at_max_age = update.at_max_age.value_or(spec.at_max_age);
    spec.visibility = update.visibility.value_or(spec.visibility);
    spec.accessible_for_all = update.accessible_for_all.value_or(spec.accessible_for_all);
    spec.delegation_source = update.delegation_source.value_or(spec.delegation_source);
    spec.allowed_integration_types =
        update.allowed_integration_types.value_or(spec.allowed_integration_types);
    spec.kept = update.kept.value_or(spec.kept);
}

Changed<PrefixRecord> add_prefix(WriteTxn& txn, const Actor& actor, const Prefix& prefix,
                                 const OrgNumber& owner, UnixTime now) {
    require_operator(actor, "assign prefixes");
    if (auto existing = load<PrefixRecord>(txn, Table::prefixes, prefix.str())) {
        if (existing->owner_orgno == owner.str()) {
            return {std::move(*existing), Change::already,
                    fmt::format("prefix \"{}\" is assigned to org {} already", prefix.str(),
                                owner.str())};
        }
        fail(ErrorKind::conflict,
             fmt::format("prefix \"{}\" is already assigned to org {}; a prefix is never "
                         "reassigned",
                         prefix.str(), existing->owner_orgno));
    }
    PrefixRecord record{prefix.str(), owner.str(), util::iso8601(now)};
    save(txn, Table::prefixes, prefix.str(), record);
    return made(std::move(record));
}

std::vector<PrefixRecord> list_prefixes(const ReadTxn& txn, const Actor& actor) {
    auto all = load_all<PrefixRecord>(txn, Table::prefixes);
    std::erase_if(all, [&](const PrefixRecord& p) { return !actor.may_act_for(p.owner_orgno); });
    return all;
}

Scope create_scope(WriteTxn& txn, const Actor& actor, const ScopeSpec& spec, UnixTime now) {
    const std::string& name = spec.name.str();
    Prefix prefix = spec.name.prefix();
    auto owner = load<PrefixRecord>(txn, Table::prefixes, prefix.str());
    if (!owner) {
        fail(ErrorKind::not_found,
             fmt::format("cannot create scope {}: prefix \"{}\" is not assigned to any org "
                         "(the operator assigns it with `mpctl prefix add`)",
                         name, prefix.str()));
    }
    if (!actor.may_act_for(owner->owner_orgno)) {
        fail(ErrorKind::forbidden,
             fmt::format("cannot create scope {}: prefix \"{}\" belongs to org {}, not to {}", name,
                         prefix.str(), owner->owner_orgno, actor.describe()));
    }
    if (auto existing = find_scope(txn, spec.name)) {
        fail(ErrorKind::conflict,
             existing->active
                 ? fmt::format("scope {} exists already", name)
                 : fmt::format("scope {} exists already and is deactivated; it cannot be created "
                               "again",
                               name));
    }
    check_text("description", spec.description, 255, true);
    check_text("long_description", spec.long_description, 4096, false, true);
    check_at_max_age(spec.at_max_age);
    check_delegation_source(spec.delegation_source);
    check_integration_types(spec.allowed_integration_types);

    std::string stamp = util::iso8601(now);
    Scope scope{
        spec, prefix.str(), std::string(spec.name.subscope()), owner->owner_orgno, stamp, stamp,
        ""};
    scope.active = true;  // set_active makes it what the spec asks, saying who did
    set_active(scope, spec.active, actor, name);
    save_scope(txn, scope);
    return scope;
}

Scope update_scope(WriteTxn& txn, const Actor& actor, const ScopeName& name,
                   const ScopeUpdate& update, UnixTime now) {
    Scope scope = update.active
                      ? own_scope(txn, actor, name)
                      : own_active_scope(txn, actor, name,
                                         " (activate it first: \"active\": true in the API, "
                                         "mpctl scope activate)");
    if (update.description) {
        check_text("description", *update.description, 255, true);
        scope.description = *update.description;
    }
    if (update.long_description) {
        check_text("long_description", *update.long_description, 4096, false, true);
        scope.long_description = *update.long_description;
    }
    if (update.token_type) {
        scope.token_type = *update.token_type;
    }
    if (update.at_max_age) {
        check_at_max_age(*update.at_max_age);
        scope.at_max_age = *update.at_max_age;
    }
    if (update.visibility) {
        scope.visibility = *update.visibility;
    }
    if (update.accessible_for_all) {
        scope.accessible_for_all = *update.accessible_for_all;
    }
    if (update.delegation_source) {
        check_delegation_source(*update.delegation_source);
        scope.delegation_source = *update.delegation_source;
    }
    if (update.allowed_integration_types) {
        check_integration_types(*update.allowed_integration_types);
        scope.allowed_integration_types = *update.allowed_integration_types;
    }
    if (update.kept) {
        scope.kept = *update.kept;
    }
    if (update.active) {
        set_active(scope, *update.active, actor, fmt::format("scope {}", name.str()));
    }
    scope.last_updated = util::iso8601(now);
    save_scope(txn, scope);
    return scope;
}

Changed<Scope> deactivate_scope(WriteTxn& txn, const Actor& actor, const ScopeName& name,
                                UnixTime now) {
    Scope scope = own_scope(txn, actor, name);
    // As at Digdir, deactivating again is no error (digdirator does it).
    if (!set_active(scope, false, actor, "")) {
        return {std::move(scope), Change::already,
                note::deactivated_already("scope " + name.str())};
    }
    scope.last_updated = util::iso8601(now);
    save_scope(txn, scope);
    return made(std::move(scope));
}

std::optional<Scope> find_scope(const ReadTxn& txn, const ScopeName& name) {
    return load<Scope>(txn, Table::scopes, name.str());
}

Scope get_scope(const ReadTxn& txn, const Actor& actor, const ScopeName& name) {
    auto scope = find_scope(txn, name);
    bool visible = scope && (actor.may_act_for(scope->owner_orgno) ||
                             (scope->visibility == Visibility::public_ && scope->active));
    if (!visible) {
        fail(ErrorKind::not_found, fmt::format("scope {} does not exist", name.str()));
    }
    return *scope;
}

std::vector<Scope> list_own_scopes(const ReadTxn& txn, const Actor& actor, bool include_inactive) {
    std::vector<Scope> out;
    if (actor.is_operator()) {
        out = load_all<Scope>(txn, Table::scopes);
    } else {
        for (const auto& name : index_lookup(txn, Table::scopes_by_owner, actor.org()->str())) {
            if (auto scope = load<Scope>(txn, Table::scopes, name)) {
                out.push_back(std::move(*scope));
            }
        }
    }
    if (!include_inactive) {
        std::erase_if(out, [](const Scope& s) { return !s.active; });
    }
    return out;
}

std::vector<Scope> list_public_scopes(const ReadTxn& txn, bool accessible_for_all_only) {
    auto out = load_all<Scope>(txn, Table::scopes);
    std::erase_if(out, [&](const Scope& s) {
        return !s.active || s.visibility != Visibility::public_ ||
               (accessible_for_all_only && !s.accessible_for_all);
    });
    return out;
}

Access grant_access(WriteTxn& txn, const Actor& actor, const ScopeName& name,
                    const OrgNumber& consumer, UnixTime now) {
    Scope scope = own_active_scope(txn, actor, name);
    std::string key = index_key(name.str(), consumer.str());
    std::string stamp = util::iso8601(now);
    auto access = load<Access>(txn, Table::access, key);
    if (access && access->state == AccessState::approved) {
        return *access;
    }
    if (!access) {
        access = Access{name.str(), consumer.str(), scope.owner_orgno, AccessState::approved,
                        stamp,      stamp};
    }
    access->state = AccessState::approved;
    access->last_updated = stamp;
    save(txn, Table::access, key, *access);
    txn.put(Table::access_by_consumer, index_key(consumer.str(), name.str()), "");
    return *access;
}

Changed<Access> revoke_access(WriteTxn& txn, const Actor& actor, const ScopeName& name,
                              const OrgNumber& consumer, UnixTime now) {
    Scope scope = own_scope(txn, actor, name);
    std::string key = index_key(name.str(), consumer.str());
    auto access = load<Access>(txn, Table::access, key);
    if (!access) {
        return {Access{name.str(), consumer.str(), scope.owner_orgno, AccessState::denied, "", ""},
                Change::absent, note::no_access(consumer.str(), name.str())};
    }
    if (access->state == AccessState::denied) {
        return {std::move(*access), Change::already,
                note::revoked_already(consumer.str(), name.str())};
    }
    access->state = AccessState::denied;
    access->last_updated = util::iso8601(now);
    save(txn, Table::access, key, *access);
    return made(std::move(*access));
}

std::vector<Access> list_access(const ReadTxn& txn, const Actor& actor, const ScopeName& name) {
    Scope scope = own_scope(txn, actor, name);
    return load_all<Access>(txn, Table::access, index_key(name.str(), ""));
}

std::vector<Access> list_access_of(const ReadTxn& txn, const Actor& actor,
                                   const OrgNumber& consumer) {
    if (!actor.may_act_for(consumer.str())) {
        fail(ErrorKind::forbidden,
             fmt::format("{} may not list the access of org {}", actor.describe(), consumer.str()));
    }
    std::vector<Access> out;
    for (const auto& scope : index_lookup(txn, Table::access_by_consumer, consumer.str())) {
        auto access = load<Access>(txn, Table::access, index_key(scope, consumer.str()));
        if (access && access->state == AccessState::approved) {
            out.push_back(std::move(*access));
        }
    }
    return out;
}

bool has_access(const ReadTxn& txn, const Scope& scope, std::string_view orgno) {
    if (!scope.active) {
        return false;
    }
    if (scope.accessible_for_all) {
        return true;
    }
    auto access = load<Access>(txn, Table::access, index_key(scope.name.str(), orgno));
    return access && access->state == AccessState::approved;
}

}  // namespace mpctl::core
