// SPDX-License-Identifier: Apache-2.0
#include "core/util/yaml.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "core/util/fs.hpp"
#include "core/util/json_text.hpp"
#include "core/util/text.hpp"

namespace mpctl::core {

using nlohmann::json;

namespace {

constexpr std::string_view k_tag_prefix = "tag:yaml.org,2002:";

// A fault found while the events arrive: where, and what.
struct Fault {
    YAML::Mark mark;
    std::string message;
};

[[noreturn]] void fault(const YAML::Mark& mark, std::string message) {
    throw Fault{mark, std::move(message)};
}

// What a plain scalar is under YAML 1.2's core schema.
enum class Plain { null, boolean, integer, floating, special_float, string };

Plain classify(const std::string& s) {
    static const std::regex k_int(R"([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)");
    static const std::regex k_float(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    static const std::regex k_special(R"([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
        return Plain::null;
    }
    if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE") {
        return Plain::boolean;
    }
    if (s.size() > 64) {
        return Plain::string;  // no number is that long; spares the regexes
    }
    if (std::regex_match(s, k_int)) {
        return Plain::integer;
    }
    if (std::regex_match(s, k_float)) {
        return Plain::floating;
    }
    if (std::regex_match(s, k_special)) {
        return Plain::special_float;
    }
    return Plain::string;
}

json integer(const YAML::Mark& mark, const std::string& s) {
    int base = 10;
    std::string_view digits = s;
    bool negative = false;
    if (digits.starts_with("0x")) {
        base = 16;
        digits.remove_prefix(2);
    } else if (digits.starts_with("0o")) {
        base = 8;
        digits.remove_prefix(2);
    } else if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
        negative = digits[0] == '-';
        digits.remove_prefix(1);
    }
    uint64_t magnitude = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
    constexpr uint64_t k_max = static_cast<uint64_t>(INT64_MAX);
    if (ec != std::errc() || end != digits.data() + digits.size() ||
        magnitude > k_max + (negative ? 1 : 0)) {
        fault(mark, fmt::format("the integer {} is out of range", s));
    }
    if (negative) {
        return magnitude == k_max + 1 ? INT64_MIN : -static_cast<int64_t>(magnitude);
    }
    return static_cast<int64_t>(magnitude);
}

json floating(const YAML::Mark& mark, const std::string& s) {
    std::string_view text = s;
    if (text.starts_with('+')) {
        text.remove_prefix(1);
    }
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
        fault(mark, fmt::format("the number {} is out of range", s));
    }
    return value;
}

json boolean(const std::string& s) {
    return s[0] == 't' || s[0] == 'T';
}

// The value of a plain scalar, by the core schema.
json resolve_plain(const YAML::Mark& mark, const std::string& s) {
    switch (classify(s)) {
        case Plain::null:
            return nullptr;
        case Plain::boolean:
            return boolean(s);
        case Plain::integer:
            return integer(mark, s);
        case Plain::floating:
            return floating(mark, s);
        case Plain::special_float:
            fault(mark, fmt::format("{} is not a number JSON has", s));
        case Plain::string:
            break;
    }
    return s;
}

std::string shown_tag(const std::string& tag) {
    if (tag.starts_with(k_tag_prefix)) {
        return "!!" + tag.substr(k_tag_prefix.size());
    }
    return tag;
}

// The value of a scalar with an explicit core tag: it must be what it says.
json resolve_tagged(const YAML::Mark& mark, const std::string& tag, const std::string& s) {
    std::string type = tag.starts_with(k_tag_prefix) ? tag.substr(k_tag_prefix.size()) : "";
    if (type == "str") {
        return s;
    }
    Plain plain = classify(s);
    if (type == "null" && plain == Plain::null) {
        return nullptr;
    }
    if (type == "bool" && plain == Plain::boolean) {
        return boolean(s);
    }
    if (type == "int" && plain == Plain::integer) {
        return integer(mark, s);
    }
    if (type == "float" && (plain == Plain::integer || plain == Plain::floating)) {
        return floating(mark, s);
    }
    if (type == "null" || type == "bool" || type == "int" || type == "float") {
        fault(mark, fmt::format("\"{}\" is not a value of the tag {}", util::printable(s),
                                shown_tag(tag)));
    }
    fault(mark, fmt::format("the tag {} is not allowed (only YAML's core schema: !!str, !!int, "
                            "!!float, !!bool, !!null, !!map, !!seq)",
                            util::printable(shown_tag(tag))));
}

