// SPDX-License-Identifier: Apache-2.0
// Values parsed from text, remembered by that exact text.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mpctl::core::util {

// For inputs that cost far more to parse than to hash and compare (a JSON
// record, a key, a certificate) and that come again and again. Keyed by
// content, an entry can never be stale: a changed input is new text.
// Readers share a lock; when full, it starts over rather than track use.
template <class T>
class TextMemo {
  public:
    explicit TextMemo(size_t max_entries) : m_max_entries(max_entries) {}

    // The value for `text`; `parse` (returning a T) runs only on a miss and
    // may throw, which remembers nothing.
    template <class Parse>
    std::shared_ptr<const T> get(std::string_view text, const Parse& parse) {
        if (auto value = find(text)) {
            return value;
        }
        return put(text, parse());
    }

    // The value remembered for `text`, or null.
    std::shared_ptr<const T> find(std::string_view text) const {
        std::shared_lock lock(m_mutex);
        auto it = m_values.find(text);
        return it != m_values.end() ? it->second : nullptr;
    }

    std::shared_ptr<const T> put(std::string_view text, T value) {
        auto shared = std::make_shared<const T>(std::move(value));
        std::unique_lock lock(m_mutex);
        if (m_values.size() >= m_max_entries) {
            m_values.clear();
        }
        m_values.insert_or_assign(std::string(text), shared);
        return shared;
    }

  private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    size_t m_max_entries;
    mutable std::shared_mutex m_mutex;
    std::unordered_map<std::string, std::shared_ptr<const T>, Hash, std::equal_to<>> m_values;
};

}  // namespace mpctl::core::util
