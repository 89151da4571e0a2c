// SPDX-License-Identifier: Apache-2.0
#include "core/store/store.hpp"

namespace mpctl::core {

std::string index_key(std::string_view a, std::string_view b) {
    std::string key;
    key.reserve(a.size() + 1 + b.size());
    key.append(a);
    key.push_back('\0');
    key.append(b);
    return key;
}

}  // namespace mpctl::core
