"""Regression tests for issue 18 (security audit of upsd), against the real upsd on loopback:
password_file errors, log flooding, failed-command logging, the login throttle and the cap on
memory held for clients that do not read. Usage: audit_auth_test.py WALNUT_UPSD"""
import os
import socket
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
import nut_harness as nh  # noqa: E402
from hostile_clients import log_flood, rss_kib  # noqa: E402

WALNUT_UPSD = None
USERS = """[admin]
  password = adminpass
  actions = SET FSD
  instcmds = all
[mon]
  password = monpass
  upsmon primary
[op]
  actions = FSD
  password_file = op.pw
[rel]
  actions = FSD
  password_file = secrets/rel.pw
"""


class Audit(unittest.TestCase):
    upsd_conf_extra = ""

    def setUp(self):
        self.box = nh.NutSandbox("walnut-audit-")
        self.port = nh.free_port()
        self.conf = self.box.path("conf")
        self.box.write("conf/ups.conf", "[dummy]\n driver = dummy-ups\n port = dummy.dev\n")
        self.box.write("conf/upsd.users", USERS)
        self.box.write("conf/op.pw", "")  # empty: [op] must not log in with an empty password
        self.box.write("conf/secrets/rel.pw", "rel pass  with spaces \n")
        self.box.write("conf/upsd.conf", f"LISTEN 127.0.0.1 {self.port}\n{self.upsd_conf_extra}")
        self.box.start_fake_driver("dummy-ups", "dummy", [
            'SETINFO ups.status "OL"', 'SETINFO ups.id "x"', "SETFLAGS ups.id RW STRING",
            "SETAUX ups.id 8", "ADDCMD beeper.disable", "DATAOK", "DUMPDONE"])
        # Started from another folder: relative password_file paths must not depend on it.
        self.process = self.box.spawn("upsd", [WALNUT_UPSD, "-F", "-u", "root"],
                                      self.box.environment(self.conf))
        nh.wait_until(lambda: self.status() == b'VAR dummy ups.status "OL"\n'
                      or self.process.poll() is not None, "upsd serving")
        self.assertIsNone(self.process.poll(), self.box.log_of("upsd"))

    def tearDown(self):
        self.box.close(keep=bool(os.environ.get("WALNUT_KEEP_SANDBOX")))

    def status(self):
        try:
            return nh.exchange(self.port, b"GET VAR dummy ups.status\n", timeout=10)
        except OSError:
            return b""

    def ask(self, user, password, command, timeout=30):
        """One connection: USERNAME, PASSWORD, `command`; the command's reply line."""
        out = nh.exchange(self.port, f'USERNAME {user}\nPASSWORD "{password}"\n{command}\n'
                          .encode(), timeout=timeout)
        return out.split(b"\n")[2] if out.count(b"\n") >= 3 else out

    def log_lines(self):
        return self.box.log_of("upsd").splitlines()


class PasswordFile(Audit):
    def test_empty_file_locks_the_user_out_and_relative_paths_use_the_config_folder(self):
        log = self.box.log_of("upsd")
        self.assertIn("upsd.users:10: user [op]: password_file", log)
        self.assertIn("empty first line", log)
        self.assertEqual(self.ask("op", "", "FSD dummy"), b"ERR ACCESS-DENIED")
        self.assertEqual(self.ask("rel", "rel pass  with spaces ", "FSD dummy"), b"OK FSD-SET")
        # The error comes again on every reload, and the other users keep working.
        os.kill(self.process.pid, 1)
        nh.wait_until(lambda: self.box.log_of("upsd").count("user [op]: password_file") >= 2,
                      "the error logged again on reload")
        self.assertEqual(self.ask("mon", "monpass", "LOGIN dummy"), b"OK")


