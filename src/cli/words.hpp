// SPDX-License-Identifier: Apache-2.0
// Reading a command line the way CLI11 will, without running it: which
// command the words lead to, which options took which values, and where the
// first unknown command word is. The "did you mean" message and the shell
// completions both stand on it.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace mpctl::cli {

struct Walk {
    const CLI::App* app = nullptr;              // the command the words lead to
    size_t arguments = 0;                       // its positional arguments given so far
    const CLI::Option* pending = nullptr;       // an option whose value is the next word
    bool after_dashes = false;                  // "--" seen: only arguments follow
    std::optional<std::string> unknown;         // a word where a command was expected
    std::map<std::string, std::string> values;  // "--db" -> "DIR", for options given a value
};

// Walks `words` (the arguments after "mpctl") from `root`.
Walk walk_words(const CLI::App& root, const std::vector<std::string>& words);

// The option named `arg` ("--db", "--db=x") at `app` or a parent (global
// options may come after a command), if any.
const CLI::Option* find_option(const CLI::App* app, std::string_view arg);

// Whether an option takes a value (a flag does not).
bool takes_value(const CLI::Option* option);

// The commands under `app` that a user may type (not the hidden ones).
std::vector<const CLI::App*> visible_commands(const CLI::App* app);

// The positional arguments of `app`, in order.
std::vector<const CLI::Option*> arguments_of(const CLI::App* app);

// "mpctl client keys": the words that lead to `app`.
std::string command_path(const CLI::App* app);

}  // namespace mpctl::cli
