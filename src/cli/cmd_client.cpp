// SPDX-License-Identifier: Apache-2.0
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/server.hpp"
#include "core/clients.hpp"
#include "core/registry.hpp"
#include "core/token/keyfile.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace mpctl::cli {

namespace {

core::Uuid client_id(const std::string& text) {
    return core::Uuid::parse(text, "client id");
}

// What is left of a key's life: "342 days", "13 days: renew" within the
// renewal window (as the web page marks it), "expired".
std::string life_left(const core::ClientKey& key, core::util::UnixTime now) {
    if (key.expires <= now) {
        return "expired";
    }
    auto left = key.expires - now;
    using core::util::count_of;
    std::string text = left >= 86400  ? count_of(left / 86400, "day")
                       : left >= 3600 ? count_of(left / 3600, "hour")
                                      : count_of((left + 59) / 60, "minute");
    return core::expires_soon(key, now) ? text + ": renew" : text;
}

void show_keys(const Context& ctx, const core::ClientKeySet& set) {
    std::vector<Row> rows;
    auto now = ctx.now();
    for (const auto& k : set.keys) {
        rows.push_back({k.kid(), k.jwk.value("kty", ""), k.jwk.value("alg", ""),
                        core::util::iso8601(k.created), core::util::iso8601(k.expires),
                        life_left(k, now)});
    }
    ctx.emit(set, [&] { print_table({"KID", "KTY", "ALG", "CREATED", "EXPIRES", "LEFT"}, rows); });
}

// --expires-at: "2026-12-31T12:00:00Z", or a date "2026-12-31" (its start, UTC).
std::optional<core::util::UnixTime> parse_expiry(const std::string& text) {
    return core::util::parse_iso8601(text.size() == 10 ? text + "T00:00:00Z" : text);
}

void add_keys_commands(CLI::App* client, Context& ctx) {
    auto* keys = client->add_subcommand("keys", "A client's public keys (at most 5)");
    keys->require_subcommand(1);
    auto id = std::make_shared<std::string>();

    struct AddArgs {
        std::vector<std::string> files;
        std::string kid;
        std::string alg;
        int days = 365;
        int64_t minutes = 0;
        std::string at;
    };
    auto a = std::make_shared<AddArgs>();
    auto* add = keys->add_subcommand("add", "Register public keys: PEM, JWK or JWK set files");
    add->add_option("client_id", *id, "the client")->required()->check(uuid("client id"));
    add->add_option("--key", a->files, "public key file, - for standard input (repeatable)")
        ->type_name("FILE")
        ->required();
    add->add_option("--kid", a->kid, "kid for a key that has none (default: its thumbprint)")
        ->check(cli::kid());
    add->add_option("--alg", a->alg, "alg for a key that has none (default by key type)")
        ->check(jws_alg());
    auto* days = add->add_option("--expires-in-days", a->days, "key life in days, at most 365")
                     ->check(CLI::Range(1, 365))
                     ->capture_default_str();
    auto* minutes =
        add->add_option("--expires-in", a->minutes,
                        "key life in minutes, at most a year (525600): a test's short-lived key")
            ->type_name("MINUTES")
            ->check(CLI::Range(int64_t{1}, core::k_max_key_life / 60))
            ->excludes(days);
    add->add_option("--expires-at", a->at,
                    "when the keys expire: 2026-12-31T12:00:00Z or 2026-12-31 (UTC), at most a "
                    "year ahead; a time past registers an expired key (MP-121, for a rehearsal)")
        ->type_name("TIME")
        ->check(CLI::Validator(
            [](std::string& text) {
                return parse_expiry(text)
                           ? std::string()
                           : "not a time: give 2026-12-31T12:00:00Z or 2026-12-31 (UTC)";
            },
            "TIME"))
        ->excludes(days)
        ->excludes(minutes);
    example(add, "mpctl key jwk client.pem | mpctl client keys add CLIENT_ID --key -");
    add->callback([&ctx, id, a] {
        auto cid = client_id(*id);
        auto jwks = client_jwks(a->files, a->kid, a->alg);
        core::util::UnixTime life = a->minutes > 0 ? a->minutes * 60 : a->days * int64_t{86400};
        if (!a->at.empty()) {
            for (auto& jwk : jwks) {
                jwk["exp"] = *parse_expiry(a->at);
            }
        }
        show_keys(ctx, ctx.registry().add_client_keys(cid, jwks, life));
    });

    auto* list = keys->add_subcommand("list", "List a client's keys");
    list->add_option("client_id", *id, "the client")->required()->check(uuid("client id"));
    example(list, "mpctl client keys list CLIENT_ID");
    list->callback([&ctx, id] { show_keys(ctx, ctx.registry().client_keys(client_id(*id))); });

    auto kid = std::make_shared<std::string>();
    auto* remove = keys->add_subcommand("remove", "Remove one key of a client");
    remove->add_option("client_id", *id, "the client")->required()->check(uuid("client id"));
    remove->add_option("kid", *kid, "the key's kid")->required()->check(cli::kid());
    example(remove,
            "mpctl client keys remove CLIENT_ID old-key-2025   (a kid starting with - goes "
            "after --: CLIENT_ID -- -hxjb...)");
    remove->callback([&ctx, id, kid] {
        auto cid = client_id(*id);
        auto k = core::Kid::parse(*kid);
        auto set = ctx.registry().remove_client_key(cid, k);
        if (set.change != core::Change::made && !ctx.json) {
            ctx.say_unchanged(set.note);
        }
        show_keys(ctx, set.value);
    });
}

}  // namespace

