// SPDX-License-Identifier: Apache-2.0
#include "core/systems.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

#include <fmt/format.h>

#include "core/activation.hpp"
#include "core/clients.hpp"
#include "core/store/records.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace mpctl::core {

namespace {

constexpr size_t k_max_system_name = 100;
constexpr std::array<std::string_view, 3> k_languages{"nb", "nn", "en"};

// The ids of the systems that list `client` (active or not).
std::vector<std::string> systems_of_client(const ReadTxn& txn, const std::string& client) {
    return index_lookup(txn, Table::systems_by_client, client);
}

// Each client must be the vendor's and, while the system is `active`, act
// for no other active system.
void check_clients(const ReadTxn& txn, const std::string& system_id, const std::string& vendor,
                   const std::vector<std::string>& clients, bool active) {
    for (const auto& id : clients) {
        auto client = find_client(txn, Uuid::parse(id, "client id"));
        if (!client) {
            fail(ErrorKind::invalid_input, fmt::format("client {} does not exist", id));
        }
        if (client->client_orgno != vendor) {
            fail(ErrorKind::invalid_input,
                 fmt::format("client {} belongs to org {}, not to the vendor {}", id,
                             client->client_orgno, vendor));
        }
        for (const auto& other : active ? systems_of_client(txn, id) : std::vector<std::string>{}) {
            auto system = load<System>(txn, Table::systems, other);
            if (other != system_id && system && system->active) {
                fail(ErrorKind::conflict,
                     fmt::format("client {} acts for the system {} already; a client acts for "
                                 "one system",
                                 id, other));
            }
        }
    }
}

std::vector<std::string> client_strings(const std::vector<Uuid>& clients) {
    std::vector<std::string> out;
    for (const auto& c : clients) {
        if (std::find(out.begin(), out.end(), c.str()) == out.end()) {
            out.push_back(c.str());
        }
    }
    return out;
}

void save_system(WriteTxn& txn, const System& system, const std::vector<std::string>& before) {
    for (const auto& c : before) {
        txn.del(Table::systems_by_client, index_key(c, system.id));
    }
    for (const auto& c : system.client_ids) {
        txn.put(Table::systems_by_client, index_key(c, system.id), "");
    }
    save(txn, Table::systems, system.id, system);
}

// A system the actor manages (its vendor's or the operator's); not_found for
// one it may not even see, forbidden for another vendor's.
System owned_system(const ReadTxn& txn, const Actor& actor, const std::string& id) {
    System system = get_system(txn, actor, id);
    if (!actor.may_act_for(system.vendor_orgno)) {
        fail(ErrorKind::forbidden, fmt::format("{} may not change the system {} of org {}",
                                               actor.describe(), id, system.vendor_orgno));
    }
    return system;
}

std::optional<SystemUser> find_systemuser(const ReadTxn& txn, const std::string& id) {
    return load<SystemUser>(txn, Table::systemusers, id);
}

std::vector<SystemUser> systemusers_by(const ReadTxn& txn, Table index, std::string_view first) {
    std::vector<SystemUser> out;
    for (const auto& id : index_lookup(txn, index, first)) {
        if (auto user = find_systemuser(txn, id)) {
            out.push_back(std::move(*user));
        }
    }
    return out;
}

// A system as `actor` sees it: which clients act for it is its vendor's
// business, as every client is its org's.
System as_seen_by(const Actor& actor, System system) {
    if (!actor.may_act_for(system.vendor_orgno)) {
        system.client_ids.clear();
    }
    return system;
}

bool may_see(const Actor& actor, const SystemUser& user) {
    return actor.may_act_for(user.customer_orgno) || actor.may_act_for(user.vendor_orgno);
}

}  // namespace

void check_system_texts(std::string_view field, const Texts& texts, bool is_name) {
    for (const auto& [language, text] : texts) {
        if (std::find(k_languages.begin(), k_languages.end(), language) == k_languages.end()) {
            fail(ErrorKind::invalid_input,
                 fmt::format("invalid {} language \"{}\": use nb, nn or en", field,
                             util::printable(language)));
        }
        check_text(fmt::format("{}.{}", field, language), text, is_name ? 255 : 4096, is_name,
                   !is_name);
    }
}

Texts in_every_language(const std::string& text) {
    Texts out;
    for (auto language : k_languages) {
        out.emplace(language, text);
    }
    return out;
}

std::string shown_text(const Texts& texts) {
    for (auto language : {"nb", "en", "nn"}) {
        if (auto it = texts.find(language); it != texts.end()) {
            return it->second;
        }
    }
    return "";
}

std::vector<Uuid> parse_client_ids(const std::vector<std::string>& ids) {
    std::vector<Uuid> out;
    for (const auto& id : ids) {
        out.push_back(Uuid::parse(id, "client id"));
    }
    return out;
}

