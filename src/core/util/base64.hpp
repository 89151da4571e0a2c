// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mpctl::core::util {

// base64url without padding (RFC 7515 section 2).
std::string base64url_encode(std::string_view bytes);

// Strict decoding: only the base64url alphabet, no padding, no stray bits.
std::optional<std::string> base64url_decode(std::string_view text);

// Standard base64 with padding (RFC 4648 section 4), as used by x5c.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace mpctl::core::util
