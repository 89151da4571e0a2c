# SPDX-License-Identifier: Apache-2.0
"""Registry as code (docs/apply.md), on the local store and against a running
server as each organisation's admin client: plan shows what apply then makes, a
second run changes nothing, a key rotates by editing the file, --prune takes
away what the file leaves out, an export applies as no change, and every
refusal leaves the store as it was."""
import json
import os
import re
import shutil
import subprocess
import unittest

from cli_support import CONSUMER, EXIT, OTHER, PROVIDER, SUPPLIER, MpctlTestCase
from test_serve import ServersTestCase

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SCHEMA = os.path.join(ROOT, "docs", "registry.schema.json")
AJV = os.path.join(ROOT, "tests", "openapi", "node_modules", "ajv")

PROVIDER_FILE = f"""# the provider's scopes and who may use them
scopes:
  - name: acme:orders.read
    description: Read orders
    visibility: PUBLIC
    at_max_age: 300
    access: ["{CONSUMER}"]
  - name: acme:deleg
    description: Delegable
    delegation_source: https://altinn.test
    access: [{CONSUMER}]          # unquoted: YAML reads an integer
"""


def consumer_file(keys, extra=""):
    return f"""clients:
  - org: "{CONSUMER}"
    name: orders-reader
    scopes: [acme:orders.read]
    access_token_lifetime: 60
    keys: [{", ".join(keys)}]
{extra}delegations:
  - {{scope: acme:deleg, consumer: "{CONSUMER}", supplier: "{SUPPLIER}"}}
"""


