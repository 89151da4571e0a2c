# SPDX-License-Identifier: Apache-2.0
"""The man page and the completions the build generates from the command tree."""
import os
import re
import shutil
import subprocess
import unittest

from cli_support import MpctlTestCase

MAN = os.environ.get("MPCTL_MAN", "")
COMPLETIONS = os.environ.get("MPCTL_COMPLETIONS", "")

LEAF_COMMANDS = [
    "init", "key generate", "key jwk", "key thumbprint", "signing-key list",
    "signing-key rotate", "prefix add", "prefix list", "scope create", "scope list",
    "scope show", "scope update", "scope deactivate", "access grant", "access revoke",
    "access list", "client register", "client list", "client show", "client update",
    "client deactivate", "client keys add", "client keys list", "client keys remove",
    "delegation add", "delegation list", "delegation remove", "trust add", "trust list",
    "trust remove", "signing-key jwks", "assertion sign", "assertion lint", "token",
    "token inspect", "audit",
]


def bash_complete(line):
    """What bash completion offers after `line` (the last word is being typed)."""
    words = line.split(" ")
    script = (f"source {COMPLETIONS}/mpctl\n"
              f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
              f"COMP_CWORD={len(words) - 1}\n"
              "_mpctl\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    out = subprocess.run(["bash", "-c", script], check=True, capture_output=True, text=True)
    return set(out.stdout.split())


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
    def test_bash_completes_commands_and_options_at_every_level(self):
        self.assertTrue({"init", "scope", "client", "trust"} <= bash_complete("mpctl "))
        self.assertEqual(bash_complete("mpctl sc"), {"scope"})
        self.assertEqual(bash_complete("mpctl client keys a"), {"add"})
        self.assertEqual(bash_complete("mpctl --json scope cr"), {"create"})
        self.assertTrue({"--description", "--delegation-source"}
                        <= bash_complete("mpctl scope create skatt:x --"))
        self.assertIn("--no-delegation", bash_complete("mpctl scope update x --no"))
        for cmd in LEAF_COMMANDS:
            self.assertIn("--help", bash_complete(f"mpctl {cmd} --"), cmd)

    def test_zsh_and_fish_scripts_parse(self):
        for shell, name in (("zsh", "_mpctl"), ("fish", "mpctl.fish")):
            path = os.path.join(COMPLETIONS, name)
            with open(path) as f:
                text = f.read()
            for cmd in LEAF_COMMANDS:
                self.assertIn(f"mpctl {cmd}", text, (shell, cmd))
            if shutil.which(shell):
                r = subprocess.run([shell, "-n", path], capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
