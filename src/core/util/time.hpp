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
// A length of time: a whole number and a unit, "90s", "15m", "24h", "7d";
// nullopt for any other text. One past a thousand years counts as that.
std::optional<UnixTime> parse_duration(const std::string& text);

}  // namespace mpctl::core::util
