// SPDX-License-Identifier: Apache-2.0
// Reading a log's lines from a file that may be gzip-compressed (zlib reads
// a plain file as it is): the audit log and the files logrotate made of it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace mpctl::core::util {

class LineReader {
  public:
    // Opens `path`; a file that does not exist reads as empty. Throws
    // mpctl::Error (failure) naming the file when it cannot be read or is
    // no regular file.
    explicit LineReader(const std::filesystem::path& path);
    LineReader(const LineReader&) = delete;
    LineReader& operator=(const LineReader&) = delete;
    ~LineReader();

    // The next line (without its newline) of at most `k_max_line` bytes: a
    // longer one is skipped without keeping it in memory. A last line
    // without a newline counts; a NUL stays in its line. False at the end,
    // or where a compressed file is cut short (what came before it counts).
    // Throws mpctl::Error (failure) naming the file for damaged compressed
    // data or a read error.
    bool next(std::string& line);

    static constexpr size_t k_max_line = 64 * 1024;

  private:
    bool fill();

    std::string m_name;
    void* m_file = nullptr;  // zlib's gzFile
    std::string m_buffer;    // read and not yet returned
    size_t m_at = 0;         // where in m_buffer the next line starts
    bool m_end = false;
};

}  // namespace mpctl::core::util
