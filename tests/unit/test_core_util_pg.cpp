// SPDX-License-Identifier: Apache-2.0
// The libpq wrapper against a real PostgreSQL: the unit_pg test runs these
// under scripts/with-postgres, which sets MPCTL_TEST_PG. The plain unit run
// leaves them out (-tce), so they never pass without a database.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/util/pg.hpp"

using namespace mpctl;
using namespace mpctl::core::util;

namespace {

std::string database() {
    const char* uri = std::getenv("MPCTL_TEST_PG");
    REQUIRE_MESSAGE(uri != nullptr, "MPCTL_TEST_PG is not set: run under scripts/with-postgres");
    return uri;
}

}  // namespace

TEST_CASE("core::util::pg::redact (no database)") {
    CHECK(pg::redact("postgresql://mp:s3cret@db.example:5432/mp?sslmode=verify-full") ==
          "postgresql://mp:***@db.example:5432/mp?sslmode=verify-full");
    CHECK(pg::redact("postgres://mp@db/mp") == "postgres://mp@db/mp");
    CHECK(pg::redact("postgresql:///mp?host=/run/pg&password=s3cret&user=mp") ==
          "postgresql:///mp?host=/run/pg&password=***&user=mp");
    CHECK(pg::redact("host=db user=mp password=s3cret dbname=mp") ==
          "host=db user=mp password=*** dbname=mp");
    CHECK(pg::redact(R"(host=db password = 'it\'s s3cret' dbname=mp)") ==
          "host=db password = *** dbname=mp");
    CHECK(pg::redact("postgresql://a:b:c@h/d") == "postgresql://a:***@h/d");
    // libpq takes a "?" in the password as it is.
    CHECK(pg::redact("postgresql://u:pa?ss@h/db") == "postgresql://u:***@h/db");
    // Every parameter whose name ends in "password" is a secret.
    CHECK(pg::redact("postgresql://u@h/db?sslpassword=k3y&sslmode=require") ==
          "postgresql://u@h/db?sslpassword=***&sslmode=require");
    CHECK(pg::redact("host=h sslpassword=k3y password=s3cret") ==
          "host=h sslpassword=*** password=***");
    CHECK(pg::redact("host=h nopassword_here=1") == "host=h nopassword_here=1");
}

