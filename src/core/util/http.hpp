// SPDX-License-Identifier: Apache-2.0
// The one wrapper around libcurl: plain HTTP requests with clear errors.
#pragma once

#include <string>
#include <string_view>

namespace mpctl::core::util {

struct HttpOptions {
    std::string cacert;  // CA bundle to verify TLS with; empty: the system's
    long connect_timeout_ms = 5000;
    long timeout_ms = 20000;
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::string content_type;
};

// Throws mpctl::Error(failure) naming the URL and what failed: DNS,
// connection, TLS, timeout. Any HTTP status is a response, not an error.
HttpResponse http_get(const std::string& url, const HttpOptions& options);
HttpResponse http_post_form(const std::string& url, const std::string& form,
                            const HttpOptions& options);

// application/x-www-form-urlencoded encoding of one value.
std::string form_encode(std::string_view value);

}  // namespace mpctl::core::util
