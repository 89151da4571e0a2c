// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/delegations.hpp"
#include "core/operator.hpp"
#include "core/scopes.hpp"
#include "core/store/expiring.hpp"
#include "core/token/grant.hpp"
#include "core/token/refusal.hpp"
#include "core/util/base64.hpp"
#include "core/util/jws.hpp"
#include "support/algorithms.hpp"
#include "support/grant_fixture.hpp"
#include "support/token_outcome.hpp"

using namespace mpctl::core;
using mpctl::test::claims;
using mpctl::test::granted;
using mpctl::test::GrantFixture;
using mpctl::test::k_consumer;
using mpctl::test::k_supplier;
using mpctl::test::refused;
using nlohmann::json;

namespace {

// The server's active key, to check access tokens with.
util::Key server_key(Store& store) {
    auto keys = list_signing_keys(store.read());
    return util::Key::from_pem(keys.front().private_pem, std::nullopt);
}

void change_scope(GrantFixture& f, const char* name, const ScopeUpdate& u) {
    f.store.write([&](WriteTxn& t) { update_scope(t, f.op, ScopeName::parse(name), u, f.now); });
}

}  // namespace

TEST_CASE("core::TokenService issues a token for a valid grant") {
    GrantFixture f;
    auto out = f.request(f.sign(f.claims()));
    granted(out);
    CHECK(out.response->token_type == "Bearer");
    CHECK(out.response->expires_in == 120);
    CHECK(out.response->scope == "skatt:melding");

    Jwt token = parse_jwt(out.response->access_token);
    CHECK(token.header["alg"] == "ES256");
    CHECK(token.header["kid"] == list_signing_keys(f.store.read()).front().kid);
    CHECK(util::jws_verify(server_key(f.store), util::JwsAlg::es256, token.signing_input,
                           token.signature));
    const json& c = token.claims;
    CHECK(c["iss"] == "https://mp.test/");
    CHECK(c["client_id"] == f.client.client_id);
    CHECK(c["client_amr"] == "private_key_jwt");
    CHECK(c["token_type"] == "Bearer");
    CHECK(c["scope"] == "skatt:melding");
    CHECK(c["consumer"] == json{{"authority", "iso6523-actorid-upis"}, {"ID", "0192:910000004"}});
    CHECK(c["iat"] == f.now);
    CHECK(c["exp"] == f.now + 120);
    CHECK(c["jti"].get<std::string>().size() >= 20);
    CHECK_FALSE(c.contains("aud"));
    CHECK_FALSE(c.contains("supplier"));
    CHECK(c == claims(out));  // what the token says is what the outcome reports
    CHECK(c.size() == 9);
    CHECK_FALSE(c.contains("supplier"));
    CHECK(out.audit.client_id == f.client.client_id);
    CHECK(out.audit.consumer == k_consumer);
    CHECK(out.audit.grant_jti == "jti-1");
    CHECK(out.audit.token_jti == c["jti"]);
    CHECK(out.audit.verified);
}

TEST_CASE("core::TokenService records every request: one audit entry each, in the store's log") {
    GrantFixture f;
    std::string grant = f.sign(f.claims());
    auto first = f.request(grant);
    granted(first);
    auto replay = f.request(grant);
    refused(replay, "invalid_grant", "MP-012", 400);
    auto unknown = f.request(f.sign(f.claims_with({{"scope", "skatt:les"}})));
    refused(unknown, "invalid_scope", "MP-200", 400);
    auto junk = f.request("garbage");
    REQUIRE(junk.refusal);

    auto lines = f.audit->read({});
    REQUIRE(lines.size() == 4);
    CHECK(lines[0]["result"] == "granted");
    CHECK(lines[0]["token_jti"] == first.audit.token_jti);
    CHECK(lines[0]["grant_jti"] == "jti-1");
    // The replay is refused, and the grant's first line stays the only granted one.
    CHECK(lines[1]["result"] == "refused");
    CHECK(lines[1]["code"] == "MP-012");
    CHECK(lines[1]["grant_jti"] == "jti-1");
    CHECK(lines[1]["token_jti"] == "");
    CHECK(lines[2]["code"] == "MP-200");
    CHECK(lines[3]["code"] == "MP-011");
    for (const auto& line : lines) {
        CHECK(line["trace_id"] == "trace-1");
    }
}

