// SPDX-License-Identifier: Apache-2.0
// The token service's rules for grants signed with an enterprise certificate
// (x5c): the chain's form, its validity, and what is checked again when a
// chain parsed before comes back.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "core/operator.hpp"
#include "core/scopes.hpp"
#include "core/util/base64.hpp"
#include "support/grant_fixture.hpp"
#include "support/test_ca.hpp"
#include "support/token_outcome.hpp"

using namespace mpctl::core;
using mpctl::test::claims;
using mpctl::test::granted;
using mpctl::test::GrantFixture;
using mpctl::test::k_consumer;
using mpctl::test::k_supplier;
using mpctl::test::refused;
using nlohmann::json;

TEST_CASE("core::TokenService x5c rules") {
    GrantFixture f;
    // A client without registered keys, so that x5c is its way in.
    Client bare = f.register_client(f.consumer, k_consumer, {"skatt:melding"});
    auto sign = [&](const json& x5c) { return f.sign(f.claims(bare), {{"x5c", x5c}}); };
    SUBCASE("x5c as a string, not an array") {
        refused(f.request(sign("MIIB")), "invalid_grant", "MP-123", 400, "JSON array");
    }
    SUBCASE("an empty array") {
        refused(f.request(sign(json::array())), "invalid_grant", "MP-123", 400);
    }
    SUBCASE("an entry that is not standard base64") {
        refused(f.request(sign(json::array({"not*base64"}))), "invalid_grant", "MP-123", 400,
                "standard base64");
    }
    SUBCASE("a certificate whose notAfter OpenSSL cannot read (found by fuzz_x5c)") {
        const char* der_b64 =
            "MIIBnTCCAUOgAwIBAgIUbzc/+CWLHCpKJ5uVvSGQpIL5yJcwCgYIKoZIzj0EAwIwIzENMAsGA1UEAwwEc2Vl"
            "ZDESMBAGA1UEBRMJOTEwMDAwMDA0MCAXDTI2MTEzMDAwMjA0MFoYDzIxMjYxMTA2MDAyMBQwWjAjMQ0wCwYD"
            "VQQDDARzZWVkMRIwEAYDVQQFEwk5MTAwMDAwMDQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAS5Hjg6rrHR"
            "4VdMnLy5FiITDsYCE2VK5Y4X24NHRZxN46/vDrbywe6iPc1oAK0SePvp1JDw0QU72It6YwLZpXPio1MwUTAd"
            "BgNVHQ4EFgQUSPTzBEjd1bs/vvbeTE7HTINfxukwHwYDVR0jBBgwFoAUSPTzBEjd1bs/vvbeTE7HTINfxukw"
            "DwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEAmDDDBI1DD2X5EKsh/dRAAuLSzq4hNC75j3w+"
            "f4vxBf0CIFnNC6WrmanEsCtCOg2+bxP7Cgg3no2UblksmcPyOCZa";
        refused(f.request(sign(json::array({der_b64}))), "invalid_grant", "MP-123", 400,
                "validity time");
    }
    SUBCASE("an entry that is not a certificate") {
        refused(f.request(sign(json::array({util::base64_encode("hello")}))), "invalid_grant",
                "MP-123", 400, "not a DER certificate");
    }
}

// A client without registered keys, a CA the operator trusts, and a leaf
// certificate for the client's org with its key.
struct X5cFixture : GrantFixture {
    Client bare = register_client(consumer, k_consumer, {"skatt:melding"});
    mpctl::test::TestCa ca{dir.path(), k_consumer, 100};
    util::Certificate leaf = util::Certificate::from_pem(ca.leaf_pem)[0];
    util::Key leaf_key = util::Key::from_pem(ca.leaf_key_pem, std::nullopt);
    std::vector<TrustedCa> trusted;

    X5cFixture() {
        now = util::unix_now();
        store.write([&](WriteTxn& t) { trusted = add_trusted_cas(t, ca.ca_pem, now); });
    }

    TokenOutcome request_x5c(const Client& c) {
        json x5c = json::array({util::base64_encode(leaf.der())});
        return request(sign_with(leaf_key, claims(c), {{"x5c", x5c}}, util::JwsAlg::es256));
    }
};

