// SPDX-License-Identifier: Apache-2.0
#include "cli/exit_codes.hpp"

#include <iostream>
#include <string>

#include "core/util/json_writer.hpp"
#include "core/util/text.hpp"

namespace mpctl::cli {

Exit exit_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid_input:
        case ErrorKind::forbidden:
            return Exit::refused;
        case ErrorKind::not_found:
            return Exit::not_found;
        case ErrorKind::conflict:
            return Exit::conflict;
        case ErrorKind::unavailable:
            return Exit::unavailable;
        case ErrorKind::failure:
            return Exit::fault;
    }
    return Exit::fault;
}

std::string_view exit_name(Exit exit) {
    switch (exit) {
        case Exit::ok:
            return "ok";
        case Exit::fault:
            return "fault";
        case Exit::usage:
            return "usage";
        case Exit::refused:
            return "refused";
        case Exit::not_found:
            return "not_found";
        case Exit::conflict:
            return "conflict";
        case Exit::unavailable:
            return "unavailable";
        case Exit::changes:
            return "changes";
    }
    return "fault";
}

int report_error(Exit exit, std::string_view message, bool json) {
    int code = static_cast<int>(exit);
    if (json) {
        // JsonWriter makes any bytes valid JSON; a script parses one line.
        std::cerr << core::util::JsonWriter()
                         .member("error", exit_name(exit))
                         .member("error_description", message)
                         .member("exit_code", code)
                         .finish()
                  << '\n';
    } else {
        // Messages repeat the input they refuse: escaped, so that they
        // cannot steer the terminal, and one line, as scripts expect.
        std::cerr << "mpctl: error: " << core::util::printable(message) << '\n';
        if (exit == Exit::usage) {
            std::cerr << "Run with --help for more information.\n";
        }
    }
    return code;
}

bool wants_json(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") {
            return false;
        }
        if (arg == "--json") {
            return true;
        }
    }
    return false;
}

}  // namespace mpctl::cli
