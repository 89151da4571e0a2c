// SPDX-License-Identifier: Apache-2.0
// The self-service API takes Digdir's objects as public clients send them
// (nais/digdirator, okdata-maskinporten-api, Altinn's guides), refuses what
// asks for something mpctl does not do, and answers in Digdir's shape. The
// bodies are written out as those clients serialise them, nulls included.
#include <algorithm>
#include <concepts>
#include <limits>

#include <doctest/doctest.h>

#include "core/clients.hpp"
#include "core/digdir_fields.hpp"
#include "core/scopes.hpp"
#include "core/util/crypto.hpp"
#include "server/openapi.hpp"
#include "support/server_fixture.hpp"

using namespace mpctl;
using mpctl::test::ServerFixture;
using nlohmann::json;

namespace {

struct DigdirFixture : ServerFixture {
    // The fixture's provider owns the prefix skatt; as a consumer it is granted
    // its own skatt:melding.
    std::string admin = token_for(test::k_provider, test::k_all_admin);

    DigdirFixture() {
        store.write([&](core::WriteTxn& t) {
            core::grant_access(t, provider, core::ScopeName::parse("skatt:melding"),
                               core::OrgNumber::parse(test::k_provider), now);
        });
    }

    server::Response api(const std::string& method, const std::string& target,
                         const std::string& body = "", const std::string& token = "") {
        return call(method, "/api/v1" + target, body, token.empty() ? admin : token);
    }
    template <class J>
    requires std::same_as<J, json> server::Response api(const std::string& method,
                                                        const std::string& target, const J& body) {
        return api(method, target, body.dump());
    }

    json public_jwk(const std::string& kid) {
        json jwk = core::util::Key::generate(core::util::KeyType::ec_p256).public_jwk();
        jwk["kid"] = kid;
        jwk["alg"] = "ES256";
        jwk["use"] = "sig";
        return jwk;
    }
};

json ok(const server::Response& r, int status = 200) {
    CHECK_MESSAGE(r.status == status, r.body);
    return r.body.empty() ? json() : json::parse(r.body);
}

// A 400 whose description names `field` and says `why`.
void refused(const server::Response& r, const std::string& field, const std::string& why = "") {
    CHECK_MESSAGE(r.status == 400, r.body);
    std::string d = json::parse(r.body)["error_description"];
    CHECK_MESSAGE(d.find("\"" + field + "\"") != std::string::npos, d);
    CHECK_MESSAGE(d.find(why) != std::string::npos, d);
}

// nais/digdirator's toMaskinPortenClientRegistration, as Go's encoding/json
// writes it (nil slices are null; omitempty fields left out).
const char* k_digdirator_client =
    R"({"access_token_lifetime":3600,"application_type":"web",)"
    R"("authorization_lifetime":7200,"client_name":"NAV",)"
    R"("client_uri":"https://www.nav.no",)"
    R"("description":"test:team:app",)"
    R"("frontchannel_logout_session_required":false,)"
    R"("grant_types":["urn:ietf:params:oauth:grant-type:jwt-bearer"],)"
    R"("integration_type":"maskinporten",)"
    R"("post_logout_redirect_uris":null,"redirect_uris":null,)"
    R"("refresh_token_usage":"ONETIME","scopes":["skatt:melding"],)"
    R"("sso_disabled":false,"token_endpoint_auth_method":"private_key_jwt"})";

// okdata-maskinporten-api's create_maskinporten_client, as requests' json= writes it.
const char* k_okdata_client =
    R"({"client_name": "DIG - okdata-team-skatt-melding - test", )"
    R"("description": "Skatt-klient for melding, team", "scopes": ["skatt:melding"], )"
    R"("token_endpoint_auth_method": "private_key_jwt", )"
    R"("grant_types": ["urn:ietf:params:oauth:grant-type:jwt-bearer"], )"
    R"("integration_type": "maskinporten", "application_type": "web"})";

// Altinn's guide, with the legacy fields of the old API.
const char* k_altinn_client =
    R"({"client_name": "altinnOrgRead", "client_type": "CONFIDENTIAL",)"
    R"( "description": "Client for accessing the my orgs app data",)"
    R"( "scopes": ["skatt:melding"], "token_reference": "SELF_CONTAINED"})";

// digdirator's toMaskinPortenScopeRegistration for a new scope.
std::string digdirator_scope(const std::string& subscope, bool active = true,
                             const std::string& source = "") {
    json s = json::parse(R"({"accessible_for_all":false,"active":true,)"
                         R"("allowed_integration_types":["maskinporten"],"at_max_age":30,)"
                         R"("description":"product - test:team:app","name":"","prefix":"skatt",)"
                         R"("requires_pseudonymous_tokens":false,)"
                         R"("requires_user_authentication":false,"requires_user_consent":false,)"
                         R"("subscope":"","token_type":"SELF_CONTAINED","visibility":"PUBLIC"})");
    s["subscope"] = subscope;
    s["active"] = active;
    if (!source.empty()) {
        s["delegation_source"] = source;
    }
    return s.dump();
}

}  // namespace

