// SPDX-License-Identifier: Apache-2.0
#include "core/store/lmdb/lmdb_store.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include "core/util/error.hpp"
#include "core/util/fs.hpp"

namespace mpctl::core {

namespace {

constexpr std::array<const char*, k_table_count> k_table_names{
    "meta",
    "prefixes",
    "scopes",
    "scopes_by_owner",
    "access",
    "access_by_consumer",
    "clients",
    "clients_by_org",
    "client_keys",
    "delegations",
    "delegations_by_consumer",
    "delegations_by_supplier",
    "systems",
    "systems_by_vendor",
    "systems_by_client",
    "systemusers",
    "systemusers_by_customer",
    "systemusers_by_system",
    "trusted_cas",
    "signing_keys",
    "used_grants",
    "used_grants_by_expiry",
    "opaque_tokens",
    "opaque_tokens_by_expiry",
};

constexpr std::string_view k_schema_key = "schema_version";

}  // namespace

namespace {

// A transaction of the LMDB backend, under the shared resize lock.
class LmdbTxn : public TxnBackend {
  public:
    LmdbTxn(ResizeLock lock, util::lmdb::Txn txn,
            const std::array<util::lmdb::Dbi, k_table_count>& dbis)
        : m_lock(std::move(lock)), m_txn(std::move(txn)), m_dbis(&dbis) {}

    std::optional<std::string_view> get(Table t, std::string_view key) const override {
        return m_txn.get(dbi(t), key);
    }
    void scan(Table t, std::string_view prefix,
              const std::function<bool(std::string_view, std::string_view)>& visit) const override {
        m_txn.scan(dbi(t), prefix, [&](std::string_view key, std::string_view value) {
            if (!key.starts_with(prefix)) {
                return false;
            }
            return visit(key, value);
        });
    }
    size_t count(Table t) const override { return m_txn.count(dbi(t)); }
    void put(Table t, std::string_view key, std::string_view value) override {
        m_txn.put(dbi(t), key, value);
    }
    bool del(Table t, std::string_view key) override { return m_txn.del(dbi(t), key); }
    void commit() override { m_txn.commit(); }

