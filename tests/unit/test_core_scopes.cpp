// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "core/scopes.hpp"
#include "core/util/error.hpp"
#include "support/error_kind.hpp"
#include "support/registry_fixture.hpp"

using namespace mpctl::core;
using mpctl::ErrorKind;
using mpctl::test::k_consumer;
using mpctl::test::k_now;
using mpctl::test::k_other;
using mpctl::test::k_provider;
using mpctl::test::kind_of;
using mpctl::test::RegistryFixture;

namespace {

ScopeName name(const char* n) {
    return ScopeName::parse(n);
}
OrgNumber org(const char* o) {
    return OrgNumber::parse(o);
}

}  // namespace

TEST_CASE("core::add_prefix") {
    RegistryFixture f;
    SUBCASE("only the operator assigns prefixes") {
        CHECK(kind_of([&] {
                  f.store.write([&](WriteTxn& t) {
                      add_prefix(t, f.provider, Prefix::parse("nav"), org(k_provider), k_now);
                  });
              }) == ErrorKind::forbidden);
    }
    SUBCASE("a prefix is never reassigned; again to its owner changes nothing") {
        CHECK_THROWS_WITH(f.store.write([&](WriteTxn& t) {
            add_prefix(t, f.op, Prefix::parse("skatt"), org(k_other), k_now);
        }),
                          "prefix \"skatt\" is already assigned to org 974761076; a prefix is "
                          "never reassigned");
        auto again = f.store.write([&](WriteTxn& t) {
            return add_prefix(t, f.op, Prefix::parse("skatt"), org(k_provider), k_now + 5);
        });
        CHECK(again.change == Change::already);
        CHECK(again.note == "prefix \"skatt\" is assigned to org 974761076 already");
        CHECK(again.value.created != mpctl::core::util::iso8601(k_now + 5));  // as it was
    }
    SUBCASE("an org lists only its own prefixes") {
        auto txn = f.store.read();
        CHECK(list_prefixes(txn, f.op).size() == 2);
        CHECK(list_prefixes(txn, f.consumer).empty());
    }
}

TEST_CASE("core::create_scope") {
    RegistryFixture f;
    auto create = [&](const Actor& a, const ScopeSpec& s) {
        return f.store.write([&](WriteTxn& t) { return create_scope(t, a, s, k_now); });
    };
    SUBCASE("fills owner, prefix, subscope, times and defaults") {
        Scope s = create(f.provider, RegistryFixture::spec("skatt:ny/del"));
        CHECK(s.owner_orgno == k_provider);
        CHECK(s.prefix == "skatt");
        CHECK(s.subscope == "ny/del");
        CHECK(s.active);
        CHECK(s.token_type == TokenType::self_contained);
        CHECK(s.allowed_integration_types == std::vector<std::string>{"maskinporten"});
        CHECK(s.created == "2027-01-15T08:00:00Z");
        CHECK(find_scope(f.store.read(), name("skatt:ny/del"))->description == "a test scope");
    }
    SUBCASE("refuses a prefix of another org") {
        CHECK_THROWS_WITH(create(f.consumer, RegistryFixture::spec("skatt:x")),
                          "cannot create scope skatt:x: prefix \"skatt\" belongs to org "
                          "974761076, not to org 910000004");
    }
    SUBCASE("refuses an unassigned prefix") {
        CHECK_THROWS_WITH(create(f.op, RegistryFixture::spec("nav:x")),
                          doctest::Contains("prefix \"nav\" is not assigned"));
    }
    SUBCASE("refuses an existing scope, active or deactivated") {
        CHECK(kind_of([&] { create(f.provider, RegistryFixture::spec("skatt:les")); }) ==
              ErrorKind::conflict);
        f.store.write(
            [&](WriteTxn& t) { deactivate_scope(t, f.provider, name("skatt:les"), k_now); });
        CHECK_THROWS_WITH(create(f.provider, RegistryFixture::spec("skatt:les")),
                          doctest::Contains("deactivated; it cannot be created again"));
    }
    SUBCASE("refuses bad fields") {
        auto s = RegistryFixture::spec("skatt:x");
        s.description = "";
        CHECK_THROWS_WITH(create(f.provider, s), "description may not be empty");
        s = RegistryFixture::spec("skatt:x");
        s.at_max_age = -1;
        CHECK_THROWS_WITH(create(f.provider, s), doctest::Contains("invalid at_max_age -1"));
        s = RegistryFixture::spec("skatt:x");
        s.allowed_integration_types = {"maskinporten", "ftp"};
        CHECK_THROWS_WITH(create(f.provider, s),
                          doctest::Contains("unknown integration type \"ftp\""));
        s.allowed_integration_types = {};
        CHECK_THROWS_WITH(create(f.provider, s), doctest::Contains("may not be empty"));
        s = RegistryFixture::spec("skatt:x", "has space");
        CHECK_THROWS_WITH(create(f.provider, s), doctest::Contains("invalid delegation_source"));
    }
}

