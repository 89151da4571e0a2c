# SPDX-License-Identifier: Apache-2.0
"""Several `mpctl serve` on one PostgreSQL store, as behind a load balancer.
Runs under scripts/with-postgres (MPCTL_TEST_PG, MPCTL_TEST_PG_CTL); each
test has a schema of its own (MPCTL_DB_SCHEMA)."""
import hashlib
import itertools
import json
import os
import subprocess
import threading
import time
import uuid

import jwt  # Debian's python3-jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from cli_support import CONSUMER, EXIT, OTHER, PROVIDER, MpctlTestCase
from test_serve import BEARER, FORM, ServeTestCase

DATABASE = os.environ.get("MPCTL_TEST_PG")
PG_CTL = os.environ.get("MPCTL_TEST_PG_CTL")
_schemas = itertools.count(1)


def on_database(test, prefix):
    """Points `test`'s env at a schema of its own in the test database,
    with a key-encryption secret in a file."""
    if not DATABASE:
        test.fail("MPCTL_TEST_PG is not set: run under scripts/with-postgres")
    test.schema = f"{prefix}{os.getpid()}_{next(_schemas)}"
    secret = test.path("key.secret")
    with open(secret, "w") as f:
        f.write("first-secret-of-the-test-0123456789abcdef\n")
    test.env.update(MPCTL_DB=DATABASE, MPCTL_DB_SCHEMA=test.schema, MPCTL_KEY_SECRET_FILE=secret)


def drop_schema(test):
    subprocess.run(["psql", DATABASE, "-qc", f"DROP SCHEMA IF EXISTS {test.schema} CASCADE"],
                   capture_output=True)


