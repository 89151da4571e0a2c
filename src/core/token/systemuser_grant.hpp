// SPDX-License-Identifier: Apache-2.0
// A grant that asks to act as a customer's system user (Altinn's
// authorization_details of type urn:altinn:systemuser), resolved against
// the system register.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/entities.hpp"
#include "core/store/store.hpp"
#include "core/token/refusal.hpp"
#include "core/values.hpp"

namespace mpctl::core {

// The type of authorization_details that asks for a system user.
inline constexpr std::string_view k_systemuser_type = "urn:altinn:systemuser";

// What a grant's authorization_details asks for.
struct SystemUserRequest {
    OrgNumber customer;
    std::optional<std::string> external_ref;
};

// What a token carries for a system user.
struct SystemUserGrant {
    std::string system_id;
    std::string systemuser_id;
    std::string customer_orgno;
};

// The active system user that lets `client` act for the requested customer;
// refused (MP-303) when the client acts for no active system, the customer
// has no active system user for it, or the externalRef matches none.
Result<SystemUserGrant> resolve_systemuser(const ReadTxn& txn, const Client& client,
                                           const SystemUserRequest& request);

}  // namespace mpctl::core
