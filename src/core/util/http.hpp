// SPDX-License-Identifier: Apache-2.0
// The one wrapper around libcurl: plain HTTP requests with clear errors.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace mpctl::core::util {

struct HttpOptions {
    std::string cacert;  // CA bundle to verify TLS with; empty: the system's
    long connect_timeout_ms = 5000;
    long timeout_ms = 20000;
    // When set, gets the exchange line by line, as curl -v shows it: "* "
    // for what libcurl does, "> " and "< " for header lines. Bodies appear
    // only as their size (they hold grants and tokens), and an Authorization
    // header's value is left out.
    std::function<void(std::string_view line)> trace;
    // Sent as User-Agent when given (a server's logs then tell its callers
    // apart).
    std::string user_agent = {};
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::string content_type;
};

struct HttpRequest {
    std::string method = "GET";  // GET, POST, PUT, DELETE
    std::string url;
    std::string body = {};          // sent when content_type is given
    std::string content_type = {};  // none: no body
    std::string bearer = {};        // sent as "Authorization: Bearer ..." when given
};

// Requests through one libcurl handle, so that a second request to the same
// server reuses the first one's connection (and TLS session). Every request
// throws mpctl::Error(failure) naming the URL and what failed: DNS,
// connection, TLS, timeout. Any HTTP status is a response, not an error.
class HttpClient {
  public:
    explicit HttpClient(const HttpOptions& options);
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;
    ~HttpClient();

    HttpResponse get(const std::string& url);
    HttpResponse post_form(const std::string& url, const std::string& form);
    HttpResponse send(const HttpRequest& request);

  private:
    class Handle;
    std::unique_ptr<Handle> m_handle;
};

// Loads libcurl on a thread of its own while the caller does other work
// (signing a grant): its ~30 shared libraries take several milliseconds to
// map. Joins when destroyed; a failure to load is reported by the first
// request, not here.
class HttpPreload {
  public:
    HttpPreload();

  private:
    std::jthread m_thread;
};

// application/x-www-form-urlencoded encoding of one value.
std::string form_encode(std::string_view value);

}  // namespace mpctl::core::util
