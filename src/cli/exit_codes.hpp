// SPDX-License-Identifier: Apache-2.0
// How every command ends: an exit code by class, the same table for all
// (docs/cli.md), and the error line or JSON object that goes with it.
#pragma once

#include <string_view>

#include "core/util/error.hpp"

namespace mpctl::cli {

// The classes a script tells apart. Only `unavailable` is worth retrying
// as it stands.
enum class Exit : int {
    ok = 0,
    fault = 1,        // mpctl or its environment failed: a file, the disk, a bug
    usage = 2,        // the command line is wrong; nothing was read or written
    refused = 3,      // a rule or an authorization said no
    not_found = 4,    // what the command names does not exist (or is not yours)
    conflict = 5,     // it exists already, or is in a state that forbids this
    unavailable = 6,  // the store, the server or the network is out for now: retry
    changes = 7,      // plan only, and no error: changes are pending
};

Exit exit_for(ErrorKind kind);

// The class's name in a JSON error ("refused", "not_found", ...).
std::string_view exit_name(Exit exit);

// Prints an error on standard error and gives the exit code: the line
// "mpctl: error: MESSAGE" (with a pointer to --help for a usage mistake),
// or with `json` one object {"error", "error_description", "exit_code"}.
int report_error(Exit exit, std::string_view message, bool json);

// Whether the command line asks for JSON (--json before any "--"): known
// even when the line did not parse.
bool wants_json(int argc, const char* const* argv);

}  // namespace mpctl::cli
