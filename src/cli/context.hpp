// SPDX-License-Identifier: Apache-2.0
// What every command shares: the global options, the store, the acting org,
// the clock and the output mode.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/actor.hpp"
#include "core/store.hpp"
#include "core/util/time.hpp"

namespace mpctl::cli {

class Context {
  public:
    std::string db;      // --db
    bool json = false;   // --json
    std::string as_org;  // --as

    // The store directory: --db, else $MPCTL_DB, else $XDG_DATA_HOME/mpctl,
    // else ~/.local/share/mpctl.
    std::filesystem::path store_dir() const;
    // Where `mpctl token` keeps tokens: $XDG_CACHE_HOME/mpctl, else ~/.cache/mpctl.
    std::filesystem::path cache_dir() const;
    // Opens the store on first use. Only `init` creates one (create_store);
    // for every other command a directory without a store is an error, so
    // that a mistyped --db does not show an empty registry.
    core::Store& store();
    bool create_store = false;
    // The token memory beside the store (see core::runtime_dir).
    core::Store& runtime();
    // The operator, or the org given with --as.
    core::Actor actor() const;
    core::util::UnixTime now() const { return core::util::unix_now(); }

    // Prints `value` as JSON (fields in the API's order) with --json, else runs `human`.
    void emit(const nlohmann::ordered_json& value, const std::function<void()>& human) const;

  private:
    std::optional<core::Store> m_store;
    std::optional<core::Store> m_runtime;
};

}  // namespace mpctl::cli
