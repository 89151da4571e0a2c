// SPDX-License-Identifier: Apache-2.0
#include "server/json_body.hpp"

#include <utility>

#include <fmt/format.h>

#include "core/util/error.hpp"
#include "core/util/json_text.hpp"

namespace mpctl::server {

using nlohmann::json;

JsonBody::JsonBody(const Request& req) {
    if (!has_media_type(req.content_type, "application/json")) {
        throw HttpError(
            415, "invalid_request",
            fmt::format("the body must be application/json, not \"{}\"", req.content_type));
    }
    try {
        m_json = core::parse_json_object(req.body, "request body");
    } catch (const Error& e) {
        throw HttpError(400, "invalid_request", e.what());
    }
}

const json* JsonBody::take(const std::string& name) {
    m_taken.insert(name);
    auto it = m_json.find(name);
    return it == m_json.end() || it->is_null() ? nullptr : &*it;
}

void JsonBody::wrong_type(const std::string& name, const char* type) {
    throw HttpError(400, "invalid_request", fmt::format("field \"{}\" must be {}", name, type));
}

template <class T>
std::optional<T> JsonBody::scalar(const std::string& name, bool (json::*is)() const noexcept,
                                  const char* type) {
    const json* v = take(name);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!(v->*is)()) {
        wrong_type(name, type);
    }
    return v->get<T>();
}

std::optional<std::string> JsonBody::string(const std::string& name) {
    return scalar<std::string>(name, &json::is_string, "a string");
}

std::optional<bool> JsonBody::boolean(const std::string& name) {
    return scalar<bool>(name, &json::is_boolean, "true or false");
}

std::optional<int64_t> JsonBody::integer(const std::string& name) {
    return scalar<int64_t>(name, &json::is_number_integer, "an integer");
}

std::optional<std::vector<std::string>> JsonBody::strings(const std::string& name) {
    const json* v = take(name);
    if (v == nullptr) {
        return std::nullopt;
    }
    std::vector<std::string> out;
    if (!v->is_array()) {
        wrong_type(name, "an array of strings");
    }
    for (const auto& item : *v) {
        if (!item.is_string()) {
            wrong_type(name, "an array of strings");
        }
        out.push_back(item.get<std::string>());
    }
    return out;
}

std::optional<json> JsonBody::any(const std::string& name) {
    const json* v = take(name);
    return v == nullptr ? std::nullopt : std::optional<json>(*v);
}

json JsonBody::digdir_fields(const std::vector<core::DigdirField>& fields) {
    json kept = json::object();
    for (const auto& field : fields) {
        std::string name(field.name);
        if (const json* v = take(name)) {
            if (auto keep = core::check_digdir_field(field, *v)) {
                kept[name] = std::move(*keep);
            }
        }
    }
    return kept;
}

void JsonBody::ignore(std::initializer_list<const char*> names) {
    for (const char* name : names) {
        m_taken.insert(name);
    }
}

void JsonBody::finish() const {
    for (const auto& [name, value] : m_json.items()) {
        if (!m_taken.contains(name)) {
            throw HttpError(400, "invalid_request", fmt::format("unknown field \"{}\"", name));
        }
    }
}

}  // namespace mpctl::server
