// SPDX-License-Identifier: Apache-2.0
// ApiRegistry's system register (core/registry_api.hpp): Altinn's systems
// and system users, on /api/v1/systemregister and /api/v1/systemuser.
#include "core/registry_api.hpp"

#include <optional>
#include <string>
#include <vector>

#include "core/api_answers.hpp"
#include "core/util/error.hpp"
#include "core/util/http.hpp"

namespace mpctl::core {

using nlohmann::json;
using namespace api_answers;

namespace {

// Altinn's texts by language ({"nb": ..., "en": ...}), or one text for
// every language.
Texts texts_from(const json& j, const char* name) {
    auto it = j.find(name);
    if (it == j.end()) {
        return {};
    }
    if (it->is_string()) {
        return in_every_language(it->get<std::string>());
    }
    Texts out;
    if (it->is_object()) {
        for (const auto& [language, text] : it->items()) {
            if (text.is_string()) {
                out.emplace(language, text.get<std::string>());
            }
        }
    }
    return out;
}

// Altinn's {"authority": ..., "ID": "0192:<orgno>"} (or "id").
std::string vendor_from(const json& j) {
    auto it = j.find("vendor");
    if (it != j.end() && it->is_object()) {
        std::string id = text(*it, "ID", text(*it, "id"));
        if (id.starts_with("0192:")) {
            return OrgNumber::parse(id.substr(5)).str();
        }
    }
    return text(j, "vendor_orgno", text(j, "systemVendorOrgNumber"));
}

System system_from(const json& j) {
    System s;
    s.id = text(j, "id");
    s.vendor_orgno = vendor_from(j);
    if (s.id.empty() || s.vendor_orgno.empty()) {
        fail(ErrorKind::failure, "a system without \"id\" or \"vendor\"");
    }
    s.name = texts_from(j, "name");
    s.description = texts_from(j, "description");
    s.client_ids = texts(j, "clientId");
    s.visible = flag(j, "isVisible", true);
    s.active = !flag(j, "isDeleted", false);
    s.created = text(j, "created");
    s.last_updated = text(j, "last_updated");
    return s;
}

SystemUser systemuser_from(const json& j) {
    SystemUser u;
    u.id = Uuid::parse(text(j, "id"), "system user id").str();
    u.system_id = text(j, "systemId");
    u.vendor_orgno = text(j, "supplierOrgNo");
    u.customer_orgno = OrgNumber::parse(text(j, "partyOrgNo")).str();
    u.external_ref = text(j, "externalRef", u.customer_orgno);
    u.integration_title = text(j, "integrationTitle");
    u.active = !flag(j, "isDeleted", false);
    u.created = text(j, "created");
    u.last_updated = text(j, "last_updated");
    return u;
}

// What a POST or PUT of a system sends, in Altinn's shape; "isDeleted" only
// when `active` is given.
json system_body(const System& s, std::optional<bool> active) {
    json body{{"id", s.id},
              {"vendor", {{"authority", k_org_authority}, {"ID", "0192:" + s.vendor_orgno}}},
              {"name", s.name},
              {"description", s.description},
              {"clientId", s.client_ids},
              {"isVisible", s.visible}};
    if (active) {
        body["isDeleted"] = !*active;
    }
    return body;
}

std::vector<std::string> id_strings(const std::vector<Uuid>& ids) {
    std::vector<std::string> out;
    for (const auto& id : ids) {
        out.push_back(id.str());
    }
    return out;
}

std::string system_path(const std::string& id) {
    return "v1/systemregister/vendor/" + util::form_encode(id);
}

std::string systemuser_path(const Uuid& id) {
    return "v1/systemuser/" + id.str();
}

}  // namespace

std::vector<System> ApiRegistry::systems(bool include_inactive) {
    return none_where_absent([&] {
        return fetch("GET",
                     include_inactive ? "v1/systemregister?inactive=true" : "v1/systemregister",
                     list_of(system_from));
    });
}

System ApiRegistry::system(const std::string& id) {
    return fetch("GET", system_path(id), system_from);
}

System ApiRegistry::register_system(const SystemSpec& spec) {
    System s;
    s.id = spec.id;
    s.vendor_orgno = spec.vendor.str();
    s.name = spec.name;
    s.description = spec.description;
    s.client_ids = id_strings(spec.clients);
    s.visible = spec.visible;
    return fetch("POST", "v1/systemregister/vendor", system_from,
                 system_body(s, spec.active ? std::nullopt : std::optional(false)));
}

System ApiRegistry::update_system(const std::string& id, const SystemUpdate& update) {
    // The API's PUT replaces the system: send it whole, as it is with the update.
    System s = system(id);
    s.name = update.name.value_or(s.name);
    s.description = update.description.value_or(s.description);
    if (update.clients) {
        s.client_ids = id_strings(*update.clients);
    }
    s.visible = update.visible.value_or(s.visible);
    return fetch("PUT", system_path(id), system_from, system_body(s, update.active));
}

Changed<System> ApiRegistry::deactivate_system(const std::string& id) {
    System now = system(id);
    if (!now.active) {
        return {std::move(now), Change::already, note::deactivated_already("system " + id)};
    }
    return made(fetch("DELETE", system_path(id),
                      after_removal(
                          now, [](auto& x) { x.active = false; }, system_from)));
}

std::vector<SystemUser> ApiRegistry::systemusers(const SystemUserFilter& filter) {
    std::vector<std::string> query;
    if (filter.system) {
        query.push_back("system=" + query_value(*filter.system));
    }
    if (filter.customer) {
        query.push_back("customer=" + filter.customer->str());
    }
    if (filter.include_inactive) {
        query.emplace_back("inactive=true");
    }
    std::string path = "v1/systemuser";
    for (size_t i = 0; i < query.size(); ++i) {
        path += (i == 0 ? "?" : "&") + query[i];
    }
    return none_where_absent([&] { return fetch("GET", path, list_of(systemuser_from)); });
}

SystemUser ApiRegistry::systemuser(const Uuid& id) {
    return fetch("GET", systemuser_path(id), systemuser_from);
}

SystemUser ApiRegistry::add_systemuser(const SystemUserSpec& spec) {
    json body{{"systemId", spec.system_id}, {"partyOrgNo", spec.customer.str()}};
    if (spec.external_ref) {
        body["externalRef"] = *spec.external_ref;
    }
    if (!spec.integration_title.empty()) {
        body["integrationTitle"] = spec.integration_title;
    }
    return fetch("POST", "v1/systemuser", systemuser_from, body);
}

Changed<SystemUser> ApiRegistry::deactivate_systemuser(const Uuid& id) {
    SystemUser now = systemuser(id);
    if (!now.active) {
        return {std::move(now), Change::already,
                note::deactivated_already("system user " + id.str())};
    }
    return made(fetch("DELETE", systemuser_path(id),
                      after_removal(
                          now, [](auto& x) { x.active = false; }, systemuser_from)));
}

}  // namespace mpctl::core