// Builds the JSON value from the parser's events, refusing what the limits
// forbid as soon as it is seen.
class Builder : public YAML::EventHandler {
  public:
    json root;
    int documents = 0;

    void OnDocumentStart(const YAML::Mark& mark) override {
        if (++documents > 1) {
            fault(mark, "a second document (---): the file must hold one");
        }
    }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        no_anchor(mark, anchor);
        if (expecting_key()) {
            fault(mark, "a mapping key must be a string, not empty");
        }
        add(mark, nullptr);
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
        fault(mark, "aliases (*name) are not allowed");
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        no_anchor(mark, anchor);
        // The text is UTF-8 (checked first), but yaml-cpp turns the escapes
        // \N and \_ into single bytes, which are not.
        if (util::invalid_utf8_at(value)) {
            fault(mark,
                  "a quoted string that is not UTF-8 once read (the escapes \\N and \\_): write "
                  "the character itself");
        }
        if (expecting_key()) {
            if (tag != "?" && tag != "!" && tag != std::string(k_tag_prefix) + "str") {
                fault(mark, fmt::format("a mapping key must be a string, not {}",
                                        util::printable(shown_tag(tag))));
            }
            key(mark, value);
            return;
        }
        if (tag == "!") {  // quoted, or a block scalar: a string
            add(mark, value);
        } else if (tag == "?") {
            add(mark, resolve_plain(mark, value));
        } else {
            add(mark, resolve_tagged(mark, tag, value));
        }
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open(mark, tag, anchor, "seq", json::array());
    }
    void OnSequenceEnd() override { m_open.pop_back(); }

    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        open(mark, tag, anchor, "map", json::object());
    }
    void OnMapEnd() override { m_open.pop_back(); }

  private:
    struct Open {
        json* node;
        std::optional<std::string> key;  // in a mapping: the key whose value comes next
    };

    static void no_anchor(const YAML::Mark& mark, YAML::anchor_t anchor) {
        if (anchor != YAML::NullAnchor) {
            fault(mark, "anchors (&name) are not allowed");
        }
    }

    bool expecting_key() const {
        return !m_open.empty() && m_open.back().node->is_object() && !m_open.back().key;
    }

    void key(const YAML::Mark& mark, const std::string& name) {
        if (m_open.back().node->contains(name)) {
            fault(mark, fmt::format("the key \"{}\" is given twice", util::printable(name)));
        }
        m_open.back().key = name;
    }

    json* add(const YAML::Mark& mark, json value) {
        if (m_open.empty()) {
            root = std::move(value);
            return &root;
        }
        Open& top = m_open.back();
        if (top.node->is_array()) {
            auto& array = top.node->get_ref<json::array_t&>();
            array.push_back(std::move(value));
            return &array.back();
        }
        if (!top.key) {
            fault(mark, "a mapping key must be a scalar");
        }
        json* slot = &(*top.node)[*top.key];
        *slot = std::move(value);
        top.key.reset();
        return slot;
    }

    void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
              std::string_view kind, json container) {
        no_anchor(mark, anchor);
        if (tag != "?" && tag != "!" && tag != std::string(k_tag_prefix) + std::string(kind)) {
            fault(mark, fmt::format("the tag {} is not allowed on a {} (only !!{})",
                                    util::printable(shown_tag(tag)),
                                    kind == "map" ? "mapping" : "sequence", kind));
        }
        if (expecting_key()) {
            fault(mark, "a mapping key must be a string, not a mapping or sequence");
        }
        // Checked before the container exists: deeper input costs nothing more.
        if (m_open.size() >= k_max_json_depth) {
            fault(mark,
                  fmt::format("mappings and sequences nest more than {} deep", k_max_json_depth));
        }
        m_open.push_back(Open{add(mark, std::move(container)), std::nullopt});
    }

    // Pointers into containers stay valid: a container only grows once its
    // last member is closed.
    std::vector<Open> m_open;
};

