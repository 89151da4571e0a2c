// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/operator.hpp"
#include "core/util/error.hpp"
#include "core/util/http.hpp"

namespace mpctl::cli {

namespace {

// Until when a key stays in the JWKS: "-" for as long as it signs or waits.
std::string until(const core::SigningKey& k) {
    return k.retired == 0 ? "-" : core::util::iso8601(k.publish_until);
}

void show_key(const Context& ctx, const core::SigningKey& key, const std::string& words) {
    auto view = core::public_view(key);
    view["state"] = core::signing_key_state(key, ctx.now());
    ctx.emit(view, [&] { std::cout << words << '\n'; });
}

// The kids of a JWK set as served: its "keys"' "kid"s; throws naming the
// URL for anything else.
std::vector<std::string> served_kids(const std::string& url, const core::util::HttpResponse& r) {
    auto doc = nlohmann::json::parse(r.body, nullptr, false);
    std::vector<std::string> kids;
    bool ok = doc.is_object() && doc.contains("keys") && doc["keys"].is_array();
    for (const auto& k : ok ? doc["keys"] : nlohmann::json::array()) {
        ok = ok && k.is_object() && k.contains("kid") && k["kid"].is_string();
        if (ok) {
            kids.push_back(k["kid"].get<std::string>());
        }
    }
    if (!ok) {
        fail(ErrorKind::failure,
             fmt::format("{} did not answer a JWK set with a kid on each key (HTTP {}, {} bytes)",
                         url, r.status, r.body.size()));
    }
    return kids;
}

// signing-key jwks --check URL: the published keys against those URL
// serves, which is what a resource server fetches and caches.
void check_jwks(Context& ctx, const std::string& url, const std::string& cacert) {
    auto now = ctx.now();
    auto keys = core::published_signing_keys(ctx.store().read(), now);
    core::util::HttpClient http(http_options(cacert));
    auto response = http.get(url);
    if (response.status != 200) {
        fail(response.status >= 500 || response.status == 429 ? ErrorKind::unavailable
                                                              : ErrorKind::failure,
             fmt::format("{} answered HTTP {}", url, response.status));
    }
    auto served = served_kids(url, response);
    std::vector<Row> rows;
    std::vector<std::string> differ;
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    auto is_served = [&](const std::string& kid) {
        return std::find(served.begin(), served.end(), kid) != served.end();
    };
    for (const auto& k : keys) {
        std::string state(core::signing_key_state(k, now));
        bool there = is_served(k.kid);
        rows.push_back({k.kid, state, there ? "yes" : "NO"});
        out.push_back({{"kid", k.kid}, {"state", state}, {"served", there}});
        if (!there) {
            differ.push_back(fmt::format("{} ({}) is not served", k.kid, state));
        }
    }
    for (const auto& kid : served) {
        bool published = std::any_of(keys.begin(), keys.end(),
                                     [&](const core::SigningKey& k) { return k.kid == kid; });
        if (!published) {
            rows.push_back({kid, "not published", "yes"});
            out.push_back({{"kid", kid}, {"state", "not published"}, {"served", true}});
            differ.push_back(fmt::format("{} is served but not published", kid));
        }
    }
    ctx.emit(out, [&] { print_table({"KID", "STATE", "SERVED"}, rows); });
    if (!differ.empty()) {
        fail(ErrorKind::conflict,
             fmt::format("{} does not serve the store's keys: {}", url, fmt::join(differ, "; ")));
    }
}

}  // namespace

void add_signing_key(CLI::App& app, Context& ctx) {
    auto* sk = app.add_subcommand("signing-key", "The server's keys for signing access tokens");
    sk->require_subcommand(1);

    auto* list = sk->add_subcommand(
        "list", "List signing keys: the active one, the next, then retired ones, newest first");
    example(list, "mpctl signing-key list");
    list->callback([&ctx] {
        auto keys = core::list_signing_keys(ctx.store().read());
        auto now = ctx.now();
        nlohmann::json out = nlohmann::json::array();
        std::vector<Row> rows;
        for (const auto& k : keys) {
            auto view = core::public_view(k);
            view["state"] = core::signing_key_state(k, now);
            out.push_back(std::move(view));
            rows.push_back({k.kid, k.alg, std::string(core::signing_key_state(k, now)),
                            core::util::iso8601(k.created), until(k)});
        }
        ctx.emit(out, [&] {
            print_table({"KID", "ALG", "STATE", "PUBLISHED SINCE", "PUBLISHED UNTIL"}, rows);
        });
    });

    struct JwksArgs {
        std::string check;
        std::string cacert;
    };
    auto j = std::make_shared<JwksArgs>();
    auto* jwks = sk->add_subcommand(
        "jwks",
        "Print the published keys as a JWK set, as /jwk serves; or with --check URL, compare "
        "them with what URL serves");
    jwks->add_option("--check", j->check,
                     "the JWK set a resource server fetches (the server's /jwk, or a cache in "
                     "front of it): exit 0 when it serves exactly the published keys")
        ->type_name("URL")
        ->check(http_url());
    jwks->add_option("--cacert", j->cacert, "with --check: CA bundle to verify URL's TLS")
        ->type_name("FILE");
    example(jwks,
            "mpctl signing-key jwks > jwks.json\n"
            "  mpctl signing-key jwks --check https://mp.example.org/jwk");
    jwks->callback([&ctx, j] {
        if (!j->check.empty()) {
            check_jwks(ctx, j->check, j->cacert);
            return;
        }
        std::cout << core::published_jwks(ctx.store().read(), ctx.now()).dump(2) << '\n';
    });

    auto next_alg = std::make_shared<std::string>("RS256");
    auto* add = sk->add_subcommand(
        "add",
        "Publish a new signing key as the next one, without signing with it: activate it once "
        "resource servers have it (a day later)");
    add->add_option("--alg", *next_alg, "algorithm of the new key")
        ->check(CLI::IsMember(core::signing_algs()))
        ->capture_default_str();
    example(add, "mpctl signing-key add --alg ES256");
    auto publish = [&ctx](const std::string& algorithm) {
        auto key = ctx.store().write([&](core::WriteTxn& txn) {
            return core::add_signing_key(txn, algorithm, ctx.now(), ctx.key_secrets());
        });
        show_key(ctx, key,
                 fmt::format("published signing key {} ({}) as the next one; activate it from "
                             "{}: mpctl signing-key activate {}{}",
                             key.kid, key.alg, core::util::iso8601(key.created + 86400),
                             key.kid.starts_with('-') ? "-- " : "", key.kid));
    };
    add->callback([next_alg, publish] { publish(*next_alg); });

    struct ActivateArgs {
        std::string kid;
        std::string min_published = "24h";
        bool force = false;
    };
    auto act = std::make_shared<ActivateArgs>();
    auto* activate = sk->add_subcommand(
        "activate", "Sign with the next key from now on; the active one retires");
    activate->add_option("kid", act->kid, "the next key's kid (signing-key list)")->required();
    activate
        ->add_option("--min-published", act->min_published,
                     "refuse a key published for less than this (resource servers cache /jwk "
                     "for about a day): 90m, 24h, 2d")
        ->type_name("DURATION")
        ->check(CLI::Validator(
            [](std::string& text) {
                return core::util::parse_duration(text)
                           ? std::string()
                           : "not a length of time: give a whole number and s, m, h or d (24h)";
            },
            "DURATION"))
        ->capture_default_str();
    activate->add_flag("--force", act->force, "activate it however short it has been published");
    example(activate, "mpctl signing-key activate KID");
    activate->callback([&ctx, act] {
        auto key = ctx.store().write([&](core::WriteTxn& txn) {
            return core::activate_signing_key(txn, act->kid, ctx.now(),
                                              *core::util::parse_duration(act->min_published),
                                              act->force);
        });
        show_key(ctx, key, fmt::format("signing key {} ({}) signs from now on", key.kid, key.alg));
    });

    auto alg = std::make_shared<std::string>("RS256");
    auto publish_only = std::make_shared<bool>(false);
    auto* rotate = sk->add_subcommand(
        "rotate",
        "Make a new active signing key at once; the old one stays published until its tokens "
        "expire (a resource server whose /jwk is older refuses the new tokens: see add)");
    rotate->add_option("--alg", *alg, "algorithm of the new key")
        ->check(CLI::IsMember(core::signing_algs()))
        ->capture_default_str();
    rotate->add_flag("--publish-only", *publish_only,
                     "publish it as the next key without signing with it, as add does");
    example(rotate, "mpctl signing-key rotate --alg ES256");
    rotate->callback([&ctx, alg, publish_only, publish] {
        if (*publish_only) {
            publish(*alg);
            return;
        }
        auto key = ctx.store().write([&](core::WriteTxn& txn) {
            return core::rotate_signing_key(txn, *alg, ctx.now(), ctx.key_secrets());
        });
        show_key(ctx, key, fmt::format("new active signing key {} ({})", key.kid, key.alg));
    });

    auto* rewrap = sk->add_subcommand(
        "rewrap",
        "Seal every private signing key under the key-encryption secret "
        "(MPCTL_KEY_SECRET_FILE), opening it with the old one (MPCTL_KEY_SECRET_OLD_FILE)");
    example(rewrap,
            "MPCTL_KEY_SECRET_FILE=new.secret MPCTL_KEY_SECRET_OLD_FILE=old.secret mpctl "
            "signing-key rewrap");
    rewrap->callback([&ctx] {
        const auto& secrets = ctx.key_secrets();
        auto changed = ctx.store().write(
            [&](core::WriteTxn& txn) { return core::rewrap_signing_keys(txn, secrets); });
        nlohmann::json out{{"secret", secrets.current_id()}, {"rewrapped", changed}};
        ctx.emit(out, [&] {
            std::cout << changed.size() << " signing key" << (changed.size() == 1 ? "" : "s")
                      << " sealed under secret " << secrets.current_id() << '\n';
        });
    });
}

}  // namespace mpctl::cli
