// SPDX-License-Identifier: Apache-2.0
// YAML from outside: the core schema's scalars, and the limits (aliases,
// duplicate keys, depth, tags, size), each refusal naming line and column.
#include <doctest/doctest.h>

#include <string>

#include "core/util/error.hpp"
#include "core/util/yaml.hpp"

using mpctl::core::emit_yaml;
using mpctl::core::parse_yaml;
using mpctl::core::try_parse_yaml;
using nlohmann::json;

namespace {

std::string refusal(const std::string& text) {
    auto parsed = try_parse_yaml(text, "r.yaml");
    REQUIRE_FALSE(parsed.ok());
    return parsed.error().message;
}

}  // namespace

TEST_CASE("core::parse_yaml reads the core schema") {
    json v = parse_yaml(
        "a: 1\n"
        "b: -7\n"
        "c: 0x1f\n"
        "d: 0o17\n"
        "e: 1.5\n"
        "f: true\n"
        "g: False\n"
        "h: ~\n"
        "i: null\n"
        "j:\n"
        "k: yes\n"
        "l: \"123\"\n"
        "m: '~'\n"
        "n: |\n  two\n  lines\n"
        "o: !!str 42\n"
        "p: !!float 3\n"
        "q: [x, {y: 910753614}]\n"
        "r: hello world\n"
        "s: 2024-01-01\n",
        "t.yaml");
    CHECK(v == json::parse(R"({"a":1,"b":-7,"c":31,"d":15,"e":1.5,"f":true,"g":false,"h":null,
        "i":null,"j":null,"k":"yes","l":"123","m":"~","n":"two\nlines\n","o":"42","p":3.0,
        "q":["x",{"y":910753614}],"r":"hello world","s":"2024-01-01"})"));
    CHECK(v["a"].is_number_integer());
    CHECK(v["p"].is_number_float());
    // JSON is YAML.
    CHECK(parse_yaml(R"({"a": [1, "b", null, true], "c": {"d": "e"}})", "t.json") ==
          json::parse(R"({"a": [1, "b", null, true], "c": {"d": "e"}})"));
    CHECK(parse_yaml("", "empty.yaml").is_null());
    CHECK(parse_yaml("# only a comment\n", "c.yaml").is_null());
    CHECK(parse_yaml("- 9223372036854775807\n- -9223372036854775808\n", "t") ==
          json::parse("[9223372036854775807, -9223372036854775808]"));
}

TEST_CASE("core::parse_yaml refuses aliases and anchors: no alias bomb expands") {
    CHECK(refusal("a: &x [1, 2]\nb: *x\n") ==
          "r.yaml: line 1, column 4: anchors (&name) are not allowed");
    CHECK(refusal("a: &x 1\n") == "r.yaml: line 1, column 4: anchors (&name) are not allowed");
    std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    for (char c = 'b'; c <= 'j'; ++c) {
        std::string prev(1, static_cast<char>(c - 1));
        bomb += std::string(1, c) + ": &" + std::string(1, c) + " [*" + prev + ",*" + prev + ",*" +
                prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\n";
    }
    CHECK(refusal(bomb) == "r.yaml: line 1, column 4: anchors (&name) are not allowed");
    // An alias to nothing is refused as an alias, wherever it is.
    CHECK(refusal("a: 1\nb: [2, *nowhere]\n").find("r.yaml: line 2") == 0);
}

TEST_CASE("core::parse_yaml refuses a key given twice") {
    CHECK(refusal("name: a\ndescription: b\nname: c\n") ==
          "r.yaml: line 3, column 1: the key \"name\" is given twice");
    CHECK(refusal("- {a: 1, a: 2}\n") == "r.yaml: line 1, column 10: the key \"a\" is given twice");
    CHECK(refusal("? [1]\n: 2\n") ==
          "r.yaml: line 1, column 3: a mapping key must be a string, not a mapping or sequence");
}

TEST_CASE("core::parse_yaml limits nesting to k_max_json_depth while parsing") {
    std::string deep16 = std::string(16, '[') + std::string(16, ']');
    CHECK(parse_yaml(deep16, "t").is_array());
    CHECK(refusal(std::string(17, '[') + std::string(17, ']')) ==
          "r.yaml: line 1, column 17: mappings and sequences nest more than 16 deep");
    // Far deeper input stops at the same place, before yaml-cpp's own limit.
    CHECK(refusal(std::string(100000, '[') + std::string(100000, ']')) ==
          "r.yaml: line 1, column 17: mappings and sequences nest more than 16 deep");
    CHECK(refusal(std::string(100000, '[')).starts_with("r.yaml: line 1, column 1: "));
    std::string maps;
    for (int i = 0; i < 20; ++i) {
        maps += std::string(static_cast<size_t>(2 * i), ' ') + "a:\n";
    }
    CHECK(refusal(maps).find("nest more than 16 deep") != std::string::npos);
}

