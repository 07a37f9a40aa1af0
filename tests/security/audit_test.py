"""Regression tests for the upsd audit (issue 18), against the real binary on loopback:
STARTTLS command injection, TLS defaults (Python's OpenSSL client), CERTREQUEST REQUIRE without
FORCESSL, commands too long for one driver line and RANGE overflow (seen at a driver socket
peer), tracking ids across connections, the pid-file check of `upsd -c stop`, and the warning
for an unquoted multi-word password. Usage: audit_test.py WALNUT_UPSD"""
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
import nut_harness as nh  # noqa: E402
from tls_test import read_line, tls_request  # noqa: E402

WALNUT_UPSD = None
USERS = ("[admin]\n  password = secret\n  actions = SET\n  instcmds = all\n"
         "[mon]\n  password = monpass\n  upsmon primary\n")
DUMP = ['SETINFO ups.status "OL"', 'SETINFO ups.contact "x"', "SETFLAGS ups.contact RW",
        'SETINFO battery.charge.low "10"', "SETFLAGS battery.charge.low RW",
        "ADDRANGE battery.charge.low 5 50", "ADDCMD load.off", "DATAOK", "DUMPDONE"]


def sh(argv):
    subprocess.run(argv, check=True, capture_output=True, timeout=nh.DEADLINE)


def read_until_eof(sock, timeout=10.0):
    """Every byte until the server closes; raises TimeoutError if it keeps the connection."""
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = sock.recv(4096)
        except socket.timeout:
            raise TimeoutError(f"server kept the connection open after {data!r}")
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


