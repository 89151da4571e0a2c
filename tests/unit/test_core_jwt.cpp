// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "core/token/jwt.hpp"
#include "core/util/base64.hpp"
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

TEST_CASE("core::try_parse_jwt names what is wrong, without throwing") {
    using mpctl::core::try_parse_jwt;
    const std::string header = mpctl::core::util::base64url_encode(R"({"alg":"ES256"})");
    const std::string payload = mpctl::core::util::base64url_encode(R"({"iss":"x"})");
    auto jwt = try_parse_jwt(header + "." + payload + ".c2ln");
    REQUIRE(jwt.ok());
    CHECK(jwt->header["alg"] == "ES256");
    CHECK(jwt->claims["iss"] == "x");
    CHECK(jwt->signing_input == header + "." + payload);
    CHECK(jwt->signature == "sig");
    struct Case {
        std::string compact;
        std::string says;
    };
    const Case cases[] = {
        {"a.b", "exactly three parts"},
        {header + ".." + "c2ln", "a part of the JWT is empty"},
        {"!!." + payload + ".c2ln", "the JWT header is not base64url"},
        {header + "." + mpctl::core::util::base64url_encode("[1]") + ".c2ln",
         "the JWT payload is not a JSON object"},
        {header + "." + mpctl::core::util::base64url_encode(R"({"a":1,"a":2})") + ".c2ln",
         "the JWT payload has the member \"a\" twice"},
        {header + "." + payload + ".c2ln=", "the JWT signature is not base64url"},
        {std::string(mpctl::core::k_max_jwt_size + 1, 'a'), "at most 16384 are accepted"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.compact.substr(0, 80));
        auto parsed = try_parse_jwt(c.compact);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().message.find(c.says) != std::string::npos);
        // parse_jwt throws the same words.
        CHECK_THROWS_WITH_AS(mpctl::core::parse_jwt(c.compact), parsed.error().message.c_str(),
                             mpctl::Error);
    }
}

TEST_CASE("core::try_parse_json_object gives what parse_json_object throws") {
    using mpctl::core::try_parse_json_object;
    CHECK(try_parse_json_object(R"({"a":1})", "x").ok());
    for (const char* text : {"[1]", "{", R"({"a":1,"a":1})", "{\"a\":\"\xff\"}"}) {
        CAPTURE(text);
        auto parsed = try_parse_json_object(text, "JWT header");
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().message.starts_with("the JWT header "));
        CHECK_THROWS_WITH_AS(parse_json_object(text, "JWT header"), parsed.error().message.c_str(),
                             mpctl::Error);
    }
}
