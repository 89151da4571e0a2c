# SPDX-License-Identifier: Apache-2.0
"""Altinn's system register through the CLI: systems, system users, who may
do what with them, and tokens that act as a system user (and for a person)."""
import itertools
import os
import re
import subprocess
import time
import unittest
import uuid

import jwt  # Debian's python3-jwt

from cli_support import CONSUMER, EXIT, OTHER, SUPPLIER, MpctlTestCase, valid_pids

VENDOR = CONSUMER  # the org of demo_registry's client
CUSTOMER = OTHER
CUSTOMER2 = SUPPLIER
SYSTEM = f"{VENDOR}_payroll"
ISSUER = "https://mp.test/"
MAN = os.environ.get("MPCTL_MAN", "")

SYSTEM_FIELDS = ["id", "vendor", "name", "description", "clientId", "isVisible", "isDeleted",
                 "created", "last_updated"]
SYSTEMUSER_FIELDS = ["id", "integrationTitle", "systemId", "partyOrgNo", "supplierOrgNo",
                     "externalRef", "isDeleted", "created", "last_updated"]


class Registered(MpctlTestCase):
    """The demo registry, its client's key, and the vendor's system of that client."""

    def setUp(self):
        super().setUp()
        self.demo_registry_with_key()
        self.ok("--as", VENDOR, "system", "add", SYSTEM, "--client", self.client_id,
                "--name", "Payroll")

    def systemuser(self, customer, *extra):
        return self.ok("--as", customer, "systemuser", "add", "--system", SYSTEM, *extra,
                       "--json").json()

    def refused(self, *args, says, code="refused"):
        """Refused with the message, and the store left as it was."""
        before = self.dump()
        r = self.fails(*args, says=says, code=code)
        self.assertEqual(self.dump(), before, f"store changed by refused: mpctl {' '.join(args)}")
        return r


