// SPDX-License-Identifier: Apache-2.0
// The register behind system users: its rules and who may do what.
#include <doctest/doctest.h>

#include "core/store/records.hpp"
#include "core/systems.hpp"
#include "core/util/error.hpp"
#include "support/error_kind.hpp"
#include "support/registry_fixture.hpp"

using namespace mpctl::core;
using mpctl::ErrorKind;
using mpctl::test::k_consumer;
using mpctl::test::k_now;
using mpctl::test::k_other;
using mpctl::test::k_provider;
using mpctl::test::k_supplier;
using mpctl::test::kind_of;
using mpctl::test::RegistryFixture;

namespace {

// k_consumer is the vendor, with a client; k_other and k_supplier are customers.
struct SystemsFixture : RegistryFixture {
    Client client = register_client(consumer, k_consumer, {});
    Actor other = Actor::organisation(OrgNumber::parse(k_other));

    SystemSpec spec(const char* id, std::vector<Uuid> clients = {}) {
        return SystemSpec{.id = id,
                          .vendor = OrgNumber::parse(k_consumer),
                          .name = {},
                          .clients = std::move(clients)};
    }
    Uuid client_id() const { return Uuid::parse(client.client_id, "client id"); }

    System add_system(const Actor& a, const SystemSpec& s) {
        return store.write([&](WriteTxn& t) { return register_system(t, a, s, k_now); });
    }
    SystemUser add_user(const Actor& a, const char* system, const char* customer,
                        std::optional<std::string> ref = std::nullopt) {
        return store.write([&](WriteTxn& t) {
            return add_systemuser(t, a,
                                  SystemUserSpec{.system_id = system,
                                                 .customer = OrgNumber::parse(customer),
                                                 .external_ref = std::move(ref)},
                                  k_now);
        });
    }
};

}  // namespace

TEST_CASE("core::check_system_id") {
    auto vendor = OrgNumber::parse(k_consumer);
    CHECK_NOTHROW(check_system_id("910000004_ledger-2.0_x", vendor));
    CHECK_THROWS_WITH(check_system_id("ledger", vendor),
                      "invalid system id \"ledger\": it must be <vendor orgno>_<name>");
    CHECK_THROWS_WITH(check_system_id("930000000_ledger", vendor),
                      "invalid system id \"930000000_ledger\": it must begin with the vendor's "
                      "org number 910000004_");
    CHECK_THROWS_WITH(check_system_id("910000004_", vendor),
                      doctest::Contains("must be 1 to 100 characters"));
    CHECK_THROWS_WITH(check_system_id("910000004_" + std::string(101, 'a'), vendor),
                      doctest::Contains("must be 1 to 100 characters"));
    CHECK_THROWS_WITH(check_system_id("910000004_a b", vendor),
                      doctest::Contains("only A-Z a-z 0-9 . _ -"));
    CHECK_THROWS_WITH(check_system_id("910000004_a/b", vendor),
                      doctest::Contains("only A-Z a-z 0-9 . _ -"));
}

