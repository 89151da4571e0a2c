# SPDX-License-Identifier: Apache-2.0
"""`mpctl token --issuer`: discovery, the request over HTTP, the cache, and
clear failures. The server is a small stand-in that answers /token through
`mpctl token --assertion` on its own store, so every grant rule still applies."""
import http.server
import json
import socket
import subprocess
import threading
import unittest
import urllib.parse

from cli_support import EXIT, MPCTL, MpctlTestCase


class FakeMaskinporten(http.server.ThreadingHTTPServer):
    def __init__(self, db):
        super().__init__(("127.0.0.1", 0), Handler)
        self.db = db
        self.issuer = f"http://127.0.0.1:{self.server_port}/"
        self.token_requests = 0
        self.metadata_issuer = self.issuer
        self.requests = []  # (method, path, the client's address and port)
        self.hostile_header = None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: every answer has a Content-Length

    def log_message(self, *args):
        pass

    def log_request(self, code="-", size="-"):
        self.server.requests.append((self.command, self.path, self.client_address))

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if self.server.hostile_header:  # a server that would steer the terminal
            self.send_header("X-Note", self.server.hostile_header)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/.well-known/oauth-authorization-server":
            self.reply(200, {"issuer": self.server.metadata_issuer,
                             "token_endpoint": self.server.issuer + "token",
                             "jwks_uri": self.server.issuer + "jwk"})
        elif self.path == "/jwk":
            r = subprocess.run([MPCTL, "--db", self.server.db, "signing-key", "jwks"],
                               capture_output=True, text=True, check=True)
            self.reply(200, json.loads(r.stdout))
        else:
            self.reply(404, {"error": "not_found"})

    def do_POST(self):
        self.server.token_requests += 1
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
            self.reply(400, {"error": "unsupported_grant_type"})
            return
        r = subprocess.run([MPCTL, "--db", self.server.db, "token", "--no-cache", "--json",
                            "--assertion", form["assertion"][0]], capture_output=True, text=True)
        if r.returncode == 0:
            self.reply(200, json.loads(r.stdout))
        else:
            self.reply(400, {"error": "invalid_grant", "error_description": r.stderr.strip()})


