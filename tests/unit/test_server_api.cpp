// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "core/clients.hpp"
#include "core/delegations.hpp"
#include "core/scopes.hpp"
#include "core/util/crypto.hpp"
#include "support/server_fixture.hpp"

using namespace mpctl;
using mpctl::test::ServerFixture;
using nlohmann::json;

namespace {

constexpr const char* k_other = "930000000";  // a second provider and consumer

// Two provider orgs (skatt owned by the fixture's provider, nav by k_other),
// a delegable scope, a consumer client with a key, and a delegation.
struct ApiFixture : ServerFixture {
    std::string provider_token = token_for(test::k_provider, {"idporten:scopes.write"});
    std::string consumer_token = token_for(test::k_consumer, test::k_all_admin);
    std::string other_token = token_for(k_other, test::k_all_admin);
    std::string delegation_id;

    ApiFixture() {
        store.write([&](core::WriteTxn& t) {
            core::add_prefix(t, op, core::Prefix::parse("nav"), core::OrgNumber::parse(k_other),
                             now);
            auto hidden = spec("skatt:hemmelig");
            hidden.visibility = core::Visibility::private_;
            core::create_scope(t, provider, hidden, now);
            core::create_scope(t, provider, spec("skatt:delegert", "https://altinn.test"), now);
            core::grant_access(t, provider, core::ScopeName::parse("skatt:delegert"),
                               core::OrgNumber::parse(test::k_consumer), now);
            delegation_id =
                core::add_delegation(t, consumer, core::ScopeName::parse("skatt:delegert"),
                                     core::OrgNumber::parse(test::k_consumer),
                                     core::OrgNumber::parse(test::k_supplier), now)
                    .id;
        });
    }

    server::Response as(const std::string& token, const std::string& method,
                        const std::string& target, const json& body = nullptr) {
        return call(method, "/api/v1" + target, body.is_null() ? "" : body.dump(), token);
    }

    json public_jwk(const char* kid) {
        json jwk = core::util::Key::generate(core::util::KeyType::ec_p256).public_jwk();
        jwk["kid"] = kid;
        jwk["alg"] = "ES256";
        jwk["use"] = "sig";
        return jwk;
    }
};

void status_is(const server::Response& r, int status) {
    CHECK_MESSAGE(r.status == status, r.body);
    if (status >= 400) {
        json b = json::parse(r.body);
        CHECK_FALSE(b["error"].get<std::string>().empty());
        CHECK_FALSE(b["error_description"].get<std::string>().empty());
    }
}

}  // namespace

