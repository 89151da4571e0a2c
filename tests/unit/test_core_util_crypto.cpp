// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <openssl/err.h>

#include <nlohmann/json.hpp>

#include "core/util/base64.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "core/util/jws.hpp"
#include "support/algorithms.hpp"
#include "support/temp_dir.hpp"
#include "support/test_ca.hpp"

using namespace mpctl::core::util;
using nlohmann::json;

namespace {

// RFC 7638 section 3.1.
const json k_rfc7638_key = {
    {"kty", "RSA"},
    {"n",
     "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
     "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
     "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
     "bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"},
    {"e", "AQAB"},
    {"alg", "RS256"},
    {"kid", "2011-04-29"}};

const KeyType k_types[] = {KeyType::rsa, KeyType::ec_p256, KeyType::ec_p384, KeyType::ed25519};

}  // namespace

TEST_CASE("core::util::Key thumbprint") {
    SUBCASE("matches the RFC 7638 example") {
        CHECK(Key::from_jwk(k_rfc7638_key).thumbprint() ==
              "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }
    SUBCASE("ignores members outside the required set") {
        json bare = {{"kty", "RSA"}, {"n", k_rfc7638_key["n"]}, {"e", "AQAB"}};
        CHECK(Key::from_jwk(bare).thumbprint() == Key::from_jwk(k_rfc7638_key).thumbprint());
    }
}

TEST_CASE("core::util::Key round trips") {
    for (KeyType type : k_types) {
        CAPTURE(describe(type));
        const Key& key = mpctl::test::shared_key(type);
        CHECK(key.is_private());
        CHECK(key.type() == type);

        SUBCASE("private PEM") {
            Key back = Key::from_pem(key.private_pem(), std::nullopt);
            CHECK(back.is_private());
            CHECK(back.same_public_key(key));
            CHECK(back.private_pem() == key.private_pem());
        }
        SUBCASE("public PEM") {
            Key back = Key::from_pem(key.public_pem(), std::nullopt);
            CHECK_FALSE(back.is_private());
            CHECK(back.same_public_key(key));
            CHECK_THROWS_AS(back.private_pem(), mpctl::Error);
        }
        SUBCASE("private JWK") {
            Key back = Key::from_jwk(key.private_jwk());
            CHECK(back.is_private());
            CHECK(back.private_pem() == key.private_pem());
        }
        SUBCASE("public JWK and thumbprint") {
            Key back = Key::from_jwk(key.public_jwk());
            CHECK_FALSE(back.is_private());
            CHECK(back.public_jwk() == key.public_jwk());
            CHECK(back.thumbprint() == key.thumbprint());
        }
    }
}

TEST_CASE("core::util::Key generation") {
    CHECK(Key::generate(KeyType::rsa, 3072).bits() == 3072);
    CHECK(Key::generate(KeyType::ec_p384).default_alg() == "ES384");
    CHECK(Key::generate(KeyType::ed25519).default_alg() == "EdDSA");
    CHECK_THROWS_WITH(Key::generate(KeyType::rsa, 1024), doctest::Contains("1024 is not offered"));
    CHECK(Key::generate(KeyType::ec_p256).thumbprint() !=
          Key::generate(KeyType::ec_p256).thumbprint());
}

TEST_CASE("core::util::Key::from_jwk refusals") {
    json ec = Key::generate(KeyType::ec_p256).public_jwk();
    SUBCASE("rejects a missing or unknown kty") {
        CHECK_THROWS_WITH(Key::from_jwk(json{{"n", "AQAB"}}), doctest::Contains("\"kty\""));
        CHECK_THROWS_WITH(Key::from_jwk(json{{"kty", "oct"}, {"k", "AAAA"}}),
                          doctest::Contains("kty \"oct\" is not supported"));
    }
    SUBCASE("rejects a missing member") {
        json bad = ec;
        bad.erase("y");
        CHECK_THROWS_WITH(Key::from_jwk(bad), doctest::Contains("\"y\" is missing"));
    }
    SUBCASE("rejects bad base64url") {
        json bad = ec;
        bad["x"] = "not base64!";
        CHECK_THROWS_WITH(Key::from_jwk(bad), doctest::Contains("not base64url"));
    }
    SUBCASE("rejects coordinates of the wrong length") {
        json bad = ec;
        bad["x"] = base64url_encode(std::string(31, 'a'));
        CHECK_THROWS_WITH(Key::from_jwk(bad), doctest::Contains("must be 32 bytes"));
    }
    SUBCASE("rejects a point that is not on the curve") {
        json bad = ec;
        std::string y = *base64url_decode(bad["y"].get<std::string>());
        y[31] = static_cast<char>(y[31] ^ 1);
        bad["y"] = base64url_encode(y);
        CHECK_THROWS_WITH(Key::from_jwk(bad), doctest::Contains("does not make a valid key"));
    }
    SUBCASE("rejects unsupported curves") {
        json bad = ec;
        bad["crv"] = "P-521";
        CHECK_THROWS_WITH(Key::from_jwk(bad), doctest::Contains("\"P-521\" is not supported"));
        CHECK_THROWS_WITH(Key::from_jwk(json{{"kty", "OKP"}, {"crv", "X25519"}, {"x", "AAAA"}}),
                          doctest::Contains("use Ed25519"));
    }
    SUBCASE("registered keys: the structure is checked again, the mathematics not") {
        Key rsa = Key::generate(KeyType::rsa);
        Key loaded = Key::from_jwk(rsa.public_jwk(), KeyChecks::registered);
        std::string signature = jws_sign(rsa, JwsAlg::rs256, "input");
        CHECK(jws_verify(loaded, JwsAlg::rs256, "input", signature));
        CHECK_FALSE(jws_verify(loaded, JwsAlg::rs256, "other", signature));
        json missing = ec;
        missing.erase("y");
        CHECK_THROWS_WITH(Key::from_jwk(missing, KeyChecks::registered),
                          doctest::Contains("\"y\" is missing"));
        json short_x = ec;
        short_x["x"] = base64url_encode(std::string(31, 'a'));
        CHECK_THROWS_WITH(Key::from_jwk(short_x, KeyChecks::registered),
                          doctest::Contains("must be 32 bytes"));
        // An even modulus fails OpenSSL's public-key check: registration
        // refuses it; a stored key is not tested again.
        json even = rsa.public_jwk();
        std::string n = *base64url_decode(even["n"].get<std::string>());
        n.back() = static_cast<char>(n.back() & ~1);
        even["n"] = base64url_encode(n);
        CHECK_THROWS_WITH(Key::from_jwk(even), doctest::Contains("does not make a valid key"));
        CHECK_NOTHROW(Key::from_jwk(even, KeyChecks::registered));
    }
    SUBCASE("rejects a private RSA key whose parts do not belong together") {
        json a = Key::generate(KeyType::rsa).private_jwk();
        json b = Key::generate(KeyType::rsa).private_jwk();
        a["d"] = b["d"];
        CHECK_THROWS_AS(Key::from_jwk(a), mpctl::Error);
    }
    SUBCASE("rejects an Ed25519 key whose x is not d's") {
        json a = Key::generate(KeyType::ed25519).private_jwk();
        a["x"] = Key::generate(KeyType::ed25519).public_jwk()["x"];
        CHECK_THROWS_WITH(Key::from_jwk(a), doctest::Contains("do not belong together"));
    }
}

TEST_CASE("core::util::Key::from_pem refusals") {
    CHECK_THROWS_WITH(Key::from_pem("hello", std::nullopt), doctest::Contains("not a PEM file"));
    CHECK_THROWS_WITH(
        Key::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                      std::nullopt),
        doctest::Contains("cannot read PEM key"));
}

TEST_CASE("core::util digests and randomness") {
    CHECK(hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(random_bytes(32).size() == 32);
    CHECK(random_bytes(32) != random_bytes(32));
}

TEST_CASE("core::util::random_bytes") {
    SUBCASE("gives the length asked for, never the same bytes twice") {
        std::set<std::string> seen;
        for (int i = 0; i < 2000; ++i) {  // several refills of the pool
            auto bytes = random_bytes(16);
            REQUIRE(bytes.size() == 16);
            CHECK(seen.insert(bytes).second);
        }
        CHECK(random_bytes(0).empty());
        CHECK(random_bytes(64).size() == 64);
        CHECK(random_bytes(65).size() == 65);  // past the pool
        CHECK(random_bytes(4096).size() == 4096);
    }
    SUBCASE("threads draw different bytes") {
        std::vector<std::string> drawn(4);
        std::vector<std::thread> threads;
        for (size_t t = 0; t < drawn.size(); ++t) {
            threads.emplace_back([&, t] { drawn[t] = random_bytes(32); });
        }
        for (auto& t : threads) {
            t.join();
        }
        CHECK(std::set<std::string>(drawn.begin(), drawn.end()).size() == drawn.size());
    }
    SUBCASE("a forked child does not repeat its parent's bytes") {
        random_bytes(16);  // the pool holds bytes now
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            std::string mine = random_bytes(16);
            ssize_t n = ::write(fds[1], mine.data(), mine.size());
            ::_exit(n == 16 ? 0 : 1);
        }
        std::string parent = random_bytes(16);
        std::string from_child(16, '\0');
        ssize_t n = ::read(fds[0], from_child.data(), from_child.size());
        int status = 0;
        ::waitpid(child, &status, 0);
        ::close(fds[0]);
        ::close(fds[1]);
        REQUIRE(n == 16);
        CHECK(WIFEXITED(status));
        CHECK(from_child != parent);
    }
}

TEST_CASE("core::util::Certificate from outside: no certificate is an Invalid, not a throw") {
    mpctl::test::TempDir dir;
    mpctl::test::TestCa ca(dir.path(), "974761076", 30);
    Certificate leaf = Certificate::from_pem(ca.leaf_pem).at(0);
    std::string der = leaf.der();
    auto parsed = Certificate::from_der(der);
    REQUIRE(parsed.ok());
    CHECK(parsed->sha256_fingerprint() == leaf.sha256_fingerprint());
    auto validity = parsed->validity();
    REQUIRE(validity.ok());
    CHECK(validity->from == leaf.not_before());
    CHECK(validity->until == leaf.not_after());
    CHECK(validity->until - validity->from == 30 * 86400);
    auto key = parsed->public_key();
    REQUIRE(key.ok());
    CHECK(key->same_public_key(Key::from_pem(ca.leaf_key_pem, std::nullopt)));
    for (const std::string& junk :
         {std::string(), std::string("not der"), der.substr(0, der.size() / 2), der + "x"}) {
        CAPTURE(junk.size());
        auto bad = Certificate::from_der(junk);
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.error().message.starts_with("not a DER certificate: "));
        // The reason was taken off OpenSSL's error queue: nothing is left
        // for the next call on this thread to misread as its own.
        CHECK(ERR_peek_error() == 0);
    }
}
