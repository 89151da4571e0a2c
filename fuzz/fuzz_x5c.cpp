// SPDX-License-Identifier: Apache-2.0
// x5c chains: the input lists certificates separated by "\n--\n"; an entry
// "LEAF" or "CA" stands for the world's real leaf or CA (made at start, so
// no seed can hold them), anything else is taken as DER. The grant is
// signed with the leaf's key, so a chain that verifies is followed to the end.
#include "core/util/base64.hpp"
#include "world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mpctl::core;
    auto& world = mpctl::fuzz::World::get();
    static const std::string leaf = util::Certificate::from_pem(world.ca.leaf_pem)[0].der();
    static const std::string ca = util::Certificate::from_pem(world.ca.ca_pem)[0].der();
    auto input = mpctl::fuzz::text(data, size);
    nlohmann::json x5c = nlohmann::json::array();
    for (size_t start = 0; start <= input.size();) {
        size_t end = input.find("\n--\n", start);
        auto entry = input.substr(start, end == std::string_view::npos ? end : end - start);
        x5c.push_back(util::base64_encode(entry == "LEAF" ? leaf : entry == "CA" ? ca : entry));
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 4;
    }
    auto grant = world.claims(world.bare);
    auto assertion = world.sign_with(world.leaf_key, grant, {{"x5c", x5c}}, util::JwsAlg::es256);
    auto out = world.request(assertion);
    if (!out.response && !out.refusal) {
        __builtin_trap();
    }
    return 0;
}
