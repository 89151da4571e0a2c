// SPDX-License-Identifier: Apache-2.0
#include "core/util/text.hpp"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

namespace mpctl::core::util {

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

namespace {

// The code point of a valid sequence.
char32_t decode(std::string_view seq) {
    auto b = static_cast<unsigned char>(seq[0]);
    if (seq.size() == 1) {
        return b;
    }
    char32_t c = b & (0xFF >> (seq.size() + 1));
    for (size_t i = 1; i < seq.size(); ++i) {
        c = (c << 6) | (static_cast<unsigned char>(seq[i]) & 0x3F);
    }
    return c;
}

}  // namespace

std::string clip_utf8(std::string_view s, size_t max) {
    if (s.size() <= max) {
        return std::string(s);
    }
    size_t end = 0;
    while (end < s.size()) {
        size_t next = end + utf8_sequence(s.substr(end)).length;
        if (next > max) {
            break;
        }
        end = next;
    }
    return std::string(s.substr(0, end)) + "...";
}

std::optional<size_t> invalid_utf8_at(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        auto seq = utf8_sequence(s.substr(i));
        if (!seq.valid) {
            return i;
        }
        i += seq.length;
    }
    return std::nullopt;
}

bool is_control(char32_t c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

std::optional<std::string> text_fault(std::string_view s, bool lines) {
    size_t i = 0;
    while (i < s.size()) {
        // Printable ASCII, all of a JWT in a /token form: a byte compare
        // each, not a decode (this runs on every token request).
        auto b = static_cast<unsigned char>(s[i]);
        if (b >= 0x20 && b < 0x7F) {
            ++i;
            continue;
        }
        auto seq = utf8_sequence(s.substr(i));
        if (!seq.valid) {
            return fmt::format("is not valid UTF-8 (byte 0x{:02X} at offset {})",
                               static_cast<unsigned char>(s[i]), i);
        }
        char32_t c = decode(s.substr(i, seq.length));
        if (is_control(c) && !(lines && (c == '\n' || c == '\t'))) {
            return fmt::format("has a control character (U+{:04X}) at offset {}",
                               static_cast<uint32_t>(c), i);
        }
        i += seq.length;
    }
    return std::nullopt;
}

std::string printable(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        auto seq = utf8_sequence(s.substr(i));
        if (!seq.valid) {
            for (size_t k = 0; k < seq.length; ++k) {
                out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i + k]));
            }
            i += seq.length;
            continue;
        }
        char32_t c = decode(s.substr(i, seq.length));
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (is_control(c)) {
            out += c < 0x80 ? fmt::format("\\x{:02x}", static_cast<uint32_t>(c))
                            : fmt::format("\\u{:04x}", static_cast<uint32_t>(c));
        } else {
            out.append(s.substr(i, seq.length));
        }
        i += seq.length;
    }
    return out;
}

namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& words,
                                   size_t max_edits) {
    std::optional<std::string> best;
    size_t best_distance = max_edits + 1;
    for (const auto& w : words) {
        size_t d = edit_distance(word, w);
        if (d < best_distance) {
            best_distance = d;
            best = w;
        }
    }
    return best;
}

std::string count_of(int64_t n, std::string_view unit) {
    return fmt::format("{} {}{}", n, unit, n == 1 ? "" : "s");
}

}  // namespace mpctl::core::util
