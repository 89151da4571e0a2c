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
#include <utility>

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

}  // namespace mpctl::server