TEST_CASE("core::TokenService a signing key that cannot sign is a fault, audited once") {
    GrantFixture f;
    // A store edited by hand: the active key's alg ("alg kid" in meta) does
    // not fit its EC key.
    f.store.write([&](WriteTxn& w) {
        w.put(Table::meta, "active_signing_key", "RS256 " + active_signing_key(w).kid);
    });
    CHECK_THROWS_AS(f.request(f.sign(f.claims())), mpctl::Error);
    // The grant was recorded as granted before the signature failed: that
    // one entry, and no refusal beside it.
    auto lines = f.audit->read({});
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["result"] == "granted");
}

TEST_CASE("core::TokenService audits what a refused grant claimed, as unverified") {
    GrantFixture f;
    SUBCASE("refused before the client is known: an unknown kid") {
        auto out = f.request(f.sign(f.claims(), {{"kid", "nosuch"}}));
        REQUIRE(out.refusal);
        CHECK(out.audit.client_id == f.client.client_id);
        CHECK(out.audit.scopes == std::vector<std::string>{"skatt:melding"});
        CHECK(out.audit.grant_jti == "jti-1");
        CHECK_FALSE(out.audit.verified);
    }
    SUBCASE("iat skew") {
        auto out = f.request(f.sign(f.claims_with({{"iat", f.now - 100}})));
        CHECK(out.audit.code == "MP-130");
        CHECK(out.audit.client_id == f.client.client_id);
        CHECK_FALSE(out.audit.verified);
    }
    SUBCASE("refused after the grant verified: the client is verified") {
        auto out = f.request(f.sign(f.claims_with({{"scope", "skatt:les"}})));
        REQUIRE(out.refusal);
        CHECK(out.audit.client_id == f.client.client_id);
        CHECK(out.audit.verified);
    }
    SUBCASE("not even a JWT: nothing claimed") {
        auto out = f.request("garbage");
        CHECK(out.audit.client_id.empty());
    }
}

TEST_CASE("core::TokenService request form") {
    GrantFixture f;
    SUBCASE("refuses a missing grant_type") {
        refused(f.service.request(TokenForm{std::nullopt, f.sign(f.claims()), std::nullopt}, {"t"}),
                "invalid_request", "MP-011", 400, "grant_type is missing");
    }
    SUBCASE("refuses another grant_type") {
        refused(f.service.request(TokenForm{"client_credentials", f.sign(f.claims()), std::nullopt},
                                  {"t"}),
                "unsupported_grant_type", "MP-011", 400, "client_credentials");
    }
    SUBCASE("refuses a missing assertion") {
        refused(f.service.request(TokenForm{std::string(k_jwt_bearer), std::nullopt, std::nullopt},
                                  {"t"}),
                "invalid_request", "MP-011", 400, "assertion is missing");
    }
}

TEST_CASE("core::TokenService malformed assertions") {
    GrantFixture f;
    std::string good = f.sign(f.claims());
    auto dot1 = good.find('.');
    auto dot2 = good.find('.', dot1 + 1);
    SUBCASE("two parts") {
        refused(f.request(good.substr(0, dot2)), "invalid_request", "MP-011", 400, "three parts");
    }
    SUBCASE("four parts") {
        refused(f.request(good + ".x"), "invalid_request", "MP-011", 400, "three parts");
    }
    SUBCASE("padding in a part") {
        refused(f.request(good.substr(0, dot1) + "=" + good.substr(dot1)), "invalid_request",
                "MP-011", 400, "base64url");
    }
    SUBCASE("a stray character") {
        refused(f.request(good + "!"), "invalid_request", "MP-011", 400, "base64url");
    }
    SUBCASE("a header that is not JSON") {
        refused(f.request(util::base64url_encode("{nope") + good.substr(dot1)), "invalid_request",
                "MP-011", 400, "not valid JSON");
    }
    SUBCASE("a payload that is a JSON array") {
        refused(
            f.request(good.substr(0, dot1 + 1) + util::base64url_encode("[1]") + good.substr(dot2)),
            "invalid_request", "MP-011", 400, "not a JSON object");
    }
    SUBCASE("a claim twice") {
        std::string payload = R"({"iss":"a","iss":"b"})";
        refused(f.request(good.substr(0, dot1 + 1) + util::base64url_encode(payload) +
                          good.substr(dot2)),
                "invalid_request", "MP-011", 400, "\"iss\" twice");
    }
    SUBCASE("oversized") {
        refused(f.request(f.sign(f.claims_with({{"jti", std::string(20000, 'a')}}))),
                "invalid_request", "MP-011", 400, "at most 16384");
    }
}

