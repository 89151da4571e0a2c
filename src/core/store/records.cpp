// SPDX-License-Identifier: Apache-2.0
#include "core/store/records.hpp"

namespace mpctl::core {

std::vector<std::string> index_lookup(const ReadTxn& txn, Table index, std::string_view first) {
    std::string prefix = index_key(first, "");
    std::vector<std::string> out;
    txn.scan(index, prefix, [&](std::string_view key, std::string_view) {
        out.emplace_back(key.substr(prefix.size()));
        return true;
    });
    return out;
}

}  // namespace mpctl::core
