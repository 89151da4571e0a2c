// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <fstream>

#include "core/clients.hpp"
#include "core/operator.hpp"
#include "core/token/jwt.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "core/util/line_log.hpp"
#include "server/http.hpp"
#include "support/server_fixture.hpp"

using namespace mpctl;
using mpctl::test::ServerFixture;
using nlohmann::json;

namespace {

std::string grant_form(const std::string& assertion) {
    return "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" +
           assertion;
}

void token_refused(const server::Response& r, int status, const char* error, const char* code) {
    CHECK(r.status == status);
    json b = json::parse(r.body);
    CHECK(b["error"] == error);
    CHECK(b["error_uri"] == std::string("https://mp.test/errors/") + code);
    std::string trace = *r.header("X-Trace-Id");
    std::string description = b["error_description"];
    CHECK_MESSAGE(description.ends_with("(trace_id: " + trace + ")"), description);
    CHECK(*r.header("Cache-Control") == "no-store");
}

}  // namespace

TEST_CASE("server::parse_form") {
    SUBCASE("decodes + and %XX") {
        auto f = server::parse_form("a=x+y%2Fz&b=&c");
        CHECK(f["a"] == "x y/z");
        CHECK(f["b"] == "");
        CHECK(f["c"] == "");
        auto g = server::parse_form("a=%41%42+plain.run-of_text~%7e+&b=%25%2B+end%20");
        CHECK(g["a"] == "AB plain.run-of_text~~ ");
        CHECK(g["b"] == "%+ end ");
    }
    SUBCASE("refuses a bad escape, naming it") {
        CHECK_THROWS_WITH(server::parse_form("a=%G1"), doctest::Contains("\"%G1\""));
        CHECK_THROWS_WITH(server::parse_form("a=%2"), doctest::Contains("\"%2\""));
    }
    SUBCASE("refuses a name given twice") {
        CHECK_THROWS_WITH(server::parse_form("a=1&a=2"), doctest::Contains("\"a\""));
        // The first fault is the one named.
        CHECK_THROWS_WITH(server::parse_form("%zz=%yy"), doctest::Contains("\"%zz\""));
        CHECK(server::decode_form("a=%G1&b=%G2").fault->find("\"%G1\"") != std::string::npos);
    }
    SUBCASE("media types ignore parameters and case") {
        CHECK(server::has_media_type("Application/JSON; charset=utf-8", "application/json"));
        CHECK_FALSE(server::has_media_type("application/jsonx", "application/json"));
    }
}

TEST_CASE("server POST /token") {
    ServerFixture f;
    SUBCASE("issues a token, not to be cached") {
        auto r = f.post_form("/token", grant_form(f.sign(f.claims())));
        REQUIRE(r.status == 200);
        json b = json::parse(r.body);
        CHECK(b["token_type"] == "Bearer");
        CHECK(b["expires_in"] == 120);
        CHECK(b["scope"] == "skatt:melding");
        CHECK(core::parse_jwt(b["access_token"].get<std::string>()).claims["client_id"] ==
              f.client.client_id);
        CHECK(*r.header("Cache-Control") == "no-store");
        CHECK(*r.header("Pragma") == "no-cache");
    }
    SUBCASE("a refusal has error, MP error_uri and the trace id at the end") {
        auto claims = f.claims_with({{"aud", "https://elsewhere.test/"}});
        token_refused(f.post_form("/token", grant_form(f.sign(claims))), 400, "invalid_grant",
                      "MP-110");
    }
    SUBCASE("a replayed grant is refused over HTTP too") {
        std::string form = grant_form(f.sign(f.claims()));
        CHECK(f.post_form("/token", form).status == 200);
        token_refused(f.post_form("/token", form), 400, "invalid_grant", "MP-012");
    }
    SUBCASE("no access is 403 forbidden") {
        f.store.write([&](core::WriteTxn& t) {
            core::revoke_access(t, f.provider, core::ScopeName::parse("skatt:melding"),
                                core::OrgNumber::parse(test::k_consumer), f.now);
        });
        token_refused(f.post_form("/token", grant_form(f.sign(f.claims()))), 403, "forbidden",
                      "MP-250");
    }
    SUBCASE("a body that is not a form is invalid_request MP-011") {
        auto r = f.call("POST", "/token", grant_form(f.sign(f.claims())), "", "application/json");
        token_refused(r, 400, "invalid_request", "MP-011");
        CHECK(json::parse(r.body)["error_description"].get<std::string>().find(
                  "application/x-www-form-urlencoded") != std::string::npos);
    }
    SUBCASE("malformed form encoding and repeated fields are MP-011") {
        token_refused(f.post_form("/token", "grant_type=%ZZ"), 400, "invalid_request", "MP-011");
        token_refused(f.post_form("/token", grant_form("a") + "&assertion=b"), 400,
                      "invalid_request", "MP-011");
    }
    SUBCASE("a missing assertion and another grant type are refused") {
        token_refused(f.post_form("/token",
                                  "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%"
                                  "3Ajwt-bearer"),
                      400, "invalid_request", "MP-011");
        token_refused(f.post_form("/token", "grant_type=client_credentials"), 400,
                      "unsupported_grant_type", "MP-011");
    }
    SUBCASE("every request is audited, granted or refused, without the token") {
        auto r = f.post_form("/token", grant_form(f.sign(f.claims())));
        f.post_form("/token", "grant_type=%ZZ");
        auto lines = f.audit->read({});
        REQUIRE(lines.size() == 2);
        CHECK(lines[0]["result"] == "granted");
        CHECK(lines[1]["code"] == "MP-011");
        std::string token = json::parse(r.body)["access_token"];
        CHECK(lines[0].dump().find(token) == std::string::npos);
    }
    SUBCASE("GET is 405 with Allow, not to be cached either") {
        auto r = f.call("GET", "/token");
        CHECK(r.status == 405);
        CHECK(*r.header("Allow") == "POST");
        CHECK(*r.header("Cache-Control") == "no-store");
        CHECK(*r.header("Pragma") == "no-cache");
    }
}