class Replicas(ServeTestCase):
    def setUp(self):
        MpctlTestCase.setUp(self)
        on_database(self, "r")
        self.servers = []
        self.demo_registry_with_key()
        with open(self.path("client.pem"), "rb") as f:
            # Parsed once: checking an RSA key costs more than signing with it.
            self.key = load_pem_private_key(f.read(), password=None)
        # Two replicas under one issuer: A's URL, as a load balancer's would be.
        self.a = self.serve()
        self.b = self.serve(issuer=self.a.url)

    def tearDown(self):
        super().tearDown()
        drop_schema(self)

    def signed(self, client_id=None, kid=None, scope="skatt:melding", **extra):
        """A fresh grant for the shared issuer, signed here (no mpctl)."""
        now = int(time.time())
        return jwt.encode({"iss": client_id or self.client_id, "aud": self.a.url, "iat": now,
                           "exp": now + 60, "scope": scope, "jti": str(uuid.uuid4()), **extra},
                          self.key, algorithm="RS256", headers={"kid": kid or self.kid})

    def post(self, server, grant):
        """(status, body as JSON, or None when the connection failed)."""
        try:
            status, body, _ = server.request("POST", "token",
                                             f"grant_type={BEARER}&assertion={grant}".encode(),
                                             FORM)
            return status, json.loads(body)
        except OSError:
            return None, None

    def test_a_grant_is_accepted_once_across_replicas(self):
        for _ in range(30):
            grant = self.signed()
            start = threading.Barrier(2)
            statuses = []

            def send(server):
                start.wait()
                statuses.append(self.post(server, grant)[0])

            threads = [threading.Thread(target=send, args=(s,)) for s in (self.a, self.b)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(sorted(statuses), [200, 400])

    def test_a_client_registered_through_a_gets_tokens_from_b_within_a_second(self):
        token = self.admin_token(self.a, CONSUMER, "idporten:dcr.read", "idporten:dcr.write")
        auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        status, body, _ = self.a.request(
            "POST", "api/v1/clients",
            json.dumps({"client_name": "new", "scopes": ["skatt:melding"]}).encode(), auth)
        self.assertEqual(status, 200, body)
        client_id = json.loads(body)["client_id"]
        jwk = json.loads(self.ok("key", "jwk", "client.pem").out)
        status, body, _ = self.a.request("POST", f"api/v1/clients/{client_id}/jwks",
                                         json.dumps({"keys": [jwk]}).encode(), auth)
        self.assertEqual(status, 200, body)
        registered = time.monotonic()
        status = None
        while status != 200 and time.monotonic() - registered < 5:
            status, reply = self.post(self.b, self.signed(client_id=client_id))
        took = time.monotonic() - registered
        self.assertEqual(status, 200, reply)
        self.assertLess(took, 1.0)
        # And a deactivation through B stops tokens on A as quickly.
        status, _, _ = self.b.request("DELETE", f"api/v1/clients/{client_id}", None, auth)
        self.assertEqual(status, 200)
        self.poll(lambda: self.post(self.a, self.signed(client_id=client_id))[0] == 400,
                  "A refuses the deactivated client", seconds=1)

    def test_a_system_user_approved_through_b_acts_on_a_and_stops_within_a_second(self):
        """The issue's flow on two replicas: the vendor (CONSUMER, whose client
        signs) registers a system through A, the customer approves a system
        user through B, A issues its token; deactivated through A, B refuses."""
        scopes = ("idporten:dcr.read", "idporten:dcr.write")
        vendor = {"Authorization": "Bearer " + self.admin_token(self.a, CONSUMER, *scopes),
                  "Content-Type": "application/json"}
        # A's issuer is B's too: a token from A is good on B.
        customer = {"Authorization": "Bearer " + self.admin_token(self.a, OTHER, *scopes),
                    "Content-Type": "application/json"}
        system = {"id": CONSUMER + "_ledger", "name": "Ledger", "clientId": [self.client_id]}
        status, body, _ = self.a.request("POST", "api/v1/systemregister/vendor",
                                         json.dumps(system).encode(), vendor)
        self.assertEqual(status, 200, body)
        self.poll(lambda: self.b.request("POST", "api/v1/systemuser",
                                         json.dumps({"systemId": system["id"]}).encode(),
                                         customer)[0] == 200,
                  "B takes the system user of A's new system", seconds=1)
        users = json.loads(self.b.request("GET", "api/v1/systemuser", None, customer)[1])
        self.assertEqual(len(users), 1)
        details = [{"type": "urn:altinn:systemuser",
                    "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": "0192:" + OTHER}}]
        approved = time.monotonic()
        status = None
        while status != 200 and time.monotonic() - approved < 5:
            status, reply = self.post(self.a, self.signed(authorization_details=details))
        self.assertEqual(status, 200, reply)
        self.assertLess(time.monotonic() - approved, 1.0)
        claims = jwt.decode(reply["access_token"], options={"verify_signature": False})
        self.assertEqual(claims["authorization_details"][0]["systemuser_id"], [users[0]["id"]])
        self.assertEqual(claims["consumer"]["ID"], "0192:" + CONSUMER)

        status, _, _ = self.a.request("DELETE", "api/v1/systemuser/" + users[0]["id"], None,
                                      customer)
        self.assertEqual(status, 200)
        refused = {}

        def b_refuses():
            status, refused["reply"] = self.post(self.b, self.signed(authorization_details=details))
            return status == 400
        self.poll(b_refuses, "B refuses the deactivated system user", seconds=1)
        self.assertTrue(refused["reply"]["error_uri"].endswith("MP-303"), refused["reply"])

    def test_a_key_rotated_while_both_serve_is_published_by_both(self):
        before = self.jwks(self.a)
        self.assertEqual(before, self.jwks(self.b))
        self.ok("signing-key", "rotate")
        self.poll(lambda: len(self.jwks(self.a)["keys"]) == 2 and
                  self.jwks(self.a) == self.jwks(self.b), "both publish the new key", seconds=1)
        status, reply = self.post(self.b, self.signed())
        self.assertEqual(status, 200)
        new_kid = jwt.get_unverified_header(reply["access_token"])["kid"]
        self.assertNotIn(new_kid, [k["kid"] for k in before["keys"]])
        self.verify(self.a, reply["access_token"])  # A's /jwk verifies B's token

    def test_the_key_secret_changes_while_a_serves(self):
        token = self.post(self.a, self.signed())[1]["access_token"]
        new = self.path("new.secret")
        with open(new, "w") as f:
            f.write("second-secret-of-the-test-0123456789abcdef\n")
        old_env = dict(self.env)
        self.env.update(MPCTL_KEY_SECRET_FILE=new,
                        MPCTL_KEY_SECRET_OLD_FILE=old_env["MPCTL_KEY_SECRET_FILE"])
        out = self.ok("signing-key", "rewrap", "--json").json()
        self.assertEqual(len(out["rewrapped"]), 1)
        self.assertEqual(self.post(self.a, self.signed())[0], 200)  # A signs on
        # A replica given only the new secret starts and signs; one given
        # only the old refuses to start, naming the secret it lacks.
        del self.env["MPCTL_KEY_SECRET_OLD_FILE"]
        c = self.serve(issuer=self.a.url)
        status, reply = self.post(c, self.signed())
        self.assertEqual(status, 200)
        self.verify(self.a, reply["access_token"])
        self.verify(self.a, token)
        r = self.run_mpctl("serve", "--listen", "127.0.0.1:0",
                           env=dict(self.env, MPCTL_KEY_SECRET_FILE=old_env["MPCTL_KEY_SECRET_FILE"]))
        self.assertEqual(r.code, EXIT["fault"])
        self.assertIn(f"sealed under key-encryption secret {out['secret']}", r.err)
        stored = subprocess.run(
            ["psql", DATABASE, "-tAc", f"SELECT v->>'private_pem' FROM {self.schema}.signing_keys"],
            check=True, capture_output=True, text=True).stdout
        self.assertTrue(stored.startswith(f"sealed:v1:{out['secret']}:"), stored)
        self.assertNotIn("PRIVATE KEY", stored)

    def test_an_opaque_token_from_a_introspects_on_b(self):
        self.ok("scope", "update", "skatt:melding", "--token-type", "OPAQUE")
        self.poll(lambda: "." not in (self.post(self.a, self.signed())[1] or {}).get(
            "access_token", "."), "A issues opaque tokens", seconds=1)
        status, reply = self.post(self.a, self.signed())
        self.assertEqual(status, 200)
        opaque = reply["access_token"]
        provider = self.admin_token(self.a, PROVIDER, "idporten:scopes.write")
        status, body, _ = self.b.request(
            "POST", "introspect", f"token={opaque}".encode(),
            {"Content-Type": "application/x-www-form-urlencoded",
             "Authorization": "Bearer " + provider})
        self.assertEqual(status, 200)
        seen = json.loads(body)
        self.assertTrue(seen["active"])
        self.assertEqual(seen["client_id"], self.client_id)

    def test_the_audit_log_of_both_replicas_is_in_one_place(self):
        for server in (self.a, self.b, self.a):
            self.assertEqual(self.post(server, self.signed())[0], 200)
        grant = self.signed()
        self.post(self.a, grant)
        self.post(self.b, grant)  # refused: used before
        lines = self.ok("audit", "--json").json()
        self.assertEqual([line["result"] for line in lines].count("granted"), 4)
        self.assertEqual([line["code"] for line in lines].count("MP-012"), 1)

    def load(self, servers, stop, seen):
        """Posts fresh grants round robin until `stop`; keeps (server, status,
        reply, grant) of each."""
        for server in itertools.cycle(servers):
            if stop.is_set():
                return
            grant = self.signed()
            status, reply = self.post(server, grant)
            seen.append((server, status, reply, grant))

    def test_database_outage_under_load_503_then_heals(self):
        stop = threading.Event()
        seen = []
        loader = threading.Thread(target=self.load, args=([self.a, self.b], stop, seen))
        loader.start()
        try:
            self.poll(lambda: len(seen) >= 50, "tokens before the outage")
            subprocess.run([PG_CTL, "stop"], check=True)
            down_from = len(seen)
            self.poll(lambda: any(s == 503 for _, s, _, _ in seen[down_from:]), "503s while down")
            for server in (self.a, self.b):
                self.assertEqual(server.request("GET", "healthz")[0], 503)
            subprocess.run([PG_CTL, "start"], check=True)
            up_from = len(seen)
            self.poll(lambda: {srv for srv, s, _, _ in seen[up_from:] if s == 200} ==
                      {self.a, self.b}, "tokens again from both replicas", seconds=20)
        finally:
            stop.set()
            loader.join()
        statuses = {s for _, s, _, _ in seen}
        self.assertLessEqual(statuses, {200, 503}, "only tokens and 503s, never a crash")
        for _, status, reply, _ in seen:
            if status == 503:
                self.assertEqual(reply["error"], "temporarily_unavailable")
                self.assertNotIn("access_token", reply)
        def healthy(server):
            try:
                return server.request("GET", "healthz")[0] == 200
            except TimeoutError:  # a machine busy with other builds: ask again
                return False
        for server in (self.a, self.b):
            self.assertIsNone(server.proc.poll(), "the replica is still running")
            self.poll(lambda: healthy(server), "healthy again", seconds=30)

    def test_a_replica_killed_under_load_loses_nothing(self):
        stop = threading.Event()
        seen = []
        loader = threading.Thread(target=self.load, args=([self.a, self.b], stop, seen))
        loader.start()
        try:
            self.poll(lambda: len(seen) >= 50, "tokens from both")
            self.a.proc.kill()
            self.a.proc.wait()
            killed_at = len(seen)
            self.poll(lambda: sum(1 for srv, s, _, _ in seen[killed_at:] if srv is self.b and
                                  s == 200) >= 20, "B serving on alone")
        finally:
            stop.set()
            loader.join()
        for server, status, _, _ in seen:
            if server is self.b:
                self.assertEqual(status, 200)
        # Every grant A accepted stays used: B refuses it.
        granted_by_a = [grant for srv, s, _, grant in seen if srv is self.a and s == 200]
        self.assertGreater(len(granted_by_a), 10)
        for grant in granted_by_a:
            status, reply = self.post(self.b, grant)
            self.assertEqual(status, 400)
            self.assertIn("MP-012", reply["error_uri"])


