// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <limits>

#include <nlohmann/json.hpp>

#include "core/util/json_writer.hpp"

using namespace mpctl::core::util;
using nlohmann::json;

namespace {

std::string json_string(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

}  // namespace

TEST_CASE("core::util::append_json_string") {
    SUBCASE("escapes quotes, backslashes and control characters") {
        CHECK(json_string("plain") == "\"plain\"");
        CHECK(json_string("a\"b\\c") == R"("a\"b\\c")");
        CHECK(json_string("\n\r\t\b\f") == R"("\n\r\t\b\f")");
        CHECK(json_string(std::string("\x01\x1f\0", 3)) == R"("\u0001\u001f\u0000")");
        CHECK(json_string("/") == "\"/\"");
    }
    SUBCASE("keeps valid UTF-8 as it is") {
        for (std::string text : {"bl\xC3\xA5"
                                 "b\xC3\xA6r",
                                 "\xE2\x82\xAC", "\xF0\x9F\x94\x91"}) {
            CHECK(json_string(text) == "\"" + text + "\"");
            CHECK(json::parse(json_string(text)) == text);
        }
    }
    SUBCASE("replaces bytes that are not UTF-8 with U+FFFD, as nlohmann's replace does") {
        for (std::string text :
             {"\xFF", "a\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "x\x80y",
              "\xE2\x82x", "\xF0\x9F\x94", "\xF0\x9F\x94\x91\xFF"}) {
            std::string out = json_string(text);
            CHECK(json::parse(out).is_string());  // valid JSON
            CHECK(out.find("\xEF\xBF\xBD") != std::string::npos);
            CHECK(out == json(text).dump(-1, ' ', false, json::error_handler_t::replace));
        }
    }
    SUBCASE("matches nlohmann's output for every single byte") {
        for (int a = 0; a < 256; ++a) {
            std::string one(1, static_cast<char>(a));
            CHECK(json_string(one) ==
                  json(one).dump(-1, ' ', false, json::error_handler_t::replace));
        }
    }
}

TEST_CASE("core::util::JsonWriter") {
    SUBCASE("writes members in order, nested objects and lists") {
        std::string text = JsonWriter()
                               .member("s", "x\"y")
                               .member("n", int64_t{-42})
                               .member("list", std::vector<std::string>{"a", "b"})
                               .member("empty", std::vector<std::string>{})
                               .begin_object("o")
                               .member("inner", "v")
                               .end_object()
                               .decimal("d", 1.5)
                               .finish();
        CHECK(text ==
              R"({"s":"x\"y","n":-42,"list":["a","b"],"empty":[],"o":{"inner":"v"},"d":1.5})");
        CHECK(json::parse(text)["o"]["inner"] == "v");
    }
    SUBCASE("an empty object, and objects left open are closed") {
        CHECK(JsonWriter().finish() == "{}");
        CHECK(JsonWriter().begin_object("a").begin_object("b").finish() == R"({"a":{"b":{}}})");
    }
    SUBCASE("arrays of objects") {
        CHECK(JsonWriter()
                  .member("a", "b")
                  .begin_array("list")
                  .begin_element()
                  .member("x", int64_t{1})
                  .end_object()
                  .begin_element()
                  .end_object()
                  .end_array()
                  .member("c", "d")
                  .finish() == R"({"a":"b","list":[{"x":1},{}],"c":"d"})");
        CHECK(JsonWriter().begin_array("empty").end_array().finish() == R"({"empty":[]})");
        // Left open, closed in order; a closer that does not match is no closer.
        CHECK(JsonWriter().begin_array("l").begin_element().end_array().finish() ==
              R"({"l":[{}]})");
    }
    SUBCASE("a number that is not finite is written as 0, keeping the JSON valid") {
        CHECK(JsonWriter().decimal("x", std::numeric_limits<double>::infinity()).finish() ==
              R"({"x":0})");
    }
}
