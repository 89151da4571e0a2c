// SPDX-License-Identifier: Apache-2.0
#include "core/token/grant.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "core/clients.hpp"
#include "core/store/records.hpp"
#include "core/systems.hpp"
#include "core/token/jwt.hpp"
#include "core/token/refusal.hpp"
#include "core/util/base64.hpp"
#include "core/util/crypto.hpp"
#include "core/util/expected.hpp"
#include "core/util/jws.hpp"
#include "core/util/text.hpp"

namespace mpctl::core {

using nlohmann::json;

namespace {

constexpr std::array k_header_fields{"alg", "kid", "x5c", "typ"};
constexpr std::array k_forbidden_header_fields{"crit", "jku", "x5u", "jwk"};
constexpr std::array k_claims{"iss",
                              "sub",
                              "aud",
                              "iat",
                              "exp",
                              "jti",
                              "scope",
                              "resource",
                              "consumer_org",
                              "nbf",
                              "authorization_details",
                              "pid"};
// The members of an authorization_details entry of type urn:altinn:systemuser,
// and of its systemuser_org ("ID" or "id": public examples use both).
constexpr std::array k_systemuser_members{"type", "systemuser_org", "externalRef"};
constexpr std::array k_systemuser_org_members{"authority", "ID", "id"};

// Text from a grant, cut short for a message.
std::string clipped(std::string_view text) {
    return util::clip_utf8(text, 64);
}

template <size_t N>
bool listed(const std::array<const char*, N>& list, const std::string& name) {
    return std::find_if(list.begin(), list.end(), [&](const char* s) { return name == s; }) !=
           list.end();
}

// A value parser's answer (OrgNumber, Pid, ...) as a rule's: why the text
// is no value becomes the grant's `refusal`, after `field` when one is named.
template <class T>
Result<T> refused_as(Parsed<T> parsed, Refusal (*refusal)(const std::string&),
                     std::string_view field = {}) {
    if (!parsed) {
        const std::string& why = parsed.error().message;
        return refusal(field.empty() ? why : fmt::format("{}: {}", field, why));
    }
    if constexpr (std::is_void_v<T>) {
        return {};
    } else {
        return std::move(*parsed);
    }
}

Result<util::JwsAlg> check_header(const json& header) {
    for (const auto& [name, value] : header.items()) {
        if (listed(k_forbidden_header_fields, name)) {
            return refuse::client_authentication(
                fmt::format("JWT header \"{}\" is not allowed", name));
        }
        if (!listed(k_header_fields, name)) {
            return refuse::client_authentication(fmt::format("unknown JWT header \"{}\"", name));
        }
    }
    auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string()) {
        return refuse::signature("the JWT header has no alg");
    }
    auto parsed = util::parse_jws_alg(alg->get<std::string>());
    if (!parsed) {
        return refuse::signature(
            fmt::format("algorithm \"{}\" is not allowed (use RS256, RS384, RS512, "
                        "PS256, ES256, ES384 or EdDSA)",
                        alg->get<std::string>()));
    }
    if (header.contains("kid") && !header["kid"].is_string()) {
        return refuse::client_authentication("kid is not a string");
    }
    return *parsed;
}

// A claim's value when it has the right JSON type (null when it is absent
// and not required); refuses otherwise.
Result<const json*> claim(const json& claims, const char* name, json::value_t type, bool required) {
    auto it = claims.find(name);
    if (it == claims.end()) {
        if (required) {
            return refuse::invalid_request(fmt::format("the claim \"{}\" is missing", name));
        }
        return nullptr;
    }
    bool ok = type == json::value_t::number_integer ? it->is_number() : it->type() == type;
    if (!ok) {
        return refuse::invalid_request(fmt::format("the claim \"{}\" has the wrong type", name));
    }
    return &*it;
}

// An optional string claim that holds a value of core (OrgNumber, Pid):
// parsed by `parse`, whose error is MP-011 naming the claim.
template <class T>
Result<std::optional<T>> value_claim(const json& claims, const char* name,
                                     Parsed<T> (*parse)(std::string_view)) {
    auto text = claim(claims, name, json::value_t::string, false);
    if (!text) {
        return text.error();
    }
    if (*text == nullptr) {
        return std::nullopt;
    }
    auto parsed =
        refused_as(parse((*text)->get_ref<const std::string&>()), refuse::invalid_request, name);
    if (!parsed) {
        return parsed.error();
    }
    return std::optional<T>(std::move(*parsed));
}

Result<UnixTime> time_claim(const json& claims, const char* name, bool required) {
    auto found = claim(claims, name, json::value_t::number_integer, required);
    if (!found) {
        return found.error();
    }
    const json* v = *found;
    if (v == nullptr) {
        return 0;
    }
    // A NumericDate from 1970 to the end of year 9999. Found by fuzz_grant:
    // casting a larger double to an integer is undefined behaviour, and the
    // arithmetic on times after it must not overflow either.
    constexpr double k_last = 253402300799.0;
    double t = v->get<double>();
    if (!(t >= 0 && t <= k_last)) {
        return refuse::invalid_request(
            fmt::format("the claim \"{}\" is not a time between 1970 and 9999", name));
    }
    return static_cast<UnixTime>(t);
}

// The key a kid names in the client's set, unexpired.
Result<std::shared_ptr<const util::Key>> registered_key(const ClientKeySet& set,
                                                        const std::string& kid, UnixTime now,
                                                        CryptoCache& cache) {
    for (const auto& key : set.keys) {
        if (key.kid() == kid) {
            if (key.expires <= now) {
                return refuse::expired_key(kid);
            }
            return cache.from_jwk(key.jwk);
        }
    }
    return refuse::client_authentication(
        fmt::format("Unknown key identifier (kid) for client: {}", kid));
}

// The x5c entries, parsed; `known` when `cache` had them (the chain verified
// before).
Result<std::shared_ptr<const CryptoCache::Chain>> parse_x5c(const json& x5c, std::string& joined,
                                                            bool& known, CryptoCache& cache) {
    if (!x5c.is_array() || x5c.empty()) {
        return refuse::x5c("it must be a non-empty JSON array of base64 certificates");
    }
    for (const auto& entry : x5c) {
        if (!entry.is_string()) {
            return refuse::x5c("an entry is not standard base64");
        }
        joined += entry.get_ref<const std::string&>();
        joined += ',';  // never part of base64
    }
    if (auto chain = cache.chain(joined)) {
        known = true;
        return std::shared_ptr<const CryptoCache::Chain>(std::move(chain));
    }
    CryptoCache::Chain chain;
    for (const auto& entry : x5c) {
        // Line breaks inside the base64 are no part of it: node-forge's PEM of a
        // PKCS#12 certificate ends its lines with CR, and clients keep them.
        std::string text = entry.get<std::string>();
        std::erase_if(text, [](char ch) { return ch == '\r' || ch == '\n'; });
        auto der = util::base64_decode(text);
        if (!der) {
            return refuse::x5c("an entry is not standard base64");
        }
        auto certificate = util::Certificate::from_der(*der);
        if (!certificate) {
            return refuse::x5c("an entry is not a DER certificate");
        }
        chain.certificates.push_back(std::move(*certificate));
    }
    auto leaf_key = chain.certificates[0].public_key();
    if (!leaf_key) {
        return refuse::x5c("the first certificate's public key cannot be read");
    }
    chain.leaf_key = std::make_shared<const util::Key>(std::move(*leaf_key));
    chain.valid_from = std::numeric_limits<UnixTime>::min();
    chain.valid_until = std::numeric_limits<UnixTime>::max();
    for (const auto& certificate : chain.certificates) {
        auto validity = certificate.validity();
        if (!validity) {
            // Found by fuzz_x5c: a validity time OpenSSL cannot read.
            return refuse::x5c("a certificate's validity time cannot be read");
        }
        chain.valid_from = std::max(chain.valid_from, validity->from);
        chain.valid_until = std::min(chain.valid_until, validity->until);
    }
    return std::shared_ptr<const CryptoCache::Chain>(
        std::make_shared<const CryptoCache::Chain>(std::move(chain)));
}

// The leaf's key from an x5c chain that verifies to a trusted CA and names
// the client's organisation. A client sends the same chain with every grant:
// it is parsed once (`cache`). Verifying it depends only on its bytes, the
// trusted CAs' and the time, so it is verified again whenever the trusted
// CAs changed since, or any of the certificates (the chain's or a CA's) is
// outside its validity now; the org is compared on every grant.
Result<std::shared_ptr<const util::Key>> certificate_key(const ReadTxn& txn, const Client& client,
                                                         const json& x5c, UnixTime now,
                                                         CryptoCache& cache) {
    std::string joined;
    bool known = false;
    auto parsed = parse_x5c(x5c, joined, known, cache);
    if (!parsed) {
        return parsed.error();
    }
    const auto& chain = *parsed;
    std::vector<util::Certificate> anchors;
    std::string cas;
    // As OpenSSL counts validity: from notBefore, up to but not including notAfter.
    auto valid = [now](UnixTime from, UnixTime until) { return from <= now && now < until; };
    bool all_valid = valid(chain->valid_from, chain->valid_until);
    txn.scan(Table::trusted_cas, "", [&](std::string_view, std::string_view record) {
        auto ca = DecodedRecords<TrustedCa>::instance().decode(record);
        anchors.push_back(*cache.trusted_ca(ca->pem));
        all_valid = all_valid && valid(ca->not_before, ca->not_after);
        cas.append(record);
        cas.push_back('\0');
        return true;
    });
    cas = util::sha256(cas);
    bool verified = known && all_valid && chain->verified_with == cas;
    if (!verified) {
        if (auto problem = util::verify_chain(chain->certificates, anchors, now)) {
            return refuse::certificate(*problem);
        }
    }
    const util::Certificate& leaf = chain->certificates[0];
    std::vector<std::string> orgs = leaf.subject_entries("serialNumber");
    for (const auto& id : leaf.subject_entries("organizationIdentifier")) {
        if (id.starts_with("NTRNO-")) {
            orgs.push_back(id.substr(6));
        }
    }
    if (std::find(orgs.begin(), orgs.end(), client.client_orgno) == orgs.end()) {
        return refuse::certificate_org(fmt::format("client org {}, certificate {}",
                                                   client.client_orgno,
                                                   orgs.empty() ? "names none" : orgs.front()));
    }
    if (!known || chain->verified_with != cas) {
        CryptoCache::Chain verified_chain = *chain;
        verified_chain.verified_with = std::move(cas);
        cache.remember_chain(joined, std::move(verified_chain));
    }
    return chain->leaf_key;
}

}  // namespace

