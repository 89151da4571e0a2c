// SPDX-License-Identifier: Apache-2.0
// Between Boost.Beast and the handlers: the server's Request from what
// Beast's parser read. Included by the listener and by the HTTP fuzz target,
// so that both hand the router exactly the same thing.
#pragma once

#include <string>
#include <utility>

#include <boost/beast/http.hpp>

#include "server/http.hpp"

namespace mpctl::server {

inline Request to_request(boost::beast::http::request<boost::beast::http::string_body>&& req) {
    namespace http = boost::beast::http;
    auto hosts = static_cast<unsigned>(req.count(http::field::host));
    return Request{std::string(req.method_string()),
                   std::string(req.target()),
                   std::string(req[http::field::content_type]),
                   std::string(req[http::field::authorization]),
                   std::move(req.body()),
                   "",
                   req.version(),
                   hosts,
                   std::string(req[http::field::if_none_match]),
                   std::string(req[http::field::accept]),
                   std::string(req[http::field::user_agent])};
}

}  // namespace mpctl::server
