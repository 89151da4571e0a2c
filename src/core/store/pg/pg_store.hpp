// SPDX-License-Identifier: Apache-2.0
// The shared backend of the store: PostgreSQL, for any number of processes
// on one database. Each Table is an SQL table in one schema (`mpctl` unless
// told), with its key in readable columns and its record as json; see
// docs/postgresql.md for the tables.
//
// Every write transaction first locks the one row of `registry_version`,
// so writers run one after another as LMDB's do, and the rules of core keep
// the meaning they have there. Triggers on the tables count each change in
// that row and log it in `changes`, and notify the schema's channel.
//
// A cached store (PgOptions::cached, for `mpctl serve`) answers reads from a
// snapshot of every table in memory: it follows the change log when notified,
// and at least every `poll` when notifications are lost, and after its own
// writes before write() returns. Reads of an uncached store (the CLI's) run
// in a REPEATABLE READ transaction on the database.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "core/store/audit.hpp"
#include "core/store/store.hpp"
#include "core/store/token_memory.hpp"
#include "core/util/pg.hpp"

namespace mpctl::core {

// Whether `location` names a PostgreSQL database (a postgresql:// or
// postgres:// URI) rather than a store directory.
bool is_database_uri(std::string_view location);

struct PgOptions {
    // The SQL schema of the tables: [a-z_][a-z0-9_]*.
    std::string schema = "mpctl";
    size_t connections = 4;
    // Create the schema in a database that has none (mpctl init).
    bool create = false;
    // Bring an older schema to this mpctl's version (mpctl db migrate).
    bool migrate = false;
    bool cached = false;
    // Follow the database in a thread of the store's own (else only
    // refresh() and the store's own writes update the cache: for tests).
    bool follow = true;
    std::chrono::milliseconds poll{500};
};

class PgStore : public StoreBackend {
  public:
    // 2: the register of systems and system users.
    static constexpr int k_schema_version = 2;

    // Connects and checks the schema's version, creating it when asked.
    static std::unique_ptr<PgStore> open(const std::string& conninfo, PgOptions options);
    ~PgStore() override;

    ReadTxn read() override;
    void write(const std::function<void(WriteTxn&)>& work) override;
    void flush() override {}
    // Why the cache could not follow the database, while that holds.
    std::optional<std::string> fault() override;

    // The connections, shared with the token memory and the audit log.
    const std::shared_ptr<util::pg::Pool>& pool() const { return m_pool; }
    const std::string& schema() const { return m_options.schema; }
    // Brings the cache up to the database's last committed change.
    void refresh();
    // The version of the registry the cache holds (0 when uncached).
    int64_t cached_version() const;

    struct Snapshot;

  private:
    PgStore(std::shared_ptr<util::pg::Pool> pool, PgOptions options);
    void refresh_on(util::pg::Connection& db);  // under m_refresh
    void follow();                              // the cache's thread

    std::shared_ptr<util::pg::Pool> m_pool;
    PgOptions m_options;
    std::mutex m_refresh;  // one refresh at a time; taken before a connection
    std::atomic<std::chrono::steady_clock::time_point> m_last_refresh{
        std::chrono::steady_clock::now()};
    std::atomic<std::shared_ptr<const Snapshot>> m_snapshot;
    std::mutex m_fault_mutex;
    std::optional<std::string> m_fault;
    std::mutex m_stop_mutex;
    std::condition_variable m_stop_signal;
    bool m_stop = false;
    std::thread m_follower;
};

// The SQL that brings `schema` from version - 1 to `version` (from nothing,
// for version 1).
std::string pg_schema_sql(std::string_view schema, int version);

// The token memory in the PostgreSQL schema `schema` reached by `pool`;
// `audit` is the same schema's audit log (pg_audit_log), which takes the
// lines of requests that mark no grant used.
std::unique_ptr<TokenMemory> pg_token_memory(std::shared_ptr<util::pg::Pool> pool,
                                             std::string schema, AuditLog& audit);

// The `audit` table of the PostgreSQL schema `schema`. Concurrent appends
// share one INSERT (group commit): each returns when its line is committed.
std::unique_ptr<AuditLog> pg_audit_log(std::shared_ptr<util::pg::Pool> pool, std::string schema);

namespace pg_sql {
// A read of a cached store's snapshot (core/store_pg_cache.cpp).
std::unique_ptr<TxnBackend> cached_txn(std::shared_ptr<const PgStore::Snapshot> snapshot);
}  // namespace pg_sql

}  // namespace mpctl::core
