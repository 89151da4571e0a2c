// SPDX-License-Identifier: Apache-2.0
// The client's side of the token endpoint: discovery, the request, and a
// cache of tokens for shell scripts that ask again and again.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/http.hpp"
#include "core/util/time.hpp"

namespace mpctl::core {

// RFC 8414 metadata of `issuer`; checks that it names the same issuer and
// has a token_endpoint.
nlohmann::json fetch_metadata(const std::string& issuer, util::HttpClient& http);

// A JWK set from a URL (a jwks_uri).
nlohmann::json fetch_jwks(const std::string& url, util::HttpClient& http);

// What the token endpoint answered a grant: the token response, or the
// refusal the server gave in its place.
struct TokenAnswer {
    std::optional<nlohmann::json> response;  // set when granted (HTTP 200)
    long status = 0;                         // the HTTP status
    std::string error;                       // the OAuth error, when refused
    std::string code;         // the MP code, when the server named one (in error_uri)
    std::string description;  // error_description, when refused
};

// Posts the grant to the token endpoint and returns the answer, granted or
// refused. Throws mpctl::Error only when there is no answer to read: the
// server unreachable or out (unavailable for 5xx and 429), or what it
// answered no Maskinporten answers (failure).
TokenAnswer request_token(const std::string& token_endpoint, const std::string& assertion,
                          util::HttpClient& http);

// Whether a refusal (its OAuth error and MP code) is about the scopes asked
// for (MP-2xx: not the client's, no access, not delegated; invalid_scope
// from a server that names no code), which other scopes need not share;
// any other refusal (the client, its key, the grant) is the same for every
// scope.
bool refused_for_scope(std::string_view error, std::string_view code);

// The organisation number an org claim of a token's claims names
// ({"authority": ..., "ID": "0192:<orgno>"}), if it is there.
std::optional<std::string> claimed_org(const nlohmann::json& claims, std::string_view name);

// The same, with a refusal thrown as mpctl::Error(invalid_input) naming the
// server's error, MP code, description and HTTP status.
nlohmann::json fetch_token(const std::string& token_endpoint, const std::string& assertion,
                           util::HttpClient& http);

// What identifies a cached token.
struct TokenCacheKey {
    // Where the token came from (server_source(), store_source()): a
    // server, by its issuer URL, or a local store, by its location. A store
    // and the server that serves it name the same issuer, but a token of
    // one is never the answer when the other is asked.
    std::string source;
    std::string issuer;
    std::string client_id;
    std::vector<std::string> scopes;
    std::vector<std::string> resource;
    std::string consumer_org;
    // What signs the grant: a digest of the key file's bytes and the kid or
    // certificate that names it (key_digest()). A cached token belongs to it,
    // so another key, or none, never gets the token of this one.
    std::string signer;
    // What the grant asks for besides (authorization_details, pid): a token
    // for one customer or person is never the token for another.
    std::string systemuser_org = {};
    std::string external_ref = {};
    std::string pid = {};
    // The system user it acted as, when known (from the local store): a new
    // one in the place of a deactivated one gets a token of its own.
    std::string systemuser_id = {};
    // Why it was asked, when not by `mpctl token`: "admin" for the token of
    // the registry commands' --server, which holds those of the admin scopes
    // the client has (`scopes` are all of them).
    std::string purpose = {};
};

// TokenCacheKey::source for a token from the server of `issuer`, or from the
// local store at `location` (as the user may see it: no password).
std::string server_source(const std::string& issuer);
std::string store_source(const std::string& location);

// A digest of `bytes` for TokenCacheKey::signer: FNV-1a, since the cache is
// the user's own 0600 files and a cached token must not pay for OpenSSL's
// start (a third of its time) to compute a SHA-256 thumbprint.
std::string key_digest(std::string_view bytes);

// Token responses kept as files (mode 0600) in one directory (mode 0700).
class TokenCache {
  public:
    explicit TokenCache(std::filesystem::path dir) : m_dir(std::move(dir)) {}

    // A cached response while more than 10% of its lifetime (at least 10 s)
    // is left, with expires_in the seconds left. An entry that is damaged,
    // or written for another key (by an older mpctl too), is no answer.
    std::optional<nlohmann::json> find(const TokenCacheKey& key, util::UnixTime now) const;
    void store(const TokenCacheKey& key, const nlohmann::json& response, util::UnixTime now) const;

  private:
    std::filesystem::path file(const TokenCacheKey& key) const;
    std::filesystem::path m_dir;
};

}  // namespace mpctl::core