class Systems(Registered):
    def test_add_prints_the_system_in_altinns_words(self):
        [s] = self.ok("system", "list", "--json").json()
        self.assertEqual(list(s), SYSTEM_FIELDS)
        self.assertEqual(s["id"], SYSTEM)
        self.assertEqual(s["vendor"], {"authority": "iso6523-actorid-upis",
                                       "ID": f"0192:{VENDOR}"})
        self.assertEqual(s["name"], {"nb": "Payroll", "nn": "Payroll", "en": "Payroll"})
        self.assertEqual(s["description"], {})
        self.assertEqual(s["clientId"], [self.client_id])
        self.assertTrue(s["isVisible"])
        self.assertFalse(s["isDeleted"])
        # Without --name, the name is the id's; --hidden is Altinn's isVisible false.
        other = self.ok("client", "register", "--org", VENDOR, "--name", "second", "--output",
                        "id").out.strip()
        hidden = self.ok("--as", VENDOR, "system", "add", f"{VENDOR}_lonn.v2", "--client", other,
                         "--description", "Lønn", "--hidden", "--json").json()
        self.assertEqual(hidden["name"], {"nb": "lonn.v2", "nn": "lonn.v2", "en": "lonn.v2"})
        self.assertEqual(hidden["description"]["nb"], "Lønn")
        self.assertFalse(hidden["isVisible"])

    def test_plain_output_is_a_record_and_a_table(self):
        out = self.ok("system", "show", SYSTEM).out
        self.assertRegex(out, rf"(?m)^id: +{SYSTEM}$")
        self.assertRegex(out, r"(?m)^name: +Payroll$")
        self.assertRegex(out, rf"(?m)^vendor: +{VENDOR}$")
        self.assertRegex(out, rf"(?m)^clientId: +{self.client_id}$")
        lines = self.ok("system", "list").out.splitlines()
        self.assertEqual(lines[0].split(), ["ID", "NAME", "VENDOR", "CLIENTS", "VISIBLE",
                                            "ACTIVE"])
        self.assertEqual(lines[1].split(), [SYSTEM, "Payroll", VENDOR, self.client_id, "yes",
                                            "yes"])

    def test_update_changes_only_what_is_given(self):
        other = self.ok("client", "register", "--org", VENDOR, "--name", "second", "--output",
                        "id").out.strip()
        s = self.ok("--as", VENDOR, "system", "update", SYSTEM, "--name", "Lønn", "--hidden",
                    "--json").json()
        self.assertEqual(s["name"]["en"], "Lønn")
        self.assertFalse(s["isVisible"])
        self.assertEqual(s["clientId"], [self.client_id])
        s = self.ok("system", "update", SYSTEM, "--client", other, "--client", self.client_id,
                    "--visible", "--json").json()
        self.assertEqual(s["clientId"], [other, self.client_id])  # replaced, in order
        self.assertTrue(s["isVisible"])
        self.assertEqual(s["name"]["nb"], "Lønn")
        s = self.ok("system", "update", SYSTEM, "--name", "", "--json").json()
        self.assertEqual(s["name"]["nb"], "payroll")  # back to the id's
        self.fails("system", "update", SYSTEM, "--visible", "--hidden", code="usage",
                   says="--visible excludes --hidden")

    def test_deactivate_and_activate(self):
        self.assertEqual(self.ok("--as", VENDOR, "system", "deactivate", SYSTEM).out,
                         f"deactivated system {SYSTEM}\n")
        self.assertEqual(self.ok("system", "list", "--json").json(), [])
        [s] = self.ok("system", "list", "--inactive", "--json").json()
        self.assertTrue(s["isDeleted"])
        self.assertIn(SYSTEM, self.ok("system", "list", "--inactive").out)
        self.ok("--as", VENDOR, "system", "deactivate", SYSTEM)  # again: no change
        self.refused("system", "update", SYSTEM, "--name", "x", code="conflict", says="is deactivated")
        self.refused("--as", CUSTOMER, "systemuser", "add", "--system", SYSTEM,
                     code="not_found", says=f"system {SYSTEM} does not exist")
        self.assertEqual(self.ok("--as", VENDOR, "system", "activate", SYSTEM).out,
                         f"activated system {SYSTEM}\n")
        self.assertFalse(self.ok("system", "show", SYSTEM, "--json").json()["isDeleted"])
        # What the operator deactivated, only the operator activates.
        self.ok("system", "deactivate", SYSTEM)
        self.refused("--as", VENDOR, "system", "activate", SYSTEM, says="operator")
        self.ok("system", "activate", SYSTEM)

    def test_the_operator_gives_the_vendor_or_the_id_does(self):
        other = self.ok("client", "register", "--org", VENDOR, "--name", "second", "--output",
                        "id").out.strip()
        s = self.ok("system", "add", f"{VENDOR}_ops", "--client", other, "--json").json()
        self.assertEqual(s["vendor"]["ID"], f"0192:{VENDOR}")
        self.refused("system", "add", f"{VENDOR}_ops2", "--vendor", CUSTOMER, "--client", other,
                     says=f"it must begin with the vendor's org number {CUSTOMER}_")


