// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "core/store/audit.hpp"
#include "core/util/error.hpp"
#include "core/values.hpp"

using namespace mpctl::core;

TEST_CASE("core::OrgNumber") {
    SUBCASE("accepts numbers with a correct modulus-11 check digit") {
        CHECK(OrgNumber::parse("974761076").str() == "974761076");
        CHECK(OrgNumber::parse("991825827").str() == "991825827");
        CHECK(OrgNumber::parse("930000000").str() == "930000000");  // check digit 11 -> 0
    }
    SUBCASE("rejects a wrong length") {
        CHECK_THROWS_WITH(OrgNumber::parse("97476107"),
                          "invalid organisation number \"97476107\": must be exactly 9 digits");
        CHECK_THROWS_WITH(OrgNumber::parse("9747610760"),
                          doctest::Contains("must be exactly 9 digits"));
        CHECK_THROWS_WITH(OrgNumber::parse(""), doctest::Contains("must be exactly 9 digits"));
    }
    SUBCASE("rejects non-digits") {
        CHECK_THROWS_WITH(OrgNumber::parse("97476107a"), doctest::Contains("9 digits"));
        CHECK_THROWS_WITH(OrgNumber::parse(" 74761076"), doctest::Contains("9 digits"));
    }
    SUBCASE("rejects a wrong check digit, saying which is right") {
        CHECK_THROWS_WITH(OrgNumber::parse("974761077"),
                          "invalid organisation number \"974761077\": check digit should be 6 "
                          "(modulus 11)");
    }
    SUBCASE("rejects numbers whose check digit would be 10") {
        CHECK_THROWS_WITH(OrgNumber::parse("100000130"), doctest::Contains("no valid check digit"));
    }
    SUBCASE("refusals are invalid input") {
        try {
            OrgNumber::parse("1");
            FAIL("no throw");
        } catch (const mpctl::Error& e) {
            CHECK(e.kind() == mpctl::ErrorKind::invalid_input);
        }
    }
}

TEST_CASE("core::Prefix") {
    CHECK(Prefix::parse("skatt2").str() == "skatt2");
    SUBCASE("rejects empty and too long") {
        CHECK_THROWS_WITH(Prefix::parse(""), doctest::Contains("1 to 64 characters"));
        CHECK_THROWS_WITH(Prefix::parse(std::string(65, 'a')),
                          doctest::Contains("1 to 64 characters"));
    }
    SUBCASE("rejects uppercase, separators and non-ASCII") {
        CHECK_THROWS_WITH(Prefix::parse("Skatt"),
                          "invalid prefix \"Skatt\": only lowercase "
                          "letters a-z and digits are allowed");
        CHECK_THROWS_AS(Prefix::parse("sk-att"), mpctl::Error);
        CHECK_THROWS_AS(Prefix::parse("skått"), mpctl::Error);
    }
}

TEST_CASE("core::ScopeName") {
    SUBCASE("accepts letters, æøå, digits and inner separators") {
        auto s = ScopeName::parse("skatt:a/b.c:d");
        CHECK(s.prefix().str() == "skatt");
        CHECK(s.subscope() == "a/b.c:d");
        CHECK(ScopeName::parse("nav:æøå2").subscope() == "æøå2");
    }
    SUBCASE("rejects a name without prefix") {
        CHECK_THROWS_WITH(ScopeName::parse("skatt"),
                          "invalid scope name \"skatt\": must be prefix:subscope");
    }
    SUBCASE("rejects a bad prefix") {
        CHECK_THROWS_WITH(ScopeName::parse("Skatt:x"),
                          doctest::Contains("its prefix is not valid"));
        CHECK_THROWS_WITH(ScopeName::parse(":x"), doctest::Contains("its prefix is not valid"));
    }
    SUBCASE("rejects an empty subscope") {
        CHECK_THROWS_WITH(ScopeName::parse("skatt:"), doctest::Contains("is empty"));
    }
    SUBCASE("rejects leading and trailing separators") {
        for (const char* bad : {"skatt:/a", "skatt:a/", "skatt:.a", "skatt:a:", "skatt::a"}) {
            CHECK_THROWS_WITH(ScopeName::parse(bad), doctest::Contains("may not start or end"));
        }
    }
    SUBCASE("rejects doubled separators") {
        for (const char* bad : {"skatt:a//b", "skatt:a/.b", "skatt:a::b"}) {
            CHECK_THROWS_WITH(ScopeName::parse(bad), doctest::Contains("two separators in a row"));
        }
    }
    SUBCASE("rejects uppercase, spaces and other characters") {
        for (const char* bad : {"skatt:Abc", "skatt:a b", "skatt:a-b", "skatt:Æ", "skatt:é"}) {
            CHECK_THROWS_WITH(ScopeName::parse(bad), doctest::Contains("allows only lowercase"));
        }
    }
    SUBCASE("rejects names over 255 bytes") {
        CHECK_THROWS_WITH(ScopeName::parse("a:" + std::string(254, 'b')),
                          doctest::Contains("at most 255"));
    }
}

