// SPDX-License-Identifier: Apache-2.0
#include <exception>
#include <iostream>
#include <string_view>

#include <CLI/CLI.hpp>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/complete.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

int main(int argc, char** argv) noexcept try {
    mpctl::cli::Context ctx;
    CLI::App app;
    mpctl::cli::build_app(app, ctx);
    if (argc >= 2 && std::string_view(argv[1]) == "__complete") {
        // For the shell completion scripts: the words are not mpctl's own.
        mpctl::cli::print_completions(app, ctx, {argv + 2, argv + argc});
        return 0;
    }
    if (auto arg = mpctl::cli::dash_value(argc, argv)) {
        std::cerr << "mpctl: error: \"" << *arg
                  << "\" is not an option; put a value that starts with \"-\" after \"--\", "
                     "e.g. mpctl client keys remove CLIENT_ID -- "
                  << *arg << '\n';
        return 2;
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
        std::cerr << "mpctl: error: " << mpctl::core::util::printable(unknown ? *unknown : e.what())
                  << "\nRun with --help for more information.\n";
        return 2;
    }
    return 0;
} catch (const mpctl::cli::UsageError& e) {
    std::cerr << "mpctl: error: " << mpctl::core::util::printable(e.what())
              << "\nRun with --help for more information.\n";
    return 2;
} catch (const mpctl::Error& e) {
    // Messages repeat the input they refuse: escaped, so that they cannot
    // steer the terminal, and one line, as scripts expect.
    std::cerr << "mpctl: error: " << mpctl::core::util::printable(e.what()) << '\n';
    return 1;
} catch (const std::exception& e) {
    std::cerr << "mpctl: error: internal: " << mpctl::core::util::printable(e.what()) << '\n';
    return 1;
} catch (...) {
    std::cerr << "mpctl: error: internal error\n";
    return 1;
}
