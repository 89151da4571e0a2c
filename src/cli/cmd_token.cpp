// SPDX-License-Identifier: Apache-2.0
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/grant_options.hpp"
#include "cli/output.hpp"
#include "core/clients.hpp"
#include "core/operator.hpp"
#include "core/store/audit.hpp"
#include "core/token/access_token.hpp"
#include "core/token/systemuser_grant.hpp"
#include "core/token/token_client.hpp"
#include "core/token/token_service.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "core/util/json_text.hpp"
#include "core/util/text.hpp"
#include "core/util/time.hpp"

namespace mpctl::cli {

namespace {

// A time claim of a token as text, whatever the claim holds.
std::string time_claim(const nlohmann::json& claims, const char* name) {
    auto it = claims.find(name);
    if (it == claims.end() || !it->is_number_integer()) {
        return "-";
    }
    return core::util::iso8601(it->get<core::util::UnixTime>());
}

void add_inspect(CLI::App* token, Context& ctx) {
    struct Args {
        std::string token;
        std::string jwks;
        std::string issuer;
        std::string cacert;
    };
    auto a = std::make_shared<Args>();
    auto* inspect =
        token->add_subcommand("inspect", "Decode an access token and verify it against a JWK set");
    inspect->add_option("token", a->token, "the access token, or - for standard input")->required();
    inspect
        ->add_option("--jwks", a->jwks,
                     "JWK set file or URL (default: the --issuer's jwks_uri, else the local "
                     "store's keys)")
        ->type_name("FILE");
    inspect->add_option("--issuer", a->issuer, "the expected iss (default: the local store's)")
        ->check(issuer_url());
    inspect->add_option("--cacert", a->cacert, "CA bundle to verify TLS with")->type_name("FILE");
    example(inspect,
            "mpctl token inspect \"$TOKEN\" --jwks jwks.json --issuer https://mp.example/");
    inspect->callback([&ctx, a] {
        std::string text = argument_or_stdin(a->token);
        nlohmann::json jwks;
        std::optional<std::string> issuer;
        if (!a->issuer.empty()) {
            issuer = core::parse_issuer(a->issuer);
        }
        core::util::HttpOptions options = http_options(a->cacert);
        if (a->jwks.starts_with("https://") || a->jwks.starts_with("http://")) {
            core::util::HttpClient http(options);
            jwks = core::fetch_jwks(a->jwks, http);
        } else if (!a->jwks.empty()) {
            jwks = core::parse_json_object(read_input(a->jwks), "JWK set");
        } else if (issuer) {
            // The issuer's own metadata says where its keys are.
            core::util::HttpClient http(options);
            auto metadata = core::fetch_metadata(*issuer, http);
            jwks = core::fetch_jwks(metadata.value("jwks_uri", *issuer + "jwk"), http);
        } else {
            auto txn = ctx.store().read();
            jwks = core::published_jwks(txn, ctx.now());
            issuer = core::require_settings(txn).issuer;
        }
        auto check = core::check_access_token(text, jwks, issuer, ctx.now());
        nlohmann::ordered_json out{{"valid", check.valid},
                                   {"problem", check.problem},
                                   {"header", nlohmann::ordered_json(check.header)},
                                   {"claims", nlohmann::ordered_json(check.claims)}};
        ctx.emit(out, [&] {
            if (!check.header.is_null()) {
                std::cout << check.header.dump(2) << '\n' << check.claims.dump(2) << '\n';
            }
            if (check.valid) {
                // Say exactly what was compared: with only --jwks, nothing names the issuer.
                std::cout << "valid: signature verified against the JWK set, "
                          << (issuer ? "iss is " + *issuer
                                     : std::string("iss NOT checked (give --issuer URL)"))
                          << ", not expired\n"
                          << "issued:  " << time_claim(check.claims, "iat")
                          << "\nexpires: " << time_claim(check.claims, "exp") << '\n';
            }
        });
        if (!check.valid) {
            fail(ErrorKind::invalid_input,
                 fmt::format("the token is not valid: {}", check.problem));
        }
    });
}

// The system user the grant asks for, as far as the local store says; none
// when the client may not act as one. A cached token is used only for the
// same one: not once it is gone, nor for another made in its place.
std::optional<std::string> local_systemuser(const core::ReadTxn& txn, const core::Client& client,
                                            const GrantOptions& g) {
    core::SystemUserRequest request{core::OrgNumber::parse(g.systemuser_org), std::nullopt};
    if (!g.external_ref.empty()) {
        request.external_ref = g.external_ref;
    }
    auto resolved = core::resolve_systemuser(txn, client, request);
    return resolved ? std::optional<std::string>(resolved->systemuser_id) : std::nullopt;
}

// Issues through the same token service as the server, without one.
nlohmann::json issue_locally(Context& ctx, const std::string& assertion) {
    core::TokenService service(ctx.store(), ctx.memory(), [&] { return ctx.now(); });
    service.set_key_secrets(ctx.key_secrets());
    auto trace = core::util::hex(core::util::random_bytes(8));
    auto outcome = service.request(
        core::TokenForm{std::string(core::k_jwt_bearer), assertion, std::nullopt}, {trace});
    ctx.memory().flush();  // one process, one grant: make its use durable before exiting
    if (outcome.refusal) {
        fail(ErrorKind::invalid_input,
             fmt::format("token refused: {} ({}): {}", outcome.refusal->error,
                         outcome.refusal->code, outcome.refusal->description));
    }
    return nlohmann::json::parse(core::response_json(*outcome.response));
}

// Where a token from the local store comes from, for the cache: the store's
// directory, or its database and schema.
std::string local_token_source(const Context& ctx) {
    if (ctx.store_kind().shared()) {
        // A database by its URI without the password, and the schema in it.
        return core::store_source(ctx.shown_location() + " schema " + ctx.backend_options().schema);
    }
    return core::store_source(
        std::filesystem::absolute(ctx.location()).lexically_normal().string());
}

}  // namespace

void add_token(CLI::App& app, Context& ctx) {
    struct Args {
        GrantOptions grant;
        std::string issuer;
        std::string assertion;
        std::string cacert;
        bool no_cache = false;
        bool verbose = false;
        bool header = false;
        double connect_timeout = 5;
        double timeout = 20;
    };
    auto a = std::make_shared<Args>();
    auto* token = app.add_subcommand(
        "token", "Sign a grant and get an access token (from the local store without --issuer)");
    token->require_subcommand(0, 1);
    add_grant_options(token, a->grant, false);
    token
        ->add_option("--issuer", a->issuer,
                     "get the token from this server (its metadata names "
                     "the token endpoint)")
        ->envname("MPCTL_ISSUER")
        ->check(issuer_url());
    signer_from_environment(token);
    token->add_option("--assertion", a->assertion,
                      "send this signed grant (- for standard input) instead of signing one");
    token->add_option("--cacert", a->cacert, "CA bundle to verify the server's TLS certificate")
        ->type_name("FILE");
    token->add_flag("--no-cache", a->no_cache, "neither use nor keep a cached token");
    token->add_flag("--verbose", a->verbose,
                    "show the HTTP exchange, or that the cache answered, on standard error "
                    "(never the grant, the key or the token)");
    token->add_flag("--header", a->header,
                    "print \"Authorization: Bearer TOKEN\" instead of the token (for curl -H @-); "
                    "not with --json");
    token->add_option("--connect-timeout", a->connect_timeout, "seconds to connect")
        ->capture_default_str();
    token->add_option("--timeout", a->timeout, "seconds for the whole request")
        ->capture_default_str();
    example(token,
            "mpctl token --issuer https://test.maskinporten.no/ --client-id CLIENT_ID "
            "--key client.p12 --password-file pw --scope skatt:melding");
    token->callback([&ctx, a, token] {
        if (!token->get_subcommands().empty()) {
            return;
        }
        const GrantOptions& g = a->grant;
        if (a->header && ctx.json) {
            // --json prints the whole response; a header line is not JSON.
            usage_error("--header prints a header line and --json the whole response: give one");
        }
        bool given = !a->assertion.empty();
        if (!given && (g.client_id.empty() || g.key_file.empty() || g.scopes.empty())) {
            usage_error(
                "give --client-id, --key and at least one --scope (or a signed --assertion)");
        }
        // The token, as it is printed: bare, or as the header line for curl.
        auto print = [&](const nlohmann::json& response) {
            ctx.emit(response, [&] {
                const auto& text = response["access_token"].get_ref<const std::string&>();
                std::cout << (a->header ? "Authorization: Bearer " + text : text) << '\n';
            });
        };
        bool remote = !a->issuer.empty();
        std::string issuer;
        std::string source;
        bool still_active = true;
        std::string systemuser_id;  // from the local store
        if (remote) {
            issuer = core::parse_issuer(a->issuer);
            source = core::server_source(issuer);
        } else {
            auto txn = ctx.store().read();
            issuer = core::require_settings(txn).issuer;
            source = local_token_source(ctx);
            if (!given) {
                auto client = core::find_client(txn, core::Uuid::parse(g.client_id, "client id"));
                still_active = client && client->active;
                if (still_active && !g.systemuser_org.empty()) {
                    auto found = local_systemuser(txn, *client, g);
                    still_active = found.has_value();
                    systemuser_id = found.value_or("");
                }
            }
        }
        // The key is read before the cache is looked at: a missing or
        // unreadable key file is an error, cached token or not.
        std::string key_text = given ? "" : read_grant_key(g);
        // A token for the same request, from the same server or store, and
        // the same key is reused while it has life left (and, from the local
        // store, while its client, and the system user it acts as, are
        // active).
        std::optional<core::TokenCache> cache;
        core::TokenCacheKey key{.source = source,
                                .issuer = issuer,
                                .client_id = g.client_id,
                                .scopes = g.scopes,
                                .resource = g.resource,
                                .consumer_org = g.consumer_org,
                                .signer = core::key_digest(key_text + '\n' + g.kid + '\n' +
                                                           g.cert_file + (g.x5c ? "\nx5c" : "")),
                                .systemuser_org = g.systemuser_org,
                                .external_ref = g.external_ref,
                                .pid = g.pid,
                                .systemuser_id = systemuser_id};
        if (!a->no_cache && !given && still_active) {
            cache.emplace(ctx.cache_dir());
            if (auto cached = cache->find(key, ctx.now())) {
                if (a->verbose) {
                    std::cerr << fmt::format("* cached token, {} s left (no request)\n",
                                             (*cached)["expires_in"].get<int64_t>());
                }
                print(*cached);
                return;
            }
        }
        std::optional<core::util::HttpPreload> preload;
        if (remote) {
            preload.emplace();  // libcurl loads while the grant is signed
        }
        std::string assertion =
            given ? argument_or_stdin(a->assertion) : sign_grant(g, key_text, issuer, ctx);
        nlohmann::json response;
        if (remote) {
            core::util::HttpOptions options =
                http_options(a->cacert, a->connect_timeout, a->timeout);
            if (a->verbose) {
                options.trace = [](std::string_view line) { std::cerr << line << '\n'; };
            }
            core::util::HttpClient http(options);
            auto metadata = core::fetch_metadata(issuer, http);
            response = core::fetch_token(metadata["token_endpoint"], assertion, http);
        } else {
            response = issue_locally(ctx, assertion);
        }
        if (cache) {
            cache->store(key, response, ctx.now());
        }
        print(response);
    });
    add_inspect(token, ctx);
}

void add_audit(CLI::App& app, Context& ctx) {
    struct Args {
        std::string client;
        std::string org;
        std::string scope;
        std::string since;
        std::string result;
        std::string trace;
    };
    auto a = std::make_shared<Args>();
    auto* audit = app.add_subcommand("audit", "Read and filter the audit log of token requests");
    // Filters compare with what requests claimed, which a refused request may
    // have claimed in any shape: they take any text.
    audit->add_option("--client", a->client, "only this client_id");
    audit->add_option("--org", a->org, "only requests for this org (consumer or supplier)");
    audit->add_option("--scope", a->scope, "only requests that asked for this scope");
    audit
        ->add_option("--since", a->since,
                     "only since a time (2026-11-24T10:00:00Z) or an age (15m)")
        ->check(since());
    audit->add_option("--result", a->result, "only granted or refused requests")
        ->check(CLI::IsMember({"granted", "refused"}));
    audit->add_option("--trace", a->trace,
                      "only the request of this trace id (from an answer's X-Trace-Id or "
                      "error_description), shown whole");
    example(audit, "mpctl audit --result refused --since 1h");
    example(audit, "mpctl audit --trace 3f2c9a0e51d7b4c86a1e0f9b2d4c7e18");
    audit->callback([&ctx, a] {
        core::AuditFilter f;
        auto set = [](const std::string& v) {
            return v.empty() ? std::nullopt : std::optional<std::string>(v);
        };
        f.client_id = set(a->client);
        f.org = set(a->org);
        f.scope = set(a->scope);
        f.result = set(a->result);
        f.trace_id = set(a->trace);
        if (!a->since.empty()) {
            f.since = core::parse_since(a->since, ctx.now());
        }
        auto entries = ctx.audit().read(f);
        if (f.trace_id && entries.empty()) {
            fail(ErrorKind::not_found,
                 fmt::format("no request with trace id \"{}\" in the audit log{}",
                             core::util::printable(*f.trace_id),
                             f.since ? " since " + core::util::iso8601(*f.since) : ""));
        }
        std::vector<Row> rows;
        for (const auto& e : entries) {
            std::string client = e.value("client_id", "");
            if (!e.value("verified", true) && !client.empty()) {
                client += " (claimed)";  // read from a grant that did not verify
            }
            rows.push_back({e.value("time", ""), e.value("result", ""), e.value("code", ""), client,
                            e.value("consumer", ""),
                            cell(nlohmann::ordered_json(e.value("scopes", nlohmann::json()))),
                            e.value("remote", ""), e.value("trace_id", ""),
                            e.value("description", "")});
        }
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const auto& e : entries) {
            out.push_back(core::audit_in_log_order(e));
        }
        ctx.emit(out, [&] {
            if (!a->trace.empty()) {
                // One request, looked up to see why: every field, one a line.
                for (size_t i = 0; i < out.size(); ++i) {
                    std::cout << (i == 0 ? "" : "\n");
                    print_record(out[i]);
                }
                return;
            }
            print_table({"TIME", "RESULT", "CODE", "CLIENT", "CONSUMER", "SCOPES", "REMOTE",
                         "TRACE", "DESCRIPTION"},
                        rows);
        });
    });
}

}  // namespace mpctl::cli
