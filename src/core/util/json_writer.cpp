// SPDX-License-Identifier: Apache-2.0
#include "core/util/json_writer.hpp"

#include <array>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

namespace mpctl::core::util {

namespace {

struct Utf8Sequence {
    size_t length;  // bytes it takes
    bool valid;     // else: the longest start of a sequence, to replace as one
};

// The UTF-8 sequence at the start of `s` (not empty). An invalid one is the
// "maximal subpart" of Unicode's chapter 3 (as nlohmann's replace does): one
// U+FFFD for the bytes that began a sequence before it broke off.
Utf8Sequence utf8_sequence(std::string_view s) {
    auto b = static_cast<unsigned char>(s[0]);
    if (b < 0x80) {
        return {1, true};
    }
    size_t follow = 0;
    unsigned char low = 0x80;   // the bounds of the second byte: no overlong
    unsigned char high = 0xBF;  // forms, no surrogates, nothing above U+10FFFF
    if (b >= 0xC2 && b <= 0xDF) {
        follow = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
        follow = 2;
        low = b == 0xE0 ? 0xA0 : 0x80;
        high = b == 0xED ? 0x9F : 0xBF;
    } else if (b >= 0xF0 && b <= 0xF4) {
        follow = 3;
        low = b == 0xF0 ? 0x90 : 0x80;
        high = b == 0xF4 ? 0x8F : 0xBF;
    } else {
        return {1, false};
    }
    for (size_t i = 1; i <= follow; ++i) {
        if (i >= s.size()) {
            return {i, false};
        }
        auto c = static_cast<unsigned char>(s[i]);
        if (c < (i == 1 ? low : 0x80) || c > (i == 1 ? high : 0xBF)) {
            return {i, false};
        }
    }
    return {follow + 1, true};
}

// Bytes copied as they are: printable ASCII but the quote and the backslash.
constexpr std::array<bool, 256> k_plain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x80; ++c) {
        plain[static_cast<size_t>(c)] = c != '"' && c != '\\';
    }
    return plain;
}();

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    size_t i = 0;
    while (i < text.size()) {
        // Runs of plain ASCII, the common case, are copied at once.
        size_t run = i;
        while (run < text.size() && k_plain[static_cast<unsigned char>(text[run])]) {
            ++run;
        }
        out.append(text.data() + i, run - i);
        i = run;
        if (i == text.size()) {
            break;
        }
        auto c = static_cast<unsigned char>(text[i]);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (c < 0x20) {
                    out += fmt::format("\\u{:04x}", c);
                } else {
                    auto seq = utf8_sequence(text.substr(i));
                    if (seq.valid) {
                        out.append(text.data() + i, seq.length);
                    } else {
                        out += "\xEF\xBF\xBD";  // U+FFFD
                    }
                    i += seq.length;
                    continue;
                }
        }
        ++i;
    }
    out.push_back('"');
}

void JsonWriter::name(std::string_view name) {
    if (!m_first) {
        m_out.push_back(',');
    }
    m_first = false;
    append_json_string(m_out, name);
    m_out.push_back(':');
}

JsonWriter& JsonWriter::member(std::string_view name, std::string_view value) {
    this->name(name);
    append_json_string(m_out, value);
    return *this;
}

JsonWriter& JsonWriter::member(std::string_view name, int64_t value) {
    this->name(name);
    fmt::format_to(std::back_inserter(m_out), "{}", value);
    return *this;
}

JsonWriter& JsonWriter::decimal(std::string_view name, double value) {
    this->name(name);
    fmt::format_to(std::back_inserter(m_out), "{}", std::isfinite(value) ? value : 0.0);
    return *this;
}

JsonWriter& JsonWriter::member(std::string_view name, const std::vector<std::string>& values) {
    this->name(name);
    m_out.push_back('[');
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0) {
            m_out.push_back(',');
        }
        append_json_string(m_out, values[i]);
    }
    m_out.push_back(']');
    return *this;
}

JsonWriter& JsonWriter::begin_object(std::string_view name) {
    this->name(name);
    m_out.push_back('{');
    m_first = true;
    ++m_depth;
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    if (m_depth > 1) {
        m_out.push_back('}');
        m_first = false;
        --m_depth;
    }
    return *this;
}

std::string JsonWriter::finish() {
    for (; m_depth > 0; --m_depth) {
        m_out.push_back('}');
    }
    return std::move(m_out);
}

}  // namespace mpctl::core::util
