// SPDX-License-Identifier: Apache-2.0
// Internal to the self-service API's handlers (handlers_api.cpp and
// handlers_systems.cpp): what a route handler gets, the admin scopes of
// consumers' routes, and the few helpers every handler file uses.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/actor.hpp"
#include "core/change.hpp"
#include "core/entities.hpp"
#include "core/util/error.hpp"
#include "core/util/time.hpp"
#include "core/values.hpp"
#include "server/auth.hpp"
#include "server/handlers.hpp"
#include "server/http.hpp"
#include "server/services.hpp"

namespace mpctl::server::api {

using nlohmann::ordered_json;

// What a route handler gets: the request, the caller, the path's {params}
// in order, the query.
struct Call {
    const Request& req;
    const Caller& caller;
    const Query& query;
    Services& s;
    core::UnixTime now;
    std::vector<std::string_view> params;

    core::Actor actor() const { return caller.actor(); }
    core::Uuid client_id() const { return core::Uuid::parse(params.at(0), "client id"); }
};

// Which admin scopes allow what on clients, keys, delegations, systems and
// system users, in one place.
inline void may_read(const Caller& c) {
    c.require_scope({k_dcr_read, k_dcr_write, k_dcr_modify});
}
inline void may_create(const Caller& c) {
    c.require_scope({k_dcr_write});
}
inline void may_change(const Caller& c) {
    c.require_scope({k_dcr_write, k_dcr_modify});
}

template <class T>
inline Response record(int status, const T& value) {
    return json_response(status, ordered_json(value));
}

// A removal or a deactivation as the API answers it: the thing as it is
// now, whether this call changed it or it was so already; nothing of that
// name to remove is 404.
template <class T>
T removed(core::Changed<T> changed) {
    if (changed.change == core::Change::absent) {
        fail(ErrorKind::not_found, changed.note);
    }
    return std::move(changed.value);
}

template <class T>
inline Response records(const std::vector<T>& values) {
    ordered_json list = ordered_json::array();
    for (const auto& v : values) {
        list.push_back(ordered_json(v));
    }
    return json_response(200, list);
}

// A query flag: absent or "false", or "true"; anything else is a 400.
inline bool flag(const Query& q, const char* name) {
    auto v = field(q, name);
    if (!v || *v == "false") {
        return false;
    }
    if (*v == "true") {
        return true;
    }
    throw HttpError(
        400, "invalid_request",
        fmt::format("query parameter \"{}\" must be true or false, not \"{}\"", name, *v));
}

// A PUT carries the whole object (as Digdir's API has it): a required field
// it lacks is a 400 that names it, never a silent clear.
[[noreturn]] inline void missing_in_put(const char* field, const char* what,
                                        const char* hint = "") {
    throw HttpError(
        400, "invalid_request",
        fmt::format("field \"{}\" is missing; a PUT carries the whole {}{}", field, what, hint));
}

// The routes of the system register (handlers_systems.cpp).
Response get_systems(const Call& c);
Response post_system(const Call& c);
Response get_system(const Call& c);
Response put_system(const Call& c);
Response delete_system(const Call& c);
Response get_systemusers(const Call& c);
Response get_systemusers_by_system(const Call& c);
Response post_systemuser(const Call& c);
Response get_systemuser(const Call& c);
Response delete_systemuser(const Call& c);

}  // namespace mpctl::server::api
