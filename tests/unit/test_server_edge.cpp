// SPDX-License-Identifier: Apache-2.0
// Hostile input at the server's edge: bytes that are not text, JSON nested
// without end, malformed heads; and resources that run out (a full disk).
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "core/util/base64.hpp"
#include "core/util/json_text.hpp"
#include "server/http.hpp"
#include "support/server_fixture.hpp"
#include "support/tiny_fs.hpp"

using namespace mpctl;
using mpctl::test::ServerFixture;
using nlohmann::json;

namespace {

std::string grant_form(const std::string& assertion) {
    return "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" +
           assertion;
}

// A refusal: 4xx, a JSON body that parses, an error that names something.
void refused(const server::Response& r, int status, const std::string& says = "") {
    CHECK_MESSAGE(r.status == status, r.body);
    json b = json::parse(r.body);  // throws on a body that is not valid JSON
    std::string description = b.value("error_description", "");
    CHECK_FALSE(description.empty());
    if (!says.empty()) {
        CHECK_MESSAGE(description.find(says) != std::string::npos, description);
    }
}

struct Route {
    const char* method;
    const char* path;  // under the root; "{id}" is replaced by a client id
};

// Every route of the server, with the method that reaches its handler.
const Route k_routes[] = {
    {"POST", "/token"},
    {"GET", "/jwk"},
    {"GET", "/.well-known/oauth-authorization-server"},
    {"POST", "/introspect"},
    {"GET", "/healthz"},
    {"GET", "/metrics"},
    {"GET", "/api/v1/scopes/all"},
    {"GET", "/api/v1/scopes"},
    {"POST", "/api/v1/scopes"},
    {"PUT", "/api/v1/scopes"},
    {"DELETE", "/api/v1/scopes"},
    {"GET", "/api/v1/scopes/access"},
    {"PUT", "/api/v1/scopes/access/910000004"},
    {"DELETE", "/api/v1/scopes/access/910000004"},
    {"GET", "/api/v1/scopes/access/all"},
    {"GET", "/api/v1/clients"},
    {"POST", "/api/v1/clients"},
    {"GET", "/api/v1/clients/{id}"},
    {"PUT", "/api/v1/clients/{id}"},
    {"DELETE", "/api/v1/clients/{id}"},
    {"GET", "/api/v1/clients/{id}/jwks"},
    {"POST", "/api/v1/clients/{id}/jwks"},
    {"PUT", "/api/v1/clients/{id}/jwks"},
    {"DELETE", "/api/v1/clients/{id}/jwks"},
    {"GET", "/api/v1/delegations"},
    {"POST", "/api/v1/delegations"},
    {"DELETE", "/api/v1/delegations/{id}"},
};

bool takes_form(const std::string& path) {
    return path == "/token" || path == "/introspect";
}

bool reads_query(const std::string& path) {
    return path.starts_with("/api/v1/");
}

// An answer, whatever the input: below 500, and a body that is what it says.
void answered(const server::Response& r) {
    CHECK_MESSAGE(r.status < 500, r.body);
    if (r.content_type == "application/json") {
        CHECK_FALSE(json::parse(r.body, nullptr, false).is_discarded());
    }
}

}  // namespace

TEST_CASE("server edge: bytes that are not text, through every route") {
    ServerFixture f;
    std::string admin = f.token_for(test::k_consumer, test::k_all_admin);
    const std::string before = f.snapshot();
    for (const auto& route : k_routes) {
        std::string path = route.path;
        if (auto at = path.find("{id}"); at != std::string::npos) {
            path.replace(at, 4, f.client.client_id);
        }
        std::string content_type =
            takes_form(path) ? "application/x-www-form-urlencoded" : "application/json";
        auto send = [&](const std::string& target, const std::string& body, const std::string& type,
                        const std::string& auth) {
            server::Request req{route.method, target, type, auth, body, ""};
            auto r = server::serve(std::move(req), f.services);
            answered(r);
            return r;
        };
        std::string bearer = "Bearer " + admin;
        CAPTURE(std::string(route.method));
        CAPTURE(path);
        // Every route, whether it reads the part or not.
        refused(send(path + "\xff", "", content_type, bearer), 400, "0xFF");
        refused(send(path + "?x=\x1b", "", content_type, bearer), 400, "0x1B");
        refused(send(path, "", "application/json\x80", bearer), 400, "Content-Type");
        refused(send(path, "", content_type, "Bearer \xc3\xa6"), 400, "Authorization");
        if (reads_query(path)) {
            refused(send(path + "?scope=%FF", "", content_type, bearer), 400, "\"scope\"");
            refused(send(path + "?scope=a%1Bb", "", content_type, bearer), 400, "U+001B");
            refused(send(path + "?%FF=1", "", content_type, bearer), 400, "name");
        } else {
            send(path + "?scope=%FF", "", content_type, bearer);
            send(path + "?%FF=1", "", content_type, bearer);
        }
        if (takes_form(path)) {
            refused(send(path, "grant_type=%FF&token=%FF", content_type, bearer), 400,
                    "not valid UTF-8");
            refused(send(path, "%FF=1", content_type, bearer), 400, "name");
        } else if (std::string_view(route.method) == "POST" ||
                   std::string_view(route.method) == "PUT") {
            send(path, "{\"client_name\":\"\xff\",\"description\":\"\xc3\"}", content_type, bearer);
            send(path, "{\"client_name\":\"x\\u001b]0;owned\\u0007\"}", content_type, bearer);
        }
    }
    CHECK(f.snapshot() == before);
    CHECK(f.error_lines.empty());
}