TEST_CASE("core::Uuid") {
    SUBCASE("accepts a version 4 UUID and lowercases it") {
        CHECK(Uuid::parse("123E4567-E89B-42D3-A456-426614174000", "client id").str() ==
              "123e4567-e89b-42d3-a456-426614174000");
    }
    SUBCASE("random ones parse") {
        for (int i = 0; i < 50; ++i) {
            auto id = Uuid::random();
            CHECK(Uuid::parse(id.str(), "client id") == id);
        }
        CHECK(Uuid::random() != Uuid::random());
    }
    SUBCASE("rejects malformed text, naming what it is") {
        CHECK_THROWS_WITH(Uuid::parse("abc", "client id"),
                          doctest::Contains("invalid client id \"abc\": must be a UUID"));
        CHECK_THROWS_AS(Uuid::parse("123e4567e89b42d3a456426614174000", "x"), mpctl::Error);
        CHECK_THROWS_AS(Uuid::parse("123e4567-e89b-42d3-a456-42661417400g", "x"), mpctl::Error);
    }
    SUBCASE("rejects other versions and variants") {
        CHECK_THROWS_WITH(Uuid::parse("123e4567-e89b-12d3-a456-426614174000", "client id"),
                          doctest::Contains("version 4"));
        CHECK_THROWS_WITH(Uuid::parse("123e4567-e89b-42d3-c456-426614174000", "client id"),
                          doctest::Contains("version 4"));
    }
}

TEST_CASE("core::Kid") {
    CHECK(Kid::parse("my-key_2026.1").str() == "my-key_2026.1");
    CHECK_THROWS_WITH(Kid::parse(""), doctest::Contains("1 to 128"));
    CHECK_THROWS_WITH(Kid::parse(std::string(129, 'k')), doctest::Contains("1 to 128"));
    CHECK_THROWS_WITH(Kid::parse("a/b"), "invalid kid \"a/b\": only A-Z a-z 0-9 . _ - are allowed");
    CHECK_THROWS_AS(Kid::parse("a b"), mpctl::Error);
}

TEST_CASE("core::parse_issuer") {
    CHECK(parse_issuer("https://maskinporten.no/") == "https://maskinporten.no/");
    CHECK(parse_issuer("http://127.0.0.1:8080") == "http://127.0.0.1:8080/");
    CHECK_THROWS_WITH(parse_issuer("ftp://x/"), doctest::Contains("must start with https://"));
    CHECK_THROWS_WITH(parse_issuer("https://"), doctest::Contains("has no host"));
    CHECK_THROWS_WITH(parse_issuer("https://x/?a=b"), doctest::Contains("query or fragment"));
    CHECK_THROWS_WITH(parse_issuer("https://x y/"), doctest::Contains("spaces"));
}

TEST_CASE("core::parse_since") {
    const util::UnixTime now = 1'800'000'000;
    SUBCASE("a time, or an age before now") {
        CHECK(parse_since("2026-11-24T10:00:00Z", now) == 1795514400);
        CHECK(parse_since("90s", now) == now - 90);
        CHECK(parse_since("15m", now) == now - 900);
        CHECK(parse_since("2h", now) == now - 7200);
        CHECK(parse_since("1d", now) == now - 86400);
    }
    SUBCASE("an age from before 1970 means everything, without overflowing") {
        CHECK(parse_since("200000000000000d", now) == 0);
        CHECK(parse_since("9223372036854775807s", now) == 0);
        CHECK(parse_since("3000000000000000h", now) == 0);
    }
    SUBCASE("anything else names the input") {
        CHECK_THROWS_WITH(parse_since("yesterday", now), doctest::Contains("\"yesterday\""));
        CHECK_THROWS_WITH(parse_since("-5m", now), doctest::Contains("\"-5m\""));
        CHECK_THROWS_WITH(parse_since("5w", now), doctest::Contains("\"5w\""));
    }
}

TEST_CASE("core::Pid") {
    CHECK(Pid::parse("01019012480").str() == "01019012480");
    CHECK(Pid::parse("41019012393").str() == "41019012393");  // a D-number
    CHECK(Pid::parse("01019012480").masked() == "010190*****");
    CHECK_THROWS_WITH(Pid::parse("0101901248"),
                      "invalid national identity number: must be exactly 11 digits, not 10 "
                      "characters");
    CHECK_THROWS_WITH(Pid::parse("0101901248x"),
                      doctest::Contains("a character that is not a digit"));
    CHECK_THROWS_WITH(Pid::parse("01019012490"),
                      doctest::Contains("the first check digit (the 10th digit) is wrong"));
    CHECK_THROWS_WITH(Pid::parse("01019012481"),
                      doctest::Contains("the second check digit (the 11th digit) is wrong"));
    // Where a check digit would be 10, no number is valid.
    CHECK_THROWS_WITH(Pid::parse("01019012300"), doctest::Contains("first check digit"));
    // The number is never in the message: errors reach logs.
    try {
        Pid::parse("01019012481");
    } catch (const mpctl::Error& e) {
        CHECK(std::string(e.what()).find("0101901248") == std::string::npos);
    }
}

