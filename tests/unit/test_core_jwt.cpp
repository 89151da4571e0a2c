// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "core/token/jwt.hpp"
#include "core/util/error.hpp"
#include "core/util/json_text.hpp"

using mpctl::core::parse_json_object;
using nlohmann::json;

TEST_CASE("core::parse_json_object") {
    SUBCASE("builds the same value nlohmann's own parser does") {
        for (
            const char* text :
            {R"({})", R"({"a":1,"b":-2,"c":18446744073709551615,"d":1.5e3,"e":true,"f":null})",
             R"({"s":"x\u00e5\"\\","nested":{"a":[1,[2,{"b":[]}],{"c":{}}]},"z":[{"a":1},{"a":2}]})",
             R"( { "spaced" : [ 1 , 2 ] } )"}) {
            CAPTURE(text);
            CHECK(parse_json_object(text, "test") == json::parse(text));
        }
    }
    SUBCASE("refuses a name twice at any depth, naming it") {
        for (const char* text : {R"({"a":1,"a":2})", R"({"o":{"x":1,"y":2,"x":3}})",
                                 R"({"l":[{"k":1},{"k":1,"k":2}]})"}) {
            CAPTURE(text);
            CHECK_THROWS_WITH_AS(parse_json_object(text, "JWT payload"), doctest::Contains("twice"),
                                 mpctl::Error);
        }
        CHECK_THROWS_WITH(parse_json_object(R"({"o":{"deep":0,"deep":0}})", "JWT payload"),
                          doctest::Contains("the JWT payload has the member \"deep\" twice"));
    }
    SUBCASE("the same name in different objects is fine") {
        auto v = parse_json_object(R"({"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]})", "x");
        CHECK(v["a"]["a"]["a"] == 1);
        CHECK(v["b"][1]["a"] == 2);
    }
    SUBCASE("refuses what is not one JSON object") {
        for (const char* text : {"", "[]", "1", R"("s")", "{", R"({"a":})", R"({"a":1} x)",
                                 R"({'a':1})", "{\"a\":\"\xff\"}"}) {
            CAPTURE(text);
            CHECK_THROWS_AS(parse_json_object(text, "JWT header"), mpctl::Error);
        }
        CHECK_THROWS_WITH(parse_json_object("[1]", "JWT header"),
                          doctest::Contains("not a JSON object"));
        CHECK_THROWS_WITH(parse_json_object("{", "JWT header"),
                          doctest::Contains("not valid JSON"));
    }
}
