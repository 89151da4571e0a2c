// SPDX-License-Identifier: Apache-2.0
#include "core/jwt.hpp"

#include <vector>

#include <fmt/format.h>

#include "core/util/base64.hpp"
#include "core/util/error.hpp"

namespace mpctl::core {

using nlohmann::json;

namespace {

[[noreturn]] void malformed(std::string_view why) {
    fail(ErrorKind::invalid_input, std::string(why));
}

std::string decode_part(std::string_view part, std::string_view what) {
    auto bytes = util::base64url_decode(part);
    if (!bytes) {
        malformed(fmt::format("the {} is not base64url without padding", what));
    }
    return *bytes;
}

}  // namespace

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
    bool parse_error(size_t, const std::string&, const nlohmann::detail::exception&) {
        return false;
    }

    std::string duplicate;

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

json parse_json_object(std::string_view text, std::string_view what) {
    json value;
    StrictDom dom(value);
    bool ok = json::sax_parse(text.begin(), text.end(), &dom);
    if (!dom.duplicate.empty()) {
        malformed(fmt::format("the {} has the member \"{}\" twice", what, dom.duplicate));
    }
    if (!ok) {
        malformed(fmt::format("the {} is not valid JSON", what));
    }
    if (!value.is_object()) {
        malformed(fmt::format("the {} is not a JSON object", what));
    }
    return value;
}

Jwt parse_jwt(std::string_view compact) {
    if (compact.size() > k_max_jwt_size) {
        malformed(fmt::format("the JWT is {} bytes; at most {} are accepted", compact.size(),
                              k_max_jwt_size));
    }
    auto first = compact.find('.');
    auto second = first == std::string_view::npos ? first : compact.find('.', first + 1);
    if (second == std::string_view::npos ||
        compact.find('.', second + 1) != std::string_view::npos) {
        malformed("a JWT must have exactly three parts separated by '.'");
    }
    std::string_view header = compact.substr(0, first);
    std::string_view payload = compact.substr(first + 1, second - first - 1);
    std::string_view signature = compact.substr(second + 1);
    if (header.empty() || payload.empty() || signature.empty()) {
        malformed("a part of the JWT is empty");
    }
    Jwt jwt;
    jwt.header = parse_json_object(decode_part(header, "JWT header"), "JWT header");
    jwt.claims = parse_json_object(decode_part(payload, "JWT payload"), "JWT payload");
    jwt.signature = decode_part(signature, "JWT signature");
    jwt.signing_input = std::string(compact.substr(0, second));
    return jwt;
}

std::string sign_jwt(json header, const json& claims, const util::Key& key, util::JwsAlg alg) {
    header["alg"] = util::to_string(alg);
    return sign_jwt_text(header.dump(), claims.dump(), key, alg);
}

std::string sign_jwt_text(std::string_view header_json, std::string_view claims_json,
                          const util::Key& key, util::JwsAlg alg) {
    std::string jwt = util::base64url_encode(header_json);
    jwt += '.';
    jwt += util::base64url_encode(claims_json);
    std::string signature = util::base64url_encode(util::jws_sign(key, alg, jwt));
    jwt += '.';
    jwt += signature;
    return jwt;
}

}  // namespace mpctl::core
