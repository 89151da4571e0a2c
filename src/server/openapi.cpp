// SPDX-License-Identifier: Apache-2.0
// GET /api/v1/openapi.json: the compiled-in description, pointed at this server;
// GET /api/v1/registry.schema.json: the registry file's JSON Schema, as it is.
#include "server/openapi.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "server/handlers.hpp"

namespace mpctl::server {

namespace {

// The document with `servers` set to `base`, as JSON text.
std::string document_for(const std::string& base) {
    // Our own text, checked as JSON by the build: parsed once.
    static const nlohmann::ordered_json k_document = nlohmann::ordered_json::parse(openapi_text());
    nlohmann::ordered_json document = k_document;
    document["servers"] = nlohmann::ordered_json::array(
        {{{"url", base}, {"description", "this server, at its issuer URL"}}});
    return json_response(200, document).body;
}

}  // namespace

Response handle_openapi(const Request&, Services& s) {
    std::string base = s.tokens.issuer(s.registry.read());
    // The paths begin with '/': the base goes without the issuer's last
    // slash, or a tool would call "https://host//token".
    if (base.ends_with('/')) {
        base.pop_back();
    }
    // Anyone may ask, so the 128 KiB document is written once per issuer,
    // not per request; the lock is held only to swap a pointer.
    static std::mutex mutex;
    static std::shared_ptr<const std::pair<std::string, std::string>> cached;  // base, body
    std::shared_ptr<const std::pair<std::string, std::string>> current;
    {
        std::lock_guard lock(mutex);
        current = cached;
    }
    if (!current || current->first != base) {
        current =
            std::make_shared<const std::pair<std::string, std::string>>(base, document_for(base));
        std::lock_guard lock(mutex);
        cached = current;
    }
    return Response{200, "application/json", current->second, {}};
}

Response handle_registry_schema(const Request&, Services&) {
    return Response{200, "application/schema+json", std::string(registry_schema_text()), {}};
}

}  // namespace mpctl::server
