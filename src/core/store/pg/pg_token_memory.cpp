// SPDX-License-Identifier: Apache-2.0
// The token memory in PostgreSQL: a grant's use is one INSERT ... ON
// CONFLICT, so the database decides which replica got it first; the
// opaque token and the audit line are kept by the same statement.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/store/pg/pg_store.hpp"

namespace mpctl::core {

namespace {

class PgTokenMemory : public TokenMemory {
  public:
    PgTokenMemory(std::shared_ptr<util::pg::Pool> pool, const std::string& schema, AuditLog& audit)
        : m_pool(std::move(pool)),
          m_audit(audit),
          m_schema(schema),
          // A record that expired counts as absent: it is taken over.
          m_remember(fmt::format(
              "WITH g AS (INSERT INTO {0}.used_grants AS u (k, expires) VALUES ($1, $2) "
              "ON CONFLICT (k) DO UPDATE SET expires = EXCLUDED.expires WHERE u.expires < $3 "
              "RETURNING 1), "
              "a AS (INSERT INTO {0}.audit (line) SELECT $4::json FROM g) "
              "SELECT count(*) FROM g",
              schema)),
          m_remember_opaque(fmt::format(
              "WITH g AS (INSERT INTO {0}.used_grants AS u (k, expires) VALUES ($1, $2) "
              "ON CONFLICT (k) DO UPDATE SET expires = EXCLUDED.expires WHERE u.expires < $3 "
              "RETURNING 1), "
              "t AS (INSERT INTO {0}.opaque_tokens AS o (k, expires, claims) "
              "SELECT $4, $5, $6 FROM g "
              "ON CONFLICT (k) DO UPDATE SET expires = EXCLUDED.expires, claims = EXCLUDED.claims "
              "WHERE o.expires < $3 RETURNING 1), "
              "a AS (INSERT INTO {0}.audit (line) SELECT $7::json FROM g) "
              "SELECT count(*) FROM g",
              schema)),
          m_claims(fmt::format("SELECT claims FROM {}.opaque_tokens WHERE k = $1 AND expires >= $2",
                               schema)),
          m_purge_grants(
              fmt::format("DELETE FROM {0}.used_grants WHERE k IN (SELECT k FROM {0}.used_grants "
                          "WHERE expires < $1 ORDER BY expires LIMIT $2)",
                          schema)),
          m_purge_tokens(fmt::format(
              "DELETE FROM {0}.opaque_tokens WHERE k IN (SELECT k FROM {0}.opaque_tokens "
              "WHERE expires < $1 ORDER BY expires LIMIT $2)",
              schema)),
          m_probe(fmt::format("INSERT INTO {}.used_grants AS u (k, expires) VALUES "
                              "('health_checked', $1) ON CONFLICT (k) DO UPDATE SET expires = "
                              "EXCLUDED.expires",
                              schema)),
          m_location(fmt::format("{} (schema {})", util::pg::redact(m_pool->conninfo()), schema)) {}

    bool record(const TokenRecord& record, util::UnixTime now) override {
        if (!record.grant) {
            m_audit.append(record.audit);  // with the other replicas' lines (group commit)
            return true;
        }
        std::string line = audit_line(record.audit);
        std::string expires = std::to_string(record.grant->expires);
        std::string at = std::to_string(now);
        auto db = m_pool->acquire();
        const auto& opaque = record.opaque;
        if (!opaque) {
            return db->exec(m_remember, {record.grant->replay_key, expires, at, line})
                       .integer(0, 0) == 1;
        }
        std::string token_expires = std::to_string(opaque->expires);
        return db->exec(m_remember_opaque, {record.grant->replay_key, expires, at, opaque->hash,
                                            token_expires, opaque->claims, line})
                   .integer(0, 0) == 1;
    }
    std::optional<std::string> opaque_claims(std::string_view hash, util::UnixTime now) override {
        auto db = m_pool->acquire();
        auto r = db->exec(m_claims, {hash, std::to_string(now)});
        if (r.rows() == 0) {
            return std::nullopt;
        }
        return std::string(r.text(0, 0));
    }
    size_t purge(util::UnixTime now, size_t limit) override {
        auto db = m_pool->acquire();
        std::string at = std::to_string(now);
        std::string n = std::to_string(limit);
        return static_cast<size_t>(db->exec(m_purge_grants, {at, n}).affected() +
                                   db->exec(m_purge_tokens, {at, n}).affected());
    }
    void flush() override {}  // each statement commits
    // A write, as a grant's is: a server on a read-only standby is not healthy.
    void probe(util::UnixTime now) override {
        m_pool->acquire()->exec(m_probe, {std::to_string(now)});
    }
    std::optional<std::string> fault() override { return std::nullopt; }
    std::string location() const override { return m_location; }
    MemoryRecords unexpired(util::UnixTime now) override {
        auto db = m_pool->acquire();
        MemoryRecords out;
        std::string at = std::to_string(now);
        auto grants = db->exec(
            fmt::format("SELECT k, expires FROM {}.used_grants WHERE expires >= $1 AND k <> "
                        "'health_checked' ORDER BY k",
                        m_schema),
            {at});
        for (int i = 0; i < grants.rows(); ++i) {
            out.grants.emplace_back(std::string(grants.text(i, 0)), grants.integer(i, 1));
        }
        auto tokens = db->exec(fmt::format("SELECT k, claims, expires FROM {}.opaque_tokens WHERE "
                                           "expires >= $1 ORDER BY k",
                                           m_schema),
                               {at});
        for (int i = 0; i < tokens.rows(); ++i) {
            out.tokens.push_back(OpaqueToken{std::string(tokens.text(i, 0)),
                                             std::string(tokens.text(i, 1)), tokens.integer(i, 2)});
        }
        return out;
    }
    void restore(const MemoryRecords& records, util::UnixTime now) override {
        auto db = m_pool->acquire();
        db->transaction([&] {
            // Records only: the audit log travels on its own (AuditLog::append_lines).
            for (const auto& [key, expires] : records.grants) {
                db->exec(fmt::format("INSERT INTO {}.used_grants AS u (k, expires) VALUES ($1, $2) "
                                     "ON CONFLICT (k) DO UPDATE SET expires = EXCLUDED.expires "
                                     "WHERE u.expires < $3",
                                     m_schema),
                         {key, std::to_string(expires), std::to_string(now)});
            }
            for (const auto& t : records.tokens) {
                db->exec(fmt::format("INSERT INTO {}.opaque_tokens (k, expires, claims) VALUES "
                                     "($1, $2, $3) ON CONFLICT (k) DO NOTHING",
                                     m_schema),
                         {t.hash, std::to_string(t.expires), t.claims});
            }
        });
    }

  private:
    std::shared_ptr<util::pg::Pool> m_pool;
    AuditLog& m_audit;
    std::string m_schema;
    std::string m_remember, m_remember_opaque, m_claims, m_purge_grants, m_purge_tokens, m_probe;
    std::string m_location;
};

}  // namespace

std::unique_ptr<TokenMemory> pg_token_memory(std::shared_ptr<util::pg::Pool> pool,
                                             std::string schema, AuditLog& audit) {
    return std::make_unique<PgTokenMemory>(std::move(pool), schema, audit);
}

}  // namespace mpctl::core
