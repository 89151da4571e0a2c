// SPDX-License-Identifier: Apache-2.0
// Deactivating and reactivating a client or a scope, the same for both: doing
// it again changes nothing, and an organisation may not bring back what the
// operator took away.
#pragma once

#include <string_view>

#include <fmt/format.h>

#include "core/actor.hpp"
#include "core/util/error.hpp"

namespace mpctl::core {

// Sets `record.active` as `actor` asks; false when nothing changed. A record
// deactivated before mpctl noted by whom counts as the operator's.
template <class Record>
bool set_active(Record& record, bool active, const Actor& actor, std::string_view what) {
    if (record.active == active) {
        // The operator deactivating what an org deactivated makes it the operator's.
        if (!active && actor.is_operator() && record.deactivated_by != "operator") {
            record.deactivated_by = "operator";
            return true;
        }
        return false;
    }
    if (active) {
        if (!actor.is_operator() && record.deactivated_by != actor.org()->str()) {
            fail(ErrorKind::forbidden,
                 fmt::format("{} was deactivated by the operator; only the operator may activate "
                             "it",
                             what));
        }
        record.deactivated_by.clear();
    } else {
        record.deactivated_by = actor.is_operator() ? "operator" : actor.org()->str();
    }
    record.active = active;
    return true;
}

}  // namespace mpctl::core
