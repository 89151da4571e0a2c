// SPDX-License-Identifier: Apache-2.0
// The embedded backend of the store: one LMDB environment in one directory,
// a named LMDB database per table. Its map grows on disk as it fills, and
// every page is reserved on the file system before it is written.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>

#include "core/store/audit.hpp"
#include "core/store/backend.hpp"
#include "core/store/store.hpp"
#include "core/store/token_memory.hpp"
#include "core/util/lmdb.hpp"

namespace mpctl::core {

// Held by every transaction of a store, so that the map is resized only
// while none of this process's transactions is open (LMDB's rule).
using ResizeLock = std::shared_lock<std::shared_mutex>;

class LmdbStore : public StoreBackend {
  public:
    // Opens (creating, mode 0700) the store in `dir`; see open_lmdb_store.
    static std::unique_ptr<LmdbStore> open(const std::filesystem::path& dir, MapOptions options);

    ReadTxn read() override;
    void write(const std::function<void(WriteTxn&)>& work) override;
    void flush() override;
    std::optional<std::string> fault() override;
    size_t map_size() const { return m_env.map_size(); }
    size_t used_bytes() const { return m_env.used_bytes(); }

  private:
    LmdbStore(std::filesystem::path dir, util::lmdb::Env env, MapOptions options)
        : m_dir(std::move(dir)), m_env(std::move(env)), m_options(options) {}
    static std::unique_ptr<LmdbStore> open_lmdb(const std::filesystem::path& dir,
                                                MapOptions options);
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
    MapOptions m_options;
    std::array<util::lmdb::Dbi, k_table_count> m_dbis{};
    // Shared by open transactions, exclusive while the map is resized. Threads
    // of a server share one Store; a thread must not grow the map (write)
    // while it holds another transaction of the same Store.
    std::shared_mutex m_resize;
    std::atomic<bool> m_resizing{false};
    // errno of the last failed growth; 0 when it grew, or could again.
    std::atomic<int> m_growth_fault{0};
};

// Opens the store in `dir`, creating it (mode 0700) on first use. Refuses a
// store of another schema version, or a directory that holds something else.
Store open_lmdb_store(const std::filesystem::path& dir, MapOptions options = {});

// The token memory in an LMDB store (opened with runtime_options()), which
// writes each request's audit entry to `audit`.
std::unique_ptr<TokenMemory> store_token_memory(Store store, AuditLog& audit);

}  // namespace mpctl::core
