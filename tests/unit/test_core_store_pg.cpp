// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL backend of the store, its token memory and audit log,
// against a real database: unit_pg runs these under scripts/with-postgres.
// The rules of core that sit on the store are tested on both backends by
// their own tests (support/test_backend.hpp).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "core/store/audit.hpp"
#include "core/store/pg/pg_store.hpp"
#include "core/store/store.hpp"
#include "core/store/token_memory.hpp"
#include "core/util/error.hpp"
#include "core/util/pg.hpp"
#include "support/grant_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/test_backend.hpp"

using namespace mpctl;
using namespace mpctl::core;
using mpctl::test::TempDir;
using mpctl::test::TestBackend;

namespace {

std::string database() {
    const char* uri = test::test_database();
    REQUIRE_MESSAGE(uri != nullptr, "MPCTL_TEST_PG is not set: run under scripts/with-postgres");
    return uri;
}

std::optional<std::string> get(Store& store, Table t, const std::string& key) {
    auto txn = store.read();
    auto v = txn.get(t, key);
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

std::vector<std::string> keys(Store& store, Table t, const std::string& prefix) {
    std::vector<std::string> out;
    store.read().scan(t, prefix, [&](std::string_view k, std::string_view) {
        out.emplace_back(k);
        return true;
    });
    return out;
}

// Polls until `done` holds or `limit` passes; how long it took.
template <class Done>
std::chrono::milliseconds wait_until(Done done,
                                     std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    auto start = std::chrono::steady_clock::now();
    while (!done() && std::chrono::steady_clock::now() - start < limit) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
}

}  // namespace

TEST_CASE("core::PgStore against PostgreSQL: tables, keys and scans") {
    database();
    TempDir dir;
    TestBackend backend(dir / "store");
    for (bool cached : {false, true}) {
        CAPTURE(cached);
        Store store = backend.open_registry(cached);
        store.write([&](WriteTxn& t) {
            t.put(Table::clients, "b", R"({"n":2})");
            t.put(Table::clients, "a", R"({"n":1})");
            t.put(Table::clients, "æ", R"({"n":3})");
            t.put(Table::clients_by_org, index_key("910000004", "b"), "");
            t.put(Table::clients_by_org, index_key("910000004", "a"), "");
            t.put(Table::clients_by_org, index_key("91000000", "z"), "");
            t.put(Table::access, index_key("skatt:les", "910000004"), R"({"x":1})");
        });
        CHECK(get(store, Table::clients, "a") == R"({"n":1})");
        CHECK_FALSE(get(store, Table::clients, "c"));
        CHECK(get(store, Table::access, index_key("skatt:les", "910000004")) == R"({"x":1})");
        // Byte order, as LMDB's: "æ" (0xC3 0xA6) after ASCII.
        CHECK(keys(store, Table::clients, "") == std::vector<std::string>{"a", "b", "æ"});
        // An index's first part exactly: "91000000" is not "910000004".
        CHECK(keys(store, Table::clients_by_org, index_key("910000004", "")) ==
              std::vector<std::string>{index_key("910000004", "a"), index_key("910000004", "b")});
        CHECK(keys(store, Table::clients_by_org, "9100").size() == 3);
        CHECK(store.read().count(Table::clients) == 3);
        store.write([&](WriteTxn& t) {
            CHECK(t.del(Table::clients, "b"));
            CHECK_FALSE(t.del(Table::clients, "b"));
            t.put(Table::clients, "a", R"({"n":10})");
            CHECK(t.get(Table::clients, "a") == R"({"n":10})");  // a write reads itself
        });
        CHECK(get(store, Table::clients, "a") == R"({"n":10})");
        CHECK_FALSE(get(store, Table::clients, "b"));
        store.write([&](WriteTxn& t) {
            t.del(Table::clients, "a");
            t.del(Table::clients, "æ");
            t.del(Table::clients_by_org, index_key("910000004", "a"));
            t.del(Table::clients_by_org, index_key("910000004", "b"));
            t.del(Table::clients_by_org, index_key("91000000", "z"));
            t.del(Table::access, index_key("skatt:les", "910000004"));
        });
    }
    Store store = backend.open_registry(false);
    SUBCASE("nothing is written when the work throws") {
        CHECK_THROWS(store.write([&](WriteTxn& t) {
            t.put(Table::clients, "a", "{}");
            fail(ErrorKind::failure, "no");
        }));
        CHECK_FALSE(get(store, Table::clients, "a"));
    }
    SUBCASE("a record that is no JSON is refused, and nothing of its transaction written") {
        CHECK_THROWS_AS(store.write([&](WriteTxn& t) {
            t.put(Table::clients, "a", "{}");
            t.put(Table::clients, "b", "not json");
        }),
                        util::pg::PgError);
        CHECK_FALSE(get(store, Table::clients, "a"));
    }
    SUBCASE("a key with a NUL byte where the table has one part is refused") {
        CHECK_THROWS_WITH(
            store.write([&](WriteTxn& t) { t.put(Table::clients, index_key("a", "b"), "{}"); }),
            doctest::Contains("NUL"));
    }
    SUBCASE("an operator reads the tables with plain SQL") {
        store.write([&](WriteTxn& t) {
            t.put(Table::clients, "c1", R"({"client_name":"CI"})");
            t.put(Table::clients_by_org, index_key("910000004", "c1"), "");
        });
        util::pg::Connection db(database());
        auto r =
            db.exec(fmt::format("SELECT c.v ->> 'client_name', o.client_orgno FROM {0}.clients c "
                                "JOIN {0}.clients_by_org o USING (client_id)",
                                backend.schema()));
        REQUIRE(r.rows() == 1);
        CHECK(r.text(0, 0) == "CI");
        CHECK(r.text(0, 1) == "910000004");
    }
}

TEST_CASE("core::PgStore against PostgreSQL: schema versions") {
    util::pg::Connection db(database());
    TempDir dir;
    TestBackend backend(dir / "store");
    PgOptions options;
    options.schema = backend.schema();
    SUBCASE("without create, an empty database is no store") {
        PgOptions fresh = options;
        fresh.schema = "never_made";
        CHECK_THROWS_WITH(PgStore::open(database(), fresh),
                          doctest::Contains("no store in the database"));
    }
    backend.open_registry(false);
    SUBCASE("a newer schema is refused, an older one must be migrated") {
        db.exec(
            fmt::format("UPDATE {}.meta SET v = '99' WHERE k = 'schema_version'", options.schema));
        CHECK_THROWS_WITH(PgStore::open(database(), options),
                          doctest::Contains("schema version 99; this mpctl reads only version 2"));
        db.exec(
            fmt::format("UPDATE {}.meta SET v = '1' WHERE k = 'schema_version'", options.schema));
        CHECK_THROWS_WITH(PgStore::open(database(), options),
                          doctest::Contains("has schema version 1; run mpctl db migrate"));
        // No version before the first: a store that says so is broken, not old.
        db.exec(
            fmt::format("UPDATE {}.meta SET v = '0' WHERE k = 'schema_version'", options.schema));
        CHECK_THROWS_WITH(PgStore::open(database(), options),
                          doctest::Contains("has a broken schema version"));
        db.exec(
            fmt::format("UPDATE {}.meta SET v = '2' WHERE k = 'schema_version'", options.schema));
    }
    SUBCASE("version 1 (before the system register) is migrated to version 2") {
        db.exec_script("DROP SCHEMA IF EXISTS v_one CASCADE;" + pg_schema_sql("v_one", 1));
        PgOptions old = options;
        old.schema = "v_one";
        CHECK_THROWS_WITH(PgStore::open(database(), old),
                          doctest::Contains("has schema version 1; run mpctl db migrate"));
        auto has_systems = [&] {
            return db.exec("SELECT to_regclass('v_one.systemusers_by_customer') IS NOT NULL")
                       .text(0, 0) == "t";
        };
        CHECK_FALSE(has_systems());
        old.migrate = true;
        {
            Store migrated("v_one", PgStore::open(database(), old));
            CHECK(has_systems());
            CHECK(db.exec("SELECT v FROM v_one.meta WHERE k = 'schema_version'").text(0, 0) == "2");
            // The new tables report their changes like the old ones.
            migrated.write([](WriteTxn& t) { t.put(Table::systems, "910000004_x", "{}"); });
            CHECK(db.exec("SELECT count(*) FROM v_one.changes WHERE tbl = 'systems'").text(0, 0) ==
                  "1");
        }
        db.exec_script("DROP SCHEMA v_one CASCADE;");
    }
    SUBCASE("a schema of something else is not taken for a store") {
        db.exec_script(
            "DROP SCHEMA IF EXISTS other CASCADE; CREATE SCHEMA other; "
            "CREATE TABLE other.meta (k text, v text);");
        PgOptions other = options;
        other.schema = "other";
        other.create = true;
        CHECK_THROWS_WITH(PgStore::open(database(), other),
                          doctest::Contains("not an mpctl store"));
    }
    SUBCASE("a schema name that is not a plain identifier is refused") {
        PgOptions bad = options;
        bad.schema = "x; DROP TABLE y";
        CHECK_THROWS_WITH(PgStore::open(database(), bad), doctest::Contains("invalid schema name"));
        for (const char* name : {"user", "order", "public", "pg_catalog"}) {
            bad.schema = name;
            bad.create = true;
            CHECK_THROWS_WITH(PgStore::open(database(), bad), doctest::Contains("reserved word"));
        }
    }
    SUBCASE("an unreachable database is unavailable, and its password never shown") {
        try {
            PgStore::open("postgresql://mp:s3cret@127.0.0.1:1/mp?connect_timeout=2", options);
            FAIL("opened");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::unavailable);
            CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
        }
    }
}

