// SPDX-License-Identifier: Apache-2.0
// The registry's records. Field names are the API's (docs/http-api.md): their JSON is what the
// CLI prints with --json and what the self-service API speaks.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/time.hpp"
#include "core/values.hpp"

// to_json is defined for nlohmann::json (the store) and nlohmann::ordered_json
// (the answer); entities.cpp instantiates both. The store's form holds what the
// registry needs, in the words every version of mpctl reads (so that an older
// replica or a rollback reads what a newer one wrote); the answer, which the CLI
// prints with --json and the API speaks, is Digdir's shape: fields in the API's
// order, Digdir's words and the defaults of Digdir's fields.

namespace mpctl::core {

template <class Json>
inline constexpr bool k_answer = std::is_same_v<Json, nlohmann::ordered_json>;

using util::UnixTime;

enum class TokenType { self_contained, opaque };
enum class Visibility { public_, private_ };
// DENIED is Digdir's word for access that was taken away (stored as REVOKED,
// the word stores have held from the start).
enum class AccessState { approved, denied };

// "SELF_CONTAINED", "OPAQUE" and back; parse throws naming the input.
std::string_view to_string(TokenType t);
TokenType parse_token_type(std::string_view text);
std::string_view to_string(Visibility v);
Visibility parse_visibility(std::string_view text);
std::string_view to_string(AccessState s);
AccessState parse_access_state(std::string_view text);

// The integration types a scope may name; a Maskinporten client is "maskinporten".
const std::vector<std::string>& known_integration_types();
inline constexpr std::string_view k_maskinporten = "maskinporten";
// The authority of an org number in claims and Altinn's objects ("0192:<orgno>").
inline constexpr std::string_view k_org_authority = "iso6523-actorid-upis";
inline constexpr std::string_view k_jwt_bearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";

struct PrefixRecord {
    std::string name;
    std::string owner_orgno;
    std::string created;
};

// What a new scope is made of; a Scope holds it, with what the registry adds.
struct ScopeSpec {
    ScopeName name;
    std::string description;
    std::string long_description;
    TokenType token_type = TokenType::self_contained;
    int64_t at_max_age = 0;
    Visibility visibility = Visibility::public_;
    bool accessible_for_all = false;
    std::optional<std::string> delegation_source;
    std::vector<std::string> allowed_integration_types{std::string(k_maskinporten)};
    bool active = true;  // a new scope given false is created deactivated
    // Digdir's fields that mpctl keeps and answers without acting on them
    // (core/digdir_fields.hpp), by name; only those given.
    nlohmann::json kept = nlohmann::json::object();
};

// A scope in the registry: its spec, and what the registry adds.
struct Scope : ScopeSpec {
    std::string prefix;
    std::string subscope;
    std::string owner_orgno;
    std::string created;
    std::string last_updated;
    // Who deactivated it: "operator", or an org number (stored, not answered).
    std::string deactivated_by;
};

struct Access {
    std::string scope;
    std::string consumer_orgno;
    std::string owner_orgno;
    AccessState state = AccessState::approved;
    std::string created;
    std::string last_updated;
};

struct Client {
    std::string client_id;
    std::string client_name;
    std::string description;
    std::string client_orgno;
    std::string integration_type{k_maskinporten};
    std::string token_endpoint_auth_method = "private_key_jwt";
    std::vector<std::string> grant_types{std::string(k_jwt_bearer)};
    std::vector<std::string> scopes;
    int64_t access_token_lifetime = 120;
    bool active = true;
    std::string created;
    std::string last_updated;
    // Digdir's fields that mpctl keeps and answers without acting on them
    // (core/digdir_fields.hpp), by name; only those given.
    nlohmann::json kept = nlohmann::json::object();
    // Who deactivated it: "operator", or an org number (stored, not answered).
    std::string deactivated_by;
};

// One registered public key: the JWK (with kid, alg, use), when it was added
// and when its expiry last changed, and its expiry.
struct ClientKey {
    nlohmann::json jwk;
    UnixTime created = 0;
    UnixTime updated = 0;
    UnixTime expires = 0;

