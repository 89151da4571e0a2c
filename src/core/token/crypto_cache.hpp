// SPDX-License-Identifier: Apache-2.0
// Parsed keys and certificates for the token path. Importing a key or
// parsing a certificate costs far more than using it (an RSA public-key
// check alone is milliseconds; OpenSSL 3 decodes a certificate's key through
// its provider machinery), and the same few come with every request: so each
// distinct text is parsed once and shared.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/crypto.hpp"
#include "core/util/text_memo.hpp"
#include "core/util/time.hpp"

namespace mpctl::core {

class CryptoCache {
  public:
    // The key of a stored JWK, checked in full when it was registered (so
    // not again: KeyChecks::registered); its public members are the cache
    // key, so a changed key is a new entry, never a stale one.
    std::shared_ptr<const util::Key> from_jwk(const nlohmann::json& jwk);
    // A key known by an id that names exactly one key forever (a signing
    // key's kid is its thumbprint); `load` runs only on a miss.
    std::shared_ptr<const util::Key> by_id(const std::string& id,
                                           const std::function<util::Key()>& load);
    // The certificate of a trusted CA's record, from its PEM.
    std::shared_ptr<const util::Certificate> trusted_ca(std::string_view pem);

    // An x5c chain as parsed, with the leaf's key, and what its last full
    // verification saw.
    struct Chain {
        std::vector<util::Certificate> certificates;
        std::shared_ptr<const util::Key> leaf_key;
        util::UnixTime valid_from = 0;   // the latest notBefore of the chain
        util::UnixTime valid_until = 0;  // the earliest notAfter of the chain
        std::string verified_with;       // SHA-256 of the trusted CA records then
    };
    // A chain remembered by its x5c entries joined with ','; null when it is
    // not. Only chains that verified are remembered, so what a stranger
    // sends takes no memory.
    std::shared_ptr<const Chain> chain(std::string_view x5c);
    void remember_chain(std::string_view x5c, Chain chain);

  private:
    util::TextMemo<util::Key> m_keys{10000};
    util::TextMemo<util::Certificate> m_cas{1000};
    util::TextMemo<Chain> m_chains{10000};
};

}  // namespace mpctl::core
