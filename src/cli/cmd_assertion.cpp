// SPDX-License-Identifier: Apache-2.0
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/grant_options.hpp"
#include "cli/output.hpp"
#include "core/operator.hpp"
#include "core/token/assertion.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace mpctl::cli {

namespace {

// The audience: --aud, else the local store's issuer when there is a store.
std::string audience(const std::string& aud, Context& ctx) {
    if (!aud.empty()) {
        return core::parse_issuer(aud);
    }
    if (ctx.has_store()) {
        if (auto settings = core::load_settings(ctx.store().read())) {
            return settings->issuer;
        }
    }
    usage_error("give the issuer the grant is for with --aud URL");
}

}  // namespace

void add_assertion(CLI::App& app, Context& ctx) {
    auto* assertion = app.add_subcommand("assertion", "JWT grants: sign one, or lint one");
    assertion->require_subcommand(1);

    auto g = std::make_shared<GrantOptions>();
    auto* sign = assertion->add_subcommand("sign", "Print a signed JWT grant (RFC 7523)");
    add_grant_options(sign, *g, true);
    sign->add_option("--aud,--issuer", g->aud, "the issuer URL (default: the local store's)")
        ->check(issuer_url());
    example(sign,
            "mpctl assertion sign --client-id CLIENT_ID --key client.pem "
            "--scope skatt:melding --aud https://test.maskinporten.no/");
    sign->callback([&ctx, g] { std::cout << sign_grant(*g, audience(g->aud, ctx), ctx) << '\n'; });

    struct LintArgs {
        std::string jwt;
        std::string issuer;
    };
    auto la = std::make_shared<LintArgs>();
    auto* lint = assertion->add_subcommand(
        "lint", "Explain rule by rule whether Maskinporten would accept a grant");
    lint->add_option("jwt", la->jwt, "the grant, or - for standard input")->required();
    lint->add_option("--issuer", la->issuer, "the issuer it is meant for, to check aud")
        ->check(issuer_url());
    example(lint, "mpctl assertion sign ... | mpctl assertion lint - --issuer https://mp.example/");
    lint->callback([&ctx, la] {
        std::string jwt = argument_or_stdin(la->jwt);
        std::optional<std::string> issuer;
        if (!la->issuer.empty()) {
            issuer = core::parse_issuer(la->issuer);
        }
        auto results = core::lint_assertion(jwt, issuer, ctx.now());
        bool ok = true;
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const auto& r : results) {
            ok = ok && r.ok;
            out.push_back({{"rule", r.rule},
                           {"ok", r.ok},
                           {"warning", r.warning},
                           {"code", r.code},
                           {"message", r.message},
                           {"fix", r.fix}});
        }
        ctx.emit(out, [&] {
            for (const auto& r : results) {
                std::cout << (!r.ok ? "FAIL  " : r.warning ? "WARN  " : "ok    ") << r.rule;
                if (!r.ok) {
                    std::cout << "\n      " << r.code << ": " << core::util::printable(r.message);
                    if (!r.fix.empty()) {
                        std::cout << "\n      fix: " << wrap(r.fix, 68, "           ");
                    }
                } else if (!r.message.empty()) {
                    std::cout << "\n      " << core::util::printable(r.message);
                }
                std::cout << '\n';
            }
        });
        if (!ok) {
            fail(ErrorKind::invalid_input, "Maskinporten would refuse this grant");
        }
    });
}

}  // namespace mpctl::cli
