// SPDX-License-Identifier: Apache-2.0
// The system register through the self-service API, and a system user's
// token through /token: the whole flow of a vendor and a customer.
#include <doctest/doctest.h>

#include "core/token/jwt.hpp"
#include "core/util/text.hpp"
#include "support/server_fixture.hpp"

using namespace mpctl;
using mpctl::test::ServerFixture;
using nlohmann::json;

namespace {

constexpr const char* k_customer = "930000000";
constexpr const char* k_system = "910000004_ledger";

// The fixture's consumer (910000004) is the vendor, with its client; k_customer
// and k_supplier are customers; each holds every admin scope.
struct SystemsApi : ServerFixture {
    std::string vendor = token_for(test::k_consumer, test::k_all_admin);
    std::string customer = token_for(k_customer, test::k_all_admin);
    std::string stranger = token_for(test::k_supplier, test::k_all_admin);

    server::Response as(const std::string& token, const std::string& method,
                        const std::string& target, const json& body = nullptr) {
        return call(method, "/api/v1" + target, body.is_null() ? "" : body.dump(), token);
    }

    json ok(const server::Response& r) {
        REQUIRE_MESSAGE(r.status == 200, r.body);
        return json::parse(r.body);
    }

    json register_ledger() {
        return ok(as(vendor, "POST", "/systemregister/vendor",
                     {{"id", k_system},
                      {"vendor", {{"authority", "iso6523-actorid-upis"}, {"ID", "0192:910000004"}}},
                      {"name", {{"nb", "Hovedbok"}, {"en", "Ledger"}}},
                      {"clientId", {client.client_id}},
                      {"rights", json::array()}}));
    }

    // A token request of the vendor's client for `org`'s system user.
    server::Response token_for_customer(const char* org) {
        json details = json::array(
            {{{"type", "urn:altinn:systemuser"},
              {"systemuser_org",
               {{"authority", "iso6523-actorid-upis"}, {"ID", std::string("0192:") + org}}}}});
        std::string grant = sign(claims_with({{"authorization_details", details}}));
        return post_form("/token",
                         "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-"
                         "bearer&assertion=" +
                             grant);
    }
};

void error_is(const server::Response& r, int status, const char* says) {
    CHECK_MESSAGE(r.status == status, r.body);
    CHECK_MESSAGE(r.body.find(says) != std::string::npos, r.body);
}

}  // namespace

TEST_CASE("server a vendor, a customer and a system user's token, through the API") {
    SystemsApi f;
    // 1. The vendor registers a system with its client.
    json system = f.register_ledger();
    CHECK(system["id"] == k_system);
    CHECK(system["vendor"]["ID"] == "0192:910000004");
    CHECK(system["name"]["nb"] == "Hovedbok");
    CHECK(system["clientId"] == json::array({f.client.client_id}));
    CHECK(system["isDeleted"] == false);
    // The customer finds it offered, without the vendor's client ids.
    json offered = f.ok(f.as(f.customer, "GET", "/systemregister"));
    REQUIRE(offered.size() == 1);
    CHECK(offered[0]["id"] == k_system);
    CHECK(offered[0]["clientId"] == json::array());
    CHECK(f.ok(f.as(f.customer, "GET",
                    std::string("/systemregister/vendor/") + k_system))["clientId"] ==
          json::array());

    // 2. The customer creates a system user for it.
    json user = f.ok(f.as(f.customer, "POST", "/systemuser",
                          {{"systemId", k_system}, {"integrationTitle", "Regnskap"}}));
    CHECK(user["partyOrgNo"] == k_customer);
    CHECK(user["supplierOrgNo"] == test::k_consumer);
    CHECK(user["externalRef"] == k_customer);
    CHECK(user["integrationTitle"] == "Regnskap");
    std::string id = user["id"];
    // The vendor sees it, by its Altinn route too.
    CHECK(f.ok(f.as(f.vendor, "GET", "/systemuser"))[0]["id"] == id);
    CHECK(f.ok(f.as(f.vendor, "GET",
                    std::string("/systemuser/vendor/bysystem/") + k_system))[0]["id"] == id);
    CHECK(f.ok(f.as(f.vendor, "GET", "/systemuser/" + id))["id"] == id);

    // 3. The vendor's client gets a token for the customer.
    auto granted = f.token_for_customer(k_customer);
    REQUIRE_MESSAGE(granted.status == 200, granted.body);
    std::string token = json::parse(granted.body)["access_token"];
    json claims = core::parse_jwt(token).claims;
    CHECK(claims["consumer"]["ID"] == "0192:910000004");
    CHECK(claims["authorization_details"][0]["systemuser_org"]["id"] == "0192:930000000");
    CHECK(claims["authorization_details"][0]["systemuser_id"] == json::array({id}));
    CHECK(claims["authorization_details"][0]["system_id"] == k_system);

    // 4. Once the customer deactivates it, the next request is refused.
    json removed = f.ok(f.as(f.customer, "DELETE", "/systemuser/" + id));
    CHECK(removed["isDeleted"] == true);
    auto refused = f.token_for_customer(k_customer);
    error_is(refused, 400, "MP-303");
    CHECK(json::parse(refused.body)["error"] == "invalid_authorization_details");
    // Deactivating again changes nothing.
    CHECK(f.ok(f.as(f.customer, "DELETE", "/systemuser/" + id))["isDeleted"] == true);
}

