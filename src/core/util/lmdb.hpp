// SPDX-License-Identifier: Apache-2.0
// The one wrapper around LMDB: move-only owners of the environment and of
// transactions. Nobody outside this file calls mdb_* directly.
#pragma once

// Only LMDB's backend (core/store/lmdb) and its tests may use this wrapper: meson
// defines MPCTL_USES_LMDB for them alone (src/core/meson.build).
#ifndef MPCTL_USES_LMDB
#error \
    "lmdb: a wrapper for core/store/lmdb alone; code above the store reaches it through core/store/backend.hpp"
#endif

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/error.hpp"

struct MDB_env;
struct MDB_txn;

namespace mpctl::core::util::lmdb {

using Dbi = unsigned int;

// An LMDB call failed; code() is its MDB_* or errno value. The kind is
// `unavailable` for a full disk, a read-only file system or a permission
// refused, `failure` otherwise.
class LmdbError : public Error {
  public:
    LmdbError(int code, const std::string& message);
    int code() const noexcept { return m_code; }
    bool map_full() const noexcept;
    bool map_resized() const noexcept;

  private:
    int m_code;
};

class Env {
  public:
    // Opens (creating the files if needed) the environment in directory `dir`.
    // Without `sync`, commits are not fsync'ed: they survive the process
    // (they are in the page cache) but not the machine; sync() flushes them.
    Env(const std::filesystem::path& dir, unsigned max_dbs, size_t map_size, bool sync = true);
    Env(Env&& other) noexcept;
    Env& operator=(Env&&) = delete;
    Env(const Env&) = delete;
    ~Env();

    // 0 adopts the size another process has grown the map to. Only while no
    // transaction of this process is open.
    void set_map_size(size_t bytes);
    size_t map_size() const;
    // Allocates the data file's first `bytes` on the file system (and grows
    // the file to that size), so that writing them cannot run out of space.
    void reserve(size_t bytes);
    // Writes every commit to disk now.
    void sync();
    // Bytes of the data file in use: last page number times page size.
    size_t used_bytes() const;
    MDB_env* get() const { return m_env; }

  private:
    MDB_env* m_env = nullptr;
};

// A transaction; aborted by the destructor unless committed.
class Txn {
  public:
    // Throws LmdbError with map_resized() when another process grew the map:
    // the caller adopts the new size (when no transaction is open) and retries.
    static Txn begin(Env& env, bool read_only);
    Txn(Txn&& other) noexcept;
    Txn& operator=(Txn&& other) noexcept;
    Txn(const Txn&) = delete;
    ~Txn();

    void commit();
    void abort() noexcept;
    bool read_only() const { return m_read_only; }

    // Opens a named database (nullptr: the main one); with `create`, only in a
    // write transaction. nullopt when it does not exist and `create` is false.
    std::optional<Dbi> open_dbi(const char* name, bool create);

    // The value, valid until the transaction ends; nullopt when absent.
    std::optional<std::string_view> get(Dbi dbi, std::string_view key) const;
    void put(Dbi dbi, std::string_view key, std::string_view value);
    // false when the key was absent.
    bool del(Dbi dbi, std::string_view key);

    // Visits keys >= start in order until `visit` returns false.
    void scan(Dbi dbi, std::string_view start,
              const std::function<bool(std::string_view key, std::string_view value)>& visit) const;
    size_t count(Dbi dbi) const;

  private:
    Txn(MDB_txn* txn, bool read_only) : m_txn(txn), m_read_only(read_only) {}
    MDB_txn* m_txn = nullptr;
    bool m_read_only = true;
};

}  // namespace mpctl::core::util::lmdb
