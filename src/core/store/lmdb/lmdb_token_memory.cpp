// SPDX-License-Identifier: Apache-2.0
#include "core/store/lmdb/lmdb_store.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/store/expiring.hpp"
#include "core/util/time.hpp"

namespace mpctl::core {

namespace {

// Bounded so that no token request pays for a backlog.
constexpr size_t k_inline_purge = 32;

class StoreTokenMemory : public TokenMemory {
  public:
    StoreTokenMemory(Store store, AuditLog& audit) : m_store(std::move(store)), m_audit(audit) {}

    bool record(const TokenRecord& record, util::UnixTime now) override {
        if (!record.grant) {
            m_audit.append(record.audit);
            return true;
        }
        // The audit line is appended inside the write transaction, as its
        // last step before the commit: a line that cannot be written aborts
        // the grant's record. (A commit that fails after it leaves a line
        // for a token that never left: never a token without its line.)
        bool appended = false;
        return m_store.write([&](WriteTxn& w) {
            // One write transaction per grant anyway: expired records go
            // in small batches on the way.
            purge_in(w, now, k_inline_purge);
            if (!put_if_absent(w, Table::used_grants, Table::used_grants_by_expiry,
                               record.grant->replay_key, "", record.grant->expires, now)) {
                return false;
            }
            if (record.opaque) {
                put_if_absent(w, Table::opaque_tokens, Table::opaque_tokens_by_expiry,
                              record.opaque->hash, record.opaque->claims, record.opaque->expires,
                              now);
            }
            // Store::write runs this again after growing a full map: the
            // line goes out once. (Should the commit itself fail for a full
            // map after the line went out, another request for the same
            // grant may take it while the map grows; that grant then has a
            // granted line for a token that never left, and a refused one.)
            if (!appended) {
                m_audit.append(record.audit);
                appended = true;
            }
            return true;
        });
    }
    std::optional<std::string> opaque_claims(std::string_view hash, util::UnixTime now) override {
        auto txn = m_store.read();
        auto claims = get_unexpired(txn, Table::opaque_tokens, hash, now);
        return claims ? std::optional<std::string>(*claims) : std::nullopt;
    }
    size_t purge(util::UnixTime now, size_t limit) override {
        return m_store.write([&](WriteTxn& w) { return purge_in(w, now, limit); });
    }
    void flush() override { m_store.flush(); }
    void probe(util::UnixTime now) override {
        m_store.write(
            [&](WriteTxn& w) { w.put(Table::meta, "health_checked", util::iso8601(now)); });
    }
    std::optional<std::string> fault() override { return m_store.fault(); }
    std::string location() const override { return m_store.location(); }
    MemoryRecords unexpired(util::UnixTime now) override {
        MemoryRecords out;
        auto txn = m_store.read();
        txn.scan(Table::used_grants, "", [&](std::string_view key, std::string_view) {
            auto value = get_unexpired(txn, Table::used_grants, key, now);
            if (value) {
                out.grants.emplace_back(std::string(key), expiry_of(txn, Table::used_grants, key));
            }
            return true;
        });
        txn.scan(Table::opaque_tokens, "", [&](std::string_view key, std::string_view) {
            if (auto claims = get_unexpired(txn, Table::opaque_tokens, key, now)) {
                out.tokens.push_back(OpaqueToken{std::string(key), std::string(*claims),
                                                 expiry_of(txn, Table::opaque_tokens, key)});
            }
            return true;
        });
        return out;
    }
    void restore(const MemoryRecords& records, util::UnixTime now) override {
        m_store.write([&](WriteTxn& w) {
            for (const auto& [key, expires] : records.grants) {
                put_if_absent(w, Table::used_grants, Table::used_grants_by_expiry, key, "", expires,
                              now);
            }
            for (const auto& t : records.tokens) {
                put_if_absent(w, Table::opaque_tokens, Table::opaque_tokens_by_expiry, t.hash,
                              t.claims, t.expires, now);
            }
        });
    }

  private:
    static size_t purge_in(WriteTxn& w, util::UnixTime now, size_t limit) {
        return purge_expired(w, Table::used_grants, Table::used_grants_by_expiry, now, limit) +
               purge_expired(w, Table::opaque_tokens, Table::opaque_tokens_by_expiry, now, limit);
    }

    Store m_store;
    AuditLog& m_audit;
};

}  // namespace

std::unique_ptr<TokenMemory> store_token_memory(Store store, AuditLog& audit) {
    return std::make_unique<StoreTokenMemory>(std::move(store), audit);
}

}  // namespace mpctl::core
