// SPDX-License-Identifier: Apache-2.0
#include "cli/context.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <utility>

#include "cli/checks.hpp"
#include "cli/version.hpp"
#include "core/util/error.hpp"
#include "core/util/fs.hpp"
#include "core/util/text.hpp"

namespace mpctl::cli {

core::util::HttpOptions http_options(const std::string& cacert, double connect_timeout,
                                     double timeout) {
    core::util::HttpOptions options;
    options.cacert = cacert;
    options.connect_timeout_ms = static_cast<long>(connect_timeout * 1000);
    options.timeout_ms = static_cast<long>(timeout * 1000);
    options.user_agent = fmt::format("mpctl/{}", k_version);
    return options;
}

std::optional<std::string> environment(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        return std::nullopt;
    }
    return std::string(value);
}

std::string Context::location() const {
    if (!db.empty()) {
        return db;
    }
    if (auto location = environment("MPCTL_DB")) {
        return *location;
    }
    if (auto data = environment("XDG_DATA_HOME")) {
        return (std::filesystem::path(*data) / "mpctl").string();
    }
    if (auto home = environment("HOME")) {
        return (std::filesystem::path(*home) / ".local" / "share" / "mpctl").string();
    }
    usage_error("no store: give --db DIR or set MPCTL_DB (HOME is not set)");
}

const core::BackendKind& Context::store_kind() const {
    return core::backend_kind(location());
}

std::string Context::shown_location() const {
    return store_kind().describe(location());
}

std::filesystem::path Context::cache_dir() const {
    if (auto cache = environment("XDG_CACHE_HOME")) {
        return std::filesystem::path(*cache) / "mpctl";
    }
    if (auto home = environment("HOME")) {
        return std::filesystem::path(*home) / ".cache" / "mpctl";
    }
    usage_error("no cache directory: set XDG_CACHE_HOME or HOME, or give --no-cache");
}

core::Backend& Context::backend() {
    if (!m_backend) {
        m_backend.emplace(location(), backend_options());
    }
    return *m_backend;
}

core::BackendOptions Context::backend_options() const {
    core::BackendOptions options;
    options.create = create_store;
    options.migrate = migrate_store;
    options.cached = cached_store;
    options.connections = connections;
    if (auto schema = environment(k_env_db_schema.var)) {
        options.schema = *schema;  // several stores in one database
    }
    return options;
}

core::Store& Context::store() {
    return backend().store();
}

bool Context::has_store() {
    return m_backend || store_kind().exists(location(), backend_options());
}

core::TokenMemory& Context::memory() {
    return backend().memory();
}

core::AuditLog& Context::audit() {
    return backend().audit();
}

namespace {

// A secret from the file named by `file_var`, else from `var`; false when neither is set.
bool add_secret(core::KeySecrets& secrets, const char* file_var, const char* var) {
    if (auto file = environment(file_var)) {
        std::string text = core::util::read_file(*file, 4096);
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
            text.pop_back();
        }
        secrets.add(text, fmt::format("{} ({})", file_var, *file));
        return true;
    }
    if (auto text = environment(var)) {
        secrets.add(*text, var);
        return true;
    }
    return false;
}

}  // namespace

const core::KeySecrets& Context::key_secrets(bool required) {
    if (!m_secrets) {
        core::KeySecrets secrets;
        bool current = add_secret(secrets, k_env_key_secret_file.var, k_env_key_secret.var);
        if (add_secret(secrets, k_env_key_secret_old_file.var, k_env_key_secret_old.var) &&
            !current) {
            usage_error(
                "MPCTL_KEY_SECRET_OLD_FILE is for changing the secret: give the new one "
                "in MPCTL_KEY_SECRET_FILE too");
        }
        if (secrets.empty() && required) {
            fail(ErrorKind::failure,
                 "a PostgreSQL store keeps the signing keys sealed: give the key-encryption "
                 "secret in MPCTL_KEY_SECRET_FILE (make one with: openssl rand -base64 32)");
        }
        secrets.require_sealed(store_kind().shared());
        m_secrets = std::move(secrets);
    }
    return *m_secrets;
}

core::Actor Context::actor() const {
    if (as_org.empty()) {
        return core::Actor::operator_role();
    }
    return core::Actor::organisation(core::OrgNumber::parse(as_org));
}

core::Registry& Context::registry() {
    if (!m_registry) {
        if (remote()) {
            m_http = std::make_unique<core::util::HttpClient>(http_options(server_cacert));
            m_registry = open_server(*this, *m_http);
        } else {
            m_registry = std::make_unique<core::StoreRegistry>(
                store(), actor(), [] { return core::util::unix_now(); });
        }
    }
    return *m_registry;
}

void Context::emit(const nlohmann::ordered_json& value, const std::function<void()>& human) const {
    if (json) {
        std::cout << value.dump(2) << '\n';
    } else {
        human();
    }
}

void Context::say_unchanged(const std::string& note) const {
    std::cout << core::util::printable(note) << "; nothing to do\n";
}

}  // namespace mpctl::cli