class FailureLogging(Audit):
    def test_each_failed_privileged_command_is_logged_with_the_address(self):
        for user, command in [("admin", "SET VAR dummy ups.id y"), ("ghost1", "FSD dummy"),
                              ("ghost2", "INSTCMD dummy beeper.disable"),
                              ("ghost3", "PRIMARY dummy"), ("ghost4", "LOGIN dummy")]:
            self.assertEqual(self.ask(user, "wrong", command), b"ERR ACCESS-DENIED", command)
        log = self.box.log_of("upsd")
        for expected in ["Failed SET by admin@127.0.0.1", "Failed FSD by ghost1@127.0.0.1",
                         "Failed INSTCMD by ghost2@127.0.0.1", "Failed PRIMARY by ghost3@127.0.0.1",
                         "Failed LOGIN by ghost4@127.0.0.1"]:
            self.assertIn(expected, log)
        # Successes are logged too (never suppressed).
        self.assertEqual(self.ask("admin", "adminpass", "SET VAR dummy ups.id y"), b"OK")
        self.assertIn("Set variable: admin@127.0.0.1 set ups.id on dummy to y",
                      self.box.log_of("upsd"))


class LogFlood(Audit):
    def test_a_flood_of_failures_and_bad_lines_writes_a_bounded_number_of_lines(self):
        before = len(self.log_lines())
        caused = log_flood(self.port, 4)
        self.assertGreater(caused, 10000)
        flood_lines = len(self.log_lines()) - before
        # 60 at once for all clients, then one per second: far below what was caused.
        self.assertLess(flood_lines, 80, "\n".join(self.log_lines()[-20:]))
        nh.wait_until(lambda: any("messages suppressed" in line for line in self.log_lines()),
                      "the suppressed summary", deadline=20)
        summary = [line for line in self.log_lines() if "messages suppressed" in line][0]
        self.assertIn("from 127.0.0.1", summary)
        self.assertEqual(self.status(), b'VAR dummy ups.status "OL"\n')


class Throttle(Audit):
    def test_guesses_are_slowed_per_address_and_user_but_others_are_not(self):
        # 40 guesses for admin at once, each on its own connection; SET VAR on a bogus
        # variable is the oracle (VAR-NOT-SUPPORTED when the password is right).
        answered = []
        lock = threading.Lock()
        began = time.monotonic()

        def guess(n):
            try:
                reply = self.ask("admin", f"guess{n}", "SET VAR dummy bogus.var x", timeout=60)
            except OSError:
                reply = b"closed"
            with lock:
                answered.append((time.monotonic() - began, reply))

        guesses = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
        for g in guesses:
            g.start()
        time.sleep(0.5)
        # Meanwhile upsmon's own user, from the same address, logs in without waiting.
        t = time.monotonic()
        self.assertEqual(self.ask("mon", "monpass", "LOGIN dummy"), b"OK")
        mon_wait = time.monotonic() - t
        time.sleep(1.5)
        with lock:
            within_2s = sum(1 for at, _ in answered if at <= 2.0)
        for g in guesses:
            g.join()
        self.assertLess(mon_wait, 0.5)
        # At most about 10 per second (100 ms after the first failure, then 200 ms apart).
        self.assertLessEqual(within_2s, 21, answered)
        self.assertTrue(all(reply == b"ERR ACCESS-DENIED" for _, reply in answered), answered)
        self.assertIn("Failed SET by admin@127.0.0.1", self.box.log_of("upsd"))


class UnreadOutput(Audit):
    upsd_conf_extra = "CLIENT_OUTPUT_LIMIT 4\n"

    def test_clients_that_do_not_read_cannot_hold_more_than_the_limit(self):
        before = rss_kib(self.process.pid)
        sockets = []
        # Each asks for 2.7-3.2 MB of replies and never reads: the kernel's socket buffers take
        # about 2.5 MB, upsd would hold the rest (up to its 1 MiB per client) for each of them.
        for i in range(60):
            request = b"VER\n" * (42000 + (i % 5) * 2000)
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("127.0.0.1", self.port))
            s.settimeout(10)
            try:
                s.sendall(request)
            except OSError:
                pass  # dropped while sending: what the cap is for
            sockets.append(s)
        time.sleep(3)
        grown = rss_kib(self.process.pid) - before
        self.assertEqual(self.status(), b'VAR dummy ups.status "OL"\n')
        for s in sockets:
            s.close()
        # 4 MiB for all of them, plus allocator slack; measured here: 5 MB, and 26 MB
        # without the global cap (CLIENT_OUTPUT_LIMIT 1000).
        self.assertLess(grown, 12 * 1024, f"upsd grew by {grown} KiB")
        self.assertIn("CLIENT_OUTPUT_LIMIT", self.box.log_of("upsd"))


if __name__ == "__main__":
    WALNUT_UPSD = sys.argv.pop(1)
    unittest.main()
