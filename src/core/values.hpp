// SPDX-License-Identifier: Apache-2.0
// Typed values, validated once where they enter. Each try_parse() gives the
// value or why the text is none (Invalid, naming the rule and the input);
// each parse() throws that as mpctl::Error(invalid_input). The token path
// uses the first, the CLI and the API the second.
#pragma once

#include <compare>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "core/util/expected.hpp"

namespace mpctl::core {

// A Norwegian organisation number: 9 digits with a modulus-11 check digit.
class OrgNumber {
  public:
    static Parsed<OrgNumber> try_parse(std::string_view text);
    static OrgNumber parse(std::string_view text);
    const std::string& str() const { return m_value; }
    auto operator<=>(const OrgNumber&) const = default;

  private:
    explicit OrgNumber(std::string v) : m_value(std::move(v)) {}
    std::string m_value;
};

// A Norwegian national identity number (fødselsnummer, or a D-number): 11
// digits, the last two modulus-11 check digits.
class Pid {
  public:
    static Parsed<Pid> try_parse(std::string_view text);
    static Pid parse(std::string_view text);
    const std::string& str() const { return m_value; }
    // The birth date only ("010190*****"): what a log may keep.
    std::string masked() const;
    auto operator<=>(const Pid&) const = default;

  private:
    explicit Pid(std::string v) : m_value(std::move(v)) {}
    std::string m_value;
};

// A scope prefix: [a-z0-9]+, at most 64 characters.
class Prefix {
  public:
    static Parsed<Prefix> try_parse(std::string_view text);
    static Prefix parse(std::string_view text);
    const std::string& str() const { return m_value; }
    auto operator<=>(const Prefix&) const = default;

  private:
    explicit Prefix(std::string v) : m_value(std::move(v)) {}
    std::string m_value;
};

// "prefix:subscope"; the subscope is lowercase letters (æøå included), digits
// and the separators / . : — never leading, trailing or two in a row.
class ScopeName {
  public:
    static Parsed<ScopeName> try_parse(std::string_view text);
    static ScopeName parse(std::string_view text);
    const std::string& str() const { return m_value; }
    Prefix prefix() const;
    std::string_view subscope() const;
    auto operator<=>(const ScopeName&) const = default;

  private:
    explicit ScopeName(std::string v) : m_value(std::move(v)) {}
    std::string m_value;
};

// A random UUID version 4 in canonical lowercase form: client and delegation ids.
class Uuid {
  public:
    // `what` names the value in the error ("client id").
    static Parsed<Uuid> try_parse(std::string_view text, std::string_view what);
    static Uuid parse(std::string_view text, std::string_view what);
    static Uuid random();
    const std::string& str() const { return m_value; }
    auto operator<=>(const Uuid&) const = default;

  private:
    explicit Uuid(std::string v) : m_value(std::move(v)) {}
    std::string m_value;
};

// A key id: [A-Za-z0-9._-]+, at most 128 characters.
class Kid {
  public:
    static Parsed<Kid> try_parse(std::string_view text);
    static Kid parse(std::string_view text);
    const std::string& str() const { return m_value; }
    auto operator<=>(const Kid&) const = default;

  private:
    explicit Kid(std::string v) : m_value(std::move(v)) {}
    std::string m_value;
};

// Checks a free-text field: not empty when required, at most `max` bytes,
// valid UTF-8 without control characters (with `lines`, tab and line feed
// are allowed). The Invalid names the field and what is wrong where;
// check_text() throws it.
Parsed<void> text_check(std::string_view field, std::string_view value, size_t max, bool required,
                        bool lines = false);
void check_text(std::string_view field, const std::string& value, size_t max, bool required,
                bool lines = false);

// The issuer URL: http or https, with a host, no query or fragment, and a
// trailing slash (added when missing), as Maskinporten's is.
Parsed<std::string> try_parse_issuer(std::string_view text);
std::string parse_issuer(std::string_view text);

}  // namespace mpctl::core