TEST_CASE("core::util::pg against PostgreSQL") {
    pg::Connection db(database());
    REQUIRE(db.connected());
    db.exec_script(
        "DROP TABLE IF EXISTS t; CREATE TABLE t (k text PRIMARY KEY, v text, n bigint);");

    SUBCASE("parameters are bound as text, never spliced into the statement") {
        std::string hostile = "x'); DROP TABLE t; --";
        db.exec("INSERT INTO t VALUES ($1, $2, $3)", {"a", hostile, "42"});
        db.exec("INSERT INTO t VALUES ($1, $2, $3)", {"b", std::nullopt, std::nullopt});
        auto r = db.exec("SELECT k, v, n FROM t ORDER BY k");
        REQUIRE(r.rows() == 2);
        CHECK(r.columns() == 3);
        CHECK(r.text(0, 1) == hostile);
        CHECK(r.integer(0, 2) == 42);
        CHECK(r.is_null(1, 1));
        CHECK_THROWS_AS(r.integer(1, 2), Error);
        CHECK(db.exec("UPDATE t SET n = 1").affected() == 2);
    }
    SUBCASE("UTF-8 text round-trips; a NUL byte is refused before it is sent") {
        db.exec("INSERT INTO t (k, v) VALUES ($1, $2)", {"æøå", "Skatteetaten ✓"});
        CHECK(db.exec("SELECT v FROM t WHERE k = $1", {"æøå"}).text(0, 0) == "Skatteetaten ✓");
        CHECK_THROWS_WITH(db.exec("SELECT $1", {std::string_view("a\0b", 3)}),
                          doctest::Contains("NUL"));
    }
    SUBCASE("a unique violation is a conflict; a bad statement names the error") {
        db.exec("INSERT INTO t (k) VALUES ($1)", {"same"});
        try {
            db.exec("INSERT INTO t (k) VALUES ($1)", {"same"});
            FAIL("no error");
        } catch (const pg::PgError& e) {
            CHECK(e.unique_violation());
            CHECK(e.kind() == ErrorKind::conflict);
        }
        try {
            db.exec("SELEC 1");
            FAIL("no error");
        } catch (const pg::PgError& e) {
            CHECK(e.sqlstate() == "42601");
            CHECK(e.kind() == ErrorKind::failure);
            CHECK(std::string(e.what()).find("syntax error") != std::string::npos);
        }
        CHECK(db.connected());  // a failed statement leaves the connection usable
    }
    SUBCASE("a transaction commits when its work returns, and rolls back when it throws") {
        int n = db.transaction([&] {
            db.exec("INSERT INTO t (k) VALUES ('kept')");
            return 7;
        });
        CHECK(n == 7);
        CHECK_THROWS_AS(db.transaction([&] {
            db.exec("INSERT INTO t (k) VALUES ('gone')");
            throw std::runtime_error("changed my mind");
        }),
                        std::runtime_error);
        CHECK(db.exec("SELECT k FROM t ORDER BY k").rows() == 1);
        CHECK(db.exec("SELECT 1").rows() == 1);  // no transaction left open
    }
    SUBCASE("a transaction whose statement failed is not reported committed") {
        CHECK_THROWS_WITH(db.transaction([&] {
            db.exec("INSERT INTO t (k) VALUES ('a')");
            try {
                db.exec("INSERT INTO t (k) VALUES ('a')");  // a unique violation, swallowed
            } catch (const pg::PgError&) {
            }
        }),
                          doctest::Contains("rolled the transaction back"));
        CHECK(db.exec("SELECT k FROM t").rows() == 0);
        CHECK_FALSE(db.in_transaction());
    }
    SUBCASE("the same statement runs prepared, and again after a reconnect") {
        for (int i = 0; i < 3; ++i) {
            db.exec("INSERT INTO t (k, n) VALUES ($1, $2)", {std::to_string(i), "1"});
        }
        db.reconnect();
        db.exec("INSERT INTO t (k, n) VALUES ($1, $2)", {"after", "1"});
        CHECK(db.exec("SELECT count(*) FROM t WHERE n = $1", {"1"}).integer(0, 0) == 4);
    }
    SUBCASE("a connection the server ends is unavailable, and comes back") {
        pg::Connection other(database());
        auto pid = std::string(db.exec("SELECT pg_backend_pid()").text(0, 0));
        other.exec("SELECT pg_terminate_backend($1::int)", {pid});
        try {
            db.exec("SELECT 1");
            FAIL("no error");
        } catch (const pg::PgError& e) {
            CHECK(e.kind() == ErrorKind::unavailable);
        }
        db.reconnect();
        CHECK(db.exec("SELECT 1").integer(0, 0) == 1);
    }
}

TEST_CASE("core::util::pg against PostgreSQL: a pool") {
    pg::Pool pool(database(), 2);
    SUBCASE("a connection given back inside a transaction is given out outside one") {
        {
            auto lease = pool.acquire();
            lease->exec("BEGIN");
            lease->exec("CREATE TEMP TABLE left_open (x int)");
        }
        auto a = pool.acquire();
        auto b = pool.acquire();
        CHECK_FALSE(a->in_transaction());
        CHECK_FALSE(b->in_transaction());
    }
    SUBCASE("a third taker waits until one is given back") {
        auto a = pool.acquire();
        std::optional<pg::Pool::Lease> b(pool.acquire());
        std::atomic<bool> got{false};
        std::thread third([&] {
            auto c = pool.acquire();
            got = true;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        CHECK_FALSE(got);
        b.reset();
        third.join();
        CHECK(got);
    }
}

TEST_CASE("core::util::pg: a server that is not there is unavailable, and no password is said") {
    try {
        pg::Connection db("postgresql://mp:s3cret@/mp?host=/nonexistent&connect_timeout=2");
        FAIL("connected");
    } catch (const pg::PgError& e) {
        CHECK(e.kind() == ErrorKind::unavailable);
        std::string message = e.what();
        CHECK(message.find("cannot connect to PostgreSQL at postgresql://mp:***@") == 0);
        CHECK(message.find("s3cret") == std::string::npos);
    }
}
