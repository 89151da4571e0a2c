// SPDX-License-Identifier: Apache-2.0
#include "core/util/line_reader.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <fmt/format.h>

#include "core/util/error.hpp"

namespace mpctl::core::util {

namespace {

constexpr unsigned k_chunk = 64 * 1024;

gzFile file_of(void* f) {
    return static_cast<gzFile>(f);
}

}  // namespace

LineReader::LineReader(const std::filesystem::path& path)
    : m_name(fmt::format("\"{}\"", path.string())) {
    // Not blocking: a FIFO at the path must not hang the reader.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT) {
            m_end = true;
            return;
        }
        fail(ErrorKind::failure, fmt::format("cannot read {}: {}", m_name, std::strerror(errno)));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        fail(ErrorKind::failure, fmt::format("cannot read {}: not a regular file", m_name));
    }
    m_file = gzdopen(fd, "rb");
    if (m_file == nullptr) {
        ::close(fd);
        fail(ErrorKind::failure, fmt::format("cannot read {}: out of memory", m_name));
    }
    gzbuffer(file_of(m_file), k_chunk);
}

LineReader::~LineReader() {
    if (m_file != nullptr) {
        gzclose(file_of(m_file));
    }
}

// Appends the next chunk to m_buffer; false at the end (or a broken file).
bool LineReader::fill() {
    if (m_end) {
        return false;
    }
    size_t had = m_buffer.size();
    m_buffer.resize(had + k_chunk);
    int n = gzread(file_of(m_file), m_buffer.data() + had, k_chunk);
    m_buffer.resize(had + (n > 0 ? static_cast<size_t>(n) : 0));
    if (n > 0) {
        return true;
    }
    m_end = true;
    int code = Z_OK;
    const char* words = gzerror(file_of(m_file), &code);
    // The end; or a compressed file cut short (a crash while it was being
    // compressed), whose lines before the cut are kept. Anything else
    // (damaged data, an I/O error) is not an end: the reader fails.
    if (n < 0 && code != Z_BUF_ERROR) {
        fail(ErrorKind::failure, fmt::format("cannot read {}: {}", m_name,
                                             code == Z_ERRNO ? std::strerror(errno) : words));
    }
    return false;
}

bool LineReader::next(std::string& line) {
    bool skipping = false;  // inside a line over k_max_line
    while (true) {
        size_t newline = m_buffer.find('\n', m_at);
        if (newline != std::string::npos) {
            size_t start = m_at;
            m_at = newline + 1;
            if (skipping || newline - start > k_max_line) {
                skipping = false;
                continue;
            }
            line.assign(m_buffer, start, newline - start);
            return true;
        }
        // No whole line left: keep the rest, unless it is already too long.
        if (m_buffer.size() - m_at > k_max_line) {
            skipping = true;
            m_buffer.clear();
        } else {
            m_buffer.erase(0, m_at);
        }
        m_at = 0;
        if (!fill()) {
            if (skipping || m_buffer.empty()) {
                m_buffer.clear();
                return false;
            }
            line = std::move(m_buffer);
            m_buffer.clear();
            return true;
        }
    }
}

}  // namespace mpctl::core::util
