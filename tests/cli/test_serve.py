# SPDX-License-Identifier: Apache-2.0
"""`mpctl serve` end to end: a real server on a free loopback port, clients
that know nothing of mpctl (curl, python3-jwt, raw sockets), and the CLI."""
import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import time
import unittest
import urllib.error
import urllib.request

import jwt  # Debian's python3-jwt

from cli_support import CONSUMER, EXIT, MPCTL, OTHER, PROVIDER, MpctlTestCase

BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def receive_queue(port, client):
    """Bytes the server's side of `client`, a connection to `port`, has not
    read yet (from /proc/net/tcp); None when that socket is not found."""
    want_local = f"0100007F:{port:04X}"
    want_remote = f"0100007F:{client.getsockname()[1]:04X}"
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] == want_local and fields[2] == want_remote:
                return int(fields[4].split(":")[1], 16)
    return None


class Server:
    """One `mpctl serve` process, ready once /healthz answers."""

    def __init__(self, test, *extra, scheme="http", cacert=None, port=None, path="", issuer=None,
                 env=None, own_flags=True):
        """`own_flags`: give --listen, --issuer and --access-log (else only `extra`, and
        the server must listen on `port`)."""
        self.test = test
        self.port = port or free_port()
        self.url = f"{scheme}://127.0.0.1:{self.port}/{path}"
        self.access_log = test.path(f"access-{self.port}.log")
        flags = ["--listen", f"127.0.0.1:{self.port}", "--issuer", issuer or self.url,
                 "--access-log", self.access_log] if own_flags else []
        self.proc = subprocess.Popen(
            [MPCTL, "serve", *flags, *extra],
            env=env or test.env, cwd=test.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True)
        self.cacert = cacert
        self.wait_healthy()

    def wait_healthy(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"mpctl serve exited: {self.proc.stderr.read()}")
            try:
                if self.request("GET", "healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.02)  # polling the health endpoint, not waiting blindly
        raise AssertionError("mpctl serve did not become healthy")

    def request(self, method, path, body=None, headers=None):
        req = urllib.request.Request(self.url + path, data=body, method=method,
                                     headers=headers or {})
        ctx = None
        if self.cacert:
            import ssl
            ctx = ssl.create_default_context(cafile=self.cacert)
        try:
            with urllib.request.urlopen(req, timeout=10, context=ctx) as r:
                return r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers

    def stop(self):
        """SIGTERM; returns (exit code, seconds it took, stderr)."""
        if self.proc.poll() is not None:
            return self.proc.returncode, 0, self.proc.stderr.read()
        start = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=15)
        return code, time.monotonic() - start, self.proc.stderr.read()


class ServersTestCase(MpctlTestCase):
    """Servers started with serve() are killed at the end of the test."""

    def setUp(self):
        super().setUp()
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            if s.proc.poll() is None:
                s.proc.kill()
                s.proc.wait()
            s.proc.stderr.close()
        super().tearDown()

    def poll(self, condition, what, seconds=10):
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                self.fail(f"timed out waiting until {what}")
            time.sleep(0.005)  # polling a condition, not waiting blindly

    def serve(self, *extra, **kw):
        s = Server(self, *extra, **kw)
        self.servers.append(s)
        return s


