# SPDX-License-Identifier: Apache-2.0
"""Hostile input and faults, end to end: bytes that are not text sent over a
real socket, input files that never end, a full disk, a read-only store and
another user's store. Whatever happens, mpctl answers and goes on."""
import json
import os
import random
import signal
import threading
import time
import shutil
import socket
import subprocess
import tempfile
import unittest
import urllib.parse

import jwt  # Debian's python3-jwt
from cryptography.hazmat.primitives import serialization

from cli_support import CONSUMER, EXIT, MPCTL, MpctlTestCase
from test_serve import BEARER, FORM, ServeTestCase


def raw(port, data, timeout=5):
    """Sends bytes and returns the first answer's status and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
        head, _, body = reply.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
        status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else 0
        return status, body


class Tmpfs:
    """A small tmpfs mounted for one test (root only)."""

    def __init__(self, test, size):
        self.path = tempfile.mkdtemp(prefix="mpctl-tmpfs-")
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", self.path],
                           capture_output=True, text=True)
        if r.returncode != 0:
            os.rmdir(self.path)
            test.skipTest(f"cannot mount a tmpfs (the full-disk tests need root): {r.stderr}")
        test.addCleanup(self.unmount)

    def unmount(self):
        subprocess.run(["umount", "-l", self.path], check=False)
        os.rmdir(self.path)

    def fill(self):
        with open(os.path.join(self.path, "filler"), "ab", buffering=0) as f:
            for size in (1 << 16, 4096, 1):
                try:
                    while True:
                        f.write(b"x" * size)
                except OSError:
                    pass

    def free(self):
        os.remove(os.path.join(self.path, "filler"))

    def remount(self, mode):
        subprocess.run(["mount", "-o", f"remount,{mode}", self.path], check=True)


class HostileBytes(ServeTestCase):
    """The reports of the issue, over a socket: each was a crash or a 500."""

    def setUp(self):
        super().setUp()
        self.server = self.serve("--body-limit", "1000000")
        self.admin = self.admin_token(self.server, CONSUMER, "idporten:dcr.read",
                                      "idporten:dcr.write", "idporten:dcr.modify",
                                      "idporten:scopes.write")

    def alive(self):
        self.assertIsNone(self.server.proc.poll(), "the server died")
        self.assertEqual(self.server.request("GET", "healthz")[0], 200)

    def send(self, head, body=b""):
        return raw(self.server.port, head + b"\r\nContent-Length: " + str(len(body)).encode() +
                   b"\r\n\r\n" + body)

    def test_the_reported_requests_get_400_and_the_server_goes_on(self):
        auth = b"\r\nAuthorization: Bearer " + self.admin.encode()
        form = b"\r\nContent-Type: application/x-www-form-urlencoded"
        cases = [
            (b"GET /\xff HTTP/1.1\r\nHost: x", b"", "0xFF"),
            (b"GET /api/v1/scopes?scope=%FF HTTP/1.1\r\nHost: x" + auth, b"", "scope"),
            (b"POST /token HTTP/1.1\r\nHost: x" + form, b"grant_type=%FF", "grant_type"),
            (b"POST /token HTTP/1.1\r\nHost: x" + form, b"%FF=1", "name"),
            (b"POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/\x80", b"a=b",
             "Content-Type"),
            (b"GET /healthz HTTP/1.1", b"", "Host"),
            (b"GET /healthz HTTP/1.1\r\nHost: a\r\nX: y\r\nHost: b", b"", "more than one Host"),
            (b"PUT /api/v1/clients/00000000-0000-4000-8000-000000000000/jwks HTTP/1.1\r\n"
             b"Host: x\r\nContent-Type: application/json" + auth,
             b'{"keys":' + b"[" * 65000 + b"}", "deep"),
            (b"POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nContent-Type: application/json" + auth,
             b'{"client_name":"x\\u001b]0;owned\\u0007","scopes":[]}', "control character"),
        ]
        for head, body, says in cases:
            with self.subTest(head=head[:60]):
                status, reply = self.send(head, body)
                self.assertEqual(status, 400, reply[:300])
                self.assertIn(says, json.loads(reply)["error_description"])
                self.alive()

    def test_bytes_that_are_not_text_through_every_route(self):
        routes = ["token", "jwk", ".well-known/oauth-authorization-server", "introspect",
                  "healthz", "metrics", "api/v1/scopes/all", "api/v1/scopes",
                  "api/v1/scopes/access", "api/v1/scopes/access/all", "api/v1/clients",
                  f"api/v1/clients/{self.client_id}", f"api/v1/clients/{self.client_id}/jwks",
                  "api/v1/delegations"]
        auth = b"\r\nAuthorization: Bearer " + self.admin.encode()
        for route in routes:
            for method in (b"GET", b"POST", b"PUT", b"DELETE"):
                for target in (route.encode() + b"\xc3(", route.encode() + b"?scope=%C3%28"):
                    status, reply = self.send(method + b" /" + target + b" HTTP/1.1\r\nHost: x" +
                                              auth + b"\r\nContent-Type: application/json",
                                              b'{"a":"\xff"}')
                    # A raw byte is refused everywhere; a query only where it is read.
                    if b"?" not in target or route.startswith("api/"):
                        self.assertTrue(400 <= status < 500,
                                        (method, target, status, reply[:200]))
                    self.assertTrue(status < 500, (method, target, status, reply[:200]))
                    if route != "metrics" or status != 200:
                        json.loads(reply)
        self.alive()


class InputFiles(MpctlTestCase):
    def setUp(self):
        super().setUp()
        self.client_id = self.demo_registry()

    def test_a_device_a_directory_and_a_fifo_are_refused_by_name(self):
        self.fails("client", "keys", "add", self.client_id, "--key", "/dev/zero",
                   code="refused", says=['"/dev/zero" is a device', "regular file"])
        os.mkdir(self.path("dir"))
        self.fails("client", "keys", "add", self.client_id, "--key", "dir",
                   code="refused", says='"dir" is a directory')
        os.mkfifo(self.path("fifo"))  # nobody writes it: reading would wait for ever
        self.fails("key", "jwk", "fifo", code="refused", says='"fifo" is a FIFO')

    def test_tls_files_are_input_files_too(self):
        self.fails("serve", "--listen", "127.0.0.1:0", "--tls-cert", "/dev/zero", "--tls-key",
                   "/dev/zero", code="refused", says='"/dev/zero" is a device')

    def test_endless_standard_input_stops_at_the_cap(self):
        with open("/dev/zero", "rb") as zero:
            r = subprocess.run([MPCTL, "client", "keys", "add", self.client_id, "--key", "-"],
                               stdin=zero, capture_output=True, text=True, env=self.env,
                               timeout=60)
        self.assertEqual(r.returncode, EXIT["refused"])
        self.assertIn("standard input is larger than 1024 KiB", r.stderr)

    def test_control_characters_in_names_are_refused(self):
        self.fails("client", "register", "--org", CONSUMER, "--name", "x\x1b]0;owned\x07",
                   "--scope", "skatt:melding",
                   code="refused", says=["client_name has a control character (U+001B)"])
        self.fails("scope", "update", "skatt:les", "--description", "two\nlines",
                   code="refused", says="description has a control character (U+000A)")
        out = self.ok("client", "list").out
        self.assertNotIn("\x1b", out)

    def test_audit_reads_a_log_with_lines_it_did_not_write(self):
        self.ok("key", "generate", "--type", "rsa", "--out", "client.pem")
        self.ok("client", "keys", "add", self.client_id, "--key", "-",
                stdin=self.ok("key", "jwk", "client.pem").out)
        self.ok("token", "--client-id", self.client_id, "--key", "client.pem", "--scope",
                "skatt:melding", "--no-cache")
        with open(self.path("store/audit.log"), "ab") as log:
            log.write(b'{"time":5,"result":"granted"}\n'                # a number for text
                      b'{"time":"x","scopes":"skatt:melding"}\n'        # a string for a list
                      b'{"time":"x","client_id":"\\u001b]0;owned"}\n'  # sent to the terminal?
                      b'\xff\xfe not json\n' + b"x" * 100000 + b"\n" + b"[" * 5000 + b"\n")
        rows = self.ok("audit").out.splitlines()
        self.assertEqual(len(rows), 3, rows)  # the header, the token, the escaped line
        self.assertIn("granted", rows[1])
        self.assertIn("\\x1b]0;owned", rows[2])
        self.assertEqual(len(self.ok("audit", "--json").json()), 2)

    def test_a_file_that_cannot_be_written_is_named_as_given(self):
        r = self.fails("key", "generate", "--out", "/nonexistent/dir/x.pem",
                       code="fault", says='cannot create "/nonexistent/dir/x.pem"')
        self.assertNotIn(".tmp", r.err)

    def test_error_lines_do_not_carry_control_characters(self):
        r = self.fails("scope", "show", "skatt:\x1b[2J", code="usage", says="\\x1b[2J")
        self.assertNotIn("\x1b", r.err)


class KillNine(ServeTestCase):
    """SIGKILL at random points: nothing acknowledged is lost."""

    def test_the_cli_killed_during_writes_keeps_every_acknowledged_write(self):
        rng = random.Random(10)
        # Kill points spread over what one write takes on this machine (and
        # build: ASan is slower), so that some finish and some do not.
        start = time.monotonic()
        self.ok("client", "register", "--org", CONSUMER, "--name", "timed", "--scope",
                "skatt:melding")
        span = (time.monotonic() - start) * 1.5
        acknowledged, killed = [], 0
        for i in range(40):
            proc = subprocess.Popen([MPCTL, "client", "register", "--org", CONSUMER, "--name",
                                     f"k{i}", "--scope", "skatt:melding", "--json"],
                                    env=self.env, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True)
            time.sleep(rng.uniform(0, span))  # a random point to kill at, not a wait
            proc.send_signal(signal.SIGKILL)
            out, _ = proc.communicate()
            if proc.returncode == 0:
                acknowledged.append(json.loads(out)["client_id"])
            else:
                killed += 1
        listed = {c["client_id"] for c in self.ok("client", "list", "--json").json()}
        self.assertTrue(acknowledged, "no write finished before its kill: nothing was checked")
        self.assertLessEqual(set(acknowledged), listed, f"{killed} killed")
        self.ok("client", "register", "--org", CONSUMER, "--name", "after", "--scope",
                "skatt:melding")

    def test_serve_killed_under_load_keeps_every_recorded_grant(self):
        rng = random.Random(20)
        port = None
        answered_in_all = 0
        for round in range(3):
            server = self.serve(port=port)
            port = server.port
            with open(self.path("client.pem"), "rb") as f:
                key = serialization.load_pem_private_key(f.read(), None)  # parsed once
            now = int(time.time())
            grants = [jwt.encode({"iss": self.client_id, "aud": server.url, "iat": now,
                                  "exp": now + 100, "scope": "skatt:melding", "jti": f"{round}-{i}"},
                                 key, algorithm="RS256", headers={"kid": self.kid})
                      for i in range(300)]
            answered = []

            def load():
                for g in grants:
                    try:
                        status, reply, _ = server.request("POST", "token", urllib.parse.urlencode(
                            {"grant_type": BEARER, "assertion": g}).encode(), FORM)
                    except OSError:
                        return
                    if status == 200:
                        answered.append(g)

            thread = threading.Thread(target=load)
            thread.start()
            # Under load (a first token answered), then a random point to kill at.
            self.poll(lambda: answered or not thread.is_alive(), "a first token")
            time.sleep(rng.uniform(0, 0.1))
            server.proc.kill()
            server.proc.wait()
            thread.join()
            answered_in_all += len(answered)
            again = self.serve(port=port)
            for g in answered:  # every token given out stays given: the grant is spent
                status, body, _ = again.request("POST", "token", urllib.parse.urlencode(
                    {"grant_type": BEARER, "assertion": g}).encode(), FORM)
                self.assertEqual((status, json.loads(body)["error_uri"].rsplit("/", 1)[1]),
                                 (400, "MP-012"))
            again.proc.kill()
            again.proc.wait()
        self.assertGreater(answered_in_all, 0, "no token before any kill: nothing was checked")


class FullDisk(ServeTestCase):
    def setUp(self):
        MpctlTestCase.setUp(self)
        self.servers = []

    def test_init_on_a_full_file_system_says_so(self):
        fs = Tmpfs(self, "4m")
        self.env["MPCTL_DB"] = os.path.join(fs.path, "store")
        fs.fill()
        r = self.fails("init", "--issuer", "https://mp.test/", code="unavailable", says="No space left on device")
        self.assertIn(fs.path, r.err)

    def test_tokens_answer_503_while_the_audit_log_has_no_room_and_heal(self):
        fs = Tmpfs(self, "24m")
        self.db = self.env["MPCTL_DB"] = os.path.join(fs.path, "store")
        self.demo_registry_with_key()
        server = self.serve()
        fs.fill()
        for _ in range(100):  # the log's last page takes a few lines more
            status, body, headers = server.request(
                "POST", "token", urllib.parse.urlencode(
                    {"grant_type": BEARER, "assertion": self.grant(server)}).encode(), FORM)
            if status != 200:
                break
        self.assertEqual(status, 503, body)
        self.assertEqual(json.loads(body)["error"], "temporarily_unavailable")
        self.assertEqual(headers["Retry-After"], "5")
        self.assertNotIn(fs.path, body.decode())
        status, body, _ = server.request("GET", "healthz")
        self.assertEqual(status, 503)
        self.assertIn("audit log", json.loads(body)["reason"])
        self.assertIsNone(server.proc.poll())

        fs.free()
        self.assertEqual(server.request("GET", "healthz")[0], 200)
        self.assertTrue(self.token(server))
        self.assertEqual(server.stop()[0], 0)


class StoreAccess(MpctlTestCase):
    def test_a_mistyped_store_is_not_an_empty_one(self):
        self.demo_registry()
        for command in (["client", "list"], ["scope", "list"], ["serve"]):
            r = self.run_mpctl("--db", self.path("stroe"), *command)
            self.assertEqual(r.code, EXIT["not_found"], r.err)
            self.assertIn(f'no store at "{self.path("stroe")}"; run mpctl init', r.err)
        self.assertFalse(os.path.exists(self.path("stroe")))
        self.ok("--db", self.path("other"), "init")
        self.ok("--db", self.path("other"), "client", "list")

    def test_a_read_only_store_says_so(self):
        fs = Tmpfs(self, "24m")
        self.env["MPCTL_DB"] = os.path.join(fs.path, "store")
        self.demo_registry()
        fs.remount("ro")
        self.fails("client", "register", "--org", CONSUMER, "--name", "x",
                   "--scope", "skatt:melding", code="unavailable", says="Read-only file system")
        fs.remount("rw")
        self.ok("client", "list")

    def test_another_users_store_says_whose_it_is(self):
        if shutil.which("setpriv") is None or os.geteuid() != 0:
            self.skipTest("needs root and setpriv to act as another user")
        self.demo_registry()
        os.chmod(self.tmp, 0o755)
        r = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                            MPCTL, "--db", self.db, "client", "list"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, EXIT["unavailable"], r.stderr)
        self.assertTrue(r.stderr.startswith("mpctl: error: "), r.stderr)
        self.assertIn("Permission denied", r.stderr)
        self.assertIn("another user", r.stderr)


if __name__ == "__main__":
    unittest.main()