TEST_CASE("core::register_system") {
    SystemsFixture f;
    SUBCASE("a vendor registers its own system with its client") {
        System s = f.add_system(f.consumer, f.spec("910000004_ledger", {f.client_id()}));
        CHECK(s.vendor_orgno == k_consumer);
        CHECK(s.client_ids == std::vector<std::string>{f.client.client_id});
        CHECK(shown_text(s.name) == "ledger");  // the id's name when none is given
        CHECK(s.name.size() == 3);
        CHECK(s.active);
        CHECK(get_system(f.store.read(), f.consumer, s.id).id == s.id);
        // The answer speaks Altinn's words.
        nlohmann::ordered_json answer = s;
        CHECK(answer["vendor"]["ID"] == "0192:910000004");
        CHECK(answer["clientId"][0] == f.client.client_id);
        CHECK(answer["isDeleted"] == false);
        CHECK(answer["isVisible"] == true);
    }
    SUBCASE("another org may not register for the vendor") {
        CHECK_THROWS_WITH(f.add_system(f.other, f.spec("910000004_ledger")),
                          "org 930000000 may not register systems for org 910000004");
    }
    SUBCASE("the id must name the vendor") {
        CHECK_THROWS_WITH(f.add_system(f.consumer, f.spec("930000000_ledger")),
                          doctest::Contains("must begin with the vendor's org number"));
    }
    SUBCASE("a client of another org is refused") {
        Client theirs = f.register_client(f.other, k_other, {});
        CHECK_THROWS_WITH(
            f.add_system(f.op, f.spec("910000004_ledger", {Uuid::parse(theirs.client_id, "id")})),
            doctest::Contains("belongs to org 930000000, not to the vendor 910000004"));
    }
    SUBCASE("an unknown client is refused") {
        CHECK_THROWS_WITH(f.add_system(f.consumer, f.spec("910000004_ledger", {Uuid::random()})),
                          doctest::Contains("does not exist"));
    }
    SUBCASE("a client acts for one active system") {
        f.add_system(f.consumer, f.spec("910000004_ledger", {f.client_id()}));
        CHECK_THROWS_WITH(f.add_system(f.consumer, f.spec("910000004_payroll", {f.client_id()})),
                          doctest::Contains("acts for the system 910000004_ledger already"));
        // Once that system is deactivated, the client is free again.
        f.store.write(
            [&](WriteTxn& t) { deactivate_system(t, f.consumer, "910000004_ledger", k_now); });
        CHECK_NOTHROW(f.add_system(f.consumer, f.spec("910000004_payroll", {f.client_id()})));
        // ... and the first cannot come back with it.
        CHECK_THROWS_WITH(f.store.write([&](WriteTxn& t) {
            update_system(t, f.consumer, "910000004_ledger", SystemUpdate{.active = true}, k_now);
        }),
                          doctest::Contains("acts for the system 910000004_payroll already"));
    }
    SUBCASE("a deactivated system's clients are checked too") {
        Client theirs = f.register_client(f.other, k_other, {});
        auto s = f.spec("910000004_ledger", {Uuid::parse(theirs.client_id, "id")});
        s.active = false;
        CHECK_THROWS_WITH(f.add_system(f.consumer, s),
                          doctest::Contains("belongs to org 930000000, not to the vendor"));
        // ... but not against other active systems, until it is activated.
        f.add_system(f.consumer, f.spec("910000004_payroll", {f.client_id()}));
        auto asleep = f.spec("910000004_ledger", {f.client_id()});
        asleep.active = false;
        System off = f.add_system(f.consumer, asleep);
        CHECK_FALSE(off.active);
        CHECK(off.deactivated_by == k_consumer);
    }
    SUBCASE("others see no client ids") {
        f.add_system(f.consumer, f.spec("910000004_ledger", {f.client_id()}));
        auto txn = f.store.read();
        CHECK(get_system(txn, f.other, "910000004_ledger").client_ids.empty());
        CHECK(list_systems(txn, f.other, false).at(0).client_ids.empty());
        CHECK(get_system(txn, f.consumer, "910000004_ledger").client_ids.size() == 1);
        CHECK(get_system(txn, f.op, "910000004_ledger").client_ids.size() == 1);
    }
    SUBCASE("an id is registered once") {
        f.add_system(f.consumer, f.spec("910000004_ledger"));
        CHECK_THROWS_WITH(f.add_system(f.consumer, f.spec("910000004_ledger")),
                          "system 910000004_ledger exists already");
    }
    SUBCASE("names in unknown languages are refused") {
        auto s = f.spec("910000004_ledger");
        s.name = {{"de", "Hauptbuch"}};
        CHECK_THROWS_WITH(f.add_system(f.consumer, s),
                          "invalid name language \"de\": use nb, nn or en");
    }
}