TEST_CASE("server /api/v1 scopes, as their provider") {
    ApiFixture f;
    const auto& t = f.provider_token;
    SUBCASE("create, read, update, deactivate; re-creating is 409") {
        auto r = f.as(t, "POST", "/scopes",
                      {{"prefix", "skatt"},
                       {"subscope", "ny"},
                       {"description", "new"},
                       {"token_type", "OPAQUE"},
                       {"at_max_age", 60}});
        status_is(r, 200);  // Digdir's status for a created scope
        json b = json::parse(r.body);
        CHECK(b["name"] == "skatt:ny");
        CHECK(b["owner_orgno"] == test::k_provider);
        CHECK(b["token_type"] == "OPAQUE");
        CHECK(b["at_max_age"] == 60);

        status_is(f.as(t, "GET", "/scopes?scope=skatt:ny"), 200);
        r = f.as(t, "PUT", "/scopes?scope=skatt:ny", {{"description", "changed"}});
        status_is(r, 200);
        CHECK(json::parse(r.body)["description"] == "changed");
        // PUT replaces: what the body leaves out goes back to its default.
        CHECK(json::parse(r.body)["token_type"] == "SELF_CONTAINED");
        CHECK(json::parse(r.body)["at_max_age"] == 0);
        r = f.as(t, "PUT", "/scopes?scope=skatt:ny", {{"token_type", "OPAQUE"}});
        status_is(r, 400);
        CHECK(json::parse(r.body)["error_description"] ==
              "field \"description\" is missing; a PUT carries the whole scope");

        r = f.as(t, "DELETE", "/scopes?scope=skatt:ny");
        status_is(r, 200);
        CHECK(json::parse(r.body)["active"] == false);
        status_is(f.as(t, "POST", "/scopes", {{"name", "skatt:ny"}, {"description", "x"}}), 409);
        // Deactivating again is no error: the scope as it is (digdirator does it).
        r = f.as(t, "DELETE", "/scopes?scope=skatt:ny");
        status_is(r, 200);
        CHECK(json::parse(r.body)["active"] == false);
    }
    SUBCASE("lists own scopes, deactivated ones only when asked") {
        f.as(t, "DELETE", "/scopes?scope=skatt:les");
        // The fixture's provider is also the operator's org, owning idporten:*.
        auto skatt = [](const json& list) {
            std::vector<std::string> names;
            for (const auto& s : list) {
                CHECK(s["owner_orgno"] == test::k_provider);
                if (s["prefix"] == "skatt") {
                    names.push_back(s["name"]);
                }
            }
            return names;
        };
        CHECK(skatt(json::parse(f.as(t, "GET", "/scopes").body)) ==
              std::vector<std::string>{"skatt:delegert", "skatt:hemmelig", "skatt:melding"});
        CHECK(skatt(json::parse(f.as(t, "GET", "/scopes?inactive=true").body)).size() == 4);
        status_is(f.as(t, "GET", "/scopes?inactive=maybe"), 400);
    }
    SUBCASE("what GET returned can be sent back with PUT") {
        json got = json::parse(f.as(t, "GET", "/scopes?scope=skatt:melding").body);
        got["description"] = "round trip";
        status_is(f.as(t, "PUT", "/scopes?scope=skatt:melding", got), 200);
    }
    SUBCASE("bad bodies get 400 naming the field") {
        auto r = f.as(t, "POST", "/scopes", {{"name", "skatt:x"}, {"descripton", "typo"}});
        status_is(r, 400);
        CHECK(r.body.find("unknown field \\\"descripton\\\"") != std::string::npos);
        r = f.as(t, "POST", "/scopes", {{"name", "skatt:x"}, {"at_max_age", "60"}});
        status_is(r, 400);
        CHECK(r.body.find("at_max_age") != std::string::npos);
        r = f.as(t, "POST", "/scopes", {{"name", "skatt:X Y"}});
        status_is(r, 400);
        r = f.as(t, "PUT", "/scopes?scope=skatt:melding", {{"name", "skatt:other"}});
        status_is(r, 400);
        status_is(f.call("POST", "/api/v1/scopes", "{\"name\":", t), 400);
        status_is(f.call("POST", "/api/v1/scopes", "{\"name\":\"a:b\",\"name\":\"a:c\"}", t), 400);
        status_is(f.call("POST", "/api/v1/scopes", "name=skatt:x", t, "text/plain"), 415);
        status_is(f.as(t, "GET", "/scopes/access"), 400);  // no ?scope
    }
    SUBCASE("access: grant, list, revoke") {
        auto r = f.as(t, "PUT", std::string("/scopes/access/") + k_other + "?scope=skatt:melding");
        status_is(r, 200);
        CHECK(json::parse(r.body)["state"] == "APPROVED");
        json list = json::parse(f.as(t, "GET", "/scopes/access?scope=skatt:melding").body);
        CHECK(list.size() == 2);
        r = f.as(t, "DELETE", std::string("/scopes/access/") + k_other + "?scope=skatt:melding");
        CHECK(json::parse(r.body)["state"] == "DENIED");
        status_is(f.as(t, "PUT", "/scopes/access/123456789?scope=skatt:melding"), 400);
        status_is(f.as(t, "PUT", "/scopes/access/910000004?scope=skatt:finnesikke"), 404);
    }
    SUBCASE("the open list and the consumer's grants") {
        json all = json::parse(f.as(f.other_token, "GET", "/scopes/all").body);
        bool hidden = false;
        for (const auto& s : all) {
            hidden = hidden || s["name"] == "skatt:hemmelig";
        }
        CHECK_FALSE(hidden);
        json mine = json::parse(f.as(f.consumer_token, "GET", "/scopes/access/all").body);
        std::vector<std::string> names;
        for (const auto& a : mine) {
            CHECK(a["consumer_orgno"] == test::k_consumer);
            names.push_back(a["scope"]);
        }
        CHECK(std::find(names.begin(), names.end(), "skatt:melding") != names.end());
    }
}

