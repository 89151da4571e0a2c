// SPDX-License-Identifier: Apache-2.0
#include "core/token/keyfile.hpp"

#include <cstddef>
#include <utility>

#include "core/util/error.hpp"
#include "core/util/json_text.hpp"

namespace mpctl::core {

using nlohmann::json;

namespace {

std::optional<std::string> string_member(const json& j, const char* name) {
    auto it = j.find(name);
    if (it != j.end() && it->is_string()) {
        return it->get<std::string>();
    }
    return std::nullopt;
}

bool has_pem_key(std::string_view content) {
    for (size_t at = content.find("-----BEGIN"); at != std::string_view::npos;
         at = content.find("-----BEGIN", at + 1)) {
        auto end = content.find("-----", at + 10);
        if (end != std::string_view::npos && content.substr(at, end - at).ends_with("KEY")) {
            return true;
        }
    }
    return false;
}

bool looks_like_json(std::string_view content) {
    auto first = content.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && content[first] == '{';
}

}  // namespace

KeyFile read_key(std::string_view content, const std::optional<std::string>& password) {
    if (looks_like_json(content)) {
        json j = parse_json(content, "JSON key file");
        if (j.contains("keys")) {
            if (!j["keys"].is_array() || j["keys"].size() != 1) {
                fail(ErrorKind::invalid_input, "a JWK set must hold exactly one key here");
            }
            j = j["keys"][0];
        }
        return KeyFile{
            util::Key::from_jwk(j), {}, string_member(j, "kid"), string_member(j, "alg")};
    }
    if (content.find("-----BEGIN") != std::string_view::npos) {
        if (!has_pem_key(content) && content.find("-----BEGIN CERTIFICATE") != content.npos) {
            fail(ErrorKind::invalid_input,
                 "this PEM file holds a certificate, not a key; give the private key's file "
                 "(or a PKCS#12 file with both)");
        }
        return KeyFile{util::Key::from_pem(content, password), {}, std::nullopt, std::nullopt};
    }
    if (content.empty() || content[0] != 0x30) {  // DER begins with a SEQUENCE
        fail(ErrorKind::invalid_input,
             "this is not a key file: expected a JWK or JWK set (JSON), a PEM key "
             "(-----BEGIN ... KEY-----) or a PKCS#12 file (DER)");
    }
    util::Pkcs12 p12 = util::load_pkcs12(content, password.value_or(""));
    KeyFile out{std::move(p12.key), {}, std::nullopt, std::nullopt};
    if (p12.certificate) {
        out.chain.push_back(std::move(*p12.certificate));
    }
    for (auto& c : p12.chain) {
        out.chain.push_back(std::move(c));
    }
    return out;
}

std::vector<json> read_public_jwks(std::string_view content) {
    if (!looks_like_json(content)) {
        util::Key key = util::Key::from_pem(content, std::nullopt);
        if (key.is_private()) {
            fail(ErrorKind::invalid_input,
                 "this is a private key; register only its public key (`mpctl key jwk FILE` "
                 "prints it)");
        }
        // A PEM key names nothing: kid and alg as `mpctl key jwk` gives them.
        json jwk = key.public_jwk();
        jwk["kid"] = key.thumbprint();
        jwk["alg"] = key.default_alg();
        jwk["use"] = "sig";
        return {jwk};
    }
    json j = parse_json(content, "JSON key file");
    if (j.contains("keys")) {
        if (!j["keys"].is_array()) {
            fail(ErrorKind::invalid_input, "\"keys\" of a JWK set must be an array");
        }
        return j["keys"].get<std::vector<json>>();
    }
    return {j};
}

}  // namespace mpctl::core