TEST_CASE("core::update_scope and deactivate_scope") {
    RegistryFixture f;
    SUBCASE("changes only the given fields") {
        ScopeUpdate u;
        u.at_max_age = 60;
        u.delegation_source = std::optional<std::string>();
        Scope s = f.store.write([&](WriteTxn& t) {
            return update_scope(t, f.provider, name("skatt:melding"), u, k_now + 5);
        });
        CHECK(s.at_max_age == 60);
        CHECK_FALSE(s.delegation_source);
        CHECK(s.description == "a test scope");
        CHECK(s.last_updated != s.created);
    }
    SUBCASE("another org may not change a PUBLIC scope: forbidden") {
        CHECK(kind_of([&] {
                  f.store.write([&](WriteTxn& t) {
                      update_scope(t, f.consumer, name("skatt:les"), ScopeUpdate{}, k_now);
                  });
              }) == ErrorKind::forbidden);
    }
    SUBCASE("another org cannot see a PRIVATE scope: not found") {
        CHECK(kind_of([&] {
                  f.store.write([&](WriteTxn& t) {
                      deactivate_scope(t, f.consumer, name("idporten:dcr.read"), k_now);
                  });
              }) == ErrorKind::not_found);
    }
    SUBCASE("a deactivated scope stays, inactive; deactivating it again changes nothing") {
        Scope first = f.store
                          .write([&](WriteTxn& t) {
                              return deactivate_scope(t, f.provider, name("skatt:les"), k_now);
                          })
                          .value;
        {
            auto txn = f.store.read();
            CHECK_FALSE(find_scope(txn, name("skatt:les"))->active);
            CHECK(list_own_scopes(txn, f.provider, false).size() == 1 + 4);
            CHECK(list_own_scopes(txn, f.provider, true).size() == 2 + 4);
        }
        auto again = f.store.write([&](WriteTxn& t) {
            return deactivate_scope(t, f.provider, name("skatt:les"), k_now + 60);
        });
        CHECK(again.change == Change::already);
        CHECK(again.note == "scope skatt:les is deactivated already");
        CHECK_FALSE(again.value.active);
        CHECK(again.value.last_updated == first.last_updated);
    }
    SUBCASE("a deactivated scope changes only when the update reactivates it") {
        f.store.write([&](WriteTxn& t) {
            grant_access(t, f.provider, name("skatt:les"), org(k_other), k_now);
            deactivate_scope(t, f.provider, name("skatt:les"), k_now);
        });
        auto usable = [&] {
            auto txn = f.store.read();
            return has_access(txn, *find_scope(txn, name("skatt:les")), k_other);
        };
        CHECK_FALSE(usable());
        auto update = [&](ScopeUpdate u) {
            return f.store.write([&](WriteTxn& t) {
                return update_scope(t, f.provider, name("skatt:les"), u, k_now + 60);
            });
        };
        ScopeUpdate plain;
        plain.description = "changed";
        CHECK_THROWS_WITH(
            update(plain),
            "scope skatt:les is deactivated (activate it first: \"active\": true in the API, "
            "mpctl scope activate)");
        ScopeUpdate stay = plain;
        stay.active = false;
        Scope s = update(stay);
        CHECK_FALSE(s.active);
        CHECK(s.description == "changed");
        ScopeUpdate back;
        back.active = true;
        s = update(back);
        CHECK(s.active);
        CHECK(usable());  // the access list survived the deactivation
        ScopeUpdate off;
        off.active = false;
        CHECK_FALSE(update(off).active);  // an active scope deactivated by an update
    }
}

TEST_CASE("core::list_public_scopes") {
    RegistryFixture f;
    ScopeUpdate u;
    u.accessible_for_all = true;
    f.store.write([&](WriteTxn& t) { update_scope(t, f.provider, name("skatt:les"), u, k_now); });
    auto txn = f.store.read();
    CHECK(list_public_scopes(txn, false).size() == 2);  // the admin scopes are PRIVATE
    auto open = list_public_scopes(txn, true);
    REQUIRE(open.size() == 1);
    CHECK(open[0].name.str() == "skatt:les");
}

