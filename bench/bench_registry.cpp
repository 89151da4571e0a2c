// SPDX-License-Identifier: Apache-2.0
// Registers N clients (one durable transaction each, as N separate requests
// would), then lists them, and reports rates, times and the store's size.
// Usage: bench_registry [N] [ORGS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/clients.hpp"
#include "core/operator.hpp"
#include "core/scopes.hpp"
#include "core/store/lmdb/lmdb_store.hpp"
#include "support/temp_dir.hpp"

using namespace mpctl::core;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The n-th valid organisation number from 900000000 up.
std::vector<OrgNumber> org_numbers(size_t n) {
    std::vector<OrgNumber> out;
    for (int base = 90000000; out.size() < n; ++base) {
        for (int check = 0; check <= 9; ++check) {
            try {
                out.push_back(OrgNumber::parse(fmt::format("{}{}", base, check)));
                break;
            } catch (const std::exception&) {
            }
        }
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    size_t n = argc > 1 ? std::stoul(argv[1]) : 100000;
    size_t org_count = argc > 2 ? std::stoul(argv[2]) : 1000;
    mpctl::test::TempDir dir;
    Store store = open_lmdb_store(dir / "store");
    Actor op = Actor::operator_role();
    auto orgs = org_numbers(org_count);
    UnixTime now = util::unix_now();
    store.write([&](WriteTxn& txn) {
        init_store(txn, "https://bench.test/", orgs[0], "ES256", now);
        add_prefix(txn, op, Prefix::parse("bench"), orgs[0], now);
        create_scope(txn, op,
                     ScopeSpec{.name = ScopeName::parse("bench:data"),
                               .description = "bench",
                               .long_description = "",
                               .delegation_source = std::nullopt},
                     now);
        for (const auto& org : orgs) {
            grant_access(txn, op, ScopeName::parse("bench:data"), org, now);
        }
    });

    std::vector<double> latencies;
    latencies.reserve(n);
    auto start = Clock::now();
    for (size_t i = 0; i < n; ++i) {
        auto t0 = Clock::now();
        store.write([&](WriteTxn& txn) {
            register_client(
                txn, op,
                ClientSpec{
                    orgs[i % orgs.size()], fmt::format("client-{}", i), "", {"bench:data"}, 120},
                now);
        });
        latencies.push_back(seconds_since(t0));
    }
    double register_s = seconds_since(start);
    std::sort(latencies.begin(), latencies.end());

    start = Clock::now();
    size_t listed = list_clients(store.read(), op, std::nullopt, false).size();
    double list_all_s = seconds_since(start);

    // Again, with the pages now in memory: what remains is decoding.
    start = Clock::now();
    list_clients(store.read(), op, std::nullopt, false);
    double list_all_warm_s = seconds_since(start);

    start = Clock::now();
    size_t listed_org =
        list_clients(store.read(), Actor::organisation(orgs[1]), std::nullopt, false).size();
    double list_org_s = seconds_since(start);

    auto file = std::filesystem::file_size(dir / "store" / "data.mdb");
    fmt::print("clients registered:      {}\n", n);
    fmt::print("register rate:           {:.0f} clients/s (one durable transaction each)\n",
               static_cast<double>(n) / register_s);
    fmt::print("register latency:        p50 {:.3f} ms, p99 {:.3f} ms\n", latencies[n / 2] * 1e3,
               latencies[n * 99 / 100] * 1e3);
    fmt::print("list all {} clients:  {:.3f} s first, {:.3f} s again\n", listed, list_all_s,
               list_all_warm_s);
    fmt::print("list one org's {} clients: {:.3f} ms\n", listed_org, list_org_s * 1e3);
    fmt::print(
        "store size:              {:.1f} MiB file, {:.1f} MiB in use, {:.0f} bytes per client\n",
        static_cast<double>(file) / (1 << 20),
        static_cast<double>(dynamic_cast<LmdbStore&>(store.backend()).used_bytes()) / (1 << 20),
        static_cast<double>(dynamic_cast<LmdbStore&>(store.backend()).used_bytes()) /
            static_cast<double>(n));
    return listed == n ? 0 : 1;
}
