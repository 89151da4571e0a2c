// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "core/clients.hpp"
#include "core/store/records.hpp"
#include "core/util/crypto.hpp"
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
using nlohmann::json;

namespace {

json client_jwk(util::KeyType type, const std::string& kid, int bits = 2048) {
    json jwk = util::Key::generate(type, bits).public_jwk();
    jwk["kid"] = kid;
    jwk["alg"] = util::Key::from_jwk(jwk).default_alg();
    jwk["use"] = "sig";
    return jwk;
}

}  // namespace

TEST_CASE("core::register_client") {
    RegistryFixture f;
    SUBCASE("registers with the org's granted scopes and the defaults") {
        Client c = f.register_client(f.consumer, k_consumer, {"skatt:melding", "skatt:melding"});
        CHECK(Uuid::parse(c.client_id, "client id").str() == c.client_id);
        CHECK(c.client_orgno == k_consumer);
        CHECK(c.scopes == std::vector<std::string>{"skatt:melding"});
        CHECK(c.access_token_lifetime == 120);
        CHECK(c.integration_type == "maskinporten");
        CHECK(c.token_endpoint_auth_method == "private_key_jwt");
        auto txn = f.store.read();
        CHECK(get_client(txn, f.consumer, Uuid::parse(c.client_id, "x")).client_name ==
              "test client");
        CHECK(list_clients(txn, f.consumer, std::nullopt, false).size() == 1);
        CHECK(list_clients(txn, f.op, OrgNumber::parse(k_other), false).empty());
    }
    SUBCASE("refuses a scope the org was not granted") {
        CHECK_THROWS_WITH(f.register_client(f.consumer, k_consumer, {"skatt:les"}),
                          "org 910000004 has not been granted access to scope skatt:les");
    }
    SUBCASE("accepts a scope accessible for all") {
        ScopeUpdate u;
        u.accessible_for_all = true;
        f.store.write([&](WriteTxn& t) {
            update_scope(t, f.provider, ScopeName::parse("skatt:les"), u, k_now);
        });
        CHECK(f.register_client(f.op, k_other, {"skatt:les"}).scopes.size() == 1);
    }
    SUBCASE("a PRIVATE scope not granted reads as one that does not exist") {
        ScopeUpdate u;
        u.visibility = Visibility::private_;
        f.store.write([&](WriteTxn& t) {
            update_scope(t, f.provider, ScopeName::parse("skatt:les"), u, k_now);
        });
        CHECK_THROWS_WITH(f.register_client(f.consumer, k_consumer, {"skatt:les"}),
                          "org 910000004 has not been granted scope skatt:les, and it is no "
                          "public scope");
    }
    SUBCASE("refuses unknown, deactivated and non-maskinporten scopes") {
        CHECK_THROWS_WITH(f.register_client(f.consumer, k_consumer, {"skatt:nope"}),
                          "org 910000004 has not been granted scope skatt:nope, and it is no "
                          "public scope");
        CHECK_THROWS_WITH(f.register_client(f.consumer, k_consumer, {"Bad Name"}),
                          doctest::Contains("invalid scope name"));
        ScopeUpdate u;
        u.allowed_integration_types = std::vector<std::string>{"idporten"};
        f.store.write([&](WriteTxn& t) {
            update_scope(t, f.provider, ScopeName::parse("skatt:melding"), u, k_now);
        });
        CHECK_THROWS_WITH(f.register_client(f.consumer, k_consumer, {"skatt:melding"}),
                          "scope skatt:melding is not allowed for maskinporten clients");
        f.store.write([&](WriteTxn& t) {
            deactivate_scope(t, f.provider, ScopeName::parse("skatt:melding"), k_now);
        });
        CHECK_THROWS_WITH(f.register_client(f.consumer, k_consumer, {"skatt:melding"}),
                          "scope skatt:melding is deactivated");
    }
    SUBCASE("an org registers only for itself") {
        CHECK_THROWS_WITH(f.register_client(f.consumer, k_other, {}),
                          "org 910000004 may not register clients for org 930000000");
    }
    SUBCASE("refuses a bad lifetime or name") {
        CHECK_THROWS_WITH(f.store.write([&](WriteTxn& t) {
            register_client(t, f.op, ClientSpec{OrgNumber::parse(k_consumer), "n", "", {}, 0},
                            k_now);
        }),
                          doctest::Contains("invalid access_token_lifetime 0"));
        CHECK_THROWS_WITH(f.store.write([&](WriteTxn& t) {
            register_client(t, f.op, ClientSpec{OrgNumber::parse(k_consumer), "", "", {}, 120},
                            k_now);
        }),
                          "client_name may not be empty");
    }
}

