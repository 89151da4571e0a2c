// SPDX-License-Identifier: Apache-2.0
// compute_plan as a pure function of a snapshot and a file: every kind of
// change, what --prune may touch, the order; then plans carried out, on a
// recording writer and on the store.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/delegations.hpp"
#include "core/registry_plan.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "core/util/yaml.hpp"
#include "support/error_kind.hpp"
#include "support/registry_fixture.hpp"

using namespace mpctl::core;
using mpctl::ErrorKind;
using mpctl::test::kind_of;
using mpctl::test::RegistryFixture;
using nlohmann::json;

namespace {

DesiredRegistry desired(const std::string& yaml) {
    return parse_registry(parse_yaml(yaml, "registry.yaml"), "registry.yaml",
                          [](const std::string& path) -> std::vector<json> {
                              mpctl::fail(ErrorKind::failure, "no file " + path);
                          });
}

SnapshotScope scope(const char* name, const char* owner, std::vector<std::string> access,
                    bool active = true) {
    ScopeSpec spec{.name = ScopeName::parse(name),
                   .description = "d",
                   .long_description = "",
                   .delegation_source = std::nullopt};
    Scope s{spec, "", "", owner, "", "", ""};
    s.active = active;
    return {s, std::move(access)};
}

SnapshotClient client(const char* id, const char* org, const char* name,
                      std::vector<std::string> scopes, std::vector<ClientKey> keys = {}) {
    Client c;
    c.client_id = id;
    c.client_orgno = org;
    c.client_name = name;
    c.scopes = std::move(scopes);
    return {c, std::move(keys)};
}

Delegation delegation(const char* id, const char* scope, const char* consumer,
                      const char* supplier) {
    Delegation d;
    d.id = id;
    d.scope = scope;
    d.consumer_orgno = consumer;
    d.supplier_orgno = supplier;
    return d;
}

// A public JWK as the registry stores it, with `kid`.
json stored_jwk(const std::string& kid) {
    json jwk = util::Key::generate(util::KeyType::ec_p256).public_jwk();
    jwk["kid"] = kid;
    jwk["alg"] = "ES256";
    jwk["use"] = "sig";
    return jwk;
}

std::vector<std::string> lines(const Plan& plan) {
    std::vector<std::string> out;
    for (const auto& s : plan.steps) {
        out.push_back(describe(s));
    }
    return out;
}

constexpr const char* k_id1 = "11111111-1111-4111-8111-111111111111";
constexpr const char* k_id2 = "22222222-2222-4222-8222-222222222222";
constexpr const char* k_id3 = "33333333-3333-4333-8333-333333333333";
constexpr const char* k_id4 = "44444444-4444-4444-8444-444444444444";

// The store as it is in the tests below: org 974761076 owns acme.
RegistrySnapshot snapshot(const json& old_key) {
    RegistrySnapshot s;
    s.prefixes = {
        {"acme", "974761076", ""}, {"idporten", "974761076", ""}, {"beta", "920000002", ""}};
    s.scopes = {scope("acme:a", "974761076", {"920000002", "974761076"}),
                scope("acme:inactive", "974761076", {}, false), scope("acme:old", "974761076", {}),
                scope("idporten:dcr.write", "974761076", {}), scope("beta:x", "920000002", {})};
    s.clients = {client(k_id1, "974761076", "reader", {"acme:a"},
                        {ClientKey{old_key, 100, 100, 2'000'000'000}}),
                 client(k_id2, "974761076", "stale", {}), client(k_id3, "920000002", "theirs", {})};
    s.delegations = {delegation(k_id4, "acme:d", "974761076", "999888771")};
    return s;
}

}  // namespace

TEST_CASE("core::compute_plan: every kind of change, in order") {
    json old_key = stored_jwk("k-old");
    json new_key = stored_jwk("k-new");
    json writer_key = stored_jwk("k-w");
    auto file = desired(
        "prefixes:\n"
        "  - {prefix: acme, owner: 974761076}\n"
        "  - {prefix: gamma, owner: 930000000}\n"
        "scopes:\n"
        "  - {name: acme:a, description: new, at_max_age: 300, access: [974761076, 930000000]}\n"
        "  - {name: acme:inactive}\n"
        "  - {name: acme:new, description: New}\n"
        "clients:\n"
        "  - {org: 974761076, name: reader, scopes: [acme:a, acme:new], keys: [" +
        new_key.dump() +
        "]}\n"
        "  - {org: 974761076, name: writer, keys: [" +
        writer_key.dump() +
        "]}\n"
        "delegations:\n"
        "  - {scope: acme:d2, consumer: 974761076, supplier: 999888771}\n");
    Plan plan = compute_plan(snapshot(old_key), file, {});
    CHECK(lines(plan) == std::vector<std::string>{
                             "+ prefix gamma",
                             "~ scope acme:a: description, at_max_age",
                             "~ scope acme:inactive: active",
                             "+ scope acme:new",
                             "+ access acme:a 930000000",
                             "~ client 974761076/reader: scopes",
                             "+ client 974761076/writer",
                             "+ key 974761076/reader k-new",
                             "+ key 974761076/writer k-w",
                             "+ delegation acme:d2 974761076 999888771",
                             "- key 974761076/reader k-old",
                             "- access acme:a 920000002",
                         });
    CHECK(plan.summary() == "7 to add, 3 to change, 2 to remove");
    // The steps say where the file asks for them, and what they do.
    CHECK(plan.steps[1].where == "registry.yaml: scopes[1] (acme:a)");
    auto update = std::get<plan::UpdateScope>(*plan.steps[1].action).update;
    CHECK(*update.description == "new");
    CHECK(*update.at_max_age == 300);
    CHECK_FALSE(update.visibility);
    CHECK(*std::get<plan::UpdateScope>(*plan.steps[2].action).update.active);
    auto created = std::get<plan::CreateScope>(*plan.steps[3].action).spec;
    CHECK(created.description == "New");
    CHECK(created.visibility == Visibility::public_);  // the API's default
    CHECK(plan.steps[4].field == "access");
    auto registered = std::get<plan::RegisterClient>(*plan.steps[6].action).spec;
    CHECK(registered.access_token_lifetime == 120);
    CHECK(registered.scopes.empty());
    // A client's key steps share one ReplaceKeys, on its first step.
    auto keys = std::get<plan::ReplaceKeys>(*plan.steps[7].action);
    CHECK(keys.client.id->str() == k_id1);
    REQUIRE(keys.jwks.size() == 1);
    CHECK(keys.jwks[0]["kid"] == "k-new");
    CHECK_FALSE(keys.jwks[0].contains("exp"));  // a new key: the API's year
    CHECK_FALSE(std::get<plan::ReplaceKeys>(*plan.steps[8].action).client.id);
    CHECK_FALSE(plan.steps[10].action);
}

TEST_CASE("core::compute_plan: nothing to do, and fields left out stay as they are") {
    json old_key = stored_jwk("k-old");
    auto file = desired(
        "scopes:\n"
        "  - {name: acme:a, access: [974761076, 920000002]}\n"
        "  - {name: acme:old}\n"
        "clients:\n"
        "  - {org: 974761076, name: reader, keys: [" +
        old_key.dump() +
        "]}\n"
        "delegations:\n"
        "  - {scope: acme:d, consumer: 974761076, supplier: 999888771}\n");
    Plan plan = compute_plan(snapshot(old_key), file, {});
    CHECK(plan.steps.empty());
    CHECK(plan.summary() == "0 to add, 0 to change, 0 to remove");
}

TEST_CASE("core::compute_plan: keys are matched by kid; an unchanged key keeps its expiry") {
    json old_key = stored_jwk("k-old");
    json other_key = stored_jwk("k-old");  // the same kid, another key
    auto with = [&](const json& key) {
        return desired("clients:\n  - {org: 974761076, name: reader, keys: [" + key.dump() + ", " +
                       stored_jwk("k-2").dump() + "]}\n");
    };
    Plan same = compute_plan(snapshot(old_key), with(old_key), {});
    CHECK(lines(same) == std::vector<std::string>{"+ key 974761076/reader k-2"});
    auto sent = std::get<plan::ReplaceKeys>(*same.steps[0].action).jwks;
    CHECK(sent[0]["exp"] == 2'000'000'000);  // as it is
    CHECK_FALSE(sent[1].contains("exp"));
    CHECK(lines(compute_plan(snapshot(old_key), with(other_key), {}))[0] ==
          "~ key 974761076/reader k-old: jwk");
    json timed = old_key;
    timed["exp"] = 1'900'000'000;
    Plan exp = compute_plan(snapshot(old_key), with(timed), {});
    CHECK(lines(exp)[0] == "~ key 974761076/reader k-old: exp");
    CHECK(std::get<plan::ReplaceKeys>(*exp.steps[0].action).jwks[0]["exp"] == 1'900'000'000);
    // keys: [] removes every key; no keys field leaves them.
    CHECK(lines(compute_plan(snapshot(old_key),
                             desired("clients:\n  - {org: 974761076, name: reader, keys: []}\n"),
                             {})) == std::vector<std::string>{"- key 974761076/reader k-old"});
    CHECK(compute_plan(snapshot(old_key), desired("clients:\n  - {org: 974761076, name: reader}\n"),
                       {})
              .steps.empty());
}

TEST_CASE("core::compute_plan: --prune stays within the orgs and kinds the file speaks for") {
    json old_key = stored_jwk("k-old");
    auto reader = "  - {org: 974761076, name: reader, keys: [" + old_key.dump() + "]}\n";
    SUBCASE("what the file leaves out, of its orgs and kinds, goes") {
        auto file = desired("orgs: [974761076]\nscopes:\n  - {name: acme:a}\nclients:\n" + reader +
                            "delegations: []\n");
        Plan plan = compute_plan(snapshot(old_key), file, {.prune = true});
        // Not beta:x (another org's), not the deactivated one, never the admin scopes;
        // not 920000002's client; the delegation: the file's orgs speak for 974761076.
        CHECK(lines(plan) == std::vector<std::string>{
                                 "- delegation acme:d 974761076 999888771",
                                 "- client 974761076/stale",
                                 "- scope acme:old",
                             });
        CHECK(plan.steps[1].where ==
              "registry.yaml: --prune: client 974761076/stale (" + std::string(k_id2) + ")");
        CHECK(std::get<plan::DeactivateClient>(*plan.steps[1].action).client.id->str() == k_id2);
        CHECK(std::get<plan::RemoveDelegation>(*plan.steps[0].action).id.str() == k_id4);
        // Without --prune nothing is removed.
        CHECK(compute_plan(snapshot(old_key), file, {}).steps.empty());
    }
    SUBCASE("a file with only clients touches no scope; another org's clients stay") {
        auto file = desired("clients:\n  - {org: 920000002, name: theirs}\n");
        CHECK(compute_plan(snapshot(old_key), file, {.prune = true}).steps.empty());
    }
    SUBCASE("an empty kind speaks for the acting org, or the file's orgs") {
        auto file = desired("clients: []\n");
        CHECK(compute_plan(snapshot(old_key), file, {.prune = true}).steps.empty());
        auto as_org = compute_plan(snapshot(old_key), file,
                                   {.prune = true, .acting_org = OrgNumber::parse("974761076")});
        CHECK(lines(as_org) ==
              std::vector<std::string>{"- client 974761076/reader", "- client 974761076/stale"});
        auto with_orgs = desired("orgs: [920000002]\nclients: []\nscopes: []\n");
        CHECK(lines(compute_plan(snapshot(old_key), with_orgs, {.prune = true})) ==
              std::vector<std::string>{"- client 920000002/theirs", "- scope beta:x"});
    }
    SUBCASE("a scope's org is its prefix's owner, from the file or the store") {
        auto file = desired(
            "prefixes:\n  - {prefix: gamma, owner: 920000002}\n"
            "scopes:\n  - {name: gamma:y, description: y}\n");
        CHECK(lines(compute_plan(snapshot(old_key), file, {.prune = true})) ==
              std::vector<std::string>{"+ prefix gamma", "+ scope gamma:y", "- scope beta:x"});
    }
}

TEST_CASE("core::compute_plan refuses what the file cannot name or change") {
    json old_key = stored_jwk("k-old");
    auto s = snapshot(old_key);
    s.clients.push_back(client(k_id4, "974761076", "reader", {}));
    auto file = desired("clients:\n  - {org: 974761076, name: reader}\n");
    CHECK(kind_of([&] { (void)compute_plan(s, file, {}); }) == ErrorKind::conflict);
    std::string twice = fmt::format(
        "registry.yaml: clients[1] (974761076/reader): org 974761076 has 2 active clients named "
        "\"reader\" ({}, {})",
        k_id1, k_id4);
    CHECK_THROWS_WITH((void)compute_plan(s, file, {}), doctest::Contains(twice.c_str()));
    auto prefix = desired("prefixes:\n  - {prefix: acme, owner: 920000002}\n");
    CHECK_THROWS_WITH((void)compute_plan(snapshot(old_key), prefix, {}),
                      "registry.yaml: prefixes[1] (acme): owner: prefix \"acme\" belongs to org "
                      "974761076, not 920000002; a prefix is never reassigned");
}

namespace {

System a_system(const char* id, std::vector<std::string> clients, bool active = true) {
    System s;
    s.id = id;
    s.vendor_orgno = std::string(id).substr(0, 9);
    s.name = in_every_language("Sys");
    s.client_ids = std::move(clients);
    s.active = active;
    return s;
}

SystemUser a_systemuser(const char* id, const char* system, const char* customer, const char* ref) {
    SystemUser u;
    u.id = id;
    u.system_id = system;
    u.vendor_orgno = std::string(system).substr(0, 9);
    u.customer_orgno = customer;
    u.external_ref = ref;
    return u;
}

// The store of the tests above, with org 974761076's systems and the
// system users of its customer 920000002.
RegistrySnapshot with_systems(const json& old_key) {
    RegistrySnapshot s = snapshot(old_key);
    s.client_orgs = {"974761076"};
    s.systems = {a_system("974761076_sys", {k_id1}), a_system("974761076_other", {}),
                 a_system("974761076_gone", {}, false)};
    s.systemusers = {a_systemuser(k_id2, "974761076_sys", "920000002", "920000002"),
                     a_systemuser(k_id3, "974761076_sys", "920000002", "dept-2")};
    return s;
}

}  // namespace

TEST_CASE("core::compute_plan: systems by id, their clients by name or id") {
    json old_key = stored_jwk("k-old");
    auto s = with_systems(old_key);
    SUBCASE("the same clients, by name or by id, in any order: nothing to do") {
        for (const char* clients : {"[reader]", "[11111111-1111-4111-8111-111111111111]"}) {
            auto file = desired(std::string("systems:\n  - {id: 974761076_sys, name: Sys, "
                                            "clients: ") +
                                clients + "}\n");
            CHECK(compute_plan(s, file, {}).steps.empty());
        }
        s.systems[0].client_ids = {k_id2, k_id1};
        CHECK(compute_plan(s,
                           desired("systems:\n  - {id: 974761076_sys, clients: [reader, "
                                   "stale]}\n"),
                           {})
                  .steps.empty());
    }
    SUBCASE("every field, a deactivated one activated, a new one with a new client") {
        auto file = desired(
            "clients:\n  - {org: 974761076, name: writer}\n"
            "systems:\n"
            "  - {id: 974761076_sys, name: {nb: Sys, en: System}, description: D, clients: "
            "[stale], visible: false}\n"
            "  - {id: 974761076_gone}\n"
            "  - {id: 974761076_new, clients: [writer, reader]}\n");
        Plan plan = compute_plan(s, file, {});
        CHECK(lines(plan) == std::vector<std::string>{
                                 "+ client 974761076/writer",
                                 "~ system 974761076_sys: name, description, clients, "
                                 "visible",
                                 "~ system 974761076_gone: active", "+ system 974761076_new"});
        auto update = std::get<plan::UpdateSystem>(*plan.steps[1].action);
        CHECK(*update.update.name == Texts{{"en", "System"}, {"nb", "Sys"}});
        CHECK(*update.update.visible == false);
        CHECK((*update.clients)[0].id->str() == k_id2);
        CHECK_FALSE(update.update.clients);  // resolved when the step is made
        CHECK(*std::get<plan::UpdateSystem>(*plan.steps[2].action).update.active);
        auto made = std::get<plan::RegisterSystem>(*plan.steps[3].action);
        CHECK(made.spec.visible);  // the API's default
        CHECK(made.spec.name.empty());
        REQUIRE(made.clients.size() == 2);
        CHECK_FALSE(made.clients[0].id);  // registered by the plan
        CHECK(made.clients[0].name == "writer");
        CHECK(made.clients[1].id->str() == k_id1);
    }
    SUBCASE("a client the vendor does not have, two of one name, another org's") {
        auto nope = desired("systems:\n  - {id: 974761076_sys, clients: [reader, nope]}\n");
        CHECK(kind_of([&] { compute_plan(s, nope, {}); }) == ErrorKind::invalid_input);
        CHECK_THROWS_WITH(compute_plan(s, nope, {}),
                          "registry.yaml: systems[1] (974761076_sys): clients[2]: org 974761076 "
                          "has no active client named \"nope\" (list it under clients: to "
                          "register it, or give a client id)");
        s.clients.push_back(client(k_id4, "974761076", "reader", {}));
        auto twins = desired("systems:\n  - {id: 974761076_sys, clients: [reader]}\n");
        CHECK(kind_of([&] { compute_plan(s, twins, {}); }) == ErrorKind::conflict);
        auto theirs = desired("systems:\n  - {id: 920000002_sys, clients: [anyone]}\n");
        CHECK_THROWS_WITH(compute_plan(s, theirs, {}),
                          "registry.yaml: systems[1] (920000002_sys): clients[1]: the clients of "
                          "org 920000002 are not the acting org's to name");
    }
    SUBCASE("a system that gives up a client another takes goes first") {
        // 974761076_sys holds reader (k_id1) now.
        auto moved = desired(
            "systems:\n"
            "  - {id: 974761076_b, clients: [reader]}\n"
            "  - {id: 974761076_sys, clients: []}\n");
        CHECK(lines(compute_plan(s, moved, {})) ==
              std::vector<std::string>{"~ system 974761076_sys: clients", "+ system 974761076_b"});
        // Renamed: the old one, left out, is deactivated before the new one takes it.
        auto renamed = desired(
            "systems:\n"
            "  - {id: 974761076_other}\n"
            "  - {id: 974761076_renamed, clients: [reader]}\n");
        CHECK(lines(compute_plan(s, renamed, {.prune = true})) ==
              std::vector<std::string>{"- system 974761076_sys", "+ system 974761076_renamed"});
        // Without --prune nothing gives it up: core refuses when the step is made.
        CHECK(lines(compute_plan(s, renamed, {})) ==
              std::vector<std::string>{"+ system 974761076_renamed"});
    }
    SUBCASE("a system's client that --prune deactivates is refused") {
        auto file = desired(
            "clients:\n  - {org: 974761076, name: reader}\n"
            "systems:\n  - {id: 974761076_sys, clients: [reader, stale]}\n");
        CHECK(compute_plan(s, file, {}).steps.size() == 1);  // without --prune: fine
        CHECK(kind_of([&] { compute_plan(s, file, {.prune = true}); }) == ErrorKind::conflict);
        CHECK_THROWS_WITH(compute_plan(s, file, {.prune = true}),
                          "registry.yaml: systems[1] (974761076_sys): clients[2]: client "
                          "974761076/stale is left out of clients:, and --prune deactivates it; "
                          "list it there");
        auto by_id = desired(std::string("clients:\n  - {org: 974761076, name: reader}\n"
                                         "systems:\n  - {id: 974761076_sys, clients: [") +
                             k_id2 + "]}\n");
        CHECK(kind_of([&] { compute_plan(s, by_id, {.prune = true}); }) == ErrorKind::conflict);
    }
    SUBCASE("system users: added when missing, pruned when left out") {
        auto file = desired(
            "systemusers:\n"
            "  - {system: 974761076_sys, customer: 920000002}\n"
            "  - {system: 974761076_sys, customer: 920000002, external_ref: dept-3}\n");
        Plan plan = compute_plan(s, file, {.prune = true});
        CHECK(lines(plan) ==
              std::vector<std::string>{"+ systemuser 974761076_sys 920000002 dept-3",
                                       "- systemuser 974761076_sys 920000002 dept-2"});
        auto added = std::get<plan::AddSystemUser>(*plan.steps[0].action).spec;
        CHECK(*added.external_ref == "dept-3");
        CHECK(added.customer.str() == "920000002");
        CHECK(std::get<plan::DeactivateSystemUser>(*plan.steps[1].action).id.str() == k_id3);
        CHECK(plan.steps[1].where ==
              "registry.yaml: --prune: systemuser 974761076_sys 920000002 "
              "dept-2 (" +
                  std::string(k_id3) + ")");
        // Only of the customers the file speaks for.
        auto other = desired("orgs: [930000000]\nsystemusers: []\n");
        CHECK(compute_plan(s, other, {.prune = true}).steps.empty());
        auto theirs = desired("orgs: [920000002]\nsystemusers: []\n");
        CHECK(compute_plan(s, theirs, {.prune = true}).steps.size() == 2);
    }
    SUBCASE("--prune: the vendor's active systems the file leaves out") {
        auto file = desired("systems:\n  - {id: 974761076_sys}\n");
        Plan plan = compute_plan(s, file, {.prune = true});
        CHECK(lines(plan) == std::vector<std::string>{"- system 974761076_other"});
        CHECK(std::get<plan::DeactivateSystem>(*plan.steps[0].action).id == "974761076_other");
        // Only of the vendors the file speaks for.
        CHECK(compute_plan(s, desired("systems: []\norgs: [920000002]\n"), {.prune = true})
                  .steps.empty());
    }
}

namespace {

// A registry whose every call is a test failure; doubles override what they answer.
struct NoRegistry : Registry {
    Actor m_actor = Actor::operator_role();
    [[noreturn]] static void unexpected(const char* call) {
        mpctl::fail(ErrorKind::failure, std::string("unexpected call: ") + call);
    }
    const Actor& actor() const override { return m_actor; }
    std::vector<PrefixRecord> prefixes() override { unexpected("prefixes"); }
    void add_prefix(const Prefix&, const OrgNumber&) override { unexpected("add_prefix"); }
    std::vector<Scope> own_scopes(bool) override { unexpected("own_scopes"); }
    std::vector<Scope> public_scopes(bool) override { unexpected("public_scopes"); }
    Scope scope(const ScopeName&) override { unexpected("scope"); }
    Scope create_scope(const ScopeSpec&) override { unexpected("create_scope"); }
    Scope update_scope(const ScopeName&, const ScopeUpdate&) override {
        unexpected("update_scope");
    }
    Changed<Scope> deactivate_scope(const ScopeName&) override { unexpected("deactivate_scope"); }
    std::vector<Access> access(const ScopeName&) override { unexpected("access"); }
    std::vector<Access> access_of(const OrgNumber&) override { unexpected("access_of"); }
    Access grant_access(const ScopeName&, const OrgNumber&) override { unexpected("grant_access"); }
    Changed<Access> revoke_access(const ScopeName&, const OrgNumber&) override {
        unexpected("revoke_access");
    }
    std::vector<Client> clients(const std::optional<OrgNumber>&, bool) override {
        unexpected("clients");
    }
    Client client(const Uuid&) override { unexpected("client"); }
    Client register_client(const ClientSpec&) override { unexpected("register_client"); }
    Client update_client(const Uuid&, const ClientUpdate&) override { unexpected("update_client"); }
    Changed<Client> deactivate_client(const Uuid&) override { unexpected("deactivate_client"); }
    ClientKeySet client_keys(const Uuid&) override { unexpected("client_keys"); }
    ClientKeySet add_client_keys(const Uuid&, const std::vector<json>&, UnixTime) override {
        unexpected("add_client_keys");
    }
    ClientKeySet replace_client_keys(const Uuid&, const std::vector<json>&) override {
        unexpected("replace_client_keys");
    }
    Changed<ClientKeySet> remove_client_key(const Uuid&, const Kid&) override {
        unexpected("remove_client_key");
    }
    std::vector<Delegation> delegations(bool) override { unexpected("delegations"); }
    Delegation add_delegation(const ScopeName&, const OrgNumber&, const OrgNumber&) override {
        unexpected("add_delegation");
    }
    Changed<Delegation> remove_delegation(const Uuid&) override { unexpected("remove_delegation"); }
    std::vector<System> systems(bool) override { unexpected("systems"); }
    System system(const std::string&) override { unexpected("system"); }
    System register_system(const SystemSpec&) override { unexpected("register_system"); }
    System update_system(const std::string&, const SystemUpdate&) override {
        unexpected("update_system");
    }
    Changed<System> deactivate_system(const std::string&) override {
        unexpected("deactivate_system");
    }
    std::vector<SystemUser> systemusers(const SystemUserFilter&) override {
        unexpected("systemusers");
    }
    SystemUser systemuser(const Uuid&) override { unexpected("systemuser"); }
    SystemUser add_systemuser(const SystemUserSpec&) override { unexpected("add_systemuser"); }
    Changed<SystemUser> deactivate_systemuser(const Uuid&) override {
        unexpected("deactivate_systemuser");
    }
};

// Records the writes; a new client gets the next id.
struct RecordingWriter : NoRegistry {
    std::vector<std::string> calls;
    void add_prefix(const Prefix& p, const OrgNumber& o) override {
        calls.push_back("add_prefix " + p.str() + " " + o.str());
    }
    Scope create_scope(const ScopeSpec& s) override {
        calls.push_back("create " + s.name.str());
        return Scope{s, "", "", "", "", "", ""};
    }
    Client register_client(const ClientSpec& spec) override {
        if (spec.client_name == "refused") {
            mpctl::fail(ErrorKind::forbidden, "no, not this one");
        }
        calls.push_back("register " + spec.client_name);
        Client c;
        c.client_id = k_id3;
        return c;
    }
    Client update_client(const Uuid& id, const ClientUpdate&) override {
        calls.push_back("update_client " + id.str());
        return Client{};
    }
    ClientKeySet replace_client_keys(const Uuid& id, const std::vector<json>& jwks) override {
        calls.push_back("keys " + id.str() + " " + std::to_string(jwks.size()));
        return ClientKeySet{id.str(), {}};
    }
    System register_system(const SystemSpec& spec) override {
        std::string call = "register_system " + spec.id;
        for (const auto& c : spec.clients) {
            call += " " + c.str();
        }
        calls.push_back(call);
        return System{};
    }
};

}  // namespace

TEST_CASE("core::execute_plan makes each step once, a new client's keys after it") {
    json old_key = stored_jwk("k-old");
    auto file = desired("clients:\n  - {org: 974761076, name: writer, keys: [" +
                        stored_jwk("a").dump() + ", " + stored_jwk("b").dump() + "]}\n" +
                        "  - {org: 974761076, name: reader, keys: []}\n");
    RecordingWriter w;
    execute_plan(compute_plan(snapshot(old_key), file, {}), w);
    CHECK(w.calls == std::vector<std::string>{"register writer",
                                              std::string("keys ") + k_id3 + " 2",
                                              std::string("keys ") + k_id1 + " 0"});
    // A system names the client registered before it by its new id.
    auto system = desired(
        "clients:\n  - {org: 974761076, name: agent}\n"
        "systems:\n  - {id: 974761076_s, clients: [agent, reader]}\n");
    RecordingWriter sw;
    execute_plan(compute_plan(with_systems(old_key), system, {}), sw);
    CHECK(sw.calls == std::vector<std::string>{"register agent", std::string("register_system "
                                                                             "974761076_s ") +
                                                                     k_id3 + " " + k_id1});
    auto refused = desired("clients:\n  - {org: 974761076, name: refused}\n");
    RecordingWriter r;
    CHECK(kind_of([&] { execute_plan(compute_plan(snapshot(old_key), refused, {}), r); }) ==
          ErrorKind::forbidden);
    CHECK_THROWS_WITH(execute_plan(compute_plan(snapshot(old_key), refused, {}), r),
                      "registry.yaml: clients[1] (974761076/refused): no, not this one");
}

TEST_CASE("core::StoreRegistry: a plan made on the store, then nothing left to do") {
    RegistryFixture f;
    auto apply = [&](const Actor& actor, const DesiredRegistry& d, bool prune) {
        return f.store.write([&](WriteTxn& txn) {
            StoreRegistry registry(txn, actor, mpctl::test::k_now);
            Plan p = compute_plan(snapshot_of(registry, d), d,
                                  {.prune = prune, .acting_org = actor.org()});
            execute_plan(p, registry);
            return p;
        });
    };
    auto plan = [&](const Actor& actor, const DesiredRegistry& d, bool prune) {
        StoreRegistry registry(f.store, actor, [] { return mpctl::test::k_now; });
        return compute_plan(snapshot_of(registry, d), d,
                            {.prune = prune, .acting_org = actor.org()});
    };
    auto provider = desired(
        "scopes:\n"
        "  - {name: skatt:melding, description: Tax, access: [910000004, 920000002]}\n"
        "  - {name: skatt:ny, description: New, access: [910000004]}\n");
    auto made = apply(f.provider, provider, true);
    CHECK(lines(made) ==
          std::vector<std::string>{"~ scope skatt:melding: description", "+ scope skatt:ny",
                                   "+ access skatt:melding 920000002",
                                   "+ access skatt:ny 910000004", "- scope skatt:les"});
    // The admin scopes (init made the provider their owner here) are never pruned.
    CHECK(plan(f.provider, provider, true).steps.empty());
    {
        auto txn = f.store.read();
        CHECK(find_scope(txn, ScopeName::parse("idporten:dcr.write"))->active);
        CHECK_FALSE(find_scope(txn, ScopeName::parse("skatt:les"))->active);
    }

    json key = stored_jwk("app-key");
    auto consumer = desired(
        "clients:\n  - {org: 910000004, name: app, scopes: [skatt:melding], "
        "keys: [" +
        key.dump() +
        "]}\n"
        "delegations:\n"
        "  - {scope: skatt:melding, consumer: 910000004, supplier: 920000002}\n");
    CHECK(lines(apply(f.consumer, consumer, true)) ==
          std::vector<std::string>{"+ client 910000004/app", "+ key 910000004/app app-key",
                                   "+ delegation skatt:melding 910000004 920000002"});
    CHECK(plan(f.consumer, consumer, true).steps.empty());
    CHECK(plan(f.op, consumer, true).steps.empty());

    // A refusal anywhere: nothing of the plan is written, and it names the entry and field.
    auto refused = desired(
        "clients:\n"
        "  - {org: 910000004, name: another}\n"
        "  - {org: 910000004, name: app, scopes: [skatt:les]}\n");
    CHECK(kind_of([&] { apply(f.consumer, refused, false); }) == ErrorKind::invalid_input);
    CHECK_THROWS_WITH(apply(f.consumer, refused, false),
                      "registry.yaml: clients[2] (910000004/app): scopes: scope skatt:les is "
                      "deactivated");
    CHECK(list_clients(f.store.read(), f.consumer, std::nullopt, false).size() == 1);
    // A scope the org does not own.
    auto not_mine = desired("scopes:\n  - {name: skatt:mine, description: d}\n");
    CHECK(kind_of([&] { apply(f.consumer, not_mine, false); }) == ErrorKind::forbidden);
}

TEST_CASE("core::registry_document: an export applies as no change") {
    RegistryFixture f;
    json key = stored_jwk("k1");
    f.store.write([&](WriteTxn& txn) {
        auto c = register_client(txn, f.consumer,
                                 ClientSpec{.org = OrgNumber::parse("910000004"),
                                            .client_name = "app",
                                            .description = "the app",
                                            .scopes = {"skatt:melding"}},
                                 mpctl::test::k_now);
        replace_client_keys(txn, f.consumer, Uuid::parse(c.client_id, "client id"), {key},
                            mpctl::test::k_now);
        grant_access(txn, f.op, ScopeName::parse("idporten:dcr.write"),
                     OrgNumber::parse("910000004"), mpctl::test::k_now);
        register_system(txn, f.consumer,
                        SystemSpec{.id = "910000004_app",
                                   .vendor = OrgNumber::parse("910000004"),
                                   .name = {{"nb", "App"}, {"en", "App"}},
                                   .clients = {Uuid::parse(c.client_id, "client id")}},
                        mpctl::test::k_now);
        register_system(txn, f.consumer,
                        SystemSpec{.id = "910000004_plain",
                                   .vendor = OrgNumber::parse("910000004"),
                                   .description = in_every_language("Plain")},
                        mpctl::test::k_now);
        add_systemuser(txn, f.provider,
                       SystemUserSpec{.system_id = "910000004_app",
                                      .customer = OrgNumber::parse("974761076"),
                                      .external_ref = "r1"},
                       mpctl::test::k_now);
    });
    for (const auto& actor : {f.op, f.provider, f.consumer}) {
        StoreRegistry registry(f.store, actor, [] { return mpctl::test::k_now; });
        auto doc =
            registry_document(snapshot_for_export(registry, std::nullopt), actor, std::nullopt);
        CHECK(doc.contains("prefixes") == actor.is_operator());
        auto d = parse_registry(parse_yaml(emit_yaml(doc), "export.yaml"), "export.yaml",
                                [](const std::string&) { return std::vector<json>{}; });
        CHECK(compute_plan(snapshot_of(registry, d), d, {.prune = true, .acting_org = actor.org()})
                  .steps.empty());
        if (actor.is_operator()) {
            // The admin prefix is left out; an admin scope only with its access.
            CHECK(doc["prefixes"] ==
                  nlohmann::ordered_json::parse(R"([{"prefix": "skatt", "owner": "974761076"}])"));
            CHECK(doc["scopes"][0] == nlohmann::ordered_json::parse(
                                          R"({"name": "idporten:dcr.write",
                                              "access": ["910000004"]})"));
        }
    }
    StoreRegistry as_operator(f.store, f.op, [] { return mpctl::test::k_now; });
    StoreRegistry as_consumer(f.store, f.consumer, [] { return mpctl::test::k_now; });
    auto org = OrgNumber::parse("910000004");
    auto one = registry_document(snapshot_for_export(as_operator, org), f.op, org);
    CHECK(one["orgs"] == nlohmann::ordered_json::parse(R"(["910000004"])"));
    CHECK(one["clients"][0]["keys"][0]["kid"] == "k1");
    CHECK(one["scopes"].empty());
    CHECK(one["systems"] == nlohmann::ordered_json::parse(R"([{"id": "910000004_app",
        "name": {"en": "App", "nb": "App"}, "description": {}, "clients": ["app"],
        "visible": true}, {"id": "910000004_plain", "name": "plain", "description": "Plain",
        "clients": [], "visible": true}])"));
    CHECK(one["systemusers"].empty());  // 910000004 is the vendor, not the customer
    StoreRegistry as_provider(f.store, f.provider, [] { return mpctl::test::k_now; });
    auto customer =
        registry_document(snapshot_for_export(as_provider, std::nullopt), f.provider, std::nullopt);
    CHECK(customer["systemusers"] == nlohmann::ordered_json::parse(R"([{"system": "910000004_app",
        "customer": "974761076", "external_ref": "r1"}])"));
    CHECK(kind_of([&] { (void)snapshot_for_export(as_consumer, OrgNumber::parse("974761076")); }) ==
          ErrorKind::forbidden);
}
