"""10,000 concurrent idle connections to walnut's upsd while a fresh client is still answered
quickly, and MAXCONN honoured (one past it is refused at once). Loopback only.
Usage: load_test.py WALNUT_UPSD"""
import os
import resource
import socket
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
import nut_harness as nh  # noqa: E402

WALNUT_UPSD = None
IDLE = 10_000
OL = b'VAR dummy ups.status "OL"\n'


def timed_request(port):
    start = time.monotonic()
    reply = nh.exchange(port, b"GET VAR dummy ups.status\n", timeout=30)
    return reply, time.monotonic() - start


class Load(unittest.TestCase):
    def test_ten_thousand_idle_connections_and_maxconn(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = IDLE + 1000
        if hard < wanted:
            self.skipTest(f"RLIMIT_NOFILE hard limit {hard} < {wanted}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))  # upsd inherits it
        box = nh.NutSandbox("walnut-load-")
        idle = []
        try:
            port = nh.free_port()
            box.write("conf/ups.conf", "[dummy]\n driver = dummy-ups\n port = dummy.dev\n")
            box.write("conf/upsd.users", "")
            # Room for the idle ones and the probe; the next one must wait.
            box.write("conf/upsd.conf", f"LISTEN 127.0.0.1 {port}\nMAXCONN {IDLE + 1}\n")
            box.start_fake_driver("dummy-ups", "dummy",
                                  ['SETINFO ups.status "OL"', "DATAOK", "DUMPDONE"])
            upsd = box.start_upsd("upsd", WALNUT_UPSD, box.path("conf"), port)
            nh.wait_until(lambda: nh.exchange(port, b"GET VAR dummy ups.status\n") == OL,
                          "upsd serving")
            for _ in range(IDLE):
                idle.append(socket.create_connection(("127.0.0.1", port), timeout=30))
            # Every idle one is accepted and served (proves they are all connected, not queued).
            for sock in idle[::1000]:
                sock.sendall(b"GET VAR dummy ups.status\n")
                self.assertEqual(sock.recv(4096), OL)
            latencies = []
            for _ in range(20):
                reply, seconds = timed_request(port)
                self.assertEqual(reply, OL)
                latencies.append(seconds)
            latencies.sort()
            median = latencies[len(latencies) // 2]
            print(f"\nfresh client with {IDLE} idle connections: median {median * 1000:.1f} ms, "
                  f"max {latencies[-1] * 1000:.1f} ms", file=sys.stderr)
            self.assertLess(median, 2.0)
            # MAXCONN: a probe holds the last slot; one more is refused at once (EOF).
            probe = socket.create_connection(("127.0.0.1", port), timeout=30)
            probe.sendall(b"GET VAR dummy ups.status\n")
            self.assertEqual(probe.recv(4096), OL)
            extra = socket.create_connection(("127.0.0.1", port), timeout=30)
            self.assertEqual(extra.recv(4096), b"")
            extra.close()
            # A freed slot takes a new client.
            idle.pop().close()
            extra = None
            deadline = time.monotonic() + 30
            while extra is None and time.monotonic() < deadline:
                candidate = socket.create_connection(("127.0.0.1", port), timeout=30)
                candidate.sendall(b"GET VAR dummy ups.status\n")
                reply = candidate.recv(4096)
                if reply:
                    self.assertEqual(reply, OL)
                    extra = candidate
                else:
                    candidate.close()  # the server had not yet seen the idle client go
                    time.sleep(0.05)
            self.assertIsNotNone(extra, "a freed MAXCONN slot was never reused")
            self.assertIsNone(upsd.poll())
            with open(f"/proc/{upsd.pid}/status") as f:
                rss = [line for line in f if line.startswith("VmRSS")][0].split()[1]
            print(f"upsd RSS with {IDLE} connections: {rss} KiB", file=sys.stderr)
            probe.close()
            extra.close()
        finally:
            for sock in idle:
                sock.close()
            box.close()
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


if __name__ == "__main__":
    WALNUT_UPSD = sys.argv.pop(1)
    unittest.main(verbosity=2)
