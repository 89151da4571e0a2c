// SPDX-License-Identifier: Apache-2.0
// The token endpoint's logic: a grant in, an access token or a refusal out.
// Clock and randomness are injected so every rule is testable without a server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/entities.hpp"
#include "core/key_seal.hpp"
#include "core/store/audit.hpp"
#include "core/store/store.hpp"
#include "core/store/token_memory.hpp"
#include "core/token/crypto_cache.hpp"
#include "core/token/jwt.hpp"
#include "core/token/refusal.hpp"
#include "core/util/time.hpp"

namespace mpctl::core {

// The form fields of POST /token; absent ones are nullopt.
struct TokenForm {
    std::optional<std::string> grant_type;
    std::optional<std::string> assertion;
    // Set when the request's form could not be read; what was wrong with it.
    // The request is then refused as malformed (MP-011) like any other.
    std::optional<std::string> malformed;
};

struct TokenResponse {
    std::string access_token;
    std::string token_type = "Bearer";
    int64_t expires_in = 0;
    std::string scope;
};
// The body of a 200 from the token endpoint.
std::string response_json(const TokenResponse& v);

// Where a token request came from, for its audit entry: the trace id of
// its answer, and over HTTP the peer's address and User-Agent.
struct RequestOrigin {
    std::string trace_id;
    std::string remote = {};
    std::string user_agent = {};
};

struct TokenOutcome {
    std::optional<TokenResponse> response;  // set when granted
    std::optional<Refusal> refusal;         // set when refused
    std::string claims_json;                // the access token's claims when granted
    AuditEntry audit;                       // as the token memory recorded it
};

// Whether a token is one this server issued and is still good: the answer
// to introspection and to the self-service API's bearer check.
struct OwnTokenCheck {
    bool active = false;
    std::string problem;    // why not, when not active; never names a key or path
    nlohmann::json claims;  // the token's claims when active
};

class TokenService {
  public:
    using Clock = std::function<util::UnixTime()>;
    using Random = std::function<std::string(size_t)>;

    // `registry` is read; `memory` keeps used grants and opaque tokens.
    TokenService(Store& registry, TokenMemory& memory, Clock clock = util::unix_now,
                 Random random = default_random());

    // Handles one token request and records it in the token memory: a
    // granted grant marked used, and for every request, granted or refused,
    // exactly one audit entry. Never throws for anything the client sent;
    // throws mpctl::Error only when the store or crypto library fails (then
    // no token may leave).
    TokenOutcome request(const TokenForm& form, const RequestOrigin& origin);

    // A self-contained token signed by a published signing key of this store
    // (iss = the issuer, not expired), or an opaque token in the token memory.
    OwnTokenCheck check(std::string_view token);

    // Serves under `issuer` instead of the one `init` stored (what clients
    // must put in aud, and what tokens carry as iss). Call before serving.
    void set_issuer(std::string issuer) { m_issuer = std::move(issuer); }
    // Opens the private signing keys (see core/key_seal.hpp). Call before serving.
    void set_key_secrets(KeySecrets secrets) { m_secrets = std::move(secrets); }
    // The issuer in effect, read from the store unless set.
    std::string issuer(const ReadTxn& txn) const;

    static Random default_random();

  private:
    // The rules and the record of a grant granted; fills `out` as far as it
    // got, and `jwt` once the assertion parsed.
    Result<void> issue(const TokenForm& form, util::UnixTime now, TokenOutcome& out,
                       std::optional<Jwt>& jwt);

    Store& m_store;
    TokenMemory& m_memory;
    Clock m_clock;
    Random m_random;
    CryptoCache m_crypto;
    KeySecrets m_secrets;
    std::optional<std::string> m_issuer;
};

}  // namespace mpctl::core
