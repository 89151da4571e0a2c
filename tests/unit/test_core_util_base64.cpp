// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "core/util/base64.hpp"

using namespace mpctl::core::util;

TEST_CASE("core::util::base64url") {
    SUBCASE("round trips every length and byte") {
        std::string all;
        for (int i = 0; i < 256; ++i) {
            all += static_cast<char>(i);
        }
        for (size_t n = 0; n <= all.size(); n += 7) {
            auto part = all.substr(0, n);
            CHECK(base64url_decode(base64url_encode(part)) == part);
            CHECK(base64_decode(base64_encode(part)) == part);
        }
    }
    SUBCASE("encodes RFC 4648 test vectors, url alphabet, no padding") {
        CHECK(base64url_encode("foob") == "Zm9vYg");
        CHECK(base64url_encode("\xfb\xff") == "-_8");
        CHECK(base64_encode("foob") == "Zm9vYg==");
        CHECK(base64_encode("\xfb\xff") == "+/8=");
    }
    SUBCASE("rejects padding, the standard alphabet and stray characters") {
        CHECK_FALSE(base64url_decode("Zm9vYg=="));
        CHECK_FALSE(base64url_decode("+/8"));
        CHECK_FALSE(base64url_decode("Zm9v Yg"));
        CHECK_FALSE(base64url_decode("Zm9v\nYg"));
    }
    SUBCASE("rejects impossible lengths and non-zero trailing bits") {
        CHECK_FALSE(base64url_decode("Z"));
        CHECK_FALSE(base64url_decode("Zm9vYh"));  // "Yg" is canonical, "Yh" has stray bits
    }
    SUBCASE("standard base64 needs its padding") {
        CHECK_FALSE(base64_decode("Zm9vYg"));
        CHECK(base64_decode("Zm9vYg==") == "foob");
    }
}
