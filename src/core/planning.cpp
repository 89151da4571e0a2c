// SPDX-License-Identifier: Apache-2.0
#include "core/planning.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/operator.hpp"

namespace mpctl::core::planning {

namespace {

// The owner of a scope's prefix: from the file's prefixes, else the store's.
std::optional<std::string> owner_of(const ScopeName& scope, const DesiredRegistry& desired,
                                    const std::vector<PrefixRecord>& prefixes) {
    std::string prefix = scope.prefix().str();
    if (desired.prefixes) {
        for (const auto& p : *desired.prefixes) {
            if (p.prefix.str() == prefix) {
                return p.owner.str();
            }
        }
    }
    for (const auto& p : prefixes) {
        if (p.name == prefix) {
            return p.owner_orgno;
        }
    }
    return std::nullopt;
}

}  // namespace

SnapshotScope snapshot_scope(Registry& registry, Scope scope) {
    std::vector<std::string> access;
    for (const auto& a : registry.access(scope.name)) {
        if (a.state == AccessState::approved) {
            access.push_back(a.consumer_orgno);
        }
    }
    return {std::move(scope), sorted(std::move(access))};
}

bool is_admin_scope(const std::string& name) {
    return name.starts_with(std::string(k_admin_prefix) + ":");
}

void add_unique(std::vector<std::string>& list, const std::string& value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) {
        list.push_back(value);
    }
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

FileReach reach_of(const DesiredRegistry& desired, const std::vector<PrefixRecord>& prefixes,
                   const std::optional<OrgNumber>& acting_org) {
    std::vector<std::string> base;
    for (const auto& org : desired.orgs) {
        add_unique(base, org.str());
    }
    if (acting_org) {
        add_unique(base, acting_org->str());
    }
    FileReach reach;
    if (desired.scopes) {
        reach.scope_orgs = base;
        for (const auto& s : *desired.scopes) {
            if (auto owner = owner_of(s.name, desired, prefixes)) {
                add_unique(reach.scope_orgs, *owner);
            }
        }
    }
    if (desired.clients) {
        reach.client_orgs = base;
        for (const auto& c : *desired.clients) {
            add_unique(reach.client_orgs, c.org.str());
        }
    }
    if (desired.delegations) {
        reach.delegation_orgs = base;
        for (const auto& d : *desired.delegations) {
            add_unique(reach.delegation_orgs, d.consumer.str());
        }
    }
    if (desired.systems) {
        reach.system_orgs = base;
        for (const auto& d : *desired.systems) {
            add_unique(reach.system_orgs, d.vendor.str());
        }
    }
    if (desired.systemusers) {
        reach.systemuser_orgs = base;
        for (const auto& d : *desired.systemusers) {
            add_unique(reach.systemuser_orgs, d.customer.str());
        }
    }
    return reach;
}

std::string prune_where(const DesiredRegistry& desired, PlanKind kind, const std::string& id) {
    return fmt::format("{}: --prune: {} {}", desired.file, to_string(kind), id);
}

PlanStep step(PlanOp op, PlanKind kind, std::string id, std::string where,
              std::optional<PlanAction> action, std::string field,
              std::vector<std::string> fields) {
    return PlanStep{.op = op,
                    .kind = kind,
                    .id = std::move(id),
                    .fields = std::move(fields),
                    .where = std::move(where),
                    .field = std::move(field),
                    .action = std::move(action)};
}

// Whether --prune deactivates `c`: an active client of an org the file's
// clients speak for, that the file does not list. An admin client (one
// with an admin scope) is how the org reaches the API, maybe this very
// apply: never pruned, only deactivated by name.
bool pruned(const Client& c, const DesiredRegistry& desired, const FileReach& reach,
            const PlanOptions& options) {
    if (!options.prune || !desired.clients || !c.active ||
        !contains(reach.client_orgs, c.client_orgno)) {
        return false;
    }
    bool listed =
        std::any_of(desired.clients->begin(), desired.clients->end(), [&](const DesiredClient& d) {
            return d.org.str() == c.client_orgno && d.name == c.client_name;
        });
    bool admin = std::any_of(c.scopes.begin(), c.scopes.end(), is_admin_scope);
    return !listed && !admin;
}

}  // namespace mpctl::core::planning
