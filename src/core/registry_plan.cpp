// SPDX-License-Identifier: Apache-2.0
#include "core/registry_plan.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <type_traits>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "core/delegations.hpp"
#include "core/operator.hpp"
#include "core/planning.hpp"
#include "core/planning_systems.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace mpctl::core {

using nlohmann::json;

using namespace planning;

namespace {

// What is in `a` and not in `b`; both sorted.
std::vector<std::string> minus(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
    std::vector<std::string> out;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

void plan_prefixes(Builder& b, const RegistrySnapshot& snapshot, const DesiredRegistry& desired) {
    if (!desired.prefixes) {
        return;
    }
    for (const auto& p : *desired.prefixes) {
        auto it = std::find_if(snapshot.prefixes.begin(), snapshot.prefixes.end(),
                               [&](const PrefixRecord& r) { return r.name == p.prefix.str(); });
        if (it == snapshot.prefixes.end()) {
            b.add(step(PlanOp::add, PlanKind::prefix, p.prefix.str(), p.ref.describe(),
                       plan::AddPrefix{p.prefix, p.owner}));
        } else if (it->owner_orgno != p.owner.str()) {
            fail(ErrorKind::conflict,
                 fmt::format("{}: owner: prefix \"{}\" belongs to org {}, not {}; a prefix is "
                             "never reassigned",
                             p.ref.describe(), p.prefix.str(), it->owner_orgno, p.owner.str()));
        }
    }
}

ScopeSpec spec_of(const DesiredScope& d) {
    ScopeSpec spec{.name = d.name,
                   .description = "",
                   .long_description = "",
                   .delegation_source = std::nullopt};
    set_fields(spec, d.fields);
    return spec;
}

// The fields of `d` that differ from `s`, and the update that makes them so.
std::pair<std::vector<std::string>, ScopeUpdate> scope_changes(const DesiredScope& d,
                                                               const Scope& s) {
    std::vector<std::string> fields;
    ScopeUpdate u;
    if (!s.active) {
        fields.push_back("active");
        u.active = true;
    }
    auto differs = [&](const char* name, const auto& want, const auto& have, auto& slot) {
        if (want && *want != have) {
            fields.push_back(name);
            slot = *want;
        }
    };
    differs("description", d.fields.description, s.description, u.description);
    differs("long_description", d.fields.long_description, s.long_description, u.long_description);
    differs("token_type", d.fields.token_type, s.token_type, u.token_type);
    differs("at_max_age", d.fields.at_max_age, s.at_max_age, u.at_max_age);
    differs("visibility", d.fields.visibility, s.visibility, u.visibility);
    differs("accessible_for_all", d.fields.accessible_for_all, s.accessible_for_all,
            u.accessible_for_all);
    differs("delegation_source", d.fields.delegation_source, s.delegation_source,
            u.delegation_source);
    differs("allowed_integration_types", d.fields.allowed_integration_types,
            sorted(s.allowed_integration_types), u.allowed_integration_types);
    return {fields, u};
}

void plan_scopes(Builder& b, const RegistrySnapshot& snapshot, const DesiredRegistry& desired,
                 const FileReach& reach, const PlanOptions& options) {
    if (!desired.scopes) {
        return;
    }
    for (const auto& d : *desired.scopes) {
        const std::string& name = d.name.str();
        auto it = std::find_if(snapshot.scopes.begin(), snapshot.scopes.end(),
                               [&](const SnapshotScope& s) { return s.scope.name == d.name; });
        std::vector<std::string> have;
        if (it == snapshot.scopes.end()) {
            b.add(step(PlanOp::add, PlanKind::scope, name, d.ref.describe(),
                       plan::CreateScope{spec_of(d)}));
        } else {
            auto [fields, update] = scope_changes(d, it->scope);
            if (!fields.empty()) {
                std::string field = fields.size() == 1 ? fields[0] : "";
                b.add(step(PlanOp::change, PlanKind::scope, name, d.ref.describe(),
                           plan::UpdateScope{d.name, std::move(update)}, field, fields));
            }
            have = it->access;
        }
        if (!d.access) {
            continue;
        }
        for (const auto& org : minus(*d.access, have)) {
            b.add(step(PlanOp::add, PlanKind::access, name + " " + org, d.ref.describe(),
                       plan::GrantAccess{d.name, OrgNumber::parse(org)}, "access"));
        }
        for (const auto& org : minus(have, *d.access)) {
            b.add(step(PlanOp::remove, PlanKind::access, name + " " + org, d.ref.describe(),
                       plan::RevokeAccess{d.name, OrgNumber::parse(org)}, "access"));
        }
    }
    if (!options.prune) {
        return;
    }
    for (const auto& s : snapshot.scopes) {
        const std::string& name = s.scope.name.str();
        bool listed = std::any_of(desired.scopes->begin(), desired.scopes->end(),
                                  [&](const DesiredScope& d) { return d.name == s.scope.name; });
        if (!listed && s.scope.active && !is_admin_scope(name) &&
            contains(reach.scope_orgs, s.scope.owner_orgno)) {
            b.add(step(PlanOp::remove, PlanKind::scope, name,
                       prune_where(desired, PlanKind::scope, name),
                       plan::DeactivateScope{s.scope.name}));
        }
    }
}

// The JWK a key set is sent with: its expiry as the file gives it, else as
// the same key has it now (else the API's default).
json key_to_send(const DesiredKey& k, const ClientKey* now) {
    json jwk = k.jwk;
    if (k.exp) {
        jwk["exp"] = *k.exp;
    } else if (now != nullptr && now->jwk == k.jwk) {
        jwk["exp"] = now->expires;
    }
    return jwk;
}

// The key steps of one client, and its key set when any.
void plan_keys(Builder& b, std::map<std::string, plan::ReplaceKeys>& key_sets,
               const DesiredClient& d, const ClientRef& ref, const std::vector<ClientKey>& have) {
    if (!d.keys) {
        return;
    }
    const std::string where = d.ref.describe();
    bool any = false;
    plan::ReplaceKeys set{ref, {}};
    for (const auto& k : *d.keys) {
        auto it = std::find_if(have.begin(), have.end(),
                               [&](const ClientKey& c) { return c.kid() == k.kid(); });
        const ClientKey* now = it == have.end() ? nullptr : &*it;
        std::string id = d.id() + " " + k.kid();
        if (now == nullptr) {
            b.add(step(PlanOp::add, PlanKind::key, id, where, std::nullopt, "keys"));
            any = true;
        } else if (now->jwk != k.jwk) {
            b.add(step(PlanOp::change, PlanKind::key, id, where, std::nullopt, "keys", {"jwk"}));
            any = true;
        } else if (k.exp && *k.exp != now->expires) {
            b.add(step(PlanOp::change, PlanKind::key, id, where, std::nullopt, "keys", {"exp"}));
            any = true;
        }
        set.jwks.push_back(key_to_send(k, now));
    }
    for (const auto& c : have) {
        bool kept = std::any_of(d.keys->begin(), d.keys->end(),
                                [&](const DesiredKey& k) { return k.kid() == c.kid(); });
        if (!kept) {
            b.add(step(PlanOp::remove, PlanKind::key, d.id() + " " + c.kid(), where, std::nullopt,
                       "keys"));
            any = true;
        }
    }
    if (any) {
        key_sets.emplace(d.id(), std::move(set));
    }
}

void plan_clients(Builder& b, std::map<std::string, plan::ReplaceKeys>& key_sets,
                  const RegistrySnapshot& snapshot, const DesiredRegistry& desired,
                  const FileReach& reach, const PlanOptions& options) {
    if (!desired.clients) {
        return;
    }
    for (const auto& d : *desired.clients) {
        std::vector<const SnapshotClient*> same;
        for (const auto& c : snapshot.clients) {
            if (c.client.active && c.client.client_orgno == d.org.str() &&
                c.client.client_name == d.name) {
                same.push_back(&c);
            }
        }
        if (same.size() > 1) {
            std::vector<std::string> ids;
            for (const auto* c : same) {
                ids.push_back(c->client.client_id);
            }
            fail(ErrorKind::conflict,
                 fmt::format("{}: org {} has {} active clients named \"{}\" ({}); the file cannot "
                             "name one of them: rename or deactivate all but one",
                             d.ref.describe(), d.org.str(), same.size(), d.name,
                             fmt::join(ids, ", ")));
        }
        const std::string where = d.ref.describe();
        if (same.empty()) {
            ClientSpec spec{.org = d.org,
                            .client_name = d.name,
                            .description = d.description.value_or(""),
                            .scopes = d.scopes.value_or(std::vector<std::string>{})};
            if (d.access_token_lifetime) {
                spec.access_token_lifetime = *d.access_token_lifetime;
            }
            b.add(step(PlanOp::add, PlanKind::client, d.id(), where,
                       plan::RegisterClient{std::move(spec)}));
            plan_keys(b, key_sets, d, ClientRef{d.org, d.name, std::nullopt}, {});
            continue;
        }
        const Client& c = same[0]->client;
        ClientRef ref{d.org, d.name, Uuid::parse(c.client_id, "client id")};
        std::vector<std::string> fields;
        ClientUpdate u;
        if (d.description && *d.description != c.description) {
            fields.push_back("description");
            u.description = d.description;
        }
        if (d.scopes && *d.scopes != sorted(c.scopes)) {
            fields.push_back("scopes");
            u.scopes = d.scopes;
        }
        if (d.access_token_lifetime && *d.access_token_lifetime != c.access_token_lifetime) {
            fields.push_back("access_token_lifetime");
            u.access_token_lifetime = d.access_token_lifetime;
        }
        if (!fields.empty()) {
            std::string field = fields.size() == 1 ? fields[0] : "";
            b.add(step(PlanOp::change, PlanKind::client, d.id(), where,
                       plan::UpdateClient{ref, std::move(u)}, field, fields));
        }
        plan_keys(b, key_sets, d, ref, same[0]->keys);
    }
    if (!options.prune) {
        return;
    }
    for (const auto& s : snapshot.clients) {
        const Client& c = s.client;
        if (pruned(c, desired, reach, options)) {
            std::string id = c.client_orgno + "/" + c.client_name;
            b.add(step(
                PlanOp::remove, PlanKind::client, id,
                prune_where(desired, PlanKind::client, id + " (" + c.client_id + ")"),
                plan::DeactivateClient{ClientRef{OrgNumber::parse(c.client_orgno), c.client_name,
                                                 Uuid::parse(c.client_id, "client id")}}));
        }
    }
}

void plan_delegations(Builder& b, const RegistrySnapshot& snapshot, const DesiredRegistry& desired,
                      const FileReach& reach, const PlanOptions& options) {
    if (!desired.delegations) {
        return;
    }
    auto same = [](const DesiredDelegation& d, const Delegation& have) {
        return have.active && have.scope == d.scope.str() &&
               have.consumer_orgno == d.consumer.str() && have.supplier_orgno == d.supplier.str();
    };
    for (const auto& d : *desired.delegations) {
        bool exists = std::any_of(snapshot.delegations.begin(), snapshot.delegations.end(),
                                  [&](const Delegation& have) { return same(d, have); });
        if (!exists) {
            b.add(step(PlanOp::add, PlanKind::delegation,
                       fmt::format("{} {} {}", d.scope.str(), d.consumer.str(), d.supplier.str()),
                       d.ref.describe(), plan::AddDelegation{d.scope, d.consumer, d.supplier}));
        }
    }
    if (!options.prune) {
        return;
    }
    for (const auto& have : snapshot.delegations) {
        bool listed = std::any_of(desired.delegations->begin(), desired.delegations->end(),
                                  [&](const DesiredDelegation& d) { return same(d, have); });
        if (!listed && have.active && contains(reach.delegation_orgs, have.consumer_orgno)) {
            std::string id =
                fmt::format("{} {} {}", have.scope, have.consumer_orgno, have.supplier_orgno);
            b.add(step(PlanOp::remove, PlanKind::delegation, id,
                       prune_where(desired, PlanKind::delegation, id),
                       plan::RemoveDelegation{Uuid::parse(have.id, "delegation id")}));
        }
    }
}

// The id of the client a step names: given, or registered by an earlier step.
Uuid resolve(const ClientRef& ref, const std::map<std::string, Uuid>& registered) {
    if (ref.id) {
        return *ref.id;
    }
    auto it = registered.find(ref.org.str() + "/" + ref.name);
    if (it == registered.end()) {
        fail(ErrorKind::failure,
             fmt::format("client {}/{} was not registered before the steps that name it",
                         ref.org.str(), ref.name));
    }
    return it->second;
}

std::vector<Uuid> resolve(const std::vector<ClientRef>& refs,
                          const std::map<std::string, Uuid>& registered) {
    std::vector<Uuid> out;
    for (const auto& r : refs) {
        out.push_back(resolve(r, registered));
    }
    return out;
}

}  // namespace

Plan compute_plan(const RegistrySnapshot& snapshot, const DesiredRegistry& desired,
                  const PlanOptions& options) {
    FileReach reach = reach_of(desired, snapshot.prefixes, options.acting_org);
    Builder b;
    std::map<std::string, plan::ReplaceKeys> key_sets;
    plan_prefixes(b, snapshot, desired);
    plan_scopes(b, snapshot, desired, reach, options);
    plan_clients(b, key_sets, snapshot, desired, reach, options);
    plan_systems(b, snapshot, desired, reach, options);
    plan_systemusers(b, snapshot, desired, reach, options);
    plan_delegations(b, snapshot, desired, reach, options);
    return b.finish(std::move(key_sets));
}

RegistrySnapshot snapshot_of(Registry& registry, const DesiredRegistry& desired) {
    const Actor& actor = registry.actor();
    RegistrySnapshot out;
    out.prefixes = registry.prefixes();
    FileReach reach = reach_of(desired, out.prefixes, actor.org());
    if (desired.scopes) {
        for (auto& scope : registry.own_scopes(true)) {
            bool listed = std::any_of(desired.scopes->begin(), desired.scopes->end(),
                                      [&](const DesiredScope& d) { return d.name == scope.name; });
            if (!listed && !contains(reach.scope_orgs, scope.owner_orgno)) {
                continue;
            }
            out.scopes.push_back(snapshot_scope(registry, std::move(scope)));
        }
    }
    // The clients of the file's clients (with their keys), and those of its
    // systems' vendors, whose names a system gives.
    std::vector<std::string> client_orgs = reach.client_orgs;
    for (const auto& org : reach.system_orgs) {
        add_unique(client_orgs, org);
    }
    for (const auto& org : client_orgs) {
        if (!actor.may_act_for(org)) {
            continue;  // another org's clients: registering one is refused in its step
        }
        out.client_orgs.push_back(org);
        bool with_keys = contains(reach.client_orgs, org);
        for (auto& c : registry.clients(OrgNumber::parse(org), false)) {
            std::vector<ClientKey> keys;
            if (with_keys) {
                keys = registry.client_keys(Uuid::parse(c.client_id, "client id")).keys;
            }
            out.clients.push_back({std::move(c), std::move(keys)});
        }
    }
    if (desired.delegations) {
        for (auto& d : registry.delegations(false)) {
            if (contains(reach.delegation_orgs, d.consumer_orgno)) {
                out.delegations.push_back(std::move(d));
            }
        }
    }
    if (desired.systems) {
        for (auto& s : registry.systems(true)) {
            if (actor.may_act_for(s.vendor_orgno) && contains(reach.system_orgs, s.vendor_orgno)) {
                out.systems.push_back(std::move(s));
            }
        }
    }
    if (desired.systemusers) {
        SystemUserFilter active{
            .system = std::nullopt, .customer = std::nullopt, .include_inactive = false};
        for (auto& u : registry.systemusers(active)) {
            if (actor.may_act_for(u.customer_orgno) &&
                contains(reach.systemuser_orgs, u.customer_orgno)) {
                out.systemusers.push_back(std::move(u));
            }
        }
    }
    return out;
}

void execute_plan(const Plan& plan, Registry& writer) {
    std::map<std::string, Uuid> registered;
    for (const auto& s : plan.steps) {
        if (!s.action) {
            continue;
        }
        try {
            std::visit(
                [&](const auto& a) {
                    using A = std::decay_t<decltype(a)>;
                    if constexpr (std::is_same_v<A, plan::AddPrefix>) {
                        writer.add_prefix(a.prefix, a.owner);
                    } else if constexpr (std::is_same_v<A, plan::CreateScope>) {
                        writer.create_scope(a.spec);
                    } else if constexpr (std::is_same_v<A, plan::UpdateScope>) {
                        writer.update_scope(a.name, a.update);
                    } else if constexpr (std::is_same_v<A, plan::DeactivateScope>) {
                        writer.deactivate_scope(a.name);
                    } else if constexpr (std::is_same_v<A, plan::GrantAccess>) {
                        writer.grant_access(a.scope, a.consumer);
                    } else if constexpr (std::is_same_v<A, plan::RevokeAccess>) {
                        writer.revoke_access(a.scope, a.consumer);
                    } else if constexpr (std::is_same_v<A, plan::RegisterClient>) {
                        registered.insert_or_assign(
                            a.spec.org.str() + "/" + a.spec.client_name,
                            Uuid::parse(writer.register_client(a.spec).client_id, "client id"));
                    } else if constexpr (std::is_same_v<A, plan::UpdateClient>) {
                        writer.update_client(resolve(a.client, registered), a.update);
                    } else if constexpr (std::is_same_v<A, plan::DeactivateClient>) {
                        writer.deactivate_client(resolve(a.client, registered));
                    } else if constexpr (std::is_same_v<A, plan::ReplaceKeys>) {
                        writer.replace_client_keys(resolve(a.client, registered), a.jwks);
                    } else if constexpr (std::is_same_v<A, plan::AddDelegation>) {
                        writer.add_delegation(a.scope, a.consumer, a.supplier);
                    } else if constexpr (std::is_same_v<A, plan::RemoveDelegation>) {
                        writer.remove_delegation(a.id);
                    } else if constexpr (std::is_same_v<A, plan::RegisterSystem>) {
                        SystemSpec spec = a.spec;
                        spec.clients = resolve(a.clients, registered);
                        writer.register_system(spec);
                    } else if constexpr (std::is_same_v<A, plan::UpdateSystem>) {
                        SystemUpdate update = a.update;
                        if (a.clients) {
                            update.clients = resolve(*a.clients, registered);
                        }
                        writer.update_system(a.id, update);
                    } else if constexpr (std::is_same_v<A, plan::DeactivateSystem>) {
                        writer.deactivate_system(a.id);
                    } else if constexpr (std::is_same_v<A, plan::AddSystemUser>) {
                        writer.add_systemuser(a.spec);
                    } else if constexpr (std::is_same_v<A, plan::DeactivateSystemUser>) {
                        writer.deactivate_systemuser(a.id);
                    }
                },
                *s.action);
        } catch (const Error& e) {
            fail(e.kind(), s.field.empty() ? fmt::format("{}: {}", s.where, e.what())
                                           : fmt::format("{}: {}: {}", s.where, s.field, e.what()));
        }
    }
}

}  // namespace mpctl::core
