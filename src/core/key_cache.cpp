// SPDX-License-Identifier: Apache-2.0
#include "core/key_cache.hpp"

#include <mutex>

namespace mpctl::core {

template <class Parse>
std::shared_ptr<const util::Key> KeyCache::get(const std::string& text, const Parse& parse) {
    {
        std::shared_lock lock(m_mutex);
        if (auto it = m_keys.find(text); it != m_keys.end()) {
            return it->second;
        }
    }
    auto key = std::make_shared<const util::Key>(parse());
    std::unique_lock lock(m_mutex);
    if (m_keys.size() >= k_max_entries) {
        m_keys.clear();  // rare: keys rotate slowly; start over rather than track age
    }
    m_keys.emplace(text, key);
    return key;
}

std::shared_ptr<const util::Key> KeyCache::from_jwk(const nlohmann::json& jwk) {
    // The key material names the key: every public member, in a fixed order.
    // (Serialising the whole JWK cost more than the rest of a request.)
    std::string text = "jwk";
    for (const char* member : {"kty", "crv", "n", "e", "x", "y"}) {
        auto it = jwk.find(member);
        text += '|';
        if (it != jwk.end() && it->is_string()) {
            text += it->get_ref<const std::string&>();
        }
    }
    return get(text, [&] { return util::Key::from_jwk(jwk, util::KeyChecks::registered); });
}

std::shared_ptr<const util::Key> KeyCache::by_id(const std::string& id,
                                                 const std::function<util::Key()>& load) {
    return get("id:" + id, load);
}

}  // namespace mpctl::core
