// SPDX-License-Identifier: Apache-2.0
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/scopes.hpp"

namespace mpctl::cli {

void add_prefix(CLI::App& app, Context& ctx) {
    auto* prefix = app.add_subcommand("prefix", "Scope prefixes and the orgs that own them");
    prefix->require_subcommand(1);

    struct AddArgs {
        std::string name;
        std::string org;
    };
    auto a = std::make_shared<AddArgs>();
    auto* add = prefix->add_subcommand("add", "Assign a prefix to an org (operator only)");
    add->add_option("prefix", a->name, "the prefix: lowercase letters and digits")
        ->required()
        ->check(prefix_name());
    add->add_option("orgno", a->org, "the owning organisation number")
        ->required()
        ->check(org_number());
    example(add, "mpctl prefix add skatt 974761076");
    add->callback([&ctx, a] {
        auto name = core::Prefix::parse(a->name);
        auto org = core::OrgNumber::parse(a->org);
        auto record = ctx.store().write([&](core::WriteTxn& txn) {
            return core::add_prefix(txn, ctx.actor(), name, org, ctx.now());
        });
        ctx.emit_change(record, [&] {
            std::cout << "prefix " << record.value.name << " assigned to org "
                      << record.value.owner_orgno << '\n';
        });
    });

    auto* list = prefix->add_subcommand("list", "List prefixes");
    example(list, "mpctl prefix list --json");
    list->callback([&ctx] {
        auto prefixes = core::list_prefixes(ctx.store().read(), ctx.actor());
        std::vector<Row> rows;
        for (const auto& p : prefixes) {
            rows.push_back({p.name, p.owner_orgno, p.created});
        }
        ctx.emit(prefixes, [&] { print_table({"PREFIX", "OWNER", "CREATED"}, rows); });
    });
}

}  // namespace mpctl::cli
