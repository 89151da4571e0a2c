// SPDX-License-Identifier: Apache-2.0
// Build-time tool: prints mpctl's man page.
#include <exception>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/docgen.hpp"

int main(int argc, char** argv) noexcept try {
    if (argc != 2) {
        std::cerr << "usage: mpctl-docgen man\n";
        return 2;
    }
    mpctl::cli::Context ctx;
    CLI::App app;
    mpctl::cli::build_app(app, ctx);
    mpctl::cli::write_doc(app, argv[1], std::cout);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "mpctl-docgen: error: " << e.what() << '\n';
    return 1;
}
