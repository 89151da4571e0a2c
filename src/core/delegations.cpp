// SPDX-License-Identifier: Apache-2.0
#include "core/delegations.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "core/scopes.hpp"
#include "core/store/records.hpp"
#include "core/util/error.hpp"

namespace mpctl::core {

namespace {

std::vector<Delegation> by_index(const ReadTxn& txn, Table index, std::string_view orgno) {
    std::vector<Delegation> out;
    for (const auto& id : index_lookup(txn, index, orgno)) {
        if (auto d = load<Delegation>(txn, Table::delegations, id)) {
            out.push_back(std::move(*d));
        }
    }
    return out;
}

}  // namespace

Delegation add_delegation(WriteTxn& txn, const Actor& actor, const ScopeName& name,
                          const OrgNumber& consumer, const OrgNumber& supplier, UnixTime now) {
    if (!actor.may_act_for(consumer.str())) {
        fail(ErrorKind::forbidden, fmt::format("{} may not delegate on behalf of org {}",
                                               actor.describe(), consumer.str()));
    }
    if (consumer == supplier) {
        fail(ErrorKind::invalid_input,
             fmt::format("org {} cannot delegate to itself", consumer.str()));
    }
    auto scope = find_scope(txn, name);
    if (!scope ||
        !(scope->visibility == Visibility::public_ || has_access(txn, *scope, consumer.str()))) {
        fail(ErrorKind::not_found, fmt::format("scope {} does not exist", name.str()));
    }
    if (!scope->active) {
        fail(ErrorKind::conflict, fmt::format("scope {} is deactivated", name.str()));
    }
    if (!scope->delegation_source) {
        fail(ErrorKind::invalid_input,
             fmt::format("scope {} is not delegable (it has no delegation_source)", name.str()));
    }
    if (!has_access(txn, *scope, consumer.str())) {
        fail(ErrorKind::forbidden, fmt::format("org {} has not been granted access to scope {}",
                                               consumer.str(), name.str()));
    }
    if (find_delegation(txn, name.str(), consumer.str(), supplier.str())) {
        fail(ErrorKind::conflict, fmt::format("org {} has already delegated scope {} to org {}",
                                              consumer.str(), name.str(), supplier.str()));
    }
    std::string stamp = util::iso8601(now);
    Delegation d{Uuid::random().str(),      name.str(), consumer.str(), supplier.str(),
                 *scope->delegation_source, true,       stamp,          stamp};
    save(txn, Table::delegations, d.id, d);
    txn.put(Table::delegations_by_consumer, index_key(d.consumer_orgno, d.id), "");
    txn.put(Table::delegations_by_supplier, index_key(d.supplier_orgno, d.id), "");
    return d;
}

Changed<Delegation> remove_delegation(WriteTxn& txn, const Actor& actor, const Uuid& id,
                                      UnixTime now) {
    auto d = load<Delegation>(txn, Table::delegations, id.str());
    if (!d || !actor.may_act_for(d->consumer_orgno)) {
        fail(ErrorKind::not_found, fmt::format("delegation {} does not exist", id.str()));
    }
    if (!d->active) {
        return {std::move(*d), Change::already, note::removed_already(id.str())};
    }
    d->active = false;
    d->last_updated = util::iso8601(now);
    save(txn, Table::delegations, d->id, *d);
    return made(std::move(*d));
}

std::vector<Delegation> list_delegations(const ReadTxn& txn, const Actor& actor,
                                         bool include_inactive) {
    std::vector<Delegation> out;
    if (actor.is_operator()) {
        out = load_all<Delegation>(txn, Table::delegations);
    } else {
        out = by_index(txn, Table::delegations_by_consumer, actor.org()->str());
        for (auto& d : by_index(txn, Table::delegations_by_supplier, actor.org()->str())) {
            out.push_back(std::move(d));
        }
    }
    if (!include_inactive) {
        std::erase_if(out, [](const Delegation& d) { return !d.active; });
    }
    return out;
}

std::optional<Delegation> find_delegation(const ReadTxn& txn, std::string_view scope,
                                          std::string_view consumer, std::string_view supplier) {
    for (auto& d : by_index(txn, Table::delegations_by_consumer, consumer)) {
        if (d.active && d.scope == scope && d.supplier_orgno == supplier) {
            return std::move(d);
        }
    }
    return std::nullopt;
}

bool is_delegated_to(const ReadTxn& txn, std::string_view scope, std::string_view supplier) {
    auto received = by_index(txn, Table::delegations_by_supplier, supplier);
    return std::any_of(received.begin(), received.end(),
                       [&](const Delegation& d) { return d.active && d.scope == scope; });
}

}  // namespace mpctl::core
