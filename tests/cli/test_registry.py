# SPDX-License-Identifier: Apache-2.0
"""The registry's life cycle through the CLI, and every refusal leaving the store alone."""
import datetime
import os
import stat
import unittest

from cli_support import CONSUMER, OTHER, PROVIDER, SUPPLIER, MpctlTestCase


class LifeCycle(MpctlTestCase):
    def test_init_creates_a_private_store_with_admin_scopes(self):
        r = self.ok("init", "--issuer", "https://mp.test", "--json").json()
        self.assertEqual(r["issuer"], "https://mp.test/")
        self.assertEqual(r["signing_key"]["alg"], "RS256")
        self.assertNotIn("private_pem", r["signing_key"])
        self.assertEqual(stat.S_IMODE(os.stat(self.db).st_mode), 0o700)
        scopes = {s["name"]: s for s in self.ok("scope", "list", "--json").json()}
        for name in ("idporten:scopes.write", "idporten:dcr.read", "idporten:dcr.write",
                     "idporten:dcr.modify"):
            self.assertEqual(scopes[name]["visibility"], "PRIVATE")
        # Again with the same settings: done already, nothing changed. With
        # other settings: refused, naming each that differs.
        before = self.dump()
        again = self.ok("init", "--issuer", "https://mp.test/")
        self.assertIn("the store is initialised already with issuer https://mp.test/; "
                      "nothing to do", again.out)
        self.assertEqual(self.dump(), before)
        self.fails("init", "--issuer", "https://other.test/", "--alg", "ES256", code="conflict",
                   says="the store is initialised already, and the issuer is https://mp.test/, "
                   "not https://other.test/; the signing key is RS256, not ES256")
        self.assertEqual(self.dump(), before)

    def test_store_location_follows_db_then_env_then_xdg(self):
        xdg = self.path("xdg")
        env = dict(self.env, XDG_DATA_HOME=xdg)
        env.pop("MPCTL_DB")
        self.assertEqual(self.run_mpctl("init", env=env).code, 0)
        self.assertTrue(os.path.exists(os.path.join(xdg, "mpctl", "data.mdb")))
        explicit = self.path("explicit")
        self.ok("--db", explicit, "init")
        self.assertTrue(os.path.exists(os.path.join(explicit, "data.mdb")))
        self.assertFalse(os.path.exists(self.db))

    def test_whole_life_cycle(self):
        client_id = self.demo_registry()

        # Scopes: list, show, update, the JSON fields of docs/http-api.md.
        scope = self.ok("scope", "show", "skatt:melding", "--json").json()
        for field in ("name", "prefix", "subscope", "description", "long_description",
                      "owner_orgno", "token_type", "at_max_age", "visibility",
                      "accessible_for_all", "delegation_source", "allowed_integration_types",
                      "active", "created", "last_updated"):
            self.assertIn(field, scope)
        self.assertEqual(scope["owner_orgno"], PROVIDER)
        updated = self.ok("scope", "update", "skatt:melding", "--at-max-age", "60",
                          "--token-type", "OPAQUE", "--json").json()
        self.assertEqual(updated["at_max_age"], 60)
        self.assertEqual(updated["token_type"], "OPAQUE")
        self.assertEqual(updated["delegation_source"], "https://altinn.test")
        table = self.ok("scope", "list").out.splitlines()
        self.assertTrue(table[0].startswith("SCOPE"))
        self.assertEqual(len({line.index("OWNER") for line in table[:1]}), 1)

        # Access, both ways.
        access = self.ok("access", "list", "skatt:melding", "--json").json()
        self.assertEqual([(a["consumer_orgno"], a["state"]) for a in access],
                         [(CONSUMER, "APPROVED")])
        mine = self.ok("--as", CONSUMER, "access", "list", "--consumer", CONSUMER, "--json").json()
        self.assertEqual([a["scope"] for a in mine], ["skatt:melding"])

        # Client and keys.
        client = self.ok("client", "show", client_id, "--json").json()
        self.assertEqual(client["client_orgno"], CONSUMER)
        self.assertEqual(client["scopes"], ["skatt:melding"])
        self.assertEqual(client["access_token_lifetime"], 120)
        self.ok("key", "generate", "--type", "ec", "--out", "client.pem")
        jwk = self.ok("key", "jwk", "client.pem").out
        keys = self.ok("client", "keys", "add", client_id, "--key", "-", "--json", stdin=jwk).json()
        self.assertEqual(len(keys["keys"]), 1)
        kid = keys["keys"][0]["kid"]
        self.assertEqual(kid, self.ok("key", "thumbprint", "client.pem").out.strip())
        listed = self.ok("client", "keys", "list", client_id, "--json").json()["keys"]
        self.assertEqual(listed[0]["use"], "sig")
        created = datetime.datetime.fromisoformat(listed[0]["created"].replace("Z", "+00:00"))
        self.assertEqual(listed[0]["exp"] - int(created.timestamp()), 365 * 86400)
        self.assertEqual(listed[0]["last_updated"], listed[0]["created"])
        self.ok("client", "update", client_id, "--name", "payroll-2", "--lifetime", "60")
        self.assertEqual(self.ok("client", "show", client_id, "--json").json()["client_name"],
                         "payroll-2")
        self.ok("client", "keys", "remove", client_id, "--", kid)  # a kid may start with "-"
        self.assertEqual(self.ok("client", "keys", "list", client_id, "--json").json()["keys"], [])

        # Delegation.
        d = self.ok("--as", CONSUMER, "delegation", "add", "--scope", "skatt:melding",
                    "--supplier", SUPPLIER, "--json").json()
        self.assertEqual(d["delegation_source"], "https://altinn.test")
        received = self.ok("--as", SUPPLIER, "delegation", "list", "--json").json()
        self.assertEqual([x["id"] for x in received], [d["id"]])
        self.ok("--as", CONSUMER, "delegation", "remove", d["id"])
        self.assertEqual(self.ok("delegation", "list", "--json").json(), [])
        self.assertEqual(len(self.ok("delegation", "list", "--inactive", "--json").json()), 1)

        # Nothing is deleted: deactivated things stay, and cannot be created again.
        self.ok("client", "deactivate", client_id)
        self.assertFalse(self.ok("client", "show", client_id, "--json").json()["active"])
        denied = self.ok("access", "revoke", "skatt:melding", CONSUMER, "--json").json()
        self.assertEqual(denied["state"], "DENIED")
        self.assertEqual(self.ok("access", "revoke", "skatt:melding", CONSUMER, "--json").json(),
                         denied)  # again: nothing changes
        self.ok("scope", "deactivate", "skatt:les")
        self.ok("scope", "deactivate", "skatt:les")  # again: nothing changes
        self.assertNotIn("skatt:les", [s["name"] for s in self.ok("scope", "list", "--json").json()])
        self.assertIn("skatt:les",
                      [s["name"] for s in self.ok("scope", "list", "--inactive", "--json").json()])
        self.fails("scope", "create", "skatt:les", "--description", "again",
                   code="conflict", says="deactivated; it cannot be created again")
        self.fails("scope", "update", "skatt:les", "--description", "changed",
                   code="conflict", says="scope skatt:les is deactivated")
        # A scope comes back with activate, as the API's PUT with "active": true.
        self.assertTrue(self.ok("scope", "activate", "skatt:les", "--json").json()["active"])
        self.assertIn("skatt:les", [s["name"] for s in self.ok("scope", "list", "--json").json()])
        # What the operator deactivated, only the operator activates.
        self.fails("--as", CONSUMER, "client", "activate", client_id,
                   code="refused", says="was deactivated by the operator; only the operator may activate it")
        self.assertTrue(self.ok("client", "activate", client_id, "--json").json()["active"])
        self.ok("--as", CONSUMER, "client", "deactivate", client_id)
        self.assertTrue(self.ok("--as", CONSUMER, "client", "activate", client_id,
                                "--json").json()["active"])

    def test_signing_key_rotation(self):
        self.ok("init")
        first = self.ok("signing-key", "list", "--json").json()
        new = self.ok("signing-key", "rotate", "--alg", "ES256", "--json").json()
        keys = self.ok("signing-key", "list", "--json").json()
        self.assertEqual([k["kid"] for k in keys], [new["kid"], first[0]["kid"]])
        self.assertTrue(keys[0]["active"])
        self.assertFalse(keys[1]["active"])
        self.assertGreater(keys[1]["publish_until"], keys[1]["retired"])
        self.assertRegex(self.ok("signing-key", "list").out,
                         r"  retired  \S+  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n")

    def test_trust_a_ca(self):
        self.ok("init")
        self.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
                     "-subj", "/CN=Test CA/O=mpctl")
        added = self.ok("trust", "add", "ca.pem", "--json").json()
        self.assertEqual(len(added), 1)
        self.assertIn("CN=Test CA", added[0]["subject"])
        self.fails("trust", "add", "ca.pem", code="conflict", says="is trusted already")
        self.assertEqual(len(self.ok("trust", "list", "--json").json()), 1)
        self.ok("trust", "remove", added[0]["fingerprint"][:12])
        self.assertEqual(self.ok("trust", "list", "--json").json(), [])
        # A leaf certificate is no trust anchor.
        self.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-nodes", "-keyout", "leaf.key", "-out", "leaf.pem", "-days", "30",
                     "-subj", "/CN=leaf", "-addext", "basicConstraints=critical,CA:FALSE")
        self.fails("trust", "add", "leaf.pem", code="refused", says=["leaf.pem", "is not a CA certificate"])


