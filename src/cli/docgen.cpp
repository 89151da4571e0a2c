// SPDX-License-Identifier: Apache-2.0
#include "cli/docgen.hpp"

#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/settings.hpp"
#include "cli/words.hpp"
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
        for (const CLI::App* sub : visible_commands(app)) {
            visit(path + " " + sub->get_name(), sub);
        }
    };
    visit("mpctl", &root);
    return out;
}

bool is_help(const CLI::Option* opt) {
    return opt->get_lnames() == std::vector<std::string>{"help"};
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

// The environment variables of `mpctl serve`'s settings (cli/settings.hpp).
std::string serve_env_names(const CLI::App& root) {
    std::string names;
    for (const CLI::Option* opt : root.get_subcommand("serve")->get_options()) {
        if (takes_value(opt) && !opt->get_lnames().empty() && opt->get_envname().empty()) {
            names += (names.empty() ? "" : ", ") + env_name(opt->get_lnames()[0]);
        }
    }
    return names;
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
        << ".TP\n.B MPCTL_DB\nthe store directory, or a \\fBpostgresql://\\fR URI, when "
           "\\fB\\-\\-db\\fR is not given\n"
        << ".TP\n.B MPCTL_DB_SCHEMA\nthe schema of the store in a PostgreSQL database "
           "(default \\fBmpctl\\fR), for several stores in one database\n"
        << ".TP\n.B PGPASSFILE, PGPASSWORD, PGSSLMODE, ...\nread by libpq for a PostgreSQL "
           "store, as by psql\n"
        << ".TP\n.B XDG_DATA_HOME\nthe store is \\fI$XDG_DATA_HOME/mpctl\\fR (default "
           "\\fI~/.local/share/mpctl\\fR) when neither is given\n"
        << ".TP\n.B XDG_CACHE_HOME\n\\fBmpctl token\\fR keeps tokens in "
           "\\fI$XDG_CACHE_HOME/mpctl\\fR (default \\fI~/.cache/mpctl\\fR)\n"
        << ".TP\n.B MPCTL_ISSUER, MPCTL_CLIENT_ID, MPCTL_KEY, MPCTL_KID\n"
           "\\fBmpctl token\\fR's and \\fBmpctl whoami\\fR's \\fB\\-\\-issuer\\fR, "
           "\\fB\\-\\-client\\-id\\fR, \\fB\\-\\-key\\fR and \\fB\\-\\-kid\\fR when the "
           "flags are absent\n"
        << ".TP\n.B MPCTL_SERVER\nthe server whose self-service API \\fBscope\\fR, "
           "\\fBaccess\\fR, \\fBclient\\fR, \\fBdelegation\\fR, \\fBplan\\fR, "
           "\\fBapply\\fR and \\fBexport\\fR act on when \\fB\\-\\-server\\fR is "
           "not given, as the admin client \\fBMPCTL_CLIENT_ID\\fR and \\fBMPCTL_KEY\\fR "
           "name (its token from \\fBMPCTL_ISSUER\\fR, else the server)\n"
        << ".TP\n.B " << roff(serve_env_names(root))
        << "\n\\fBmpctl serve\\fR's options when the flags are absent; they beat the file of "
           "\\fB\\-\\-config\\fR\n"
        << ".TP\n.B MPCTL_CONFIG\n\\fBmpctl serve\\fR's \\fB\\-\\-config\\fR\n"
        << ".SH FILES\n"
        << ".TP\n.I /etc/mpctl/mpctl.conf\nthe settings of the packaged service "
           "(\\fBmpctl serve \\-\\-config\\fR): \\fIname\\fR = \\fIvalue\\fR lines, "
           "\\fB#\\fR comments; \\fB\\-\\-print\\-config\\fR shows what is in effect\n"
        << ".TP\n.I STORE/data.mdb, STORE/lock.mdb\nthe registry (LMDB), mode 0600 in a 0700 "
           "directory; \\fBmpctl init\\fR creates it\n"
        << ".TP\n.I STORE/runtime/\nthe token memory: used grants and opaque tokens\n"
        << ".TP\n.I STORE/audit.log\none JSON line per token request; \\fBmpctl audit\\fR "
           "reads it, and the files logrotate made of it (audit.log.1, audit.log.2.gz, ...)\n"
        << ".TP\n.I $XDG_CACHE_HOME/mpctl/*.json\ncached tokens, mode 0600\n"
        << ".SH EXIT STATUS\nThe same classes for every command; only 6 is worth retrying as "
           "it stands.\n"
        << ".TP\n.B 0\nsuccess\n"
        << ".TP\n.B 1\nfault: mpctl or its environment failed (a file, a damaged store, a "
           "bug)\n"
        << ".TP\n.B 2\nusage mistake: an unknown command or option, a missing option, or a "
           "malformed value (organisation number, scope name, id, URL, ...), found before "
           "anything is read or written\n"
        << ".TP\n.B 3\nrefused by a rule or an authorization (also a refused token, a failed "
           "\\fBassertion lint\\fR, an invalid token in \\fBtoken inspect\\fR)\n"
        << ".TP\n.B 4\nnot found\n"
        << ".TP\n.B 5\nconflict: it exists already, or its state forbids this\n"
        << ".TP\n.B 6\nunavailable: the store, the server or the network is out for now; "
           "retry later\n"
        << ".TP\n.B 7\nplan only, and no error: changes are pending\n"
        << ".PP\nErrors are one line on standard error: \\fBmpctl: error: \\fR...; with "
           "\\fB\\-\\-json\\fR, one JSON object: "
           "{\"error\", \"error_description\", \"exit_code\"}.\n";
}

}  // namespace

void write_doc(const CLI::App& app, std::string_view format, std::ostream& out) {
    if (format == "man") {
        write_man(app, out);
    } else {
        fail(ErrorKind::invalid_input, fmt::format("unknown format \"{}\"", format));
    }
}

}  // namespace mpctl::cli
