// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg/pg_store.hpp"

#include <algorithm>
#include <deque>
#include <exception>
#include <utility>

#include <fmt/format.h>

#include "core/util/error.hpp"

#include "core/store/pg/pg_sql.hpp"

namespace mpctl::core {

using namespace pg_sql;

namespace {

using util::pg::Connection;
using util::pg::PgError;

}  // namespace

bool is_database_uri(std::string_view location) {
    return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

namespace {

// A transaction on the database: reads, and writes when not read_only.
class PgTxn : public TxnBackend {
  public:
    PgTxn(util::pg::Pool::Lease lease, const AllStatements& statements)
        : m_lease(std::move(lease)), m_statements(&statements) {}
    PgTxn(const PgTxn&) = delete;
    PgTxn& operator=(const PgTxn&) = delete;
    ~PgTxn() override {
        if (m_open) {
            try {
                m_lease->exec("ROLLBACK");
            } catch (const Error&) {  // the connection broke: the server rolls back
            }
        }
    }

    void begin(std::string_view sql) {
        m_lease->exec(sql);
        m_open = true;
    }
    Connection& db() const { return *m_lease; }

    std::optional<std::string_view> get(Table t, std::string_view key) const override {
        const SqlTable& spec = sql_table(t);
        auto [k1, k2] = split_key(spec, key);
        auto& r = keep(spec.key2.empty() ? db().exec(stmt(t).get, {k1})
                                         : db().exec(stmt(t).get, {k1, k2}));
        if (r.rows() == 0) {
            return std::nullopt;
        }
        return r.text(0, 0);
    }
    void scan(Table t, std::string_view prefix,
              const std::function<bool(std::string_view, std::string_view)>& visit) const override {
        const SqlTable& spec = sql_table(t);
        std::optional<util::pg::Result> rows;
        if (prefix.empty()) {
            rows.emplace(db().exec(stmt(t).scan_all));
        } else if (spec.key2.empty()) {
            rows.emplace(db().exec(stmt(t).scan_prefix, {prefix}));
        } else {
            size_t nul = prefix.find('\0');
            util::pg::Param rest = std::nullopt;
            if (nul != std::string_view::npos) {
                rest = prefix.substr(nul + 1);
                prefix = prefix.substr(0, nul);
            }
            rows.emplace(db().exec(stmt(t).scan_prefix, {prefix, rest}));
        }
        auto& kept = keep(std::move(*rows));
        visit_rows(kept, spec, [&](std::string key, std::string_view value) {
            return visit(m_keys.emplace_back(std::move(key)), value);
        });
    }
    size_t count(Table t) const override {
        return static_cast<size_t>(db().exec(stmt(t).count).integer(0, 0));
    }
    void put(Table t, std::string_view key, std::string_view value) override {
        const SqlTable& spec = sql_table(t);
        auto [k1, k2] = split_key(spec, key);
        if (spec.value == Value::none) {
            if (!value.empty()) {
                fail(ErrorKind::failure, fmt::format("{} holds no values", spec.name));
            }
            spec.key2.empty() ? db().exec(stmt(t).put, {k1}) : db().exec(stmt(t).put, {k1, k2});
        } else {
            spec.key2.empty() ? db().exec(stmt(t).put, {k1, value})
                              : db().exec(stmt(t).put, {k1, k2, value});
        }
    }
    bool del(Table t, std::string_view key) override {
        const SqlTable& spec = sql_table(t);
        auto [k1, k2] = split_key(spec, key);
        auto r =
            spec.key2.empty() ? db().exec(stmt(t).del, {k1}) : db().exec(stmt(t).del, {k1, k2});
        return r.affected() > 0;
    }
    void commit() override {
        m_open = false;
        db().commit();
    }

  private:
    const Statements& stmt(Table t) const { return (*m_statements)[static_cast<size_t>(t)]; }
    util::pg::Result& keep(util::pg::Result r) const {
        return m_results.emplace_back(std::move(r));
    }

    util::pg::Pool::Lease m_lease;
    const AllStatements* m_statements;
    bool m_open = false;
    // What get and scan returned stays valid until the transaction ends.
    mutable std::deque<util::pg::Result> m_results;
    mutable std::deque<std::string> m_keys;
};

void check_schema_name(const std::string& schema) {
    bool ok = !schema.empty() && schema.size() <= 48 && !(schema[0] >= '0' && schema[0] <= '9');
    for (char c : schema) {
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    }
    if (!ok) {
        fail(ErrorKind::invalid_input,
             fmt::format("invalid schema name \"{}\": use a-z, 0-9 and _", schema));
    }
}

// The schema's version, or nullopt when the database has no such schema.
std::optional<int64_t> schema_version(Connection& db, const std::string& schema) {
    auto exists = db.exec("SELECT 1 FROM pg_namespace WHERE nspname = $1", {schema});
    if (exists.rows() == 0) {
        return std::nullopt;
    }
    auto meta = db.exec("SELECT to_regclass($1) IS NOT NULL", {schema + ".meta"});
    if (meta.text(0, 0) != "t") {
        return std::nullopt;
    }
    auto r = db.exec(fmt::format("SELECT v FROM {}.meta WHERE k = $1", schema), {k_schema_key});
    if (r.rows() == 0) {
        fail(ErrorKind::failure,
             fmt::format("schema \"{}\" has no schema version; it is not an mpctl store", schema));
    }
    int64_t version = 0;
    try {
        version = std::stoll(std::string(r.text(0, 0)));
    } catch (const std::exception&) {
    }
    if (version < 1) {  // unreadable, or before the first version there is
        fail(ErrorKind::failure, fmt::format("schema \"{}\" has a broken schema version", schema));
    }
    return version;
}

}  // namespace

PgStore::PgStore(std::shared_ptr<util::pg::Pool> pool, PgOptions options)
    : m_pool(std::move(pool)), m_options(std::move(options)) {}

std::unique_ptr<PgStore> PgStore::open(const std::string& conninfo, PgOptions options) {
    check_schema_name(options.schema);
    auto pool =
        std::make_shared<util::pg::Pool>(conninfo, std::max<size_t>(options.connections, 1));
    std::string where = fmt::format("{} (schema {})", util::pg::redact(conninfo), options.schema);
    {
        auto db = pool->acquire();
        // Two `mpctl init` at once: one creates, the other waits, then finds it.
        // The name is put into statements as it is: the server says whether
        // it would need quoting (a reserved word such as "user").
        if (db->exec("SELECT quote_ident($1) = $1", {options.schema}).text(0, 0) != "t" ||
            options.schema == "public" || options.schema.starts_with("pg_") ||
            options.schema == "information_schema") {
            fail(ErrorKind::invalid_input,
                 fmt::format("invalid schema name \"{}\": a reserved word or a schema of "
                             "PostgreSQL's own",
                             options.schema));
        }
        db->transaction([&] {
            db->exec("SELECT pg_advisory_xact_lock(hashtext($1))", {options.schema});
            auto version = schema_version(*db, options.schema);
            // A new store is made as an old one is migrated: version by version.
            bool fresh = !version;
            if (fresh) {
                if (!options.create) {
                    fail(ErrorKind::not_found,
                         fmt::format("no store in the database {}; run mpctl init with this "
                                     "--db first",
                                     where));
                }
                version = 0;
            }
            if (*version > k_schema_version) {
                fail(ErrorKind::failure,
                     fmt::format("the store in {} has schema version {}; this mpctl reads only "
                                 "version {} (is it from a newer mpctl?)",
                                 where, *version, k_schema_version));
            } else if (*version < k_schema_version && (options.migrate || fresh)) {
                for (int64_t v = *version + 1; v <= k_schema_version; ++v) {
                    db->exec_script(pg_schema_sql(options.schema, static_cast<int>(v)));
                    db->exec(fmt::format("UPDATE {}.meta SET v = $1 WHERE k = $2", options.schema),
                             {std::to_string(v), k_schema_key});
                }
            } else if (*version < k_schema_version) {
                fail(ErrorKind::failure,
                     fmt::format("the store in {} has schema version {}; run mpctl db migrate "
                                 "to bring it to version {}",
                                 where, *version, k_schema_version));
            }
        });
    }
    std::unique_ptr<PgStore> store(new PgStore(std::move(pool), std::move(options)));
    if (store->m_options.cached) {
        store->refresh();
        if (store->m_options.follow) {
            store->m_follower = std::thread([s = store.get()] { s->follow(); });
        }
    }
    return store;
}

PgStore::~PgStore() {
    {
        std::lock_guard lock(m_stop_mutex);
        m_stop = true;
    }
    m_stop_signal.notify_all();
    if (m_follower.joinable()) {
        m_follower.join();
    }
}

ReadTxn PgStore::read() {
    if (m_options.cached) {
        return ReadTxn(cached_txn(m_snapshot.load()));
    }
    auto txn = std::make_unique<PgTxn>(m_pool->acquire(), statements_of(m_options.schema));
    txn->begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    return ReadTxn(std::move(txn));
}

void PgStore::write(const std::function<void(WriteTxn&)>& work) {
    // A deadlock with a statement an operator runs by hand is retried;
    // nothing else is, since the database may have committed a transaction
    // whose COMMIT's answer was lost.
    for (int attempt = 1;; ++attempt) {
        try {
            auto txn = std::make_unique<PgTxn>(m_pool->acquire(), statements_of(m_options.schema));
            PgTxn& raw = *txn;
            raw.begin("BEGIN");
            raw.db().exec(
                fmt::format("SELECT v FROM {}.registry_version FOR UPDATE", m_options.schema));
            WriteTxn w(std::move(txn));
            work(w);
            w.commit();
            break;
        } catch (const PgError& e) {
            if (!e.serialization_failure() || attempt == 3) {
                throw;
            }
        }
    }
    if (m_options.cached) {
        // This process reads its own writes at once. The write is committed
        // whatever happens here: a failure is the follower's to mend, and
        // shows in fault() while it lasts.
        try {
            refresh();
        } catch (const std::exception&) {
        }
    }
}

}  // namespace mpctl::core