TEST_CASE("core::TokenService x5c certificates in and out of their validity") {
    X5cFixture f;
    SUBCASE("valid now: granted, as virksomhetssertifikat") {
        auto out = f.request_x5c(f.bare);
        granted(out);
        CHECK(claims(out)["client_amr"] == "virksomhetssertifikat");
    }
    SUBCASE("line breaks inside an entry's base64 are no part of it (node-forge's CRLF PEM)") {
        std::string b64 = util::base64_encode(f.leaf.der());
        std::string broken;
        for (size_t i = 0; i < b64.size(); i += 64) {
            broken += b64.substr(i, 64) + (i % 128 == 0 ? "\r\n" : "\r");
        }
        auto out = f.request(f.sign_with(f.leaf_key, f.claims(f.bare),
                                         {{"x5c", json::array({broken})}}, util::JwsAlg::es256));
        granted(out);
        CHECK(claims(out)["client_amr"] == "virksomhetssertifikat");
    }
    SUBCASE("other whitespace inside an entry is still refused") {
        std::string b64 = util::base64_encode(f.leaf.der());
        b64.insert(64, " ");
        refused(f.request(f.sign_with(f.leaf_key, f.claims(f.bare), {{"x5c", json::array({b64})}},
                                      util::JwsAlg::es256)),
                "invalid_grant", "MP-123", 400, "standard base64");
    }
    SUBCASE("after it expired") {
        f.now = f.leaf.not_after() + 60;
        refused(f.request_x5c(f.bare), "invalid_grant", "MP-120", 400, "expired");
    }
    SUBCASE("before it is valid") {
        f.now = f.leaf.not_before() - 3600;
        refused(f.request_x5c(f.bare), "invalid_grant", "MP-120", 400, "not yet valid");
    }
}

TEST_CASE("core::TokenService x5c: a chain parsed once is still checked on every grant") {
    X5cFixture f;
    granted(f.request_x5c(f.bare));  // the chain is remembered from here on
    granted(f.request_x5c(f.bare));
    SUBCASE("another client's org does not match the certificate") {
        f.store.write([&](WriteTxn& t) {
            grant_access(t, f.op, ScopeName::parse("skatt:melding"), OrgNumber::parse(k_supplier),
                         f.now);
        });
        Client other = f.register_client(f.supplier, k_supplier, {"skatt:melding"});
        refused(f.request_x5c(other), "invalid_grant", "MP-122", 400, "Does not match certificate");
    }
    SUBCASE("the certificate expired since") {
        f.now = f.leaf.not_after() + 60;
        refused(f.request_x5c(f.bare), "invalid_grant", "MP-120", 400, "expired");
    }
    SUBCASE("the second the certificate expires, as OpenSSL counts it") {
        // The chain ends with whichever of its certificates ends first: the
        // CA, made a moment before the leaf, may end a second earlier.
        auto ca = util::Certificate::from_pem(f.ca.ca_pem)[0];
        auto until = std::min(f.leaf.not_after(), ca.not_after());
        f.now = until - 1;
        granted(f.request_x5c(f.bare));
        f.now = until;
        refused(f.request_x5c(f.bare), "invalid_grant", "MP-120", 400, "expired");
    }
    SUBCASE("the time is before the certificate's validity") {
        f.now = f.leaf.not_before() - 3600;
        refused(f.request_x5c(f.bare), "invalid_grant", "MP-120", 400, "not yet valid");
    }
    SUBCASE("its CA is no longer trusted") {
        f.store.write([&](WriteTxn& t) { remove_trusted_ca(t, f.trusted.at(0).fingerprint); });
        refused(f.request_x5c(f.bare), "invalid_grant", "MP-120", 400, "invalid certificate");
    }
    SUBCASE("one remembered chain used from several threads at once") {
        std::vector<std::string> grants;
        for (int i = 0; i < 32; ++i) {
            json x5c = json::array({util::base64_encode(f.leaf.der())});
            grants.push_back(GrantFixture::sign_with(f.leaf_key, f.claims(f.bare), {{"x5c", x5c}},
                                                     util::JwsAlg::es256));
        }
        std::atomic<int> granted_count{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                for (size_t i = static_cast<size_t>(t); i < grants.size(); i += 4) {
                    granted_count += f.request(grants[i]).response ? 1 : 0;
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        CHECK(granted_count == 32);
    }
    SUBCASE("another CA is trusted as well: verified again, still granted") {
        std::filesystem::create_directory(f.dir.path() / "other");
        mpctl::test::TestCa other(f.dir.path() / "other", k_consumer, 100, "Other CA");
        f.store.write([&](WriteTxn& t) { add_trusted_cas(t, other.ca_pem, f.now); });
        granted(f.request_x5c(f.bare));
        f.store.write([&](WriteTxn& t) { remove_trusted_ca(t, f.trusted.at(0).fingerprint); });
        refused(f.request_x5c(f.bare), "invalid_grant", "MP-120", 400, "invalid certificate");
    }
}
