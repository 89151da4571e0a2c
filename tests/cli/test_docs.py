# SPDX-License-Identifier: Apache-2.0
"""The man page and the completions the build generates from the command tree, and the
field lists of docs/http-api.md held to docs/openapi.json."""
import json
import os
import re
import shlex
import subprocess
import unittest

from cli_support import CONSUMER, MPCTL, OTHER, PROVIDER, MpctlTestCase

MAN = os.environ.get("MPCTL_MAN", "")
COMPLETIONS = os.environ.get("MPCTL_COMPLETIONS", "")

LEAF_COMMANDS = [
    "init", "key generate", "key jwk", "key thumbprint", "signing-key list",
    "signing-key rotate", "prefix add", "prefix list", "scope create", "scope list",
    "scope show", "scope update", "scope deactivate", "scope activate", "access grant",
    "access revoke", "access list", "client register", "client list", "client show",
    "client update", "client deactivate", "client activate", "client keys add",
    "client keys list", "client keys remove", "delegation add", "delegation list",
    "delegation remove", "trust add", "trust list", "trust remove", "signing-key jwks",
    "assertion sign", "assertion lint", "token", "token inspect", "whoami", "audit",
]


def shell_env(env):
    """The test's environment with the built mpctl first on PATH."""
    return dict(env, PATH=os.path.dirname(os.path.abspath(MPCTL)) + os.pathsep + env["PATH"])


def bash_complete(line, env, cwd):
    """What bash offers for the last word of `line`, through the installed script."""
    script = (f"source {COMPLETIONS}/mpctl.bash\n"
              f"COMP_LINE={shlex.quote(line)}; COMP_POINT=${{#COMP_LINE}}\n"
              "_mpctl\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    out = subprocess.run(["bash", "-c", script], check=True, capture_output=True, text=True,
                         env=shell_env(env), cwd=cwd)
    return set(out.stdout.split())


def zsh_complete(line, env, cwd):
    """What the zsh script adds for the last word of `line` (compadd and _files stubbed)."""
    words = line.split(" ")
    script = ("compadd() { while [[ $1 != -- ]]; do shift; done; shift; print -l -- \"$@\"; }\n"
              "_files() { print -- \":files $*\"; }\n"
              f"words=({' '.join(shlex.quote(w) for w in words)}); CURRENT={len(words)}\n"
              f"source {COMPLETIONS}/_mpctl\n")
    out = subprocess.run(["zsh", "-f", "-c", script], check=True, capture_output=True, text=True,
                         env=shell_env(env), cwd=cwd)
    return set(out.stdout.splitlines())


def fish_complete(line, env, cwd):
    """What fish offers for `line`, through the installed script."""
    script = f"source {COMPLETIONS}/mpctl.fish; complete -C{shlex.quote(line)}"
    out = subprocess.run(["fish", "--no-config", "-c", script], check=True, capture_output=True,
                         text=True, env=shell_env(env), cwd=cwd)
    return {line.split("\t")[0] for line in out.stdout.splitlines()}