class SystemUsers(Registered):
    def test_add_prints_the_system_user_with_its_id(self):
        user = self.systemuser(CUSTOMER)
        self.assertEqual(list(user), SYSTEMUSER_FIELDS)
        self.assertEqual(str(uuid.UUID(user["id"])), user["id"])
        self.assertEqual(user["systemId"], SYSTEM)
        self.assertEqual(user["partyOrgNo"], CUSTOMER)
        self.assertEqual(user["supplierOrgNo"], VENDOR)
        self.assertEqual(user["externalRef"], CUSTOMER)  # the customer's orgno by default
        self.assertEqual(user["integrationTitle"], "Payroll")  # the system's name by default
        self.assertFalse(user["isDeleted"])
        out = self.ok("--as", CUSTOMER, "systemuser", "add", "--system", SYSTEM,
                      "--external-ref", "lonn-2", "--title", "Lønn 2").out
        [id_line] = [line for line in out.splitlines() if line.startswith("id:")]
        self.assertRegex(id_line, r"^id: +[0-9a-f-]{36}$")
        self.assertRegex(out, r"(?m)^externalRef: +lonn-2$")
        self.assertRegex(out, r"(?m)^integrationTitle: +Lønn 2$")
        # The operator names the customer.
        op = self.ok("systemuser", "add", "--system", SYSTEM, "--customer", CUSTOMER2,
                     "--json").json()
        self.assertEqual(op["partyOrgNo"], CUSTOMER2)

    def test_list_show_and_deactivate(self):
        a = self.systemuser(CUSTOMER)
        b = self.systemuser(CUSTOMER, "--external-ref", "second")
        c = self.systemuser(CUSTOMER2)
        ids = lambda *args: {u["id"] for u in self.ok(*args, "--json").json()}  # noqa: E731
        self.assertEqual(ids("systemuser", "list"), {a["id"], b["id"], c["id"]})
        self.assertEqual(ids("systemuser", "list", "--customer", CUSTOMER), {a["id"], b["id"]})
        self.assertEqual(ids("systemuser", "list", "--system", SYSTEM, "--customer", CUSTOMER2),
                         {c["id"]})
        self.assertEqual(ids("systemuser", "list", "--system", f"{VENDOR}_other"), set())
        # The vendor sees those of its systems; a customer only its own.
        self.assertEqual(ids("--as", VENDOR, "systemuser", "list"), {a["id"], b["id"], c["id"]})
        self.assertEqual(ids("--as", CUSTOMER, "systemuser", "list"), {a["id"], b["id"]})
        self.assertEqual(ids("--as", CUSTOMER2, "systemuser", "list", "--customer", CUSTOMER),
                         set())
        lines = self.ok("systemuser", "list", "--customer", CUSTOMER2).out.splitlines()
        self.assertEqual(lines[0].split(), ["ID", "SYSTEM", "CUSTOMER", "EXTERNAL", "REF",
                                            "ACTIVE"])
        self.assertEqual(lines[1].split(), [c["id"], SYSTEM, CUSTOMER2, CUSTOMER2, "yes"])

        self.assertEqual(self.ok("--as", VENDOR, "systemuser", "show", a["id"], "--json").json(),
                         a)
        self.assertRegex(self.ok("--as", CUSTOMER, "systemuser", "show", a["id"]).out,
                         rf"(?m)^partyOrgNo: +{CUSTOMER}$")
        self.assertEqual(self.ok("--as", CUSTOMER, "systemuser", "deactivate", a["id"]).out,
                         f"deactivated system user {a['id']}\n")
        self.assertEqual(ids("systemuser", "list", "--customer", CUSTOMER), {b["id"]})
        self.assertEqual(ids("systemuser", "list", "--customer", CUSTOMER, "--inactive"),
                         {a["id"], b["id"]})
        self.assertTrue(self.ok("systemuser", "show", a["id"], "--json").json()["isDeleted"])
        self.assertIn("no", self.ok("systemuser", "list", "--inactive").out.split())
        self.ok("--as", CUSTOMER, "systemuser", "deactivate", a["id"])  # again: no change
        # The same externalRef may be used again once the first is deactivated.
        self.systemuser(CUSTOMER)


class Ownership(Registered):
    def test_a_vendor_manages_its_own_systems_only(self):
        self.refused("--as", CUSTOMER, "system", "add", f"{VENDOR}_mine", "--vendor", VENDOR,
                     "--client", self.client_id,
                     says=f"org {CUSTOMER} may not register systems for org {VENDOR}")
        self.refused("--as", CUSTOMER, "system", "update", SYSTEM, "--name", "x",
                     says=f"org {CUSTOMER} may not change the system {SYSTEM}")
        self.refused("--as", CUSTOMER, "system", "deactivate", SYSTEM,
                     says=f"org {CUSTOMER} may not change the system {SYSTEM}")
        # Another org sees an active system (to approve it), not a deactivated one.
        self.ok("--as", CUSTOMER, "system", "show", SYSTEM)
        self.ok("--as", VENDOR, "system", "deactivate", SYSTEM)
        self.refused("--as", CUSTOMER, "system", "show", SYSTEM,
                     code="not_found", says=f"system {SYSTEM} does not exist")
        self.ok("--as", VENDOR, "system", "show", SYSTEM)

    def test_a_hidden_system_is_not_offered_to_others(self):
        self.ok("--as", VENDOR, "system", "update", SYSTEM, "--hidden")
        self.assertEqual(self.ok("--as", CUSTOMER, "system", "list", "--json").json(), [])
        self.assertEqual(len(self.ok("--as", VENDOR, "system", "list", "--json").json()), 1)

    def test_a_customer_creates_and_deactivates_its_own_system_users_only(self):
        self.refused("--as", CUSTOMER, "systemuser", "add", "--system", SYSTEM, "--customer",
                     CUSTOMER2, says=f"org {CUSTOMER} may not create system users for org "
                                     f"{CUSTOMER2}")
        self.refused("--as", VENDOR, "systemuser", "add", "--system", SYSTEM, "--customer",
                     CUSTOMER, says=f"org {VENDOR} may not create system users")
        user = self.systemuser(CUSTOMER)
        # The vendor sees it, but only the customer (or the operator) deactivates it.
        self.ok("--as", VENDOR, "systemuser", "show", user["id"])
        self.refused("--as", VENDOR, "systemuser", "deactivate", user["id"],
                     says=f"only the customer org {CUSTOMER} (or the operator) may deactivate")
        self.refused("--as", CUSTOMER2, "systemuser", "show", user["id"], code="not_found", says="does not exist")
        self.refused("--as", CUSTOMER2, "systemuser", "deactivate", user["id"],
                     code="not_found", says=f"system user {user['id']} does not exist")
        self.ok("systemuser", "deactivate", user["id"])