TEST_CASE("core::PgStore against PostgreSQL: the cache follows every change") {
    util::pg::Connection db(database());
    TempDir dir;
    TestBackend backend(dir / "store");
    Store writer = backend.open_registry(false);
    Store cached = backend.open_registry(true);
    auto* pg = dynamic_cast<PgStore*>(&cached.backend());
    REQUIRE(pg != nullptr);

    SUBCASE("a write of another process arrives by notification, well within a second") {
        writer.write([&](WriteTxn& t) { t.put(Table::clients, "c1", R"({"v":1})"); });
        auto took = wait_until([&] { return get(cached, Table::clients, "c1").has_value(); });
        CHECK(get(cached, Table::clients, "c1") == R"({"v":1})");
        CHECK(took < std::chrono::milliseconds(1000));
        writer.write([&](WriteTxn& t) { t.del(Table::clients, "c1"); });
        wait_until([&] { return !get(cached, Table::clients, "c1").has_value(); });
        CHECK_FALSE(get(cached, Table::clients, "c1"));
    }
    SUBCASE("its own write is read at once") {
        cached.write([&](WriteTxn& t) { t.put(Table::scopes, "s:a", R"({"v":1})"); });
        CHECK(get(cached, Table::scopes, "s:a") == R"({"v":1})");
    }
    SUBCASE("an operator's change by hand in SQL arrives too") {
        db.exec(fmt::format("INSERT INTO {}.scopes (name, v) VALUES ('s:hand', '{{}}')",
                            backend.schema()));
        wait_until([&] { return get(cached, Table::scopes, "s:hand").has_value(); });
        CHECK(get(cached, Table::scopes, "s:hand") == "{}");
        db.exec(fmt::format("UPDATE {}.scopes SET name = 's:moved'", backend.schema()));
        wait_until([&] { return get(cached, Table::scopes, "s:moved").has_value(); });
        CHECK_FALSE(get(cached, Table::scopes, "s:hand"));
        CHECK(get(cached, Table::scopes, "s:moved") == "{}");
    }
    SUBCASE("without notifications (lost), the periodic check still brings changes") {
        // Changes with their triggers off: no notification, no log; the
        // version moves, so the cache must load everything again.
        db.exec_script(
            fmt::format("BEGIN; SET LOCAL session_replication_role = replica; "
                        "INSERT INTO {0}.scopes (name, v) VALUES ('s:quiet', '{{}}'); "
                        "UPDATE {0}.registry_version SET v = v + 1; COMMIT;",
                        backend.schema()));
        wait_until([&] { return get(cached, Table::scopes, "s:quiet").has_value(); });
        CHECK(get(cached, Table::scopes, "s:quiet") == "{}");
    }
    SUBCASE("the cache follows the log; a log trimmed past it: loaded whole again") {
        Store manual = backend.open_registry(true, false);  // refreshed by hand only
        auto* cache = dynamic_cast<PgStore*>(&manual.backend());
        // A row written with the triggers off is in no log: following the
        // log misses it, loading everything finds it.
        db.exec_script(
            fmt::format("BEGIN; SET LOCAL session_replication_role = replica; "
                        "INSERT INTO {}.scopes (name, v) VALUES ('s:unlogged', '{{}}'); COMMIT;",
                        backend.schema()));
        writer.write([&](WriteTxn& t) { t.put(Table::scopes, "s:1", "{}"); });
        cache->refresh();
        CHECK(get(manual, Table::scopes, "s:1") == "{}");
        CHECK_FALSE(get(manual, Table::scopes, "s:unlogged"));  // it followed the log
        writer.write([&](WriteTxn& t) { t.put(Table::scopes, "s:2", "{}"); });
        db.exec(fmt::format("DELETE FROM {}.changes", backend.schema()));
        cache->refresh();
        CHECK(get(manual, Table::scopes, "s:2") == "{}");
        CHECK(get(manual, Table::scopes, "s:unlogged") == "{}");  // loaded whole
    }
    SUBCASE("writers of several processes take turns: no update is lost") {
        writer.write([&](WriteTxn& t) { t.put(Table::meta, "counter", "0"); });
        std::vector<std::thread> threads;
        for (int i = 0; i < 4; ++i) {
            threads.emplace_back([&] {
                Store mine = backend.open_registry(false);
                for (int n = 0; n < 10; ++n) {
                    mine.write([&](WriteTxn& t) {
                        int v = std::stoi(std::string(*t.get(Table::meta, "counter")));
                        t.put(Table::meta, "counter", std::to_string(v + 1));
                    });
                }
            });
        }
        for (auto& t : threads) {
            t.join();
        }
        CHECK(get(writer, Table::meta, "counter") == "40");
        pg->refresh();
        CHECK(get(cached, Table::meta, "counter") == "40");
    }
}