TEST_CASE("server public endpoints") {
    ServerFixture f;
    SUBCASE("metadata names the issuer's endpoints") {
        auto r = f.call("GET", "/.well-known/oauth-authorization-server");
        REQUIRE(r.status == 200);
        json b = json::parse(r.body);
        CHECK(b["issuer"] == "https://mp.test/");
        CHECK(b["token_endpoint"] == "https://mp.test/token");
        CHECK(b["jwks_uri"] == "https://mp.test/jwk");
        CHECK(b["introspection_endpoint"] == "https://mp.test/introspect");
        CHECK(b["grant_types_supported"] == json::array({core::k_jwt_bearer}));
        CHECK(b["token_endpoint_auth_methods_supported"] == json::array({"private_key_jwt"}));
        CHECK(b["token_endpoint_auth_signing_alg_values_supported"][0] == "RS256");
        CHECK(b["authorization_details_types_supported"] == json::array({"urn:altinn:systemuser"}));
    }
    SUBCASE("metadata follows --issuer") {
        f.service.set_issuer("https://served.test/");
        CHECK(json::parse(f.call("GET", "/.well-known/oauth-authorization-server")
                              .body)["token_endpoint"] == "https://served.test/token");
    }
    SUBCASE("/jwk is the published key set, cacheable") {
        auto r = f.call("GET", "/jwk");
        REQUIRE(r.status == 200);
        json keys = json::parse(r.body)["keys"];
        REQUIRE(keys.size() == 1);
        CHECK(keys[0]["kid"] == core::active_signing_key(f.store.read()).kid);
        CHECK_FALSE(keys[0].contains("d"));
        CHECK(r.header("Cache-Control")->find("max-age") != std::string::npos);
    }
    SUBCASE("/healthz is 200 on a ready store, 503 on one not initialised") {
        CHECK(f.call("GET", "/healthz").status == 200);
        test::TempDir other;
        test::TestBackend elsewhere(other / "s");
        auto empty = elsewhere.open_registry();
        server::Services s(empty, *f.memory, f.service);
        CHECK(server::serve(server::Request{"GET", "/healthz", "", "", "", ""}, s).status == 503);
    }
    SUBCASE("/metrics counts tokens by scope, errors by code, and latency") {
        f.post_form("/token", grant_form(f.sign(f.claims())));
        f.post_form("/token", "grant_type=client_credentials");
        auto r = f.call("GET", "/metrics");
        CHECK(r.content_type.starts_with("text/plain"));
        CHECK(r.body.find("mpctl_tokens_issued_total{scope=\"skatt:melding\"} 1") !=
              std::string::npos);
        CHECK(r.body.find("mpctl_token_errors_total{error=\"unsupported_grant_type\",code=\"MP-"
                          "011\"} 1") != std::string::npos);
        CHECK(r.body.find("mpctl_http_request_duration_seconds_count{endpoint=\"token\"} 2") !=
              std::string::npos);
        CHECK(r.body.find("mpctl_http_requests_total{endpoint=\"token\",status=\"200\"} 1") !=
              std::string::npos);
    }
    SUBCASE("/metrics: the version, the start, the signing keys' age, keys due for renewal") {
        f.services.version = "9.9.9";
        f.services.started = 1'700'000'000;
        nlohmann::json soon = core::util::Key::generate(core::util::KeyType::ec_p256).public_jwk();
        soon["kid"] = "soon";
        soon["alg"] = "ES256";
        soon["use"] = "sig";
        f.store.write([&](core::WriteTxn& t) {
            core::add_client_keys(t, f.op, core::Uuid::parse(f.client.client_id, "id"), {soon},
                                  f.now, 10 * 86400);
        });
        std::string active = core::active_signing_key(f.store.read()).kid;
        f.now += 100;
        auto r = f.call("GET", "/metrics");
        auto has = [&](const std::string& line) {
            return r.body.find("\n" + line + "\n") != std::string::npos;
        };
        CHECK(has("mpctl_build_info{version=\"9.9.9\"} 1"));
        CHECK(has("process_start_time_seconds 1700000000"));
        CHECK(r.body.find("mpctl_signing_key_age_seconds{kid=\"" + active +
                          "\",state=\"active\"} ") != std::string::npos);
        // k1 lives a year: only "soon" counts.
        CHECK(has(std::string("mpctl_client_keys_expiring{org=\"") + test::k_consumer + "\"} 1"));
        // Expired, it stays due until it is replaced: its client gets MP-121.
        f.now += 11 * 86400;
        CHECK(f.call("GET", "/metrics")
                  .body.find(std::string("mpctl_client_keys_expiring{org=\"") + test::k_consumer +
                             "\"} 1") != std::string::npos);
        f.store.write([&](core::WriteTxn& t) {
            core::remove_client_key(t, f.op, core::Uuid::parse(f.client.client_id, "id"),
                                    core::Kid::parse("soon"));
        });
        CHECK(f.call("GET", "/metrics").body.find("mpctl_client_keys_expiring{") ==
              std::string::npos);
    }
    SUBCASE("an unknown path is 404 with a JSON body naming it") {
        auto r = f.call("GET", "/nope");
        CHECK(r.status == 404);
        CHECK(json::parse(r.body)["error_description"] == "no such endpoint: /nope");
    }
    SUBCASE("an unknown method is 405") {
        CHECK(f.call("BREW", "/jwk").status == 405);
    }
}

