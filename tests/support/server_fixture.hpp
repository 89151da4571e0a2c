// SPDX-License-Identifier: Apache-2.0
// The server's handlers over a ready registry, called without sockets, and
// admin tokens for any org.
#pragma once

#include <string>
#include <vector>

#include "core/operator.hpp"
#include "core/scopes.hpp"
#include "server/router.hpp"
#include "server/services.hpp"
#include "support/grant_fixture.hpp"

namespace mpctl::test {

// The four admin scopes of the self-service API, for a token that may do everything.
inline const std::vector<std::string> k_all_admin{"idporten:scopes.write", "idporten:dcr.read",
                                                  "idporten:dcr.write", "idporten:dcr.modify"};

struct ServerFixture : GrantFixture {
    server::Services services{store, *memory, service, [this] { return now; }};
    std::vector<std::string> access_lines;
    std::vector<std::string> error_lines;

    explicit ServerFixture(
        const std::filesystem::path& parent = std::filesystem::temp_directory_path(),
        const core::MapOptions& runtime_options = core::runtime_options(),
        const std::optional<std::filesystem::path>& audit_file = std::nullopt)
        : GrantFixture(parent, runtime_options, audit_file) {
        services.access_log = [this](std::string_view l) { access_lines.emplace_back(l); };
        services.error_log = [this](std::string_view l) { error_lines.emplace_back(l); };
        services.audit_log = audit.get();
    }

    server::Response call(const std::string& method, const std::string& target,
                          const std::string& body = "", const std::string& bearer = "",
                          const std::string& content_type = "application/json") {
        server::Request req{method,
                            target,
                            body.empty() && method == "GET" ? "" : content_type,
                            bearer.empty() ? "" : "Bearer " + bearer,
                            body,
                            ""};
        return server::serve(std::move(req), services);
    }

    server::Response post_form(const std::string& target, const std::string& form,
                               const std::string& bearer = "") {
        return call("POST", target, form, bearer, "application/x-www-form-urlencoded");
    }

    // Every record of the registry, to show that a refused call changed nothing.
    std::string snapshot() {
        std::string all;
        auto txn = store.read();
        for (size_t t = 0; t < core::k_table_count; ++t) {
            if (!core::registry_table(static_cast<core::Table>(t))) {
                continue;
            }
            txn.scan(static_cast<core::Table>(t), "", [&](std::string_view k, std::string_view v) {
                all.append(k).append("=").append(v).append("\n");
                return true;
            });
        }
        return all;
    }

    static nlohmann::json body(const server::Response& r) { return nlohmann::json::parse(r.body); }
};

}  // namespace mpctl::test
