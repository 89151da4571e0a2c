// SPDX-License-Identifier: Apache-2.0
#include "core/operator.hpp"

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/clients.hpp"
#include "core/scopes.hpp"
#include "core/store/records.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace mpctl::core {

namespace {

constexpr std::string_view k_issuer_key = "issuer";
constexpr std::string_view k_operator_key = "operator_orgno";
constexpr std::string_view k_active_key = "active_signing_key";  // "alg kid"
// Tokens are checked with some leeway for clock skew: keep old keys that much longer.
constexpr UnixTime k_skew = 60;

util::Key generate_for(const std::string& alg) {
    if (alg == "RS256" || alg == "RS384" || alg == "RS512" || alg == "PS256") {
        return util::Key::generate(util::KeyType::rsa, 2048);
    }
    if (alg == "ES256") {
        return util::Key::generate(util::KeyType::ec_p256);
    }
    if (alg == "ES384") {
        return util::Key::generate(util::KeyType::ec_p384);
    }
    if (alg == "EdDSA") {
        return util::Key::generate(util::KeyType::ed25519);
    }
    fail(ErrorKind::invalid_input, fmt::format("signing algorithm \"{}\" is not offered (use {})",
                                               alg, fmt::join(signing_algs(), ", ")));
}

// Saves a new key as the active one.
void save_active(WriteTxn& txn, const SigningKey& key) {
    save(txn, Table::signing_keys, key.kid, key);
    txn.put(Table::meta, k_active_key, key.alg + " " + key.kid);
}

SigningKey new_signing_key(const std::string& alg, UnixTime now, const KeySecrets& secrets) {
    util::Key key = generate_for(alg);
    SigningKey sk;
    sk.kid = key.thumbprint();
    sk.alg = alg;
    sk.private_pem = secrets.seal(key.private_pem(), sk.kid);
    sk.public_jwk = key.public_jwk();
    sk.public_jwk["kid"] = sk.kid;
    sk.public_jwk["alg"] = alg;
    sk.public_jwk["use"] = "sig";
    sk.active = true;
    sk.created = now;
    return sk;
}

}  // namespace

const std::vector<std::string>& admin_scopes() {
    static const std::vector<std::string> k_scopes{"idporten:scopes.write", "idporten:dcr.read",
                                                   "idporten:dcr.write", "idporten:dcr.modify"};
    return k_scopes;
}

const std::vector<std::string>& signing_algs() {
    static const std::vector<std::string> k_algs{"RS256", "RS384", "RS512", "PS256",
                                                 "ES256", "ES384", "EdDSA"};
    return k_algs;
}

std::optional<Settings> load_settings(const ReadTxn& txn) {
    auto issuer = txn.get(Table::meta, k_issuer_key);
    auto org = txn.get(Table::meta, k_operator_key);
    if (!issuer || !org) {
        return std::nullopt;
    }
    return Settings{std::string(*issuer), std::string(*org)};
}

Settings require_settings(const ReadTxn& txn) {
    auto settings = load_settings(txn);
    if (!settings) {
        fail(ErrorKind::invalid_input, "the store is not initialised: run `mpctl init` first");
    }
    return *settings;
}

Changed<Settings> init_store(WriteTxn& txn, const std::string& issuer,
                             const OrgNumber& operator_org, const std::string& alg, UnixTime now,
                             const KeySecrets& secrets) {
    Settings settings{parse_issuer(issuer), operator_org.str()};
    if (auto existing = load_settings(txn)) {
        // Again with the same settings: done already. With others: say which.
        std::vector<std::string> differ;
        if (existing->issuer != settings.issuer) {
            differ.push_back(
                fmt::format("the issuer is {}, not {}", existing->issuer, settings.issuer));
        }
        if (existing->operator_orgno != settings.operator_orgno) {
            differ.push_back(fmt::format("the operator is org {}, not {}", existing->operator_orgno,
                                         settings.operator_orgno));
        }
        if (auto active = active_signing_key(txn); active.alg != alg) {
            differ.push_back(fmt::format("the signing key is {}, not {}", active.alg, alg));
        }
        if (!differ.empty()) {
            fail(ErrorKind::conflict,
                 fmt::format("the store is initialised already, and {}", fmt::join(differ, "; ")));
        }
        return {std::move(*existing), Change::already,
                fmt::format("the store is initialised already with issuer {}", settings.issuer)};
    }
    txn.put(Table::meta, k_issuer_key, settings.issuer);
    txn.put(Table::meta, k_operator_key, settings.operator_orgno);
    save_active(txn, new_signing_key(alg, now, secrets));

    Actor op = Actor::operator_role();
    add_prefix(txn, op, Prefix::parse(k_admin_prefix), operator_org, now);
    for (const auto& name : admin_scopes()) {
        ScopeSpec spec{.name = ScopeName::parse(name),
                       .description = fmt::format("mpctl self-service API: {}", name.substr(9)),
                       .long_description = "",
                       .visibility = Visibility::private_,
                       .delegation_source = std::nullopt};
        create_scope(txn, op, spec, now);
    }
    return made(std::move(settings));
}

