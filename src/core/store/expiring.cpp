// SPDX-License-Identifier: Apache-2.0
#include "core/store/expiring.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>

namespace mpctl::core {

namespace {

// Fixed width, so that the index sorts by time.
std::string expiry_key(util::UnixTime t) {
    return fmt::format("{:020}", t);
}

// The stored value: "expiry\0value".
util::UnixTime stored_expiry(std::string_view stored) {
    return std::stoll(std::string(stored.substr(0, stored.find('\0'))));
}

}  // namespace

bool put_if_absent(WriteTxn& txn, Table table, Table by_expiry, std::string_view key,
                   std::string_view value, util::UnixTime expires, util::UnixTime now) {
    if (auto existing = txn.get(table, key)) {
        if (stored_expiry(*existing) >= now) {
            return false;
        }
        txn.del(by_expiry, index_key(expiry_key(stored_expiry(*existing)), key));
    }
    txn.put(table, key, index_key(expiry_key(expires), value));
    txn.put(by_expiry, index_key(expiry_key(expires), key), "");
    return true;
}

std::optional<std::string_view> get_unexpired(const ReadTxn& txn, Table table, std::string_view key,
                                              util::UnixTime now) {
    auto stored = txn.get(table, key);
    if (!stored || stored_expiry(*stored) < now) {
        return std::nullopt;
    }
    return stored->substr(stored->find('\0') + 1);
}

util::UnixTime expiry_of(const ReadTxn& txn, Table table, std::string_view key) {
    return stored_expiry(txn.get(table, key).value());
}

size_t purge_expired(WriteTxn& txn, Table table, Table by_expiry, util::UnixTime now,
                     size_t limit) {
    std::vector<std::string> expired;
    std::string cutoff = expiry_key(now);
    txn.scan(by_expiry, "", [&](std::string_view key, std::string_view) {
        if (expired.size() >= limit || key.substr(0, cutoff.size()) >= cutoff) {
            return false;
        }
        expired.emplace_back(key);
        return true;
    });
    for (const auto& key : expired) {
        txn.del(by_expiry, key);
        txn.del(table, std::string_view(key).substr(cutoff.size() + 1));
    }
    return expired.size();
}

}  // namespace mpctl::core
