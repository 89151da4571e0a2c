// SPDX-License-Identifier: Apache-2.0
// The public OAuth endpoints: token, JWKS, metadata, introspection, and the
// health and metrics endpoints for whoever runs the server.
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/operator.hpp"
#include "core/scopes.hpp"
#include "core/store/audit.hpp"
#include "core/token/grant.hpp"
#include "core/token/refusal.hpp"
#include "core/token/systemuser_grant.hpp"
#include "core/util/error.hpp"
#include "server/auth.hpp"
#include "server/handlers.hpp"

namespace mpctl::server {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr std::string_view k_form = "application/x-www-form-urlencoded";

Response token_error(const core::Refusal& refusal, const Request& req, Services& s) {
    std::string issuer = s.tokens.issuer(s.registry.read());
    ordered_json body{
        {"error", refusal.error},
        {"error_description", fmt::format("{} (trace_id: {})", refusal.description, req.trace_id)},
        {"error_uri", fmt::format("{}errors/{}", issuer, refusal.code)}};
    return json_response(refusal.status, body);
}

// The form of a POST to /token or /introspect, or what is wrong with it.
Form read_form(const Request& req) {
    if (!has_media_type(req.content_type, k_form)) {
        return Form{{}, fmt::format("the body must be {}, not \"{}\"", k_form, req.content_type)};
    }
    return decode_form(req.body);
}

}  // namespace

Response handle_token(const Request& req, Services& s) {
    Form fields = read_form(req);
    core::TokenForm form{field(fields.fields, "grant_type"), field(fields.fields, "assertion"),
                         fields.fault};
    try {
        // Decided and recorded (the grant's use, the audit entry) by the
        // token service: this only renders the outcome.
        auto out = s.tokens.request(form, {req.trace_id, req.remote, req.user_agent});
        if (out.audit.verified) {
            req.client_id = out.audit.client_id;
        }
        if (out.refusal) {
            s.metrics.token_refused(out.refusal->error, out.refusal->code);
            return token_error(*out.refusal, req, s);
        }
        s.metrics.token_issued(out.response->scope);
        return Response{200, "application/json", core::response_json(*out.response), {}};
    } catch (const Error& e) {
        // The replay record or the audit line could not be written: no
        // token. The router answers 503 with Retry-After, as for any
        // resource that is short for now; the metric says it was /token.
        if (e.kind() == ErrorKind::unavailable) {
            s.metrics.token_refused("temporarily_unavailable", "");
        }
        throw;
    }
}

Response handle_jwk(const Request&, Services& s) {
    Response r = json_response(200, core::published_jwks(s.registry.read(), s.clock()));
    r.content_type = "application/jwk-set+json";
    // Short enough that a rotation's new key is seen soon; verifiers also
    // fetch again when they meet an unknown kid.
    r.headers.emplace_back("Cache-Control", "public, max-age=300");
    return r;
}

Response handle_metadata(const Request&, Services& s) {
    std::string issuer = s.tokens.issuer(s.registry.read());
    ordered_json body{
        {"issuer", issuer},
        {"token_endpoint", issuer + "token"},
        {"jwks_uri", issuer + "jwk"},
        {"introspection_endpoint", issuer + "introspect"},
        {"grant_types_supported", {core::k_jwt_bearer}},
        {"token_endpoint_auth_methods_supported", {"private_key_jwt"}},
        {"token_endpoint_auth_signing_alg_values_supported",
         {"RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"}},
        {"authorization_details_types_supported", {core::k_systemuser_type}},
    };
    Response r = json_response(200, body);
    r.headers.emplace_back("Cache-Control", "public, max-age=300");
    return r;
}

Response handle_introspect(const Request& req, Services& s) {
    Caller caller = authenticate(req, s);
    Form form = read_form(req);
    if (form.fault) {
        throw HttpError(400, "invalid_request", *form.fault);
    }
    auto token = field(form.fields, "token");
    if (!token || token->empty()) {
        throw HttpError(400, "invalid_request", "the form has no \"token\"");
    }
    auto check = s.tokens.check(*token);
    bool owns_one = false;
    if (check.active) {
        auto txn = s.registry.read();
        for (const auto& name : core::split_scopes(check.claims.value("scope", ""))) {
            auto scope = core::find_scope(txn, core::ScopeName::parse(name));
            owns_one = owns_one || (scope && scope->owner_orgno == caller.org.str());
        }
    }
    // A token of someone else's scopes is as good as unknown to this caller.
    if (!owns_one) {
        return json_response(200, json{{"active", false}});
    }
    ordered_json body{{"active", true}};
    for (const auto& [name, value] : check.claims.items()) {
        body[name] = value;
    }
    return json_response(200, body);
}

Response handle_healthz(const Request&, Services& s) {
    // What /token needs: the registry and the token memory readable, the
    // token memory writable, the audit log taking lines. The reason names
    // the part, never a path (anyone may ask); the error log has the rest.
    auto unhealthy = [&](std::string_view reason, std::string_view detail) {
        s.report_error(fmt::format("health check failed: {}", detail));
        Response r =
            json_response(503, ordered_json{{"status", "unavailable"}, {"reason", reason}});
        r.headers.emplace_back("Retry-After", std::string(k_retry_after));
        return r;
    };
    try {
        auto txn = s.registry.read();
        core::require_settings(txn);
        core::active_signing_key(txn);
    } catch (const Error& e) {
        return unhealthy("the registry cannot be read", e.what());
    }
    if (auto fault = s.memory.fault()) {
        return unhealthy(fmt::format("the token memory {}", *fault),
                         fmt::format("token memory {}: {}", s.memory.location(), *fault));
    }
    if (auto fault = s.registry.fault()) {
        return unhealthy(fmt::format("the registry {}", *fault),
                         fmt::format("store {}: {}", s.registry.location(), *fault));
    }
    try {
        s.memory.probe(s.clock());
    } catch (const Error& e) {
        return unhealthy(e.kind() == ErrorKind::unavailable
                             ? "the token memory cannot be written: its database is unreachable, "
                               "or no space left on its file system, or no write access"
                             : "the token memory cannot be written",
                         e.what());
    }
    if (s.audit_log != nullptr) {
        if (auto fault = s.audit_log->fault()) {
            return unhealthy(fmt::format("the audit log cannot be written: {}", *fault),
                             fmt::format("audit log: {}", *fault));
        }
    }
    return json_response(200, json{{"status", "ok"}});
}

Response handle_metrics(const Request&, Services& s) {
    std::string text = s.metrics.render() + process_metrics(s.version, s.started) +
                       store_metrics(s.registry.read(), s.clock());
    return Response{200, "text/plain; version=0.0.4", std::move(text), {}};
}

}  // namespace mpctl::server