TEST_CASE("core::update_client and deactivate_client") {
    RegistryFixture f;
    Client c = f.register_client(f.consumer, k_consumer, {});
    Uuid id = Uuid::parse(c.client_id, "client id");
    SUBCASE("updates scopes with the same rules") {
        ClientUpdate u;
        u.scopes = std::vector<std::string>{"skatt:les"};
        CHECK_THROWS_WITH(
            f.store.write([&](WriteTxn& t) { update_client(t, f.consumer, id, u, k_now); }),
            doctest::Contains("not been granted"));
        u.scopes = std::vector<std::string>{"skatt:melding"};
        u.access_token_lifetime = 60;
        Client after =
            f.store.write([&](WriteTxn& t) { return update_client(t, f.consumer, id, u, k_now); });
        CHECK(after.scopes == std::vector<std::string>{"skatt:melding"});
        CHECK(after.access_token_lifetime == 60);
    }
    SUBCASE("another org sees nothing") {
        std::string msg = "client " + c.client_id + " does not exist";
        CHECK_THROWS_WITH(get_client(f.store.read(), f.provider, id), msg.c_str());
    }
    auto update = [&](const Actor& a, ClientUpdate u) {
        return f.store.write([&](WriteTxn& t) { return update_client(t, a, id, u, k_now + 60); });
    };
    ClientUpdate on;
    on.active = true;
    SUBCASE("a deactivated client is kept, and changes only when active is given") {
        auto first =
            f.store.write([&](WriteTxn& t) { return deactivate_client(t, f.consumer, id, k_now); });
        CHECK(first.change == Change::made);
        CHECK_FALSE(get_client(f.store.read(), f.consumer, id).active);
        CHECK(list_clients(f.store.read(), f.consumer, std::nullopt, false).empty());
        CHECK(list_clients(f.store.read(), f.consumer, std::nullopt, true).size() == 1);
        // Deactivating again changes nothing, and says so.
        auto again = f.store.write(
            [&](WriteTxn& t) { return deactivate_client(t, f.consumer, id, k_now + 60); });
        CHECK(again.change == Change::already);
        CHECK(again.note == "client " + id.str() + " is deactivated already");
        CHECK(again.value.last_updated == first.value.last_updated);
        ClientUpdate plain;
        plain.client_name = "renamed";
        CHECK_THROWS_WITH(update(f.consumer, plain),
                          doctest::Contains("is deactivated (active: true reactivates it)"));
        ClientUpdate stay = plain;
        stay.active = false;
        CHECK_FALSE(update(f.consumer, stay).active);
        CHECK(update(f.consumer, on).active);  // the org deactivated it: the org may bring it back
    }
    SUBCASE("what the operator deactivated, only the operator brings back") {
        // Also when the org had deactivated it first.
        f.store.write([&](WriteTxn& t) { deactivate_client(t, f.consumer, id, k_now); });
        f.store.write([&](WriteTxn& t) { deactivate_client(t, f.op, id, k_now); });
        std::string msg = "client " + c.client_id +
                          " was deactivated by the operator; only the operator may activate it";
        CHECK_THROWS_WITH(update(f.consumer, on), msg.c_str());
        CHECK(kind_of([&] { update(f.consumer, on); }) == ErrorKind::forbidden);
        CHECK(update(f.op, on).active);
    }
    SUBCASE("a client deactivated before mpctl noted by whom counts as the operator's") {
        f.store.write([&](WriteTxn& t) {
            Client old = get_client(t, f.op, id);
            old.active = false;
            save(t, Table::clients, old.client_id, old);  // no deactivated_by, as older stores
        });
        CHECK(kind_of([&] { update(f.consumer, on); }) == ErrorKind::forbidden);
    }
    SUBCASE("its keys can still be removed, not added") {
        f.store.write([&](WriteTxn& t) {
            add_client_keys(t, f.consumer, id, {client_jwk(util::KeyType::ec_p256, "k1")}, k_now);
        });
        f.store.write([&](WriteTxn& t) { deactivate_client(t, f.op, id, k_now); });
        CHECK(kind_of([&] {
                  f.store.write([&](WriteTxn& t) {
                      add_client_keys(t, f.consumer, id, {client_jwk(util::KeyType::ec_p256, "k2")},
                                      k_now);
                  });
              }) == ErrorKind::conflict);
        auto set = f.store.write(
            [&](WriteTxn& t) { return remove_client_key(t, f.consumer, id, Kid::parse("k1")); });
        CHECK(set.change == Change::made);
        CHECK(set.value.keys.empty());
        // A kid that is gone is absent, and nothing is written; a client the
        // actor does not see is still not found.
        auto gone = f.store.write(
            [&](WriteTxn& t) { return remove_client_key(t, f.consumer, id, Kid::parse("k1")); });
        CHECK(gone.change == Change::absent);
        CHECK(gone.note == "client " + id.str() + " has no key with kid \"k1\"");
        CHECK(kind_of([&] {
                  f.store.write([&](WriteTxn& t) {
                      remove_client_key(t, f.consumer, Uuid::random(), Kid::parse("k1"));
                  });
              }) == ErrorKind::not_found);
        f.store.write([&](WriteTxn& t) { remove_all_client_keys(t, f.consumer, id); });
    }
}