class ServeTestCase(ServersTestCase):
    def setUp(self):
        super().setUp()
        self.demo_registry_with_key()

    def token(self, server, *extra):
        return self.ok("token", "--issuer", server.url, "--client-id", self.client_id,
                       "--key", "client.pem", "--scope", "skatt:melding", "--no-cache",
                       *extra).out.strip()

    def grant(self, server, scope="skatt:melding"):
        return self.ok("assertion", "sign", "--client-id", self.client_id, "--key", "client.pem",
                       "--kid=" + self.kid, "--aud", server.url, "--scope", scope).out.strip()

    def jwks(self, server):
        return json.loads(server.request("GET", "jwk")[1])

    def verify(self, server, token):
        """Checks a token as a resource server would, with python3-jwt and /jwk."""
        kid = jwt.get_unverified_header(token)["kid"]
        [key] = [k for k in self.jwks(server)["keys"] if k["kid"] == kid]
        return jwt.decode(token, jwt.PyJWK(key).key, algorithms=[key["alg"]],
                          issuer=server.url, options={"verify_aud": False})

    def admin_token(self, server, org, *scopes):
        """A token of `server` for a new client of `org` with admin scopes."""
        for scope in scopes:
            self.ok("access", "grant", scope, org)
        client = self.ok("client", "register", "--org", org, "--name", "admin",
                         *[a for s in scopes for a in ("--scope", s)], "--json").json()
        self.ok("client", "keys", "add", client["client_id"], "--key", "-",
                stdin=self.ok("key", "jwk", "client.pem").out)
        args = ("token", "--issuer", server.url, "--client-id", client["client_id"], "--key",
                "client.pem", *[a for s in scopes for a in ("--scope", s)], "--no-cache")
        # A replica on a shared store reads the new client and key within a
        # second, not at once: ask again until it does.
        deadline = time.monotonic() + 5
        while True:
            r = self.run_mpctl(*args)
            if r.code == 0 or time.monotonic() > deadline or not any(
                    why in r.err for why in ("Unknown key identifier", "unknown or inactive")):
                break
            time.sleep(0.05)
        self.assertEqual(r.code, 0, f"mpctl {' '.join(args)} failed: {r.err}")
        self.assertEqual(r.err, "")
        return r.out.strip()


