// SPDX-License-Identifier: Apache-2.0
// The server's private signing keys at rest: sealed with AES-256-GCM under
// a key-encryption secret that every replica and the CLI are given (a file
// or the environment), never stored beside them. A sealed key names the
// secret that sealed it by a short id, so that while the secret is changed
// (`mpctl signing-key rewrap`) the old one still opens what it sealed.
// Required on PostgreSQL; optional on LMDB.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mpctl::core {

class KeySecrets {
  public:
    static constexpr size_t k_min_length = 32;

    // Adds a secret (at least k_min_length characters; `source` names where
    // it came from in errors). The first one added seals; every one opens.
    void add(std::string_view secret, std::string_view source);
    bool empty() const { return m_secrets.empty(); }
    // With `required`, open() refuses a key in the clear (a database store's
    // keys must all be sealed, whenever they were added).
    void require_sealed(bool required) { m_required = required; }
    // The id of the secret that seals ("" when none).
    std::string current_id() const;

    // What to store for the private key `pem` of `kid`: sealed under the
    // first secret, or `pem` itself when there is none.
    std::string seal(std::string_view pem, std::string_view kid) const;
    // The PEM of a stored private key. Throws, naming the secret's id, when
    // it is sealed under a secret this process was not given, or was altered.
    std::string open(std::string_view stored, std::string_view kid) const;
    static bool is_sealed(std::string_view stored);
    // The id of the secret that sealed `stored` ("" when it is in the clear).
    static std::string sealed_by(std::string_view stored);

  private:
    struct Secret {
        std::string id;
        std::string key;  // 32 bytes, derived from the secret
    };
    std::vector<Secret> m_secrets;
    bool m_required = false;
};

}  // namespace mpctl::core
