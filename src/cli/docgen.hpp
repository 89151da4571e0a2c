// SPDX-License-Identifier: Apache-2.0
// The man page and shell completions, written from the CLI11 command tree
// itself, so that they always list exactly the commands and options there are.
#pragma once

#include <ostream>
#include <string_view>

#include <CLI/CLI.hpp>

namespace mpctl::cli {

// format: "man", "bash", "zsh" or "fish". Throws on anything else.
void write_doc(const CLI::App& app, std::string_view format, std::ostream& out);

}  // namespace mpctl::cli
