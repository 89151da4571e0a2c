// SPDX-License-Identifier: Apache-2.0
// Internal to core/store_pg*.cpp: how each Table lies in SQL, and the
// statements made from that once per schema.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "core/store/store.hpp"
#include "core/util/pg.hpp"

namespace mpctl::core::pg_sql {

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
    {"systems", "id", "", Value::json},
    {"systems_by_vendor", "vendor_orgno", "system_id", Value::none},
    {"systems_by_client", "client_id", "system_id", Value::none},
    {"systemusers", "id", "", Value::json},
    {"systemusers_by_customer", "customer_orgno", "id", Value::none},
    {"systemusers_by_system", "system_id", "id", Value::none},
    {"trusted_cas", "fingerprint", "", Value::json},
    {"signing_keys", "kid", "", Value::json},
    // The token memory has tables of its own in PostgreSQL (PgTokenMemory).
    {"", "", "", Value::none},
    {"", "", "", Value::none},
    {"", "", "", Value::none},
    {"", "", "", Value::none},
}};

// The table's spec; throws for the token memory's tables, which are not
// kept as registry tables in PostgreSQL.
const SqlTable& sql_table(Table t);

inline constexpr std::string_view k_schema_key = "schema_version";

// The key's parts as the table's columns hold them, and back.
std::pair<std::string_view, std::string_view> split_key(const SqlTable& spec, std::string_view key);
std::string join_key(const SqlTable& spec, std::string_view k1, std::string_view k2);

// The statements of one table in one schema.
struct Statements {
    std::string get, put, del, scan_all, scan_prefix, count;
};
using AllStatements = std::array<Statements, k_table_count>;
// Made once per schema for the life of the process (tests use several).
const AllStatements& statements_of(const std::string& schema);

// Rows of a table as scan_all or scan_prefix select them, visited as
// (key, value) in key order until `visit` returns false.
void visit_rows(const util::pg::Result& rows, const SqlTable& spec,
                const std::function<bool(std::string key, std::string_view value)>& visit);

}  // namespace mpctl::core::pg_sql
