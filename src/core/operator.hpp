// SPDX-License-Identifier: Apache-2.0
// What only the operator does: set up the store, the server's signing keys,
// and the CAs whose certificates may sign grants (x5c).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/change.hpp"
#include "core/entities.hpp"
#include "core/key_seal.hpp"
#include "core/store/store.hpp"
#include "core/values.hpp"

namespace mpctl::core {

// Digdir's organisation number: the default owner of the built-in admin scopes.
inline constexpr std::string_view k_default_operator_org = "991825827";
inline constexpr std::string_view k_admin_prefix = "idporten";

// The self-service API's admin scopes, created by init under "idporten".
const std::vector<std::string>& admin_scopes();
// The JWS algorithms the server may sign access tokens with.
const std::vector<std::string>& signing_algs();

struct Settings {
    std::string issuer;
    std::string operator_orgno;
};

std::optional<Settings> load_settings(const ReadTxn& txn);
// load_settings, or a clear error telling to run `mpctl init`.
Settings require_settings(const ReadTxn& txn);

// Sets the issuer, creates the first signing key (sealed under `secrets`,
// if any), the "idporten" prefix owned by the operator's org, and the admin
// scopes. Once: again with the same issuer, operator and signing algorithm
// it is done already (nothing written); with others, a conflict naming them.
Changed<Settings> init_store(WriteTxn& txn, const std::string& issuer,
                             const OrgNumber& operator_org, const std::string& alg, UnixTime now,
                             const KeySecrets& secrets = KeySecrets());

// Makes a new active signing key; the old active one retires and stays
// published until every token it may have signed has expired.
SigningKey rotate_signing_key(WriteTxn& txn, const std::string& alg, UnixTime now,
                              const KeySecrets& secrets = KeySecrets());

// A key's place in its life: "active" (signs), "next" (published, waiting
// to be activated), "retired" (published until its tokens have expired),
// "expired" (no longer published).
std::string_view signing_key_state(const SigningKey& key, UnixTime now);

// Publishes a new key without signing with it: the next key, in the JWKS
// from now on, so that resource servers have it cached before it signs.
// One at a time: a second is a conflict naming the first.
SigningKey add_signing_key(WriteTxn& txn, const std::string& alg, UnixTime now,
                           const KeySecrets& secrets = KeySecrets());
// Makes the next key `kid` the one that signs; the active one retires as
// with rotate. Refused (conflict) when it has been published for less than
// `min_published` (resource servers may not have it yet), unless `force`;
// not_found for a kid that is no key, conflict for one that is not next.
SigningKey activate_signing_key(WriteTxn& txn, const std::string& kid, UnixTime now,
                                UnixTime min_published, bool force);

// Seals every private signing key under the first of `secrets` (opening it
// with whichever sealed it); the kids of those that changed. Refuses when
// `secrets` is empty.
std::vector<std::string> rewrap_signing_keys(WriteTxn& txn, const KeySecrets& secrets);
// Throws, naming the key, when a published signing key does not open with
// `secrets` (and when `required` and one is in the clear): for a server
// to refuse to start rather than to fail each request.
void check_signing_keys(const ReadTxn& txn, const KeySecrets& secrets, bool required, UnixTime now);
// The active key first, then the next one, then retired ones, most recently
// retired first.
std::vector<SigningKey> list_signing_keys(const ReadTxn& txn);
// The kid and alg of the key that signs now, read without decoding any key.
struct ActiveSigningKey {
    std::string kid;
    std::string alg;
};
ActiveSigningKey active_signing_key(const ReadTxn& txn);
// The keys that belong in the JWKS now: the active one, the next one, and
// those retired but still published.
std::vector<SigningKey> published_signing_keys(const ReadTxn& txn, UnixTime now);

// {"keys":[...]}: the public JWKs of the published signing keys, as /jwk serves.
nlohmann::json published_jwks(const ReadTxn& txn, UnixTime now);

// Trusts the CA certificates in a PEM text. Refuses non-CA and expired ones.
std::vector<TrustedCa> add_trusted_cas(WriteTxn& txn, std::string_view pem, UnixTime now);
std::vector<TrustedCa> list_trusted_cas(const ReadTxn& txn);
// By full fingerprint or a unique prefix of at least 8 hex digits; absent
// when no trusted CA has it.
Changed<TrustedCa> remove_trusted_ca(WriteTxn& txn, std::string_view fingerprint);

}  // namespace mpctl::core