TEST_CASE("core::validate_client_jwk") {
    json rsa = client_jwk(util::KeyType::rsa, "k1");
    SUBCASE("keeps only the key members, kid, alg and use") {
        json noisy = rsa;
        noisy["x5t"] = "whatever";
        json out = validate_client_jwk(noisy);
        CHECK_FALSE(out.contains("x5t"));
        CHECK(out["kid"] == "k1");
    }
    SUBCASE("accepts every supported type") {
        for (auto type : {util::KeyType::ec_p256, util::KeyType::ec_p384, util::KeyType::ed25519}) {
            CHECK_NOTHROW(validate_client_jwk(client_jwk(type, "k")));
        }
    }
    SUBCASE("refuses private keys") {
        json priv = util::Key::generate(util::KeyType::ec_p256).private_jwk();
        priv["kid"] = "k";
        priv["alg"] = "ES256";
        priv["use"] = "sig";
        CHECK_THROWS_WITH(validate_client_jwk(priv),
                          "JWK has private member \"d\": only public keys may be registered");
    }
    SUBCASE("refuses RSA under 2048 bits") {
        // A real 1024-bit public key (mpctl will not generate one).
        json small = rsa;
        small["n"] =
            "rDM-O2FTBzLII1gLbfc3LOaBDfo5AdRPPF5RBBDikcOMHXGfUxOEepaSzuYHAcRXI1plKsNszBF6xx0eMa2-"
            "CUvyq6Iijva8djpFXxPWSzvAafGSEhYXmuCsIIZhTah1fgygCX-zRa4XFqMKBytdg2LwpvWr-"
            "K3Jh1ioc9vsU4E";
        CHECK_THROWS_WITH(validate_client_jwk(small),
                          "key \"k1\" is RSA 1024 bits; at least 2048 are required");
    }
    SUBCASE("refuses a missing kid, a bad kid, wrong use, and an alg that does not fit") {
        json bad = rsa;
        bad.erase("kid");
        CHECK_THROWS_WITH(validate_client_jwk(bad), "JWK is missing \"kid\"");
        bad = rsa;
        bad["kid"] = "a b";
        CHECK_THROWS_WITH(validate_client_jwk(bad), doctest::Contains("invalid kid"));
        bad = rsa;
        bad["use"] = "enc";
        CHECK_THROWS_WITH(validate_client_jwk(bad),
                          "key \"k1\" has use \"enc\"; it must be \"sig\"");
        bad = rsa;
        bad["alg"] = "ES256";
        CHECK_THROWS_WITH(validate_client_jwk(bad),
                          "key \"k1\" is RSA; alg \"ES256\" does not fit it");
        bad["alg"] = "HS256";
        CHECK_THROWS_AS(validate_client_jwk(bad), mpctl::Error);
    }
}

