// SPDX-License-Identifier: Apache-2.0
#include "core/util/json_text.hpp"

#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/util/expected.hpp"

namespace mpctl::core {

using nlohmann::json;

namespace {

// Builds the DOM from nlohmann's SAX events and refuses a member name seen
// twice in one object, found through the object being built (the callback
// parser needed a set of names per object and a std::function per event).
class StrictDom {
  public:
    explicit StrictDom(json& root) : m_root(root) {}

    bool null() { return add(nullptr); }
    bool boolean(bool v) { return add(v); }
    bool number_integer(json::number_integer_t v) { return add(v); }
    bool number_unsigned(json::number_unsigned_t v) { return add(v); }
    bool number_float(json::number_float_t v, const std::string&) { return add(v); }
    bool string(std::string& v) { return add(std::move(v)); }
    bool binary(json::binary_t&) { return false; }  // not in JSON text
    bool start_object(size_t) { return open(json::object()); }
    bool start_array(size_t) { return open(json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(std::string& name) {
        auto& members = m_open.back()->get_ref<json::object_t&>();
        auto [it, inserted] = members.try_emplace(std::move(name));
        if (!inserted) {
            duplicate = it->first;
            return false;
        }
        m_member = &it->second;
        return true;
    }
    bool parse_error(size_t at, const std::string&, const nlohmann::detail::exception& e) {
        // nlohmann's message repeats the bad bytes, which need not be text.
        error = e.id == 101 ? fmt::format(" (a syntax error near byte {})", at) : "";
        return false;
    }

    std::string duplicate;
    bool too_deep = false;
    std::string error;

  private:
    // Where the next value goes: the root, the array being built, or the
    // member whose name came last. Pointers to open containers stay valid:
    // an array only grows once its last element is closed.
    template <class V>
    json* place(V&& value) {
        if (m_open.empty()) {
            m_root = json(std::forward<V>(value));
            return &m_root;
        }
        json& top = *m_open.back();
        if (top.is_array()) {
            top.get_ref<json::array_t&>().emplace_back(std::forward<V>(value));
            return &top.get_ref<json::array_t&>().back();
        }
        *m_member = json(std::forward<V>(value));
        return m_member;
    }
    template <class V>
    bool add(V&& value) {
        place(std::forward<V>(value));
        return true;
    }
    bool open(json container) {
        // Checked while parsing, before the container exists: input nested
        // deeper costs neither memory nor, later, stack to copy or print.
        if (m_open.size() >= k_max_json_depth) {
            too_deep = true;
            return false;
        }
        m_open.push_back(place(std::move(container)));
        return true;
    }
    bool close() {
        m_open.pop_back();
        return true;
    }

    json& m_root;
    std::vector<json*> m_open;
    json* m_member = nullptr;
};

}  // namespace

Parsed<json> try_parse_json(std::string_view text, std::string_view what) {
    json value;
    StrictDom dom(value);
    bool ok = json::sax_parse(text.begin(), text.end(), &dom);
    if (!dom.duplicate.empty()) {
        return Invalid{fmt::format("the {} has the member \"{}\" twice", what, dom.duplicate)};
    }
    if (dom.too_deep) {
        return Invalid{fmt::format("the {} nests arrays and objects more than {} deep", what,
                                   k_max_json_depth)};
    }
    if (!ok) {
        return Invalid{fmt::format("the {} is not valid JSON{}", what, dom.error)};
    }
    return value;
}

Parsed<json> try_parse_json_object(std::string_view text, std::string_view what) {
    auto value = try_parse_json(text, what);
    if (value && !value->is_object()) {
        return Invalid{fmt::format("the {} is not a JSON object", what)};
    }
    return value;
}

json parse_json(std::string_view text, std::string_view what) {
    return try_parse_json(text, what).value();
}

json parse_json_object(std::string_view text, std::string_view what) {
    return try_parse_json_object(text, what).value();
}

}  // namespace mpctl::core
