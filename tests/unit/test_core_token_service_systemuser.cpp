// SPDX-License-Identifier: Apache-2.0
// The token service's rules for Altinn system users (authorization_details of
// type urn:altinn:systemuser) and for pid: each test breaks one rule.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/delegations.hpp"
#include "core/store/audit.hpp"
#include "core/store/records.hpp"
#include "core/systems.hpp"
#include "core/util/text.hpp"
#include "support/grant_fixture.hpp"
#include "support/token_outcome.hpp"

using namespace mpctl::core;
using mpctl::test::claims;
using mpctl::test::granted;
using mpctl::test::GrantFixture;
using mpctl::test::k_consumer;
using mpctl::test::k_other;
using mpctl::test::k_supplier;
using mpctl::test::refused;
using nlohmann::json;

namespace {

constexpr const char* k_system = "910000004_ledger";
constexpr const char* k_pid = "01019012480";      // a valid national identity number
constexpr const char* k_dnumber = "41019012393";  // a valid D-number

// The consumer of the grant fixture is the vendor: its client acts for the
// system "910000004_ledger"; k_other is a customer with a system user for it.
struct SystemUserFixture : GrantFixture {
    Actor customer = Actor::organisation(OrgNumber::parse(k_other));
    System system = store.write([&](WriteTxn& t) {
        return register_system(t, consumer,
                               SystemSpec{.id = k_system,
                                          .vendor = OrgNumber::parse(k_consumer),
                                          .name = in_every_language("Ledger"),
                                          .clients = {Uuid::parse(client.client_id, "client id")}},
                               now);
    });
    SystemUser user = add_user(std::nullopt);

    SystemUser add_user(std::optional<std::string> ref, const char* org = k_other) {
        return store.write([&](WriteTxn& t) {
            return add_systemuser(t, Actor::organisation(OrgNumber::parse(org)),
                                  SystemUserSpec{.system_id = k_system,
                                                 .customer = OrgNumber::parse(org),
                                                 .external_ref = std::move(ref)},
                                  now);
        });
    }

    // authorization_details asking for `org`'s system user, with `patch`
    // applied to its one entry.
    static json details(const char* org = k_other, const json& patch = json::object()) {
        json entry{{"type", "urn:altinn:systemuser"},
                   {"systemuser_org",
                    {{"authority", "iso6523-actorid-upis"}, {"ID", fmt::format("0192:{}", org)}}}};
        entry.merge_patch(patch);
        return json::array({entry});
    }

    TokenOutcome ask(const json& authorization_details) {
        return request(sign(claims_with({{"authorization_details", authorization_details}})));
    }
};

}  // namespace

TEST_CASE("core::TokenService system users: granted") {
    SystemUserFixture f;
    SUBCASE("the token names the customer, the system user and the system") {
        auto out = f.ask(f.details());
        granted(out);
        json c = claims(out);
        CHECK(c["authorization_details"] ==
              json::parse(fmt::format(R"([{{"type":"urn:altinn:systemuser",
                  "systemuser_org":{{"authority":"iso6523-actorid-upis","id":"0192:{}"}},
                  "systemuser_id":["{}"],"system_id":"{}"}}])",
                                      k_other, f.user.id, k_system)));
        // The consumer is the vendor, the client's own org; the rest as ever.
        CHECK(c["consumer"]["ID"] == fmt::format("0192:{}", k_consumer));
        CHECK(c["scope"] == "skatt:melding");
        CHECK_FALSE(c.contains("supplier"));
        // Introspection answers the same claims.
        auto check = f.service.check(out.response->access_token);
        REQUIRE(check.active);
        CHECK(check.claims["authorization_details"] == c["authorization_details"]);
        // The audit line records the system user and its customer.
        CHECK(out.audit.systemuser_id == f.user.id);
        CHECK(out.audit.systemuser_org == k_other);
        json line = json::parse(audit_line(out.audit));
        CHECK(line["systemuser_id"] == f.user.id);
        CHECK(line["systemuser_org"] == k_other);
    }
    SUBCASE("systemuser_org.id in lowercase, as some public examples write it") {
        json org{{"authority", "iso6523-actorid-upis"}, {"id", fmt::format("0192:{}", k_other)}};
        auto out =
            f.ask(json::array({{{"type", "urn:altinn:systemuser"}, {"systemuser_org", org}}}));
        granted(out);
        CHECK(claims(out)["authorization_details"][0]["systemuser_id"][0] == f.user.id);
    }
    SUBCASE("externalRef picks one of the customer's system users of the system") {
        SystemUser second = f.add_user("avdeling-2");
        auto out = f.ask(f.details(k_other, {{"externalRef", "avdeling-2"}}));
        granted(out);
        CHECK(claims(out)["authorization_details"][0]["systemuser_id"][0] == second.id);
        // Without externalRef: the one made without one (its ref is the org number).
        auto plain = f.ask(f.details());
        granted(plain);
        CHECK(claims(plain)["authorization_details"][0]["systemuser_id"][0] == f.user.id);
        auto by_orgno = f.ask(f.details(k_other, {{"externalRef", k_other}}));
        granted(by_orgno);
        CHECK(claims(by_orgno)["authorization_details"][0]["systemuser_id"][0] == f.user.id);
    }
    SUBCASE("a token without authorization_details has none") {
        auto out = f.request(f.sign(f.claims()));
        granted(out);
        CHECK_FALSE(claims(out).contains("authorization_details"));
        CHECK(json::parse(audit_line(out.audit)).contains("systemuser_id") == false);
    }
}

