// SPDX-License-Identifier: Apache-2.0
#include "core/util/json_writer.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <utility>

#include <fmt/format.h>

#include "core/util/text.hpp"

namespace mpctl::core::util {

namespace {

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

JsonWriter& JsonWriter::boolean(std::string_view name, bool value) {
    this->name(name);
    m_out.append(value ? "true" : "false");
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

JsonWriter& JsonWriter::open(char opener, char closer) {
    m_out.push_back(opener);
    m_open.push_back(closer);
    m_first = true;
    return *this;
}

JsonWriter& JsonWriter::begin_object(std::string_view name) {
    this->name(name);
    return open('{', '}');
}

JsonWriter& JsonWriter::begin_array(std::string_view name) {
    this->name(name);
    return open('[', ']');
}

JsonWriter& JsonWriter::begin_element() {
    if (!m_first) {
        m_out.push_back(',');
    }
    return open('{', '}');
}

// Closes the innermost open object or array when it is `closer`; the
// outermost object stays open until finish().
JsonWriter& JsonWriter::close(char closer) {
    if (m_open.size() > 1 && m_open.back() == closer) {
        m_out.push_back(closer);
        m_open.pop_back();
        m_first = false;
    }
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    return close('}');
}

JsonWriter& JsonWriter::end_array() {
    return close(']');
}

std::string JsonWriter::finish() {
    for (; !m_open.empty(); m_open.pop_back()) {
        m_out.push_back(m_open.back());
    }
    return std::move(m_out);
}

}  // namespace mpctl::core::util
