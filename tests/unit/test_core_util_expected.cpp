// SPDX-License-Identifier: Apache-2.0
// Expected: a value or why there is none, and value() for a caller to whom
// the "why" is an error.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "core/token/refusal.hpp"
#include "core/util/error.hpp"
#include "core/util/expected.hpp"

using mpctl::Expected;
using mpctl::Invalid;
using mpctl::Parsed;
using mpctl::core::Refusal;
using mpctl::core::Result;

namespace {

Parsed<int> positive(int n) {
    if (n <= 0) {
        return Invalid{"must be positive, not " + std::to_string(n)};
    }
    return n;
}

Parsed<void> even(int n) {
    if (n % 2 != 0) {
        return Invalid{"must be even"};
    }
    return {};
}

}  // namespace

TEST_CASE("Expected holds the value or why there is none") {
    auto good = positive(3);
    REQUIRE(good.ok());
    CHECK(static_cast<bool>(good));
    CHECK(*good == 3);
    auto bad = positive(-1);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == "must be positive, not -1");
}

TEST_CASE("Expected::value() raises the Invalid as invalid input, word for word") {
    CHECK(positive(7).value() == 7);
    try {
        (void)positive(0).value();
        FAIL("no throw");
    } catch (const mpctl::Error& e) {
        CHECK(e.kind() == mpctl::ErrorKind::invalid_input);
        CHECK(std::string(e.what()) == "must be positive, not 0");
    }
    CHECK_NOTHROW(even(2).value());
    CHECK_THROWS_WITH_AS(even(3).value(), "must be even", mpctl::Error);
}

TEST_CASE("Expected moves a value it cannot copy") {
    Expected<std::unique_ptr<int>, Invalid> held = std::make_unique<int>(5);
    std::unique_ptr<int> taken = std::move(held).value();
    REQUIRE(taken != nullptr);
    CHECK(*taken == 5);
}

TEST_CASE("Expected of a string is told apart from its error") {
    // The value and the error may both be made of text: the types keep
    // them apart, whichever way each was built.
    Parsed<std::string> text = std::string("value");
    Parsed<std::string> invalid = Invalid{"value"};
    CHECK(text.ok());
    CHECK_FALSE(invalid.ok());
}

TEST_CASE("Result and first_refusal: the first rule that refused, in order") {
    Result<void> passed;
    Result<int> number = 4;
    Result<void> first = Refusal{"invalid_grant", "MP-130", 400, "too old"};
    Result<int> second = Refusal{"invalid_scope", "MP-200", 400, "no scope"};
    CHECK(mpctl::core::first_refusal(passed, number) == nullptr);
    const Refusal* found = mpctl::core::first_refusal(passed, second, first);
    REQUIRE(found != nullptr);
    CHECK(found->code == "MP-200");
    found = mpctl::core::first_refusal(first, second);
    REQUIRE(found != nullptr);
    CHECK(found->code == "MP-130");
}
