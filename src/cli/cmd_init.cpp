// SPDX-License-Identifier: Apache-2.0
#include <iostream>
#include <memory>
#include <string>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "core/operator.hpp"

namespace mpctl::cli {

void add_init(CLI::App& app, Context& ctx) {
    struct Args {
        std::string issuer = "http://127.0.0.1:8080/";
        std::string org{core::k_default_operator_org};
        std::string alg = "RS256";
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "init", "Initialise the store: issuer URL, first signing key, built-in admin scopes");
    cmd->add_option("--issuer", args->issuer, "the issuer URL clients put in aud")
        ->check(issuer_url())
        ->capture_default_str();
    cmd->add_option("--org", args->org, "the operator's organisation; owns the idporten prefix")
        ->check(org_number())
        ->capture_default_str();
    cmd->add_option("--alg", args->alg, "algorithm of the server's signing key")
        ->check(CLI::IsMember(core::signing_algs()))
        ->capture_default_str();
    example(cmd, "mpctl init --issuer https://mp.example.org/ --alg ES256");
    cmd->callback([&ctx, args] {
        auto org = core::OrgNumber::parse(args->org);
        ctx.create_store = true;
        ctx.key_secrets();  // before anything is created
        auto& store = ctx.store();
        auto done = store.write([&](core::WriteTxn& txn) {
            return core::init_store(txn, args->issuer, org, args->alg, ctx.now(),
                                    ctx.key_secrets());
        });
        const core::Settings& settings = done.value;
        auto key = core::list_signing_keys(store.read()).front();
        nlohmann::json out{{"store", store.location()},
                           {"issuer", settings.issuer},
                           {"operator_orgno", settings.operator_orgno},
                           {"signing_key", core::public_view(key)}};
        ctx.emit(out, [&] {
            if (done.change == core::Change::made) {
                std::cout << "initialised store " << store.location() << '\n';
            } else {
                ctx.say_unchanged(done.note);
            }
            std::cout << "issuer:      " << settings.issuer << '\n'
                      << "operator:    org " << settings.operator_orgno << '\n'
                      << "signing key: " << key.kid << " (" << key.alg << ")\n";
        });
    });
}

}  // namespace mpctl::cli
