// SPDX-License-Identifier: Apache-2.0
// What a server's error answer becomes: the kind by its status, the words
// by its body, and where it came from. (The calls themselves run against
// mpctl serve in tests/cli/test_remote.py and test_apply.py.)
#include <doctest/doctest.h>

#include <string>

#include "core/registry_api.hpp"
#include "core/util/error.hpp"

using mpctl::ErrorKind;
using mpctl::core::api_error;
using mpctl::core::util::HttpResponse;

namespace {

HttpResponse answer(long status, std::string body) {
    return HttpResponse{status, std::move(body), "application/json"};
}

}  // namespace

TEST_CASE("core::api_error: the kind of each status") {
    const std::string url = "https://mp.test/api/v1/clients";
    auto kind = [&](long status) { return api_error("GET", url, answer(status, "")).kind(); };
    CHECK(kind(400) == ErrorKind::invalid_input);
    CHECK(kind(401) == ErrorKind::forbidden);
    CHECK(kind(403) == ErrorKind::forbidden);
    CHECK(kind(404) == ErrorKind::not_found);
    CHECK(kind(409) == ErrorKind::conflict);
    CHECK(kind(429) == ErrorKind::unavailable);
    CHECK(kind(500) == ErrorKind::unavailable);
    CHECK(kind(503) == ErrorKind::unavailable);
    CHECK(kind(599) == ErrorKind::unavailable);
    CHECK(kind(302) == ErrorKind::failure);
    CHECK(kind(405) == ErrorKind::failure);
    CHECK(kind(600) == ErrorKind::failure);
}

TEST_CASE("core::api_error: the server's words, and where they came from") {
    const std::string url = "https://mp.test/api/v1/clients/x";
    auto words = [&](const std::string& body) {
        return std::string(api_error("PUT", url, answer(404, body)).what());
    };
    CHECK(words(R"({"error": "not_found", "error_description": "client x does not exist"})") ==
          "client x does not exist (HTTP 404 from PUT https://mp.test/api/v1/clients/x)");
    // Without a description: the OAuth error, else Spring's "message" (Digdir's answers).
    CHECK(words(R"({"error": "not_found"})") ==
          "not_found (HTTP 404 from PUT https://mp.test/api/v1/clients/x)");
    CHECK(words(R"({"status": 404, "message": "No client"})") ==
          "No client (HTTP 404 from PUT https://mp.test/api/v1/clients/x)");
    // Not JSON, or JSON of no use: the status speaks.
    for (const char* body : {"", "<html>gateway</html>", "[1, 2]", R"({"error": 7})"}) {
        CAPTURE(body);
        CHECK(words(body) ==
              "the server answered HTTP 404 (HTTP 404 from PUT "
              "https://mp.test/api/v1/clients/x)");
    }
    // Control characters from the server are not printed as they came.
    CHECK(words("{\"error_description\": \"bad\\u001b[31m\"}").find('\x1b') == std::string::npos);
}
