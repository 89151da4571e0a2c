// SPDX-License-Identifier: Apache-2.0
#include "core/backend.hpp"

#include <fmt/format.h>

#include "core/store_pg.hpp"
#include "core/util/error.hpp"
#include "core/util/pg.hpp"

namespace mpctl::core {

namespace {

void require_lmdb_store(const std::filesystem::path& dir) {
    // Only when the file is known to be absent: another user's store is
    // for Store::open to refuse with the reason.
    std::error_code ec;
    if (!std::filesystem::exists(dir / "data.mdb", ec) && !ec) {
        fail(ErrorKind::failure,
             fmt::format("no store at \"{}\"; run mpctl init there first, or give the store "
                         "with --db DIR or MPCTL_DB",
                         dir.string()));
    }
}

}  // namespace

Backend::Backend(const std::string& location, const BackendOptions& options)
    : m_location(location), m_on_database(is_database_uri(location)) {
    if (m_on_database) {
        PgOptions pg;
        pg.schema = options.schema;
        pg.create = options.create;
        pg.migrate = options.migrate;
        pg.cached = options.cached;
        pg.connections = options.connections;
        auto backend = PgStore::open(location, pg);
        std::string shown = fmt::format("{} (schema {})", util::pg::redact(location), pg.schema);
        m_store.emplace(std::move(shown), std::move(backend));
    } else {
        if (!options.create) {
            require_lmdb_store(location);
        }
        m_store.emplace(Store::open(location));
    }
}

TokenMemory& Backend::memory() {
    if (!m_memory) {
        if (auto* pg = dynamic_cast<PgStore*>(&m_store->backend())) {
            m_memory = pg_token_memory(pg->pool(), pg->schema());
        } else {
            m_memory = store_token_memory(Store::open(runtime_dir(m_location), runtime_options()));
        }
    }
    return *m_memory;
}

AuditLog& Backend::audit() {
    if (!m_audit) {
        if (auto* pg = dynamic_cast<PgStore*>(&m_store->backend())) {
            m_audit = pg_audit_log(pg->pool(), pg->schema());
        } else {
            m_audit = file_audit_log(audit_log_path(m_location), false);
        }
    }
    return *m_audit;
}

}  // namespace mpctl::core
