// SPDX-License-Identifier: Apache-2.0
#include "core/util/fs.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/util/error.hpp"

namespace mpctl::core::util {

namespace {

[[noreturn]] void fail_errno(const std::string& what, const std::filesystem::path& path) {
    fail(ErrorKind::failure,
         fmt::format("{} \"{}\": {}", what, path.string(), std::strerror(errno)));
}

// Owns a file descriptor; closes it on every path out.
class Fd {
  public:
    explicit Fd(int fd) : m_fd(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    int get() const { return m_fd; }
    int release() {
        int fd = m_fd;
        m_fd = -1;
        return fd;
    }

  private:
    int m_fd;
};

}  // namespace

namespace {

const char* file_type(mode_t mode) {
    if (S_ISDIR(mode)) {
        return "a directory";
    }
    if (S_ISFIFO(mode)) {
        return "a FIFO";
    }
    if (S_ISCHR(mode) || S_ISBLK(mode)) {
        return "a device";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    return "not a regular file";
}

// Reads `fd` to its end, refusing more than `max` bytes.
std::string read_capped(int fd, size_t max, const std::string& name) {
    std::string out;
    char buffer[16 * 1024];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            fail(ErrorKind::failure, fmt::format("cannot read {}: {}", name, std::strerror(errno)));
        }
        if (n == 0) {
            return out;
        }
        if (out.size() + size_t(n) > max) {
            fail(ErrorKind::invalid_input,
                 fmt::format("{} is larger than {} KiB, more than any key, certificate or "
                             "JWK set this reads",
                             name, max >> 10));
        }
        out.append(buffer, size_t(n));
    }
}

}  // namespace

std::string read_file(const std::filesystem::path& path, size_t max) {
    // O_NONBLOCK: opening a FIFO must not wait for a writer before it is refused.
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (fd.get() < 0) {
        fail_errno("cannot read", path);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        fail_errno("cannot read", path);
    }
    if (!S_ISREG(st.st_mode)) {
        fail(ErrorKind::invalid_input, fmt::format("\"{}\" is {}; a regular file was expected",
                                                   path.string(), file_type(st.st_mode)));
    }
    return read_capped(fd.get(), max, fmt::format("\"{}\"", path.string()));
}

std::string read_stdin(size_t max) {
    return read_capped(STDIN_FILENO, max, "standard input");
}

void write_file(const std::filesystem::path& path, std::string_view data, unsigned mode,
                bool replace) {
    if (!replace && std::filesystem::exists(path)) {
        fail(ErrorKind::conflict,
             fmt::format("\"{}\" exists already; will not overwrite it", path.string()));
    }
    auto tmp = path;
    tmp += fmt::format(".tmp{}", ::getpid());
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (fd.get() < 0) {
        fail_errno("cannot create", path);  // the user's name, not the temporary one's
    }
    // The umask may have taken bits away; secrets must still not be readable by others.
    if (::fchmod(fd.get(), mode) != 0) {
        int saved = errno;
        ::unlink(tmp.c_str());
        errno = saved;
        fail_errno("cannot set mode of", path);
    }
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int saved = errno;
            ::unlink(tmp.c_str());
            errno = saved;
            fail_errno("cannot write", path);
        }
        done += size_t(n);
    }
    if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
        int saved = errno;
        ::unlink(tmp.c_str());
        errno = saved;
        fail_errno("cannot write", path);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        fail_errno("cannot rename to", path);
    }
}

void make_private_dir(const std::filesystem::path& path, unsigned mode) {
    std::error_code ec;
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path(), ec);
    }
    if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
        fail_errno("cannot create directory", path);
    }
    if (!std::filesystem::is_directory(path)) {
        fail(ErrorKind::failure, fmt::format("\"{}\" is not a directory", path.string()));
    }
}

}  // namespace mpctl::core::util