Parsed<void> check_external_ref(std::string_view ref) {
    return text_check("externalRef", ref, 255, true);
}

void check_system_id(std::string_view id, const OrgNumber& vendor) {
    auto bad = [&](std::string_view why) {
        fail(ErrorKind::invalid_input, fmt::format("invalid system id \"{}\": {}", id, why));
    };
    auto underscore = id.find('_');
    if (underscore == std::string_view::npos) {
        bad("it must be <vendor orgno>_<name>");
    }
    std::string_view org = id.substr(0, underscore);
    std::string_view name = id.substr(underscore + 1);
    if (org != vendor.str()) {
        bad(fmt::format("it must begin with the vendor's org number {}_", vendor.str()));
    }
    if (name.empty() || name.size() > k_max_system_name) {
        bad(fmt::format("the name after {}_ must be 1 to {} characters", org, k_max_system_name));
    }
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        if (!ok) {
            bad("the name may hold only A-Z a-z 0-9 . _ -");
        }
    }
}

System register_system(WriteTxn& txn, const Actor& actor, const SystemSpec& spec, UnixTime now) {
    if (!actor.may_act_for(spec.vendor.str())) {
        fail(ErrorKind::forbidden, fmt::format("{} may not register systems for org {}",
                                               actor.describe(), spec.vendor.str()));
    }
    check_system_id(spec.id, spec.vendor);
    check_system_texts("name", spec.name, true);
    check_system_texts("description", spec.description, false);
    if (load<System>(txn, Table::systems, spec.id)) {
        fail(ErrorKind::conflict, fmt::format("system {} exists already", spec.id));
    }
    System system;
    system.id = spec.id;
    system.vendor_orgno = spec.vendor.str();
    system.name =
        spec.name.empty() ? in_every_language(spec.id.substr(spec.id.find('_') + 1)) : spec.name;
    system.description = spec.description;
    system.client_ids = client_strings(spec.clients);
    check_clients(txn, system.id, system.vendor_orgno, system.client_ids, spec.active);
    system.visible = spec.visible;
    if (!spec.active) {
        set_active(system, false, actor, "");
    }
    system.created = system.last_updated = util::iso8601(now);
    save_system(txn, system, {});
    txn.put(Table::systems_by_vendor, index_key(system.vendor_orgno, system.id), "");
    return system;
}

System update_system(WriteTxn& txn, const Actor& actor, const std::string& id,
                     const SystemUpdate& update, UnixTime now) {
    System system = owned_system(txn, actor, id);
    auto before = system.client_ids;
    // As for clients: a deactivated system changes only with `active` given.
    if (!system.active && !update.active) {
        fail(ErrorKind::conflict,
             fmt::format("system {} is deactivated; activate it to change it", id));
    }
    if (update.active) {
        set_active(system, *update.active, actor, fmt::format("system {}", id));
    }
    if (update.name) {
        check_system_texts("name", *update.name, true);
        system.name = update.name->empty()
                          ? in_every_language(system.id.substr(system.id.find('_') + 1))
                          : *update.name;
    }
    if (update.description) {
        check_system_texts("description", *update.description, false);
        system.description = *update.description;
    }
    if (update.clients) {
        system.client_ids = client_strings(*update.clients);
    }
    if (update.visible) {
        system.visible = *update.visible;
    }
    check_clients(txn, system.id, system.vendor_orgno, system.client_ids, system.active);
    system.last_updated = util::iso8601(now);
    save_system(txn, system, before);
    return system;
}

Changed<System> deactivate_system(WriteTxn& txn, const Actor& actor, const std::string& id,
                                  UnixTime now) {
    System system = owned_system(txn, actor, id);
    if (!set_active(system, false, actor, fmt::format("system {}", id))) {
        return {std::move(system), Change::already, note::deactivated_already("system " + id)};
    }
    system.last_updated = util::iso8601(now);
    save(txn, Table::systems, system.id, system);
    return made(std::move(system));
}

System get_system(const ReadTxn& txn, const Actor& actor, const std::string& id) {
    auto system = load<System>(txn, Table::systems, id);
    if (!system || !(actor.may_act_for(system->vendor_orgno) || system->active)) {
        fail(ErrorKind::not_found, fmt::format("system {} does not exist", id));
    }
    return as_seen_by(actor, std::move(*system));
}

std::vector<System> list_systems(const ReadTxn& txn, const Actor& actor, bool include_inactive) {
    std::vector<System> out = load_all<System>(txn, Table::systems);
    std::erase_if(out, [&](const System& s) {
        bool own = actor.may_act_for(s.vendor_orgno);
        bool offered = s.active && s.visible;
        return !(own || offered) || (!include_inactive && !s.active);
    });
    for (auto& s : out) {
        s = as_seen_by(actor, std::move(s));
    }
    return out;
}

