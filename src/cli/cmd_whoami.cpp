// SPDX-License-Identifier: Apache-2.0
// mpctl whoami: the organisation, client and admin scopes a client id and
// key get, learnt the one way that cannot differ from the truth: by asking
// for tokens, from the local store's token service or from a server.
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/grant_options.hpp"
#include "cli/output.hpp"
#include "core/clients.hpp"
#include "core/operator.hpp"
#include "core/store/token_memory.hpp"
#include "core/token/jwt.hpp"
#include "core/token/token_client.hpp"
#include "core/token/token_service.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "core/util/http.hpp"

namespace mpctl::cli {

namespace {

// A token memory that keeps nothing. whoami puts its requests through the
// token service, every rule included, to say exactly what a token request
// would get; but it only asks: no grant is marked used, no opaque token is
// kept, no audit line is written, and the tokens are thrown away.
class Forgetful final : public core::TokenMemory {
  public:
    bool record(const core::TokenRecord&, core::util::UnixTime) override { return true; }
    std::optional<std::string> opaque_claims(std::string_view, core::util::UnixTime) override {
        return std::nullopt;
    }
    size_t purge(core::util::UnixTime, size_t) override { return 0; }
    void flush() override {}
    void probe(core::util::UnixTime) override {}
    std::optional<std::string> fault() override { return std::nullopt; }
    core::MemoryRecords unexpired(core::util::UnixTime) override { return {}; }
    void restore(const core::MemoryRecords&, core::util::UnixTime) override {}
    std::string location() const override { return "nowhere (whoami keeps nothing)"; }
};

// One scope asked for, and the answer.
struct Probe {
    std::string scope;
    // Asked only because it is an admin scope: the client need not have it,
    // and a refusal for not having it (MP-200) says no more than that.
    bool admin_only = false;
    bool granted = false;
    nlohmann::json claims;  // granted: the token's claims (null for an opaque token of a server)
    std::string error;      // refused: the OAuth error, MP code and description
    std::string code;
    std::string description;
};

// Whether a refusal is about the scope asked for (MP-2xx: not the client's,
// no access, not delegated), which another scope may not share; any other
// refusal (the client, its key, the grant) is the same for every scope.
bool about_the_scope(const Probe& p) {
    return core::refused_for_scope(p.error, p.code);
}

bool is_admin_scope(const std::string& scope) {
    const auto& admin = core::admin_scopes();
    return std::find(admin.begin(), admin.end(), scope) != admin.end();
}

// The scopes to ask for, each once: `own` (the client's registered scopes,
// when known, and those given with --scope), then every admin scope.
std::vector<Probe> probes(const std::vector<std::string>& own) {
    std::vector<Probe> out;
    auto add = [&](const std::string& scope, bool admin_only) {
        if (std::none_of(out.begin(), out.end(),
                         [&](const Probe& p) { return p.scope == scope; })) {
            out.push_back(Probe{scope, admin_only, false, nullptr, "", "", ""});
        }
    };
    for (const auto& scope : own) {
        add(scope, false);
    }
    for (const auto& scope : core::admin_scopes()) {
        add(scope, true);
    }
    return out;
}

// A refusal that is not about one scope ends whoami: exit 3, with the MP code.
void check_refusal(const Probe& p, const std::string& how) {
    if (!p.granted && !about_the_scope(p)) {
        fail(ErrorKind::invalid_input,
             fmt::format("token refused{}: {}{}: {}", how, p.error.empty() ? "?" : p.error,
                         p.code.empty() ? "" : " (" + p.code + ")", p.description));
    }
}

// The organisation number in an org claim, or null.
nlohmann::json org_of(const nlohmann::json& claims, const char* name) {
    auto org = core::claimed_org(claims, name);
    return org ? nlohmann::json(*org) : nlohmann::json(nullptr);
}

// The claims of the first token granted, if any.
const nlohmann::json* first_claims(const std::vector<Probe>& asked) {
    for (const auto& p : asked) {
        if (p.granted && p.claims.is_object()) {
            return &p.claims;
        }
    }
    return nullptr;
}

// Asks the local store's token service for a token per scope, with grants
// for `issuer`.
void ask_locally(Context& ctx, const GrantOptions& g, const std::string& key_text,
                 const std::string& issuer, std::vector<Probe>& asked) {
    Forgetful memory;
    core::TokenService service(ctx.store(), memory, [&] { return ctx.now(); });
    service.set_key_secrets(ctx.key_secrets());
    for (auto& p : asked) {
        GrantOptions one = g;
        one.scopes = {p.scope};
        auto trace = core::util::hex(core::util::random_bytes(8));
        auto outcome =
            service.request(core::TokenForm{std::string(core::k_jwt_bearer),
                                            sign_grant(one, key_text, issuer, ctx), std::nullopt},
                            {trace});
        if (outcome.refusal) {
            p.error = outcome.refusal->error;
            p.code = outcome.refusal->code;
            p.description = outcome.refusal->description;
        } else {
            p.granted = true;
            p.claims = nlohmann::json::parse(outcome.claims_json);
        }
        check_refusal(p, "");
    }
}

struct Remote {
    std::string issuer;
    std::string cacert;
    double connect_timeout = 5;
    double timeout = 20;
    bool verbose = false;
};

// Asks the server for a token per scope, over one connection.
void ask_server(Context& ctx, const Remote& r, const GrantOptions& g, const std::string& key_text,
                std::vector<Probe>& asked) {
    core::util::HttpPreload preload;  // libcurl loads while the first grant is signed
    core::util::HttpOptions options = http_options(r.cacert, r.connect_timeout, r.timeout);
    if (r.verbose) {
        options.trace = [](std::string_view line) { std::cerr << line << '\n'; };
    }
    core::util::HttpClient http(options);
    auto metadata = core::fetch_metadata(r.issuer, http);
    std::string endpoint = metadata["token_endpoint"].get<std::string>();
    for (auto& p : asked) {
        GrantOptions one = g;
        one.scopes = {p.scope};
        auto answer = core::request_token(endpoint, sign_grant(one, key_text, r.issuer, ctx), http);
        if (answer.response) {
            p.granted = true;
            // A self-contained token tells whom it is for; an opaque one does not.
            const auto& token = (*answer.response)["access_token"].get_ref<const std::string&>();
            if (auto jwt = core::try_parse_jwt(token)) {
                p.claims = std::move(jwt->claims);
            }
        } else {
            p.error = answer.error;
            p.code = answer.code;
            p.description = answer.description;
        }
        check_refusal(p, fmt::format(" (HTTP {})", answer.status));
    }
}

// Prints `out` (who the client is) with what the answers say: the scopes
// granted, the admin scopes among them, and the scopes refused.
void report(Context& ctx, nlohmann::ordered_json out, const std::vector<Probe>& asked) {
    nlohmann::ordered_json scopes = nlohmann::ordered_json::array();
    nlohmann::ordered_json admin = nlohmann::ordered_json::array();
    nlohmann::ordered_json refused = nlohmann::ordered_json::array();
    nlohmann::ordered_json refused_words = nlohmann::ordered_json::array();
    for (const auto& p : asked) {
        if (p.granted) {
            scopes.push_back(p.scope);
            if (is_admin_scope(p.scope)) {
                admin.push_back(p.scope);
            }
        } else if (!(p.admin_only &&
                     (p.code == "MP-200" || (p.code.empty() && p.error == "invalid_scope")))) {
            refused.push_back({{"scope", p.scope},
                               {"error", p.error},
                               {"code", p.code},
                               {"description", p.description}});
            refused_words.push_back(
                fmt::format("{} ({})", p.scope, p.code.empty() ? p.error : p.code));
        }
    }
    out["scopes"] = scopes;
    out["admin_scopes"] = admin;
    out["refused"] = refused;
    ctx.emit(out, [&] {
        nlohmann::ordered_json human = out;
        human["refused"] = refused_words;
        print_record(human);
    });
}

}  // namespace

void add_whoami(CLI::App& app, Context& ctx) {
    struct Args {
        GrantOptions grant;
        std::vector<std::string> scopes;
        Remote remote;
        std::string server;
    };
    auto a = std::make_shared<Args>();
    auto* whoami = app.add_subcommand(
        "whoami",
        "Say which organisation, client and admin scopes a client id and key get (from the "
        "local store without --issuer)");
    add_signer_options(whoami, a->grant, false);
    signer_from_environment(whoami);
    whoami->add_option("--scope", a->scopes,
                       "also ask for this scope (repeatable); the client's own scopes (from the "
                       "local store) and the admin scopes are always asked for");
    whoami
        ->add_option("--consumer-org", a->grant.consumer_org, "ask as a supplier for this consumer")
        ->check(org_number());
    whoami
        ->add_option("--issuer", a->remote.issuer,
                     "ask this server (its metadata names the token endpoint)")
        ->envname("MPCTL_ISSUER")
        ->check(issuer_url());
    whoami
        ->add_option("--server", a->server,
                     "ask the server the registry commands' --server names (default "
                     "$MPCTL_SERVER), for its token endpoint --issuer, else its own URL")
        ->type_name("URL")
        ->check(issuer_url());
    whoami
        ->add_option("--cacert", a->remote.cacert,
                     "CA bundle to verify the server's TLS certificate")
        ->type_name("FILE");
    whoami->add_flag("--verbose", a->remote.verbose,
                     "show the HTTP exchange on standard error (never a grant, the key or a "
                     "token)");
    whoami->add_option("--connect-timeout", a->remote.connect_timeout, "seconds to connect")
        ->capture_default_str();
    whoami->add_option("--timeout", a->remote.timeout, "seconds for each request")
        ->capture_default_str();
    example(whoami,
            "mpctl whoami --issuer https://mp.example/ --client-id CLIENT_ID --key client.pem "
            "--scope skatt:melding   (org: 910000004, and the admin scopes it gets)");
    whoami->callback([&ctx, a] {
        const GrantOptions& g = a->grant;
        if (g.client_id.empty() || g.key_file.empty()) {
            usage_error("give --client-id and --key (or MPCTL_CLIENT_ID and MPCTL_KEY)");
        }
        std::string key_text = read_grant_key(g);
        // Who the tokens say the client is and acts for: its org (the
        // supplier, when it asks for a consumer), and the consumer.
        auto who = [](nlohmann::ordered_json& out, const nlohmann::json* claims) {
            nlohmann::json consumer = claims ? org_of(*claims, "consumer") : nullptr;
            nlohmann::json supplier = claims ? org_of(*claims, "supplier") : nullptr;
            if (!out.contains("org")) {
                out["org"] = supplier.is_null() ? consumer : supplier;
            }
            out["consumer"] = consumer;
        };
        auto amr = [](const nlohmann::json* claims) {
            return claims ? claims->value("client_amr", nlohmann::json(nullptr)) : nullptr;
        };
        // As the registry commands get their token: from the issuer given,
        // else from the server they act on.
        if (a->remote.issuer.empty()) {
            a->remote.issuer =
                !a->server.empty() ? a->server : environment("MPCTL_SERVER").value_or("");
            if (auto parsed = core::try_parse_issuer(a->remote.issuer);
                !a->remote.issuer.empty() && !parsed) {
                usage_error("--server (or MPCTL_SERVER): " + parsed.error().message);
            }
        }
        if (!a->remote.issuer.empty()) {
            Remote remote = a->remote;
            remote.issuer = core::parse_issuer(remote.issuer);
            auto asked = probes(a->scopes);
            ask_server(ctx, remote, g, key_text, asked);
            const nlohmann::json* claims = first_claims(asked);
            nlohmann::ordered_json out;
            out["issuer"] = remote.issuer;
            out["client_id"] = core::Uuid::parse(g.client_id, "client id").str();
            who(out, claims);
            out["client_amr"] = amr(claims);
            report(ctx, std::move(out), asked);
            return;
        }
        auto id = core::Uuid::parse(g.client_id, "client id");
        std::optional<core::Client> client;
        std::string issuer;
        {
            auto txn = ctx.store().read();
            issuer = core::require_settings(txn).issuer;
            client = core::find_client(txn, id);
        }
        std::vector<std::string> own = client ? client->scopes : std::vector<std::string>();
        own.insert(own.end(), a->scopes.begin(), a->scopes.end());
        auto asked = probes(own);
        // An unknown or inactive client, or a key that is not its, is
        // refused by the first request (MP-100 and the like): exit 3.
        ask_locally(ctx, g, key_text, issuer, asked);
        if (!client) {
            // Granted a token, yet not in the store read before: it changed meanwhile.
            fail(ErrorKind::failure,
                 fmt::format("client {} appeared while whoami asked; try again", id.str()));
        }
        const nlohmann::json* claims = first_claims(asked);
        nlohmann::ordered_json out;
        out["issuer"] = issuer;
        out["store"] = ctx.shown_location();
        out["client_id"] = client->client_id;
        out["client_name"] = client->client_name;
        out["org"] = client->client_orgno;
        out["active"] = client->active;
        who(out, claims);
        out["client_amr"] = amr(claims);
        report(ctx, std::move(out), asked);
    });
}

}  // namespace mpctl::cli
