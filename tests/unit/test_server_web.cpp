// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "server/http.hpp"
#include "server/web.hpp"
#include "support/server_fixture.hpp"

using namespace mpctl;
using mpctl::test::ServerFixture;

namespace {

server::Response get(ServerFixture& f, const std::string& target, const std::string& method = "GET",
                     const std::string& if_none_match = "", const std::string& accept = "") {
    server::Request req{method, target, "", "", "", ""};
    req.if_none_match = if_none_match;
    req.accept = accept;
    return server::serve(std::move(req), f.services);
}

constexpr const char* k_browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

bool has(const server::Response& r, std::string_view text) {
    return r.body.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("server web page: files, types and caching") {
    ServerFixture f;
    SUBCASE("the app's files with their content types") {
        auto index = get(f, "/app/");
        CHECK(index.status == 200);
        CHECK(index.content_type == "text/html; charset=utf-8");
        CHECK(has(index, "<script type=\"module\" src=\"js/main.js\">"));
        CHECK(get(f, "/app/index.html").body == index.body);
        auto js = get(f, "/app/js/main.js");
        CHECK(js.status == 200);
        CHECK(js.content_type == "text/javascript; charset=utf-8");
        CHECK(get(f, "/app/app.css").content_type == "text/css; charset=utf-8");
        CHECK(get(f, "/app/favicon.svg").content_type == "image/svg+xml");
    }
    SUBCASE("every file of web/ but the templates is served") {
        for (const auto& file : server::web_files()) {
            CAPTURE(file.path);
            auto r = get(f, "/app/" + std::string(file.path));
            CHECK(r.status == (file.path.starts_with("pages/") ? 404 : 200));
        }
    }
    SUBCASE("unknown paths are 404; /app gets its slash") {
        CHECK(get(f, "/app/nosuch.js").status == 404);
        CHECK(get(f, "/app/../router.cpp").status == 404);
        CHECK(get(f, "/app/js/").status == 404);
        CHECK(get(f, "/app/pages/landing.html").status == 404);
        CHECK(get(f, "/errors/MP-999").status == 404);
        auto r = get(f, "/app");
        CHECK(r.status == 308);
        CHECK(*r.header("Location") == "/app/");
    }
    SUBCASE("an ETag, and 304 for a client that has the file") {
        auto r = get(f, "/app/js/main.js");
        REQUIRE(r.header("ETag"));
        std::string etag = *r.header("ETag");
        CHECK(etag.size() == 18);
        CHECK(*r.header("Cache-Control") == "no-cache");
        auto again = get(f, "/app/js/main.js", "GET", etag);
        CHECK(again.status == 304);
        CHECK(again.body.empty());
        CHECK(*again.header("ETag") == etag);
        CHECK(get(f, "/app/js/main.js", "GET", "\"other\", W/" + etag).status == 304);
        CHECK(get(f, "/app/js/main.js", "GET", "*").status == 304);
        CHECK(get(f, "/app/js/main.js", "GET", "\"other\"").status == 200);
        CHECK(*get(f, "/app/js/dom.js").header("ETag") != etag);
    }
    SUBCASE("HEAD answers as GET; other methods are 405") {
        auto head = get(f, "/app/app.css", "HEAD");
        CHECK(head.status == 200);
        CHECK(*head.header("ETag") == *get(f, "/app/app.css").header("ETag"));
        auto post = get(f, "/app/", "POST");
        CHECK(post.status == 405);
        CHECK(*post.header("Allow") == "GET, HEAD");
        CHECK(get(f, "/", "DELETE").status == 405);
    }
}

TEST_CASE("server web page: security headers on every answer") {
    ServerFixture f;
    for (const char* target :
         {"/", "/app/", "/app/js/main.js", "/errors/MP-110", "/jwk", "/nosuch"}) {
        CAPTURE(target);
        auto r = get(f, target);
        REQUIRE(r.header("Content-Security-Policy"));
        std::string csp = *r.header("Content-Security-Policy");
        CHECK(csp.find("default-src 'self'") != std::string::npos);
        CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
        CHECK(csp.find("unsafe-inline") == std::string::npos);
        CHECK(*r.header("X-Content-Type-Options") == "nosniff");
        CHECK(*r.header("Referrer-Policy") == "no-referrer");
    }
}

TEST_CASE("server web page: the landing page and the error pages") {
    ServerFixture f;
    SUBCASE("/ names the issuer and links the metadata, the keys and the app") {
        auto r = get(f, "/");
        CHECK(r.status == 200);
        CHECK(r.content_type == "text/html; charset=utf-8");
        CHECK(has(r, "https://mp.test/"));
        CHECK(has(r, "href=\".well-known/oauth-authorization-server\""));
        CHECK(has(r, "href=\"jwk\""));
        CHECK(has(r, "href=\"app/\""));
        for (const char* link : {"errors/", "api/v1/openapi.json", "healthz", "metrics"}) {
            CAPTURE(link);
            CHECK(has(r, std::string("href=\"") + link + "\""));
        }
        CHECK(!has(r, "{{"));
    }
    SUBCASE("/errors/: every code, linked; /errors goes there") {
        auto r = get(f, "/errors/");
        CHECK(r.status == 200);
        CHECK(r.content_type == "text/html; charset=utf-8");
        for (const char* code : {"MP-011", "MP-110", "MP-251", "temporarily_unavailable"}) {
            CAPTURE(code);
            CHECK(has(r, fmt::format("<a href=\"{0}\">{0}</a>", code)));
        }
        CHECK(has(r, "<td><code>aud</code> is not the issuer</td><td>400</td>"));
        CHECK(!has(r, "`"));
        CHECK(!has(r, "{{"));
        auto bare = get(f, "/errors");
        CHECK(bare.status == 308);
        CHECK(*bare.header("Location") == "/errors/");
    }
    SUBCASE("a code in any case; each page links the index and the home page") {
        auto lower = get(f, "/errors/mp-110");
        CHECK(lower.status == 200);
        CHECK(lower.body == get(f, "/errors/MP-110").body);
        CHECK(get(f, "/errors/Temporarily_Unavailable").status == 200);
        CHECK(has(lower, "<a href=\"./\">All error codes</a>"));
        CHECK(has(lower, "<a href=\"../\">Home</a>"));
        CHECK(get(f, "/errors/MP-999").status == 404);
        CHECK(get(f, "/errors/MP-110/x").status == 404);
    }
    SUBCASE("a browser that lands on nothing gets a page; an API client JSON") {
        for (const char* path : {"/nope", "/errors/MP-999", "/app/nope.js", "/a/<d>\"x"}) {
            CAPTURE(path);
            auto html = get(f, path, "GET", "", k_browser);
            CHECK(html.status == 404);
            CHECK(html.content_type == "text/html; charset=utf-8");
            CHECK(has(html, "href=\"/errors/\""));
            CHECK(has(html, "href=\"/\""));
            CHECK(*html.header("Cache-Control") == "no-store");
            CHECK(*html.header("Vary") == "Accept");
            CHECK(has(html, *html.header("X-Trace-Id")));
            CHECK(!has(html, "<d>"));
            if (std::string(path).find('<') != std::string::npos) {
                CHECK(has(html, "&lt;d&gt;&quot;x"));
            }
            auto json = get(f, path, "GET", "", "application/json");
            CHECK(json.status == 404);
            CHECK(json.content_type == "application/json");
            CHECK(*json.header("Vary") == "Accept");
            CHECK(get(f, path).content_type == "application/json");
        }
        // A path that holds a template's marks is text: the page's own
        // values are put in once, never into what another value brought.
        auto marks = get(f, "/{{trace_id}}{{root}}{{head}}", "GET", "", k_browser);
        CHECK(has(marks, "<code>/{{trace_id}}{{root}}{{head}}</code>"));
        CHECK(marks.body.find("<!doctype html>") == marks.body.rfind("<!doctype html>"));
        // The head every page shares: one title, the style sheet from the root.
        for (const char* page : {"/", "/errors/", "/errors/MP-110", "/nope"}) {
            CAPTURE(page);
            auto r = get(f, page, "GET", "", k_browser);
            CHECK(r.body.starts_with("<!doctype html>\n<html lang=\"en\">"));
            CHECK(has(r, "app/app.css\">"));
            CHECK(has(r, "<header class=\"top\">"));
            CHECK(!has(r, "{{"));
        }
        // The API is JSON whatever the client takes.
        auto api = get(f, "/api/v1/nope", "GET", "", k_browser);
        CHECK(api.content_type == "application/json");
    }
    SUBCASE("/errors/<code>: what it means and how to fix it, from docs/errors.md") {
        auto r = get(f, "/errors/MP-110");
        CHECK(r.status == 200);
        CHECK(r.content_type == "text/html; charset=utf-8");
        CHECK(has(r, "<h1>MP-110: <code>aud</code> is not the issuer</h1>"));
        CHECK(has(r, "<title>MP-110: aud is not the issuer</title>"));
        CHECK(!has(r, "`"));
        CHECK(has(r, "<strong>How to fix:</strong> set <code>aud</code> to the issuer"));
        CHECK(!has(r, "{{"));
        // The text of docs/errors.md is escaped: MP-011's "<JWT>" is text.
        auto escaped = get(f, "/errors/MP-011");
        CHECK(has(escaped, "assertion=&lt;JWT&gt;"));
        CHECK(!has(escaped, "<JWT>"));
        for (const char* code :
             {"MP-011", "MP-012", "MP-100", "MP-120", "MP-121", "MP-122", "MP-123", "MP-124",
              "MP-130", "MP-200", "MP-201", "MP-250", "MP-251", "temporarily_unavailable"}) {
            CAPTURE(code);
            auto page = get(f, std::string("/errors/") + code);
            CHECK(page.status == 200);
            CHECK(has(page, "How to fix:"));
        }
    }
    SUBCASE("an issuer with a path: pages under it, and its bare path gets the slash") {
        f.services.base_path = "/mp";
        CHECK(get(f, "/mp/").status == 200);
        CHECK(get(f, "/mp/app/").status == 200);
        CHECK(get(f, "/mp/errors/MP-110").status == 200);
        auto lost = get(f, "/mp/nope", "GET", "", k_browser);
        CHECK(has(lost, "href=\"/mp/errors/\""));
        auto r = get(f, "/mp");
        CHECK(r.status == 308);
        CHECK(*r.header("Location") == "/mp/");
    }
}
