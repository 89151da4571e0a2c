// SPDX-License-Identifier: Apache-2.0
// The store: a named table per kind of record and per index, records as
// JSON text, reached through transactions. Which backend runs a store is
// chosen by its location (core/store/backend.hpp): the embedded one is an
// LMDB environment in a directory (core/store/lmdb/), the shared one a
// PostgreSQL schema (core/store/pg/).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mpctl::core {

enum class Table {
    meta,
    prefixes,                 // prefix -> PrefixRecord
    scopes,                   // scope name -> Scope
    scopes_by_owner,          // owner \0 scope -> ""
    access,                   // scope \0 consumer -> Access
    access_by_consumer,       // consumer \0 scope -> ""
    clients,                  // client_id -> Client
    clients_by_org,           // orgno \0 client_id -> ""
    client_keys,              // client_id -> ClientKeySet
    delegations,              // id -> Delegation
    delegations_by_consumer,  // consumer \0 id -> ""
    delegations_by_supplier,  // supplier \0 id -> ""
    systems,                  // system id -> System
    systems_by_vendor,        // vendor \0 system id -> ""
    systems_by_client,        // client_id \0 system id -> ""
    systemusers,              // id -> SystemUser
    systemusers_by_customer,  // customer \0 id -> ""
    systemusers_by_system,    // system id \0 id -> ""
    trusted_cas,              // fingerprint -> TrustedCa
    signing_keys,             // kid -> SigningKey
    used_grants,              // hash of (client, jti or assertion) -> expiry
    used_grants_by_expiry,    // expiry \0 hash -> ""
    opaque_tokens,            // hash of the token -> its claims
    opaque_tokens_by_expiry,  // expiry \0 hash -> ""
};
inline constexpr size_t k_table_count = static_cast<size_t>(Table::opaque_tokens_by_expiry) + 1;

// Whether `t` belongs to the registry, not to the token memory.
constexpr bool registry_table(Table t) {
    return t < Table::used_grants;
}

// "a\0b": the key of an index entry. Its parts never contain NUL.
std::string index_key(std::string_view a, std::string_view b);

// One transaction of a store's backend.
// ReadTxn and WriteTxn are its face to the rules of core, which do not know
// which backend runs.
class TxnBackend {
  public:
    virtual ~TxnBackend() = default;
    // A value stays valid until the transaction ends.
    virtual std::optional<std::string_view> get(Table t, std::string_view key) const = 0;
    virtual void scan(
        Table t, std::string_view prefix,
        const std::function<bool(std::string_view key, std::string_view value)>& visit) const = 0;
    virtual size_t count(Table t) const = 0;
    virtual void put(Table t, std::string_view key, std::string_view value) = 0;
    virtual bool del(Table t, std::string_view key) = 0;
    virtual void commit() = 0;
};

class ReadTxn {
  public:
    explicit ReadTxn(std::unique_ptr<TxnBackend> txn) : m_txn(std::move(txn)) {}

    std::optional<std::string_view> get(Table t, std::string_view key) const {
        return m_txn->get(t, key);
    }
    // Visits every entry whose key starts with `prefix`, in key order, until
    // `visit` returns false.
    void scan(
        Table t, std::string_view prefix,
        const std::function<bool(std::string_view key, std::string_view value)>& visit) const {
        m_txn->scan(t, prefix, visit);
    }
    size_t count(Table t) const { return m_txn->count(t); }

  protected:
    std::unique_ptr<TxnBackend> m_txn;
};

class WriteTxn : public ReadTxn {
  public:
    using ReadTxn::ReadTxn;
    void put(Table t, std::string_view key, std::string_view value) { m_txn->put(t, key, value); }
    bool del(Table t, std::string_view key) { return m_txn->del(t, key); }
    void commit() { m_txn->commit(); }
};

// What a Store runs on.
class StoreBackend {
  public:
    virtual ~StoreBackend() = default;
    virtual ReadTxn read() = 0;
    // Runs `work` in a write transaction and commits it; may run it again
    // after rolling back (see Store::write).
    virtual void write(const std::function<void(WriteTxn&)>& work) = 0;
    virtual void flush() = 0;
    virtual std::optional<std::string> fault() = 0;
};

class Store {
  public:
    static constexpr int k_schema_version = 1;

    // A store on `backend`, found at `location` (shown in messages).
    Store(std::string location, std::unique_ptr<StoreBackend> backend)
        : m_location(std::move(location)), m_backend(std::move(backend)) {}

    ReadTxn read() { return m_backend->read(); }

    // Runs `work` in one write transaction and commits it. When the backend
    // must (LMDB's map filled), the transaction is rolled back and `work` runs
    // again; so `work` must have no effects outside the transaction. Nothing
    // is written when `work` throws.
    template <class Work>
    auto write(Work&& work) -> std::invoke_result_t<Work&, WriteTxn&> {
        using Result = std::invoke_result_t<Work&, WriteTxn&>;
        if constexpr (std::is_void_v<Result>) {
            m_backend->write([&](WriteTxn& txn) { work(txn); });
        } else {
            std::optional<Result> result;
            m_backend->write([&](WriteTxn& txn) { result.emplace(work(txn)); });
            return std::move(*result);
        }
    }

    // The directory, or the database (its password masked) and schema.
    const std::string& location() const { return m_location; }
    StoreBackend& backend() { return *m_backend; }
    // Writes every commit to disk now (only needed with sync = false).
    // Safe beside transactions of other threads.
    void flush() { m_backend->flush(); }
    // Why the store could not grow the last time it had to (no space on its
    // file system), while that still holds: each call tries to reserve the
    // room again, and nullopt once it could.
    std::optional<std::string> fault() { return m_backend->fault(); }

  private:
    std::string m_location;
    std::unique_ptr<StoreBackend> m_backend;
};

}  // namespace mpctl::core
