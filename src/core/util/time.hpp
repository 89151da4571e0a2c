// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

namespace mpctl::core::util {

// Seconds since the Unix epoch, UTC.
using UnixTime = int64_t;

UnixTime unix_now();

// "2026-11-24T14:43:56Z"
std::string iso8601(UnixTime t);

}  // namespace mpctl::core::util