TEST_CASE("core::TokenService header rules") {
    GrantFixture f;
    SUBCASE("alg none") {
        std::string unsigned_jwt = util::base64url_encode(R"({"alg":"none","kid":"k1"})") + "." +
                                   util::base64url_encode(f.claims().dump()) + ".AAAA";
        refused(f.request(unsigned_jwt), "invalid_grant", "MP-124", 400, "\"none\" is not allowed");
    }
    SUBCASE("alg HS256") {
        std::string jwt = util::base64url_encode(R"({"alg":"HS256","kid":"k1"})") + "." +
                          util::base64url_encode(f.claims().dump()) + ".AAAA";
        refused(f.request(jwt), "invalid_grant", "MP-124", 400, "\"HS256\" is not allowed");
    }
    SUBCASE("alg that does not fit the key") {
        auto rsa = util::Key::generate(util::KeyType::rsa);
        refused(f.request(
                    GrantFixture::sign_with(rsa, f.claims(), {{"kid", "k1"}}, util::JwsAlg::rs256)),
                "invalid_grant", "MP-124", 400, "does not fit");
    }
    for (const char* field : {"crit", "jku", "x5u", "jwk"}) {
        SUBCASE(field) {
            refused(f.request(f.sign(f.claims(), {{"kid", "k1"}, {field, "x"}})), "invalid_grant",
                    "MP-100", 400, "is not allowed");
        }
    }
    SUBCASE("an unknown header field") {
        refused(f.request(f.sign(f.claims(), {{"kid", "k1"}, {"zip", "DEF"}})), "invalid_grant",
                "MP-100", 400, "unknown JWT header \"zip\"");
    }
    SUBCASE("neither kid nor x5c") {
        refused(f.request(f.sign(f.claims(), json::object())), "invalid_grant", "MP-100", 400,
                "neither kid nor x5c");
    }
    SUBCASE("a client with keys may not use x5c instead") {
        refused(f.request(f.sign(f.claims(), {{"x5c", json::array({"AAAA"})}})), "invalid_grant",
                "MP-100", 400, "has registered keys");
    }
}

TEST_CASE("core::TokenService key and signature") {
    GrantFixture f;
    SUBCASE("an unknown kid") {
        refused(f.request(f.sign(f.claims(), {{"kid", "nope"}})), "invalid_grant", "MP-100", 400,
                "Unknown key identifier (kid) for client");
    }
    SUBCASE("an expired key") {
        f.now += 366 * 86400;
        refused(f.request(f.sign(f.claims())), "invalid_grant", "MP-121", 400, "Expired key: k1");
    }
    SUBCASE("a signature by another key") {
        auto other = util::Key::generate(util::KeyType::ec_p256);
        refused(f.request(GrantFixture::sign_with(other, f.claims(), {{"kid", "k1"}},
                                                  util::JwsAlg::es256)),
                "invalid_grant", "MP-124", 400, "does not verify");
    }
    SUBCASE("a signature of the wrong length") {
        std::string jwt = f.sign(f.claims());
        std::string short_sig = util::base64url_encode(std::string(63, '\x01'));
        refused(f.request(jwt.substr(0, jwt.rfind('.') + 1) + short_sig), "invalid_grant", "MP-124",
                400);
    }
}