std::vector<std::string> split_scopes(std::string_view text) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < text.size()) {
        size_t end = text.find(' ', i);
        end = end == std::string_view::npos ? text.size() : end;
        std::string item(text.substr(i, end - i));
        if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) {
            out.push_back(std::move(item));
        }
        i = end + 1;
    }
    return out;
}

namespace grant_rules {

Result<Jwt> structure(std::string_view assertion) {
    return refused_as(try_parse_jwt(assertion), refuse::invalid_request);
}

Result<util::JwsAlg> header(const json& header) {
    return check_header(header);
}

Result<void> key_named(const json& header) {
    if (!header.contains("kid") && !header.contains("x5c")) {
        return refuse::client_authentication("the JWT header has neither kid nor x5c");
    }
    return {};
}

Result<void> claim_names(const json& c) {
    for (const auto& [name, value] : c.items()) {
        if (!listed(k_claims, name)) {
            return refuse::client_authentication(
                fmt::format("the claim \"{}\" is not allowed", name));
        }
    }
    return {};
}

Result<std::string> issuer_claim(const json& c) {
    auto iss = claim(c, "iss", json::value_t::string, true);
    if (!iss) {
        return iss.error();
    }
    auto sub = claim(c, "sub", json::value_t::string, false);
    if (!sub) {
        return sub.error();
    }
    // Altinn's guides put the client id in sub too; anything else there names
    // someone other than the signer.
    if (*sub != nullptr && **sub != **iss) {
        return refuse::client_authentication(
            "the claim sub must be the client id, as iss is, or be left out");
    }
    return (*iss)->get<std::string>();
}

Result<void> audience(const json& c, const std::string& issuer) {
    // The issuer with or without its trailing slash: Altinn's guides and
    // libraries write "https://maskinporten.no".
    auto is_issuer = [&](const json& v) {
        if (!v.is_string()) {
            return false;
        }
        std::string_view a = v.get_ref<const std::string&>();
        std::string_view i = issuer;
        if (a.ends_with('/')) {
            a.remove_suffix(1);
        }
        if (i.ends_with('/')) {
            i.remove_suffix(1);
        }
        return !a.empty() && a == i;
    };
    const json& aud = c.contains("aud") ? c["aud"] : json();
    bool aud_ok = is_issuer(aud) || (aud.is_array() && aud.size() == 1 && is_issuer(aud[0]));
    if (!aud_ok) {
        return refuse::audience(fmt::format("must be the issuer {} (one value)", issuer));
    }
    return {};
}

Result<UnixTime> times(const json& c, UnixTime now) {
    auto iat_claim = time_claim(c, "iat", true);
    if (!iat_claim) {
        return iat_claim.error();
    }
    auto exp_claim = time_claim(c, "exp", true);
    if (!exp_claim) {
        return exp_claim.error();
    }
    UnixTime iat = *iat_claim;
    UnixTime exp = *exp_claim;
    if (iat > now + k_grant_skew) {
        return refuse::time(
            fmt::format("Issue time is after now (iat is {} s ahead of the server's "
                        "clock; at most {} s are allowed)",
                        iat - now, k_grant_skew));
    }
    if (iat < now - k_grant_skew) {
        return refuse::time(
            fmt::format("JWT is too old: iat is {} s behind the server's clock; it must "
                        "be within {} s",
                        now - iat, k_grant_skew));
    }
    if (exp <= now) {
        return refuse::time("JWT is expired");
    }
    if (exp - iat > k_max_grant_life) {
        return refuse::time(fmt::format("JWT lives too long: exp - iat is {} s, at most {} s",
                                        exp - iat, k_max_grant_life));
    }
    if (c.contains("nbf")) {
        auto nbf = time_claim(c, "nbf", false);
        if (!nbf) {
            return nbf.error();
        }
        if (*nbf > now + k_grant_skew) {
            return refuse::time("JWT is not valid yet (nbf is in the future)");
        }
    }
    return exp;
}

Result<std::vector<std::string>> scopes(const json& c) {
    auto scope = claim(c, "scope", json::value_t::string, false);
    if (!scope) {
        return scope.error();
    }
    auto out =
        *scope ? split_scopes((*scope)->get_ref<const std::string&>()) : std::vector<std::string>{};
    if (out.empty()) {
        return refuse::scope("the scope claim is missing or empty");
    }
    return out;
}

Result<std::optional<std::string>> jti(const json& c) {
    auto jti = claim(c, "jti", json::value_t::string, false);
    if (!jti) {
        return jti.error();
    }
    if (*jti == nullptr) {
        return std::nullopt;
    }
    if ((*jti)->get_ref<const std::string&>().empty()) {
        return refuse::invalid_request("the claim \"jti\" is empty");
    }
    return (*jti)->get<std::string>();
}

Result<std::vector<std::string>> resource(const json& c) {
    if (!c.contains("resource")) {
        return std::vector<std::string>{};
    }
    const json& r = c["resource"];
    if (r.is_string() && !r.get_ref<const std::string&>().empty()) {
        return std::vector<std::string>{r.get<std::string>()};
    }
    if (r.is_array() && !r.empty() &&
        std::all_of(r.begin(), r.end(), [](const json& x) { return x.is_string(); })) {
        return r.get<std::vector<std::string>>();
    }
    return refuse::invalid_request("the claim \"resource\" must be a string or an array of them");
}

Result<std::optional<OrgNumber>> consumer_org(const json& c) {
    return value_claim(c, "consumer_org", OrgNumber::try_parse);
}

Result<std::optional<SystemUserRequest>> authorization_details(const json& c) {
    auto it = c.find("authorization_details");
    if (it == c.end()) {
        return std::nullopt;
    }
    const json& details = *it;
    if (!details.is_array() || details.empty()) {
        return refuse::authorization_value("it must be a non-empty JSON array of objects");
    }
    for (const auto& entry : details) {
        if (!entry.is_object()) {
            return refuse::authorization_value("an entry is not a JSON object");
        }
        auto type = entry.find("type");
        if (type == entry.end() || !type->is_string()) {
            return refuse::authorization_type("an entry has no type");
        }
        const auto& name = type->get_ref<const std::string&>();
        if (name == "urn:altinn:consent") {
            return refuse::authorization_type(
                "urn:altinn:consent (consent tokens are not supported by this server; only "
                "urn:altinn:systemuser is)");
        }
        if (name != k_systemuser_type) {
            return refuse::authorization_type(fmt::format("\"{}\" (this server supports only {})",
                                                          clipped(name), k_systemuser_type));
        }
    }
    if (details.size() > 1) {
        return refuse::authorization_value(fmt::format(
            "{} entries; a grant names exactly one customer organisation", details.size()));
    }
    const json& entry = details[0];
    for (const auto& [name, value] : entry.items()) {
        if (!listed(k_systemuser_members, name)) {
            return refuse::authorization_member(
                fmt::format("\"{}\" (an entry of type {} has type, systemuser_org and externalRef)",
                            clipped(name), k_systemuser_type));
        }
    }
    auto org = entry.find("systemuser_org");
    if (org == entry.end() || !org->is_object()) {
        return refuse::authorization_value("systemuser_org is missing or not a JSON object");
    }
    for (const auto& [name, value] : org->items()) {
        if (!listed(k_systemuser_org_members, name)) {
            return refuse::authorization_member(
                fmt::format("\"{}\" in systemuser_org (it has authority and ID)", clipped(name)));
        }
    }
    auto authority = org->find("authority");
    if (authority == org->end() || *authority != k_org_authority) {
        return refuse::authorization_value(
            fmt::format("systemuser_org.authority must be \"{}\"", k_org_authority));
    }
    if (org->contains("ID") && org->contains("id")) {
        return refuse::authorization_value("systemuser_org has both ID and id; give one");
    }
    auto id = org->contains("ID") ? org->find("ID") : org->find("id");
    if (id == org->end() || !id->is_string()) {
        return refuse::authorization_value("systemuser_org.ID is missing or not a string");
    }
    std::string_view text = id->get_ref<const std::string&>();
    if (!text.starts_with("0192:")) {
        return refuse::authorization_value(fmt::format(
            "systemuser_org.ID \"{}\" must be 0192:<organisation number>", clipped(text)));
    }
    auto customer = refused_as(OrgNumber::try_parse(text.substr(5)), refuse::authorization_value,
                               "systemuser_org.ID");
    if (!customer) {
        return customer.error();
    }
    SystemUserRequest request{*customer, std::nullopt};
    if (auto ref = entry.find("externalRef"); ref != entry.end()) {
        if (!ref->is_string()) {
            return refuse::authorization_value("externalRef is not a string");
        }
        const auto& value = ref->get_ref<const std::string&>();
        auto checked = refused_as(check_external_ref(value), refuse::authorization_value);
        if (!checked) {
            return checked.error();
        }
        request.external_ref = value;
    }
    return request;
}

Result<std::optional<Pid>> pid(const json& c) {
    return value_claim(c, "pid", Pid::try_parse);
}

}  // namespace grant_rules

