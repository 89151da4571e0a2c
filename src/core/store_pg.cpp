// SPDX-License-Identifier: Apache-2.0
#include "core/store_pg.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/util/error.hpp"

namespace mpctl::core {

namespace {

using util::pg::Connection;
using util::pg::PgError;

enum class Value { none, text, json };

// How a Table lies in SQL: its name, its key's columns (the parts of
// an index_key, or one), and its value column's type.
struct SqlTable {
    std::string_view name;
    std::string_view key1;
    std::string_view key2;  // empty for a one-part key
    Value value;
};

constexpr std::array<SqlTable, k_table_count> k_sql_tables{{
    {"meta", "k", "", Value::text},
    {"prefixes", "prefix", "", Value::json},
    {"scopes", "name", "", Value::json},
    {"scopes_by_owner", "owner_orgno", "scope", Value::none},
    {"access", "scope", "consumer_orgno", Value::json},
    {"access_by_consumer", "consumer_orgno", "scope", Value::none},
    {"clients", "client_id", "", Value::json},
    {"clients_by_org", "client_orgno", "client_id", Value::none},
    {"client_keys", "client_id", "", Value::json},
    {"delegations", "id", "", Value::json},
    {"delegations_by_consumer", "consumer_orgno", "id", Value::none},
    {"delegations_by_supplier", "supplier_orgno", "id", Value::none},
    {"trusted_cas", "fingerprint", "", Value::json},
    {"signing_keys", "kid", "", Value::json},
    // The token memory has tables of its own in PostgreSQL (PgTokenMemory).
    {"", "", "", Value::none},
    {"", "", "", Value::none},
    {"", "", "", Value::none},
    {"", "", "", Value::none},
}};

const SqlTable& sql_table(Table t) {
    const SqlTable& spec = k_sql_tables[static_cast<size_t>(t)];
    if (spec.name.empty()) {
        fail(ErrorKind::failure, "the PostgreSQL store keeps no token memory in the registry");
    }
    return spec;
}

constexpr std::string_view k_schema_key = "schema_version";

// The key's parts as the table's columns hold them.
std::pair<std::string_view, std::string_view> split_key(const SqlTable& spec,
                                                        std::string_view key) {
    size_t nul = key.find('\0');
    if (spec.key2.empty()) {
        if (nul != std::string_view::npos) {
            fail(ErrorKind::invalid_input, fmt::format("a key of {} has a NUL byte", spec.name));
        }
        return {key, {}};
    }
    if (nul == std::string_view::npos || key.find('\0', nul + 1) != std::string_view::npos) {
        fail(ErrorKind::failure, fmt::format("a key of {} must have two parts", spec.name));
    }
    return {key.substr(0, nul), key.substr(nul + 1)};
}

std::string join_key(const SqlTable& spec, std::string_view k1, std::string_view k2) {
    return spec.key2.empty() ? std::string(k1) : index_key(k1, k2);
}

// The statements of one table in one schema, made once.
struct Statements {
    std::string get, put, del, scan_all, scan_prefix, count;
};

std::string key_list(const SqlTable& t) {
    return t.key2.empty() ? std::string(t.key1) : fmt::format("{}, {}", t.key1, t.key2);
}

Statements statements(std::string_view schema, const SqlTable& t) {
    std::string table = fmt::format("{}.{}", schema, t.name);
    std::string keys = key_list(t);
    std::string where = t.key2.empty() ? fmt::format("{} = $1", t.key1)
                                       : fmt::format("{} = $1 AND {} = $2", t.key1, t.key2);
    std::string value = t.value == Value::none ? "''" : "v";
    int value_param = t.key2.empty() ? 2 : 3;
    Statements s;
    s.get = fmt::format("SELECT {} FROM {} WHERE {}", value, table, where);
    if (t.value == Value::none) {
        s.put = fmt::format("INSERT INTO {} ({}) VALUES ($1{}) ON CONFLICT DO NOTHING", table, keys,
                            t.key2.empty() ? "" : ", $2");
    } else {
        s.put = fmt::format(
            "INSERT INTO {} ({}, v) VALUES ($1{}, ${}) ON CONFLICT ({}) DO UPDATE SET v = "
            "EXCLUDED.v",
            table, keys, t.key2.empty() ? "" : ", $2", value_param, keys);
    }
    s.del = fmt::format("DELETE FROM {} WHERE {}", table, where);
    s.scan_all = fmt::format("SELECT {}, {} FROM {} ORDER BY {}", keys, value, table, keys);
    // A prefix within the first part, or the whole first part and a
    // prefix of the second ("a\0" + "b...").
    s.scan_prefix =
        t.key2.empty()
            ? fmt::format("SELECT {}, {} FROM {} WHERE starts_with({}, $1) ORDER BY {}", keys,
                          value, table, t.key1, keys)
            : fmt::format(
                  "SELECT {}, {} FROM {} WHERE ($2::text IS NULL AND starts_with({}, $1)) OR "
                  "({} = $1 AND starts_with({}, coalesce($2, ''))) ORDER BY {}",
                  keys, value, table, t.key1, t.key1, t.key2, keys);
    s.count = fmt::format("SELECT count(*) FROM {}", table);
    return s;
}

using AllStatements = std::array<Statements, k_table_count>;

AllStatements all_statements(std::string_view schema) {
    AllStatements all;
    for (size_t i = 0; i < k_table_count; ++i) {
        if (registry_table(static_cast<Table>(i))) {
            all[i] = statements(schema, k_sql_tables[i]);
        }
    }
    return all;
}

std::string key_columns_sql(const SqlTable& t) {
    std::string sql = fmt::format("{} text COLLATE \"C\" NOT NULL", t.key1);
    if (!t.key2.empty()) {
        sql += fmt::format(", {} text COLLATE \"C\" NOT NULL", t.key2);
    }
    return sql;
}

// Rows of a table, visited as (key, value) in key order.
void visit_rows(const util::pg::Result& rows, const SqlTable& spec,
                const std::function<bool(std::string key, std::string_view value)>& visit) {
    int value_column = spec.key2.empty() ? 1 : 2;
    for (int row = 0; row < rows.rows(); ++row) {
        std::string key =
            join_key(spec, rows.text(row, 0), spec.key2.empty() ? "" : rows.text(row, 1));
        if (!visit(std::move(key), rows.text(row, value_column))) {
            return;
        }
    }
}

}  // namespace

bool is_database_uri(std::string_view location) {
    return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string pg_schema_sql(std::string_view schema, int version) {
    if (version != 1) {
        fail(ErrorKind::failure, fmt::format("no PostgreSQL schema version {}", version));
    }
    std::string sql = fmt::format(
        "CREATE SCHEMA IF NOT EXISTS {0};\n"
        "CREATE TABLE {0}.registry_version (v bigint NOT NULL);\n"
        "INSERT INTO {0}.registry_version VALUES (0);\n"
        "CREATE TABLE {0}.changes (version bigint PRIMARY KEY, tbl text NOT NULL, "
        "k1 text NOT NULL, k2 text, at timestamptz NOT NULL DEFAULT now());\n"
        "CREATE INDEX ON {0}.changes (at);\n"
        // Counts the change, logs its key and notifies: every change of the
        // registry, whoever makes it, reaches the caches of every replica.
        "CREATE FUNCTION {0}.registry_changed() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "DECLARE ver bigint; k2 text;\n"
        "BEGIN\n"
        "  IF TG_OP <> 'INSERT' THEN\n"
        "    UPDATE {0}.registry_version SET v = v + 1 RETURNING v INTO ver;\n"
        "    IF TG_NARGS > 1 THEN k2 := to_jsonb(OLD) ->> TG_ARGV[1]; END IF;\n"
        "    INSERT INTO {0}.changes (version, tbl, k1, k2)\n"
        "      VALUES (ver, TG_TABLE_NAME, to_jsonb(OLD) ->> TG_ARGV[0], k2);\n"
        "  END IF;\n"
        "  IF TG_OP <> 'DELETE' THEN\n"
        "    UPDATE {0}.registry_version SET v = v + 1 RETURNING v INTO ver;\n"
        "    IF TG_NARGS > 1 THEN k2 := to_jsonb(NEW) ->> TG_ARGV[1]; END IF;\n"
        "    INSERT INTO {0}.changes (version, tbl, k1, k2)\n"
        "      VALUES (ver, TG_TABLE_NAME, to_jsonb(NEW) ->> TG_ARGV[0], k2);\n"
        "  END IF;\n"
        "  PERFORM pg_notify('{0}_registry', '');\n"
        "  RETURN NULL;\n"
        "END $$;\n",
        schema);
    for (size_t i = 0; i < k_table_count; ++i) {
        if (!registry_table(static_cast<Table>(i))) {
            continue;
        }
        const SqlTable& t = k_sql_tables[i];
        std::string value = t.value == Value::json   ? ", v json NOT NULL"
                            : t.value == Value::text ? ", v text NOT NULL"
                                                     : "";
        sql += fmt::format("CREATE TABLE {0}.{1} ({2}{3}, PRIMARY KEY ({4}));\n", schema, t.name,
                           key_columns_sql(t), value, key_list(t));
        std::string args = t.key2.empty() ? fmt::format("'{}'", t.key1)
                                          : fmt::format("'{}', '{}'", t.key1, t.key2);
        sql += fmt::format(
            "CREATE TRIGGER changed AFTER INSERT OR UPDATE OR DELETE ON {0}.{1} FOR EACH ROW "
            "EXECUTE FUNCTION {0}.registry_changed({2});\n",
            schema, t.name, args);
    }
    // The token memory: grants used, opaque tokens issued; see PgTokenMemory.
    sql += fmt::format(
        "CREATE TABLE {0}.used_grants (k text COLLATE \"C\" PRIMARY KEY, expires bigint NOT "
        "NULL);\n"
        "CREATE INDEX ON {0}.used_grants (expires);\n"
        "CREATE TABLE {0}.opaque_tokens (k text COLLATE \"C\" PRIMARY KEY, expires bigint NOT "
        "NULL, claims json NOT NULL);\n"
        "CREATE INDEX ON {0}.opaque_tokens (expires);\n"
        // The audit log of token requests, one JSON line each.
        "CREATE TABLE {0}.audit (id bigserial PRIMARY KEY, line json NOT NULL,\n"
        "  time text COLLATE \"C\" GENERATED ALWAYS AS (line ->> 'time') STORED,\n"
        "  client_id text GENERATED ALWAYS AS (line ->> 'client_id') STORED,\n"
        "  result text GENERATED ALWAYS AS (line ->> 'result') STORED);\n"
        "CREATE INDEX ON {0}.audit (time);\n"
        "INSERT INTO {0}.meta (k, v) VALUES ('{1}', '{2}');\n",
        schema, k_schema_key, version);
    return sql;
}

// What a cached store reads: every table of the registry at one version.
struct PgStore::Snapshot {
    using Rows = std::map<std::string, std::string, std::less<>>;
    int64_t version = 0;
    std::array<std::shared_ptr<const Rows>, k_table_count> tables;
};

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
        auto r = spec.key2.empty() ? db().exec(stmt(t).del, {k1})
                                   : db().exec(stmt(t).del, {k1, k2});
        return r.affected() > 0;
    }
    void commit() override {
        m_open = false;
        db().commit();
    }

