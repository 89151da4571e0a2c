// SPDX-License-Identifier: Apache-2.0
#include "core/util/lmdb.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <lmdb.h>
#include <unistd.h>

#include <fmt/format.h>

namespace mpctl::core::util::lmdb {

namespace {

// Errors of the file system that pass once an operator makes room or fixes
// permissions, rather than a broken store.
ErrorKind kind_of(int rc) {
    switch (rc) {
        case ENOSPC:
        case EDQUOT:
        case EROFS:
        case EACCES:
        case EPERM:
            return ErrorKind::unavailable;
        default:
            return ErrorKind::failure;
    }
}

void check(int rc, std::string_view what) {
    if (rc != MDB_SUCCESS) {
        throw LmdbError(rc, fmt::format("{}: {}", what, mdb_strerror(rc)));
    }
}

MDB_val to_val(std::string_view s) {
    return MDB_val{s.size(), const_cast<char*>(s.data())};
}

std::string_view to_sv(const MDB_val& v) {
    return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

// Owns a cursor for the length of one scan.
class Cursor {
  public:
    Cursor(MDB_txn* txn, Dbi dbi) { check(mdb_cursor_open(txn, dbi, &m_cursor), "open cursor"); }
    Cursor(const Cursor&) = delete;
    ~Cursor() { mdb_cursor_close(m_cursor); }
    MDB_cursor* get() const { return m_cursor; }

  private:
    MDB_cursor* m_cursor = nullptr;
};

}  // namespace

LmdbError::LmdbError(int code, const std::string& message)
    : Error(kind_of(code), message), m_code(code) {}

bool LmdbError::map_full() const noexcept {
    return m_code == MDB_MAP_FULL;
}
bool LmdbError::map_resized() const noexcept {
    return m_code == MDB_MAP_RESIZED;
}

namespace {

// fallocate(2) itself, not posix_fallocate: where the file system cannot
// allocate (older ZFS, NFS), glibc's fallback writes zeros into blocks it
// reads as zero, racing with writers of the map. There nothing is reserved
// (0 is returned); on a copy-on-write file system a reservation does not
// hold anyway.
int allocate(int fd, off_t bytes) {
    for (;;) {
        if (::fallocate(fd, 0, 0, bytes) == 0) {
            return 0;
        }
        if (errno == EINTR) {
            continue;
        }
        return errno == EOPNOTSUPP ? 0 : errno;
    }
}

// LMDB maps its lock file and writes into it through the map: on a full
// file system, the first touch of a page it has not allocated is SIGBUS.
// Created here with its blocks allocated, LMDB finds it ready (it only
// ever grows a lock file that is smaller than it needs).
void reserve_lock_file(const std::filesystem::path& dir) {
    constexpr off_t k_lock_bytes = 64 * 1024;  // 126 readers need about 8 KiB
    auto path = dir / "lock.mdb";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw LmdbError(errno,
                        fmt::format("open {}: {}", path.filename().string(), std::strerror(errno)));
    }
    int rc = allocate(fd, k_lock_bytes);
    ::close(fd);
    if (rc != 0) {
        throw LmdbError(rc, fmt::format("reserve its lock file: {}", std::strerror(rc)));
    }
}

}  // namespace

Env::Env(const std::filesystem::path& dir, unsigned max_dbs, size_t map_size, bool sync) {
    reserve_lock_file(dir);
    check(mdb_env_create(&m_env), "create environment");
    try {
        check(mdb_env_set_maxdbs(m_env, max_dbs), "set max databases");
        check(mdb_env_set_mapsize(m_env, map_size), "set map size");
        // MDB_NOTLS: read transactions are not tied to threads, so a server may
        // hand them between threads and keep several per thread.
        // Without sync (the token memory), commits go straight into the map
        // (MDB_WRITEMAP): no write() per commit; flush() writes them out.
        unsigned flags = MDB_NOTLS | (sync ? 0u : static_cast<unsigned>(MDB_NOSYNC | MDB_WRITEMAP));
        check(mdb_env_open(m_env, dir.c_str(), flags, 0600), "open");
    } catch (...) {
        mdb_env_close(m_env);
        throw;
    }
}

Env::Env(Env&& other) noexcept : m_env(other.m_env) {
    other.m_env = nullptr;
}

Env::~Env() {
    if (m_env != nullptr) {
        mdb_env_close(m_env);
    }
}

void Env::set_map_size(size_t bytes) {
    check(mdb_env_set_mapsize(m_env, bytes), "set map size");
}

void Env::reserve(size_t bytes) {
    int fd = -1;
    check(mdb_env_get_fd(m_env, &fd), "find the data file");
    // The data file's blocks, allocated now: a write through the map into a
    // hole of a sparse file on a full file system is SIGBUS, not an error.
    int rc = allocate(fd, static_cast<off_t>(bytes));
    if (rc != 0) {
        throw LmdbError(rc,
                        fmt::format("reserve {} MiB on disk: {}", bytes >> 20, std::strerror(rc)));
    }
}

void Env::sync() {
    check(mdb_env_sync(m_env, 1), "sync");
}

size_t Env::map_size() const {
    MDB_envinfo info;
    check(mdb_env_info(m_env, &info), "read environment info");
    return info.me_mapsize;
}

size_t Env::used_bytes() const {
    MDB_envinfo info;
    MDB_stat stat;
    check(mdb_env_info(m_env, &info), "read environment info");
    check(mdb_env_stat(m_env, &stat), "read environment stat");
    return (info.me_last_pgno + 1) * stat.ms_psize;
}

Txn Txn::begin(Env& env, bool read_only) {
    MDB_txn* txn = nullptr;
    check(mdb_txn_begin(env.get(), nullptr, read_only ? MDB_RDONLY : 0, &txn), "begin transaction");
    return Txn(txn, read_only);
}

Txn::Txn(Txn&& other) noexcept : m_txn(other.m_txn), m_read_only(other.m_read_only) {
    other.m_txn = nullptr;
}

Txn& Txn::operator=(Txn&& other) noexcept {
    if (this != &other) {
        abort();
        m_txn = other.m_txn;
        m_read_only = other.m_read_only;
        other.m_txn = nullptr;
    }
    return *this;
}

Txn::~Txn() {
    abort();
}

void Txn::commit() {
    // The handle is gone whatever mdb_txn_commit says: drop it first.
    MDB_txn* txn = m_txn;
    m_txn = nullptr;
    check(mdb_txn_commit(txn), "commit");
}

void Txn::abort() noexcept {
    if (m_txn != nullptr) {
        mdb_txn_abort(m_txn);
        m_txn = nullptr;
    }
}

std::optional<Dbi> Txn::open_dbi(const char* name, bool create) {
    MDB_dbi dbi = 0;
    int rc = mdb_dbi_open(m_txn, name, create ? MDB_CREATE : 0, &dbi);
    if (rc == MDB_NOTFOUND) {
        return std::nullopt;
    }
    check(rc, fmt::format("open table \"{}\"", name != nullptr ? name : "(main)"));
    return dbi;
}

std::optional<std::string_view> Txn::get(Dbi dbi, std::string_view key) const {
    MDB_val k = to_val(key);
    MDB_val v{};
    int rc = mdb_get(m_txn, dbi, &k, &v);
    if (rc == MDB_NOTFOUND) {
        return std::nullopt;
    }
    check(rc, "read");
    return to_sv(v);
}

void Txn::put(Dbi dbi, std::string_view key, std::string_view value) {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    check(mdb_put(m_txn, dbi, &k, &v, 0), "write");
}

bool Txn::del(Dbi dbi, std::string_view key) {
    MDB_val k = to_val(key);
    int rc = mdb_del(m_txn, dbi, &k, nullptr);
    if (rc == MDB_NOTFOUND) {
        return false;
    }
    check(rc, "delete");
    return true;
}

void Txn::scan(Dbi dbi, std::string_view start,
               const std::function<bool(std::string_view, std::string_view)>& visit) const {
    Cursor cursor(m_txn, dbi);
    MDB_val k = to_val(start);
    MDB_val v{};
    int rc = start.empty() ? mdb_cursor_get(cursor.get(), &k, &v, MDB_FIRST)
                           : mdb_cursor_get(cursor.get(), &k, &v, MDB_SET_RANGE);
    while (rc == MDB_SUCCESS) {
        if (!visit(to_sv(k), to_sv(v))) {
            return;
        }
        rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_NEXT);
    }
    if (rc != MDB_NOTFOUND) {
        check(rc, "scan");
    }
}

size_t Txn::count(Dbi dbi) const {
    MDB_stat stat;
    check(mdb_stat(m_txn, dbi, &stat), "read table stat");
    return stat.ms_entries;
}

}  // namespace mpctl::core::util::lmdb