TEST_CASE("core::TokenService system users: MP-301, an unknown type") {
    SystemUserFixture f;
    SUBCASE("a long type is cut short in the message, on a character boundary") {
        auto out = f.ask(f.details(k_other, {{"type", std::string(63, 'a') + "\u00e9"}}));
        refused(out, "invalid_authorization_details", "MP-301", 400, "aaa...");
        CHECK(util::valid_utf8(out.refusal->description));
    }
    SUBCASE("another type") {
        refused(f.ask(f.details(k_other, {{"type", "urn:example:payment"}})),
                "invalid_authorization_details", "MP-301", 400,
                "\"urn:example:payment\" (this server supports only urn:altinn:systemuser)");
    }
    SUBCASE("consent, which this server does not do") {
        refused(f.ask(f.details(k_other, {{"type", "urn:altinn:consent"}})),
                "invalid_authorization_details", "MP-301", 400, "consent tokens are not supported");
    }
    SUBCASE("no type") {
        refused(f.ask(f.details(k_other, {{"type", nullptr}})), "invalid_authorization_details",
                "MP-301", 400, "an entry has no type");
    }
    SUBCASE("a type that is not a string") {
        refused(f.ask(f.details(k_other, {{"type", 7}})), "invalid_authorization_details", "MP-301",
                400, "an entry has no type");
    }
}

TEST_CASE("core::TokenService system users: MP-302, an unknown member") {
    SystemUserFixture f;
    SUBCASE("in the entry") {
        refused(f.ask(f.details(k_other, {{"locations", json::array({"https://x"})}})),
                "invalid_authorization_details", "MP-302", 400, "\"locations\"");
    }
    SUBCASE("a misspelt externalRef") {
        refused(f.ask(f.details(k_other, {{"external_ref", "a"}})), "invalid_authorization_details",
                "MP-302", 400, "\"external_ref\"");
    }
    SUBCASE("in systemuser_org") {
        refused(f.ask(f.details(k_other, {{"systemuser_org", {{"name", "x"}}}})),
                "invalid_authorization_details", "MP-302", 400, "\"name\" in systemuser_org");
    }
}

