// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/version.hpp"
#include "cli/words.hpp"
#include "core/util/fs.hpp"
#include "core/util/text.hpp"

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

std::optional<std::string> unknown_command(const CLI::App& app, int argc, const char* const* argv,
                                           bool none_given) {
    Walk walk = walk_words(app, std::vector<std::string>(argv + 1, argv + argc));
    std::string all;
    std::vector<std::string> names;
    for (const auto* c : visible_commands(walk.app)) {
        all += (all.empty() ? "" : ", ") + c->get_name();
        names.push_back(c->get_name());
    }
    if (walk.unknown) {
        auto best = core::util::closest(*walk.unknown, names);
        return !best ? fmt::format("unknown command \"{}\"; {} has: {}", *walk.unknown,
                                   command_path(walk.app), all)
                     : fmt::format("unknown command \"{}\"; did you mean \"{}\"?", *walk.unknown,
                                   *best);
    }
    if (none_given) {
        return fmt::format("{} needs a command: {}", command_path(walk.app), all);
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
    app.add_option("--db", ctx.db,
                   "store directory, or a postgresql:// URI (default $MPCTL_DB, else "
                   "$XDG_DATA_HOME/mpctl)")
        ->type_name("DIR|URI");
    app.add_flag("--json", ctx.json, "print JSON instead of tables");
    app.add_option("--as", ctx.as_org,
                   "act as this organisation, under the rules of the self-service API, instead "
                   "of as the operator")
        ->type_name("ORGNO")
        ->check(org_number());
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
    add_org(app, ctx);
    add_key(app, ctx);
    add_signing_key(app, ctx);
    add_prefix(app, ctx);
    add_scope(app, ctx);
    add_access(app, ctx);
    add_client(app, ctx);
    add_delegation(app, ctx);
    add_system(app, ctx);
    add_systemuser(app, ctx);
    add_trust(app, ctx);
    add_assertion(app, ctx);
    add_token(app, ctx);
    add_whoami(app, ctx);
    add_audit(app, ctx);
    add_serve(app, ctx);
    add_db(app, ctx);
    add_apply(app, ctx);
    name_values(app);
}

}  // namespace mpctl::cli