TEST_CASE("server::issuer_path") {
    CHECK(server::issuer_path("https://mp.test/") == "");
    CHECK(server::issuer_path("https://mp.test") == "");
    CHECK(server::issuer_path("https://mp.test/mp/") == "/mp");
    CHECK(server::issuer_path("http://127.0.0.1:8080/a/b/") == "/a/b");
}

TEST_CASE("server under an issuer with a path") {
    ServerFixture f;
    f.service.set_issuer("https://mp.test/mp/");
    f.services.base_path = "/mp";
    auto claims = f.claims_with({{"aud", "https://mp.test/mp/"}});
    SUBCASE("answers with the issuer's path, as a proxy passes it through") {
        CHECK(f.post_form("/mp/token", grant_form(f.sign(claims))).status == 200);
        CHECK(f.call("GET", "/mp/jwk").status == 200);
        auto r = f.call("GET", "/mp/.well-known/oauth-authorization-server");
        CHECK(json::parse(r.body)["token_endpoint"] == "https://mp.test/mp/token");
    }
    SUBCASE("and without it, as a proxy that strips it passes them") {
        CHECK(f.post_form("/token", grant_form(f.sign(claims))).status == 200);
    }
    SUBCASE("serves RFC 8414's metadata location for an issuer with a path") {
        CHECK(f.call("GET", "/.well-known/oauth-authorization-server/mp").status == 200);
        CHECK(f.call("GET", "/.well-known/oauth-authorization-server/other").status == 404);
        CHECK(f.call("GET", "/mpx/jwk").status == 404);
    }
}

TEST_CASE("server audit log file that cannot be written: no token (fail closed)") {
    // Every write to /dev/full fails as on a full disk.
    ServerFixture f(std::filesystem::temp_directory_path(), core::runtime_options(), "/dev/full");
    auto r = f.post_form("/token", grant_form(f.sign(f.claims())));
    CHECK(r.status == 503);
    CHECK(json::parse(r.body)["error"] == "temporarily_unavailable");
    CHECK(r.body.find("access_token") == std::string::npos);
    CHECK(*r.header("Cache-Control") == "no-store");
    REQUIRE(f.error_lines.size() == 1);
    CHECK(f.error_lines[0].find("No space left") != std::string::npos);
    SUBCASE("and the error log cannot be written either: still an answer") {
        auto fail = [](std::string_view) { mpctl::fail(mpctl::ErrorKind::failure, "EPIPE"); };
        f.services.error_log = fail;
        f.services.access_log = fail;
        CHECK(f.post_form("/token", grant_form(f.sign(f.claims()))).status == 503);
        CHECK(f.call("GET", "/jwk").status == 200);
    }
}