TEST_CASE("server /api/v1 systems: the vendor's") {
    SystemsApi f;
    f.register_ledger();
    SUBCASE("a name given as one text is the name in every language") {
        json s = f.ok(f.as(f.vendor, "POST", "/systemregister/vendor",
                           {{"id", "910000004_payroll"}, {"name", "Payroll"}}));
        CHECK(s["name"] == json({{"nb", "Payroll"}, {"nn", "Payroll"}, {"en", "Payroll"}}));
        CHECK(s["clientId"] == json::array());
    }
    SUBCASE("PUT replaces; isDeleted deactivates and reactivates") {
        json s = f.ok(f.as(f.vendor, "PUT", std::string("/systemregister/vendor/") + k_system,
                           {{"clientId", json::array()}, {"isVisible", false}}));
        CHECK(s["clientId"] == json::array());
        CHECK(s["isVisible"] == false);
        CHECK(s["name"]["nb"] == "ledger");  // back to its default
        CHECK(f.ok(f.as(f.customer, "GET", "/systemregister")).empty());
        s = f.ok(f.as(f.vendor, "PUT", std::string("/systemregister/vendor/") + k_system,
                      {{"clientId", json::array()}, {"isDeleted", true}}));
        CHECK(s["isDeleted"] == true);
        s = f.ok(f.as(f.vendor, "PUT", std::string("/systemregister/vendor/") + k_system,
                      {{"clientId", {f.client.client_id}}, {"isDeleted", false}}));
        CHECK(s["isDeleted"] == false);
        CHECK(s["clientId"] == json::array({f.client.client_id}));
    }
    SUBCASE("DELETE deactivates; the system is gone for others, kept for its vendor") {
        CHECK(f.ok(f.as(f.vendor, "DELETE",
                        std::string("/systemregister/vendor/") + k_system))["isDeleted"] == true);
        error_is(f.as(f.customer, "GET", std::string("/systemregister/vendor/") + k_system), 404,
                 "does not exist");
        CHECK(f.ok(f.as(f.vendor, "GET", "/systemregister")).empty());
        CHECK(f.ok(f.as(f.vendor, "GET", "/systemregister?inactive=true")).size() == 1);
    }
    SUBCASE("bad bodies name what is wrong") {
        error_is(f.as(f.vendor, "POST", "/systemregister/vendor", {{"name", "x"}}), 400,
                 "field \\\"id\\\" is missing");
        error_is(f.as(f.vendor, "POST", "/systemregister/vendor",
                      {{"id", "910000004_x"}, {"clientid", json::array()}}),
                 400, "clientid");
        error_is(f.as(f.vendor, "POST", "/systemregister/vendor",
                      {{"id", "910000004_x"}, {"name", {{"nb", 5}}}}),
                 400, "texts by language");
        error_is(f.as(f.vendor, "POST", "/systemregister/vendor",
                      {{"id", "910000004_x"}, {"vendor", {{"ID", "910000004"}}}}),
                 400, "0192:<organisation number>");
        error_is(f.as(f.vendor, "POST", "/systemregister/vendor", {{"id", "910000004_a b"}}), 400,
                 "only A-Z a-z 0-9");
        error_is(f.as(f.vendor, "POST", "/systemregister/vendor", {{"id", k_system}}), 409,
                 "exists already");
        error_is(f.as(f.vendor, "PUT", std::string("/systemregister/vendor/") + k_system,
                      {{"name", "x"}}),
                 400, "field \\\"clientId\\\" is missing");
        error_is(f.as(f.vendor, "PUT", std::string("/systemregister/vendor/") + k_system,
                      {{"id", "910000004_other"}, {"clientId", json::array()}}),
                 400, "never changes");
    }
}

