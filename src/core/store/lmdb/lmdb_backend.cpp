// SPDX-License-Identifier: Apache-2.0
// The embedded backend as a BackendKind: a store directory with the
// registry, `runtime/` (the token memory) and `audit.log`.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "core/store/backend.hpp"
#include "core/store/lmdb/lmdb_store.hpp"
#include "core/util/error.hpp"

namespace mpctl::core {

namespace {

// The token memory of the store in `store_dir`.
std::filesystem::path runtime_dir(const std::filesystem::path& store_dir) {
    return store_dir / "runtime";
}

bool has_registry(const std::filesystem::path& dir, std::error_code& ec) {
    return std::filesystem::exists(dir / "data.mdb", ec);
}

class LmdbKind : public BackendKind {
  public:
    bool takes(std::string_view) const override { return true; }
    std::string describe(std::string_view location) const override { return std::string(location); }
    bool shared() const override { return false; }
    int schema_version() const override { return Store::k_schema_version; }
    bool exists(const std::string& location, const BackendOptions&) const override {
        std::error_code ec;
        return has_registry(location, ec);
    }
    Store open_registry(const std::string& location, const BackendOptions& options) const override {
        // Only when the file is known to be absent: another user's store is
        // for Store::open to refuse with the reason.
        std::error_code ec;
        if (!options.create && !has_registry(location, ec) && !ec) {
            fail(ErrorKind::not_found,
                 fmt::format("no store at \"{}\"; run mpctl init there first, or give the store "
                             "with --db DIR or MPCTL_DB",
                             location));
        }
        return open_lmdb_store(location);
    }
    std::unique_ptr<TokenMemory> open_memory(Store&, AuditLog& audit, const std::string& location,
                                             const BackendOptions& options) const override {
        return store_token_memory(open_lmdb_store(runtime_dir(location), options.runtime), audit);
    }
    std::unique_ptr<AuditLog> open_audit(Store&, const std::string& location) const override {
        return file_audit_log(audit_log_path(location), false);
    }
};

}  // namespace

const BackendKind& lmdb_backend_kind() {
    static const LmdbKind kind;
    return kind;
}

}  // namespace mpctl::core
