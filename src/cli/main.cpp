// SPDX-License-Identifier: Apache-2.0
#include <exception>
#include <iostream>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/complete.hpp"
#include "cli/exit_codes.hpp"
#include "core/util/error.hpp"

namespace {

using mpctl::cli::Exit;
using mpctl::cli::report_error;

int run(int argc, char** argv, bool json) {
    mpctl::cli::Context ctx;
    CLI::App app;
    mpctl::cli::build_app(app, ctx);
    if (argc >= 2 && std::string_view(argv[1]) == "__complete") {
        // For the shell completion scripts: the words are not mpctl's own.
        mpctl::cli::print_completions(app, ctx, {argv + 2, argv + argc});
        return 0;
    }
    if (auto arg = mpctl::cli::dash_value(argc, argv)) {
        return report_error(Exit::usage,
                            "\"" + *arg +
                                "\" is not an option; put a value that starts with \"-\" after "
                                "\"--\", e.g. mpctl client keys remove CLIENT_ID -- " +
                                *arg,
                            json);
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        bool none_given =
            std::string_view(e.what()).find("subcommand is required") != std::string_view::npos;
        auto unknown = mpctl::cli::unknown_command(app, argc, argv, none_given);
        return report_error(Exit::usage, unknown ? *unknown : std::string(e.what()), json);
    }
    return static_cast<int>(ctx.exit);
}

}  // namespace

int main(int argc, char** argv) noexcept {
    // Known before the line parses: a usage mistake is JSON too.
    bool json = mpctl::cli::wants_json(argc, argv);
    try {
        return run(argc, argv, json);
    } catch (const mpctl::cli::UsageError& e) {
        return report_error(Exit::usage, e.what(), json);
    } catch (const mpctl::Error& e) {
        return report_error(mpctl::cli::exit_for(e.kind()), e.what(), json);
    } catch (const std::exception& e) {
        return report_error(Exit::fault, std::string("internal: ") + e.what(), json);
    } catch (...) {
        return report_error(Exit::fault, "internal error", json);
    }
}