SystemUser add_systemuser(WriteTxn& txn, const Actor& actor, const SystemUserSpec& spec,
                          UnixTime now) {
    const std::string& customer = spec.customer.str();
    if (!actor.may_act_for(customer)) {
        fail(ErrorKind::forbidden,
             fmt::format("{} may not create system users for org {}", actor.describe(), customer));
    }
    System system = get_system(txn, actor, spec.system_id);
    if (!system.active) {
        fail(ErrorKind::conflict, fmt::format("system {} is deactivated", system.id));
    }
    std::string ref = spec.external_ref.value_or(customer);
    check_external_ref(ref).value();
    check_text("integrationTitle", spec.integration_title, 255, false);
    for (const auto& other : systemusers_by(txn, Table::systemusers_by_customer, customer)) {
        if (other.active && other.system_id == system.id && other.external_ref == ref) {
            fail(ErrorKind::conflict,
                 fmt::format("org {} has the system user {} for system {} with externalRef "
                             "\"{}\" already; give another externalRef",
                             customer, other.id, system.id, ref));
        }
    }
    SystemUser user;
    user.id = Uuid::random().str();
    user.system_id = system.id;
    user.vendor_orgno = system.vendor_orgno;
    user.customer_orgno = customer;
    user.external_ref = ref;
    user.integration_title =
        spec.integration_title.empty() ? shown_text(system.name) : spec.integration_title;
    user.created = user.last_updated = util::iso8601(now);
    save(txn, Table::systemusers, user.id, user);
    txn.put(Table::systemusers_by_customer, index_key(customer, user.id), "");
    txn.put(Table::systemusers_by_system, index_key(system.id, user.id), "");
    return user;
}

Changed<SystemUser> deactivate_systemuser(WriteTxn& txn, const Actor& actor, const Uuid& id,
                                          UnixTime now) {
    SystemUser user = get_systemuser(txn, actor, id);
    if (!actor.may_act_for(user.customer_orgno)) {
        fail(ErrorKind::forbidden,
             fmt::format("only the customer org {} (or the operator) may deactivate system user {}",
                         user.customer_orgno, user.id));
    }
    if (!set_active(user, false, actor, fmt::format("system user {}", user.id))) {
        std::string note = note::deactivated_already("system user " + user.id);
        return {std::move(user), Change::already, std::move(note)};
    }
    user.last_updated = util::iso8601(now);
    save(txn, Table::systemusers, user.id, user);
    return made(std::move(user));
}

SystemUser get_systemuser(const ReadTxn& txn, const Actor& actor, const Uuid& id) {
    auto user = find_systemuser(txn, id.str());
    if (!user || !may_see(actor, *user)) {
        fail(ErrorKind::not_found, fmt::format("system user {} does not exist", id.str()));
    }
    return *user;
}

std::vector<SystemUser> list_systemusers(const ReadTxn& txn, const Actor& actor,
                                         const SystemUserFilter& filter) {
    std::vector<SystemUser> out;
    if (filter.customer) {
        out = systemusers_by(txn, Table::systemusers_by_customer, filter.customer->str());
    } else if (filter.system) {
        out = systemusers_by(txn, Table::systemusers_by_system, *filter.system);
    } else if (actor.is_operator()) {
        out = load_all<SystemUser>(txn, Table::systemusers);
    } else {
        const std::string& org = actor.org()->str();
        out = systemusers_by(txn, Table::systemusers_by_customer, org);
        for (const auto& system : index_lookup(txn, Table::systems_by_vendor, org)) {
            for (auto& user : systemusers_by(txn, Table::systemusers_by_system, system)) {
                if (user.customer_orgno != org) {  // listed already
                    out.push_back(std::move(user));
                }
            }
        }
    }
    std::erase_if(out, [&](const SystemUser& u) {
        return !may_see(actor, u) || (filter.system && u.system_id != *filter.system) ||
               (filter.customer && u.customer_orgno != filter.customer->str()) ||
               (!filter.include_inactive && !u.active);
    });
    return out;
}

std::vector<System> active_systems_of_client(const ReadTxn& txn, const std::string& client_id) {
    std::vector<System> out;
    for (const auto& id : systems_of_client(txn, client_id)) {
        auto found = load<System>(txn, Table::systems, id);
        if (found && found->active) {
            out.push_back(std::move(*found));
        }
    }
    return out;
}

std::vector<SystemUser> active_systemusers(const ReadTxn& txn, const OrgNumber& customer,
                                           const std::string& system_id) {
    auto out = systemusers_by(txn, Table::systemusers_by_customer, customer.str());
    std::erase_if(out, [&](const SystemUser& u) { return !u.active || u.system_id != system_id; });
    return out;
}

}  // namespace mpctl::core
