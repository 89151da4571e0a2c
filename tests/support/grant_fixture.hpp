// SPDX-License-Identifier: Apache-2.0
// A registry with a client that has a registered key, and a way to sign
// grants for it with any claim or header changed.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clients.hpp"
#include "core/scopes.hpp"
#include "core/token/jwt.hpp"
#include "core/token/token_service.hpp"
#include "core/util/crypto.hpp"
#include "support/registry_fixture.hpp"

namespace mpctl::test {

struct GrantFixture : RegistryFixture {
    core::util::UnixTime now = k_now;
    // The store's audit log, or a file of the test's own.
    std::unique_ptr<core::AuditLog> audit;
    std::unique_ptr<core::TokenMemory> memory;  // writes to `audit`
    core::TokenService service{store, *memory, [this] { return now; }};
    core::util::Key key = core::util::Key::generate(core::util::KeyType::ec_p256);
    core::Client client = register_client(consumer, k_consumer, {"skatt:melding"});
    int counter = 0;

    // The stores under `parent`; an LMDB token memory opened with
    // `runtime_options`; the audit log in `audit_file` when given.
    explicit GrantFixture(
        const std::filesystem::path& parent = std::filesystem::temp_directory_path(),
        const core::MapOptions& runtime_options = core::runtime_options(),
        const std::optional<std::filesystem::path>& audit_file = std::nullopt)
        : RegistryFixture(parent, runtime_options),
          audit(audit_file ? core::file_audit_log(*audit_file, true) : backend.open_audit(store)),
          memory(backend.open_memory(store, *audit)) {
        add_key(client.client_id, key, "k1", "ES256");
    }

    void add_key(const std::string& client_id, const core::util::Key& k, const std::string& kid,
                 const std::string& alg) {
        nlohmann::json jwk = k.public_jwk();
        jwk["kid"] = kid;
        jwk["alg"] = alg;
        jwk["use"] = "sig";
        store.write([&](core::WriteTxn& t) {
            core::add_client_keys(t, op, core::Uuid::parse(client_id, "id"), {jwk}, now);
        });
    }

    // Claims of a valid grant for `client`; a fresh jti each time.
    nlohmann::json claims(const core::Client& c) {
        return nlohmann::json{{"iss", c.client_id},   {"aud", "https://mp.test/"},
                              {"iat", now},           {"exp", now + 60},
                              {"scope", c.scopes[0]}, {"jti", "jti-" + std::to_string(++counter)}};
    }
    nlohmann::json claims() { return claims(client); }

    // Valid claims with `patch` applied (RFC 7396: null removes a claim), so
    // that a test names only the rule it breaks.
    nlohmann::json claims_with(const nlohmann::json& patch) {
        nlohmann::json c = claims();
        c.merge_patch(patch);
        return c;
    }

    std::string sign(const nlohmann::json& claims, nlohmann::json header = {{"kid", "k1"}},
                     core::util::JwsAlg alg = core::util::JwsAlg::es256) {
        return sign_with(key, claims, std::move(header), alg);
    }

    static std::string sign_with(const core::util::Key& k, const nlohmann::json& claims,
                                 nlohmann::json header, core::util::JwsAlg alg) {
        if (header.is_null()) {
            header = nlohmann::json::object();
        }
        return core::sign_jwt(std::move(header), claims, k, alg);
    }

    // A token of this server for a client of `org` with `scopes`, granted
    // to the org by the operator where needed.
    std::string token_for(const char* org, const std::vector<std::string>& scopes) {
        auto actor = core::Actor::organisation(core::OrgNumber::parse(org));
        store.write([&](core::WriteTxn& t) {
            for (const auto& s : scopes) {
                auto scope = core::find_scope(t, core::ScopeName::parse(s));
                if (scope && !core::has_access(t, *scope, org)) {
                    auto owner =
                        core::Actor::organisation(core::OrgNumber::parse(scope->owner_orgno));
                    core::grant_access(t, owner, core::ScopeName::parse(s),
                                       core::OrgNumber::parse(org), now);
                }
            }
        });
        core::Client c = register_client(actor, org, scopes);
        add_key(c.client_id, key, "k1", "ES256");
        nlohmann::json grant = claims(c);
        std::string scope_list;
        for (const auto& s : scopes) {
            scope_list += (scope_list.empty() ? "" : " ") + s;
        }
        grant["scope"] = scope_list;
        auto out = request(sign(grant));
        if (!out.response) {
            throw std::runtime_error("no token: " +
                                     (out.refusal ? out.refusal->description : std::string()));
        }
        return out.response->access_token;
    }

    core::TokenOutcome request(const std::string& assertion) {
        return service.request(
            core::TokenForm{std::string(core::k_jwt_bearer), assertion, std::nullopt}, {"trace-1"});
    }
};

}  // namespace mpctl::test
