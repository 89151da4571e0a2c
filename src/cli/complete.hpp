// SPDX-License-Identifier: Apache-2.0
// Shell completion, answered by mpctl itself: the bash, zsh and fish scripts
// pass the words typed so far to the hidden command `mpctl __complete` and
// offer what it prints. One walk over the same command tree as --help, so
// that every shell completes alike and nothing can drift.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/context.hpp"
#include "cli/words.hpp"

namespace mpctl::cli {

// What a value of a given kind ("SCOPE", "CLIENT_ID") can be, from the store
// of the command line being completed (`walk.values` holds its --db, --as).
using Lookup = std::function<std::vector<std::string>(const std::string& kind, const Walk& walk)>;

// The candidates for the last of `words` (the word being typed, maybe
// empty), one per element. Instead of candidates, a single ":file" or ":dir"
// asks the shell for its own file name completion.
std::vector<std::string> complete(const CLI::App& root, const std::vector<std::string>& words,
                                  const Lookup& lookup);

// `mpctl __complete [--] WORD...`, which main() answers before parsing: prints
// complete()'s answer one per line, with scope names and client ids from the
// store the words name (--db, --as). Prints nothing for what it cannot read.
void print_completions(const CLI::App& app, Context& ctx, std::vector<std::string> words);

}  // namespace mpctl::cli
