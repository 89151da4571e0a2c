// SPDX-License-Identifier: Apache-2.0
#include <cctype>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/version.hpp"
#include "core/util/error.hpp"
#include "core/util/fs.hpp"

namespace mpctl::cli {

std::string read_input(const std::string& path) {
    if (path == "-") {
        return core::util::read_stdin();
    }
    return core::util::read_file(path);
}

std::string argument_or_stdin(const std::string& value) {
    std::string text = value == "-" ? read_input("-") : value;
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.pop_back();
    }
    return text;
}

std::optional<std::string> password_from(const std::string& password,
                                         const std::string& password_file) {
    if (!password_file.empty()) {
        std::string text = core::util::read_file(password_file);
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
            text.pop_back();
        }
        return text;
    }
    if (!password.empty()) {
        return password;
    }
    return std::nullopt;
}

std::optional<std::string> dash_value(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") {
            break;
        }
        bool number = arg.size() > 1 && arg.find_first_not_of("0123456789.", 1) == arg.npos;
        if (arg.size() > 2 && arg[0] == '-' && arg[1] != '-' && !number) {
            return std::string(arg);
        }
    }
    return std::nullopt;
}

void example(CLI::App* cmd, const std::string& text) {
    cmd->footer("\nExample:\n  " + text);
}

void build_app(CLI::App& app, Context& ctx) {
    app.description(
        "mpctl: a self-hostable Maskinporten. Registry of scopes, access, clients and keys on "
        "an embedded store.");
    app.add_option("--db", ctx.db, "store directory (default $MPCTL_DB, else $XDG_DATA_HOME/mpctl)")
        ->type_name("DIR");
    app.add_flag("--json", ctx.json, "print JSON instead of tables");
    app.add_option("--as", ctx.as_org,
                   "act as this organisation, under the rules of the self-service API, instead "
                   "of as the operator")
        ->type_name("ORGNO");
    app.set_version_flag("--version", "mpctl " + std::string(k_version),
                         "print mpctl's version and exit");
    app.add_subcommand("version", "Print mpctl's version")->callback([] {
        std::cout << "mpctl " << k_version << '\n';
    });
    app.require_subcommand(1);
    // Global options may come after the command too (`mpctl scope list --json`);
    // subcommands inherit this when they are added.
    app.fallthrough();
    add_init(app, ctx);
    add_key(app, ctx);
    add_signing_key(app, ctx);
    add_prefix(app, ctx);
    add_scope(app, ctx);
    add_access(app, ctx);
    add_client(app, ctx);
    add_delegation(app, ctx);
    add_trust(app, ctx);
    add_assertion(app, ctx);
    add_token(app, ctx);
    add_audit(app, ctx);
    add_serve(app, ctx);
}

}  // namespace mpctl::cli
