// SPDX-License-Identifier: Apache-2.0
// compute_plan()'s systems and system users (docs/apply.md).
#pragma once

#include "core/plan.hpp"
#include "core/planning.hpp"
#include "core/registry_file.hpp"

namespace mpctl::core::planning {

// The file's systems: added, changed (a system that gives up a client
// another system of the file takes goes first) and, with --prune,
// deactivated.
void plan_systems(Builder& b, const RegistrySnapshot& snapshot, const DesiredRegistry& desired,
                  const FileReach& reach, const PlanOptions& options);
// The file's system users: added and, with --prune, deactivated.
void plan_systemusers(Builder& b, const RegistrySnapshot& snapshot, const DesiredRegistry& desired,
                      const FileReach& reach, const PlanOptions& options);

}  // namespace mpctl::core::planning