TEST_CASE("server edge: the issue's reports") {
    ServerFixture f;
    SUBCASE("GET /\\xff is 400, not the end of the server") {
        refused(f.call("GET", "/\xff"), 400, "0xFF");
    }
    SUBCASE("POST /token with grant_type=%FF is MP-011, not 500") {
        auto r = f.post_form("/token", "grant_type=%FF&assertion=x");
        CHECK(r.status == 400);
        json b = json::parse(r.body);
        CHECK(b["error"] == "invalid_request");
        CHECK(b["error_uri"] == "https://mp.test/errors/MP-011");
        CHECK(b["error_description"].get<std::string>().find("grant_type") != std::string::npos);
    }
    SUBCASE("an HTTP/1.1 request without Host is 400; HTTP/1.0 needs none") {
        server::Request req{"GET", "/healthz", "", "", "", ""};
        req.host_fields = 0;
        refused(server::serve(req, f.services), 400, "Host");
        req.host_fields = 2;
        refused(server::serve(req, f.services), 400, "Host");
        req.host_fields = 0;
        req.version = 10;
        CHECK(server::serve(req, f.services).status == 200);
    }
    SUBCASE("/apiary is not under /api: a 404, counted as another endpoint") {
        refused(f.call("GET", "/apiary"), 404, "no such endpoint: /apiary");
        std::string metrics = f.call("GET", "/metrics").body;
        CHECK(metrics.find("endpoint=\"api\",status=\"404\"") == std::string::npos);
        CHECK(metrics.find("endpoint=\"other\",status=\"404\"") != std::string::npos);
    }
    SUBCASE("an error message repeats only text: the 404 of a strange path") {
        auto r = f.call("GET", "/%FF%1B");
        refused(r, 404, "%FF%1B");
    }
}

TEST_CASE("server edge: a body that is not JSON says so once") {
    ServerFixture f;
    std::string admin = f.token_for(test::k_consumer, test::k_all_admin);
    auto r = f.call("POST", "/api/v1/clients", "{\"client_name\":", admin);
    refused(r, 400, "the request body is not valid JSON");
    CHECK(r.body.find("the the") == std::string::npos);
}

