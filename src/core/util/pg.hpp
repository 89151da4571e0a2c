// SPDX-License-Identifier: Apache-2.0
// The one wrapper around libpq: a move-only connection that runs
// parameterised statements, and move-only results. Nobody outside this file
// calls PQ* directly. (The groundwork of the PostgreSQL store; see the
// tracker's issue on running several replicas on one database.)
#pragma once

// Only PostgreSQL's backend (core/store/pg) and its tests may use this wrapper: meson
// defines MPCTL_USES_LIBPQ for them alone (src/core/meson.build).
#ifndef MPCTL_USES_LIBPQ
#error \
    "pg: a wrapper for core/store/pg alone; code above the store reaches it through core/store/backend.hpp"
#endif

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/util/error.hpp"

struct pg_conn;
struct pg_result;

namespace mpctl::core::util::pg {

// A libpq call failed. sqlstate() is the server's SQLSTATE ("23505"), empty
// when the server was not reached. The kind is `unavailable` when the server
// cannot be reached or the connection broke (the same work may succeed
// later), `conflict` for a unique violation, `failure` otherwise.
class PgError : public Error {
  public:
    PgError(ErrorKind kind, std::string sqlstate, const std::string& message)
        : Error(kind, message), m_sqlstate(std::move(sqlstate)) {}
    const std::string& sqlstate() const noexcept { return m_sqlstate; }
    bool unique_violation() const noexcept { return m_sqlstate == "23505"; }
    bool serialization_failure() const noexcept {
        return m_sqlstate == "40001" || m_sqlstate == "40P01";
    }

  private:
    std::string m_sqlstate;
};

// The URI as it may be shown or logged: a password in it replaced by "***".
std::string redact(std::string_view uri);

class Result {
  public:
    explicit Result(pg_result* r) : m_result(r) {}
    Result(Result&& other) noexcept : m_result(other.m_result) { other.m_result = nullptr; }
    Result& operator=(Result&&) = delete;
    Result(const Result&) = delete;
    ~Result();

    int rows() const;
    int columns() const;
    bool is_null(int row, int column) const;
    // The value as text (a NULL is ""); valid while the Result lives.
    std::string_view text(int row, int column) const;
    // The value of an integer column; throws on NULL or anything else.
    int64_t integer(int row, int column) const;
    // Rows a statement without results changed (INSERT, UPDATE, DELETE).
    int64_t affected() const;
    // The command's tag: "COMMIT", or "ROLLBACK" for a COMMIT of a failed transaction.
    std::string_view command() const;

  private:
    pg_result* m_result;
};

// A statement parameter: text, or NULL.
using Param = std::optional<std::string_view>;

class Connection {
  public:
    // Connects with a libpq connection URI or key=value string (TLS by its
    // sslmode, a password from PGPASSFILE or PGPASSWORD). Throws PgError
    // (unavailable) naming the server as the redacted URI does.
    explicit Connection(const std::string& conninfo);
    Connection(Connection&& other) noexcept;
    Connection& operator=(Connection&&) = delete;
    Connection(const Connection&) = delete;
    ~Connection();

    // Runs one statement with $1, $2, ... bound to `params`, as text.
    Result exec(std::string_view sql, std::initializer_list<Param> params = {});
    // Runs statements that take no parameters (a schema, say), in order.
    void exec_script(std::string_view sql);

    // Waits up to `timeout` for a notification on a channel this connection
    // LISTENs to; true when one or more came (all are consumed).
    bool wait_for_notification(std::chrono::milliseconds timeout);

    // Ends the open transaction; throws when the server rolled it back instead.
    void commit();
    // Whether a transaction is open (or failed and not yet ended).
    bool in_transaction() const;

    // Whether the connection is up, as far as libpq knows.
    bool connected() const;
    // Connects again after the connection broke; throws PgError when it cannot.
    void reconnect();

    // Runs `work` in one transaction: committed when it returns, rolled back
    // when it throws (and the exception goes on).
    template <class Work>
    auto transaction(Work&& work) -> std::invoke_result_t<Work&> {
        exec("BEGIN");
        try {
            if constexpr (std::is_void_v<std::invoke_result_t<Work&>>) {
                work();
                commit();
            } else {
                auto result = work();
                commit();
                return result;
            }
        } catch (...) {
            rollback();
            throw;
        }
    }

  private:
    void rollback() noexcept;
    [[noreturn]] void fail_from(pg_result* result, std::string_view what);

    pg_conn* m_conn;
    std::string m_server;                                     // the redacted conninfo, for messages
    std::unordered_map<std::string, std::string> m_prepared;  // statement -> its name
};

// Connections to one server shared by threads: each is used by one thread
// at a time. A connection that broke is made again when it is next taken.
class Pool {
  public:
    // At most `size` connections; none is made before the first acquire.
    Pool(std::string conninfo, size_t size);
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    class Lease {
      public:
        Lease(Pool& pool, std::unique_ptr<Connection> connection)
            : m_pool(&pool), m_connection(std::move(connection)) {}
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        Connection& operator*() const { return *m_connection; }
        Connection* operator->() const { return m_connection.get(); }

      private:
        Pool* m_pool;
        std::unique_ptr<Connection> m_connection;
    };

    // A connection for this thread's use until the lease ends; waits while
    // all are taken. Throws PgError (unavailable) when none can be made.
    Lease acquire();
    const std::string& conninfo() const { return m_conninfo; }

  private:
    void give_back(std::unique_ptr<Connection> connection);

    std::string m_conninfo;
    size_t m_size;
    size_t m_made = 0;  // connections made and not yet dropped
    std::vector<std::unique_ptr<Connection>> m_idle;
    std::mutex m_mutex;
    std::condition_variable m_returned;
};

}  // namespace mpctl::core::util::pg
