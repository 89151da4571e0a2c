// SPDX-License-Identifier: Apache-2.0
#include "core/token/token_service.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "core/delegations.hpp"
#include "core/operator.hpp"
#include "core/scopes.hpp"
#include "core/store/audit.hpp"
#include "core/store/records.hpp"
#include "core/token/grant.hpp"
#include "core/token/jwt.hpp"
#include "core/util/base64.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "core/util/json_writer.hpp"
#include "core/util/jws.hpp"
#include "core/util/text.hpp"

namespace mpctl::core {

using nlohmann::json;

namespace {

// What the grant asks for, checked against the registry.
struct Decision {
    std::vector<Scope> scopes;
    std::string consumer;
    std::string supplier;
    std::optional<std::string> delegation_source;
    std::optional<SystemUserGrant> systemuser;
    int64_t lifetime = 0;
};

Result<Decision> decide(const ReadTxn& txn, const Grant& grant) {
    Decision d;
    const Client& client = grant.client;
    for (const auto& text : grant.scopes) {
        // A name that is no scope name names no scope.
        auto name = ScopeName::try_parse(text);
        std::optional<Scope> scope = name ? find_scope(txn, *name) : std::nullopt;
        if (!scope || !scope->active ||
            std::find(client.scopes.begin(), client.scopes.end(), text) == client.scopes.end()) {
            return refuse::scope(text);
        }
        const auto& types = scope->allowed_integration_types;
        if (std::find(types.begin(), types.end(), k_maskinporten) == types.end()) {
            return refuse::scope_not_maskinporten(text);
        }
        d.scopes.push_back(std::move(*scope));
    }
    d.consumer = client.client_orgno;
    if (grant.systemuser) {
        if (grant.consumer_org) {
            return refuse::authorization_value(
                "a system user cannot be combined with consumer_org: the system user names the "
                "customer, and the token's consumer is the client's own org");
        }
        auto systemuser = resolve_systemuser(txn, client, *grant.systemuser);
        if (!systemuser) {
            return systemuser.error();
        }
        d.systemuser = std::move(*systemuser);
    }
    if (grant.consumer_org) {
        const std::string& consumer = grant.consumer_org->str();
        if (consumer == client.client_orgno) {
            return refuse::invalid_request("consumer_org must differ from the client's own org");
        }
        for (const auto& scope : d.scopes) {
            if (!scope.delegation_source) {
                return refuse::scope(fmt::format("{} (not delegable, but consumer_org was given)",
                                                 scope.name.str()));
            }
            if (!has_access(txn, scope, consumer)) {
                return refuse::no_access(scope.name.str());
            }
            if (!find_delegation(txn, scope.name.str(), consumer, client.client_orgno)) {
                return refuse::no_delegation(consumer, scope.name.str(), client.client_orgno);
            }
        }
        d.consumer = consumer;
        d.supplier = client.client_orgno;
        d.delegation_source = d.scopes.front().delegation_source;
    } else {
        for (const auto& scope : d.scopes) {
            if (!has_access(txn, scope, client.client_orgno)) {
                return refuse::no_access(scope.name.str());
            }
        }
    }
    for (const auto& scope : d.scopes) {
        if (scope.token_type != d.scopes.front().token_type) {
            return refuse::scope("the requested scopes have different token types");
        }
    }
    d.lifetime = client.access_token_lifetime;
    for (const auto& scope : d.scopes) {
        if (scope.at_max_age > 0) {
            d.lifetime = std::min(d.lifetime, scope.at_max_age);
        }
    }
    return d;
}

// "name": {"authority":"iso6523-actorid-upis","ID":"0192:<orgno>"}
void write_org_claim(util::JsonWriter& w, std::string_view name, std::string_view orgno) {
    w.begin_object(name)
        .member("authority", k_org_authority)
        .member("ID", fmt::format("0192:{}", orgno))
        .end_object();
}

std::string token_claims(const std::string& issuer, const Grant& grant, const Decision& d,
                         util::UnixTime now, const std::string& jti, const std::string& scope) {
    util::JsonWriter w;
    w.member("iss", issuer)
        .member("client_id", grant.client.client_id)
        .member("client_amr", grant.amr)
        .member("token_type", "Bearer");
    if (grant.resource.size() == 1) {
        w.member("aud", grant.resource[0]);
    } else if (!grant.resource.empty()) {
        w.member("aud", grant.resource);
    }
    w.member("scope", scope);
    write_org_claim(w, "consumer", d.consumer);
    if (!d.supplier.empty()) {
        write_org_claim(w, "supplier", d.supplier);
        w.member("delegation_source", *d.delegation_source);
    }
    if (d.systemuser) {
        // As Altinn's APIs read it: the customer under "id" (lowercase).
        w.begin_array("authorization_details")
            .begin_element()
            .member("type", k_systemuser_type)
            .begin_object("systemuser_org")
            .member("authority", k_org_authority)
            .member("id", fmt::format("0192:{}", d.systemuser->customer_orgno))
            .end_object()
            .member("systemuser_id", std::vector<std::string>{d.systemuser->systemuser_id})
            .member("system_id", d.systemuser->system_id)
            .end_object()
            .end_array();
    }
    if (grant.pid) {
        w.member("pid", grant.pid->str());
    }
    return w.member("iat", now).member("exp", now + d.lifetime).member("jti", jti).finish();
}

std::string scope_text(const std::vector<Scope>& scopes) {
    std::string text;
    for (const auto& s : scopes) {
        if (!text.empty()) {
            text += ' ';
        }
        text += s.name.str();
    }
    return text;
}

// A signing key parsed once per kid (a kid is the key's thumbprint).
std::shared_ptr<const util::Key> signing_key(const ReadTxn& txn, CryptoCache& cache,
                                             const KeySecrets& secrets, const std::string& kid) {
    return cache.by_id(kid, [&] {
        auto record = load<SigningKey>(txn, Table::signing_keys, kid);
        if (!record) {
            fail(ErrorKind::failure, fmt::format("signing key {} is missing", kid));
        }
        return util::Key::from_pem(secrets.open(record->private_pem, kid), std::nullopt);
    });
}

// The key that signs now, resolved on the snapshot.
struct Signer {
    ActiveSigningKey active;
    std::shared_ptr<const util::Key> key;
};

Signer active_signer(const ReadTxn& txn, CryptoCache& cache, const KeySecrets& secrets) {
    auto active = active_signing_key(txn);
    auto key = signing_key(txn, cache, secrets, active.kid);
    return Signer{std::move(active), std::move(key)};
}

OwnTokenCheck inactive(std::string problem) {
    return OwnTokenCheck{false, std::move(problem), json()};
}

}  // namespace

std::string response_json(const TokenResponse& v) {
    return util::JsonWriter()
        .member("access_token", v.access_token)
        .member("token_type", v.token_type)
        .member("expires_in", v.expires_in)
        .member("scope", v.scope)
        .finish();
}

TokenService::TokenService(Store& registry, TokenMemory& memory, Clock clock, Random random)
    : m_store(registry), m_memory(memory), m_clock(std::move(clock)), m_random(std::move(random)) {}

TokenService::Random TokenService::default_random() {
    return util::random_bytes;
}

std::string TokenService::issuer(const ReadTxn& txn) const {
    return m_issuer ? *m_issuer : require_settings(txn).issuer;
}

OwnTokenCheck TokenService::check(std::string_view token) {
    util::UnixTime now = m_clock();
    if (token.find('.') == std::string_view::npos) {
        auto claims = m_memory.opaque_claims(util::hex(util::sha256(token)), now);
        if (!claims) {
            return inactive("unknown or expired opaque token");
        }
        return OwnTokenCheck{true, "", json::parse(*claims)};
    }
    auto parsed = try_parse_jwt(token);
    if (!parsed) {
        return inactive(fmt::format("not a token of this server: {}", parsed.error().message));
    }
    Jwt& jwt = *parsed;
    auto alg = util::parse_jws_alg(jwt.header.value("alg", ""));
    const auto& kid_field = jwt.header["kid"];
    if (!alg || !kid_field.is_string()) {
        return inactive("not a token of this server: no kid or an unknown alg");
    }
    std::string kid = kid_field.get<std::string>();
    auto txn = m_store.read();
    auto record = load<SigningKey>(txn, Table::signing_keys, kid);
    if (!record || (!record->active && record->publish_until <= now) ||
        record->alg != util::to_string(*alg)) {
        return inactive("not signed by a published signing key of this server");
    }
    if (!util::jws_verify(*signing_key(txn, m_crypto, m_secrets, kid), *alg, jwt.signing_input,
                          jwt.signature)) {
        return inactive("the signature does not verify");
    }
    const json& claims = jwt.claims;
    if (claims.value("iss", json()) != issuer(txn)) {
        return inactive("issued by another issuer");
    }
    const json& exp = claims.contains("exp") ? claims["exp"] : json();
    if (!exp.is_number_integer() || exp.get<util::UnixTime>() <= now) {
        return inactive("the token has expired");
    }
    return OwnTokenCheck{true, "", std::move(jwt.claims)};
}

namespace {

// A refused request's outcome. When it was refused before the grant named
// a known client (unknown kid, iat skew, a bad signature, ...), its audit
// entry notes what the grant claimed, from the JWT as parsed for the rules,
// marked as unverified: `mpctl audit --client ID` finds the most common
// failures too. Capped: a stranger's junk must not fill the audit log.
void refuse_outcome(TokenOutcome& out, const Refusal& refusal, const std::optional<Jwt>& jwt) {
    out.refusal = refusal;
    out.response.reset();
    out.claims_json.clear();
    out.audit.token_jti.clear();
    out.audit.result = "refused";
    out.audit.code = refusal.code;
    // The client's words may quote what it sent: clipped as its claims are.
    out.audit.description = util::clip_utf8(refusal.description, 512);
    if (!out.audit.client_id.empty() || !jwt) {
        return;
    }
    constexpr size_t k_max_text = 128;
    constexpr size_t k_max_scopes = 16;
    const json& claims = jwt->claims;
    auto text = [&](const char* name) {
        auto it = claims.find(name);
        if (it == claims.end() || !it->is_string()) {
            return std::string();
        }
        return util::clip_utf8(it->get_ref<const std::string&>(), k_max_text);
    };
    out.audit.client_id = text("iss");
    out.audit.grant_jti = text("jti");
    out.audit.verified = false;
    auto scope = claims.find("scope");
    if (scope != claims.end() && scope->is_string()) {
        std::string_view rest = scope->get_ref<const std::string&>();
        while (!rest.empty() && out.audit.scopes.size() < k_max_scopes) {
            auto space = rest.find(' ');
            auto word = rest.substr(0, space);
            if (!word.empty()) {
                out.audit.scopes.push_back(util::clip_utf8(word, k_max_text));
            }
            rest = space == std::string_view::npos ? "" : rest.substr(space + 1);
        }
    }
}

}  // namespace

TokenOutcome TokenService::request(const TokenForm& form, const RequestOrigin& origin) {
    // What came from outside is kept to a size a line of the log can bear.
    TokenOutcome out;
    util::UnixTime now = m_clock();
    out.audit.time = now;
    out.audit.trace_id = origin.trace_id;
    out.audit.remote = origin.remote;
    out.audit.user_agent = util::clip_utf8(origin.user_agent, k_max_user_agent);
    std::optional<Jwt> jwt;  // the grant, parsed once: for the rules and for a refusal's audit
    // What the client sent is refused by value, down to the value parsers:
    // an Error here is a fault (a store, a signing key), not the client's
    // mistake. One raised after the grant's record leaves that record's
    // audit entry as the request's one.
    Result<void> issued = issue(form, now, out, jwt);
    if (issued) {
        return out;  // recorded with the grant's use
    }
    refuse_outcome(out, issued.error(), jwt);
    m_memory.record(TokenRecord{out.audit}, now);
    return out;
}

Result<void> TokenService::issue(const TokenForm& form, util::UnixTime now, TokenOutcome& out,
                                 std::optional<Jwt>& jwt) {
    if (form.malformed) {
        return refuse::invalid_request(*form.malformed);
    }
    if (!form.grant_type) {
        return refuse::invalid_request("grant_type is missing");
    }
    if (*form.grant_type != k_jwt_bearer) {
        return refuse::unsupported_grant_type(
            fmt::format("grant_type must be {}, not \"{}\"", k_jwt_bearer, *form.grant_type));
    }
    if (!form.assertion || form.assertion->empty()) {
        return refuse::invalid_request("assertion is missing");
    }
    auto parsed = grant_rules::structure(*form.assertion);
    if (!parsed) {
        return parsed.error();
    }
    jwt = std::move(*parsed);
    std::optional<Grant> grant;
    Decision d;
    std::string jti = util::base64url_encode(m_random(16));
    std::string token;
    bool opaque = false;
    Signer signer;
    {
        // Everything is decided on one snapshot, which ends before the write.
        auto txn = m_store.read();
        std::string issuer = this->issuer(txn);
        auto validated = validate_grant(txn, issuer, *jwt, *form.assertion, now, m_crypto);
        if (!validated) {
            return validated.error();
        }
        grant = std::move(*validated);
        out.audit.client_id = grant->client.client_id;
        out.audit.scopes = grant->scopes;
        out.audit.grant_jti = grant->jti.value_or("");
        // Refused or not, a system user's request is found by its customer.
        if (grant->systemuser) {
            out.audit.systemuser_org = grant->systemuser->customer.str();
        }
        if (grant->pid) {
            out.audit.pid = grant->pid->masked();
        }
        auto decided = decide(txn, *grant);
        if (!decided) {
            return decided.error();
        }
        d = std::move(*decided);
        out.audit.consumer = d.consumer;
        out.audit.supplier = d.supplier;
        if (d.systemuser) {
            out.audit.systemuser_id = d.systemuser->systemuser_id;
        }
        out.response = TokenResponse{"", "Bearer", d.lifetime, scope_text(d.scopes)};
        out.claims_json = token_claims(issuer, *grant, d, now, jti, out.response->scope);
        opaque = d.scopes.front().token_type == TokenType::opaque;
        if (opaque) {
            token = util::base64url_encode(m_random(32));
        } else {
            signer = active_signer(txn, m_crypto, m_secrets);
        }
    }
    // The grant is marked used, with its audit entry, before anything costly
    // is done for it: a replayed grant costs no signature.
    out.audit.token_jti = jti;
    out.audit.result = "granted";
    // The entry moves into the record and back: no copy per token.
    TokenRecord granted{std::move(out.audit),
                        UsedGrant{grant->replay_key, grant->expires + k_grant_skew}, std::nullopt};
    if (opaque) {
        granted.opaque =
            OpaqueToken{util::hex(util::sha256(token)), out.claims_json, now + d.lifetime};
    }
    bool fresh = m_memory.record(granted, now);
    out.audit = std::move(granted.audit);
    if (!fresh) {
        return refuse::used_before();
    }
    if (!opaque) {
        auto alg = *util::parse_jws_alg(signer.active.alg);
        token = sign_jwt_text(util::JsonWriter()
                                  .member("alg", util::to_string(alg))
                                  .member("kid", signer.active.kid)
                                  .finish(),
                              out.claims_json, *signer.key, alg);
    }
    out.response->access_token = std::move(token);
    return {};
}

}  // namespace mpctl::core
