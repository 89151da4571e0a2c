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

// Whether `file` is a name logrotate gives the log `name`: "audit.log.3" or
// "audit.log-20261207", compressed (".gz") or not. Not any other name
// beginning so (an operator's audit.log.bak is not the log's).
bool rotated_name(std::string_view file, std::string_view name) {
    if (!file.starts_with(name) || file.size() < name.size() + 2) {
        return false;
    }
    std::string_view rest = file.substr(name.size());
    if (rest.ends_with(".gz")) {
        rest.remove_suffix(3);
    }
    return rest.size() >= 2 && (rest[0] == '.' || rest[0] == '-') &&
           std::all_of(rest.begin() + 1, rest.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::vector<std::filesystem::path> audit_files(const std::filesystem::path& log,
                                               std::optional<util::UnixTime> since) {
    // Newest first: the log, then what logrotate made of it by the time
    // of its first entry (whatever the naming: .1, .2.gz, -20261207.gz).
    namespace fs = std::filesystem;
    std::string name = log.filename().string();
    std::vector<fs::path> found;
    std::error_code ec;
    fs::directory_iterator it(log.parent_path(), ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
        fail(ErrorKind::failure,
             fmt::format("cannot list \"{}\": {}", log.parent_path().string(), ec.message()));
    }
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::string other = it->path().filename().string();
        std::error_code type_ec;
        // Not through a link: the store's directory is the service user's,
        // and what a link there points at is not the log.
        if (rotated_name(other, name) &&
            it->symlink_status(type_ec).type() == fs::file_type::regular) {
            found.push_back(it->path());
        }
    }
    if (ec) {
        fail(ErrorKind::failure,
             fmt::format("cannot list \"{}\": {}", log.parent_path().string(), ec.message()));
    }
    std::vector<std::pair<std::string, fs::path>> rotated;
    for (const auto& file : found) {
        // While logrotate compresses X into X.gz, both are there: X.gz is it.
        bool compressed_too =
            std::find(found.begin(), found.end(), fs::path(file.string() + ".gz")) != found.end();
        if (!compressed_too) {
            if (std::string time = first_time(file); !time.empty()) {
                rotated.emplace_back(std::move(time), file);
            }
        }
    }
    std::sort(rotated.begin(), rotated.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second > b.second;
    });
    rotated.insert(rotated.begin(), {first_time(log), log});
    std::vector<fs::path> out;
    std::string from = since ? util::iso8601(*since) : "";
    bool one_more = true;
    for (auto& [time, file] : rotated) {
        out.insert(out.begin(), std::move(file));
        if (since && !time.empty() && time < from) {
            // Older files hold older entries, but a line is written when its
            // request ends, and one process may still write the moved file
            // while another writes the new one: one file more.
            if (!one_more) {
                break;
            }
            one_more = false;
        }
    }
    return out;
}

std::vector<json> read_audit(const std::filesystem::path& log, const AuditFilter& filter) {
    std::vector<json> out;
    auto files = audit_files(log, filter.since);
    if (filter.trace_id) {
        std::reverse(files.begin(), files.end());  // the request is most likely recent
    }
    for (const auto& file : files) {
        util::LineReader in(file);
        std::string line;
        while (in.next(line)) {
            auto e = parse_audit_line(line);
            if (e && audit_matches(*e, filter)) {
                out.push_back(std::move(*e));
                if (filter.trace_id) {
                    return out;  // a trace id is one request's
                }
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
