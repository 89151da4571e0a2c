// SPDX-License-Identifier: Apache-2.0
#include "core/digdir_fields.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>

#include <fmt/format.h>

#include "core/util/error.hpp"
#include "core/values.hpp"

namespace mpctl::core {

using nlohmann::json;

namespace {

using R = FieldRule;
using T = FieldType;

constexpr std::string_view k_no_people =
    "mpctl issues tokens to machines only; no person logs in (that is ID-porten)";

}  // namespace

// From Digdir's API description (2025), its guides, and the public clients that
// send them (nais/digdirator, okdata-maskinporten-api, Altinn's examples). One
// row a field:
// clang-format off
const std::vector<DigdirField>& client_digdir_fields() {
    static const std::vector<DigdirField> k_fields{
        // The record's own fields with one value here; the record answers them.
        {"integration_type", R::fixed, T::string, {"maskinporten"}, std::nullopt,
         "mpctl serves Maskinporten clients only"},
        {"token_endpoint_auth_method", R::fixed, T::string, {"private_key_jwt"}, std::nullopt,
         "a Maskinporten client signs its grants with its own key"},
        {"grant_types", R::fixed, T::array,
         {json::array({"urn:ietf:params:oauth:grant-type:jwt-bearer"}), json::array()},
         std::nullopt,
         "Maskinporten's only grant; mpctl has no authorization code, refresh token or implicit "
         "flow"},
        {"application_type", R::fixed, T::string, {"web"}, json("web"),
         "a Maskinporten client is a web client; browser and native are ID-porten's"},
        // ID-porten's settings.
        {"refresh_token_usage", R::kept, T::string, {"ONETIME", "REUSE"}, json("ONETIME"), ""},
        {"refresh_token_lifetime", R::kept, T::count, {}, json(0), ""},
        {"authorization_lifetime", R::kept, T::count, {}, json(0), ""},
        {"sso_disabled", R::kept, T::boolean, {}, json(false), ""},
        {"frontchannel_logout_session_required", R::kept, T::boolean, {}, json(false), ""},
        {"code_challenge_method", R::kept, T::string, {"none", "S256"}, json("none"), ""},
        {"client_uri", R::kept, T::string, {}, json(nullptr), ""},
        {"logo_uri", R::kept, T::string, {}, json(nullptr), ""},
        {"redirect_uris", R::nothing, T::array, {}, json::array(),
         "mpctl has no authorization code flow to redirect to"},
        {"post_logout_redirect_uris", R::nothing, T::array, {}, json::array(),
         "no person logs in to mpctl, so none logs out"},
        {"frontchannel_logout_uri", R::nothing, T::string, {}, json(nullptr),
         "no person logs in to mpctl, so none logs out"},
        {"supplier_orgno", R::nothing, T::string, {}, json(nullptr),
         "mpctl has no clients that a supplier registers for a consumer; a supplier uses its "
         "own client under a delegation (consumer_org)"},
        {"client_secret", R::nothing, T::string, {}, std::nullopt,
         "a Maskinporten client signs its grants (private_key_jwt) and has no secret"},
        {"onbehalfof", R::nothing, T::array, {}, std::nullopt,
         "onbehalfof is for ID-porten clients only"},
        {"jwks", R::nothing, T::object, {}, std::nullopt,
         "keys are registered with POST /api/v1/clients/{id}/jwks"},
        // Only Digdir sets these.
        {"jwks_uri", R::ignored, T::string, {}, std::nullopt, ""},
        {"created", R::ignored, T::string, {}, std::nullopt, ""},
        {"last_updated", R::ignored, T::string, {}, std::nullopt, ""},
        // Legacy: shown in older examples, e.g. Altinn's guides.
        {"client_type", R::fixed, T::string, {"CONFIDENTIAL"}, std::nullopt,
         "a Maskinporten client is confidential"},
        {"token_reference", R::fixed, T::string, {"SELF_CONTAINED"}, std::nullopt,
         "the token type is the scope's token_type (OPAQUE there), not the client's"},
    };
    return k_fields;
}

const std::vector<DigdirField>& scope_digdir_fields() {
    static const std::vector<DigdirField> k_fields{
        {"authorization_max_lifetime", R::kept, T::count, {}, json(0), ""},
        {"requires_user_consent", R::fixed, T::boolean, {false}, json(false), k_no_people},
        {"requires_user_authentication", R::fixed, T::boolean, {false}, json(false), k_no_people},
        {"requires_pseudonymous_tokens", R::fixed, T::boolean, {false}, json(false), k_no_people},
        {"enforced_aud_for_access_token", R::nothing, T::string, {}, std::nullopt,
         "mpctl sets a token's aud only from the grant's resource claim"},
        // In Digdir's answers, undocumented.
        {"protected", R::fixed, T::boolean, {false}, std::nullopt,
         "Digdir does not document what a protected scope is, so mpctl has none"},
        {"supports_european_businesses", R::fixed, T::boolean, {false}, std::nullopt,
         "mpctl knows Norwegian organisation numbers only"},
        // Only the server sets these.
        {"owner_orgno", R::ignored, T::string, {}, std::nullopt, ""},
        {"created", R::ignored, T::string, {}, std::nullopt, ""},
        {"last_updated", R::ignored, T::string, {}, std::nullopt, ""},
    };
    return k_fields;
}
// clang-format on

const DigdirField* find_digdir_field(const std::vector<DigdirField>& fields,
                                     std::string_view name) {
    auto it = std::find_if(fields.begin(), fields.end(),
                           [&](const DigdirField& f) { return f.name == name; });
    return it == fields.end() ? nullptr : &*it;
}

namespace {

bool has_type(const json& v, FieldType type) {
    switch (type) {
        case FieldType::string:
            return v.is_string();
        case FieldType::boolean:
            return v.is_boolean();
        case FieldType::count:
            return v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
        case FieldType::array:
            return v.is_array();
        case FieldType::object:
            return v.is_object();
    }
    return false;
}

const char* type_name(FieldType type) {
    switch (type) {
        case FieldType::string:
            return "a string";
        case FieldType::boolean:
            return "true or false";
        case FieldType::count:
            return "an integer of 0 or more";
        case FieldType::array:
            return "an array";
        case FieldType::object:
            return "an object";
    }
    return "";
}

// "", [], {}, false, 0, or an object whose members all say nothing ({"keys": []}).
bool says_nothing(const json& v) {
    if (v.is_object()) {
        return std::all_of(v.begin(), v.end(), [](const json& m) { return says_nothing(m); });
    }
    return v.is_null() || v == "" || v == json::array() || v == false || v == 0;
}

std::string listed(const std::vector<json>& values) {
    std::string out;
    for (const auto& v : values) {
        out += (out.empty() ? "" : " or ") + v.dump();
    }
    return out;
}

}  // namespace

std::optional<json> check_digdir_field(const DigdirField& f, const json& value) {
    if (!has_type(value, f.type)) {
        fail(ErrorKind::invalid_input,
             fmt::format("field \"{}\" must be {}", f.name, type_name(f.type)));
    }
    auto refuse = [&](const std::string& what) {
        fail(ErrorKind::invalid_input,
             fmt::format("field \"{}\" {}{}{}", f.name, what, f.why.empty() ? "" : ": ", f.why));
    };
    switch (f.rule) {
        case FieldRule::ignored:
            return std::nullopt;
        case FieldRule::nothing:
            if (!says_nothing(value)) {
                refuse(fmt::format("must be empty, not {}", value.dump()));
            }
            return std::nullopt;
        case FieldRule::fixed:
        case FieldRule::kept:
            if (!f.values.empty() &&
                std::find(f.values.begin(), f.values.end(), value) == f.values.end()) {
                refuse(fmt::format("must be {}, not {}", listed(f.values), value.dump()));
            }
            if (f.rule == FieldRule::fixed) {
                return std::nullopt;
            }
            if (value.is_string()) {
                check_text(fmt::format("field \"{}\"", f.name), value.get<std::string>(), 2048,
                           false);
            }
            return value;
    }
    return std::nullopt;
}

json read_kept_fields(const json& record, const std::vector<DigdirField>& fields) {
    json kept = json::object();
    for (const auto& f : fields) {
        auto it = record.find(f.name);
        if (f.rule == FieldRule::kept && it != record.end() && !it->is_null()) {
            kept[std::string(f.name)] = *it;
        }
    }
    return kept;
}

template <class Json>
void write_digdir_fields(Json& out, const std::vector<DigdirField>& fields, const json& kept) {
    constexpr bool answer = std::is_same_v<Json, nlohmann::ordered_json>;
    for (const auto& f : fields) {
        std::string name(f.name);
        if (auto it = kept.find(name); it != kept.end()) {
            out[name] = *it;
        } else if (answer && f.answer) {
            out[name] = *f.answer;
        }
    }
}

template void write_digdir_fields(json&, const std::vector<DigdirField>&, const json&);
template void write_digdir_fields(nlohmann::ordered_json&, const std::vector<DigdirField>&,
                                  const json&);

}  // namespace mpctl::core
