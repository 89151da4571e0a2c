// SPDX-License-Identifier: Apache-2.0
#include "core/util/line_log.hpp"

#include <cerrno>
#include <cstring>
#include <mutex>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/util/error.hpp"

namespace mpctl::core::util {

LineLog::LineLog(std::filesystem::path path, unsigned mode)
    : m_path(std::move(path)),
      m_name(fmt::format("\"{}\"", m_path.string())),
      m_mode(mode),
      m_fd(open_file()) {}

LineLog::LineLog(int fd, std::string name) : m_name(std::move(name)), m_mode(0), m_fd(fd) {}

LineLog::~LineLog() {
    if (!m_path.empty()) {
        ::close(m_fd);
    }
}

int LineLog::open_file() const {
    int fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, m_mode);
    if (fd < 0) {
        fail(ErrorKind::failure,
             fmt::format("cannot open \"{}\": {}", m_path.string(), std::strerror(errno)));
    }
    return fd;
}

void LineLog::append(std::string_view line) {
    char newline = '\n';
    // One append at a time: after a short write, the next line must start
    // with the newline the torn one lacks, and no other line may come
    // between. (A writev per line; the lock costs little beside it.)
    std::unique_lock lock(m_mutex);
    bool end_torn = m_torn.load(std::memory_order_relaxed);
    iovec parts[3] = {{&newline, 1}, {const_cast<char*>(line.data()), line.size()}, {&newline, 1}};
    iovec* first = end_torn ? parts : parts + 1;
    int count = end_torn ? 3 : 2;
    size_t want = line.size() + (end_torn ? 2 : 1);
    ssize_t n = 0;
    do {
        n = ::writev(m_fd, first, count);
    } while (n < 0 && errno == EINTR);
    if (n == static_cast<ssize_t>(want)) {
        m_torn.store(false, std::memory_order_relaxed);
        m_fault.store(0, std::memory_order_relaxed);
        return;
    }
    int error = n < 0 ? errno : ENOSPC;  // a short write: the file system filled up
    if (n > 0) {
        m_torn.store(true, std::memory_order_relaxed);
    }
    m_fault.store(error, std::memory_order_relaxed);
    fail(ErrorKind::unavailable,
         fmt::format("cannot append to {}: {}", m_name, std::strerror(error)));
}

std::optional<std::string> LineLog::fault() {
    int error = m_fault.load(std::memory_order_relaxed);
    if (error == 0) {
        return std::nullopt;
    }
    struct statvfs fs {};
    int rc = 0;
    {
        std::shared_lock lock(m_mutex);
        rc = ::fstatvfs(m_fd, &fs);
    }
    if (rc == 0) {
        // Room again (root may use the blocks kept back for it), or writable
        // again: the next line is likely to go through.
        auto blocks = ::geteuid() == 0 ? fs.f_bfree : fs.f_bavail;
        bool room = blocks * fs.f_frsize >= k_room;
        bool writable = (fs.f_flag & ST_RDONLY) == 0;
        if (((error == ENOSPC || error == EDQUOT) && room) || (error == EROFS && writable)) {
            m_fault.compare_exchange_strong(error, 0);
            return std::nullopt;
        }
    }
    return std::string(std::strerror(error));
}

bool LineLog::reopen_if_moved() {
    if (m_path.empty()) {
        return false;  // a stream
    }
    struct stat at_path {};
    struct stat open_file_stat {};
    {
        std::shared_lock lock(m_mutex);
        if (::fstat(m_fd, &open_file_stat) != 0) {
            return false;
        }
    }
    if (::stat(m_path.c_str(), &at_path) == 0 && at_path.st_dev == open_file_stat.st_dev &&
        at_path.st_ino == open_file_stat.st_ino) {
        return false;
    }
    int fresh = open_file();
    int old = 0;
    {
        std::unique_lock lock(m_mutex);
        old = m_fd;
        m_fd = fresh;
    }
    ::close(old);
    return true;
}

}  // namespace mpctl::core::util
