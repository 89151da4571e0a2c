// SPDX-License-Identifier: Apache-2.0
// Registry files (docs/apply.md): the wanted state read, and each refusal
// naming the file, the entry and the field.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "core/registry_file.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "core/util/yaml.hpp"
#include "support/error_kind.hpp"

using namespace mpctl::core;
using nlohmann::json;

namespace {

// Key files by name, as the CLI's loader would read them.
struct Keys {
    std::map<std::string, json> files;
    KeyLoader loader() const {
        return [this](const std::string& path) -> std::vector<json> {
            auto it = files.find(path);
            if (it == files.end()) {
                mpctl::fail(mpctl::ErrorKind::failure,
                            "cannot read \"" + path + "\": No such file or directory");
            }
            return {it->second};
        };
    }
};

DesiredRegistry read(const std::string& yaml, const Keys& keys = {}) {
    return parse_registry(parse_yaml(yaml, "registry.yaml"), "registry.yaml", keys.loader());
}

std::string refusal(const std::string& yaml, const Keys& keys = {}) {
    try {
        read(yaml, keys);
    } catch (const mpctl::Error& e) {
        CHECK(e.kind() == mpctl::ErrorKind::invalid_input);
        return e.what();
    }
    FAIL("not refused: " << yaml);
    return "";
}

}  // namespace

