// SPDX-License-Identifier: Apache-2.0
#include "server/router.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/store/audit.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "core/util/json_writer.hpp"
#include "core/util/text.hpp"
#include "core/util/time.hpp"
#include "server/handlers.hpp"
#include "server/web.hpp"

namespace mpctl::server {

namespace {

constexpr std::string_view k_api = "/api";

constexpr std::string_view k_metadata = "/.well-known/oauth-authorization-server";

// The description of every 503 (ErrorKind::unavailable); the detail, which
// names paths, goes to the server's log.
constexpr std::string_view k_unavailable =
    "the server cannot record this request now (it is short of disk space or of write access "
    "to its files); try again later";

// Whether `path` is /api or below it ("/apiary" is not).
bool under_api(std::string_view path) {
    return path.starts_with(k_api) && (path.size() == k_api.size() || path[k_api.size()] == '/');
}

using Handler = Response (*)(const Request&, Services&);

struct Route {
    std::string_view path;
    std::string_view method;
    Handler handler;
    Endpoint endpoint;
};

constexpr Route k_routes[] = {
    {"/token", "POST", handle_token, Endpoint::token},
    {"/jwk", "GET", handle_jwk, Endpoint::jwk},
    {k_metadata, "GET", handle_metadata, Endpoint::metadata},
    {"/introspect", "POST", handle_introspect, Endpoint::introspect},
    {"/healthz", "GET", handle_healthz, Endpoint::healthz},
    {"/metrics", "GET", handle_metrics, Endpoint::metrics},
    // Under /api, but public: a client reads the description before it has a
    // token, and digdirator reads the delegation sources with none.
    {"/api/v1/openapi.json", "GET", handle_openapi, Endpoint::api},
    {"/api/v1/registry.schema.json", "GET", handle_registry_schema, Endpoint::api},
    {"/api/v1/delegationsources", "GET", handle_delegation_sources, Endpoint::api},
};

// The path as the routes know it: without the issuer's own path, and with
// RFC 8414's metadata location for an issuer with a path
// ("/.well-known/oauth-authorization-server/mp") mapped to the plain one.
std::string_view local_path(std::string_view path, const Services& s) {
    const std::string& base = s.base_path;
    if (base.empty()) {
        return path;
    }
    if (path.starts_with(base) && (path.size() == base.size() || path[base.size()] == '/')) {
        return path.substr(base.size());
    }
    if (path.starts_with(k_metadata) && path.substr(k_metadata.size()) == base) {
        return k_metadata;
    }
    return path;
}

Endpoint endpoint_of(std::string_view path) {
    for (const auto& route : k_routes) {
        if (route.path == path) {
            return route.endpoint;
        }
    }
    return under_api(path) ? Endpoint::api : Endpoint::other;
}

// Written without a DOM, by a writer that turns any bytes into valid JSON:
// the error path cannot fail on what a request put in the description.
// `digdir_time`: an answer of the self-service API, which also carries the
// fields of Digdir's ApiErrorResponse (status, timestamp, correlation_id and
// an errors list, which clients of Digdir's API such as okdata read).
Response error_response(int status, std::string_view error, std::string_view description,
                        std::string_view trace_id,
                        std::optional<core::util::UnixTime> digdir_time = std::nullopt) {
    core::util::JsonWriter body;
    body.member("error", error)
        .member("error_description", description)
        .member("trace_id", trace_id);
    if (digdir_time) {
        body.member("status", int64_t{status})
            .member("timestamp", core::util::iso8601(*digdir_time))
            .member("correlation_id", trace_id)
            .begin_array("errors")
            .begin_element()
            .member("errorMessage", description)
            .end_object()
            .end_array();
    }
    Response r{status, "application/json", body.finish(), {}};
    if (status == 401) {
        // RFC 6750 3: tell the client how to authenticate.
        r.headers.emplace_back("WWW-Authenticate", fmt::format("Bearer error=\"{}\"", error));
    }
    if (status == 503) {
        r.headers.emplace_back("Retry-After", k_retry_after);
    }
    return r;
}

// The status and OAuth-style error name of an mpctl::Error's kind.
std::pair<int, const char*> http_error(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid_input:
            return {400, "invalid_request"};
        case ErrorKind::not_found:
            return {404, "not_found"};
        case ErrorKind::forbidden:
            return {403, "forbidden"};
        case ErrorKind::conflict:
            return {409, "conflict"};
        case ErrorKind::unavailable:
            return {503, "temporarily_unavailable"};
        case ErrorKind::failure:
            break;
    }
    return {500, "server_error"};
}

// A request's target as the router reads it, once per request: the path
// as sent (for the access log), the path as the routes know it, the query,
// and the endpoint it names (for metrics and the cache rule).
struct Target {
    std::string_view sent_path;
    std::string_view path;
    std::string_view query;
    Endpoint endpoint;
};

Target target_of(const Request& req, const Services& s) {
    auto [sent_path, query] = split_target(req.target);
    std::string_view path = local_path(sent_path, s);
    return {sent_path, path, query, endpoint_of(path)};
}

Response dispatch(const Request& req, const Target& target, Services& s) {
    std::string_view path = target.path;
    // The public routes first: one of them is under /api, where everything
    // else needs a bearer token.
    std::string allowed;
    for (const auto& route : k_routes) {
        if (route.path == path) {
            if (route.method == req.method) {
                return route.handler(req, s);
            }
            allowed = route.method;
        }
    }
    if (!allowed.empty()) {
        throw HttpError(405, "method_not_allowed",
                        fmt::format("{} takes {}, not {}", path, allowed, req.method), allowed);
    }
    if (under_api(path)) {
        return handle_api(req, path.substr(k_api.size()), parse_form(target.query), s);
    }
    if (auto page = serve_page(req, path, s)) {
        return *page;
    }
    throw HttpError(404, "not_found", fmt::format("no such endpoint: {}", path));
}

}  // namespace

