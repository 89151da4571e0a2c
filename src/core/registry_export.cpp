// SPDX-License-Identifier: Apache-2.0
// mpctl export: the snapshot of what an actor owns, and that snapshot as a
// registry file's document (core/registry_plan.hpp).
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/operator.hpp"
#include "core/planning.hpp"
#include "core/registry_plan.hpp"
#include "core/util/error.hpp"

namespace mpctl::core {

using planning::is_admin_scope;
using planning::sorted;

namespace {

// A system's name or description as a file gives it: one text when every
// language has the same, else the texts by language ({} for none).
nlohmann::ordered_json texts_entry(const Texts& texts) {
    if (!texts.empty() && texts == in_every_language(texts.begin()->second)) {
        return texts.begin()->second;
    }
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& [language, text] : texts) {
        out[language] = text;
    }
    return out;
}

// A system's client as a file names it: by name when that tells one of the
// vendor's active clients, else by its id.
std::string client_entry(const RegistrySnapshot& snapshot, const std::string& vendor,
                         const std::string& id) {
    const Client* named = nullptr;
    for (const auto& c : snapshot.clients) {
        if (c.client.client_id == id && c.client.client_orgno == vendor) {
            named = &c.client;
        }
    }
    if (named == nullptr || Uuid::try_parse(named->client_name, "client name")) {
        return id;
    }
    auto same_name = std::count_if(
        snapshot.clients.begin(), snapshot.clients.end(), [&](const SnapshotClient& c) {
            return c.client.client_orgno == vendor && c.client.client_name == named->client_name;
        });
    return same_name == 1 ? named->client_name : id;
}

}  // namespace

RegistrySnapshot snapshot_for_export(Registry& registry, const std::optional<OrgNumber>& org) {
    const Actor& actor = registry.actor();
    auto mine = [&](const std::string& owner) {
        return actor.may_act_for(owner) && (!org || org->str() == owner);
    };
    if (org && !actor.may_act_for(org->str())) {
        fail(ErrorKind::forbidden,
             fmt::format("{} may not export the registry of org {}", actor.describe(), org->str()));
    }
    RegistrySnapshot out;
    if (actor.is_operator()) {
        for (auto& p : registry.prefixes()) {
            if (mine(p.owner_orgno)) {
                out.prefixes.push_back(std::move(p));
            }
        }
    }
    for (auto& scope : registry.own_scopes(false)) {
        if (!mine(scope.owner_orgno)) {
            continue;
        }
        out.scopes.push_back(planning::snapshot_scope(registry, std::move(scope)));
    }
    for (auto& c : registry.clients(org, false)) {
        auto keys = registry.client_keys(Uuid::parse(c.client_id, "client id"));
        out.clients.push_back({std::move(c), std::move(keys.keys)});
    }
    for (auto& d : registry.delegations(false)) {
        if (mine(d.consumer_orgno)) {
            out.delegations.push_back(std::move(d));
        }
    }
    for (auto& s : registry.systems(false)) {
        if (mine(s.vendor_orgno)) {
            out.systems.push_back(std::move(s));
        }
    }
    SystemUserFilter active{.system = std::nullopt, .customer = org, .include_inactive = false};
    for (auto& u : registry.systemusers(active)) {
        if (mine(u.customer_orgno)) {
            out.systemusers.push_back(std::move(u));
        }
    }
    return out;
}

nlohmann::ordered_json registry_document(const RegistrySnapshot& snapshot, const Actor& actor,
                                         const std::optional<OrgNumber>& org) {
    using ojson = nlohmann::ordered_json;
    ojson doc = ojson::object();
    if (org) {
        doc["orgs"] = ojson::array({org->str()});
    }
    if (actor.is_operator()) {
        doc["prefixes"] = ojson::array();
        for (const auto& p : snapshot.prefixes) {
            if (p.name != k_admin_prefix) {
                doc["prefixes"].push_back({{"prefix", p.name}, {"owner", p.owner_orgno}});
            }
        }
    }
    doc["scopes"] = ojson::array();
    for (const auto& [s, access] : snapshot.scopes) {
        if (!s.active) {
            continue;
        }
        if (is_admin_scope(s.name.str())) {
            if (!access.empty()) {
                doc["scopes"].push_back({{"name", s.name.str()}, {"access", access}});
            }
            continue;
        }
        ojson entry{{"name", s.name.str()},
                    {"description", s.description},
                    {"long_description", s.long_description},
                    {"token_type", to_string(s.token_type)},
                    {"at_max_age", s.at_max_age},
                    {"visibility", to_string(s.visibility)},
                    {"accessible_for_all", s.accessible_for_all}};
        entry["delegation_source"] =
            s.delegation_source ? ojson(*s.delegation_source) : ojson(nullptr);
        entry["allowed_integration_types"] = sorted(s.allowed_integration_types);
        entry["access"] = access;
        doc["scopes"].push_back(std::move(entry));
    }
    doc["clients"] = ojson::array();
    for (const auto& [c, keys] : snapshot.clients) {
        ojson entry{{"org", c.client_orgno},
                    {"name", c.client_name},
                    {"description", c.description},
                    {"scopes", sorted(c.scopes)},
                    {"access_token_lifetime", c.access_token_lifetime}};
        entry["keys"] = ojson::array();
        for (const auto& k : keys) {
            // kid, kty, alg and use first, then the key's numbers.
            ojson jwk = ojson::object();
            for (const char* member : {"kid", "kty", "alg", "use"}) {
                if (k.jwk.contains(member)) {
                    jwk[member] = k.jwk[member];
                }
            }
            for (const auto& [name, value] : k.jwk.items()) {
                if (!jwk.contains(name)) {
                    jwk[name] = ojson::parse(value.dump());
                }
            }
            entry["keys"].push_back(std::move(jwk));
        }
        doc["clients"].push_back(std::move(entry));
    }
    doc["delegations"] = ojson::array();
    for (const auto& d : snapshot.delegations) {
        doc["delegations"].push_back(
            {{"scope", d.scope}, {"consumer", d.consumer_orgno}, {"supplier", d.supplier_orgno}});
    }
    doc["systems"] = ojson::array();
    for (const auto& s : snapshot.systems) {
        ojson clients = ojson::array();
        for (const auto& id : s.client_ids) {
            clients.push_back(client_entry(snapshot, s.vendor_orgno, id));
        }
        doc["systems"].push_back({{"id", s.id},
                                  {"name", texts_entry(s.name)},
                                  {"description", texts_entry(s.description)},
                                  {"clients", std::move(clients)},
                                  {"visible", s.visible}});
    }
    doc["systemusers"] = ojson::array();
    for (const auto& u : snapshot.systemusers) {
        ojson entry{{"system", u.system_id}, {"customer", u.customer_orgno}};
        if (u.external_ref != u.customer_orgno) {
            entry["external_ref"] = u.external_ref;
        }
        doc["systemusers"].push_back(std::move(entry));
    }
    return doc;
}

}  // namespace mpctl::core
