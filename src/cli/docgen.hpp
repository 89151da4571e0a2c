// SPDX-License-Identifier: Apache-2.0
// The man page, written from the CLI11 command tree itself, so that it always
// lists exactly the commands and options there are, with what --help says.
// (The shell completions ask mpctl itself: complete.hpp.)
#pragma once

#include <ostream>
#include <string_view>

#include <CLI/CLI.hpp>

namespace mpctl::cli {

// format: "man". Throws on anything else.
void write_doc(const CLI::App& app, std::string_view format, std::ostream& out);

}  // namespace mpctl::cli
