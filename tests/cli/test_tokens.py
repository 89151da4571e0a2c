# SPDX-License-Identifier: Apache-2.0
"""Tokens through the CLI: local issuance, x5c, lint, inspect, audit, and
interop with python3-jwt (code no one here wrote)."""
import json
import os
import re
import time
import unittest
import uuid

import jwt  # Debian's python3-jwt

from cli_support import CONSUMER, EXIT, SUPPLIER, MpctlTestCase, valid_pids

ISSUER = "https://mp.test/"


class Tokens(MpctlTestCase):
    def setUp(self):
        super().setUp()
        self.demo_registry_with_key()

    def token(self, *extra):
        return self.ok("token", "--client-id", self.client_id, "--key", "client.pem",
                       "--scope", "skatt:melding", *extra)

    def test_local_token_verifies_and_is_audited(self):
        response = self.token("--json").json()
        self.assertEqual(response["token_type"], "Bearer")
        self.assertEqual(response["expires_in"], 120)
        self.assertEqual(response["scope"], "skatt:melding")
        check = self.ok("token", "inspect", response["access_token"], "--json").json()
        self.assertTrue(check["valid"])
        self.assertEqual(check["claims"]["consumer"]["ID"], "0192:" + CONSUMER)
        audit = self.ok("audit", "--client", self.client_id, "--json").json()
        self.assertEqual([a["result"] for a in audit], ["granted"])
        self.assertNotIn(response["access_token"], self.read("store/audit.log"))

    def test_refusal_names_the_mp_code_and_is_audited(self):
        r = self.fails("token", "--client-id", self.client_id, "--key", "client.pem",
                       "--scope", "skatt:les", code="refused", says=["invalid_scope", "MP-200", "skatt:les"])
        self.assertEqual(r.out, "")
        refused = self.ok("audit", "--result", "refused", "--json").json()
        self.assertEqual([a["code"] for a in refused], ["MP-200"])
        self.assertEqual(self.ok("audit", "--result", "granted", "--json").json(), [])
        self.assertEqual(len(self.ok("audit", "--since", "5m", "--json").json()), 1)
        self.fails("audit", "--since", "yesterday", code="usage", says='invalid time "yesterday"')
        # The refusal's words are kept, and one request is found by its trace id.
        [entry] = refused
        self.assertIn("skatt:les", entry["description"])
        self.assertNotIn("remote", entry)  # made on the store itself: no network
        table = self.ok("audit").out
        self.assertIn("DESCRIPTION", table.splitlines()[0])
        self.assertIn(entry["description"], table)
        whole = self.ok("audit", "--trace", entry["trace_id"]).out.splitlines()
        self.assertEqual(whole[0].split(), ["time:", entry["time"]])
        self.assertIn(f"description: {entry['description']}", [" ".join(l.split()) for l in whole])
        self.fails("audit", "--trace", "0" * 32, code="not_found",
                   says=f'no request with trace id "{"0" * 32}" in the audit log')

    def test_python_jwt_signs_a_grant_mpctl_accepts(self):
        now = int(time.time())
        grant = jwt.encode({"iss": self.client_id, "aud": ISSUER, "iat": now, "exp": now + 60,
                            "scope": "skatt:melding", "jti": str(uuid.uuid4())},
                           self.read("client.pem"), algorithm="RS256",
                           headers={"kid": self.kid})
        token = self.ok("token", "--assertion", grant).out.strip()
        # The grant is used now: a second try is refused as a replay.
        self.fails("token", "--assertion", grant, code="refused", says="MP-012")

        # python3-jwt verifies the access token with the published JWK set.
        jwks = json.loads(self.ok("signing-key", "jwks").out)
        header = jwt.get_unverified_header(token)
        key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
        claims = jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"],
                            options={"verify_aud": False}, issuer=ISSUER)
        self.assertEqual(claims["client_id"], self.client_id)
        self.assertEqual(claims["client_amr"], "private_key_jwt")

    def test_rotation_keeps_old_tokens_verifiable(self):
        old = self.token("--no-cache").out.strip()
        self.ok("signing-key", "rotate", "--alg", "ES256")
        new = self.token("--no-cache").out.strip()
        with open(self.path("jwks.json"), "w") as f:
            f.write(self.ok("signing-key", "jwks").out)
        for t in (old, new):
            self.ok("token", "inspect", t, "--jwks", "jwks.json", "--issuer", ISSUER)
        self.assertEqual(jwt.get_unverified_header(new)["alg"], "ES256")

    def test_inspect_refuses_what_does_not_verify(self):
        token = self.token().out.strip()
        head, body, sig = token.split(".")
        forged = head + "." + body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + sig
        self.fails("token", "inspect", forged, code="refused", says="not valid")
        with open(self.path("jwks.json"), "w") as f:
            f.write(self.ok("signing-key", "jwks").out)
        self.fails("token", "inspect", token, "--jwks", "jwks.json", "--issuer", "https://other/",
                   code="refused", says="iss is")
        self.fails("token", "inspect", "opaque-reference", code="refused", says="introspection")

    def test_lint_explains_rule_by_rule(self):
        grant = self.ok("assertion", "sign", "--client-id", self.client_id, "--key", "client.pem",
                        "--scope", "skatt:melding").out.strip()
        r = self.ok("assertion", "lint", grant, "--issuer", ISSUER)
        self.assertNotIn("FAIL", r.out)
        now = int(time.time())
        bad = jwt.encode({"iss": self.client_id, "aud": [ISSUER, "x"], "iat": now,
                          "exp": now + 300, "scope": "", "pid": "x"},
                         self.read("client.pem"), algorithm="RS256",
                         headers={"jku": "https://evil/"})
        r = self.run_mpctl("assertion", "lint", "-", "--issuer", ISSUER, stdin=bad)
        self.assertEqual(r.code, EXIT["refused"])
        for code in ("MP-100", "MP-110", "MP-130", "MP-200"):
            self.assertIn(code, r.out)
        self.assertIn("would refuse", r.err)
        # Each failed rule says how to fix it, in the words of docs/errors.md.
        with open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "errors.md")) as f:
            errors_md = f.read()
        fix_110 = " ".join(errors_md.split("## MP-110")[1].split("**How to fix:**")[1]
                           .split("\n\n")[0].split())
        rules = self.run_mpctl("--json", "assertion", "lint", "-", "--issuer", ISSUER,
                               stdin=bad).json()
        [aud] = [rule for rule in rules if rule["code"] == "MP-110"]
        self.assertEqual(aud["fix"], fix_110)
        self.assertTrue(all(rule["fix"] for rule in rules if not rule["ok"]))
        self.assertIn("fix: set `aud` to the issuer as the server's metadata", r.out)

    def test_lint_warns_of_algs_maskinporten_does_not_take(self):
        self.ok("key", "generate", "--type", "ec", "--out", "ec.pem")
        grant = self.ok("assertion", "sign", "--client-id", self.client_id, "--key", "ec.pem",
                        "--scope", "skatt:melding").out.strip()
        r = self.ok("assertion", "lint", grant, "--issuer", ISSUER)
        self.assertIn("WARN  alg is one the real Maskinporten accepts", r.out)
        self.assertIn("ES256 is an extension of mpctl", r.out)
        rsa = self.ok("assertion", "sign", "--client-id", self.client_id, "--key", "client.pem",
                      "--scope", "skatt:melding").out.strip()
        self.assertNotIn("WARN", self.ok("assertion", "lint", rsa, "--issuer", ISSUER).out)
        [rule] = [r for r in self.ok("--json", "assertion", "lint", grant).json()
                  if r["warning"]]
        self.assertTrue(rule["ok"])

    def test_inspect_says_what_it_checked(self):
        token = self.ok("token", "--client-id", self.client_id, "--key", "client.pem",
                        "--scope", "skatt:melding", "--no-cache").out.strip()
        with open(self.path("jwks.json"), "w") as f:
            f.write(self.ok("signing-key", "jwks").out)
        r = self.ok("token", "inspect", token, "--jwks", "jwks.json")
        self.assertIn("iss NOT checked (give --issuer URL)", r.out)
        self.assertIn("issued:  20", r.out)
        self.assertIn("expires: 20", r.out)
        r = self.ok("token", "inspect", token)
        self.assertIn(f"iss is {ISSUER}", r.out)

    def test_audit_finds_refusals_by_the_client_they_claimed(self):
        self.ok("key", "generate", "--type", "rsa", "--out", "stranger.pem")
        self.fails("token", "--client-id", self.client_id, "--key", "stranger.pem",
                   "--kid", "nosuch", "--scope", "skatt:melding", "--no-cache", code="refused")
        [entry] = self.ok("audit", "--client", self.client_id, "--result", "refused",
                          "--json").json()
        self.assertEqual(entry["code"], "MP-100")
        self.assertEqual(entry["scopes"], ["skatt:melding"])
        self.assertFalse(entry["verified"])
        self.assertIn(f"{self.client_id} (claimed)", self.ok("audit").out)

    def test_the_cache_belongs_to_the_key_and_an_active_client(self):
        args = ["token", "--client-id", self.client_id, "--scope", "skatt:melding"]
        first = self.ok(*args, "--key", "client.pem").out
        self.assertEqual(self.ok(*args, "--key", "client.pem").out, first)  # from the cache
        self.fails(*args, "--key", "nosuch.pem", code="fault", says='cannot read key "nosuch.pem"')
        self.ok("key", "generate", "--type", "rsa", "--out", "stranger.pem")
        self.fails(*args, "--key", "stranger.pem", code="refused", says="MP-100")  # not the cached token
        self.fails(*args, "--key", "client.pem", "--kid", "other", code="refused", says="MP-100")
        self.ok("client", "deactivate", self.client_id)
        self.fails(*args, "--key", "client.pem", code="refused", says="MP-100")

    def test_verbose_says_when_the_cache_answers(self):
        args = ["token", "--client-id", self.client_id, "--key", "client.pem", "--scope",
                "skatt:melding", "--verbose"]
        first = self.ok(*args)  # from the store: no HTTP, so nothing to show
        r = self.run_mpctl(*args)
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual(r.out, first.out)
        [line] = r.err.splitlines()
        m = re.fullmatch(r"\* cached token, (\d+) s left \(no request\)", line)
        self.assertTrue(m, line)
        self.assertTrue(100 <= int(m.group(1)) <= 120, line)  # of 120 s, 10 % kept in reserve
        self.assertEqual(self.ok("audit", "--json").json()[0]["result"], "granted")
        self.assertEqual(len(self.ok("audit", "--json").json()), 1, "the cache asked again")
        self.assertEqual(self.ok(*args, "--no-cache").out.count("."), 2)  # asked: no such line

    def test_header_prints_the_authorization_header(self):
        args = ["token", "--client-id", self.client_id, "--key", "client.pem", "--scope",
                "skatt:melding"]
        token = self.ok(*args, "--json").json()["access_token"]
        self.assertEqual(self.ok(*args, "--header").out, f"Authorization: Bearer {token}\n")
        fresh = self.ok(*args, "--header", "--no-cache").out
        self.assertRegex(fresh, r"^Authorization: Bearer [\w-]+\.[\w-]+\.[\w-]+\n$")
        self.assertNotEqual(fresh, f"Authorization: Bearer {token}\n")
        # --json prints the whole response, which is no header line: a usage mistake,
        # refused before a grant is signed or a token asked for.
        before = len(self.ok("audit", "--json").json())
        for line in ([*args, "--header", "--json"], ["--json", *args, "--header", "--no-cache"]):
            r = self.run_mpctl(*line)
            self.assertEqual(r.code, EXIT["usage"], r.err)
            self.assertEqual(r.out, "")
            self.assertIn("--header prints a header line and --json the whole response",
                          json.loads(r.err)["error_description"])
        self.assertEqual(len(self.ok("audit", "--json").json()), before)

    def test_whoami_asks_the_token_service_and_records_nothing(self):
        args = ["whoami", "--client-id", self.client_id, "--key", "client.pem"]
        me = self.ok(*args, "--json").json()
        self.assertEqual(me, {
            "issuer": ISSUER, "store": self.db, "client_id": self.client_id,
            "client_name": "payroll", "org": CONSUMER, "active": True, "consumer": CONSUMER,
            "client_amr": "private_key_jwt", "scopes": ["skatt:melding"], "admin_scopes": [],
            "refused": []})
        self.assertEqual(self.ok("audit", "--json").json(), [], "whoami took a token")
        # An admin scope the client holds is named as such; one it may not use is refused.
        self.ok("access", "grant", "idporten:dcr.read", CONSUMER)
        self.ok("access", "grant", "idporten:dcr.write", CONSUMER)
        self.ok("client", "update", self.client_id, "--scope", "skatt:melding", "--scope",
                "idporten:dcr.read", "--scope", "idporten:dcr.write")
        self.ok("access", "revoke", "idporten:dcr.write", CONSUMER)
        me = self.ok(*args, "--json").json()
        self.assertEqual(me["scopes"], ["skatt:melding", "idporten:dcr.read"])
        self.assertEqual(me["admin_scopes"], ["idporten:dcr.read"])
        [refused] = me["refused"]
        self.assertEqual((refused["scope"], refused["code"], refused["error"]),
                         ("idporten:dcr.write", "MP-250", "forbidden"))
        lines = self.ok(*args).out.splitlines()
        self.assertIn(f"client_id:    {self.client_id}", lines)
        self.assertIn(f"org:          {CONSUMER}", lines)
        self.assertIn("active:       true", lines)
        self.assertIn("scopes:       skatt:melding, idporten:dcr.read", lines)
        self.assertIn("admin_scopes: idporten:dcr.read", lines)
        self.assertIn("refused:      idporten:dcr.write (MP-250)", lines)
        # --scope asks for one more; one the client lacks is refused with its code.
        me = self.ok(*args, "--scope", "skatt:les", "--json").json()
        self.assertEqual([(r["scope"], r["code"]) for r in me["refused"]],
                         [("idporten:dcr.write", "MP-250"), ("skatt:les", "MP-200")])
        self.assertEqual(self.ok("audit", "--json").json(), [])

    def test_whoami_refuses_a_key_or_client_the_token_service_refuses(self):
        self.ok("key", "generate", "--type", "rsa", "--out", "stranger.pem")
        r = self.fails("whoami", "--client-id", self.client_id, "--key", "stranger.pem",
                       code="refused", says=["MP-100", "Unknown key identifier"])
        self.assertEqual(r.out, "")
        self.fails("whoami", "--client-id", str(uuid.uuid4()), "--key", "client.pem",
                   code="refused", says=["MP-100", "unknown or inactive client"])
        self.fails("whoami", "--client-id", self.client_id, "--key", "client.pem", "--kid",
                   "other", code="refused", says="MP-100")
        self.ok("client", "deactivate", self.client_id)
        self.fails("whoami", "--client-id", self.client_id, "--key", "client.pem",
                   code="refused", says="MP-100")
        self.fails("whoami", "--client-id", self.client_id, "--key", "nosuch.pem",
                   code="fault", says='cannot read key "nosuch.pem"')
        self.fails("whoami", "--key", "client.pem", code="usage", says="give --client-id and --key")
        self.fails("whoami", "--client-id", "nope", "--key", "client.pem", code="usage",
                   says="--client-id")

    def test_whoami_takes_client_and_key_from_the_environment(self):
        env = dict(self.env, MPCTL_CLIENT_ID=self.client_id, MPCTL_KEY="client.pem",
                   MPCTL_KID=self.kid)
        r = self.run_mpctl("--json", "whoami", env=env)
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual(r.json()["client_id"], self.client_id)
        env["MPCTL_KID"] = "other"
        r = self.run_mpctl("whoami", env=env)
        self.assertEqual(r.code, EXIT["refused"], r.err)
        self.assertIn("MP-100", r.err)

    def test_whoami_as_a_supplier_names_the_consumer(self):
        self.ok("access", "grant", "skatt:melding", SUPPLIER)
        supplier = self.ok("client", "register", "--org", SUPPLIER, "--name", "vendor",
                           "--scope", "skatt:melding", "--output", "id").out.strip()
        self.ok("client", "keys", "add", supplier, "--key", "-",
                stdin=self.ok("key", "jwk", "client.pem").out)
        args = ["whoami", "--client-id", supplier, "--key", "client.pem", "--json"]
        me = self.ok(*args, "--consumer-org", CONSUMER).json()
        self.assertEqual((me["org"], me["consumer"], me["scopes"]), (SUPPLIER, None, []))
        self.assertEqual([(r["scope"], r["code"]) for r in me["refused"]],
                         [("skatt:melding", "MP-251")])
        self.ok("delegation", "add", "--scope", "skatt:melding", "--consumer", CONSUMER, "--supplier",
                SUPPLIER)
        me = self.ok(*args, "--consumer-org", CONSUMER).json()
        self.assertEqual((me["org"], me["consumer"], me["scopes"], me["refused"]),
                         (SUPPLIER, CONSUMER, ["skatt:melding"], []))

    def test_token_takes_client_and_key_from_the_environment(self):
        env = dict(self.env, MPCTL_CLIENT_ID=self.client_id, MPCTL_KEY="client.pem",
                   MPCTL_KID=self.kid)
        r = self.run_mpctl("token", "--scope", "skatt:melding", "--no-cache", env=env)
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual(len(r.out.strip().split(".")), 3)
        env["MPCTL_KID"] = "other"  # a flag wins over the environment
        # "--kid=": a thumbprint may start with "-" (base64url), which
        # would be read as an option.
        r = self.run_mpctl("token", "--scope", "skatt:melding", "--no-cache", "--kid=" + self.kid,
                           env=env)
        self.assertEqual(r.code, 0, r.err)

    def test_register_again_in_a_script(self):
        args = ["client", "register", "--org", "910000004", "--name", "ci-client", "--scope",
                "skatt:melding", "--if-absent", "--output", "id"]
        first = self.ok(*args).out.strip()
        self.assertRegex(first, r"^[0-9a-f-]{36}$")
        self.assertEqual(self.ok(*args).out.strip(), first)
        [listed] = self.ok("client", "list", "--name", "ci-client", "--json").json()
        self.assertEqual(listed["client_id"], first)
        self.ok("client", "deactivate", first)
        self.assertNotEqual(self.ok(*args).out.strip(), first)  # an inactive one is not reused

    def test_version(self):
        out = self.ok("--version").out
        self.assertRegex(out, r"^mpctl \d+\.\d+\.\d+\n$")
        self.assertEqual(self.ok("version").out, out)

    def test_assertion_sign_refuses_what_cannot_work(self):
        base = ["assertion", "sign", "--client-id", self.client_id, "--key", "client.pem",
                "--scope", "skatt:melding"]
        self.fails(*base, "--lifetime", "121", code="usage", says="--lifetime: grant lifetime 121 s: must be 1 to 120")
        self.fails("assertion", "sign", "--key", "client.pem", "--scope", "x:y", code="usage",
                   says="--client-id is required")
        self.fails("token", "--key", "client.pem", code="usage",
                   says="give --client-id, --key and at least")
        self.fails(*base, "--alg", "ES256", code="refused", says="cannot sign ES256")
        with open(self.path("pub.pem"), "w") as f:
            f.write(self.ok("key", "jwk", "client.pem").out)
        self.fails("assertion", "sign", "--client-id", self.client_id, "--key", "pub.pem",
                   "--scope", "x:y", code="refused", says="public key")

    def test_grant_asks_for_a_system_user_and_a_person(self):
        base = ["assertion", "sign", "--client-id", self.client_id, "--key", "client.pem",
                "--scope", "skatt:melding"]
        decode = lambda grant: jwt.decode(grant, options={"verify_signature": False})  # noqa: E731
        pid = next(valid_pids())
        claims = decode(self.ok(*base, "--systemuser-org", SUPPLIER, "--external-ref", "lonn",
                                "--pid", pid).out.strip())
        self.assertEqual(claims["authorization_details"], [{
            "type": "urn:altinn:systemuser",
            "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": "0192:" + SUPPLIER},
            "externalRef": "lonn",
        }])
        self.assertEqual(claims["pid"], pid)
        claims = decode(self.ok(*base, "--systemuser-org", SUPPLIER).out.strip())
        self.assertNotIn("externalRef", claims["authorization_details"][0])
        self.assertNotIn("pid", claims)
        self.assertNotIn("authorization_details", decode(self.ok(*base).out.strip()))
        self.fails(*base, "--external-ref", "lonn", code="usage",
                   says="--external-ref requires --systemuser-org")
        self.fails(*base, "--pid", pid[:-1], code="usage", says="--pid: invalid national identity")


