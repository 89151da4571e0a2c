// SPDX-License-Identifier: Apache-2.0
// What every command shares: the global options, the store, the acting org,
// the clock and the output mode.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.hpp"
#include "core/actor.hpp"
#include "core/change.hpp"
#include "core/key_seal.hpp"
#include "core/registry.hpp"
#include "core/store/audit.hpp"
#include "core/store/backend.hpp"
#include "core/store/store.hpp"
#include "core/store/token_memory.hpp"
#include "core/util/http.hpp"
#include "core/util/time.hpp"

namespace mpctl::cli {

// The variables every command reads from the environment only (the
// schema, the key-encryption secrets), with a setting's name for `serve
// --print-config`, which masks the secrets.
struct EnvironmentSetting {
    const char* name;
    const char* var;
    bool secret;
};
inline constexpr EnvironmentSetting k_env_db_schema{"db-schema", "MPCTL_DB_SCHEMA", false};
inline constexpr EnvironmentSetting k_env_key_secret_file{"key-secret-file",
                                                          "MPCTL_KEY_SECRET_FILE", false};
inline constexpr EnvironmentSetting k_env_key_secret{"key-secret", "MPCTL_KEY_SECRET", true};
inline constexpr EnvironmentSetting k_env_key_secret_old_file{"key-secret-old-file",
                                                              "MPCTL_KEY_SECRET_OLD_FILE", false};
inline constexpr EnvironmentSetting k_env_key_secret_old{"key-secret-old", "MPCTL_KEY_SECRET_OLD",
                                                         true};
inline constexpr EnvironmentSetting k_environment_settings[] = {
    k_env_db_schema, k_env_key_secret_file, k_env_key_secret, k_env_key_secret_old_file,
    k_env_key_secret_old};

// A variable of the environment; unset and empty alike are nullopt.
std::optional<std::string> environment(const char* name);

// The options of every HTTP request mpctl makes: TLS verified with
// `cacert` (empty: the system's), the timeouts in seconds, and User-Agent
// "mpctl/VERSION".
core::util::HttpOptions http_options(const std::string& cacert, double connect_timeout = 5,
                                     double timeout = 20);

class Context {
  public:
    std::string db;     // --db
    bool json = false;  // --json
    // How a command that succeeded ends: ok, or (plan) changes pending.
    Exit exit = Exit::ok;
    std::string as_org;  // --as
    // --server and --cacert of the registry commands, and how to open that
    // server's registry (cli/server.hpp sets all three).
    std::string server;
    std::string server_cacert;
    std::function<std::unique_ptr<core::Registry>(Context&, core::util::HttpClient&)> open_server;

    // Where the store is: --db, else $MPCTL_DB, else $XDG_DATA_HOME/mpctl,
    // else ~/.local/share/mpctl. A directory, or a PostgreSQL URI.
    std::string location() const;
    // The kind of backend that location names (core/backend.hpp).
    const core::BackendKind& store_kind() const;
    // The location as it may be shown: a database's password masked.
    std::string shown_location() const;
    // Where `mpctl token` keeps tokens: $XDG_CACHE_HOME/mpctl, else ~/.cache/mpctl.
    std::filesystem::path cache_dir() const;
    // Opens the store on first use. Only `init` creates one (create_store);
    // for every other command a location without a store is an error, so
    // that a mistyped --db does not show an empty registry.
    core::Store& store();
    bool create_store = false;
    bool migrate_store = false;
    // Read the registry from memory, following the database (serve); the
    // connections a database store may open.
    bool cached_store = false;
    size_t connections = 4;
    // Whether there is a store at location().
    bool has_store();
    // The store, its token memory and its audit log.
    core::Backend& backend();
    // How backend() opens a store (from the settings above and MPCTL_DB_SCHEMA).
    core::BackendOptions backend_options() const;
    core::TokenMemory& memory();
    core::AuditLog& audit();
    // The key-encryption secrets (core/key_seal.hpp): MPCTL_KEY_SECRET_FILE
    // or MPCTL_KEY_SECRET seals and opens, MPCTL_KEY_SECRET_OLD_FILE or
    // MPCTL_KEY_SECRET_OLD opens too while the secret changes. A shared
    // store (several machines) requires one (or, with `required`, any store).
    const core::KeySecrets& key_secrets() { return key_secrets(store_kind().shared()); }
    const core::KeySecrets& key_secrets(bool required);
    // The operator, or the org given with --as.
    core::Actor actor() const;
    core::util::UnixTime now() const { return core::util::unix_now(); }

    // The registry the registry commands act on: the server's with
    // --server, else the local store's as actor(), a transaction per call.
    core::Registry& registry();
    bool remote() const { return !server.empty(); }
    // Runs `work` on the registry in one transaction, where there is one:
    // on the local store, one write transaction (all of it or nothing); a
    // server's API has none, so there each call stands alone.
    template <class Work>
    auto in_one_transaction(Work&& work) {
        if (remote()) {
            return work(registry());
        }
        auto as = actor();
        auto at = now();
        return store().write([&](core::WriteTxn& txn) {
            core::StoreRegistry local(txn, as, at);
            return work(static_cast<core::Registry&>(local));
        });
    }

    // Prints `value` as JSON (fields in the API's order) with --json, else runs `human`.
    void emit(const nlohmann::ordered_json& value, const std::function<void()>& human) const;

    // A removal's or a deactivation's outcome, as emit() prints a value: the
    // words are `done` when it changed something, else what was so already
    // and "nothing to do". Either way it succeeds: a script that runs twice
    // succeeds twice.
    template <class T>
    void emit_change(const core::Changed<T>& outcome, const std::function<void()>& done) const {
        emit(outcome.value, [&] {
            if (outcome.change == core::Change::made) {
                done();
            } else {
                say_unchanged(outcome.note);
            }
        });
    }
    // "NOTE; nothing to do", for an outcome that changed nothing.
    void say_unchanged(const std::string& note) const;

  private:
    std::optional<core::Backend> m_backend;
    std::optional<core::KeySecrets> m_secrets;
    std::unique_ptr<core::util::HttpClient> m_http;
    std::unique_ptr<core::Registry> m_registry;
};

}  // namespace mpctl::cli
