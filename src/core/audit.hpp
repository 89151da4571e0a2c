// SPDX-License-Identifier: Apache-2.0
// The audit log of token requests: one JSON line each, in the store directory.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/token_service.hpp"
#include "core/util/line_log.hpp"

namespace mpctl::core {

std::filesystem::path audit_log_path(const std::filesystem::path& store_dir);

// The entry as one line of JSON.
std::string audit_line(const AuditEntry& entry);

// Appends the entry to the log (see audit_log_path), kept open by the caller.
void append_audit(util::LineLog& log, const AuditEntry& entry);

struct AuditFilter {
    std::optional<std::string> client_id;
    std::optional<std::string> org;  // consumer or supplier
    std::optional<std::string> scope;
    std::optional<util::UnixTime> since;
    std::optional<std::string> result;  // "granted" or "refused"
};

// The entries that match, oldest first; a missing log is an empty one.
std::vector<nlohmann::json> read_audit(const std::filesystem::path& log, const AuditFilter& filter);

// "2026-11-24T10:00:00Z", or an age: "90s", "15m", "2h", "7d" before `now`.
util::UnixTime parse_since(const std::string& text, util::UnixTime now);

}  // namespace mpctl::core
