// SPDX-License-Identifier: Apache-2.0
// A whole store at a location: the registry, the token memory and the
// audit log, on LMDB (a directory) or PostgreSQL (a postgresql:// URI).
// The one place that picks the backend.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/audit.hpp"
#include "core/store.hpp"
#include "core/token_memory.hpp"

namespace mpctl::core {

struct BackendOptions {
    bool create = false;   // make the store when there is none (init, the target of a copy)
    bool migrate = false;  // PostgreSQL: bring an older schema to this version
    bool cached = false;   // PostgreSQL: read the registry from memory (serve)
    size_t connections = 4;
    std::string schema = "mpctl";  // PostgreSQL: the SQL schema
};

class Backend {
  public:
    // Opens the registry now; the token memory and audit log on first use.
    // Without `create`, a location without a store is an error that says
    // to run `mpctl init`.
    Backend(const std::string& location, const BackendOptions& options);
    Backend(Backend&&) = default;

    Store& store() { return *m_store; }
    TokenMemory& memory();
    AuditLog& audit();
    bool on_database() const { return m_on_database; }

  private:
    std::string m_location;
    bool m_on_database;
    std::optional<Store> m_store;
    std::unique_ptr<TokenMemory> m_memory;
    std::unique_ptr<AuditLog> m_audit;
};

}  // namespace mpctl::core
