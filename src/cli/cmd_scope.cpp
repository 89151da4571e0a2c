// SPDX-License-Identifier: Apache-2.0
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/server.hpp"
#include "core/entities.hpp"
#include "core/registry.hpp"
#include "core/scopes.hpp"

namespace mpctl::cli {

namespace {

// The fields create and update share; an option counts only when given.
struct ScopeFields {
    std::string description;
    std::string long_description;
    std::string token_type;
    int64_t at_max_age = 0;
    std::string visibility;
    bool accessible_for_all = false;
    std::string delegation_source;
    bool no_delegation = false;
    std::vector<std::string> integration_types;
    std::map<std::string, CLI::Option*> given;

    bool has(const std::string& name) const {
        auto it = given.find(name);
        return it != given.end() && it->second->count() > 0;
    }
};

void add_fields(CLI::App* cmd, ScopeFields& f, bool update) {
    f.given["description"] = cmd->add_option("--description", f.description, "short description");
    f.given["long"] = cmd->add_option("--long-description", f.long_description, "long description");
    f.given["token_type"] = cmd->add_option("--token-type", f.token_type, "token type")
                                ->check(CLI::IsMember({"SELF_CONTAINED", "OPAQUE"}));
    f.given["at_max_age"] = cmd->add_option("--at-max-age", f.at_max_age,
                                            "cap on token lifetime in seconds; 0 = no cap")
                                ->check(at_max_age());
    f.given["visibility"] = cmd->add_option("--visibility", f.visibility, "visibility")
                                ->check(CLI::IsMember({"PUBLIC", "PRIVATE"}));
    f.given["all"] = cmd->add_flag("--accessible-for-all", f.accessible_for_all,
                                   "every org may use the scope without a grant "
                                   "(--accessible-for-all=false to undo)");
    f.given["source"] = cmd->add_option("--delegation-source", f.delegation_source,
                                        "make the scope delegable, naming the delegation source");
    f.given["integration"] =
        cmd->add_option("--integration-type", f.integration_types,
                        "allowed integration type (repeatable; default maskinporten)")
            ->check(CLI::IsMember(core::known_integration_types()));
    if (update) {
        f.given["no_delegation"] =
            cmd->add_flag("--no-delegation", f.no_delegation, "make the scope not delegable")
                ->excludes(f.given["source"]);
    }
}

core::ScopeSpec to_spec(const std::string& name, const ScopeFields& f) {
    core::ScopeSpec spec{.name = core::ScopeName::parse(name),
                         .description = f.description,
                         .long_description = f.long_description,
                         .delegation_source = std::nullopt};
    if (f.has("token_type")) {
        spec.token_type = core::parse_token_type(f.token_type);
    }
    spec.at_max_age = f.at_max_age;
    if (f.has("visibility")) {
        spec.visibility = core::parse_visibility(f.visibility);
    }
    spec.accessible_for_all = f.accessible_for_all;
    if (f.has("source")) {
        spec.delegation_source = f.delegation_source;
    }
    if (f.has("integration")) {
        spec.allowed_integration_types = f.integration_types;
    }
    return spec;
}

core::ScopeUpdate to_update(const ScopeFields& f) {
    core::ScopeUpdate u;
    if (f.has("description")) {
        u.description = f.description;
    }
    if (f.has("long")) {
        u.long_description = f.long_description;
    }
    if (f.has("token_type")) {
        u.token_type = core::parse_token_type(f.token_type);
    }
    if (f.has("at_max_age")) {
        u.at_max_age = f.at_max_age;
    }
    if (f.has("visibility")) {
        u.visibility = core::parse_visibility(f.visibility);
    }
    if (f.has("all")) {
        u.accessible_for_all = f.accessible_for_all;
    }
    if (f.has("source")) {
        u.delegation_source = std::optional<std::string>(f.delegation_source);
    }
    if (f.no_delegation) {
        u.delegation_source = std::optional<std::string>();
    }
    if (f.has("integration")) {
        u.allowed_integration_types = f.integration_types;
    }
    return u;
}

void show(const Context& ctx, const core::Scope& scope) {
    ctx.emit(scope, [&] { print_record(scope); });
}

}  // namespace

void add_scope(CLI::App& app, Context& ctx) {
    auto* scope = app.add_subcommand("scope", "Scopes under the prefixes an org owns");
    scope->require_subcommand(1);
    add_server_options(scope, ctx);
    auto name = std::make_shared<std::string>();

    auto cf = std::make_shared<ScopeFields>();
    auto* create = scope->add_subcommand("create", "Create a scope under an owned prefix");
    create->add_option("name", *name, "prefix:subscope")->required()->check(scope_name());
    add_fields(create, *cf, false);
    cf->given["description"]->required();
    example(create,
            "mpctl scope create skatt:skattemelding --description \"Tax returns\" "
            "--delegation-source https://www.altinn.no");
    create->callback([&ctx, name, cf] {
        auto spec = to_spec(*name, *cf);
        auto s = ctx.registry().create_scope(spec);
        show(ctx, s);
    });

    struct ListArgs {
        bool inactive = false;
        bool all_public = false;
        bool accessible_for_all = false;
    };
    auto la = std::make_shared<ListArgs>();
    auto* list = scope->add_subcommand("list", "List own scopes (every scope for the operator)");
    list->add_flag("--inactive", la->inactive, "include deactivated scopes");
    list->add_flag("--public", la->all_public, "list every active PUBLIC scope instead");
    list->add_flag("--accessible-for-all", la->accessible_for_all,
                   "with --public: only scopes accessible for all");
    example(list, "mpctl --as 974761076 scope list --inactive");
    list->callback([&ctx, la] {
        auto& registry = ctx.registry();
        auto scopes = la->all_public ? registry.public_scopes(la->accessible_for_all)
                                     : registry.own_scopes(la->inactive);
        std::vector<Row> rows;
        for (const auto& s : scopes) {
            rows.push_back({s.name.str(), s.owner_orgno, std::string(core::to_string(s.token_type)),
                            std::string(core::to_string(s.visibility)),
                            s.accessible_for_all ? "yes" : "no", s.delegation_source ? "yes" : "no",
                            s.active ? "yes" : "no"});
        }
        ctx.emit(scopes, [&] {
            print_table(
                {"SCOPE", "OWNER", "TOKEN TYPE", "VISIBILITY", "FOR ALL", "DELEGABLE", "ACTIVE"},
                rows);
        });
    });

    auto* show_cmd = scope->add_subcommand("show", "Show one scope");
    show_cmd->add_option("name", *name, "prefix:subscope")->required()->check(scope_name());
    example(show_cmd, "mpctl scope show skatt:skattemelding");
    show_cmd->callback(
        [&ctx, name] { show(ctx, ctx.registry().scope(core::ScopeName::parse(*name))); });

    auto uf = std::make_shared<ScopeFields>();
    auto* update = scope->add_subcommand("update", "Change fields of an own scope");
    update->add_option("name", *name, "prefix:subscope")->required()->check(scope_name());
    add_fields(update, *uf, true);
    example(update, "mpctl scope update skatt:skattemelding --at-max-age 60");
    update->callback([&ctx, name, uf] {
        auto scope_name = core::ScopeName::parse(*name);
        auto u = to_update(*uf);
        show(ctx, ctx.registry().update_scope(scope_name, u));
    });

    auto* deactivate =
        scope->add_subcommand("deactivate", "Deactivate an own scope (kept for the log)");
    deactivate->add_option("name", *name, "prefix:subscope")->required()->check(scope_name());
    example(deactivate, "mpctl scope deactivate skatt:skattemelding");
    deactivate->callback([&ctx, name] {
        auto scope_name = core::ScopeName::parse(*name);
        auto s = ctx.registry().deactivate_scope(scope_name);
        ctx.emit_change(s,
                        [&] { std::cout << "deactivated scope " << s.value.name.str() << '\n'; });
    });

    auto* activate = scope->add_subcommand(
        "activate",
        "Activate a deactivated scope again, its access list as it was (the operator's "
        "deactivation: operator only)");
    activate->add_option("name", *name, "prefix:subscope")->required()->check(scope_name());
    example(activate, "mpctl scope activate skatt:skattemelding");
    activate->callback([&ctx, name] {
        auto scope_name = core::ScopeName::parse(*name);
        core::ScopeUpdate u;
        u.active = true;
        auto s = ctx.registry().update_scope(scope_name, u);
        ctx.emit(s, [&] { std::cout << "activated scope " << s.name.str() << '\n'; });
    });
}

}  // namespace mpctl::cli
