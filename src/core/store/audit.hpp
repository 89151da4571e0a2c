// SPDX-License-Identifier: Apache-2.0
// The audit log of token requests: one JSON line each, in a file in the
// store directory, or in the `audit` table of a PostgreSQL store, where the
// lines of every replica meet.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/line_log.hpp"
#include "core/util/time.hpp"

namespace mpctl::core {

// The longest User-Agent a line of the audit or access log keeps, in bytes
// (clip_utf8: a longer one is cut there and marked "...").
inline constexpr size_t k_max_user_agent = 256;

// One line of the audit log: never a token or a key.
struct AuditEntry {
    util::UnixTime time = 0;
    std::string trace_id;
    std::string client_id;
    std::string consumer;
    std::string supplier;
    std::string systemuser_org;  // the customer a grant asked for, as a system user
    std::string systemuser_id;   // the system user a granted token acts as
    std::string pid;             // masked: the birth date only (Pid::masked)
    std::vector<std::string> scopes;
    std::string grant_jti;
    std::string token_jti;
    std::string result;       // "granted" or "refused"
    std::string code;         // MP code of a refusal
    std::string description;  // a refusal's words, as the client was told them
    // Where the request came from, when it came over HTTP: the peer's
    // address, and its User-Agent (clipped).
    std::string remote;
    std::string user_agent;
    // false when client_id and scopes are only what a refused grant claimed,
    // read before its signature was checked (or when the check failed).
    bool verified = true;
};

std::filesystem::path audit_log_path(const std::filesystem::path& store_dir);

// The entry as one line of JSON.
std::string audit_line(const AuditEntry& entry);

// A read entry with its fields in the order audit_line() writes them (the
// parsed entry has them sorted), and any others after: for showing it.
nlohmann::ordered_json audit_in_log_order(const nlohmann::json& entry);

// Appends the entry to the log (see audit_log_path), kept open by the caller.
void append_audit(util::LineLog& log, const AuditEntry& entry);

struct AuditFilter {
    std::optional<std::string> client_id;
    std::optional<std::string> org;  // consumer or supplier
    std::optional<std::string> scope;
    std::optional<util::UnixTime> since;
    std::optional<std::string> result;  // "granted" or "refused"
    std::optional<std::string> trace_id;
};

// The files of the log at `log`, oldest first: those logrotate made of it
// (`log` followed by "." or "-": audit.log.1, audit.log.2.gz, ...; read
// compressed or not), by their first entry's time, then `log` itself.
// With `since`, the older files whose entries all come before it are left
// out.
std::vector<std::filesystem::path> audit_files(const std::filesystem::path& log,
                                               std::optional<util::UnixTime> since);

// The entries that match, oldest first, from every file of the log
// (audit_files); a missing log is an empty one. Throws mpctl::Error
// (failure) naming a file that cannot be read.
std::vector<nlohmann::json> read_audit(const std::filesystem::path& log, const AuditFilter& filter);

// A line of the log as an entry, when it is one mpctl wrote.
std::optional<nlohmann::json> parse_audit_line(std::string_view line);
bool audit_matches(const nlohmann::json& entry, const AuditFilter& filter);

class AuditLog {
  public:
    virtual ~AuditLog() = default;
    // Returns once the entry is written; throws when it cannot be.
    virtual void append(const AuditEntry& entry) = 0;
    // Why the log cannot be written, while that holds.
    virtual std::optional<std::string> fault() = 0;
    // The entries that match, oldest first.
    virtual std::vector<nlohmann::json> read(const AuditFilter& filter) = 0;
    // Opens the file again if it was moved away (logrotate); see LineLog.
    virtual void reopen_if_moved() {}
    // Throws when the log cannot be written to (a server checks at start).
    virtual void open_now() {}
    // Every line as written, oldest first, and lines to add as they are
    // (for moving a log to another store).
    virtual std::vector<std::string> raw_lines() = 0;
    virtual void append_lines(const std::vector<std::string>& lines) = 0;
};

// The log in the file `path` (audit_log_path), opened now when `open_now`,
// else on the first append.
std::unique_ptr<AuditLog> file_audit_log(std::filesystem::path path, bool open_now);

// "2026-11-24T10:00:00Z", or an age: "90s", "15m", "2h", "7d" before `now`.
util::UnixTime parse_since(const std::string& text, util::UnixTime now);

}  // namespace mpctl::core
