// SPDX-License-Identifier: Apache-2.0
#include "core/store_copy.hpp"

#include <array>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/operator.hpp"
#include "core/util/error.hpp"

namespace mpctl::core {

namespace {

// Each backend keeps its own schema version there.
constexpr std::string_view k_schema_key = "schema_version";

using Listing = std::vector<std::pair<std::string, std::string>>;

// Every record of table `t`, in key order.
Listing listing(const ReadTxn& txn, Table t) {
    Listing out;
    txn.scan(t, "", [&](std::string_view key, std::string_view value) {
        if (!(t == Table::meta && key == k_schema_key)) {
            out.emplace_back(key, value);
        }
        return true;
    });
    return out;
}

constexpr std::array<Table, 20> k_registry{
    Table::meta,
    Table::prefixes,
    Table::scopes,
    Table::scopes_by_owner,
    Table::access,
    Table::access_by_consumer,
    Table::clients,
    Table::clients_by_org,
    Table::client_keys,
    Table::delegations,
    Table::delegations_by_consumer,
    Table::delegations_by_supplier,
    Table::systems,
    Table::systems_by_vendor,
    Table::systems_by_client,
    Table::systemusers,
    Table::systemusers_by_customer,
    Table::systemusers_by_system,
    Table::trusted_cas,
    Table::signing_keys,
};
static_assert(k_registry.size() == static_cast<size_t>(Table::used_grants));

}  // namespace

CopyReport copy_store(Backend& from, Backend& to, const KeySecrets& secrets, util::UnixTime now) {
    if (auto settings = load_settings(to.store().read())) {
        fail(ErrorKind::conflict,
             fmt::format("{} holds a store already (issuer {}); copy into an empty one",
                         to.store().location(), settings->issuer));
    }
    if (!to.audit().raw_lines().empty()) {
        fail(ErrorKind::conflict,
             fmt::format("{} has an audit log already; copy into an empty store",
                         to.store().location()));
    }
    CopyReport report;
    std::map<Table, Listing> source;
    {
        auto txn = from.store().read();  // one snapshot of the whole registry
        require_settings(txn);
        for (Table t : k_registry) {
            source[t] = listing(txn, t);
        }
    }
    to.store().write([&](WriteTxn& w) {
        report.records = 0;
        for (const auto& [t, rows] : source) {
            for (const auto& [key, value] : rows) {
                w.put(t, key, value);
                ++report.records;
            }
        }
        if (!secrets.empty()) {
            report.sealed = rewrap_signing_keys(w, secrets);
        }
    });
    MemoryRecords memory = from.memory().unexpired(now);
    to.memory().restore(memory, now);
    report.grants = memory.grants.size();
    report.tokens = memory.tokens.size();
    auto lines = from.audit().raw_lines();
    to.audit().append_lines(lines);
    report.audit_lines = lines.size();

    // Read back what the target holds.
    auto copied = to.store().read();
    for (const auto& [t, rows] : source) {
        Listing there = listing(copied, t);
        bool same = there == rows;
        if (t == Table::signing_keys && !report.sealed.empty()) {
            same = there.size() == rows.size();  // sealed on the way: other text
        }
        if (!same) {
            fail(ErrorKind::failure,
                 fmt::format("the copy differs from the original in {} ({} records there, {} "
                             "here)",
                             to.store().location(), there.size(), rows.size()));
        }
    }
    check_signing_keys(copied, secrets, false, now);
    auto kept = to.memory().unexpired(now);
    if (kept.grants.size() < report.grants || kept.tokens.size() < report.tokens) {
        fail(ErrorKind::failure, "the copy lacks records of the token memory");
    }
    if (to.audit().raw_lines() != lines) {
        fail(ErrorKind::failure, "the copy's audit log differs from the original's");
    }
    return report;
}

}  // namespace mpctl::core