    const std::string& kid() const { return jwk.at("kid").get_ref<const std::string&>(); }
};

struct ClientKeySet {
    std::string client_id;
    std::vector<ClientKey> keys;
};

struct Delegation {
    std::string id;
    std::string scope;
    std::string consumer_orgno;
    std::string supplier_orgno;
    std::string delegation_source;
    bool active = true;
    std::string created;
    std::string last_updated;
};

// A vendor's system in Altinn's system register: its id is
// "<vendor orgno>_<name>"; the vendor's clients listed act for it. Answered
// in Altinn's words (id, vendor, name, description, clientId, isVisible,
// isDeleted).
struct System {
    std::string id;
    std::string vendor_orgno;
    // Language ("nb", "nn", "en") -> text, as Altinn has them.
    std::map<std::string, std::string> name;
    std::map<std::string, std::string> description;
    std::vector<std::string> client_ids;
    bool visible = true;  // offered to every organisation (Altinn's isVisible)
    bool active = true;
    std::string created;
    std::string last_updated;
    // Who deactivated it: "operator", or an org number (stored, not answered).
    std::string deactivated_by;
};

// A customer's approval of a vendor's system: the system may act for the
// customer. Answered in Altinn's words (id, integrationTitle, systemId,
// partyOrgNo, supplierOrgNo, externalRef, isDeleted).
struct SystemUser {
    std::string id;  // a UUID
    std::string system_id;
    std::string vendor_orgno;
    std::string customer_orgno;
    // Which of the customer's system users of the system: unique per system
    // and customer; the customer's org number unless given (as in Altinn).
    std::string external_ref;
    std::string integration_title;
    bool active = true;
    std::string created;
    std::string last_updated;
    std::string deactivated_by;
};

struct TrustedCa {
    std::string fingerprint;  // SHA-256 of the DER, lowercase hex
    std::string subject;
    UnixTime not_before = 0;
    UnixTime not_after = 0;
    std::string pem;
    std::string created;
};

// A key the server signs access tokens with. Only the active one signs; a
// retired one stays published until `publish_until`.
struct SigningKey {
    std::string kid;
    std::string alg;
    std::string private_pem;
    nlohmann::json public_jwk;  // with kid, alg, use
    bool active = true;
    UnixTime created = 0;
    UnixTime retired = 0;
    UnixTime publish_until = 0;
};

template <class Json>
void to_json(Json& j, const PrefixRecord& v);
void from_json(const nlohmann::json& j, PrefixRecord& v);
template <class Json>
void to_json(Json& j, const Scope& v);
// (A Scope is read from JSON by adl_serializer<Scope> below.)
template <class Json>
void to_json(Json& j, const Access& v);
void from_json(const nlohmann::json& j, Access& v);
template <class Json>
void to_json(Json& j, const Client& v);
void from_json(const nlohmann::json& j, Client& v);
// A key: the JWK members plus "exp" (expiry, Unix time), "created" and
// "last_updated" (answered as RFC 3339, as Digdir does; stored in Unix time,
// "last_updated" only when it differs from "created").
template <class Json>
void to_json(Json& j, const ClientKey& v);
void from_json(const nlohmann::json& j, ClientKey& v);
template <class Json>
void to_json(Json& j, const ClientKeySet& v);
void from_json(const nlohmann::json& j, ClientKeySet& v);
template <class Json>
void to_json(Json& j, const Delegation& v);
void from_json(const nlohmann::json& j, Delegation& v);
template <class Json>
void to_json(Json& j, const System& v);
void from_json(const nlohmann::json& j, System& v);
template <class Json>
void to_json(Json& j, const SystemUser& v);
void from_json(const nlohmann::json& j, SystemUser& v);
template <class Json>
void to_json(Json& j, const TrustedCa& v);
void from_json(const nlohmann::json& j, TrustedCa& v);
// The stored form, private key included. Use public_view() to show one.
template <class Json>
void to_json(Json& j, const SigningKey& v);
void from_json(const nlohmann::json& j, SigningKey& v);
nlohmann::json public_view(const SigningKey& v);

}  // namespace mpctl::core

// A Scope has no empty state (its name is a ScopeName), so nlohmann/json
// builds one from JSON instead of filling in a default-constructed one.
template <>
struct nlohmann::adl_serializer<mpctl::core::Scope> {
    static mpctl::core::Scope from_json(const nlohmann::json& j);
    template <class Json>
    static void to_json(Json& j, const mpctl::core::Scope& v) {
        mpctl::core::to_json(j, v);
    }
};
