// SPDX-License-Identifier: Apache-2.0
// A paced (open-loop) load generator for POST /token: latency at a given
// rate, which wrk cannot do (it sends as fast as answers come) and wrk2 is
// not in Debian.
//
// Request i is due at start + i / RATE and goes out on connection
// i % CONNECTIONS as soon as that connection is free; its latency counts
// from when it was due, so a stalled server shows in the percentiles
// instead of silently slowing the sender ("coordinated omission").
//
// Usage: bench_paced HOST PORT GRANTS RATE SECONDS CONNECTIONS
//   GRANTS: one form body per line (bench_grants' output); each is sent once.
// Prints one line: sent, non-200 answers, rate achieved, p50/p90/p99/max in ms.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

using Clock = std::chrono::steady_clock;

namespace {

int connect_to(const std::string& host, int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (fd < 0 || ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        throw std::runtime_error(fmt::format("cannot connect to {}:{}", host, port));
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

void send_all(int fd, const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n <= 0) {
            throw std::runtime_error("send failed");
        }
        done += static_cast<size_t>(n);
    }
}

// Reads one response (headers and a Content-Length body); returns its status.
int read_response(int fd, std::string& buffer) {
    size_t header_end = std::string::npos;
    auto fill = [&] {
        char chunk[16384];
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
            throw std::runtime_error("the server closed the connection");
        }
        buffer.append(chunk, static_cast<size_t>(n));
    };
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        fill();
    }
    int status = std::atoi(buffer.c_str() + 9);  // "HTTP/1.1 200"
    size_t length = 0;
    std::string headers = buffer.substr(0, header_end);
    std::transform(headers.begin(), headers.end(), headers.begin(), ::tolower);
    if (auto at = headers.find("\r\ncontent-length:"); at != std::string::npos) {
        length = std::stoul(headers.substr(at + 17));
    }
    size_t total = header_end + 4 + length;
    while (buffer.size() < total) {
        fill();
    }
    buffer.erase(0, total);
    return status;
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc != 7) {
        fmt::print(stderr, "usage: bench_paced HOST PORT GRANTS RATE SECONDS CONNECTIONS\n");
        return 2;
    }
    std::string host = argv[1];
    int port = std::stoi(argv[2]);
    double rate = std::stod(argv[4]);
    double seconds = std::stod(argv[5]);
    size_t connections = std::stoul(argv[6]);
    std::vector<std::string> bodies;
    std::ifstream in(argv[3]);
    for (std::string line; std::getline(in, line);) {
        bodies.push_back(std::move(line));
    }
    auto total = static_cast<size_t>(rate * seconds);
    if (bodies.size() < total) {
        fmt::print(stderr, "{} grants for {} requests\n", bodies.size(), total);
        return 2;
    }
    std::vector<double> latency_ms(total, 0);
    std::atomic<size_t> refused{0};
    std::atomic<size_t> failed{0};  // connections that broke off
    std::vector<int> fds;
    for (size_t c = 0; c < connections; ++c) {
        fds.push_back(connect_to(host, port));
    }
    auto start = Clock::now() + std::chrono::milliseconds(100);
    auto due = [&](size_t i) {
        return start + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(static_cast<double>(i) / rate));
    };
    std::vector<std::thread> threads;
    for (size_t c = 0; c < connections; ++c) {
        threads.emplace_back([&, c] {
            std::string buffer;
            try {
                for (size_t i = c; i < total; i += connections) {
                    std::this_thread::sleep_until(due(i));
                    send_all(fds[c],
                             fmt::format("POST /token HTTP/1.1\r\nHost: {}:{}\r\n"
                                         "Content-Type: application/x-www-form-urlencoded\r\n"
                                         "Content-Length: {}\r\n\r\n{}",
                                         host, port, bodies[i].size(), bodies[i]));
                    if (read_response(fds[c], buffer) != 200) {
                        ++refused;
                    }
                    latency_ms[i] =
                        std::chrono::duration<double, std::milli>(Clock::now() - due(i)).count();
                }
            } catch (const std::exception& e) {
                fmt::print(stderr, "bench_paced: connection {}: {}\n", c, e.what());
                ++failed;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    for (int fd : fds) {
        ::close(fd);
    }
    std::sort(latency_ms.begin(), latency_ms.end());
    auto pct = [&](double p) {
        return latency_ms[std::min(total - 1, static_cast<size_t>(p * static_cast<double>(total)))];
    };
    fmt::print(
        "sent {} at {:.0f}/s (asked {:.0f}/s), non-200 {}; latency p50 {:.2f} ms, p90 {:.2f} ms, "
        "p99 {:.2f} ms, max {:.2f} ms\n",
        total, static_cast<double>(total) / elapsed, rate, refused.load(), pct(0.50), pct(0.90),
        pct(0.99), latency_ms.back());
    return refused == 0 && failed == 0 ? 0 : 1;
} catch (const std::exception& e) {
    fmt::print(stderr, "bench_paced: {}\n", e.what());
    return 1;
}
