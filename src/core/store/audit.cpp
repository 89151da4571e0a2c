// SPDX-License-Identifier: Apache-2.0
#include "core/store/audit.hpp"

#include <algorithm>
#include <array>
#include <ctime>
#include <exception>
#include <mutex>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/util/error.hpp"
#include "core/util/json_text.hpp"
#include "core/util/json_writer.hpp"
#include "core/util/line_reader.hpp"

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
    w.member("scopes", entry.scopes)
        .member("grant_jti", entry.grant_jti)
        .member("token_jti", entry.token_jti)
        .member("result", entry.result)
        .member("code", entry.code);
    // Only where there is one: a granted request has no description, and
    // a token made by the CLI on the store itself came over no network.
    for (const auto& [name, value] :
         {std::pair{"description", &entry.description}, std::pair{"remote", &entry.remote},
          std::pair{"user_agent", &entry.user_agent}}) {
        if (!value->empty()) {
            w.member(name, *value);
        }
    }
    return w.boolean("verified", entry.verified).finish();
}

nlohmann::ordered_json audit_in_log_order(const nlohmann::json& entry) {
    static constexpr std::array k_order{
        "time",          "trace_id",    "client_id", "consumer",   "supplier",  "systemuser_org",
        "systemuser_id", "pid",         "scopes",    "grant_jti",  "token_jti", "result",
        "code",          "description", "remote",    "user_agent", "verified"};
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const char* name : k_order) {
        if (auto it = entry.find(name); it != entry.end()) {
            out[name] = *it;
        }
    }
    for (const auto& [name, value] : entry.items()) {
        if (!out.contains(name)) {
            out[name] = value;
        }
    }
    return out;
}

void append_audit(util::LineLog& log, const AuditEntry& entry) {
    log.append(audit_line(entry));
}

namespace {

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
           has("trace_id", filter.trace_id) &&
           (!filter.org || e.value("consumer", "") == *filter.org ||
            e.value("supplier", "") == *filter.org ||
            e.value("systemuser_org", "") == *filter.org) &&
           (!filter.scope ||
            std::find(scopes.begin(), scopes.end(), *filter.scope) != scopes.end()) &&
           (!filter.since || e.value("time", "") >= util::iso8601(*filter.since));
}

namespace {

// The time of a file's first entry, "" when it has none.
std::string first_time(const std::filesystem::path& file) {
    util::LineReader in(file);
    std::string line;
    while (in.next(line)) {
        if (auto e = parse_audit_line(line)) {
            return e->value("time", "");
        }
    }
    return "";
}

}  // namespace

std::vector<std::filesystem::path> audit_files(const std::filesystem::path& log,
                                               std::optional<util::UnixTime> since) {
    // Newest first: the log, then what logrotate made of it by the time
    // of its first entry (whatever the naming: .1, .2.gz, -20261207.gz).
    std::vector<std::pair<std::string, std::filesystem::path>> rotated;
    std::error_code ec;
    std::string name = log.filename().string();
    for (std::filesystem::directory_iterator it(log.parent_path(), ec), end; !ec && it != end;
         it.increment(ec)) {
        std::string other = it->path().filename().string();
        bool of_log = other.size() > name.size() && other.starts_with(name) &&
                      (other[name.size()] == '.' || other[name.size()] == '-');
        if (of_log && it->is_regular_file(ec)) {
            if (std::string time = first_time(it->path()); !time.empty()) {
                rotated.emplace_back(std::move(time), it->path());
            }
        }
    }
    std::sort(rotated.begin(), rotated.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    rotated.insert(rotated.begin(), {first_time(log), log});
    std::vector<std::filesystem::path> out;
    std::string from = since ? util::iso8601(*since) : "";
    for (auto& [time, file] : rotated) {
        out.insert(out.begin(), std::move(file));
        if (since && !time.empty() && time < from) {
            break;  // older files hold only older entries
        }
    }
    return out;
}

std::vector<json> read_audit(const std::filesystem::path& log, const AuditFilter& filter) {
    std::vector<json> out;
    for (const auto& file : audit_files(log, filter.since)) {
        util::LineReader in(file);
        std::string line;
        while (in.next(line)) {
            auto e = parse_audit_line(line);
            if (e && audit_matches(*e, filter)) {
                out.push_back(std::move(*e));
            }
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
        for (const auto& file : audit_files(m_path, std::nullopt)) {
            util::LineReader in(file);
            std::string line;
            while (in.next(line)) {
                if (parse_audit_line(line)) {
                    out.push_back(line);
                }
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
