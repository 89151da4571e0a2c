// SPDX-License-Identifier: Apache-2.0
#include "core/planning_systems.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace mpctl::core::planning {

namespace {

// The clients a system entry names, as the plan makes them: a client id as
// it is; a name of the vendor's active client, or of one the file
// registers before the system.
std::vector<ClientRef> system_clients(const DesiredSystem& d, const RegistrySnapshot& snapshot,
                                      const DesiredRegistry& desired, const FileReach& reach,
                                      const PlanOptions& options) {
    std::vector<ClientRef> out;
    const auto& names = *d.clients;
    for (size_t i = 0; i < names.size(); ++i) {
        const std::string& entry = names[i];
        // A client the same plan deactivates would be gone on the next run.
        for (const auto& c : snapshot.clients) {
            bool named = c.client.client_id == entry ||
                         (c.client.client_orgno == d.vendor.str() && c.client.client_name == entry);
            if (named && pruned(c.client, desired, reach, options)) {
                fail(ErrorKind::conflict,
                     fmt::format("{}: clients[{}]: client {}/{} is left out of clients:, and "
                                 "--prune deactivates it; list it there",
                                 d.ref.describe(), i + 1, c.client.client_orgno,
                                 util::printable(c.client.client_name)));
            }
        }
        if (auto id = Uuid::try_parse(entry, "client id")) {
            out.push_back(ClientRef{d.vendor, "", *id});
            continue;
        }
        std::vector<const Client*> same;
        for (const auto& c : snapshot.clients) {
            if (c.client.client_orgno == d.vendor.str() && c.client.client_name == entry) {
                same.push_back(&c.client);
            }
        }
        bool registered_here =
            desired.clients && std::any_of(desired.clients->begin(), desired.clients->end(),
                                           [&](const DesiredClient& c) {
                                               return c.org == d.vendor && c.name == entry;
                                           });
        std::string where = fmt::format("{}: clients[{}]", d.ref.describe(), i + 1);
        if (same.size() > 1) {
            fail(ErrorKind::conflict,
                 fmt::format("{}: org {} has {} active clients named \"{}\"; name one by its id",
                             where, d.vendor.str(), same.size(), util::printable(entry)));
        }
        if (same.size() == 1) {
            out.push_back(ClientRef{d.vendor, entry, Uuid::parse(same[0]->client_id, "client id")});
        } else if (registered_here) {
            out.push_back(ClientRef{d.vendor, entry, std::nullopt});
        } else if (contains(snapshot.client_orgs, d.vendor.str())) {
            fail(ErrorKind::invalid_input,
                 fmt::format("{}: org {} has no active client named \"{}\" (list it under "
                             "clients: to register it, or give a client id)",
                             where, d.vendor.str(), util::printable(entry)));
        } else {
            fail(ErrorKind::forbidden,
                 fmt::format("{}: the clients of org {} are not the acting org's to name", where,
                             d.vendor.str()));
        }
    }
    return out;
}

// Whether a system's clients are `refs` already: the same ids, in any order.
bool same_clients(const std::vector<ClientRef>& refs, const std::vector<std::string>& have) {
    std::vector<std::string> want;
    for (const auto& r : refs) {
        if (!r.id) {
            return false;  // registered by this plan: new
        }
        add_unique(want, r.id->str());
    }
    std::vector<std::string> now;
    for (const auto& id : have) {
        add_unique(now, id);
    }
    return sorted(want) == sorted(now);
}

std::string systemuser_id(const SystemUser& u) {
    std::string out = u.system_id + " " + u.customer_orgno;
    return u.external_ref == u.customer_orgno ? out : out + " " + u.external_ref;
}

}  // namespace

