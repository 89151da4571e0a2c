// SPDX-License-Identifier: Apache-2.0
// A JSON request body read field by field: each field is taken with its
// type checked, and what is left over at the end is refused by name, so a
// misspelt field is an error rather than silently ignored. A field sent as
// null is taken as not sent (as Digdir's API reads it).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/digdir_fields.hpp"
#include "server/http.hpp"

namespace mpctl::server {

class JsonBody {
  public:
    // Refuses (400/415) a body that is not one JSON object sent as application/json.
    explicit JsonBody(const Request& req);

    std::optional<std::string> string(const std::string& name);
    std::optional<bool> boolean(const std::string& name);
    std::optional<int64_t> integer(const std::string& name);
    std::optional<std::vector<std::string>> strings(const std::string& name);
    std::optional<nlohmann::json> any(const std::string& name);
    // Every field of `fields` (Digdir's, without effect here) by its rule: the
    // kept ones, by name; a refused value is a 400 naming the field and why.
    nlohmann::json digdir_fields(const std::vector<core::DigdirField>& fields);

    // Fields the server sets (created, active, ...): accepted and ignored, so
    // that what GET returned can be sent back.
    void ignore(std::initializer_list<const char*> names);
    // 400 naming the first field nobody took.
    void finish() const;

  private:
    const nlohmann::json* take(const std::string& name);
    // A field of one JSON type: `is` tells it, `type` names it in the error.
    template <class T>
    std::optional<T> scalar(const std::string& name, bool (nlohmann::json::*is)() const noexcept,
                            const char* type);
    [[noreturn]] static void wrong_type(const std::string& name, const char* type);

    nlohmann::json m_json;
    std::set<std::string> m_taken;
};

}  // namespace mpctl::server
