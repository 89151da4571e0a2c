// SPDX-License-Identifier: Apache-2.0
// What an operator writes for `mpctl serve`: the --config file (name = value
// lines), and a database URI or conninfo, which every message shows through
// pg::redact. Neither may crash on any bytes; a file that parses holds only
// well-formed names and non-empty values.
#include <cstdlib>

#include "cli/checks.hpp"
#include "cli/settings.hpp"
#include "core/util/error.hpp"
#include "core/util/pg.hpp"
#include "world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto text = mpctl::fuzz::text(data, size);
    try {
        auto file = mpctl::cli::parse_config("fuzz.conf", text);
        for (const auto& [name, entry] : file.entries) {
            if (name.empty() || entry.value.empty() || entry.line < 1 ||
                name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") !=
                    std::string::npos) {
                std::abort();
            }
            (void)mpctl::core::util::pg::redact(entry.value);
        }
    } catch (const mpctl::cli::UsageError&) {
    }
    // A password given in the URI's authority never shows.
    std::string redacted = mpctl::core::util::pg::redact(text);
    if (text.starts_with("postgresql://u:s3cretpw@") &&
        !redacted.starts_with("postgresql://u:***@")) {
        std::abort();
    }
    return 0;
}
