#!/usr/bin/python3
"""walnut upsd's life with real drivers and signals, beside stock upsd where stock's answer
is the reference: driver killed and restarted, driver frozen past MAXAGE, SIGHUP reload,
-c reload|stop, bad config, slow and abusive clients. Usage: server_lifecycle_test.py UPSD"""
import os
import signal
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nut_harness as nh  # noqa: E402

WALNUT_UPSD = None
DEV = "ups.status: OL\nbattery.charge: 100\nups.mfr: Test Corp\n"
USERS = "[admin]\n  password = secret\n  actions = SET\n"
PROBE = b"GET VAR dummy ups.status\n"


def ups_conf(box, extra=""):
    return f"[dummy]\n driver = dummy-ups\n port = {box.root}/dummy.dev\n" + extra


class Lifecycle(unittest.TestCase):
    def setUp(self):
        self.box = nh.NutSandbox("walnut-life-")
        self.box.write("dummy.dev", DEV, 0o644)
        self.ports = {}
        for server in ("stock", "walnut"):
            self.ports[server] = nh.free_port()
            self.box.write(f"{server}/ups.conf", ups_conf(self.box))
            self.box.write(f"{server}/upsd.users", USERS)
            self.box.write(f"{server}/upsd.conf",
                           f"LISTEN 127.0.0.1 {self.ports[server]}\nMAXAGE 6\n")

    def tearDown(self):
        self.box.close(keep=bool(os.environ.get("WALNUT_KEEP_SANDBOX")))

    def start_servers(self, which=("stock", "walnut")):
        self.driver = self.box.start_dummy_ups(self.box.path("walnut"), "dummy")
        binaries = {"stock": nh.STOCK_UPSD, "walnut": WALNUT_UPSD}
        self.servers = {}
        for server in which:
            self.servers[server] = self.box.start_upsd(f"{server}-upsd", binaries[server],
                                                       self.box.path(server), self.ports[server])
        self.wait_all(b'VAR dummy ups.status "OL"\n', "data from dummy-ups")

    def wait_all(self, expected, what):
        for server in self.servers:
            port = self.ports[server]
            nh.wait_until(lambda: nh.exchange(port, PROBE) == expected, f"{server}: {what}")

    def test_driver_killed_and_restarted(self):
        self.start_servers()
        self.box.stop(self.driver)
        self.wait_all(b"ERR DRIVER-NOT-CONNECTED\n", "driver gone")
        self.driver = self.box.start_dummy_ups(self.box.path("walnut"), "dummy")
        self.wait_all(b'VAR dummy ups.status "OL"\n', "driver back")

    def test_frozen_driver_goes_stale_then_recovers(self):
        self.start_servers()
        os.kill(self.driver.pid, signal.SIGSTOP)
        try:
            self.wait_all(b"ERR DATA-STALE\n", "stale after MAXAGE")
        finally:
            os.kill(self.driver.pid, signal.SIGCONT)
        self.wait_all(b'VAR dummy ups.status "OL"\n', "fresh again")

    def test_sighup_reloads_without_dropping_clients(self):
        self.start_servers(("walnut",))
        client = nh.LineClient(self.ports["walnut"])
        self.assertEqual(client.request("USERNAME admin"), "OK")
        self.box.write("walnut/ups.conf",
                       ups_conf(self.box, ' desc = "Reloaded"\n[extra]\n driver = dummy-ups\n'
                                          f" port = {self.box.root}/none.dev\n"))
        os.kill(self.servers["walnut"].pid, signal.SIGHUP)
        nh.wait_until(lambda: b'UPS dummy "Reloaded"' in nh.exchange(self.ports["walnut"],
                                                                     b"LIST UPS\n"), "reload")
        self.assertEqual(client.request("USERNAME again"), "ERR ALREADY-SET-USERNAME")
        self.assertEqual(client.request("GET UPSDESC extra"), 'UPSDESC extra "Unavailable"')
        client.close()

    def test_bad_config_line_is_a_warning_naming_file_and_line(self):
        # Stock logs a upsd.conf line it cannot use and carries on; so does walnut (an upsd
        # that refuses to start means no shutdown), naming the file and line.
        port = self.ports["walnut"]
        self.box.write("walnut/upsd.conf", f"LISTEN 127.0.0.1 {port}\nMAXAGE soon\nMAXAEG 6\n")
        self.start_servers(("walnut",))
        log = self.box.log_of("walnut-upsd")
        self.assertIn("upsd.conf:2", log)
        self.assertIn("upsd.conf:3", log)

    def test_c_reload_and_stop_use_the_pid_file(self):
        env = self.box.environment(self.box.path("walnut"))
        self.box.start_dummy_ups(self.box.path("walnut"), "dummy")
        server = self.box.spawn("walnut-ff", [WALNUT_UPSD, "-FF", "-u", "root"], env)
        pid_file = self.box.path("walnut", "upsd.pid")
        nh.wait_until(lambda: os.path.exists(pid_file), "pid file")
        subprocess.run([WALNUT_UPSD, "-c", "reload"], env=env, check=True, timeout=nh.DEADLINE)
        subprocess.run([WALNUT_UPSD, "-c", "stop"], env=env, check=True, timeout=nh.DEADLINE)
        self.assertEqual(server.wait(timeout=nh.DEADLINE), 0)
        self.assertFalse(os.path.exists(pid_file))
        self.assertIn("Reloading", self.box.log_of("walnut-ff"))

    def test_client_that_never_reads_is_dropped_and_others_are_served(self):
        self.start_servers(("walnut",))
        port = self.ports["walnut"]
        hog = socket.create_connection(("127.0.0.1", port))
        hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        request = b"LIST VAR dummy\n" * 2000
        dropped = False
        deadline = time.monotonic() + nh.DEADLINE
        hog.settimeout(1)
        while time.monotonic() < deadline and not dropped:
            try:
                hog.sendall(request)
            except (BrokenPipeError, ConnectionResetError):
                dropped = True
            except socket.timeout:
                pass
            self.assertEqual(nh.exchange(port, PROBE), b'VAR dummy ups.status "OL"\n')
        hog.close()
        self.assertTrue(dropped, "the hog was never disconnected")

    def test_endless_line_gets_too_long_and_close(self):
        self.start_servers(("walnut",))
        with socket.create_connection(("127.0.0.1", self.ports["walnut"])) as s:
            s.settimeout(nh.DEADLINE)
            try:
                s.sendall(b"GET VAR " + b"x" * (64 * 1024))
            except (BrokenPipeError, ConnectionResetError):
                pass
            data = b""
            try:
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            except ConnectionResetError:
                pass
        self.assertEqual(data, b"ERR TOO-LONG\n")

    def test_listens_on_ipv4_and_ipv6_lines_and_minus_4_keeps_ipv4(self):
        port = self.ports["walnut"]
        self.box.write("walnut/upsd.conf", f"LISTEN 127.0.0.1 {port}\nLISTEN ::1 {port}\n")
        self.start_servers(("walnut",))
        for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(nh.DEADLINE)
                s.connect((host, port))
                s.sendall(b"NETVER\n")
                self.assertEqual(s.recv(100), b"1.3\n")
        self.box.stop(self.servers["walnut"])
        only4 = self.box.spawn("walnut-4", [WALNUT_UPSD, "-F", "-u", "root", "-4"],
                               self.box.environment(self.box.path("walnut")))
        nh.wait_until(lambda: self.box._accepts(port), "walnut -4 listening")
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            self.assertNotEqual(s.connect_ex(("::1", port)), 0)
        self.box.stop(only4)

    def test_maxconn_refuses_extra_connections(self):
        self.box.write("walnut/upsd.conf", f"LISTEN 127.0.0.1 {self.ports['walnut']}\nMAXCONN 2\n")
        self.start_servers(("walnut",))
        port = self.ports["walnut"]
        first, second = nh.LineClient(port), nh.LineClient(port)
        self.assertEqual(first.request("NETVER"), "1.3")
        self.assertEqual(second.request("NETVER"), "1.3")
        # One past MAXCONN is closed at once (EOF), not left waiting in the listen queue.
        third = socket.create_connection(("127.0.0.1", port))
        third.settimeout(nh.DEADLINE)
        self.assertEqual(third.recv(100), b"")
        third.close()
        # The clients already in are still served, and a freed slot takes a new client.
        self.assertEqual(second.request("NETVER"), "1.3")
        first.close()
        fourth = None
        deadline = time.monotonic() + nh.DEADLINE
        while time.monotonic() < deadline:
            candidate = socket.create_connection(("127.0.0.1", port))
            candidate.settimeout(nh.DEADLINE)
            candidate.sendall(b"NETVER\n")
            reply = candidate.recv(100)
            if reply:
                fourth = candidate
                self.assertEqual(reply, b"1.3\n")
                break
            candidate.close()  # the server had not yet seen the first client go
            time.sleep(0.05)
        self.assertIsNotNone(fourth, "a freed MAXCONN slot was never reused")
        second.close()
        fourth.close()

if __name__ == "__main__":
    WALNUT_UPSD = sys.argv.pop(1)
    unittest.main(verbosity=2)