namespace {

// "3 hours", "1 minute": a length of time as a reader counts it.
std::string length(UnixTime seconds) {
    return seconds >= 2 * 3600 ? util::count_of(seconds / 3600, "hour")
           : seconds >= 120    ? util::count_of(seconds / 60, "minute")
                               : util::count_of(seconds, "second");
}

// Published, waiting to sign: never active, never retired.
bool is_next(const SigningKey& key) {
    return !key.active && key.retired == 0;
}

// Retires the active key (it stays published until every token it may have
// signed has expired) and makes `key` the one that signs.
void make_active(WriteTxn& txn, SigningKey key, UnixTime now) {
    UnixTime keep = longest_token_lifetime(txn) + k_skew;
    for (auto& old : load_all<SigningKey>(txn, Table::signing_keys)) {
        if (old.active) {
            old.active = false;
            old.retired = now;
            old.publish_until = now + keep;
            save(txn, Table::signing_keys, old.kid, old);
        }
    }
    key.active = true;
    save_active(txn, key);
}

}  // namespace

SigningKey rotate_signing_key(WriteTxn& txn, const std::string& alg, UnixTime now,
                              const KeySecrets& secrets) {
    require_settings(txn);
    SigningKey key = new_signing_key(alg, now, secrets);
    make_active(txn, key, now);
    return key;
}

std::string_view signing_key_state(const SigningKey& key, UnixTime now) {
    if (key.active) {
        return "active";
    }
    if (is_next(key)) {
        return "next";
    }
    return key.publish_until > now ? "retired" : "expired";
}

SigningKey add_signing_key(WriteTxn& txn, const std::string& alg, UnixTime now,
                           const KeySecrets& secrets) {
    require_settings(txn);
    for (const auto& key : load_all<SigningKey>(txn, Table::signing_keys)) {
        if (is_next(key)) {
            fail(ErrorKind::conflict,
                 fmt::format("signing key {} is published as the next one already (since {}); "
                             "activate it first",
                             key.kid, util::iso8601(key.created)));
        }
    }
    SigningKey key = new_signing_key(alg, now, secrets);
    key.active = false;
    save(txn, Table::signing_keys, key.kid, key);
    return key;
}

SigningKey activate_signing_key(WriteTxn& txn, const std::string& kid, UnixTime now,
                                UnixTime min_published, bool force) {
    require_settings(txn);
    auto key = load<SigningKey>(txn, Table::signing_keys, kid);
    if (!key) {
        fail(ErrorKind::not_found, fmt::format("no signing key has kid \"{}\"", kid));
    }
    if (!is_next(*key)) {
        fail(ErrorKind::conflict,
             fmt::format("signing key {} is {}, not the next one: only a key published with "
                         "signing-key add is activated",
                         kid, signing_key_state(*key, now)));
    }
    if (now - key->created < min_published && !force) {
        fail(ErrorKind::conflict,
             fmt::format("signing key {} has been published for {} of the {} asked for: a "
                         "resource server that cached /jwk before it would refuse its tokens; "
                         "activate it from {}, or give --force",
                         kid, length(std::max<UnixTime>(0, now - key->created)),
                         length(min_published), util::iso8601(key->created + min_published)));
    }
    make_active(txn, *key, now);
    key->active = true;
    return *key;
}

std::vector<std::string> rewrap_signing_keys(WriteTxn& txn, const KeySecrets& secrets) {
    if (secrets.empty()) {
        fail(ErrorKind::invalid_input,
             "no key-encryption secret to seal the signing keys under: give "
             "MPCTL_KEY_SECRET_FILE");
    }
    std::vector<std::string> changed;
    KeySecrets any = secrets;  // keys in the clear are what rewrap is for
    any.require_sealed(false);
    for (auto& key : load_all<SigningKey>(txn, Table::signing_keys)) {
        if (KeySecrets::sealed_by(key.private_pem) == secrets.current_id()) {
            continue;
        }
        key.private_pem = secrets.seal(any.open(key.private_pem, key.kid), key.kid);
        save(txn, Table::signing_keys, key.kid, key);
        changed.push_back(key.kid);
    }
    return changed;
}

