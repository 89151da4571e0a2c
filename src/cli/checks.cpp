// SPDX-License-Identifier: Apache-2.0
#include "cli/checks.hpp"

#include <cctype>
#include <cstddef>
#include <exception>
#include <optional>
#include <set>
#include <string_view>

#include "core/clients.hpp"
#include "core/scopes.hpp"
#include "core/store/audit.hpp"
#include "core/systems.hpp"
#include "core/token/assertion.hpp"
#include "core/util/error.hpp"
#include "core/util/jws.hpp"
#include "core/util/time.hpp"
#include "core/values.hpp"
#include "server/listener.hpp"

namespace mpctl::cli {

namespace {

// A validator whose message is the one `parse` throws; CLI11 puts the
// option's name in front of it.
template <class Parse>
CLI::Validator parsed_by(const std::string& value_name, Parse parse) {
    return CLI::Validator(
        [parse](std::string& text) -> std::string {
            try {
                parse(text);
                return "";
            } catch (const Error& e) {
                return e.what();
            }
        },
        "", value_name);
}

// The names the validators here give; name_values() looks for these.
const std::set<std::string>& value_names() {
    static const std::set<std::string> k_names{
        "ORGNO", "PREFIX", "SCOPE",   "CLIENT_ID",   "DELEGATION_ID",
        "KID",   "URL",    "TIME",    "SYSTEM_ID",   "SYSTEM_USER_ID",
        "PID",   "REF",    "SECONDS", "ADDRESS:PORT"};
    return k_names;
}

// A whole number that `check` accepts.
template <class Check>
CLI::Validator number_checked_by(Check check) {
    return parsed_by("SECONDS", [check](const std::string& t) {
        // Decimal digits only: CLI11 reads "0120" as octal, which would store
        // another number than the one checked here.
        std::string_view digits = t;
        if (digits.starts_with('-')) {
            digits.remove_prefix(1);
        }
        bool canonical = !digits.empty() && digits.size() <= 18 &&
                         digits.find_first_not_of("0123456789") == std::string_view::npos &&
                         (digits == "0" || digits.front() != '0');
        if (!canonical) {
            fail(ErrorKind::invalid_input, "\"" + t + "\" is not a whole number in decimal");
        }
        check(std::stoll(t));
    });
}

}  // namespace

CLI::Validator token_lifetime() {
    return number_checked_by(core::check_token_lifetime);
}

CLI::Validator at_max_age() {
    return number_checked_by(core::check_at_max_age);
}

CLI::Validator grant_lifetime() {
    return number_checked_by(core::check_grant_lifetime);
}

CLI::Validator org_number() {
    return parsed_by("ORGNO", [](const std::string& t) { core::OrgNumber::parse(t); });
}

CLI::Validator prefix_name() {
    return parsed_by("PREFIX", [](const std::string& t) { core::Prefix::parse(t); });
}

CLI::Validator scope_name() {
    return parsed_by("SCOPE", [](const std::string& t) { core::ScopeName::parse(t); });
}

CLI::Validator uuid(const std::string& what) {
    std::string name;
    for (char c : what) {
        name += c == ' ' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return parsed_by(name, [what](const std::string& t) { core::Uuid::parse(t, what); });
}

CLI::Validator kid() {
    return parsed_by("KID", [](const std::string& t) { core::Kid::parse(t); });
}

CLI::Validator system_id() {
    return parsed_by("SYSTEM_ID", [](const std::string& t) {
        std::optional<core::OrgNumber> vendor;
        try {
            vendor = core::OrgNumber::parse(t.substr(0, t.find('_')));
        } catch (const Error&) {
            fail(ErrorKind::invalid_input,
                 "invalid system id \"" + t +
                     "\": it must be <vendor orgno>_<name>, beginning with a valid organisation "
                     "number");
        }
        core::check_system_id(t, *vendor);
    });
}

CLI::Validator pid() {
    return parsed_by("PID", [](const std::string& t) { core::Pid::parse(t); });
}

CLI::Validator external_ref() {
    return parsed_by("REF", [](const std::string& t) { core::check_external_ref(t).value(); });
}

CLI::Validator issuer_url() {
    return parsed_by("URL", [](const std::string& t) { core::parse_issuer(t); });
}

CLI::Validator http_url() {
    return parsed_by("URL", [](const std::string& t) {
        bool ok = (t.starts_with("https://") && t.size() > 8) ||
                  (t.starts_with("http://") && t.size() > 7);
        if (!ok || t.find_first_of(" \t\r\n") != std::string::npos) {
            fail(ErrorKind::invalid_input, "must be an http:// or https:// URL");
        }
    });
}

CLI::Validator since() {
    return parsed_by("TIME",
                     [](const std::string& t) { core::parse_since(t, core::util::unix_now()); });
}

CLI::Validator listen_address() {
    return parsed_by("ADDRESS:PORT", [](const std::string& t) { server::split_listen(t); });
}

CLI::Validator jws_alg() {
    return CLI::IsMember(core::util::jws_alg_names());
}

// CLI11's PositiveNumber names its range up to DBL_MAX; say it plainly. A
// billion is far above any sensible size or number of seconds, and keeps
// the conversions to milliseconds and sizes well defined.
CLI::Validator positive() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            try {
                size_t used = 0;
                double value = std::stod(text, &used);
                if (used == text.size() && value > 0 && value <= 1e9) {
                    return "";
                }
            } catch (const std::exception&) {
            }
            return "must be a number above 0 and at most 1000000000, not \"" + text + "\"";
        },
        "");
}

void name_values(CLI::App& app) {
    for (CLI::Option* option : app.get_options()) {
        for (int i = 0;; ++i) {
            const CLI::Validator* validator = nullptr;
            try {
                validator = option->get_validator(i);
            } catch (const CLI::OptionNotFound&) {
                break;
            }
            if (value_names().contains(validator->get_name())) {
                option->type_name(validator->get_name());
            }
        }
    }
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        name_values(*sub);
    }
}

}  // namespace mpctl::cli
