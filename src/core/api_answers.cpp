// SPDX-License-Identifier: Apache-2.0
#include "core/api_answers.hpp"

#include "core/util/http.hpp"

namespace mpctl::core::api_answers {

using nlohmann::json;

std::string text(const json& j, const char* name, const std::string& otherwise) {
    auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : otherwise;
}

bool flag(const json& j, const char* name, bool otherwise) {
    auto it = j.find(name);
    return it != j.end() && it->is_boolean() ? it->get<bool>() : otherwise;
}

std::vector<std::string> texts(const json& j, const char* name,
                               std::vector<std::string> otherwise) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_array()) {
        return otherwise;
    }
    std::vector<std::string> out;
    for (const auto& v : *it) {
        if (v.is_string()) {
            out.push_back(v.get<std::string>());
        }
    }
    return out;
}

// An answer's list: a JSON array (null, for an empty body, is none).
const json& list(const json& answer) {
    static const json k_none = json::array();
    if (answer.is_null()) {
        return k_none;
    }
    if (!answer.is_array()) {
        fail(ErrorKind::failure, "a list was expected");
    }
    return answer;
}

std::string query_value(std::string_view value) {
    return util::form_encode(value);
}

}  // namespace mpctl::core::api_answers