TEST_CASE("core::TokenService claim rules") {
    GrantFixture f;
    SUBCASE("an unknown claim") {
        refused(f.request(f.sign(f.claims_with({{"acr", "substantial"}}))), "invalid_grant",
                "MP-100", 400, "\"acr\" is not allowed");
    }
    SUBCASE("an unknown client") {
        refused(f.request(f.sign(f.claims_with({{"iss", Uuid::random().str()}}))), "invalid_grant",
                "MP-100", 400, "unknown or inactive client");
    }
    SUBCASE("an inactive client") {
        f.store.write([&](WriteTxn& t) {
            deactivate_client(t, f.op, Uuid::parse(f.client.client_id, "id"), f.now);
        });
        refused(f.request(f.sign(f.claims())), "invalid_grant", "MP-100", 400, "inactive");
    }
    SUBCASE("a missing iss") {
        refused(f.request(f.sign(f.claims_with({{"iss", nullptr}}))), "invalid_request", "MP-011",
                400, "\"iss\" is missing");
    }
    SUBCASE("aud other than the issuer") {
        refused(f.request(f.sign(f.claims_with({{"aud", "https://mp.test/token"}}))),
                "invalid_grant", "MP-110", 400, "Invalid JWT claim aud");
    }
    SUBCASE("aud with two values") {
        refused(f.request(f.sign(
                    f.claims_with({{"aud", json::array({"https://mp.test/", "https://other/"})}}))),
                "invalid_grant", "MP-110", 400);
    }
    SUBCASE("aud missing") {
        refused(f.request(f.sign(f.claims_with({{"aud", nullptr}}))), "invalid_grant", "MP-110",
                400);
    }
    SUBCASE("aud as an array of one is accepted") {
        granted(f.request(f.sign(f.claims_with({{"aud", json::array({"https://mp.test/"})}}))));
    }
    SUBCASE("aud without the issuer's trailing slash is accepted (Altinn's guides)") {
        granted(f.request(f.sign(f.claims_with({{"aud", "https://mp.test"}}))));
        granted(f.request(f.sign(f.claims_with({{"aud", json::array({"https://mp.test"})}}))));
    }
    SUBCASE("aud with a slash too many, or a longer path, is refused") {
        refused(f.request(f.sign(f.claims_with({{"aud", "https://mp.test//"}}))), "invalid_grant",
                "MP-110", 400);
        refused(f.request(f.sign(f.claims_with({{"aud", "https://mp.test/x"}}))), "invalid_grant",
                "MP-110", 400);
        refused(f.request(f.sign(f.claims_with({{"aud", ""}}))), "invalid_grant", "MP-110", 400);
    }
    SUBCASE("under an issuer with a path, its one trailing slash is all that may differ") {
        const std::string issuer = "https://mp.test/x/";
        auto accepts = [&](const json& aud) {
            return grant_rules::audience(json{{"aud", aud}}, issuer).ok();
        };
        CHECK(accepts("https://mp.test/x/"));
        CHECK(accepts("https://mp.test/x"));
        CHECK(accepts(json::array({"https://mp.test/x"})));
        CHECK_FALSE(accepts("https://mp.test/"));
        CHECK_FALSE(accepts("https://mp.test"));
        CHECK_FALSE(accepts("https://mp.test/x//"));
        CHECK_FALSE(accepts("https://mp.test/xy"));
        CHECK_FALSE(accepts(json::array({"https://mp.test/x", "https://mp.test/x/"})));
    }
    SUBCASE("sub equal to iss is accepted (Altinn's guides)") {
        granted(f.request(f.sign(f.claims_with({{"sub", f.client.client_id}}))));
    }
    SUBCASE("sub other than iss is refused, saying why") {
        refused(f.request(f.sign(f.claims_with({{"sub", Uuid::random().str()}}))), "invalid_grant",
                "MP-100", 400, "the claim sub must be the client id, as iss is, or be left out");
    }
    SUBCASE("sub that is not a string is refused") {
        refused(f.request(f.sign(f.claims_with({{"sub", 42}}))), "invalid_request", "MP-011", 400,
                "the claim \"sub\" has the wrong type");
    }
    SUBCASE("iat more than 10 s ahead") {
        refused(f.request(f.sign(f.claims_with({{"iat", f.now + 11}, {"exp", f.now + 60}}))),
                "invalid_grant", "MP-130", 400, "Issue time is after now (iat is 11 s ahead");
    }
    SUBCASE("iat 10 s ahead is accepted") {
        granted(f.request(f.sign(f.claims_with({{"iat", f.now + 10}}))));
    }
    SUBCASE("a time past the year 9999, or before 1970 (found by fuzz_grant)") {
        for (const char* name : {"exp", "iat", "nbf"}) {
            refused(f.request(f.sign(f.claims_with({{name, 1.8e100}}))), "invalid_request",
                    "MP-011", 400, "is not a time between 1970 and 9999");
            refused(f.request(f.sign(f.claims_with({{name, -1}}))), "invalid_request", "MP-011",
                    400, "is not a time");
        }
    }
    SUBCASE("iat more than 10 s old") {
        refused(f.request(f.sign(f.claims_with({{"iat", f.now - 11}}))), "invalid_grant", "MP-130",
                400, "too old: iat is 11 s behind");
    }
    SUBCASE("exp in the past") {
        refused(f.request(f.sign(f.claims_with({{"iat", f.now - 5}, {"exp", f.now}}))),
                "invalid_grant", "MP-130", 400, "JWT is expired");
    }
    SUBCASE("exp - iat over 120") {
        refused(f.request(f.sign(f.claims_with({{"exp", f.now + 121}}))), "invalid_grant", "MP-130",
                400, "lives too long");
    }
    SUBCASE("exp - iat of 120 is accepted") {
        granted(f.request(f.sign(f.claims_with({{"exp", f.now + 120}}))));
    }
    SUBCASE("iat that is not a number") {
        refused(f.request(f.sign(f.claims_with({{"iat", "now"}}))), "invalid_request", "MP-011",
                400, "\"iat\" has the wrong type");
    }
    SUBCASE("nbf in the future") {
        refused(f.request(f.sign(f.claims_with({{"nbf", f.now + 30}}))), "invalid_grant", "MP-130",
                400, "nbf");
    }
    SUBCASE("nbf now is accepted") {
        granted(f.request(f.sign(f.claims_with({{"nbf", f.now}}))));
    }
    SUBCASE("an empty jti") {
        refused(f.request(f.sign(f.claims_with({{"jti", ""}}))), "invalid_request", "MP-011", 400,
                "jti");
    }
}