TEST_CASE("core::TokenService system users: MP-303, invalid values") {
    SystemUserFixture f;
    const char* error = "invalid_authorization_details";
    SUBCASE("an organisation number with a bad check digit") {
        refused(f.ask(f.details("930000001")), error, "MP-303", 400,
                "systemuser_org.ID: invalid organisation number \"930000001\"");
    }
    SUBCASE("an organisation number that is not 9 digits") {
        refused(f.ask(f.details("93000")), error, "MP-303", 400, "must be exactly 9 digits");
    }
    SUBCASE("an ID without the 0192 prefix") {
        json org{{"authority", "iso6523-actorid-upis"}, {"ID", k_other}};
        refused(f.ask(f.details(k_other, {{"systemuser_org", org}})), error, "MP-303", 400,
                "must be 0192:<organisation number>");
    }
    SUBCASE("the wrong authority") {
        refused(f.ask(f.details(k_other, {{"systemuser_org", {{"authority", "iso6523"}}}})), error,
                "MP-303", 400, "systemuser_org.authority must be \"iso6523-actorid-upis\"");
    }
    SUBCASE("no systemuser_org") {
        refused(f.ask(f.details(k_other, {{"systemuser_org", nullptr}})), error, "MP-303", 400,
                "systemuser_org is missing");
    }
    SUBCASE("both ID and id") {
        refused(f.ask(f.details(k_other, {{"systemuser_org", {{"id", "0192:930000000"}}}})), error,
                "MP-303", 400, "both ID and id");
    }
    SUBCASE("more than one entry") {
        json two = f.details();
        two.push_back(f.details(k_supplier)[0]);
        refused(f.ask(two), error, "MP-303", 400,
                "2 entries; a grant names exactly one customer organisation");
    }
    SUBCASE("not an array, or an empty one") {
        refused(f.ask(f.details()[0]), error, "MP-303", 400, "non-empty JSON array");
        refused(f.ask(json::array()), error, "MP-303", 400, "non-empty JSON array");
        refused(f.ask(json::array({"urn:altinn:systemuser"})), error, "MP-303", 400,
                "not a JSON object");
    }
    SUBCASE("an externalRef that is not a string, or is empty") {
        refused(f.ask(f.details(k_other, {{"externalRef", 5}})), error, "MP-303", 400,
                "externalRef is not a string");
        refused(f.ask(f.details(k_other, {{"externalRef", ""}})), error, "MP-303", 400,
                "externalRef");
    }
    SUBCASE("no active system user for this client's system and that customer") {
        refused(f.ask(f.details(k_supplier)), error, "MP-303", 400,
                "org 920000002 has no active system user for the system 910000004_ledger");
        f.store.write([&](WriteTxn& t) {
            deactivate_systemuser(t, f.customer, Uuid::parse(f.user.id, "id"), f.now);
        });
        refused(f.ask(f.details()), error, "MP-303", 400,
                "org 930000000 has no active system user for the system 910000004_ledger");
    }
    SUBCASE("externalRef matches none of them") {
        refused(f.ask(f.details(k_other, {{"externalRef", "avdeling-9"}})), error, "MP-303", 400,
                "externalRef \"avdeling-9\" matches none of org 930000000's system users");
    }
    SUBCASE("none without externalRef when each has one") {
        f.store.write([&](WriteTxn& t) {
            deactivate_systemuser(t, f.customer, Uuid::parse(f.user.id, "id"), f.now);
        });
        f.add_user("avdeling-2");
        refused(f.ask(f.details()), error, "MP-303", 400, "name one with externalRef");
    }
    SUBCASE("a client that acts for no system") {
        f.store.write([&](WriteTxn& t) { deactivate_system(t, f.op, k_system, f.now); });
        refused(f.ask(f.details()), error, "MP-303", 400,
                "acts for no active system in the system register");
    }
    SUBCASE("together with consumer_org") {
        auto grant =
            f.claims_with({{"authorization_details", f.details()}, {"consumer_org", k_supplier}});
        refused(f.request(f.sign(grant)), error, "MP-303", 400,
                "a system user cannot be combined with consumer_org");
    }
}

TEST_CASE("core::TokenService system users: only the system the customer approved") {
    SystemUserFixture f;
    // A second vendor (k_supplier) with a client of its own, in a system of its own.
    f.store.write([&](WriteTxn& t) {
        grant_access(t, f.provider, ScopeName::parse("skatt:melding"), OrgNumber::parse(k_supplier),
                     f.now);
    });
    Client other = f.register_client(f.supplier, k_supplier, {"skatt:melding"});
    f.add_key(other.client_id, f.key, "k1", "ES256");
    f.store.write([&](WriteTxn& t) {
        register_system(t, f.supplier,
                        SystemSpec{.id = "920000002_other",
                                   .vendor = OrgNumber::parse(k_supplier),
                                   .clients = {Uuid::parse(other.client_id, "client id")}},
                        f.now);
    });
    auto ask_as_other = [&] {
        json grant = f.claims(other);
        grant["authorization_details"] = f.details();
        return f.request(f.sign(grant));
    };
    SUBCASE("the customer approved the first vendor's system, not this one") {
        auto out = ask_as_other();
        refused(out, "invalid_authorization_details", "MP-303", 400,
                "org 930000000 has no active system user for the system 920000002_other");
        // Refused, it is still found by its customer.
        CHECK(out.audit.systemuser_org == k_other);
        CHECK(out.audit.systemuser_id.empty());
        CHECK(json::parse(audit_line(out.audit))["systemuser_org"] == k_other);
    }
    SUBCASE("once approved, each vendor's token names its own system and system user") {
        SystemUser approved = f.store.write([&](WriteTxn& t) {
            return add_systemuser(t, f.customer,
                                  SystemUserSpec{.system_id = "920000002_other",
                                                 .customer = OrgNumber::parse(k_other)},
                                  f.now);
        });
        auto out = ask_as_other();
        granted(out);
        CHECK(claims(out)["authorization_details"][0]["system_id"] == "920000002_other");
        CHECK(claims(out)["authorization_details"][0]["systemuser_id"][0] == approved.id);
        CHECK(claims(out)["consumer"]["ID"] == fmt::format("0192:{}", k_supplier));
        auto first = f.ask(f.details());
        granted(first);
        CHECK(claims(first)["authorization_details"][0]["systemuser_id"][0] == f.user.id);
    }
    SUBCASE("a store where a client acts for two active systems grants nothing") {
        // Only a hand-edited store can hold this: the register refuses it.
        System twin = f.system;
        twin.id = "910000004_twin";
        f.store.write([&](WriteTxn& t) {
            save(t, Table::systems, twin.id, twin);
            t.put(Table::systems_by_client, index_key(f.client.client_id, twin.id), "");
        });
        refused(f.ask(f.details()), "invalid_authorization_details", "MP-303", 400,
                "acts for more than one active system");
    }
}

