// SPDX-License-Identifier: Apache-2.0
// The one adapter between Boost.Beast and the handlers: accepts connections,
// reads requests within limits, calls serve(), writes the responses.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "server/services.hpp"

namespace mpctl::server {

struct ListenOptions {
    std::string listen = "127.0.0.1:8080";  // ADDR:PORT, [IPv6]:PORT; port 0 picks a free one
    unsigned threads = 0;                   // 0: one per core
    size_t header_limit = 8 * 1024;
    size_t body_limit = 64 * 1024;
    std::chrono::milliseconds request_timeout{10'000};  // from a request's first byte to its end
    std::chrono::milliseconds idle_timeout{60'000};     // a kept-alive connection with no request
    std::chrono::milliseconds shutdown_grace{9'000};    // requests in flight get this long
    std::chrono::milliseconds flush_interval{1'000};    // the token memory is written to disk
    std::optional<std::filesystem::path> tls_cert;      // PEM chain; with tls_key, HTTPS
    std::optional<std::filesystem::path> tls_key;
};

// The parts of a --listen value: "127.0.0.1:8080", "[::1]:8080",
// "localhost:8080" (brackets removed from the host). Throws
// mpctl::Error(invalid_input) when it is not ADDRESS:PORT.
struct ListenAddress {
    std::string host;
    unsigned short port = 0;
};
ListenAddress split_listen(const std::string& text);

// What run_server does before it accepts, alone (mpctl serve --check):
// loads the TLS pair when there is one (throws naming the file, or a key
// that is not the certificate's); binds the --listen address and lets it go
// again (throws unavailable when it is taken).
void check_tls(const ListenOptions& options);
void check_listen(const ListenOptions& options);

// Serves until SIGTERM or SIGINT, then stops accepting, lets requests in
// flight finish (up to shutdown_grace) and returns. `on_ready` gets the URL
// it listens on ("http://127.0.0.1:8080") once connections are accepted.
// Throws mpctl::Error when it cannot start (address taken, bad TLS files).
void run_server(const ListenOptions& options, Services& services,
                const std::function<void(const std::string& url)>& on_ready);

}  // namespace mpctl::server