class BadInput(Registered):
    def test_malformed_values_are_usage_errors_naming_the_option(self):
        cases = [
            (["system", "add", "payroll", "--client", self.client_id],
             'system_id: invalid system id "payroll": it must be <vendor orgno>_<name>'),
            (["system", "add", f"{VENDOR}_", "--client", self.client_id],
             "must be 1 to 100 characters"),
            (["system", "add", f"{VENDOR}_lønn", "--client", self.client_id],
             "may hold only A-Z a-z 0-9 . _ -"),
            (["system", "add", "123_x", "--client", self.client_id], 'invalid system id "123_x"'),
            (["system", "add", f"{VENDOR}_x", "--client", "nope"],
             '--client: invalid client id "nope"'),
            (["system", "add", f"{VENDOR}_x", "--client", self.client_id, "--vendor", "1"],
             "--vendor: invalid organisation number"),
            (["system", "add", f"{VENDOR}_x"], "--client is required"),
            (["system", "show", "x"], 'invalid system id "x"'),
            (["systemuser", "add", "--system", "x", "--customer", CUSTOMER],
             '--system: invalid system id "x"'),
            (["systemuser", "add", "--system", SYSTEM, "--customer", "12"],
             "--customer: invalid organisation number"),
            (["systemuser", "add", "--system", SYSTEM, "--customer", CUSTOMER, "--external-ref",
              ""], "--external-ref: "),
            (["systemuser", "add", "--system", SYSTEM],
             "give the customer org with --customer ORGNO"),
            (["systemuser", "list", "--customer", "x"], "--customer: invalid organisation number"),
            (["systemuser", "show", "nope"], 'id: invalid system user id "nope"'),
            (["systemuser", "deactivate", "nope"], 'invalid system user id "nope"'),
        ]
        before = self.dump()
        for args, says in cases:
            with self.subTest(args=args):
                self.fails(*args, code="usage", says=says)
        self.assertEqual(self.dump(), before)

    def test_refusals_name_what_is_wrong(self):
        other_org_client = self.ok("client", "register", "--org", CUSTOMER, "--name", "x",
                                   "--output", "id").out.strip()
        second = self.ok("client", "register", "--org", VENDOR, "--name", "second", "--output",
                         "id").out.strip()
        self.refused("--as", VENDOR, "system", "add", f"{CUSTOMER}_x", "--client", second,
                     says=f"it must begin with the vendor's org number {VENDOR}_")
        self.refused("--as", VENDOR, "system", "add", f"{VENDOR}_x", "--client",
                     other_org_client,
                     says=f"client {other_org_client} belongs to org {CUSTOMER}, not to the "
                          f"vendor {VENDOR}")
        self.refused("--as", VENDOR, "system", "add", f"{VENDOR}_x", "--client",
                     "123e4567-e89b-42d3-a456-426614174000", says="does not exist")
        self.refused("--as", VENDOR, "system", "add", f"{VENDOR}_x", "--client", self.client_id,
                     code="conflict", says=f"acts for the system {SYSTEM} already")
        self.refused("--as", VENDOR, "system", "add", SYSTEM, "--client", second,
                     code="conflict", says=f"system {SYSTEM} exists already")
        self.refused("--as", CUSTOMER, "systemuser", "add", "--system", f"{VENDOR}_nope",
                     code="not_found", says=f"system {VENDOR}_nope does not exist")
        self.refused("system", "show", f"{VENDOR}_nope", code="not_found", says="does not exist")
        self.systemuser(CUSTOMER, "--external-ref", "lonn")
        self.refused("--as", CUSTOMER, "systemuser", "add", "--system", SYSTEM,
                     "--external-ref", "lonn", code="conflict", says='with externalRef "lonn" already')
        self.refused("systemuser", "show", "123e4567-e89b-42d3-a456-426614174000",
                     code="not_found", says="does not exist")