TEST_CASE("server /api/v1 clients and keys, as their org") {
    ApiFixture f;
    const auto& t = f.consumer_token;
    SUBCASE("register, read, replace, deactivate") {
        auto r = f.as(t, "POST", "/clients",
                      {{"client_name", "app"},
                       {"description", "d"},
                       {"scopes", {"skatt:melding"}},
                       {"integration_type", "maskinporten"},
                       {"token_endpoint_auth_method", "private_key_jwt"},
                       {"grant_types", {core::k_jwt_bearer}}});
        status_is(r, 200);
        json c = json::parse(r.body);
        CHECK(c["client_orgno"] == test::k_consumer);  // the caller's org by default
        CHECK(c["access_token_lifetime"] == 120);
        std::string id = c["client_id"];

        status_is(f.as(t, "GET", "/clients/" + id), 200);
        c["client_name"] = "renamed";
        c["access_token_lifetime"] = 60;
        r = f.as(t, "PUT", "/clients/" + id, c);
        status_is(r, 200);
        CHECK(json::parse(r.body)["client_name"] == "renamed");
        CHECK(json::parse(r.body)["access_token_lifetime"] == 60);
        r = f.as(t, "PUT", "/clients/" + id, {{"client_name", "bare"}});
        status_is(r, 400);  // never a silent clear of the scopes
        CHECK(json::parse(r.body)["error_description"].get<std::string>().starts_with(
            "field \"scopes\" is missing; a PUT carries the whole client"));
        r = f.as(t, "PUT", "/clients/" + id, {{"client_name", "bare"}, {"scopes", json::array()}});
        CHECK(json::parse(r.body)["scopes"] == json::array());  // PUT replaces
        CHECK(json::parse(r.body)["access_token_lifetime"] == 120);

        r = f.as(t, "DELETE", "/clients/" + id);
        status_is(r, 200);
        CHECK(json::parse(r.body)["active"] == false);
        json list = json::parse(f.as(t, "GET", "/clients").body);
        for (const auto& x : list) {
            CHECK(x["client_id"] != id);
        }
        CHECK(json::parse(f.as(t, "GET", "/clients?inactive=true").body).size() == list.size() + 1);
    }
    SUBCASE("a scope the org has no access to is refused") {
        auto r =
            f.as(t, "POST", "/clients", {{"client_name", "x"}, {"scopes", {"skatt:hemmelig"}}});
        CHECK((r.status == 403 || r.status == 400));
        CHECK(r.body.find("skatt:hemmelig") != std::string::npos);
    }
    SUBCASE("fixed fields keep their one value") {
        status_is(
            f.as(t, "POST", "/clients", {{"client_name", "x"}, {"integration_type", "idporten"}}),
            400);
        status_is(
            f.as(t, "POST", "/clients",
                 {{"client_name", "x"}, {"token_endpoint_auth_method", "client_secret_basic"}}),
            400);
        status_is(f.as(t, "POST", "/clients", {{"description", "no name"}}), 400);
        status_is(f.as(t, "GET", "/clients/not-a-uuid"), 400);
    }
    SUBCASE("key set: replace, read, remove all") {
        std::string id = f.client.client_id;
        auto r = f.as(t, "POST", "/clients/" + id + "/jwks",
                      {{"keys", {f.public_jwk("a"), f.public_jwk("b")}}});
        status_is(r, 200);
        json set = json::parse(f.as(t, "GET", "/clients/" + id + "/jwks").body);
        REQUIRE(set["keys"].size() == 2);
        CHECK(set["keys"][0]["kid"] == "a");
        CHECK(set["keys"][0]["exp"] == f.now + 365 * 86400);
        status_is(f.as(t, "PUT", "/clients/" + id + "/jwks", {{"keys", {f.public_jwk("c")}}}), 200);
        CHECK(json::parse(f.as(t, "GET", "/clients/" + id + "/jwks").body)["keys"].size() == 1);
        json priv = core::util::Key::generate(core::util::KeyType::ec_p256).private_jwk();
        priv["kid"] = "p";
        priv["alg"] = "ES256";
        priv["use"] = "sig";
        r = f.as(t, "PUT", "/clients/" + id + "/jwks", {{"keys", {priv}}});
        status_is(r, 400);
        CHECK(r.body.find("private") != std::string::npos);
        status_is(f.as(t, "PUT", "/clients/" + id + "/jwks", {{"keys", "nope"}}), 400);
        json six = json::array();
        for (const char* k : {"1", "2", "3", "4", "5", "6"}) {
            six.push_back(f.public_jwk(k));
        }
        status_is(f.as(t, "PUT", "/clients/" + id + "/jwks", {{"keys", six}}), 400);
        r = f.as(t, "DELETE", "/clients/" + id + "/jwks");
        CHECK(r.status == 200);  // Digdir's: 200, no body
        CHECK(r.body.empty());
        r = f.as(t, "GET", "/clients/" + id + "/jwks");
        CHECK(json::parse(r.body)["keys"] == json::array());
        CHECK_FALSE(json::parse(r.body).contains("created"));
    }
}