TEST_CASE("server Digdir's client object: what public clients send is accepted") {
    DigdirFixture f;
    SUBCASE("digdirator's POST, with its ID-porten settings echoed") {
        json c = ok(f.api("POST", "/clients", k_digdirator_client));
        CHECK(c["client_orgno"] == test::k_provider);
        CHECK(c["access_token_lifetime"] == 3600);
        CHECK(c["application_type"] == "web");
        CHECK(c["authorization_lifetime"] == 7200);
        CHECK(c["client_uri"] == "https://www.nav.no");
        CHECK(c["refresh_token_usage"] == "ONETIME");
        CHECK(c["sso_disabled"] == false);
        CHECK(c["frontchannel_logout_session_required"] == false);
        CHECK(c["redirect_uris"] == json::array());
        CHECK(c["post_logout_redirect_uris"] == json::array());
        CHECK(c["created"].get<std::string>().ends_with("Z"));  // RFC 3339, as Go reads it
        // The same from GET, and in the list digdirator matches by description.
        CHECK(ok(f.api("GET", "/clients/" + c["client_id"].get<std::string>())) == c);
        bool listed = false;
        for (const auto& x : ok(f.api("GET", "/clients"))) {
            listed = listed || (x["description"] == "test:team:app" &&
                                x["integration_type"] == "maskinporten" && x == c);
        }
        CHECK(listed);
        // digdirator's PUT of the same payload: the kept fields are replaced.
        json again = json::parse(k_digdirator_client);
        again["authorization_lifetime"] = 3600;
        again.erase("client_uri");
        json u = ok(f.api("PUT", "/clients/" + c["client_id"].get<std::string>(), again));
        CHECK(u["authorization_lifetime"] == 3600);
        CHECK(u["client_uri"] == nullptr);
    }
    SUBCASE("okdata's POST") {
        json c = ok(f.api("POST", "/clients", k_okdata_client));
        CHECK(c["client_name"] == "DIG - okdata-team-skatt-melding - test");
        CHECK(c["scopes"] == json::array({"skatt:melding"}));
        CHECK(c["active"] == true);
    }
    SUBCASE("Altinn's legacy client_type and token_reference") {
        json c = ok(f.api("POST", "/clients", k_altinn_client));
        CHECK(c["integration_type"] == "maskinporten");
        CHECK_FALSE(c.contains("client_type"));  // not in Digdir's answers today
        CHECK_FALSE(c.contains("token_reference"));
    }
    SUBCASE("null is a field not given") {
        json c = ok(f.api("POST", "/clients",
                          R"({"client_name":"n","description":null,"scopes":null,)"
                          R"("access_token_lifetime":null,"client_uri":null,"jwks":null})"));
        CHECK(c["description"] == "");
        CHECK(c["scopes"] == json::array());
        CHECK(c["access_token_lifetime"] == 120);
        refused(f.api("PUT", "/clients/" + c["client_id"].get<std::string>(),
                      R"({"client_name":"n","scopes":null})"),
                "scopes", "a PUT carries the whole client");
    }
    SUBCASE("what says nothing is accepted: empty lists, strings and key sets") {
        ok(f.api("POST", "/clients",
                 R"({"client_name":"n","redirect_uris":[],"post_logout_redirect_uris":[],)"
                 R"("frontchannel_logout_uri":"","onbehalfof":[],"client_secret":"",)"
                 R"("supplier_orgno":"","jwks":{"keys":[]},"grant_types":[],)"
                 R"("jwks_uri":"/clients/x/jwks"})"));
    }
    SUBCASE("Digdir's answer sent back as a new client: what only Digdir sets is dropped") {
        json c = ok(f.api("POST", "/clients", k_okdata_client));
        c.erase("client_id");
        c["created"] = "2021-09-15T10:20:43.354+02:00";
        json copy = ok(f.api("POST", "/clients", c));
        CHECK(copy["created"] != c["created"]);
    }
}

