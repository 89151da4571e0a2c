// SPDX-License-Identifier: Apache-2.0
#include "cli/docgen.hpp"

#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/util/error.hpp"

namespace mpctl::cli {

namespace {

// One command of the tree: its path ("mpctl scope create") and the app.
struct Node {
    std::string path;
    const CLI::App* app;
};

std::vector<Node> walk(const CLI::App& root) {
    std::vector<Node> out;
    std::function<void(const std::string&, const CLI::App*)> visit = [&](const std::string& path,
                                                                         const CLI::App* app) {
        out.push_back({path, app});
        for (const CLI::App* sub : app->get_subcommands({})) {
            visit(path + " " + sub->get_name(), sub);
        }
    };
    visit("mpctl", &root);
    return out;
}

bool is_help(const CLI::Option* opt) {
    return opt->get_lnames() == std::vector<std::string>{"help"};
}

// The named options of a command, without --help (every command has it).
std::vector<const CLI::Option*> flags_and_options(const CLI::App* app) {
    std::vector<const CLI::Option*> out;
    for (const CLI::Option* opt : app->get_options()) {
        if (opt->nonpositional() && !opt->get_group().empty() && !is_help(opt)) {
            out.push_back(opt);
        }
    }
    return out;
}

std::vector<std::string> children(const CLI::App* app) {
    std::vector<std::string> out;
    for (const CLI::App* sub : app->get_subcommands({})) {
        out.push_back(sub->get_name());
    }
    return out;
}

std::vector<std::string> long_options(const CLI::App* app) {
    std::vector<std::string> out;
    for (const CLI::Option* opt : flags_and_options(app)) {
        for (const auto& name : opt->get_lnames()) {
            out.push_back("--" + name);
        }
    }
    return out;
}

bool takes_value(const CLI::Option* opt) {
    return opt->get_type_size() != 0;
}

// roff needs a backslash before "-" and a leading ".".
std::string roff(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '-' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) {
        out.insert(0, "\\&");
    }
    return out;
}

std::string usage(const Node& node) {
    std::string line = node.path;
    for (const CLI::Option* opt : node.app->get_options()) {
        if (opt->get_positional()) {
            line += opt->get_required() ? " " + opt->get_name() : " [" + opt->get_name() + "]";
        }
    }
    if (!node.app->get_subcommands({}).empty()) {
        line += node.app->get_require_subcommand_min() == 0 ? " [COMMAND]" : " COMMAND";
    }
    return line;
}

void write_options(const CLI::App* app, std::ostream& out) {
    for (const CLI::Option* opt : app->get_options()) {
        if (opt->get_group().empty() || is_help(opt)) {
            continue;
        }
        std::string name = opt->get_positional()
                               ? "\\fI" + roff(opt->get_name()) + "\\fR"
                               : "\\fB" + roff(opt->get_name(false, true)) + "\\fR";
        if (!opt->get_positional() && takes_value(opt)) {
            name += " \\fI" + roff(opt->get_type_name()) + "\\fR";
        }
        // What --help shows beside the description, the same here.
        std::string notes;
        if (opt->get_required()) {
            notes += " (required)";
        }
        if (!opt->get_default_str().empty()) {
            notes += " (default: " + opt->get_default_str() + ")";
        }
        if (!opt->get_envname().empty()) {
            notes += " (env: " + opt->get_envname() + ")";
        }
        out << ".TP\n" << name << "\n" << roff(opt->get_description() + notes) << "\n";
    }
}

// Whether a command runs by itself: a leaf, or one whose subcommands are
// optional (`mpctl token`, beside `mpctl token inspect`).
bool runs_alone(const CLI::App* app) {
    return app->get_subcommands({}).empty() || app->get_require_subcommand_min() == 0;
}

void write_man(const CLI::App& root, std::ostream& out) {
    out << ".TH MPCTL 1 \"\" \"mpctl\" \"User Commands\"\n"
        << ".SH NAME\nmpctl \\- a self\\-hostable Maskinporten: registry, tokens and server\n"
        << ".SH SYNOPSIS\n.B mpctl\n[\\fB\\-\\-db\\fR \\fIDIR\\fR] [\\fB\\-\\-json\\fR] "
           "[\\fB\\-\\-as\\fR \\fIORGNO\\fR] \\fICOMMAND\\fR ...\n"
        << ".SH DESCRIPTION\n"
        << roff(root.get_description()) << "\n"
        << ".SH GLOBAL OPTIONS\n";
    write_options(&root, out);
    out << ".SH COMMANDS\n";
    for (const Node& node : walk(root)) {
        if (node.app == &root || !runs_alone(node.app)) {
            continue;
        }
        out << ".SS " << roff(usage(node)) << "\n" << roff(node.app->get_description()) << "\n";
        write_options(node.app, out);
        std::string footer = node.app->get_footer();
        auto pos = footer.find("Example:");
        if (pos != std::string::npos) {
            out << ".PP\nExample:\n.RS\n.nf\n" << roff(footer.substr(pos + 11)) << "\n.fi\n.RE\n";
        }
    }
    out << ".SH ENVIRONMENT\n"
        << ".TP\n.B MPCTL_DB\nthe store directory when \\fB\\-\\-db\\fR is not given\n"
        << ".TP\n.B XDG_DATA_HOME\nthe store is \\fI$XDG_DATA_HOME/mpctl\\fR (default "
           "\\fI~/.local/share/mpctl\\fR) when neither is given\n"
        << ".TP\n.B XDG_CACHE_HOME\n\\fBmpctl token\\fR keeps tokens in "
           "\\fI$XDG_CACHE_HOME/mpctl\\fR (default \\fI~/.cache/mpctl\\fR)\n"
        << ".TP\n.B MPCTL_ISSUER, MPCTL_CLIENT_ID, MPCTL_KEY, MPCTL_KID\n"
           "\\fBmpctl token\\fR's \\fB\\-\\-issuer\\fR, \\fB\\-\\-client\\-id\\fR, "
           "\\fB\\-\\-key\\fR and \\fB\\-\\-kid\\fR when the flags are absent\n"
        << ".SH FILES\n"
        << ".TP\n.I STORE/data.mdb, STORE/lock.mdb\nthe registry (LMDB), mode 0600 in a 0700 "
           "directory; \\fBmpctl init\\fR creates it\n"
        << ".TP\n.I STORE/runtime/\nthe token memory: used grants and opaque tokens\n"
        << ".TP\n.I STORE/audit.log\none JSON line per token request; \\fBmpctl audit\\fR "
           "reads it\n"
        << ".TP\n.I $XDG_CACHE_HOME/mpctl/*.json\ncached tokens, mode 0600\n"
        << ".SH EXIT STATUS\n0 on success, 1 on failure, 2 on a usage error. Errors are one line "
           "on standard error: \\fBmpctl: error: \\fR...\n";
}

// The command tree as "path" -> "words" lines, for the shells' lookup tables.
template <class Line>
void for_each_path(const CLI::App& root, const Line& line) {
    for (const Node& node : walk(root)) {
        line(node.path, fmt::format("{}", fmt::join(children(node.app), " ")),
             fmt::format("{}", fmt::join(long_options(node.app), " ")));
    }
}

void write_bash(const CLI::App& root, std::ostream& out) {
    out << "# bash completion for mpctl; generated from its command tree\n"
        << "declare -A _mpctl_cmds=(\n";
    for_each_path(root, [&](const std::string& p, const std::string& c, const std::string&) {
        out << "  [\"" << p << "\"]=\"" << c << "\"\n";
    });
    out << ")\ndeclare -A _mpctl_opts=(\n";
    for_each_path(root, [&](const std::string& p, const std::string&, const std::string& o) {
        out << "  [\"" << p << "\"]=\"" << o << " --help\"\n";
    });
    out << ")\n"
        << "_mpctl() {\n"
        << "  local cur=${COMP_WORDS[COMP_CWORD]} cmd=mpctl w i\n"
        << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
        << "    w=${COMP_WORDS[i]}\n"
        << "    [[ \" ${_mpctl_cmds[$cmd]} \" == *\" $w \"* ]] && cmd=\"$cmd $w\"\n"
        << "  done\n"
        << "  COMPREPLY=($(compgen -W \"${_mpctl_cmds[$cmd]} ${_mpctl_opts[$cmd]}\" -- \"$cur\"))\n"
        << "}\n"
        << "complete -o default -F _mpctl mpctl\n";
}

void write_zsh(const CLI::App& root, std::ostream& out) {
    out << "#compdef mpctl\n# zsh completion for mpctl; generated from its command tree\n"
        << "typeset -gA _mpctl_cmds _mpctl_opts\n_mpctl_cmds=(\n";
    for_each_path(root, [&](const std::string& p, const std::string& c, const std::string&) {
        out << "  '" << p << "' '" << c << "'\n";
    });
    out << ")\n_mpctl_opts=(\n";
    for_each_path(root, [&](const std::string& p, const std::string&, const std::string& o) {
        out << "  '" << p << "' '" << o << " --help'\n";
    });
    out << ")\n"
        << "_mpctl() {\n"
        << "  local cmd=mpctl w i\n"
        << "  for ((i = 2; i < CURRENT; i++)); do\n"
        << "    w=${words[i]}\n"
        << "    (( ${${(s: :)_mpctl_cmds[$cmd]}[(Ie)$w]} )) && cmd=\"$cmd $w\"\n"
        << "  done\n"
        << "  compadd -- ${(s: :)_mpctl_cmds[$cmd]} ${(s: :)_mpctl_opts[$cmd]}\n"
        << "  _files\n"
        << "}\n"
        << "_mpctl \"$@\"\n";
}

void write_fish(const CLI::App& root, std::ostream& out) {
    out << "# fish completion for mpctl; generated from its command tree\n"
        << "function __mpctl_children\n  switch $argv[1]\n";
    for_each_path(root, [&](const std::string& p, const std::string& c, const std::string&) {
        out << "    case '" << p << "'\n      echo " << c << "\n";
    });
    out << "  end\nend\n"
        << "function __mpctl_path\n"
        << "  set -l cmd mpctl\n"
        << "  for w in (commandline -opc)[2..-1]\n"
        << "    if contains -- $w (string split ' ' (__mpctl_children $cmd))\n"
        << "      set cmd \"$cmd $w\"\n"
        << "    end\n"
        << "  end\n"
        << "  echo $cmd\n"
        << "end\n"
        << "complete -c mpctl -f\n";
    for (const Node& node : walk(root)) {
        std::string cond = fmt::format("test (__mpctl_path) = '{}'", node.path);
        for (const CLI::App* sub : node.app->get_subcommands({})) {
            out << "complete -c mpctl -n \"" << cond << "\" -a " << sub->get_name() << " -d '"
                << fmt::format("{}", sub->get_description().substr(0, 60)) << "'\n";
        }
        for (const CLI::Option* opt : flags_and_options(node.app)) {
            for (const auto& name : opt->get_lnames()) {
                out << "complete -c mpctl -n \"" << cond << "\" -l " << name
                    << (takes_value(opt) ? " -r -F" : "") << "\n";
            }
        }
    }
}

}  // namespace

void write_doc(const CLI::App& app, std::string_view format, std::ostream& out) {
    if (format == "man") {
        write_man(app, out);
    } else if (format == "bash") {
        write_bash(app, out);
    } else if (format == "zsh") {
        write_zsh(app, out);
    } else if (format == "fish") {
        write_fish(app, out);
    } else {
        fail(ErrorKind::invalid_input, fmt::format("unknown format \"{}\"", format));
    }
}

}  // namespace mpctl::cli