TEST_CASE("core::update_system, deactivate_system, list_systems") {
    SystemsFixture f;
    f.add_system(f.consumer, f.spec("910000004_ledger", {f.client_id()}));
    auto update = [&](const Actor& a, const SystemUpdate& u) {
        return f.store.write(
            [&](WriteTxn& t) { return update_system(t, a, "910000004_ledger", u, k_now); });
    };
    SUBCASE("the vendor changes the name and the clients") {
        System s = update(f.consumer, SystemUpdate{.name = in_every_language("Ledger"),
                                                   .clients = std::vector<Uuid>{}});
        CHECK(shown_text(s.name) == "Ledger");
        CHECK(s.client_ids.empty());
        // The client's index follows: it may join another system now.
        CHECK_NOTHROW(f.add_system(f.consumer, f.spec("910000004_payroll", {f.client_id()})));
    }
    SUBCASE("another vendor may not change it, but sees it while it is offered") {
        CHECK_THROWS_WITH(update(f.other, SystemUpdate{.visible = false}),
                          "org 930000000 may not change the system 910000004_ledger of org "
                          "910000004");
        CHECK(get_system(f.store.read(), f.other, "910000004_ledger").active);
    }
    SUBCASE("deactivated: hidden from others, and deactivating again changes nothing") {
        auto s = f.store.write([&](WriteTxn& t) {
            return deactivate_system(t, f.consumer, "910000004_ledger", k_now);
        });
        CHECK(s.change == Change::made);
        CHECK_FALSE(s.value.active);
        auto txn = f.store.read();
        CHECK_THROWS_WITH(get_system(txn, f.other, "910000004_ledger"),
                          "system 910000004_ledger does not exist");
        CHECK(list_systems(txn, f.other, true).empty());
        CHECK(list_systems(txn, f.consumer, false).empty());
        CHECK(list_systems(txn, f.consumer, true).size() == 1);
        auto again = f.store.write([&](WriteTxn& t) {
            return deactivate_system(t, f.consumer, "910000004_ledger", k_now + 60);
        });
        CHECK(again.change == Change::already);
        CHECK(again.note == "system 910000004_ledger is deactivated already");
        CHECK(again.value.last_updated == s.value.last_updated);
    }
    SUBCASE("the vendor may not undo the operator's deactivation") {
        f.store.write([&](WriteTxn& t) { deactivate_system(t, f.op, "910000004_ledger", k_now); });
        CHECK(kind_of([&] { update(f.consumer, SystemUpdate{.active = true}); }) ==
              ErrorKind::forbidden);
        CHECK(update(f.op, SystemUpdate{.active = true}).active);
    }
    SUBCASE("a hidden system is listed only for its vendor") {
        update(f.consumer, SystemUpdate{.visible = false});
        auto txn = f.store.read();
        CHECK(list_systems(txn, f.other, false).empty());
        CHECK(list_systems(txn, f.consumer, false).size() == 1);
        CHECK(list_systems(txn, f.op, false).size() == 1);
    }
}