TEST_CASE("core::PgStore against PostgreSQL: the token memory is shared") {
    database();
    TempDir dir;
    TestBackend backend(dir / "store");
    Store a = backend.open_registry(false);
    Store b = backend.open_registry(false);
    auto audit_a = backend.open_audit(a);
    auto audit_b = backend.open_audit(b);
    auto memory_a = backend.open_memory(a, *audit_a);
    auto memory_b = backend.open_memory(b, *audit_b);
    util::UnixTime now = 1'800'000'000;
    // A grant's record, with an audit entry of its own.
    auto remember = [](TokenMemory& m, const std::string& key, util::UnixTime expires,
                       std::optional<OpaqueToken> opaque, util::UnixTime at) {
        AuditEntry entry;
        entry.time = at;
        entry.grant_jti = key;
        entry.result = "granted";
        return m.record(TokenRecord{entry, UsedGrant{key, expires}, std::move(opaque)}, at);
    };

    SUBCASE("of one grant remembered at once by two replicas, exactly one wins") {
        for (int round = 0; round < 20; ++round) {
            std::string key = "grant-" + std::to_string(round);
            std::atomic<int> wins{0};
            std::vector<std::thread> threads;
            for (int i = 0; i < 6; ++i) {
                threads.emplace_back([&, i] {
                    auto& m = i % 2 == 0 ? *memory_a : *memory_b;
                    wins += remember(m, key, now + 60, std::nullopt, now) ? 1 : 0;
                });
            }
            for (auto& t : threads) {
                t.join();
            }
            CHECK(wins == 1);
        }
    }
    SUBCASE("an expired record is taken over; purge goes in bounded batches") {
        CHECK(remember(*memory_a, "g", now + 10, std::nullopt, now));
        CHECK_FALSE(remember(*memory_b, "g", now + 10, std::nullopt, now + 10));
        CHECK(remember(*memory_b, "g", now + 100, std::nullopt, now + 11));
        for (int i = 0; i < 5; ++i) {
            remember(*memory_a, "old-" + std::to_string(i), now, std::nullopt, now);
        }
        CHECK(memory_a->purge(now + 1, 3) == 3);
        CHECK(memory_a->purge(now + 1, 3) == 2);
        CHECK(memory_a->purge(now + 1, 3) == 0);
        CHECK_FALSE(remember(*memory_a, "g", now + 100, std::nullopt, now + 50));  // kept
    }
    SUBCASE("an opaque token kept by one replica is found by the other, until it expires") {
        OpaqueToken token{"hash-1", R"({"client_id":"c"})", now + 120};
        CHECK(remember(*memory_a, "g2", now + 60, token, now));
        CHECK(memory_b->opaque_claims("hash-1", now + 120) == R"({"client_id":"c"})");
        CHECK_FALSE(memory_b->opaque_claims("hash-1", now + 121));
        // A replayed grant keeps nothing.
        OpaqueToken other{"hash-2", "{}", now + 120};
        CHECK_FALSE(remember(*memory_b, "g2", now + 60, other, now));
        CHECK_FALSE(memory_a->opaque_claims("hash-2", now));
    }
}

