// SPDX-License-Identifier: Apache-2.0
// Reading the self-service API's answers (core/registry_api.hpp): a field
// with its default where an answer leaves it out, lists, removals answered
// with no body, routes a server does not have, and every reading made safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/util/error.hpp"

namespace mpctl::core::api_answers {

// Reading an answer: what it has of each field, else the field's default,
// since Digdir's answers carry more fields, and sometimes fewer, than
// mpctl's.
std::string text(const nlohmann::json& j, const char* name, const std::string& otherwise = "");

template <class T>
T number(const nlohmann::json& j, const char* name, T otherwise) {
    auto it = j.find(name);
    return it != j.end() && it->is_number_integer() ? it->get<T>() : otherwise;
}

bool flag(const nlohmann::json& j, const char* name, bool otherwise);

std::vector<std::string> texts(const nlohmann::json& j, const char* name,
                               std::vector<std::string> otherwise = {});

// An answer's list: a JSON array (null, for an empty body, is none).
const nlohmann::json& list(const nlohmann::json& answer);

template <class T, class From>
std::vector<T> all_from(const nlohmann::json& answer, From from) {
    std::vector<T> out;
    for (const auto& j : list(answer)) {
        out.push_back(from(j));
    }
    return out;
}

// A list answer read entry by entry with `from`.
template <class T>
auto list_of(T (*from)(const nlohmann::json&)) {
    return [from](const nlohmann::json& answer) { return all_from<T>(answer, from); };
}

// A removal's answer: the record as the server answers it, or, when it
// answers with no body (Digdir's removals), `before` as `gone` leaves it.
template <class T, class Gone>
auto after_removal(T before, Gone gone, T (*from)(const nlohmann::json&)) {
    return [before = std::move(before), gone, from](const nlohmann::json& answer) mutable {
        if (answer.is_null()) {
            gone(before);
            return before;
        }
        return from(answer);
    };
}

// A list of a route the server may not have: none there (Digdir's
// Maskinporten has no delegations route and no system register, which is
// Altinn's); adding to it is refused by the POST, naming the request.
template <class List>
auto none_where_absent(List list) -> decltype(list()) {
    try {
        return list();
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::not_found) {
            return {};
        }
        throw;
    }
}

// Every reading of an answer goes through here: an answer that is not what
// the API answers is a failure naming the request, never a crash.
template <class Work>
auto read_answer(const std::string& what, Work&& work) {
    try {
        return work();
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::failure && e.kind() != ErrorKind::invalid_input) {
            throw;
        }
        fail(ErrorKind::failure, fmt::format("the server's answer to {}: {}", what, e.what()));
    } catch (const nlohmann::json::exception& e) {
        fail(ErrorKind::failure, fmt::format("the server's answer to {}: {}", what, e.what()));
    }
}

// Text made safe to put in a query string.
std::string query_value(std::string_view value);

}  // namespace mpctl::core::api_answers
