// SPDX-License-Identifier: Apache-2.0
// What a removal or a deactivation did, so that doing it again is an answer,
// not an error: a script that runs twice gets the same outcome.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace mpctl::core {

enum class Change {
    made,     // written now
    already,  // it was in the wanted state already; nothing was written
    absent,   // there was nothing of that name to remove; nothing was written
};

template <class T>
struct Changed {
    T value;  // as it is now (when absent: what the call was about)
    Change change = Change::made;
    // When nothing was written, what was so, as a sentence's start: "scope
    // skatt:a is deactivated already", "client … has no key with kid k1".
    std::string note;
};

// The outcome of a call that wrote: `value` as it is now.
template <class T>
Changed<T> made(T value) {
    return {std::move(value), Change::made, {}};
}

// The notes of outcomes that changed nothing, in one set of words whether
// the local store or a server's API answered (core/registry.hpp).
namespace note {
// "scope skatt:a is deactivated already" (`what`: "scope skatt:a")
inline std::string deactivated_already(std::string_view what) {
    return std::string(what) + " is deactivated already";
}
inline std::string no_access(std::string_view consumer, std::string_view scope) {
    return "org " + std::string(consumer) + " has no access to scope " + std::string(scope) +
           " to revoke";
}
inline std::string revoked_already(std::string_view consumer, std::string_view scope) {
    return "org " + std::string(consumer) + "'s access to scope " + std::string(scope) +
           " is revoked already";
}
inline std::string no_key(std::string_view client_id, std::string_view kid) {
    return "client " + std::string(client_id) + " has no key with kid \"" + std::string(kid) + "\"";
}
inline std::string removed_already(std::string_view delegation_id) {
    return "delegation " + std::string(delegation_id) + " is already removed";
}
}  // namespace note

}  // namespace mpctl::core
