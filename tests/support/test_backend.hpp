// SPDX-License-Identifier: Apache-2.0
// Where the tests of the store's users keep it: an LMDB store in a temp
// directory, or, when MPCTL_TEST_PG is set (the unit_pg run, under
// scripts/with-postgres), a fresh schema of that database, read through
// the cache as `mpctl serve` reads it. The rules of core and the handlers
// are tested on both.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <unistd.h>

#include "core/store/audit.hpp"
#include "core/store/backend.hpp"
#include "core/store/pg/pg_store.hpp"
#include "core/store/store.hpp"
#include "core/store/token_memory.hpp"
#include "core/util/pg.hpp"

namespace mpctl::test {

// The test database's URI, or nullptr for LMDB.
inline const char* test_database() {
    const char* uri = std::getenv("MPCTL_TEST_PG");
    return uri != nullptr && *uri != '\0' ? uri : nullptr;
}

class TestBackend {
  public:
    // The store in `dir` (LMDB), or in a schema of its own (PostgreSQL),
    // dropped at the end.
    explicit TestBackend(std::filesystem::path dir,
                         core::MapOptions runtime_options = core::runtime_options())
        : m_dir(std::move(dir)), m_runtime_options(runtime_options) {
        if (test_database() != nullptr) {
            m_schema = take_schema();
        }
    }
    TestBackend(const TestBackend&) = delete;
    TestBackend& operator=(const TestBackend&) = delete;
    // A schema is emptied for the next test rather than dropped: making
    // one costs ten times as much.
    ~TestBackend() {
        if (m_schema.empty()) {
            return;
        }
        try {
            core::util::pg::Connection db(test_database());
            auto tables =
                db.exec("SELECT tablename FROM pg_tables WHERE schemaname = $1", {m_schema});
            // Without the triggers (the test cluster's user may): nothing
            // follows this schema now.
            std::string sql = "BEGIN; SET LOCAL session_replication_role = replica;";
            for (int i = 0; i < tables.rows(); ++i) {
                if (tables.text(i, 0) != "registry_version") {
                    sql += "DELETE FROM " + m_schema + "." + std::string(tables.text(i, 0)) + ";";
                }
            }
            sql += "UPDATE " + m_schema + ".registry_version SET v = 0; INSERT INTO " + m_schema +
                   ".meta VALUES ('schema_version', '" +
                   std::to_string(core::PgStore::k_schema_version) + "'); COMMIT;";
            db.exec_script(sql);
            give_back(m_schema);
        } catch (const std::exception&) {  // the schema is left; the cluster goes away anyway
        }
    }

    bool on_database() const { return !m_schema.empty(); }
    const std::string& schema() const { return m_schema; }

    // A handle on the store, as another process would open it, through the
    // same factory as mpctl's (core/backend.hpp); the first creates it.
    // `follow`: a thread follows the database (else only refresh() does).
    core::Store open_registry(bool cached = true, bool follow = true) const {
        return kind().open_registry(location(), options(cached, follow));
    }
    // The audit log beside the store (LMDB: audit.log in its directory).
    std::unique_ptr<core::AuditLog> open_audit(core::Store& registry) const {
        return kind().open_audit(registry, location());
    }
    // The token memory, which writes the audit entries to `audit`.
    std::unique_ptr<core::TokenMemory> open_memory(core::Store& registry,
                                                   core::AuditLog& audit) const {
        return kind().open_memory(registry, audit, location(), options(true, true));
    }
    // Where the store is, as mpctl's --db would name it.
    std::string location() const { return on_database() ? test_database() : m_dir.string(); }

  private:
    const core::BackendKind& kind() const { return core::backend_kind(location()); }
    core::BackendOptions options(bool cached, bool follow) const {
        core::BackendOptions options;
        options.create = true;
        options.schema = m_schema;
        options.cached = cached;
        options.follow = follow;
        options.poll = std::chrono::milliseconds(100);
        options.runtime = m_runtime_options;
        return options;
    }

    static std::mutex& pool_mutex() {
        static std::mutex m;
        return m;
    }
    static std::vector<std::string>& free_schemas() {
        static std::vector<std::string> v;
        return v;
    }
    static std::string take_schema() {
        std::lock_guard lock(pool_mutex());
        if (!free_schemas().empty()) {
            std::string s = free_schemas().back();
            free_schemas().pop_back();
            return s;
        }
        static int counter = 0;
        return "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    }
    static void give_back(const std::string& schema) {
        std::lock_guard lock(pool_mutex());
        free_schemas().push_back(schema);
    }

    std::filesystem::path m_dir;
    core::MapOptions m_runtime_options;
    std::string m_schema;
};

}  // namespace mpctl::test
