// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "core/operator.hpp"
#include "core/scopes.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "support/error_kind.hpp"
#include "support/registry_fixture.hpp"

using namespace mpctl::core;
using mpctl::ErrorKind;
using mpctl::test::k_consumer;
using mpctl::test::k_now;
using mpctl::test::k_provider;
using mpctl::test::kind_of;
using mpctl::test::RegistryFixture;

TEST_CASE("core::init_store") {
    RegistryFixture f;
    auto txn = f.store.read();
    SUBCASE("sets the issuer and creates the admin scopes, PRIVATE, under idporten") {
        auto settings = require_settings(txn);
        CHECK(settings.issuer == "https://mp.test/");
        CHECK(settings.operator_orgno == k_provider);
        for (const auto& name : admin_scopes()) {
            auto scope = find_scope(txn, ScopeName::parse(name));
            REQUIRE(scope);
            CHECK(scope->visibility == Visibility::private_);
            CHECK(scope->owner_orgno == k_provider);
        }
    }
    SUBCASE("creates one active signing key whose kid is its thumbprint") {
        auto keys = list_signing_keys(txn);
        REQUIRE(keys.size() == 1);
        CHECK(keys[0].active);
        CHECK(keys[0].alg == "ES256");
        auto key = util::Key::from_pem(keys[0].private_pem, std::nullopt);
        CHECK(key.thumbprint() == keys[0].kid);
        CHECK(keys[0].public_jwk["kid"] == keys[0].kid);
        CHECK_FALSE(public_view(keys[0]).contains("private_pem"));
    }
    SUBCASE("runs once: again with the same settings is done already, with others refused") {
        auto init = [&](const char* issuer, const char* org, const char* alg) {
            return f.store.write([&](WriteTxn& t) {
                return init_store(t, issuer, OrgNumber::parse(org), alg, k_now + 60);
            });
        };
        auto again = init("https://mp.test", k_provider, "ES256");
        CHECK(again.change == Change::already);
        CHECK(again.note == "the store is initialised already with issuer https://mp.test/");
        CHECK(again.value.issuer == "https://mp.test/");
        CHECK(list_signing_keys(f.store.read()).size() == 1);
        CHECK_THROWS_WITH(init("https://x/", k_provider, "RS256"),
                          "the store is initialised already, and the issuer is "
                          "https://mp.test/, not https://x/; the signing key is ES256, not RS256");
        CHECK_THROWS_WITH(init("https://mp.test/", k_consumer, "ES256"),
                          "the store is initialised already, and the operator is org 974761076, "
                          "not 910000004");
        CHECK(kind_of([&] { init("https://x/", k_provider, "ES256"); }) == ErrorKind::conflict);
    }
}

TEST_CASE("core::rotate_signing_key") {
    RegistryFixture f;
    SUBCASE("the old key stays published for the longest token lifetime, then goes") {
        f.store.write([&](WriteTxn& t) {
            register_client(t, f.op, ClientSpec{OrgNumber::parse(k_provider), "long", "", {}, 600},
                            k_now);
        });
        auto fresh =
            f.store.write([&](WriteTxn& t) { return rotate_signing_key(t, "RS256", k_now + 10); });
        auto txn = f.store.read();
        auto keys = list_signing_keys(txn);
        REQUIRE(keys.size() == 2);
        CHECK(keys[0].kid == fresh.kid);
        CHECK(keys[0].active);
        CHECK_FALSE(keys[1].active);
        CHECK(keys[1].publish_until == k_now + 10 + 600 + 60);
        CHECK(published_signing_keys(txn, k_now + 10 + 659).size() == 2);
        CHECK(published_signing_keys(txn, k_now + 10 + 660).size() == 1);
    }
    SUBCASE("refuses an unknown algorithm") {
        CHECK_THROWS_WITH(
            f.store.write([&](WriteTxn& t) { rotate_signing_key(t, "HS256", k_now); }),
            doctest::Contains("\"HS256\" is not offered"));
    }
}

TEST_CASE("core::add_trusted_cas") {
    RegistryFixture f;
    SUBCASE("refuses text without a certificate") {
        CHECK_THROWS_WITH(f.store.write([&](WriteTxn& t) { add_trusted_cas(t, "nothing", k_now); }),
                          doctest::Contains("no PEM certificate found"));
    }
    SUBCASE("refuses a short or unknown fingerprint on removal") {
        CHECK_THROWS_WITH(f.store.write([&](WriteTxn& t) { remove_trusted_ca(t, "abc"); }),
                          doctest::Contains("too short"));
        auto absent =
            f.store.write([&](WriteTxn& t) { return remove_trusted_ca(t, "abcdef0123"); });
        CHECK(absent.change == Change::absent);
        CHECK(absent.note == "no trusted CA has fingerprint abcdef0123");
    }
}
