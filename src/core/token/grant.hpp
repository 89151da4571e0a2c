// SPDX-License-Identifier: Apache-2.0
// The JWT grant (RFC 7523) a client signs: every rule of the token
// endpoint that concerns the assertion itself. Scopes and access are the
// token service's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/entities.hpp"
#include "core/store/store.hpp"
#include "core/token/crypto_cache.hpp"
#include "core/token/jwt.hpp"
#include "core/token/refusal.hpp"
#include "core/token/systemuser_grant.hpp"
#include "core/util/jws.hpp"
#include "core/values.hpp"

namespace mpctl::core {

// Clock skew allowed on iat and nbf, and the longest a grant may live.
inline constexpr UnixTime k_grant_skew = 10;
inline constexpr UnixTime k_max_grant_life = 120;

// A grant that passed every check of its own.
struct Grant {
    Client client;
    std::string amr;                  // "private_key_jwt" or "virksomhetssertifikat"
    std::vector<std::string> scopes;  // as requested, without repeats
    std::optional<std::string> jti;
    std::vector<std::string> resource;  // becomes the token's aud
    std::optional<OrgNumber> consumer_org;
    std::optional<SystemUserRequest> systemuser;  // authorization_details
    std::optional<Pid> pid;
    UnixTime expires = 0;
    std::string replay_key;  // what marks this grant used
};

// The scopes of a space-separated list, in order, each once.
std::vector<std::string> split_scopes(std::string_view text);

// The rules that need no registry, one function each; each returns its
// value or the refusal. validate_grant applies them all; `mpctl assertion
// lint` reports them one by one.
namespace grant_rules {
Result<Jwt> structure(std::string_view assertion);
Result<util::JwsAlg> header(const nlohmann::json& header);
Result<void> key_named(const nlohmann::json& header);  // by kid or x5c
Result<void> claim_names(const nlohmann::json& claims);
Result<std::string> issuer_claim(
    const nlohmann::json& claims);  // and sub, which may only repeat it
Result<void> audience(const nlohmann::json& claims, const std::string& issuer);
Result<UnixTime> times(const nlohmann::json& claims, UnixTime now);  // gives exp
Result<std::vector<std::string>> scopes(const nlohmann::json& claims);
Result<std::optional<std::string>> jti(const nlohmann::json& claims);
Result<std::vector<std::string>> resource(const nlohmann::json& claims);
Result<std::optional<OrgNumber>> consumer_org(const nlohmann::json& claims);
Result<std::optional<SystemUserRequest>> authorization_details(const nlohmann::json& claims);
Result<std::optional<Pid>> pid(const nlohmann::json& claims);
}  // namespace grant_rules

// Checks the header, key, signature and claims of `jwt` (parsed from
// `assertion` by grant_rules::structure) against the registry as of `now`:
// the grant, or the refusal of the first rule broken. `cache` keeps parsed
// client keys and certificate chains across requests.
Result<Grant> validate_grant(const ReadTxn& txn, const std::string& issuer, const Jwt& jwt,
                             std::string_view assertion, UnixTime now, CryptoCache& cache);

}  // namespace mpctl::core
