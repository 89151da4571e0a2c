// SPDX-License-Identifier: Apache-2.0
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "core/token/keyfile.hpp"
#include "core/util/error.hpp"
#include "core/util/fs.hpp"

namespace mpctl::cli {

namespace {

using core::util::Key;
using core::util::KeyType;

struct KeyInput {
    std::string file;
    std::string password;
    std::string password_file;
};

void add_key_input(CLI::App* cmd, KeyInput& in) {
    cmd->add_option("file", in.file, "key file: PEM, PKCS#12 or JWK (- for standard input)")
        ->type_name("FILE")
        ->required();
    cmd->add_option("--password", in.password, "password of an encrypted PEM or PKCS#12 file");
    cmd->add_option("--password-file", in.password_file, "file whose first line is the password")
        ->type_name("FILE");
}

core::KeyFile load(const KeyInput& in) {
    try {
        return core::read_key(read_input(in.file), password_from(in.password, in.password_file));
    } catch (const Error& e) {
        fail(e.kind(), fmt::format("cannot read key \"{}\": {}", in.file, e.what()));
    }
}

KeyType key_type(const std::string& type, const std::string& curve) {
    if (type == "rsa") {
        return KeyType::rsa;
    }
    if (type == "ed25519") {
        return KeyType::ed25519;
    }
    return curve == "P-384" ? KeyType::ec_p384 : KeyType::ec_p256;
}

// The public JWK with kid (default: the RFC 7638 thumbprint), alg and use.
nlohmann::json described_jwk(const core::KeyFile& kf, const std::string& kid,
                             const std::string& alg) {
    nlohmann::json jwk = kf.key.public_jwk();
    jwk["kid"] = !kid.empty() ? kid : kf.kid.value_or(kf.key.thumbprint());
    jwk["alg"] = !alg.empty() ? alg : kf.alg.value_or(kf.key.default_alg());
    jwk["use"] = "sig";
    return jwk;
}

}  // namespace

void add_key(CLI::App& app, Context& ctx) {
    auto* key = app.add_subcommand("key", "Client key pairs: generate, public JWK, thumbprint");
    key->require_subcommand(1);

    struct GenArgs {
        std::string type = "rsa";
        int bits = 2048;
        std::string curve = "P-256";
        std::string out;
        bool jwk = false;
    };
    auto gen = std::make_shared<GenArgs>();
    auto* generate = key->add_subcommand("generate", "Generate a private key (PEM, mode 0600)");
    generate->add_option("--type", gen->type, "key type")
        ->check(CLI::IsMember({"rsa", "ec", "ed25519"}))
        ->capture_default_str();
    generate->add_option("--bits", gen->bits, "RSA key size")
        ->check(CLI::IsMember({2048, 3072, 4096}))
        ->capture_default_str();
    generate->add_option("--curve", gen->curve, "EC curve")
        ->check(CLI::IsMember({"P-256", "P-384"}))
        ->capture_default_str();
    generate->add_option("--out", gen->out, "file to write the private key to")
        ->type_name("FILE")
        ->required();
    generate->add_flag("--jwk", gen->jwk, "write the private key as a JWK instead of PEM");
    example(generate, "mpctl key generate --type ec --out client.pem");
    generate->callback([&ctx, gen] {
        Key k = Key::generate(key_type(gen->type, gen->curve), gen->bits);
        std::string kid = k.thumbprint();
        std::string text = k.private_pem();
        if (gen->jwk) {
            nlohmann::json jwk = k.private_jwk();
            jwk["kid"] = kid;
            jwk["alg"] = k.default_alg();
            jwk["use"] = "sig";
            text = jwk.dump(2) + "\n";
        }
        core::util::write_file(gen->out, text, 0600);
        nlohmann::json out{{"file", gen->out},
                           {"type", core::util::describe(k.type())},
                           {"bits", k.bits()},
                           {"kid", kid},
                           {"alg", k.default_alg()}};
        ctx.emit(out, [&] {
            std::cout << fmt::format("wrote {} private key to {} (kid {}, alg {})\n",
                                     core::util::describe(k.type()), gen->out, kid,
                                     k.default_alg());
        });
    });

    struct JwkArgs {
        KeyInput in;
        std::string kid;
        std::string alg;
        bool set = false;
    };
    auto ja = std::make_shared<JwkArgs>();
    auto* jwk = key->add_subcommand("jwk", "Print the public JWK of a key");
    add_key_input(jwk, ja->in);
    jwk->add_option("--kid", ja->kid, "key id (default: the RFC 7638 thumbprint)")->check(kid());
    jwk->add_option("--alg", ja->alg, "algorithm (default: RS256, ES256, ES384 or EdDSA by type)")
        ->check(jws_alg());
    jwk->add_flag("--set", ja->set, "print a JWK set {\"keys\":[...]}");
    example(jwk, "mpctl key jwk client.pem | mpctl client keys add CLIENT_ID --key -");
    jwk->callback([ja] {
        auto kf = load(ja->in);
        nlohmann::json out = described_jwk(kf, ja->kid, ja->alg);
        if (ja->set) {
            out = nlohmann::json{{"keys", nlohmann::json::array({out})}};
        }
        std::cout << out.dump(2) << '\n';
    });

    auto ta = std::make_shared<KeyInput>();
    auto* thumb = key->add_subcommand("thumbprint", "Print the RFC 7638 SHA-256 thumbprint");
    add_key_input(thumb, *ta);
    example(thumb, "mpctl key thumbprint client.pem");
    thumb->callback([&ctx, ta] {
        auto kf = load(*ta);
        std::string tp = kf.key.thumbprint();
        ctx.emit(nlohmann::json{{"thumbprint", tp}}, [&] { std::cout << tp << '\n'; });
    });
}

}  // namespace mpctl::cli
