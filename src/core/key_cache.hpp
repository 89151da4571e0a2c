// SPDX-License-Identifier: Apache-2.0
// Parsed keys for the token path. Importing a key costs far more than using
// it (an RSA public key check alone is milliseconds), so each distinct key
// text is parsed once and shared; readers take a shared lock only.
#pragma once

#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/util/crypto.hpp"

namespace mpctl::core {

class KeyCache {
  public:
    // The key of a stored JWK, checked in full when it was registered (so
    // not again: KeyChecks::registered); its public members are the cache
    // key, so a changed key is a new entry, never a stale one.
    std::shared_ptr<const util::Key> from_jwk(const nlohmann::json& jwk);
    // A key known by an id that names exactly one key forever (a signing
    // key's kid is its thumbprint); `load` runs only on a miss.
    std::shared_ptr<const util::Key> by_id(const std::string& id,
                                           const std::function<util::Key()>& load);

  private:
    template <class Parse>
    std::shared_ptr<const util::Key> get(const std::string& text, const Parse& parse);

    static constexpr size_t k_max_entries = 10000;
    std::shared_mutex m_mutex;
    std::unordered_map<std::string, std::shared_ptr<const util::Key>> m_keys;
};

}  // namespace mpctl::core