TEST_CASE("server Digdir's further self-service endpoints") {
    ApiFixture f;
    SUBCASE("GET /api/v1/prefix: the caller's prefixes only") {
        auto r = f.as(f.other_token, "GET", "/prefix");
        status_is(r, 200);
        json list = json::parse(r.body);
        REQUIRE(list.size() == 1);
        // Digdir's ScopePrefix fields.
        CHECK(list[0]["prefix"] == "nav");
        CHECK(list[0]["owner_orgno"] == k_other);
        CHECK(list[0]["active"] == true);
        CHECK(list[0]["created"].is_string());
        CHECK(list[0]["last_updated"] == list[0]["created"]);
        std::string reader = f.token_for(test::k_supplier, {"idporten:dcr.read"});
        status_is(f.as(reader, "GET", "/prefix"), 403);  // needs scopes.write
    }
    SUBCASE("DELETE /api/v1/clients/{id}/jwks/{kid}: one key") {
        const auto& t = f.consumer_token;
        std::string id = f.client.client_id;
        status_is(f.as(t, "PUT", "/clients/" + id + "/jwks",
                       {{"keys", {f.public_jwk("a"), f.public_jwk("b")}}}),
                  200);
        auto r = f.as(t, "DELETE", "/clients/" + id + "/jwks/a");
        status_is(r, 200);
        json keys = json::parse(r.body)["keys"];
        REQUIRE(keys.size() == 1);
        CHECK(keys[0]["kid"] == "b");
        status_is(f.as(t, "DELETE", "/clients/" + id + "/jwks/a"), 404);
        status_is(f.as(f.other_token, "DELETE", "/clients/" + id + "/jwks/b"), 404);
    }
    SUBCASE("POST /api/v2/clients/{id}/key: one key as text/plain, JWK or PEM") {
        std::string id = f.client.client_id;
        auto bearer = "Bearer " + f.consumer_token;
        auto post = [&](const std::string& body, const std::string& type) {
            return server::serve(
                server::Request{"POST", "/api/v2/clients/" + id + "/key", type, bearer, body, ""},
                f.services);
        };
        // The answer is the one key, as stored (Digdir's JsonWebKey): kid, exp, created.
        auto r = post(f.public_jwk("added").dump(), "text/plain");
        status_is(r, 200);
        json added = json::parse(r.body);
        CHECK(added["kid"] == "added");
        CHECK(added["exp"] == f.now + 365 * 86400);
        CHECK(added["created"] == core::util::iso8601(f.now));
        CHECK(!added.contains("keys"));
        auto key = core::util::Key::generate(core::util::KeyType::ec_p256);
        r = post(key.public_pem(), "text/plain; charset=utf-8");
        status_is(r, 200);
        CHECK(json::parse(r.body)["kid"] == key.thumbprint());  // a PEM names nothing
        CHECK(json::parse(r.body)["alg"] == "ES256");
        auto set = json::parse(f.as(f.consumer_token, "GET", "/clients/" + id + "/jwks").body);
        CHECK(set["keys"].size() == 3);  // k1 of the fixture, and two
        status_is(post(key.public_pem(), "application/x-www-form-urlencoded"), 415);
        status_is(post("not a key", "text/plain"), 400);
        // One key: a set belongs to /api/v1/clients/{id}/jwks.
        r = post(json{{"keys", {f.public_jwk("x"), f.public_jwk("y")}}}.dump(), "text/plain");
        status_is(r, 400);
        CHECK(json::parse(r.body)["error_description"].get<std::string>().find(
                  "holds 2 keys; this route adds one") != std::string::npos);
    }
    SUBCASE("GET /api/v1/delegationsources: public; the one source, mpctl as altinn") {
        auto r = f.call("GET", "/api/v1/delegationsources");  // no token, as digdirator reads it
        status_is(r, 200);
        // mpctl is where delegations live: Digdir's name for that source, this issuer.
        // What scopes name as their source (skatt:delegert names
        // "https://altinn.test"), and any org may write there, is not listed.
        json altinn = {{"name", "altinn"},
                       {"issuer", "https://mp.test/"},
                       {"created", "1970-01-01T00:00:00Z"},
                       {"last_updated", "1970-01-01T00:00:00Z"}};
        CHECK(json::parse(r.body) == json::array({altinn}));
        // A scope naming "altinn" does not make a second source of that name.
        auto spec = test::RegistryFixture::spec("skatt:narr", "altinn");
        f.store.write([&](core::WriteTxn& t) { core::create_scope(t, f.provider, spec, f.now); });
        CHECK(json::parse(f.call("GET", "/api/v1/delegationsources").body) ==
              json::array({altinn}));
    }
    SUBCASE("a route's other methods are 405 with Allow") {
        auto r = f.as(f.consumer_token, "PATCH", "/clients/" + f.client.client_id);
        status_is(r, 405);
        CHECK(json::parse(r.body)["error_description"].get<std::string>().find(
                  "takes GET, PUT, DELETE") != std::string::npos);
        REQUIRE(r.header("Allow"));
        CHECK(*r.header("Allow") == "GET, PUT, DELETE");
    }
}

