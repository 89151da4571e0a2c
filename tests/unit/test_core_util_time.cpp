// SPDX-License-Identifier: Apache-2.0
#include <ctime>

#include <doctest/doctest.h>

#include "core/util/time.hpp"

using namespace mpctl::core::util;

namespace {

// The C library's answer, to compare with.
std::string by_gmtime(UnixTime t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return out;
}

}  // namespace

TEST_CASE("core::util::iso8601") {
    CHECK(iso8601(0) == "1970-01-01T00:00:00Z");
    CHECK(iso8601(951782400) == "2000-02-29T00:00:00Z");
    CHECK(iso8601(1795528496) == "2026-11-24T13:54:56Z");
    CHECK(iso8601(-1) == "1969-12-31T23:59:59Z");
    CHECK(iso8601(253402300799) == "9999-12-31T23:59:59Z");
    CHECK(iso8601(253402300800) == "10000-01-01T00:00:00Z");
    SUBCASE("agrees with gmtime over a century, every 997,331 seconds") {
        for (UnixTime t = 0; t < 4102444800; t += 997331) {
            REQUIRE(iso8601(t) == by_gmtime(t));
        }
    }
}
