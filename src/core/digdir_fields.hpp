// SPDX-License-Identifier: Apache-2.0
// The fields of Digdir's client and scope objects that change nothing in mpctl:
// settings of ID-porten's flows, fields of old public examples, fields only
// Digdir sets. Clients written for Digdir send them, so each has one rule
// here; the self-service API reads its bodies by these tables, and a record's
// JSON answers the kept ones. docs/http-api.md lists them with their rules.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mpctl::core {

enum class FieldRule {
    kept,     // any value of its type (or of `values`): stored and answered, no effect
    nothing,  // accepted only when it says nothing: "", [], {}, false, 0 (null is absent)
    fixed,    // accepted only with one of `values`; nothing is stored
    ignored,  // only Digdir sets it (read-only there): accepted and dropped
};

enum class FieldType { string, boolean, count, array, object };  // count: integer >= 0

struct DigdirField {
    std::string_view name;
    FieldRule rule;
    FieldType type;
    std::vector<nlohmann::json> values;    // allowed values; empty: any of the type
    std::optional<nlohmann::json> answer;  // answered when nothing is kept; nullopt: never
    std::string_view why;                  // said when a value is refused
};

const std::vector<DigdirField>& client_digdir_fields();
const std::vector<DigdirField>& scope_digdir_fields();
// The field of `fields` named `name`, if any.
const DigdirField* find_digdir_field(const std::vector<DigdirField>& fields, std::string_view name);

// Checks a value (never null) of `field` sent by a client. Returns what to keep
// (kept fields only); throws invalid_input naming the field and why otherwise.
std::optional<nlohmann::json> check_digdir_field(const DigdirField& field,
                                                 const nlohmann::json& value);

// The kept fields of a record's JSON, as stored.
nlohmann::json read_kept_fields(const nlohmann::json& record,
                                const std::vector<DigdirField>& fields);
// Adds the fields to a record's JSON: to the store's form (nlohmann::json) the
// kept ones; to an answer (nlohmann::ordered_json) every answered field, the
// kept value or else its answer.
template <class Json>
void write_digdir_fields(Json& out, const std::vector<DigdirField>& fields,
                         const nlohmann::json& kept);

}  // namespace mpctl::core