TEST_CASE("server /api/v1 systems and system users: another org changes nothing") {
    SystemsApi f;
    f.register_ledger();
    std::string id = f.ok(f.as(f.customer, "POST", "/systemuser", {{"systemId", k_system}}))["id"];
    const std::string before = f.snapshot();
    struct Case {
        const std::string& token;
        const char* method;
        std::string target;
        json body;
        int status;
    };
    const std::string path = std::string("/systemregister/vendor/") + k_system;
    const std::vector<Case> cases{
        // A stranger, and the customer, cannot touch the vendor's system.
        {f.stranger, "PUT", path, {{"clientId", json::array()}}, 403},
        {f.customer, "DELETE", path, nullptr, 403},
        {f.stranger,
         "POST",
         "/systemregister/vendor",
         {{"id", "910000004_stolen"}, {"vendor", {{"ID", "0192:910000004"}}}},
         403},
        // The stranger cannot see the system user; the vendor cannot remove
        // it or make one for its customer.
        {f.stranger, "GET", "/systemuser/" + id, nullptr, 404},
        {f.stranger, "DELETE", "/systemuser/" + id, nullptr, 404},
        {f.vendor, "DELETE", "/systemuser/" + id, nullptr, 403},
        {f.vendor,
         "POST",
         "/systemuser",
         {{"systemId", k_system}, {"partyOrgNo", k_customer}},
         403},
        // The vendor's route is the vendor's, though the system is offered to all.
        {f.stranger, "GET", std::string("/systemuser/vendor/bysystem/") + k_system, nullptr, 404},
        {f.customer, "GET", std::string("/systemuser/vendor/bysystem/") + k_system, nullptr, 404},
    };
    for (const auto& c : cases) {
        CAPTURE(c.method);
        CAPTURE(c.target);
        auto r = f.as(c.token, c.method, c.target, c.body);
        CHECK_MESSAGE(r.status == c.status, r.status << " " << r.body);
        if (r.status == 200) {
            CHECK(json::parse(r.body).empty());
        }
    }
    CHECK(f.snapshot() == before);
    CHECK(f.ok(f.as(f.stranger, "GET", "/systemuser")).empty());
    error_is(f.as(f.customer, "POST", "/systemuser", {{"systemId", k_system}}), 409,
             "give another externalRef");
    error_is(f.as(f.customer, "GET", "/systemuser/not-a-uuid"), 400, "system user id");
}

TEST_CASE("server /api/v1 systems: admin scopes") {
    SystemsApi f;
    std::string reader = f.token_for(test::k_other, {"idporten:dcr.read"});
    CHECK(f.as(reader, "GET", "/systemregister").status == 200);
    CHECK(f.as(reader, "GET", "/systemuser").status == 200);
    error_is(f.as(reader, "POST", "/systemregister/vendor", {{"id", "930000000_x"}}), 403,
             "insufficient_scope");
    error_is(f.as(reader, "POST", "/systemuser", {{"systemId", k_system}}), 403,
             "insufficient_scope");
}
