// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/settings.hpp"
#include "cli/version.hpp"
#include "core/operator.hpp"
#include "core/store/audit.hpp"
#include "core/token/token_service.hpp"
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
    std::string config;  // the config file, if any
    bool print_config = false;
    bool check = false;
};

std::chrono::milliseconds millis(double seconds) {
    return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

server::Services::Sink sink(std::shared_ptr<core::util::LineLog> log) {
    return [log = std::move(log)](std::string_view line) { log->append(line); };
}

void print_config(const Context& ctx, const ServeOptions& o, std::vector<Setting> settings) {
    // The file itself, first: the flag's, else MPCTL_CONFIG's (CLI11 reads
    // that variable; when both name one file, it does not matter which).
    const char* env_config = std::getenv("MPCTL_CONFIG");
    bool from_env = env_config != nullptr && o.config == env_config;
    settings.insert(settings.begin(), {"config", o.config,
                                       o.config.empty() ? Setting::From::default_value
                                                        : (from_env ? Setting::From::environment
                                                                    : Setting::From::flag),
                                       from_env && !o.config.empty() ? "MPCTL_CONFIG" : ""});
    // Then what every command reads from the environment only (Context).
    for (const auto& e : k_environment_settings) {
        const char* value = std::getenv(e.var);
        bool set = value != nullptr && *value != '\0';
        settings.push_back({e.name, set ? (e.secret ? "***" : value) : "",
                            set ? Setting::From::environment : Setting::From::default_value,
                            set ? e.var : ""});
    }
    for (auto& s : settings) {
        // What the server will use where the option has no default text.
        if (s.name == "db") {
            s.value = ctx.shown_location();
        } else if (s.name == "threads") {
            s.value = std::to_string(o.listen.threads);
        }
    }
    if (ctx.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& s : settings) {
            list.push_back({{"setting", s.name},
                            {"value", s.value},
                            {"from", from_name(s.from)},
                            {"where", s.where}});
        }
        std::cout << list.dump(2) << '\n';
        return;
    }
    std::vector<Row> rows;
    for (const auto& s : settings) {
        std::string from(from_name(s.from));
        rows.push_back({s.name, s.value.empty() ? "-" : s.value,
                        s.where.empty() ? from : from + " " + s.where});
    }
    print_table({"SETTING", "VALUE", "FROM"}, rows);
}

// Every option of `cmd` that is a setting (takes a value), and the global --db.
std::vector<CLI::Option*> setting_options(CLI::App* cmd) {
    std::vector<CLI::Option*> options{cmd->get_parent()->get_option("--db")};
    for (CLI::Option* opt : cmd->get_options()) {
        std::string name = opt->get_lnames().empty() ? "" : opt->get_lnames()[0];
        if (opt->get_expected_max() > 0 && !name.empty() && name != "config") {
            options.push_back(opt);
        }
    }
    return options;
}

// The settings from the command line, the environment and the config
// file, each where it came from; a usage mistake names where.
std::vector<Setting> read_settings(const Context& ctx, ServeOptions& o, CLI::App* cmd) {
    std::optional<ConfigFile> file;
    if (!o.config.empty()) {
        file = read_config(o.config);
    }
    auto settings = apply_settings(setting_options(cmd), file ? &*file : nullptr);
    auto given = [&](const char* name) -> std::string {
        for (const auto& s : settings) {
            if (s.name == name && s.from != Setting::From::default_value) {
                return s.where.empty() ? "--" + s.name : "--" + s.name + " (" + s.where + ")";
            }
        }
        return "";
    };
    if (o.listen.tls_cert.has_value() != o.listen.tls_key.has_value()) {
        bool cert = o.listen.tls_cert.has_value();
        usage_error(fmt::format("{} without {}: HTTPS needs both, HTTP neither",
                                given(cert ? "tls-cert" : "tls-key"),
                                cert ? "--tls-key" : "--tls-cert"));
    }
    o.listen.request_timeout = millis(o.request_timeout);
    o.listen.idle_timeout = millis(o.idle_timeout);
    // On a shared store a worker spends much of a token waiting for the
    // replay INSERT: two per core keep the cores busy meanwhile.
    if (o.listen.threads == 0) {
        o.listen.threads =
            std::max(1U, std::thread::hardware_concurrency()) * (ctx.store_kind().shared() ? 2 : 1);
    }
    return settings;
}

// The store as serve opens it: read from memory, following the database,
// with a connection for every worker, the housekeeping thread and an audit
// INSERT at once.
void open_as_server(Context& ctx, const ServeOptions& o) {
    ctx.cached_store = true;
    ctx.connections = o.listen.threads + 2;
}

// The store as serve needs it: initialised ("run mpctl init" when it is
// new), with an active signing key, and every key it signs with opened with
// the key-encryption secret: a replica that could not sign refuses to
// start, rather than failing every token request.
void check_store(Context& ctx) {
    auto txn = ctx.store().read();
    core::require_settings(txn);
    core::active_signing_key(txn);
    core::check_signing_keys(txn, ctx.key_secrets(), ctx.store_kind().shared(), ctx.now());
}

std::shared_ptr<core::util::LineLog> open_access_log(const std::string& path) {
    return path == "-" ? std::make_shared<core::util::LineLog>(STDOUT_FILENO, "standard output")
                       : std::make_shared<core::util::LineLog>(path, 0644);
}