class SystemUserTokens(Registered):
    """`mpctl token` from the local store, as the vendor's client acting for a customer."""

    def setUp(self):
        super().setUp()
        self.user = self.systemuser(CUSTOMER)

    def token(self, *extra):
        return self.ok("token", "--client-id", self.client_id, "--key", "client.pem",
                       "--scope", "skatt:melding", *extra).out.strip()

    def refused_token(self, *extra, says):
        return self.fails("token", "--client-id", self.client_id, "--key", "client.pem",
                          "--scope", "skatt:melding", *extra, code="refused", says=says)

    def claims(self, token):
        check = self.ok("token", "inspect", token, "--json").json()
        self.assertTrue(check["valid"], check["problem"])
        return check["claims"]

    def test_the_token_acts_as_the_customers_system_user(self):
        claims = self.claims(self.token("--systemuser-org", CUSTOMER))
        self.assertEqual(claims["authorization_details"], [{
            "type": "urn:altinn:systemuser",
            "systemuser_org": {"authority": "iso6523-actorid-upis", "id": f"0192:{CUSTOMER}"},
            "systemuser_id": [self.user["id"]],
            "system_id": SYSTEM,
        }])
        self.assertEqual(claims["consumer"]["ID"], f"0192:{VENDOR}")
        self.assertNotIn("pid", claims)
        # Without --systemuser-org, a token of the client's own, as before.
        self.assertNotIn("authorization_details", self.claims(self.token()))

    def test_the_external_ref_names_one_of_the_customers_system_users(self):
        lonn = self.systemuser(CUSTOMER, "--external-ref", "lonn")
        claims = self.claims(self.token("--systemuser-org", CUSTOMER, "--external-ref", "lonn"))
        self.assertEqual(claims["authorization_details"][0]["systemuser_id"], [lonn["id"]])
        claims = self.claims(self.token("--systemuser-org", CUSTOMER))
        self.assertEqual(claims["authorization_details"][0]["systemuser_id"], [self.user["id"]])
        self.refused_token("--systemuser-org", CUSTOMER, "--external-ref", "nope",
                           says=["MP-303", 'externalRef "nope" matches none'])

    def test_a_deactivated_system_user_gets_no_token(self):
        first = self.token("--systemuser-org", CUSTOMER)
        self.assertEqual(self.token("--systemuser-org", CUSTOMER), first)  # from the cache
        self.ok("--as", CUSTOMER, "systemuser", "deactivate", self.user["id"])
        # Not the cached token either.
        self.refused_token("--systemuser-org", CUSTOMER,
                           says=["invalid_authorization_details", "MP-303",
                                 f"org {CUSTOMER} has no active system user"])
        [entry] = self.ok("audit", "--result", "refused", "--json").json()
        self.assertEqual(entry["code"], "MP-303")

    def test_a_system_user_made_in_the_place_of_another_gets_a_token_of_its_own(self):
        first = self.token("--systemuser-org", CUSTOMER)
        self.ok("--as", CUSTOMER, "systemuser", "deactivate", self.user["id"])
        again = self.ok("--as", CUSTOMER, "systemuser", "add", "--system", SYSTEM,
                        "--json").json()
        # Same customer, same default externalRef: the cached token names the
        # old system user, and is not the answer.
        claims = self.claims(self.token("--systemuser-org", CUSTOMER))
        self.assertEqual(claims["authorization_details"][0]["systemuser_id"], [again["id"]])
        self.assertNotEqual(self.claims(first)["authorization_details"][0]["systemuser_id"],
                            [again["id"]])

    def test_a_deactivated_system_gets_no_token(self):
        self.ok("--as", VENDOR, "system", "deactivate", SYSTEM)
        self.refused_token("--systemuser-org", CUSTOMER, "--no-cache",
                           says=["MP-303", "acts for no active system"])

    def test_refusals_of_customers_without_a_system_user(self):
        self.refused_token("--systemuser-org", CUSTOMER2,
                           says=["MP-303", f"org {CUSTOMER2} has no active system user"])
        self.refused_token("--systemuser-org", CUSTOMER, "--consumer-org", CUSTOMER2,
                           says=["MP-303", "consumer_org"])
        self.fails("token", "--client-id", self.client_id, "--key", "client.pem", "--scope",
                   "skatt:melding", "--external-ref", "x", code="usage",
                   says="--external-ref requires --systemuser-org")
        self.fails("token", "--client-id", self.client_id, "--key", "client.pem", "--scope",
                   "skatt:melding", "--systemuser-org", "12", code="usage",
                   says="--systemuser-org: invalid organisation number")

    def test_the_cache_keeps_customers_and_persons_apart(self):
        self.systemuser(CUSTOMER2)
        a = self.token("--systemuser-org", CUSTOMER)
        b = self.token("--systemuser-org", CUSTOMER2)
        self.assertNotEqual(a, b)
        self.assertEqual(
            self.claims(b)["authorization_details"][0]["systemuser_org"]["id"],
            f"0192:{CUSTOMER2}")
        self.assertEqual(self.token("--systemuser-org", CUSTOMER), a)
        own = self.token()
        self.assertNotIn(own, (a, b))
        self.systemuser(CUSTOMER, "--external-ref", "lonn")
        ref = self.token("--systemuser-org", CUSTOMER, "--external-ref", "lonn")
        self.assertNotIn(ref, (a, b, own))

        pid1, pid2 = itertools.islice(valid_pids(), 2)
        p1 = self.token("--pid", pid1)
        p2 = self.token("--pid", pid2)
        self.assertEqual(self.claims(p1)["pid"], pid1)
        self.assertEqual(self.claims(p2)["pid"], pid2)
        self.assertNotIn(own, (p1, p2))
        self.assertEqual(self.token("--pid", pid1), p1)
        both = self.claims(self.token("--systemuser-org", CUSTOMER, "--pid", pid1))
        self.assertEqual(both["pid"], pid1)
        self.assertEqual(both["authorization_details"][0]["system_id"], SYSTEM)

    def test_a_bad_pid_is_refused_before_signing(self):
        good = next(valid_pids())
        bad = good[:-1] + str((int(good[-1]) + 1) % 10)
        for pid, says in ((bad, "the second check digit (the 11th digit) is wrong"),
                          ("0101900008", "must be exactly 11 digits"),
                          ("0101900008x", "a character that is not a digit")):
            with self.subTest(pid=pid):
                r = self.fails("token", "--client-id", self.client_id, "--key", "client.pem",
                               "--scope", "skatt:melding", "--pid", pid, code="usage",
                               says=["--pid: invalid national identity number", says])
                self.assertNotIn(pid, r.err)
        self.assertEqual(self.ok("audit", "--json").json(), [])  # nothing was asked


