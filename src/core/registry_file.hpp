// SPDX-License-Identifier: Apache-2.0
// A registry file (docs/apply.md): the wanted state of prefixes, scopes and
// their access, clients and their keys, delegations, systems and system
// users, as plain data read
// from the file's JSON (YAML is read into JSON first, core/util/yaml.hpp).
// Every refusal names the file, the entry and the field. Files named in the
// document (key files) are read by the caller's KeyLoader: core reads no
// file a document names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/entities.hpp"
#include "core/scopes.hpp"
#include "core/systems.hpp"
#include "core/values.hpp"

namespace mpctl::core {

// Where an entry is in its file, for messages: "registry.yaml: clients[1]
// (974761076/orders-reader)". Entries count from 1, as a reader counts them.
struct EntryRef {
    std::string file;
    std::string entry;  // "clients[1] (974761076/orders-reader)"

    std::string describe() const { return file + ": " + entry; }
};

struct DesiredPrefix {
    EntryRef ref;
    Prefix prefix;
    OrgNumber owner;
};

// A scope: what the file gives of each field (unset: the API's default on
// create, as it is on update).
struct DesiredScope {
    EntryRef ref;
    ScopeName name;
    // The fields the entry gives (allowed_integration_types sorted; a null
    // delegation_source: not delegable); never `active` or `kept`.
    ScopeUpdate fields;
    // The consumers with approved access, sorted; unset: as they are.
    std::optional<std::vector<std::string>> access;
};

// A client key as registration stores it (validate_client_jwk: the public
// members with kid, alg and use), and its expiry when the file gives one.
struct DesiredKey {
    nlohmann::json jwk;
    std::optional<UnixTime> exp;

    const std::string& kid() const { return jwk.at("kid").get_ref<const std::string&>(); }
};

// A client, known by its org and name.
struct DesiredClient {
    EntryRef ref;
    OrgNumber org;
    std::string name;
    std::optional<std::string> description;
    std::optional<std::vector<std::string>> scopes;  // sorted
    std::optional<int64_t> access_token_lifetime;
    std::optional<std::vector<DesiredKey>> keys;  // in the file's order

    // "974761076/orders-reader"
    std::string id() const { return org.str() + "/" + name; }
};

struct DesiredDelegation {
    EntryRef ref;
    ScopeName scope;
    OrgNumber consumer;
    OrgNumber supplier;
};

// A system of Altinn's system register, known by its id ("<vendor>_<name>").
struct DesiredSystem {
    EntryRef ref;
    std::string id;
    OrgNumber vendor;  // the org number the id begins with
    std::optional<Texts> name;
    std::optional<Texts> description;
    // The clients that act for it, in the file's order: each the name of
    // one of the vendor's active clients, or a client id (a UUID).
    std::optional<std::vector<std::string>> clients;
    std::optional<bool> visible;
};

// A customer's system user of a system, known by all three.
struct DesiredSystemUser {
    EntryRef ref;
    std::string system;
    OrgNumber customer;
    std::string external_ref;  // the customer's org number unless given

    // "974761076_payroll 920000002", and " REF" when the ref is not the customer
    std::string id() const {
        std::string out = system + " " + customer.str();
        return external_ref == customer.str() ? out : out + " " + external_ref;
    }
};

// The whole file. A kind the file leaves out (no "clients:" at all) is
// unset: neither changed nor, with --prune, pruned. An empty list declares
// the kind.
struct DesiredRegistry {
    std::string file;
    // "orgs": organisations the file speaks for besides those its entries
    // name (what --prune may touch, see core/planning.hpp).
    std::vector<OrgNumber> orgs;
    std::optional<std::vector<DesiredPrefix>> prefixes;
    std::optional<std::vector<DesiredScope>> scopes;
    std::optional<std::vector<DesiredClient>> clients;
    std::optional<std::vector<DesiredDelegation>> delegations;
    std::optional<std::vector<DesiredSystem>> systems;
    std::optional<std::vector<DesiredSystemUser>> systemusers;
};

// The fields each part of the file takes, in the order docs/apply.md and
// docs/registry.schema.json list them.
const std::vector<std::string>& registry_fields(std::string_view part);

// Reads the public keys of a key file (PEM, JWK or JWK set) a document
// names, relative to the document; throws mpctl::Error when it cannot.
using KeyLoader = std::function<std::vector<nlohmann::json>(const std::string& path)>;

// The registry file's document, already parsed (parse_yaml or parse_json).
// `file` names it in messages. Throws mpctl::Error(invalid_input) naming
// the file, the entry and the field for anything the file gets wrong:
// unknown fields (with the closest known one), wrong types, values that
// core's parsers refuse, an entry given twice, keys that are not public
// keys; a key file that cannot be read is invalid_input too.
DesiredRegistry parse_registry(const nlohmann::json& document, const std::string& file,
                               const KeyLoader& load_keys);

// Completes a public JWK from a key file as `mpctl client keys add` does (kid
// its RFC 7638 thumbprint, alg the key type's default, use "sig") and
// returns validate_client_jwk's stored form.
nlohmann::json complete_client_jwk(nlohmann::json jwk);

}  // namespace mpctl::core
