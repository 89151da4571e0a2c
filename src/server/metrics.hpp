// SPDX-License-Identifier: Apache-2.0
// Counters for GET /metrics, in Prometheus' text format. Cheap to update
// from many threads: fixed histograms are atomics; labelled counters take a
// short lock.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>

#include "core/store/store.hpp"
#include "core/util/time.hpp"

namespace mpctl::server {

// The endpoints latency is kept for.
enum class Endpoint { token, jwk, metadata, introspect, api, healthz, metrics, other };
inline constexpr size_t k_endpoint_count = static_cast<size_t>(Endpoint::other) + 1;

class Metrics {
  public:
    void token_issued(const std::string& scope_list);  // space-separated scopes
    void token_refused(const std::string& error, const std::string& code);
    void request_done(Endpoint endpoint, int status, double seconds);

    std::string render() const;

  private:
    static constexpr std::array<double, 12> k_buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
    struct Histogram {
        std::array<std::atomic<uint64_t>, k_buckets.size()> buckets{};
        std::atomic<uint64_t> count{0};
        std::atomic<uint64_t> sum_ns{0};
    };

    static constexpr int k_min_status = 100;
    static constexpr int k_max_status = 599;

    // Scopes are few and fixed once seen: readers count under a shared lock.
    mutable std::shared_mutex m_scopes_mutex;
    std::map<std::string, std::atomic<uint64_t>> m_issued_by_scope;
    mutable std::mutex m_refused_mutex;
    std::map<std::pair<std::string, std::string>, uint64_t> m_refused;  // (error, code)
    std::array<std::array<std::atomic<uint64_t>, k_max_status - k_min_status + 1>, k_endpoint_count>
        m_requests{};
    std::array<Histogram, k_endpoint_count> m_latency;
};

// What /metrics adds from the process and the store at each scrape, in the
// exposition format: mpctl_build_info{version}, process_start_time_seconds,
// mpctl_signing_key_age_seconds{kid,state} for each published key, and
// mpctl_client_keys_expiring{org}: the keys of each org's active clients
// that expire within 30 days or have expired (until they are replaced). Every label comes from the
// store, never from a request: their number cannot grow from outside.
std::string process_metrics(std::string_view version, core::util::UnixTime started);
std::string store_metrics(const core::ReadTxn& txn, core::util::UnixTime now);

}  // namespace mpctl::server
