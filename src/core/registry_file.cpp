// SPDX-License-Identifier: Apache-2.0
#include "core/registry_file.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/clients.hpp"
#include "core/scopes.hpp"
#include "core/systems.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace mpctl::core {

using nlohmann::json;

namespace {

const std::map<std::string, std::vector<std::string>, std::less<>>& all_fields() {
    static const std::map<std::string, std::vector<std::string>, std::less<>> fields{
        {"registry",
         {"orgs", "prefixes", "scopes", "clients", "delegations", "systems", "systemusers"}},
        {"prefix", {"prefix", "owner"}},
        {"scope",
         {"name", "description", "long_description", "token_type", "at_max_age", "visibility",
          "accessible_for_all", "delegation_source", "allowed_integration_types", "access"}},
        {"client", {"org", "name", "description", "scopes", "access_token_lifetime", "keys"}},
        {"delegation", {"scope", "consumer", "supplier"}},
        {"system", {"id", "name", "description", "clients", "visible"}},
        {"systemuser", {"system", "customer", "external_ref"}},
    };
    return fields;
}

// A value from the file, shown in a message: short, and safe on a terminal.
std::string shown(const json& value) {
    return util::printable(util::clip_utf8(
        value.is_string() ? value.get_ref<const std::string&>()
                          : value.dump(-1, ' ', false, json::error_handler_t::replace),
        80));
}

// Reads the entries of one file: each refusal names the file, the entry and the field.
class Reader {
  public:
    Reader(std::string file, const KeyLoader& load_keys)
        : m_file(std::move(file)), m_load_keys(load_keys) {}

    DesiredRegistry read(const json& document) {
        DesiredRegistry out;
        out.file = m_file;
        if (document.is_null()) {
            fail(ErrorKind::invalid_input,
                 fmt::format("{}: the file is empty; it must be a mapping with some of: {}", m_file,
                             fmt::join(registry_fields("registry"), ", ")));
        }
        EntryRef top{m_file, "the file"};
        if (!document.is_object()) {
            fail(ErrorKind::invalid_input,
                 fmt::format("{}: the file must be a mapping (an object) with some of: {}", m_file,
                             fmt::join(registry_fields("registry"), ", ")));
        }
        known_fields(document, "registry", top);
        if (auto it = document.find("orgs"); it != document.end()) {
            for (const auto& org : org_list(*it, top, "orgs")) {
                out.orgs.push_back(OrgNumber::parse(org));
            }
        }
        out.prefixes = entries<DesiredPrefix>(
            document, "prefixes", [&](const json& e, size_t i) { return prefix(e, i); });
        out.scopes = entries<DesiredScope>(document, "scopes",
                                           [&](const json& e, size_t i) { return scope(e, i); });
        out.clients = entries<DesiredClient>(document, "clients",
                                             [&](const json& e, size_t i) { return client(e, i); });
        out.delegations = entries<DesiredDelegation>(
            document, "delegations", [&](const json& e, size_t i) { return delegation(e, i); });
        out.systems = entries<DesiredSystem>(document, "systems",
                                             [&](const json& e, size_t i) { return system(e, i); });
        out.systemusers = entries<DesiredSystemUser>(
            document, "systemusers", [&](const json& e, size_t i) { return systemuser(e, i); });
        return out;
    }

  private:
    [[noreturn]] static void refuse(const EntryRef& ref, std::string_view field,
                                    const std::string& message) {
        fail(ErrorKind::invalid_input,
             field.empty() ? fmt::format("{}: {}", ref.describe(), message)
                           : fmt::format("{}: {}: {}", ref.describe(), field, message));
    }

    template <class T, class Read>
    std::optional<std::vector<T>> entries(const json& document, const char* kind, Read read) {
        auto it = document.find(kind);
        if (it == document.end()) {
            return std::nullopt;
        }
        if (it->is_null()) {
            return std::vector<T>{};  // "clients:" with nothing after it: none
        }
        if (!it->is_array()) {
            refuse(EntryRef{m_file, kind}, "", "must be a list");
        }
        std::vector<T> out;
        for (size_t i = 0; i < it->size(); ++i) {
            out.push_back(read((*it)[i], i));
        }
        return out;
    }

    void known_fields(const json& entry, std::string_view part, const EntryRef& ref) {
        const auto& known = registry_fields(part);
        for (const auto& [name, value] : entry.items()) {
            if (std::find(known.begin(), known.end(), name) != known.end()) {
                continue;
            }
            auto best = util::closest(name, known);
            refuse(ref, "",
                   !best ? fmt::format("unknown field \"{}\" (known: {})", util::printable(name),
                                       fmt::join(known, ", "))
                         : fmt::format("unknown field \"{}\" (did you mean \"{}\"?)",
                                       util::printable(name), *best));
        }
    }