class Refusals(MpctlTestCase):
    """Every refusal exits with its class's code, names the input, and leaves the store as
    it was."""

    def setUp(self):
        super().setUp()
        self.client_id = self.demo_registry()

    def refused(self, *args, says, stdin=None, code="refused"):
        before = self.dump()
        self.fails(*args, stdin=stdin, says=says, code=code)
        self.assertEqual(self.dump(), before, f"store changed by refused: mpctl {' '.join(args)}")

    def test_bad_org_number(self):
        # A malformed value is a usage mistake (exit 2), caught before the store is opened.
        self.refused("access", "grant", "skatt:melding", "910000005", code="usage",
                     says='orgno: invalid organisation number "910000005"')
        self.refused("client", "register", "--org", "12345", "--name", "x", code="usage",
                     says='--org: invalid organisation number "12345": must be exactly 9 digits')

    def test_bad_scope_name(self):
        self.refused("scope", "create", "skatt:Bad//name", "--description", "x", code="usage",
                     says='invalid scope name "skatt:Bad//name"')
        self.refused("scope", "create", "noprefix", "--description", "x", code="usage",
                     says='invalid scope name "noprefix": must be prefix:subscope')

    def test_scope_under_another_orgs_prefix(self):
        self.refused("--as", OTHER, "scope", "create", "skatt:mine", "--description", "x",
                     says='prefix "skatt" belongs to org 974761076, not to org 930000000')

    def test_client_with_ungranted_scope(self):
        self.refused("client", "register", "--org", CONSUMER, "--name", "x", "--scope",
                     "skatt:les", says="org 910000004 has not been granted access to scope skatt:les")
        self.refused("client", "update", self.client_id, "--scope", "skatt:les",
                     says="skatt:les")

    def test_1024_bit_rsa_key(self):
        self.openssl("genrsa", "-out", "weak.pem", "1024")
        self.openssl("rsa", "-in", "weak.pem", "-pubout", "-out", "weak.pub.pem")
        self.refused("client", "keys", "add", self.client_id, "--key", "weak.pub.pem",
                     says="is RSA 1024 bits; at least 2048 are required")

    def test_sixth_key(self):
        for i in range(5):
            self.ok("key", "generate", "--type", "ed25519", "--out", f"k{i}.pem")
            jwk = self.ok("key", "jwk", f"k{i}.pem").out
            self.ok("client", "keys", "add", self.client_id, "--key", "-", stdin=jwk)
        self.ok("key", "generate", "--type", "ed25519", "--out", "k5.pem")
        jwk = self.ok("key", "jwk", "k5.pem").out
        self.refused("client", "keys", "add", self.client_id, "--key", "-", stdin=jwk,
                     says="would have 6 keys; at most 5 are allowed")

    def test_key_expiry_is_shown_and_an_expired_key_is_mp_121(self):
        """--expires-at and --expires-in set a key's life; keys list says what is
        left and marks what is due within 30 days; a grant with an expired key is
        refused MP-121, as at Digdir."""
        def add(name, *life):
            self.ok("key", "generate", "--type", "ec", "--out", f"{name}.pem")
            self.ok("client", "keys", "add", self.client_id, "--key", "-", *life,
                    stdin=self.ok("key", "jwk", f"{name}.pem").out)
            return self.ok("key", "thumbprint", f"{name}.pem").out.strip()
        kids = {"year": add("year"), "hour": add("hour", "--expires-in", "60"),
                "soon": add("soon", "--expires-in-days", "12"),
                "past": add("past", "--expires-at", "2026-01-01")}
        rows = {line.split()[0]: line for line in
                self.ok("client", "keys", "list", self.client_id).out.splitlines()[1:]}
        self.assertRegex(rows[kids["year"]], r"  36[45] days$")
        self.assertRegex(rows[kids["hour"]], r"  (1 hour|60 minutes|59 minutes): renew$")
        self.assertRegex(rows[kids["soon"]], r"  1[12] days: renew$")
        self.assertRegex(rows[kids["past"]], r"2026-01-01T00:00:00Z  expired$")
        listed = self.ok("client", "keys", "list", self.client_id, "--json").json()["keys"]
        exp = {k["kid"]: k["exp"] for k in listed}
        self.assertEqual(exp[kids["past"]], 1767225600)
        r = self.run_mpctl("token", "--client-id", self.client_id, "--key", "past.pem",
                           "--scope", "skatt:melding", "--no-cache")
        self.assertEqual(r.code, 3, r.err)
        self.assertIn("MP-121", r.err)
        self.ok("token", "--client-id", self.client_id, "--key", "hour.pem", "--scope",
                "skatt:melding", "--no-cache")
        # A time, as ISO 8601 in UTC; the options exclude each other.
        for bad in (["--expires-at", "tomorrow"], ["--expires-at", "2026-13-01"],
                    ["--expires-at", "2026-02-30"],
                    ["--expires-in", "0"], ["--expires-in", "5", "--expires-in-days", "3"]):
            with self.subTest(bad=bad):
                self.fails("client", "keys", "add", self.client_id, "--key", "year.pem", *bad,
                           code="usage", says=bad[0])

    def test_private_key_is_never_stored(self):
        self.ok("key", "generate", "--out", "client.pem")
        self.refused("client", "keys", "add", self.client_id, "--key", "client.pem",
                     says=['"client.pem"', "private key"])
        self.ok("key", "generate", "--out", "client.jwk", "--jwk")
        self.refused("client", "keys", "add", self.client_id, "--key", "client.jwk",
                     says='private member "d"')

    def test_unknown_things(self):
        self.refused("scope", "show", "skatt:nope", code="not_found", says="scope skatt:nope does not exist")
        self.refused("client", "show", "not-a-uuid", code="usage",
                     says='invalid client id "not-a-uuid"')
        self.refused("client", "show", "123e4567-e89b-42d3-a456-426614174000",
                     code="not_found", says="does not exist")
        self.refused("--as", OTHER, "client", "show", self.client_id, code="not_found", says="does not exist")

    def test_a_value_starting_with_a_dash_is_refused_before_it_can_mean_help(self):
        # "-hx..." would otherwise be read as -h: help printed, exit 0, nothing done.
        r = self.run_mpctl("client", "keys", "remove", "3f1c0e9e-8d1b-4c2e-9a55-0d2b5c1e7a10",
                           "-hxjbDRKDheB12E")
        self.assertEqual(r.code, 2)
        self.assertEqual(r.out, "")
        self.assertIn('"-hxjbDRKDheB12E" is not an option', r.err)
        self.assertIn("-- -hxjbDRKDheB12E", r.err)

    def test_usage_errors_exit_2(self):
        before = self.dump()
        self.fails("scope", "frobnicate", code="usage")
        self.fails("scope", "create", "skatt:x", code="usage", says="--description")
        self.fails("key", "generate", "--type", "dsa", "--out", "x.pem", code="usage")
        self.assertEqual(self.dump(), before)

    def test_every_malformed_value_is_a_usage_error_that_names_its_option(self):
        # Each kind of value, in every place it is taken: exit 2, the option
        # named, the core's own words for what is wrong, nothing written.
        cid = self.client_id
        cases = [
            (["--as", "123", "scope", "list"], '--as: invalid organisation number "123"'),
            (["prefix", "add", "Skatt!", PROVIDER], 'prefix: invalid prefix "Skatt!"'),
            (["prefix", "add", "ok", "974761077"], "orgno: invalid organisation number"),
            (["access", "list", "--consumer", "x"], "--consumer: invalid organisation number"),
            (["access", "list", "nocolon"], 'scope: invalid scope name "nocolon"'),
            (["client", "register", "--org", CONSUMER, "--name", "n", "--scope", "A:b"],
             '--scope: invalid scope name "A:b"'),
            (["client", "register", "--org", CONSUMER, "--name", "n", "--lifetime", "0"],
             "--lifetime: invalid access_token_lifetime 0"),
            (["client", "register", "--org", CONSUMER, "--name", "n", "--lifetime", "2m"],
             '--lifetime: "2m" is not a whole number in decimal'),
            (["client", "update", cid, "--lifetime", "86401"], "must be 1 to 86400 seconds"),
            (["client", "update", cid, "--scope", "skatt:"], '--scope: invalid scope name'),
            (["client", "list", "--org", "91000000"], "--org: invalid organisation number"),
            (["client", "keys", "remove", cid, "bad/kid"], 'kid: invalid kid "bad/kid"'),
            (["client", "keys", "add", cid, "--key", "k.pem", "--alg", "HS256"],
             "--alg: HS256 not in {RS256,"),
            (["client", "deactivate", cid[:-1]], "client_id: invalid client id"),
            (["delegation", "remove", "nope"], 'id: invalid delegation id "nope"'),
            (["delegation", "add", "--scope", "skatt:melding", "--consumer", CONSUMER,
              "--supplier", "1"], "--supplier: invalid organisation number"),
            (["scope", "create", "skatt:ny", "--description", "d", "--at-max-age", "-1"],
             "--at-max-age: invalid at_max_age -1"),
            (["scope", "update", "skatt:melding", "--integration-type", "soap"],
             "--integration-type: soap not in {maskinporten,"),
            (["init", "--issuer", "ftp://x/"], "--issuer: "),
            (["assertion", "sign", "--client-id", cid, "--key", "k.pem", "--scope", "a:b",
              "--aud", "not a url"], "--aud: "),
            (["assertion", "sign", "--client-id", cid, "--key", "k.pem", "--scope", "a:b",
              "--lifetime", "0"], "--lifetime: grant lifetime 0 s"),
            (["token", "--client-id", "x", "--key", "k.pem", "--scope", "a:b"],
             '--client-id: invalid client id "x"'),
            (["token", "--client-id", cid, "--key", "k.pem", "--scope", "a:b",
              "--consumer-org", "9"], "--consumer-org: invalid organisation number"),
            (["token", "inspect", "x.y.z", "--issuer", "https://x/?q"], "--issuer: "),
            (["audit", "--since", "yesterday"], "--since: invalid time"),
            (["client", "register", "--org", CONSUMER, "--name", "n", "--lifetime", "0120"],
             '--lifetime: "0120" is not a whole number in decimal'),
            (["serve", "--request-timeout", "inf"], "--request-timeout: must be a number above 0"),
            (["serve", "--idle-timeout", "1e300"], "--idle-timeout: must be a number above 0"),
            (["serve", "--listen", "127.0.0.1"], '--listen: "127.0.0.1" is not ADDRESS:PORT'),
            (["serve", "--listen", "127.0.0.1:http"], 'bad port "http"'),
        ]
        before = self.dump()
        for args, says in cases:
            with self.subTest(args=args):
                self.fails(*args, code="usage", says=says)
        self.assertEqual(self.dump(), before)
        # An environment variable in an option's place is checked the same way.
        env = dict(self.env, MPCTL_CLIENT_ID="not-a-client")
        r = self.run_mpctl("token", "--key", "k.pem", "--scope", "a:b", env=env)
        self.assertEqual(r.code, 2, r.err)
        self.assertIn('invalid client id "not-a-client"', r.err)

    def test_missing_options_that_depend_on_others_exit_2(self):
        self.fails("client", "register", "--name", "n", code="usage",
                   says="give the client's organisation with --org ORGNO")
        self.fails("delegation", "add", "--scope", "skatt:melding", "--supplier", SUPPLIER,
                   code="usage", says="give the delegating org with --consumer ORGNO")
        self.fails("access", "list", code="usage", says="give a scope, or --consumer ORGNO")
        # A well-formed command that fails exits with its class's code.
        self.fails("client", "show", "123e4567-e89b-42d3-a456-426614174000", code="not_found",
                   says="does not exist")
        self.fails("client", "keys", "add", self.client_id, "--key", "nosuch.pem", code="fault",
                   says="nosuch.pem")

    def test_unknown_commands_are_named_with_the_closest_one(self):
        self.fails("scope", "lst", code="usage", says='unknown command "lst"; did you mean "list"?')
        self.fails("--db", self.db, "clinet", "list", code="usage",
                   says='unknown command "clinet"; did you mean "client"?')
        self.fails("client", "keys", "ad", code="usage", says='did you mean "add"?')
        self.fails("frobnicate", code="usage", says='unknown command "frobnicate"; mpctl has: ')
        self.fails("client", "keys", code="usage",
                   says="mpctl client keys needs a command: add, list, remove")
        # A command's own mistakes keep CLI11's words.
        self.fails("scope", "create", "skatt:x", code="usage", says="--description is required")


