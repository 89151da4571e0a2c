// SPDX-License-Identifier: Apache-2.0
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/operator.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace mpctl::cli {

namespace {

void require_operator(const Context& ctx) {
    if (!ctx.actor().is_operator()) {
        fail(ErrorKind::forbidden, "only the operator manages trusted CAs");
    }
}

}  // namespace

void add_trust(CLI::App& app, Context& ctx) {
    auto* trust = app.add_subcommand("trust", "CA certificates trusted for x5c grants");
    trust->require_subcommand(1);

    auto file = std::make_shared<std::string>();
    auto* add = trust->add_subcommand("add", "Trust the CA certificates in a PEM file");
    add->add_option("file", *file, "PEM file with one or more CA certificates")
        ->type_name("FILE")
        ->required();
    example(add, "mpctl trust add buypass-root.pem");
    add->callback([&ctx, file] {
        require_operator(ctx);
        std::string pem = read_input(*file);
        auto added = ctx.store().write([&](core::WriteTxn& txn) {
            try {
                return core::add_trusted_cas(txn, pem, ctx.now());
            } catch (const Error& e) {
                fail(e.kind(), fmt::format("cannot trust \"{}\": {}", *file, e.what()));
            }
        });
        nlohmann::json out = nlohmann::json::array();
        for (auto ca : added) {
            ca.pem.clear();
            out.push_back(ca);
        }
        ctx.emit(out, [&] {
            for (const auto& ca : added) {
                std::cout << "trusted " << core::util::printable(ca.subject) << " ("
                          << ca.fingerprint << ")\n";
            }
        });
    });

    auto* list = trust->add_subcommand("list", "List trusted CAs");
    example(list, "mpctl trust list");
    list->callback([&ctx] {
        require_operator(ctx);
        auto cas = core::list_trusted_cas(ctx.store().read());
        std::vector<Row> rows;
        for (const auto& ca : cas) {
            rows.push_back(
                {ca.fingerprint.substr(0, 16), ca.subject, core::util::iso8601(ca.not_after)});
        }
        ctx.emit(cas, [&] { print_table({"FINGERPRINT", "SUBJECT", "NOT AFTER"}, rows); });
    });

    auto fp = std::make_shared<std::string>();
    auto* remove = trust->add_subcommand("remove", "Stop trusting a CA");
    remove->add_option("fingerprint", *fp, "SHA-256 fingerprint, or its first 8+ hex digits")
        ->required();
    example(remove, "mpctl trust remove 3f2a9c1b");
    remove->callback([&ctx, fp] {
        require_operator(ctx);
        auto ca = ctx.store().write(
            [&](core::WriteTxn& txn) { return core::remove_trusted_ca(txn, *fp); });
        ctx.emit(
            nlohmann::json{{"fingerprint", ca.value.fingerprint}, {"subject", ca.value.subject}},
            [&] {
                if (ca.change != core::Change::made) {
                    ctx.say_unchanged(ca.note);
                    return;
                }
                std::cout << "no longer trusted: " << core::util::printable(ca.value.subject)
                          << '\n';
            });
    });
}

}  // namespace mpctl::cli