TEST_CASE("server Digdir's client object: what mpctl cannot do is refused, naming why") {
    DigdirFixture f;
    const std::string before = f.snapshot();
    auto post = [&](const std::string& field, const json& value) {
        json body = json::parse(k_okdata_client);
        body[field] = value;
        return f.api("POST", "/clients", body);
    };
    refused(post("integration_type", "idporten"), "integration_type",
            "mpctl serves Maskinporten clients only");
    refused(post("token_endpoint_auth_method", "client_secret_basic"), "token_endpoint_auth_method",
            "signs its grants");
    refused(post("grant_types", {"authorization_code", "refresh_token"}), "grant_types",
            "no authorization code");
    refused(post("redirect_uris", {"https://app.test/callback"}), "redirect_uris",
            "no authorization code flow");
    refused(post("post_logout_redirect_uris", {"https://app.test/out"}),
            "post_logout_redirect_uris", "none logs out");
    refused(post("frontchannel_logout_uri", "https://app.test/logout"), "frontchannel_logout_uri");
    refused(post("application_type", "native"), "application_type", "ID-porten's");
    refused(post("token_reference", "OPAQUE"), "token_reference", "the scope's token_type");
    refused(post("client_type", "PUBLIC"), "client_type");
    refused(post("client_secret", "hunter2"), "client_secret", "has no secret");
    refused(post("onbehalfof", json::array({{{"onbehalfof", "x"}}})), "onbehalfof");
    refused(post("supplier_orgno", test::k_supplier), "supplier_orgno", "delegation");
    refused(post("jwks", {{"keys", {f.public_jwk("k")}}}), "jwks", "/jwks");
    refused(post("refresh_token_usage", "SOMETIMES"), "refresh_token_usage",
            "\"ONETIME\" or \"REUSE\"");
    refused(post("code_challenge_method", "plain"), "code_challenge_method");
    refused(post("authorization_lifetime", -1), "authorization_lifetime", "0 or more");
    refused(post("sso_disabled", "no"), "sso_disabled", "true or false");
    refused(post("client_uri", "bad\ntext"), "client_uri", "control character");
    // A field that appears in no version of Digdir's API is a typo.
    refused(post("descripton", "typo"), "descripton", "unknown field");
    auto bad_id = post("client_id", "not-a-uuid");
    CHECK(bad_id.status == 400);
    CHECK(bad_id.body.find("invalid client_id \\\"not-a-uuid\\\"") != std::string::npos);
    CHECK(f.snapshot() == before);
}

TEST_CASE("server Digdir's client object: client_id and active") {
    DigdirFixture f;
    SUBCASE("what the operator deactivated, an org's PUT does not bring back") {
        json c = ok(f.api("POST", "/clients", k_okdata_client));
        std::string id = c["client_id"];
        f.store.write([&](core::WriteTxn& t) {
            core::deactivate_client(t, f.op, core::Uuid::parse(id, "id"), f.now);
        });
        c["active"] = true;
        auto r = f.api("PUT", "/clients/" + id, c);
        CHECK(r.status == 403);
        CHECK(r.body.find("only the operator may activate it") != std::string::npos);
        // Its keys may still be removed, by the org.
        CHECK(f.api("DELETE", "/clients/" + id + "/jwks").status == 200);
    }
    SUBCASE("DELETE twice: the client as it is") {
        std::string id = ok(f.api("POST", "/clients", k_okdata_client))["client_id"];
        json first = ok(f.api("DELETE", "/clients/" + id));
        f.now += 60;
        CHECK(ok(f.api("DELETE", "/clients/" + id)) == first);
    }
    SUBCASE("a client_id given on POST is the client's (Digdir lets the caller choose)") {
        std::string id = core::Uuid::random().str();
        json body = json::parse(k_okdata_client);
        body["client_id"] = id;
        CHECK(ok(f.api("POST", "/clients", body))["client_id"] == id);
        CHECK(f.api("POST", "/clients", body).status == 409);
    }
    SUBCASE("active false on POST registers it deactivated") {
        json body = json::parse(k_okdata_client);
        body["active"] = false;
        CHECK(ok(f.api("POST", "/clients", body))["active"] == false);
    }
    SUBCASE("PUT with active deactivates and reactivates; without, a deactivated one is 409") {
        json c = ok(f.api("POST", "/clients", k_okdata_client));
        std::string path = "/clients/" + c["client_id"].get<std::string>();
        c["active"] = false;
        CHECK(ok(f.api("PUT", path, c))["active"] == false);
        c.erase("active");
        auto r = f.api("PUT", path, c);
        CHECK(r.status == 409);
        CHECK(r.body.find("active: true reactivates it") != std::string::npos);
        c["active"] = true;
        CHECK(ok(f.api("PUT", path, c))["active"] == true);
    }
}

