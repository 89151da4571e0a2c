// SPDX-License-Identifier: Apache-2.0
#include "core/token/token_client.hpp"

#include <algorithm>
#include <cstdint>
#include <system_error>

#include <fmt/format.h>

#include "core/entities.hpp"
#include "core/util/error.hpp"
#include "core/util/fs.hpp"
#include "core/util/json_text.hpp"

namespace mpctl::core {

using nlohmann::json;

namespace {

// A server that is overloaded or down answers 5xx (or 429): worth trying
// again. Its error_description, when it gives one, goes along.
void check_available(const util::HttpResponse& r, const std::string& url) {
    if (r.status < 500 && r.status != 429) {
        return;
    }
    std::string why;
    if (auto body = try_parse_json_object(r.body, "answer")) {
        if (auto it = body->find("error_description"); it != body->end() && it->is_string()) {
            why = ": " + it->get<std::string>();
        }
    }
    fail(ErrorKind::unavailable,
         fmt::format("{} answered HTTP {}{}; try again later", url, r.status, why));
}

json parse_body(const util::HttpResponse& r, const std::string& url) {
    try {
        return parse_json_object(r.body, "answer");
    } catch (const Error& e) {
        fail(ErrorKind::failure,
             fmt::format("{} answered HTTP {} without a JSON object: {}", url, r.status, e.what()));
    }
}

}  // namespace

json fetch_metadata(const std::string& issuer, util::HttpClient& http) {
    std::string url = issuer + ".well-known/oauth-authorization-server";
    util::HttpResponse r = http.get(url);
    check_available(r, url);
    if (r.status != 200) {
        fail(ErrorKind::failure, fmt::format("{} answered HTTP {}", url, r.status));
    }
    json metadata = parse_body(r, url);
    if (metadata.value("issuer", "") != issuer) {
        fail(ErrorKind::failure, fmt::format("{} names the issuer \"{}\", not {}", url,
                                             metadata.value("issuer", ""), issuer));
    }
    if (!metadata.contains("token_endpoint") || !metadata["token_endpoint"].is_string()) {
        fail(ErrorKind::failure, fmt::format("{} has no token_endpoint", url));
    }
    return metadata;
}

json fetch_jwks(const std::string& url, util::HttpClient& http) {
    util::HttpResponse r = http.get(url);
    check_available(r, url);
    if (r.status != 200) {
        fail(ErrorKind::failure, fmt::format("{} answered HTTP {}", url, r.status));
    }
    json jwks = parse_body(r, url);
    if (!jwks.contains("keys") || !jwks["keys"].is_array()) {
        fail(ErrorKind::failure, fmt::format("{} is not a JWK set (no \"keys\" array)", url));
    }
    return jwks;
}

TokenAnswer request_token(const std::string& token_endpoint, const std::string& assertion,
                          util::HttpClient& http) {
    std::string form = fmt::format("grant_type={}&assertion={}", util::form_encode(k_jwt_bearer),
                                   util::form_encode(assertion));
    util::HttpResponse r = http.post_form(token_endpoint, form);
    check_available(r, token_endpoint);
    json body = parse_body(r, token_endpoint);
    TokenAnswer answer;
    answer.status = r.status;
    if (r.status != 200) {
        auto text = [&](const char* name) {
            auto it = body.find(name);
            return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        answer.error = text("error");
        answer.description = text("error_description");
        // Maskinporten names the MP code only in error_uri: ".../errors/MP-250".
        std::string uri = text("error_uri");
        std::string code = uri.substr(uri.rfind('/') + 1);
        if (code.starts_with("MP-")) {
            answer.code = code;
        }
        return answer;
    }
    if (!body.contains("access_token") || !body["access_token"].is_string() ||
        !body.contains("expires_in") || !body["expires_in"].is_number()) {
        fail(ErrorKind::failure,
             fmt::format("{} answered 200 without access_token and expires_in", token_endpoint));
    }
    answer.response = std::move(body);
    return answer;
}

json fetch_token(const std::string& token_endpoint, const std::string& assertion,
                 util::HttpClient& http) {
    TokenAnswer answer = request_token(token_endpoint, assertion, http);
    if (!answer.response) {
        fail(ErrorKind::invalid_input,
             fmt::format("token refused (HTTP {}): {}{}: {}", answer.status,
                         answer.error.empty() ? "?" : answer.error,
                         answer.code.empty() ? "" : " (" + answer.code + ")", answer.description));
    }
    return std::move(*answer.response);
}

namespace {

// What a cached token was issued for, as stored in its file.
json identity(const TokenCacheKey& key) {
    auto scopes = key.scopes;
    std::sort(scopes.begin(), scopes.end());
    // The source first: an entry written before it was part of the key (by
    // an older mpctl) never matches.
    json out{key.source,   key.issuer,       key.client_id, scopes,
             key.resource, key.consumer_org, key.signer};
    // Only when asked for: the tokens cached before these existed stay found.
    if (!key.systemuser_org.empty() || !key.pid.empty()) {
        out.push_back(key.systemuser_org);
        out.push_back(key.external_ref);
        out.push_back(key.pid);
        out.push_back(key.systemuser_id);
    }
    if (!key.purpose.empty()) {
        out.push_back("purpose:" + key.purpose);
    }
    return out;
}

uint64_t fnv1a(std::string_view bytes) {
    uint64_t hash = 14695981039346656037ULL;
    for (unsigned char c : bytes) {
        hash = (hash ^ c) * 1099511628211ULL;
    }
    return hash;
}

}  // namespace

std::string server_source(const std::string& issuer) {
    return "server " + issuer;
}

std::string store_source(const std::string& location) {
    return "store " + location;
}

std::string key_digest(std::string_view bytes) {
    return fmt::format("{:016x}", fnv1a(bytes));
}

bool refused_for_scope(std::string_view error, std::string_view code) {
    return code.empty() ? error == "invalid_scope" : code.starts_with("MP-2");
}

std::optional<std::string> claimed_org(const json& claims, std::string_view name) {
    auto it = claims.is_object() ? claims.find(name) : claims.end();
    if (it == claims.end() || !it->is_object()) {
        return std::nullopt;
    }
    auto id = it->find("ID");
    if (id == it->end() || !id->is_string()) {
        return std::nullopt;
    }
    std::string text = id->get<std::string>();
    return text.starts_with("0192:") ? text.substr(5) : text;
}

std::filesystem::path TokenCache::file(const TokenCacheKey& key) const {
    // FNV-1a: a file name, not a secret. The entry holds its identity, which
    // find() compares, so a collision is a miss. (SHA-256 would make OpenSSL
    // initialise its providers, a third of a cached `mpctl token`.)
    return m_dir / fmt::format("{:016x}.json", fnv1a(identity(key).dump()));
}

std::optional<json> TokenCache::find(const TokenCacheKey& key, util::UnixTime now) const {
    std::error_code ec;
    auto path = file(key);
    if (!std::filesystem::exists(path, ec)) {
        return std::nullopt;
    }
    json entry;
    try {
        entry = parse_json_object(util::read_file(path), "cached token");
    } catch (const Error&) {
        return std::nullopt;  // unreadable or damaged: fetch a new token
    }
    // Whatever the file holds, a mismatch is a miss: never an error.
    auto response = entry.find("response");
    auto expires = entry.find("expires_at");
    if (response == entry.end() || !response->is_object() || expires == entry.end() ||
        !expires->is_number_integer() || entry.value("identity", json()) != identity(key)) {
        return std::nullopt;
    }
    auto token = response->find("access_token");
    auto expires_in = response->find("expires_in");
    if (token == response->end() || !token->is_string() || expires_in == response->end() ||
        !expires_in->is_number()) {
        return std::nullopt;
    }
    auto expires_at = expires->get<util::UnixTime>();
    auto lifetime = expires_in->get<util::UnixTime>();
    util::UnixTime margin = std::max<util::UnixTime>(10, lifetime / 10);
    if (now >= expires_at - margin) {
        return std::nullopt;
    }
    json answer = *response;
    answer["expires_in"] = expires_at - now;
    return answer;
}

void TokenCache::store(const TokenCacheKey& key, const json& response, util::UnixTime now) const {
    util::make_private_dir(m_dir);
    json entry{{"identity", identity(key)},
               {"response", response},
               {"expires_at", now + response.value("expires_in", util::UnixTime{0})}};
    util::write_file(file(key), entry.dump(), 0600, true);
}

}  // namespace mpctl::core