class Cycle:
    """The cycle of docs/apply.md, written once: an Apply test runs it on the
    local store as each org (--as), an ApplyOnServer test against a server as
    each org's admin client. `acting(org)` gives the arguments and the
    environment that act as `org`; `state()` what a run that changes nothing
    leaves as it was."""

    def write(self, name, text):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def bootstrap(self):
        self.ok("init", "--issuer", "https://mp.test/")
        self.ok("prefix", "add", "acme", PROVIDER)

    def key(self, name):
        """An EC key pair under keys/: the private PEM, its public PEM; the kid."""
        os.makedirs(self.path("keys"), exist_ok=True)
        self.ok("key", "generate", "--type", "ec", "--out", f"keys/{name}.pem")
        self.openssl("pkey", "-in", f"keys/{name}.pem", "-pubout", "-out", f"keys/{name}.pub.pem")
        return self.ok("key", "thumbprint", f"keys/{name}.pem").out.strip()

    def acting(self, org):
        return (["--as", org] if org else []), None

    def state(self):
        return self.dump()

    def plan(self, *args, changes=True, env=None):
        r = self.run_mpctl(*args, env=env)
        self.assertEqual(r.code, 7 if changes else 0, r.out + r.err)
        self.assertEqual(r.err, "")
        return r.out.splitlines()

    def cycle(self, as_org, name, lines, prune=()):
        """plan shows `lines`, apply makes exactly them, and both then show nothing."""
        args, env = self.acting(as_org)
        planned = self.plan(*args, "plan", "-f", name, *prune, changes=bool(lines), env=env)
        self.assertEqual(planned[:-1], lines)
        adds = sum(line.startswith("+") for line in lines)
        changes = sum(line.startswith("~") for line in lines)
        removes = sum(line.startswith("-") for line in lines)
        self.assertEqual(planned[-1], f"{adds} to add, {changes} to change, {removes} to remove")
        applied = self.ok(*args, "apply", "-f", name, *prune, env=env).out.splitlines()
        self.assertEqual(applied[:-1], lines)
        self.assertEqual(applied[-1], f"{adds} added, {changes} changed, {removes} removed")
        before = self.state()
        self.assertEqual(self.plan(*args, "plan", "-f", name, *prune, changes=False, env=env),
                         ["0 to add, 0 to change, 0 to remove"])
        self.assertEqual(self.ok(*args, "apply", "-f", name, *prune, env=env).out,
                         "0 added, 0 changed, 0 removed\n")
        self.assertEqual(self.state(), before)

    def client_id(self, name="orders-reader"):
        clients = self.ok("client", "list", "--org", CONSUMER, "--name", name, "--json").json()
        self.assertEqual(len(clients), 1, clients)
        return clients[0]["client_id"]

    def the_cycle(self):
        """Scopes with access, a client with a key, a delegation; a field and an
        access list changed and back; a key rotated; a client pruned; the
        consumer's export applies as no change. Returns the client's id and kid."""
        self.write("provider.yaml", PROVIDER_FILE)
        self.cycle(PROVIDER, "provider.yaml", [
            "+ scope acme:orders.read",
            "+ scope acme:deleg",
            f"+ access acme:orders.read {CONSUMER}",
            f"+ access acme:deleg {CONSUMER}",
        ])
        scope = self.ok("scope", "show", "acme:orders.read", "--json").json()
        self.assertEqual((scope["at_max_age"], scope["visibility"]), (300, "PUBLIC"))

        kid = self.key("orders-reader")
        self.write("consumer.yaml", consumer_file(["keys/orders-reader.pub.pem"]))
        self.cycle(CONSUMER, "consumer.yaml", [
            f"+ client {CONSUMER}/orders-reader",
            f"+ key {CONSUMER}/orders-reader {kid}",
            f"+ delegation acme:deleg {CONSUMER} {SUPPLIER}",
        ])
        client_id = self.client_id()
        client = self.ok("client", "show", client_id, "--json").json()
        self.assertEqual((client["scopes"], client["access_token_lifetime"]),
                         (["acme:orders.read"], 60))
        self.ok("token", "--client-id", client_id, "--key", "keys/orders-reader.pem",
                "--scope", "acme:orders.read", "--no-cache")

        # A field changed, and an org's list: exactly those.
        self.write("provider.yaml", PROVIDER_FILE.replace("at_max_age: 300", "at_max_age: 60")
                   .replace(f'access: ["{CONSUMER}"]', f'access: ["{OTHER}"]'))
        self.cycle(PROVIDER, "provider.yaml", [
            "~ scope acme:orders.read: at_max_age",
            f"+ access acme:orders.read {OTHER}",
            f"- access acme:orders.read {CONSUMER}",
        ])
        self.write("provider.yaml", PROVIDER_FILE)
        self.cycle(PROVIDER, "provider.yaml", [
            "~ scope acme:orders.read: at_max_age",
            f"+ access acme:orders.read {CONSUMER}",
            f"- access acme:orders.read {OTHER}",
        ])

        # A key rotates by editing the file: the new one in, the old one out.
        new_kid = self.key("orders-reader-2")
        self.write("consumer.yaml", consumer_file(["keys/orders-reader-2.pub.pem"]))
        self.cycle(CONSUMER, "consumer.yaml", [
            f"+ key {CONSUMER}/orders-reader {new_kid}",
            f"- key {CONSUMER}/orders-reader {kid}",
        ])
        keys = self.ok("client", "keys", "list", client_id, "--json").json()["keys"]
        self.assertEqual([k["kid"] for k in keys], [new_kid])
        self.assertEqual(self.client_id(), client_id)  # the same client
        self.ok("token", "--client-id", client_id, "--key", "keys/orders-reader-2.pem",
                "--scope", "acme:orders.read", "--no-cache")

        # A system of the consumer's, with its client by name, and the system
        # users a customer (here the provider) approves for it.
        system = f"{CONSUMER}_orders"
        vendor_file = f"""systems:
  - id: {system}
    name: Orders
    description: {{nb: Ordrar, en: Orders}}
    clients: [orders-reader]
"""
        self.write("vendor.yaml", vendor_file)
        self.cycle(CONSUMER, "vendor.yaml", [f"+ system {system}"])
        shown = self.ok("system", "show", system, "--json").json()
        self.assertEqual((shown["clientId"], shown["name"], shown["description"]),
                         ([client_id], {"nb": "Orders", "nn": "Orders", "en": "Orders"},
                          {"nb": "Ordrar", "en": "Orders"}))
        users = [f"  - {{system: {system}, customer: \"{PROVIDER}\"}}\n",
                 f"  - {{system: {system}, customer: {PROVIDER}, external_ref: dept-2}}\n"]
        self.write("customer.yaml", "systemusers:\n" + "".join(users))
        self.cycle(PROVIDER, "customer.yaml", [f"+ systemuser {system} {PROVIDER}",
                                               f"+ systemuser {system} {PROVIDER} dept-2"])
        self.write("customer.yaml", "systemusers:\n" + users[0])
        self.cycle(PROVIDER, "customer.yaml", [f"- systemuser {system} {PROVIDER} dept-2"],
                   prune=["--prune"])
        refs = [(u["externalRef"], not u["isDeleted"]) for u in
                self.ok("systemuser", "list", "--inactive", "--json").json()]
        self.assertEqual(sorted(refs), sorted([("dept-2", False), (PROVIDER, True)]))
        self.write("vendor.yaml", vendor_file.replace("name: Orders",
                                                      "name: {nb: Ordrar, en: Orders}"))
        self.cycle(CONSUMER, "vendor.yaml", [f"~ system {system}: name"])
        # A system renamed (a new id) takes its client along: the old one, left
        # out, is deactivated first.
        self.write("vendor.yaml", vendor_file.replace(f"id: {system}", f"id: {system}-2"))
        self.cycle(CONSUMER, "vendor.yaml", [f"- system {system}", f"+ system {system}-2"],
                   prune=["--prune"])
        self.assertEqual(self.ok("system", "show", f"{system}-2", "--json").json()["clientId"],
                         [client_id])
        system += "-2"

        # A client the file leaves out stays without --prune, goes with it.
        spare = (f"  - {{org: {CONSUMER}, name: spare, scopes: [acme:deleg], keys: "
                 f"[keys/orders-reader-2.pub.pem]}}\n")
        self.write("consumer.yaml", consumer_file(["keys/orders-reader-2.pub.pem"], spare))
        self.cycle(CONSUMER, "consumer.yaml", [
            f"+ client {CONSUMER}/spare",
            f"+ key {CONSUMER}/spare {new_kid}",
        ])
        spare_id = self.client_id("spare")
        self.write("consumer.yaml", consumer_file(["keys/orders-reader-2.pub.pem"]))
        args, env = self.acting(CONSUMER)
        self.assertEqual(self.plan(*args, "plan", "-f", "consumer.yaml", changes=False,
                                   env=env)[-1], "0 to add, 0 to change, 0 to remove")
        self.cycle(CONSUMER, "consumer.yaml", [f"- client {CONSUMER}/spare"], prune=["--prune"])
        self.assertFalse(self.ok("client", "show", spare_id, "--json").json()["active"])
        # --prune stays within what the file speaks for: the provider's scopes, the
        # supplier's nothing.
        self.assertEqual(len(self.ok("scope", "list", "--json").json()), 6)

        # The consumer's export applies as no change.
        self.ok(*args, "export", "-o", "export.yaml", env=env)
        exported = self.read("export.yaml")
        self.assertIn(f'org: "{CONSUMER}"', exported)
        self.assertIn(f"kid: {new_kid}", exported.replace('"', ""))
        self.assertNotIn("name: spare", exported)
        self.assertIn(f"- id: {system}\n", exported)
        self.assertIn("clients: [orders-reader]", exported)
        self.plan(*args, "plan", "-f", "export.yaml", "--prune", changes=False, env=env)
        return client_id, new_kid


