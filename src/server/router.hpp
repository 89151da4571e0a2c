// SPDX-License-Identifier: Apache-2.0
// Routing: which handler answers a request, and how failures become
// responses. The HTTP adapter calls serve(); tests call it too.
#pragma once

#include <string_view>
#include <vector>

#include "server/http.hpp"
#include "server/services.hpp"

namespace mpctl::server {

// Every route handle() answers, read from the routing tables themselves:
// the public endpoints and the self-service API (with its /api prefix), and
// of the pages for people, GET /errors/{code}, which every refusal links in
// its error_uri. (The other pages, /, /app/ and /errors/, are for a browser
// only.)
std::vector<RouteSpec> route_table();

// The answer to one request. Never throws: a handler's HttpError or
// mpctl::Error becomes its status with a JSON body that says what was wrong;
// anything else is a 500 whose detail goes to the error log only.
Response handle(const Request& req, Services& s);

// handle(), plus what every request gets: a trace id (when the request has
// none), the metrics, and one access-log line.
Response serve(Request req, Services& s);

// A new trace id: 32 hex digits, unique in this process and across them.
std::string new_trace_id();

// One access-log line (when there is an access log): time, method, path (no
// query: `path`, not the target), status, duration, trace id, the peer's
// address, its User-Agent (clipped) and the client id when a handler
// learnt it. A log that cannot be written is reported on the error log,
// never thrown.
void log_access(Services& s, const Request& req, std::string_view path, int status, double seconds);

}  // namespace mpctl::server
