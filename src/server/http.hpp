// SPDX-License-Identifier: Apache-2.0
// The server's view of HTTP: a request and a response as plain values, so
// that handlers are functions tests call without sockets.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mpctl::server {

struct Request {
    std::string method;  // "GET", "POST", ...
    std::string target;  // path and query as sent: "/api/v1/scopes?scope=a:b"
    std::string content_type;
    std::string authorization;
    std::string body;
    std::string trace_id;  // set by serve() when empty
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
    HttpError(int status, std::string error, std::string description)
        : m_status(status), m_error(std::move(error)), m_description(std::move(description)) {}
    int status() const { return m_status; }
    const std::string& error() const { return m_error; }
    const std::string& description() const { return m_description; }
    const char* what() const noexcept override { return m_description.c_str(); }

  private:
    int m_status;
    std::string m_error;
    std::string m_description;
};

// A JSON response; `json` may be nlohmann::json or ordered_json.
template <class Json>
Response json_response(int status, const Json& body) {
    return Response{status, "application/json", body.dump(), {}};
}

// The path of an issuer URL without its last slash: "/mp" for
// "https://host/mp/", "" for "https://host/".
std::string issuer_path(std::string_view issuer);

// Splits "/path?query" at the first '?'.
std::pair<std::string_view, std::string_view> split_target(std::string_view target);

// Decodes application/x-www-form-urlencoded text (a body or a query): '+' is
// a space, %XX a byte. Refuses bad escapes and a name given twice (RFC 6749
// 3.1), naming the culprit.
std::map<std::string, std::string> parse_form(std::string_view text);

// Whether a Content-Type header names `media_type` (parameters ignored).
bool has_media_type(std::string_view content_type, std::string_view media_type);

}  // namespace mpctl::server
