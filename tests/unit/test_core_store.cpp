// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "core/store/lmdb/lmdb_store.hpp"
#include "core/store/store.hpp"
#include "core/util/error.hpp"
#include "support/temp_dir.hpp"
#include "support/tiny_fs.hpp"

using namespace mpctl::core;
using mpctl::test::TempDir;

namespace {

// The LMDB backend under a store this test opened.
LmdbStore& lmdb_of(Store& store) {
    return dynamic_cast<LmdbStore&>(store.backend());
}

void put(Store& store, const std::string& key, const std::string& value) {
    store.write([&](WriteTxn& txn) { txn.put(Table::prefixes, key, value); });
}

std::optional<std::string> get(Store& store, const std::string& key) {
    auto txn = store.read();
    auto v = txn.get(Table::prefixes, key);
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

// Keys that sort in write order.
std::string fmt_key(size_t i) {
    std::string k = std::to_string(i);
    return std::string(6 - k.size(), '0') + k;
}

// Runs `child` in a forked process that exits with 0, or 1 when it throws.
pid_t spawn(const std::function<void()>& child) {
    pid_t pid = ::fork();
    if (pid == 0) {
        int rc = 0;
        try {
            child();
        } catch (...) {
            rc = 1;
        }
        ::_exit(rc);
    }
    REQUIRE(pid > 0);
    return pid;
}

int wait_for(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("core::Store") {
    TempDir dir;
    auto path = dir / "store";

    SUBCASE("is created on first use with mode 0700") {
        open_lmdb_store(path);
        CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
              std::filesystem::perms::owner_all);
    }
    SUBCASE("keeps what was committed across a reopen") {
        {
            Store store = open_lmdb_store(path);
            put(store, "a", "1");
        }
        Store store = open_lmdb_store(path);
        CHECK(get(store, "a") == "1");
    }
    SUBCASE("writes nothing when the work throws") {
        Store store = open_lmdb_store(path);
        CHECK_THROWS(store.write([&](WriteTxn& txn) {
            txn.put(Table::prefixes, "a", "1");
            throw std::runtime_error("changed my mind");
        }));
        CHECK_FALSE(get(store, "a"));
    }
    SUBCASE("a reader keeps its snapshot during a write, the next reader sees it") {
        Store store = open_lmdb_store(path);
        put(store, "a", "1");
        ReadTxn before = store.read();
        put(store, "a", "2");
        CHECK(before.get(Table::prefixes, "a") == "1");
        CHECK(get(store, "a") == "2");
    }
    SUBCASE("refuses a store of another schema version and leaves it alone") {
        {
            Store store = open_lmdb_store(path);
            store.write([&](WriteTxn& txn) { txn.put(Table::meta, "schema_version", "99"); });
        }
        CHECK_THROWS_WITH(open_lmdb_store(path),
                          doctest::Contains("has schema version 99; this mpctl reads only "
                                            "version 1"));
        CHECK_THROWS_WITH(open_lmdb_store(path), doctest::Contains("schema version 99"));
    }
    SUBCASE("scans only keys with the prefix, in order") {
        Store store = open_lmdb_store(path);
        for (const char* k : {"b\0x", "a\0z", "a\0y", "ab"}) {
            put(store, std::string(k, 3), "v");
        }
        std::vector<std::string> seen;
        store.read().scan(Table::prefixes, index_key("a", ""), [&](auto key, auto) {
            seen.emplace_back(key.substr(2));
            return true;
        });
        CHECK(seen == std::vector<std::string>{"y", "z"});
    }
}

TEST_CASE("core::Store map growth") {
    TempDir dir;
    MapOptions small{.map_size = size_t{1} << 20, .max_map_size = size_t{8} << 20};
    std::string big(64 * 1024, 'x');

    SUBCASE("grows the map when it fills, keeping every record") {
        Store store = open_lmdb_store(dir / "s", small);
        for (int i = 0; i < 40; ++i) {  // 2.5 MiB of values in a 1 MiB map
            put(store, std::to_string(i), big);
        }
        CHECK(lmdb_of(store).map_size() > small.map_size);
        for (int i = 0; i < 40; ++i) {
            CHECK(get(store, std::to_string(i)) == big);
        }
    }
    SUBCASE("fails with a clear message at the limit, and what was committed stays") {
        Store store = open_lmdb_store(dir / "s", small);
        int committed = 0;
        try {
            for (; committed < 1000; ++committed) {
                put(store, std::to_string(committed), big);
            }
            FAIL("never filled");
        } catch (const mpctl::Error& e) {
            CHECK(std::string(e.what()).find("is full: it reached its limit of 8 MiB") !=
                  std::string::npos);
        }
        CHECK(committed > 40);
        for (int i = 0; i < committed; ++i) {
            REQUIRE(get(store, std::to_string(i)) == big);
        }
        CHECK_FALSE(get(store, std::to_string(committed)));
    }
}

TEST_CASE("core::Store map growth under threads") {
    TempDir dir;
    MapOptions small{.map_size = size_t{1} << 20, .max_map_size = size_t{64} << 20};
    std::string big(64 * 1024, 'x');

    // Readers keep opening snapshots while the map is resized under them; each
    // snapshot must see a consistent count (a prefix of the writes, in order).
    auto hammer = [&](Store& store, const std::function<void()>& grow) {
        std::atomic<bool> done{false};
        std::atomic<int> bad{0};
        std::vector<std::thread> readers;
        for (int r = 0; r < 2; ++r) {
            readers.emplace_back([&] {
                while (!done) {
                    auto txn = store.read();
                    size_t n = txn.count(Table::prefixes);
                    if (n > 0 && !txn.get(Table::prefixes, fmt_key(n - 1))) {
                        ++bad;
                    }
                }
            });
        }
        grow();
        done = true;
        for (auto& t : readers) {
            t.join();
        }
        CHECK(bad == 0);
    };

    SUBCASE("a thread grows the map while other threads read") {
        Store store = open_lmdb_store(dir / "s", small);
        hammer(store, [&] {
            for (int i = 0; i < 60; ++i) {  // ~4 MiB into a 1 MiB map
                put(store, fmt_key(i), big);
            }
        });
        CHECK(lmdb_of(store).map_size() > small.map_size);
        CHECK(store.read().count(Table::prefixes) == 60);
    }
    SUBCASE("readers adopt a map another process grew") {
        Store store = open_lmdb_store(dir / "s", small);
        // Fork before the reader threads start (a child forked while threads
        // hold the allocator's lock can hang), and let it write once they run.
        int go[2];
        REQUIRE(::pipe(go) == 0);
        pid_t pid = spawn([&] {
            char c = 0;
            if (::read(go[0], &c, 1) != 1) {
                throw std::runtime_error("no go");
            }
            Store other = open_lmdb_store(dir / "s", small);
            for (int i = 0; i < 60; ++i) {
                put(other, fmt_key(i), big);
            }
        });
        hammer(store, [&] {
            REQUIRE(::write(go[1], "x", 1) == 1);
            REQUIRE(wait_for(pid) == 0);
        });
        ::close(go[0]);
        ::close(go[1]);
        CHECK(get(store, fmt_key(59)) == big);
        CHECK(lmdb_of(store).map_size() > small.map_size);
    }
}

TEST_CASE("core::Store across processes") {
    TempDir dir;
    auto path = dir / "store";
    open_lmdb_store(path);

    SUBCASE("two processes write at once and nothing is lost") {
        auto writer = [&](const std::string& tag) {
            Store store = open_lmdb_store(path);
            for (int i = 0; i < 200; ++i) {
                put(store, tag + std::to_string(i), tag);
            }
        };
        pid_t a = spawn([&] { writer("a"); });
        pid_t b = spawn([&] { writer("b"); });
        CHECK(wait_for(a) == 0);
        CHECK(wait_for(b) == 0);
        Store store = open_lmdb_store(path);
        CHECK(store.read().count(Table::prefixes) == 400);
    }
    SUBCASE("a running reader sees another process's write without reopening") {
        Store store = open_lmdb_store(path);
        CHECK_FALSE(get(store, "k"));
        pid_t pid = spawn([&] {
            Store other = open_lmdb_store(path);
            put(other, "k", "from child");
        });
        REQUIRE(wait_for(pid) == 0);
        CHECK(get(store, "k") == "from child");
    }
    SUBCASE("a process killed in the middle of writes loses no reported commit") {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        pid_t pid = spawn([&] {
            ::close(fds[0]);
            Store store = open_lmdb_store(path);
            for (int i = 0;; ++i) {
                std::string key = "k" + std::to_string(i);
                put(store, key, std::string(100 + i % 500, 'v'));
                std::string line = key + "\n";
                if (::write(fds[1], line.data(), line.size()) < 0) {
                    return;
                }
            }
        });
        ::close(fds[1]);
        FILE* in = ::fdopen(fds[0], "r");
        std::set<std::string> reported;
        char line[64];
        while (reported.size() < 2000 && std::fgets(line, sizeof line, in) != nullptr) {
            reported.insert(std::string(line, std::strlen(line) - 1));
        }
        ::kill(pid, SIGKILL);
        // Whatever the child reported before it died was committed first.
        while (std::fgets(line, sizeof line, in) != nullptr) {
            if (line[std::strlen(line) - 1] == '\n') {
                reported.insert(std::string(line, std::strlen(line) - 1));
            }
        }
        std::fclose(in);
        CHECK(wait_for(pid) == -1);
        REQUIRE(reported.size() >= 2000);

        Store store = open_lmdb_store(path);
        auto txn = store.read();
        size_t missing = 0;
        for (const auto& key : reported) {
            missing += txn.get(Table::prefixes, key) ? 0 : 1;
        }
        CHECK(missing == 0);
        // And the store still takes writes after the crash.
        store.write([&](WriteTxn& w) { w.put(Table::prefixes, "after", "crash"); });
        CHECK(store.read().get(Table::prefixes, "after") == "crash");
    }
}

TEST_CASE("core::Store on a full file system") {
    mpctl::test::TinyFs fs(4 << 20);
    if (!fs.mounted()) {
        MESSAGE("skipped: " << fs.why_not());
        return;
    }
    MapOptions options;
    options.map_size = 64 << 10;
    auto store = open_lmdb_store(fs.path() / "store", options);
    fs.fill();
    // The map's reserved pages take writes; growing it then needs room.
    std::string value(2000, 'v');
    size_t written = 0;
    try {
        for (; written < 10'000; ++written) {
            put(store, fmt_key(written), value);
        }
        FAIL("the store grew on a full file system");
    } catch (const mpctl::Error& e) {
        CHECK(e.kind() == mpctl::ErrorKind::unavailable);
        std::string message = e.what();
        CHECK(message.find("No space left on device") != std::string::npos);
        CHECK(message.find((fs.path() / "store").string()) != std::string::npos);
    }
    CHECK(written > 0);
    REQUIRE(store.fault());
    CHECK(*store.fault() == "cannot grow: No space left on device");
    // Nothing half-written: every acknowledged write reads back.
    for (size_t i = 0; i < written; ++i) {
        REQUIRE(get(store, fmt_key(i)) == value);
    }
    fs.free();
    CHECK_FALSE(store.fault());
    put(store, fmt_key(written), value);
    CHECK(get(store, fmt_key(written)) == value);
}
