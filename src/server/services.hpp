// SPDX-License-Identifier: Apache-2.0
// What handlers work with: the stores, the token service, the clock, the
// metrics and where logs go. One instance is shared by every worker thread.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/store/audit.hpp"
#include "core/store/store.hpp"
#include "core/store/token_memory.hpp"
#include "core/token/token_service.hpp"
#include "core/util/line_log.hpp"
#include "core/util/time.hpp"
#include "server/metrics.hpp"

namespace mpctl::server {

class Services {
  public:
    using Clock = std::function<core::util::UnixTime()>;
    using Sink = std::function<void(std::string_view line)>;

    Services(core::Store& registry, core::TokenMemory& memory, core::TokenService& tokens,
             Clock clock = core::util::unix_now)
        : registry(registry), memory(memory), tokens(tokens), clock(std::move(clock)) {}
    Services(const Services&) = delete;
    Services& operator=(const Services&) = delete;

    core::Store& registry;
    core::TokenMemory& memory;
    core::TokenService& tokens;
    Clock clock;
    // Where token requests are audited; none when unset.
    core::AuditLog* audit_log = nullptr;
    // The issuer URL's path without its last slash ("/mp" for
    // "https://host/mp/"), stripped from requests that carry it, so that a
    // proxy may pass paths through unchanged; empty for a root issuer.
    std::string base_path;
    Sink access_log;  // one JSON line per request; may be empty
    Sink error_log;   // failures of the server itself, with detail clients never see
    Metrics metrics;
    // For /metrics: mpctl's version, and when the process started.
    std::string version;
    core::util::UnixTime started = 0;
    // Log files kept open (an access log file, and the audit log): the listener
    // reopens any that was moved or removed, once a second, so that
    // logrotate needs no signal.
    std::vector<std::shared_ptr<core::util::LineLog>> log_files;

    // Tells error_log, if there is one. It is the last place to report to:
    // when even it cannot be written (stderr closed, disk full), the line is
    // dropped rather than the request, or, on the housekeeping thread, the
    // whole server.
    void report_error(std::string_view line) noexcept {
        if (!error_log) {
            return;
        }
        try {
            error_log(line);
        } catch (...) {  // dropped: see above
        }
    }

    // Deletes expired used grants and opaque tokens, a bounded batch at a
    // time (the housekeeping thread calls this every flush interval).
    void purge_expired() {
        constexpr size_t k_batch = 1000;
        memory.purge(clock(), k_batch);
    }

    void reopen_moved_logs() {
        for (const auto& log : log_files) {
            log->reopen_if_moved();
        }
        if (audit_log != nullptr) {
            audit_log->reopen_if_moved();
        }
    }
};

}  // namespace mpctl::server
