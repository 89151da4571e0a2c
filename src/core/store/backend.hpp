// SPDX-License-Identifier: Apache-2.0
// A whole store at a location: the registry, the token memory and the
// audit log. Which kind of backend holds it is chosen here, once, by the
// form of the location (a directory: LMDB; a postgresql:// URI: PostgreSQL),
// from a registry of backend kinds; nothing above this knows which it holds.
// Adding a backend means one BackendKind and one line in that registry
// (backend.cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/store/audit.hpp"
#include "core/store/store.hpp"
#include "core/store/token_memory.hpp"

namespace mpctl::core {

// An embedded store's memory map (LMDB).
struct MapOptions {
    // The first size of the memory map, reserved on disk (Env::reserve): it
    // doubles when full, reserving each time, until max_map_size.
    size_t map_size = size_t{8} << 20;
    size_t max_map_size = size_t{64} << 30;  // growth stops here with a clear error
    // false: commits survive the process but are flushed to disk only by
    // flush(). For the token memory, which must not cost an fsync per token.
    bool sync = true;
};

// The token memory of an embedded store: a second environment beside the
// registry, opened with sync = false.
MapOptions runtime_options();

struct BackendOptions {
    bool create = false;   // make the store when there is none (init, the target of a copy)
    bool migrate = false;  // bring an older schema to this version (db migrate)
    bool cached = false;   // a shared store: read the registry from memory (serve)
    size_t connections = 4;
    std::string schema = "mpctl";  // a shared store: the SQL schema
    // A cached shared store follows the others' changes in a thread of its
    // own, polling at least every `poll` (else only its own writes: tests).
    bool follow = true;
    std::chrono::milliseconds poll{500};
    // An embedded store's token memory (tests shrink its map).
    MapOptions runtime = runtime_options();
};

// One kind of backend.
class BackendKind {
  public:
    virtual ~BackendKind() = default;
    // Whether `location` is one of this kind's.
    virtual bool takes(std::string_view location) const = 0;
    // The location as messages and --print-config show it: a password hidden.
    virtual std::string describe(std::string_view location) const = 0;
    // Whether several machines share the store: its signing keys must then be
    // sealed, and a server waits on it more than on its CPU.
    virtual bool shared() const = 0;
    // The schema version this mpctl reads and writes.
    virtual int schema_version() const = 0;
    // Whether a store is there (an unreachable database is an error, not "no").
    virtual bool exists(const std::string& location, const BackendOptions& options) const = 0;
    // Opens the registry. Without `create`, no store there is an error that
    // says to run `mpctl init`.
    virtual Store open_registry(const std::string& location,
                                const BackendOptions& options) const = 0;
    // The audit log and the token memory of the store whose registry
    // open_registry(location, options) gave. The memory writes each
    // request's audit entry to `audit`, that store's audit log.
    virtual std::unique_ptr<AuditLog> open_audit(Store& registry,
                                                 const std::string& location) const = 0;
    virtual std::unique_ptr<TokenMemory> open_memory(Store& registry, AuditLog& audit,
                                                     const std::string& location,
                                                     const BackendOptions& options) const = 0;
};

// The kind of backend `location` names: the first of the registry that takes it.
const BackendKind& backend_kind(std::string_view location);

// The three parts of the store at a location, together.
class Backend {
  public:
    // Opens the registry now; the token memory and the audit log on first use.
    Backend(const std::string& location, const BackendOptions& options)
        : m_location(location),
          m_options(options),
          m_kind(&backend_kind(location)),
          m_store(m_kind->open_registry(location, options)) {}

    const BackendKind& kind() const { return *m_kind; }
    Store& store() { return m_store; }
    TokenMemory& memory() {
        if (!m_memory) {
            m_memory = m_kind->open_memory(m_store, audit(), m_location, m_options);
        }
        return *m_memory;
    }
    AuditLog& audit() {
        if (!m_audit) {
            m_audit = m_kind->open_audit(m_store, m_location);
        }
        return *m_audit;
    }

  private:
    std::string m_location;
    BackendOptions m_options;
    const BackendKind* m_kind;
    Store m_store;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<TokenMemory> m_memory;  // writes to m_audit
};

// The kinds the registry holds, for backend.cpp (store_lmdb_backend.cpp,
// store_pg_backend.cpp).
const BackendKind& lmdb_backend_kind();
const BackendKind& pg_backend_kind();

}  // namespace mpctl::core
