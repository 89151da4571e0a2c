// SPDX-License-Identifier: Apache-2.0
#include "core/util/line_log.hpp"

#include <cerrno>
#include <cstring>
#include <mutex>

#include <fcntl.h>
#include <sys/stat.h>
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
    iovec parts[2] = {{const_cast<char*>(line.data()), line.size()}, {&newline, 1}};
    ssize_t n = 0;
    {
        std::shared_lock lock(m_mutex);
        do {
            n = ::writev(m_fd, parts, 2);
        } while (n < 0 && errno == EINTR);
    }
    if (n != static_cast<ssize_t>(line.size() + 1)) {
        fail(ErrorKind::failure,
             fmt::format("cannot append to {}: {}", m_name,
                         n < 0 ? std::strerror(errno) : "short write (disk full?)"));
    }
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