TEST_CASE("server Digdir's scope object: digdirator's life of a scope") {
    DigdirFixture f;
    SUBCASE("POST with \"name\": \"\" beside prefix and subscope") {
        json s = ok(f.api("POST", "/scopes", digdirator_scope("product:scope")));
        CHECK(s["name"] == "skatt:product:scope");
        CHECK(s["at_max_age"] == 30);
        CHECK(s["requires_user_consent"] == false);
        CHECK(s["requires_user_authentication"] == false);
        CHECK(s["requires_pseudonymous_tokens"] == false);
        CHECK(s["authorization_max_lifetime"] == 0);
        CHECK(s["delegation_source"] == nullptr);
    }
    SUBCASE("subscopes with / and : by digdirator's query (url.QueryEscape)") {
        ok(f.api("POST", "/scopes", digdirator_scope("product/data:read")));
        json s = ok(f.api("GET", "/scopes?scope=skatt%3Aproduct%2Fdata%3Aread"));
        CHECK(s["subscope"] == "product/data:read");
        ok(f.api("PUT", "/scopes?scope=skatt%3Aproduct%2Fdata%3Aread",
                 digdirator_scope("product/data:read")));
        ok(f.api("PUT", std::string("/scopes/access/") + test::k_consumer +
                            "?scope=skatt%3Aproduct%2Fdata%3Aread"));
    }
    SUBCASE("disable, disable again, enable: DELETE twice, then PUT with active true") {
        ok(f.api("POST", "/scopes", digdirator_scope("x")));
        json first = ok(f.api("DELETE", "/scopes?scope=skatt%3Ax"));
        CHECK(first["active"] == false);
        f.now += 60;
        json second = ok(f.api("DELETE", "/scopes?scope=skatt%3Ax"));
        CHECK(second == first);
        json listed = ok(f.api("GET", "/scopes?inactive=true"));
        CHECK(std::any_of(listed.begin(), listed.end(), [](const json& s) {
            return s["subscope"] == "x" && s["active"] == false;
        }));
        json back = ok(f.api("PUT", "/scopes?scope=skatt%3Ax", digdirator_scope("x")));
        CHECK(back["active"] == true);
    }
    SUBCASE("active false on POST creates it deactivated") {
        CHECK(ok(f.api("POST", "/scopes", digdirator_scope("off", false)))["active"] == false);
        CHECK(ok(f.api("PUT", "/scopes?scope=skatt:off", digdirator_scope("off")))["active"] ==
              true);  // the org deactivated it: the org brings it back
    }
    SUBCASE("what the operator deactivated, an org's PUT does not bring back") {
        ok(f.api("POST", "/scopes", digdirator_scope("ops")));
        f.store.write([&](core::WriteTxn& t) {
            core::deactivate_scope(t, f.op, core::ScopeName::parse("skatt:ops"), f.now);
        });
        auto r = f.api("PUT", "/scopes?scope=skatt:ops", digdirator_scope("ops"));
        CHECK(r.status == 403);
        CHECK(r.body.find("only the operator may activate it") != std::string::npos);
    }
    SUBCASE("PUT on a deactivated scope without active: 409 naming the way back") {
        ok(f.api("POST", "/scopes", digdirator_scope("y")));
        ok(f.api("DELETE", "/scopes?scope=skatt:y"));
        json body = json::parse(digdirator_scope("y"));
        body.erase("active");
        auto r = f.api("PUT", "/scopes?scope=skatt:y", body);
        CHECK(r.status == 409);
        CHECK(r.body.find("activate it first: \\\"active\\\": true in the API") !=
              std::string::npos);
    }
    SUBCASE("a delegable scope names its source's issuer; \"\" names none") {
        std::string issuer = ok(f.call("GET", "/api/v1/delegationsources"))[0]["issuer"];
        json s = ok(f.api("POST", "/scopes", digdirator_scope("d", true, issuer)));
        CHECK(s["delegation_source"] == issuer);
        json body = json::parse(digdirator_scope("e"));
        body["delegation_source"] = "";
        CHECK(ok(f.api("POST", "/scopes", body))["delegation_source"] == nullptr);
        CHECK(ok(f.call("GET", "/api/v1/delegationsources")).size() == 1);
    }
    SUBCASE("allowed_integration_types [] is Digdir's \"any\": maskinporten") {
        json body = json::parse(digdirator_scope("any"));
        body["allowed_integration_types"] = json::array();
        CHECK(ok(f.api("POST", "/scopes", body))["allowed_integration_types"] ==
              json::array({"maskinporten"}));
    }
    SUBCASE("GET's answer sent back with PUT, kept fields and all") {
        json body = json::parse(digdirator_scope("z"));
        body["authorization_max_lifetime"] = 600;
        json s = ok(f.api("POST", "/scopes", body));
        CHECK(s["authorization_max_lifetime"] == 600);
        s["description"] = "changed";
        json u = ok(f.api("PUT", "/scopes?scope=skatt:z", s));
        CHECK(u["description"] == "changed");
        CHECK(u["authorization_max_lifetime"] == 600);
    }
}