TEST_CASE("core::TokenService replay") {
    GrantFixture f;
    SUBCASE("a jti is used once") {
        json c = f.claims();
        granted(f.request(f.sign(c)));
        refused(f.request(f.sign(c)), "invalid_grant", "MP-012", 400, "Grant is used before");
    }
    SUBCASE("without jti the assertion itself is used once") {
        json c = f.claims();
        c.erase("jti");
        std::string jwt = f.sign(c);
        granted(f.request(jwt));
        refused(f.request(jwt), "invalid_grant", "MP-012", 400);
    }
    SUBCASE("the memory outlives the process") {
        json c = f.claims();
        granted(f.request(f.sign(c)));
        Store reopened = f.backend.open_registry();
        auto audit = f.backend.open_audit(reopened);
        auto memory = f.backend.open_memory(reopened, *audit);
        TokenService again(reopened, *memory, [&] { return f.now; });
        refused(again.request(TokenForm{std::string(k_jwt_bearer), f.sign(c), std::nullopt}, {"t"}),
                "invalid_grant", "MP-012", 400);
    }
    SUBCASE("of one grant sent at once from many threads, exactly one is granted") {
        std::string jwt = f.sign(f.claims());
        std::atomic<int> granted_count{0};
        std::atomic<int> replays{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 8; ++i) {
            threads.emplace_back([&] {
                auto out = f.request(jwt);
                (out.response ? granted_count : replays)++;
                if (out.refusal && out.refusal->code != "MP-012") {
                    replays += 100;  // any other refusal is a failure
                }
            });
        }
        for (auto& t : threads) {
            t.join();
        }
        CHECK(granted_count == 1);
        CHECK(replays == 7);
    }
    SUBCASE("used grants are purged once expired, in bounded batches") {
        for (int i = 0; i < 5; ++i) {
            granted(f.request(f.sign(f.claims())));
        }
        CHECK(f.memory->purge(f.now, 100) == 0);  // none has expired
        f.now += 200;
        CHECK(f.memory->purge(f.now, 2) == 2);
        CHECK(f.memory->purge(f.now, 100) == 3);
        CHECK(f.memory->purge(f.now, 100) == 0);
    }
}

