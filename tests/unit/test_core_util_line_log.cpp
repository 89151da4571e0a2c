// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "core/util/error.hpp"
#include "core/util/line_log.hpp"
#include "support/temp_dir.hpp"

using namespace mpctl::core::util;

namespace {

std::vector<std::string> lines_of(const std::filesystem::path& path) {
    std::vector<std::string> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

}  // namespace

TEST_CASE("core::util::LineLog") {
    mpctl::test::TempDir dir;
    auto path = dir / "audit.log";

    SUBCASE("creates the file with its mode and appends whole lines") {
        LineLog log(path, 0600);
        log.append("one");
        log.append("two");
        CHECK(lines_of(path) == std::vector<std::string>{"one", "two"});
        struct stat st {};
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
    }
    SUBCASE("appends to what is there, also what another writer added meanwhile") {
        std::ofstream(path) << "earlier\n";
        LineLog log(path, 0600);
        log.append("mine");
        std::ofstream(path, std::ios::app) << "theirs\n";
        log.append("mine again");
        CHECK(lines_of(path) ==
              std::vector<std::string>{"earlier", "mine", "theirs", "mine again"});
    }
    SUBCASE("after logrotate moved the file, reopening writes to a new one") {
        LineLog log(path, 0600);
        log.append("before");
        CHECK_FALSE(log.reopen_if_moved());  // nothing moved yet
        std::filesystem::rename(path, dir / "audit.log.1");
        log.append("late");  // still the open file: nothing is lost
        CHECK(log.reopen_if_moved());
        log.append("after");
        CHECK(lines_of(dir / "audit.log.1") == std::vector<std::string>{"before", "late"});
        CHECK(lines_of(path) == std::vector<std::string>{"after"});
    }
    SUBCASE("a removed file is created again") {
        LineLog log(path, 0600);
        std::filesystem::remove(path);
        CHECK(log.reopen_if_moved());
        log.append("back");
        CHECK(lines_of(path) == std::vector<std::string>{"back"});
    }
    SUBCASE("lines from many threads never interleave, also while it reopens") {
        LineLog log(path, 0600);
        std::string payload(300, 'x');
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 500; ++i) {
                    log.append(std::to_string(t) + payload);
                }
            });
        }
        threads.emplace_back([&] {
            for (int i = 0; i < 50; ++i) {
                std::filesystem::remove(path);
                log.reopen_if_moved();
            }
        });
        for (auto& t : threads) {
            t.join();
        }
        for (const auto& line : lines_of(path)) {
            CHECK(line.size() == payload.size() + 1);
        }
    }
    SUBCASE("a stream it does not own: written, never reopened or closed") {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        {
            LineLog log(fds[1], "standard output");
            log.append("to the stream");
            CHECK_FALSE(log.reopen_if_moved());
        }
        CHECK(::write(fds[1], "x", 1) == 1);  // still open after the log is gone
        char got[32] = {};
        CHECK(::read(fds[0], got, sizeof got - 1) == 15);
        CHECK(std::string(got) == "to the stream\nx");
        ::close(fds[0]);
        ::close(fds[1]);
    }
    SUBCASE("a path that cannot be opened is an error naming it") {
        CHECK_THROWS_WITH_AS(LineLog(dir / "missing" / "audit.log", 0600),
                             doctest::Contains("missing/audit.log"), mpctl::Error);
    }
}