class Reruns(MpctlTestCase):
    """A script that runs twice succeeds twice: removing or deactivating what is
    already gone exits 0, says so, and writes nothing."""

    def twice(self, *args, first, then):
        r = self.ok(*args)
        self.assertIn(first, r.out)
        self.assertNotIn("nothing to do", r.out)
        before = self.dump()
        r = self.ok(*args)
        self.assertIn(f"{then}; nothing to do", r.out)
        self.assertEqual(self.dump(), before, f"store changed by re-run: mpctl {' '.join(args)}")
        return r

    def test_every_removal_and_deactivation_may_run_again(self):
        self.demo_registry_with_key()
        cid = self.client_id
        self.ok("access", "grant", "skatt:les", SUPPLIER)
        self.twice("access", "revoke", "skatt:les", SUPPLIER,
                   first=f"org {SUPPLIER} may no longer use skatt:les",
                   then=f"org {SUPPLIER}'s access to scope skatt:les is revoked already")
        # Removing a key prints the keys left: none.
        self.assertIn(self.kid, self.ok("client", "keys", "list", cid).out)
        r = self.twice("client", "keys", "remove", cid, "--", self.kid, first="",
                       then=f'client {cid} has no key with kid "{self.kid}"')
        self.assertNotIn(self.kid, r.out.replace(f'kid "{self.kid}"', ""))
        delegation = self.ok("--as", CONSUMER, "delegation", "add", "--scope", "skatt:melding",
                             "--supplier", SUPPLIER, "--json").json()["id"]
        self.twice("--as", CONSUMER, "delegation", "remove", delegation,
                   first=f"removed delegation {delegation}",
                   then=f"delegation {delegation} is already removed")
        self.twice("client", "deactivate", cid, first=f"deactivated client {cid}",
                   then=f"client {cid} is deactivated already")
        # A prefix again to its owner too; to another it is a conflict.
        self.twice("prefix", "add", "acme", PROVIDER, first=f"prefix acme assigned to org {PROVIDER}",
                   then=f'prefix "acme" is assigned to org {PROVIDER} already')
        self.fails("prefix", "add", "acme", CONSUMER, code="conflict",
                   says=f'prefix "acme" is already assigned to org {PROVIDER}')
        self.twice("scope", "deactivate", "skatt:les", first="deactivated scope skatt:les",
                   then="scope skatt:les is deactivated already")

    def test_what_was_never_there_is_no_error_either_but_a_stranger_still_is(self):
        cid = self.demo_registry()
        before = self.dump()
        r = self.ok("access", "revoke", "skatt:les", OTHER)
        self.assertIn(f"org {OTHER} has no access to scope skatt:les to revoke; nothing to do",
                      r.out)
        r = self.ok("client", "keys", "remove", cid, "never-there")
        self.assertIn(f'client {cid} has no key with kid "never-there"; nothing to do', r.out)
        r = self.ok("trust", "remove", "abcdef0123")
        self.assertIn("no trusted CA has fingerprint abcdef0123; nothing to do", r.out)
        self.assertEqual(self.dump(), before)
        # What the command acts on must still exist, and be the actor's.
        self.fails("client", "keys", "remove", "123e4567-e89b-42d3-a456-426614174000", "k",
                   code="not_found", says="does not exist")
        self.fails("--as", OTHER, "access", "revoke", "skatt:les", CONSUMER, code="refused",
                   says="skatt")
        # With --json the answer is the thing as it is: a script reads the state.
        state = self.ok("--json", "access", "revoke", "skatt:les", OTHER).json()
        self.assertEqual(state["state"], "DENIED")


