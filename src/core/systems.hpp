// SPDX-License-Identifier: Apache-2.0
// The register behind Altinn's system users: a vendor registers a system
// (its id, its name and the vendor's clients that act for it); a customer
// organisation approves a system user for that system. A grant of one of the
// system's clients may then ask for a token for the customer
// (authorization_details of type urn:altinn:systemuser).
//
// Ownership as for scopes and clients: a vendor manages its own systems, a
// customer the system users made for it, the operator everything. Nothing is
// deleted, only deactivated.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor.hpp"
#include "core/change.hpp"
#include "core/entities.hpp"
#include "core/store/store.hpp"
#include "core/util/expected.hpp"
#include "core/values.hpp"

namespace mpctl::core {

// Language -> text ("nb", "nn", "en"), as Altinn words a system's name.
using Texts = std::map<std::string, std::string>;
// The same text in every language: what `--name TEXT` sets.
Texts in_every_language(const std::string& text);
// The text to show: Norwegian bokmål, else English, else nynorsk, else "".
std::string shown_text(const Texts& texts);

// A system's name (`is_name`: one line of text in each language given) or
// description (text of any lines, or none): languages nb, nn and en only.
void check_system_texts(std::string_view field, const Texts& texts, bool is_name);

// Client ids as a system's clients, each a version 4 UUID.
std::vector<Uuid> parse_client_ids(const std::vector<std::string>& ids);

// An externalRef: 1 to 255 characters of text (core/values.hpp text_check).
Parsed<void> check_external_ref(std::string_view ref);

// "<vendor orgno>_<name>": the org number must be the vendor's; the name is
// 1 to 100 of A-Z a-z 0-9 . _ - (it goes into URLs and tokens as it is).
void check_system_id(std::string_view id, const OrgNumber& vendor);

struct SystemSpec {
    std::string id;
    OrgNumber vendor;
    Texts name = {};  // empty: the name part of the id
    Texts description = {};
    std::vector<Uuid> clients = {};
    bool visible = true;
    bool active = true;  // false: registered deactivated
};

// The fields an update may change; unset ones stay as they are.
struct SystemUpdate {
    std::optional<Texts> name = std::nullopt;
    std::optional<Texts> description = std::nullopt;
    std::optional<std::vector<Uuid>> clients = std::nullopt;
    std::optional<bool> visible = std::nullopt;
    // true reactivates, false deactivates (core/activation.hpp).
    std::optional<bool> active = std::nullopt;
};

// Registers a system for a vendor the actor acts for. Its clients must be the
// vendor's own, and each may act for one active system only. Its name is one
// line in each language; its description any text.
System register_system(WriteTxn& txn, const Actor& actor, const SystemSpec& spec, UnixTime now);
// Changes a system of the actor's. A deactivated one only with `active`
// given: true reactivates it, false leaves it deactivated (conflict without).
System update_system(WriteTxn& txn, const Actor& actor, const std::string& id,
                     const SystemUpdate& update, UnixTime now);
// Deactivates a system: its system users get no more tokens. Again: no
// change (already).
Changed<System> deactivate_system(WriteTxn& txn, const Actor& actor, const std::string& id,
                                  UnixTime now);
// A system the actor may see: its vendor's (and the operator's) in any state;
// any organisation's while it is active, since systems are offered to all.
System get_system(const ReadTxn& txn, const Actor& actor, const std::string& id);
// The actor's own systems and those offered to it (active and visible); every
// system for the operator.
std::vector<System> list_systems(const ReadTxn& txn, const Actor& actor, bool include_inactive);

struct SystemUserSpec {
    std::string system_id;
    OrgNumber customer;
    std::optional<std::string> external_ref = std::nullopt;  // the customer's orgno unless given
    std::string integration_title = {};                      // the system's name unless given
};

// Creates a system user for a customer the actor acts for, of an active
// system; its externalRef must be new for that system and customer.
SystemUser add_systemuser(WriteTxn& txn, const Actor& actor, const SystemUserSpec& spec,
                          UnixTime now);
// Deactivates a system user of a customer the actor acts for. Again: no
// change (already).
Changed<SystemUser> deactivate_systemuser(WriteTxn& txn, const Actor& actor, const Uuid& id,
                                          UnixTime now);
// A system user of the actor's org as customer or as the system's vendor.
SystemUser get_systemuser(const ReadTxn& txn, const Actor& actor, const Uuid& id);

struct SystemUserFilter {
    std::optional<std::string> system = std::nullopt;
    std::optional<OrgNumber> customer = std::nullopt;
    bool include_inactive = false;
};
// The system users the actor's org has as customer or as vendor (all for the
// operator), narrowed by `filter`.
std::vector<SystemUser> list_systemusers(const ReadTxn& txn, const Actor& actor,
                                         const SystemUserFilter& filter);

// The active systems `client_id` acts for: one at most by the register's
// rule, more only in a store edited by hand.
std::vector<System> active_systems_of_client(const ReadTxn& txn, const std::string& client_id);

// The active system users of `customer` for the system `system_id`.
std::vector<SystemUser> active_systemusers(const ReadTxn& txn, const OrgNumber& customer,
                                           const std::string& system_id);

}  // namespace mpctl::core
