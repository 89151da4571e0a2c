// SPDX-License-Identifier: Apache-2.0
#include "core/store/backend.hpp"

#include <array>

namespace mpctl::core {

MapOptions runtime_options() {
    MapOptions options;
    options.sync = false;
    return options;
}

const BackendKind& backend_kind(std::string_view location) {
    // In order: the first that takes a location holds it. LMDB takes every
    // location no other kind does (a directory may be named anything).
    static const std::array<const BackendKind*, 2> k_kinds{&pg_backend_kind(),
                                                           &lmdb_backend_kind()};
    for (const BackendKind* kind : k_kinds) {
        if (kind->takes(location)) {
            return *kind;
        }
    }
    return lmdb_backend_kind();
}

}  // namespace mpctl::core
