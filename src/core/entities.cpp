// SPDX-License-Identifier: Apache-2.0
#include "core/entities.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "core/digdir_fields.hpp"
#include "core/util/error.hpp"

namespace mpctl::core {

using nlohmann::json;

std::string_view to_string(TokenType t) {
    return t == TokenType::opaque ? "OPAQUE" : "SELF_CONTAINED";
}

TokenType parse_token_type(std::string_view text) {
    if (text == "SELF_CONTAINED") {
        return TokenType::self_contained;
    }
    if (text == "OPAQUE") {
        return TokenType::opaque;
    }
    fail(ErrorKind::invalid_input,
         fmt::format("invalid token_type \"{}\": must be SELF_CONTAINED or OPAQUE", text));
}

std::string_view to_string(Visibility v) {
    return v == Visibility::private_ ? "PRIVATE" : "PUBLIC";
}

Visibility parse_visibility(std::string_view text) {
    if (text == "PUBLIC") {
        return Visibility::public_;
    }
    if (text == "PRIVATE") {
        return Visibility::private_;
    }
    fail(ErrorKind::invalid_input,
         fmt::format("invalid visibility \"{}\": must be PUBLIC or PRIVATE{}", text,
                     text == "INTERNAL" ? " (INTERNAL is for Digdir's own scopes)" : ""));
}

std::string_view to_string(AccessState s) {
    return s == AccessState::denied ? "DENIED" : "APPROVED";
}

AccessState parse_access_state(std::string_view text) {
    if (text == "APPROVED") {
        return AccessState::approved;
    }
    // REVOKED: what stores written before mpctl spoke Digdir's word hold.
    if (text == "DENIED" || text == "REVOKED") {
        return AccessState::denied;
    }
    fail(ErrorKind::invalid_input,
         fmt::format("invalid access state \"{}\": must be APPROVED or DENIED", text));
}

const std::vector<std::string>& known_integration_types() {
    static const std::vector<std::string> k_types{"maskinporten", "api_klient", "idporten",
                                                  "ansattporten", "krr"};
    return k_types;
}

template <class Json>
void to_json(Json& j, const PrefixRecord& v) {
    j = Json{{"name", v.name}, {"owner_orgno", v.owner_orgno}, {"created", v.created}};
}

void from_json(const json& j, PrefixRecord& v) {
    j.at("name").get_to(v.name);
    j.at("owner_orgno").get_to(v.owner_orgno);
    j.at("created").get_to(v.created);
}

template <class Json>
void to_json(Json& j, const Scope& v) {
    j = Json{{"name", v.name.str()},
             {"prefix", v.prefix},
             {"subscope", v.subscope},
             {"description", v.description},
             {"long_description", v.long_description},
             {"owner_orgno", v.owner_orgno},
             {"token_type", to_string(v.token_type)},
             {"at_max_age", v.at_max_age},
             {"visibility", to_string(v.visibility)},
             {"accessible_for_all", v.accessible_for_all},
             {"delegation_source", v.delegation_source ? Json(*v.delegation_source) : Json()},
             {"allowed_integration_types", v.allowed_integration_types},
             {"active", v.active},
             {"created", v.created},
             {"last_updated", v.last_updated}};
    write_digdir_fields(j, scope_digdir_fields(), v.kept);
    if (!k_answer<Json> && !v.deactivated_by.empty()) {
        j["deactivated_by"] = v.deactivated_by;
    }
}

template <class Json>
void to_json(Json& j, const Access& v) {
    j = Json{{"scope", v.scope},
             {"consumer_orgno", v.consumer_orgno},
             {"owner_orgno", v.owner_orgno},
             {"state",
              k_answer<Json> || v.state == AccessState::approved ? to_string(v.state) : "REVOKED"},
             {"created", v.created},
             {"last_updated", v.last_updated}};
}

void from_json(const json& j, Access& v) {
    j.at("scope").get_to(v.scope);
    j.at("consumer_orgno").get_to(v.consumer_orgno);
    j.at("owner_orgno").get_to(v.owner_orgno);
    v.state = parse_access_state(j.at("state").get<std::string>());
    j.at("created").get_to(v.created);
    j.at("last_updated").get_to(v.last_updated);
}

template <class Json>
void to_json(Json& j, const Client& v) {
    j = Json{{"client_id", v.client_id},
             {"client_name", v.client_name},
             {"description", v.description},
             {"client_orgno", v.client_orgno},
             {"integration_type", v.integration_type},
             {"token_endpoint_auth_method", v.token_endpoint_auth_method},
             {"grant_types", v.grant_types},
             {"scopes", v.scopes},
             {"access_token_lifetime", v.access_token_lifetime},
             {"active", v.active},
             {"created", v.created},
             {"last_updated", v.last_updated}};
    write_digdir_fields(j, client_digdir_fields(), v.kept);
    if (!k_answer<Json> && !v.deactivated_by.empty()) {
        j["deactivated_by"] = v.deactivated_by;
    }
}

void from_json(const json& j, Client& v) {
    j.at("client_id").get_to(v.client_id);
    j.at("client_name").get_to(v.client_name);
    j.at("description").get_to(v.description);
    j.at("client_orgno").get_to(v.client_orgno);
    j.at("integration_type").get_to(v.integration_type);
    j.at("token_endpoint_auth_method").get_to(v.token_endpoint_auth_method);
    j.at("grant_types").get_to(v.grant_types);
    j.at("scopes").get_to(v.scopes);
    j.at("access_token_lifetime").get_to(v.access_token_lifetime);
    j.at("active").get_to(v.active);
    j.at("created").get_to(v.created);
    j.at("last_updated").get_to(v.last_updated);
    v.kept = read_kept_fields(j, client_digdir_fields());
    v.deactivated_by = j.value("deactivated_by", "");
}

template <class Json>
void to_json(Json& j, const ClientKey& v) {
    j = Json(v.jwk);
    j["exp"] = v.expires;
    if constexpr (k_answer<Json>) {
        j["created"] = util::iso8601(v.created);
        j["last_updated"] = util::iso8601(v.updated);
    } else {
        j["created"] = v.created;
        if (v.updated != v.created) {
            j["last_updated"] = v.updated;
        }
    }
}

void from_json(const json& j, ClientKey& v) {
    v.jwk = j;
    v.expires = j.at("exp").get<UnixTime>();
    v.created = j.at("created").get<UnixTime>();
    v.updated = j.value("last_updated", v.created);
    for (const char* member : {"exp", "created", "last_updated"}) {
        v.jwk.erase(member);
    }
}

// Answered in Digdir's shape: the keys, and when the set was first and last
// changed (when it has keys).
template <class Json>
void to_json(Json& j, const ClientKeySet& v) {
    j = Json{{"client_id", v.client_id}, {"keys", Json::array()}};
    for (const auto& key : v.keys) {
        j["keys"].push_back(Json(key));
    }
    if (k_answer<Json> && !v.keys.empty()) {
        auto [first, last] = std::pair(v.keys.front().created, v.keys.front().updated);
        for (const auto& key : v.keys) {
            first = std::min(first, key.created);
            last = std::max(last, key.updated);
        }
        j["created"] = util::iso8601(first);
        j["last_updated"] = util::iso8601(last);
    }
}

void from_json(const json& j, ClientKeySet& v) {
    j.at("client_id").get_to(v.client_id);
    j.at("keys").get_to(v.keys);
}

template <class Json>
void to_json(Json& j, const Delegation& v) {
    j = Json{{"id", v.id},
             {"scope", v.scope},
             {"consumer_orgno", v.consumer_orgno},
             {"supplier_orgno", v.supplier_orgno},
             {"delegation_source", v.delegation_source},
             {"active", v.active},
             {"created", v.created},
             {"last_updated", v.last_updated}};
}

void from_json(const json& j, Delegation& v) {
    j.at("id").get_to(v.id);
    j.at("scope").get_to(v.scope);
    j.at("consumer_orgno").get_to(v.consumer_orgno);
    j.at("supplier_orgno").get_to(v.supplier_orgno);
    j.at("delegation_source").get_to(v.delegation_source);
    j.at("active").get_to(v.active);
    j.at("created").get_to(v.created);
    j.at("last_updated").get_to(v.last_updated);
}

template <class Json>
void to_json(Json& j, const System& v) {
    if constexpr (k_answer<Json>) {
        j = Json{{"id", v.id},
                 {"vendor", Json{{"authority", k_org_authority}, {"ID", "0192:" + v.vendor_orgno}}},
                 {"name", v.name},
                 {"description", v.description},
                 {"clientId", v.client_ids},
                 {"isVisible", v.visible},
                 {"isDeleted", !v.active},
                 {"created", v.created},
                 {"last_updated", v.last_updated}};
    } else {
        j = Json{{"id", v.id},
                 {"vendor_orgno", v.vendor_orgno},
                 {"name", v.name},
                 {"description", v.description},
                 {"client_ids", v.client_ids},
                 {"visible", v.visible},
                 {"active", v.active},
                 {"created", v.created},
                 {"last_updated", v.last_updated}};
        if (!v.deactivated_by.empty()) {
            j["deactivated_by"] = v.deactivated_by;
        }
    }
}

void from_json(const json& j, System& v) {
    j.at("id").get_to(v.id);
    j.at("vendor_orgno").get_to(v.vendor_orgno);
    j.at("name").get_to(v.name);
    j.at("description").get_to(v.description);
    j.at("client_ids").get_to(v.client_ids);
    j.at("visible").get_to(v.visible);
    j.at("active").get_to(v.active);
    j.at("created").get_to(v.created);
    j.at("last_updated").get_to(v.last_updated);
    v.deactivated_by = j.value("deactivated_by", "");
}

template <class Json>
void to_json(Json& j, const SystemUser& v) {
    if constexpr (k_answer<Json>) {
        j = Json{{"id", v.id},
                 {"integrationTitle", v.integration_title},
                 {"systemId", v.system_id},
                 {"partyOrgNo", v.customer_orgno},
                 {"supplierOrgNo", v.vendor_orgno},
                 {"externalRef", v.external_ref},
                 {"isDeleted", !v.active},
                 {"created", v.created},
                 {"last_updated", v.last_updated}};
    } else {
        j = Json{{"id", v.id},
                 {"system_id", v.system_id},
                 {"vendor_orgno", v.vendor_orgno},
                 {"customer_orgno", v.customer_orgno},
                 {"external_ref", v.external_ref},
                 {"integration_title", v.integration_title},
                 {"active", v.active},
                 {"created", v.created},
                 {"last_updated", v.last_updated}};
        if (!v.deactivated_by.empty()) {
            j["deactivated_by"] = v.deactivated_by;
        }
    }
}

void from_json(const json& j, SystemUser& v) {
    j.at("id").get_to(v.id);
    j.at("system_id").get_to(v.system_id);
    j.at("vendor_orgno").get_to(v.vendor_orgno);
    j.at("customer_orgno").get_to(v.customer_orgno);
    j.at("external_ref").get_to(v.external_ref);
    j.at("integration_title").get_to(v.integration_title);
    j.at("active").get_to(v.active);
    j.at("created").get_to(v.created);
    j.at("last_updated").get_to(v.last_updated);
    v.deactivated_by = j.value("deactivated_by", "");
}

template <class Json>
void to_json(Json& j, const TrustedCa& v) {
    j = Json{{"fingerprint", v.fingerprint}, {"subject", v.subject}, {"not_before", v.not_before},
             {"not_after", v.not_after},     {"pem", v.pem},         {"created", v.created}};
}

void from_json(const json& j, TrustedCa& v) {
    j.at("fingerprint").get_to(v.fingerprint);
    j.at("subject").get_to(v.subject);
    j.at("not_before").get_to(v.not_before);
    j.at("not_after").get_to(v.not_after);
    j.at("pem").get_to(v.pem);
    j.at("created").get_to(v.created);
}

template <class Json>
void to_json(Json& j, const SigningKey& v) {
    j = Json(public_view(v));
    j["private_pem"] = v.private_pem;
}

void from_json(const json& j, SigningKey& v) {
    j.at("kid").get_to(v.kid);
    j.at("alg").get_to(v.alg);
    j.at("private_pem").get_to(v.private_pem);
    v.public_jwk = j.at("public_jwk");
    j.at("active").get_to(v.active);
    j.at("created").get_to(v.created);
    j.at("retired").get_to(v.retired);
    j.at("publish_until").get_to(v.publish_until);
}

json public_view(const SigningKey& v) {
    return json{{"kid", v.kid},
                {"alg", v.alg},
                {"public_jwk", v.public_jwk},
                {"active", v.active},
                {"created", v.created},
                {"retired", v.retired},
                {"publish_until", v.publish_until}};
}

template void to_json(json&, const PrefixRecord&);
template void to_json(nlohmann::ordered_json&, const PrefixRecord&);
template void to_json(json&, const Scope&);
template void to_json(nlohmann::ordered_json&, const Scope&);
template void to_json(json&, const Access&);
template void to_json(nlohmann::ordered_json&, const Access&);
template void to_json(json&, const Client&);
template void to_json(nlohmann::ordered_json&, const Client&);
template void to_json(json&, const ClientKey&);
template void to_json(nlohmann::ordered_json&, const ClientKey&);
template void to_json(json&, const ClientKeySet&);
template void to_json(nlohmann::ordered_json&, const ClientKeySet&);
template void to_json(json&, const Delegation&);
template void to_json(nlohmann::ordered_json&, const Delegation&);
template void to_json(json&, const System&);
template void to_json(nlohmann::ordered_json&, const System&);
template void to_json(json&, const SystemUser&);
template void to_json(nlohmann::ordered_json&, const SystemUser&);
template void to_json(json&, const TrustedCa&);
template void to_json(nlohmann::ordered_json&, const TrustedCa&);
template void to_json(json&, const SigningKey&);
template void to_json(nlohmann::ordered_json&, const SigningKey&);

}  // namespace mpctl::core

