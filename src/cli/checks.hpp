// SPDX-License-Identifier: Apache-2.0
// Usage mistakes, caught while the command line is parsed: each exits 2 with
// a message that names the option, before a command touches anything. What
// fails after that (a missing client, an unreadable file) exits 1.
#pragma once

#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

namespace mpctl::cli {

// A command line that is well-formed for CLI11 but still not usable: a
// needed option missing, where which one depends on the others.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

[[noreturn]] inline void usage_error(const std::string& message) {
    throw UsageError(message);
}

// Validators that run the core's own parser on an option's value, so that
// the command line and the API refuse exactly the same values. Each is named
// after the value it takes (ORGNO, SCOPE, CLIENT_ID, ...); name_values()
// makes that the option's type name, which --help, the man page and the
// shell completion show and go by.
CLI::Validator org_number();
CLI::Validator prefix_name();
CLI::Validator scope_name();
CLI::Validator uuid(const std::string& what);
CLI::Validator kid();
// "<vendor orgno>_<name>" (core::check_system_id against the org number it begins with).
CLI::Validator system_id();
// A national identity number (core::Pid): never repeated in the message.
CLI::Validator pid();
// An externalRef of a system user: 1 to 255 characters of text.
CLI::Validator external_ref();
// An http:// or https:// URL (any path and query: a cache's URL too).
CLI::Validator http_url();
CLI::Validator issuer_url();
CLI::Validator since();
// One of the JWS algorithms mpctl signs and verifies with.
CLI::Validator jws_alg();
// Whole numbers within the core's ranges.
CLI::Validator token_lifetime();
CLI::Validator at_max_age();
CLI::Validator grant_lifetime();
// ADDRESS:PORT for serve --listen (the host is resolved when serving).
CLI::Validator listen_address();
// A number above 0.
CLI::Validator positive();

// Gives every option under `app` checked by one of the validators above
// their name as its type name ("--org ORGNO" instead of "--org TEXT").
void name_values(CLI::App& app);

}  // namespace mpctl::cli