TEST_CASE("server /api/v1 delegations") {
    ApiFixture f;
    const auto& t = f.consumer_token;
    json list = json::parse(f.as(t, "GET", "/delegations").body);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["supplier_orgno"] == test::k_supplier);
    // The supplier sees what it received.
    std::string supplier = f.token_for(test::k_supplier, {"idporten:dcr.read"});
    CHECK(json::parse(f.as(supplier, "GET", "/delegations").body).size() == 1);

    auto r = f.as(t, "DELETE", "/delegations/" + f.delegation_id);
    status_is(r, 200);
    CHECK(json::parse(r.body)["active"] == false);
    r = f.as(t, "POST", "/delegations", {{"scope", "skatt:delegert"}, {"supplier_orgno", k_other}});
    status_is(r, 200);
    CHECK(json::parse(r.body)["consumer_orgno"] == test::k_consumer);
    r = f.as(t, "POST", "/delegations", {{"scope", "skatt:les"}, {"supplier_orgno", k_other}});
    CHECK((r.status == 400 || r.status == 403));  // not delegable, and no access
    status_is(f.as(t, "POST", "/delegations", {{"scope", "skatt:delegert"}}), 400);
}

TEST_CASE("server /api/v1 authorization matrix: another org changes nothing") {
    ApiFixture f;
    const std::string id = f.client.client_id;
    const std::string before = f.snapshot();
    // Org k_other holds every admin scope, and acts on the provider's scopes
    // and the consumer's client, keys and delegation.
    struct Case {
        const char* method;
        std::string target;
        json body;
    };
    const std::vector<Case> cases{
        {"GET", "/scopes?scope=skatt:hemmelig", nullptr},
        {"GET", "/scopes?scope=skatt:melding", nullptr},  // PUBLIC, but not theirs
        {"PUT", "/scopes?scope=skatt:melding", {{"description", "taken"}}},
        {"DELETE", "/scopes?scope=skatt:melding", nullptr},
        {"POST", "/scopes", {{"name", "skatt:stjaalet"}}},
        {"GET", "/scopes/access?scope=skatt:melding", nullptr},
        {"PUT", std::string("/scopes/access/") + k_other + "?scope=skatt:melding", nullptr},
        {"DELETE", "/scopes/access/910000004?scope=skatt:melding", nullptr},
        {"GET", "/clients/" + id, nullptr},
        {"PUT", "/clients/" + id, {{"client_name", "taken"}, {"scopes", json::array()}}},
        {"DELETE", "/clients/" + id, nullptr},
        {"GET", "/clients/" + id + "/jwks", nullptr},
        {"POST", "/clients/" + id + "/jwks", {{"keys", {f.public_jwk("x")}}}},
        {"PUT", "/clients/" + id + "/jwks", {{"keys", {f.public_jwk("x")}}}},
        {"DELETE", "/clients/" + id + "/jwks", nullptr},
        {"POST",
         "/clients",
         {{"client_name", "x"}, {"client_orgno", test::k_consumer}, {"scopes", json::array()}}},
        {"DELETE", "/delegations/" + f.delegation_id, nullptr},
        {"POST",
         "/delegations",
         {{"scope", "skatt:delegert"},
          {"consumer_orgno", test::k_consumer},
          {"supplier_orgno", k_other}}},
    };
    for (const auto& c : cases) {
        CAPTURE(c.method);
        CAPTURE(c.target);
        auto r = f.as(f.other_token, c.method, c.target, c.body);
        CHECK_MESSAGE((r.status == 403 || r.status == 404), r.status << " " << r.body);
    }
    CHECK(f.snapshot() == before);

    SUBCASE("lists show only the caller's own") {
        CHECK(json::parse(f.as(f.other_token, "GET", "/scopes").body).empty());
        for (const auto& c : json::parse(f.as(f.other_token, "GET", "/clients").body)) {
            CHECK(c["client_orgno"] == k_other);
        }
        CHECK(json::parse(f.as(f.other_token, "GET", "/delegations").body).empty());
    }
}

