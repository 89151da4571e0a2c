// SPDX-License-Identifier: Apache-2.0
// For unit tests of the token service: what a TokenOutcome must be.
#pragma once

#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "core/token/token_service.hpp"

namespace mpctl::test {

// Checks a refusal: error, MP code and HTTP status, and a word of the text.
inline void refused(const core::TokenOutcome& out, const char* error, const char* code, int status,
                    const char* says = "") {
    REQUIRE_MESSAGE(out.refusal, "granted, expected " << code);
    CHECK(out.refusal->error == error);
    CHECK(out.refusal->code == code);
    CHECK(out.refusal->status == status);
    CHECK_MESSAGE(out.refusal->description.find(says) != std::string::npos,
                  out.refusal->description);
    CHECK_FALSE(out.response);
    CHECK(out.audit.result == "refused");
    CHECK(out.audit.code == code);
}

inline void granted(const core::TokenOutcome& out) {
    REQUIRE_MESSAGE(out.response, (out.refusal ? out.refusal->description : ""));
    CHECK(out.audit.result == "granted");
}

// The access token's claims, as the service wrote them.
inline nlohmann::json claims(const core::TokenOutcome& out) {
    return nlohmann::json::parse(out.claims_json);
}

}  // namespace mpctl::test
