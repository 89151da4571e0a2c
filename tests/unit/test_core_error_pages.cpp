// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/token/error_pages.hpp"
#include "core/token/refusal.hpp"

using namespace mpctl::core;

TEST_CASE("core::error_pages: every refusal the token endpoint gives is documented as it is") {
    std::vector<Refusal> all{
        refuse::invalid_request("x"),
        refuse::unsupported_grant_type("x"),
        refuse::used_before(),
        refuse::client_authentication("x"),
        refuse::audience("x"),
        refuse::certificate("x"),
        refuse::expired_key("x"),
        refuse::certificate_org("x"),
        refuse::x5c("x"),
        refuse::signature("x"),
        refuse::time("x"),
        refuse::scope("x"),
        refuse::scope_not_maskinporten("x"),
        refuse::no_access("x"),
        refuse::no_delegation("x", "y", "z"),
        refuse::authorization_type("x"),
        refuse::authorization_member("x"),
        refuse::authorization_value("x"),
    };
    for (const Refusal& r : all) {
        CAPTURE(r.code);
        const ErrorPage* page = find_error_page(r.code);
        REQUIRE(page != nullptr);
        CHECK(page->status == r.status);
        CHECK(std::string(page->error).find("`" + r.error + "`") != std::string::npos);
        CHECK(!page->in_short.empty());
        CHECK(!page->fix.empty());
        CHECK(page->fix.find('\n') == std::string_view::npos);
        CHECK(page->markdown.find("**How to fix:**") != std::string_view::npos);
    }
}

TEST_CASE("core::error_pages: the 503 has its page; unknown codes have none") {
    const ErrorPage* page = find_error_page("temporarily_unavailable");
    REQUIRE(page != nullptr);
    CHECK(page->status == 503);
    CHECK(find_error_page("MP-999") == nullptr);
    CHECK(find_error_page("") == nullptr);
    CHECK(error_pages().size() == 18);  // 17 MP codes and temporarily_unavailable
}
