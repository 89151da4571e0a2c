// SPDX-License-Identifier: Apache-2.0
#include "core/token/crypto_cache.hpp"

#include <utility>

namespace mpctl::core {

std::shared_ptr<const util::Key> CryptoCache::from_jwk(const nlohmann::json& jwk) {
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
    return m_keys.get(text, [&] { return util::Key::from_jwk(jwk, util::KeyChecks::registered); });
}

std::shared_ptr<const util::Key> CryptoCache::by_id(const std::string& id,
                                                    const std::function<util::Key()>& load) {
    return m_keys.get("id:" + id, load);
}

std::shared_ptr<const util::Certificate> CryptoCache::trusted_ca(std::string_view pem) {
    return m_cas.get(pem, [pem] { return std::move(util::Certificate::from_pem(pem)[0]); });
}

std::shared_ptr<const CryptoCache::Chain> CryptoCache::chain(std::string_view x5c) {
    return m_chains.find(x5c);
}

void CryptoCache::remember_chain(std::string_view x5c, Chain chain) {
    m_chains.put(x5c, std::move(chain));
}

}  // namespace mpctl::core
