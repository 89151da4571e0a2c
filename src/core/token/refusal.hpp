// SPDX-License-Identifier: Apache-2.0
// A refused token request, as Maskinporten words it (docs/errors.md).
#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace mpctl::core {

struct Refusal {
    std::string error;        // "invalid_grant", "invalid_scope", "forbidden", ...
    std::string code;         // "MP-124"
    int status = 400;         // HTTP status
    std::string description;  // without the trace id
};

// A value, or the refusal that stands in its place: what each rule of the
// token path returns. An outsider's mistake is an answer, not an exception;
// exceptions stay for faults (a store or a library failing).
template <class T>
class [[nodiscard]] Result {
  public:
    template <class U = T>
    requires std::is_constructible_v<T, U&&> &&(!std::is_same_v<std::remove_cvref_t<U>, Refusal>)&&(
        !std::is_same_v<std::remove_cvref_t<U>, Result>)Result(U&& value)
        : m_v(std::in_place_index<0>, std::forward<U>(value)) {}
    Result(Refusal refusal) : m_v(std::in_place_index<1>, std::move(refusal)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& operator*() & { return std::get<0>(m_v); }
    const T& operator*() const& { return std::get<0>(m_v); }
    T&& operator*() && { return std::get<0>(std::move(m_v)); }
    T* operator->() { return &std::get<0>(m_v); }
    const T* operator->() const { return &std::get<0>(m_v); }
    const Refusal& refusal() const { return std::get<1>(m_v); }

  private:
    std::variant<T, Refusal> m_v;
};

// A rule that gives nothing back: passed (`return {};`), or refused.
template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Refusal refusal) : m_refusal(std::move(refusal)) {}

    bool ok() const { return !m_refusal; }
    explicit operator bool() const { return ok(); }
    const Refusal& refusal() const { return *m_refusal; }

  private:
    std::optional<Refusal> m_refusal;
};

// The first of `results` that is a refusal, in their order; null when all
// passed.
template <class... R>
const Refusal* first_refusal(const R&... results) {
    const Refusal* first = nullptr;
    ((first = first == nullptr && !results.ok() ? &results.refusal() : first), ...);
    return first;
}

// The refusals, one function per MP code; `detail` says what exactly was wrong.
// Each is returned where a rule's Result is expected: `return refuse::time(...)`.
namespace refuse {
Refusal invalid_request(const std::string& detail);         // MP-011
Refusal unsupported_grant_type(const std::string& detail);  // MP-011
Refusal used_before();                                      // MP-012
Refusal client_authentication(const std::string& detail);   // MP-100
Refusal audience(const std::string& detail);                // MP-110
Refusal certificate(const std::string& detail);             // MP-120
Refusal expired_key(const std::string& kid);                // MP-121
Refusal certificate_org(const std::string& detail);         // MP-122
Refusal x5c(const std::string& detail);                     // MP-123
Refusal signature(const std::string& detail);               // MP-124
Refusal time(const std::string& detail);                    // MP-130
Refusal scope(const std::string& detail);                   // MP-200
Refusal scope_not_maskinporten(const std::string& scope);   // MP-201
Refusal no_access(const std::string& scope);                // MP-250
Refusal no_delegation(const std::string& consumer, const std::string& scope,
                      const std::string& supplier);       // MP-251
Refusal authorization_type(const std::string& detail);    // MP-301
Refusal authorization_member(const std::string& detail);  // MP-302
Refusal authorization_value(const std::string& detail);   // MP-303
}  // namespace refuse

}  // namespace mpctl::core
