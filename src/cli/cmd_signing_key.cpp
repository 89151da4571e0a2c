// SPDX-License-Identifier: Apache-2.0
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/operator.hpp"

namespace mpctl::cli {

namespace {

std::string status(const core::SigningKey& k, core::util::UnixTime now) {
    if (k.active) {
        return "active";
    }
    if (k.publish_until > now) {
        return "published until " + core::util::iso8601(k.publish_until);
    }
    return "retired";
}

}  // namespace

void add_signing_key(CLI::App& app, Context& ctx) {
    auto* sk = app.add_subcommand("signing-key", "The server's keys for signing access tokens");
    sk->require_subcommand(1);

    auto* list = sk->add_subcommand("list", "List signing keys, newest first");
    example(list, "mpctl signing-key list");
    list->callback([&ctx] {
        auto keys = core::list_signing_keys(ctx.store().read());
        nlohmann::json out = nlohmann::json::array();
        std::vector<Row> rows;
        for (const auto& k : keys) {
            out.push_back(core::public_view(k));
            rows.push_back({k.kid, k.alg, status(k, ctx.now()), core::util::iso8601(k.created)});
        }
        ctx.emit(out, [&] { print_table({"KID", "ALG", "STATUS", "CREATED"}, rows); });
    });

    auto* jwks =
        sk->add_subcommand("jwks", "Print the published keys as a JWK set, as /jwk serves");
    example(jwks, "mpctl signing-key jwks > jwks.json");
    jwks->callback([&ctx] {
        std::cout << core::published_jwks(ctx.store().read(), ctx.now()).dump(2) << '\n';
    });

    auto alg = std::make_shared<std::string>("RS256");
    auto* rotate = sk->add_subcommand(
        "rotate",
        "Make a new active signing key; the old one stays published until its tokens expire");
    rotate->add_option("--alg", *alg, "algorithm of the new key")
        ->check(CLI::IsMember(core::signing_algs()))
        ->capture_default_str();
    example(rotate, "mpctl signing-key rotate --alg ES256");
    rotate->callback([&ctx, alg] {
        auto key = ctx.store().write([&](core::WriteTxn& txn) {
            return core::rotate_signing_key(txn, *alg, ctx.now(), ctx.key_secrets());
        });
        ctx.emit(core::public_view(key), [&] {
            std::cout << "new active signing key " << key.kid << " (" << key.alg << ")\n";
        });
    });

    auto* rewrap = sk->add_subcommand(
        "rewrap",
        "Seal every private signing key under the key-encryption secret "
        "(MPCTL_KEY_SECRET_FILE), opening it with the old one (MPCTL_KEY_SECRET_OLD_FILE)");
    example(rewrap,
            "MPCTL_KEY_SECRET_FILE=new.secret MPCTL_KEY_SECRET_OLD_FILE=old.secret mpctl "
            "signing-key rewrap");
    rewrap->callback([&ctx] {
        const auto& secrets = ctx.key_secrets();
        auto changed = ctx.store().write(
            [&](core::WriteTxn& txn) { return core::rewrap_signing_keys(txn, secrets); });
        nlohmann::json out{{"secret", secrets.current_id()}, {"rewrapped", changed}};
        ctx.emit(out, [&] {
            std::cout << changed.size() << " signing key" << (changed.size() == 1 ? "" : "s")
                      << " sealed under secret " << secrets.current_id() << '\n';
        });
    });
}

}  // namespace mpctl::cli
