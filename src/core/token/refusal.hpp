// SPDX-License-Identifier: Apache-2.0
// A refused token request, as Maskinporten words it (docs/errors.md).
#pragma once

#include <string>

#include "core/util/expected.hpp"

namespace mpctl::core {

struct Refusal {
    std::string error;        // "invalid_grant", "invalid_scope", "forbidden", ...
    std::string code;         // "MP-124"
    int status = 400;         // HTTP status
    std::string description;  // without the trace id
};

// A value, or the refusal that stands in its place: what each rule of the
// token path returns. An outsider's mistake is an answer, not an exception;
// exceptions stay for faults (a store or a library failing). `return {};`
// passes a Result<void>.
template <class T>
using Result = Expected<T, Refusal>;

// The first of `results` that is a refusal, in their order; null when all
// passed.
template <class... R>
const Refusal* first_refusal(const R&... results) {
    const Refusal* first = nullptr;
    ((first = first == nullptr && !results.ok() ? &results.error() : first), ...);
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
