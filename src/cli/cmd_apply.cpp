// SPDX-License-Identifier: Apache-2.0
// Registry as code (docs/apply.md): plan and apply a registry file on the
// local store, and export the store as one.
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/server.hpp"
#include "core/registry_file.hpp"
#include "core/registry_plan.hpp"
#include "core/token/keyfile.hpp"
#include "core/util/fs.hpp"
#include "core/util/json_text.hpp"
#include "core/util/text.hpp"
#include "core/util/yaml.hpp"

namespace mpctl::cli {

namespace {

struct FileArgs {
    std::string file;
    bool prune = false;
};

// The registry file, parsed; key files it names are read relative to it.
core::DesiredRegistry read_registry(const std::string& file) {
    std::string text = read_input(file);
    std::filesystem::path dir =
        file == "-" ? std::filesystem::path(".") : std::filesystem::path(file).parent_path();
    if (dir.empty()) {
        dir = ".";
    }
    std::string name = file == "-" ? "standard input" : file;
    bool json = std::filesystem::path(file).extension() == ".json";
    auto document = json ? core::parse_json(text, name) : core::parse_yaml(text, name);
    core::KeyLoader load = [dir](const std::string& path) {
        std::filesystem::path p(path);
        return core::read_public_jwks(core::util::read_file(p.is_absolute() ? p : dir / p));
    };
    return core::parse_registry(document, name, load);
}

void add_file_options(CLI::App* cmd, FileArgs& a) {
    cmd->add_option("-f,--file", a.file, "the registry file: YAML or JSON (- for standard input)")
        ->type_name("FILE")
        ->required();
    cmd->add_flag("--prune", a.prune,
                  "also deactivate the scopes, clients, systems and system users and remove the "
                  "delegations the file leaves out, of the organisations and kinds it speaks for");
}

// The lines of a plan, or with --json {"changes": [...], "summary": {...}}.
void show(const Context& ctx, const core::Plan& plan, bool applied) {
    if (ctx.json) {
        nlohmann::ordered_json changes = nlohmann::ordered_json::array();
        for (const auto& s : plan.steps) {
            changes.push_back({{"op", core::to_string(s.op)},
                               {"kind", core::to_string(s.kind)},
                               {"id", s.id},
                               {"fields", s.fields}});
        }
        nlohmann::ordered_json out{{"changes", changes},
                                   {"summary",
                                    {{"add", plan.count(core::PlanOp::add)},
                                     {"change", plan.count(core::PlanOp::change)},
                                     {"remove", plan.count(core::PlanOp::remove)}}}};
        std::cout << out.dump(2) << '\n';
        return;
    }
    for (const auto& s : plan.steps) {
        std::cout << core::util::printable(core::describe(s)) << '\n';
    }
    if (applied) {
        std::cout << plan.count(core::PlanOp::add) << " added, " << plan.count(core::PlanOp::change)
                  << " changed, " << plan.count(core::PlanOp::remove) << " removed\n";
    } else {
        std::cout << plan.summary() << '\n';
    }
}

void add_plan(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<FileArgs>();
    auto* plan = app.add_subcommand(
        "plan",
        "Show what apply would change to make the store what a registry file says (exit 7 when "
        "anything would change)");
    add_file_options(plan, *a);
    add_server_options(plan, ctx);
    example(plan, "mpctl export -o registry.yaml && mpctl plan -f registry.yaml --prune");
    plan->callback([&ctx, a] {
        auto desired = read_registry(a->file);
        auto& registry = ctx.registry();
        core::Plan result =
            core::compute_plan(core::snapshot_of(registry, desired), desired,
                               {.prune = a->prune, .acting_org = registry.actor().org()});
        show(ctx, result, false);
        // Pending changes are no error, but a script must see them.
        if (!result.steps.empty()) {
            ctx.exit = Exit::changes;
        }
    });
}

void add_apply_command(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<FileArgs>();
    auto* apply = app.add_subcommand(
        "apply",
        "Make the registry what a registry file says: on the local store in one transaction, "
        "all of it or nothing; with --server call by call");
    add_file_options(apply, *a);
    add_server_options(apply, ctx);
    example(apply,
            "mpctl --as 974761076 export -o registry.yaml && mpctl --as 974761076 apply -f "
            "registry.yaml --prune");
    apply->callback([&ctx, a] {
        auto desired = read_registry(a->file);
        auto plan = ctx.in_one_transaction([&](core::Registry& registry) {
            auto p = core::compute_plan(core::snapshot_of(registry, desired), desired,
                                        {.prune = a->prune, .acting_org = registry.actor().org()});
            core::execute_plan(p, registry);
            return p;
        });
        show(ctx, plan, true);
    });
}

void add_export(CLI::App& app, Context& ctx) {
    struct Args {
        std::string org;
        std::string out;
        bool force = false;
    };
    auto a = std::make_shared<Args>();
    auto* exp = app.add_subcommand(
        "export", "Write the registry as a registry file for apply: YAML, or JSON with --json");
    exp->add_option("--org", a->org, "only this organisation's (default: all the actor owns)")
        ->check(org_number());
    exp->add_option("-o,--out", a->out, "the file to write (default: standard output)")
        ->type_name("FILE");
    exp->add_flag("--force", a->force, "replace the file if it exists");
    add_server_options(exp, ctx);
    example(exp, "mpctl export --org 910000004 -o registry.yaml");
    exp->callback([&ctx, a] {
        std::optional<core::OrgNumber> org;
        if (!a->org.empty()) {
            org = core::OrgNumber::parse(a->org);
        }
        auto& registry = ctx.registry();
        auto document = core::registry_document(core::snapshot_for_export(registry, org),
                                                registry.actor(), org);
        std::string text = ctx.json ? document.dump(2) + "\n" : core::emit_yaml(document);
        if (a->out.empty() || a->out == "-") {
            std::cout << text;
        } else {
            core::util::write_file(a->out, text, 0644, a->force);
        }
    });
}

}  // namespace

void add_apply(CLI::App& app, Context& ctx) {
    add_plan(app, ctx);
    add_apply_command(app, ctx);
    add_export(app, ctx);
}

}  // namespace mpctl::cli
