// SPDX-License-Identifier: Apache-2.0
#include "cli/settings.hpp"

#include <cctype>
#include <cstdlib>
#include <utility>

#include <fmt/format.h>

#include "cli/checks.hpp"
#include "core/util/error.hpp"
#include "core/util/fs.hpp"
#include "core/util/text.hpp"

namespace mpctl::cli {

namespace {

// A config file is a few dozen lines; this is far more than any.
constexpr size_t k_max_config = 64 * 1024;

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    return s;
}

bool is_key(std::string_view key) {
    if (key.empty()) {
        return false;
    }
    for (char c : key) {
        if (!(std::islower(static_cast<unsigned char>(c)) ||
              std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
            return false;
        }
    }
    return true;
}

std::string long_name(const CLI::Option* opt) {
    return opt->get_lnames().at(0);
}

std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) {
        out += (out.empty() ? "" : " ") + v;
    }
    return out;
}

// Gives `opt` the value `value` as if it had been on the command line:
// through its validators and into its variable.
void give(CLI::Option* opt, const std::string& value, const std::string& where) {
    try {
        opt->add_result(value);
        opt->run_callback();
    } catch (const CLI::ParseError& e) {
        // CLI11 says "--listen: why"; the source is what the reader needs.
        std::string why = e.what();
        std::string prefix = "--" + long_name(opt) + ": ";
        if (why.starts_with(prefix)) {
            why.erase(0, prefix.size());
        }
        usage_error(fmt::format("{}: {} \"{}\" is not valid: {}", where, long_name(opt),
                                core::util::printable(value), why));
    }
}

}  // namespace

std::string env_name(std::string_view option_name) {
    std::string name = "MPCTL_";
    for (char c : option_name) {
        name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return name;
}

std::string_view from_name(Setting::From from) {
    switch (from) {
        case Setting::From::flag:
            return "flag";
        case Setting::From::environment:
            return "environment";
        case Setting::From::file:
            return "file";
        case Setting::From::default_value:
            break;
    }
    return "default";
}

ConfigFile parse_config(const std::filesystem::path& path, std::string_view text) {
    ConfigFile file{path, {}};
    // A byte order mark, as some editors write one, is not part of a name.
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
    }
    int number = 0;
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == text.npos ? std::string_view() : text.substr(end + 1);
        ++number;
        std::string where = fmt::format("{}:{}", path.string(), number);
        line = trim(line);
        if (line.empty() || line.front() == '#') {
            continue;
        }
        size_t eq = line.find('=');
        if (eq == line.npos) {
            // Not repeated: the line may hold a secret (a URI with its password).
            usage_error(
                fmt::format("{}: expected \"name = value\"; this line has no \"=\"", where));
        }
        std::string_view key = trim(line.substr(0, eq));
        std::string_view value = trim(line.substr(eq + 1));
        if (!is_key(key)) {
            usage_error(fmt::format(
                "{}: \"{}\" is not a setting's name (an option's long name, as \"listen\")", where,
                core::util::printable(key)));
        }
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        if (value.empty()) {
            usage_error(fmt::format("{}: {} has no value (leave the line out for the default)",
                                    where, key));
        }
        auto [it, added] = file.entries.emplace(std::string(key), ConfigFile::Entry{});
        if (!added) {
            usage_error(
                fmt::format("{}: {} is set twice (first on line {})", where, key, it->second.line));
        }
        it->second = {std::string(value), number};
    }
    return file;
}

ConfigFile read_config(const std::filesystem::path& path) {
    std::string text;
    try {
        text = core::util::read_file(path, k_max_config);
    } catch (const Error& e) {
        fail(e.kind(), fmt::format("the config file: {}", e.what()));
    }
    return parse_config(path, text);
}

std::vector<Setting> apply_settings(const std::vector<CLI::Option*>& options,
                                    const ConfigFile* file) {
    if (file != nullptr) {
        for (const auto& [key, entry] : file->entries) {
            bool known = false;
            std::string names;
            for (const CLI::Option* opt : options) {
                known = known || long_name(opt) == key;
                names += (names.empty() ? "" : ", ") + long_name(opt);
            }
            if (!known) {
                usage_error(fmt::format("{}:{}: unknown setting \"{}\"; the settings are: {}",
                                        file->path.string(), entry.line, key, names));
            }
        }
    }
    std::vector<Setting> settings;
    for (CLI::Option* opt : options) {
        Setting s{long_name(opt), {}, Setting::From::default_value, {}};
        std::string var = env_name(s.name);
        const char* env = std::getenv(var.c_str());
        if (opt->count() > 0) {
            s.from = Setting::From::flag;
        } else if (env != nullptr && *env != '\0') {
            give(opt, env, var);
            s.from = Setting::From::environment;
            s.where = var;
        } else if (file != nullptr && file->entries.contains(s.name)) {
            const auto& entry = file->entries.find(s.name)->second;
            s.where = fmt::format("{}:{}", file->path.string(), entry.line);
            give(opt, entry.value, s.where);
            s.from = Setting::From::file;
        }
        s.value = s.from == Setting::From::default_value ? opt->get_default_str()
                                                         : joined(opt->results());
        settings.push_back(std::move(s));
    }
    return settings;
}

}  // namespace mpctl::cli
