// SPDX-License-Identifier: Apache-2.0
// The token memory: which grants were used (so that each is accepted once)
// and the claims of opaque tokens, each until it expires. In a store
// directory it is a second LMDB environment beside the registry
// (runtime_dir); in PostgreSQL, two tables of the store's schema, shared by
// every replica. It is where a token request is recorded: the grant's use
// and the request's audit entry go in one write.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/store/audit.hpp"
#include "core/util/time.hpp"

namespace mpctl::core {

// An opaque token to keep: the hash of its text (never the text), its
// claims and when it expires.
struct OpaqueToken {
    std::string hash;
    std::string claims;
    util::UnixTime expires = 0;
};

// What a token memory holds at one time, for moving it to another store.
struct MemoryRecords {
    std::vector<std::pair<std::string, util::UnixTime>> grants;  // replay key, expiry
    std::vector<OpaqueToken> tokens;
};

// A grant to mark used: what identifies it, and until when it counts.
struct UsedGrant {
    std::string replay_key;
    util::UnixTime expires = 0;
};

// What one token request leaves behind: its audit entry, always; for a
// grant that is granted, the grant marked used and the opaque token it got.
struct TokenRecord {
    AuditEntry audit;
    std::optional<UsedGrant> grant = std::nullopt;
    std::optional<OpaqueToken> opaque = std::nullopt;
};

class TokenMemory {
  public:
    virtual ~TokenMemory() = default;
    // Keeps `record` in one write, with the audit log of the same store:
    // the audit entry, and the grant and opaque token if given, all or none.
    // false, keeping nothing, when record.grant was used before and that
    // record has not expired: of any number of concurrent calls for one
    // grant, exactly one returns true. Throws when it cannot write (then no
    // token may leave).
    virtual bool record(const TokenRecord& record, util::UnixTime now) = 0;
    // The claims of the opaque token whose hash is `hash`, until it expires.
    virtual std::optional<std::string> opaque_claims(std::string_view hash, util::UnixTime now) = 0;
    // Deletes up to `limit` expired records of each kind; how many in all.
    virtual size_t purge(util::UnixTime now, size_t limit) = 0;
    // Makes what was remembered durable now, where that is not done per call.
    virtual void flush() = 0;
    // Writes something and throws when that fails (for /healthz).
    virtual void probe(util::UnixTime now) = 0;
    // Why the memory cannot take records, while that holds (see Store::fault).
    virtual std::optional<std::string> fault() = 0;
    // The records that have not expired at `now`, and taking them in.
    virtual MemoryRecords unexpired(util::UnixTime now) = 0;
    virtual void restore(const MemoryRecords& records, util::UnixTime now) = 0;
    // Where it is, for messages (a password never shows).
    virtual std::string location() const = 0;
};

}  // namespace mpctl::core
