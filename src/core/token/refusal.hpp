// SPDX-License-Identifier: Apache-2.0
// A refused token request, as Maskinporten words it (docs/errors.md).
#pragma once

#include <stdexcept>
#include <string>

namespace mpctl::core {

struct Refusal {
    std::string error;        // "invalid_grant", "invalid_scope", "forbidden", ...
    std::string code;         // "MP-124"
    int status = 400;         // HTTP status
    std::string description;  // without the trace id
};

// Thrown inside the token service and caught at its edge.
class Refused : public std::exception {
  public:
    explicit Refused(Refusal r) : m_refusal(std::move(r)) {}
    const char* what() const noexcept override { return m_refusal.description.c_str(); }
    const Refusal& refusal() const { return m_refusal; }

  private:
    Refusal m_refusal;
};

// The refusals, one function per MP code; `detail` says what exactly was wrong.
namespace refuse {
[[noreturn]] void invalid_request(const std::string& detail);         // MP-011
[[noreturn]] void unsupported_grant_type(const std::string& detail);  // MP-011
[[noreturn]] void used_before();                                      // MP-012
[[noreturn]] void client_authentication(const std::string& detail);   // MP-100
[[noreturn]] void audience(const std::string& detail);                // MP-110
[[noreturn]] void certificate(const std::string& detail);             // MP-120
[[noreturn]] void expired_key(const std::string& kid);                // MP-121
[[noreturn]] void certificate_org(const std::string& detail);         // MP-122
[[noreturn]] void x5c(const std::string& detail);                     // MP-123
[[noreturn]] void signature(const std::string& detail);               // MP-124
[[noreturn]] void time(const std::string& detail);                    // MP-130
[[noreturn]] void scope(const std::string& detail);                   // MP-200
[[noreturn]] void scope_not_maskinporten(const std::string& scope);   // MP-201
[[noreturn]] void no_access(const std::string& scope);                // MP-250
[[noreturn]] void no_delegation(const std::string& consumer, const std::string& scope,
                                const std::string& supplier);       // MP-251
[[noreturn]] void authorization_type(const std::string& detail);    // MP-301
[[noreturn]] void authorization_member(const std::string& detail);  // MP-302
[[noreturn]] void authorization_value(const std::string& detail);   // MP-303
}  // namespace refuse

}  // namespace mpctl::core
