// SPDX-License-Identifier: Apache-2.0
// The token memory: which grants were used (so that each is accepted once)
// and the claims of opaque tokens, each until it expires. In a store
// directory it is a second LMDB environment beside the registry
// (runtime_dir); in PostgreSQL, two tables of the store's schema, shared by
// every replica.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/store/store.hpp"
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

class TokenMemory {
  public:
    virtual ~TokenMemory() = default;
    // Marks the grant `replay_key` used until `grant_expires` and keeps
    // `opaque`, if given, in one atomic step. false, keeping nothing, when
    // the grant was used before and that record has not expired: of any
    // number of concurrent calls for one grant, exactly one returns true.
    // When audits(), `audit_line` (the request's line of the audit log, for
    // a grant that is fresh) is written by the same statement.
    virtual bool remember(std::string_view replay_key, util::UnixTime grant_expires,
                          const std::optional<OpaqueToken>& opaque, util::UnixTime now,
                          std::string_view audit_line) = 0;
    bool remember(std::string_view replay_key, util::UnixTime grant_expires,
                  const std::optional<OpaqueToken>& opaque, util::UnixTime now) {
        return remember(replay_key, grant_expires, opaque, now, {});
    }
    // Whether remember() writes a granted request's audit line itself: on
    // PostgreSQL, where the audit log is a table beside it, so that a token
    // costs one round trip, not two.
    virtual bool audits() const { return false; }
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
