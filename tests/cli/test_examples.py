# SPDX-License-Identifier: Apache-2.0
"""Every example a user sees runs: the "Example:" lines of each command's
--help (and so of the man page), and the commands in the code blocks of
README.md and docs/*.md. They run through bash, as a user would paste them,
against a scratch store that holds what their placeholders name (and a
running `mpctl serve` where they ask a server), and each must exit 0 unless
REFUSALS says it shows a refusal on purpose. Every organisation number in an
example must pass the modulus-11 rule, run or not."""
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from cli_support import EXIT, MPCTL, MpctlTestCase

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DOC_FILES = ["README.md"] + sorted(
    os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "docs", "*.md")))

# Examples that cannot run here, each with why. Keyed by where the example is
# ("--help", or the file) and a piece of its text; an entry that matches no
# example any more fails the test, so the list cannot outlive what it excuses.
SKIP = {
    ("--help", "postgresql://mp@db.example/mp"):
        "needs a PostgreSQL server (db.example); test_replicas and the unit tests run "
        "db copy and db migrate on one",
    ("README.md", "systemctl enable --now mpctl"):
        "needs the Debian package installed: root, its system user mpctl, systemd",
    ("README.md", "as_mpctl() { runuser -u mpctl"):
        "needs the Debian package installed: its system user mpctl and its running service",
    ("docs/install.md", "runuser -u mpctl -- mpctl --db /var/lib/mpctl init"):
        "needs the Debian package installed: root, its system user mpctl, systemd",
    ("docs/install.md", "runuser -u mpctl -- mpctl serve --config /etc/mpctl/mpctl.conf"):
        "needs the Debian package installed: its /etc/mpctl/mpctl.conf and system user mpctl",
    ("docs/install.md", "MPCTL_KEY_SECRET_FILE=/dev/stdin"):
        "needs the Debian package installed: its system user and root's /etc/mpctl/key-secret",
    ("docs/install.md", "runuser -u mpctl -- mpctl --db /var/lib/mpctl db migrate"):
        "needs the Debian package installed: its store in /var/lib/mpctl and systemd",
    ("docs/postgresql.md", "postgresql://mpctl@db.example/mpctl"):
        "needs a PostgreSQL server (db.example) with TLS",
    ("--help", "mpctl signing-key activate KID"):
        "needs a next key published a day before; test_serve's staged rotation activates one",
    ("--help", "mpctl audit --trace 3f2c9a0e51d7b4c86a1e0f9b2d4c7e18"):
        "needs a request of that trace id in the log; test_tokens and test_serve look one up",
}

# Examples that show a refusal on purpose: the exit code class they must end
# with. The error a doc shows under such a command must be the one mpctl prints.
REFUSALS = {
    ("docs/cli.md", "mpctl --json client show 123e4567-e89b-42d3-a456-426614174000"):
        "not_found",
    ("docs/cli.md", "mpctl client register --org 12345 --name payroll"): "usage",
    ("docs/cli.md", "mpctl scop list"): "usage",
    ("docs/cli.md", "mpctl client"): "usage",
    ("docs/systemusers.md",
     "mpctl token ... --systemuser-org 930000000 --external-ref avdeling-2 --no-cache"):
        "refused",
}

# What a "..." in an example leaves out, by where the example is.
ELLIPSIS = {
    ("--help", "mpctl assertion sign ... |"):
        "mpctl assertion sign --client-id CLIENT_ID --key client.pem --scope skatt:melding "
        "--aud https://mp.example/ |",
    ("docs/systemusers.md", "mpctl token ..."):
        "mpctl token --issuer https://mp.example.org/ --client-id "
        "939a1a8a-68bb-4482-9fc4-b87c7719803b --key vendor.pem --scope skatt:melding",
}

# The store an example starts from (FIXTURE_STAGES), by the command whose
# --help shows it: one that creates what a later stage holds starts before it.
# Every other example starts from the full fixture.
HELP_STAGE = {
    "init": "empty",
    "key generate": "empty",
    "prefix add": "init",
    "scope create": "prefix",
    "key jwk": "client",
    "client keys add": "client",
    "system add": "key",
}

