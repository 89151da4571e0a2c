// SPDX-License-Identifier: Apache-2.0
// --server: the registry commands (client, scope, access, delegation,
// system, systemuser, plan, apply, export) against a server's self-service API instead of the local
// store, as the admin client that MPCTL_CLIENT_ID and MPCTL_KEY name.
#pragma once

#include <memory>

#include <CLI/CLI.hpp>

#include "cli/context.hpp"
#include "core/registry.hpp"
#include "core/util/http.hpp"

namespace mpctl::cli {

// --server URL (else $MPCTL_SERVER) and --cacert FILE, into the context.
void add_server_options(CLI::App* cmd, Context& ctx);

// The registry of ctx.server, through `http`: signs a grant as the admin
// client, gets a token with the admin scopes it has (cached as `mpctl
// token` caches; a token the server no longer takes is fetched again), and
// acts as the organisation the token names.
std::unique_ptr<core::Registry> open_server_registry(Context& ctx, core::util::HttpClient& http);

}  // namespace mpctl::cli