TEST_CASE("core::TokenService scope rules") {
    GrantFixture f;
    SUBCASE("an empty scope") {
        refused(f.request(f.sign(f.claims_with({{"scope", "  "}}))), "invalid_scope", "MP-200", 400,
                "missing or empty");
    }
    SUBCASE("a scope not on the client") {
        refused(f.request(f.sign(f.claims_with({{"scope", "skatt:melding skatt:les"}}))),
                "invalid_scope", "MP-200", 400, "skatt:les");
    }
    SUBCASE("a scope that does not exist") {
        refused(f.request(f.sign(f.claims_with({{"scope", "no:such"}}))), "invalid_scope", "MP-200",
                400, "no:such");
    }
    SUBCASE("a deactivated scope") {
        f.store.write([&](WriteTxn& t) {
            deactivate_scope(t, f.op, ScopeName::parse("skatt:melding"), f.now);
        });
        refused(f.request(f.sign(f.claims())), "invalid_scope", "MP-200", 400, "skatt:melding");
    }
    SUBCASE("a scope no longer allowed for maskinporten") {
        ScopeUpdate u;
        u.allowed_integration_types = std::vector<std::string>{"idporten"};
        change_scope(f, "skatt:melding", u);
        refused(f.request(f.sign(f.claims())), "invalid_scope", "MP-201", 400, "skatt:melding");
    }
    SUBCASE("access revoked after the client was registered") {
        f.store.write([&](WriteTxn& t) {
            revoke_access(t, f.op, ScopeName::parse("skatt:melding"), OrgNumber::parse(k_consumer),
                          f.now);
        });
        refused(f.request(f.sign(f.claims())), "forbidden", "MP-250", 403,
                "Consumer has not been granted access to the scope skatt:melding.");
    }
    SUBCASE("scopes of different token types") {
        ScopeUpdate all;
        all.accessible_for_all = true;
        all.token_type = TokenType::opaque;
        change_scope(f, "skatt:les", all);
        ClientUpdate u;
        u.scopes = std::vector<std::string>{"skatt:melding", "skatt:les"};
        f.store.write([&](WriteTxn& t) {
            update_client(t, f.op, Uuid::parse(f.client.client_id, "id"), u, f.now);
        });
        refused(f.request(f.sign(f.claims_with({{"scope", "skatt:melding skatt:les"}}))),
                "invalid_scope", "MP-200", 400, "different token types");
    }
    SUBCASE("a scope accessible for all needs no grant") {
        ScopeUpdate all;
        all.accessible_for_all = true;
        change_scope(f, "skatt:melding", all);
        f.store.write([&](WriteTxn& t) {
            revoke_access(t, f.op, ScopeName::parse("skatt:melding"), OrgNumber::parse(k_consumer),
                          f.now);
        });
        granted(f.request(f.sign(f.claims())));
    }
}

TEST_CASE("core::TokenService lifetime, resource, opaque tokens") {
    GrantFixture f;
    SUBCASE("the smallest of the client's lifetime and the scopes' non-zero at_max_age") {
        ScopeUpdate u;
        u.at_max_age = 45;
        change_scope(f, "skatt:melding", u);
        auto out = f.request(f.sign(f.claims()));
        granted(out);
        CHECK(out.response->expires_in == 45);
        CHECK(claims(out)["exp"] == f.now + 45);
    }
    SUBCASE("at_max_age above the client's lifetime does not lengthen it") {
        ScopeUpdate u;
        u.at_max_age = 600;
        change_scope(f, "skatt:melding", u);
        CHECK(f.request(f.sign(f.claims())).response->expires_in == 120);
    }
    SUBCASE("resource becomes aud") {
        json c = f.claims();
        c["resource"] = "https://api.test/";
        auto out = f.request(f.sign(c));
        granted(out);
        CHECK(parse_jwt(out.response->access_token).claims["aud"] == "https://api.test/");
        c = f.claims();
        c["resource"] = json::array({"https://a/", "https://b/"});
        out = f.request(f.sign(c));
        granted(out);
        CHECK(claims(out)["aud"] == json::array({"https://a/", "https://b/"}));
        c = f.claims();
        c["resource"] = 5;
        refused(f.request(f.sign(c)), "invalid_request", "MP-011", 400, "resource");
    }
    SUBCASE("an OPAQUE scope gets a random reference, stored with its claims") {
        ScopeUpdate u;
        u.token_type = TokenType::opaque;
        change_scope(f, "skatt:melding", u);
        auto out = f.request(f.sign(f.claims()));
        granted(out);
        CHECK(out.response->access_token.find('.') == std::string::npos);
        auto stored =
            f.memory->opaque_claims(util::hex(util::sha256(out.response->access_token)), f.now);
        REQUIRE(stored);
        CHECK(json::parse(*stored)["client_id"] == f.client.client_id);
        CHECK_FALSE(f.memory->opaque_claims(util::hex(util::sha256(out.response->access_token)),
                                            f.now + 121));
    }
}

