// SPDX-License-Identifier: Apache-2.0
#include "cli/complete.hpp"

#include <algorithm>
#include <cstddef>
#include <exception>
#include <iostream>
#include <optional>

#include "core/clients.hpp"
#include "core/scopes.hpp"
#include "core/systems.hpp"

namespace mpctl::cli {

namespace {

// The values an option or argument may take, by what --help calls it:
// "TEXT:{rsa,ec,ed25519}" lists them, FILE and DIR are the shell's, and the
// store knows the rest (SCOPE, CLIENT_ID, SYSTEM_ID, SYSTEM_USER_ID).
std::vector<std::string> values_of(const CLI::Option* option, const Walk& walk,
                                   const Lookup& lookup) {
    std::string type = option->get_type_name();
    auto open = type.find(":{");
    if (open != std::string::npos && type.back() == '}') {
        std::vector<std::string> words;
        std::string list = type.substr(open + 2, type.size() - open - 3);
        for (size_t at = 0; at <= list.size();) {
            size_t comma = std::min(list.find(',', at), list.size());
            words.push_back(list.substr(at, comma - at));
            at = comma + 1;
        }
        return words;
    }
    if (type == "FILE") {
        return {":file"};
    }
    if (type == "DIR" || type == "DIR|URI") {
        return {":dir"};
    }
    return lookup(type, walk);
}

// The long options usable at `app`: its own and those of the commands
// above it (--db, --json, --as), as CLI11 accepts them there.
std::vector<std::string> options_at(const CLI::App* app) {
    std::vector<std::string> out;
    for (const CLI::App* at = app; at != nullptr; at = at->get_parent()) {
        for (const CLI::Option* option : at->get_options()) {
            const auto& names = option->get_lnames();
            bool own_only = names == std::vector<std::string>{"help"} ||
                            names == std::vector<std::string>{"version"};
            if (option->nonpositional() && !option->get_group().empty() &&
                (at == app || !own_only)) {
                for (const auto& name : names) {
                    out.push_back("--" + name);
                }
            }
        }
    }
    return out;
}

std::vector<std::string> starting_with(const std::vector<std::string>& words,
                                       const std::string& prefix) {
    if (words.size() == 1 && words[0].starts_with(":")) {
        return words;  // the shell's own file completion
    }
    std::vector<std::string> out;
    for (const auto& w : words) {
        if (w.starts_with(prefix) && std::find(out.begin(), out.end(), w) == out.end()) {
            out.push_back(w);
        }
    }
    return out;
}

}  // namespace

std::vector<std::string> complete(const CLI::App& root, const std::vector<std::string>& words,
                                  const Lookup& lookup) {
    if (words.empty()) {
        return {};
    }
    const std::string& cur = words.back();
    Walk walk = walk_words(root, {words.begin(), words.end() - 1});
    if (walk.unknown) {
        return {};
    }
    if (walk.pending != nullptr) {
        return starting_with(values_of(walk.pending, walk, lookup), cur);
    }
    if (!walk.after_dashes && cur.starts_with("-")) {
        auto eq = cur.find('=');
        if (eq == std::string::npos) {
            return starting_with(options_at(walk.app), cur);
        }
        const auto* option = find_option(walk.app, cur);
        if (option == nullptr || !takes_value(option)) {
            return {};
        }
        auto values = values_of(option, walk, lookup);
        if (values.size() == 1 && values[0].starts_with(":")) {
            return values;
        }
        for (auto& v : values) {
            v = cur.substr(0, eq + 1) + v;
        }
        return starting_with(values, cur);
    }
    std::vector<std::string> candidates;
    if (!walk.after_dashes && walk.arguments == 0) {
        for (const auto* c : visible_commands(walk.app)) {
            candidates.push_back(c->get_name());
        }
    }
    auto arguments = arguments_of(walk.app);
    bool argument_next = !arguments.empty() && (walk.arguments < arguments.size() ||
                                                arguments.back()->get_expected_max() > 1);
    if (argument_next) {
        const CLI::Option* argument = arguments[std::min(walk.arguments, arguments.size() - 1)];
        auto values = values_of(argument, walk, lookup);
        if (candidates.empty() && values.size() == 1 && values[0].starts_with(":")) {
            return values;
        }
        candidates.insert(candidates.end(), values.begin(), values.end());
    }
    if (candidates.empty() && !argument_next && cur.empty() && !walk.after_dashes) {
        return options_at(walk.app);  // no command or argument comes here: an option may
    }
    return starting_with(candidates, cur);
}

void print_completions(const CLI::App& app, Context& ctx, std::vector<std::string> words) {
    if (!words.empty() && words.front() == "--") {
        words.erase(words.begin());
    }
    Lookup lookup = [&ctx](const std::string& kind, const Walk& walk) {
        std::vector<std::string> out;
        try {
            // The store and org of the command line being completed.
            if (auto db = walk.values.find("--db"); db != walk.values.end()) {
                ctx.db = db->second;
            }
            if (auto as = walk.values.find("--as"); as != walk.values.end()) {
                ctx.as_org = as->second;
            }
            if (kind == "SCOPE") {
                auto txn = ctx.store().read();
                for (const auto& s : core::list_own_scopes(txn, ctx.actor(), false)) {
                    out.push_back(s.name.str());
                }
                for (const auto& s : core::list_public_scopes(txn, false)) {
                    out.push_back(s.name.str());
                }
            } else if (kind == "CLIENT_ID") {
                auto txn = ctx.store().read();
                for (const auto& c : core::list_clients(txn, ctx.actor(), std::nullopt, false)) {
                    out.push_back(c.client_id);
                }
            } else if (kind == "SYSTEM_ID") {
                for (const auto& s : core::list_systems(ctx.store().read(), ctx.actor(), false)) {
                    out.push_back(s.id);
                }
            } else if (kind == "SYSTEM_USER_ID") {
                auto txn = ctx.store().read();
                for (const auto& u : core::list_systemusers(txn, ctx.actor(), {})) {
                    out.push_back(u.id);
                }
            }
        } catch (const std::exception&) {
            // No store, or not readable: nothing to offer, and nothing to say.
        }
        return out;
    };
    for (const auto& candidate : complete(app, words, lookup)) {
        std::cout << candidate << '\n';
    }
}

}  // namespace mpctl::cli
