// SPDX-License-Identifier: Apache-2.0
// Bytes as the listener receives them: Beast's parser with the server's
// limits, then the router and every handler, the error paths included.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "server/wire.hpp"
#include "world.hpp"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& world = mpctl::fuzz::World::get();
    http::request_parser<http::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(64 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    auto bytes = mpctl::fuzz::text(data, size);
    // The admin token stands where the input says "@TOKEN@", so that the
    // self-service routes are reached past authentication.
    std::string input(bytes);
    if (auto at = input.find("@TOKEN@"); at != std::string::npos) {
        input.replace(at, 7, world.admin);
    }
    parser.put(boost::asio::buffer(input), ec);
    if (!ec && !parser.is_done()) {
        parser.put_eof(ec);
    }
    if (ec || !parser.is_done()) {
        return 0;  // the listener answers these itself, without the router
    }
    auto response =
        mpctl::server::serve(mpctl::server::to_request(parser.release()), world.services);
    if (response.status >= 500 && response.status != 503) {
        __builtin_trap();  // a handler failed on outside input
    }
    return 0;
}
