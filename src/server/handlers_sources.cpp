// SPDX-License-Identifier: Apache-2.0
// GET /api/v1/delegationsources: public, as at Digdir (digdirator reads it at
// start-up without a token).
#include <string>

#include <nlohmann/json.hpp>

#include "core/util/time.hpp"
#include "server/handlers.hpp"

namespace mpctl::server {

// At Digdir delegations live in Altinn; in mpctl they live in the store, so
// mpctl is that source, under the name clients look up ("altinn", e.g.
// digdirator's delegationSource) and with this server as its issuer. The list
// holds that one source only: what organisations write in their scopes'
// delegation_source is theirs, never a source this server vouches for.
Response handle_delegation_sources(const Request&, Services& s) {
    const std::string issuer = s.tokens.issuer(s.registry.read());
    const std::string epoch = core::util::iso8601(0);
    nlohmann::ordered_json list = nlohmann::ordered_json::array(
        {{{"name", "altinn"}, {"issuer", issuer}, {"created", epoch}, {"last_updated", epoch}}});
    return json_response(200, list);
}

}  // namespace mpctl::server
