// SPDX-License-Identifier: Apache-2.0
// A JWT grant's header and claims, validated by every rule of the token
// service over the fixed registry. The input is "HEADER\nCLAIMS": two JSON
// texts, signed with the client's real key, so that the rules after the
// signature are reached too; an input without a line break is taken as a
// compact JWT as it stands.
#include "core/util/base64.hpp"
#include "world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& world = mpctl::fuzz::World::get();
    // Client ids are random: "@CLIENT@" in a seed stands for the client's.
    std::string text(mpctl::fuzz::text(data, size));
    if (auto at = text.find("@CLIENT@"); at != std::string::npos) {
        text.replace(at, 8, world.client.client_id);
    }
    std::string_view input = text;
    std::string assertion;
    if (auto nl = input.find('\n'); nl != std::string_view::npos) {
        assertion = mpctl::core::sign_jwt_text(input.substr(0, nl), input.substr(nl + 1), world.key,
                                               mpctl::core::util::JwsAlg::es256);
    } else {
        assertion = std::string(input);
    }
    auto out = world.service.request(
        mpctl::core::TokenForm{std::string(mpctl::core::k_jwt_bearer), assertion, std::nullopt},
        {"fuzz"});
    if (!out.response && !out.refusal) {
        __builtin_trap();  // neither a token nor a reason
    }
    return 0;
}