class Apply(Cycle, MpctlTestCase):
    def test_the_cycle_twice_rotation_prune_and_export(self):
        self.bootstrap()
        self.the_cycle()
        # The operator's whole export too.
        self.ok("export", "-o", "all.yaml")
        self.assertIn("prefixes:", self.read("all.yaml"))
        self.assertNotIn("idporten", self.read("all.yaml"))
        self.cycle(None, "all.yaml", [], prune=["--prune"])
        # JSON too, and never over an existing file without --force.
        self.ok("--json", "export", "-o", "all.json")
        self.plan("plan", "-f", "all.json", "--prune", changes=False)
        self.fails("export", "-o", "all.json", code="conflict", says="exists already")
        self.ok("export", "-o", "all.json", "--force")
        printed = self.ok("export", "--json").json()
        self.assertEqual([c["name"] for c in printed["clients"]], ["orders-reader"])

    def test_the_operator_file_with_prefixes_and_the_admin_scopes(self):
        self.ok("init", "--issuer", "https://mp.test/")
        self.ok("access", "grant", "idporten:dcr.write", CONSUMER)
        self.write("all.yaml", f"""prefixes:
  - {{prefix: acme, owner: 910753614}}
scopes:
  - {{name: acme:x, description: X, access: [{CONSUMER}]}}
  - {{name: idporten:dcr.write, access: [{CONSUMER}, {SUPPLIER}]}}
""")
        self.cycle(None, "all.yaml", [
            "+ prefix acme",
            "+ scope acme:x",
            f"+ access acme:x {CONSUMER}",
            f"+ access idporten:dcr.write {SUPPLIER}",
        ], prune=["--prune"])
        # --prune never deactivates the admin scopes that init made.
        admin = [s for s in self.ok("scope", "list", "--json").json()
                 if s["name"].startswith("idporten:")]
        self.assertEqual(len(admin), 4)
        exported = self.ok("export").out
        self.assertIn("- name: idporten:dcr.write\n    access:", exported)
        self.assertNotIn("idporten:dcr.read", exported)
        self.assertIn('owner: "910753614"', exported)

    def test_plan_as_json(self):
        self.bootstrap()
        self.write("provider.yaml", PROVIDER_FILE)
        r = self.run_mpctl("--as", PROVIDER, "--json", "plan", "-f", "provider.yaml")
        self.assertEqual(r.code, 7, r.err)
        plan = json.loads(r.out)
        self.assertEqual(plan["changes"][0],
                         {"op": "add", "kind": "scope", "id": "acme:orders.read", "fields": []})
        self.assertEqual(plan["summary"], {"add": 4, "change": 0, "remove": 0})
        applied = self.ok("--as", PROVIDER, "--json", "apply", "-f", "provider.yaml").json()
        self.assertEqual(applied, plan)
        r = self.run_mpctl("--as", PROVIDER, "--json", "plan", "-f", "provider.yaml")
        self.assertEqual((r.code, json.loads(r.out)["changes"]), (0, []))
        # Standard input, as a pipe in CI.
        r = self.run_mpctl("--as", PROVIDER, "plan", "-f", "-", stdin=PROVIDER_FILE)
        self.assertEqual((r.code, r.out), (0, "0 to add, 0 to change, 0 to remove\n"))

    def test_refusals_leave_the_store_alone(self):
        self.bootstrap()
        self.write("provider.yaml", PROVIDER_FILE)
        self.ok("--as", PROVIDER, "apply", "-f", "provider.yaml")
        self.key("k")
        before = self.dump()
        bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi"))
        cases = [
            ("unknown field", CONSUMER,
             f"clients:\n  - {{org: \"{CONSUMER}\", name: orders-reader, scope: [acme:x]}}\n",
             f'r.yaml: clients[1] ({CONSUMER}/orders-reader): unknown field "scope" '
             '(did you mean "scopes"?)'),
            ("bad org number", CONSUMER,
             "clients:\n  - {org: 910000001, name: c}\n",
             "r.yaml: clients[1] (910000001/c): org: "),
            ("a scope the org does not own", CONSUMER,
             "scopes:\n  - {name: acme:mine, description: d}\n",
             f'r.yaml: scopes[1] (acme:mine): cannot create scope acme:mine: prefix "acme" '
             f"belongs to org {PROVIDER}, not to org {CONSUMER}"),
            ("not YAML", CONSUMER, "clients: [a, b\nscopes: {\n",
             "r.yaml: line 2, column 7: not valid YAML: end of sequence flow not found"),
            ("a missing key file", CONSUMER,
             f"clients:\n  - {{org: {CONSUMER}, name: c, keys: [keys/nope.pem]}}\n",
             f'r.yaml: clients[1] ({CONSUMER}/c): keys[1]: cannot read key file "keys/nope.pem"'),
            ("an alias bomb", CONSUMER, bomb,
             "r.yaml: line 1, column 4: anchors (&name) are not allowed"),
            ("a private key", CONSUMER,
             f"clients:\n  - {{org: {CONSUMER}, name: c, keys: [keys/k.pem]}}\n",
             f"r.yaml: clients[1] ({CONSUMER}/c): keys[1]: cannot read key file \"keys/k.pem\""),
            # A refusal in the middle of a plan: the client before it is not registered.
            ("a client of a scope not granted", CONSUMER,
             f"clients:\n  - {{org: {CONSUMER}, name: first}}\n"
             f"  - {{org: {CONSUMER}, name: second, scopes: [acme:nope]}}\n",
             f"r.yaml: clients[2] ({CONSUMER}/second): org {CONSUMER} has not been granted "
             "scope acme:nope"),
            ("an org's entry applied as another", SUPPLIER,
             f"clients:\n  - {{org: {CONSUMER}, name: c}}\n",
             f"r.yaml: clients[1] ({CONSUMER}/c): org {SUPPLIER} may not register clients for "
             f"org {CONSUMER}"),
            ("a system's client that is not there", CONSUMER,
             f"systems:\n  - {{id: {CONSUMER}_s, clients: [nope]}}\n",
             f'r.yaml: systems[1] ({CONSUMER}_s): clients[1]: org {CONSUMER} has no active '
             'client named "nope"'),
            ("a system name in another language", CONSUMER,
             f"systems:\n  - {{id: {CONSUMER}_s, name: {{de: Hallo}}}}\n",
             f'r.yaml: systems[1] ({CONSUMER}_s): name: invalid name language "de": use nb, nn '
             "or en"),
            ("a system id without its vendor", CONSUMER, "systems:\n  - {id: payroll}\n",
             'r.yaml: systems[1] (payroll): id: "payroll" must be a system id, '
             "<vendor orgno>_<name>"),
            ("another vendor's system", CONSUMER, f"systems:\n  - {{id: {SUPPLIER}_s}}\n",
             f"r.yaml: systems[1] ({SUPPLIER}_s): org {CONSUMER} may not register systems for "
             f"org {SUPPLIER}"),
            ("a system user of another customer", CONSUMER,
             f"systemusers:\n  - {{system: {CONSUMER}_s, customer: {SUPPLIER}}}\n",
             f"r.yaml: systemusers[1] ({CONSUMER}_s {SUPPLIER}): org {CONSUMER} may not create "
             f"system users for org {SUPPLIER}"),
        ]
        for what, as_org, text, says in cases:
            with self.subTest(what):
                self.write("r.yaml", text)
                for command in ("plan", "apply"):
                    if command == "plan" and what in ("a scope the org does not own",
                                                      "a client of a scope not granted",
                                                      "an org's entry applied as another",
                                                      "another vendor's system",
                                                      "a system user of another customer"):
                        continue  # core's rules say no when the change is made
                    self.fails("--as", as_org, command, "-f", "r.yaml", code="refused",
                               says=says)
                self.assertEqual(self.dump(), before)
        # Two active clients of one name (a rename makes them; the API accepts them):
        # the file cannot name either.
        first = self.ok("client", "register", "--org", CONSUMER, "--name", "twin",
                        "--output", "id").out.strip()
        second = self.ok("client", "register", "--org", CONSUMER, "--name", "other",
                         "--output", "id").out.strip()
        self.ok("client", "update", second, "--name", "twin")
        self.write("r.yaml", f"clients:\n  - {{org: {CONSUMER}, name: twin}}\n")
        before = self.dump()
        for command in ("plan", "apply"):
            self.fails(command, "-f", "r.yaml", code="conflict",
                       says=[first, second, "the file cannot name one of them"])
        self.assertEqual(self.dump(), before)

    def test_usage(self):
        self.fails("plan", code="usage", says="is required")
        self.ok("init")
        self.fails("plan", "-f", "nope.yaml", code="fault", says="nope.yaml")


