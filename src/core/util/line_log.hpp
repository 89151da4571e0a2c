// SPDX-License-Identifier: Apache-2.0
// A log file kept open for appending whole lines, for logs written on every
// request (the audit log, the access log): opening the file per line cost
// three system calls and a path lookup each time.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace mpctl::core::util {

class LineLog {
  public:
    // Opens (or creates, with `mode`) the file; throws mpctl::Error naming it.
    LineLog(std::filesystem::path path, unsigned mode);
    // Writes to a stream it does not own (standard output or error), named
    // `name` in errors; it is never reopened or closed.
    LineLog(int fd, std::string name);
    LineLog(const LineLog&) = delete;
    LineLog& operator=(const LineLog&) = delete;
    ~LineLog();

    // Appends `line` and a newline with one write: lines from concurrent
    // callers, and from other processes appending the same file, never
    // interleave. Throws mpctl::Error (unavailable) naming the file when it
    // cannot; a line cut short by a full disk is ended by the next append.
    void append(std::string_view line);

    // Why the last append failed, while that still holds: nullopt once an
    // append succeeded, or the file system has room again (for a full disk)
    // or is writable again (for a read-only one).
    std::optional<std::string> fault();

    // When the path no longer names the open file (logrotate moved it, or it
    // was removed), opens the path anew, so that the next line goes to the
    // new file. Returns whether it did. Cheap enough to call every second.
    bool reopen_if_moved();

  private:
    int open_file() const;

    std::filesystem::path m_path;  // empty for a stream
    std::string m_name;
    unsigned m_mode;
    static constexpr unsigned long k_room = 64 * 1024;  // "room again" for fault()

    std::shared_mutex m_mutex;  // an append and swapping the file take it alone
    int m_fd;
    std::atomic<bool> m_torn{false};  // the last line written lacks its newline
    std::atomic<int> m_fault{0};      // errno of the last append, 0 after a success
};

}  // namespace mpctl::core::util