TEST_CASE("server edge: JSON nested without end") {
    ServerFixture f;
    std::string admin = f.token_for(test::k_consumer, test::k_all_admin);
    std::string deep(100'000, '[');
    const std::string before = f.snapshot();
    auto r = f.call("PUT", "/api/v1/clients/" + f.client.client_id + "/jwks",
                    "{\"keys\":" + deep + "}", admin);
    refused(r, 400, "deep");
    r = f.call("POST", "/api/v1/clients", deep, admin);
    refused(r, 400, "deep");
    // Exactly the limit is parsed; one more is refused, by the parser itself.
    std::string at_limit = std::string(core::k_max_json_depth - 1, '[') + "1" +
                           std::string(core::k_max_json_depth - 1, ']');
    auto r2 = f.call("POST", "/api/v1/clients", "{\"a\":" + at_limit + "}", admin);
    refused(r2, 400);
    CHECK(r2.body.find("deep") == std::string::npos);
    refused(f.call("POST", "/api/v1/clients", "{\"a\":[" + at_limit + "]}", admin), 400, "deep");
    CHECK(f.snapshot() == before);
}

TEST_CASE("server edge: a JWT nested without end is an invalid grant") {
    ServerFixture f;
    auto b64 = [](const std::string& s) { return core::util::base64url_encode(s); };
    std::string header = b64(R"({"alg":"ES256","kid":"k1","x":)" + std::string(5000, '[') + "}");
    auto r = f.post_form("/token", grant_form(header + "." + b64("{}") + ".c2ln"));
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error_description"].get<std::string>().find("deep") !=
          std::string::npos);
}

TEST_CASE("server edge: a full disk under the audit log") {
    test::TinyFs fs(4 << 20);
    if (!fs.mounted()) {
        MESSAGE("skipped: " << fs.why_not());
        return;
    }
    ServerFixture f(std::filesystem::temp_directory_path(), core::runtime_options(),
                    fs.path() / "audit.log");
    REQUIRE(f.post_form("/token", grant_form(f.sign(f.claims()))).status == 200);
    fs.fill();

    // The log's last page may still have room for a line or two.
    server::Response r;
    std::string unlogged;
    int granted_while_full = 0;
    for (; granted_while_full < 100; ++granted_while_full) {
        unlogged = f.sign(f.claims());
        r = f.post_form("/token", grant_form(unlogged));
        if (r.status != 200) {
            break;
        }
    }
    CHECK(r.status == 503);
    REQUIRE(r.header("Retry-After"));
    CHECK(*r.header("Retry-After") == "5");
    json b = json::parse(r.body);
    CHECK(b["error"] == "temporarily_unavailable");
    CHECK(r.body.find("access_token") == std::string::npos);
    CHECK(r.body.find(fs.path().string()) == std::string::npos);  // no path to strangers
    REQUIRE_FALSE(f.error_lines.empty());
    CHECK(f.error_lines.back().find("No space left on device") != std::string::npos);

    auto health = f.call("GET", "/healthz");
    CHECK(health.status == 503);
    CHECK(json::parse(health.body)["reason"] ==
          "the audit log cannot be written: No space left on device");

    fs.free();  // and everything works again, without a restart
    CHECK(f.call("GET", "/healthz").status == 200);
    // The grant whose line could not be written was not marked used either.
    r = f.post_form("/token", grant_form(unlogged));
    CHECK(r.status == 200);
    // Every line of the log reads as JSON: a line the full disk cut short was ended.
    std::ifstream in(fs.path() / "audit.log");
    std::string line;
    int granted = 0;
    while (std::getline(in, line)) {
        json e = json::parse(line, nullptr, false);
        granted += !e.is_discarded() && e["result"] == "granted";
    }
    CHECK(granted == 2 + granted_while_full);
}

TEST_CASE("server edge: a full disk under the token memory") {
    test::TinyFs fs(24 << 20);
    if (!fs.mounted()) {
        MESSAGE("skipped: " << fs.why_not());
        return;
    }
    core::MapOptions small = core::runtime_options();
    small.map_size = 64 << 10;  // so that a few hundred grants make it grow
    test::TempDir elsewhere;
    ServerFixture f(fs.path(), small, elsewhere / "audit.log");
    fs.fill();
    // The map's reserved pages fill first; then it must grow, on a full disk.
    // Before reservation, this was SIGBUS: a write through the map into a hole.
    server::Response r;
    std::string grant;
    int issued = 0;
    for (; issued < 20'000; ++issued) {
        grant = f.sign(f.claims());
        r = f.post_form("/token", grant_form(grant));
        if (r.status != 200) {
            break;
        }
    }
    CHECK(issued > 0);
    CHECK_MESSAGE(r.status == 503, r.body);
    CHECK(json::parse(r.body)["error"] == "temporarily_unavailable");
    REQUIRE_FALSE(f.error_lines.empty());
    CHECK(f.error_lines.back().find("No space left on device") != std::string::npos);
    CHECK(f.error_lines.back().find(fs.path().string()) != std::string::npos);
    auto health = f.call("GET", "/healthz");
    CHECK(health.status == 503);
    CHECK(json::parse(health.body)["reason"].get<std::string>().find("token memory") !=
          std::string::npos);
    CHECK(f.call("GET", "/jwk").status == 200);  // reading goes on

    fs.free();
    CHECK(f.call("GET", "/healthz").status == 200);
    // The refused grant was not recorded: it may be sent again, once.
    CHECK(f.post_form("/token", grant_form(grant)).status == 200);
    CHECK(f.post_form("/token", grant_form(grant)).status == 400);
}