class ApplyOnServer(Cycle, ServersTestCase):
    """The same cycle against `mpctl serve`: the operator bootstraps each org with
    `mpctl org add`, and each org's CI applies its file as its admin client
    (MPCTL_SERVER, MPCTL_CLIENT_ID, MPCTL_KEY), through the self-service API."""

    def setUp(self):
        super().setUp()
        self.bootstrap()
        self.server = self.serve()
        self.admins = {}
        for org in (PROVIDER, CONSUMER):
            self.ok("key", "generate", "--type", "ec", "--out", f"admin-{org}.pem")
            jwk = self.ok("key", "jwk", f"admin-{org}.pem").out
            admin_id = self.ok("org", "add", org, "--admin-key", "-", "--output", "id",
                               stdin=jwk).out.strip()
            self.admins[org] = dict(self.env, MPCTL_SERVER=self.server.url,
                                    MPCTL_CLIENT_ID=admin_id,
                                    MPCTL_KEY=self.path(f"admin-{org}.pem"))

    def acting(self, org):
        return [], self.admins[org]

    def test_the_cycle_twice_rotation_prune_and_export(self):
        self.the_cycle()
        # Every change went through the API, as the org's admin client.
        with open(self.server.access_log) as f:
            calls = [json.loads(line) for line in f]
        made = {(c["method"], re.sub(r"/[0-9a-f-]{36}|/\d{9}", "/ID", c["path"]))
                for c in calls if c["status"] == 200}
        for call in [("POST", "/api/v1/scopes"), ("PUT", "/api/v1/scopes"),
                     ("PUT", "/api/v1/scopes/access/ID"), ("DELETE", "/api/v1/scopes/access/ID"),
                     ("POST", "/api/v1/clients"), ("PUT", "/api/v1/clients/ID/jwks"),
                     ("DELETE", "/api/v1/clients/ID"), ("POST", "/api/v1/delegations"),
                     ("POST", "/api/v1/systemregister/vendor"),
                     ("PUT", "/api/v1/systemregister/vendor/ID_orders"),
                     ("DELETE", "/api/v1/systemregister/vendor/ID_orders"),
                     ("POST", "/api/v1/systemuser"), ("DELETE", "/api/v1/systemuser/ID")]:
            self.assertIn(call, made)
        # The admin token came from the cache after each org's first command:
        # one grant per org for the whole cycle.
        self.assertEqual(sum(c["path"] == "/token" for c in calls), 2)

    def test_a_refusal_names_the_entry_and_the_server(self):
        self.write("r.yaml", "scopes:\n  - {name: acme:mine, description: d}\n")
        r = self.fails("apply", "-f", "r.yaml", code="refused",
                       says=["r.yaml: scopes[1] (acme:mine): cannot create scope acme:mine",
                             f"(HTTP 403 from POST {self.server.url}api/v1/scopes)"],
                       env=self.admins[CONSUMER])
        self.assertEqual(self.ok("scope", "list", "--json").json()[4:], [])
        # Prefixes are the operator's: no API adds one.
        self.write("p.yaml", f"prefixes:\n  - {{prefix: other, owner: {CONSUMER}}}\n")
        self.fails("apply", "-f", "p.yaml", code="refused",
                   says="a server's API adds no prefixes", env=self.admins[CONSUMER])


