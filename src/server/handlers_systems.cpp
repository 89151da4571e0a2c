// SPDX-License-Identifier: Apache-2.0
// Altinn's system register in the self-service API: a vendor's systems, and
// the system users its customers approve for them. Altinn's paths and words;
// the admin scopes of clients and delegations. The rules are core's
// (core/systems.hpp); this file only maps HTTP to them.
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/systems.hpp"
#include "server/api_call.hpp"
#include "server/json_body.hpp"

namespace mpctl::server::api {

namespace {

// A name or description: Altinn's {"nb": ..., "nn": ..., "en": ...}, or one
// text for every language.
std::optional<core::Texts> texts_field(JsonBody& body, const char* name) {
    auto value = body.any(name);
    if (!value) {
        return std::nullopt;
    }
    if (value->is_string()) {
        return core::in_every_language(value->get<std::string>());
    }
    core::Texts texts;
    bool ok = value->is_object();
    if (ok) {
        for (const auto& [language, text] : value->items()) {
            ok = ok && text.is_string();
            if (ok) {
                texts.emplace(language, text.get<std::string>());
            }
        }
    }
    if (!ok) {
        throw HttpError(400, "invalid_request",
                        fmt::format("field \"{}\" must be a text, or texts by language "
                                    "({{\"nb\": ..., \"nn\": ..., \"en\": ...}})",
                                    name));
    }
    return texts;
}

// The vendor a system body names ({"authority": ..., "ID": "0192:<orgno>"}).
std::optional<core::OrgNumber> vendor_field(JsonBody& body) {
    auto vendor = body.any("vendor");
    if (!vendor) {
        return std::nullopt;
    }
    // One of "ID" and "id" (Altinn's examples use both), as in a grant.
    const nlohmann::json* id = nullptr;
    if (vendor->is_object() && vendor->contains("ID") != vendor->contains("id")) {
        for (const auto& [name, value] : vendor->items()) {
            if (name == "ID" || name == "id") {
                id = &value;
            } else if (name != "authority" || value != core::k_org_authority) {
                id = nullptr;
                break;
            }
        }
    }
    if (id == nullptr || !id->is_string() ||
        !id->get_ref<const std::string&>().starts_with("0192:")) {
        throw HttpError(400, "invalid_request",
                        fmt::format("field \"vendor\" must be {{\"authority\": \"{}\", \"ID\": "
                                    "\"0192:<organisation number>\"}}",
                                    core::k_org_authority));
    }
    return core::OrgNumber::parse(id->get_ref<const std::string&>().substr(5));
}

// The fields of a system body; `whole`: a PUT, which must name its clients.
// The vendor is `vendor` unless the body names one.
core::SystemSpec system_spec(JsonBody& body, const core::OrgNumber& vendor, bool whole) {
    auto id = body.string("id");
    auto named_vendor = vendor_field(body);
    auto clients = body.strings("clientId");
    if (whole && !clients) {
        missing_in_put("clientId", "system", " (give [] for none)");
    }
    core::SystemSpec spec{
        .id = id.value_or(""),
        .vendor = named_vendor.value_or(vendor),
        .name = texts_field(body, "name").value_or(core::Texts{}),
        .description = texts_field(body, "description").value_or(core::Texts{}),
        .clients = core::parse_client_ids(clients.value_or(std::vector<std::string>{})),
        .visible = body.boolean("isVisible").value_or(true)};
    // Altinn's rights and access packages are Altinn's own authorization,
    // which tokens of this server do not carry: accepted and ignored.
    body.ignore({"rights", "accessPackages", "allowedRedirectUrls", "systemVendorOrgNumber",
                 "created", "last_updated"});
    return spec;
}

core::Uuid systemuser_id(const Call& c) {
    return core::Uuid::parse(c.params.at(0), "system user id");
}

}  // namespace

Response get_systems(const Call& c) {
    may_read(c.caller);
    return records(core::list_systems(c.s.registry.read(), c.actor(), flag(c.query, "inactive")));
}

Response post_system(const Call& c) {
    may_create(c.caller);
    JsonBody body(c.req);
    auto spec = system_spec(body, c.caller.org, false);
    spec.active = !body.boolean("isDeleted").value_or(false);
    body.finish();
    if (spec.id.empty()) {
        throw HttpError(400, "invalid_request", "field \"id\" is missing");
    }
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return core::register_system(txn, c.actor(), spec, c.now);
    }));
}

