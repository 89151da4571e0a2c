# SPDX-License-Identifier: Apache-2.0
"""Public clients written for Digdir's Maskinporten, replayed against `mpctl serve`.

Each replay (tests/clients/<name>/) sends the requests of one public client, in that
client's own language and with its decoder: nais/digdirator in Go, oslokommune's
okdata-maskinporten-api in Python with pydantic, and the npm library
@vtfk/maskinporten-auth itself. This harness makes the world each one expects, as an
operator would with the CLI, serves it, and runs the replay (tests/clients/README.md).
"""
import os
import shutil
import subprocess
import unittest

from cli_support import MPCTL
from test_serve import ServersTestCase

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENTS = os.path.join(HERE, "..", "clients")

ORG = "974761076"           # the replay's own organisation, owner of the prefix nav
PROVIDER = "910000004"      # owner of the prefix ext, whose scopes the replay consumes
CONSUMERS = ["920000002", "930000000"]
ADMIN_SCOPES = ["idporten:dcr.read", "idporten:dcr.write", "idporten:dcr.modify",
                "idporten:scopes.write"]
P12_PASSWORD = "replay-pw"


class ClientReplay(ServersTestCase):
    """The world of tests/clients/README.md, served; run_replay() runs one client on it."""

    def setUp(self):
        super().setUp()
        self.server = self.serve_world()

    def serve_world(self):
        # The issuer is known only once the port is: init after choosing it.
        from test_serve import free_port
        port = free_port()
        issuer = f"http://127.0.0.1:{port}/"
        self.ok("init", "--issuer", issuer)
        self.enterprise_certificate()
        self.ok("trust", "add", "ca.pem")
        self.ok("prefix", "add", "nav", ORG)
        self.ok("prefix", "add", "ext", PROVIDER)
        for name, extra in (("ext:granted", ()), ("ext:open", ("--accessible-for-all",)),
                            ("ext:notgranted", ()),
                            ("ext:delegable", ("--delegation-source", issuer))):
            self.ok("scope", "create", name, "--description", name, *extra)
        for scope in ("ext:granted", "ext:delegable", *ADMIN_SCOPES):
            self.ok("access", "grant", scope, ORG)
        self.admin_id = self.register("admin", ADMIN_SCOPES)
        self.client_id = self.register("app", ["ext:granted"])
        return self.serve(port=port)

    def register(self, name, scopes):
        return self.ok("client", "register", "--org", ORG, "--name", name,
                       *[a for s in scopes for a in ("--scope", s)], "--json").json()["client_id"]

    def enterprise_certificate(self):
        """A CA, and the org's enterprise certificate from it, as PEM and PKCS#12."""
        self.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
                     "-out", "ca.pem", "-days", "5", "-subj", "/CN=Replay Enterprise CA")
        self.openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out",
                     "leaf.csr", "-subj", f"/CN=Replay AS/O=Replay AS/serialNumber={ORG}")
        self.openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                     "-CAcreateserial", "-out", "leaf.pem", "-days", "2")
        with open(self.path("chain.pem"), "w") as f:
            f.write(self.read("leaf.pem") + self.read("ca.pem"))
        # 3DES and a SHA-1 MAC, as enterprise certificates are issued: what node-forge
        # and Python's cryptography both read.
        self.openssl("pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.pem", "-certfile",
                     "ca.pem", "-out", "leaf.p12", "-passout", f"pass:{P12_PASSWORD}",
                     "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1")

    def run_replay(self, name, *command, env=None):
        scratch = self.path(f"{name}-scratch")
        os.mkdir(scratch)
        replay_env = dict(self.env)
        replay_env.update(env or {})
        replay_env.update(
            MPCTL=MPCTL,
            MPCTL_TEST_ISSUER=self.server.url,
            MPCTL_TEST_DIR=scratch,
            MPCTL_TEST_ORG=ORG,
            MPCTL_TEST_CONSUMERS=" ".join(CONSUMERS),
            MPCTL_TEST_ADMIN_CLIENT_ID=self.admin_id,
            MPCTL_TEST_CLIENT_ID=self.client_id,
            MPCTL_TEST_CERT=self.path("chain.pem"),
            MPCTL_TEST_KEY=self.path("leaf.key"),
            MPCTL_TEST_P12=self.path("leaf.p12"),
            MPCTL_TEST_P12_PASSWORD=P12_PASSWORD,
            MPCTL_TEST_CA=self.path("ca.pem"),
        )
        proc = subprocess.run(command, cwd=os.path.join(CLIENTS, name), env=replay_env,
                              capture_output=True, text=True, timeout=300)
        print(proc.stdout, end="")
        self.assertEqual(proc.returncode, 0,
                         f"the {name} replay failed:\n{proc.stdout}{proc.stderr}")
        return proc.stdout


class Digdirator(ClientReplay):
    def test_digdirator(self):
        go = shutil.which("go")
        self.assertIsNotNone(go, "go not found: scripts/install-deps installs golang-go")
        cache = os.environ.get("MPCTL_TEST_GOCACHE") or self.path("go-cache")
        self.run_replay("digdirator", go, "run", "replay.go",
                        env=dict(GOCACHE=cache, GOPATH=self.path("gopath"), GO111MODULE="off",
                                 GOFLAGS="", GOPROXY="off", GOTOOLCHAIN="local"))


class Okdata(ClientReplay):
    def test_okdata(self):
        # Debian's python3, whose python3-requests and python3-pydantic the replay uses.
        self.run_replay("okdata", "/usr/bin/python3", "replay.py")


class Vtfk(ClientReplay):
    def test_vtfk(self):
        node = shutil.which("node")
        self.assertIsNotNone(node, "node not found: scripts/install-deps installs it")
        self.assertTrue(os.path.isdir(os.path.join(CLIENTS, "vtfk", "node_modules")),
                        "tests/clients/vtfk/node_modules is missing: run scripts/install-deps")
        self.run_replay("vtfk", node, "replay.mjs")


if __name__ == "__main__":
    unittest.main()
