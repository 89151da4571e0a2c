// SPDX-License-Identifier: Apache-2.0
#include "cli/grant_options.hpp"

#include <optional>

#include <fmt/format.h>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "core/token/assertion.hpp"
#include "core/token/keyfile.hpp"
#include "core/util/error.hpp"

namespace mpctl::cli {

void add_signer_options(CLI::App* cmd, GrantOptions& g, bool required) {
    cmd->add_option("--client-id", g.client_id, "the client (iss)")
        ->required(required)
        ->check(uuid("client id"));
    cmd->add_option("--key", g.key_file, "the client's private key: PEM, PKCS#12 or JWK")
        ->type_name("FILE")
        ->required(required);
    cmd->add_option("--password", g.password, "password of an encrypted PEM or PKCS#12 key");
    cmd->add_option("--password-file", g.password_file, "file whose first line is the password")
        ->type_name("FILE");
    cmd->add_option("--kid", g.kid,
                    "kid of the registered key (default: the JWK's kid, else the thumbprint)");
    auto* cert =
        cmd->add_option("--cert", g.cert_file, "sign with x5c: PEM certificate chain, leaf first")
            ->type_name("FILE");
    cmd->add_flag("--x5c", g.x5c, "sign with x5c: the chain in the PKCS#12 --key")->excludes(cert);
    cmd->add_option("--alg", g.alg, "signing algorithm (default: the key's)")->check(jws_alg());
}

void signer_from_environment(CLI::App* cmd) {
    cmd->get_option("--client-id")->envname("MPCTL_CLIENT_ID");
    cmd->get_option("--key")->envname("MPCTL_KEY");
    cmd->get_option("--kid")->envname("MPCTL_KID");
}

void add_grant_options(CLI::App* cmd, GrantOptions& g, bool required) {
    add_signer_options(cmd, g, required);
    cmd->add_option("--scope", g.scopes, "a scope to ask for (repeatable)")->required(required);
    cmd->add_option("--resource", g.resource, "audience of the token (repeatable)");
    cmd->add_option("--consumer-org", g.consumer_org, "ask as a supplier for this consumer")
        ->check(org_number());
    auto* systemuser =
        cmd->add_option("--systemuser-org", g.systemuser_org,
                        "ask as the vendor's system user for this customer (authorization_details)")
            ->check(org_number());
    cmd->add_option("--external-ref", g.external_ref,
                    "which of the customer's system users (externalRef; default: the customer's "
                    "org number)")
        ->check(external_ref())
        ->needs(systemuser);
    cmd->add_option("--pid", g.pid, "the person the token is for: a national identity number")
        ->check(pid());
    cmd->add_option("--lifetime", g.lifetime, "exp - iat of the grant, at most 120 s")
        ->check(grant_lifetime())
        ->capture_default_str();
    cmd->add_flag("--no-jti", g.no_jti, "leave out jti (the server then remembers the hash)");
}

std::string read_grant_key(const GrantOptions& g) {
    try {
        return read_input(g.key_file);
    } catch (const Error& e) {
        fail(e.kind(), fmt::format("cannot read key \"{}\": {}", g.key_file, e.what()));
    }
}

std::string sign_grant(const GrantOptions& g, const std::string& audience, Context& ctx) {
    return sign_grant(g, read_grant_key(g), audience, ctx);
}

std::string sign_grant(const GrantOptions& g, const std::string& key_text,
                       const std::string& audience, Context& ctx) {
    core::KeyFile kf = [&] {
        try {
            return core::read_key(key_text, password_from(g.password, g.password_file));
        } catch (const Error& e) {
            fail(e.kind(), fmt::format("cannot read key \"{}\": {}", g.key_file, e.what()));
        }
    }();
    if (!kf.key.is_private()) {
        fail(ErrorKind::invalid_input,
             fmt::format("\"{}\" holds a public key; a grant is signed with the private one",
                         g.key_file));
    }
    core::AssertionSpec spec;
    spec.client_id = core::Uuid::parse(g.client_id, "client id").str();
    spec.audience = audience;
    spec.scopes = g.scopes;
    spec.resource = g.resource;
    if (!g.consumer_org.empty()) {
        spec.consumer_org = core::OrgNumber::parse(g.consumer_org).str();
    }
    if (!g.systemuser_org.empty()) {
        spec.systemuser =
            core::SystemUserRequest{core::OrgNumber::parse(g.systemuser_org), std::nullopt};
        if (!g.external_ref.empty()) {
            spec.systemuser->external_ref = g.external_ref;
        }
    }
    if (!g.pid.empty()) {
        spec.pid = core::Pid::parse(g.pid);
    }
    spec.lifetime = g.lifetime;
    spec.jti = !g.no_jti;
    if (!g.alg.empty()) {
        spec.alg = core::util::parse_jws_alg(g.alg);  // checked by jws_alg()
    }
    if (!g.cert_file.empty()) {
        spec.x5c = core::util::Certificate::from_pem(read_input(g.cert_file));
    } else if (g.x5c) {
        if (kf.chain.empty()) {
            fail(ErrorKind::invalid_input,
                 fmt::format("--x5c: \"{}\" holds no certificate chain (give --cert)", g.key_file));
        }
        spec.x5c = kf.chain;
    } else {
        spec.kid = !g.kid.empty() ? g.kid : kf.kid.value_or(kf.key.thumbprint());
    }
    return core::sign_assertion(spec, kf.key, ctx.now());
}

}  // namespace mpctl::cli
