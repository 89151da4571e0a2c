// SPDX-License-Identifier: Apache-2.0
// Key files as users give them: JWK, JWK set, PEM (plain or encrypted) and
// PKCS#12; and the public-key reader of `client keys add`.
#include "core/token/keyfile.hpp"
#include "core/util/error.hpp"
#include "world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto content = mpctl::fuzz::text(data, size);
    try {
        mpctl::core::read_key(content, std::nullopt);
    } catch (const mpctl::Error&) {
    }
    try {
        mpctl::core::read_key(content, std::string("secret"));
    } catch (const mpctl::Error&) {
    }
    try {
        mpctl::core::read_public_jwks(content);
    } catch (const mpctl::Error&) {
    }
    return 0;
}