TEST_CASE("server /api/v1 authentication and admin scopes") {
    ApiFixture f;
    SUBCASE("a token without the admin scope gets 403 insufficient_scope") {
        std::string plain = f.token_for(k_other, {"skatt:melding"});
        for (const char* target : {"/scopes", "/clients", "/delegations", "/scopes/access/all"}) {
            auto r = f.as(plain, "GET", target);
            status_is(r, 403);
            CHECK(json::parse(r.body)["error"] == "insufficient_scope");
        }
        // dcr.read reads but does not write; scopes.write is not dcr.
        std::string reader = f.token_for(k_other, {"idporten:dcr.read"});
        status_is(f.as(reader, "GET", "/clients"), 200);
        status_is(f.as(reader, "POST", "/clients", {{"client_name", "x"}}), 403);
        status_is(f.as(f.provider_token, "GET", "/clients"), 403);
        std::string dcr = f.token_for(test::k_consumer, {"idporten:dcr.write"});
        status_is(f.as(dcr, "GET", "/scopes"), 403);
    }
    SUBCASE("missing, malformed, expired, forged and foreign tokens get 401") {
        const std::string before = f.snapshot();
        auto unauthorized = [&](const std::string& auth) {
            server::Request req{"POST", "/api/v1/scopes",         "application/json",
                                auth,   "{\"name\":\"skatt:x\"}", ""};
            auto r = server::serve(req, f.services);
            status_is(r, 401);
            CHECK(json::parse(r.body)["error"] == "invalid_token");
            CHECK(r.header("WWW-Authenticate") != nullptr);
        };
        unauthorized("");
        unauthorized("Basic dXNlcjpwYXNz");
        unauthorized("Bearer ");
        unauthorized("Bearer not.a.token");
        std::string good = f.provider_token;
        std::string forged = good;
        forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
        unauthorized("Bearer " + forged);
        // Signed by a stranger's key under our kid.
        core::Jwt jwt = core::parse_jwt(good);
        auto stranger = core::util::Key::generate(core::util::KeyType::ec_p256);
        unauthorized("Bearer " +
                     core::sign_jwt(jwt.header, jwt.claims, stranger, core::util::JwsAlg::es256));
        // Our key, another issuer.
        f.service.set_issuer("https://other.test/");
        unauthorized("Bearer " + good);
        f.service.set_issuer("https://mp.test/");
        f.now += 3600;
        unauthorized("Bearer " + good);
        CHECK(f.snapshot() == before);
    }
    SUBCASE("unknown API paths are 404, wrong methods 405") {
        status_is(f.as(f.provider_token, "GET", "/nothing"), 404);
        status_is(f.as(f.provider_token, "PATCH", "/scopes"), 405);
        status_is(f.as(f.consumer_token, "GET", "/clients/" + f.client.client_id + "/other"), 404);
    }
}