TEST_CASE("server Digdir's scope object: what mpctl cannot do is refused, naming why") {
    DigdirFixture f;
    const std::string before = f.snapshot();
    auto post = [&](const std::string& field, const json& value) {
        json body = json::parse(digdirator_scope("refused"));
        body[field] = value;
        return f.api("POST", "/scopes", body);
    };
    refused(post("requires_user_consent", true), "requires_user_consent", "no person logs in");
    refused(post("requires_user_authentication", true), "requires_user_authentication");
    refused(post("requires_pseudonymous_tokens", true), "requires_pseudonymous_tokens");
    refused(post("enforced_aud_for_access_token", "https://api.test"),
            "enforced_aud_for_access_token", "resource");
    refused(post("protected", true), "protected");
    refused(post("supports_european_businesses", true), "supports_european_businesses");
    refused(post("authorization_max_lifetime", 1.5), "authorization_max_lifetime");
    auto r = post("visibility", "INTERNAL");
    CHECK(r.status == 400);
    CHECK(r.body.find("INTERNAL is for Digdir's own scopes") != std::string::npos);
    refused(post("descripton", "typo"), "descripton", "unknown field");
    auto named = post("name", "skatt:other");
    CHECK(named.status == 400);
    CHECK(named.body.find("differs from prefix:subscope") != std::string::npos);
    CHECK(f.snapshot() == before);
}

TEST_CASE("server Digdir's access entries: DENIED, grants and revokes without a body") {
    DigdirFixture f;
    const std::string path =
        std::string("/scopes/access/") + test::k_consumer + "?scope=skatt%3Ales";
    // digdirator sends no body on PUT and an empty one on DELETE, both as application/json.
    CHECK(ok(f.api("PUT", path))["state"] == "APPROVED");
    json denied = ok(f.api("DELETE", path));
    CHECK(denied["state"] == "DENIED");
    CHECK(ok(f.api("DELETE", path)) == denied);  // again: the same entry
    json acl = ok(f.api("GET", "/scopes/access?scope=skatt%3Ales"));
    REQUIRE(acl.size() == 1);
    CHECK(acl[0]["state"] == "DENIED");  // still listed, as digdirator expects
    CHECK(ok(f.api("PUT", path))["state"] == "APPROVED");
}

