// SPDX-License-Identifier: Apache-2.0
// Reading and writing records as JSON in the store's tables.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/store/store.hpp"
#include "core/util/text_memo.hpp"

namespace mpctl::core {

// Decoding a record's JSON costs far more than comparing its bytes, and the
// token endpoint reads the same few records (client, keys, scopes, access)
// for every request: so decoded records are remembered by their exact text.
template <class T>
class DecodedRecords {
  public:
    static DecodedRecords& instance() {
        static DecodedRecords memo;
        return memo;
    }

    std::shared_ptr<const T> decode(std::string_view text) {
        return m_memo.get(text, [text] { return nlohmann::json::parse(text).get<T>(); });
    }

  private:
    util::TextMemo<T> m_memo{4096};
};

// The record under `key`, shared with other readers of the same text (no
// copy: for records the token endpoint only reads); null when missing.
template <class T>
std::shared_ptr<const T> load_shared(const ReadTxn& txn, Table table, std::string_view key) {
    auto text = txn.get(table, key);
    if (!text) {
        return nullptr;
    }
    return DecodedRecords<T>::instance().decode(*text);
}

template <class T>
std::optional<T> load(const ReadTxn& txn, Table table, std::string_view key) {
    auto record = load_shared<T>(txn, table, key);
    if (!record) {
        return std::nullopt;
    }
    return *record;
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
