// SPDX-License-Identifier: Apache-2.0
// Reading and writing records as JSON in the store's tables.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/store.hpp"

namespace mpctl::core {

template <class T>
std::optional<T> load(const ReadTxn& txn, Table table, std::string_view key) {
    auto text = txn.get(table, key);
    if (!text) {
        return std::nullopt;
    }
    return nlohmann::json::parse(*text).get<T>();
}

template <class T>
void save(WriteTxn& txn, Table table, std::string_view key, const T& record) {
    txn.put(table, key, nlohmann::json(record).dump());
}

// Every record of a table whose key starts with `prefix`, in key order.
template <class T>
std::vector<T> load_all(const ReadTxn& txn, Table table, std::string_view prefix = {}) {
    std::vector<T> out;
    txn.scan(table, prefix, [&](std::string_view, std::string_view value) {
        out.push_back(nlohmann::json::parse(value).get<T>());
        return true;
    });
    return out;
}

// The second parts of the index entries "first\0second".
std::vector<std::string> index_lookup(const ReadTxn& txn, Table index, std::string_view first);

}  // namespace mpctl::core
