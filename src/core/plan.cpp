// SPDX-License-Identifier: Apache-2.0
#include "core/plan.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace mpctl::core {

std::string_view to_string(PlanOp op) {
    switch (op) {
        case PlanOp::add:
            return "add";
        case PlanOp::change:
            return "change";
        case PlanOp::remove:
            return "remove";
    }
    return "change";
}

std::string_view to_string(PlanKind kind) {
    switch (kind) {
        case PlanKind::prefix:
            return "prefix";
        case PlanKind::scope:
            return "scope";
        case PlanKind::access:
            return "access";
        case PlanKind::client:
            return "client";
        case PlanKind::key:
            return "key";
        case PlanKind::system:
            return "system";
        case PlanKind::systemuser:
            return "systemuser";
        case PlanKind::delegation:
            return "delegation";
    }
    return "scope";
}

std::string describe(const PlanStep& step) {
    char sign = step.op == PlanOp::add ? '+' : step.op == PlanOp::change ? '~' : '-';
    std::string line = fmt::format("{} {} {}", sign, to_string(step.kind), step.id);
    if (!step.fields.empty()) {
        line += fmt::format(": {}", fmt::join(step.fields, ", "));
    }
    return line;
}

size_t Plan::count(PlanOp op) const {
    return static_cast<size_t>(
        std::count_if(steps.begin(), steps.end(), [&](const PlanStep& s) { return s.op == op; }));
}

std::string Plan::summary() const {
    return fmt::format("{} to add, {} to change, {} to remove", count(PlanOp::add),
                       count(PlanOp::change), count(PlanOp::remove));
}

}  // namespace mpctl::core
