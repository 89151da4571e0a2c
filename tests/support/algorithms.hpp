// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>

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

}  // namespace mpctl::test