TEST_CASE("core::add_systemuser and friends") {
    SystemsFixture f;
    f.add_system(f.consumer, f.spec("910000004_ledger", {f.client_id()}));
    SUBCASE("a customer approves a system user; its externalRef is its org number") {
        SystemUser u = f.add_user(f.other, "910000004_ledger", k_other);
        CHECK(u.customer_orgno == k_other);
        CHECK(u.vendor_orgno == k_consumer);
        CHECK(u.external_ref == k_other);
        CHECK(u.integration_title == "ledger");
        CHECK(u.active);
        nlohmann::ordered_json answer = u;
        CHECK(answer["partyOrgNo"] == k_other);
        CHECK(answer["supplierOrgNo"] == k_consumer);
        CHECK(answer["systemId"] == "910000004_ledger");
    }
    SUBCASE("only the customer (or the operator) creates it: not the vendor") {
        CHECK_THROWS_WITH(f.add_user(f.consumer, "910000004_ledger", k_other),
                          "org 910000004 may not create system users for org 930000000");
        CHECK_NOTHROW(f.add_user(f.op, "910000004_ledger", k_other));
    }
    SUBCASE("an externalRef is unique per system and customer") {
        f.add_user(f.other, "910000004_ledger", k_other, "a");
        CHECK(kind_of([&] { f.add_user(f.other, "910000004_ledger", k_other, "a"); }) ==
              ErrorKind::conflict);
        CHECK_NOTHROW(f.add_user(f.other, "910000004_ledger", k_other, "b"));
        CHECK_NOTHROW(f.add_user(f.op, "910000004_ledger", k_supplier, "a"));
    }
    SUBCASE("a deactivated or unknown system gets none") {
        CHECK_THROWS_WITH(f.add_user(f.other, "910000004_nothing", k_other),
                          "system 910000004_nothing does not exist");
        f.store.write([&](WriteTxn& t) { deactivate_system(t, f.op, "910000004_ledger", k_now); });
        CHECK_THROWS_WITH(f.add_user(f.other, "910000004_ledger", k_other),
                          "system 910000004_ledger does not exist");
    }
    SUBCASE("who sees and who deactivates") {
        SystemUser u = f.add_user(f.other, "910000004_ledger", k_other);
        Uuid id = Uuid::parse(u.id, "id");
        auto supplier_org = Actor::organisation(OrgNumber::parse(k_supplier));
        {
            auto txn = f.store.read();
            CHECK(get_systemuser(txn, f.consumer, id).id == u.id);  // the vendor sees it
            CHECK_THROWS_WITH(get_systemuser(txn, supplier_org, id),
                              doctest::Contains("does not exist"));
            CHECK(list_systemusers(txn, f.consumer, {}).size() == 1);
            CHECK(list_systemusers(txn, f.other, {}).size() == 1);
            CHECK(list_systemusers(txn, supplier_org, {}).empty());
            CHECK(list_systemusers(txn, f.op, {.system = "910000004_ledger"}).size() == 1);
            CHECK(list_systemusers(txn, f.op, {.customer = OrgNumber::parse(k_supplier)}).empty());
            // A filter never shows what the actor may not see.
            CHECK(list_systemusers(txn, supplier_org, {.system = "910000004_ledger"}).empty());
        }
        CHECK(kind_of([&] {
                  f.store.write(
                      [&](WriteTxn& t) { deactivate_systemuser(t, f.consumer, id, k_now); });
              }) == ErrorKind::forbidden);
        SystemUser off =
            f.store.write([&](WriteTxn& t) { return deactivate_systemuser(t, f.other, id, k_now); })
                .value;
        CHECK_FALSE(off.active);
        CHECK(
            f.store.write([&](WriteTxn& t) { return deactivate_systemuser(t, f.other, id, k_now); })
                .change == Change::already);
        auto txn = f.store.read();
        CHECK(list_systemusers(txn, f.other, {}).empty());
        CHECK(list_systemusers(txn, f.other, {.include_inactive = true}).size() == 1);
        // Its externalRef is free again.
        CHECK_NOTHROW(f.add_user(f.other, "910000004_ledger", k_other));
    }
    SUBCASE("nothing is deleted: a deactivated one stays in the store") {
        SystemUser u = f.add_user(f.other, "910000004_ledger", k_other);
        f.store.write([&](WriteTxn& t) {
            deactivate_systemuser(t, f.other, Uuid::parse(u.id, "id"), k_now);
        });
        auto stored = load<SystemUser>(f.store.read(), Table::systemusers, u.id);
        REQUIRE(stored);
        CHECK_FALSE(stored->active);
        CHECK(stored->deactivated_by == k_other);
    }
    (void)k_provider;
}
