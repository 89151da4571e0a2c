// SPDX-License-Identifier: Apache-2.0
#include "core/util/pg.hpp"

#include <libpq-fe.h>

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <system_error>
#include <vector>

#include <fmt/format.h>

namespace mpctl::core::util::pg {

namespace {

// libpq's messages end with a newline, sometimes two lines: one line here.
std::string one_line(const char* message) {
    std::string out = message != nullptr ? message : "";
    for (char& c : out) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

// Where the parameter name that ends at `end` begins: libpq has several
// whose name ends in "password" (password, sslpassword), all secret.
size_t name_start(std::string_view text, size_t end) {
    while (end > 0 &&
           (std::isalnum(static_cast<unsigned char>(text[end - 1])) != 0 || text[end - 1] == '_')) {
        --end;
    }
    return end;
}

// Replaces the value that starts at `at` (up to a character of `ends`).
void mask(std::string& text, size_t at, std::string_view ends) {
    size_t end = text.find_first_of(ends, at);
    text.replace(at, (end == std::string::npos ? text.size() : end) - at, "***");
}

}  // namespace

std::string redact(std::string_view uri) {
    std::string out(uri);
    for (std::string_view scheme : {"postgresql://", "postgres://"}) {
        if (out.starts_with(scheme)) {
            // As libpq reads it: a password may hold a "?" unencoded.
            size_t authority_end = out.find('/', scheme.size());
            size_t at = out.rfind('@', authority_end);
            if (at != std::string::npos && at >= scheme.size()) {
                size_t colon = out.find(':', scheme.size());
                if (colon != std::string::npos && colon < at) {
                    out.replace(colon + 1, at - colon - 1, "***");
                }
            }
            for (size_t p = out.find("password=", 0); p != std::string::npos;
                 p = out.find("password=", p + 1)) {
                size_t name = name_start(out, p);
                if (name > 0 && (out[name - 1] == '?' || out[name - 1] == '&')) {
                    mask(out, p + 9, "&");
                }
            }
            return out;
        }
    }
    // key=value form: password = value, or password = 'quoted value'.
    for (size_t p = out.find("password"); p != std::string::npos; p = out.find("password", p + 1)) {
        size_t name = name_start(out, p);
        if (name > 0 && out[name - 1] != ' ' && out[name - 1] != '\t') {
            continue;
        }
        size_t eq = out.find_first_not_of(" \t", p + 8);
        if (eq == std::string::npos || out[eq] != '=') {
            continue;
        }
        size_t value = out.find_first_not_of(" \t", eq + 1);
        if (value == std::string::npos) {
            break;
        }
        if (out[value] == '\'') {
            size_t close = value + 1;
            while (close < out.size() && out[close] != '\'') {
                close += out[close] == '\\' ? 2 : 1;
            }
            out.replace(value, std::min(close + 1, out.size()) - value, "***");
        } else {
            mask(out, value, " \t");
        }
    }
    return out;
}

Result::~Result() {
    PQclear(m_result);
}

int Result::rows() const {
    return PQntuples(m_result);
}

int Result::columns() const {
    return PQnfields(m_result);
}

bool Result::is_null(int row, int column) const {
    return PQgetisnull(m_result, row, column) != 0;
}

std::string_view Result::text(int row, int column) const {
    return {PQgetvalue(m_result, row, column),
            static_cast<size_t>(PQgetlength(m_result, row, column))};
}

int64_t Result::integer(int row, int column) const {
    std::string_view t = text(row, column);
    int64_t value = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (is_null(row, column) || ec != std::errc() || end != t.data() + t.size()) {
        fail(ErrorKind::failure,
             fmt::format("PostgreSQL: column {} is not an integer: \"{}\"", column, t));
    }
    return value;
}

int64_t Result::affected() const {
    const char* n = PQcmdTuples(m_result);
    int64_t value = 0;
    std::from_chars(n, n + std::char_traits<char>::length(n), value);
    return value;
}

std::string_view Result::command() const {
    return PQcmdStatus(m_result);
}

namespace {

// Defaults that the conninfo may override: a server that vanished (a
// half-open connection) is noticed in seconds, not when the kernel's TCP
// timers give up, hours later.
pg_conn* connect(const std::string& conninfo) {
    const char* keys[] = {"keepalives",
                          "keepalives_idle",
                          "keepalives_interval",
                          "keepalives_count",
                          "tcp_user_timeout",
                          "connect_timeout",
                          "dbname",
                          nullptr};
    const char* values[] = {"1", "10", "5", "3", "30000", "10", conninfo.c_str(), nullptr};
    return PQconnectdbParams(keys, values, 1);
}

}  // namespace

Connection::Connection(const std::string& conninfo)
    : m_conn(connect(conninfo)), m_server(redact(conninfo)) {
    if (m_conn == nullptr) {
        throw PgError(ErrorKind::failure, "", "PostgreSQL: out of memory");
    }
    if (PQstatus(m_conn) != CONNECTION_OK) {
        std::string why = one_line(PQerrorMessage(m_conn));
        PQfinish(m_conn);
        m_conn = nullptr;
        throw PgError(ErrorKind::unavailable, "",
                      fmt::format("cannot connect to PostgreSQL at {}: {}", m_server, why));
    }
    // The server's NOTICEs ("schema exists, skipping") are not for users;
    // libpq would print them on stderr.
    PQsetNoticeProcessor(
        m_conn, [](void*, const char*) {}, nullptr);
}

Connection::Connection(Connection&& other) noexcept
    : m_conn(other.m_conn),
      m_server(std::move(other.m_server)),
      m_prepared(std::move(other.m_prepared)) {
    other.m_conn = nullptr;
}

Connection::~Connection() {
    PQfinish(m_conn);
}

bool Connection::connected() const {
    return m_conn != nullptr && PQstatus(m_conn) == CONNECTION_OK;
}

void Connection::reconnect() {
    m_prepared.clear();  // a new session has none
    PQreset(m_conn);
    if (!connected()) {
        throw PgError(ErrorKind::unavailable, "",
                      fmt::format("cannot connect to PostgreSQL at {}: {}", m_server,
                                  one_line(PQerrorMessage(m_conn))));
    }
}

void Connection::fail_from(pg_result* result, std::string_view what) {
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlstate = state != nullptr ? state : "";
    std::string message = one_line(result != nullptr ? PQresultErrorMessage(result) : "");
    if (message.empty()) {
        message = one_line(PQerrorMessage(m_conn));
    }
    PQclear(result);
    ErrorKind kind = ErrorKind::failure;
    // No SQLSTATE, or class 08 (connection exception) or 57P (the server
    // is going away): the server, not the statement.
    if (!connected() || sqlstate.empty() || sqlstate.starts_with("08") ||
        sqlstate.starts_with("57P")) {
        kind = ErrorKind::unavailable;
    } else if (sqlstate == "23505") {
        kind = ErrorKind::conflict;
    }
    throw PgError(kind, sqlstate, fmt::format("PostgreSQL {}: {}", what, message));
}

Result Connection::exec(std::string_view sql, std::initializer_list<Param> params) {
    std::string statement(sql);
    std::vector<std::string> texts;
    texts.reserve(params.size());
    std::vector<const char*> values;
    for (const auto& p : params) {
        if (p && p->find('\0') != std::string_view::npos) {
            fail(ErrorKind::invalid_input, "PostgreSQL text cannot hold a NUL byte");
        }
        if (p) {
            texts.emplace_back(*p);
            values.push_back(texts.back().c_str());
        } else {
            values.push_back(nullptr);
        }
    }
    // A statement with parameters is prepared once per session, then only
    // executed: the server parses and plans it once (the token path runs
    // the same few statements all the time).
    auto found = m_prepared.find(statement);
    if (found == m_prepared.end() && params.size() > 0) {
        std::string name = "mpctl_" + std::to_string(m_prepared.size() + 1);
        pg_result* p = PQprepare(m_conn, name.c_str(), statement.c_str(),
                                 static_cast<int>(values.size()), nullptr);
        if (p == nullptr || PQresultStatus(p) != PGRES_COMMAND_OK) {
            fail_from(p, "statement failed");
        }
        PQclear(p);
        found = m_prepared.emplace(statement, std::move(name)).first;
    }
    // Text parameters, so their lengths are not needed (no NUL, see above).
    pg_result* r =
        found != m_prepared.end()
            ? PQexecPrepared(m_conn, found->second.c_str(), static_cast<int>(values.size()),
                             values.data(), nullptr, nullptr, 0)
            : PQexecParams(m_conn, statement.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
    auto status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        fail_from(r, "statement failed");
    }
    return Result(r);
}

void Connection::exec_script(std::string_view sql) {
    std::string script(sql);
    pg_result* r = PQexec(m_conn, script.c_str());
    auto status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        fail_from(r, "script failed");
    }
    PQclear(r);
}

void Connection::commit() {
    auto r = exec("COMMIT");
    if (r.command() != "COMMIT") {
        throw PgError(ErrorKind::failure, "",
                      "PostgreSQL rolled the transaction back: a statement in it had failed");
    }
}

bool Connection::in_transaction() const {
    return m_conn != nullptr && PQtransactionStatus(m_conn) != PQTRANS_IDLE;
}

void Connection::rollback() noexcept {
    if (connected()) {
        PQclear(PQexec(m_conn, "ROLLBACK"));
    }
}

bool Connection::wait_for_notification(std::chrono::milliseconds timeout) {
    auto consume = [&] {
        if (PQconsumeInput(m_conn) == 0) {
            throw PgError(
                ErrorKind::unavailable, "",
                fmt::format("PostgreSQL at {}: {}", m_server, one_line(PQerrorMessage(m_conn))));
        }
        bool any = false;
        while (PGnotify* n = PQnotifies(m_conn)) {
            any = true;
            PQfreemem(n);
        }
        return any;
    };
    if (consume()) {
        return true;
    }
    pollfd fd{PQsocket(m_conn), POLLIN, 0};
    if (fd.fd < 0) {
        throw PgError(ErrorKind::unavailable, "",
                      fmt::format("PostgreSQL at {}: not connected", m_server));
    }
    int ready = ::poll(&fd, 1, static_cast<int>(timeout.count()));
    return ready > 0 && consume();
}

Pool::Pool(std::string conninfo, size_t size) : m_conninfo(std::move(conninfo)), m_size(size) {}

Pool::Lease::~Lease() {
    if (m_connection) {
        m_pool->give_back(std::move(m_connection));
    }
}

Pool::Lease Pool::acquire() {
    std::unique_lock lock(m_mutex);
    m_returned.wait(lock, [&] { return !m_idle.empty() || m_made < m_size; });
    if (!m_idle.empty()) {
        auto connection = std::move(m_idle.back());
        m_idle.pop_back();
        lock.unlock();
        if (!connection->connected()) {
            try {
                connection->reconnect();
            } catch (...) {
                give_back(std::move(connection));
                throw;
            }
        }
        return Lease(*this, std::move(connection));
    }
    ++m_made;
    lock.unlock();
    try {
        return Lease(*this, std::make_unique<Connection>(m_conninfo));
    } catch (...) {
        lock.lock();
        --m_made;
        m_returned.notify_one();
        throw;
    }
}

void Pool::give_back(std::unique_ptr<Connection> connection) {
    // A connection comes back with no transaction open, or not at all.
    if (connection->connected() && connection->in_transaction()) {
        try {
            connection->exec("ROLLBACK");
        } catch (const Error&) {
        }
    }
    std::lock_guard lock(m_mutex);
    if (connection->in_transaction()) {
        --m_made;  // dropped; the next acquire makes a new one
    } else {
        m_idle.push_back(std::move(connection));
    }
    m_returned.notify_one();
}

}  // namespace mpctl::core::util::pg