mpctl::core::Scope nlohmann::adl_serializer<mpctl::core::Scope>::from_json(const json& j) {
    using namespace mpctl::core;
    const json& ds = j.at("delegation_source");
    ScopeSpec spec{
        .name = ScopeName::parse(j.at("name").get<std::string>()),
        .description = j.at("description").get<std::string>(),
        .long_description = j.at("long_description").get<std::string>(),
        .token_type = parse_token_type(j.at("token_type").get<std::string>()),
        .at_max_age = j.at("at_max_age").get<int64_t>(),
        .visibility = parse_visibility(j.at("visibility").get<std::string>()),
        .accessible_for_all = j.at("accessible_for_all").get<bool>(),
        .delegation_source = ds.is_null() ? std::nullopt : std::optional(ds.get<std::string>()),
        .allowed_integration_types =
            j.at("allowed_integration_types").get<std::vector<std::string>>(),
        .active = j.at("active").get<bool>(),
        .kept = read_kept_fields(j, scope_digdir_fields()),
    };
    return Scope{std::move(spec),
                 j.at("prefix").get<std::string>(),
                 j.at("subscope").get<std::string>(),
                 j.at("owner_orgno").get<std::string>(),
                 j.at("created").get<std::string>(),
                 j.at("last_updated").get<std::string>(),
                 j.value("deactivated_by", "")};
}