TEST_CASE("server Digdir's key sets: exp, created, last_updated") {
    DigdirFixture f;
    std::string id = ok(f.api("POST", "/clients", k_okdata_client))["client_id"].get<std::string>();
    const std::string jwks = "/clients/" + id + "/jwks";
    SUBCASE("no keys: {\"keys\": []}") {
        CHECK(ok(f.api("GET", jwks)) == json{{"client_id", id}, {"keys", json::array()}});
    }
    SUBCASE("a key's exp is honoured, up to a year (and a day's slack) ahead") {
        json k = f.public_jwk("a");
        k["exp"] = f.now + 90 * 86400;
        json set = ok(f.api("POST", jwks, json{{"keys", {k}}}));
        CHECK(set["keys"][0]["exp"] == f.now + 90 * 86400);
        CHECK(set["keys"][0]["created"] == core::util::iso8601(f.now));
        CHECK(set["keys"][0]["last_updated"] == core::util::iso8601(f.now));
        CHECK(set["created"] == core::util::iso8601(f.now));
        CHECK(set["last_updated"] == core::util::iso8601(f.now));
        k["exp"] = f.now + 366 * 86400 + 1;
        refused(f.api("POST", jwks, json{{"keys", {k}}}), "a", "more than a year ahead");
        k["exp"] = "soon";
        refused(f.api("POST", jwks, json{{"keys", {k}}}), "a", "exp must be an integer");
        k["exp"] = std::numeric_limits<uint64_t>::max();  // no int64_t: never stored as -1
        refused(f.api("POST", jwks, json{{"keys", {k}}}), "a", "exp must be an integer");
        k["exp"] = -1;
        refused(f.api("POST", jwks, json{{"keys", {k}}}), "a", "before 1970");
        k["exp"] = nullptr;  // not given: a year
        CHECK(ok(f.api("POST", jwks, json{{"keys", {k}}}))["keys"][0]["exp"] ==
              f.now + 365 * 86400);
        k["exp"] = f.now - 60;  // a key that has expired (sent back as GET answered it)
        CHECK(ok(f.api("POST", jwks, json{{"keys", {k}}}))["keys"][0]["exp"] == f.now - 60);
    }
    SUBCASE("okdata's add: the set as GET answered it, and one new key") {
        json first = f.public_jwk("kid-1");
        first["exp"] = f.now + 30 * 86400;
        ok(f.api("POST", jwks, json{{"keys", {first}}}));
        f.now += 60;
        json listed = ok(f.api("GET", jwks))["keys"];
        json second = f.public_jwk("kid-2");
        second["exp"] = f.now + 7 * 86400;
        listed.insert(listed.begin(), second);
        json set = ok(f.api("POST", jwks, json{{"keys", listed}}));
        REQUIRE(set["keys"].size() == 2);
        json kept = set["keys"][1];
        CHECK(kept["kid"] == "kid-1");
        CHECK(kept["exp"] == f.now - 60 + 30 * 86400);  // not renewed
        CHECK(kept["created"] == core::util::iso8601(f.now - 60));
        CHECK(kept["last_updated"] == core::util::iso8601(f.now - 60));
        CHECK(set["created"] == core::util::iso8601(f.now - 60));
        CHECK(set["last_updated"] == core::util::iso8601(f.now));
    }
    SUBCASE("the set as GET answered it may be sent back as it is") {
        ok(f.api("POST", jwks, json{{"keys", {f.public_jwk("a")}}}));
        json got = ok(f.api("GET", jwks));
        REQUIRE(got.contains("created"));
        f.now += 60;
        CHECK(ok(f.api("PUT", jwks, got)) == got);  // nothing changed, times included
    }
    SUBCASE("a key binding a certificate (x5c) is refused, not dropped unchecked") {
        json k = f.public_jwk("c");
        k["x5c"] = json::array({"MIIB"});
        refused(f.api("POST", jwks, json{{"keys", {k}}}), "c", "has x5c");
    }
    SUBCASE("DELETE removes every key: 200, no body") {
        ok(f.api("POST", jwks, json{{"keys", {f.public_jwk("a")}}}));
        auto r = f.api("DELETE", jwks);
        CHECK(r.status == 200);
        CHECK(r.body.empty());
        CHECK(ok(f.api("GET", jwks))["keys"] == json::array());
    }
}

