// SPDX-License-Identifier: Apache-2.0
// The audit log's lines and files: what a line holds, and reading the log
// with the files logrotate made of it, compressed or not.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include "core/store/audit.hpp"
#include "core/util/error.hpp"
#include "core/util/line_reader.hpp"
#include "core/util/time.hpp"
#include "support/temp_dir.hpp"

using namespace mpctl::core;
using nlohmann::json;

namespace {

void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// gzip's own tool, as logrotate runs it: the file is replaced by FILE.gz.
void gzip(const std::filesystem::path& path) {
    REQUIRE(std::system(("gzip -f '" + path.string() + "'").c_str()) == 0);
}

std::vector<std::string> read_all(const std::filesystem::path& path) {
    util::LineReader in(path);
    std::vector<std::string> out;
    for (std::string line; in.next(line);) {
        out.push_back(line);
    }
    return out;
}

AuditEntry entry(util::UnixTime time, std::string trace) {
    AuditEntry e;
    e.time = time;
    e.trace_id = std::move(trace);
    e.result = "granted";
    return e;
}

std::string lines(std::initializer_list<AuditEntry> entries) {
    std::string out;
    for (const auto& e : entries) {
        out += audit_line(e) + "\n";
    }
    return out;
}

std::vector<std::string> traces(const std::vector<json>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) {
        out.push_back(e["trace_id"]);
    }
    return out;
}

std::vector<std::string> names(const std::vector<std::filesystem::path>& files) {
    std::vector<std::string> out;
    for (const auto& f : files) {
        out.push_back(f.filename().string());
    }
    return out;
}

constexpr util::UnixTime k_day = 86400;
constexpr util::UnixTime k_start = 1796083200;  // 2026-12-01T00:00:00Z

}  // namespace

