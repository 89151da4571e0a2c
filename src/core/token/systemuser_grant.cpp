// SPDX-License-Identifier: Apache-2.0
#include "core/token/systemuser_grant.hpp"

#include <vector>

#include <fmt/format.h>

#include "core/systems.hpp"
#include "core/token/refusal.hpp"

namespace mpctl::core {

Result<SystemUserGrant> resolve_systemuser(const ReadTxn& txn, const Client& client,
                                           const SystemUserRequest& request) {
    auto systems = active_systems_of_client(txn, client.client_id);
    if (systems.empty()) {
        return refuse::authorization_value(fmt::format(
            "client {} acts for no active system in the system register", client.client_id));
    }
    // One active system per client is the register's rule; a store that
    // breaks it (edited by hand) grants nothing rather than guess.
    if (systems.size() > 1) {
        return refuse::authorization_value(
            fmt::format("client {} acts for more than one active system ({} and {})",
                        client.client_id, systems[0].id, systems[1].id));
    }
    const System& system = systems.front();
    const std::string& customer = request.customer.str();
    auto users = active_systemusers(txn, request.customer, system.id);
    if (users.empty()) {
        return refuse::authorization_value(
            fmt::format("org {} has no active system user for the system {}", customer, system.id));
    }
    const std::string& ref = request.external_ref.value_or(customer);
    for (const auto& user : users) {
        if (user.external_ref == ref) {
            return SystemUserGrant{system.id, user.id, customer};
        }
    }
    if (request.external_ref) {
        return refuse::authorization_value(
            fmt::format("externalRef \"{}\" matches none of org {}'s system users for the "
                        "system {}",
                        *request.external_ref, customer, system.id));
    }
    return refuse::authorization_value(
        fmt::format("org {}'s system users for the system {} each have an externalRef of their "
                    "own; name one with externalRef",
                    customer, system.id));
}

}  // namespace mpctl::core