class Serve(ServeTestCase):
    def test_tokens_from_mpctl_and_curl_verify_through_jwk(self):
        server = self.serve()
        claims = self.verify(server, self.token(server))
        self.assertEqual(claims["client_id"], self.client_id)
        self.assertEqual(claims["consumer"]["ID"], "0192:" + CONSUMER)
        # mpctl's own inspect, against the server's JWKS URL
        check = self.ok("token", "inspect", self.token(server), "--jwks", server.url + "jwk",
                        "--issuer", server.url, "--json").json()
        self.assertTrue(check["valid"])

        body = subprocess.run(
            ["curl", "-sS", "-d", f"grant_type={BEARER}", "-d", "assertion=" + self.grant(server),
             server.url + "token"], capture_output=True, text=True, check=True).stdout
        response = json.loads(body)
        self.assertEqual(response["token_type"], "Bearer")
        self.assertEqual(self.verify(server, response["access_token"])["scope"], "skatt:melding")

        metadata = json.loads(server.request("GET", ".well-known/oauth-authorization-server")[1])
        self.assertEqual(metadata["token_endpoint"], server.url + "token")

    def test_refusals_carry_the_mp_error_format(self):
        server = self.serve()
        grant = self.grant(server)
        form = f"grant_type={BEARER}&assertion={grant}".encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        self.assertEqual(server.request("POST", "token", form, headers)[0], 200)
        status, body, h = server.request("POST", "token", form, headers)
        self.assertEqual(status, 400)
        error = json.loads(body)
        self.assertEqual(error["error"], "invalid_grant")
        self.assertEqual(error["error_uri"], server.url + "errors/MP-012")
        self.assertTrue(error["error_description"].endswith(f"(trace_id: {h['X-Trace-Id']})"))
        r = self.fails("token", "--issuer", server.url, "--client-id", self.client_id,
                       "--key", "client.pem", "--scope", "skatt:les", "--no-cache",
                       code="refused", says=["invalid_scope", "MP-200"])
        self.assertEqual(r.out, "")

    def test_cli_changes_apply_to_the_next_request(self):
        server = self.serve()
        self.token(server)
        self.ok("access", "revoke", "skatt:melding", CONSUMER)
        self.fails("token", "--issuer", server.url, "--client-id", self.client_id,
                   "--key", "client.pem", "--scope", "skatt:melding", "--no-cache",
                   code="refused", says=["forbidden", "MP-250"])
        self.ok("access", "grant", "skatt:melding", CONSUMER)
        self.token(server)

    def test_signing_key_rotation_while_running(self):
        server = self.serve()
        old = self.token(server)
        self.ok("signing-key", "rotate")
        new = self.token(server)
        self.assertNotEqual(jwt.get_unverified_header(old)["kid"],
                            jwt.get_unverified_header(new)["kid"])
        self.assertEqual(len(self.jwks(server)["keys"]), 2)
        self.verify(server, old)
        self.verify(server, new)

    def test_a_staged_rotation_publishes_first_and_signs_after(self):
        """signing-key add publishes the next key without signing with it;
        activate, refused before it has been published a day (unless forced),
        switches; jwks --check says whether a URL serves the published keys."""
        server = self.serve()
        kid_of = lambda token: jwt.get_unverified_header(token)["kid"]
        old = self.token(server)
        added = self.ok("--json", "signing-key", "add", "--alg", "ES256").json()
        self.assertEqual((added["state"], added["alg"]), ("next", "ES256"))
        nxt = added["kid"]
        # Published at once, by the running server too; tokens still signed by the old key.
        served = [k["kid"] for k in self.jwks(server)["keys"]]
        self.assertEqual(served, [kid_of(old), nxt])
        self.assertEqual(kid_of(self.token(server)), kid_of(old))
        self.ok("signing-key", "jwks", "--check", f"{server.url}jwk")
        states = {k["kid"]: k["state"] for k in
                  self.ok("signing-key", "list", "--json").json()}
        self.assertEqual(states, {kid_of(old): "active", nxt: "next"})
        self.fails("signing-key", "add", code="conflict", says=f"{nxt} is published as the next")
        # Too early: refused, saying from when; --force or a shorter wait goes.
        # (A kid may begin with "-": after "--", as for any value.)
        self.fails("signing-key", "activate", "--", nxt, code="conflict",
                   says=["has been published for ", " of the 24 hours asked for",
                         "give --force"])
        self.fails("signing-key", "activate", "--", kid_of(old), code="conflict",
                   says="is active, not the next one")
        self.fails("signing-key", "activate", "nope", code="not_found", says='"nope"')
        self.fails("signing-key", "activate", "--min-published", "soon", "--", nxt, code="usage",
                   says="--min-published")
        self.ok("signing-key", "activate", "--min-published", "0s", "--", nxt)
        new = self.token(server)
        self.assertEqual(kid_of(new), nxt)
        self.verify(server, old)
        self.verify(server, new)
        states = {k["kid"]: k["state"] for k in
                  self.ok("signing-key", "list", "--json").json()}
        self.assertEqual(states, {kid_of(old): "retired", nxt: "active"})
        # rotate --publish-only is add; --force activates at once.
        third = self.ok("--json", "signing-key", "rotate", "--publish-only").json()["kid"]
        self.ok("signing-key", "activate", "--force", "--", third)
        self.assertEqual(kid_of(self.token(server)), third)
        # Another store's server serves other keys: --check says which differ.
        other = os.path.join(self.tmp, "other-store")
        self.ok("--db", other, "init", "--issuer", "https://other.test/")
        elsewhere = self.serve("--db", other)
        r = self.fails("signing-key", "jwks", "--check", f"{elsewhere.url}jwk", code="conflict",
                       says=[f"{third} (active) is not served", "is served but not published"])
        self.assertIn("NO", r.out)

    def test_introspects_an_opaque_token_for_its_provider_only(self):
        server = self.serve()
        self.ok("scope", "update", "skatt:melding", "--token-type", "OPAQUE")
        opaque = self.token(server)
        self.assertNotIn(".", opaque)
        provider = self.admin_token(server, PROVIDER, "idporten:scopes.write")
        other = self.admin_token(server, OTHER, "idporten:scopes.write")

        def introspect(bearer):
            status, body, _ = server.request(
                "POST", "introspect", f"token={opaque}".encode(),
                {"Content-Type": "application/x-www-form-urlencoded",
                 "Authorization": "Bearer " + bearer})
            self.assertEqual(status, 200)
            return json.loads(body)

        seen = introspect(provider)
        self.assertTrue(seen["active"])
        self.assertEqual(seen["client_id"], self.client_id)
        self.assertEqual(introspect(other), {"active": False})
        status, _, _ = server.request("POST", "introspect", f"token={opaque}".encode(),
                                      {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 401)

    def test_self_service_api_over_http(self):
        server = self.serve()
        token = self.admin_token(server, CONSUMER, "idporten:dcr.read", "idporten:dcr.write")
        auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        status, body, _ = server.request(
            "POST", "api/v1/clients",
            json.dumps({"client_name": "from-api", "scopes": ["skatt:melding"]}).encode(), auth)
        self.assertEqual(status, 200, body)  # Digdir's status for a new client
        created = json.loads(body)
        self.assertEqual(created["client_orgno"], CONSUMER)
        # The CLI sees what the API wrote, at once.
        shown = self.ok("client", "show", created["client_id"], "--json").json()
        self.assertEqual(shown["client_name"], "from-api")
        status, _, _ = server.request("GET", "api/v1/clients")
        self.assertEqual(status, 401)
        # Removing every key is 200 with an empty body (Digdir's answer): no
        # Content-Type, a Content-Length of 0, and the connection goes on: the
        # next answer follows right after the empty line.
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
            s.sendall(f"DELETE /api/v1/clients/{created['client_id']}/jwks HTTP/1.1\r\n"
                      f"Host: x\r\nAuthorization: Bearer {token}\r\n\r\n"
                      "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
        head, _, rest = reply.decode().partition("\r\n\r\n")
        self.assertTrue(head.startswith("HTTP/1.1 200 OK\r\n"), head)
        self.assertIn("\r\ncontent-length: 0\r\n", head.lower() + "\r\n")
        self.assertNotIn("\r\ncontent-type:", head.lower())
        self.assertTrue(rest.startswith("HTTP/1.1 200 OK\r\n"), rest[:80])

    def test_access_log_has_one_line_per_request_and_no_secrets(self):
        server = self.serve()
        token = self.token(server)
        server.request("GET", "nope")
        self.assertEqual(server.stop()[0], 0)
        with open(server.access_log) as f:
            lines = [json.loads(line) for line in f]
        self.assertIn({"GET", "POST"}, [{l["method"] for l in lines}])
        paths = [l["path"] for l in lines]
        self.assertIn("/token", paths)
        self.assertIn("/nope", paths)
        self.assertEqual([l["status"] for l in lines if l["path"] == "/nope"], [404])
        self.assertEqual({l["remote"] for l in lines}, {"127.0.0.1"})
        self.assertEqual({l.get("client_id") for l in lines if l["path"] == "/token"},
                         {self.client_id})
        # mpctl's own requests say what they are.
        version = self.ok("--version").out.split()[1]
        self.assertEqual({l["user_agent"] for l in lines if l["path"] == "/token"},
                         {f"mpctl/{version}"})
        with open(server.access_log) as f:
            self.assertNotIn(token, f.read())

    def test_logs_follow_logrotate_without_a_signal(self):
        server = self.serve()
        audit = os.path.join(self.db, "audit.log")
        server.request("POST", "token", b"grant_type=x", FORM)
        os.rename(server.access_log, server.access_log + ".1")
        os.rename(audit, audit + ".1")
        # The server notices within a second; poll until the access log is back.
        deadline = time.monotonic() + 10
        while not os.path.exists(server.access_log) and time.monotonic() < deadline:
            server.request("GET", "healthz")
            time.sleep(0.05)
        self.assertTrue(os.path.exists(server.access_log))
        self.assertEqual(server.request("POST", "token", b"grant_type=y", FORM)[0], 400)
        self.assertEqual(server.stop()[0], 0)
        with open(audit) as f:
            [line] = [json.loads(line) for line in f]
        self.assertEqual(line["result"], "refused")
        self.assertTrue(line["code"].startswith("MP-"), line)
        with open(audit + ".1") as f:
            self.assertEqual(len(f.readlines()), 1)  # the line before the move stayed there
        # mpctl audit reads both files, a compressed one too, and finds
        # either request by its trace id.
        subprocess.run(["gzip", audit + ".1"], check=True)
        entries = self.ok("audit", "--json").json()
        self.assertEqual([e["description"].split(",")[0] for e in entries],
                         ['grant_type must be urn:ietf:params:oauth:grant-type:jwt-bearer'] * 2)
        self.assertEqual({e["remote"] for e in entries}, {"127.0.0.1"})
        for e in entries:
            [found] = self.ok("audit", "--trace", e["trace_id"], "--json").json()
            self.assertEqual(found, e)
        self.assertEqual(len(self.ok("audit", "--since", "1h", "--json").json()), 2)
        with open(server.access_log) as f:
            self.assertIn("/token", [json.loads(line)["path"] for line in f])

    def test_listens_on_a_host_name(self):
        port = free_port()
        server = Server(self, port=port)  # with --listen 127.0.0.1:PORT
        server.proc.kill()
        server.proc.wait()
        server.proc.stderr.close()
        proc = subprocess.Popen(
            [MPCTL, "serve", "--listen", f"localhost:{port}", "--issuer",
             f"http://localhost:{port}/"], env=self.env, cwd=self.tmp,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        server.proc = proc
        self.servers.append(server)
        server.wait_healthy()

    def test_an_issuer_with_a_path(self):
        server = self.serve(path="maskinporten/")
        self.assertTrue(server.url.endswith(":%d/maskinporten/" % server.port))
        claims = self.verify(server, self.token(server))
        self.assertEqual(claims["iss"], server.url)

    def test_tls(self):
        self.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-nodes", "-keyout", "tls.key", "-out", "tls.pem", "-days", "2",
                     "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
        server = self.serve("--tls-cert", "tls.pem", "--tls-key", "tls.key", scheme="https",
                            cacert=self.path("tls.pem"))
        token = self.token(server, "--cacert", "tls.pem")
        self.verify(server, token)
        # Without the CA, the client refuses the server, and says what to do.
        self.fails("token", "--issuer", server.url, "--client-id", self.client_id,
                   "--key", "client.pem", "--scope", "skatt:melding", "--no-cache",
                   code="fault", says=["TLS failed", "--cacert FILE"])

    def tls_pair(self, name):
        """A self-signed certificate for 127.0.0.1 in NAME.pem, its key in NAME.key."""
        self.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-nodes", "-keyout", name + ".key", "-out", name + ".pem", "-days", "2",
                     "-subj", "/CN=" + name, "-addext", "subjectAltName=IP:127.0.0.1")
        return ssl.PEM_cert_to_DER_cert(self.read(name + ".pem"))

    def test_sighup_reloads_the_tls_certificate_and_keeps_open_connections(self):
        old, new = self.tls_pair("old"), self.tls_pair("new")
        self.ok("key", "generate", "--type", "ec", "--out", "junk.key")  # not a certificate
        with open(self.path("both.pem"), "w") as f:
            f.write(self.read("old.pem") + self.read("new.pem"))
        for ext in ("pem", "key"):
            os.replace(self.path("old." + ext), self.path("tls." + ext))
        server = self.serve("--tls-cert", "tls.pem", "--tls-key", "tls.key", scheme="https",
                            cacert=self.path("both.pem"))
        context = ssl.create_default_context(cafile=self.path("both.pem"))

        def connect():
            c = http.client.HTTPSConnection("127.0.0.1", server.port, context=context,
                                            timeout=10)
            c.connect()
            return c

        def peer_certificate():
            c = connect()
            try:
                return c.sock.getpeercert(binary_form=True)
            finally:
                c.close()

        def served(c):
            c.request("GET", "/healthz")
            r = c.getresponse()
            r.read()
            return r.status

        before = connect()
        self.assertEqual(before.sock.getpeercert(binary_form=True), old)
        self.assertEqual(served(before), 200)
        for ext in ("pem", "key"):
            os.replace(self.path("new." + ext), self.path("tls." + ext))
        server.proc.send_signal(signal.SIGHUP)
        self.poll(lambda: peer_certificate() == new,
                  "a new connection gets the new certificate")
        # The connection opened before is still served, on the same socket
        # and under the old certificate.
        sock = before.sock
        self.assertEqual(served(before), 200)
        self.assertIs(before.sock, sock)
        self.assertEqual(before.sock.getpeercert(binary_form=True), old)
        # A pair that does not load is refused; the one in use stays. So is
        # a certificate with a key that is not its own (an RSA key for an EC
        # certificate, which OpenSSL alone would take).
        new_pem, new_key = self.read("tls.pem"), self.read("tls.key")
        cases = [(self.read("junk.key"), new_key, "cannot load TLS certificate"),
                 (new_pem, self.read("client.pem"), "is not the key of the certificate")]
        for n, (cert, key, says) in enumerate(cases, 1):
            for name, text in (("tls.pem", cert), ("tls.key", key)):
                with open(self.path(name), "w") as f:
                    f.write(text)
            server.proc.send_signal(signal.SIGHUP)
            kept = "SIGHUP: kept the TLS certificate in use, the new one failed: "
            self.poll(lambda: server.proc.poll() is not None or
                      self.stderr_so_far(server).count(kept) == n,
                      f"the server says it kept its certificate ({says})")
            self.assertIsNone(server.proc.poll())
            self.assertIn(says, self.stderr.split(kept)[-1])
            self.assertEqual(peer_certificate(), new)
        before.close()
        code, _, err = server.stop()
        self.assertEqual(code, 0, err)
        self.assertIn("reloaded the TLS certificate", self.stderr + err)

    def stderr_so_far(self, server):
        """What `server` wrote to standard error until now (kept in self.stderr)."""
        fd = server.proc.stderr.fileno()
        os.set_blocking(fd, False)
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            chunk = b""
        finally:
            os.set_blocking(fd, True)
        self.stderr = getattr(self, "stderr", "") + chunk.decode()
        return self.stderr

    def test_sighup_without_tls_leaves_the_server_running(self):
        server = self.serve()
        server.proc.send_signal(signal.SIGHUP)
        self.poll(lambda: server.proc.poll() is not None or
                  "no TLS certificate to reload" in self.stderr_so_far(server),
                  "the server says there is nothing to reload")
        self.assertEqual(server.request("GET", "healthz")[0], 200)
        self.token(server)


class Lifecycle(ServeTestCase):
    def test_sigterm_finishes_the_request_in_flight_and_exits_0(self):
        server = self.serve()
        idle = socket.create_connection(("127.0.0.1", server.port))
        busy = socket.create_connection(("127.0.0.1", server.port))
        form = f"grant_type={BEARER}&assertion={self.grant(server)}".encode()
        head = (f"POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: "
                f"application/x-www-form-urlencoded\r\nContent-Length: {len(form)}\r\n\r\n")
        busy.sendall(head.encode() + form[:10])
        # The server has read the first part before the signal: its side of
        # the connection has nothing left to receive.
        self.poll(lambda: receive_queue(server.port, busy) == 0, "the server reads the head")
        server.proc.send_signal(signal.SIGTERM)
        # It is stopping once it closed the idle connection.
        idle.settimeout(10)
        self.assertEqual(idle.recv(10), b"")
        busy.sendall(form[10:])
        reply = busy.recv(65536).decode()
        self.assertTrue(reply.startswith("HTTP/1.1 200"), reply)
        self.assertIn("Connection: close", reply)
        code = server.proc.wait(timeout=10)
        self.assertEqual(code, 0)
        self.assertIn("stopped", server.proc.stderr.read())
        idle.close()
        busy.close()

    def test_a_grant_used_before_a_crash_stays_used_after_restart(self):
        server = self.serve()
        form = f"grant_type={BEARER}&assertion={self.grant(server)}".encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        self.assertEqual(server.request("POST", "token", form, headers)[0], 200)
        server.proc.kill()  # no chance to flush anything
        server.proc.wait()
        restarted = self.serve(port=server.port)  # the same issuer URL
        status, body, _ = restarted.request("POST", "token", form, headers)
        self.assertEqual(status, 400)
        self.assertIn("MP-012", json.loads(body)["error_uri"])

    def test_startup_errors_exit_by_class_with_one_line(self):
        server = self.serve()
        r = self.run_mpctl("serve", "--listen", f"127.0.0.1:{server.port}")
        self.assertEqual(r.code, EXIT["unavailable"])  # taken: out for now
        self.assertEqual(r.err.count("\n"), 1, r.err)
        self.assertIn("cannot listen on", r.err)
        # Malformed values are usage mistakes: exit 2, naming the option.
        r = self.run_mpctl("serve", "--listen", "127.0.0.1:0", "--issuer", "ftp://x")
        self.assertEqual(r.code, 2)
        self.assertIn("--issuer: ", r.err)
        r = self.run_mpctl("serve", "--listen", "localhost-ish")
        self.assertEqual(r.code, 2)
        self.assertIn("ADDRESS:PORT", r.err)
        r = self.run_mpctl("serve", "--listen", "127.0.0.1:65536")
        self.assertEqual(r.code, 2)
        self.assertIn('bad port "65536"', r.err)
        r = self.run_mpctl("serve", "--listen", "nosuchhost.invalid:8080")
        self.assertEqual(r.code, EXIT["refused"])
        self.assertIn('cannot resolve "nosuchhost.invalid"', r.err)
        self.assertIn("127.0.0.1:8080", r.err)
        env = dict(self.env, MPCTL_DB=self.path("empty"))
        r = self.run_mpctl("serve", "--listen", "127.0.0.1:0", env=env)
        self.assertEqual(r.code, EXIT["not_found"])
        self.assertIn("mpctl init", r.err)
        for option in ("--request-timeout", "--idle-timeout", "--body-limit", "--header-limit"):
            r = self.run_mpctl("serve", "--listen", "127.0.0.1:0", option, "0")
            self.assertEqual(r.code, 2, option)
            self.assertIn(option, r.err)
        r = self.run_mpctl("serve", "--listen", "127.0.0.1:0", "--tls-cert", "missing.pem",
                           "--tls-key", "missing.key")
        self.assertEqual(r.code, EXIT["fault"])
        self.assertIn("missing.pem", r.err)
        self.assertEqual(server.stop()[0], 0)


class Hostile(ServeTestCase):
    def setUp(self):
        super().setUp()
        self.server = self.serve("--request-timeout", "1", "--body-limit", "4096")

    def raw(self, data, timeout=5):
        """Sends bytes, returns everything the server answers until it closes."""
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=timeout) as s:
            s.sendall(data)
            chunks = []
            while True:
                try:
                    chunk = s.recv(65536)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks).decode(errors="replace")

    def assert_status(self, reply, status):
        self.assertTrue(reply.startswith(f"HTTP/1.1 {status}"), reply[:200])

    def assert_own_answer(self, reply):
        """An answer of the connection layer: a trace id in the body and the
        header, never cached, as the router's answers."""
        head, _, body = reply.partition("\r\n\r\n")
        trace = re.search(r"\r\nX-Trace-Id: ([0-9a-f]{32})\r\n", head)
        self.assertTrue(trace, head)
        self.assertEqual(json.loads(body)["trace_id"], trace.group(1))
        self.assertIn("\r\nCache-Control: no-store\r\n", head)

    def still_serving(self):
        self.assertEqual(self.server.request("GET", "healthz")[0], 200)

    def test_oversized_header(self):
        reply = self.raw(b"GET /jwk HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        self.assert_status(reply, 431)
        self.assert_own_answer(reply)
        # The listener's own answers carry the security headers too.
        self.assertIn("Content-Security-Policy: default-src 'self'", reply)
        self.assertIn("X-Content-Type-Options: nosniff", reply)
        self.still_serving()

    def test_oversized_body(self):
        body = b"grant_type=x&assertion=" + b"a" * 10000
        reply = self.raw(b"POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: "
                         b"application/x-www-form-urlencoded\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
        self.assert_status(reply, 413)
        self.assert_own_answer(reply)
        self.assertIn("4096", reply)
        self.still_serving()

    def test_malformed_form_and_wrong_content_type(self):
        for content_type, body in [("application/x-www-form-urlencoded", "grant_type=%zz"),
                                   ("application/json", '{"grant_type":"x"}')]:
            status, reply, _ = self.server.request("POST", "token", body.encode(),
                                                   {"Content-Type": content_type})
            self.assertEqual(status, 400)
            self.assertEqual(json.loads(reply)["error"], "invalid_request")
        self.still_serving()

    def test_unknown_methods_and_paths(self):
        self.assert_status(self.raw(b"BREW /jwk HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                           405)
        self.assert_status(self.raw(b"GET /etc/passwd HTTP/1.1\r\nHost: x\r\n"
                                    b"Connection: close\r\n\r\n"), 404)
        self.assert_status(self.raw(b"GET /../../x HTTP/1.1\r\nHost: x\r\n"
                                    b"Connection: close\r\n\r\n"), 404)
        self.still_serving()

    def test_garbage_gets_400_or_a_closed_connection(self):
        for junk in [b"HELLO\r\n\r\n", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03",
                     b"GET / HTTP/9.9\r\n\r\n",
                     b"POST /token HTTP/1.1\r\nContent-Length: -5\r\n\r\n"]:
            reply = self.raw(junk)
            self.assertTrue(reply == "" or reply.startswith("HTTP/1.1 400"), reply[:200])
            if reply:
                self.assert_own_answer(reply)
        self.still_serving()

    def test_http_framing_of_answers(self):
        # HTTP/1.0 without keep-alive: answered in 1.0 and closed.
        reply = self.raw(b"GET /healthz HTTP/1.0\r\n\r\n")
        self.assertTrue(reply.startswith("HTTP/1.0 200 OK\r\n"), reply[:100])
        # HTTP/1.1 asking to close: says so, then closes.
        reply = self.raw(b"GET /jwk HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        head, _, body = reply.partition("\r\n\r\n")
        lines = head.split("\r\n")
        self.assertEqual(lines[0], "HTTP/1.1 200 OK")
        headers = {k.lower(): v for k, v in (l.split(": ", 1) for l in lines[1:])}
        self.assertEqual(headers["connection"], "close")
        self.assertEqual(int(headers["content-length"]), len(body.encode()))
        self.assertIn("keys", json.loads(body))
        # Two requests on one connection: two whole answers, in order.
        reply = self.raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                         b"GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(re.findall(r"HTTP/1\.1 \d\d\d [A-Za-z ]+\r\n", reply),
                         ["HTTP/1.1 200 OK\r\n", "HTTP/1.1 404 Not Found\r\n"])

    def test_head_and_etag_of_the_web_page_over_a_socket(self):
        def answer(request):
            head, _, body = self.raw(request).partition("\r\n\r\n")
            lines = head.split("\r\n")
            return lines[0], {k.lower(): v for k, v in (l.split(": ", 1) for l in lines[1:])}, body

        status, get_headers, body = answer(b"GET /app/ HTTP/1.1\r\nHost: x\r\n"
                                           b"Connection: close\r\n\r\n")
        self.assertEqual(status, "HTTP/1.1 200 OK")
        self.assertIn('<script type="module" src="js/main.js">', body)
        self.assertIn("default-src 'self'", get_headers["content-security-policy"])
        self.assertEqual(get_headers["x-content-type-options"], "nosniff")
        # HEAD: the same headers and length, no body; then the connection goes on.
        reply = self.raw(b"HEAD /app/ HTTP/1.1\r\nHost: x\r\n\r\n"
                         b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        first, _, rest = reply.partition("\r\n\r\n")
        self.assertIn(f"Content-Length: {len(body.encode())}\r\n", first)
        self.assertIn(f"ETag: {get_headers['etag']}", first)
        self.assertTrue(rest.startswith("HTTP/1.1 200 OK\r\n"), rest[:100])
        # If-None-Match with the ETag: 304 without a body.
        status, headers, body = answer(b"GET /app/ HTTP/1.1\r\nHost: x\r\nIf-None-Match: "
                                       + get_headers["etag"].encode()
                                       + b"\r\nConnection: close\r\n\r\n")
        self.assertEqual(status, "HTTP/1.1 304 Not Modified")
        self.assertEqual(body, "")

    def test_a_stalled_half_request_is_closed_and_others_are_served(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(b"POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
            start = time.monotonic()
            self.still_serving()  # while the other connection stalls
            self.assertEqual(s.recv(100), b"")
            self.assertLess(time.monotonic() - start, 5)
        self.still_serving()

    def test_many_idle_connections_do_not_block_tokens(self):
        idle = [socket.create_connection(("127.0.0.1", self.server.port)) for _ in range(200)]
        try:
            self.token(self.server)
        finally:
            for s in idle:
                s.close()


if __name__ == "__main__":
    unittest.main()