# A help example may end in a remark for the reader, set off by spaces:
# "mpctl client keys remove CLIENT_ID old-key-2025   (a kid starting with - ...)".
REMARK = re.compile(r"\s{2,}\(.*\)\s*$")

# The commands that ask the server at --issuer URL (the others take --issuer as
# a name only: init, serve, assertion lint, token inspect with --jwks). Such an
# example asks the test's own `mpctl serve`.
ASKS_SERVER = re.compile(r"\bmpctl (?:token(?! inspect)|whoami|signing-key jwks --check)\b")

ORG_NUMBER = re.compile(r"(?<!\d)\d{9}(?!\d)")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# mpctl run as a command: at the start of a line or a pipeline, in $( ), after
# runuser's "--" or "env", with variables set in front of it.
INVOKES_MPCTL = re.compile(
    r"(?:^|[|;&(]\s*|\$\(|\s--\s+|\benv\s+)(?:[A-Z_][A-Z0-9_]*=\S+\s+)*mpctl\s")


def valid_org_number(text):
    """The modulus-11 rule: weights 3,2,7,6,5,4,3,2; 11 - sum % 11, 11 is 0, 10 is none."""
    if not re.fullmatch(r"\d{9}", text):
        return False
    k = 11 - sum(int(d) * w for d, w in zip(text, [3, 2, 7, 6, 5, 4, 3, 2])) % 11
    k = 0 if k == 11 else k
    return k < 10 and int(text[8]) == k


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url):
    try:
        with urllib.request.urlopen(url + "healthz", timeout=2) as r:
            return r.status == 200
    except (OSError, urllib.error.URLError):
        return False


def wait_healthy(proc, url):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"mpctl serve exited with {proc.returncode}")
        if healthy(url):
            return
        time.sleep(0.02)  # polling the health endpoint, not waiting blindly
    raise AssertionError(f"mpctl serve at {url} did not become healthy")