// The token path reads values through try_parse, the CLI and the API
// through parse: both must say the same thing about the same text.
TEST_CASE("core values: try_parse gives what parse throws, without throwing") {
    auto same = [](auto try_parse, auto parse, const std::string& text) {
        CAPTURE(text);
        auto parsed = try_parse(text);
        std::string thrown;
        try {
            parse(text);
        } catch (const mpctl::Error& e) {
            CHECK(e.kind() == mpctl::ErrorKind::invalid_input);
            thrown = e.what();
        }
        if (parsed) {
            CHECK(thrown.empty());
        } else {
            CHECK(parsed.error().message == thrown);
            CHECK_FALSE(thrown.empty());
        }
        return parsed.ok();
    };
    for (const char* text : {"974761076", "974761077", "97476107", "100000130", "x"}) {
        bool ok = same(OrgNumber::try_parse, OrgNumber::parse, text);
        CHECK(ok == (std::string(text) == "974761076"));
    }
    for (const char* text : {"01019012480", "01019012481", "0101901248", "0101901248x"}) {
        bool ok = same(Pid::try_parse, Pid::parse, text);
        CHECK(ok == (std::string(text) == "01019012480"));
    }
    for (const char* text : {"skatt:melding", "Skatt:melding", "skatt:", "skatt:a//b", "nocolon"}) {
        bool ok = same(ScopeName::try_parse, ScopeName::parse, text);
        CHECK(ok == (std::string(text) == "skatt:melding"));
    }
    for (const char* text : {"abc1", "", "ABC"}) {
        bool ok = same(Prefix::try_parse, Prefix::parse, text);
        CHECK(ok == (std::string(text) == "abc1"));
    }
    for (const char* text : {"a.b_c-D", "", "a b"}) {
        bool ok = same(Kid::try_parse, Kid::parse, text);
        CHECK(ok == (std::string(text) == "a.b_c-D"));
    }
    auto uuid_try = [](std::string_view t) { return Uuid::try_parse(t, "client id"); };
    auto uuid = [](std::string_view t) { return Uuid::parse(t, "client id"); };
    for (const char* text : {"123e4567-e89b-42d3-a456-426614174000",
                             "123e4567-e89b-12d3-a456-426614174000", "123e4567"}) {
        bool ok = same(uuid_try, uuid, text);
        CHECK(ok == (std::string(text) == "123e4567-e89b-42d3-a456-426614174000"));
    }
    for (const char* text : {"https://mp.test", "ftp://mp.test/", "https://mp.test/?q"}) {
        bool ok = same(try_parse_issuer, parse_issuer, text);
        CHECK(ok == (std::string(text) == "https://mp.test"));
    }
    CHECK(*try_parse_issuer("https://mp.test") == "https://mp.test/");
}

TEST_CASE("core::text_check gives what check_text throws") {
    CHECK(text_check("name", "fine", 10, true).ok());
    auto empty = text_check("name", "", 10, true);
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().message == "name may not be empty");
    CHECK_THROWS_WITH(check_text("name", "", 10, true), "name may not be empty");
    auto long_text = text_check("name", "eleven char", 10, false);
    REQUIRE_FALSE(long_text.ok());
    CHECK(long_text.error().message == "name is 11 bytes long; at most 10 are allowed");
    auto control = text_check("name", std::string("a\x01"), 10, false);
    REQUIRE_FALSE(control.ok());
    CHECK(control.error().message.starts_with("name "));
}

TEST_CASE("core::util::parse_iso8601 refuses a date that is none") {
    CHECK(util::parse_iso8601("2026-02-28T00:00:00Z") == 1772236800);
    CHECK(util::parse_iso8601("2028-02-29T12:00:00Z") == 1835438400);  // a leap year
    for (const char* bad : {"2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
                            "2026-12-07T24:00:00Z", "2026-12-07T10:60:00Z", "2026-12-07"}) {
        CAPTURE(bad);
        CHECK_FALSE(util::parse_iso8601(bad));
    }
}

TEST_CASE("core::util::parse_duration") {
    CHECK(util::parse_duration("90s") == 90);
    CHECK(util::parse_duration("15m") == 900);
    CHECK(util::parse_duration("24h") == 86400);
    CHECK(util::parse_duration("2d") == 172800);
    CHECK(util::parse_duration("0s") == 0);
    // Past a thousand years, every length is that: no overflow.
    CHECK(util::parse_duration("99999999999999999999999d") == 1000 * 366 * 86400LL);
    for (const char* bad : {"", "s", "5", "-5m", "5w", "1.5h", "h5", " 5m", "5m "}) {
        CAPTURE(bad);
        CHECK_FALSE(util::parse_duration(bad));
    }
}
