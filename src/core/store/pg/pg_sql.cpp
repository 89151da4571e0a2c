// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg/pg_sql.hpp"

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "core/util/error.hpp"

namespace mpctl::core::pg_sql {

const SqlTable& sql_table(Table t) {
    const SqlTable& spec = k_sql_tables[static_cast<size_t>(t)];
    if (spec.name.empty()) {
        fail(ErrorKind::failure, "the PostgreSQL store keeps no token memory in the registry");
    }
    return spec;
}

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

namespace {

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

}  // namespace

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

}  // namespace mpctl::core::pg_sql

namespace mpctl::core {

using namespace pg_sql;

namespace {

// The schema version that brought table `t`: 2 added the register of
// systems and system users.
int since_version(Table t) {
    return t >= Table::systems && t <= Table::systemusers_by_system ? 2 : 1;
}

// The registry tables version `version` adds, with the trigger that reports
// their changes to every replica.
std::string registry_tables_sql(std::string_view schema, int version) {
    std::string sql;
    for (size_t i = 0; i < k_table_count; ++i) {
        auto table = static_cast<Table>(i);
        if (!registry_table(table) || since_version(table) != version) {
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
    return sql;
}

}  // namespace

std::string pg_schema_sql(std::string_view schema, int version) {
    if (version == 2) {
        return registry_tables_sql(schema, 2);
    }
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
    sql += registry_tables_sql(schema, 1);
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
        "INSERT INTO {0}.meta (k, v) VALUES ('{1}', '1');\n",
        schema, k_schema_key);
    return sql;
}

}  // namespace mpctl::core
