// SPDX-License-Identifier: Apache-2.0
// JWS signatures (RFC 7515/7518/8037) on OpenSSL: the algorithms mpctl accepts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/crypto.hpp"

namespace mpctl::core::util {

enum class JwsAlg { rs256, rs384, rs512, ps256, es256, es384, eddsa };

// nullopt for anything not on the allow-list ("none", "HS256", ...).
std::optional<JwsAlg> parse_jws_alg(std::string_view name);
std::string_view to_string(JwsAlg alg);
// Every algorithm on the allow-list, by name, in the enum's order.
const std::vector<std::string>& jws_alg_names();
// Whether a key of this type signs with this algorithm (RSA: RS*, PS256;
// P-256: ES256; P-384: ES384; Ed25519: EdDSA).
bool alg_fits(JwsAlg alg, KeyType type);

// The signature over `input`; ES256/ES384 give raw r||s of exact length.
std::string jws_sign(const Key& key, JwsAlg alg, std::string_view input);
// false for a wrong signature, a wrong length, or a key that does not fit.
bool jws_verify(const Key& key, JwsAlg alg, std::string_view input, std::string_view signature);

}  // namespace mpctl::core::util