class CertificateGrants(MpctlTestCase):
    """x5c grants: a test CA made with OpenSSL, leaf certificates naming orgs."""

    def setUp(self):
        super().setUp()
        self.client_id = self.demo_registry()
        self.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
                     "-out", "ca.pem", "-days", "5", "-subj", "/CN=Test Enterprise CA")

    def leaf(self, name, org, ca="ca", field="serialNumber"):
        self.openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
                     f"{name}.csr", "-subj", f"/CN={name}/O=Test AS/{field}={org}")
        self.openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey",
                     f"{ca}.key", "-CAcreateserial", "-out", f"{name}.pem", "-days", "2")

    def token(self, *args):
        return self.run_mpctl("token", "--client-id", self.client_id, "--scope", "skatt:melding",
                              *args)

    def test_a_chain_to_a_trusted_ca_naming_the_client_org(self):
        self.leaf("leaf", CONSUMER)
        self.ok("trust", "add", "ca.pem")
        r = self.token("--key", "leaf.key", "--cert", "leaf.pem", "--json")
        self.assertEqual(r.code, 0, r.err)
        claims = self.ok("token", "inspect", r.json()["access_token"], "--json").json()["claims"]
        self.assertEqual(claims["client_amr"], "virksomhetssertifikat")
        # The same from a PKCS#12 file, as enterprise certificates come.
        self.openssl("pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.pem", "-certfile",
                     "ca.pem", "-out", "leaf.p12", "-passout", "pass:pw")
        r = self.token("--key", "leaf.p12", "--password", "pw", "--x5c")
        self.assertEqual(r.code, 0, r.err)

    def test_whoami_with_a_certificate(self):
        self.leaf("leaf", CONSUMER)
        self.ok("trust", "add", "ca.pem")
        me = self.ok("whoami", "--client-id", self.client_id, "--key", "leaf.key", "--cert",
                     "leaf.pem", "--json").json()
        self.assertEqual((me["org"], me["client_amr"], me["scopes"]),
                         (CONSUMER, "virksomhetssertifikat", ["skatt:melding"]))
        self.leaf("other", "930000000")
        self.fails("whoami", "--client-id", self.client_id, "--key", "other.key", "--cert",
                   "other.pem", code="refused", says="MP-122")

    def test_the_org_may_be_an_organization_identifier(self):
        self.leaf("leaf", "NTRNO-" + CONSUMER, field="organizationIdentifier")
        self.ok("trust", "add", "ca.pem")
        r = self.token("--key", "leaf.key", "--cert", "leaf.pem")
        self.assertEqual(r.code, 0, r.err)

    def test_an_untrusted_ca_is_refused(self):
        self.leaf("leaf", CONSUMER)
        r = self.token("--key", "leaf.key", "--cert", "leaf.pem")
        self.assertEqual(r.code, EXIT["refused"])
        self.assertIn("MP-120", r.err)

    def test_another_orgs_certificate_is_refused(self):
        self.leaf("other", "930000000")
        self.ok("trust", "add", "ca.pem")
        r = self.token("--key", "other.key", "--cert", "other.pem")
        self.assertEqual(r.code, EXIT["refused"])
        self.assertIn("MP-122", r.err)

    def test_a_client_with_registered_keys_must_use_kid(self):
        self.leaf("leaf", CONSUMER)
        self.ok("trust", "add", "ca.pem")
        self.ok("key", "generate", "--out", "k.pem")
        self.ok("client", "keys", "add", self.client_id, "--key", "-",
                stdin=self.ok("key", "jwk", "k.pem").out)
        r = self.token("--key", "leaf.key", "--cert", "leaf.pem")
        self.assertEqual(r.code, EXIT["refused"])
        self.assertIn("MP-100", r.err)


if __name__ == "__main__":
    unittest.main()