// serve --check: each thing serve does before it listens, on its own, so
// that every problem shows at once. Prints a line per check; fails with
// the usage code when any problem is the configuration's (or what it
// names), with the unavailable code when each is something out for now
// (the store unreachable, the address taken).
void check(Context& ctx, ServeOptions& o, CLI::App* cmd) {
    struct Outcome {
        std::string check;
        std::string problem;  // empty: ok
        Exit exit = Exit::ok;
    };
    std::vector<Outcome> outcomes;
    auto run = [&](std::string name, const std::function<void()>& work) {
        Outcome out{std::move(name), "", Exit::ok};
        try {
            work();
        } catch (const UsageError& e) {
            out.problem = e.what();
            out.exit = Exit::usage;
        } catch (const Error& e) {
            out.problem = e.what();
            out.exit = exit_for(e.kind());
        }
        outcomes.push_back(std::move(out));
        return outcomes.back().exit == Exit::ok;
    };
    // The rest needs the settings: without them, nothing more is checked.
    if (run("settings", [&] { (void)read_settings(ctx, o, cmd); })) {
        if (o.listen.tls_cert) {
            run("tls " + o.listen.tls_cert->string(), [&] { server::check_tls(o.listen); });
        }
        open_as_server(ctx, o);
        if (run("store " + ctx.shown_location(), [&] { check_store(ctx); })) {
            run("token memory", [&] { (void)ctx.memory(); });
            run("audit log", [&] { ctx.audit().open_now(); });
        }
        if (!o.issuer.empty()) {
            run("issuer " + o.issuer, [&] { (void)core::parse_issuer(o.issuer); });
        }
        run("access log " + o.access_log, [&] { (void)open_access_log(o.access_log); });
        run("listen " + o.listen.listen, [&] { server::check_listen(o.listen); });
    }
    std::vector<std::string> problems;
    bool all_unavailable = true;
    for (const auto& out : outcomes) {
        if (out.exit != Exit::ok) {
            problems.push_back(out.check + ": " + out.problem);
            all_unavailable = all_unavailable && out.exit == Exit::unavailable;
        }
    }
    ctx.emit(
        [&] {
            nlohmann::ordered_json list = nlohmann::ordered_json::array();
            for (const auto& out : outcomes) {
                nlohmann::ordered_json entry{{"check", out.check}, {"ok", out.problem.empty()}};
                if (!out.problem.empty()) {
                    entry["problem"] = out.problem;
                }
                list.push_back(std::move(entry));
            }
            return list;
        }(),
        [&] {
            for (const auto& out : outcomes) {
                std::cout << (out.problem.empty() ? "ok    " : "FAILED") << "  " << out.check
                          << (out.problem.empty() ? "" : ": " + out.problem) << '\n';
            }
        });
    if (!problems.empty()) {
        std::string message =
            fmt::format("serve would not start: {} problem{}: {}", problems.size(),
                        problems.size() == 1 ? "" : "s", fmt::join(problems, "; "));
        if (all_unavailable) {
            fail(ErrorKind::unavailable, message);
        }
        usage_error(message);
    }
}

void serve(Context& ctx, ServeOptions& o, CLI::App* cmd) {
    // `systemctl reload` may come while the store opens, before the
    // listener handles SIGHUP: by default it would end the server (and
    // systemd counts that as a clean exit, not one to restart after).
    std::signal(SIGHUP, SIG_IGN);
    if (o.check) {
        check(ctx, o, cmd);
        return;
    }
    auto settings = read_settings(ctx, o, cmd);
    if (o.print_config) {
        print_config(ctx, o, std::move(settings));
        return;
    }
    open_as_server(ctx, o);
    check_store(ctx);
    auto& registry = ctx.store();
    auto& memory = ctx.memory();
    core::TokenService tokens(registry, memory);
    tokens.set_key_secrets(ctx.key_secrets());
    if (!o.issuer.empty()) {
        tokens.set_issuer(core::parse_issuer(o.issuer));
    }
    server::Services services(registry, memory, tokens);
    services.version = std::string(k_version);
    services.started = ctx.now();
    services.audit_log = &ctx.audit();
    services.audit_log->open_now();
    auto access = open_access_log(o.access_log);
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
    cmd->add_option("--config", o->config,
                    "file of settings, one \"name = value\" per line (name: an option's long "
                    "name, or db); a flag beats an MPCTL_<NAME> environment variable, which "
                    "beats the file")
        ->envname("MPCTL_CONFIG")
        ->type_name("FILE");
    auto* print = cmd->add_flag("--print-config", o->print_config,
                                "print the settings in effect and where each came from (secrets "
                                "masked), then exit");
    cmd->add_flag("--check", o->check,
                  "do all that serve does before it listens (settings, TLS pair, store, signing "
                  "keys with the secret, logs, bind the address), print each check, then exit: "
                  "0 when serve would start")
        ->excludes(print);
    example(cmd,
            "mpctl serve --listen 127.0.0.1:8080\n"
            "  MPCTL_LISTEN=0.0.0.0:8443 mpctl serve --config /etc/mpctl/mpctl.conf "
            "--print-config");
    cmd->callback([&ctx, o, cmd] { serve(ctx, *o, cmd); });
}

}  // namespace mpctl::cli