  private:
    util::lmdb::Dbi dbi(Table t) const { return (*m_dbis)[static_cast<size_t>(t)]; }
    ResizeLock m_lock;  // declared first: released after the transaction ends
    util::lmdb::Txn m_txn;
    const std::array<util::lmdb::Dbi, k_table_count>* m_dbis;
};

}  // namespace

namespace {

// Opens every table, or returns false when one is missing (and not `create`).
bool open_tables(util::lmdb::Txn& txn, std::array<util::lmdb::Dbi, k_table_count>& dbis,
                 bool create) {
    for (size_t i = 0; i < k_table_count; ++i) {
        auto dbi = txn.open_dbi(k_table_names[i], create);
        if (!dbi) {
            return false;
        }
        dbis[i] = *dbi;
    }
    return true;
}

void check_version(const util::lmdb::Txn& txn, util::lmdb::Dbi meta,
                   const std::filesystem::path& dir) {
    auto version = txn.get(meta, k_schema_key);
    if (!version) {
        fail(ErrorKind::failure,
             fmt::format("store \"{}\" has no schema version; it is not an mpctl store",
                         dir.string()));
    }
    if (*version != std::to_string(Store::k_schema_version)) {
        fail(ErrorKind::failure,
             fmt::format("store \"{}\" has schema version {}; this mpctl reads only version {} "
                         "(is it from a newer mpctl?)",
                         dir.string(), *version, Store::k_schema_version));
    }
}

[[noreturn]] void rethrow_naming(const util::lmdb::LmdbError& e, const std::filesystem::path& dir) {
    std::string hint;
    if (e.code() == EACCES || e.code() == EPERM) {
        hint = " (its files belong to another user, or its directory is not writable by this one)";
    }
    fail(e.kind(), fmt::format("store \"{}\": {}{}", dir.string(), e.what(), hint));
}

}  // namespace

std::unique_ptr<LmdbStore> LmdbStore::open(const std::filesystem::path& dir, MapOptions options) {
    try {
        return open_lmdb(dir, options);
    } catch (const util::lmdb::LmdbError& e) {
        rethrow_naming(e, dir);
    }
}

std::unique_ptr<LmdbStore> LmdbStore::open_lmdb(const std::filesystem::path& dir,
                                                MapOptions options) {
    util::make_private_dir(dir);
    std::unique_ptr<LmdbStore> owner(new LmdbStore(
        dir, util::lmdb::Env(dir, k_table_count + 2, options.map_size, options.sync), options));
    LmdbStore& store = *owner;
    // Another process may have grown the map already: adopt the larger size.
    store.m_env.set_map_size(0);
    if (store.m_env.map_size() < options.map_size) {
        store.m_env.set_map_size(options.map_size);
    }
    // Every page of the map has its place on disk before it is written
    // (see Env::reserve); for a store of an older mpctl, from now on.
    store.m_env.reserve(store.m_env.map_size());
    auto meta = static_cast<size_t>(Table::meta);
    {
        // The usual case, an existing store, needs no write.
        auto txn = util::lmdb::Txn::begin(store.m_env, true);
        if (open_tables(txn, store.m_dbis, false)) {
            check_version(txn, store.m_dbis[meta], dir);
            txn.commit();  // keeps the table handles
            return owner;
        }
    }
    auto txn = util::lmdb::Txn::begin(store.m_env, false);
    auto main = txn.open_dbi(nullptr, false);
    bool fresh = txn.count(*main) == 0;
    bool has_meta = txn.get(*main, "meta").has_value();
    if (!fresh && !has_meta) {
        fail(ErrorKind::failure,
             fmt::format("\"{}\" holds an LMDB database that is not an mpctl store", dir.string()));
    }
    if (!fresh) {
        // Tables are missing from a store that has some: check the version
        // first, so a newer store is refused rather than altered.
        check_version(txn, *txn.open_dbi("meta", false), dir);
    }
    open_tables(txn, store.m_dbis, true);
    if (fresh) {
        txn.put(store.m_dbis[meta], k_schema_key, std::to_string(Store::k_schema_version));
    }
    txn.commit();
    return owner;
}

Store open_lmdb_store(const std::filesystem::path& dir, MapOptions options) {
    return Store(dir.string(), LmdbStore::open(dir, options));
}

ReadTxn LmdbStore::read() {
    auto [lock, txn] = begin(true);
    return ReadTxn(std::make_unique<LmdbTxn>(std::move(lock), std::move(txn), m_dbis));
}

void LmdbStore::write(const std::function<void(WriteTxn&)>& work) {
    for (;;) {
        {
            auto [lock, raw] = begin(false);
            WriteTxn txn(std::make_unique<LmdbTxn>(std::move(lock), std::move(raw), m_dbis));
            try {
                work(txn);
                txn.commit();
                return;
            } catch (const util::lmdb::LmdbError& e) {
                if (!e.map_full()) {
                    rethrow(e);
                }
            }
        }  // the failed transaction is aborted here, before the map changes
        grow();
    }
}

void LmdbStore::flush() {
    auto lock = shared_lock();  // the map must not move under msync
    m_env.sync();
}

ResizeLock LmdbStore::shared_lock() {
    for (;;) {
        ResizeLock lock(m_resize);
        if (!m_resizing.load()) {
            return lock;
        }
        // A resize waits for the lock: let it go first, or a steady stream
        // of readers (glibc's rwlock prefers them) would starve it.
        lock.unlock();
        std::this_thread::yield();
    }
}

void LmdbStore::resize(const std::function<void()>& change) {
    struct Flag {
        std::atomic<bool>& resizing;
        explicit Flag(std::atomic<bool>& f) : resizing(f) { resizing.store(true); }
        ~Flag() { resizing.store(false); }
    } flag(m_resizing);
    std::unique_lock lock(m_resize);
    change();
}

std::pair<ResizeLock, util::lmdb::Txn> LmdbStore::begin(bool read_only) {
    // Another process may grow the map again between our adopting its size
    // and beginning: try until a begin succeeds. It ends, since every
    // adoption takes a larger size and the map stops at its limit.
    for (;;) {
        ResizeLock lock = shared_lock();
        try {
            return {std::move(lock), util::lmdb::Txn::begin(m_env, read_only)};
        } catch (const util::lmdb::LmdbError& e) {
            if (!e.map_resized()) {
                throw;
            }
        }
        lock.unlock();
        // Adopt the map another process grew, reserved here too: an older
        // mpctl may have grown it without reserving.
        resize([&] {
            m_env.set_map_size(0);
            m_env.reserve(m_env.map_size());
        });
    }
}

void LmdbStore::grow() {
    resize([&] {
        size_t current = m_env.map_size();
        if (current >= m_options.max_map_size) {
            fail(ErrorKind::failure,
                 fmt::format("store \"{}\" is full: it reached its limit of {} MiB", m_dir.string(),
                             m_options.max_map_size >> 20));
        }
        size_t next = std::min(current * 2, m_options.max_map_size);
        try {
            m_env.reserve(next);
        } catch (const util::lmdb::LmdbError& e) {
            m_growth_fault.store(e.code());
            fail(e.kind(),
                 fmt::format("store \"{}\" cannot grow from {} to {} MiB: {}", m_dir.string(),
                             current >> 20, next >> 20, std::strerror(e.code())));
        }
        m_growth_fault.store(0);
        m_env.set_map_size(next);
    });
}

std::optional<std::string> LmdbStore::fault() {
    if (m_growth_fault.load() == 0) {
        return std::nullopt;
    }
    auto lock = shared_lock();
    size_t next = std::min(m_env.map_size() * 2, m_options.max_map_size);
    try {
        // Reserved now, the space stays this store's for the growth to come.
        m_env.reserve(next);
    } catch (const util::lmdb::LmdbError& e) {
        return fmt::format("cannot grow: {}", std::strerror(e.code()));
    }
    m_growth_fault.store(0);
    return std::nullopt;
}

void LmdbStore::rethrow(const util::lmdb::LmdbError& e) const {
    rethrow_naming(e, m_dir);
}

}  // namespace mpctl::core
