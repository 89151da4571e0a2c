// SPDX-License-Identifier: Apache-2.0
// Moving a whole store to another location, LMDB or PostgreSQL, either way:
// the registry, the token memory (records not yet expired) and the audit log.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/key_seal.hpp"
#include "core/store/backend.hpp"
#include "core/util/time.hpp"

namespace mpctl::core {

struct CopyReport {
    size_t records = 0;  // of the registry, indexes included
    size_t grants = 0;   // used grants not yet expired
    size_t tokens = 0;   // opaque tokens not yet expired
    size_t audit_lines = 0;
    std::vector<std::string> sealed;  // kids of signing keys sealed on the way
};

// Copies `from` into `to`, which must hold no store yet (init not run),
// then reads both back and fails unless the registries hold the same
// records and `to` as many memory records and the same audit lines. With
// `secrets`, signing keys in the clear are sealed in `to`.
CopyReport copy_store(Backend& from, Backend& to, const KeySecrets& secrets, util::UnixTime now);

}  // namespace mpctl::core
