// SPDX-License-Identifier: Apache-2.0
// Authenticated encryption (AES-256-GCM) and key derivation (HKDF-SHA256),
// through OpenSSL: what core/key_seal.* seals signing keys with.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mpctl::core::util {

inline constexpr size_t k_aes256_key = 32;
inline constexpr size_t k_gcm_nonce = 12;
inline constexpr size_t k_gcm_tag = 16;

// `plaintext` encrypted under `key` (32 bytes) with `nonce` (12 bytes, never
// used twice with one key), and `aad` authenticated: ciphertext then tag.
std::string aes256gcm_seal(std::string_view key, std::string_view nonce, std::string_view plaintext,
                           std::string_view aad);
// The plaintext of what aes256gcm_seal made, or nullopt when the key, nonce
// or aad differ or a byte of it was changed.
std::optional<std::string> aes256gcm_open(std::string_view key, std::string_view nonce,
                                          std::string_view sealed, std::string_view aad);

// RFC 5869 with SHA-256, no salt: `length` bytes from `secret` for `info`.
std::string hkdf_sha256(std::string_view secret, std::string_view info, size_t length);

}  // namespace mpctl::core::util
