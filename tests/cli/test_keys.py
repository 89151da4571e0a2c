# SPDX-License-Identifier: Apache-2.0
"""`mpctl key`: every format in and out, checked against OpenSSL's own tools."""
import base64
import hashlib
import json
import os
import stat
import subprocess
import unittest

from cli_support import MpctlTestCase


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class KeyFormats(MpctlTestCase):
    def rsa_thumbprint_from_openssl(self, pem):
        """RFC 7638 thumbprint computed from OpenSSL's modulus, independent of mpctl."""
        out = subprocess.run(["openssl", "rsa", "-in", pem, "-noout", "-modulus"], check=True,
                             capture_output=True, text=True, cwd=self.tmp).stdout
        n = bytes.fromhex(out.strip().split("=", 1)[1])
        canonical = json.dumps({"e": "AQAB", "kty": "RSA", "n": b64url(n)},
                               separators=(",", ":"), sort_keys=True)
        return b64url(hashlib.sha256(canonical.encode()).digest())

    def thumbprint(self, *args):
        return self.ok("key", "thumbprint", *args).out.strip()

    def test_generated_keys_are_private_files(self):
        for args in (["--type", "rsa", "--bits", "3072"], ["--type", "ec", "--curve", "P-384"],
                     ["--type", "ed25519"]):
            name = "k-" + args[1] + ".pem"
            info = self.ok("key", "generate", *args, "--out", name, "--json").json()
            self.assertEqual(stat.S_IMODE(os.stat(self.path(name)).st_mode), 0o600)
            with open(self.path(name)) as f:
                self.assertIn("-----BEGIN PRIVATE KEY-----", f.read())
            self.assertEqual(info["kid"], self.thumbprint(name))
        self.assertEqual(self.ok("key", "generate", "--type", "ec", "--curve", "P-384", "--out",
                                 "p384.pem", "--json").json()["alg"], "ES384")
        self.fails("key", "generate", "--out", "k-rsa.pem", code="conflict", says=["k-rsa.pem", "exists already"])

    def test_openssl_pem_forms_and_pkcs12_give_the_same_key(self):
        self.openssl("genrsa", "-traditional", "-out", "trad.pem", "2048")
        expected = self.rsa_thumbprint_from_openssl("trad.pem")
        self.openssl("pkcs8", "-topk8", "-nocrypt", "-in", "trad.pem", "-out", "pkcs8.pem")
        self.openssl("pkcs8", "-topk8", "-in", "trad.pem", "-out", "enc.pem", "-passout",
                     "pass:hemmelig")
        self.openssl("rsa", "-in", "trad.pem", "-pubout", "-out", "pub.pem")
        self.openssl("req", "-x509", "-new", "-key", "trad.pem", "-out", "cert.pem", "-days", "2",
                     "-subj", "/CN=client/serialNumber=910000004")
        self.openssl("pkcs12", "-export", "-inkey", "trad.pem", "-in", "cert.pem", "-out",
                     "modern.p12", "-passout", "pass:hemmelig")
        self.openssl("pkcs12", "-export", "-legacy", "-inkey", "trad.pem", "-in", "cert.pem",
                     "-out", "legacy.p12", "-passout", "pass:hemmelig")
        with open(self.path("pw.txt"), "w") as f:
            f.write("hemmelig\n")

        self.assertEqual(self.thumbprint("trad.pem"), expected)
        self.assertEqual(self.thumbprint("pkcs8.pem"), expected)
        self.assertEqual(self.thumbprint("pub.pem"), expected)
        self.assertEqual(self.thumbprint("enc.pem", "--password", "hemmelig"), expected)
        self.assertEqual(self.thumbprint("enc.pem", "--password-file", "pw.txt"), expected)
        self.assertEqual(self.thumbprint("modern.p12", "--password", "hemmelig"), expected)
        self.assertEqual(self.thumbprint("legacy.p12", "--password-file", "pw.txt"), expected)

        jwk = self.ok("key", "jwk", "legacy.p12", "--password", "hemmelig").out
        with open(self.path("pub.jwk"), "w") as f:
            f.write(jwk)
        self.assertEqual(self.thumbprint("pub.jwk"), expected)
        self.assertEqual(json.loads(jwk)["kid"], expected)

        self.fails("key", "thumbprint", "enc.pem", code="refused", says=['"enc.pem"', "encrypted"])
        self.fails("key", "thumbprint", "enc.pem", "--password", "wrong", code="refused", says="enc.pem")
        self.fails("key", "thumbprint", "modern.p12", "--password", "wrong",
                   code="refused", says=['"modern.p12"', "wrong password"])

    def test_private_jwk_round_trip(self):
        for kind in ("rsa", "ec", "ed25519"):
            self.ok("key", "generate", "--type", kind, "--out", f"{kind}.pem")
            self.ok("key", "generate", "--type", kind, "--out", f"{kind}.jwk", "--jwk")
            with open(self.path(f"{kind}.jwk")) as f:
                private = json.load(f)
            self.assertIn("d", private)
            self.assertEqual(private["kid"], self.thumbprint(f"{kind}.jwk"))
            public = self.ok("key", "jwk", f"{kind}.jwk", "--set").json()
            self.assertNotIn("d", public["keys"][0])
            self.assertEqual(public["keys"][0]["use"], "sig")

    def test_jwk_options(self):
        self.ok("key", "generate", "--type", "rsa", "--out", "k.pem")
        jwk = self.ok("key", "jwk", "k.pem", "--kid", "my-kid", "--alg", "RS512").json()
        self.assertEqual((jwk["kid"], jwk["alg"], jwk["kty"]), ("my-kid", "RS512", "RSA"))
        self.fails("key", "jwk", "missing.pem", code="fault", says=['"missing.pem"', "No such file"])
        with open(self.path("junk.pem"), "w") as f:
            f.write("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        self.fails("key", "jwk", "junk.pem", code="refused", says=['cannot read key "junk.pem"'])


class SealedSigningKeys(MpctlTestCase):
    """An LMDB store given a key-encryption secret seals its signing keys too."""

    def setUp(self):
        super().setUp()
        self.env["MPCTL_KEY_SECRET"] = "lmdb-secret-of-the-test-0123456789abcdef"

    def test_sealed_on_disk_and_used_with_the_secret_only(self):
        self.demo_registry_with_key()
        self.assertNotIn("PRIVATE KEY", self.dump())

        def grant():
            return self.ok("assertion", "sign", "--client-id", self.client_id, "--key",
                           "client.pem", "--scope", "skatt:melding").out.strip()

        self.ok("token", "--assertion", grant())
        secret = self.env.pop("MPCTL_KEY_SECRET")
        self.fails("token", "--assertion", grant(),
                   code="fault", says=["is sealed under key-encryption secret", "MPCTL_KEY_SECRET_FILE"])
        self.fails("serve", "--listen", "127.0.0.1:0", code="fault", says="is sealed under")
        # A plain store sealed afterwards: rewrap.
        self.env["MPCTL_KEY_SECRET"] = secret
        self.assertEqual(self.ok("signing-key", "rewrap", "--json").json()["rewrapped"], [])


if __name__ == "__main__":
    unittest.main()