std::vector<nlohmann::json> client_jwks(const std::vector<std::string>& files,
                                        const std::string& kid, const std::string& alg) {
    std::vector<nlohmann::json> jwks;
    for (const auto& file : files) {
        try {
            for (auto jwk : core::read_public_jwks(read_input(file))) {
                // Fill what a bare public key lacks; what the file says stays.
                if (!jwk.contains("kid") || !jwk.contains("alg")) {
                    auto key = core::util::Key::from_jwk(jwk);
                    if (!jwk.contains("kid")) {
                        jwk["kid"] = !kid.empty() ? kid : key.thumbprint();
                    }
                    if (!jwk.contains("alg")) {
                        jwk["alg"] = !alg.empty() ? alg : key.default_alg();
                    }
                }
                if (!jwk.contains("use")) {
                    jwk["use"] = "sig";
                }
                jwks.push_back(std::move(jwk));
            }
        } catch (const Error& e) {
            fail(e.kind(), fmt::format("cannot read key \"{}\": {}", file, e.what()));
        }
    }
    return jwks;
}

void add_client(CLI::App& app, Context& ctx) {
    auto* client = app.add_subcommand("client", "Clients of consumer orgs, and their keys");
    client->require_subcommand(1);
    add_server_options(client, ctx);
    auto id = std::make_shared<std::string>();

    struct Fields {
        std::string org;
        std::string name;
        std::string description;
        std::vector<std::string> scopes;
        int64_t lifetime = 120;
        bool if_absent = false;
        bool update_if_different = false;
        std::string output;
        // Whether --description and --lifetime were given: only those are
        // held against an existing client.
        CLI::Option* description_option = nullptr;
        CLI::Option* lifetime_option = nullptr;
    };
    auto r = std::make_shared<Fields>();
    auto* reg = client->add_subcommand("register", "Register a client for an org");
    reg->add_option("--org", r->org, "the client's organisation (default: the --as org)")
        ->check(org_number());
    reg->add_option("--name", r->name,
                    "client name (refused when an active client of the org has it)")
        ->required();
    r->description_option = reg->add_option("--description", r->description, "description");
    reg->add_option("--scope", r->scopes, "a scope the org may use (repeatable)")
        ->check(scope_name());
    r->lifetime_option =
        reg->add_option("--lifetime", r->lifetime, "access_token_lifetime in seconds")
            ->check(token_lifetime())
            ->capture_default_str();
    auto* if_absent =
        reg->add_flag("--if-absent", r->if_absent,
                      "when the org has an active client of this name, print it instead of "
                      "registering another; refused when it differs from what is asked");
    reg->add_flag("--update-if-different", r->update_if_different,
                  "when the org has an active client of this name, make it what is asked "
                  "(scopes, and --description and --lifetime when given) and print it")
        ->excludes(if_absent);
    reg->add_option("--output", r->output, "what to print: id (just the client_id)")
        ->check(CLI::IsMember({"id"}));
    example(reg,
            "CLIENT_ID=$(mpctl client register --org 910000004 --name payroll --scope "
            "skatt:skattemelding --update-if-different --output id)");
    reg->callback([&ctx, r] {
        if (r->org.empty() && !ctx.remote() && ctx.actor().is_operator()) {
            usage_error("give the client's organisation with --org ORGNO");
        }
        core::SameName same_name = r->update_if_different ? core::SameName::update
                                   : r->if_absent         ? core::SameName::keep_if_same
                                                          : core::SameName::refuse;
        core::GivenFields given{.description = r->description_option->count() > 0,
                                .access_token_lifetime = r->lifetime_option->count() > 0};
        // One transaction (locally): no duplicate by a race between two runs.
        auto c = ctx.in_one_transaction([&](core::Registry& registry) {
            const auto& org = registry.actor().org();
            core::ClientSpec spec{.org = r->org.empty() ? *org : core::OrgNumber::parse(r->org),
                                  .client_name = r->name,
                                  .description = r->description,
                                  .scopes = r->scopes,
                                  .access_token_lifetime = r->lifetime};
            return core::register_by_name(registry, spec, same_name, given).value;
        });
        if (r->output == "id") {
            std::cout << c.client_id << '\n';
            return;
        }
        ctx.emit(c, [&] { print_record(c); });
    });

    struct ListArgs {
        std::string org;
        std::string name;
        bool inactive = false;
    };
    auto la = std::make_shared<ListArgs>();
    auto* list = client->add_subcommand("list", "List clients");
    list->add_option("--org", la->org, "only this org's clients")->check(org_number());
    list->add_option("--name", la->name, "only clients of this name");
    list->add_flag("--inactive", la->inactive, "include deactivated clients");
    example(list, "mpctl client list --org 910000004");
    list->callback([&ctx, la] {
        std::optional<core::OrgNumber> org;
        if (!la->org.empty()) {
            org = core::OrgNumber::parse(la->org);
        }
        auto clients = ctx.registry().clients(org, la->inactive);
        if (!la->name.empty()) {
            std::erase_if(clients, [&](const auto& c) { return c.client_name != la->name; });
        }
        std::vector<Row> rows;
        for (const auto& c : clients) {
            rows.push_back({c.client_id, c.client_name, c.client_orgno, cell(c.scopes),
                            std::to_string(c.access_token_lifetime), c.active ? "yes" : "no"});
        }
        ctx.emit(clients, [&] {
            print_table({"CLIENT ID", "NAME", "ORG", "SCOPES", "LIFETIME", "ACTIVE"}, rows);
        });
    });

    auto* show = client->add_subcommand("show", "Show one client");
    show->add_option("client_id", *id, "the client")->required()->check(uuid("client id"));
    example(show, "mpctl client show CLIENT_ID --json");
    show->callback([&ctx, id] {
        auto c = ctx.registry().client(client_id(*id));
        ctx.emit(c, [&] { print_record(c); });
    });

    auto u = std::make_shared<Fields>();
    auto* update = client->add_subcommand("update", "Change a client's name, scopes or lifetime");
    update->add_option("client_id", *id, "the client")->required()->check(uuid("client id"));
    auto* name_opt = update->add_option("--name", u->name, "client name");
    auto* desc_opt = update->add_option("--description", u->description, "description");
    auto* scope_opt =
        update->add_option("--scope", u->scopes, "the client's scopes: replaces the list")
            ->check(scope_name());
    auto* life_opt = update->add_option("--lifetime", u->lifetime, "access_token_lifetime")
                         ->check(token_lifetime());
    example(update, "mpctl client update CLIENT_ID --scope skatt:a --scope skatt:b");
    update->callback([&ctx, id, u, name_opt, desc_opt, scope_opt, life_opt] {
        auto cid = client_id(*id);
        core::ClientUpdate change;
        if (name_opt->count() > 0) {
            change.client_name = u->name;
        }
        if (desc_opt->count() > 0) {
            change.description = u->description;
        }
        if (scope_opt->count() > 0) {
            change.scopes = u->scopes;
        }
        if (life_opt->count() > 0) {
            change.access_token_lifetime = u->lifetime;
        }
        auto c = ctx.registry().update_client(cid, change);
        ctx.emit(c, [&] { print_record(c); });
    });

    auto* deactivate =
        client->add_subcommand("deactivate", "Deactivate a client (kept for the log)");
    deactivate->add_option("client_id", *id, "the client")->required()->check(uuid("client id"));
    example(deactivate, "mpctl client deactivate CLIENT_ID");
    deactivate->callback([&ctx, id] {
        auto cid = client_id(*id);
        auto c = ctx.registry().deactivate_client(cid);
        ctx.emit_change(c,
                        [&] { std::cout << "deactivated client " << c.value.client_id << '\n'; });
    });

    auto* activate = client->add_subcommand(
        "activate",
        "Activate a deactivated client again (the operator's deactivation: operator only)");
    activate->add_option("client_id", *id, "the client")->required()->check(uuid("client id"));
    example(activate, "mpctl client activate CLIENT_ID");
    activate->callback([&ctx, id] {
        core::ClientUpdate u;
        u.active = true;
        auto cid = client_id(*id);
        auto c = ctx.registry().update_client(cid, u);
        ctx.emit(c, [&] { std::cout << "activated client " << c.client_id << '\n'; });
    });

    add_keys_commands(client, ctx);
}

}  // namespace mpctl::cli