void check_signing_keys(const ReadTxn& txn, const KeySecrets& secrets, bool required,
                        UnixTime now) {
    KeySecrets check = secrets;
    check.require_sealed(required);
    for (const auto& key : published_signing_keys(txn, now)) {
        check.open(key.private_pem, key.kid);
    }
}

std::vector<SigningKey> list_signing_keys(const ReadTxn& txn) {
    auto keys = load_all<SigningKey>(txn, Table::signing_keys);
    // The active key first, then the others from the most recently retired.
    std::sort(keys.begin(), keys.end(), [](const SigningKey& a, const SigningKey& b) {
        return std::tuple(a.active, is_next(a), a.retired, a.created) >
               std::tuple(b.active, is_next(b), b.retired, b.created);
    });
    return keys;
}

ActiveSigningKey active_signing_key(const ReadTxn& txn) {
    auto text = txn.get(Table::meta, k_active_key);
    if (!text || text->find(' ') == std::string_view::npos) {
        fail(ErrorKind::failure, "the store has no active signing key (run `mpctl init`)");
    }
    auto space = text->find(' ');
    return ActiveSigningKey{std::string(text->substr(space + 1)),
                            std::string(text->substr(0, space))};
}

std::vector<SigningKey> published_signing_keys(const ReadTxn& txn, UnixTime now) {
    auto keys = list_signing_keys(txn);
    std::erase_if(keys, [&](const SigningKey& k) {
        return !k.active && !is_next(k) && k.publish_until <= now;
    });
    return keys;
}

nlohmann::json published_jwks(const ReadTxn& txn, UnixTime now) {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& k : published_signing_keys(txn, now)) {
        keys.push_back(k.public_jwk);
    }
    return nlohmann::json{{"keys", keys}};
}

std::vector<TrustedCa> add_trusted_cas(WriteTxn& txn, std::string_view pem, UnixTime now) {
    std::vector<TrustedCa> added;
    for (const auto& cert : util::Certificate::from_pem(pem)) {
        std::string subject = cert.subject();
        if (!cert.is_ca()) {
            fail(ErrorKind::invalid_input,
                 fmt::format("certificate \"{}\" is not a CA certificate", subject));
        }
        if (cert.not_after() <= now) {
            fail(ErrorKind::invalid_input, fmt::format("certificate \"{}\" expired on {}", subject,
                                                       util::iso8601(cert.not_after())));
        }
        std::string fingerprint = cert.sha256_fingerprint();
        if (txn.get(Table::trusted_cas, fingerprint)) {
            fail(ErrorKind::conflict,
                 fmt::format("certificate \"{}\" is trusted already", subject));
        }
        TrustedCa ca{fingerprint,      subject,    cert.not_before(),
                     cert.not_after(), cert.pem(), util::iso8601(now)};
        save(txn, Table::trusted_cas, fingerprint, ca);
        added.push_back(std::move(ca));
    }
    return added;
}

std::vector<TrustedCa> list_trusted_cas(const ReadTxn& txn) {
    return load_all<TrustedCa>(txn, Table::trusted_cas);
}

Changed<TrustedCa> remove_trusted_ca(WriteTxn& txn, std::string_view fingerprint) {
    if (fingerprint.size() < 8) {
        fail(ErrorKind::invalid_input,
             fmt::format("fingerprint \"{}\" is too short: give at least 8 hex digits",
                         fingerprint));
    }
    auto matches = load_all<TrustedCa>(txn, Table::trusted_cas, fingerprint);
    if (matches.empty()) {
        TrustedCa asked;
        asked.fingerprint = std::string(fingerprint);
        return {std::move(asked), Change::absent,
                fmt::format("no trusted CA has fingerprint {}", fingerprint)};
    }
    if (matches.size() > 1) {
        fail(ErrorKind::invalid_input,
             fmt::format("fingerprint {} matches {} CAs: give more digits", fingerprint,
                         matches.size()));
    }
    txn.del(Table::trusted_cas, matches[0].fingerprint);
    return made(std::move(matches[0]));
}

}  // namespace mpctl::core