class ManPage(MpctlTestCase):
    def test_renders_without_warnings_and_documents_every_command(self):
        r = subprocess.run(["man", "--warnings", "-l", MAN], capture_output=True, text=True,
                           env=dict(os.environ, MANWIDTH="100", MAN_KEEP_FORMATTING="0"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        text = re.sub(".\b", "", r.stdout)  # undo the terminal's overstrike
        for cmd in LEAF_COMMANDS:
            self.assertTrue(f"mpctl {cmd}" in text, cmd)
        self.assertTrue("EXIT STATUS" in text)
        self.assertTrue("--expires-in-days" in text)

    def test_says_what_help_says_and_where_things_are(self):
        r = subprocess.run(["man", "-l", MAN], capture_output=True, text=True,
                           env=dict(os.environ, MANWIDTH="200", MAN_KEEP_FORMATTING="0"))
        text = re.sub(".\b", "", r.stdout)
        # A command with optional subcommands has its own section.
        self.assertRegex(text, r"\n +mpctl token \[COMMAND\]\n")
        self.assertIn("(env: MPCTL_CLIENT_ID)", text)
        self.assertIn("algorithm of the server's signing key (default: RS256)", text)
        self.assertIn("file to write the private key to (required)", text)
        for word in ("XDG_CACHE_HOME", "MPCTL_ISSUER", "FILES", "audit.log"):
            self.assertIn(word, text)
        # The same notes as --help, from the same command tree.
        help_text = self.ok("init", "--help").out
        self.assertIn("RS256", help_text)


class Completions(MpctlTestCase):
    """mpctl answers completion itself (`mpctl __complete -- WORDS`); the
    bash, zsh and fish scripts only pass the words and offer the answer."""

    def complete(self, line, **kw):
        words = line.split(" ")
        r = self.run_mpctl("__complete", "--", *words, **kw)
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual(r.err, "")
        return r.out.splitlines()

    def registry(self):
        self.ok("init")
        self.ok("prefix", "add", "skatt", PROVIDER)
        self.ok("--as", PROVIDER, "scope", "create", "skatt:melding", "--description", "d")
        self.ok("--as", PROVIDER, "scope", "create", "skatt:les", "--description", "d",
                "--visibility", "PRIVATE")
        self.ok("--as", PROVIDER, "access", "grant", "skatt:melding", CONSUMER)
        return self.ok("client", "register", "--org", CONSUMER, "--name", "c", "--scope",
                       "skatt:melding", "--output", "id").out.strip()

    def test_commands_and_options_at_every_level(self):
        self.assertTrue({"init", "scope", "client", "trust", "version"}
                        <= set(self.complete("")))
        self.assertNotIn("__complete", self.complete(""))
        self.assertEqual(self.complete("sc"), ["scope"])
        self.assertEqual(self.complete("client keys a"), ["add"])
        self.assertEqual(self.complete("--json scope cr"), ["create"])
        self.assertEqual(self.complete("--db x --as 910000004 client li"), ["list"])
        opts = set(self.complete("scope create skatt:x --"))
        self.assertTrue({"--description", "--delegation-source", "--help"} <= opts)
        # The global options are accepted after a command, so they are offered there.
        self.assertTrue({"--db", "--json", "--as"} <= opts)
        self.assertEqual(self.complete("scope update x --no"), ["--no-delegation"])
        self.assertEqual(self.complete("--json client list --i"), ["--inactive"])
        self.assertEqual(self.complete("scope frobnicate "), [])
        for cmd in LEAF_COMMANDS:
            self.assertIn("--help", self.complete(f"{cmd} --"), cmd)

    def test_enumerated_values(self):
        self.assertEqual(self.complete("key generate --type "), ["rsa", "ec", "ed25519"])
        self.assertEqual(self.complete("key generate --type e"), ["ec", "ed25519"])
        self.assertEqual(self.complete("key generate --type=r"), ["--type=rsa"])
        self.assertEqual(self.complete("key generate --bits "), ["2048", "3072", "4096"])
        self.assertEqual(self.complete("scope create x --token-type "),
                         ["SELF_CONTAINED", "OPAQUE"])
        self.assertEqual(self.complete("scope update x --visibility P"), ["PUBLIC", "PRIVATE"])
        self.assertIn("PS256", self.complete("token --alg "))
        self.assertEqual(self.complete("audit --result "), ["granted", "refused"])

    def test_files_where_a_file_is_expected(self):
        for line in ("key jwk ", "key generate --out ", "token --key ", "trust add ",
                     "client keys add x --key ", "serve --tls-cert ", "serve --access-log=",
                     "token inspect x --jwks ", "assertion sign --password-file "):
            self.assertEqual(self.complete(line), [":file"], line)
        self.assertEqual(self.complete("--db "), [":dir"])
        # Free text is not a file name.
        self.assertEqual(self.complete("client register --name "), [])

    def test_scope_names_and_client_ids_from_the_store(self):
        client_id = self.registry()
        scopes = self.complete("scope show ")
        self.assertIn("skatt:melding", scopes)
        self.assertIn("skatt:les", scopes)
        self.assertEqual(self.complete("access grant skatt:m"), ["skatt:melding"])
        self.assertEqual(self.complete("client show "), [client_id])
        self.assertEqual(self.complete("token --client-id "), [client_id])
        self.assertEqual(self.complete("client keys remove "), [client_id])
        # As an org, what the org sees: public scopes, not another org's private one.
        as_consumer = self.complete(f"--as {CONSUMER} client register --scope skatt:")
        self.assertIn("skatt:melding", as_consumer)
        self.assertNotIn("skatt:les", as_consumer)
        self.assertEqual(self.complete(f"--as {OTHER} client show "), [])
        # The store the line names, not the environment's.
        other = self.path("other")
        self.ok("--db", other, "init")
        self.assertEqual(self.complete(f"--db {other} client show "), [])
        self.assertNotIn("skatt:melding", self.complete(f"--db {other} scope show "))

    def test_never_fails_and_never_writes(self):
        # No store: nothing from it, no error, no store created.
        self.assertEqual(self.complete("client show 1"), [])
        self.assertFalse(os.path.exists(self.db))
        for line in ("--as 12 scope show ", "-- -- --", "scope show \x1b[2J", "--db", "",
                     "token --alg=", "client keys remove -hx "):
            self.complete(line)

    def test_bash_script(self):
        client_id = self.registry()
        complete = lambda line: bash_complete(line, self.env, self.tmp)  # noqa: E731
        self.assertEqual(complete("mpctl sc"), {"scope"})
        self.assertEqual(complete("mpctl --json scope cr"), {"create"})
        # bash breaks words at ":" and "=": only the part after it is replaced.
        self.assertEqual(complete("mpctl scope show skatt:m"), {"melding"})
        self.assertEqual(complete("mpctl key generate --type=e"), {"ec", "ed25519"})
        self.assertEqual(complete(f"mpctl client show {client_id[:4]}"), {client_id})
        with open(self.path("grant.pem"), "w"):
            pass
        self.assertEqual(complete("mpctl token --key gr"), {"grant.pem"})

    def test_zsh_script(self):
        self.registry()
        complete = lambda line: zsh_complete(line, self.env, self.tmp)  # noqa: E731
        self.assertEqual(complete("mpctl sc"), {"scope"})
        self.assertEqual(complete("mpctl scope show skatt:m"), {"skatt:melding"})
        self.assertEqual(complete("mpctl key generate --type e"), {"ec", "ed25519"})
        self.assertEqual(complete("mpctl key jwk x"), {":files "})
        self.assertEqual(complete("mpctl --db "), {":files -/"})

    def test_fish_script(self):
        self.registry()
        complete = lambda line: fish_complete(line, self.env, self.tmp)  # noqa: E731
        self.assertEqual(complete("mpctl sc"), {"scope"})
        self.assertEqual(complete("mpctl scope show skatt:m"), {"skatt:melding"})
        self.assertEqual(complete("mpctl key generate --type e"), {"ec", "ed25519"})
        with open(self.path("grant.pem"), "w"):
            pass
        self.assertEqual(complete("mpctl token --key gr"), {"grant.pem"})


if __name__ == "__main__":
    unittest.main()


DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs")


class FieldLists(unittest.TestCase):
    """docs/http-api.md lists every field of Digdir's client and scope bodies; the OpenAPI
    description has the same ones (a unit test holds that to the server)."""

    @staticmethod
    def listed(section):
        with open(os.path.join(DOCS, "http-api.md")) as f:
            text = f.read()
        body = text.split(f"### {section}\n", 1)[1].split("\n#", 1)[0]
        names = set()
        for line in body.splitlines():
            cells = line.split("|")
            if len(cells) > 2 and cells[1].strip().startswith("`"):
                names.update(re.findall(r"`([a-z_]+)`", cells[1]))
        return names

    @staticmethod
    def documented(*schemas):
        with open(os.path.join(DOCS, "openapi.json")) as f:
            doc = json.load(f)["components"]["schemas"]
        return set().union(*(doc[s]["properties"].keys() for s in schemas))

    def test_the_client_fields(self):
        self.assertEqual(self.listed("The client"),
                         self.documented("ClientCreate", "ClientReplace"))

    def test_the_scope_fields(self):
        self.assertEqual(self.listed("The scope"), self.documented("ScopeCreate", "ScopeReplace"))
