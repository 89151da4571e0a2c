// SPDX-License-Identifier: Apache-2.0
#include "cli/context.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "cli/checks.hpp"
#include "core/util/error.hpp"

namespace mpctl::cli {

namespace {

std::optional<std::string> env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        return std::nullopt;
    }
    return std::string(value);
}

}  // namespace

std::filesystem::path Context::store_dir() const {
    if (!db.empty()) {
        return db;
    }
    if (auto dir = env("MPCTL_DB")) {
        return *dir;
    }
    if (auto data = env("XDG_DATA_HOME")) {
        return std::filesystem::path(*data) / "mpctl";
    }
    if (auto home = env("HOME")) {
        return std::filesystem::path(*home) / ".local" / "share" / "mpctl";
    }
    usage_error("no store: give --db DIR or set MPCTL_DB (HOME is not set)");
}

std::filesystem::path Context::cache_dir() const {
    if (auto cache = env("XDG_CACHE_HOME")) {
        return std::filesystem::path(*cache) / "mpctl";
    }
    if (auto home = env("HOME")) {
        return std::filesystem::path(*home) / ".cache" / "mpctl";
    }
    usage_error("no cache directory: set XDG_CACHE_HOME or HOME, or give --no-cache");
}

namespace {

void require_store(const std::filesystem::path& dir) {
    // Only when the file is known to be absent: another user's store is
    // for Store::open to refuse with the reason.
    std::error_code ec;
    if (!std::filesystem::exists(dir / "data.mdb", ec) && !ec) {
        fail(ErrorKind::failure,
             fmt::format("no store at \"{}\"; run mpctl init there first, or give the store "
                         "with --db DIR or MPCTL_DB",
                         dir.string()));
    }
}

}  // namespace

core::Store& Context::store() {
    if (!m_store) {
        if (!create_store) {
            require_store(store_dir());
        }
        m_store.emplace(core::Store::open(store_dir()));
    }
    return *m_store;
}

core::Store& Context::runtime() {
    if (!m_runtime) {
        if (!create_store) {
            require_store(store_dir());
        }
        m_runtime.emplace(
            core::Store::open(core::runtime_dir(store_dir()), core::runtime_options()));
    }
    return *m_runtime;
}

core::Actor Context::actor() const {
    if (as_org.empty()) {
        return core::Actor::operator_role();
    }
    return core::Actor::organisation(core::OrgNumber::parse(as_org));
}

void Context::emit(const nlohmann::ordered_json& value, const std::function<void()>& human) const {
    if (json) {
        std::cout << value.dump(2) << '\n';
    } else {
        human();
    }
}

}  // namespace mpctl::cli