  private:
    const Statements& stmt(Table t) const { return (*m_statements)[static_cast<size_t>(t)]; }
    util::pg::Result& keep(util::pg::Result r) const { return m_results.emplace_back(std::move(r)); }

    util::pg::Pool::Lease m_lease;
    const AllStatements* m_statements;
    bool m_open = false;
    // What get and scan returned stays valid until the transaction ends.
    mutable std::deque<util::pg::Result> m_results;
    mutable std::deque<std::string> m_keys;
};

// A read of a cached store: its snapshot, in memory.
class CachedTxn : public TxnBackend {
  public:
    explicit CachedTxn(std::shared_ptr<const PgStore::Snapshot> snapshot)
        : m_snapshot(std::move(snapshot)) {}

    std::optional<std::string_view> get(Table t, std::string_view key) const override {
        const auto& rows = table(t);
        auto it = rows.find(key);
        if (it == rows.end()) {
            return std::nullopt;
        }
        return it->second;
    }
    void scan(Table t, std::string_view prefix,
              const std::function<bool(std::string_view, std::string_view)>& visit) const override {
        const auto& rows = table(t);
        for (auto it = rows.lower_bound(prefix); it != rows.end(); ++it) {
            if (!std::string_view(it->first).starts_with(prefix) || !visit(it->first, it->second)) {
                return;
            }
        }
    }
    size_t count(Table t) const override { return table(t).size(); }
    void put(Table, std::string_view, std::string_view) override { read_only(); }
    bool del(Table, std::string_view) override { read_only(); }
    void commit() override {}

