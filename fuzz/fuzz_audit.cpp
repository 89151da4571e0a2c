// SPDX-License-Identifier: Apache-2.0
// The audit log as `mpctl audit` reads it back: any bytes, any lines,
// plain or gzip-compressed.
#include <fstream>

#include "core/store/audit.hpp"
#include "core/util/error.hpp"
#include "world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static mpctl::test::TempDir dir;
    auto path = dir / "audit.log";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    // A file that starts as gzip does is read as one (logrotate's); damaged
    // compressed data is an error that names the file, never a crash.
    try {
        mpctl::core::AuditFilter all;
        mpctl::core::read_audit(path, all);
        mpctl::core::AuditFilter some;
        some.client_id = "c";
        some.org = "910000004";
        some.scope = "skatt:melding";
        some.since = 0;
        some.result = "refused";
        mpctl::core::read_audit(path, some);
        mpctl::core::AuditFilter one;
        one.trace_id = "t";
        mpctl::core::read_audit(path, one);
    } catch (const mpctl::Error&) {
    }
    return 0;
}
