// SPDX-License-Identifier: Apache-2.0
// A small tmpfs, mounted for one test, to fill up: the full disk that a
// server meets in production, made on purpose. Mounting needs root.
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "support/temp_dir.hpp"

namespace mpctl::test {

class TinyFs {
  public:
    explicit TinyFs(size_t bytes) {
        std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
        if (::mount("tmpfs", m_dir.path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                    options.c_str()) == 0) {
            m_mounted = true;
        } else {
            m_why = std::string("cannot mount a tmpfs: ") + std::strerror(errno) +
                    " (the full-disk tests need root)";
        }
    }
    TinyFs(const TinyFs&) = delete;
    TinyFs& operator=(const TinyFs&) = delete;
    ~TinyFs() {
        if (m_mounted) {
            ::umount2(m_dir.path().c_str(), MNT_DETACH);
        }
    }

    bool mounted() const { return m_mounted; }
    const std::string& why_not() const { return m_why; }
    const std::filesystem::path& path() const { return m_dir.path(); }

    // Writes a filler file until the file system has no room left.
    void fill() {
        int fd = ::open((path() / "filler").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        static const std::string block(4096, 'x');
        while (::write(fd, block.data(), block.size()) > 0) {
        }
        // The last partial block, byte by byte.
        while (::write(fd, "x", 1) > 0) {
        }
        ::close(fd);
    }

    // Makes room again.
    void free() { std::filesystem::remove(path() / "filler"); }

  private:
    TempDir m_dir;
    bool m_mounted = false;
    std::string m_why;
};

}  // namespace mpctl::test