class Lint(Registered):
    def sign(self, *extra):
        return self.ok("assertion", "sign", "--client-id", self.client_id, "--key", "client.pem",
                       "--scope", "skatt:melding", *extra).out.strip()

    def grant(self, **claims):
        now = int(time.time())
        return jwt.encode({"iss": self.client_id, "aud": ISSUER, "iat": now, "exp": now + 60,
                           "scope": "skatt:melding", "jti": str(uuid.uuid4()), **claims},
                          self.read("client.pem"), algorithm="RS256",
                          headers={"kid": self.kid})

    def test_good_authorization_details_and_pid(self):
        pid = next(valid_pids())
        grant = self.sign("--systemuser-org", CUSTOMER, "--external-ref", "lonn", "--pid", pid)
        r = self.ok("assertion", "lint", grant, "--issuer", ISSUER)
        self.assertNotIn("FAIL", r.out)
        self.assertIn("ok    authorization_details asks for one system user "
                      f"(urn:altinn:systemuser)\n      customer {CUSTOMER}, externalRef \"lonn\"",
                      r.out)
        self.assertIn("ok    pid is a national identity number", r.out)
        self.assertIn(f"pid {pid[:6]}*****", r.out)
        self.assertNotIn(pid, r.out)
        self.assertNotIn(pid, self.ok("--json", "assertion", "lint", grant).out)
        r = self.ok("assertion", "lint", self.sign("--systemuser-org", CUSTOMER))
        self.assertIn(f"customer {CUSTOMER}, no externalRef", r.out)
        self.assertNotIn("pid is", r.out)
        # Neither claim: no line for them.
        self.assertNotIn("authorization_details asks", self.ok("assertion", "lint",
                                                               self.sign()).out)

    def test_bad_authorization_details_and_pid_get_the_servers_codes(self):
        org = {"authority": "iso6523-actorid-upis", "ID": f"0192:{CUSTOMER}"}
        good = next(valid_pids())
        cases = [
            ({"authorization_details": [{"type": "urn:altinn:consent"}]}, "MP-301",
             "consent tokens are not supported"),
            ({"authorization_details": [{"type": "urn:altinn:systemuser",
                                         "systemuser_org": org, "extra": 1}]}, "MP-302",
             '"extra"'),
            ({"authorization_details": [{"type": "urn:altinn:systemuser",
                                         "systemuser_org": dict(org, ID="0192:123")}]},
             "MP-303", "systemuser_org.ID"),
            ({"authorization_details": {"type": "urn:altinn:systemuser"}}, "MP-303",
             "non-empty JSON array"),
            ({"pid": good[:-1] + str((int(good[-1]) + 1) % 10)}, "MP-011", "pid: invalid"),
            ({"pid": 1234}, "MP-011", '"pid" has the wrong type'),
        ]
        for claims, code, says in cases:
            with self.subTest(claims=claims):
                grant = self.grant(**claims)
                r = self.run_mpctl("assertion", "lint", grant, "--issuer", ISSUER)
                self.assertEqual(r.code, EXIT["refused"], r.out)
                self.assertIn("would refuse", r.err)
                [failed] = [rule for rule in self.run_mpctl("--json", "assertion", "lint",
                                                            grant).json() if not rule["ok"]]
                self.assertEqual(failed["code"], code)
                self.assertIn(says, failed["message"])
                self.assertIn(f"FAIL  {failed['rule']}\n      {code}: ", r.out)
                if isinstance(claims.get("pid"), str):
                    self.assertNotIn(str(claims["pid"])[:8], r.out)


