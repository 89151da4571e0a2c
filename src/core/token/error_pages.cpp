// SPDX-License-Identifier: Apache-2.0
// error_pages() itself is generated from docs/errors.md (error_pages.py).
#include "core/token/error_pages.hpp"

#include <algorithm>
#include <cctype>

namespace mpctl::core {

const ErrorPage* find_error_page(std::string_view code) {
    auto same = [](std::string_view a, std::string_view b) {
        return a.size() == b.size() &&
               std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                   return std::tolower(static_cast<unsigned char>(x)) ==
                          std::tolower(static_cast<unsigned char>(y));
               });
    };
    for (const auto& page : error_pages()) {
        if (same(page.code, code)) {
            return &page;
        }
    }
    return nullptr;
}

}  // namespace mpctl::core