Response get_system(const Call& c) {
    may_read(c.caller);
    return record(200,
                  core::get_system(c.s.registry.read(), c.actor(), std::string(c.params.at(0))));
}

Response put_system(const Call& c) {
    may_change(c.caller);
    std::string id(c.params.at(0));
    JsonBody body(c.req);
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        auto current = core::get_system(txn, c.actor(), id);
        auto spec = system_spec(body, core::OrgNumber::parse(current.vendor_orgno), true);
        auto deleted = body.boolean("isDeleted");
        body.finish();
        if (!spec.id.empty() && spec.id != id) {
            throw HttpError(400, "invalid_request",
                            fmt::format("a system's id never changes: the body names \"{}\", the "
                                        "path \"{}\"",
                                        spec.id, id));
        }
        if (current.vendor_orgno != spec.vendor.str()) {
            throw HttpError(400, "invalid_request", "a system's vendor never changes");
        }
        // PUT replaces: what the body leaves out goes back to its default.
        core::SystemUpdate update{
            .name = spec.name,
            .description = spec.description,
            .clients = spec.clients,
            .visible = spec.visible,
            .active = deleted ? std::optional(!*deleted) : std::nullopt,
        };
        return core::update_system(txn, c.actor(), id, update, c.now);
    }));
}

Response delete_system(const Call& c) {
    may_change(c.caller);
    std::string id(c.params.at(0));
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return removed(core::deactivate_system(txn, c.actor(), id, c.now));
    }));
}

Response get_systemusers(const Call& c) {
    may_read(c.caller);
    core::SystemUserFilter filter{
        .system = field(c.query, "system"),
        .customer = std::nullopt,
        .include_inactive = flag(c.query, "inactive"),
    };
    if (auto customer = field(c.query, "customer")) {
        filter.customer = core::OrgNumber::parse(*customer);
    }
    return records(core::list_systemusers(c.s.registry.read(), c.actor(), filter));
}

// Altinn's vendor route: the system users of one of the vendor's systems.
Response get_systemusers_by_system(const Call& c) {
    may_read(c.caller);
    auto txn = c.s.registry.read();
    std::string system(c.params.at(0));
    // The vendor's route: another org's system is not found here, offered or not.
    if (core::get_system(txn, c.actor(), system).vendor_orgno != c.caller.org.str()) {
        throw HttpError(404, "not_found",
                        fmt::format("{} is not a system of org {}; /systemuser lists the org's "
                                    "own system users",
                                    system, c.caller.org.str()));
    }
    core::SystemUserFilter filter{
        .system = system, .customer = std::nullopt, .include_inactive = false};
    return records(core::list_systemusers(txn, c.actor(), filter));
}

Response post_systemuser(const Call& c) {
    may_create(c.caller);
    JsonBody body(c.req);
    auto system = body.string("systemId");
    auto customer = body.string("partyOrgNo");
    core::SystemUserSpec spec{
        .system_id = system.value_or(""),
        .customer = customer ? core::OrgNumber::parse(*customer) : c.caller.org,
        .external_ref = body.string("externalRef"),
        .integration_title = body.string("integrationTitle").value_or(""),
    };
    body.ignore({"id", "supplierOrgNo", "isDeleted", "created", "last_updated"});
    body.finish();
    if (!system) {
        throw HttpError(400, "invalid_request", "field \"systemId\" is missing");
    }
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return core::add_systemuser(txn, c.actor(), spec, c.now);
    }));
}

Response get_systemuser(const Call& c) {
    may_read(c.caller);
    return record(200, core::get_systemuser(c.s.registry.read(), c.actor(), systemuser_id(c)));
}

Response delete_systemuser(const Call& c) {
    may_change(c.caller);
    auto id = systemuser_id(c);
    return record(200, c.s.registry.write([&](core::WriteTxn& txn) {
        return removed(core::deactivate_systemuser(txn, c.actor(), id, c.now));
    }));
}

}  // namespace mpctl::server::api
