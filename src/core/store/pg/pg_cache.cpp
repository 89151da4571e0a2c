// SPDX-License-Identifier: Apache-2.0
// The cache of a PgStore for `mpctl serve`: every registry table in memory,
// following the database's change log (see core/store_pg.hpp).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/store/pg/pg_sql.hpp"
#include "core/store/pg/pg_store.hpp"
#include "core/util/error.hpp"

namespace mpctl::core {

using namespace pg_sql;
using util::pg::Connection;

struct PgStore::Snapshot {
    using Rows = std::map<std::string, std::string, std::less<>>;
    int64_t version = 0;
    std::array<std::shared_ptr<const Rows>, k_table_count> tables;
};

namespace {

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

}  // namespace

std::unique_ptr<TxnBackend> pg_sql::cached_txn(std::shared_ptr<const PgStore::Snapshot> snapshot) {
    return std::make_unique<CachedTxn>(std::move(snapshot));
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
               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(age).count()) + " s";
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
            auto r =
                spec.key2.empty() ? db.exec(stmts[i].get, {k1}) : db.exec(stmts[i].get, {k1, k2});
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
