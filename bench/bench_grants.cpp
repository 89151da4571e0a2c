// SPDX-License-Identifier: Apache-2.0
// Signs COUNT unique grants for the HTTP benchmark and prints each as a
// form body for POST /token, one per line. Every grant has iat IAT (unix
// time): the server accepts them from IAT - 10 s to IAT + 10 s.
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "core/entities.hpp"
#include "core/token/assertion.hpp"
#include "core/util/crypto.hpp"
#include "core/util/fs.hpp"
#include "core/util/http.hpp"

using namespace mpctl::core;

int main(int argc, char** argv) {
    if (argc != 8) {
        std::fprintf(stderr, "usage: bench_grants KEY.pem CLIENT_ID KID AUD SCOPE COUNT IAT\n");
        return 2;
    }
    auto key = util::Key::from_pem(util::read_file(argv[1]), std::nullopt);
    AssertionSpec spec;
    spec.client_id = argv[2];
    spec.kid = argv[3];
    spec.audience = argv[4];
    spec.scopes = {argv[5]};
    size_t count = std::stoul(argv[6]);
    util::UnixTime iat = std::stoll(argv[7]);
    std::string prefix = "grant_type=" + util::form_encode(k_jwt_bearer) + "&assertion=";
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::vector<std::string>> parts(threads);
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (size_t i = t; i < count; i += threads) {
                parts[t].push_back(prefix + sign_assertion(spec, key, iat));
            }
        });
    }
    for (auto& w : workers) {
        w.join();
    }
    for (const auto& part : parts) {
        for (const auto& line : part) {
            std::fputs(line.c_str(), stdout);
            std::fputc('\n', stdout);
        }
    }
    return 0;
}
