// SPDX-License-Identifier: Apache-2.0
// For unit tests: which kind of mpctl::Error a call throws.
#pragma once

#include <functional>

#include <doctest/doctest.h>

#include "core/util/error.hpp"

namespace mpctl::test {

// The kind of the mpctl::Error that `f` throws; a test failure when it throws none.
inline ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error");
    return ErrorKind::failure;
}

}  // namespace mpctl::test
