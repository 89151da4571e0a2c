// SPDX-License-Identifier: Apache-2.0
// A POST /token body: the form decoder and the token endpoint behind it.
#include "world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& world = mpctl::fuzz::World::get();
    mpctl::server::Request req{"POST",
                               "/token",
                               "application/x-www-form-urlencoded",
                               "",
                               std::string(mpctl::fuzz::text(data, size)),
                               ""};
    auto response = mpctl::server::serve(std::move(req), world.services);
    if (response.status >= 500 && response.status != 503) {
        __builtin_trap();
    }
    return 0;
}
