// SPDX-License-Identifier: Apache-2.0
// mpctl org add: the operator's one step to give an organisation the
// self-service API: its admin scopes, an admin client, and that client's key.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/clients.hpp"
#include "core/operator.hpp"
#include "core/registry.hpp"
#include "core/scopes.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"

namespace mpctl::cli {

void add_org(CLI::App& app, Context& ctx) {
    auto* org = app.add_subcommand("org", "Organisations: what the operator gives one");
    org->require_subcommand(1);

    struct Args {
        std::string orgno;
        std::vector<std::string> keys;
        std::string name = "admin";
        std::string kid;
        std::string output;
    };
    auto a = std::make_shared<Args>();
    auto* add = org->add_subcommand(
        "add",
        "Give an org the self-service API in one step: grant it the admin scopes, register its "
        "admin client with them, add the client's key (again: makes it so, changes nothing "
        "more)");
    add->add_option("orgno", a->orgno, "the organisation")->required()->check(org_number());
    add->add_option("--admin-key", a->keys,
                    "the admin client's public key: PEM or JWK file, - for standard input "
                    "(repeatable)")
        ->type_name("FILE")
        ->required();
    add->add_option("--name", a->name, "the admin client's name")->capture_default_str();
    add->add_option("--kid", a->kid, "kid for a key file that names none (default: thumbprint)")
        ->check(cli::kid());
    add->add_option("--output", a->output, "what to print: id (just the client_id)")
        ->check(CLI::IsMember({"id"}));
    example(add, "mpctl org add 910000004 --admin-key admin.pub.pem --output id");
    add->callback([&ctx, a] {
        if (!ctx.actor().is_operator()) {
            fail(ErrorKind::forbidden, "only the operator adds organisations (no --as)");
        }
        auto orgno = core::OrgNumber::parse(a->orgno);
        auto jwks = client_jwks(a->keys, a->kid, "");
        auto op = ctx.actor();
        const auto& scopes = core::admin_scopes();
        struct Done {
            core::Client client;
            std::vector<std::string> changed;  // what this run did, in words
        };
        // One transaction: all three steps or none.
        auto done = ctx.store().write([&](core::WriteTxn& txn) {
            Done d;
            core::require_settings(txn);
            for (const auto& scope : scopes) {
                auto name = core::ScopeName::parse(scope);
                auto found = core::find_scope(txn, name);
                if (!found) {
                    fail(ErrorKind::not_found,
                         fmt::format("the admin scope {} is missing from the store", scope));
                }
                if (!core::has_access(txn, *found, orgno.str())) {
                    core::grant_access(txn, op, name, orgno, ctx.now());
                    d.changed.push_back("granted " + scope);
                }
            }
            core::ClientSpec spec{.org = orgno,
                                  .client_name = a->name,
                                  .description = "self-service API admin client",
                                  .scopes = scopes};
            core::StoreRegistry registry(txn, op, ctx.now());
            auto client =
                core::register_by_name(registry, spec, core::SameName::update, core::GivenFields{});
            if (client.change == core::Change::made) {
                d.changed.push_back("client " + client.value.client_id);
            }
            auto id = core::Uuid::parse(client.value.client_id, "client id");
            auto set = core::get_client_keys(txn, op, id);
            std::vector<nlohmann::json> missing;
            for (const auto& jwk : jwks) {
                // The same kid with another key goes on, for add_client_keys
                // to refuse.
                auto key = core::util::Key::from_jwk(jwk);
                bool there = std::any_of(set.keys.begin(), set.keys.end(), [&](const auto& k) {
                    return k.kid() == jwk.value("kid", "") &&
                           core::util::Key::from_jwk(k.jwk).same_public_key(key);
                });
                if (!there) {
                    missing.push_back(jwk);
                    d.changed.push_back("key " + jwk.value("kid", ""));
                }
            }
            if (!missing.empty()) {
                core::add_client_keys(txn, op, id, missing, ctx.now());
            }
            d.client = std::move(client.value);
            return d;
        });
        if (a->output == "id") {
            std::cout << done.client.client_id << '\n';
            return;
        }
        nlohmann::ordered_json out{{"org", orgno.str()},
                                   {"client_id", done.client.client_id},
                                   {"client_name", done.client.client_name},
                                   {"scopes", done.client.scopes},
                                   {"changed", done.changed}};
        ctx.emit(out, [&] {
            print_record(out);
            if (done.changed.empty()) {
                ctx.say_unchanged(
                    fmt::format("org {} has the self-service API already", orgno.str()));
            }
        });
    });
}

}  // namespace mpctl::cli