std::vector<RouteSpec> route_table() {
    std::vector<RouteSpec> out;
    for (const auto& route : k_routes) {
        out.push_back(RouteSpec{std::string(route.method), std::string(route.path)});
    }
    for (auto& route : api_routes()) {
        route.path.insert(0, k_api);
        out.push_back(std::move(route));
    }
    // The one page a client is sent to (a refusal's error_uri); HEAD too,
    // as for every page.
    out.push_back(RouteSpec{"GET", "/errors/{code}"});
    return out;
}

namespace {

Response answer(const Request& req, const Target& target, Services& s) {
    auto failed = [&](int status, std::string_view error, std::string_view description) {
        return error_response(
            status, error, description, req.trace_id,
            target.endpoint == Endpoint::api ? std::optional(s.clock()) : std::nullopt);
    };
    try {
        check_head(req);
        return dispatch(req, target, s);
    } catch (const HttpError& e) {
        Response r = failed(e.status(), e.error(), e.description());
        if (!e.allow().empty()) {
            r.headers.emplace_back("Allow", e.allow());
        }
        return r;
    } catch (const Error& e) {
        // The detail of these may name a path or a key: it stays in the
        // server's log.
        if (e.kind() == ErrorKind::unavailable) {
            s.report_error(fmt::format("trace_id {}: {}", req.trace_id, e.what()));
            return failed(503, "temporarily_unavailable", k_unavailable);
        }
        if (e.kind() != ErrorKind::failure) {
            auto [status, error] = http_error(e.kind());
            return failed(status, error, e.what());
        }
        s.report_error(fmt::format("trace_id {}: {}", req.trace_id, e.what()));
    } catch (const std::exception& e) {
        s.report_error(fmt::format("trace_id {}: unexpected error: {}", req.trace_id, e.what()));
    } catch (...) {
        s.report_error(
            fmt::format("trace_id {}: unexpected error of an unknown type", req.trace_id));
    }
    return failed(500, "server_error",
                  "the server failed; its log has the detail under this trace id");
}

Response handle_target(const Request& req, const Target& target, Services& s) {
    Response r = answer(req, target, s);
    if (r.status == 404 && target.endpoint == Endpoint::other) {
        // A browser that lands on nothing gets a page to go on from; an API
        // client, JSON: by Accept, which caches must key on.
        if (wants_html(req)) {
            try {
                r = not_found_page(req, target.sent_path, s);
            } catch (...) {
                // The JSON answer stands: handle() never throws.
            }
        }
        r.headers.emplace_back("Vary", "Accept");
        if (r.header("Cache-Control") == nullptr) {
            r.headers.emplace_back("Cache-Control", "no-store");
        }
    }
    // What the token and introspection endpoints answer is about a token:
    // never cached (RFC 6749 5.1, RFC 7662 4), whatever the status, the
    // router's errors included. (What the listener refuses before a request
    // is read, a 413 or 431, does not come here.)
    if (target.endpoint == Endpoint::token || target.endpoint == Endpoint::introspect) {
        r.headers.emplace_back("Cache-Control", "no-store");
        r.headers.emplace_back("Pragma", "no-cache");
    }
    return r;
}

}  // namespace

Response handle(const Request& req, Services& s) {
    return handle_target(req, target_of(req, s), s);
}

void log_access(Services& s, const Request& req, std::string_view path, int status,
                double seconds) {
    if (!s.access_log) {
        return;
    }
    core::util::JsonWriter w;
    w.member("time", core::util::iso8601(s.clock()))
        .member("method", req.method)
        .member("path", path)
        .member("status", int64_t{status})
        .decimal("duration_ms", std::round(seconds * 1e6) / 1e3)
        .member("trace_id", req.trace_id)
        .member("remote", req.remote)
        .member("user_agent", core::util::clip_utf8(req.user_agent, core::k_max_user_agent));
    if (!req.client_id.empty()) {
        w.member("client_id", req.client_id);
    }
    std::string line = w.finish();
    try {
        s.access_log(line);
    } catch (const Error& e) {
        // A full disk must not take the answer, or the server, down:
        // the request was handled; say so where an operator looks.
        s.report_error(e.what());
    }
}

std::string new_trace_id() {
    // A trace id correlates a response with log lines; it must be unique.
    // 16 bytes from the DRBG per request cost ~5 us of server CPU even
    // through the random pool (measured on GET /healthz), so: a random
    // per-process prefix and a counter, the counter passed through a
    // keyed bijection (SplitMix64's finaliser) so that ids stay unique
    // without telling a caller how many requests the server has seen.
    static const std::string prefix = core::util::hex(core::util::random_bytes(8));
    static const uint64_t key = [] {
        uint64_t k = 0;
        std::string bytes = core::util::random_bytes(sizeof k);
        std::memcpy(&k, bytes.data(), sizeof k);
        return k;
    }();
    static std::atomic<uint64_t> counter{0};
    uint64_t x = counter.fetch_add(1, std::memory_order_relaxed) ^ key;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return fmt::format("{}{:016x}", prefix, x);
}

Response serve(Request req, Services& s) {
    auto start = std::chrono::steady_clock::now();
    if (req.trace_id.empty()) {
        req.trace_id = new_trace_id();
    }
    Target target = target_of(req, s);
    Response r = handle_target(req, target, s);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    s.metrics.request_done(target.endpoint, r.status, seconds);
    // The path only: a query may carry what should not be logged.
    log_access(s, req, target.sent_path, r.status, seconds);
    add_security_headers(r);
    r.headers.emplace_back("X-Trace-Id", req.trace_id);
    return r;
}

}  // namespace mpctl::server
