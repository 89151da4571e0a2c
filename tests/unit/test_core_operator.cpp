// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "core/operator.hpp"
#include "core/scopes.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "support/registry_fixture.hpp"

using namespace mpctl::core;
using mpctl::test::k_now;
using mpctl::test::k_provider;
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
    SUBCASE("runs once") {
        CHECK_THROWS_WITH(f.store.write([&](WriteTxn& t) {
            init_store(t, "https://x/", OrgNumber::parse(k_provider), "RS256", k_now);
        }),
                          "the store is already initialised (issuer https://mp.test/)");
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
        CHECK_THROWS_WITH(f.store.write([&](WriteTxn& t) { remove_trusted_ca(t, "abcdef0123"); }),
                          doctest::Contains("no trusted CA"));
    }
}
