// SPDX-License-Identifier: Apache-2.0
#include "cli/words.hpp"

namespace mpctl::cli {

const CLI::Option* find_option(const CLI::App* app, std::string_view arg) {
    std::string name(arg.substr(0, arg.find('=')));
    for (; app != nullptr; app = app->get_parent()) {
        if (const auto* option = app->get_option_no_throw(name)) {
            return option;
        }
    }
    return nullptr;
}

bool takes_value(const CLI::Option* option) {
    return option->get_expected_max() > 0;
}

std::vector<const CLI::App*> visible_commands(const CLI::App* app) {
    return app->get_subcommands([](const CLI::App* c) { return !c->get_group().empty(); });
}

std::vector<const CLI::Option*> arguments_of(const CLI::App* app) {
    return app->get_options([](const CLI::Option* o) { return o->get_positional(); });
}

std::string command_path(const CLI::App* app) {
    std::string path;
    for (; app->get_parent() != nullptr; app = app->get_parent()) {
        path = " " + app->get_name() + path;
    }
    return "mpctl" + path;
}

Walk walk_words(const CLI::App& root, const std::vector<std::string>& words) {
    Walk walk;
    walk.app = &root;
    for (const std::string& word : words) {
        if (walk.pending != nullptr) {
            walk.values[walk.pending->get_name()] = word;
            walk.pending = nullptr;
            continue;
        }
        if (!walk.after_dashes && word == "--") {
            walk.after_dashes = true;
            continue;
        }
        if (!walk.after_dashes && word.starts_with("-")) {
            const auto* option = find_option(walk.app, word);
            if (option != nullptr && takes_value(option)) {
                auto eq = word.find('=');
                if (eq == std::string::npos) {
                    walk.pending = option;
                } else {
                    walk.values[option->get_name()] = word.substr(eq + 1);
                }
            }
            continue;
        }
        if (!walk.after_dashes && walk.arguments == 0) {
            const CLI::App* next = nullptr;
            for (const auto* c : visible_commands(walk.app)) {
                if (c->get_name() == word) {
                    next = c;
                }
            }
            if (next != nullptr) {
                walk.app = next;
                continue;
            }
            if (!visible_commands(walk.app).empty() && arguments_of(walk.app).empty()) {
                walk.unknown = word;
                return walk;
            }
        }
        ++walk.arguments;
    }
    return walk;
}

}  // namespace mpctl::cli
