// SPDX-License-Identifier: Apache-2.0
// The small fixed registry every fuzz target runs against: the test
// fixtures' provider, consumer, scopes and client with an ES256 key, a CA
// trusted for x5c grants, and an admin token of the consumer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/operator.hpp"
#include "core/systems.hpp"
#include "server/router.hpp"
#include "server/services.hpp"
#include "support/grant_fixture.hpp"
#include "support/test_ca.hpp"

namespace mpctl::fuzz {

struct World : test::GrantFixture {
    static constexpr const char* k_system = "910000004_fuzz";
    server::Services services{store, *memory, service, [this] { return now; }};
    test::TestCa ca{dir.path(), test::k_consumer, 36500};
    // A client without keys, whose way in is an x5c chain of `ca`.
    core::Client bare = register_client(consumer, test::k_consumer, {"skatt:melding"});
    core::util::Key leaf_key = core::util::Key::from_pem(ca.leaf_key_pem, std::nullopt);
    std::string admin = token_for(test::k_consumer, {"idporten:scopes.write", "idporten:dcr.read",
                                                     "idporten:dcr.write", "idporten:dcr.modify"});

    World() {
        // Failures are what the fuzzer looks for, not what it prints.
        services.error_log = [](std::string_view) {};
        services.audit_log = audit.get();
        store.write([&](core::WriteTxn& t) {
            core::add_trusted_cas(t, ca.ca_pem, now);
            // The client acts for a system, and k_other has a system user of
            // it: a grant's authorization_details reaches every rule.
            core::register_system(
                t, consumer,
                core::SystemSpec{.id = k_system,
                                 .vendor = core::OrgNumber::parse(test::k_consumer),
                                 .clients = {core::Uuid::parse(client.client_id, "client id")}},
                now);
            core::add_systemuser(
                t, core::Actor::operator_role(),
                core::SystemUserSpec{.system_id = k_system,
                                     .customer = core::OrgNumber::parse(test::k_other),
                                     .external_ref = "ref-1"},
                now);
        });
    }

    // Built on the first input; the registry stays for the whole run.
    static World& get() {
        static World world;
        return world;
    }
};

inline std::string_view text(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace mpctl::fuzz
