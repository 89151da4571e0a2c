// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mpctl::core::util {

// Seconds since the Unix epoch, UTC.
using UnixTime = int64_t;

UnixTime unix_now();

// "2026-11-24T14:43:56Z"
std::string iso8601(UnixTime t);
// The time such a text names; nullopt for any other text.
std::optional<UnixTime> parse_iso8601(const std::string& text);

}  // namespace mpctl::core::util