TEST_CASE("core::parse_registry reads every part") {
    Keys keys;
    json pub = util::Key::generate(util::KeyType::ec_p256).public_jwk();
    keys.files["keys/orders-reader.pub.pem"] = pub;
    auto inline_key = util::Key::generate(util::KeyType::ed25519).public_jwk();
    inline_key["kid"] = "inline-1";
    inline_key["exp"] = 1'900'000'000;
    auto r = read(
        "orgs: [\"910753614\"]\n"
        "prefixes:\n"
        "  - {prefix: acme, owner: 910753614}\n"
        "scopes:\n"
        "  - name: acme:orders.read\n"
        "    description: Read orders\n"
        "    visibility: PUBLIC\n"
        "    token_type: OPAQUE\n"
        "    at_max_age: 300\n"
        "    accessible_for_all: false\n"
        "    delegation_source: null\n"
        "    allowed_integration_types: [maskinporten]\n"
        "    access: [\"974761076\", 920000002]\n"
        "  - {name: acme:deleg, delegation_source: https://altinn.test}\n"
        "clients:\n"
        "  - org: \"974761076\"\n"
        "    name: orders-reader\n"
        "    scopes: [acme:orders.read, acme:deleg]\n"
        "    access_token_lifetime: 60\n"
        "    keys: [keys/orders-reader.pub.pem, " +
            inline_key.dump() +
            "]\n"
            "delegations:\n"
            "  - {scope: acme:deleg, consumer: \"974761076\", supplier: \"999888771\"}\n",
        keys);
    CHECK(r.file == "registry.yaml");
    REQUIRE(r.orgs.size() == 1);
    CHECK(r.orgs[0].str() == "910753614");
    REQUIRE(r.prefixes->size() == 1);
    CHECK((*r.prefixes)[0].owner.str() == "910753614");
    CHECK((*r.prefixes)[0].ref.describe() == "registry.yaml: prefixes[1] (acme)");
    REQUIRE(r.scopes->size() == 2);
    const auto& s = (*r.scopes)[0];
    CHECK(s.ref.entry == "scopes[1] (acme:orders.read)");
    CHECK(*s.fields.description == "Read orders");
    CHECK(*s.fields.visibility == Visibility::public_);
    CHECK(*s.fields.token_type == TokenType::opaque);
    CHECK(*s.fields.at_max_age == 300);
    CHECK(s.fields.delegation_source.has_value());
    CHECK_FALSE(s.fields.delegation_source->has_value());
    CHECK(*s.access == std::vector<std::string>{"920000002", "974761076"});  // sorted
    const auto& s2 = (*r.scopes)[1];
    CHECK_FALSE(s2.fields.description);
    CHECK_FALSE(s2.access);
    CHECK(**s2.fields.delegation_source == "https://altinn.test");
    REQUIRE(r.clients->size() == 1);
    const auto& c = (*r.clients)[0];
    CHECK(c.id() == "974761076/orders-reader");
    CHECK(c.ref.entry == "clients[1] (974761076/orders-reader)");
    CHECK(*c.scopes == std::vector<std::string>{"acme:deleg", "acme:orders.read"});
    CHECK(*c.access_token_lifetime == 60);
    CHECK_FALSE(c.description);
    REQUIRE(c.keys->size() == 2);
    // A key file's key completed as `client keys add` does it.
    CHECK((*c.keys)[0].kid() == util::Key::from_jwk(pub).thumbprint());
    CHECK((*c.keys)[0].jwk["alg"] == "ES256");
    CHECK((*c.keys)[0].jwk["use"] == "sig");
    CHECK_FALSE((*c.keys)[0].exp);
    CHECK((*c.keys)[1].kid() == "inline-1");
    CHECK(*(*c.keys)[1].exp == 1'900'000'000);
    CHECK_FALSE((*c.keys)[1].jwk.contains("exp"));
    REQUIRE(r.delegations->size() == 1);
    CHECK((*r.delegations)[0].supplier.str() == "999888771");
    CHECK((*r.delegations)[0].ref.entry == "delegations[1] (acme:deleg 974761076 999888771)");
}

TEST_CASE("core::parse_registry reads systems and system users") {
    auto r = read(
        "systems:\n"
        "  - id: 974761076_payroll\n"
        "    name: Payroll\n"
        "    description: {nb: Lønn, en: Payroll}\n"
        "    clients: [agent, 11111111-1111-4111-8111-111111111111]\n"
        "    visible: false\n"
        "  - {id: 974761076_bare}\n"
        "systemusers:\n"
        "  - {system: 974761076_payroll, customer: 920000002}\n"
        "  - {system: 974761076_payroll, customer: \"920000002\", external_ref: dept-2}\n");
    REQUIRE(r.systems->size() == 2);
    const auto& s = (*r.systems)[0];
    CHECK(s.vendor.str() == "974761076");
    CHECK(*s.name == in_every_language("Payroll"));
    CHECK(*s.description == Texts{{"en", "Payroll"}, {"nb", "Lønn"}});
    CHECK(*s.clients == std::vector<std::string>{"agent", "11111111-1111-4111-8111-111111111111"});
    CHECK(*s.visible == false);
    CHECK(s.ref.entry == "systems[1] (974761076_payroll)");
    const auto& bare = (*r.systems)[1];
    CHECK_FALSE(bare.name);
    CHECK_FALSE(bare.clients);
    CHECK_FALSE(bare.visible);
    REQUIRE(r.systemusers->size() == 2);
    CHECK((*r.systemusers)[0].external_ref == "920000002");  // the customer's, by default
    CHECK((*r.systemusers)[0].id() == "974761076_payroll 920000002");
    CHECK((*r.systemusers)[1].id() == "974761076_payroll 920000002 dept-2");
    CHECK((*r.systemusers)[1].ref.entry == "systemusers[2] (974761076_payroll 920000002)");
}

TEST_CASE("core::parse_registry refuses a system or system user, naming the field") {
    CHECK(refusal("systems:\n  - {id: payroll}\n")
              .starts_with("registry.yaml: systems[1] (payroll): id: \"payroll\" must be a "
                           "system id, <vendor orgno>_<name>: "));
    CHECK(refusal("systems:\n  - {id: 974761076_pay roll}\n") ==
          "registry.yaml: systems[1] (974761076_pay roll): id: invalid system id \"974761076_pay "
          "roll\": the name may hold only A-Z a-z 0-9 . _ -");
    CHECK(refusal("systems:\n  - {id: 974761076_x, name: {de: Hallo}}\n") ==
          "registry.yaml: systems[1] (974761076_x): name: invalid name language \"de\": use nb, "
          "nn or en");
    CHECK(refusal("systems:\n  - {id: 974761076_x, name: [a]}\n")
              .starts_with("registry.yaml: systems[1] (974761076_x): name: must be a text, or "
                           "texts by language"));
    CHECK(refusal("systems:\n  - {id: 974761076_x, name: {}}\n") ==
          "registry.yaml: systems[1] (974761076_x): name: must be a text in at least one "
          "language (nb, nn, en)");
    CHECK(refusal("systems:\n  - {id: 974761076_x, name: \"\"}\n")
              .starts_with("registry.yaml: systems[1] (974761076_x): name: "));
    CHECK(read("systems:\n  - {id: 974761076_x, description: {}}\n").systems->at(0).description ==
          Texts{});
    CHECK(refusal("systems:\n  - {id: 974761076_x, name: {nb: 1}}\n") ==
          "registry.yaml: systems[1] (974761076_x): name: must be a string, not 1");
    CHECK(refusal("systems:\n  - {id: 974761076_x, name: \"two\\nlines\"}\n")
              .starts_with("registry.yaml: systems[1] (974761076_x): name: "));
    CHECK(refusal("systems:\n  - {id: 974761076_x, clients: [a, a]}\n") ==
          "registry.yaml: systems[1] (974761076_x): clients: \"a\" is listed twice");
    CHECK(refusal("systems:\n  - {id: 974761076_x, visible: 1}\n") ==
          "registry.yaml: systems[1] (974761076_x): visible: must be true or false, not 1");
    CHECK(refusal("systems:\n  - {id: 974761076_x, client: []}\n") ==
          "registry.yaml: systems[1] (974761076_x): unknown field \"client\" (did you mean "
          "\"clients\"?)");
    CHECK(refusal("systems:\n  - {id: 974761076_x}\n  - {id: 974761076_x}\n") ==
          "registry.yaml: systems[2] (974761076_x): the same system as systems[1] (974761076_x)");
    CHECK(refusal("systemusers:\n  - {system: 974761076_x}\n") ==
          "registry.yaml: systemusers[1] (974761076_x ?): customer: missing (required)");
    CHECK(refusal("systemusers:\n  - {system: 974761076_x, customer: 920000002, external_ref: "
                  "\"\"}\n")
              .starts_with("registry.yaml: systemusers[1] (974761076_x 920000002): "
                           "external_ref: "));
    CHECK(refusal("systemusers:\n  - {system: 974761076_x, customer: 920000002}\n"
                  "  - {system: 974761076_x, customer: 920000002, external_ref: "
                  "\"920000002\"}\n") ==
          "registry.yaml: systemusers[2] (974761076_x 920000002): the same system user as "
          "systemusers[1] (974761076_x 920000002)");
}

TEST_CASE("core::parse_registry: a kind left out is unset, an empty one declared") {
    auto r = read("clients: []\nscopes:\n");
    CHECK_FALSE(r.prefixes);
    CHECK_FALSE(r.delegations);
    CHECK(r.clients->empty());
    CHECK(r.scopes->empty());
    CHECK(read("{}").orgs.empty());
}

TEST_CASE("core::parse_registry refuses, naming file, entry and field") {
    const std::string client = "clients:\n  - org: \"974761076\"\n    name: orders-reader\n";
    SUBCASE("unknown fields, with the closest known one") {
        CHECK(refusal(client + "    scope: [acme:x]\n") ==
              "registry.yaml: clients[1] (974761076/orders-reader): unknown field \"scope\" "
              "(did you mean \"scopes\"?)");
        CHECK(refusal(client + "    colour: blue\n") ==
              "registry.yaml: clients[1] (974761076/orders-reader): unknown field \"colour\" "
              "(known: org, name, description, scopes, access_token_lifetime, keys)");
        CHECK(refusal("client: []\n") ==
              "registry.yaml: the file: unknown field \"client\" (did you mean \"clients\"?)");
        CHECK(refusal("scopes:\n  - {name: acme:x, descripton: d}\n") ==
              "registry.yaml: scopes[1] (acme:x): unknown field \"descripton\" (did you mean "
              "\"description\"?)");
        CHECK(refusal("delegations:\n  - {scope: acme:x, consumer: 974761076, supplier: "
                      "999888771, suplier: 1}\n")
                  .starts_with("registry.yaml: delegations[1] (acme:x 974761076 999888771): "
                               "unknown field \"suplier\""));
    }
    SUBCASE("organisation numbers, quoted or not") {
        CHECK(refusal("clients:\n  - {org: \"12345\", name: a}\n")
                  .starts_with("registry.yaml: clients[1] (12345/a): org: "));
        CHECK(refusal("clients:\n  - {org: 974761077, name: a}\n")
                  .starts_with("registry.yaml: clients[1] (974761077/a): org: "));
        CHECK(refusal("clients:\n  - {org: true, name: a}\n") ==
              "registry.yaml: clients[1] (?/a): org: must be an organisation number (9 digits), "
              "not true");
        CHECK(refusal("scopes:\n  - {name: acme:x, access: [974761076, 123]}\n")
                  .starts_with("registry.yaml: scopes[1] (acme:x): access[2]: "));
        CHECK(refusal("orgs: [1]\n").starts_with("registry.yaml: the file: orgs[1]: "));
    }
    SUBCASE("types and values") {
        CHECK(refusal(client + "    access_token_lifetime: \"60\"\n") ==
              "registry.yaml: clients[1] (974761076/orders-reader): access_token_lifetime: must "
              "be a whole number, not 60");
        CHECK(refusal(client + "    access_token_lifetime: 0\n") ==
              "registry.yaml: clients[1] (974761076/orders-reader): access_token_lifetime: "
              "invalid access_token_lifetime 0: must be 1 to 86400 seconds");
        CHECK(refusal(client + "    scopes: acme:x\n") ==
              "registry.yaml: clients[1] (974761076/orders-reader): scopes: must be a list, not "
              "acme:x");
        CHECK(refusal(client + "    scopes: [acme:x, acme:x]\n") ==
              "registry.yaml: clients[1] (974761076/orders-reader): scopes: \"acme:x\" is listed "
              "twice");
        CHECK(refusal(client + "    scopes: [\"Not A Scope\"]\n")
                  .starts_with("registry.yaml: clients[1] (974761076/orders-reader): scopes[1]: "));
        CHECK(refusal("scopes:\n  - {name: acme:x, visibility: SECRET}\n")
                  .starts_with("registry.yaml: scopes[1] (acme:x): visibility: "));
        CHECK(refusal("scopes:\n  - {name: acme:x, at_max_age: 100000}\n")
                  .starts_with("registry.yaml: scopes[1] (acme:x): at_max_age: invalid "
                               "at_max_age 100000"));
        CHECK(refusal("scopes:\n  - {name: acme:x, accessible_for_all: yes}\n") ==
              "registry.yaml: scopes[1] (acme:x): accessible_for_all: must be true or false, not "
              "yes");
        CHECK(refusal("scopes:\n  - {name: acme:x, allowed_integration_types: [idporten2]}\n")
                  .starts_with("registry.yaml: scopes[1] (acme:x): allowed_integration_types: "
                               "unknown integration type \"idporten2\""));
        CHECK(refusal("scopes:\n  - {name: nocolon}\n")
                  .starts_with("registry.yaml: scopes[1] (nocolon): name: "));
        CHECK(refusal("scopes:\n  - {description: d}\n") ==
              "registry.yaml: scopes[1]: name: missing (required)");
        CHECK(refusal("scopes:\n  - acme:x\n") ==
              "registry.yaml: scopes[1]: must be a mapping (an object), not acme:x");
        CHECK(refusal("scopes: acme:x\n") == "registry.yaml: scopes: must be a list");
        CHECK(refusal("prefixes:\n  - {prefix: Acme, owner: 910753614}\n")
                  .starts_with("registry.yaml: prefixes[1] (Acme): prefix: "));
    }
    SUBCASE("an entry given twice") {
        CHECK(refusal(client + "  - {org: 974761076, name: orders-reader}\n") ==
              "registry.yaml: clients[2] (974761076/orders-reader): the same client as "
              "clients[1] (974761076/orders-reader)");
        CHECK(refusal("scopes:\n  - {name: acme:x}\n  - {name: acme:x}\n") ==
              "registry.yaml: scopes[2] (acme:x): the same scope as scopes[1] (acme:x)");
    }
    SUBCASE("keys") {
        Keys keys;
        keys.files["a.pem"] = util::Key::generate(util::KeyType::ec_p256).public_jwk();
        CHECK(refusal(client + "    keys: [missing.pem]\n", keys) ==
              "registry.yaml: clients[1] (974761076/orders-reader): keys[1]: cannot read key file "
              "\"missing.pem\": cannot read \"missing.pem\": No such file or directory");
        CHECK(refusal(client + "    keys: [a.pem, a.pem]\n", keys)
                  .ends_with("keys[2]: kid \"" +
                             util::Key::from_jwk(keys.files["a.pem"]).thumbprint() +
                             "\" is in keys[1] already"));
        json priv = util::Key::generate(util::KeyType::ec_p256).private_jwk();
        CHECK(refusal(client + "    keys: [" + priv.dump() + "]\n") ==
              "registry.yaml: clients[1] (974761076/orders-reader): keys[1]: JWK has private "
              "member \"d\": only public keys may be registered");
        CHECK(refusal(client + "    keys: [42]\n") ==
              "registry.yaml: clients[1] (974761076/orders-reader): keys[1]: must be a key file's "
              "path or a JWK object, not 42");
        json with_exp = keys.files["a.pem"];
        with_exp["exp"] = "soon";
        CHECK(refusal(client + "    keys: [" + with_exp.dump() + "]\n") ==
              "registry.yaml: clients[1] (974761076/orders-reader): keys[1].exp: must be a time "
              "in seconds since 1970, not soon");
    }
    SUBCASE("a file that is no mapping") {
        CHECK(refusal("") ==
              "registry.yaml: the file is empty; it must be a mapping with some of: orgs, "
              "prefixes, scopes, clients, delegations, systems, systemusers");
        CHECK(refusal("- a\n") ==
              "registry.yaml: the file must be a mapping (an object) with some of: orgs, "
              "prefixes, scopes, clients, delegations, systems, systemusers");
    }
}

TEST_CASE("core::registry_fields lists what the parser takes") {
    CHECK(registry_fields("client") == std::vector<std::string>{"org", "name", "description",
                                                                "scopes", "access_token_lifetime",
                                                                "keys"});
    CHECK_THROWS(registry_fields("nothing"));
}
