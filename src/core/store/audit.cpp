// SPDX-License-Identifier: Apache-2.0
#include "core/store/audit.hpp"

#include <algorithm>
#include <ctime>
#include <exception>
#include <fstream>
#include <limits>
#include <mutex>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/util/error.hpp"
#include "core/util/json_text.hpp"
#include "core/util/json_writer.hpp"

namespace mpctl::core {

using nlohmann::json;

std::filesystem::path audit_log_path(const std::filesystem::path& store_dir) {
    return store_dir / "audit.log";
}

std::string audit_line(const AuditEntry& entry) {
    util::JsonWriter w;
    w.member("time", util::iso8601(entry.time))
        .member("trace_id", entry.trace_id)
        .member("client_id", entry.client_id)
        .member("consumer", entry.consumer)
        .member("supplier", entry.supplier);
    // Only on the lines of system users' and pid's requests.
    if (!entry.systemuser_org.empty()) {
        w.member("systemuser_org", entry.systemuser_org);
    }
    if (!entry.systemuser_id.empty()) {
        w.member("systemuser_id", entry.systemuser_id);
    }
    if (!entry.pid.empty()) {
        w.member("pid", entry.pid);
    }
    return w.member("scopes", entry.scopes)
        .member("grant_jti", entry.grant_jti)
        .member("token_jti", entry.token_jti)
        .member("result", entry.result)
        .member("code", entry.code)
        .boolean("verified", entry.verified)
        .finish();
}

void append_audit(util::LineLog& log, const AuditEntry& entry) {
    log.append(audit_line(entry));
}

namespace {

// The audit log's lines are a few hundred bytes; one over this is not one
// mpctl wrote, and is skipped without reading it into memory.
constexpr std::streamsize k_max_line = 64 * 1024;

// The next line of `in` (without its newline) that is at most k_max_line
// bytes; false at the end.
bool read_line(std::istream& in, std::string& line) {
    static thread_local std::vector<char> buffer(k_max_line + 1);
    while (in.getline(buffer.data(), k_max_line + 1) || in.gcount() > 0) {
        if (in.fail() && !in.eof()) {
            // The line is longer than the buffer: skip the rest of it.
            in.clear();
            in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
            continue;
        }
        // gcount() includes the newline when one was taken; a NUL in the
        // line stays in it (and makes it no JSON).
        auto n = static_cast<size_t>(in.gcount());
        line.assign(buffer.data(), n > 0 && !in.eof() ? n - 1 : n);
        return true;
    }
    return false;
}

// Whether an entry has the shape audit_line() writes: what the filters
// and the CLI read from it is there as text, or not at all.
bool well_formed(const json& e) {
    for (const auto& [name, value] : e.items()) {
        if (name == "verified") {
            if (!value.is_boolean()) {
                return false;
            }
        } else if (name == "scopes") {
            if (!value.is_array()) {
                return false;
            }
            for (const auto& scope : value) {
                if (!scope.is_string()) {
                    return false;
                }
            }
        } else if (!value.is_string()) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::optional<json> parse_audit_line(std::string_view line) {
    json e;
    try {
        e = parse_json_object(line, "audit line");
    } catch (const Error&) {
        return std::nullopt;  // a line cut short by a crash or a full disk
    }
    if (!well_formed(e)) {
        return std::nullopt;  // not a line mpctl wrote
    }
    return e;
}

bool audit_matches(const json& e, const AuditFilter& filter) {
    auto has = [&](const char* field, const std::optional<std::string>& want) {
        return !want || e.value(field, "") == *want;
    };
    auto scopes = e.value("scopes", std::vector<std::string>{});
    return has("client_id", filter.client_id) && has("result", filter.result) &&
           (!filter.org || e.value("consumer", "") == *filter.org ||
            e.value("supplier", "") == *filter.org ||
            e.value("systemuser_org", "") == *filter.org) &&
           (!filter.scope ||
            std::find(scopes.begin(), scopes.end(), *filter.scope) != scopes.end()) &&
           (!filter.since || e.value("time", "") >= util::iso8601(*filter.since));
}

std::vector<json> read_audit(const std::filesystem::path& log, const AuditFilter& filter) {
    std::vector<json> out;
    std::ifstream in(log);
    std::string line;
    while (read_line(in, line)) {
        auto e = parse_audit_line(line);
        if (e && audit_matches(*e, filter)) {
            out.push_back(std::move(*e));
        }
    }
    return out;
}

namespace {

class FileAuditLog : public AuditLog {
  public:
    FileAuditLog(std::filesystem::path path, bool open_now) : m_path(std::move(path)) {
        if (open_now) {
            log();
        }
    }
    void append(const AuditEntry& entry) override { append_audit(log(), entry); }
    void open_now() override { log(); }
    std::vector<std::string> raw_lines() override {
        std::vector<std::string> out;
        std::ifstream in(m_path);
        std::string line;
        while (read_line(in, line)) {
            if (parse_audit_line(line)) {
                out.push_back(line);
            }
        }
        return out;
    }
    void append_lines(const std::vector<std::string>& lines) override {
        for (const auto& line : lines) {
            log().append(line);
        }
    }
    std::optional<std::string> fault() override {
        std::lock_guard lock(m_mutex);
        return m_log ? m_log->fault() : std::nullopt;
    }
    std::vector<json> read(const AuditFilter& filter) override {
        return read_audit(m_path, filter);
    }
    void reopen_if_moved() override {
        std::lock_guard lock(m_mutex);
        if (m_log) {
            m_log->reopen_if_moved();
        }
    }

  private:
    util::LineLog& log() {
        std::lock_guard lock(m_mutex);
        if (!m_log) {
            m_log = std::make_unique<util::LineLog>(m_path, 0600);
        }
        return *m_log;
    }

    std::filesystem::path m_path;
    std::mutex m_mutex;  // guards m_log's creation; LineLog itself is thread-safe
    std::unique_ptr<util::LineLog> m_log;
};

}  // namespace

std::unique_ptr<AuditLog> file_audit_log(std::filesystem::path path, bool open_now) {
    return std::make_unique<FileAuditLog>(std::move(path), open_now);
}

util::UnixTime parse_since(const std::string& text, util::UnixTime now) {
    if (auto at = util::parse_iso8601(text)) {
        return *at;
    }
    if (auto age = util::parse_duration(text)) {
        // An age from before 1970 means everything, not an overflow.
        return *age > now ? 0 : now - *age;
    }
    fail(ErrorKind::invalid_input,
         fmt::format("invalid time \"{}\": give 2026-11-24T10:00:00Z or an age like 15m, 2h, 7d",
                     text));
}

}  // namespace mpctl::core
