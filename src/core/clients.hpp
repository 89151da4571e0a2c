// SPDX-License-Identifier: Apache-2.0
// Clients and their public keys: the API consumer's side of the registry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/actor.hpp"
#include "core/change.hpp"
#include "core/entities.hpp"
#include "core/store/store.hpp"
#include "core/values.hpp"

namespace mpctl::core {

inline constexpr size_t k_max_client_keys = 5;
inline constexpr int64_t k_max_token_lifetime = 86400;
inline constexpr UnixTime k_max_key_life = 365 * 86400;
// A key with less than this left is due for a new one (the web page, `client
// keys list` and /metrics mark it).
inline constexpr UnixTime k_key_renewal_window = 30 * 86400;

// Whether `key` expires within k_key_renewal_window of `now` (and has not
// yet expired).
inline bool expires_soon(const ClientKey& key, UnixTime now) {
    return key.expires > now && key.expires - now < k_key_renewal_window;
}

// Whether `key` is due for a new one: it expires within k_key_renewal_window
// of `now`, or has expired (a client that still uses it gets MP-121).
inline bool due_for_renewal(const ClientKey& key, UnixTime now) {
    return key.expires - now < k_key_renewal_window;
}

// Org number -> how many keys of its active clients are due_for_renewal():
// the orgs with one or more (for /metrics).
std::map<std::string, size_t> keys_expiring_by_org(const ReadTxn& txn, UnixTime now);

struct ClientSpec {
    OrgNumber org;
    std::string client_name;
    std::string description;
    std::vector<std::string> scopes;
    int64_t access_token_lifetime = 120;
    std::optional<Uuid> client_id = std::nullopt;    // chosen by the caller (Digdir allows it)
    bool active = true;                              // false: registered deactivated
    nlohmann::json kept = nlohmann::json::object();  // Client::kept
};

// The fields an update may change; unset ones stay as they are.
struct ClientUpdate {
    std::optional<std::string> client_name;
    std::optional<std::string> description;
    std::optional<std::vector<std::string>> scopes;
    std::optional<int64_t> access_token_lifetime;
    // true reactivates a deactivated client, false deactivates it.
    std::optional<bool> active;
    std::optional<nlohmann::json> kept;
};

// Registers a client for an org the actor acts for, with scopes that org may use.
// access_token_lifetime: 1 to k_max_token_lifetime seconds.
void check_token_lifetime(int64_t seconds);

Client register_client(WriteTxn& txn, const Actor& actor, const ClientSpec& spec, UnixTime now);
// Changes a client of the actor's org. A deactivated one only with `active`
// given: true reactivates it (an org may not reactivate what the operator
// deactivated: forbidden), false leaves it deactivated.
Client update_client(WriteTxn& txn, const Actor& actor, const Uuid& id, const ClientUpdate& update,
                     UnixTime now);

// What register_by_name (core/registry.hpp) does when the org has an active client of the name.
enum class SameName {
    refuse,        // conflict, naming it
    keep_if_same,  // it, when it is what `spec` asks; else a conflict naming what differs
    update,        // it, made what `spec` asks
};
// Which of a spec's fields with a default are held against an existing
// client (the scopes always are): those the caller gave.
struct GivenFields {
    bool description = false;
    bool access_token_lifetime = false;
};
// Deactivates a client; one deactivated already stays as it is (already).
Changed<Client> deactivate_client(WriteTxn& txn, const Actor& actor, const Uuid& id, UnixTime now);
// A client of the actor's org; not_found for anything else.
Client get_client(const ReadTxn& txn, const Actor& actor, const Uuid& id);
std::optional<Client> find_client(const ReadTxn& txn, const Uuid& id);
// The clients of the actor's org (every client for the operator), or of `org` when given.
std::vector<Client> list_clients(const ReadTxn& txn, const Actor& actor,
                                 const std::optional<OrgNumber>& org, bool include_inactive);
// The largest access_token_lifetime of any client: how long a token may live.
int64_t longest_token_lifetime(const ReadTxn& txn);

// Checks one public JWK for registration and returns its stored form: the key
// members with kid, alg and use. Refuses private keys, weak RSA, unknown alg.
nlohmann::json validate_client_jwk(const nlohmann::json& jwk);

// Adds keys to a client's set. A key's "exp" member, when given, is its expiry
// (at most a year ahead); else it lives `life` (at most a year). A kid already
// there with the same key takes the new expiry; with another key it is a conflict.
ClientKeySet add_client_keys(WriteTxn& txn, const Actor& actor, const Uuid& id,
                             const std::vector<nlohmann::json>& jwks, UnixTime now,
                             UnixTime life = k_max_key_life);
// Replaces the whole set (the API's POST/PUT of /clients/{id}/jwks). A key
// that was in the set before keeps its "created".
ClientKeySet replace_client_keys(WriteTxn& txn, const Actor& actor, const Uuid& id,
                                 const std::vector<nlohmann::json>& jwks, UnixTime now,
                                 UnixTime life = k_max_key_life);
// Removing keys works on a deactivated client too. A kid the client does
// not have is absent; a client the actor does not see is not_found.
Changed<ClientKeySet> remove_client_key(WriteTxn& txn, const Actor& actor, const Uuid& id,
                                        const Kid& kid);
void remove_all_client_keys(WriteTxn& txn, const Actor& actor, const Uuid& id);
ClientKeySet get_client_keys(const ReadTxn& txn, const Actor& actor, const Uuid& id);

}  // namespace mpctl::core
