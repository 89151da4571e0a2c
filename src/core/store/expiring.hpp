// SPDX-License-Identifier: Apache-2.0
// Records that live until a time: used grants and opaque tokens. Each table
// has an index by expiry so that expired records are purged in order.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "core/store/store.hpp"
#include "core/util/time.hpp"

namespace mpctl::core {

// false, writing nothing, when `key` is there already and not expired.
bool put_if_absent(WriteTxn& txn, Table table, Table by_expiry, std::string_view key,
                   std::string_view value, util::UnixTime expires, util::UnixTime now);

// The value under `key` while it has not expired.
std::optional<std::string_view> get_unexpired(const ReadTxn& txn, Table table, std::string_view key,
                                              util::UnixTime now);

// The expiry of the record under `key`, which must be there.
util::UnixTime expiry_of(const ReadTxn& txn, Table table, std::string_view key);

// Deletes up to `limit` records that expired before `now`; returns how many.
size_t purge_expired(WriteTxn& txn, Table table, Table by_expiry, util::UnixTime now, size_t limit);

}  // namespace mpctl::core
