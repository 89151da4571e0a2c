// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cli/version.hpp"
#include "server/openapi.hpp"
#include "server/router.hpp"
#include "support/server_fixture.hpp"

using namespace mpctl;
using mpctl::test::ServerFixture;
using nlohmann::json;

namespace {

// The operations an OpenAPI path item may hold.
constexpr const char* k_methods[] = {"get",     "put",  "post",  "delete",
                                     "options", "head", "patch", "trace"};

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

using Operation = std::pair<std::string, std::string>;  // method, path

std::set<Operation> table_operations() {
    std::set<Operation> out;
    for (const auto& route : server::route_table()) {
        out.emplace(route.method, route.path);
    }
    return out;
}

std::set<Operation> documented_operations(const json& doc) {
    std::set<Operation> out;
    for (const auto& [path, item] : doc.at("paths").items()) {
        for (const char* method : k_methods) {
            if (item.contains(method)) {
                out.emplace(upper(method), path);
            }
        }
    }
    return out;
}

// A path template with its {params} filled in with values of their form
// that name nothing in the fixture's store.
std::string filled(const std::string& path) {
    const std::pair<std::string, std::string> values[] = {
        {"{id}", "6f1c2a9e-3b4d-4c5e-8f60-7a8b9c0d1e2f"},
        {"{orgno}", "930000000"},
        {"{kid}", "k9"},
        {"{code}", "mp-012"}};
    std::string out = path;
    for (const auto& [param, value] : values) {
        for (auto at = out.find(param); at != std::string::npos; at = out.find(param)) {
            out.replace(at, param.size(), value);
        }
    }
    return out;
}

std::vector<std::string> split_allow(const std::string& allow) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= allow.size()) {
        size_t comma = std::min(allow.find(',', start), allow.size());
        std::string method = allow.substr(start, comma - start);
        method.erase(0, method.find_first_not_of(' '));
        out.push_back(method);
        start = comma + 1;
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("server::route_table and docs/openapi.json describe the same operations") {
    json doc = json::parse(server::openapi_text());
    auto table = table_operations();
    SUBCASE("the table holds both routing tables, once each") {
        CHECK(table.size() == server::route_table().size());
        for (const Operation& op :
             {Operation{"POST", "/token"}, Operation{"GET", "/api/v1/openapi.json"},
              Operation{"GET", "/api/v1/scopes/all"},
              Operation{"DELETE", "/api/v1/clients/{id}/jwks/{kid}"},
              Operation{"POST", "/api/v2/clients/{id}/key"}}) {
            CHECK_MESSAGE(table.contains(op), op.first << " " << op.second);
        }
    }
    SUBCASE("every route of the server is documented") {
        for (const auto& [method, path] : table) {
            const json& paths = doc.at("paths");
            CHECK_MESSAGE((paths.contains(path) && paths.at(path).contains(lower(method))),
                          method << " " << path << " is not in docs/openapi.json");
        }
    }
    SUBCASE("every documented operation is a route of the server") {
        for (const auto& [method, path] : documented_operations(doc)) {
            CHECK_MESSAGE(table.contains({method, path}), method << " " << path
                                                                 << " is documented, but the "
                                                                    "server has no such route");
        }
    }
}

TEST_CASE("server::route_table is what the server routes") {
    ServerFixture f;
    std::string token = f.token_for(test::k_consumer, test::k_all_admin);
    auto table = table_operations();
    for (const auto& [method, path] : table) {
        CAPTURE(method);
        CAPTURE(path);
        // The handler answers, whatever it makes of the empty request.
        auto r = f.call(method, filled(path), "", token);
        CHECK(r.status != 405);
        CHECK(r.body.find("no such endpoint") == std::string::npos);
        // A method the route table does not list for the path is 405, and
        // Allow names the ones it does.
        std::vector<std::string> methods;
        for (const auto& [m, p] : table) {
            if (p == path) {
                methods.push_back(m);
            }
        }
        std::sort(methods.begin(), methods.end());
        auto other = f.call("PATCH", filled(path), "", token);
        CHECK(other.status == 405);
        REQUIRE(other.header("Allow") != nullptr);
        // A page takes HEAD wherever it takes GET (RFC 9110 9.3.2).
        auto allow = split_allow(*other.header("Allow"));
        if (path.starts_with("/errors/")) {
            std::erase(allow, "HEAD");
        }
        CHECK(allow == methods);
    }
}

TEST_CASE("server GET /api/v1/openapi.json") {
    ServerFixture f;
    json repository = json::parse(server::openapi_text());
    SUBCASE("the document, without a token, pointed at the issuer") {
        server::Request req{"GET", "/api/v1/openapi.json", "", "", "", "trace-1"};
        auto r = server::handle(req, f.services);
        CHECK(r.status == 200);
        CHECK(r.content_type == "application/json");
        json doc = json::parse(r.body);
        CHECK(doc.at("openapi").get<std::string>().starts_with("3.1."));
        CHECK(doc.at("info").at("version") == std::string(cli::k_version));
        REQUIRE(doc.at("servers").size() == 1);
        CHECK(doc["servers"][0]["url"] == "https://mp.test");
        // The rest is the repository's document as it is.
        doc.erase("servers");
        repository.erase("servers");
        CHECK(doc == repository);
    }
    SUBCASE("under an issuer with a path, at the issuer the server runs under") {
        f.service.set_issuer("https://proxy.test/maskinporten/");
        f.services.base_path = "/maskinporten";
        auto r = f.call("GET", "/maskinporten/api/v1/openapi.json");
        REQUIRE(r.status == 200);
        CHECK(json::parse(r.body)["servers"][0]["url"] == "https://proxy.test/maskinporten");
        CHECK(f.call("GET", "/api/v1/openapi.json").status == 200);
    }
    SUBCASE("GET only; another method is 405 even without a token") {
        auto r = f.call("POST", "/api/v1/openapi.json", "{}");
        CHECK(r.status == 405);
        REQUIRE(r.header("Allow") != nullptr);
        CHECK(*r.header("Allow") == "GET");
    }
    SUBCASE("the routes beside it still need a token") {
        CHECK(f.call("GET", "/api/v1/openapi").status == 401);
        CHECK(f.call("GET", "/api/v1/clients").status == 401);
    }
}

TEST_CASE("server GET /api/v1/registry.schema.json") {
    ServerFixture f;
    // Without a token: an editor fetches it to validate a registry file.
    server::Request req{"GET", "/api/v1/registry.schema.json", "", "", "", "trace-1"};
    auto r = server::handle(req, f.services);
    CHECK(r.status == 200);
    CHECK(r.content_type == "application/schema+json");
    CHECK(r.body == server::registry_schema_text());
    json schema = json::parse(r.body);
    CHECK(schema.at("$schema") == "https://json-schema.org/draft/2020-12/schema");
    CHECK(schema.at("properties").contains("clients"));
    auto other = f.call("PUT", "/api/v1/registry.schema.json", "{}");
    CHECK(other.status == 405);
}
