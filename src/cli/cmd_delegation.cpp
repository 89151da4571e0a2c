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

namespace mpctl::cli {

void add_delegation(CLI::App& app, Context& ctx) {
    auto* delegation = app.add_subcommand("delegation", "Consumer-to-supplier delegations");
    delegation->require_subcommand(1);
    add_server_options(delegation, ctx);

    struct AddArgs {
        std::string scope;
        std::string consumer;
        std::string supplier;
    };
    auto a = std::make_shared<AddArgs>();
    auto* add = delegation->add_subcommand("add", "Delegate a delegable scope to a supplier");
    add->add_option("--scope", a->scope, "a delegable scope the consumer may use")
        ->required()
        ->check(scope_name());
    add->add_option("--consumer", a->consumer, "the delegating org (default: the --as org)")
        ->check(org_number());
    add->add_option("--supplier", a->supplier, "the org whose clients act for the consumer")
        ->required()
        ->check(org_number());
    example(add,
            "mpctl delegation add --scope skatt:skattemelding --consumer 910000004 "
            "--supplier 920000002");
    add->callback([&ctx, a] {
        if (a->consumer.empty() && !ctx.remote() && ctx.actor().is_operator()) {
            usage_error("give the delegating org with --consumer ORGNO");
        }
        auto scope = core::ScopeName::parse(a->scope);
        auto supplier = core::OrgNumber::parse(a->supplier);
        auto& registry = ctx.registry();
        auto consumer =
            a->consumer.empty() ? *registry.actor().org() : core::OrgNumber::parse(a->consumer);
        auto d = registry.add_delegation(scope, consumer, supplier);
        ctx.emit(d, [&] { print_record(d); });
    });

    auto inactive = std::make_shared<bool>(false);
    auto* list = delegation->add_subcommand("list", "Delegations given or received");
    list->add_flag("--inactive", *inactive, "include removed delegations");
    example(list, "mpctl --as 910000004 delegation list");
    list->callback([&ctx, inactive] {
        auto items = ctx.registry().delegations(*inactive);
        std::vector<Row> rows;
        for (const auto& d : items) {
            rows.push_back(
                {d.id, d.scope, d.consumer_orgno, d.supplier_orgno, d.active ? "yes" : "no"});
        }
        ctx.emit(items, [&] {
            print_table({"ID", "SCOPE", "CONSUMER", "SUPPLIER", "ACTIVE"}, rows);
        });
    });

    auto id = std::make_shared<std::string>();
    auto* remove = delegation->add_subcommand("remove", "Remove a delegation (kept for the log)");
    remove->add_option("id", *id, "the delegation id")->required()->check(uuid("delegation id"));
    example(remove, "mpctl delegation remove DELEGATION_ID");
    remove->callback([&ctx, id] {
        auto did = core::Uuid::parse(*id, "delegation id");
        auto d = ctx.registry().remove_delegation(did);
        ctx.emit_change(d, [&] { std::cout << "removed delegation " << d.value.id << '\n'; });
    });
}

}  // namespace mpctl::cli