TEST_CASE("core::parse_yaml allows only the core schema's tags") {
    CHECK(refusal("a: !foo x\n") ==
          "r.yaml: line 1, column 4: the tag !foo is not allowed (only YAML's core schema: "
          "!!str, !!int, !!float, !!bool, !!null, !!map, !!seq)");
    CHECK(refusal("a: !!binary aGVsbG8=\n").find("the tag !!binary is not allowed") !=
          std::string::npos);
    CHECK(refusal("a: !!python/object:os.system x\n").find("is not allowed") != std::string::npos);
    CHECK(refusal("a: !!int abc\n") ==
          "r.yaml: line 1, column 4: \"abc\" is not a value of the tag !!int");
    CHECK(refusal("a: !!set {x: null}\n") ==
          "r.yaml: line 1, column 4: the tag !!set is not allowed on a mapping (only !!map)");
    CHECK(parse_yaml("a: !!map {b: !!seq [!!int 1, !!bool true, !!null null]}\n", "t") ==
          json::parse(R"({"a": {"b": [1, true, null]}})"));
}

TEST_CASE("core::parse_yaml refuses what JSON cannot hold and what is not YAML") {
    CHECK(refusal("a: .inf\n") == "r.yaml: line 1, column 4: .inf is not a number JSON has");
    CHECK(refusal("a: 99999999999999999999\n") ==
          "r.yaml: line 1, column 4: the integer 99999999999999999999 is out of range");
    CHECK(refusal("a: 1\n---\nb: 2\n") ==
          "r.yaml: line 2, column 1: a second document (---): the file must hold one");
    CHECK(refusal("a: [1, 2\nb: 3\n").starts_with("r.yaml: line 2, column 2: not valid YAML: "));
    CHECK(refusal("a: b: c\n").starts_with("r.yaml: line 1, column 5: not valid YAML"));
    CHECK(refusal("a: \"\xff\"\n") == "r.yaml: not UTF-8 text (at byte 4)");
    CHECK(refusal(std::string((1 << 20) + 1, ' ')) == "r.yaml: larger than 1048576 bytes");
    CHECK_THROWS_AS(parse_yaml("a: *b", "r.yaml"), mpctl::Error);
}

TEST_CASE("core::emit_yaml writes what parse_yaml reads back") {
    auto value = nlohmann::ordered_json::parse(R"({
        "strings": ["true", "123", "", "null", "~", "1.5", "0x10", "a: b", "- x", "#c", "x #y",
                    "two\nlines", "tab\there", "æøå", " lead", "trail ", "'q'", "\"dq\"",
                    "[1]", "{a}", "*star", "&amp", "!bang", "%pct", "@at", "`tick", "yes"],
        "numbers": [0, -1, 9223372036854775807, 1.25],
        "flags": [true, false, null],
        "empty": {"list": [], "map": {}},
        "orgs": ["974761076"]
    })");
    std::string text = emit_yaml(value);
    CHECK(text.back() == '\n');
    CHECK(text.find("orgs: [\"974761076\"]") != std::string::npos);
    CHECK(parse_yaml(text, "emitted") == json::parse(value.dump()));
    // Members stay in their order.
    CHECK(text.find("strings:") < text.find("numbers:"));
    CHECK(text.find("numbers:") < text.find("orgs:"));
}

TEST_CASE("core::try_parse_yaml refuses control characters, naming where") {
    using mpctl::core::try_parse_yaml;
    // Found by fuzz_registry: NUL bytes made yaml-cpp read UTF-32, and its
    // strings were not UTF-8.
    auto nul = try_parse_yaml(std::string(" \0\0\0true\n", 9), "f.yaml");
    REQUIRE_FALSE(nul.ok());
    CHECK(nul.error().message ==
          "f.yaml: line 1, column 2: a control character (U+0000) is not YAML text");
    auto esc = try_parse_yaml("a: 1\nb: x\x1b[2J\n", "f.yaml");
    REQUIRE_FALSE(esc.ok());
    CHECK(esc.error().message ==
          "f.yaml: line 2, column 5: a control character (U+001B) is not YAML text");
    auto c1 = try_parse_yaml("a: \xc2\x9b\n", "f.yaml");
    REQUIRE_FALSE(c1.ok());
    CHECK(c1.error().message.find("(U+009B)") != std::string::npos);
    // Tab, CR LF and NEL are YAML's own.
    auto fine = try_parse_yaml("a:\t1\r\nb: \"x\xc2\x85y\"\r\n", "f.yaml");
    REQUIRE(fine.ok());
    CHECK((*fine)["a"] == 1);
}

TEST_CASE("core::parse_yaml refuses a string that its escapes leave not UTF-8") {
    // Found by fuzz_registry: yaml-cpp reads "\N" (NEL) and "\_" (no-break
    // space) as the single bytes 0x85 and 0xA0, which JSON cannot hold.
    for (const char* text : {"\"\\N\"\n", "a: \"x\\_\"\n", "\"\\N\": 1\n"}) {
        CAPTURE(text);
        CHECK(refusal(text).find("is not UTF-8 once read (the escapes \\N and \\_)") !=
              std::string::npos);
    }
    CHECK(refusal("a: \"x\\_\"\n").starts_with("r.yaml: line 1, column 4: "));
    // The other escapes are UTF-8: \x85 and \u00A0 are the characters.
    auto fine = parse_yaml("a: \"\\x85\\u00A0\\L\"\n", "r.yaml");
    CHECK(fine["a"] == "\xc2\x85\xc2\xa0\xe2\x80\xa8");
}
