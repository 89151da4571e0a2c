// SPDX-License-Identifier: Apache-2.0
#include "core/clients.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <set>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/activation.hpp"
#include "core/delegations.hpp"
#include "core/scopes.hpp"
#include "core/store/records.hpp"
#include "core/util/crypto.hpp"
#include "core/util/error.hpp"
#include "core/util/jws.hpp"

namespace mpctl::core {

using nlohmann::json;

void check_token_lifetime(int64_t seconds) {
    if (seconds < 1 || seconds > k_max_token_lifetime) {
        fail(ErrorKind::invalid_input,
             fmt::format("invalid access_token_lifetime {}: must be 1 to {} seconds", seconds,
                         k_max_token_lifetime));
    }
}

namespace {

// The scopes as they will be stored: valid names, each one the org may use
// from a Maskinporten client, without repeats.
std::vector<std::string> check_client_scopes(const ReadTxn& txn, const std::string& orgno,
                                             const std::vector<std::string>& requested) {
    std::vector<std::string> out;
    for (const auto& text : requested) {
        ScopeName name = ScopeName::parse(text);
        if (std::find(out.begin(), out.end(), name.str()) != out.end()) {
            continue;
        }
        auto scope = find_scope(txn, name);
        // A supplier may use a scope that a consumer delegated to it.
        bool usable = scope && (has_access(txn, *scope, orgno) ||
                                (scope->active && is_delegated_to(txn, scope->name.str(), orgno)));
        bool visible = scope && (usable || scope->owner_orgno == orgno ||
                                 scope->visibility == Visibility::public_);
        if (!visible) {
            // The same words for a scope that does not exist and for a
            // PRIVATE one the org may not see: nothing leaks about the latter.
            fail(ErrorKind::invalid_input,
                 fmt::format("org {} has not been granted scope {}, and it is no public scope",
                             orgno, name.str()));
        }
        if (!scope->active) {
            fail(ErrorKind::invalid_input, fmt::format("scope {} is deactivated", name.str()));
        }
        const auto& types = scope->allowed_integration_types;
        if (std::find(types.begin(), types.end(), k_maskinporten) == types.end()) {
            fail(ErrorKind::invalid_input,
                 fmt::format("scope {} is not allowed for maskinporten clients", name.str()));
        }
        if (!usable) {
            fail(ErrorKind::forbidden,
                 fmt::format("org {} has not been granted access to scope {}", orgno, name.str()));
        }
        out.push_back(name.str());
    }
    return out;
}

void save_client(WriteTxn& txn, const Client& client) {
    save(txn, Table::clients, client.client_id, client);
    txn.put(Table::clients_by_org, index_key(client.client_orgno, client.client_id), "");
}

Client own_active_client(const ReadTxn& txn, const Actor& actor, const Uuid& id,
                         std::string_view hint = "") {
    Client client = get_client(txn, actor, id);
    if (!client.active) {
        fail(ErrorKind::conflict, fmt::format("client {} is deactivated{}", id.str(), hint));
    }
    return client;
}

std::string required_string(const json& jwk, const char* member) {
    auto it = jwk.find(member);
    if (it == jwk.end() || !it->is_string()) {
        fail(ErrorKind::invalid_input, fmt::format("JWK is missing \"{}\"", member));
    }
    return it->get<std::string>();
}

// When a key sent as `raw` expires: its "exp" member (as Digdir's API takes
// it), else after `life`. An exp in the past is a key that has expired (a set
// sent back as GET answered it may hold one).
UnixTime key_expiry(const json& raw, UnixTime now, UnixTime life) {
    auto exp = raw.find("exp");
    if (exp == raw.end() || exp->is_null()) {
        return now + life;
    }
    // A day's slack: clients count the year in their own clock and time zone
    // (okdata: local time, across a change to summer time).
    const UnixTime latest = now + k_max_key_life + 86400;
    std::string kid = raw.value("kid", "");
    constexpr auto k_int64_max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (!exp->is_number_integer() ||
        (exp->is_number_unsigned() && exp->get<uint64_t>() > k_int64_max)) {
        fail(ErrorKind::invalid_input,
             fmt::format("key \"{}\": exp must be an integer, seconds since 1970 up to a year "
                         "ahead",
                         kid));
    }
    auto t = exp->get<int64_t>();
    if (t < 0 || t > latest) {
        fail(ErrorKind::invalid_input,
             fmt::format("key \"{}\": exp {} is {}; a key lives at most one year", kid, t,
                         t < 0 ? "before 1970" : "more than a year ahead"));
    }
    return t;
}

// The key of `set` with `kid`, or nullptr.
template <class Set>
auto* find_key(Set& set, const std::string& kid) {
    auto it = std::find_if(set.keys.begin(), set.keys.end(),
                           [&](const ClientKey& k) { return k.kid() == kid; });
    return it == set.keys.end() ? nullptr : &*it;
}

// `set` with `jwks` added; `before` is the set as stored, whose unchanged keys
// keep their times.
ClientKeySet merge_keys(ClientKeySet set, const ClientKeySet& before, const std::vector<json>& jwks,
                        UnixTime now, UnixTime life) {
    if (life < 1 || life > k_max_key_life) {
        fail(ErrorKind::invalid_input, "a client key may live at most one year");
    }
    for (const auto& raw : jwks) {
        json jwk = validate_client_jwk(raw);
        const std::string kid = jwk["kid"];
        ClientKey key{jwk, now, now, key_expiry(raw, now, life)};
        if (const ClientKey* old = find_key(before, kid); old && old->jwk == jwk) {
            key.created = old->created;
            key.updated = old->expires == key.expires ? old->updated : now;
        }
        if (ClientKey* same_kid = find_key(set, kid); same_kid == nullptr) {
            set.keys.push_back(std::move(key));
        } else if (same_kid->jwk == jwk) {
            *same_kid = std::move(key);  // the same key again: its new expiry
        } else {
            fail(ErrorKind::conflict,
                 fmt::format("client {} already has another key with kid \"{}\"", set.client_id,
                             kid));
        }
    }
    if (set.keys.size() > k_max_client_keys) {
        fail(ErrorKind::invalid_input,
             fmt::format("client {} would have {} keys; at most {} are allowed", set.client_id,
                         set.keys.size(), k_max_client_keys));
    }
    return set;
}

}  // namespace

Client register_client(WriteTxn& txn, const Actor& actor, const ClientSpec& spec, UnixTime now) {
    if (!actor.may_act_for(spec.org.str())) {
        fail(ErrorKind::forbidden, fmt::format("{} may not register clients for org {}",
                                               actor.describe(), spec.org.str()));
    }
    check_text("client_name", spec.client_name, 255, true);
    check_text("description", spec.description, 255, false);
    check_token_lifetime(spec.access_token_lifetime);
    std::string stamp = util::iso8601(now);
    Uuid id = spec.client_id.value_or(Uuid::random());
    if (find_client(txn, id)) {
        // The same words whoever's client it is: nothing leaks about another org's.
        fail(spec.client_id ? ErrorKind::conflict : ErrorKind::failure,
             spec.client_id
                 ? fmt::format("client_id {} is taken; leave it out to get a new one", id.str())
                 : std::string("a random client id collided; try again"));
    }
    Client client;
    client.client_id = id.str();
    client.client_name = spec.client_name;
    client.description = spec.description;
    client.client_orgno = spec.org.str();
    client.scopes = check_client_scopes(txn, spec.org.str(), spec.scopes);
    client.access_token_lifetime = spec.access_token_lifetime;
    set_active(client, spec.active, actor, "");
    client.created = stamp;
    client.last_updated = stamp;
    client.kept = spec.kept;
    save_client(txn, client);
    return client;
}

Client update_client(WriteTxn& txn, const Actor& actor, const Uuid& id, const ClientUpdate& update,
                     UnixTime now) {
    Client client = update.active
                        ? get_client(txn, actor, id)
                        : own_active_client(txn, actor, id, " (active: true reactivates it)");
    if (update.client_name) {
        check_text("client_name", *update.client_name, 255, true);
        client.client_name = *update.client_name;
    }
    if (update.description) {
        check_text("description", *update.description, 255, false);
        client.description = *update.description;
    }
    if (update.scopes) {
        client.scopes = check_client_scopes(txn, client.client_orgno, *update.scopes);
    }
    if (update.access_token_lifetime) {
        check_token_lifetime(*update.access_token_lifetime);
        client.access_token_lifetime = *update.access_token_lifetime;
    }
    if (update.kept) {
        client.kept = *update.kept;
    }
    if (update.active) {
        set_active(client, *update.active, actor, fmt::format("client {}", id.str()));
    }
    client.last_updated = util::iso8601(now);
    save_client(txn, client);
    return client;
}

Changed<Client> deactivate_client(WriteTxn& txn, const Actor& actor, const Uuid& id, UnixTime now) {
    Client client = get_client(txn, actor, id);
    if (!set_active(client, false, actor, "")) {
        return {std::move(client), Change::already,
                note::deactivated_already("client " + id.str())};
    }
    client.last_updated = util::iso8601(now);
    save_client(txn, client);
    return made(std::move(client));
}

std::optional<Client> find_client(const ReadTxn& txn, const Uuid& id) {
    return load<Client>(txn, Table::clients, id.str());
}

Client get_client(const ReadTxn& txn, const Actor& actor, const Uuid& id) {
    auto client = find_client(txn, id);
    if (!client || !actor.may_act_for(client->client_orgno)) {
        fail(ErrorKind::not_found, fmt::format("client {} does not exist", id.str()));
    }
    return *client;
}

std::vector<Client> list_clients(const ReadTxn& txn, const Actor& actor,
                                 const std::optional<OrgNumber>& org, bool include_inactive) {
    std::optional<OrgNumber> of = actor.org() ? actor.org() : org;
    if (org && actor.org() && *org != *actor.org()) {
        fail(ErrorKind::forbidden,
             fmt::format("{} may not list the clients of org {}", actor.describe(), org->str()));
    }
    std::vector<Client> out;
    if (!of) {
        out = load_all<Client>(txn, Table::clients);
    } else {
        for (const auto& id : index_lookup(txn, Table::clients_by_org, of->str())) {
            if (auto client = load<Client>(txn, Table::clients, id)) {
                out.push_back(std::move(*client));
            }
        }
    }
    if (!include_inactive) {
        std::erase_if(out, [](const Client& c) { return !c.active; });
    }
    return out;
}

int64_t longest_token_lifetime(const ReadTxn& txn) {
    int64_t longest = 120;
    txn.scan(Table::clients, "", [&](std::string_view, std::string_view value) {
        longest = std::max(longest, json::parse(value).at("access_token_lifetime").get<int64_t>());
        return true;
    });
    return longest;
}

json validate_client_jwk(const json& jwk) {
    if (!jwk.is_object()) {
        fail(ErrorKind::invalid_input, "a JWK must be a JSON object");
    }
    static constexpr std::array k_private_members{"d", "p", "q", "dp", "dq", "qi", "oth", "k"};
    for (const char* member : k_private_members) {
        if (jwk.contains(member)) {
            fail(ErrorKind::invalid_input,
                 fmt::format("JWK has private member \"{}\": only public keys may be registered",
                             member));
        }
    }
    Kid kid = Kid::parse(required_string(jwk, "kid"));
    // At Digdir a certificate in the key binds the client to it; mpctl would
    // drop it unchecked, so it is refused rather than ignored.
    if (auto x5c = jwk.find("x5c"); x5c != jwk.end() && !x5c->empty()) {
        fail(ErrorKind::invalid_input,
             fmt::format("key \"{}\" has x5c: mpctl does not bind a key to a certificate; send "
                         "the key without it",
                         kid.str()));
    }
    std::string use = required_string(jwk, "use");
    if (use != "sig") {
        fail(ErrorKind::invalid_input,
             fmt::format("key \"{}\" has use \"{}\"; it must be \"sig\"", kid.str(), use));
    }
    std::string alg = required_string(jwk, "alg");
    util::Key key = [&] {
        try {
            return util::Key::from_jwk(jwk);
        } catch (const Error& e) {
            fail(ErrorKind::invalid_input, fmt::format("key \"{}\": {}", kid.str(), e.what()));
        }
    }();
    if (key.type() == util::KeyType::rsa && key.bits() < 2048) {
        fail(ErrorKind::invalid_input,
             fmt::format("key \"{}\" is RSA {} bits; at least 2048 are required", kid.str(),
                         key.bits()));
    }
    auto parsed = util::parse_jws_alg(alg);
    if (!parsed || !util::alg_fits(*parsed, key.type())) {
        fail(ErrorKind::invalid_input, fmt::format("key \"{}\" is {}; alg \"{}\" does not fit it",
                                                   kid.str(), util::describe(key.type()), alg));
    }
    json out = key.public_jwk();
    out["kid"] = kid.str();
    out["alg"] = alg;
    out["use"] = use;
    return out;
}

ClientKeySet add_client_keys(WriteTxn& txn, const Actor& actor, const Uuid& id,
                             const std::vector<json>& jwks, UnixTime now, UnixTime life) {
    own_active_client(txn, actor, id);
    auto before =
        load<ClientKeySet>(txn, Table::client_keys, id.str()).value_or(ClientKeySet{id.str(), {}});
    auto set = merge_keys(before, before, jwks, now, life);
    save(txn, Table::client_keys, id.str(), set);
    return set;
}

ClientKeySet replace_client_keys(WriteTxn& txn, const Actor& actor, const Uuid& id,
                                 const std::vector<json>& jwks, UnixTime now, UnixTime life) {
    own_active_client(txn, actor, id);
    auto before =
        load<ClientKeySet>(txn, Table::client_keys, id.str()).value_or(ClientKeySet{id.str(), {}});
    auto set = merge_keys(ClientKeySet{id.str(), {}}, before, jwks, now, life);
    save(txn, Table::client_keys, id.str(), set);
    return set;
}

// Removing keys is allowed on a deactivated client too: a key that leaked is
// removed without first bringing the client back.
Changed<ClientKeySet> remove_client_key(WriteTxn& txn, const Actor& actor, const Uuid& id,
                                        const Kid& kid) {
    get_client(txn, actor, id);
    auto set =
        load<ClientKeySet>(txn, Table::client_keys, id.str()).value_or(ClientKeySet{id.str(), {}});
    auto removed =
        std::erase_if(set.keys, [&](const ClientKey& k) { return k.kid() == kid.str(); });
    if (removed == 0) {
        return {std::move(set), Change::absent, note::no_key(id.str(), kid.str())};
    }
    save(txn, Table::client_keys, id.str(), set);
    return made(std::move(set));
}

void remove_all_client_keys(WriteTxn& txn, const Actor& actor, const Uuid& id) {
    get_client(txn, actor, id);
    txn.del(Table::client_keys, id.str());
}

std::map<std::string, size_t> keys_expiring_by_org(const ReadTxn& txn, UnixTime now) {
    std::map<std::string, size_t> out;
    for (const auto& set : load_all<ClientKeySet>(txn, Table::client_keys)) {
        auto soon = std::count_if(set.keys.begin(), set.keys.end(),
                                  [&](const ClientKey& k) { return due_for_renewal(k, now); });
        if (soon == 0) {
            continue;
        }
        auto client = find_client(txn, Uuid::parse(set.client_id, "client id"));
        if (client && client->active) {
            out[client->client_orgno] += static_cast<size_t>(soon);
        }
    }
    return out;
}

ClientKeySet get_client_keys(const ReadTxn& txn, const Actor& actor, const Uuid& id) {
    get_client(txn, actor, id);
    return load<ClientKeySet>(txn, Table::client_keys, id.str())
        .value_or(ClientKeySet{id.str(), {}});
}

}  // namespace mpctl::core
