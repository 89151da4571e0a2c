// SPDX-License-Identifier: Apache-2.0
#include "cli/server.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/checks.hpp"
#include "cli/grant_options.hpp"
#include "core/operator.hpp"
#include "core/registry_api.hpp"
#include "core/token/jwt.hpp"
#include "core/token/token_client.hpp"
#include "core/util/error.hpp"

namespace mpctl::cli {

namespace {

[[noreturn]] void refused(const core::TokenAnswer& answer, const std::string& issuer) {
    fail(ErrorKind::forbidden,
         fmt::format("{} refused the admin client a token: {}{}: {} (HTTP {})", issuer,
                     answer.error.empty() ? "?" : answer.error,
                     answer.code.empty() ? "" : " (" + answer.code + ")", answer.description,
                     answer.status));
}

// A token with every admin scope the client has: all of them in one
// request; when that is refused for a scope, each alone, then those granted
// together.
nlohmann::json admin_token(Context& ctx, core::util::HttpClient& http, const GrantOptions& g,
                           const std::string& key_text, const std::string& issuer) {
    auto metadata = core::fetch_metadata(issuer, http);
    std::string endpoint = metadata["token_endpoint"].get<std::string>();
    auto ask = [&](const std::vector<std::string>& scopes) {
        GrantOptions one = g;
        one.scopes = scopes;
        return core::request_token(endpoint, sign_grant(one, key_text, issuer, ctx), http);
    };
    const auto& admin = core::admin_scopes();
    auto all = ask(admin);
    if (all.response) {
        return *all.response;
    }
    if (!core::refused_for_scope(all.error, all.code)) {
        refused(all, issuer);
    }
    std::vector<std::string> granted;
    for (const auto& scope : admin) {
        auto one = ask({scope});
        if (one.response) {
            granted.push_back(scope);
        } else if (!core::refused_for_scope(one.error, one.code)) {
            refused(one, issuer);
        }
    }
    if (granted.empty()) {
        fail(ErrorKind::forbidden,
             fmt::format("client {} has none of the admin scopes ({}) at {}: {}", g.client_id,
                         fmt::join(admin, ", "), issuer, all.description));
    }
    auto some = ask(granted);
    if (!some.response) {
        refused(some, issuer);
    }
    return *some.response;
}

// The organisation an admin token names (its consumer), if it names one.
std::optional<core::OrgNumber> token_org(const std::string& token) {
    auto jwt = core::try_parse_jwt(token);
    auto org = jwt ? core::claimed_org(jwt->claims, "consumer") : std::nullopt;
    if (!org) {
        return std::nullopt;
    }
    auto parsed = core::OrgNumber::try_parse(*org);
    return parsed ? std::optional(*parsed) : std::nullopt;
}

}  // namespace

void add_server_options(CLI::App* cmd, Context& ctx) {
    ctx.open_server = open_server_registry;
    cmd->add_option("--server", ctx.server,
                    "act on this server's self-service API (default $MPCTL_SERVER) as the admin "
                    "client MPCTL_CLIENT_ID and MPCTL_KEY name, instead of on the local store")
        ->type_name("URL")
        ->check(issuer_url());
    // MPCTL_SERVER by hand: CLI11's envname would be read for each command
    // that has the option, over the one given on the command line.
    cmd->preparse_callback([&ctx](size_t) {
        if (ctx.server.empty()) {
            ctx.server = environment("MPCTL_SERVER").value_or("");
        }
    });
    cmd->add_option("--cacert", ctx.server_cacert,
                    "with --server: CA bundle to verify its TLS certificate")
        ->type_name("FILE");
}

std::unique_ptr<core::Registry> open_server_registry(Context& ctx, core::util::HttpClient& http) {
    if (!ctx.as_org.empty()) {
        usage_error(
            "--as acts on the local store; with --server, the admin client's token names "
            "the organisation");
    }
    GrantOptions g;
    g.client_id = environment("MPCTL_CLIENT_ID").value_or("");
    g.key_file = environment("MPCTL_KEY").value_or("");
    g.kid = environment("MPCTL_KID").value_or("");
    if (g.client_id.empty() || g.key_file.empty()) {
        usage_error(
            "--server acts as an organisation's admin client: set MPCTL_CLIENT_ID to its "
            "client id and MPCTL_KEY to its private key file");
    }
    // Malformed values are usage mistakes, as the same values given as flags are.
    if (auto id = core::Uuid::try_parse(g.client_id, "client id"); !id) {
        usage_error("MPCTL_CLIENT_ID: " + id.error().message);
    }
    auto server = core::try_parse_issuer(ctx.server);
    if (!server) {
        usage_error("--server (or MPCTL_SERVER): " + server.error().message);
    }
    std::string issuer = *server;
    if (auto variable = environment("MPCTL_ISSUER")) {
        auto parsed = core::try_parse_issuer(*variable);
        if (!parsed) {
            usage_error("MPCTL_ISSUER: " + parsed.error().message);
        }
        issuer = *parsed;
    }
    std::string key_text = read_grant_key(g);
    core::TokenCacheKey key{.source = core::server_source(issuer),
                            .issuer = issuer,
                            .client_id = g.client_id,
                            .scopes = core::admin_scopes(),
                            .resource = {},
                            .consumer_org = {},
                            .signer = core::key_digest(key_text + '\n' + g.kid + '\n'),
                            .purpose = "admin"};
    core::TokenCache cache(ctx.cache_dir());
    // The token: from the cache unless `fresh`, else from the server (and kept).
    auto token = [&ctx, &http, g, key_text, issuer, key, cache](bool fresh) {
        std::optional<nlohmann::json> response;
        if (!fresh) {
            response = cache.find(key, ctx.now());
        }
        if (!response) {
            response = admin_token(ctx, http, g, key_text, issuer);
            cache.store(key, *response, ctx.now());
        }
        return (*response)["access_token"].get<std::string>();
    };
    std::string first = token(false);
    auto org = token_org(first);
    if (!org) {  // a cached token that is not what it was: ask for a new one
        first = token(true);
        org = token_org(first);
    }
    if (!org) {
        fail(ErrorKind::failure,
             fmt::format("the admin token from {} names no consumer organisation (mpctl reads it "
                         "from a self-contained token; is an admin scope OPAQUE?)",
                         issuer));
    }
    return std::make_unique<core::ApiRegistry>(
        http, *server, core::Actor::organisation(*org),
        // A new token at most once: the one just fetched, the server takes.
        [token, first, renewed = false](bool fresh) mutable {
            if (fresh && !renewed) {
                first = token(true);
                renewed = true;
            }
            return first;
        },
        [] { return core::util::unix_now(); });
}

}  // namespace mpctl::cli
