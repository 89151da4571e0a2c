// SPDX-License-Identifier: Apache-2.0
// The pieces compute_plan()'s planners share (core/registry_plan.cpp, and
// core/planning_systems.cpp for systems): what a file speaks for, the step
// builder, the rule of --prune for clients, and small list helpers.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/entities.hpp"
#include "core/plan.hpp"
#include "core/registry.hpp"
#include "core/registry_file.hpp"
#include "core/values.hpp"

namespace mpctl::core::planning {

void add_unique(std::vector<std::string>& list, const std::string& value);
bool contains(const std::vector<std::string>& list, const std::string& value);
std::vector<std::string> sorted(std::vector<std::string> v);
// A scope as a snapshot has it: with the consumers of approved access, sorted.
SnapshotScope snapshot_scope(Registry& registry, Scope scope);

// Whether `name` is a scope of the built-in admin prefix (core/operator.hpp).
bool is_admin_scope(const std::string& name);

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

// Where a --prune step comes from: "FILE: --prune: KIND ID".
std::string prune_where(const DesiredRegistry& desired, PlanKind kind, const std::string& id);

// The steps, collected by phase and kind, then put in order.
class Builder {
  public:
    void add(PlanStep step) {
        size_t bucket = step.op == PlanOp::remove ? k_kinds + (k_kinds - 1 - index(step.kind))
                                                  : index(step.kind);
        m_buckets[bucket].push_back(std::move(step));
    }

    // A step that must come before the additions and changes of its kind
    // (a system that gives up a client another system of the file takes),
    // even a removal; among themselves, in the order given.
    void add_first(PlanStep step) {
        auto& bucket = m_buckets[index(step.kind)];
        size_t& firsts = m_firsts[index(step.kind)];
        bucket.insert(bucket.begin() + static_cast<std::ptrdiff_t>(firsts++), std::move(step));
    }

    Plan finish(std::map<std::string, plan::ReplaceKeys> key_sets) {
        Plan plan;
        for (auto& bucket : m_buckets) {
            for (auto& step : bucket) {
                if (step.kind == PlanKind::key) {
                    std::string client = step.id.substr(0, step.id.rfind(' '));
                    if (auto it = key_sets.find(client); it != key_sets.end()) {
                        step.action = std::move(it->second);
                        key_sets.erase(it);
                    }
                }
                plan.steps.push_back(std::move(step));
            }
        }
        return plan;
    }

  private:
    static constexpr size_t k_kinds = 8;
    static size_t index(PlanKind kind) { return static_cast<size_t>(kind); }
    std::array<std::vector<PlanStep>, 2 * k_kinds> m_buckets;
    std::array<size_t, k_kinds> m_firsts{};
};

// A plan's step; `field` is the one field a refusal of it is about.
PlanStep step(PlanOp op, PlanKind kind, std::string id, std::string where,
              std::optional<PlanAction> action, std::string field = "",
              std::vector<std::string> fields = {});

// Whether --prune deactivates `c`: an active client of an org the file's
// clients speak for, that the file does not list. An admin client (one
// with an admin scope) is how the org reaches the API, maybe this very
// apply: never pruned, only deactivated by name.
bool pruned(const Client& c, const DesiredRegistry& desired, const FileReach& reach,
            const PlanOptions& options);

}  // namespace mpctl::core::planning
