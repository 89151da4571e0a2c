// SPDX-License-Identifier: Apache-2.0
// A value, or what stands in its place: the answer of a check whose "no" is
// an outsider's mistake, not a fault. C++23's std::expected in the small.
#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/util/error.hpp"

namespace mpctl {

// Why a value from outside breaks a rule: a complete message naming the
// value and the rule, as mpctl::Error(invalid_input) would carry it.
struct Invalid {
    std::string message;

    [[noreturn]] void raise() const { fail(ErrorKind::invalid_input, message); }
};

template <class T, class E>
class Expected;

namespace expected_detail {
// U gives the value of an Expected<T, E>: neither the E nor an Expected.
template <class U, class T, class E>
concept builds_value =
    std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, E> &&
    !std::is_same_v<std::remove_cvref_t<U>, Expected<T, E>>;
}  // namespace expected_detail

// A T, or the E that says why there is none. `return value;` and
// `return E{...};` both give one. value() is for a caller to whom the E is
// an error: it raises the E (E::raise()).
template <class T, class E>
class [[nodiscard]] Expected {
  public:
    template <expected_detail::builds_value<T, E> U = T>
    Expected(U&& value) : m_v(std::in_place_index<0>, std::forward<U>(value)) {}
    Expected(E error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& operator*() & { return std::get<0>(m_v); }
    const T& operator*() const& { return std::get<0>(m_v); }
    T&& operator*() && { return std::get<0>(std::move(m_v)); }
    T* operator->() { return &std::get<0>(m_v); }
    const T* operator->() const { return &std::get<0>(m_v); }
    const E& error() const { return std::get<1>(m_v); }

    T value() && {
        if (!ok()) {
            error().raise();
        }
        return std::get<0>(std::move(m_v));
    }

  private:
    std::variant<T, E> m_v;
};

// A check that gives nothing back: passed (`return {};`), or not.
template <class E>
class [[nodiscard]] Expected<void, E> {
  public:
    Expected() = default;
    Expected(E error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error; }
    explicit operator bool() const { return ok(); }
    const E& error() const { return *m_error; }

    void value() const {
        if (m_error) {
            m_error->raise();
        }
    }

  private:
    std::optional<E> m_error;
};

// What a value parser gives: the value, or why the text is not one. The
// parsers on the token path return this; the CLI's and the API's callers
// take .value(), to whom a bad value is an Error.
template <class T>
using Parsed = Expected<T, Invalid>;

}  // namespace mpctl
