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
    // Opens a nested object under `name`; close it with end_object().
    JsonWriter& begin_object(std::string_view name);
    JsonWriter& end_object();
    // Opens an array under `name`, whose elements are objects, each opened
    // with begin_element() and closed with end_object(); close it with
    // end_array().
    JsonWriter& begin_array(std::string_view name);
    JsonWriter& begin_element();
    JsonWriter& end_array();

    // The text, with every open object and array closed; the writer is spent.
    std::string finish();

  private:
    void name(std::string_view name);
    JsonWriter& open(char opener, char closer);
    JsonWriter& close(char closer);

    std::string m_out;
    std::string m_open = "}";  // what closes each open object or array, innermost last
    bool m_first = true;
};

}  // namespace mpctl::core::util