TEST_CASE("util::LineReader") {
    mpctl::test::TempDir dir;
    auto file = dir.path() / "log";
    SUBCASE("lines, a last one without a newline, empty lines and a NUL") {
        write(file, std::string("one\n\ntwo\0two\nlast", 17));
        CHECK(read_all(file) ==
              std::vector<std::string>{"one", "", std::string("two\0two", 7), "last"});
    }
    SUBCASE("a line over the limit is skipped, the next one read") {
        std::string longer(util::LineReader::k_max_line + 1, 'x');
        std::string exact(util::LineReader::k_max_line, 'y');
        write(file, "a\n" + longer + "\n" + exact + "\nb\n" + longer);
        CHECK(read_all(file) == std::vector<std::string>{"a", exact, "b"});
    }
    SUBCASE("a missing file reads as empty; a directory or a FIFO is no log") {
        CHECK(read_all(dir.path() / "absent").empty());
        CHECK_THROWS_WITH_AS(read_all(dir.path()), doctest::Contains("not a regular file"),
                             mpctl::Error);
        REQUIRE(::mkfifo((dir.path() / "fifo").c_str(), 0600) == 0);
        CHECK_THROWS_WITH_AS(read_all(dir.path() / "fifo"), doctest::Contains("not a regular file"),
                             mpctl::Error);
    }
    SUBCASE("gzip-compressed, whole or cut short") {
        std::string text;
        for (int i = 0; i < 20000; ++i) {
            text += "line " + std::to_string(i) + " " + std::string(i % 50, 'z') + "\n";
        }
        write(file, text);
        gzip(file);
        auto whole = read_all(dir.path() / "log.gz");
        REQUIRE(whole.size() == 20000);
        CHECK(whole[12345] == "line 12345 " + std::string(12345 % 50, 'z'));
        // A file cut in the middle (a crash while logrotate compressed it):
        // the lines before the cut, no error.
        auto size = std::filesystem::file_size(dir.path() / "log.gz");
        std::filesystem::resize_file(dir.path() / "log.gz", size / 2);
        auto cut = read_all(dir.path() / "log.gz");
        CHECK(cut.size() > 1000);
        CHECK(cut.size() < 20000);
        CHECK(cut[500] == whole[500]);
    }
    SUBCASE("damaged compressed data is an error, not an end") {
        std::string text;
        for (int i = 0; i < 20000; ++i) {
            text += "line " + std::to_string(i) + "\n";
        }
        write(file, text);
        gzip(file);
        auto gz = dir.path() / "log.gz";
        std::string bytes;
        {
            std::ifstream in(gz, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        for (size_t i = bytes.size() / 3; i < bytes.size() / 3 + 64; ++i) {
            bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
        }
        write(gz, bytes);
        CHECK_THROWS_WITH_AS(read_all(gz), doctest::Contains("log.gz"), mpctl::Error);
    }
}

TEST_CASE("audit_line: a refusal's words and the peer only where there are some") {
    AuditEntry granted = entry(k_start, "t1");
    json g = json::parse(audit_line(granted));
    CHECK_FALSE(g.contains("description"));
    CHECK_FALSE(g.contains("remote"));
    CHECK_FALSE(g.contains("user_agent"));
    AuditEntry refused = entry(k_start, "t2");
    refused.result = "refused";
    refused.code = "MP-110";
    refused.description = "aud must be \"https://mp/\"";
    refused.remote = "192.0.2.1";
    refused.user_agent = "curl/7.88.1\n";
    std::string line = audit_line(refused);
    CHECK(line.find('\n') == std::string::npos);  // one line, whatever came in
    json r = json::parse(line);
    CHECK(r["description"] == refused.description);
    CHECK(r["remote"] == "192.0.2.1");
    CHECK(r["user_agent"] == "curl/7.88.1\n");
    // Shown in the order written, whatever order the parsed entry has.
    auto shown = audit_in_log_order(*parse_audit_line(line));
    std::vector<std::string> order;
    for (const auto& [name, value] : shown.items()) {
        order.push_back(name);
    }
    CHECK(order.front() == "time");
    CHECK(order.back() == "verified");
    auto at = [&](const char* name) { return std::find(order.begin(), order.end(), name); };
    CHECK(at("code") < at("description"));
    CHECK(at("description") < at("remote"));
    CHECK(order.size() == r.size());
}

TEST_CASE("audit log files: the log and what logrotate made of it") {
    mpctl::test::TempDir dir;
    auto log = dir.path() / "audit.log";
    // Four weeks: the oldest in a dateext file, then .3.gz, .2.gz, .1 (not
    // yet compressed: delaycompress), and the log itself.
    write(dir.path() / "audit.log-20261201",
          lines({entry(k_start, "w1a"), entry(k_start + 1, "w1b")}));
    write(dir.path() / "audit.log.3", lines({entry(k_start + 7 * k_day, "w2")}));
    gzip(dir.path() / "audit.log.3");
    write(dir.path() / "audit.log.2", lines({entry(k_start + 14 * k_day, "w3")}));
    gzip(dir.path() / "audit.log.2");
    write(dir.path() / "audit.log.1", lines({entry(k_start + 21 * k_day, "w4")}));
    write(log, lines({entry(k_start + 28 * k_day, "now1"), entry(k_start + 29 * k_day, "now2")}));
    // Not the log's: another name, and a rotated file with no entry.
    write(dir.path() / "audit.logger", lines({entry(k_start, "other")}));
    write(dir.path() / "audit.log.9", "not an entry\n");
    write(dir.path() / "audit.log.bak", lines({entry(k_start, "bak")}));
    // logrotate compressing .2 just now: the .gz is the file.
    write(dir.path() / "audit.log.2", lines({entry(k_start + 14 * k_day, "w3")}));
    // A link is not followed: what it points at is not the log.
    write(dir.path() / "elsewhere", lines({entry(k_start + 3 * k_day, "linked")}));
    std::filesystem::create_symlink(dir.path() / "elsewhere", dir.path() / "audit.log.7");

    SUBCASE("every file, oldest first, by their entries' time") {
        CHECK(names(audit_files(log, std::nullopt)) ==
              std::vector<std::string>{"audit.log-20261201", "audit.log.3.gz", "audit.log.2.gz",
                                       "audit.log.1", "audit.log"});
        CHECK(traces(read_audit(log, {})) ==
              std::vector<std::string>{"w1a", "w1b", "w2", "w3", "w4", "now1", "now2"});
    }
    SUBCASE("--since stops a file after the first that began before it") {
        // A line is written as its request ends: the file before may still
        // have one of after `since`.
        CHECK(names(audit_files(log, k_start + 15 * k_day)) ==
              std::vector<std::string>{"audit.log.3.gz", "audit.log.2.gz", "audit.log.1",
                                       "audit.log"});
        AuditFilter since;
        since.since = k_start + 15 * k_day;
        CHECK(traces(read_audit(log, since)) == std::vector<std::string>{"w4", "now1", "now2"});
        CHECK(names(audit_files(log, k_start + 28 * k_day + 1)) ==
              std::vector<std::string>{"audit.log.1", "audit.log"});
        CHECK(names(audit_files(log, k_start + 28 * k_day)) ==
              std::vector<std::string>{"audit.log.2.gz", "audit.log.1", "audit.log"});
        CHECK(names(audit_files(log, k_start)) ==
              std::vector<std::string>{"audit.log-20261201", "audit.log.3.gz", "audit.log.2.gz",
                                       "audit.log.1", "audit.log"});
    }
    SUBCASE("--trace finds a request in a compressed file") {
        AuditFilter one;
        one.trace_id = "w2";
        CHECK(traces(read_audit(log, one)) == std::vector<std::string>{"w2"});
        one.trace_id = "linked";
        CHECK(read_audit(log, one).empty());
    }
    SUBCASE("an empty log, just rotated: the files before it") {
        write(log, "");
        CHECK(names(audit_files(log, k_start + 22 * k_day)) ==
              std::vector<std::string>{"audit.log.2.gz", "audit.log.1", "audit.log"});
    }
    SUBCASE("the file log reads them all, and copies them all") {
        auto file_log = file_audit_log(log, false);
        CHECK(file_log->read({}).size() == 7);
        CHECK(file_log->raw_lines().size() == 7);
    }
}
