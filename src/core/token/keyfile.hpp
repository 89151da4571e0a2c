// SPDX-License-Identifier: Apache-2.0
// Reading a key from what users have on disk: PEM, PKCS#12 or JWK.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/crypto.hpp"

namespace mpctl::core {

struct KeyFile {
    util::Key key;
    // From a PKCS#12 file: its certificate first, then the rest of the chain.
    std::vector<util::Certificate> chain;
    // From a JWK: its kid and alg, when it has them.
    std::optional<std::string> kid;
    std::optional<std::string> alg;
};

// Detects the format: a JSON object (a JWK, or a JWK set of one key), PEM
// text, or else PKCS#12 DER. `password` opens encrypted PEM and PKCS#12.
KeyFile read_key(std::string_view content, const std::optional<std::string>& password);

// The JWKs in a text: one JWK, a JWK set, or a PEM public key.
std::vector<nlohmann::json> read_public_jwks(std::string_view content);

}  // namespace mpctl::core
