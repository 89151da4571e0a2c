// SPDX-License-Identifier: Apache-2.0
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/server.hpp"
#include "core/registry.hpp"
#include "core/scopes.hpp"

namespace mpctl::cli {

namespace {

void print_access(const Context& ctx, const std::vector<core::Access>& entries) {
    std::vector<Row> rows;
    for (const auto& a : entries) {
        rows.push_back({a.scope, a.consumer_orgno, a.owner_orgno,
                        std::string(core::to_string(a.state)), a.last_updated});
    }
    ctx.emit(entries, [&] {
        print_table({"SCOPE", "CONSUMER", "OWNER", "STATE", "LAST UPDATED"}, rows);
    });
}

}  // namespace

void add_access(CLI::App& app, Context& ctx) {
    auto* access = app.add_subcommand("access", "Which orgs may use a scope");
    access->require_subcommand(1);
    add_server_options(access, ctx);

    struct Args {
        std::string scope;
        std::string org;
    };
    auto a = std::make_shared<Args>();

    auto* grant = access->add_subcommand("grant", "Grant an org access to an own scope");
    grant->add_option("scope", a->scope, "prefix:subscope")->required()->check(scope_name());
    grant->add_option("orgno", a->org, "the consumer organisation")
        ->required()
        ->check(org_number());
    example(grant, "mpctl access grant skatt:skattemelding 910000004");
    grant->callback([&ctx, a] {
        auto scope = core::ScopeName::parse(a->scope);
        auto org = core::OrgNumber::parse(a->org);
        auto entry = ctx.registry().grant_access(scope, org);
        ctx.emit(entry, [&] {
            std::cout << "org " << entry.consumer_orgno << " may use " << entry.scope << '\n';
        });
    });

    auto* revoke = access->add_subcommand("revoke", "Revoke an org's access to an own scope");
    revoke->add_option("scope", a->scope, "prefix:subscope")->required()->check(scope_name());
    revoke->add_option("orgno", a->org, "the consumer organisation")
        ->required()
        ->check(org_number());
    example(revoke, "mpctl access revoke skatt:skattemelding 910000004");
    revoke->callback([&ctx, a] {
        auto scope = core::ScopeName::parse(a->scope);
        auto org = core::OrgNumber::parse(a->org);
        auto entry = ctx.registry().revoke_access(scope, org);
        ctx.emit_change(entry, [&] {
            std::cout << "org " << entry.value.consumer_orgno << " may no longer use "
                      << entry.value.scope << '\n';
        });
    });

    auto* list = access->add_subcommand(
        "list", "The access list of an own scope, or with --consumer the scopes granted to an org");
    list->add_option("scope", a->scope, "prefix:subscope")->check(scope_name());
    auto* consumer = list->add_option("--consumer", a->org, "list what this org was granted")
                         ->check(org_number());
    example(list, "mpctl access list skatt:skattemelding");
    list->callback([&ctx, a, consumer] {
        if (consumer->count() > 0) {
            auto org = core::OrgNumber::parse(a->org);
            print_access(ctx, ctx.registry().access_of(org));
            return;
        }
        if (a->scope.empty()) {
            usage_error("give a scope, or --consumer ORGNO");
        }
        print_access(ctx, ctx.registry().access(core::ScopeName::parse(a->scope)));
    });
}

}  // namespace mpctl::cli
