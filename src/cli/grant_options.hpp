// SPDX-License-Identifier: Apache-2.0
// The options that describe a grant, shared by `assertion sign` and `token`;
// those that name the client and its key, by `whoami` too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/context.hpp"

namespace mpctl::cli {

struct GrantOptions {
    std::string client_id;
    std::string key_file;
    std::string password;
    std::string password_file;
    std::string kid;
    std::string cert_file;
    bool x5c = false;
    std::string aud;
    std::vector<std::string> scopes;
    std::vector<std::string> resource;
    std::string consumer_org;
    // authorization_details: a system user of this customer, and which one.
    std::string systemuser_org;
    std::string external_ref;
    std::string pid;
    int64_t lifetime = 120;
    std::string alg;
    bool no_jti = false;
};

// `required`: whether --client-id, --key and --scope must be given; `token`
// checks them itself, since `token inspect` and --assertion need none.
void add_grant_options(CLI::App* cmd, GrantOptions& g, bool required);

// Only the options that say who signs and with what: --client-id, --key,
// --password, --password-file, --kid, --cert, --x5c and --alg (a part of
// add_grant_options).
void add_signer_options(CLI::App* cmd, GrantOptions& g, bool required);

// For scripts and CI: --client-id, --key and --kid, when absent, come from
// MPCTL_CLIENT_ID, MPCTL_KEY and MPCTL_KID (a flag wins).
void signer_from_environment(CLI::App* cmd);

// The bytes of --key (a file, or - for standard input), read once.
std::string read_grant_key(const GrantOptions& g);

// The signed grant. `audience` is the issuer the grant is for.
std::string sign_grant(const GrantOptions& g, const std::string& audience, Context& ctx);
// The same with the key's bytes already read (read_grant_key).
std::string sign_grant(const GrantOptions& g, const std::string& key_text,
                       const std::string& audience, Context& ctx);

}  // namespace mpctl::cli