class RegisterAgain(MpctlTestCase):
    """A client's name is unique among its org's active clients, so a script that
    registers it on every deploy never makes a second one, nor hides a change."""

    def setUp(self):
        super().setUp()
        self.client_id = self.demo_registry()  # CONSUMER's "payroll", with skatt:melding
        self.ok("access", "grant", "skatt:les", CONSUMER)
        self.register = ["client", "register", "--org", CONSUMER, "--name", "payroll",
                         "--scope", "skatt:melding"]

    def test_a_second_client_of_the_name_is_refused(self):
        before = self.dump()
        self.fails(*self.register, code="conflict",
                   says=[f'org {CONSUMER} has an active client named "payroll" already '
                         f"({self.client_id})", "--if-absent", "--update-if-different"])
        self.assertEqual(self.dump(), before)
        # Another org, or another name, is another client.
        self.ok("client", "register", "--org", CONSUMER, "--name", "payroll-2",
                "--scope", "skatt:melding")
        # Once the first is deactivated, its name is free again.
        self.ok("client", "deactivate", self.client_id)
        self.ok(*self.register)

    def test_if_absent_prints_the_same_client_and_refuses_a_different_one(self):
        r = self.ok(*self.register, "--if-absent", "--output", "id")
        self.assertEqual(r.out.strip(), self.client_id)
        before = self.dump()
        self.fails(*self.register, "--scope", "skatt:les", "--if-absent", code="conflict",
                   says=f'client "payroll" ({self.client_id}) differs in scopes; '
                   "--update-if-different makes it so")
        self.fails(*self.register, "--lifetime", "300", "--description", "x", "--if-absent",
                   code="conflict", says="differs in description, access_token_lifetime")
        self.assertEqual(self.dump(), before)
        # Options not given are not held against it: the lifetime stays 120.
        self.ok("client", "update", self.client_id, "--lifetime", "300")
        self.assertEqual(self.ok(*self.register, "--if-absent", "--output", "id").out.strip(),
                         self.client_id)

    def test_update_if_different_converges(self):
        r = self.ok(*self.register, "--scope", "skatt:les", "--lifetime", "60",
                    "--update-if-different", "--json").json()
        self.assertEqual(r["client_id"], self.client_id)
        self.assertEqual(sorted(r["scopes"]), ["skatt:les", "skatt:melding"])
        self.assertEqual(r["access_token_lifetime"], 60)
        before = self.dump()
        again = self.ok(*self.register, "--scope", "skatt:les", "--lifetime", "60",
                        "--update-if-different", "--json").json()
        self.assertEqual(again, r)
        self.assertEqual(self.dump(), before, "a second run changed the store")
        self.fails(*self.register, "--if-absent", "--update-if-different", code="usage",
                   says="excludes")
        # No client of the name: it registers one.
        made = self.ok("client", "register", "--org", CONSUMER, "--name", "new",
                       "--scope", "skatt:melding", "--update-if-different", "--json").json()
        self.assertNotEqual(made["client_id"], self.client_id)

    def test_two_of_one_name_are_named_not_picked(self):
        # The API accepts a second client of a name, as Digdir does; an update
        # can give one too. Then no name picks one.
        other = self.ok("client", "register", "--org", CONSUMER, "--name", "other",
                        "--scope", "skatt:melding", "--output", "id").out.strip()
        self.ok("client", "update", other, "--name", "payroll")
        for flag in ("--if-absent", "--update-if-different"):
            with self.subTest(flag=flag):
                self.fails(*self.register, flag, code="conflict",
                           says=[f'org {CONSUMER} has 2 active clients named "payroll"',
                                 self.client_id, other])


