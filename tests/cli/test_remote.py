# SPDX-License-Identifier: Apache-2.0
"""The registry commands with --server: client, scope, access, delegation, system
and systemuser act on a running server's self-service API as an organisation's
admin client (MPCTL_SERVER, MPCTL_CLIENT_ID, MPCTL_KEY), print what the same
commands print on the local store, and fail by the same exit code classes."""
import glob
import json
import os
import uuid

from cli_support import CONSUMER, PROVIDER, SUPPLIER
from test_serve import ServersTestCase


class Remote(ServersTestCase):
    def setUp(self):
        super().setUp()
        self.ok("init", "--issuer", "https://mp.test/")
        self.ok("prefix", "add", "acme", PROVIDER)
        self.server = self.serve()
        self.admin = {org: self.admin_env(org) for org in (PROVIDER, CONSUMER)}

    def admin_env(self, org, name="admin"):
        """An admin client of `org` made by `mpctl org add`, as the environment
        that acts as it on the server."""
        self.ok("key", "generate", "--type", "ec", "--out", f"{name}-{org}.pem")
        jwk = self.ok("key", "jwk", f"{name}-{org}.pem").out
        client_id = self.ok("org", "add", org, "--admin-key", "-", "--name", name, "--output",
                            "id", stdin=jwk).out.strip()
        return dict(self.env, MPCTL_SERVER=self.server.url, MPCTL_CLIENT_ID=client_id,
                    MPCTL_KEY=self.path(f"{name}-{org}.pem"))

    def as_(self, org, *args, stdin=None):
        return self.ok(*args, stdin=stdin, env=self.admin[org])

    def calls(self):
        with open(self.server.access_log) as f:
            return [json.loads(line) for line in f]

    def same_as_local(self, *args, org):
        """The command prints the same JSON over the API as on the local store."""
        remote = self.as_(org, "--json", *args).json()
        self.assertEqual(remote, self.ok("--json", *args).json(), args)
        return remote

    def test_every_command_over_the_api(self):
        # The provider's scopes and their access.
        self.as_(PROVIDER, "scope", "create", "acme:a", "--description", "A")
        self.as_(PROVIDER, "scope", "create", "acme:d", "--description", "D",
                 "--delegation-source", "https://altinn.test")
        scope = self.as_(PROVIDER, "scope", "update", "acme:a", "--at-max-age", "60",
                         "--json").json()
        self.assertEqual((scope["description"], scope["at_max_age"]), ("A", 60))
        self.same_as_local("scope", "show", "acme:a", org=PROVIDER)
        listed = self.as_(PROVIDER, "scope", "list", "--json").json()
        self.assertEqual([s["name"] for s in listed], ["acme:a", "acme:d"])
        for scope in ("acme:a", "acme:d"):
            self.assertIn("may use", self.as_(PROVIDER, "access", "grant", scope, CONSUMER).out)
        self.assertEqual(self.as_(PROVIDER, "access", "revoke", "acme:a", CONSUMER).out,
                         f"org {CONSUMER} may no longer use acme:a\n")
        self.assertEqual(
            self.as_(PROVIDER, "access", "revoke", "acme:a", CONSUMER).out,
            f"org {CONSUMER}'s access to scope acme:a is revoked already; nothing to do\n")
        self.as_(PROVIDER, "access", "grant", "acme:a", CONSUMER)
        self.same_as_local("access", "list", "acme:a", org=PROVIDER)
        mine = self.as_(CONSUMER, "access", "list", "--consumer", CONSUMER, "--json").json()
        self.assertIn("acme:a", [a["scope"] for a in mine])
        self.assertEqual(self.as_(PROVIDER, "scope", "deactivate", "acme:d").out,
                         "deactivated scope acme:d\n")
        self.assertIn("nothing to do", self.as_(PROVIDER, "scope", "deactivate", "acme:d").out)
        self.assertIn("activated scope acme:d",
                      self.run_mpctl("scope", "activate", "acme:d", env=self.admin[PROVIDER]).out)

        # The consumer's client, by name, and its keys.
        client_id = self.as_(CONSUMER, "client", "register", "--name", "app", "--scope", "acme:a",
                             "--output", "id").out.strip()
        self.assertEqual(self.as_(CONSUMER, "client", "register", "--name", "app", "--scope",
                                  "acme:a", "--if-absent", "--output", "id").out.strip(),
                         client_id)
        self.fails("client", "register", "--name", "app", "--scope", "acme:d", "--if-absent",
                   code="conflict", says="differs in scopes", env=self.admin[CONSUMER])
        client = self.as_(CONSUMER, "client", "register", "--name", "app", "--scope", "acme:a",
                          "--lifetime", "60", "--update-if-different", "--json").json()
        self.assertEqual((client["client_id"], client["access_token_lifetime"]), (client_id, 60))
        self.as_(CONSUMER, "client", "update", client_id, "--description", "the app")
        self.same_as_local("client", "show", client_id, org=CONSUMER)
        names = [c["client_name"] for c in self.as_(CONSUMER, "client", "list", "--json").json()]
        self.assertEqual(sorted(names), ["admin", "app"])

        self.ok("key", "generate", "--type", "ec", "--out", "app.pem")
        kid = self.ok("key", "thumbprint", "app.pem").out.strip()
        jwk = self.ok("key", "jwk", "app.pem").out
        self.as_(CONSUMER, "client", "keys", "add", client_id, "--key", "-", stdin=jwk)
        # The same key again renews it; another key of that kid is refused.
        self.as_(CONSUMER, "client", "keys", "add", client_id, "--key", "-", stdin=jwk)
        self.ok("key", "generate", "--type", "ec", "--out", "other.pem")
        other = dict(self.ok("key", "jwk", "other.pem").json(), kid=kid)
        with open(self.path("other.jwk"), "w") as f:
            json.dump(other, f)
        self.fails("client", "keys", "add", client_id, "--key", "other.jwk",
                   code="conflict", says=f'has another key with kid "{kid}"',
                   env=self.admin[CONSUMER])
        self.same_as_local("client", "keys", "list", client_id, org=CONSUMER)
        self.ok("token", "--client-id", client_id, "--key", "app.pem", "--scope", "acme:a",
                "--no-cache")
        self.assertEqual(self.as_(CONSUMER, "--json", "client", "keys", "remove", client_id,
                                  "--", kid).json()["keys"], [])
        self.assertIn("nothing to do",
                      self.as_(CONSUMER, "client", "keys", "remove", client_id, "--", kid).out)

        # A delegation, given and taken back.
        d = self.as_(CONSUMER, "delegation", "add", "--scope", "acme:d", "--supplier", SUPPLIER,
                     "--json").json()
        self.assertEqual((d["consumer_orgno"], d["supplier_orgno"]), (CONSUMER, SUPPLIER))
        listed = self.as_(CONSUMER, "delegation", "list", "--json").json()
        self.assertEqual(listed, self.ok("--as", CONSUMER, "--json", "delegation", "list").json())
        self.assertEqual([x["id"] for x in listed], [d["id"]])
        self.assertEqual(self.as_(CONSUMER, "delegation", "remove", d["id"]).out,
                         f"removed delegation {d['id']}\n")
        self.assertIn("already removed; nothing to do",
                      self.as_(CONSUMER, "delegation", "remove", d["id"]).out)

        # Deactivated, twice, then active again.
        self.assertEqual(self.as_(CONSUMER, "client", "deactivate", client_id).out,
                         f"deactivated client {client_id}\n")
        self.assertIn("is deactivated already; nothing to do",
                      self.as_(CONSUMER, "client", "deactivate", client_id).out)
        self.as_(CONSUMER, "client", "activate", client_id)
        self.assertTrue(self.ok("client", "show", client_id, "--json").json()["active"])

    def test_the_system_register_over_the_api(self):
        """system and systemuser speak Altinn's shapes to the server, and print
        what they print on the local store."""
        client_id = self.as_(CONSUMER, "client", "register", "--name", "agent", "--output",
                             "id").out.strip()
        system = f"{CONSUMER}_payroll"
        made = self.as_(CONSUMER, "system", "add", system, "--client", client_id, "--name",
                        "Payroll", "--json").json()
        self.assertEqual((made["vendor"]["ID"], made["clientId"], made["name"]["nn"]),
                         (f"0192:{CONSUMER}", [client_id], "Payroll"))
        self.same_as_local("system", "show", system, org=CONSUMER)
        # An update sends the system back whole: what it leaves out stays.
        self.as_(CONSUMER, "system", "update", system, "--hidden")
        shown = self.same_as_local("system", "show", system, org=CONSUMER)
        self.assertEqual((shown["isVisible"], shown["clientId"], shown["name"]["nb"]),
                         (False, [client_id], "Payroll"))
        self.assertEqual(self.as_(CONSUMER, "system", "list", "--json").json(),
                         self.ok("--as", CONSUMER, "--json", "system", "list").json())

        # The provider, as a customer, approves it.
        user = self.as_(PROVIDER, "systemuser", "add", "--system", system, "--external-ref",
                        "dept-1", "--json").json()
        self.assertEqual((user["partyOrgNo"], user["supplierOrgNo"], user["externalRef"]),
                         (PROVIDER, CONSUMER, "dept-1"))
        self.same_as_local("systemuser", "show", user["id"], org=PROVIDER)
        for org in (PROVIDER, CONSUMER):  # the customer's and the vendor's
            self.assertEqual(self.as_(org, "systemuser", "list", "--system", system,
                                      "--json").json(), [user])
        self.fails("systemuser", "deactivate", user["id"], code="refused",
                   says=f"only the customer org {PROVIDER}", env=self.admin[CONSUMER])
        self.assertEqual(self.as_(PROVIDER, "systemuser", "deactivate", user["id"]).out,
                         f"deactivated system user {user['id']}\n")
        self.assertIn("nothing to do", self.as_(PROVIDER, "systemuser", "deactivate",
                                                user["id"]).out)

        self.assertEqual(self.as_(CONSUMER, "system", "deactivate", system).out,
                         f"deactivated system {system}\n")
        self.assertIn("nothing to do", self.as_(CONSUMER, "system", "deactivate", system).out)
        self.fails("system", "update", system, "--visible", code="conflict",
                   says="is deactivated", env=self.admin[CONSUMER])
        self.as_(CONSUMER, "system", "activate", system)
        self.assertFalse(self.ok("system", "show", system, "--json").json()["isDeleted"])
        self.fails("system", "show", f"{CONSUMER}_nope", code="not_found",
                   says=f"(HTTP 404 from GET {self.server.url}api/v1/systemregister/vendor/",
                   env=self.admin[CONSUMER])

    def test_failures_keep_their_class(self):
        env = self.admin[CONSUMER]
        missing = str(uuid.uuid4())
        self.fails("client", "show", missing, code="not_found",
                   says=[f"client {missing} does not exist",
                         f"(HTTP 404 from GET {self.server.url}api/v1/clients/{missing})"],
                   env=env)
        self.fails("scope", "create", "acme:x", "--description", "X", code="refused",
                   says=f'prefix "acme" belongs to org {PROVIDER}', env=env)
        self.fails("--as", CONSUMER, "client", "list", code="usage",
                   says="--as acts on the local store", env=env)
        no_key = {k: v for k, v in env.items() if k != "MPCTL_KEY"}
        self.fails("client", "list", code="usage", says="set MPCTL_CLIENT_ID", env=no_key)
        self.fails("client", "list", "--server", "http://127.0.0.1:1/", code="unavailable",
                   says="cannot reach http://127.0.0.1:1/", env=env)
        self.fails("client", "list", "--server", "ftp://x/", code="usage", says="--server",
                   env=env)
        self.fails("client", "list", code="usage", says='invalid client id "admin"',
                   env=dict(env, MPCTL_CLIENT_ID="admin"))
        self.fails("client", "list", code="usage", says='invalid issuer URL "mp.example"',
                   env=dict(env, MPCTL_ISSUER="mp.example"))
        # A client with no admin scope gets no token for the API.
        self.ok("key", "generate", "--type", "ec", "--out", "plain.pem")
        plain = self.ok("client", "register", "--org", CONSUMER, "--name", "plain",
                        "--output", "id").out.strip()
        self.ok("client", "keys", "add", plain, "--key", "-",
                stdin=self.ok("key", "jwk", "plain.pem").out)
        self.fails("client", "list", code="refused", says="has none of the admin scopes",
                   env=dict(env, MPCTL_CLIENT_ID=plain, MPCTL_KEY=self.path("plain.pem")))

    def test_an_admin_client_with_some_admin_scopes(self):
        """A client with only idporten:dcr.read gets a token with that one, and
        the server refuses what it needs another for."""
        self.ok("key", "generate", "--type", "ec", "--out", "reader.pem")
        reader = self.ok("client", "register", "--org", CONSUMER, "--name", "reader",
                         "--scope", "idporten:dcr.read", "--output", "id").out.strip()
        self.ok("client", "keys", "add", reader, "--key", "-",
                stdin=self.ok("key", "jwk", "reader.pem").out)
        env = dict(self.admin[CONSUMER], MPCTL_CLIENT_ID=reader,
                   MPCTL_KEY=self.path("reader.pem"))
        names = [c["client_name"] for c in self.ok("client", "list", "--json", env=env).json()]
        self.assertIn("reader", names)
        self.fails("client", "register", "--name", "new", code="refused", says="HTTP 403",
                   env=env)
        granted = [c for c in self.calls() if c["path"] == "/token" and c["status"] == 200]
        # All four refused, then each alone (one granted), then that one: 2 granted,
        # once; the next commands used the cached token.
        self.assertEqual(len(granted), 2)

    def test_a_token_the_server_no_longer_takes_is_fetched_again(self):
        env = self.admin[CONSUMER]
        self.ok("client", "list", env=env)
        [cached] = glob.glob(self.path(".cache/mpctl/*.json"))
        with open(cached) as f:
            entry = json.load(f)
        token = entry["response"]["access_token"]
        head, body, signature = token.split(".")
        entry["response"]["access_token"] = ".".join(
            [head, body, ("A" if signature[0] != "A" else "B") + signature[1:]])
        with open(cached, "w") as f:
            json.dump(entry, f)
        self.ok("client", "list", env=env)
        statuses = [(c["path"], c["status"]) for c in self.calls()]
        self.assertEqual(statuses[-4:], [("/api/v1/clients", 401),
                                         ("/.well-known/oauth-authorization-server", 200),
                                         ("/token", 200), ("/api/v1/clients", 200)])
        # A cached entry that is no token at all is replaced, not an error.
        with open(cached) as f:
            entry = json.load(f)
        entry["response"]["access_token"] = "not a token"
        with open(cached, "w") as f:
            json.dump(entry, f)
        self.ok("client", "list", env=env)

    def test_whoami_asks_the_server_the_registry_commands_act_on(self):
        me = self.ok("--json", "whoami", env=self.admin[CONSUMER]).json()
        self.assertEqual((me["issuer"], me["org"], me["client_id"]),
                         (self.server.url, CONSUMER, self.admin[CONSUMER]["MPCTL_CLIENT_ID"]))
        self.assertEqual(sorted(me["admin_scopes"]),
                         ["idporten:dcr.modify", "idporten:dcr.read", "idporten:dcr.write",
                          "idporten:scopes.write"])
        self.assertEqual(sum(c["path"] == "/token" for c in self.calls()), 4)
        env = dict(self.admin[CONSUMER], MPCTL_SERVER="mp.example")
        self.fails("whoami", code="usage", says="MPCTL_SERVER", env=env)

    def test_what_the_local_store_refuses_or_shows_the_server_does_too(self):
        provider, consumer = self.admin[PROVIDER], self.admin[CONSUMER]
        self.as_(PROVIDER, "scope", "create", "acme:pub", "--description", "P",
                 "--delegation-source", "https://altinn.test")
        self.as_(PROVIDER, "access", "grant", "acme:pub", CONSUMER)
        # Another org's PUBLIC scope shows; changing it is refused.
        self.same_as_local("scope", "show", "acme:pub", org=CONSUMER)
        self.fails("scope", "update", "acme:pub", "--at-max-age", "5", code="refused",
                   env=consumer)
        # Another org's clients are not listed.
        self.fails("client", "list", "--org", PROVIDER, code="refused",
                   says=f"org {CONSUMER} may not list the clients of org {PROVIDER}", env=consumer)
        # A delegation is the consumer's to remove, not the supplier's.
        d = self.as_(CONSUMER, "delegation", "add", "--scope", "acme:pub", "--supplier", PROVIDER,
                     "--json").json()
        self.fails("delegation", "remove", d["id"], code="not_found", says="does not exist",
                   env=provider)
        # A private key never leaves: refused before anything is sent.
        client_id = self.as_(CONSUMER, "client", "register", "--name", "app", "--output",
                             "id").out.strip()
        self.ok("key", "generate", "--type", "ec", "--out", "app.pem")
        private = dict(self.ok("key", "jwk", "app.pem").json(), d="c2VjcmV0")
        with open(self.path("private.jwk"), "w") as f:
            json.dump(private, f)
        before = len(self.calls())
        self.fails("client", "keys", "add", client_id, "--key", "private.jwk", code="refused",
                   says="private", env=consumer)
        sent = [c for c in self.calls()[before:] if c["method"] != "GET"]
        self.assertEqual(sent, [])
