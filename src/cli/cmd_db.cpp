// SPDX-License-Identifier: Apache-2.0
#include <iostream>
#include <memory>
#include <string>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "core/store/backend.hpp"
#include "core/store_copy.hpp"

namespace mpctl::cli {

namespace {

std::string shown(const std::string& location) {
    return core::backend_kind(location).describe(location);
}

}  // namespace

void add_db(CLI::App& app, Context& ctx) {
    auto* db = app.add_subcommand("db", "The store itself: its schema, and moving it");
    db->require_subcommand(1);

    auto* migrate = db->add_subcommand(
        "migrate", "Bring the store's schema to this mpctl's version (refuses a newer one)");
    example(migrate, "mpctl --db postgresql://mp@db.example/mp db migrate");
    migrate->callback([&ctx] {
        ctx.migrate_store = true;
        auto& store = ctx.store();
        int version = ctx.store_kind().schema_version();
        ctx.emit(nlohmann::json{{"store", store.location()}, {"schema_version", version}}, [&] {
            std::cout << "store " << store.location() << " is at schema version " << version
                      << '\n';
        });
    });

    struct CopyArgs {
        std::string from;
        std::string to;
    };
    auto args = std::make_shared<CopyArgs>();
    auto* copy = db->add_subcommand(
        "copy",
        "Copy a whole store (registry, token memory, audit log) into an empty one, LMDB or "
        "PostgreSQL either way, and check the copy");
    copy->add_option("--from", args->from, "the store to copy: a directory or postgresql:// URI")
        ->type_name("DIR|URI")
        ->required();
    copy->add_option("--to", args->to, "where to: a directory or postgresql:// URI (created)")
        ->type_name("DIR|URI")
        ->required();
    example(copy, "mpctl db copy --from ~/.local/share/mpctl --to postgresql://mp@db.example/mp");
    copy->callback([&ctx, args] {
        if (args->from == args->to) {
            usage_error("--from and --to name the same store");
        }
        auto options = ctx.backend_options();
        options.create = false;
        core::Backend from(args->from, options);
        // Sealed signing keys are opened with the secret; a database
        // target needs one to seal them under.
        const auto& secrets = ctx.key_secrets(core::backend_kind(args->to).shared());
        options.create = true;
        core::Backend to(args->to, options);
        auto report = core::copy_store(from, to, secrets, ctx.now());
        nlohmann::json out{{"from", from.store().location()}, {"to", to.store().location()},
                           {"records", report.records},       {"used_grants", report.grants},
                           {"opaque_tokens", report.tokens},  {"audit_lines", report.audit_lines},
                           {"sealed", report.sealed}};
        ctx.emit(out, [&] {
            std::cout << "copied " << shown(args->from) << " to " << shown(args->to) << ": "
                      << report.records << " registry records, " << report.grants
                      << " used grants, " << report.tokens << " opaque tokens, "
                      << report.audit_lines << " audit lines; the copy reads back the same\n";
            if (!report.sealed.empty()) {
                std::cout << report.sealed.size() << " signing keys sealed under secret "
                          << secrets.current_id() << '\n';
            }
        });
    });
}

}  // namespace mpctl::cli
