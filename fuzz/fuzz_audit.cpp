// SPDX-License-Identifier: Apache-2.0
// The audit log as `mpctl audit` reads it back: any bytes, any lines.
#include <fstream>

#include "core/store/audit.hpp"
#include "world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static mpctl::test::TempDir dir;
    auto path = dir / "audit.log";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    mpctl::core::AuditFilter all;
    mpctl::core::read_audit(path, all);
    mpctl::core::AuditFilter some;
    some.client_id = "c";
    some.org = "910000004";
    some.scope = "skatt:melding";
    some.since = 0;
    some.result = "refused";
    mpctl::core::read_audit(path, some);
    return 0;
}
