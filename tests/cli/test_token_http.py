# SPDX-License-Identifier: Apache-2.0
"""`mpctl token --issuer`: discovery, the request over HTTP, the cache, and
clear failures. The server is a small stand-in that answers /token through
`mpctl token --assertion` on its own store, so every grant rule still applies."""
import http.server
import json
import pathlib
import re
import socket
import subprocess
import threading
import unittest
import urllib.parse

from cli_support import CONSUMER, EXIT, MPCTL, MpctlTestCase
from test_serve import ServersTestCase


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
        cache_files = self.cache_files()
        self.assertEqual(len(cache_files), 1)
        self.assertEqual(cache_files[0].stat().st_mode & 0o777, 0o600)
        third = self.token("--no-cache")
        self.assertEqual(third.code, 0, third.err)
        self.assertEqual(self.server.token_requests, 2)

    def cache_files(self):
        return sorted((pathlib.Path(self.tmp) / ".cache" / "mpctl").iterdir())

    def test_a_token_of_the_local_store_is_never_the_servers(self):
        # The store and the server name one issuer, but where a token came
        # from is part of its cache key: asked with --issuer (here through
        # MPCTL_ISSUER), the server is asked.
        local = self.ok("token", "--client-id", self.client_id, "--key", "client.pem",
                        "--scope", "skatt:melding").out
        self.assertEqual(self.server.token_requests, 0)
        env = dict(self.env, MPCTL_ISSUER=self.server.issuer)
        args = ["token", "--client-id", self.client_id, "--key", "client.pem", "--scope",
                "skatt:melding", "--verbose"]
        r = self.run_mpctl(*args, env=env)
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual(self.server.token_requests, 1, "the local store's token was served")
        self.assertNotEqual(r.out, local)
        self.assertNotIn("cached token", r.err)
        self.assertIn("> POST /token HTTP/1.1", r.err.splitlines())
        remote = r.out
        # Each is cached on its own, and the other way round too.
        r = self.run_mpctl(*args, env=env)
        self.assertEqual((r.code, r.out), (0, remote), r.err)
        self.assertRegex(r.err, r"^\* cached token, \d+ s left \(no request\)\n$")
        self.assertEqual(self.ok("token", "--client-id", self.client_id, "--key", "client.pem",
                                 "--scope", "skatt:melding").out, local)
        self.assertEqual(self.server.token_requests, 1)
        self.assertEqual(len(self.cache_files()), 2)

    def test_verbose_says_when_the_cache_answers(self):
        first = self.token("--verbose")
        self.assertEqual(first.code, 0, first.err)
        self.assertNotIn("cached token", first.err)
        self.assertIn("> POST /token HTTP/1.1", first.err.splitlines())
        r = self.token("--verbose")
        self.assertEqual((r.code, r.out), (0, first.out), r.err)
        self.assertEqual(self.server.token_requests, 1)
        # The cache answered: one line, no connection, no HTTP.
        [line] = r.err.splitlines()
        m = re.fullmatch(r"\* cached token, (\d+) s left \(no request\)", line)
        self.assertTrue(m, r.err)
        self.assertTrue(100 <= int(m.group(1)) <= 120, line)  # 120 s tokens, 10 % kept back
        # Without --verbose, nothing on standard error.
        r = self.token()
        self.assertEqual((r.code, r.out, r.err), (0, first.out, ""))

    def test_cache_files_of_an_older_mpctl_or_damaged_ones_do_not_match(self):
        self.assertEqual(self.token().code, 0)
        [path] = self.cache_files()
        entry = json.loads(path.read_text())
        self.assertEqual(entry["identity"][0], "server " + self.server.issuer)
        # The same entry as an older mpctl wrote it, without the source, in
        # the file it named by that identity (FNV-1a of the compact JSON).
        old_identity = entry["identity"][1:]
        digest = 14695981039346656037
        for byte in json.dumps(old_identity, separators=(",", ":")).encode():
            digest = ((digest ^ byte) * 1099511628211) % 2**64
        old = path.with_name(f"{digest:016x}.json")
        old.write_text(json.dumps(dict(entry, identity=old_identity)))
        path.unlink()
        r = self.token()
        self.assertEqual((r.code, r.err), (0, ""))
        self.assertEqual(self.server.token_requests, 2, "an old entry was served")
        # A damaged entry under the new name is a miss too, never an error.
        for damaged in ({"identity": entry["identity"], "expires_at": "soon",
                         "response": entry["response"]},
                        {"identity": entry["identity"], "expires_at": entry["expires_at"],
                         "response": {"access_token": 5, "expires_in": "x"}},
                        {"identity": entry["identity"], "expires_at": entry["expires_at"],
                         "response": []},
                        [1, 2]):
            path.write_text(json.dumps(damaged))
            requests = self.server.token_requests
            r = self.token()
            self.assertEqual((r.code, r.err), (0, ""), damaged)
            self.assertEqual(self.server.token_requests, requests + 1, damaged)

    def test_header_from_the_server_and_the_cache(self):
        token = self.token("--json").json()["access_token"]
        for extra in ((), ("--verbose",)):
            r = self.token("--header", *extra)
            self.assertEqual((r.code, r.out), (0, f"Authorization: Bearer {token}\n"), r.err)
        self.assertEqual(self.server.token_requests, 1)
        r = self.token("--header", "--no-cache")
        self.assertEqual(r.code, 0, r.err)
        self.assertTrue(r.out.startswith("Authorization: Bearer ey"), r.out)
        self.assertEqual(self.server.token_requests, 2)
        r = self.token("--header", "--json")
        self.assertEqual(r.code, EXIT["usage"], r.err)
        self.assertEqual(json.loads(r.err)["error"], "usage")
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


