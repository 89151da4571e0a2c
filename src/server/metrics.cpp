// SPDX-License-Identifier: Apache-2.0
#include "server/metrics.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/clients.hpp"
#include "core/operator.hpp"
#include "core/token/grant.hpp"

namespace mpctl::server {

namespace {

constexpr std::array<const char*, k_endpoint_count> k_endpoint_names{
    "token", "jwk", "metadata", "introspect", "api", "healthz", "metrics", "other"};

// A label value with \, " and newline escaped, as the text format wants.
std::string label(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

void Metrics::token_issued(const std::string& scope_list) {
    for (const auto& scope : core::split_scopes(scope_list)) {
        {
            std::shared_lock lock(m_scopes_mutex);
            auto it = m_issued_by_scope.find(scope);
            if (it != m_issued_by_scope.end()) {
                it->second.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
        }
        std::unique_lock lock(m_scopes_mutex);
        m_issued_by_scope[scope].fetch_add(1, std::memory_order_relaxed);
    }
}

void Metrics::token_refused(const std::string& error, const std::string& code) {
    std::lock_guard lock(m_refused_mutex);
    ++m_refused[{error, code}];
}

void Metrics::request_done(Endpoint endpoint, int status, double seconds) {
    Histogram& h = m_latency[static_cast<size_t>(endpoint)];
    for (size_t i = 0; i < k_buckets.size(); ++i) {
        if (seconds <= k_buckets[i]) {
            h.buckets[i].fetch_add(1, std::memory_order_relaxed);
            break;
        }
    }
    h.count.fetch_add(1, std::memory_order_relaxed);
    h.sum_ns.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
    if (status >= k_min_status && status <= k_max_status) {
        m_requests[static_cast<size_t>(endpoint)][static_cast<size_t>(status - k_min_status)]
            .fetch_add(1, std::memory_order_relaxed);
    }
}

std::string Metrics::render() const {
    std::string out;
    auto append = [&out](const std::string& s) { out += s; };
    append(
        "# HELP mpctl_tokens_issued_total Access tokens issued, by scope.\n"
        "# TYPE mpctl_tokens_issued_total counter\n");
    {
        std::shared_lock lock(m_scopes_mutex);
        for (const auto& [scope, n] : m_issued_by_scope) {
            append(fmt::format("mpctl_tokens_issued_total{{scope=\"{}\"}} {}\n", label(scope),
                               n.load()));
        }
    }
    append(
        "# HELP mpctl_token_errors_total Token requests refused, by error and MP code.\n"
        "# TYPE mpctl_token_errors_total counter\n");
    {
        std::lock_guard lock(m_refused_mutex);
        for (const auto& [key, n] : m_refused) {
            append(fmt::format("mpctl_token_errors_total{{error=\"{}\",code=\"{}\"}} {}\n",
                               label(key.first), label(key.second), n));
        }
    }
    append(
        "# HELP mpctl_http_requests_total HTTP requests answered, by endpoint and status.\n"
        "# TYPE mpctl_http_requests_total counter\n");
    for (size_t e = 0; e < k_endpoint_count; ++e) {
        for (size_t s = 0; s < m_requests[e].size(); ++s) {
            uint64_t n = m_requests[e][s].load(std::memory_order_relaxed);
            if (n > 0) {
                append(
                    fmt::format("mpctl_http_requests_total{{endpoint=\"{}\",status=\"{}\"}} {}\n",
                                k_endpoint_names[e], static_cast<int>(s) + k_min_status, n));
            }
        }
    }
    append(
        "# HELP mpctl_http_request_duration_seconds Time to handle a request, by endpoint.\n"
        "# TYPE mpctl_http_request_duration_seconds histogram\n");
    for (size_t e = 0; e < k_endpoint_count; ++e) {
        const Histogram& h = m_latency[e];
        uint64_t count = h.count.load(std::memory_order_relaxed);
        if (count == 0) {
            continue;
        }
        const char* name = k_endpoint_names[e];
        uint64_t cumulative = 0;
        for (size_t i = 0; i < k_buckets.size(); ++i) {
            cumulative += h.buckets[i].load(std::memory_order_relaxed);
            append(fmt::format(
                "mpctl_http_request_duration_seconds_bucket{{endpoint=\"{}\",le=\"{}\"}} {}\n",
                name, k_buckets[i], cumulative));
        }
        append(fmt::format(
            "mpctl_http_request_duration_seconds_bucket{{endpoint=\"{}\",le=\"+Inf\"}} {}\n", name,
            std::max(count, cumulative)));
        append(fmt::format("mpctl_http_request_duration_seconds_sum{{endpoint=\"{}\"}} {:.6f}\n",
                           name, static_cast<double>(h.sum_ns.load()) / 1e9));
        append(fmt::format("mpctl_http_request_duration_seconds_count{{endpoint=\"{}\"}} {}\n",
                           name, count));
    }
    return out;
}

std::string process_metrics(std::string_view version, core::util::UnixTime started) {
    return fmt::format(
        "# HELP mpctl_build_info The version of mpctl that serves.\n"
        "# TYPE mpctl_build_info gauge\n"
        "mpctl_build_info{{version=\"{}\"}} 1\n"
        "# HELP process_start_time_seconds When the process started, in Unix time.\n"
        "# TYPE process_start_time_seconds gauge\n"
        "process_start_time_seconds {}\n",
        label(std::string(version)), started);
}

std::string store_metrics(const core::ReadTxn& txn, core::util::UnixTime now) {
    std::string out =
        "# HELP mpctl_signing_key_age_seconds How long each published signing key has been "
        "published, by kid and state (active, next, retired).\n"
        "# TYPE mpctl_signing_key_age_seconds gauge\n";
    for (const auto& key : core::published_signing_keys(txn, now)) {
        out += fmt::format("mpctl_signing_key_age_seconds{{kid=\"{}\",state=\"{}\"}} {}\n",
                           label(key.kid), core::signing_key_state(key, now), now - key.created);
    }
    out +=
        "# HELP mpctl_client_keys_expiring Keys of an org's active clients that expire within "
        "30 days or have expired, by org number.\n"
        "# TYPE mpctl_client_keys_expiring gauge\n";
    for (const auto& [org, n] : core::keys_expiring_by_org(txn, now)) {
        out += fmt::format("mpctl_client_keys_expiring{{org=\"{}\"}} {}\n", label(org), n);
    }
    return out;
}

}  // namespace mpctl::server