class OrgAdd(MpctlTestCase):
    """The operator gives an org the self-service API in one step, and may run it
    again."""

    def setUp(self):
        super().setUp()
        self.ok("init", "--issuer", "https://mp.test/")
        self.ok("key", "generate", "--out", "admin.pem")
        with open(self.path("admin.jwk"), "w") as f:
            f.write(self.ok("key", "jwk", "admin.pem").out)

    def test_one_step_gives_the_admin_scopes_a_client_and_its_key(self):
        out = self.ok("org", "add", CONSUMER, "--admin-key", "admin.jwk", "--json").json()
        admin = ["idporten:scopes.write", "idporten:dcr.read", "idporten:dcr.write",
                 "idporten:dcr.modify"]
        self.assertEqual(sorted(out["scopes"]), sorted(admin))
        self.assertEqual(out["client_name"], "admin")
        cid = out["client_id"]
        # The key works: the client gets every admin scope, as the org's.
        who = self.ok("whoami", "--client-id", cid, "--key", "admin.pem", "--json").json()
        self.assertEqual(who["org"], CONSUMER)
        self.assertEqual(sorted(who["admin_scopes"]), sorted(admin))
        # Again: the same client, nothing changed.
        before = self.dump()
        again = self.ok("org", "add", CONSUMER, "--admin-key", "admin.jwk")
        self.assertIn(f"org {CONSUMER} has the self-service API already; nothing to do",
                      again.out)
        self.assertEqual(self.dump(), before)
        self.assertEqual(
            self.ok("org", "add", CONSUMER, "--admin-key", "admin.jwk", "--output", "id")
            .out.strip(), cid)
        # A second key is added to the same client.
        self.ok("key", "generate", "--type", "ec", "--out", "second.pem")
        with open(self.path("second.jwk"), "w") as f:
            f.write(self.ok("key", "jwk", "second.pem").out)
        out = self.ok("org", "add", CONSUMER, "--admin-key", "admin.jwk", "--admin-key",
                      "second.jwk", "--json").json()
        self.assertEqual(out["client_id"], cid)
        self.assertEqual(len(out["changed"]), 1)
        self.assertTrue(out["changed"][0].startswith("key "))

    def test_refusals_change_nothing(self):
        before = self.dump()
        self.fails("--as", CONSUMER, "org", "add", CONSUMER, "--admin-key", "admin.jwk",
                   code="refused", says="only the operator adds organisations")
        self.fails("org", "add", CONSUMER, "--admin-key", "admin.pem", code="refused",
                   says="private key")
        self.fails("org", "add", CONSUMER, "--admin-key", "missing.jwk", code="fault",
                   says="missing.jwk")
        self.fails("org", "add", "910000005", "--admin-key", "admin.jwk", code="usage",
                   says="check digit")
        self.assertEqual(self.dump(), before)


