// SPDX-License-Identifier: Apache-2.0
// What each error code of the token endpoint means and how a client fixes
// it: docs/errors.md, compiled in at build time (error_pages.py), so that
// `assertion lint` and the server's /errors/MP-<code> pages say the same as
// the documentation.
#pragma once

#include <string_view>
#include <vector>

namespace mpctl::core {

struct ErrorPage {
    std::string_view code;             // "MP-110", or "temporarily_unavailable"
    std::string_view error;            // the OAuth error(s), as the table gives them
    int status = 0;                    // HTTP status
    std::string_view in_short;         // one line: "`aud` is not the issuer"
    std::string_view fix;              // the "How to fix" paragraph, on one line (markdown)
    std::string_view markdown;         // the whole section, without its heading
    std::string_view html{};           // the same as HTML (paragraphs and lists), escaped
    std::string_view in_short_html{};  // in_short as HTML
};

// In the order of docs/errors.md.
const std::vector<ErrorPage>& error_pages();

// The page of `code` in any case ("mp-012" is MP-012), or nullptr.
const ErrorPage* find_error_page(std::string_view code);

}  // namespace mpctl::core