class Schema(MpctlTestCase):
    """docs/registry.schema.json describes what the parser takes: the same fields
    in each part, and an example file and an export are valid under it."""

    def known(self, text):
        self.ok("init")
        with open(self.path("r.yaml"), "w") as f:
            f.write(text)
        r = self.run_mpctl("plan", "-f", "r.yaml")
        self.assertEqual(r.code, EXIT["refused"], r.err)
        found = re.search(r"\(known: ([a-z_, ]+)\)", r.err)
        self.assertTrue(found, r.err)
        return found.group(1).split(", ")

    def test_the_schema_has_the_fields_the_parser_takes(self):
        with open(SCHEMA) as f:
            schema = json.load(f)
        defs = schema["$defs"]
        parts = {
            "zzzzzzzz: 1\n": schema,
            "prefixes:\n  - {zzzzzzzz: 1}\n": defs["prefix"],
            "scopes:\n  - {zzzzzzzz: 1}\n": defs["scope"],
            "clients:\n  - {zzzzzzzz: 1}\n": defs["client"],
            "delegations:\n  - {zzzzzzzz: 1}\n": defs["delegation"],
            "systems:\n  - {zzzzzzzz: 1}\n": defs["system"],
            "systemusers:\n  - {zzzzzzzz: 1}\n": defs["systemuser"],
        }
        for text, part in parts.items():
            with self.subTest(text):
                self.assertEqual(self.known(text), list(part["properties"]))
                self.assertFalse(part["additionalProperties"])

    @unittest.skipUnless(shutil.which("node") and os.path.isdir(AJV),
                         "node and tests/openapi's npm packages (scripts/install-deps)")
    def test_an_example_and_an_export_are_valid(self):
        self.ok("init")
        self.ok("prefix", "add", "acme", PROVIDER)
        with open(self.path("provider.yaml"), "w") as f:
            f.write(PROVIDER_FILE)
        self.ok("--as", PROVIDER, "apply", "-f", "provider.yaml")
        self.ok("key", "generate", "--type", "rsa", "--out", "k.pem")
        jwk = self.ok("key", "jwk", "k.pem").out
        with open(self.path("k.jwk"), "w") as f:
            f.write(jwk)
        example = {
            "orgs": [CONSUMER],
            "clients": [{"org": CONSUMER, "name": "c", "description": "d",
                         "scopes": ["acme:orders.read"], "access_token_lifetime": 120,
                         "keys": ["k.jwk", json.loads(jwk)]}],
            "delegations": [{"scope": "acme:deleg", "consumer": CONSUMER,
                             "supplier": SUPPLIER}],
            "systems": [{"id": f"{CONSUMER}_c", "name": {"nb": "C", "en": "C"},
                         "description": "d", "clients": ["c"], "visible": False}],
            "systemusers": [{"system": f"{CONSUMER}_c", "customer": SUPPLIER,
                             "external_ref": "r"}],
        }
        with open(self.path("example.json"), "w") as f:
            json.dump(example, f)
        # The example is one mpctl takes: key file and inline key are the same key.
        self.fails("plan", "-f", "example.json", code="refused", says="is in keys[1] already")
        example["clients"][0]["keys"] = ["k.jwk"]
        with open(self.path("example.json"), "w") as f:
            json.dump(example, f)
        self.ok("apply", "-f", "example.json")
        with open(self.path("export.json"), "w") as f:
            f.write(self.ok("--json", "export").out)
        bad = dict(example, clients=[dict(example["clients"][0], scope=["x"])])
        script = f"""
import Ajv2020 from {json.dumps(os.path.join(AJV, "dist", "2020.js"))};
import fs from 'node:fs';
const ajv = new Ajv2020({{strict: true, allowUnionTypes: true, strictRequired: false,
                         allErrors: true}});
const validate = ajv.compile(JSON.parse(fs.readFileSync({json.dumps(SCHEMA)}, 'utf8')));
const out = {{}};
for (const name of ['example.json', 'export.json']) {{
  out[name] = validate(JSON.parse(fs.readFileSync(name, 'utf8'))) || validate.errors;
}}
out.bad = validate({json.dumps(bad)});
console.log(JSON.stringify(out));
"""
        r = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True,
                           text=True, cwd=self.tmp, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout), {"example.json": True, "export.json": True,
                                                "bad": False})


if __name__ == "__main__":
    unittest.main()
