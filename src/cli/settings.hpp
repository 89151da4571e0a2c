// SPDX-License-Identifier: Apache-2.0
// Settings: options that may come, besides from the command line, from the
// environment (MPCTL_<NAME>) and from a config file (`name = value` lines),
// in that order of precedence: flag > environment > file > default. Values
// from the environment and the file pass the option's own validators, so
// that each source refuses exactly what the flag refuses.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace mpctl::cli {

// The environment variable of an option: "tls-cert" -> "MPCTL_TLS_CERT".
std::string env_name(std::string_view option_name);

// A config file: one `name = value` per line; blank lines and lines that
// start with '#' are skipped; a value may be wrapped in double quotes.
// Throws UsageError naming the file and line for anything else.
struct ConfigFile {
    struct Entry {
        std::string value;
        int line = 0;
    };
    std::filesystem::path path;
    std::map<std::string, Entry, std::less<>> entries;
};
ConfigFile parse_config(const std::filesystem::path& path, std::string_view text);
ConfigFile read_config(const std::filesystem::path& path);

// Where a setting's value came from.
struct Setting {
    enum class From { flag, environment, file, default_value };
    std::string name;   // the option's long name: "listen"
    std::string value;  // as given (not yet masked)
    From from = From::default_value;
    std::string where;  // "MPCTL_LISTEN", "/etc/mpctl/mpctl.conf:3"; empty otherwise
};
std::string_view from_name(Setting::From from);

// Fills each of `options` that the command line left unset from its
// environment variable, else from `file` (may be null), and says for each
// where its value came from. A key of the file that names none of them is an
// error. Throws UsageError naming the variable or file line of a value the
// option refuses.
std::vector<Setting> apply_settings(const std::vector<CLI::Option*>& options,
                                    const ConfigFile* file);

}  // namespace mpctl::cli
