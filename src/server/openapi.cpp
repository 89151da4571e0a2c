// SPDX-License-Identifier: Apache-2.0
// GET /api/v1/openapi.json: the compiled-in description, pointed at this server.
#include "server/openapi.hpp"

#include <nlohmann/json.hpp>

#include "server/handlers.hpp"

namespace mpctl::server {

Response handle_openapi(const Request&, Services& s) {
    // Our own text, checked as JSON by the build: parsed once.
    static const nlohmann::ordered_json k_document = nlohmann::ordered_json::parse(openapi_text());
    std::string base = s.tokens.issuer(s.registry.read());
    // The paths begin with '/': the base goes without the issuer's last
    // slash, or a tool would call "https://host//token".
    if (base.ends_with('/')) {
        base.pop_back();
    }
    nlohmann::ordered_json document = k_document;
    document["servers"] = nlohmann::ordered_json::array(
        {{{"url", base}, {"description", "this server, at its issuer URL"}}});
    return json_response(200, document);
}

}  // namespace mpctl::server
