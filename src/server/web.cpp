// SPDX-License-Identifier: Apache-2.0
#include "server/web.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "core/token/error_pages.hpp"

namespace mpctl::server {

namespace {

constexpr std::string_view k_app = "/app";
constexpr std::string_view k_errors_dir = "/errors";
constexpr std::string_view k_errors = "/errors/";
constexpr std::string_view k_pages = "pages/";  // templates, not served as they are
constexpr std::string_view k_head = "pages/head.html";

std::string_view content_type(std::string_view path) {
    static const std::pair<std::string_view, std::string_view> k_types[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
    };
    for (const auto& [ending, type] : k_types) {
        if (path.ends_with(ending)) {
            return type;
        }
    }
    return "application/octet-stream";
}

// A strong ETag: FNV-1a (64 bits) of the body. Not for security: it only
// has to change when the body does.
std::string etag_of(std::string_view body) {
    uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : body) {
        h = (h ^ c) * 1099511628211ULL;
    }
    return fmt::format("\"{:016x}\"", h);
}

const WebFile* find_file(std::string_view path) {
    for (const auto& file : web_files()) {
        if (file.path == path) {
            return &file;
        }
    }
    return nullptr;
}

// The app's files by the path they are served at, with their ETags.
struct Served {
    const WebFile* file;
    std::string etag;
};
const std::map<std::string, Served, std::less<>>& served_files() {
    static const auto k_served = [] {
        std::map<std::string, Served, std::less<>> out;
        for (const auto& file : web_files()) {
            if (!file.path.starts_with(k_pages)) {
                out.emplace(std::string(file.path), Served{&file, etag_of(file.body)});
            }
        }
        return out;
    }();
    return k_served;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// A template of web/pages/ with each {{name}} replaced by its value (which
// the caller has made HTML: escaped text, or markup of its own), in one
// pass: a value is never read for marks, whatever text it holds. {{head}}
// is pages/head.html (the document's head and the top bar), filled with the
// same values: page_title, root (the server's root, relative or not) and
// tagline.
std::string fill(std::string_view page,
                 const std::vector<std::pair<std::string_view, std::string>>& values) {
    const WebFile* file = find_file(page);
    if (file == nullptr) {
        throw HttpError(500, "server_error", fmt::format("the page {} is missing", page));
    }
    std::string_view text = file->body;
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        size_t open = text.find("{{");
        size_t close = open == std::string_view::npos ? open : text.find("}}", open);
        if (close == std::string_view::npos) {
            out += text;
            break;
        }
        out += text.substr(0, open);
        std::string_view name = text.substr(open + 2, close - open - 2);
        auto value = std::find_if(values.begin(), values.end(),
                                  [&](const auto& v) { return v.first == name; });
        if (name == "head" && page != k_head) {
            out += fill(k_head, values);
        } else if (value != values.end()) {
            out += value->second;
        } else {
            out += text.substr(open, close + 2 - open);  // not a mark of this page
        }
        text.remove_prefix(close + 2);
    }
    return out;
}

bool matches(std::string_view if_none_match, std::string_view etag) {
    if (if_none_match == "*") {
        return true;
    }
    // A list of entity tags; a weak one ("W/...") matches too (RFC 9110 13.1.2).
    size_t at = 0;
    while (at < if_none_match.size()) {
        size_t comma = if_none_match.find(',', at);
        std::string_view tag = if_none_match.substr(at, comma - at);
        while (!tag.empty() && tag.front() == ' ') {
            tag.remove_prefix(1);
        }
        while (!tag.empty() && tag.back() == ' ') {
            tag.remove_suffix(1);
        }
        if (tag.starts_with("W/")) {
            tag.remove_prefix(2);
        }
        if (tag == etag) {
            return true;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        at = comma + 1;
    }
    return false;
}

// 200 with the body, or 304 when the client has it already.
Response page(const Request& req, std::string_view type, std::string body, std::string etag) {
    Response r{200, std::string(type), std::move(body), {}};
    if (!req.if_none_match.empty() && matches(req.if_none_match, etag)) {
        r = Response{304, std::string(type), "", {}};
    }
    r.headers.emplace_back("ETag", std::move(etag));
    r.headers.emplace_back("Cache-Control", "no-cache");  // may keep, must ask again
    return r;
}

Response redirect(std::string location) {
    Response r{308, "text/plain; charset=utf-8", "", {}};
    r.headers.emplace_back("Location", std::move(location));
    return r;
}

Response landing(const Request& req, Services& s) {
    std::string issuer = s.tokens.issuer(s.registry.read());
    std::string body =
        fill("pages/landing.html", {{"page_title", "mpctl at " + html_escape(issuer)},
                                    {"root", "./"},
                                    {"tagline", "a self-hostable Maskinporten"},
                                    {"issuer", html_escape(issuer)}});
    std::string etag = etag_of(body);
    return page(req, content_type(".html"), std::move(body), std::move(etag));
}

std::string without_backticks(std::string_view markdown) {
    std::string out(markdown);
    std::erase(out, '`');
    return out;
}

// /errors/: every code, with what it says in short, its status and error.
Response error_index(const Request& req) {
    std::string rows;
    for (const auto& e : core::error_pages()) {
        std::string code = html_escape(e.code);
        rows += fmt::format(
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td><code>{}</code></td>"
            "</tr>\n",
            code, code, e.in_short_html, e.status, html_escape(without_backticks(e.error)));
    }
    std::string body = fill("pages/errors.html", {{"page_title", "Token endpoint errors"},
                                                  {"root", "../"},
                                                  {"tagline", "token endpoint errors"},
                                                  {"rows", rows}});
    std::string etag = etag_of(body);
    return page(req, content_type(".html"), std::move(body), std::move(etag));
}

Response error_page(const Request& req, std::string_view code) {
    if (code.empty()) {
        return error_index(req);
    }
    const core::ErrorPage* error = core::find_error_page(code);
    if (error == nullptr) {
        throw HttpError(404, "not_found", fmt::format("no error code {}", code));
    }
    // The code, title and body come from docs/errors.md, the body as HTML
    // that error_pages.py made (escaped text in paragraphs and lists).
    std::string title = without_backticks(error->in_short);
    std::string body = fill("pages/error.html",
                            {{"page_title", html_escape(fmt::format("{}: {}", error->code, title))},
                             {"root", "../"},
                             {"tagline", "token endpoint errors"},
                             {"code", html_escape(error->code)},
                             {"title", std::string(error->in_short_html)},
                             {"body", std::string(error->html)}});
    std::string etag = etag_of(body);
    return page(req, content_type(".html"), std::move(body), std::move(etag));
}

Response app_file(const Request& req, std::string_view file) {
    if (file.empty()) {
        file = "index.html";
    }
    const auto& files = served_files();
    auto it = files.find(file);
    if (it == files.end()) {
        throw HttpError(404, "not_found", fmt::format("no such file: {}", file));
    }
    return page(req, content_type(file), std::string(it->second.file->body), it->second.etag);
}

bool is_under(std::string_view path, std::string_view prefix) {
    return path == prefix || path.starts_with(std::string(prefix) + "/");
}

}  // namespace

std::optional<Response> serve_page(const Request& req, std::string_view path, Services& s) {
    bool root = path.empty() || path == "/";
    if (!root && !is_under(path, k_app) && !is_under(path, k_errors_dir)) {
        return std::nullopt;
    }
    if (req.method != "GET" && req.method != "HEAD") {
        throw HttpError(
            405, "method_not_allowed",
            fmt::format("{} takes GET, HEAD, not {}", path.empty() ? "/" : path, req.method),
            "GET, HEAD");
    }
    if (path.empty()) {
        return redirect(s.base_path + "/");  // relative links need the slash
    }
    if (path == k_errors_dir) {
        return redirect(s.base_path + std::string(k_errors));
    }
    if (root) {
        return landing(req, s);
    }
    if (path.starts_with(k_errors)) {
        return error_page(req, path.substr(k_errors.size()));
    }
    if (path == k_app) {
        return redirect(s.base_path + std::string(k_app) + "/");
    }
    return app_file(req, path.substr(k_app.size() + 1));
}

bool wants_html(const Request& req) {
    return req.accept.find("text/html") != std::string::npos;
}

Response not_found_page(const Request& req, std::string_view path, const Services& s) {
    // Links relative to the server's root, wherever the page is.
    std::string body = fill("pages/not-found.html", {{"page_title", "Not found"},
                                                     {"root", html_escape(s.base_path + "/")},
                                                     {"tagline", "a self-hostable Maskinporten"},
                                                     {"path", html_escape(path)},
                                                     {"trace_id", html_escape(req.trace_id)}});
    Response r{404, std::string(content_type(".html")), std::move(body), {}};
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

void add_security_headers(Response& r) {
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; base-uri 'none'; form-action 'self'; "
                           "frame-ancestors 'none'; object-src 'none'");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
}

}  // namespace mpctl::server
