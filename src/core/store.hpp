// SPDX-License-Identifier: Apache-2.0
// The embedded store: one LMDB environment in one directory, a named table
// per kind of record and per index. Records are JSON text.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/util/lmdb.hpp"

namespace mpctl::core {

enum class Table {
    meta,
    prefixes,                 // prefix -> PrefixRecord
    scopes,                   // scope name -> Scope
    scopes_by_owner,          // owner \0 scope -> ""
    access,                   // scope \0 consumer -> Access
    access_by_consumer,       // consumer \0 scope -> ""
    clients,                  // client_id -> Client
    clients_by_org,           // orgno \0 client_id -> ""
    client_keys,              // client_id -> ClientKeySet
    delegations,              // id -> Delegation
    delegations_by_consumer,  // consumer \0 id -> ""
    delegations_by_supplier,  // supplier \0 id -> ""
    trusted_cas,              // fingerprint -> TrustedCa
    signing_keys,             // kid -> SigningKey
    used_grants,              // hash of (client, jti or assertion) -> expiry
    used_grants_by_expiry,    // expiry \0 hash -> ""
    opaque_tokens,            // hash of the token -> its claims
    opaque_tokens_by_expiry,  // expiry \0 hash -> ""
};
inline constexpr size_t k_table_count = static_cast<size_t>(Table::opaque_tokens_by_expiry) + 1;

// "a\0b": the key of an index entry. Its parts never contain NUL.
std::string index_key(std::string_view a, std::string_view b);

// Held by every transaction of a Store, so that the map is resized only
// while none of this process's transactions is open (LMDB's rule).
using ResizeLock = std::shared_lock<std::shared_mutex>;

class ReadTxn {
  public:
    ReadTxn(ResizeLock lock, util::lmdb::Txn txn,
            const std::array<util::lmdb::Dbi, k_table_count>& dbis)
        : m_lock(std::move(lock)), m_txn(std::move(txn)), m_dbis(&dbis) {}

    std::optional<std::string_view> get(Table t, std::string_view key) const;
    // Visits every entry whose key starts with `prefix`, in key order, until
    // `visit` returns false.
    void scan(Table t, std::string_view prefix,
              const std::function<bool(std::string_view key, std::string_view value)>& visit) const;
    size_t count(Table t) const;

  protected:
    util::lmdb::Dbi dbi(Table t) const { return (*m_dbis)[static_cast<size_t>(t)]; }
    ResizeLock m_lock;  // declared first: released after the transaction ends
    util::lmdb::Txn m_txn;
    const std::array<util::lmdb::Dbi, k_table_count>* m_dbis;
};

class WriteTxn : public ReadTxn {
  public:
    using ReadTxn::ReadTxn;
    void put(Table t, std::string_view key, std::string_view value);
    bool del(Table t, std::string_view key);
    void commit() { m_txn.commit(); }
};

struct StoreOptions {
    // The first size of the memory map, reserved on disk (Env::reserve): it
    // doubles when full, reserving each time, until max_map_size.
    size_t map_size = size_t{8} << 20;
    size_t max_map_size = size_t{64} << 30;  // growth stops here with a clear error
    // false: commits survive the process but are flushed to disk only by
    // flush(). For the token memory, which must not cost an fsync per token.
    bool sync = true;
};

// The token memory (used grants, opaque tokens) of the store in `store_dir`:
// a second environment beside the registry, opened with sync = false.
std::filesystem::path runtime_dir(const std::filesystem::path& store_dir);
StoreOptions runtime_options();

class Store {
  public:
    static constexpr int k_schema_version = 1;

    // Opens the store in `dir`, creating it (mode 0700) on first use. Refuses
    // a store of another schema version, or a directory that holds something else.
    static Store open(const std::filesystem::path& dir, StoreOptions options = {});

    ReadTxn read();

    // Runs `work` in one write transaction and commits it. When the map fills,
    // the transaction is rolled back, the map grows, and `work` runs again; so
    // `work` must have no effects outside the transaction. Nothing is written
    // when `work` throws.
    template <class Work>
    auto write(Work&& work) -> std::invoke_result_t<Work&, WriteTxn&> {
        for (;;) {
            {
                auto [lock, raw] = begin(false);
                WriteTxn txn(std::move(lock), std::move(raw), m_dbis);
                try {
                    if constexpr (std::is_void_v<std::invoke_result_t<Work&, WriteTxn&>>) {
                        work(txn);
                        txn.commit();
                        return;
                    } else {
                        auto result = work(txn);
                        txn.commit();
                        return result;
                    }
                } catch (const util::lmdb::LmdbError& e) {
                    if (!e.map_full()) {
                        rethrow(e);
                    }
                }
            }  // the failed transaction is aborted here, before the map changes
            grow();
        }
    }

    const std::filesystem::path& dir() const { return m_dir; }
    size_t map_size() const { return m_env.map_size(); }
    size_t used_bytes() const { return m_env.used_bytes(); }
    // Writes every commit to disk now (only needed with sync = false).
    // Safe beside transactions of other threads.
    void flush();

    // Why the store could not grow the last time it had to (no space on its
    // file system), while that still holds: each call tries to reserve the
    // room again, and nullopt once it could.
    std::optional<std::string> fault();

  private:
    Store(std::filesystem::path dir, util::lmdb::Env env, StoreOptions options)
        : m_dir(std::move(dir)), m_env(std::move(env)), m_options(options) {}
    static Store open_lmdb(const std::filesystem::path& dir, StoreOptions options);
    // Throws `e` again as an mpctl::Error of its kind that names this store.
    [[noreturn]] void rethrow(const util::lmdb::LmdbError& e) const;
    // A transaction under the shared resize lock; adopts a map another
    // process grew (MDB_MAP_RESIZED) under the exclusive one.
    std::pair<ResizeLock, util::lmdb::Txn> begin(bool read_only);
    ResizeLock shared_lock();
    // Runs `change` under the exclusive lock, keeping new readers back meanwhile.
    void resize(const std::function<void()>& change);
    void grow();

    std::filesystem::path m_dir;
    util::lmdb::Env m_env;
    StoreOptions m_options;
    std::array<util::lmdb::Dbi, k_table_count> m_dbis{};
    // Shared by open transactions, exclusive while the map is resized. Threads
    // of a server share one Store; a thread must not grow the map (write)
    // while it holds another transaction of the same Store.
    std::unique_ptr<std::shared_mutex> m_resize = std::make_unique<std::shared_mutex>();
    std::unique_ptr<std::atomic<bool>> m_resizing = std::make_unique<std::atomic<bool>>(false);
    // errno of the last failed growth; 0 when it grew, or could again.
    std::unique_ptr<std::atomic<int>> m_growth_fault = std::make_unique<std::atomic<int>>(0);
};

}  // namespace mpctl::core
