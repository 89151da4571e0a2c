// SPDX-License-Identifier: Apache-2.0
#include "core/values.hpp"

#include <algorithm>
#include <initializer_list>

#include <fmt/format.h>

#include "core/util/crypto.hpp"
#include "core/util/text.hpp"

namespace mpctl::core {

namespace {

Invalid refuse(std::string_view what, std::string_view input, std::string_view why) {
    return Invalid{fmt::format("invalid {} \"{}\": {}", what, input, why)};
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_lower(char c) {
    return c >= 'a' && c <= 'z';
}
bool is_separator(char c) {
    return c == '/' || c == '.' || c == ':';
}

// æ ø å in UTF-8: C3 A6, C3 B8, C3 A5. Returns the length of the letter at i, or 0.
size_t norwegian_letter(std::string_view s, size_t i) {
    if (i + 1 < s.size() && static_cast<unsigned char>(s[i]) == 0xC3) {
        auto next = static_cast<unsigned char>(s[i + 1]);
        if (next == 0xA6 || next == 0xB8 || next == 0xA5) {
            return 2;
        }
    }
    return 0;
}

}  // namespace

Parsed<OrgNumber> OrgNumber::try_parse(std::string_view text) {
    if (text.size() != 9) {
        return refuse("organisation number", text, "must be exactly 9 digits");
    }
    for (char c : text) {
        if (!is_digit(c)) {
            return refuse("organisation number", text, "must be exactly 9 digits");
        }
    }
    static constexpr int k_weights[] = {3, 2, 7, 6, 5, 4, 3, 2};
    int sum = 0;
    for (size_t i = 0; i < 8; ++i) {
        sum += (text[i] - '0') * k_weights[i];
    }
    int check = 11 - sum % 11;
    if (check == 11) {
        check = 0;
    }
    if (check == 10) {
        return refuse("organisation number", text,
                      "no valid check digit exists for its first 8 digits");
    }
    if (check != text[8] - '0') {
        return refuse("organisation number", text,
                      fmt::format("check digit should be {} (modulus 11)", check));
    }
    return OrgNumber(std::string(text));
}

Parsed<Pid> Pid::try_parse(std::string_view text) {
    // Not echoed: the number is personal data, and errors reach logs.
    auto bad = [](std::string_view why) {
        return Invalid{fmt::format("invalid national identity number: {}", why)};
    };
    if (text.size() != 11) {
        return bad(fmt::format("must be exactly 11 digits, not {} characters", text.size()));
    }
    if (!std::all_of(text.begin(), text.end(), is_digit)) {
        return bad("must be exactly 11 digits; it has a character that is not a digit");
    }
    // Each check digit is 11 - (the weighted sum mod 11); 11 is 0, 10 is no number.
    auto check_digit = [&](std::initializer_list<int> weights) {
        int sum = 0;
        size_t i = 0;
        for (int w : weights) {
            sum += (text[i++] - '0') * w;
        }
        int k = 11 - sum % 11;
        return k == 11 ? 0 : k;
    };
    int k1 = check_digit({3, 7, 6, 1, 8, 9, 4, 5, 2});
    if (k1 == 10 || k1 != text[9] - '0') {
        return bad("the first check digit (the 10th digit) is wrong");
    }
    int k2 = check_digit({5, 4, 3, 2, 7, 6, 5, 4, 3, 2});
    if (k2 == 10 || k2 != text[10] - '0') {
        return bad("the second check digit (the 11th digit) is wrong");
    }
    return Pid(std::string(text));
}

std::string Pid::masked() const {
    return m_value.substr(0, 6) + "*****";
}

Parsed<Prefix> Prefix::try_parse(std::string_view text) {
    if (text.empty() || text.size() > 64) {
        return refuse("prefix", text, "must be 1 to 64 characters");
    }
    for (char c : text) {
        if (!is_lower(c) && !is_digit(c)) {
            return refuse("prefix", text, "only lowercase letters a-z and digits are allowed");
        }
    }
    return Prefix(std::string(text));
}

Parsed<ScopeName> ScopeName::try_parse(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos) {
        return refuse("scope name", text, "must be prefix:subscope");
    }
    if (text.size() > 255) {
        return refuse("scope name", text, "must be at most 255 bytes");
    }
    std::string_view prefix = text.substr(0, colon);
    std::string_view sub = text.substr(colon + 1);
    if (auto valid = Prefix::try_parse(prefix); !valid) {
        return refuse("scope name", text,
                      fmt::format("its prefix is not valid ({})", valid.error().message));
    }
    if (sub.empty()) {
        return refuse("scope name", text, "the subscope after ':' is empty");
    }
    if (is_separator(sub.front()) || is_separator(sub.back())) {
        return refuse("scope name", text, "the subscope may not start or end with / . or :");
    }
    for (size_t i = 0; i < sub.size(); ++i) {
        char c = sub[i];
        if (size_t n = norwegian_letter(sub, i); n > 0) {
            i += n - 1;
            continue;
        }
        if (is_separator(c)) {
            if (is_separator(sub[i + 1])) {
                return refuse("scope name", text,
                              "the subscope may not have two separators in a row");
            }
            continue;
        }
        if (!is_lower(c) && !is_digit(c)) {
            return refuse(
                "scope name", text,
                "the subscope allows only lowercase letters (æøå included), digits and / . :");
        }
    }
    return ScopeName(std::string(text));
}

Prefix ScopeName::prefix() const {
    return Prefix::parse(m_value.substr(0, m_value.find(':')));
}

std::string_view ScopeName::subscope() const {
    return std::string_view(m_value).substr(m_value.find(':') + 1);
}

Parsed<Uuid> Uuid::try_parse(std::string_view text, std::string_view what) {
    std::string lower(text);
    bool ok = lower.size() == 36;
    for (size_t i = 0; ok && i < lower.size(); ++i) {
        char& c = lower[i];
        if (c >= 'A' && c <= 'F') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        ok = dash ? c == '-' : (is_digit(c) || (c >= 'a' && c <= 'f'));
    }
    if (!ok) {
        return refuse(what, text, "must be a UUID like 123e4567-e89b-42d3-a456-426614174000");
    }
    if (lower[14] != '4' ||
        (lower[19] != '8' && lower[19] != '9' && lower[19] != 'a' && lower[19] != 'b')) {
        return refuse(what, text, "must be a random (version 4) UUID");
    }
    return Uuid(std::move(lower));
}

OrgNumber OrgNumber::parse(std::string_view text) {
    return try_parse(text).value();
}
Pid Pid::parse(std::string_view text) {
    return try_parse(text).value();
}
Prefix Prefix::parse(std::string_view text) {
    return try_parse(text).value();
}
ScopeName ScopeName::parse(std::string_view text) {
    return try_parse(text).value();
}
Uuid Uuid::parse(std::string_view text, std::string_view what) {
    return try_parse(text, what).value();
}
Kid Kid::parse(std::string_view text) {
    return try_parse(text).value();
}

Uuid Uuid::random() {
    return Uuid(util::uuid_v4());
}

Parsed<Kid> Kid::try_parse(std::string_view text) {
    if (text.empty() || text.size() > 128) {
        return refuse("kid", text, "must be 1 to 128 characters");
    }
    for (char c : text) {
        if (!is_lower(c) && !is_digit(c) && !(c >= 'A' && c <= 'Z') && c != '.' && c != '_' &&
            c != '-') {
            return refuse("kid", text, "only A-Z a-z 0-9 . _ - are allowed");
        }
    }
    return Kid(std::string(text));
}

Parsed<void> text_check(std::string_view field, std::string_view value, size_t max, bool required,
                        bool lines) {
    if (required && value.empty()) {
        return Invalid{fmt::format("{} may not be empty", field)};
    }
    if (value.size() > max) {
        return Invalid{
            fmt::format("{} is {} bytes long; at most {} are allowed", field, value.size(), max)};
    }
    if (auto fault = util::text_fault(value, lines)) {
        return Invalid{fmt::format("{} {}", field, *fault)};
    }
    return {};
}

void check_text(std::string_view field, const std::string& value, size_t max, bool required,
                bool lines) {
    text_check(field, value, max, required, lines).value();
}

Parsed<std::string> try_parse_issuer(std::string_view text) {
    std::string_view rest;
    if (text.starts_with("https://")) {
        rest = text.substr(8);
    } else if (text.starts_with("http://")) {
        rest = text.substr(7);
    } else {
        return refuse("issuer URL", text, "must start with https:// or http://");
    }
    if (rest.empty() || rest.front() == '/' || rest.front() == ':') {
        return refuse("issuer URL", text, "has no host");
    }
    for (char c : rest) {
        if (c == '?' || c == '#') {
            return refuse("issuer URL", text, "may not have a query or fragment");
        }
        if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7f) {
            return refuse("issuer URL", text, "may not contain spaces or control characters");
        }
    }
    std::string out(text);
    if (out.back() != '/') {
        out += '/';
    }
    return out;
}

std::string parse_issuer(std::string_view text) {
    return try_parse_issuer(text).value();
}

}  // namespace mpctl::core
