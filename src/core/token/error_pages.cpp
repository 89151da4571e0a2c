// SPDX-License-Identifier: Apache-2.0
// error_pages() itself is generated from docs/errors.md (error_pages.py).
#include "core/token/error_pages.hpp"

namespace mpctl::core {

const ErrorPage* find_error_page(std::string_view code) {
    for (const auto& page : error_pages()) {
        if (page.code == code) {
            return &page;
        }
    }
    return nullptr;
}

}  // namespace mpctl::core
