// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <map>

#include "core/util/crypto.hpp"
#include "core/util/jws.hpp"

namespace mpctl::test {

// Every JWS algorithm mpctl accepts, with the key type that signs it.
struct AlgCase {
    core::util::KeyType type;
    core::util::JwsAlg alg;
};

inline constexpr std::array<AlgCase, 7> k_all_algs{{
    {core::util::KeyType::rsa, core::util::JwsAlg::rs256},
    {core::util::KeyType::rsa, core::util::JwsAlg::rs384},
    {core::util::KeyType::rsa, core::util::JwsAlg::rs512},
    {core::util::KeyType::rsa, core::util::JwsAlg::ps256},
    {core::util::KeyType::ec_p256, core::util::JwsAlg::es256},
    {core::util::KeyType::ec_p384, core::util::JwsAlg::es384},
    {core::util::KeyType::ed25519, core::util::JwsAlg::eddsa},
}};

// One key of each type for the whole test run, for tests about what a key
// of a type does, not about making one: generating RSA keys again in every
// test case (and SUBCASEs re-enter theirs) was most of the unit run's time.
inline const core::util::Key& shared_key(core::util::KeyType type) {
    static std::map<core::util::KeyType, core::util::Key> keys;
    auto it = keys.find(type);
    if (it == keys.end()) {
        it = keys.emplace(type, core::util::Key::generate(type)).first;
    }
    return it->second;
}

}  // namespace mpctl::test