  private:
    const PgStore::Snapshot::Rows& table(Table t) const {
        sql_table(t);
        return *m_snapshot->tables[static_cast<size_t>(t)];
    }
    [[noreturn]] static void read_only() {
        fail(ErrorKind::failure, "a read transaction cannot write");
    }
    std::shared_ptr<const PgStore::Snapshot> m_snapshot;
};

const AllStatements& statements_of(const std::string& schema) {
    // One set per schema for the life of the process (tests use several).
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<AllStatements>> sets;
    std::lock_guard lock(mutex);
    auto& set = sets[schema];
    if (!set) {
        set = std::make_unique<AllStatements>(all_statements(schema));
    }
    return *set;
}

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
        fail(ErrorKind::failure, fmt::format("schema \"{}\" has a broken schema version", schema));
    }
    return version;
}

}  // namespace

PgStore::PgStore(std::shared_ptr<util::pg::Pool> pool, PgOptions options)
    : m_pool(std::move(pool)), m_options(std::move(options)) {}

std::unique_ptr<PgStore> PgStore::open(const std::string& conninfo, PgOptions options) {
    check_schema_name(options.schema);
    auto pool = std::make_shared<util::pg::Pool>(conninfo, std::max<size_t>(options.connections, 1));
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
            if (!version) {
                if (!options.create) {
                    fail(ErrorKind::failure,
                         fmt::format("no store in the database {}; run mpctl init with this "
                                     "--db first",
                                     where));
                }
                db->exec_script(pg_schema_sql(options.schema, k_schema_version));
            } else if (*version > k_schema_version) {
                fail(ErrorKind::failure,
                     fmt::format("the store in {} has schema version {}; this mpctl reads only "
                                 "version {} (is it from a newer mpctl?)",
                                 where, *version, k_schema_version));
            } else if (*version < k_schema_version && options.migrate) {
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
        return ReadTxn(std::make_unique<CachedTxn>(m_snapshot.load()));
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

int64_t PgStore::cached_version() const {
    auto snapshot = m_snapshot.load();
    return snapshot ? snapshot->version : 0;
}

std::optional<std::string> PgStore::fault() {
    std::lock_guard lock(m_fault_mutex);
    if (m_fault) {
        return m_fault;
    }
    // A follower stuck on a dead connection sets no fault: the age tells.
    auto age = std::chrono::steady_clock::now() - m_last_refresh.load();
    if (m_options.cached && m_follower.joinable() &&
        age > std::max<std::chrono::steady_clock::duration>(10 * m_options.poll,
                                                            std::chrono::seconds(5))) {
        return "cannot follow its database: no answer for " +
               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(age).count()) +
               " s";
    }
    return std::nullopt;
}

void PgStore::refresh() {
    // The lock first: a thread that waits for it holds no connection.
    std::lock_guard lock(m_refresh);
    auto db = m_pool->acquire();
    refresh_on(*db);
}

void PgStore::refresh_on(Connection& db) {
    const std::string& s = m_options.schema;
    auto current = m_snapshot.load();
    auto next = std::make_shared<Snapshot>();
    db.transaction([&] {
        db.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
        next->version = db.exec(fmt::format("SELECT v FROM {}.registry_version", s)).integer(0, 0);
        if (current && current->version == next->version) {
            next.reset();
            return;
        }
        const auto& stmts = statements_of(s);
        std::optional<util::pg::Result> changes;
        if (current) {
            changes.emplace(db.exec(
                fmt::format("SELECT version, tbl, k1, k2 FROM {}.changes WHERE version > $1 "
                            "ORDER BY version",
                            s),
                {std::to_string(current->version)}));
        }
        // Changes since the cached version, when the log still has them all.
        bool follow = changes && changes->rows() == next->version - current->version &&
                      changes->rows() > 0 && changes->integer(0, 0) == current->version + 1;
        if (!follow) {
            for (size_t i = 0; i < k_table_count; ++i) {
                auto rows = std::make_shared<Snapshot::Rows>();
                if (registry_table(static_cast<Table>(i))) {
                    auto r = db.exec(stmts[i].scan_all);
                    visit_rows(r, k_sql_tables[i], [&](std::string key, std::string_view value) {
                        rows->emplace(std::move(key), value);
                        return true;
                    });
                }
                next->tables[i] = std::move(rows);
            }
            return;
        }
        next->tables = current->tables;
        std::array<std::shared_ptr<Snapshot::Rows>, k_table_count> copies;
        std::set<std::pair<size_t, std::string>> seen;
        for (int row = 0; row < changes->rows(); ++row) {
            std::string_view name = changes->text(row, 1);
            size_t i = 0;
            while (i < k_table_count && k_sql_tables[i].name != name) {
                ++i;
            }
            if (i == k_table_count) {
                continue;
            }
            const SqlTable& spec = k_sql_tables[i];
            std::string key = join_key(spec, changes->text(row, 2), changes->text(row, 3));
            if (!seen.emplace(i, key).second) {
                continue;
            }
            if (!copies[i]) {
                copies[i] = std::make_shared<Snapshot::Rows>(*current->tables[i]);
                next->tables[i] = copies[i];
            }
            auto [k1, k2] = split_key(spec, key);
            auto r = spec.key2.empty() ? db.exec(stmts[i].get, {k1})
                                       : db.exec(stmts[i].get, {k1, k2});
            if (r.rows() == 0) {
                copies[i]->erase(key);
            } else {
                copies[i]->insert_or_assign(key, std::string(r.text(0, 0)));
            }
        }
    });
    if (next) {
        m_snapshot.store(std::move(next));
    }
    m_last_refresh = std::chrono::steady_clock::now();
}

void PgStore::follow() {
    std::optional<Connection> listener;
    auto stopping = [&](std::chrono::milliseconds wait) {
        std::unique_lock lock(m_stop_mutex);
        return m_stop_signal.wait_for(lock, wait, [&] { return m_stop; });
    };
    auto trimmed = std::chrono::steady_clock::now();
    while (!stopping(std::chrono::milliseconds(0))) {
        try {
            if (!listener) {
                listener.emplace(m_pool->conninfo());
                listener->exec(fmt::format("LISTEN {}_registry", m_options.schema));
            } else {
                // In slices, so that closing the store need not wait a whole poll.
                constexpr std::chrono::milliseconds k_slice{20};
                auto until = std::chrono::steady_clock::now() + m_options.poll;
                while (!listener->wait_for_notification(k_slice) &&
                       std::chrono::steady_clock::now() < until) {
                    if (stopping(std::chrono::milliseconds(0))) {
                        return;
                    }
                }
            }
            // After a notification, or `poll` without one: a lost
            // notification costs at most that long.
            {
                std::lock_guard lock(m_refresh);
                refresh_on(*listener);
            }
            if (std::chrono::steady_clock::now() - trimmed > std::chrono::minutes(1)) {
                trimmed = std::chrono::steady_clock::now();
                // The log needs to reach back only as far as a replica may
                // lag; one that lags more loads everything again.
                listener->exec(fmt::format(
                    "DELETE FROM {0}.changes WHERE version IN (SELECT version FROM {0}.changes "
                    "WHERE at < now() - interval '1 hour' ORDER BY version LIMIT 10000)",
                    m_options.schema));
            }
            std::lock_guard lock(m_fault_mutex);
            m_fault.reset();
        } catch (const std::exception& e) {
            {
                // Public (in /healthz): no server name or message here.
                const auto* error = dynamic_cast<const Error*>(&e);
                std::lock_guard lock(m_fault_mutex);
                m_fault = error != nullptr && error->kind() == ErrorKind::unavailable
                              ? "cannot follow its database: the database is unreachable"
                              : "cannot follow its database";
            }
            listener.reset();
            stopping(m_options.poll);
        }
    }
}
}  // namespace mpctl::core
