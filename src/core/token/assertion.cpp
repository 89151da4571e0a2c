// SPDX-License-Identifier: Apache-2.0
#include "core/token/assertion.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/token/error_pages.hpp"
#include "core/token/grant.hpp"
#include "core/token/jwt.hpp"
#include "core/token/refusal.hpp"
#include "core/util/base64.hpp"
#include "core/util/error.hpp"

namespace mpctl::core {

using nlohmann::json;

void check_grant_lifetime(int64_t seconds) {
    if (seconds < 1 || seconds > k_max_grant_life) {
        fail(ErrorKind::invalid_input,
             fmt::format("grant lifetime {} s: must be 1 to {} s", seconds, k_max_grant_life));
    }
}

std::string sign_assertion(const AssertionSpec& spec, const util::Key& key, util::UnixTime now) {
    if (spec.scopes.empty()) {
        fail(ErrorKind::invalid_input, "a grant needs at least one scope");
    }
    check_grant_lifetime(spec.lifetime);
    util::JwsAlg alg = spec.alg.value_or(*util::parse_jws_alg(key.default_alg()));
    if (!util::alg_fits(alg, key.type())) {
        fail(ErrorKind::invalid_input,
             fmt::format("a {} key cannot sign {}", util::describe(key.type()),
                         util::to_string(alg)));
    }
    json header = json::object();
    if (spec.kid) {
        header["kid"] = *spec.kid;
    } else if (!spec.x5c.empty()) {
        json chain = json::array();
        for (const auto& cert : spec.x5c) {
            chain.push_back(util::base64_encode(cert.der()));
        }
        header["x5c"] = chain;
    } else {
        fail(ErrorKind::invalid_input, "a grant needs a kid or a certificate chain (x5c)");
    }
    std::string scope;
    for (const auto& s : spec.scopes) {
        scope += (scope.empty() ? "" : " ") + s;
    }
    json claims{{"iss", spec.client_id},
                {"aud", spec.audience},
                {"iat", now},
                {"exp", now + spec.lifetime},
                {"scope", scope}};
    if (spec.jti) {
        claims["jti"] = util::uuid_v4();
    }
    if (!spec.resource.empty()) {
        claims["resource"] =
            spec.resource.size() == 1 ? json(spec.resource[0]) : json(spec.resource);
    }
    if (spec.consumer_org) {
        claims["consumer_org"] = *spec.consumer_org;
    }
    if (spec.systemuser) {
        json entry{
            {"type", k_systemuser_type},
            {"systemuser_org",
             {{"authority", k_org_authority}, {"ID", "0192:" + spec.systemuser->customer.str()}}}};
        if (spec.systemuser->external_ref) {
            entry["externalRef"] = *spec.systemuser->external_ref;
        }
        claims["authorization_details"] = json::array({entry});
    }
    if (spec.pid) {
        claims["pid"] = spec.pid->str();
    }
    return sign_jwt(header, claims, key, alg);
}

std::vector<LintResult> lint_assertion(std::string_view assertion,
                                       const std::optional<std::string>& issuer,
                                       util::UnixTime now) {
    std::vector<LintResult> out;
    // Reports one rule's result: passed, or a failed line with its refusal.
    auto report = [&](const char* rule, const auto& result) {
        if (result.ok()) {
            out.push_back(LintResult{rule, true, "", ""});
            return true;
        }
        const Refusal& r = result.error();
        const auto* page = find_error_page(r.code);
        out.push_back(LintResult{rule, false, r.code, r.description, false,
                                 page != nullptr ? std::string(page->fix) : ""});
        return false;
    };
    auto jwt = grant_rules::structure(assertion);
    if (!report("three base64url parts, JSON objects, no name twice, at most 16 KiB", jwt)) {
        return out;
    }
    const json& c = jwt->claims;
    report(
        "alg is RS256/RS384/RS512 (PS256, ES256, ES384, EdDSA extension); no crit, jku, x5u, "
        "jwk",
        grant_rules::header(jwt->header));
    if (auto alg = jwt->header.find("alg"); alg != jwt->header.end() && alg->is_string() &&
                                            !alg->get_ref<const std::string&>().starts_with("RS")) {
        out.push_back(LintResult{
            "alg is one the real Maskinporten accepts", true, "",
            fmt::format("{} is an extension of mpctl; Maskinporten accepts RS256, RS384 and RS512 "
                        "only",
                        alg->get<std::string>()),
            true});
    }
    report("kid or x5c names the key", grant_rules::key_named(jwt->header));
    report(
        "only iss, sub, aud, iat, exp, jti, scope, resource, consumer_org, nbf, "
        "authorization_details, pid",
        grant_rules::claim_names(c));
    report("iss is the client_id (and sub, if given)", grant_rules::issuer_claim(c));
    if (issuer) {
        report("aud is the issuer (trailing slash or not), one value",
               grant_rules::audience(c, *issuer));
    } else {
        out.push_back(LintResult{"aud is the issuer (trailing slash or not), one value", true, "",
                                 "not checked: give --issuer to check it"});
    }
    report("iat within 10 s of now, exp in the future, exp - iat <= 120, nbf not ahead",
           grant_rules::times(c, now));
    report("scope is not empty", grant_rules::scopes(c));
    auto jti = grant_rules::jti(c);
    auto resource = grant_rules::resource(c);
    auto consumer_org = grant_rules::consumer_org(c);
    const Refusal* malformed = first_refusal(jti, resource, consumer_org);
    report("jti, resource and consumer_org are well formed",
           malformed != nullptr ? Result<void>(*malformed) : Result<void>());
    // What was asked for is named in the ok line; the pid only masked.
    if (c.contains("authorization_details")) {
        auto details = grant_rules::authorization_details(c);
        if (report("authorization_details asks for one system user (urn:altinn:systemuser)",
                   details)) {
            const SystemUserRequest& request = **details;
            out.back().message =
                request.external_ref
                    ? fmt::format("customer {}, externalRef \"{}\"", request.customer.str(),
                                  *request.external_ref)
                    : fmt::format("customer {}, no externalRef (the customer's org number)",
                                  request.customer.str());
        }
    }
    if (c.contains("pid")) {
        auto pid = grant_rules::pid(c);
        if (report("pid is a national identity number (11 digits, both check digits right)", pid)) {
            out.back().message = "pid " + (*pid)->masked();
        }
    }
    if (!c.contains("jti")) {
        out.push_back(LintResult{"jti is recommended", true, "",
                                 "no jti: the grant is remembered by its hash instead"});
    }
    out.push_back(LintResult{c.contains("authorization_details")
                                 ? "signature, client, key, scopes, access and system user"
                                 : "signature, client, key, scopes and access",
                             true, "", "not checked: the server checks them against its registry"});
    return out;
}

}  // namespace mpctl::core