class TokenOverHttp(MpctlTestCase):
    def setUp(self):
        super().setUp()
        self.server = FakeMaskinporten(self.db)
        self.ok("init", "--issuer", self.server.issuer)
        self.ok("prefix", "add", "skatt", "974761076")
        self.ok("scope", "create", "skatt:melding", "--description", "x")
        self.ok("access", "grant", "skatt:melding", "910000004")
        self.client_id = self.ok("client", "register", "--org", "910000004", "--name", "c",
                                 "--scope", "skatt:melding", "--json").json()["client_id"]
        self.ok("key", "generate", "--type", "ec", "--out", "client.pem")
        self.ok("client", "keys", "add", self.client_id, "--key", "-",
                stdin=self.ok("key", "jwk", "client.pem").out)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()
        super().tearDown()

    def token(self, *extra, issuer=None):
        return self.run_mpctl("token", "--issuer", issuer or self.server.issuer, "--client-id",
                              self.client_id, "--key", "client.pem", "--scope", "skatt:melding",
                              "--connect-timeout", "3", "--timeout", "10", *extra)

    def test_verbose_shows_the_exchange_but_no_secret(self):
        r = self.token("--verbose", "--no-cache")
        self.assertEqual(r.code, 0, r.err)
        token = r.out.strip()
        lines = r.err.splitlines()
        self.assertIn("> GET /.well-known/oauth-authorization-server HTTP/1.1", lines)
        self.assertIn("> POST /token HTTP/1.1", lines)
        self.assertTrue(any(line.startswith("< HTTP/1.") for line in lines), r.err)
        self.assertTrue(any(line.startswith("> [body: ") for line in lines), r.err)
        self.assertNotIn(token, r.err)
        self.assertNotIn(token.split(".")[1], r.err)
        self.assertNotIn("assertion=", r.err)
        self.assertNotIn("BEGIN", r.err)

    def test_verbose_escapes_what_the_server_sends(self):
        self.server.hostile_header = "\x1b]0;owned\x07\x1b[2J"
        r = self.token("--verbose", "--no-cache")
        self.assertEqual(r.code, 0, r.err)
        self.assertNotIn("\x1b", r.err)
        self.assertIn("< X-Note: \\x1b]0;owned\\x07\\x1b[2J", r.err.splitlines())

    def test_discovers_the_endpoint_and_caches_the_token(self):
        first = self.token("--json")
        self.assertEqual(first.code, 0, first.err)
        self.assertEqual(self.server.token_requests, 1)
        self.ok("token", "inspect", first.json()["access_token"])
        second = self.token()
        self.assertEqual(second.code, 0, second.err)
        self.assertEqual(second.out.strip(), first.json()["access_token"])
        self.assertEqual(self.server.token_requests, 1, "the cached token was not reused")
        cache_files = list((__import__("pathlib").Path(self.tmp) / ".cache" / "mpctl").iterdir())
        self.assertEqual(len(cache_files), 1)
        self.assertEqual(cache_files[0].stat().st_mode & 0o777, 0o600)
        third = self.token("--no-cache")
        self.assertEqual(third.code, 0, third.err)
        self.assertEqual(self.server.token_requests, 2)

    def test_metadata_and_token_requests_share_one_connection(self):
        r = self.token("--no-cache")
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual([(m, p) for m, p, _ in self.server.requests],
                         [("GET", "/.well-known/oauth-authorization-server"), ("POST", "/token")])
        self.assertEqual(len({peer for _, _, peer in self.server.requests}), 1,
                         "the token request opened a second connection")

    def test_inspect_fetches_the_keys_from_the_issuer(self):
        token = self.token("--no-cache").out.strip()
        env = dict(self.env, MPCTL_DB=self.path("elsewhere"))  # no local store to lean on
        r = self.run_mpctl("token", "inspect", token, "--issuer", self.server.issuer, env=env)
        self.assertEqual(r.code, 0, r.err)
        self.assertIn("valid: signature verified", r.out)
        r = self.run_mpctl("token", "inspect", token, "--jwks", self.server.issuer + "jwk",
                           "--issuer", self.server.issuer, env=env)
        self.assertEqual(r.code, 0, r.err)
        r = self.run_mpctl("token", "inspect", token, "--jwks", self.server.issuer + "nope",
                           env=env)
        self.assertEqual(r.code, EXIT["fault"])
        self.assertIn("answered HTTP 404", r.err)

    def test_another_scope_set_is_another_cache_entry(self):
        self.assertEqual(self.token().code, 0)
        r = self.token("--resource", "https://api.test/")
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual(self.server.token_requests, 2)

    def test_a_refusal_prints_the_servers_error(self):
        r = self.run_mpctl("token", "--issuer", self.server.issuer, "--client-id",
                           self.client_id, "--key", "client.pem", "--scope", "skatt:les")
        self.assertEqual(r.code, EXIT["refused"])
        self.assertIn("token refused (HTTP 400): invalid_grant", r.err)
        self.assertIn("MP-200", r.err)

    def test_metadata_naming_another_issuer_is_refused(self):
        self.server.metadata_issuer = "https://elsewhere/"
        r = self.token()
        self.assertEqual(r.code, EXIT["fault"])
        self.assertIn('names the issuer "https://elsewhere/"', r.err)
        self.assertEqual(self.server.token_requests, 0)

    def test_connection_and_tls_failures_are_named(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = f"http://127.0.0.1:{s.getsockname()[1]}/"
        r = self.token(issuer=closed)
        self.assertEqual(r.code, EXIT["unavailable"])
        self.assertIn(f"cannot reach {closed}", r.err)
        self.assertIn("connection failed", r.err)
        tls = self.server.issuer.replace("http://", "https://")
        r = self.token(issuer=tls)
        self.assertEqual(r.code, EXIT["fault"])
        self.assertIn("TLS failed", r.err)

    def test_an_unknown_host_is_named(self):
        r = self.token(issuer="http://nonexistent.invalid/")
        self.assertEqual(r.code, EXIT["unavailable"])
        self.assertIn("nonexistent.invalid", r.err)
        self.assertTrue("DNS lookup failed" in r.err or "timed out" in r.err, r.err)


if __name__ == "__main__":
    unittest.main()
