// SPDX-License-Identifier: Apache-2.0
// In-process token issuance (no HTTP): the cost of one token for a client
// grant, to compare with one grant verify + one token sign from `openssl
// speed` (bench/run_token_bench.sh does both in one run).
// Usage: bench_token ALG N [serve]
//   ALG: the server key's (RS256 or ES256); grants are RS256. With "serve",
//   each grant goes through the server's handler (form parsing, audit log,
//   metrics, JSON response) instead of straight to the token service.
// With MPCTL_BENCH_STOP set, the process stops itself (SIGSTOP) just before
// the timed loop, so that a profiler can attach to the loop alone.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/audit.hpp"
#include "core/clients.hpp"
#include "core/operator.hpp"
#include "core/scopes.hpp"
#include "core/token_service.hpp"
#include "core/util/http.hpp"
#include "core/util/jws.hpp"
#include "server/router.hpp"
#include "support/grant_fixture.hpp"

using namespace mpctl::core;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    std::string alg = argc > 1 ? argv[1] : "RS256";
    size_t n = argc > 2 ? std::stoul(argv[2]) : 2000;
    bool through_server = argc > 3 && std::string(argv[3]) == "serve";
    mpctl::test::GrantFixture f;
    f.store.write([&](WriteTxn& t) { rotate_signing_key(t, alg, f.now); });
    auto rsa = util::Key::generate(util::KeyType::rsa, 2048);
    f.add_key(f.client.client_id, rsa, "rsa", "RS256");

    // Grants are signed before the clock starts; the service's clock stands still.
    std::vector<std::string> grants;
    grants.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        grants.push_back(mpctl::test::GrantFixture::sign_with(rsa, f.claims(), {{"kid", "rsa"}},
                                                              util::JwsAlg::rs256));
    }
    mpctl::server::Services services(f.store, f.runtime, f.service, [&] { return f.now; });
    services.open_audit_log(audit_log_path(f.dir / "store"));
    services.access_log = [](std::string_view) {};
    std::string form = "grant_type=" + util::form_encode(k_jwt_bearer) + "&assertion=";
    if (std::getenv("MPCTL_BENCH_STOP") != nullptr) {
        // For profiling only the timed loop: attach a profiler to the stopped
        // process, then send it SIGCONT.
        std::raise(SIGSTOP);
    }
    auto start = Clock::now();
    for (const auto& g : grants) {
        if (through_server) {
            auto r = mpctl::server::serve(
                {"POST", "/token", "application/x-www-form-urlencoded", "", form + g, ""},
                services);
            if (r.status != 200) {
                fmt::print(stderr, "refused: {}\n", r.body);
                return 1;
            }
            continue;
        }
        auto out = f.request(g);
        if (!out.response) {
            fmt::print(stderr, "refused: {}\n", out.refusal->description);
            return 1;
        }
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    fmt::print("{} {:.1f} us/token {:.0f} tokens/s\n", alg, seconds / static_cast<double>(n) * 1e6,
               static_cast<double>(n) / seconds);
    return 0;
}