void plan_systems(Builder& b, const RegistrySnapshot& snapshot, const DesiredRegistry& desired,
                  const FileReach& reach, const PlanOptions& options) {
    if (!desired.systems) {
        return;
    }
    // The clients the file's systems take: a system that holds one of them
    // now and gives it up goes first, so that the one taking it can.
    std::vector<std::optional<std::vector<ClientRef>>> wanted;
    std::map<std::string, std::string> taken;  // client id -> the system taking it
    for (const auto& d : *desired.systems) {
        wanted.emplace_back();
        if (d.clients) {
            wanted.back() = system_clients(d, snapshot, desired, reach, options);
            for (const auto& ref : *wanted.back()) {
                if (ref.id) {
                    taken.emplace(ref.id->str(), d.id);
                }
            }
        }
    }
    // Whether `s` holds a client another system of the file takes, and does
    // not keep it (`keeps`: the clients it is given; none when pruned).
    auto gives_up = [&](const System& s, const std::vector<ClientRef>* keeps) {
        return std::any_of(s.client_ids.begin(), s.client_ids.end(), [&](const std::string& id) {
            auto it = taken.find(id);
            bool kept = keeps != nullptr &&
                        std::any_of(keeps->begin(), keeps->end(),
                                    [&](const ClientRef& r) { return r.id && r.id->str() == id; });
            return it != taken.end() && it->second != s.id && !kept;
        });
    };
    for (size_t n = 0; n < desired.systems->size(); ++n) {
        const auto& d = (*desired.systems)[n];
        std::optional<std::vector<ClientRef>> clients = std::move(wanted[n]);
        auto it = std::find_if(snapshot.systems.begin(), snapshot.systems.end(),
                               [&](const System& s) { return s.id == d.id; });
        if (it == snapshot.systems.end()) {
            SystemSpec spec{.id = d.id,
                            .vendor = d.vendor,
                            .name = d.name.value_or(Texts{}),
                            .description = d.description.value_or(Texts{}),
                            .clients = {},
                            .visible = d.visible.value_or(true)};
            b.add(step(
                PlanOp::add, PlanKind::system, d.id, d.ref.describe(),
                plan::RegisterSystem{std::move(spec), clients.value_or(std::vector<ClientRef>{})}));
            continue;
        }
        const System& s = *it;
        std::vector<std::string> fields;
        plan::UpdateSystem u{d.id, {}, std::nullopt};
        if (!s.active) {
            fields.push_back("active");
            u.update.active = true;
        }
        if (d.name && *d.name != s.name) {
            fields.push_back("name");
            u.update.name = d.name;
        }
        if (d.description && *d.description != s.description) {
            fields.push_back("description");
            u.update.description = d.description;
        }
        bool first = false;
        if (clients && !same_clients(*clients, s.client_ids)) {
            fields.push_back("clients");
            first = s.active && gives_up(s, &*clients);
            u.clients = std::move(clients);
        }
        if (d.visible && *d.visible != s.visible) {
            fields.push_back("visible");
            u.update.visible = d.visible;
        }
        if (!fields.empty()) {
            std::string field = fields.size() == 1 ? fields[0] : "";
            auto change = step(PlanOp::change, PlanKind::system, d.id, d.ref.describe(),
                               std::move(u), field, fields);
            first ? b.add_first(std::move(change)) : b.add(std::move(change));
        }
    }
    if (!options.prune) {
        return;
    }
    for (const auto& s : snapshot.systems) {
        bool listed = std::any_of(desired.systems->begin(), desired.systems->end(),
                                  [&](const DesiredSystem& d) { return d.id == s.id; });
        if (!listed && s.active && contains(reach.system_orgs, s.vendor_orgno)) {
            auto removal =
                step(PlanOp::remove, PlanKind::system, s.id,
                     prune_where(desired, PlanKind::system, s.id), plan::DeactivateSystem{s.id});
            gives_up(s, nullptr) ? b.add_first(std::move(removal)) : b.add(std::move(removal));
        }
    }
}

void plan_systemusers(Builder& b, const RegistrySnapshot& snapshot, const DesiredRegistry& desired,
                      const FileReach& reach, const PlanOptions& options) {
    if (!desired.systemusers) {
        return;
    }
    auto same = [](const DesiredSystemUser& d, const SystemUser& u) {
        return u.active && u.system_id == d.system && u.customer_orgno == d.customer.str() &&
               u.external_ref == d.external_ref;
    };
    for (const auto& d : *desired.systemusers) {
        bool exists = std::any_of(snapshot.systemusers.begin(), snapshot.systemusers.end(),
                                  [&](const SystemUser& u) { return same(d, u); });
        if (!exists) {
            b.add(step(PlanOp::add, PlanKind::systemuser, d.id(), d.ref.describe(),
                       plan::AddSystemUser{SystemUserSpec{.system_id = d.system,
                                                          .customer = d.customer,
                                                          .external_ref = d.external_ref}}));
        }
    }
    if (!options.prune) {
        return;
    }
    for (const auto& u : snapshot.systemusers) {
        bool listed = std::any_of(desired.systemusers->begin(), desired.systemusers->end(),
                                  [&](const DesiredSystemUser& d) { return same(d, u); });
        if (!listed && u.active && contains(reach.systemuser_orgs, u.customer_orgno)) {
            std::string id = systemuser_id(u);
            b.add(step(PlanOp::remove, PlanKind::systemuser, id,
                       prune_where(desired, PlanKind::systemuser, id + " (" + u.id + ")"),
                       plan::DeactivateSystemUser{Uuid::parse(u.id, "system user id")}));
        }
    }
}

}  // namespace mpctl::core::planning
