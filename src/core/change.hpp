// SPDX-License-Identifier: Apache-2.0
// What a removal or a deactivation did, so that doing it again is an answer,
// not an error: a script that runs twice gets the same outcome.
#pragma once

#include <string>
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

}  // namespace mpctl::core