    // "clients[2] (974761076/orders-reader)": the label is built from what
    // the entry says, before it is checked.
    EntryRef ref(std::string_view kind, size_t index, const std::string& label) const {
        std::string entry = fmt::format("{}[{}]", kind, index + 1);
        if (!label.empty()) {
            entry += " (" + label + ")";
        }
        return EntryRef{m_file, entry};
    }

    static std::string label_part(const json& entry, const char* field) {
        auto it = entry.find(field);
        if (it == entry.end() || !(it->is_string() || it->is_number_integer())) {
            return "";
        }
        return shown(*it);
    }

    static const json* field(const json& entry, const char* name) {
        auto it = entry.find(name);
        return it == entry.end() ? nullptr : &*it;
    }

    static const json& required(const json& entry, const char* name, const EntryRef& ref) {
        const json* value = field(entry, name);
        if (value == nullptr) {
            refuse(ref, name, "missing (required)");
        }
        return *value;
    }

    static std::string string_value(const json& value, const EntryRef& ref, const char* name) {
        if (!value.is_string()) {
            refuse(ref, name, fmt::format("must be a string, not {}", shown(value)));
        }
        return value.get<std::string>();
    }

    static std::optional<std::string> optional_string(const json& entry, const char* name,
                                                      const EntryRef& ref) {
        const json* value = field(entry, name);
        if (value == nullptr) {
            return std::nullopt;
        }
        return string_value(*value, ref, name);
    }

