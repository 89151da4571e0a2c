// SPDX-License-Identifier: Apache-2.0
// Text from outside, byte by byte: UTF-8 validity, control characters, and
// a form of any bytes that is safe to show on a terminal or in a log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpctl::core::util {

struct Utf8Sequence {
    size_t length;  // bytes it takes
    bool valid;     // else: the longest start of a sequence, to replace as one
};

// The UTF-8 sequence at the start of `s` (not empty). An invalid one is the
// "maximal subpart" of Unicode's chapter 3: the bytes that began a sequence
// before it broke off, to be replaced by one U+FFFD.
Utf8Sequence utf8_sequence(std::string_view s);

// The offset of the first byte that is not part of valid UTF-8, if any.
std::optional<size_t> invalid_utf8_at(std::string_view s);

inline bool valid_utf8(std::string_view s) {
    return !invalid_utf8_at(s).has_value();
}

// At most the first `max` bytes of `s`, cut where a UTF-8 sequence begins
// (never inside one), with "..." after it when anything was cut: text from
// outside, shortened for a message or a log line, stays valid UTF-8.
std::string clip_utf8(std::string_view s, size_t max);

// Whether a code point is a control character: C0 (U+0000-U+001F), DEL and
// C1 (U+0080-U+009F); terminals act on these rather than show them.
bool is_control(char32_t c);

// What a text check found wrong, or nullopt: invalid UTF-8, or a control
// character (with `lines`, tab and line feed are allowed). The text says
// where, for an error message: "has a control character (U+001B) at byte 1".
std::optional<std::string> text_fault(std::string_view s, bool lines = false);

// `s` as it may be shown on a terminal or written to a line of a log:
// control characters and invalid bytes become visible escapes (\n, \t,
// \x1b, \u009b); everything else, UTF-8 included, stays as it is.
std::string printable(std::string_view s);

// "1 hour", "3 hours": a count and its unit, plural but for one.
std::string count_of(int64_t n, std::string_view unit);

// Of `words`, the one closest to `word` by edit distance (Levenshtein), if it
// is at most `max_edits` away: "did you mean" for a mistyped command or field.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& words,
                                   size_t max_edits = 2);

}  // namespace mpctl::core::util