class WhoamiOverHttp(ServersTestCase):
    """`mpctl whoami --issuer` against a real `mpctl serve`: the org from the
    tokens' claims, and one token request per admin scope."""

    def setUp(self):
        super().setUp()
        self.demo_registry_with_key()

    def admin_client(self, *scopes):
        for scope in scopes:
            self.ok("access", "grant", scope, CONSUMER)
        client = self.ok("client", "register", "--org", CONSUMER, "--name", "admin",
                         *[a for s in scopes for a in ("--scope", s)], "--output", "id").out
        self.ok("client", "keys", "add", client.strip(), "--key", "-",
                stdin=self.ok("key", "jwk", "client.pem").out)
        return client.strip()

    def whoami(self, server, client_id, *extra):
        return self.ok("whoami", "--issuer", server.url, "--client-id", client_id, "--key",
                       "client.pem", *extra)

    def test_the_org_and_the_admin_scopes_the_server_grants(self):
        server = self.serve()
        admin = self.admin_client("idporten:dcr.read", "idporten:dcr.write")
        me = self.whoami(server, admin, "--json").json()
        self.assertEqual(me, {
            "issuer": server.url, "client_id": admin, "org": CONSUMER, "consumer": CONSUMER,
            "client_amr": "private_key_jwt",
            "scopes": ["idporten:dcr.read", "idporten:dcr.write"],
            "admin_scopes": ["idporten:dcr.read", "idporten:dcr.write"], "refused": []})
        # One token request per admin scope, each granted or refused on its own.
        asked = {e["scopes"][0]: (e["result"], e.get("code", ""))
                 for e in self.ok("audit", "--client", admin, "--json").json()}
        self.assertEqual(asked, {"idporten:scopes.write": ("refused", "MP-200"),
                                 "idporten:dcr.read": ("granted", ""),
                                 "idporten:dcr.write": ("granted", ""),
                                 "idporten:dcr.modify": ("refused", "MP-200")})
        # The same from the environment, in words.
        env = dict(self.env, MPCTL_ISSUER=server.url, MPCTL_CLIENT_ID=admin,
                   MPCTL_KEY="client.pem")
        r = self.run_mpctl("whoami", env=env)
        self.assertEqual((r.code, r.err), (0, ""))
        lines = r.out.splitlines()
        self.assertEqual(lines[0], f"issuer:       {server.url}")
        self.assertIn(f"org:          {CONSUMER}", lines)
        self.assertIn("admin_scopes: idporten:dcr.read, idporten:dcr.write", lines)
        self.assertIn("refused:      -", lines)

    def test_a_client_without_admin_scopes(self):
        server = self.serve()
        me = self.whoami(server, self.client_id, "--json").json()
        # No token granted: the server said nothing of the org.
        self.assertEqual((me["org"], me["scopes"], me["admin_scopes"], me["refused"]),
                         (None, [], [], []))
        self.assertIn("org:          -", self.whoami(server, self.client_id).out.splitlines())
        me = self.whoami(server, self.client_id, "--scope", "skatt:melding", "--scope",
                         "skatt:les", "--json").json()
        self.assertEqual((me["org"], me["consumer"], me["scopes"], me["admin_scopes"]),
                         (CONSUMER, CONSUMER, ["skatt:melding"], []))
        self.assertEqual([(r["scope"], r["code"]) for r in me["refused"]],
                         [("skatt:les", "MP-200")])

    def test_a_refused_key_and_an_unreachable_server(self):
        server = self.serve()
        self.ok("key", "generate", "--type", "ec", "--out", "stranger.pem")
        self.fails("whoami", "--issuer", server.url, "--client-id", self.client_id, "--key",
                   "stranger.pem", code="refused", says=["HTTP 400", "MP-100"])
        self.ok("client", "deactivate", self.client_id)
        self.fails("whoami", "--issuer", server.url, "--client-id", self.client_id, "--key",
                   "client.pem", code="refused", says=["MP-100", "inactive"])
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = f"http://127.0.0.1:{s.getsockname()[1]}/"
        self.fails("whoami", "--issuer", closed, "--client-id", self.client_id, "--key",
                   "client.pem", "--connect-timeout", "3", code="unavailable",
                   says=f"cannot reach {closed}")

    def test_header_goes_straight_to_curl(self):
        server = self.serve()
        admin = self.admin_client("idporten:dcr.read")
        script = (f'set -o pipefail; "$MPCTL" token --issuer {server.url} --client-id {admin} '
                  f'--key client.pem --scope idporten:dcr.read --header '
                  f'| curl -fsS -H @- {server.url}api/v1/clients')
        r = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                           env=dict(self.env, MPCTL=MPCTL), cwd=self.tmp, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(admin, [c["client_id"] for c in json.loads(r.stdout)])


if __name__ == "__main__":
    unittest.main()
