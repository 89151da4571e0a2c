// SPDX-License-Identifier: Apache-2.0
// An initialised store with a provider, its prefix and scopes, and a consumer.
#pragma once

#include "core/clients.hpp"
#include "core/operator.hpp"
#include "core/scopes.hpp"
#include "core/store/store.hpp"
#include "support/temp_dir.hpp"
#include "support/test_backend.hpp"

namespace mpctl::test {

inline constexpr const char* k_provider = "974761076";
inline constexpr const char* k_consumer = "910000004";
inline constexpr const char* k_supplier = "920000002";
inline constexpr const char* k_other = "930000000";
inline constexpr core::UnixTime k_now = 1'800'000'000;

struct RegistryFixture {
    TempDir dir;
    TestBackend backend;
    core::Store store = backend.open_registry();
    core::Actor op = core::Actor::operator_role();
    core::Actor provider = core::Actor::organisation(core::OrgNumber::parse(k_provider));
    core::Actor consumer = core::Actor::organisation(core::OrgNumber::parse(k_consumer));
    core::Actor supplier = core::Actor::organisation(core::OrgNumber::parse(k_supplier));

    // The store in a fresh directory under `parent`.
    explicit RegistryFixture(
        const std::filesystem::path& parent = std::filesystem::temp_directory_path(),
        const core::MapOptions& runtime_options = core::runtime_options())
        : dir(parent), backend(dir / "store", runtime_options) {
        store.write([&](core::WriteTxn& txn) {
            core::init_store(txn, "https://mp.test/", core::OrgNumber::parse(k_provider), "ES256",
                             k_now);
            core::add_prefix(txn, op, core::Prefix::parse("skatt"),
                             core::OrgNumber::parse(k_provider), k_now);
            core::create_scope(txn, provider, spec("skatt:melding", "https://altinn.test"), k_now);
            core::create_scope(txn, provider, spec("skatt:les"), k_now);
            core::grant_access(txn, provider, core::ScopeName::parse("skatt:melding"),
                               core::OrgNumber::parse(k_consumer), k_now);
        });
    }

    static core::ScopeSpec spec(const char* name,
                                std::optional<std::string> delegation_source = std::nullopt) {
        return core::ScopeSpec{.name = core::ScopeName::parse(name),
                               .description = "a test scope",
                               .long_description = "",
                               .delegation_source = std::move(delegation_source)};
    }

    core::Client register_client(const core::Actor& actor, const char* org,
                                 std::vector<std::string> scopes) {
        return store.write([&](core::WriteTxn& txn) {
            return core::register_client(
                txn, actor,
                core::ClientSpec{core::OrgNumber::parse(org), "test client", "", std::move(scopes),
                                 120},
                k_now);
        });
    }
};

}  // namespace mpctl::test
