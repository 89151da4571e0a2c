// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cctype>
#include <iostream>
#include <iterator>
#include <string_view>
#include <vector>

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

namespace {

// Levenshtein distance, for suggestions among a few short words.
size_t distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// The option named `arg` ("--db", "--db=x") at `app` or a parent, if any.
const CLI::Option* find_option(const CLI::App* app, std::string_view arg) {
    std::string name(arg.substr(0, arg.find('=')));
    for (; app != nullptr; app = app->get_parent()) {
        if (const auto* option = app->get_option_no_throw(name)) {
            return option;
        }
    }
    return nullptr;
}

// "mpctl client keys": the words that lead to `app`.
std::string command_path(const CLI::App* app) {
    std::string path;
    for (; app->get_parent() != nullptr; app = app->get_parent()) {
        path = " " + app->get_name() + path;
    }
    return "mpctl" + path;
}

}  // namespace

std::optional<std::string> unknown_command(const CLI::App& app, int argc, const char* const* argv,
                                           bool none_given) {
    const CLI::App* at = &app;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") {
            return std::nullopt;
        }
        if (arg.starts_with("-")) {
            const auto* option = find_option(at, arg);
            if (option != nullptr && option->get_expected_max() > 0 &&
                arg.find('=') == std::string_view::npos) {
                ++i;  // its value
            }
            continue;
        }
        auto commands = at->get_subcommands([](const CLI::App*) { return true; });
        if (commands.empty()) {
            return std::nullopt;  // a command's own arguments from here on
        }
        const CLI::App* next = nullptr;
        std::string best;
        size_t best_distance = 3;  // suggest only what is two edits away or closer
        std::string all;
        for (const auto* c : commands) {
            if (c->get_name() == arg) {
                next = c;
            }
            size_t d = distance(arg, c->get_name());
            if (d < best_distance) {
                best_distance = d;
                best = c->get_name();
            }
            all += (all.empty() ? "" : ", ") + c->get_name();
        }
        if (next == nullptr) {
            return best.empty()
                       ? fmt::format("unknown command \"{}\"; {} has: {}", arg, command_path(at),
                                     all)
                       : fmt::format("unknown command \"{}\"; did you mean \"{}\"?", arg, best);
        }
        at = next;
    }
    if (none_given) {
        std::string all;
        for (const auto* c : at->get_subcommands([](const CLI::App*) { return true; })) {
            all += (all.empty() ? "" : ", ") + c->get_name();
        }
        return fmt::format("{} needs a command: {}", command_path(at), all);
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
