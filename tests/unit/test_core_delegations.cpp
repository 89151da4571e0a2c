// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "core/delegations.hpp"
#include "core/util/error.hpp"
#include "support/registry_fixture.hpp"

using namespace mpctl::core;
using mpctl::test::k_consumer;
using mpctl::test::k_now;
using mpctl::test::k_other;
using mpctl::test::k_supplier;
using mpctl::test::RegistryFixture;

TEST_CASE("core::add_delegation") {
    RegistryFixture f;
    auto delegate = [&](const Actor& a, const char* scope, const char* consumer,
                        const char* supplier) {
        return f.store.write([&](WriteTxn& t) {
            return add_delegation(t, a, ScopeName::parse(scope), OrgNumber::parse(consumer),
                                  OrgNumber::parse(supplier), k_now);
        });
    };
    SUBCASE("delegates a delegable, granted scope and finds it") {
        Delegation d = delegate(f.consumer, "skatt:melding", k_consumer, k_supplier);
        CHECK(d.delegation_source == "https://altinn.test");
        CHECK(d.active);
        auto txn = f.store.read();
        CHECK(find_delegation(txn, "skatt:melding", k_consumer, k_supplier));
        CHECK_FALSE(find_delegation(txn, "skatt:melding", k_consumer, k_other));
        CHECK(list_delegations(txn, f.consumer, false).size() == 1);
        CHECK(list_delegations(txn, f.supplier, false).size() == 1);
        CHECK(list_delegations(txn, f.provider, false).empty());
    }
    SUBCASE("refuses a scope without delegation_source") {
        CHECK_THROWS_WITH(delegate(f.op, "skatt:les", k_consumer, k_supplier),
                          "scope skatt:les is not delegable (it has no delegation_source)");
    }
    SUBCASE("refuses when the consumer has no access") {
        CHECK_THROWS_WITH(delegate(f.op, "skatt:melding", k_other, k_supplier),
                          "org 930000000 has not been granted access to scope skatt:melding");
    }
    SUBCASE("refuses delegating to oneself") {
        CHECK_THROWS_WITH(delegate(f.consumer, "skatt:melding", k_consumer, k_consumer),
                          "org 910000004 cannot delegate to itself");
    }
    SUBCASE("only the consumer delegates") {
        CHECK_THROWS_WITH(delegate(f.supplier, "skatt:melding", k_consumer, k_supplier),
                          "org 920000002 may not delegate on behalf of org 910000004");
    }
    SUBCASE("refuses a duplicate; after removal it may be given again") {
        Delegation d = delegate(f.consumer, "skatt:melding", k_consumer, k_supplier);
        CHECK_THROWS_WITH(delegate(f.consumer, "skatt:melding", k_consumer, k_supplier),
                          doctest::Contains("has already delegated"));
        Uuid id = Uuid::parse(d.id, "delegation id");
        CHECK_THROWS_WITH(
            f.store.write([&](WriteTxn& t) { remove_delegation(t, f.supplier, id, k_now); }),
            doctest::Contains("does not exist"));
        auto removed =
            f.store.write([&](WriteTxn& t) { return remove_delegation(t, f.consumer, id, k_now); });
        CHECK(removed.change == Change::made);
        CHECK_FALSE(removed.value.active);
        CHECK_FALSE(find_delegation(f.store.read(), "skatt:melding", k_consumer, k_supplier));
        CHECK(list_delegations(f.store.read(), f.consumer, true).size() == 1);
        // Removing it again changes nothing, and says so.
        auto again = f.store.write(
            [&](WriteTxn& t) { return remove_delegation(t, f.consumer, id, k_now + 60); });
        CHECK(again.change == Change::already);
        CHECK(again.note == "delegation " + id.str() + " is already removed");
        CHECK(again.value.last_updated == removed.value.last_updated);
        CHECK(delegate(f.consumer, "skatt:melding", k_consumer, k_supplier).id != d.id);
    }
}