    static std::optional<int64_t> optional_integer(const json& entry, const char* name,
                                                   const EntryRef& ref) {
        const json* value = field(entry, name);
        if (value == nullptr) {
            return std::nullopt;
        }
        if (!value->is_number_integer() ||
            (value->is_number_unsigned() &&
             value->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
            refuse(ref, name, fmt::format("must be a whole number, not {}", shown(*value)));
        }
        return value->get<int64_t>();
    }

    static std::optional<bool> optional_bool(const json& entry, const char* name,
                                             const EntryRef& ref) {
        const json* value = field(entry, name);
        if (value == nullptr) {
            return std::nullopt;
        }
        if (!value->is_boolean()) {
            refuse(ref, name, fmt::format("must be true or false, not {}", shown(*value)));
        }
        return value->get<bool>();
    }

    // An organisation number: a string, or an integer as YAML reads 974761076 unquoted.
    static OrgNumber org_value(const json& value, const EntryRef& ref, std::string_view name) {
        std::string text;
        if (value.is_string()) {
            text = value.get<std::string>();
        } else if (value.is_number_integer()) {
            text = value.dump();
        } else {
            refuse(ref, name,
                   fmt::format("must be an organisation number (9 digits), not {}", shown(value)));
        }
        auto org = OrgNumber::try_parse(text);
        if (!org) {
            refuse(ref, name, org.error().message);
        }
        return *std::move(org);
    }

    // Calls a core check, naming the field in what it refuses.
    template <class Check>
    static void checked(const EntryRef& ref, std::string_view name, Check check) {
        try {
            check();
        } catch (const Error& e) {
            refuse(ref, name, e.what());
        }
    }

    static void no_repeats(const std::vector<std::string>& values, const EntryRef& ref,
                           std::string_view name) {
        std::set<std::string> seen;
        for (const auto& v : values) {
            if (!seen.insert(v).second) {
                refuse(ref, name, fmt::format("\"{}\" is listed twice", util::printable(v)));
            }
        }
    }

    static std::vector<std::string> string_list(const json& value, const EntryRef& ref,
                                                std::string_view name) {
        if (!value.is_array()) {
            refuse(ref, name, fmt::format("must be a list, not {}", shown(value)));
        }
        std::vector<std::string> out;
        for (size_t i = 0; i < value.size(); ++i) {
            if (!value[i].is_string()) {
                refuse(ref, fmt::format("{}[{}]", name, i + 1),
                       fmt::format("must be a string, not {}", shown(value[i])));
            }
            out.push_back(value[i].get<std::string>());
        }
        no_repeats(out, ref, name);
        return out;
    }

    // A list of organisation numbers, sorted.
    static std::vector<std::string> org_list(const json& value, const EntryRef& ref,
                                             std::string_view name) {
        if (!value.is_array()) {
            refuse(ref, name, fmt::format("must be a list, not {}", shown(value)));
        }
        std::vector<std::string> out;
        for (size_t i = 0; i < value.size(); ++i) {
            out.push_back(org_value(value[i], ref, fmt::format("{}[{}]", name, i + 1)).str());
        }
        no_repeats(out, ref, name);
        std::sort(out.begin(), out.end());
        return out;
    }

    static std::vector<std::string> scope_list(const json& value, const EntryRef& ref,
                                               std::string_view name) {
        auto out = string_list(value, ref, name);
        for (size_t i = 0; i < out.size(); ++i) {
            auto scope = ScopeName::try_parse(out[i]);
            if (!scope) {
                refuse(ref, fmt::format("{}[{}]", name, i + 1), scope.error().message);
            }
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    static void object_entry(const json& entry, const EntryRef& ref) {
        if (!entry.is_object()) {
            refuse(ref, "", fmt::format("must be a mapping (an object), not {}", shown(entry)));
        }
    }

    template <class Map>
    void once(Map& seen, const std::string& identity, const EntryRef& ref, std::string_view what) {
        auto [it, inserted] = seen.try_emplace(identity, ref.entry);
        if (!inserted) {
            refuse(ref, "", fmt::format("the same {} as {}", what, it->second));
        }
    }

    DesiredPrefix prefix(const json& entry, size_t index) {
        EntryRef r = ref("prefixes", index, label_part(entry, "prefix"));
        object_entry(entry, r);
        known_fields(entry, "prefix", r);
        auto name = Prefix::try_parse(string_value(required(entry, "prefix", r), r, "prefix"));
        if (!name) {
            refuse(r, "prefix", name.error().message);
        }
        DesiredPrefix out{.ref = r,
                          .prefix = *std::move(name),
                          .owner = org_value(required(entry, "owner", r), r, "owner")};
        once(m_prefixes, out.prefix.str(), r, "prefix");
        return out;
    }

    DesiredScope scope(const json& entry, size_t index) {
        EntryRef r = ref("scopes", index, label_part(entry, "name"));
        object_entry(entry, r);
        known_fields(entry, "scope", r);
        auto name = ScopeName::try_parse(string_value(required(entry, "name", r), r, "name"));
        if (!name) {
            refuse(r, "name", name.error().message);
        }
        DesiredScope out{.ref = r, .name = *std::move(name), .fields = {}, .access = std::nullopt};
        ScopeUpdate& f = out.fields;
        f.description = optional_string(entry, "description", r);
        f.long_description = optional_string(entry, "long_description", r);
        f.at_max_age = optional_integer(entry, "at_max_age", r);
        f.accessible_for_all = optional_bool(entry, "accessible_for_all", r);
        once(m_scopes, out.name.str(), r, "scope");
        if (auto t = optional_string(entry, "token_type", r)) {
            checked(r, "token_type", [&] { f.token_type = parse_token_type(*t); });
        }
        if (auto v = optional_string(entry, "visibility", r)) {
            checked(r, "visibility", [&] { f.visibility = parse_visibility(*v); });
        }
        if (f.at_max_age) {
            checked(r, "at_max_age", [&] { check_at_max_age(*f.at_max_age); });
        }
        if (const json* source = field(entry, "delegation_source")) {
            f.delegation_source = source->is_null() ? std::optional<std::string>()
                                                    : string_value(*source, r, "delegation_source");
        }
        if (const json* types = field(entry, "allowed_integration_types")) {
            auto list = string_list(*types, r, "allowed_integration_types");
            const auto& known = known_integration_types();
            for (const auto& t : list) {
                if (std::find(known.begin(), known.end(), t) == known.end()) {
                    refuse(r, "allowed_integration_types",
                           fmt::format("unknown integration type \"{}\" (known: {})",
                                       util::printable(t), fmt::join(known, ", ")));
                }
            }
            std::sort(list.begin(), list.end());
            f.allowed_integration_types = std::move(list);
        }
        if (const json* access = field(entry, "access")) {
            out.access = org_list(*access, r, "access");
        }
        return out;
    }

    std::vector<DesiredKey> keys(const json& value, const EntryRef& r) {
        if (!value.is_array()) {
            refuse(r, "keys", fmt::format("must be a list, not {}", shown(value)));
        }
        std::vector<DesiredKey> out;
        std::map<std::string, std::string> kids;
        for (size_t i = 0; i < value.size(); ++i) {
            std::string name = fmt::format("keys[{}]", i + 1);
            const json& item = value[i];
            std::vector<json> jwks;
            std::optional<UnixTime> exp;
            if (item.is_string()) {
                const std::string& path = item.get_ref<const std::string&>();
                try {
                    jwks = m_load_keys(path);
                } catch (const Error& e) {
                    fail(e.kind() == ErrorKind::unavailable ? e.kind() : ErrorKind::invalid_input,
                         fmt::format("{}: {}: cannot read key file \"{}\": {}", r.describe(), name,
                                     util::printable(path), e.what()));
                }
                if (jwks.empty()) {
                    refuse(r, name,
                           fmt::format("key file \"{}\" holds no key", util::printable(path)));
                }
            } else if (item.is_object()) {
                json jwk = item;
                if (auto e = jwk.find("exp"); e != jwk.end()) {
                    bool valid = e->is_number_unsigned()
                                     ? e->get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)
                                     : e->is_number_integer() && e->get<int64_t>() >= 0;
                    if (!valid) {
                        refuse(
                            r, name + ".exp",
                            fmt::format("must be a time in seconds since 1970, not {}", shown(*e)));
                    }
                    exp = e->get<int64_t>();
                    jwk.erase("exp");
                }
                jwks.push_back(std::move(jwk));
            } else {
                refuse(
                    r, name,
                    fmt::format("must be a key file's path or a JWK object, not {}", shown(item)));
            }
            for (auto& jwk : jwks) {
                DesiredKey key{.jwk = json(), .exp = exp};
                checked(r, name, [&] { key.jwk = complete_client_jwk(std::move(jwk)); });
                auto [it, inserted] = kids.try_emplace(key.kid(), name);
                if (!inserted) {
                    refuse(r, name,
                           fmt::format("kid \"{}\" is in {} already", key.kid(), it->second));
                }
                out.push_back(std::move(key));
            }
        }
        return out;
    }

    DesiredClient client(const json& entry, size_t index) {
        std::string org_label = label_part(entry, "org");
        std::string name_label = label_part(entry, "name");
        EntryRef r = ref("clients", index,
                         org_label.empty() && name_label.empty()
                             ? ""
                             : fmt::format("{}/{}", org_label.empty() ? "?" : org_label,
                                           name_label.empty() ? "?" : name_label));
        object_entry(entry, r);
        known_fields(entry, "client", r);
        DesiredClient out{
            .ref = r,
            .org = org_value(required(entry, "org", r), r, "org"),
            .name = string_value(required(entry, "name", r), r, "name"),
            .description = optional_string(entry, "description", r),
            .scopes = std::nullopt,
            .access_token_lifetime = optional_integer(entry, "access_token_lifetime", r),
            .keys = std::nullopt};
        checked(r, "name", [&] { check_text("client_name", out.name, 255, true); });
        once(m_clients, out.id(), r, "client");
        if (const json* scopes = field(entry, "scopes")) {
            out.scopes = scope_list(*scopes, r, "scopes");
        }
        if (out.access_token_lifetime) {
            checked(r, "access_token_lifetime",
                    [&] { check_token_lifetime(*out.access_token_lifetime); });
        }
        if (const json* k = field(entry, "keys")) {
            out.keys = keys(*k, r);
        }
        return out;
    }

    DesiredDelegation delegation(const json& entry, size_t index) {
        std::string label = label_part(entry, "scope");
        for (const char* f : {"consumer", "supplier"}) {
            std::string part = label_part(entry, f);
            label += (label.empty() ? "" : " ") + (part.empty() ? std::string("?") : part);
        }
        EntryRef r = ref("delegations", index, label);
        object_entry(entry, r);
        known_fields(entry, "delegation", r);
        auto scope = ScopeName::try_parse(string_value(required(entry, "scope", r), r, "scope"));
        if (!scope) {
            refuse(r, "scope", scope.error().message);
        }
        DesiredDelegation out{.ref = r,
                              .scope = *std::move(scope),
                              .consumer = org_value(required(entry, "consumer", r), r, "consumer"),
                              .supplier = org_value(required(entry, "supplier", r), r, "supplier")};
        once(m_delegations,
             fmt::format("{} {} {}", out.scope.str(), out.consumer.str(), out.supplier.str()), r,
             "delegation");
        return out;
    }

    // A name or description: one text for every language, or texts by
    // language ({nb: ..., nn: ..., en: ...}), as Altinn has them.
    static std::optional<Texts> optional_texts(const json& entry, const char* name,
                                               const EntryRef& ref, bool is_name) {
        const json* value = field(entry, name);
        if (value == nullptr) {
            return std::nullopt;
        }
        Texts out;
        if (value->is_string()) {
            out = in_every_language(value->get<std::string>());
        } else if (value->is_object()) {
            for (const auto& [language, text] : value->items()) {
                out.emplace(language, string_value(text, ref, name));
            }
        } else {
            refuse(ref, name,
                   fmt::format("must be a text, or texts by language ({{nb: ..., nn: ..., en: "
                               "...}}), not {}",
                               shown(*value)));
        }
        if (is_name && out.empty()) {
            refuse(ref, name, "must be a text in at least one language (nb, nn, en)");
        }
        checked(ref, name, [&] { check_system_texts(name, out, is_name); });
        return out;
    }

    // A system's id, <vendor orgno>_<name>, and its vendor.
    static std::pair<std::string, OrgNumber> system_id(const json& entry, const char* name,
                                                       const EntryRef& ref) {
        std::string id = string_value(required(entry, name, ref), ref, name);
        auto vendor = OrgNumber::try_parse(id.substr(0, id.find('_')));
        if (!vendor) {
            refuse(ref, name,
                   fmt::format("\"{}\" must be a system id, <vendor orgno>_<name>: {}",
                               util::printable(id), vendor.error().message));
        }
        checked(ref, name, [&] { check_system_id(id, *vendor); });
        return {std::move(id), *std::move(vendor)};
    }

    DesiredSystem system(const json& entry, size_t index) {
        EntryRef r = ref("systems", index, label_part(entry, "id"));
        object_entry(entry, r);
        known_fields(entry, "system", r);
        auto [id, vendor] = system_id(entry, "id", r);
        DesiredSystem out{.ref = r,
                          .id = std::move(id),
                          .vendor = std::move(vendor),
                          .name = optional_texts(entry, "name", r, true),
                          .description = optional_texts(entry, "description", r, false),
                          .clients = std::nullopt,
                          .visible = optional_bool(entry, "visible", r)};
        once(m_systems, out.id, r, "system");
        if (const json* clients = field(entry, "clients")) {
            out.clients = string_list(*clients, r, "clients");
            for (size_t i = 0; i < out.clients->size(); ++i) {
                checked(r, fmt::format("clients[{}]", i + 1),
                        [&] { check_text("client_name", (*out.clients)[i], 255, true); });
            }
        }
        return out;
    }

    DesiredSystemUser systemuser(const json& entry, size_t index) {
        std::string label = label_part(entry, "system");
        std::string customer_label = label_part(entry, "customer");
        if (!label.empty() || !customer_label.empty()) {
            label = fmt::format("{} {}", label.empty() ? "?" : label,
                                customer_label.empty() ? "?" : customer_label);
        }
        EntryRef r = ref("systemusers", index, label);
        object_entry(entry, r);
        known_fields(entry, "systemuser", r);
        DesiredSystemUser out{.ref = r,
                              .system = system_id(entry, "system", r).first,
                              .customer = org_value(required(entry, "customer", r), r, "customer"),
                              .external_ref = ""};
        out.external_ref = optional_string(entry, "external_ref", r).value_or(out.customer.str());
        checked(r, "external_ref", [&] { check_external_ref(out.external_ref).value(); });
        once(m_systemusers, out.id(), r, "system user");
        return out;
    }

    std::string m_file;
    const KeyLoader& m_load_keys;
    std::map<std::string, std::string> m_prefixes;
    std::map<std::string, std::string> m_scopes;
    std::map<std::string, std::string> m_clients;
    std::map<std::string, std::string> m_delegations;
    std::map<std::string, std::string> m_systems;
    std::map<std::string, std::string> m_systemusers;
};

}  // namespace

const std::vector<std::string>& registry_fields(std::string_view part) {
    const auto& fields = all_fields();
    auto it = fields.find(part);
    if (it == fields.end()) {
        fail(ErrorKind::failure, fmt::format("no part \"{}\" in a registry file", part));
    }
    return it->second;
}

json complete_client_jwk(json jwk) {
    if (!jwk.is_object()) {
        fail(ErrorKind::invalid_input, "a JWK must be a JSON object");
    }
    if (!jwk.contains("kid") || !jwk.contains("alg")) {
        auto key = util::Key::from_jwk(jwk);
        if (!jwk.contains("kid")) {
            jwk["kid"] = key.thumbprint();
        }
        if (!jwk.contains("alg")) {
            jwk["alg"] = key.default_alg();
        }
    }
    if (!jwk.contains("use")) {
        jwk["use"] = "sig";
    }
    return validate_client_jwk(jwk);
}

DesiredRegistry parse_registry(const json& document, const std::string& file,
                               const KeyLoader& load_keys) {
    return Reader(file, load_keys).read(document);
}

}  // namespace mpctl::core
