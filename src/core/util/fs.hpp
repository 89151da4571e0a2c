// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace mpctl::core::util {

// The whole file; throws mpctl::Error naming the path when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// Writes a new file with the given mode, atomically (temp file + rename), so a
// reader never sees half a file. Refuses to replace an existing file unless told.
void write_file(const std::filesystem::path& path, std::string_view data, unsigned mode,
                bool replace = false);

// Creates the directory and its parents; the last one gets the given mode.
void make_private_dir(const std::filesystem::path& path, unsigned mode = 0700);

}  // namespace mpctl::core::util