std::string at(std::string_view what, const YAML::Mark& mark) {
    return fmt::format("{}: line {}, column {}", what, mark.line + 1, mark.column + 1);
}

void emit(YAML::Emitter& out, const nlohmann::ordered_json& value) {
    switch (value.type()) {
        case nlohmann::ordered_json::value_t::object:
            if (value.empty()) {
                out << YAML::Flow;
            }
            out << YAML::BeginMap;
            for (const auto& [name, member] : value.items()) {
                out << YAML::Key;
                emit(out, nlohmann::ordered_json(name));
                out << YAML::Value;
                emit(out, member);
            }
            out << YAML::EndMap;
            break;
        case nlohmann::ordered_json::value_t::array:
            // Short lists of scalars on one line: access: ["910000004"].
            if (std::none_of(value.begin(), value.end(),
                             [](const auto& item) { return item.is_structured(); })) {
                out << YAML::Flow;
            }
            out << YAML::BeginSeq;
            for (const auto& item : value) {
                emit(out, item);
            }
            out << YAML::EndSeq;
            break;
        case nlohmann::ordered_json::value_t::string: {
            const auto& s = value.get_ref<const std::string&>();
            // What the core schema reads as another type stays a string quoted.
            if (classify(s) != Plain::string) {
                out << YAML::DoubleQuoted;
            }
            out << s;
            break;
        }
        case nlohmann::ordered_json::value_t::boolean:
            out << YAML::TrueFalseBool << YAML::LowerCase << value.get<bool>();
            break;
        case nlohmann::ordered_json::value_t::null:
            out << YAML::Null;
            break;
        default:  // numbers, as JSON writes them: the core schema reads them back
            out << value.dump();
            break;
    }
}

}  // namespace

namespace {

// YAML's character set leaves out the control characters but tab, line feed
// and carriage return (and NEL). Found by fuzz_registry: yaml-cpp takes
// NUL bytes early in a stream for UTF-16 or UTF-32 and makes strings that
// are not UTF-8 of them.
std::optional<Invalid> unprintable(std::string_view text, std::string_view what) {
    size_t line = 1;
    size_t column = 1;
    for (size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        bool c0 = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
        bool c1 = c == 0xc2 && i + 1 < text.size() &&
                  static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                  static_cast<unsigned char>(text[i + 1]) <= 0x9f &&
                  static_cast<unsigned char>(text[i + 1]) != 0x85;
        if (c0 || c1) {
            uint32_t code = c1 ? static_cast<unsigned char>(text[i + 1]) : c;
            return Invalid{
                fmt::format("{}: line {}, column {}: a control character (U+{:04X}) "
                            "is not YAML text",
                            what, line, column, code)};
        }
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((c & 0xc0) != 0x80) {
            ++column;  // a character starts here
        }
    }
    return std::nullopt;
}

}  // namespace

Parsed<json> try_parse_yaml(std::string_view text, std::string_view what) {
    if (text.size() > util::k_max_input) {
        return Invalid{fmt::format("{}: larger than {} bytes", what, util::k_max_input)};
    }
    if (auto bad = util::invalid_utf8_at(text)) {
        return Invalid{fmt::format("{}: not UTF-8 text (at byte {})", what, *bad)};
    }
    if (auto bad = unprintable(text, what)) {
        return *bad;
    }
    std::istringstream in{std::string(text)};
    Builder builder;
    try {
        YAML::Parser parser(in);
        while (parser.HandleNextDocument(builder)) {
        }
    } catch (const Fault& f) {
        return Invalid{fmt::format("{}: {}", at(what, f.mark), f.message)};
    } catch (const YAML::Exception& e) {
        return Invalid{fmt::format("{}: not valid YAML: {}", at(what, e.mark), e.msg)};
    }
    return std::move(builder.root);
}

json parse_yaml(std::string_view text, std::string_view what) {
    return try_parse_yaml(text, what).value();
}

std::string emit_yaml(const nlohmann::ordered_json& value) {
    YAML::Emitter out;
    out.SetIndent(2);
    emit(out, value);
    std::string text = out.c_str();
    if (text.empty() || text.back() != '\n') {
        text += '\n';
    }
    return text;
}

}  // namespace mpctl::core