class HelpAndDocs(Registered):
    COMMANDS = [["system", "add"], ["system", "list"], ["system", "show"],
                ["system", "update"], ["system", "deactivate"], ["system", "activate"],
                ["systemuser", "add"], ["systemuser", "list"], ["systemuser", "show"],
                ["systemuser", "deactivate"]]

    def test_every_command_has_help_with_an_example(self):
        for cmd in self.COMMANDS:
            r = self.run_mpctl(*cmd, "--help")
            self.assertEqual(r.code, 0, cmd)
            example = r.out.split("Example:")[1]
            self.assertIn(" ".join(cmd), example, cmd)
        for cmd in (["token"], ["assertion", "sign"]):
            out = self.ok(*cmd, "--help").out
            for option in ("--systemuser-org ORGNO", "--external-ref REF", "--pid PID"):
                self.assertIn(option, out)

    @unittest.skipUnless(MAN, "MPCTL_MAN not set")
    def test_the_man_page_and_docs_list_them(self):
        text = subprocess.run(["man", "-l", MAN], capture_output=True, text=True,
                              env=dict(os.environ, MANWIDTH="200",
                                       MAN_KEEP_FORMATTING="0")).stdout
        text = re.sub(".\b", "", text)
        with open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "cli.md")) as f:
            cli_md = f.read()
        for cmd in self.COMMANDS:
            self.assertIn("mpctl " + " ".join(cmd), text)
            self.assertIn("mpctl " + " ".join(cmd), cli_md)
        for option in ("--systemuser-org", "--external-ref", "--pid", "--hidden"):
            self.assertIn(option, text)
            self.assertIn(option, cli_md)

    def complete(self, line):
        r = self.run_mpctl("__complete", "--", *line.split(" "))
        self.assertEqual(r.code, 0, r.err)
        return r.out.splitlines()

    def test_completion_offers_systems_and_system_users(self):
        user = self.systemuser(CUSTOMER)
        self.assertEqual(self.complete("sys"), ["system", "systemuser"])
        self.assertEqual(self.complete("system show "), [SYSTEM])
        self.assertEqual(self.complete("systemuser add --system "), [SYSTEM])
        self.assertEqual(self.complete("systemuser show "), [user["id"]])
        self.assertEqual(self.complete(f"--as {CUSTOMER2} systemuser deactivate "), [])
        self.assertEqual(self.complete("token --systemuser-o"), ["--systemuser-org"])


if __name__ == "__main__":
    unittest.main()