TEST_CASE("server access log that cannot be written") {
    ServerFixture f;
    f.services.access_log = [](std::string_view) {
        mpctl::fail(mpctl::ErrorKind::failure, "cannot append to \"access.log\": No space left");
    };
    auto r = f.call("GET", "/healthz");
    CHECK(r.status == 200);  // the request was handled; the answer still goes out
    REQUIRE(f.error_lines.size() == 1);
    CHECK(f.error_lines[0].find("No space left") != std::string::npos);
}

TEST_CASE("server access log") {
    ServerFixture f;
    std::string assertion = f.sign(f.claims());
    auto r = f.post_form("/token", grant_form(assertion));
    f.call("GET", "/api/v1/scopes?scope=skatt:melding", "", "secret-bearer");
    REQUIRE(f.access_lines.size() == 2);
    json line = json::parse(f.access_lines[0]);
    CHECK(line["method"] == "POST");
    CHECK(line["path"] == "/token");
    CHECK(line["status"] == 200);
    CHECK(line["trace_id"] == *r.header("X-Trace-Id"));
    // Every request has its own trace id: 32 hex digits.
    std::string second = json::parse(f.access_lines[1])["trace_id"];
    CHECK(second != line["trace_id"]);
    CHECK(second.size() == 32);
    CHECK(second.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(line.contains("duration_ms"));
    CHECK(line.contains("time"));
    std::string token = json::parse(r.body)["access_token"];
    for (const auto& l : f.access_lines) {
        CHECK(l.find(assertion) == std::string::npos);
        CHECK(l.find(token) == std::string::npos);
        CHECK(l.find("secret-bearer") == std::string::npos);
    }
    CHECK(json::parse(f.access_lines[1])["path"] == "/api/v1/scopes");
}

TEST_CASE("server POST /introspect") {
    ServerFixture f;
    // The provider owns skatt:*, and the admin scopes live under idporten.
    std::string provider = f.token_for(test::k_provider, {"idporten:scopes.write"});
    std::string other = f.token_for(test::k_supplier, {"idporten:dcr.read"});
    std::string token =
        json::parse(f.post_form("/token", grant_form(f.sign(f.claims()))).body)["access_token"];

    SUBCASE("the scope's owner sees the claims") {
        auto r = f.post_form("/introspect", "token=" + token, provider);
        REQUIRE(r.status == 200);
        json b = json::parse(r.body);
        CHECK(b["active"] == true);
        CHECK(b["client_id"] == f.client.client_id);
        CHECK(b["scope"] == "skatt:melding");
        CHECK(b["token_type"] == "Bearer");
        CHECK(b["exp"] == f.now + 120);
    }
    SUBCASE("anyone else gets active false") {
        auto r = f.post_form("/introspect", "token=" + token, other);
        CHECK(json::parse(r.body) == json{{"active", false}});
        // Every answer about a token is kept out of caches, this one too.
        CHECK(*r.header("Cache-Control") == "no-store");
        CHECK(*r.header("Pragma") == "no-cache");
        CHECK(*f.post_form("/introspect", "", provider).header("Cache-Control") == "no-store");
    }
    SUBCASE("an expired, forged or unknown token is not active") {
        CHECK(json::parse(f.post_form("/introspect", "token=garbage", provider).body) ==
              json{{"active", false}});
        std::string forged = token;
        forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
        CHECK(json::parse(f.post_form("/introspect", "token=" + forged, provider).body) ==
              json{{"active", false}});
    }
    SUBCASE("an opaque token is introspected from the token memory") {
        core::ScopeUpdate u;
        u.token_type = core::TokenType::opaque;
        f.store.write([&](core::WriteTxn& t) {
            core::update_scope(t, f.op, core::ScopeName::parse("skatt:melding"), u, f.now);
        });
        std::string opaque =
            json::parse(f.post_form("/token", grant_form(f.sign(f.claims()))).body)["access_token"];
        json b = json::parse(f.post_form("/introspect", "token=" + opaque, provider).body);
        CHECK(b["active"] == true);
        CHECK(b["consumer"]["ID"] == "0192:910000004");
    }
    SUBCASE("the caller must bring a token of this server") {
        auto r = f.post_form("/introspect", "token=" + token);
        CHECK(r.status == 401);
        CHECK(r.header("WWW-Authenticate")->starts_with("Bearer"));
        CHECK(f.post_form("/introspect", "token=" + token, "x.y.z").status == 401);
    }
    SUBCASE("the form needs a token") {
        CHECK(f.post_form("/introspect", "", provider).status == 400);
    }
}

TEST_CASE("server housekeeping purges expired used grants, a bounded batch at a time") {
    ServerFixture f;
    for (int i = 0; i < 3; ++i) {
        REQUIRE(f.post_form("/token", grant_form(f.sign(f.claims()))).status == 200);
    }
    f.now += 1000;  // every grant record has expired
    f.services.purge_expired();
    CHECK(f.memory->purge(f.now, 100) == 0);  // nothing was left to purge
}

TEST_CASE("server access log: the peer, its User-Agent and the client once known") {
    ServerFixture f;
    auto send = [&](server::Request req) {
        req.remote = "192.0.2.7";
        req.user_agent = "okdata/1.0 " + std::string(300, 'x');
        return server::serve(std::move(req), f.services);
    };
    std::string bearer = f.token_for(test::k_provider, {"idporten:scopes.write"});
    f.access_lines.clear();
    send({"POST", "/token", "application/x-www-form-urlencoded", "", grant_form(f.sign(f.claims())),
          ""});
    send({"POST", "/token", "application/x-www-form-urlencoded", "",
          grant_form(f.sign(f.claims_with({{"iss", "an-unknown-client"}}))), ""});
    send({"GET", "/api/v1/scopes", "", "Bearer " + bearer, "", ""});
    send({"GET", "/api/v1/scopes", "", "Bearer not-a-token", "", ""});
    REQUIRE(f.access_lines.size() == 4);
    std::vector<json> lines;
    for (const auto& l : f.access_lines) {
        lines.push_back(json::parse(l));
        CHECK(lines.back()["remote"] == "192.0.2.7");
        // Cut at 256 bytes, and marked as cut.
        std::string agent = lines.back()["user_agent"];
        CHECK(agent.starts_with("okdata/1.0 xxx"));
        CHECK(agent.size() < 270);
        CHECK(agent.ends_with("..."));
    }
    CHECK(lines[0]["status"] == 200);
    CHECK(lines[0]["client_id"] == f.client.client_id);
    // A grant that did not verify names no client: what it claimed is not known.
    CHECK(lines[1]["status"] == 400);
    CHECK_FALSE(lines[1].contains("client_id"));
    // The API's caller is its bearer token's client.
    CHECK(lines[2]["status"] == 200);
    CHECK(lines[2]["client_id"].get<std::string>().size() == 36);
    CHECK(lines[2]["client_id"] != f.client.client_id);
    CHECK(lines[3]["status"] == 401);
    CHECK_FALSE(lines[3].contains("client_id"));
    // The audit entries of the two token requests have them too, as cut.
    for (size_t i = 0; i < 2; ++i) {
        core::AuditFilter by_trace;
        by_trace.trace_id = lines[i]["trace_id"];
        auto entries = f.audit->read(by_trace);
        REQUIRE(entries.size() == 1);
        CHECK(entries[0]["remote"] == "192.0.2.7");
        CHECK(entries[0]["user_agent"] == lines[i]["user_agent"]);
    }
}

TEST_CASE("server audit entry: the refusal's words, the peer and its User-Agent") {
    ServerFixture f;
    server::Request req{"POST",
                        "/token",
                        "application/x-www-form-urlencoded",
                        "",
                        grant_form(f.sign(f.claims_with({{"aud", "https://elsewhere/"}}))),
                        ""};
    req.remote = "2001:db8::1";
    req.user_agent = "vtfk-maskinporten-auth/2.0";
    auto r = server::serve(std::move(req), f.services);
    REQUIRE(r.status == 400);
    auto trace = *r.header("X-Trace-Id");
    core::AuditFilter by_trace;
    by_trace.trace_id = trace;
    auto entries = f.audit->read(by_trace);
    REQUIRE(entries.size() == 1);
    const json& e = entries[0];
    CHECK(e["result"] == "refused");
    CHECK(e["code"] == "MP-110");
    // What the client was told, without the trace id the answer adds.
    std::string told = json::parse(r.body)["error_description"];
    CHECK(told == e["description"].get<std::string>() + " (trace_id: " + trace + ")");
    CHECK(e["remote"] == "2001:db8::1");
    CHECK(e["user_agent"] == "vtfk-maskinporten-auth/2.0");
    by_trace.trace_id = "0123456789abcdef0123456789abcdef";
    CHECK(f.audit->read(by_trace).empty());
}
