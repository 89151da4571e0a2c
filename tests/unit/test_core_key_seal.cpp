// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <string>

#include "core/key_seal.hpp"
#include "core/operator.hpp"
#include "core/util/aead.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "support/registry_fixture.hpp"

using namespace mpctl;
using namespace mpctl::core;

namespace {

const std::string k_one(40, 'a');
const std::string k_two(44, 'b');

KeySecrets secrets(std::initializer_list<std::string> texts) {
    KeySecrets s;
    for (const auto& t : texts) {
        s.add(t, "the test");
    }
    return s;
}

std::string unhex(std::string_view hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

}  // namespace

TEST_CASE("core::util::aead") {
    SUBCASE("HKDF-SHA256 gives RFC 5869's test case 3") {
        CHECK(
            util::hex(util::hkdf_sha256(std::string(22, '\x0b'), "", 42)) ==
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }
    SUBCASE("AES-256-GCM agrees with another implementation (python3-cryptography)") {
        std::string key(32, '\0');
        std::string nonce(12, '\0');
        std::string sealed = util::aes256gcm_seal(key, nonce, "mpctl", "aad");
        CHECK(util::hex(sealed) == "a3d723492131866d1d3ac8d7fdf43575a8fcaf3132");
        CHECK(util::aes256gcm_open(key, nonce, unhex("a3d723492131866d1d3ac8d7fdf43575a8fcaf3132"),
                                   "aad") == "mpctl");
    }
    SUBCASE("a changed byte, aad, key or nonce does not open") {
        std::string key = util::random_bytes(32);
        std::string nonce = util::random_bytes(12);
        std::string sealed = util::aes256gcm_seal(key, nonce, "secret text", "kid");
        for (size_t i = 0; i < sealed.size(); ++i) {
            std::string bad = sealed;
            bad[i] = static_cast<char>(bad[i] ^ 1);
            CHECK_FALSE(util::aes256gcm_open(key, nonce, bad, "kid"));
        }
        CHECK_FALSE(util::aes256gcm_open(key, nonce, sealed, "other"));
        CHECK_FALSE(util::aes256gcm_open(util::random_bytes(32), nonce, sealed, "kid"));
        CHECK_FALSE(util::aes256gcm_open(key, util::random_bytes(12), sealed, "kid"));
        CHECK_FALSE(util::aes256gcm_open(key, nonce, sealed.substr(0, 10), "kid"));
    }
}

TEST_CASE("core::KeySecrets") {
    const std::string pem =
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n";
    auto one = secrets({k_one});
    SUBCASE("a sealed key opens, and shows nothing of the key") {
        std::string stored = one.seal(pem, "kid-1");
        CHECK(KeySecrets::is_sealed(stored));
        CHECK(stored.find("PRIVATE") == std::string::npos);
        CHECK(KeySecrets::sealed_by(stored) == one.current_id());
        CHECK(one.open(stored, "kid-1") == pem);
        CHECK(one.seal(pem, "kid-1") != stored);  // a fresh nonce each time
    }
    SUBCASE("without secrets, keys stay in the clear") {
        KeySecrets none;
        CHECK(none.seal(pem, "k") == pem);
        CHECK(none.open(pem, "k") == pem);
        std::string expected = "sealed under key-encryption secret " + one.current_id();
        CHECK_THROWS_WITH(none.open(one.seal(pem, "k"), "k"), doctest::Contains(expected.c_str()));
    }
    SUBCASE("a key moved to another kid, or altered, does not open") {
        std::string stored = one.seal(pem, "kid-1");
        CHECK_THROWS_WITH(one.open(stored, "kid-2"), doctest::Contains("altered"));
        std::string bad = stored;
        bad[bad.size() - 3] = bad[bad.size() - 3] == 'A' ? 'B' : 'A';
        CHECK_THROWS_WITH(one.open(bad, "kid-1"), doctest::Contains("altered"));
    }
    SUBCASE("while the secret changes, the old one opens and the new one seals") {
        std::string old_stored = one.seal(pem, "k");
        auto both = secrets({k_two, k_one});
        CHECK(both.open(old_stored, "k") == pem);
        CHECK(KeySecrets::sealed_by(both.seal(pem, "k")) == secrets({k_two}).current_id());
        CHECK_THROWS(secrets({k_two}).open(old_stored, "k"));
    }
    SUBCASE("a short secret is refused, naming where it came from") {
        KeySecrets s;
        CHECK_THROWS_WITH(
            s.add("short", "MPCTL_KEY_SECRET"),
            doctest::Contains("MPCTL_KEY_SECRET is 5 characters; it must have at least 32"));
    }
}

TEST_CASE("core::rewrap_signing_keys") {
    test::RegistryFixture f;  // its first key is in the clear
    auto one = secrets({k_one});
    CHECK_THROWS_WITH(
        f.store.write([&](WriteTxn& t) { check_signing_keys(t, one, true, test::k_now); }),
        doctest::Contains("in the clear"));
    auto changed = f.store.write([&](WriteTxn& t) { return rewrap_signing_keys(t, one); });
    CHECK(changed.size() == 1);
    f.store.write([&](WriteTxn& t) { rotate_signing_key(t, "ES256", test::k_now + 1, one); });
    for (const auto& k : list_signing_keys(f.store.read())) {
        CHECK(KeySecrets::sealed_by(k.private_pem) == one.current_id());
    }
    f.store.write([&](WriteTxn& t) { check_signing_keys(t, one, true, test::k_now + 1); });
    // Nothing to do the second time.
    CHECK(f.store.write([&](WriteTxn& t) { return rewrap_signing_keys(t, one); }).empty());
    // A new secret: both keys move to it, and the old secret alone no longer opens them.
    auto both = secrets({k_two, k_one});
    CHECK(f.store.write([&](WriteTxn& t) { return rewrap_signing_keys(t, both); }).size() == 2);
    auto two = secrets({k_two});
    f.store.write([&](WriteTxn& t) { check_signing_keys(t, two, true, test::k_now + 1); });
    CHECK_THROWS_WITH(
        f.store.write([&](WriteTxn& t) { check_signing_keys(t, one, true, test::k_now + 1); }),
        doctest::Contains("which this process was not given"));
    CHECK_THROWS(f.store.write([&](WriteTxn& t) { rewrap_signing_keys(t, KeySecrets()); }));
}
