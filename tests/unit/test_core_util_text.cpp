// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "core/util/text.hpp"
#include "core/values.hpp"

using namespace mpctl::core;
using namespace mpctl::core::util;

TEST_CASE("core::util::invalid_utf8_at") {
    CHECK_FALSE(invalid_utf8_at("").has_value());
    CHECK_FALSE(invalid_utf8_at("plain ascii").has_value());
    CHECK_FALSE(invalid_utf8_at("bl\xc3\xa5"
                                "b\xc3\xa6r \xe2\x82\xac \xf0\x9f\x98\x80")
                    .has_value());
    SUBCASE("finds the first bad byte") {
        CHECK(invalid_utf8_at("ab\xff") == 2u);
        CHECK(invalid_utf8_at("\x80") == 0u);              // a lone continuation byte
        CHECK(invalid_utf8_at("a\xc3") == 1u);             // cut short
        CHECK(invalid_utf8_at("\xc0\xaf") == 0u);          // overlong
        CHECK(invalid_utf8_at("\xed\xa0\x80") == 0u);      // a surrogate
        CHECK(invalid_utf8_at("\xf4\x90\x80\x80") == 0u);  // above U+10FFFF
    }
}

TEST_CASE("core::util::text_fault") {
    CHECK_FALSE(text_fault("Lønn og skatt").has_value());
    CHECK(text_fault("x\x1b]0;owned\x07")->find("U+001B") != std::string::npos);
    CHECK(text_fault("a\xc2\x9b")->find("U+009B") != std::string::npos);  // C1 CSI
    CHECK(text_fault("a\x7f")->find("U+007F") != std::string::npos);
    CHECK(text_fault("a\xff")->find("not valid UTF-8") != std::string::npos);
    SUBCASE("tab and line feed only where lines are allowed") {
        CHECK(text_fault("two\nlines").has_value());
        CHECK_FALSE(text_fault("two\nlines\tand a tab", true).has_value());
        CHECK(text_fault("carriage\rreturn", true).has_value());
    }
}

TEST_CASE("core::util::printable") {
    CHECK(printable("Lønn") == "Lønn");
    CHECK(printable("x\x1b]0;owned\x07") == "x\\x1b]0;owned\\x07");
    CHECK(printable("a\nb\tc\r") == "a\\nb\\tc\\r");
    CHECK(printable("\xc2\x9b"
                    "2J") == "\\u009b2J");
    CHECK(printable("bad\xff\xc3") == "bad\\xff\\xc3");
    // Nothing it returns can steer a terminal.
    for (int c = 0; c < 256; ++c) {
        std::string out = printable(std::string(1, static_cast<char>(c)) + "\xc2\x85");
        CHECK_FALSE(text_fault(out).has_value());
    }
}

TEST_CASE("core::check_text") {
    CHECK_NOTHROW(check_text("client_name", "payroll æøå", 255, true));
    CHECK_THROWS_WITH(check_text("client_name", "x\x1b]0;owned\x07", 255, true),
                      doctest::Contains("client_name has a control character (U+001B)"));
    CHECK_THROWS_WITH(check_text("description", "a\xff", 255, false),
                      doctest::Contains("description is not valid UTF-8"));
    CHECK_THROWS_WITH(check_text("description", "one\nline", 255, false),
                      doctest::Contains("U+000A"));
    CHECK_NOTHROW(check_text("long_description", "two\nlines", 4096, false, true));
}

TEST_CASE("core::util::clip_utf8") {
    CHECK(clip_utf8("short", 64) == "short");
    CHECK(clip_utf8("abcdef", 3) == "abc...");
    // "é" is two bytes: cutting at 4 would split it, so the cut comes before it.
    CHECK(clip_utf8("abcéf", 4) == "abc...");
    CHECK(clip_utf8("abcéf", 5) == "abcé...");
    // Found in review: a grant's 63 a's and an é, clipped at 64, stayed valid.
    std::string text = std::string(63, 'a') + "\xc3\xa9";
    CHECK(valid_utf8(clip_utf8(text, 64)));
    CHECK(clip_utf8(text, 64) == std::string(63, 'a') + "...");
    // Invalid bytes are taken one sequence at a time, never cut inside one.
    CHECK(clip_utf8("\xe2\x82", 1) == "...");
}

TEST_CASE("core::util::closest") {
    using mpctl::core::util::closest;
    const std::vector<std::string> words{"scopes", "keys", "name", "org"};
    CHECK(closest("scope", words) == "scopes");
    CHECK(closest("kyes", words) == "keys");  // a swap is two edits
    CHECK(closest("nmae", words) == "name");
    CHECK_FALSE(closest("description", words));  // nothing close
    CHECK_FALSE(closest("scopesxyz", words));    // three edits away
    CHECK(closest("scopesxyz", words, 3) == "scopes");
    CHECK_FALSE(closest("x", {}));
}
