// SPDX-License-Identifier: Apache-2.0
// The audit log in PostgreSQL. A token leaves only once its line is
// committed, as with the file; lines of concurrent requests share one
// INSERT, so that under load the log costs a fraction of a round trip per
// token rather than one.
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/store/pg/pg_store.hpp"

namespace mpctl::core {

namespace {

class PgAuditLog : public AuditLog {
  public:
    PgAuditLog(std::shared_ptr<util::pg::Pool> pool, const std::string& schema)
        : m_pool(std::move(pool)),
          m_insert(fmt::format(
              "INSERT INTO {}.audit (line) SELECT value FROM json_array_elements($1::json)",
              schema)),
          // What the filter names exactly is looked up by the server (time
          // by its index), not every line sent here to be read: a trace id
          // is one line among millions. The rest, audit_matches() checks.
          m_select(fmt::format("SELECT line FROM {}.audit WHERE ($1::text IS NULL OR time >= $1) "
                               "AND ($2::text IS NULL OR line ->> 'trace_id' = $2) "
                               "AND ($3::text IS NULL OR client_id = $3) "
                               "AND ($4::text IS NULL OR result = $4) ORDER BY id",
                               schema)),
          m_select_raw(fmt::format("SELECT line FROM {}.audit ORDER BY id", schema)) {}

    void append(const AuditEntry& entry) override {
        std::unique_lock lock(m_mutex);
        if (!m_open) {
            m_open = std::make_shared<Batch>();
        }
        auto mine = m_open;
        mine->lines.push_back(audit_line(entry));
        while (!mine->done) {
            if (m_writing) {
                m_written.wait(lock);
                continue;
            }
            // No INSERT is under way: this thread writes every line waiting.
            m_writing = true;
            auto batch = std::move(m_open);
            lock.unlock();
            write(*batch);
            lock.lock();
            batch->done = true;
            m_writing = false;
            m_written.notify_all();
        }
        if (mine->error) {
            std::rethrow_exception(mine->error);
        }
    }
    std::optional<std::string> fault() override {
        std::lock_guard lock(m_mutex);
        return m_fault;
    }
    std::vector<nlohmann::json> read(const AuditFilter& filter) override {
        auto db = m_pool->acquire();
        util::pg::Param since = std::nullopt;
        std::string since_text;
        if (filter.since) {
            since_text = util::iso8601(*filter.since);
            since = since_text;
        }
        auto param = [](const std::optional<std::string>& v) -> util::pg::Param {
            return v ? util::pg::Param(*v) : std::nullopt;
        };
        auto rows = db->exec(m_select, {since, param(filter.trace_id), param(filter.client_id),
                                        param(filter.result)});
        std::vector<nlohmann::json> out;
        for (int row = 0; row < rows.rows(); ++row) {
            auto e = parse_audit_line(rows.text(row, 0));
            if (e && audit_matches(*e, filter)) {
                out.push_back(std::move(*e));
            }
        }
        return out;
    }

    std::vector<std::string> raw_lines() override {
        auto rows = m_pool->acquire()->exec(m_select_raw);
        std::vector<std::string> out;
        for (int row = 0; row < rows.rows(); ++row) {
            out.emplace_back(rows.text(row, 0));
        }
        return out;
    }
    void append_lines(const std::vector<std::string>& lines) override {
        Batch batch;
        batch.lines = lines;
        write(batch);
        if (batch.error) {
            std::rethrow_exception(batch.error);
        }
    }

  private:
    struct Batch {
        std::vector<std::string> lines;
        bool done = false;
        std::exception_ptr error;
    };

    // Never throws: the batch carries the error to every line's append.
    void write(Batch& batch) noexcept {
        constexpr size_t k_chunk = 1000;  // one INSERT's value stays small
        std::optional<std::string> fault;
        try {
            auto db = m_pool->acquire();
            for (size_t at = 0; at < batch.lines.size(); at += k_chunk) {
                std::string array = "[";
                for (size_t i = at; i < std::min(at + k_chunk, batch.lines.size()); ++i) {
                    array += array.size() > 1 ? "," : "";
                    array += batch.lines[i];
                }
                array += "]";
                db->exec(m_insert, {array});
            }
        } catch (const Error& e) {
            batch.error = std::current_exception();
            // Public (in /healthz): no server name or message here.
            fault = e.kind() == ErrorKind::unavailable ? "its database is unreachable"
                                                       : "its database refused a line";
        } catch (...) {
            batch.error = std::current_exception();
            fault = "a line could not be written";
        }
        std::lock_guard lock(m_mutex);
        m_fault = std::move(fault);
    }

    std::shared_ptr<util::pg::Pool> m_pool;
    std::string m_insert, m_select, m_select_raw;
    std::mutex m_mutex;
    std::condition_variable m_written;
    std::shared_ptr<Batch> m_open;  // lines that wait for the next INSERT
    bool m_writing = false;
    std::optional<std::string> m_fault;
};

}  // namespace

std::unique_ptr<AuditLog> pg_audit_log(std::shared_ptr<util::pg::Pool> pool, std::string schema) {
    return std::make_unique<PgAuditLog>(std::move(pool), schema);
}

}  // namespace mpctl::core
