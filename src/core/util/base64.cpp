// SPDX-License-Identifier: Apache-2.0
#include "core/util/base64.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace mpctl::core::util {
namespace {

constexpr std::string_view k_std =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view k_url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Writes into a string sized up front: these run over every JWT the token
// endpoint reads or writes.
std::string encode(std::string_view in, std::string_view alphabet, bool pad) {
    size_t full = in.size() / 3;
    size_t rest = in.size() - full * 3;
    std::string out(full * 4 + (rest == 0 ? 0 : pad ? 4 : rest + 1), '\0');
    char* o = out.data();
    const auto* p = reinterpret_cast<const uint8_t*>(in.data());
    for (size_t i = 0; i < full; ++i, p += 3) {
        uint32_t v = (uint32_t(p[0]) << 16) | (uint32_t(p[1]) << 8) | p[2];
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = alphabet[(v >> 6) & 63];
        *o++ = alphabet[v & 63];
    }
    if (rest > 0) {
        uint32_t v = uint32_t(p[0]) << 16;
        if (rest == 2) {
            v |= uint32_t(p[1]) << 8;
        }
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
        if (rest == 2) {
            *o++ = alphabet[(v >> 6) & 63];
        }
        if (pad) {
            for (size_t i = rest; i < 3; ++i) {
                *o++ = '=';
            }
        }
    }
    return out;
}

using DecodeTable = std::array<int8_t, 256>;

constexpr DecodeTable decode_table(std::string_view alphabet) {
    DecodeTable table{};
    for (auto& v : table) {
        v = -1;
    }
    for (size_t i = 0; i < alphabet.size(); ++i) {
        table[uint8_t(alphabet[i])] = int8_t(i);
    }
    return table;
}

constexpr DecodeTable k_std_table = decode_table(k_std);
constexpr DecodeTable k_url_table = decode_table(k_url);

std::optional<std::string> decode(std::string_view in, const DecodeTable& table) {
    if (in.size() % 4 == 1) {
        return std::nullopt;
    }
    std::string out(in.size() * 6 / 8, '\0');
    char* o = out.data();
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        int8_t v = table[uint8_t(c)];
        if (v < 0) {
            return std::nullopt;
        }
        acc = (acc << 6) | uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *o++ = char((acc >> bits) & 0xff);
        }
    }
    // Leftover bits must be zero, or two encodings would decode alike.
    if ((acc & ((1u << bits) - 1)) != 0) {
        return std::nullopt;
    }
    return out;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
    return encode(bytes, k_url, false);
}

std::optional<std::string> base64url_decode(std::string_view text) {
    return decode(text, k_url_table);
}

std::string base64_encode(std::string_view bytes) {
    return encode(bytes, k_std, true);
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    size_t pad = 0;
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') {
        ++pad;
    }
    return decode(text.substr(0, text.size() - pad), k_std_table);
}

}  // namespace mpctl::core::util
