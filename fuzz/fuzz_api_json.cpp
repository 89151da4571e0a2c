// SPDX-License-Identifier: Apache-2.0
// Self-service bodies (JSON, and the text/plain key of /api/v2): the first
// byte picks a route that takes a body, the rest is the body, sent with the
// consumer's admin token.
#include "world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& world = mpctl::fuzz::World::get();
    if (size == 0) {
        return 0;
    }
    const std::string id = world.client.client_id;
    const std::pair<const char*, std::string> routes[] = {
        {"POST", "/api/v1/scopes"},
        {"PUT", "/api/v1/scopes?scope=skatt:melding"},
        {"POST", "/api/v1/clients"},
        {"PUT", "/api/v1/clients/" + id},
        {"POST", "/api/v1/clients/" + id + "/jwks"},
        {"PUT", "/api/v1/clients/" + id + "/jwks"},
        {"POST", "/api/v1/delegations"},
        {"POST", "/api/v2/clients/" + id + "/key"},  // text/plain: a JWK or PEM
        {"POST", "/api/v1/systemregister/vendor"},
        {"PUT", std::string("/api/v1/systemregister/vendor/") + world.k_system},
        {"POST", "/api/v1/systemuser"},
    };
    const auto& [method, target] = routes[data[0] % std::size(routes)];
    const char* type = target.ends_with("/key") ? "text/plain" : "application/json";
    mpctl::server::Request req{method,
                               target,
                               type,
                               "Bearer " + world.admin,
                               std::string(mpctl::fuzz::text(data + 1, size - 1)),
                               ""};
    auto response = mpctl::server::serve(std::move(req), world.services);
    if (response.status >= 500 && response.status != 503) {
        __builtin_trap();
    }
    return 0;
}
