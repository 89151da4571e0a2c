// SPDX-License-Identifier: Apache-2.0
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/checks.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/server.hpp"
#include "core/systems.hpp"

namespace mpctl::cli {

namespace {

// The texts an option sets: the same in every language, none for "".
core::Texts texts(const std::string& text) {
    return text.empty() ? core::Texts{} : core::in_every_language(text);
}

// The record as --json prints it, with one text per field and the vendor's
// org number: what a terminal shows.
void show_system(const Context& ctx, const core::System& s) {
    ctx.emit(s, [&] {
        nlohmann::ordered_json record = s;
        record["vendor"] = s.vendor_orgno;
        record["name"] = core::shown_text(s.name);
        record["description"] = core::shown_text(s.description);
        print_record(record);
    });
}

core::Uuid systemuser_id(const std::string& text) {
    return core::Uuid::parse(text, "system user id");
}

}  // namespace

void add_system(CLI::App& app, Context& ctx) {
    auto* system = app.add_subcommand(
        "system", "Systems in the system register: a vendor's clients that act for customers");
    system->require_subcommand(1);
    add_server_options(system, ctx);
    auto id = std::make_shared<std::string>();

    struct Fields {
        std::string vendor;
        std::vector<std::string> clients;
        std::string name;
        std::string description;
        bool visible = false;
        bool hidden = false;
    };
    auto a = std::make_shared<Fields>();
    auto* add = system->add_subcommand("add", "Register a system of a vendor");
    add->add_option("system_id", *id, "<vendor orgno>_<name>")->required()->check(system_id());
    add->add_option("--vendor", a->vendor,
                    "the vendor (default: the --as org, else the org the id begins with)")
        ->check(org_number());
    add->add_option("--client", a->clients, "a client of the vendor that acts for it (repeatable)")
        ->required()
        ->check(uuid("client id"));
    add->add_option("--name", a->name, "its name, in every language (default: the id's name)");
    add->add_option("--description", a->description, "its description, in every language");
    add->add_flag("--hidden", a->hidden, "not offered to every organisation (isVisible false)");
    example(add,
            "mpctl --as 910000004 system add 910000004_payroll --client CLIENT_ID --name "
            "Payroll");
    add->callback([&ctx, id, a] {
        const auto& actor = ctx.registry().actor();
        // The id begins with the vendor's org number (system_id() checked it).
        core::OrgNumber vendor =
            core::OrgNumber::parse(!a->vendor.empty() ? a->vendor
                                   : actor.org()      ? actor.org()->str()
                                                      : id->substr(0, id->find('_')));
        core::SystemSpec spec{.id = *id,
                              .vendor = vendor,
                              .name = texts(a->name),
                              .description = texts(a->description),
                              .clients = core::parse_client_ids(a->clients),
                              .visible = !a->hidden};
        show_system(ctx, ctx.registry().register_system(spec));
    });

    auto inactive = std::make_shared<bool>(false);
    auto* list = system->add_subcommand(
        "list", "List own systems and those offered to every org (every system for the operator)");
    list->add_flag("--inactive", *inactive, "include deactivated systems");
    example(list, "mpctl --as 910000004 system list");
    list->callback([&ctx, inactive] {
        auto systems = ctx.registry().systems(*inactive);
        std::vector<Row> rows;
        for (const auto& s : systems) {
            rows.push_back({s.id, core::shown_text(s.name), s.vendor_orgno,
                            cell(nlohmann::ordered_json(s.client_ids)), s.visible ? "yes" : "no",
                            s.active ? "yes" : "no"});
        }
        ctx.emit(systems, [&] {
            print_table({"ID", "NAME", "VENDOR", "CLIENTS", "VISIBLE", "ACTIVE"}, rows);
        });
    });

    auto* show = system->add_subcommand("show", "Show one system");
    show->add_option("system_id", *id, "the system")->required()->check(system_id());
    example(show, "mpctl system show 910000004_payroll --json");
    show->callback([&ctx, id] { show_system(ctx, ctx.registry().system(*id)); });

    auto u = std::make_shared<Fields>();
    auto* update = system->add_subcommand("update", "Change an own system");
    update->add_option("system_id", *id, "the system")->required()->check(system_id());
    auto* name_opt =
        update->add_option("--name", u->name, "its name, in every language (\"\": the id's name)");
    auto* desc_opt =
        update->add_option("--description", u->description, "its description, in every language");
    auto* client_opt =
        update->add_option("--client", u->clients, "the clients that act for it: replaces the list")
            ->check(uuid("client id"));
    auto* visible_opt =
        update->add_flag("--visible", u->visible, "offered to every organisation (isVisible)");
    update->add_flag("--hidden", u->hidden, "not offered to every organisation")
        ->excludes(visible_opt);
    example(update, "mpctl system update 910000004_payroll --client CLIENT_ID --hidden");
    update->callback([&ctx, id, u, name_opt, desc_opt, client_opt] {
        core::SystemUpdate change;
        if (name_opt->count() > 0) {
            change.name = texts(u->name);
        }
        if (desc_opt->count() > 0) {
            change.description = texts(u->description);
        }
        if (client_opt->count() > 0) {
            change.clients = core::parse_client_ids(u->clients);
        }
        if (u->visible || u->hidden) {
            change.visible = u->visible;
        }
        show_system(ctx, ctx.registry().update_system(*id, change));
    });

    auto* deactivate = system->add_subcommand(
        "deactivate", "Deactivate an own system: its system users get no more tokens");
    deactivate->add_option("system_id", *id, "the system")->required()->check(system_id());
    example(deactivate, "mpctl system deactivate 910000004_payroll");
    deactivate->callback([&ctx, id] {
        auto s = ctx.registry().deactivate_system(*id);
        ctx.emit_change(s, [&] { std::cout << "deactivated system " << s.value.id << '\n'; });
    });

    auto* activate = system->add_subcommand(
        "activate",
        "Activate a deactivated system again (the operator's deactivation: operator only)");
    activate->add_option("system_id", *id, "the system")->required()->check(system_id());
    example(activate, "mpctl system activate 910000004_payroll");
    activate->callback([&ctx, id] {
        core::SystemUpdate change;
        change.active = true;
        auto s = ctx.registry().update_system(*id, change);
        ctx.emit(s, [&] { std::cout << "activated system " << s.id << '\n'; });
    });
}

void add_systemuser(CLI::App& app, Context& ctx) {
    auto* systemuser = app.add_subcommand(
        "systemuser", "System users: a customer's approval of a vendor's system");
    systemuser->require_subcommand(1);
    add_server_options(systemuser, ctx);
    auto id = std::make_shared<std::string>();

    struct AddArgs {
        std::string system;
        std::string customer;
        std::string external_ref;
        std::string title;
    };
    auto a = std::make_shared<AddArgs>();
    auto* add = systemuser->add_subcommand("add", "Let a vendor's system act for a customer");
    add->add_option("--system", a->system, "the system")->required()->check(system_id());
    add->add_option("--customer", a->customer, "the customer org (default: the --as org)")
        ->check(org_number());
    auto* ref_opt = add->add_option("--external-ref", a->external_ref,
                                    "which of the customer's system users of the system "
                                    "(externalRef; default: the customer's org number)")
                        ->check(external_ref());
    add->add_option("--title", a->title, "integrationTitle (default: the system's name)");
    example(add, "mpctl --as 930000000 systemuser add --system 910000004_payroll");
    add->callback([&ctx, a, ref_opt] {
        const auto& actor = ctx.registry().actor();
        if (a->customer.empty() && actor.is_operator()) {
            usage_error("give the customer org with --customer ORGNO");
        }
        core::SystemUserSpec spec{
            .system_id = a->system,
            .customer = a->customer.empty() ? *actor.org() : core::OrgNumber::parse(a->customer),
            .external_ref = ref_opt->count() > 0 ? std::optional(a->external_ref) : std::nullopt,
            .integration_title = a->title};
        auto user = ctx.registry().add_systemuser(spec);
        ctx.emit(user, [&] { print_record(user); });
    });

    struct ListArgs {
        std::string system;
        std::string customer;
        bool inactive = false;
    };
    auto la = std::make_shared<ListArgs>();
    auto* list = systemuser->add_subcommand(
        "list", "List system users of an org as customer or as vendor (all for the operator)");
    list->add_option("--system", la->system, "only those of this system")->check(system_id());
    list->add_option("--customer", la->customer, "only those of this customer")
        ->check(org_number());
    list->add_flag("--inactive", la->inactive, "include deactivated system users");
    example(list, "mpctl --as 910000004 systemuser list --system 910000004_payroll");
    list->callback([&ctx, la] {
        core::SystemUserFilter filter;
        if (!la->system.empty()) {
            filter.system = la->system;
        }
        if (!la->customer.empty()) {
            filter.customer = core::OrgNumber::parse(la->customer);
        }
        filter.include_inactive = la->inactive;
        auto users = ctx.registry().systemusers(filter);
        std::vector<Row> rows;
        for (const auto& u : users) {
            rows.push_back(
                {u.id, u.system_id, u.customer_orgno, u.external_ref, u.active ? "yes" : "no"});
        }
        ctx.emit(users, [&] {
            print_table({"ID", "SYSTEM", "CUSTOMER", "EXTERNAL REF", "ACTIVE"}, rows);
        });
    });

    auto* show = systemuser->add_subcommand("show", "Show one system user");
    show->add_option("id", *id, "the system user")->required()->check(uuid("system user id"));
    example(show, "mpctl systemuser show SYSTEM_USER_ID --json");
    show->callback([&ctx, id] {
        auto user = ctx.registry().systemuser(systemuser_id(*id));
        ctx.emit(user, [&] { print_record(user); });
    });

    auto* deactivate = systemuser->add_subcommand(
        "deactivate", "Deactivate a system user of the customer (kept for the log)");
    deactivate->add_option("id", *id, "the system user")->required()->check(uuid("system user id"));
    example(deactivate, "mpctl --as 930000000 systemuser deactivate SYSTEM_USER_ID");
    deactivate->callback([&ctx, id] {
        auto uid = systemuser_id(*id);
        auto user = ctx.registry().deactivate_systemuser(uid);
        ctx.emit_change(user,
                        [&] { std::cout << "deactivated system user " << user.value.id << '\n'; });
    });
}

}  // namespace mpctl::cli