TEST_CASE("core::add_client_keys") {
    RegistryFixture f;
    Uuid id = Uuid::parse(f.register_client(f.consumer, k_consumer, {}).client_id, "client id");
    auto add = [&](std::vector<json> keys, UnixTime now = k_now) {
        return f.store.write(
            [&](WriteTxn& t) { return add_client_keys(t, f.consumer, id, keys, now); });
    };
    SUBCASE("stores keys with an expiry one year after upload") {
        auto set = add({client_jwk(util::KeyType::ec_p256, "a")});
        REQUIRE(set.keys.size() == 1);
        CHECK(set.keys[0].expires == k_now + 365 * 86400);
        CHECK(get_client_keys(f.store.read(), f.consumer, id).keys.size() == 1);
    }
    SUBCASE("uploading the same key again renews it") {
        json k = client_jwk(util::KeyType::ec_p256, "a");
        add({k});
        auto set = add({k}, k_now + 1000);
        REQUIRE(set.keys.size() == 1);
        CHECK(set.keys[0].expires == k_now + 1000 + 365 * 86400);
    }
    SUBCASE("refuses another key under a kid in use") {
        add({client_jwk(util::KeyType::ec_p256, "a")});
        CHECK_THROWS_WITH(add({client_jwk(util::KeyType::ec_p256, "a")}),
                          doctest::Contains("already has another key with kid \"a\""));
    }
    SUBCASE("refuses a sixth key and keeps the five") {
        for (const char* kid : {"1", "2", "3", "4", "5"}) {
            add({client_jwk(util::KeyType::ed25519, kid)});
        }
        CHECK_THROWS_WITH(add({client_jwk(util::KeyType::ed25519, "6")}),
                          doctest::Contains("would have 6 keys; at most 5 are allowed"));
        CHECK(get_client_keys(f.store.read(), f.consumer, id).keys.size() == 5);
    }
    SUBCASE("replace, remove one, remove all") {
        add({client_jwk(util::KeyType::ec_p256, "a"), client_jwk(util::KeyType::ec_p256, "b")});
        auto set = f.store.write([&](WriteTxn& t) {
            return replace_client_keys(t, f.consumer, id, {client_jwk(util::KeyType::ec_p256, "c")},
                                       k_now);
        });
        CHECK(set.keys.size() == 1);
        CHECK(f.store
                  .write([&](WriteTxn& t) {
                      return remove_client_key(t, f.consumer, id, Kid::parse("a"));
                  })
                  .change == Change::absent);
        f.store.write([&](WriteTxn& t) { remove_client_key(t, f.consumer, id, Kid::parse("c")); });
        CHECK(get_client_keys(f.store.read(), f.consumer, id).keys.empty());
        add({client_jwk(util::KeyType::ec_p256, "d")});
        f.store.write([&](WriteTxn& t) { remove_all_client_keys(t, f.consumer, id); });
        CHECK(get_client_keys(f.store.read(), f.consumer, id).keys.empty());
    }
    SUBCASE("another org cannot touch the keys") {
        CHECK_THROWS_WITH(f.store.write([&](WriteTxn& t) {
            add_client_keys(t, f.provider, id, {client_jwk(util::KeyType::ec_p256, "a")}, k_now);
        }),
                          doctest::Contains("does not exist"));
    }
    SUBCASE("a key life over a year is refused") {
        CHECK_THROWS_WITH(f.store.write([&](WriteTxn& t) {
            add_client_keys(t, f.consumer, id, {client_jwk(util::KeyType::ec_p256, "a")}, k_now,
                            366 * 86400);
        }),
                          "a client key may live at most one year");
    }
}

TEST_CASE("core records: the store's form, which every mpctl reads, and the answer") {
    SUBCASE("a key: Unix seconds in the store, RFC 3339 in the answer") {
        ClientKey key{client_jwk(util::KeyType::ec_p256, "k"), k_now, k_now, k_now + 100};
        json stored = key;
        CHECK(stored["created"] == k_now);
        CHECK_FALSE(stored.contains("last_updated"));  // the same as created
        nlohmann::ordered_json answered = key;
        CHECK(answered["created"] == util::iso8601(k_now));
        CHECK(answered["last_updated"] == util::iso8601(k_now));
        CHECK(answered["exp"] == k_now + 100);
        key.updated = k_now + 5;
        stored = key;
        CHECK(stored["last_updated"] == k_now + 5);
        auto back = stored.get<ClientKey>();
        CHECK(back.jwk == key.jwk);  // no time member left in the JWK
        CHECK(back.created == k_now);
        CHECK(back.updated == k_now + 5);
    }
    SUBCASE("a key written by an older mpctl: created alone") {
        json old = client_jwk(util::KeyType::ec_p256, "old");
        old["exp"] = k_now + 100;
        old["created"] = k_now;
        auto key = old.get<ClientKey>();
        CHECK(key.updated == k_now);
        CHECK_FALSE(key.jwk.contains("created"));
    }
    SUBCASE("denied access: REVOKED in the store, DENIED in the answer") {
        Access a{"skatt:les", k_other, k_provider, AccessState::denied, "t", "t"};
        CHECK(json(a)["state"] == "REVOKED");
        CHECK(nlohmann::ordered_json(a)["state"] == "DENIED");
        CHECK(json(a).get<Access>().state == AccessState::denied);
    }
    SUBCASE("a client keeps only the Digdir fields given; the answer adds the defaults") {
        Client c;
        c.client_id = "c";
        c.kept = {{"client_uri", "https://app.test"}};
        c.deactivated_by = "operator";
        json stored = c;
        CHECK(stored["client_uri"] == "https://app.test");
        CHECK_FALSE(stored.contains("refresh_token_usage"));
        CHECK(stored["deactivated_by"] == "operator");
        auto back = stored.get<Client>();
        CHECK(back.kept == c.kept);
        CHECK(back.deactivated_by == "operator");
        nlohmann::ordered_json answered = back;
        CHECK(answered["client_uri"] == "https://app.test");
        CHECK(answered["refresh_token_usage"] == "ONETIME");
        CHECK(answered["application_type"] == "web");
        CHECK_FALSE(answered.contains("deactivated_by"));
    }
}