class Audit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.box = nh.NutSandbox("walnut-audit-")
        try:
            cls.pki = cls.box.path("pki")
            os.mkdir(cls.pki)
            # RSA, so that the non-forward-secret AES128-SHA (RSA key exchange) is possible.
            sh(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", f"{cls.pki}/key.pem", "-out", f"{cls.pki}/cert.pem",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
            with open(f"{cls.pki}/upsd.pem", "w") as out:
                for part in ("cert.pem", "key.pem"):
                    with open(f"{cls.pki}/{part}") as f:
                        out.write(f.read())
            cls.driver = cls.box.start_fake_driver("dummy-ups", "dummy", DUMP)
        except Exception:
            cls.box.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.box.close(keep=bool(os.environ.get("WALNUT_KEEP_SANDBOX")))

    def server(self, name, extra="", users=USERS):
        port = nh.free_port()
        self.box.write(f"{name}/ups.conf", "[dummy]\n driver = dummy-ups\n port = dummy.dev\n")
        self.box.write(f"{name}/upsd.users", users)
        self.box.write(f"{name}/upsd.conf", f"LISTEN 127.0.0.1 {port}\n" + extra)
        process = self.box.start_upsd(name, WALNUT_UPSD, self.box.path(name), port)
        nh.wait_until(lambda: nh.exchange(port, b"GET VAR dummy ups.status\n")
                      == b'VAR dummy ups.status "OL"\n', f"{name} has the driver's data")
        return port, process

    def tls_server(self, name, extra=""):
        return self.server(name, f"CERTFILE {self.pki}/upsd.pem\n" + extra)

    def starttls(self, port, context):
        sock = socket.create_connection(("127.0.0.1", port), timeout=nh.DEADLINE)
        sock.sendall(b"STARTTLS\n")
        self.assertEqual(read_line(sock), b"OK STARTTLS\n")
        return context.wrap_socket(sock, server_hostname="127.0.0.1")

    def client_context(self):
        return ssl.create_default_context(cafile=f"{self.pki}/cert.pem")

    # Item 1: the CVE-2011-0411 class.
    def test_plain_text_behind_starttls_closes_the_connection(self):
        port, _ = self.tls_server("inject")
        for tail in (b"USERNAME x\nPASSWORD y\n", b"USERNAME x", b"\n"):
            with socket.create_connection(("127.0.0.1", port), timeout=nh.DEADLINE) as sock:
                sock.sendall(b"STARTTLS\n" + tail)  # one write: one read on the server
                self.assertEqual(read_until_eof(sock), b"OK STARTTLS\n", tail)
        self.assertIn("after STARTTLS before the TLS handshake", self.box.log_of("inject"))
        # A real client (STARTTLS, wait, handshake) logs in as itself.
        with self.starttls(port, self.client_context()) as tls:
            self.assertEqual(tls_request(tls, b"USERNAME mon\n"), b"OK\n")
            self.assertEqual(tls_request(tls, b"PASSWORD monpass\n"), b"OK\n")
            self.assertEqual(tls_request(tls, b"LOGIN dummy\n"), b"OK\n")

    # Item 1 with item 5's login throttle: lines held behind a throttled check keep the rule.
    def test_starttls_behind_a_held_login_keeps_the_rule(self):
        port, _ = self.tls_server("held")
        for n, tail in enumerate((b"USERNAME x\n", b"USERN", b"\n", b"")):
            user = f"ghost{n}".encode()  # a pair (address, user) of its own for each case
            with nh.connect_as_stranger(port) as sock:
                sock.sendall(b"USERNAME " + user + b"\nPASSWORD wrong\n")
                self.assertEqual(read_line(sock) + read_line(sock), b"OK\nOK\n")
                for _ in range(3):  # the next check then waits 400 ms
                    sock.sendall(b"LOGIN dummy\n")
                    self.assertEqual(read_line(sock), b"ERR ACCESS-DENIED\n")
                started = time.monotonic()
                sock.sendall(b"LOGIN dummy\nSTARTTLS\n" + tail)  # one read: held together
                if tail:
                    self.assertEqual(read_until_eof(sock), b"ERR ACCESS-DENIED\nOK STARTTLS\n",
                                     tail)
                else:
                    self.assertEqual(read_line(sock), b"ERR ACCESS-DENIED\n")
                    self.assertEqual(read_line(sock), b"OK STARTTLS\n")
                self.assertGreater(time.monotonic() - started, 0.2, "the check was held")
                if tail:
                    continue
                with self.client_context().wrap_socket(sock, server_hostname="127.0.0.1") as tls:
                    self.assertEqual(tls_request(tls, b"USERNAME mon\n"), b"OK\n")
                    self.assertEqual(tls_request(tls, b"PASSWORD monpass\n"), b"OK\n")
                    self.assertEqual(tls_request(tls, b"LOGIN dummy\n"), b"OK\n")
        self.assertIn("after STARTTLS before the TLS handshake", self.box.log_of("held"))

    # Item 10: forward-secret AEAD suites unless ALLOW_WEAK_SSL.
    def handshake(self, port, cipher=None, tls13=False):
        context = self.client_context()
        if not tls13:
            context.maximum_version = ssl.TLSVersion.TLSv1_2
        if cipher:
            context.set_ciphers(cipher + ":@SECLEVEL=0")
        with self.starttls(port, context) as tls:
            reply = tls_request(tls, b"VER\n")
            if not reply:
                raise OSError("closed")
            return tls.version(), tls.cipher()[0]

    def test_tls_offers_only_forward_secret_aead_suites_by_default(self):
        port, _ = self.tls_server("tls-default", "DISABLE_WEAK_SSL 0\n")
        for weak in ("AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA"):
            with self.assertRaises((ssl.SSLError, OSError), msg=weak):
                self.handshake(port, weak)
        self.assertEqual(self.handshake(port, "ECDHE-RSA-AES128-GCM-SHA256"),
                         ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"))
        self.assertEqual(self.handshake(port, "ECDHE-RSA-CHACHA20-POLY1305")[1],
                         "ECDHE-RSA-CHACHA20-POLY1305")
        self.assertEqual(self.handshake(port, tls13=True)[0], "TLSv1.3")
        # Asked for by name, the weak suite is there again (so the refusal above is the policy).
        weak_port, _ = self.tls_server("tls-weak", "ALLOW_WEAK_SSL 1\n")
        self.assertEqual(self.handshake(weak_port, "AES128-SHA"), ("TLSv1.2", "AES128-SHA"))

    # Item 9.
    def test_certrequest_require_implies_forcessl(self):
        port, _ = self.tls_server("require", f"CERTREQUEST REQUIRE\nCACERTFILE {self.pki}/cert.pem\n")
        client = nh.LineClient(port)
        try:
            self.assertEqual(client.request("USERNAME admin"), "ERR ACCESS-DENIED")
            self.assertEqual(client.request("PASSWORD secret"), "ERR ACCESS-DENIED")
            self.assertEqual(client.request("SET VAR dummy ups.contact y"),
                             "ERR USERNAME-REQUIRED")
        finally:
            client.close()
        self.assertEqual(self.box.log_of("require").count("CERTREQUEST REQUIRE implies FORCESSL"), 1)

    def admin(self, port):
        client = nh.LineClient(port)
        self.assertEqual(client.request("USERNAME admin"), "OK")
        self.assertEqual(client.request("PASSWORD secret"), "OK")
        return client

    # Items 6 and 7, seen from the driver's socket.
    def test_too_long_commands_and_overflowing_numbers_never_reach_the_driver(self):
        port, _ = self.server("long")
        client = self.admin(port)
        try:
            before = len(self.driver.received)
            self.assertEqual(client.request("INSTCMD dummy load.off " + "p" * 500), "ERR TOO-LONG")
            self.assertEqual(client.request("SET VAR dummy ups.contact " + "v" * 500),
                             "ERR TOO-LONG")
            self.assertEqual(client.request("SET VAR dummy battery.charge.low 4294967306"),
                             "ERR INVALID-VALUE")
            self.assertEqual(client.request("INSTCMD dummy load.off"), "OK")
            self.assertEqual(client.request("SET VAR dummy battery.charge.low 20"), "OK")
            nh.wait_until(lambda: len(self.driver.received) >= before + 2, "commands at the driver")
            commands = [line for line in self.driver.received[before:]
                        if not line.startswith(("PING", "DUMPALL"))]
            self.assertEqual(commands, ["INSTCMD load.off", 'SET battery.charge.low "20"'])
        finally:
            client.close()

    # Item 12.
    def test_tracking_ids_answer_only_their_connection(self):
        port, _ = self.server("tracking")
        owner, other = self.admin(port), self.admin(port)
        try:
            for client in (owner, other):
                self.assertEqual(client.request("SET TRACKING ON"), "OK")
            reply = owner.request("INSTCMD dummy load.off")
            self.assertTrue(reply.startswith("OK TRACKING "), reply)
            tracking_id = reply[len("OK TRACKING "):]
            self.assertEqual(len(tracking_id), 36)
            nh.wait_until(lambda: owner.request("GET TRACKING " + tracking_id) == "SUCCESS",
                          "the driver's answer")
            self.assertEqual(other.request("GET TRACKING " + tracking_id), "ERR UNKNOWN")
        finally:
            owner.close()
            other.close()

    # Item 13: the pid file names another program.
    def test_stop_refuses_a_pid_file_naming_another_program(self):
        confdir = self.box.path("pidfile")
        os.makedirs(confdir, exist_ok=True)
        sleeper = subprocess.Popen(["sleep", "120"])
        try:
            with open(os.path.join(confdir, "upsd.pid"), "w") as f:
                f.write(f"{sleeper.pid}\n")
            result = subprocess.run([WALNUT_UPSD, "-c", "stop"], env=self.box.environment(confdir),
                                    capture_output=True, text=True, timeout=nh.DEADLINE)
            self.assertEqual(result.returncode, 1)
            self.assertIn("not upsd: not signalling it", result.stderr + result.stdout)
            time.sleep(0.2)
            self.assertIsNone(sleeper.poll(), "the sleep process was signalled")
        finally:
            sleeper.kill()
            sleeper.wait()

    def test_stop_still_stops_a_real_upsd(self):
        port = nh.free_port()
        name = "stoppable"
        self.box.write(f"{name}/ups.conf", "[dummy]\n driver = dummy-ups\n port = dummy.dev\n")
        self.box.write(f"{name}/upsd.users", USERS)
        self.box.write(f"{name}/upsd.conf", f"LISTEN 127.0.0.1 {port}\n")
        env = self.box.environment(self.box.path(name))
        process = self.box.spawn(name, [WALNUT_UPSD, "-FF", "-u", "root"], env)
        pid_file = self.box.path(name, "upsd.pid")
        nh.wait_until(lambda: os.path.exists(pid_file), "the pid file")
        result = subprocess.run([WALNUT_UPSD, "-c", "stop"], env=env, capture_output=True,
                                text=True, timeout=nh.DEADLINE)
        self.assertEqual(result.returncode, 0, result.stderr)
        process.wait(timeout=nh.DEADLINE)

    # Item 13: an unquoted password with spaces.
    def test_multi_word_password_warns_at_start_and_on_reload(self):
        users = USERS + "[spaced]\n  password = correct horse\n  upsmon secondary\n"
        port, process = self.server("spaced", users=users)
        warning = "upsd.users:9: password of [spaced] has 2 words"
        self.assertEqual(self.box.log_of("spaced").count(warning), 1, self.box.log_of("spaced"))
        os.kill(process.pid, signal.SIGHUP)
        nh.wait_until(lambda: self.box.log_of("spaced").count(warning) == 2, "the warning on reload")
        self.assertEqual(nh.exchange(port, b"USERNAME spaced\nPASSWORD correct\nLOGIN dummy\n"),
                         b"OK\nOK\nOK\n")


if __name__ == "__main__":
    WALNUT_UPSD = sys.argv.pop(1)
    unittest.main(verbosity=2)
