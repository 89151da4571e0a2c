# SPDX-License-Identifier: Apache-2.0
"""Shared helpers for the end-to-end tests: run the built mpctl in a temp store."""
import atexit
import json
import os
import shutil
import subprocess
import tempfile
import unittest

MPCTL = os.environ.get("MPCTL", "mpctl")
# A path given relative to where the tests start (MPCTL=../../build/src/cli/mpctl)
# must still name the binary from the temp directories they run it in.
if os.sep in MPCTL:
    MPCTL = os.path.abspath(MPCTL)

PROVIDER = "974761076"
CONSUMER = "910000004"
SUPPLIER = "920000002"
OTHER = "930000000"

# The exit codes by class, as docs/cli.md lists them.
EXIT = {"fault": 1, "usage": 2, "refused": 3, "not_found": 4, "conflict": 5, "unavailable": 6, "changes": 7}


def valid_pids(birth="010190"):
    """National identity numbers of a birth date (DDMMYY) whose two check digits are right."""
    def check_digit(digits, weights):
        k = 11 - sum(d * w for d, w in zip(digits, weights)) % 11
        return 0 if k == 11 else k

    for individual in range(1000):
        digits = [int(c) for c in f"{birth}{individual:03d}"]
        k1 = check_digit(digits, [3, 7, 6, 1, 8, 9, 4, 5, 2])
        k2 = check_digit(digits + [k1], [5, 4, 3, 2, 7, 6, 5, 4, 3, 2])
        if k1 < 10 and k2 < 10:
            yield "".join(map(str, digits + [k1, k2]))


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)


# Stores made once per process by MpctlTestCase.from_snapshot: name ->
# (directory, what the build returned).
_SNAPSHOTS = {}


class MpctlTestCase(unittest.TestCase):
    """Each test gets a fresh directory and store."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mpctl-cli-")
        self.db = os.path.join(self.tmp, "store")
        # mpctl's own variables set where the tests run (MPCTL_ISSUER,
        # MPCTL_CONFIG, ...) would change what is tested: all but the
        # tests' own (MPCTL_TEST_*) are left out.
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("MPCTL_") or k.startswith("MPCTL_TEST_")}
        self.env.update(MPCTL_DB=self.db, HOME=self.tmp)
        self.env.pop("XDG_DATA_HOME", None)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def read(self, name):
        with open(self.path(name)) as f:
            return f.read()

    def run_mpctl(self, *args, stdin=None, env=None):
        proc = subprocess.run([MPCTL, *args], input=stdin, capture_output=True, text=True,
                              env=env or self.env, cwd=self.tmp, timeout=60)
        return Result(proc)

    def ok(self, *args, stdin=None, env=None):
        r = self.run_mpctl(*args, stdin=stdin, env=env)
        self.assertEqual(r.code, 0, f"mpctl {' '.join(args)} failed: {r.err}")
        self.assertEqual(r.err, "")
        return r

    def fails(self, *args, stdin=None, code, says=(), env=None):
        """Runs a command that must fail with the exit code of class `code`
        (EXIT: "refused", "not_found", ...), saying each of `says`. It runs
        again with --json, which must give the same class as one JSON
        object: a failed command changed nothing, so it fails the same way.
        A token request is the exception: its refusal is audited, so it is
        not asked twice."""
        number = EXIT[code]
        r = self.run_mpctl(*args, stdin=stdin, env=env)
        self.assertEqual(r.code, number, f"mpctl {' '.join(args)}: {r.out}{r.err}")
        self.assertTrue(r.err.startswith("mpctl: error: "), r.err)
        self.assertEqual(r.err.count("\n"), 2 if code == "usage" else 1, r.err)
        for text in ([says] if isinstance(says, str) else says):
            self.assertIn(text, r.err)
        if "token" in args and "inspect" not in args:
            return r
        as_json = self.run_mpctl("--json", *args, stdin=stdin, env=env)
        self.assertEqual(as_json.code, number, f"mpctl --json {' '.join(args)}: {as_json.err}")
        self.assertEqual(as_json.err.count("\n"), 1, as_json.err)
        error = json.loads(as_json.err)
        self.assertEqual(error, {"error": code, "error_description": error["error_description"],
                                 "exit_code": number})
        return r

    def openssl(self, *args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=self.tmp)

    def dump(self):
        """The store's whole content, as LMDB's own tool prints it."""
        return subprocess.run(["mdb_dump", "-a", self.db], check=True, capture_output=True,
                              text=True).stdout

    def demo_registry_with_key(self):
        """demo_registry, and an RSA key client.pem registered on its client:
        sets self.client_id and self.kid."""
        def build():
            client_id = self.build_demo_registry()
            self.ok("key", "generate", "--type", "rsa", "--out", "client.pem")
            kid = self.ok("key", "thumbprint", "client.pem").out.strip()
            self.ok("client", "keys", "add", client_id, "--key", "-",
                    stdin=self.ok("key", "jwk", "client.pem").out)
            return client_id, kid
        self.client_id, self.kid = self.from_snapshot("with_key", build, ["client.pem"])

    def demo_registry(self):
        """Operator, provider with prefix and scopes, a consumer granted one."""
        return self.from_snapshot("plain", self.build_demo_registry, [])

    def from_snapshot(self, name, build, files):
        """What build() makes in a fresh store: made once per test process
        through mpctl, then copied (the store and `files`), since every test
        of a suite starts from it. Built anew where a test changed mpctl's
        environment (another backend, a secret, a fault)."""
        own = {k: v for k, v in self.env.items()
               if k.startswith("MPCTL_") and not k.startswith("MPCTL_TEST_")}
        if own != {"MPCTL_DB": self.db} or os.path.exists(self.db):
            return build()
        if name not in _SNAPSHOTS:
            result = build()
            keep = tempfile.mkdtemp(prefix="mpctl-cli-snapshot-")
            atexit.register(shutil.rmtree, keep, True)
            shutil.copytree(self.db, os.path.join(keep, "store"))
            for f in files:
                shutil.copy2(self.path(f), keep)
            _SNAPSHOTS[name] = (keep, result)
            return result
        keep, result = _SNAPSHOTS[name]
        shutil.copytree(os.path.join(keep, "store"), self.db)
        for f in files:
            shutil.copy2(os.path.join(keep, f), self.path(f))
        return result

    def build_demo_registry(self):
        self.ok("init", "--issuer", "https://mp.test/")
        self.ok("prefix", "add", "skatt", PROVIDER)
        self.ok("scope", "create", "skatt:melding", "--description", "Tax returns",
                "--delegation-source", "https://altinn.test")
        self.ok("scope", "create", "skatt:les", "--description", "Read")
        self.ok("access", "grant", "skatt:melding", CONSUMER)
        client = self.ok("client", "register", "--org", CONSUMER, "--name", "payroll",
                         "--scope", "skatt:melding", "--json").json()
        return client["client_id"]
