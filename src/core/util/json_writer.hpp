// SPDX-License-Identifier: Apache-2.0
// Writes JSON text straight into a string, members in the order given, for
// the hot path of the token endpoint (claims, response, audit line), where
// building a DOM first cost more than the rest of the work around it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mpctl::core::util {

// Appends `text` as a JSON string, quoted and escaped. Bytes that are not
// valid UTF-8 become U+FFFD, so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

// One JSON object, or objects nested in it. Nothing checks that names are
// unique: the caller writes each one once.
class JsonWriter {
  public:
    JsonWriter() {
        m_out.reserve(512);  // the token path's objects fit without growing
        m_out.push_back('{');
    }

    JsonWriter& member(std::string_view name, std::string_view value);
    JsonWriter& member(std::string_view name, const char* value) {
        return member(name, std::string_view(value));
    }
    JsonWriter& member(std::string_view name, int64_t value);
    JsonWriter& member(std::string_view name, const std::vector<std::string>& values);
    JsonWriter& boolean(std::string_view name, bool value);
    // A number with a fraction; must be finite.
    JsonWriter& decimal(std::string_view name, double value);
    // A member whose value is JSON text the caller made valid (its strings
    // written with append_json_string).
    JsonWriter& raw(std::string_view name, std::string_view json_text);
    // Opens a nested object under `name`; close it with end_object().
    JsonWriter& begin_object(std::string_view name);
    JsonWriter& end_object();

    // The text, with every open object closed; the writer is spent.
    std::string finish();

  private:
    void name(std::string_view name);

    std::string m_out;
    int m_depth = 1;
    bool m_first = true;
};

}  // namespace mpctl::core::util
