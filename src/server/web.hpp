// SPDX-License-Identifier: Apache-2.0
// What a browser gets: the landing page at "/", the self-service app's files
// under "/app/", a page for each token error code at "/errors/<code>" (in any
// case) and their index at "/errors/", and an HTML 404.
// The files come from web/, compiled in at build time (web_assets.py); the
// app is static and calls the self-service API like any other client.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "server/http.hpp"
#include "server/services.hpp"

namespace mpctl::server {

struct WebFile {
    std::string_view path;  // under web/: "index.html", "js/main.js", "pages/landing.html"
    std::string_view body;
};

// Every file of web/ (generated).
const std::vector<WebFile>& web_files();

// The answer for `path` (the issuer's path already taken off) when it is a
// page's; nullopt for the other endpoints. GET and HEAD only (405 else);
// an unknown file is 404. Answers carry an ETag, and If-None-Match that
// matches it gets 304.
std::optional<Response> serve_page(const Request& req, std::string_view path, Services& s);

// Whether the client is a browser, by its Accept: it names text/html (an API
// client asks for JSON, or for anything).
bool wants_html(const Request& req);

// The 404 a browser gets for `path`: a page that links the home page and
// the error codes, with the request's trace id.
Response not_found_page(const Request& req, std::string_view path, const Services& s);

// The headers every response carries: a strict Content-Security-Policy (no
// inline script or style, nothing from another origin, no framing),
// nosniff, and no Referer.
void add_security_headers(Response& r);

}  // namespace mpctl::server