class SchemaOnDatabase(MpctlTestCase):
    """`mpctl init` and the CLI on a PostgreSQL store."""

    def setUp(self):
        super().setUp()
        on_database(self, "s")

    def tearDown(self):
        super().tearDown()
        drop_schema(self)

    def test_a_database_without_a_store_says_run_init(self):
        self.fails("scope", "list", code="not_found", says=["no store in the database", "mpctl init"])
        self.ok("init")
        self.assertIn("idporten:dcr.read", self.ok("scope", "list").out)

    def test_without_the_key_secret_nothing_starts(self):
        env = dict(self.env)
        del env["MPCTL_KEY_SECRET_FILE"]
        r = self.run_mpctl("init", env=dict(env, MPCTL_KEY_SECRET="too short"))
        self.assertIn("MPCTL_KEY_SECRET is 9 characters; it must have at least 32", r.err)
        for args in (["init"], None, ["serve"], ["signing-key", "rotate"]):
            if args is None:
                self.ok("init")
                continue
            r = self.run_mpctl(*args, env=env)
            self.assertEqual(r.code, EXIT["fault"], r.err)
            self.assertIn("give the key-encryption secret in MPCTL_KEY_SECRET_FILE", r.err)
        self.assertEqual(len(self.ok("signing-key", "list", "--json").json()), 1)
        # serve --check says so before a start, as a usage mistake.
        r = self.run_mpctl("serve", "--check", "--listen", "127.0.0.1:0", env=env)
        self.assertEqual(r.code, EXIT["usage"], r.out + r.err)
        self.assertIn("FAILED  store", r.out)
        self.assertIn("give the key-encryption secret in MPCTL_KEY_SECRET_FILE", r.out)
        self.ok("serve", "--check", "--listen", "127.0.0.1:0")

    def listings(self, db):
        """What the CLI shows of a store: its listings and its audit log."""
        env = dict(self.env, MPCTL_DB=db)
        out = {}
        for args in (["prefix", "list"], ["scope", "list"], ["client", "list"],
                     ["client", "keys", "list", self.client_id], ["access", "list", "skatt:melding"],
                     ["signing-key", "list"], ["trust", "list"], ["audit"]):
            r = self.run_mpctl(*args, "--json", env=env)
            self.assertEqual(r.code, 0, r.err)
            out[" ".join(args)] = json.loads(r.out)
        return out

    def test_db_copy_both_ways_gives_identical_stores(self):
        lmdb = self.path("store")
        self.env["MPCTL_DB"] = lmdb
        del self.env["MPCTL_KEY_SECRET_FILE"]  # an LMDB store with keys in the clear
        self.demo_registry_with_key()
        self.ok("scope", "update", "skatt:les", "--token-type", "OPAQUE")
        self.ok("access", "grant", "skatt:les", CONSUMER)
        self.ok("client", "update", self.client_id, "--scope", "skatt:melding", "--scope",
                "skatt:les")
        used = self.ok("assertion", "sign", "--client-id", self.client_id, "--key", "client.pem",
                       "--scope", "skatt:les").out.strip()
        opaque = self.ok("token", "--assertion", used).out.strip()
        before = self.listings(lmdb)
        self.assertEqual(len(before["audit"]), 1)

        secret = self.path("key.secret")
        r = self.run_mpctl("db", "copy", "--from", lmdb, "--to", DATABASE)
        self.assertIn("give the key-encryption secret", r.err)
        self.env["MPCTL_KEY_SECRET_FILE"] = secret
        out = self.ok("db", "copy", "--from", lmdb, "--to", DATABASE, "--json").json()
        self.assertEqual((out["used_grants"], out["opaque_tokens"], out["audit_lines"]), (1, 1, 1))
        self.assertEqual(len(out["sealed"]), 1)  # sealed on the way into PostgreSQL
        self.assertEqual(self.listings(DATABASE), before)
        # The copy remembers the grant used before, and the opaque token.
        # (Counted, not replayed: under a sanitizer the grant may be older
        # than the 10 s the clock check allows by now.)
        self.env["MPCTL_DB"] = DATABASE
        grants = subprocess.run(
            ["psql", DATABASE, "-tAc",
             f"SELECT count(*) FROM {self.schema}.used_grants WHERE k <> 'health_checked'"],
            check=True, capture_output=True, text=True).stdout.strip()
        self.assertEqual(grants, "1")
        digest = hashlib.sha256(opaque.encode()).hexdigest()
        found = subprocess.run(
            ["psql", DATABASE, "-tAc",
             f"SELECT claims->>'client_id' FROM {self.schema}.opaque_tokens WHERE k = '{digest}'"],
            check=True, capture_output=True, text=True).stdout.strip()
        self.assertEqual(found, self.client_id)
        self.fails("db", "copy", "--from", lmdb, "--to", DATABASE, code="conflict",
                   says="holds a store already")

        back = self.path("back")
        out = self.ok("db", "copy", "--from", DATABASE, "--to", back, "--json").json()
        self.assertEqual((out["used_grants"], out["opaque_tokens"]), (1, 1))
        again = self.listings(back)
        self.assertEqual(again["audit"], self.listings(DATABASE)["audit"])
        self.assertEqual(again, self.listings(DATABASE))

    def test_db_migrate(self):
        self.ok("init")
        self.assertEqual(self.ok("db", "migrate", "--json").json()["schema_version"], 2)
        subprocess.run(["psql", DATABASE, "-qc",
                        f"UPDATE {self.schema}.meta SET v = '3' WHERE k = 'schema_version'"],
                       check=True)
        self.fails("db", "migrate", code="fault",
                   says="schema version 3; this mpctl reads only version 2")
        self.fails("scope", "list", code="fault", says="is it from a newer mpctl?")

    def test_the_password_never_shows(self):
        env = dict(self.env, MPCTL_DB="postgresql://mp:s3cret@127.0.0.1:1/mp?connect_timeout=2")
        r = self.run_mpctl("scope", "list", env=env)
        self.assertEqual(r.code, EXIT["unavailable"])
        self.assertIn("cannot connect to PostgreSQL at postgresql://mp:***@127.0.0.1:1/mp", r.err)
        self.assertNotIn("s3cret", r.err)

    def test_a_token_from_the_local_store_is_remembered_and_audited(self):
        self.demo_registry_with_key()
        grant = self.ok("assertion", "sign", "--client-id", self.client_id, "--key", "client.pem",
                        "--scope", "skatt:melding").out.strip()
        self.ok("token", "--assertion", grant)
        self.fails("token", "--assertion", grant, code="refused", says="MP-012")
        lines = self.ok("audit", "--json").json()
        self.assertEqual([(x["result"], x["code"]) for x in lines],
                         [("granted", ""), ("refused", "MP-012")])
        # An operator reads the store with plain SQL.
        rows = subprocess.run(
            ["psql", DATABASE, "-tAc",
             f"SELECT v->>'client_name' FROM {self.schema}.clients ORDER BY 1"],
            check=True, capture_output=True, text=True).stdout.split()
        self.assertEqual(rows, ["payroll"])
