// SPDX-License-Identifier: Apache-2.0
// Known answers from the RFCs: the signed examples of RFC 7515 and RFC 8037.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/token/jwt.hpp"
#include "core/util/base64.hpp"
#include "core/util/crypto.hpp"
#include "core/util/jws.hpp"
#include "support/algorithms.hpp"

using namespace mpctl::core;
using namespace mpctl::core::util;
using nlohmann::json;

namespace {

// RFC 7515 appendix A.3: ES256.
const json k_a3_key = {{"kty", "EC"},
                       {"crv", "P-256"},
                       {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                       {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
                       {"d", "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}};
const std::string k_a3_jws =
    "eyJhbGciOiJFUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    "."
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

// RFC 8037 appendix A: Ed25519.
const json k_8037_key = {{"kty", "OKP"},
                         {"crv", "Ed25519"},
                         {"d", "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"},
                         {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}};
const std::string k_8037_input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
const std::string k_8037_signature =
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

}  // namespace

TEST_CASE("core::util::jws RFC 7515 A.3 (ES256)") {
    Jwt jwt = parse_jwt(k_a3_jws);
    CHECK(jwt.header["alg"] == "ES256");
    CHECK(jwt.claims["iss"] == "joe");
    json pub = k_a3_key;
    pub.erase("d");
    Key key = Key::from_jwk(pub);
    CHECK(jws_verify(key, JwsAlg::es256, jwt.signing_input, jwt.signature));
    SUBCASE("a flipped bit does not verify") {
        std::string sig = jwt.signature;
        sig[63] = static_cast<char>(sig[63] ^ 1);
        CHECK_FALSE(jws_verify(key, JwsAlg::es256, jwt.signing_input, sig));
    }
    SUBCASE("a DER signature, or one of the wrong length, does not verify") {
        CHECK_FALSE(jws_verify(key, JwsAlg::es256, jwt.signing_input, jwt.signature.substr(1)));
        CHECK_FALSE(jws_verify(key, JwsAlg::es256, jwt.signing_input, jwt.signature + "x"));
    }
    SUBCASE("the wrong algorithm for the key does not verify") {
        CHECK_FALSE(jws_verify(key, JwsAlg::es384, jwt.signing_input, jwt.signature));
        CHECK_FALSE(jws_verify(key, JwsAlg::rs256, jwt.signing_input, jwt.signature));
    }
    SUBCASE("what we sign with the private key verifies, and is raw r||s") {
        Key priv = Key::from_jwk(k_a3_key);
        std::string sig = jws_sign(priv, JwsAlg::es256, jwt.signing_input);
        CHECK(sig.size() == 64);
        CHECK(jws_verify(key, JwsAlg::es256, jwt.signing_input, sig));
    }
}

TEST_CASE("core::util::jws RFC 8037 A.4-A.5 (Ed25519)") {
    Key key = Key::from_jwk(k_8037_key);
    CHECK(key.thumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    // Ed25519 is deterministic: the signature must be the RFC's, byte for byte.
    CHECK(base64url_encode(jws_sign(key, JwsAlg::eddsa, k_8037_input)) == k_8037_signature);
    CHECK(jws_verify(key, JwsAlg::eddsa, k_8037_input, *base64url_decode(k_8037_signature)));
    CHECK_FALSE(
        jws_verify(key, JwsAlg::eddsa, k_8037_input + "x", *base64url_decode(k_8037_signature)));
}

TEST_CASE("core::util::jws sign and verify every algorithm") {
    for (const auto& c : mpctl::test::k_all_algs) {
        CAPTURE(to_string(c.alg));
        const Key& key = mpctl::test::shared_key(c.type);
        std::string sig = jws_sign(key, c.alg, "input");
        Key pub = Key::from_jwk(key.public_jwk());
        CHECK(jws_verify(pub, c.alg, "input", sig));
        CHECK_FALSE(jws_verify(pub, c.alg, "inpuT", sig));
        CHECK(parse_jws_alg(to_string(c.alg)) == c.alg);
    }
    CHECK(jws_sign(Key::generate(KeyType::ec_p384), JwsAlg::es384, "x").size() == 96);
    CHECK_FALSE(parse_jws_alg("none"));
    CHECK_FALSE(parse_jws_alg("HS256"));
    CHECK_FALSE(parse_jws_alg("rs256"));
}

TEST_CASE("core::util::jws one key signs and verifies from many threads at once") {
    // Each key sets its contexts up on first use and copies them after: the
    // first uses race here, and every later one copies.
    for (const auto& c : mpctl::test::k_all_algs) {
        CAPTURE(to_string(c.alg));
        Key key = Key::generate(c.type);
        Key pub = Key::from_jwk(key.public_jwk());
        std::atomic<int> good{0};
        std::atomic<int> bad{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 5; ++i) {
                    std::string input = fmt::format("input {} {}", t, i);
                    std::string sig = jws_sign(key, c.alg, input);
                    (jws_verify(pub, c.alg, input, sig) ? good : bad)++;
                    (jws_verify(pub, c.alg, input + "!", sig) ? bad : good)++;
                }
            });
        }
        for (auto& t : threads) {
            t.join();
        }
        CHECK(good == 40);
        CHECK(bad == 0);
    }
}
