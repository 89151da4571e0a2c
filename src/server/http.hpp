// SPDX-License-Identifier: Apache-2.0
// The server's view of HTTP: a request and a response as plain values, so
// that handlers are functions tests call without sockets.
#pragma once

#include <exception>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mpctl::server {

// A route: a method and a path template, "{name}" standing for one segment
// ("/api/v1/clients/{id}"), as docs/openapi.json writes its paths.
struct RouteSpec {
    std::string method;
    std::string path;
};

struct Request {
    std::string method;  // "GET", "POST", ...
    std::string target;  // path and query as sent: "/api/v1/scopes?scope=a:b"
    std::string content_type;
    std::string authorization;
    std::string body;
    std::string trace_id;         // set by serve() when empty
    unsigned version = 11;        // HTTP/1.1 is 11, HTTP/1.0 is 10
    unsigned host_fields = 1;     // how many Host header fields came
    std::string if_none_match{};  // for the web page's files: the ETags the client has
    std::string accept{};         // what the client takes: a browser's has text/html
    std::string user_agent{};
    std::string remote{};  // the peer's address, as the listener got it
    // Who sent it, once a handler knows (the client of a verified grant or
    // of the API's bearer token): for the access log only. Learnt while the
    // request is handled, so it is written through the const Request& the
    // handlers take.
    mutable std::string client_id{};
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    const std::string* header(std::string_view name) const;
};

// A failure a handler reports as an HTTP status with a JSON body
// {"error": error, "error_description": description}.
class HttpError : public std::exception {
  public:
    HttpError(int status, std::string error, std::string description, std::string allow = "")
        : m_status(status),
          m_error(std::move(error)),
          m_description(std::move(description)),
          m_allow(std::move(allow)) {}
    int status() const { return m_status; }
    const std::string& error() const { return m_error; }
    const std::string& description() const { return m_description; }
    // For a 405: the methods the path takes, for the Allow header.
    const std::string& allow() const { return m_allow; }
    const char* what() const noexcept override { return m_description.c_str(); }

  private:
    int m_status;
    std::string m_error;
    std::string m_description;
    std::string m_allow;
};

// A 503's Retry-After (seconds), for a request that failed because the
// server is short of something for now: disk space, or write access.
inline constexpr std::string_view k_retry_after = "5";

// A JSON response; `json` may be nlohmann::json or ordered_json. Text that
// is not valid UTF-8 (which input checks keep out) is written as U+FFFD
// rather than throwing on the way out.
template <class Json>
Response json_response(int status, const Json& body) {
    return Response{
        status, "application/json", body.dump(-1, ' ', false, Json::error_handler_t::replace), {}};
}

// The path of an issuer URL without its last slash: "/mp" for
// "https://host/mp/", "" for "https://host/".
std::string issuer_path(std::string_view issuer);

// Splits "/path?query" at the first '?'.
std::pair<std::string_view, std::string_view> split_target(std::string_view target);

// Decodes application/x-www-form-urlencoded text (a body or a query): '+' is
// a space, %XX a byte. Refuses bad escapes, a name given twice (RFC 6749
// 3.1), and names or values that are not UTF-8 text without control
// characters, naming the culprit: decode_form says so in `fault` (for the
// token endpoint, where a bad form is a refusal like any other), parse_form
// throws HttpError 400.
struct Form {
    std::map<std::string, std::string> fields;
    std::optional<std::string> fault;  // what is wrong, when something is
};
Form decode_form(std::string_view text);
std::map<std::string, std::string> parse_form(std::string_view text);

// Refuses (HttpError 400) a request the server does not route: an HTTP/1.1
// request without exactly one Host, a target with a byte that is not
// visible ASCII, a Content-Type or Authorization that is not ASCII text.
// After it, the target and those headers are safe to repeat in messages.
void check_head(const Request& req);

// Whether a Content-Type header names `media_type` (parameters ignored).
bool has_media_type(std::string_view content_type, std::string_view media_type);

}  // namespace mpctl::server