TEST_CASE("core::TokenService delegation") {
    GrantFixture f;
    f.store.write([&](WriteTxn& t) {
        add_delegation(t, f.consumer, ScopeName::parse("skatt:melding"),
                       OrgNumber::parse(k_consumer), OrgNumber::parse(k_supplier), f.now);
    });
    Client supplier_client = f.register_client(f.supplier, k_supplier, {"skatt:melding"});
    auto supplier_key = util::Key::generate(util::KeyType::ed25519);
    f.add_key(supplier_client.client_id, supplier_key, "s1", "EdDSA");
    auto sign = [&](const json& c) {
        return GrantFixture::sign_with(supplier_key, c, {{"kid", "s1"}}, util::JwsAlg::eddsa);
    };
    json base = f.claims(supplier_client);
    base["consumer_org"] = k_consumer;

    SUBCASE("the supplier gets a token naming consumer, supplier and delegation source") {
        auto out = f.request(sign(base));
        granted(out);
        CHECK(claims(out)["consumer"]["ID"] == "0192:910000004");
        CHECK(claims(out)["supplier"]["ID"] == "0192:920000002");
        CHECK(claims(out)["delegation_source"] == "https://altinn.test");
        CHECK(out.audit.supplier == k_supplier);
    }
    SUBCASE("without consumer_org the supplier has no access of its own") {
        json c = base;
        c.erase("consumer_org");
        refused(f.request(sign(c)), "forbidden", "MP-250", 403);
    }
    SUBCASE("a consumer that has not delegated") {
        f.store.write([&](WriteTxn& t) {
            grant_access(t, f.op, ScopeName::parse("skatt:melding"), OrgNumber::parse("930000000"),
                         f.now);
        });
        json c = base;
        c["consumer_org"] = "930000000";
        refused(f.request(sign(c)), "forbidden", "MP-251", 403,
                "Consumer 930000000 has not delegated access to the scope skatt:melding to "
                "supplier 920000002.");
    }
    SUBCASE("a consumer that lost its access") {
        f.store.write([&](WriteTxn& t) {
            revoke_access(t, f.op, ScopeName::parse("skatt:melding"), OrgNumber::parse(k_consumer),
                          f.now);
        });
        refused(f.request(sign(base)), "forbidden", "MP-250", 403);
    }
    SUBCASE("consumer_org equal to the client's own org") {
        json c = base;
        c["consumer_org"] = k_supplier;
        refused(f.request(sign(c)), "invalid_request", "MP-011", 400, "must differ");
    }
    SUBCASE("consumer_org that is not an org number") {
        json c = base;
        c["consumer_org"] = "123";
        refused(f.request(sign(c)), "invalid_request", "MP-011", 400, "consumer_org");
    }
    SUBCASE("a scope that is not delegable") {
        ScopeUpdate u;
        u.delegation_source = std::optional<std::string>();
        change_scope(f, "skatt:melding", u);
        refused(f.request(sign(base)), "invalid_scope", "MP-200", 400, "not delegable");
    }
}