TEST_CASE("core::TokenService system users: hostile authorization_details") {
    SystemUserFixture f;
    SUBCASE("nested deeper than the JSON limit: refused as malformed, as any claim") {
        std::string deep = std::string(20, '[') + std::string(20, ']');
        std::string claims = f.claims().dump();
        claims.insert(claims.size() - 1, ",\"authorization_details\":" + deep);
        auto out = f.request(
            sign_jwt_text(R"({"alg":"ES256","kid":"k1"})", claims, f.key, util::JwsAlg::es256));
        refused(out, "invalid_request", "MP-011", 400, "more than 16 deep");
    }
    SUBCASE("many entries: refused by count, without a lookup each") {
        json many = json::array();
        for (int i = 0; i < 80; ++i) {  // under the 16 KiB a grant may have
            many.push_back(f.details()[0]);
        }
        refused(f.ask(many), "invalid_authorization_details", "MP-303", 400, "80 entries");
    }
    SUBCASE("a huge externalRef is refused, not echoed") {
        std::string ref(4000, 'r');
        auto out = f.ask(f.details(k_other, {{"externalRef", ref}}));
        refused(out, "invalid_authorization_details", "MP-303", 400, "externalRef");
        CHECK(out.refusal->description.size() < 600);
    }
    SUBCASE("control characters in externalRef") {
        refused(f.ask(f.details(k_other, {{"externalRef", "a\u0000b"}})),
                "invalid_authorization_details", "MP-303", 400, "externalRef");
    }
}

TEST_CASE("core::TokenService pid") {
    SystemUserFixture f;
    auto ask = [&](const json& pid) { return f.request(f.sign(f.claims_with({{"pid", pid}}))); };
    SUBCASE("is copied into the token, and masked in the audit log") {
        auto out = ask(k_pid);
        granted(out);
        CHECK(claims(out)["pid"] == k_pid);
        json line = json::parse(audit_line(out.audit));
        CHECK(line["pid"] == "010190*****");
        CHECK(audit_line(out.audit).find(k_pid) == std::string::npos);
    }
    SUBCASE("a D-number counts as valid") {
        granted(ask(k_dnumber));
    }
    SUBCASE("goes with a system user") {
        auto out = f.request(
            f.sign(f.claims_with({{"pid", k_pid}, {"authorization_details", f.details()}})));
        granted(out);
        CHECK(claims(out)["pid"] == k_pid);
        CHECK(claims(out).contains("authorization_details"));
    }
    SUBCASE("each bad pid is MP-011 naming pid, and never echoes the number") {
        for (const char* bad :
             {"0101901248", "010190124800", "0101901248x", "01019012490", "01019012481", ""}) {
            CAPTURE(bad);
            auto out = ask(bad);
            refused(out, "invalid_request", "MP-011", 400, "pid: invalid national identity number");
            if (*bad != '\0') {
                CHECK(out.refusal->description.find(bad) == std::string::npos);
            }
        }
        refused(ask("01019012490"), "invalid_request", "MP-011", 400, "first check digit");
        refused(ask("01019012481"), "invalid_request", "MP-011", 400, "second check digit");
        refused(ask(1019012480), "invalid_request", "MP-011", 400,
                "the claim \"pid\" has the wrong type");
    }
}
