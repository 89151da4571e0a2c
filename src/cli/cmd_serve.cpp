// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <thread>

#include <unistd.h>

#include <fmt/format.h>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "core/audit.hpp"
#include "core/operator.hpp"
#include "core/token_service.hpp"
#include "core/values.hpp"
#include "server/http.hpp"
#include "server/listener.hpp"
#include "server/services.hpp"

namespace mpctl::cli {

namespace {

struct ServeOptions {
    server::ListenOptions listen;
    std::string issuer;
    std::string access_log = "-";
    double request_timeout = 10;
    double idle_timeout = 60;
};

std::chrono::milliseconds millis(double seconds) {
    return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

server::Services::Sink sink(std::shared_ptr<core::util::LineLog> log) {
    return [log = std::move(log)](std::string_view line) { log->append(line); };
}

void serve(Context& ctx, ServeOptions& o) {
    o.listen.request_timeout = millis(o.request_timeout);
    o.listen.idle_timeout = millis(o.idle_timeout);
    // On a database a worker spends much of a token waiting for the
    // replay INSERT: two per core keep the cores busy meanwhile.
    if (o.listen.threads == 0) {
        o.listen.threads =
            std::max(1U, std::thread::hardware_concurrency()) * (ctx.on_database() ? 2 : 1);
    }
    // Every worker, the housekeeping thread and an audit INSERT may each
    // hold a database connection at once.
    ctx.cached_store = true;
    ctx.connections = o.listen.threads + 2;
    auto& registry = ctx.store();
    auto& memory = ctx.memory();
    core::TokenService tokens(registry, memory);
    {
        auto txn = registry.read();
        core::require_settings(txn);  // "run mpctl init" when the store is new
        core::active_signing_key(txn);
        // A replica that could not sign refuses to start, rather than
        // failing every token request.
        core::check_signing_keys(txn, ctx.key_secrets(), ctx.on_database(), ctx.now());
    }
    tokens.set_key_secrets(ctx.key_secrets());
    if (!o.issuer.empty()) {
        tokens.set_issuer(core::parse_issuer(o.issuer));
    }
    server::Services services(registry, memory, tokens);
    services.audit_log = &ctx.audit();
    services.audit_log->open_now();
    auto access = o.access_log == "-"
                      ? std::make_shared<core::util::LineLog>(STDOUT_FILENO, "standard output")
                      : std::make_shared<core::util::LineLog>(o.access_log, 0644);
    services.log_files.push_back(access);
    services.access_log = sink(access);
    services.error_log =
        sink(std::make_shared<core::util::LineLog>(STDERR_FILENO, "standard error"));
    std::string issuer = tokens.issuer(registry.read());
    services.base_path = server::issuer_path(issuer);
    server::run_server(o.listen, services, [&](const std::string& url) {
        std::fprintf(stderr, "mpctl: serving %s on %s (store %s)\n", issuer.c_str(), url.c_str(),
                     registry.location().c_str());
        std::fflush(stderr);
    });
    std::fprintf(stderr, "mpctl: stopped\n");
}

}  // namespace

void add_serve(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<ServeOptions>();
    auto* cmd = app.add_subcommand("serve",
                                   "Run the HTTP server: token endpoint, JWKS, metadata, "
                                   "introspection and the self-service API");
    cmd->add_option("--listen", o->listen.listen,
                    "ADDRESS:PORT to listen on (port 0: any free one)")
        ->check(listen_address())
        ->capture_default_str();
    cmd->add_option("--issuer", o->issuer,
                    "issuer URL to serve under (default: the one `init` stored); grants must "
                    "name it in aud")
        ->check(issuer_url());
    cmd->add_option("--threads", o->listen.threads,
                    "worker threads (default: one per core; two per core on PostgreSQL)");
    cmd->add_option("--body-limit", o->listen.body_limit, "largest request body in bytes")
        ->capture_default_str()
        ->check(positive());
    cmd->add_option("--header-limit", o->listen.header_limit, "largest request header in bytes")
        ->capture_default_str()
        ->check(positive());
    cmd->add_option("--request-timeout", o->request_timeout,
                    "seconds a request may take to arrive, from its first byte")
        ->capture_default_str()
        ->check(positive());
    cmd->add_option("--idle-timeout", o->idle_timeout,
                    "seconds a kept-alive connection may wait for its next request")
        ->capture_default_str()
        ->check(positive());
    cmd->add_option("--tls-cert", o->listen.tls_cert, "PEM certificate chain: serve HTTPS")
        ->type_name("FILE");
    cmd->add_option("--tls-key", o->listen.tls_key, "PEM private key of --tls-cert")
        ->type_name("FILE");
    cmd->add_option("--access-log", o->access_log,
                    "file to append one JSON line per request to; - for standard output")
        ->type_name("FILE")
        ->capture_default_str();
    example(cmd, "mpctl serve --listen 127.0.0.1:8080");
    cmd->callback([&ctx, o] { serve(ctx, *o); });
}

}  // namespace mpctl::cli
