// SPDX-License-Identifier: Apache-2.0
#include "core/key_seal.hpp"

#include <utility>

#include <fmt/format.h>

#include "core/util/aead.hpp"
#include "core/util/base64.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"

namespace mpctl::core {

namespace {

// "sealed:v1:<secret id>:<base64url of nonce, ciphertext and tag>"
constexpr std::string_view k_prefix = "sealed:v1:";

// Binds the ciphertext to its key's kid: a sealed key copied onto another
// record does not open.
std::string aad(std::string_view kid) {
    return fmt::format("mpctl signing key {}", kid);
}

}  // namespace

void KeySecrets::add(std::string_view secret, std::string_view source) {
    if (secret.size() < k_min_length) {
        fail(ErrorKind::invalid_input,
             fmt::format("the key-encryption secret from {} is {} characters; it must have at "
                         "least {} (make one with: openssl rand -base64 32)",
                         source, secret.size(), k_min_length));
    }
    Secret s;
    s.key = util::hkdf_sha256(secret, "mpctl signing-key seal v1", util::k_aes256_key);
    s.id = util::hex(util::hkdf_sha256(secret, "mpctl secret id v1", 4));
    m_secrets.push_back(std::move(s));
}

std::string KeySecrets::current_id() const {
    return m_secrets.empty() ? "" : m_secrets.front().id;
}

bool KeySecrets::is_sealed(std::string_view stored) {
    return stored.starts_with(k_prefix);
}

std::string KeySecrets::sealed_by(std::string_view stored) {
    if (!is_sealed(stored)) {
        return "";
    }
    auto rest = stored.substr(k_prefix.size());
    return std::string(rest.substr(0, rest.find(':')));
}

std::string KeySecrets::seal(std::string_view pem, std::string_view kid) const {
    if (m_secrets.empty()) {
        return std::string(pem);
    }
    const Secret& s = m_secrets.front();
    std::string nonce = util::random_bytes(util::k_gcm_nonce);
    std::string sealed = util::aes256gcm_seal(s.key, nonce, pem, aad(kid));
    return fmt::format("{}{}:{}", k_prefix, s.id, util::base64url_encode(nonce + sealed));
}

std::string KeySecrets::open(std::string_view stored, std::string_view kid) const {
    if (!is_sealed(stored)) {
        if (m_required) {
            fail(ErrorKind::failure,
                 fmt::format("signing key {} is stored in the clear; seal it with mpctl "
                             "signing-key rewrap",
                             kid));
        }
        return std::string(stored);
    }
    std::string id = sealed_by(stored);
    for (const auto& s : m_secrets) {
        if (s.id != id) {
            continue;
        }
        std::string raw =
            util::base64url_decode(stored.substr(k_prefix.size() + id.size() + 1)).value_or("");
        if (raw.size() > util::k_gcm_nonce) {
            auto pem = util::aes256gcm_open(s.key, raw.substr(0, util::k_gcm_nonce),
                                            raw.substr(util::k_gcm_nonce), aad(kid));
            if (pem) {
                return *pem;
            }
        }
        fail(ErrorKind::failure,
             fmt::format("signing key {} does not open with secret {}: it was altered", kid, id));
    }
    fail(ErrorKind::failure,
         fmt::format("signing key {} is sealed under key-encryption secret {}, which this process "
                     "was not given (MPCTL_KEY_SECRET_FILE, or MPCTL_KEY_SECRET_OLD_FILE while "
                     "the secret changes)",
                     kid, id.empty() ? "?" : id));
}

}  // namespace mpctl::core
