// SPDX-License-Identifier: Apache-2.0
// The client's side of the grant: signing one, and explaining rule by rule
// whether Maskinporten would accept one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/token/systemuser_grant.hpp"
#include "core/util/crypto.hpp"
#include "core/util/jws.hpp"
#include "core/util/time.hpp"
#include "core/values.hpp"

namespace mpctl::core {

struct AssertionSpec {
    std::string client_id;
    std::string audience;  // the issuer URL
    std::vector<std::string> scopes;
    std::vector<std::string> resource;
    std::optional<std::string> consumer_org;
    // authorization_details of type urn:altinn:systemuser naming this customer.
    std::optional<SystemUserRequest> systemuser = std::nullopt;
    std::optional<Pid> pid = std::nullopt;
    int64_t lifetime = 120;  // exp - iat, at most 120
    // Either a kid, or a certificate chain for x5c (leaf first).
    std::optional<std::string> kid;
    std::vector<util::Certificate> x5c;
    std::optional<util::JwsAlg> alg;  // default: the key's
    bool jti = true;
};

// A grant's lifetime (exp - iat): 1 to k_max_grant_life seconds.
void check_grant_lifetime(int64_t seconds);

// A signed grant as of `now`, with a random jti. Refuses what Maskinporten
// would refuse anyway: no scope, a lifetime over 120 s, an alg that does not
// fit the key, neither kid nor x5c.
std::string sign_assertion(const AssertionSpec& spec, const util::Key& key, util::UnixTime now);

struct LintResult {
    std::string rule;  // what was checked
    bool ok = true;
    std::string code;      // MP code when not ok
    std::string message;   // why not, or a note
    bool warning = false;  // ok for mpctl, but not what the real Maskinporten accepts
    std::string fix{};     // when not ok: how a client fixes it (docs/errors.md)
};

// Checks a grant against every rule that needs neither a server nor a key:
// structure, header, claim names and types, aud (when `issuer` is given),
// times, scope. Rules that need the registry are listed as not checked.
std::vector<LintResult> lint_assertion(std::string_view assertion,
                                       const std::optional<std::string>& issuer,
                                       util::UnixTime now);

}  // namespace mpctl::core
