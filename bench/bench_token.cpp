// SPDX-License-Identifier: Apache-2.0
// In-process token issuance (no HTTP): the cost of one token for a client
// grant, to compare with one grant verify + one token sign from `openssl
// speed` (bench/run_token_bench.sh does both in one run).
// Usage: bench_token ALG N [serve] [x5c]
//   ALG: the server key's (RS256 or ES256); grants are RS256. With "serve",
//   each grant goes through the server's handler (form parsing, audit log,
//   metrics, JSON response) instead of straight to the token service. With
//   "x5c", the client has no registered key: each grant carries a
//   certificate (ES256, P-256) from a CA the operator trusts, as with a
//   virksomhetssertifikat, and the grants are ES256.
// With MPCTL_BENCH_STOP set, the process stops itself (SIGSTOP) just before
// the timed loop, so that a profiler can attach to the loop alone.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/clients.hpp"
#include "core/operator.hpp"
#include "core/scopes.hpp"
#include "core/store/audit.hpp"
#include "core/token/token_service.hpp"
#include "core/util/base64.hpp"
#include "core/util/http.hpp"
#include "core/util/jws.hpp"
#include "server/router.hpp"
#include "support/grant_fixture.hpp"
#include "support/test_ca.hpp"

using namespace mpctl::core;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    std::string alg = argc > 1 ? argv[1] : "RS256";
    size_t n = argc > 2 ? std::stoul(argv[2]) : 2000;
    std::vector<std::string> flags(argv + std::min(argc, 3), argv + argc);
    auto flag = [&](const char* name) { return std::ranges::count(flags, name) > 0; };
    bool through_server = flag("serve");
    mpctl::test::GrantFixture f;
    f.store.write([&](WriteTxn& t) { rotate_signing_key(t, alg, f.now); });

    // Grants are signed before the clock starts; the service's clock stands still.
    std::vector<std::string> grants;
    grants.reserve(n);
    if (flag("x5c")) {
        Client bare = f.register_client(f.consumer, mpctl::test::k_consumer, {"skatt:melding"});
        mpctl::test::TestCa ca(f.dir.path(), mpctl::test::k_consumer, 100);
        f.now = util::unix_now();
        f.store.write([&](WriteTxn& t) { add_trusted_cas(t, ca.ca_pem, f.now); });
        auto key = util::Key::from_pem(ca.leaf_key_pem, std::nullopt);
        nlohmann::json x5c = nlohmann::json::array(
            {util::base64_encode(util::Certificate::from_pem(ca.leaf_pem)[0].der())});
        for (size_t i = 0; i < n; ++i) {
            grants.push_back(mpctl::test::GrantFixture::sign_with(
                key, f.claims(bare), {{"x5c", x5c}}, util::JwsAlg::es256));
        }
    } else {
        auto rsa = util::Key::generate(util::KeyType::rsa, 2048);
        f.add_key(f.client.client_id, rsa, "rsa", "RS256");
        for (size_t i = 0; i < n; ++i) {
            grants.push_back(mpctl::test::GrantFixture::sign_with(rsa, f.claims(), {{"kid", "rsa"}},
                                                                  util::JwsAlg::rs256));
        }
    }
    mpctl::server::Services services(f.store, *f.memory, f.service, [&] { return f.now; });
    auto audit = f.backend.open_audit(f.store);
    services.audit_log = audit.get();
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
