// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace mpctl::core::util {

// What read_file() and read_stdin() take at most unless told: more than any
// key, certificate chain, JWK set or token this reads.
inline constexpr size_t k_max_input = size_t{1} << 20;

// The whole of a regular file of at most `max` bytes. Throws mpctl::Error
// naming the path when it cannot be read, is larger, or is not a regular
// file (a directory, FIFO or device: never read without end, never waited on).
std::string read_file(const std::filesystem::path& path, size_t max = k_max_input);

// Standard input to its end, at most `max` bytes.
std::string read_stdin(size_t max = k_max_input);

// Writes a new file with the given mode, atomically (temp file + rename), so a
// reader never sees half a file. Refuses to replace an existing file unless told.
void write_file(const std::filesystem::path& path, std::string_view data, unsigned mode,
                bool replace = false);

// Creates the directory and its parents; the last one gets the given mode.
void make_private_dir(const std::filesystem::path& path, unsigned mode = 0700);

}  // namespace mpctl::core::util