TEST_CASE("core::grant_access and revoke_access") {
    RegistryFixture f;
    auto grant = [&](const Actor& a, const char* scope, const char* consumer) {
        return f.store.write(
            [&](WriteTxn& t) { return grant_access(t, a, name(scope), org(consumer), k_now); });
    };
    auto revoke = [&](const Actor& a, const char* scope, const char* consumer,
                      UnixTime when = k_now) {
        return f.store.write(
            [&](WriteTxn& t) { return revoke_access(t, a, name(scope), org(consumer), when); });
    };
    SUBCASE("grants, lists both ways, and checks") {
        Access a = grant(f.provider, "skatt:les", k_other);
        CHECK(a.state == AccessState::approved);
        CHECK(a.owner_orgno == k_provider);
        auto txn = f.store.read();
        CHECK(list_access(txn, f.provider, name("skatt:les")).size() == 1);
        CHECK(list_access_of(txn, Actor::organisation(org(k_other)), org(k_other)).size() == 1);
        CHECK(has_access(txn, *find_scope(txn, name("skatt:les")), k_other));
        CHECK_FALSE(has_access(txn, *find_scope(txn, name("skatt:les")), k_consumer));
    }
    SUBCASE("granting twice is a no-op; denied access can be granted again") {
        grant(f.provider, "skatt:les", k_other);
        grant(f.provider, "skatt:les", k_other);
        CHECK(list_access(f.store.read(), f.provider, name("skatt:les")).size() == 1);
        auto revoked = revoke(f.provider, "skatt:les", k_other);
        CHECK(revoked.change == Change::made);
        const Access& denied = revoked.value;
        CHECK(denied.state == AccessState::denied);
        CHECK(to_string(denied.state) == "DENIED");  // Digdir's word
        CHECK_FALSE(
            has_access(f.store.read(), *find_scope(f.store.read(), name("skatt:les")), k_other));
        // Revoking again changes nothing (digdirator may): the same entry, no error.
        auto again = revoke(f.provider, "skatt:les", k_other, k_now + 60);
        CHECK(again.change == Change::already);
        CHECK(again.note == "org 930000000's access to scope skatt:les is revoked already");
        CHECK(again.value.state == AccessState::denied);
        CHECK(again.value.last_updated == denied.last_updated);
        CHECK(grant(f.provider, "skatt:les", k_other).state == AccessState::approved);
    }
    SUBCASE("access denied in a store written before DENIED reads as denied") {
        CHECK(parse_access_state("REVOKED") == AccessState::denied);
        CHECK(parse_access_state("DENIED") == AccessState::denied);
        CHECK_THROWS_WITH(parse_access_state("REQUESTED"),
                          "invalid access state \"REQUESTED\": must be APPROVED or DENIED");
    }
    SUBCASE("refuses a scope of another org") {
        CHECK(kind_of([&] { grant(f.consumer, "skatt:les", k_other); }) == ErrorKind::forbidden);
        CHECK(kind_of([&] { list_access(f.store.read(), f.consumer, name("skatt:les")); }) ==
              ErrorKind::forbidden);
    }
    SUBCASE("refuses a missing or deactivated scope") {
        CHECK_THROWS_WITH(grant(f.provider, "skatt:nope", k_other),
                          "scope skatt:nope does not exist");
        f.store.write(
            [&](WriteTxn& t) { deactivate_scope(t, f.provider, name("skatt:les"), k_now); });
        CHECK_THROWS_WITH(grant(f.provider, "skatt:les", k_other),
                          "scope skatt:les is deactivated");
    }
    SUBCASE("revoking access that is not there is absent, and writes nothing") {
        auto absent = revoke(f.provider, "skatt:les", k_other);
        CHECK(absent.change == Change::absent);
        CHECK(absent.note == "org 930000000 has no access to scope skatt:les to revoke");
        CHECK(absent.value.state == AccessState::denied);
        CHECK(list_access(f.store.read(), f.provider, name("skatt:les")).empty());
        // Still, only the scope's owner may ask.
        CHECK(kind_of([&] { revoke(f.consumer, "skatt:les", k_other); }) == ErrorKind::forbidden);
    }
    SUBCASE("an org may not read another org's grants") {
        CHECK(kind_of([&] { list_access_of(f.store.read(), f.consumer, org(k_other)); }) ==
              ErrorKind::forbidden);
    }
}
