# SPDX-License-Identifier: Apache-2.0
"""The exit codes by class (docs/cli.md), held to every command: a script can
tell a usage mistake from a refusal, a missing thing, a conflict, and an
outage worth retrying, in words or as one JSON object."""
import json
import os
import re
import socket

from cli_support import CONSUMER, EXIT, PROVIDER, MpctlTestCase

DOCS = os.path.join(os.path.dirname(__file__), "..", "..", "docs")


class ExitCodes(MpctlTestCase):
    def commands(self, words=()):
        """Every command of the tree, as mpctl's own completion lists it."""
        r = self.run_mpctl("__complete", "--", *words, "")
        self.assertEqual(r.code, 0, r.err)
        subs = [w for w in r.out.splitlines() if w and not w.startswith("-")]
        found = [list(words)] if words else []
        for sub in subs:
            found += self.commands((*words, sub))
        return found

    def json_error(self, r):
        self.assertEqual(r.err.count("\n"), 1, r.err)
        return json.loads(r.err)

    def test_the_table_in_the_docs_is_the_one_mpctl_uses(self):
        with open(os.path.join(DOCS, "cli.md")) as f:
            text = f.read()
        rows = re.findall(r"^\| (\d) \| `(\w+)` \|", text, flags=re.M)
        self.assertEqual({name: int(code) for code, name in rows}, EXIT)

    def test_every_command_answers_a_usage_mistake_with_2_in_words_and_in_json(self):
        commands = self.commands()
        self.assertGreater(len(commands), 40)
        for words in commands:
            with self.subTest(command=" ".join(words)):
                plain = self.run_mpctl(*words, "--no-such-option")
                self.assertEqual(plain.code, EXIT["usage"], plain.err)
                self.assertTrue(plain.err.startswith("mpctl: error: "), plain.err)
                self.assertTrue(
                    plain.err.endswith("\nRun with --help for more information.\n"), plain.err)
                r = self.run_mpctl("--json", *words, "--no-such-option")
                self.assertEqual(r.code, EXIT["usage"], r.err)
                error = self.json_error(r)
                self.assertEqual(error, {"error": "usage", "exit_code": EXIT["usage"],
                                         "error_description": plain.err.splitlines()[0][14:]})

    def test_json_is_asked_for_anywhere_before_the_double_dash(self):
        r = self.run_mpctl("client", "show", "nope", "--json")
        self.assertEqual(self.json_error(r)["error"], "usage")
        r = self.run_mpctl("key", "thumbprint", "--", "--json")
        self.assertEqual(r.code, EXIT["fault"])
        self.assertTrue(r.err.startswith("mpctl: error: "), r.err)

    def test_one_command_of_each_class(self):
        self.ok("init")
        self.ok("prefix", "add", "skatt", PROVIDER)
        self.ok("--as", PROVIDER, "scope", "create", "skatt:melding", "--description", "d")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = s.getsockname()[1]
        cases = [
            ("fault", ["key", "thumbprint", "missing.pem"], "missing.pem"),
            ("refused", ["client", "register", "--org", CONSUMER, "--name", "c", "--scope",
                         "skatt:melding"], "has not been granted access"),
            ("not_found", ["scope", "show", "skatt:nope"], "does not exist"),
            ("conflict", ["prefix", "add", "skatt", CONSUMER], "never reassigned"),
            ("unavailable", ["--db", f"postgresql://mp@127.0.0.1:{closed}/mp?connect_timeout=5",
                             "scope", "list"], "cannot connect to PostgreSQL"),
        ]
        for name, args, says in cases:
            with self.subTest(exit=name):
                self.fails(*args, code=name, says=says)
                error = self.json_error(self.run_mpctl("--json", *args))
                self.assertIn(says, error["error_description"])


if __name__ == "__main__":
    import unittest
    unittest.main()