Result<Grant> validate_grant(const ReadTxn& txn, const std::string& issuer, const Jwt& jwt,
                             std::string_view assertion, UnixTime now, CryptoCache& cache) {
    auto alg = grant_rules::header(jwt.header);
    if (!alg) {
        return alg.error();
    }
    const json& c = jwt.claims;
    if (auto names = grant_rules::claim_names(c); !names) {
        return names.error();
    }

    // Who claims to be signing, and with which key.
    auto iss = grant_rules::issuer_claim(c);
    if (!iss) {
        return iss.error();
    }
    std::optional<Client> client;
    // An iss that is no client id names no client.
    auto id = Uuid::try_parse(*iss, "client id");
    if (id) {
        client = find_client(txn, *id);
    }
    if (!client || !client->active) {
        return refuse::client_authentication(fmt::format("unknown or inactive client {}", *iss));
    }
    Grant grant;
    auto keys = load_shared<ClientKeySet>(txn, Table::client_keys, client->client_id);
    Result<std::shared_ptr<const util::Key>> key = std::shared_ptr<const util::Key>();
    if (jwt.header.contains("kid")) {
        key = registered_key(keys ? *keys : ClientKeySet{}, jwt.header["kid"].get<std::string>(),
                             now, cache);
        grant.amr = "private_key_jwt";
    } else if (jwt.header.contains("x5c")) {
        if (keys && !keys->keys.empty()) {
            return refuse::client_authentication(
                "the client has registered keys: sign with one and name "
                "it with kid");
        }
        key = certificate_key(txn, *client, jwt.header["x5c"], now, cache);
        grant.amr = "virksomhetssertifikat";
    } else {
        return grant_rules::key_named(jwt.header).error();
    }
    if (!key) {
        return key.error();
    }
    if (!util::alg_fits(*alg, (*key)->type())) {
        return refuse::signature(fmt::format("algorithm {} does not fit the client's {} key",
                                             util::to_string(*alg),
                                             util::describe((*key)->type())));
    }
    if (!util::jws_verify(**key, *alg, jwt.signing_input, jwt.signature)) {
        return refuse::signature("the signature does not verify with the client's key");
    }

    // The claims, now that they are known to come from the client.
    if (auto aud = grant_rules::audience(c, issuer); !aud) {
        return aud.error();
    }
    auto exp = grant_rules::times(c, now);
    auto scopes = grant_rules::scopes(c);
    auto jti = grant_rules::jti(c);
    auto resource = grant_rules::resource(c);
    auto consumer_org = grant_rules::consumer_org(c);
    auto systemuser = grant_rules::authorization_details(c);
    auto pid = grant_rules::pid(c);
    if (const Refusal* r =
            first_refusal(exp, scopes, jti, resource, consumer_org, systemuser, pid)) {
        return *r;
    }
    grant.expires = *exp;
    grant.scopes = std::move(*scopes);
    grant.jti = std::move(*jti);
    grant.resource = std::move(*resource);
    grant.consumer_org = std::move(*consumer_org);
    grant.systemuser = std::move(*systemuser);
    grant.pid = std::move(*pid);
    // A jti counts once per client; without one, the whole assertion does.
    grant.replay_key = util::hex(util::sha256(
        client->client_id + '\0' + (grant.jti ? "jti:" + *grant.jti : std::string(assertion))));
    grant.client = std::move(*client);
    return grant;
}

}  // namespace mpctl::core