class Help(MpctlTestCase):
    def test_every_command_has_help_with_an_example(self):
        commands = [
            ["init"], ["key", "generate"], ["key", "jwk"], ["key", "thumbprint"],
            ["signing-key", "list"], ["signing-key", "rotate"], ["prefix", "add"],
            ["prefix", "list"], ["scope", "create"], ["scope", "list"], ["scope", "show"],
            ["scope", "update"], ["scope", "deactivate"], ["scope", "activate"],
            ["access", "grant"],
            ["access", "revoke"], ["access", "list"], ["client", "register"], ["client", "list"],
            ["client", "show"], ["client", "update"], ["client", "deactivate"],
            ["client", "activate"],
            ["client", "keys", "add"], ["client", "keys", "list"], ["client", "keys", "remove"],
            ["delegation", "add"], ["delegation", "list"], ["delegation", "remove"],
            ["trust", "add"], ["trust", "list"], ["trust", "remove"], ["signing-key", "jwks"],
            ["assertion", "sign"], ["assertion", "lint"], ["token"], ["token", "inspect"],
            ["audit"],
        ]
        for cmd in commands:
            r = self.run_mpctl(*cmd, "--help")
            self.assertEqual(r.code, 0, cmd)
            self.assertIn("Example:", r.out, cmd)
            example = r.out.split("Example:")[1]
            self.assertIn("mpctl ", example, cmd)
            self.assertIn(" ".join(cmd[:2]), example, cmd)


if __name__ == "__main__":
    unittest.main()
