// SPDX-License-Identifier: Apache-2.0
// Each add_* registers one top-level command and its subcommands.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/context.hpp"

namespace mpctl::cli {

void add_init(CLI::App& app, Context& ctx);
void add_key(CLI::App& app, Context& ctx);
void add_signing_key(CLI::App& app, Context& ctx);
void add_prefix(CLI::App& app, Context& ctx);
void add_scope(CLI::App& app, Context& ctx);
void add_access(CLI::App& app, Context& ctx);
void add_client(CLI::App& app, Context& ctx);
void add_delegation(CLI::App& app, Context& ctx);
void add_system(CLI::App& app, Context& ctx);
void add_systemuser(CLI::App& app, Context& ctx);
void add_trust(CLI::App& app, Context& ctx);
void add_assertion(CLI::App& app, Context& ctx);
void add_token(CLI::App& app, Context& ctx);
void add_whoami(CLI::App& app, Context& ctx);
void add_audit(CLI::App& app, Context& ctx);
void add_serve(CLI::App& app, Context& ctx);
void add_db(CLI::App& app, Context& ctx);
void add_apply(CLI::App& app, Context& ctx);  // plan, apply and export

// The whole command tree.
void build_app(CLI::App& app, Context& ctx);

void add_org(CLI::App& app, Context& ctx);

// The public keys in key files (PEM or JWK, "-" for standard input) as a
// client's JWKs: kid (`kid`, else the RFC 7638 thumbprint), alg (`alg`, else
// the key's default) and use filled where the file leaves them out.
std::vector<nlohmann::json> client_jwks(const std::vector<std::string>& files,
                                        const std::string& kid, const std::string& alg);

// A file's content; "-" reads standard input.
std::string read_input(const std::string& path);

// A value given on the command line, or "-" for standard input; without
// trailing white space (a JWT piped in ends with a newline).
std::string argument_or_stdin(const std::string& value);

// The password from --password or --password-file, if either was given.
std::optional<std::string> password_from(const std::string& password,
                                         const std::string& password_file);

// A value that starts with "-" before any "--": CLI11 would read it as short
// flags ("-hxjb…" as -h, printing help and exiting 0 instead of acting), and
// mpctl has no short option but -h. Kids (RFC 7638 thumbprints) start with
// "-" one time in 64. Returns the offending argument, if any.
std::optional<std::string> dash_value(int argc, const char* const* argv);

// For a command line whose command word is unknown ("mpctl scope lst"): the
// message that names it and the closest command at that level, "unknown
// command \"lst\"; did you mean \"list\"?" (or lists them all). nullopt when
// every command word is known. With `none_given` (CLI11 found no command
// where one is required), the message lists the commands at that level.
std::optional<std::string> unknown_command(const CLI::App& app, int argc, const char* const* argv,
                                           bool none_given);

// Adds a usage example to a command's help.
void example(CLI::App* cmd, const std::string& text);

}  // namespace mpctl::cli
