# SPDX-License-Identifier: Apache-2.0
"""`mpctl serve`'s settings: from a flag, an MPCTL_* environment variable, the
--config file, or the default, in that order; --print-config shows them."""
import json
import os
import socket
import unittest

from cli_support import EXIT
from test_serve import ServersTestCase, free_port


class Config(ServersTestCase):
    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)

    def settings(self, *args, env=None):
        """--print-config --json as {setting: (value, from, where)}."""
        r = self.run_mpctl("serve", *args, "--print-config", "--json",
                           env=dict(self.env, **(env or {})))
        self.assertEqual(r.code, 0, r.err)
        return {s["setting"]: (s["value"], s["from"], s["where"]) for s in json.loads(r.out)}

    def test_each_source_in_order_flag_environment_file_default(self):
        self.write("mpctl.conf", "# the service's settings\n\n"
                   "listen = 127.0.0.1:7001\n"
                   "threads = 3\n"
                   "body-limit = 1000\n")
        conf = self.path("mpctl.conf")
        env = {"MPCTL_LISTEN": "127.0.0.1:7002", "MPCTL_THREADS": "4"}
        s = self.settings("--config", conf, "--listen", "127.0.0.1:7003", env=env)
        self.assertEqual(s["listen"], ("127.0.0.1:7003", "flag", ""))
        self.assertEqual(s["threads"], ("4", "environment", "MPCTL_THREADS"))
        self.assertEqual(s["body-limit"], ("1000", "file", conf + ":5"))
        self.assertEqual(s["header-limit"], ("8192", "default", ""))
        # Without the flag, the environment wins; without either, the file.
        self.assertEqual(self.settings("--config", conf, env=env)["listen"],
                         ("127.0.0.1:7002", "environment", "MPCTL_LISTEN"))
        self.assertEqual(self.settings("--config", conf)["listen"],
                         ("127.0.0.1:7001", "file", conf + ":3"))
        self.assertEqual(self.settings()["listen"], ("127.0.0.1:8080", "default", ""))

    def test_the_server_runs_with_the_settings_of_each_source(self):
        self.ok("init", "--issuer", "https://mp.test/")
        ports = [free_port() for _ in range(3)]
        self.write("mpctl.conf", f"listen = 127.0.0.1:{ports[0]}\n"
                   "issuer = http://from.file/\n"
                   f"access-log = {self.path('file.log')}\n")
        self.env["MPCTL_CONFIG"] = self.path("mpctl.conf")

        def answers(port, *flags, env=None):
            server = self.serve(*flags, port=port, env=dict(self.env, **(env or {})),
                                own_flags=False)
            return json.loads(server.request(
                "GET", ".well-known/oauth-authorization-server")[1])["issuer"]

        # The file alone: its port, issuer and access log.
        self.assertEqual(answers(ports[0]), "http://from.file/")
        self.assertIn('"path":"/healthz"', self.read("file.log"))
        self.assertEqual(self.servers[-1].stop()[0], 0)
        # The environment over the file, a flag over both.
        env = {"MPCTL_LISTEN": f"127.0.0.1:{ports[1]}", "MPCTL_ISSUER": "http://from.env/"}
        self.assertEqual(answers(ports[1], env=env), "http://from.env/")
        self.assertEqual(self.servers[-1].stop()[0], 0)
        self.assertEqual(answers(ports[2], "--listen", f"127.0.0.1:{ports[2]}", env=env),
                         "http://from.env/")

    def test_db_and_config_come_from_where_the_others_do(self):
        self.write("a.conf", f"db = {self.path('a-store')}\n")
        self.write("b.conf", f"db = {self.path('b-store')}\n")
        env = dict(self.env)
        del env["MPCTL_DB"]
        self.env = env
        self.assertEqual(self.settings("--config", self.path("a.conf"))["db"],
                         (self.path("a-store"), "file", self.path("a.conf") + ":1"))
        # --config beats MPCTL_CONFIG
        s = self.settings("--config", self.path("a.conf"),
                          env={"MPCTL_CONFIG": self.path("b.conf")})
        self.assertEqual(s["db"][0], self.path("a-store"))
        self.assertEqual(s["config"], (self.path("a.conf"), "flag", ""))
        s = self.settings(env={"MPCTL_CONFIG": self.path("b.conf")})
        self.assertEqual(s["db"][0], self.path("b-store"))
        self.assertEqual(s["config"], (self.path("b.conf"), "environment", "MPCTL_CONFIG"))
        self.assertEqual(self.settings()["config"], ("", "default", ""))
        s = self.settings("--config", self.path("a.conf"), env={"MPCTL_DB": self.path("env")})
        self.assertEqual(s["db"], (self.path("env"), "environment", "MPCTL_DB"))
        s = self.settings("--config", self.path("a.conf"), "--db", self.path("flag"))
        self.assertEqual(s["db"], (self.path("flag"), "flag", ""))
        # The default: the user's data directory.
        s = self.settings()
        self.assertEqual(s["db"], (os.path.join(self.tmp, ".local/share/mpctl"), "default", ""))
        # The store named by the file is the one served.
        self.ok("--db", self.path("a-store"), "init")
        server = self.serve("--config", self.path("a.conf"))
        code, _, err = server.stop()
        self.assertEqual(code, 0, err)
        self.assertIn(f"(store {self.path('a-store')})", err)

    def test_secrets_are_masked(self):
        self.write("mpctl.conf", "db = postgresql://mpctl:hunter2@db.test/mp\n")
        env = dict(self.env, MPCTL_KEY_SECRET="s3cret-value", MPCTL_KEY_SECRET_OLD="0ld-value",
                   MPCTL_KEY_SECRET_FILE=self.path("key-secret"))
        del env["MPCTL_DB"]
        for args in [("--print-config",), ("--print-config", "--json")]:
            r = self.run_mpctl("serve", "--config", self.path("mpctl.conf"), *args, env=env)
            self.assertEqual(r.code, 0, r.err)
            for secret in ("hunter2", "s3cret-value", "0ld-value"):
                self.assertNotIn(secret, r.out)
            self.assertIn("postgresql://mpctl:***@db.test/mp", r.out)
            self.assertIn(self.path("key-secret"), r.out)  # a path is no secret
        self.env = env
        s = self.settings("--config", self.path("mpctl.conf"))
        self.assertEqual(s["key-secret"], ("***", "environment", "MPCTL_KEY_SECRET"))
        self.assertEqual(s["key-secret-old-file"], ("", "default", ""))
        # The table names each source.
        out = self.run_mpctl("serve", "--config", self.path("mpctl.conf"), "--print-config",
                             env=env).out
        self.assertRegex(out, r"(?m)^db +postgresql://mpctl:\*\*\*@db\.test/mp +file .*:1$")
        self.assertRegex(out, r"(?m)^key-secret +\*\*\* +environment MPCTL_KEY_SECRET$")
        self.assertRegex(out, r"(?m)^listen +127\.0\.0\.1:8080 +default$")

    def test_bad_settings_name_their_source(self):
        conf = self.path("mpctl.conf")
        cases = [
            ("listen = nope\n", [conf + ":1", "listen", "nope", "ADDRESS:PORT"]),
            ("# ok\nthreads = many\n", [conf + ":2", "threads", "many"]),
            ("lisen = 127.0.0.1:1\n", [conf + ":1", 'unknown setting "lisen"', "listen"]),
            ("listen 127.0.0.1:1\n", [conf + ":1", "name = value"]),
            ("listen =\n", [conf + ":1", "listen has no value"]),
            ("body-limit = 1\nbody-limit = 2\n", [conf + ":2", "set twice", "line 1"]),
            ("Listen = 1\n", [conf + ":1", "not a setting's name"]),
            ("request-timeout = 0\n", [conf + ":1", "request-timeout"]),
            ("print-config = true\n", [conf + ":1", "unknown setting"]),
            ("config = other.conf\n", [conf + ":1", "unknown setting"]),
        ]
        for text, says in cases:
            with self.subTest(text=text):
                self.write("mpctl.conf", text)
                r = self.run_mpctl("serve", "--config", conf, "--print-config")
                self.assertEqual(r.code, 2, r.out + r.err)
                for word in says:
                    self.assertIn(word, r.err)
        # A line that is not understood is not repeated: it may hold a secret.
        self.write("mpctl.conf", "db postgresql://u:hunter2@h/db\n")
        r = self.run_mpctl("serve", "--config", conf, "--print-config")
        self.assertEqual(r.code, 2)
        self.assertIn(conf + ":1", r.err)
        self.assertNotIn("hunter2", r.err)
        r = self.run_mpctl("serve", "--print-config", env=dict(self.env, MPCTL_BODY_LIMIT="-5"))
        self.assertEqual(r.code, 2, r.err)
        self.assertIn("MPCTL_BODY_LIMIT", r.err)
        # An empty variable is an unset one, as for MPCTL_DB.
        r = self.run_mpctl("serve", "--print-config", env=dict(self.env, MPCTL_LISTEN=""))
        self.assertEqual(r.code, 0, r.err)
        r = self.run_mpctl("serve", "--config", self.path("missing.conf"))
        self.assertEqual(r.code, EXIT["fault"])
        self.assertIn("the config file", r.err)
        self.assertIn("missing.conf", r.err)
        r = self.run_mpctl("serve", "--config", self.tmp)
        self.assertEqual(r.code, EXIT["refused"])
        self.assertIn("regular file", r.err)
        # Bytes that are not text are refused too, and shown escaped.
        with open(conf, "wb") as f:
            f.write(b"\x1b[31m = 1\n")
        r = self.run_mpctl("serve", "--config", conf)
        self.assertEqual(r.code, 2)
        self.assertNotIn("\x1b", r.err)

    def check(self, *args, code, env=None):
        """serve --check: its exit code, its lines {check: problem or ""} and stderr."""
        r = self.run_mpctl("serve", *args, "--check", env=dict(self.env, **(env or {})))
        self.assertEqual(r.code, EXIT.get(code, 0), r.out + r.err)
        lines = {}
        for line in r.out.splitlines():
            state, rest = line[:8], line[8:]
            name, _, problem = rest.partition(": ")
            self.assertIn(state, ("ok      ", "FAILED  "), line)
            self.assertEqual(state == "FAILED  ", problem != "", line)
            lines[name] = problem
        return lines, r.err

    def test_check_finds_every_problem_before_a_start(self):
        self.ok("init", "--issuer", "https://mp.test/")
        lines, err = self.check("--listen", "127.0.0.1:0", code="ok")
        self.assertEqual(list(lines), ["settings", f"store {self.db}", "token memory",
                                       "audit log", "access log -",
                                       "listen 127.0.0.1:0"])
        self.assertEqual(set(lines.values()), {""})
        self.assertEqual(err, "")
        # A pair with one half is a usage mistake, naming where the half came from;
        # nothing else can be checked without the settings.
        lines, err = self.check(code="usage", env={"MPCTL_TLS_CERT": "cert.pem"})
        self.assertEqual(lines, {"settings": "--tls-cert (MPCTL_TLS_CERT) without --tls-key: "
                                             "HTTPS needs both, HTTP neither"})
        self.assertIn("serve would not start: 1 problem: settings: --tls-cert", err)
        r = self.run_mpctl("serve", "--tls-key", "k.pem")
        self.assertEqual(r.code, EXIT["usage"], r.err)
        self.assertIn("--tls-key without --tls-cert", r.err)
        # Every problem at once: files that are not there, a pair that does not
        # match, a log that cannot be opened, an address that is taken.
        self.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-nodes", "-keyout", "a.key", "-out", "a.crt", "-days", "1", "-subj", "/CN=a")
        self.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-out", "b.key")
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            lines, err = self.check("--tls-cert", "a.crt", "--tls-key", "b.key", "--access-log",
                                    "no/such/dir/access.log", "--listen", f"127.0.0.1:{port}",
                                    code="usage")
        self.assertIn('cannot load TLS key "b.key": key values mismatch', lines["tls a.crt"])
        self.assertIn('cannot open "no/such/dir/access.log"',
                      lines["access log no/such/dir/access.log"])
        self.assertIn("Address already in use", lines[f"listen 127.0.0.1:{port}"])
        self.assertEqual(lines[f"store {self.db}"], "")
        self.assertIn("serve would not start: 3 problems", err)
        # The address alone: out for now, the unavailable code.
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            lines, _ = self.check("--listen", f"127.0.0.1:{port}", code="unavailable")
        self.assertIn("Address already in use", lines[f"listen 127.0.0.1:{port}"])
        # A certificate that is not there; a store that was never made.
        lines, _ = self.check("--tls-cert", "none.crt", "--tls-key", "a.key", "--listen",
                              "127.0.0.1:0", "--db", self.path("never"), code="usage")
        self.assertIn('cannot read "none.crt"', lines["tls none.crt"])
        self.assertIn("run mpctl init there first", lines[f"store {self.path('never')}"])
        self.assertNotIn("audit log", lines)  # it is the store's
        self.assertNotIn("token memory", lines)
        # --json: the same checks as a list.
        r = self.run_mpctl("--json", "serve", "--check", "--listen", "127.0.0.1:0")
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual(json.loads(r.out)[-1], {"check": "listen 127.0.0.1:0", "ok": True})

    def test_quotes_comments_and_spaces(self):
        self.write("mpctl.conf", "  # indented comment\n\t listen\t=\t\"127.0.0.1:7005\"  \n"
                   "access-log = /tmp/a # b.log\n")
        s = self.settings("--config", self.path("mpctl.conf"))
        self.assertEqual(s["listen"][0], "127.0.0.1:7005")
        # '#' starts a comment only at the start of a line: values may hold one.
        self.assertEqual(s["access-log"][0], "/tmp/a # b.log")
        # Written on Windows: a byte order mark and CRLF line ends.
        with open(self.path("mpctl.conf"), "wb") as f:
            f.write(b"\xef\xbb\xbflisten = 127.0.0.1:7006\r\nthreads = 2\r\n")
        s = self.settings("--config", self.path("mpctl.conf"))
        self.assertEqual(s["listen"][0], "127.0.0.1:7006")
        self.assertEqual(s["threads"][0], "2")

    def test_help_and_man_page_tell_the_order(self):
        out = self.ok("serve", "--help").out
        self.assertIn("--config", out)
        self.assertIn("--print-config", out)
        self.assertIn("MPCTL_<NAME>", out)
        man = os.environ.get("MPCTL_MAN")
        if man:
            with open(man) as f:
                text = f.read()
            for name in ("MPCTL_LISTEN", "MPCTL_TLS_CERT", "MPCTL_ACCESS_LOG", "MPCTL_CONFIG",
                         "/etc/mpctl/mpctl.conf"):
                self.assertIn(name, text.replace("\\-", "-").replace("\\_", "_"))


if __name__ == "__main__":
    unittest.main()