def stop(proc):
    """SIGTERM, as Ctrl-C or systemd would; the exit code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
    return proc.returncode


class Unit:
    """An example: one help line, a doc's script block, or a doc's `$ ` session."""

    def __init__(self, source, kind, text, line=0, commands=None, path=""):
        self.source = source  # "--help" or the doc file
        self.kind = kind  # "help", "script", "session" or "synopsis"
        self.text = text
        self.line = line
        self.commands = commands or []  # a session's [(command, shown output lines)]
        self.path = path  # the command whose --help shows it

    def where(self):
        return (f"mpctl {self.path} --help" if self.source == "--help"
                else f"{self.source}:{self.line}")


def logical_lines(lines):
    """(first line number, text) with backslash continuations joined."""
    out, buf, start = [], "", None
    for number, line in lines:
        if start is None:
            start = number
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1].rstrip() + " "
            continue
        out.append((start, buf + line.strip() if buf else line))
        buf, start = "", None
    if buf:
        out.append((start, buf.strip()))
    return out


def code_blocks(path):
    """(language, first line number, [(line number, text)]) of each fenced block."""
    with open(os.path.join(ROOT, path)) as f:
        lines = f.read().split("\n")
    blocks, current = [], None
    for number, line in enumerate(lines, 1):
        fence = re.match(r"\s*```(\S*)", line)
        if fence and current is None:
            current = (fence.group(1), number + 1, [])
        elif fence:
            blocks.append(current)
            current = None
        elif current is not None:
            current[2].append((number, line))
    return blocks


def doc_units():
    """The examples of README.md and docs/*.md.

    - A block whose commands start with "$ " is a session: each command runs
      in turn in one store, and what the doc shows under it is its output.
    - A block without a language whose lines start with "mpctl " is a
      synopsis (docs/cli.md's grammar of each command), not an example.
    - Any other block that runs mpctl is a script, run whole."""
    units = []
    for path in DOC_FILES:
        for language, first, lines in code_blocks(path):
            logical = logical_lines(lines)
            runs = [(n, t) for n, t in logical
                    if INVOKES_MPCTL.search(t.strip()[2:] if t.startswith("$ ") else t.strip())]
            if not runs:
                continue
            if any(t.startswith("$ ") for _, t in runs):
                commands, current = [], None
                for n, t in logical:
                    if t.startswith("$ "):
                        current = (n, t[2:].strip(), [])
                        commands.append(current)
                    elif current is not None:
                        current[2].append(t)
                for n, cmd, shown in commands:
                    units.append(Unit(path, "session", cmd, n, commands=[(cmd, shown)]))
            elif language == "" and all(t.strip().startswith("mpctl ") for _, t in runs):
                units += [Unit(path, "synopsis", t.strip(), n) for n, t in runs]
            else:
                text = "\n".join(t for _, t in lines)
                units.append(Unit(path, "script", text, first))
    return units


def inline_code(path):
    with open(os.path.join(ROOT, path)) as f:
        text = re.sub(r"```.*?```", "", f.read(), flags=re.S)
    return re.findall(r"`([^`\n]+)`", text)


class Fixture:
    """Stores built once for all examples, each stage holding more:
    empty (nothing), none (the files, no store), init, prefix, client (scopes, access and a
    client of 910000004 without a key), key (its key client.pem) and full
    (a system, a system user, a delegation, a trusted CA). An example runs
    in a copy of one."""

    STAGES = ["empty", "none", "init", "prefix", "client", "key", "full"]

    def __init__(self, test):
        self.root = tempfile.mkdtemp(prefix="mpctl-examples-")
        self.test = test
        self.values = {}
        work = os.path.join(self.root, "build")
        os.makedirs(work)
        self.work = work
        self.snapshot("empty")
        self.files()
        self.snapshot("none")
        self.mpctl("init", "--issuer", "https://mp.example/")
        self.snapshot("init")
        self.mpctl("prefix", "add", "skatt", "974761076")
        self.snapshot("prefix")
        self.mpctl("scope", "create", "skatt:skattemelding", "--description", "Tax returns",
                   "--delegation-source", "https://www.altinn.no")
        for name in ("melding", "a", "b"):
            self.mpctl("scope", "create", f"skatt:{name}", "--description", name)
        for name in ("skattemelding", "melding", "a", "b"):
            self.mpctl("access", "grant", f"skatt:{name}", "910000004")
        client = self.json("client", "register", "--org", "910000004", "--name", "payroll",
                           "--scope", "skatt:melding", "--scope", "skatt:skattemelding")
        self.values["CLIENT_ID"] = client["client_id"]
        self.snapshot("client")
        self.values["KID"] = self.mpctl("key", "thumbprint", "client.pem").strip()
        self.mpctl("client", "keys", "add", client["client_id"], "--key", "-",
                   stdin=self.mpctl("key", "jwk", "client.pem"))
        self.snapshot("key")
        self.mpctl("--as", "910000004", "system", "add", "910000004_payroll", "--client",
                   client["client_id"], "--name", "Payroll")
        # Not the customer's default system user, nor the examples' delegation and
        # CA: the examples that add those still can.
        user = self.json("--as", "930000000", "systemuser", "add", "--system",
                         "910000004_payroll", "--external-ref", "fixture")
        self.values["SYSTEM_USER_ID"] = user["id"]
        delegation = self.json("delegation", "add", "--scope", "skatt:skattemelding",
                               "--consumer", "910000004", "--supplier", "910753614")
        self.values["DELEGATION_ID"] = delegation["id"]
        added = self.json("trust", "add", "fixture-ca.pem")
        self.values["FINGERPRINT"] = added[0]["fingerprint"]
        with open(os.path.join(work, "jwks.json"), "w") as f:
            f.write(self.mpctl("signing-key", "jwks"))
        self.snapshot("full")

    def env(self, work):
        env = dict(self.test.env, MPCTL_DB=os.path.join(work, "store"), HOME=work)
        env["PATH"] = os.path.join(self.root, "bin") + os.pathsep + env["PATH"]
        return env

    def mpctl(self, *args, stdin=None):
        proc = subprocess.run([MPCTL, *args], input=stdin, capture_output=True, text=True,
                              env=self.env(self.work), cwd=self.work, timeout=60)
        if proc.returncode != 0:
            raise AssertionError(f"fixture: mpctl {' '.join(args)}: {proc.stderr}")
        return proc.stdout

    def json(self, *args):
        return json.loads(self.mpctl("--json", *args))

    def openssl(self, *args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=self.work)

    def files(self):
        """The files the examples name: client.pem and client.p12 (one key,
        the p12's password in pw), admin.pub.pem, CA certificates, key
        secrets, a config."""
        os.makedirs(os.path.join(self.root, "bin"))
        os.symlink(os.path.abspath(MPCTL) if os.sep in MPCTL else shutil.which(MPCTL),
                   os.path.join(self.root, "bin", "mpctl"))
        # A kid (the key's thumbprint) that starts with "-" goes after "--"
        # on a command line, which the examples do not show: one in 64 keys.
        while True:
            self.mpctl("key", "generate", "--type", "rsa", "--out", "client.pem")
            if not self.mpctl("key", "thumbprint", "client.pem").startswith("-"):
                break
            os.remove(os.path.join(self.work, "client.pem"))
        # An org's admin key, public only (mpctl org add).
        self.mpctl("key", "generate", "--type", "ec", "--out", "admin.pem")
        self.openssl("pkey", "-in", "admin.pem", "-pubout", "-out", "admin.pub.pem")
        self.openssl("req", "-x509", "-new", "-key", "client.pem", "-out", "client.crt",
                     "-days", "30", "-subj", "/CN=client")
        with open(os.path.join(self.work, "pw"), "w") as f:
            f.write("hemmelig\n")
        self.openssl("pkcs12", "-export", "-inkey", "client.pem", "-in", "client.crt",
                     "-out", "client.p12", "-passout", "pass:hemmelig")
        for name in ("buypass-root", "fixture-ca"):
            self.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                         "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days",
                         "30", "-subj", f"/CN={name}/O=mpctl examples")
        for name in ("new", "old"):
            with open(os.path.join(self.work, f"{name}.secret"), "w") as f:
                f.write(f"{name}-secret-of-the-examples-0123456789abcdef\n")
        with open(os.path.join(self.work, "mpctl.conf"), "w") as f:
            f.write(f"# the examples' /etc/mpctl/mpctl.conf\n"
                    f"db = {os.path.join(self.work, 'store')}\n"
                    f"listen = 127.0.0.1:8080\n"
                    f"access-log = {os.path.join(self.work, 'access.log')}\n")

    def snapshot(self, stage):
        shutil.copytree(self.work, os.path.join(self.root, stage), symlinks=True)

    def copy(self, stage, into):
        """A fresh copy of a stage at `into`; files that name the build
        directory (the config) are pointed at the copy."""
        shutil.copytree(os.path.join(self.root, stage), into, symlinks=True)
        conf = os.path.join(into, "mpctl.conf")
        if not os.path.exists(conf):
            return
        with open(conf) as f:
            text = f.read()
        with open(conf, "w") as f:
            f.write(text.replace(self.work, into))

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)


class Examples(MpctlTestCase):
    fixture = None

    @classmethod
    def tearDownClass(cls):
        if Examples.fixture:
            Examples.fixture.remove()
            Examples.fixture = None

    def stores(self):
        if Examples.fixture is None:
            Examples.fixture = Fixture(self)
        return Examples.fixture

    # Finding the examples

    def commands(self, words=()):
        """Every command of the tree, as mpctl's own completion lists it."""
        r = self.run_mpctl("__complete", "--", *words, "")
        self.assertEqual(r.code, 0, r.err)
        # Command names only: not options, nor what stands for a file (":file").
        subs = [w for w in r.out.splitlines() if re.fullmatch(r"[a-z][a-z0-9-]*", w)]
        found = [list(words)] if words else []
        for sub in subs:
            found += self.commands((*words, sub))
        return found

    def help_units(self):
        units = []
        for words in [[]] + self.commands():
            r = self.run_mpctl(*words, "--help")
            self.assertEqual(r.code, 0, r.err)
            if "\nExample:\n" not in r.out:
                continue
            for line in r.out.split("\nExample:\n", 1)[1].splitlines():
                if line.strip():
                    units.append(Unit("--help", "help", line.strip(), path=" ".join(words)))
        return units

    def all_units(self):
        if not hasattr(Examples, "_units"):
            Examples._units = self.help_units() + doc_units()
        return Examples._units

    def skip_reason(self, unit):
        for (source, piece), reason in SKIP.items():
            if source == unit.source and piece in unit.text:
                return reason
        return None

    # Running them

    def substitute(self, text, source, values, server_url=None):
        for (where, short), full in ELLIPSIS.items():
            if where == source:
                text = text.replace(short, full)
        for name in ("CLIENT_ID", "SYSTEM_USER_ID", "DELEGATION_ID"):
            # A placeholder, not the shell variable of that name ($CLIENT_ID, CLIENT_ID=).
            text = re.sub(rf"(?<![\w$]){name}(?![\w=])", values[name], text)
        text = text.replace("old-key-2025", values["KID"])
        text = text.replace("trust remove 3f2a9c1b", "trust remove " + values["FINGERPRINT"][:8])
        for doc_id, real in values.get("doc ids", {}).items():
            text = text.replace(doc_id, real)
        # The server a `mpctl token --issuer URL` asks is the test's.
        if server_url and ASKS_SERVER.search(text):
            text = re.sub(r"(--issuer )(\S+)", rf"\g<1>{server_url}", text)
            text = re.sub(r"(--check )(\S+/)jwk\b", rf"\g<1>{server_url}jwk", text)
        text = re.sub(r"(?<![\w/.])/tmp/", values["work"] + "/", text)
        text = text.replace("/etc/mpctl/mpctl.conf", values["work"] + "/mpctl.conf")
        text = text.replace("127.0.0.1:8080", f"127.0.0.1:{values['port']}")
        return text

    def needs_server(self, text):
        """A `mpctl token --issuer URL` that no `mpctl serve` of the example answers."""
        return (ASKS_SERVER.search(text) and ("--issuer " in text or "--check " in text)
                and not re.search(r"\bmpctl serve\b", text))

    def start_server(self, work, env, values):
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        proc = subprocess.Popen(
            [MPCTL, "serve", "--listen", f"127.0.0.1:{port}", "--issuer", url, "--access-log",
             os.path.join(work, "test-server.log")],
            env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        wait_healthy(proc, url)
        return proc, url

    def workspace(self, stage):
        fixture = self.stores()
        work = tempfile.mkdtemp(prefix="example-", dir=self.tmp)
        os.rmdir(work)
        fixture.copy(stage, work)
        values = dict(fixture.values, work=work, port=free_port())
        return work, fixture.env(work), values

    def bash(self, script, env, cwd, timeout=120):
        return subprocess.run(["bash", "-c", "set -euo pipefail\n" + script],
                              capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)

    def run_long_running(self, text, env, work, values):
        """`mpctl serve` runs until stopped: it must serve, then exit 0 on SIGTERM."""
        proc = subprocess.Popen(["bash", "-c", "exec " + text], env=env, cwd=work,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        try:
            wait_healthy(proc, f"http://127.0.0.1:{values['port']}/")
        except AssertionError as e:
            stop(proc)
            self.fail(f"{text}: {e}: {proc.stderr.read()}")
        code = stop(proc)
        err = proc.stderr.read()
        proc.stderr.close()
        self.assertEqual(code, 0, f"{text}: {err}")
        self.assertIn("mpctl: serving", err)

    def run_help_example(self, unit):
        text = REMARK.sub("", unit.text)
        work, env, values = self.workspace(HELP_STAGE.get(unit.path, "full"))
        server = None
        if self.needs_server(text):
            server, url = self.start_server(work, env, values)
        text = self.substitute(text, unit.source, values, server and url)
        if "$TOKEN" in text:
            r = subprocess.run(
                [MPCTL, "token", "--client-id", values["CLIENT_ID"], "--key", "client.pem",
                 "--scope", "skatt:melding", "--no-cache"],
                capture_output=True, text=True, env=env, cwd=work, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            env = dict(env, TOKEN=r.stdout.strip())
        if (re.match(r"(\w+=\S+\s+)*mpctl serve\b", text) and "--print-config" not in text
                and "--check" not in text):
            self.run_long_running(text, env, work, values)
        else:
            r = self.bash(text, env, work)
            self.assertEqual(r.returncode, 0, f"{text}\n{r.stdout}{r.stderr}")
        if server:
            self.assertEqual(stop(server), 0)

    def run_script(self, unit):
        """A doc's shell block, whole. A `mpctl serve ... &` in it is waited
        for until it answers, as a reader typing the next line would; the
        script then must stop it and the server must exit 0. curl must get
        a 2xx answer."""
        work, env, values = self.workspace("empty")
        text = self.substitute(unit.text, unit.source, values)
        lines = []
        for line in text.split("\n"):
            line = re.sub(r"^curl ", "curl -fsS ", line)
            lines.append(line)
            if re.search(r"\bmpctl serve\b.*&\s*$", line):
                lines.append(f"for _ in $(seq 200); do curl -sf http://127.0.0.1:{values['port']}"
                             f"/healthz >/dev/null && break; sleep 0.05; done")
        script = "\n".join(lines)
        if "mpctl serve" in script and "&" in script:
            script += "\nwait $!\n"
        r = self.bash(script, env, work)
        self.assertEqual(r.returncode, 0, f"{unit.where()}:\n{script}\n{r.stdout}{r.stderr}")

    def run_session(self, units):
        """A doc's `$ ` commands, in order, in one store. An id the doc shows
        in a command's output (a client_id, a system user's id) stands for the
        one mpctl printed there, in the commands after it."""
        work, env, values = self.workspace("full")
        values["doc ids"] = {}
        server = url = None
        for unit in units:
            cmd, shown = unit.commands[0]
            with self.subTest(example=cmd, at=unit.where()):
                reason = self.skip_reason(unit)
                if reason:
                    continue
                expanded = self.substitute(cmd, unit.source, values)
                if server is None and self.needs_server(expanded):
                    server, url = self.start_server(work, env, values)
                text = self.substitute(cmd, unit.source, values, url)
                r = self.bash(text, env, work)
                expected = REFUSALS.get((unit.source, cmd))
                shown_error = [s for s in shown
                               if s.startswith("mpctl: error:") or s.startswith('{"error"')]
                if expected:
                    self.assertEqual(r.returncode, EXIT[expected], f"{text}\n{r.stdout}{r.stderr}")
                    if shown_error:
                        start = shown.index(shown_error[0])
                        said = " ".join(s.strip() for s in shown[start:]
                                        if s.strip() and not s.startswith("Run with --help"))
                        self.assertIn(said, " ".join(r.stderr.split()), text)
                    continue
                self.assertEqual(shown_error, [], f"{cmd} shows an error but is not in REFUSALS")
                self.assertEqual(r.returncode, 0, f"{text}\n{r.stdout}{r.stderr}")
                self.learn_ids(shown, r.stdout, values["doc ids"])
        if server:
            self.assertEqual(stop(server), 0)

    def learn_ids(self, shown, out, ids):
        """Maps each id the doc shows as `key: id` or `"key": "id"` to the
        value of that key in what mpctl printed."""
        try:
            printed = json.loads(out)
        except ValueError:
            printed = None
        for key, doc_id in re.findall(
                r'"?(\w+)"?\s*:\s*"?(' + UUID.pattern + ')', "\n".join(shown)):
            if doc_id in ids:
                continue
            if isinstance(printed, dict) and key in printed:
                ids[doc_id] = printed[key]
                continue
            found = re.search(rf"^{key}:\s+(\S+)", out, flags=re.M)
            if found:
                ids[doc_id] = found.group(1)

    # The tests

    def test_every_help_example_runs(self):
        units = [u for u in self.all_units() if u.kind == "help"]
        self.assertGreater(len(units), 40)
        for unit in units:
            with self.subTest(example=unit.text, at=unit.where()):
                if self.skip_reason(unit):
                    continue
                self.run_help_example(unit)

    def test_every_doc_example_runs(self):
        units = [u for u in self.all_units() if u.source != "--help"]
        scripts = [u for u in units if u.kind == "script"]
        self.assertTrue(scripts)
        for unit in scripts:
            with self.subTest(example=unit.text.split("\n")[0], at=unit.where()):
                if self.skip_reason(unit):
                    continue
                self.run_script(unit)
        for path in DOC_FILES:
            session = [u for u in units if u.kind == "session" and u.source == path]
            if session:
                self.run_session(session)

    def test_the_synopses_name_real_commands(self):
        """docs/cli.md's synopses are grammar, not examples; their command is one mpctl has."""
        known = {" ".join(words) for words in self.commands()} | {""}
        synopses = [u for u in self.all_units() if u.kind == "synopsis"]
        self.assertGreater(len(synopses), 30)
        for unit in synopses:
            words = []
            for word in unit.text.split()[1:]:
                if not re.fullmatch(r"[a-z][a-z-]*", word):
                    break
                words.append(word)
            with self.subTest(synopsis=unit.text, at=unit.where()):
                self.assertIn(" ".join(words), known)

    def test_the_skip_list_and_the_refusals_still_name_examples(self):
        units = self.all_units()
        for (source, piece), reason in SKIP.items():
            with self.subTest(skip=piece):
                self.assertTrue(reason)
                self.assertTrue(any(u.source == source and piece in u.text for u in units),
                                f"no example in {source} has {piece!r} any more: drop it from SKIP")
        for (source, cmd), code in REFUSALS.items():
            with self.subTest(refusal=cmd):
                self.assertIn(code, EXIT)
                self.assertTrue(any(u.source == source and u.text == cmd for u in units),
                                f"no example in {source} is {cmd!r} any more")
        for (source, short) in ELLIPSIS:
            with self.subTest(ellipsis=short):
                self.assertTrue(any(u.source == source and short in u.text for u in units),
                                f"no example in {source} has {short!r} any more")

    def test_every_org_number_in_an_example_is_valid(self):
        texts = [(u.where(), u.text) for u in self.all_units() if u.source == "--help"]
        for path in DOC_FILES:
            for _, first, lines in code_blocks(path):
                texts += [(f"{path}:{n}", line) for n, line in lines]
            texts += [(path, code) for code in inline_code(path)]
        checked = set()
        for where, text in texts:
            for number in ORG_NUMBER.findall(text):
                checked.add(number)
                with self.subTest(org=number, at=where):
                    self.assertTrue(valid_org_number(number),
                                    f"{number} in {where} fails the modulus-11 rule: {text}")
        self.assertTrue({"974761076", "910000004", "930000000"} <= checked, checked)

    def test_the_rule_itself(self):
        for number in ("974761076", "910000004", "920000002", "930000000", "991825827",
                       "910753614"):
            self.assertTrue(valid_org_number(number), number)
        for number in ("910000001", "920000004", "12345", "9100000040"):
            self.assertFalse(valid_org_number(number), number)
        # No check digit exists when 11 - sum % 11 is 10: 91000008 has none.
        self.assertFalse(any(valid_org_number(f"91000008{d}") for d in range(10)))


if __name__ == "__main__":
    unittest.main()
