// SPDX-License-Identifier: Apache-2.0
// The shared backend as a BackendKind: one PostgreSQL schema holds the
// registry, the token memory and the audit log, through the registry's pool.
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/store/backend.hpp"
#include "core/store/pg/pg_store.hpp"
#include "core/util/error.hpp"
#include "core/util/pg.hpp"

namespace mpctl::core {

namespace {

// The registry's own backend: what open_registry gave.
PgStore& pg_of(Store& registry) {
    auto* pg = dynamic_cast<PgStore*>(&registry.backend());
    if (pg == nullptr) {
        fail(ErrorKind::failure, "internal: a PostgreSQL store's parts on another store");
    }
    return *pg;
}

class PgKind : public BackendKind {
  public:
    bool takes(std::string_view location) const override { return is_database_uri(location); }
    std::string describe(std::string_view location) const override {
        return util::pg::redact(std::string(location));
    }
    bool shared() const override { return true; }
    int schema_version() const override { return PgStore::k_schema_version; }
    bool exists(const std::string& location, const BackendOptions& options) const override {
        BackendOptions existing = options;
        existing.create = false;
        existing.migrate = false;
        existing.cached = false;
        try {
            open_registry(location, existing);
            return true;
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::unavailable) {
                throw;  // not "no store": say why
            }
            return false;
        }
    }
    Store open_registry(const std::string& location, const BackendOptions& options) const override {
        PgOptions pg;
        pg.schema = options.schema;
        pg.create = options.create;
        pg.migrate = options.migrate;
        pg.cached = options.cached;
        pg.connections = options.connections;
        pg.follow = options.follow;
        pg.poll = options.poll;
        return Store(fmt::format("{} (schema {})", describe(location), pg.schema),
                     PgStore::open(location, pg));
    }
    std::unique_ptr<TokenMemory> open_memory(Store& registry, AuditLog& audit, const std::string&,
                                             const BackendOptions&) const override {
        PgStore& pg = pg_of(registry);
        return pg_token_memory(pg.pool(), pg.schema(), audit);
    }
    std::unique_ptr<AuditLog> open_audit(Store& registry, const std::string&) const override {
        PgStore& pg = pg_of(registry);
        return pg_audit_log(pg.pool(), pg.schema());
    }
};

}  // namespace

const BackendKind& pg_backend_kind() {
    static const PgKind kind;
    return kind;
}

}  // namespace mpctl::core
