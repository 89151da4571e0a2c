// SPDX-License-Identifier: Apache-2.0
#include "core/util/time.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <ctime>

#include <fmt/format.h>

namespace mpctl::core::util {

UnixTime unix_now() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::string iso8601(UnixTime t) {
    using namespace std::chrono;
    sys_seconds at{seconds{t}};
    auto day = floor<days>(at);
    year_month_day date{day};
    hh_mm_ss time{at - day};
    int y = static_cast<int>(date.year());
    if (y < 0 || y > 9999) {
        return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y,
                           static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                           time.hours().count(), time.minutes().count(), time.seconds().count());
    }
    // Written by hand: this runs twice per token request (audit and access log).
    std::string out = "0000-00-00T00:00:00Z";
    auto put = [&out](size_t at, unsigned value, size_t width) {
        for (size_t i = width; i-- > 0; value /= 10) {
            out[at + i] = static_cast<char>('0' + value % 10);
        }
    };
    put(0, static_cast<unsigned>(y), 4);
    put(5, static_cast<unsigned>(date.month()), 2);
    put(8, static_cast<unsigned>(date.day()), 2);
    put(11, static_cast<unsigned>(time.hours().count()), 2);
    put(14, static_cast<unsigned>(time.minutes().count()), 2);
    put(17, static_cast<unsigned>(time.seconds().count()), 2);
    return out;
}

std::optional<UnixTime> parse_iso8601(const std::string& text) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (end == nullptr || *end != '\0') {
        return std::nullopt;
    }
    auto t = static_cast<UnixTime>(timegm(&tm));
    // timegm rolls 2026-02-30 over into March: a date that is not one is
    // no time.
    if (iso8601(t) != text) {
        return std::nullopt;
    }
    return t;
}

std::optional<UnixTime> parse_duration(const std::string& text) {
    if (text.size() < 2) {
        return std::nullopt;
    }
    UnixTime unit = 0;
    switch (text.back()) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        default:
            return std::nullopt;
    }
    // Past a thousand years every length means the same: so long, never
    // an overflow.
    constexpr UnixTime k_longest = 1000 * 366 * UnixTime{86400};
    UnixTime amount = 0;
    for (size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return std::nullopt;
        }
        amount = std::min(amount * 10 + (text[i] - '0'), k_longest);
    }
    return std::min(amount, k_longest / unit) * unit;
}

}  // namespace mpctl::core::util