TEST_CASE("server admin tokens asked with one admin scope, as okdata asks them") {
    DigdirFixture f;
    std::string write = f.token_for(test::k_provider, {"idporten:dcr.write"});
    std::string read = f.token_for(test::k_provider, {"idporten:dcr.read"});
    json c = ok(f.api("POST", "/clients", k_okdata_client, write));
    std::string id = c["client_id"];
    ok(f.api("POST", "/clients/" + id + "/jwks", json{{"keys", {f.public_jwk("a")}}}.dump(),
             write));
    ok(f.api("GET", "/clients/" + id + "/jwks", "", read));
    ok(f.api("GET", "/clients", "", read));
    CHECK(f.api("POST", "/clients", k_okdata_client, read).status == 403);
    ok(f.api("DELETE", "/clients/" + id + "/jwks", "", write));
    ok(f.api("DELETE", "/clients/" + id, "", write));
}

TEST_CASE("server /api errors carry Digdir's ApiErrorResponse fields beside OAuth's") {
    DigdirFixture f;
    auto r = f.api("POST", "/clients", R"({"client_name":"x","descripton":"typo"})");
    CHECK(r.status == 400);
    json b = json::parse(r.body);
    CHECK(b["error"] == "invalid_request");
    // okdata reads errors[].errorMessage from a 4xx of Digdir's API.
    CHECK(b["errors"] == json::array({{{"errorMessage", b["error_description"]}}}));
    CHECK(b["status"] == 400);
    CHECK(b["correlation_id"] == b["trace_id"]);
    CHECK(b["timestamp"] == core::util::iso8601(f.now));
    // The token endpoint keeps OAuth's shape alone.
    auto t = f.post_form("/token", "grant_type=nope");
    CHECK(t.status == 400);
    CHECK_FALSE(json::parse(t.body).contains("errors"));
}

// The list of fields is one thing in three places: the server's tables
// (core/digdir_fields.hpp and what the handlers read), the OpenAPI
// description, and docs/http-api.md (held to the description by
// tests/cli/test_docs.py).
TEST_CASE("server Digdir's fields: the OpenAPI bodies and the server know the same ones") {
    DigdirFixture f;
    json doc = json::parse(server::openapi_text());
    const json& schemas = doc.at("components").at("schemas");
    auto properties = [&](const char* schema) {
        std::vector<std::string> names;
        for (const auto& [name, _] : schemas.at(schema).at("properties").items()) {
            names.push_back(name);
        }
        return names;
    };
    struct Body {
        const char* schema;
        const std::vector<core::DigdirField>& table;
        std::string method;
        std::string target;
        json base;
    };
    std::string client_id =
        ok(f.api("POST", "/clients", k_okdata_client))["client_id"].get<std::string>();
    ok(f.api("POST", "/scopes", digdirator_scope("fields")));
    const json scope_base = {{"prefix", "skatt"}, {"subscope", "fields"}, {"description", "d"}};
    const std::vector<Body> bodies{
        {"ClientCreate", core::client_digdir_fields(), "POST", "/clients", {{"client_name", "x"}}},
        {"ClientReplace",
         core::client_digdir_fields(),
         "PUT",
         "/clients/" + client_id,
         {{"client_name", "x"}, {"scopes", json::array()}}},
        {"ScopeCreate", core::scope_digdir_fields(), "POST", "/scopes", scope_base},
        {"ScopeReplace", core::scope_digdir_fields(), "PUT", "/scopes?scope=skatt:fields",
         scope_base},
    };
    for (const auto& b : bodies) {
        CAPTURE(b.schema);
        auto documented = properties(b.schema);
        for (const auto& field : b.table) {
            CAPTURE(field.name);
            CHECK(std::find(documented.begin(), documented.end(), field.name) != documented.end());
        }
        // Every documented field is one the server reads and type-checks: sent
        // with a value of no type it takes, it is refused for its value, by
        // name, never as unknown.
        for (const auto& name : documented) {
            CAPTURE(name);
            json body = b.base;
            body[name] = json{{"no such", "value"}};
            if (name == "jwks") {
                body[name] = json::array();  // the one field that is an object
            }
            auto r = f.api(b.method, b.target, body);
            CHECK_MESSAGE(r.status == 400, r.body);
            CHECK(r.body.find("unknown field") == std::string::npos);
            CHECK(r.body.find(name) != std::string::npos);
        }
    }
}