TEST_CASE("core::PgStore against PostgreSQL: the audit log") {
    database();
    TempDir dir;
    TestBackend backend(dir / "store");
    Store store = backend.open_registry(false);
    auto log = backend.open_audit(store);
    auto entry = [](const std::string& client, const std::string& result, util::UnixTime t) {
        AuditEntry e;
        e.time = t;
        e.client_id = client;
        e.result = result;
        e.scopes = {"skatt:les"};
        return e;
    };
    SUBCASE("lines of many threads at once are all committed, once each") {
        std::vector<std::thread> threads;
        for (int i = 0; i < 8; ++i) {
            threads.emplace_back([&, i] {
                for (int n = 0; n < 25; ++n) {
                    auto e = entry("c" + std::to_string(i), "granted", 1'800'000'000 + n);
                    e.trace_id = "t-c" + std::to_string(i) + "-" + std::to_string(n);
                    log->append(e);
                }
            });
        }
        for (auto& t : threads) {
            t.join();
        }
        CHECK(log->read({}).size() == 200);
        AuditFilter f;
        f.client_id = "c3";
        CHECK(log->read(f).size() == 25);
        f.since = 1'800'000'020;
        CHECK(log->read(f).size() == 5);
        f.result = "refused";
        CHECK(log->read(f).empty());
        AuditFilter by_trace;
        by_trace.trace_id = "t-c5-7";
        auto one = log->read(by_trace);
        REQUIRE(one.size() == 1);
        CHECK(one[0]["client_id"] == "c5");
        by_trace.trace_id = "t-c5-x";
        CHECK(log->read(by_trace).empty());
        CHECK_FALSE(log->fault());
    }
    SUBCASE("a line that cannot be written fails its append, and the fault shows") {
        util::pg::Connection db(database());
        db.exec(fmt::format(
            "ALTER TABLE {}.audit ADD CONSTRAINT no_refusals CHECK (result <> 'refused')",
            backend.schema()));
        CHECK_THROWS(log->append(entry("c", "refused", 1'800'000'000)));
        CHECK(log->fault());
        log->append(entry("c", "granted", 1'800'000'000));
        CHECK_FALSE(log->fault());
        db.exec(fmt::format("ALTER TABLE {}.audit DROP CONSTRAINT no_refusals", backend.schema()));
    }
}

TEST_CASE("core::PgStore against PostgreSQL: a granted token's audit line goes with its grant") {
    test::GrantFixture f;
    auto out = f.request(f.sign(f.claims()));
    REQUIRE(out.response);
    auto lines = f.backend.open_audit(f.store)->read({});
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["result"] == "granted");
    CHECK(lines[0]["token_jti"] == out.audit.token_jti);
    SUBCASE("when the line cannot be written, neither is the grant, and no token leaves") {
        util::pg::Connection db(database());
        db.exec(fmt::format("ALTER TABLE {}.audit ADD CONSTRAINT none CHECK (false) NOT VALID",
                            f.backend.schema()));
        auto grant = f.sign(f.claims());
        CHECK_THROWS_AS(f.request(grant), util::pg::PgError);
        db.exec(fmt::format("ALTER TABLE {}.audit DROP CONSTRAINT none", f.backend.schema()));
        CHECK(f.request(grant).response);  // the grant was not used
    }
}