TEST_CASE("core::TokenService every algorithm") {
    for (const auto& c : mpctl::test::k_all_algs) {
        std::string alg(util::to_string(c.alg));
        CAPTURE(alg);
        GrantFixture f;
        const auto& key = mpctl::test::shared_key(c.type);
        f.add_key(f.client.client_id, key, "k-" + alg, alg);
        // The server signs with the same algorithm, to cover its side too.
        f.store.write([&](WriteTxn& t) { rotate_signing_key(t, alg, f.now); });
        auto out =
            f.request(GrantFixture::sign_with(key, f.claims(), {{"kid", "k-" + alg}}, c.alg));
        granted(out);
        Jwt token = parse_jwt(out.response->access_token);
        CHECK(token.header["alg"] == alg);
        CHECK(util::jws_verify(server_key(f.store), c.alg, token.signing_input, token.signature));
    }
}

TEST_CASE("core::TokenService::check tells its own live tokens from anything else") {
    GrantFixture f;
    std::string token = f.request(f.sign(f.claims())).response->access_token;

    SUBCASE("its own token is active, with its claims") {
        auto c = f.service.check(token);
        CHECK(c.active);
        CHECK(c.claims["client_id"] == f.client.client_id);
    }
    SUBCASE("an expired token is not") {
        f.now += 121;
        auto c = f.service.check(token);
        CHECK_FALSE(c.active);
        CHECK(c.problem == "the token has expired");
    }
    SUBCASE("a token with a changed claim does not verify") {
        Jwt jwt = parse_jwt(token);
        json claims = jwt.claims;
        claims["scope"] = "idporten:scopes.write";
        std::string payload = util::base64url_encode(claims.dump());
        std::string forged =
            token.substr(0, token.find('.') + 1) + payload + token.substr(token.rfind('.'));
        CHECK(f.service.check(forged).problem == "the signature does not verify");
    }
    SUBCASE("a token signed by a key that is not ours is not") {
        auto other = util::Key::generate(util::KeyType::ec_p256);
        Jwt jwt = parse_jwt(token);
        auto c = f.service.check(sign_jwt(jwt.header, jwt.claims, other, util::JwsAlg::es256));
        CHECK_FALSE(c.active);
        CHECK(c.problem == "the signature does not verify");
        c = f.service.check(
            sign_jwt(json{{"kid", "nope"}}, jwt.claims, other, util::JwsAlg::es256));
        CHECK(c.problem == "not signed by a published signing key of this server");
    }
    SUBCASE("a token of another issuer is not, even signed by our key") {
        f.service.set_issuer("https://other.test/");
        CHECK(f.service.check(token).problem == "issued by another issuer");
    }
    SUBCASE("a token of a key rotated out stays active while the key is published") {
        f.store.write([&](WriteTxn& t) { rotate_signing_key(t, "ES256", f.now); });
        CHECK(f.service.check(token).active);
        std::string newer = f.request(f.sign(f.claims())).response->access_token;
        CHECK(parse_jwt(newer).header["kid"] != parse_jwt(token).header["kid"]);
        CHECK(f.service.check(newer).active);
    }
    SUBCASE("garbage is not") {
        CHECK_FALSE(f.service.check("").active);
        CHECK_FALSE(f.service.check("a.b.c").active);
        CHECK_FALSE(f.service.check("not-a-token").active);
    }
    SUBCASE("an opaque token is active until it expires") {
        ScopeUpdate u;
        u.token_type = TokenType::opaque;
        change_scope(f, "skatt:melding", u);
        std::string opaque = f.request(f.sign(f.claims())).response->access_token;
        CHECK(f.service.check(opaque).claims["scope"] == "skatt:melding");
        f.now += 121;
        CHECK_FALSE(f.service.check(opaque).active);
    }
}

TEST_CASE("core::TokenService::set_issuer") {
    GrantFixture f;
    f.service.set_issuer("https://served.test/");
    SUBCASE("grants must name the issuer served, not the stored one") {
        refused(f.request(f.sign(f.claims())), "invalid_grant", "MP-110", 400, "aud");
        auto out = f.request(f.sign(f.claims_with({{"aud", "https://served.test/"}})));
        granted(out);
        CHECK(claims(out)["iss"] == "https://served.test/");
    }
}
