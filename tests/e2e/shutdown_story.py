"""End-to-end shutdown stories (issue 6) with real processes on loopback:
the simulated APC Back-UPS (physical model, control socket) inside walnut's usbhid-ups ->
walnut's upsd (or stock /lib/nut/upsd) <- Debian's stock upsmon (primary, and a secondary).

usage: shutdown_story.py STORY USBHID_UPS WALNUT_SIM UPSD CAPTURE
STORY: standalone | netserver | commloss. UPSD: walnut's build/bin/upsd or /lib/nut/upsd.
Exit 77 = skipped (stock NUT or unshare missing, or not root). Assertions check notifications (NOTIFYCMD
writing to a file), statuses and the order of events, never wall-clock speed; every wait is
bounded and every process is stopped.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

DEADLINE = 60.0
SCALE = "20"  # sim seconds per real second: a 15-minute battery runs down in under a minute


# The stock-NUT harness's helpers: a free loopback port and a bounded wait.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
from nut_harness import free_port, wait_until  # noqa: E402


class Stack:
    def __init__(self, usbhid_ups, walnut_sim, upsd, capture):
        self.usbhid_ups, self.walnut_sim, self.upsd, self.capture = usbhid_ups, walnut_sim, upsd, capture
        self.dir = tempfile.mkdtemp(prefix="walnut-e2e-")
        self.port = free_port()
        self.processes = {}
        self.events = self.path("events.log")
        open(self.events, "w").close()
        os.chmod(self.dir, 0o755)
        self.write("ups.conf", f"[ups]\n  driver = usbhid-ups\n  port = sim:{capture}\n"
                               "  pollinterval = 1\n  desc = \"simulated Back-UPS\"\n")
        self.write("upsd.conf", f"LISTEN 127.0.0.1 {self.port}\nLISTEN ::1 {self.port}\n")
        self.write("upsd.users", "[admin]\n  password = secret\n  actions = SET FSD\n  instcmds = all\n"
                                 "[mon]\n  password = monpass\n  upsmon primary\n"
                                 "[sec]\n  password = secpass\n  upsmon secondary\n", 0o600)
        self.env = dict(os.environ, NUT_CONFPATH=self.dir, NUT_STATEPATH=self.dir,
                        NUT_ALTPIDPATH=self.dir, WALNUT_SIM_SOCKET=self.path("sim.sock"),
                        WALNUT_SIM_SCALE=SCALE)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def write(self, name, text, mode=0o644):
        with open(self.path(name), "w") as f:
            f.write(text)
        os.chmod(self.path(name), mode)

    def spawn(self, name, argv, env=None):
        log = open(self.path(name + ".log"), "ab")
        self.processes[name] = subprocess.Popen(argv, env=env or self.env, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)
        return self.processes[name]

    def stop(self, name):
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def close(self, failed):
        for name in list(self.processes):
            self.stop(name)
        if failed:
            for name in sorted(os.listdir(self.dir)):
                if name.endswith(".log"):
                    print(f"----- {name}\n" + open(self.path(name), errors="replace").read()[-4000:])
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- the stack ---
    def start_driver(self):
        # As root the driver would become "nut", who cannot write the test's state dir.
        as_root = ["-u", "root"] if os.geteuid() == 0 else []
        self.spawn("driver", [self.usbhid_ups, "-a", "ups", "-F"] + as_root)
        wait_until(lambda: os.path.exists(self.path("usbhid-ups-ups")), "the driver socket")

    def start_upsd(self):
        self.spawn("upsd", [self.upsd, "-F", "-u", "root"])
        wait_until(lambda: self.status() != "", "upsd serving the UPS")

    def start_upsmon(self, role):
        user, password = ("mon", "monpass") if role == "primary" else ("sec", "secpass")
        host = "127.0.0.1" if role == "primary" else "[::1]"
        conf = self.path(role)
        os.makedirs(conf, exist_ok=True)
        notify = self.path(f"notify-{role}.sh")
        self.write(f"notify-{role}.sh",
                   f"#!/bin/sh\necho \"{role} $NOTIFYTYPE\" >> {self.events}\n", 0o755)
        # SHUTDOWNCMD records how many upsmon were still logged in: the primary must have
        # waited (HOSTSYNC) until every secondary logged out.
        self.write(f"shutdown-{role}.sh",
                   "#!/bin/sh\n"
                   "n=$(python3 -c 'import socket; s = socket.create_connection((\"127.0.0.1\", "
                   f"{self.port})); s.sendall(b\"GET NUMLOGINS ups\\n\"); "
                   "print(s.recv(100).decode().split()[-1])')\n"
                   f"echo \"{role} shutdowncmd logins=$n\" >> {self.events}\n"
                   f"echo \"{role} shutdowncmd\" >> {self.events}\n", 0o755)
        flags = "".join(f"NOTIFYFLAG {kind} SYSLOG+EXEC\n" for kind in
                        ("ONLINE", "ONBATT", "LOWBATT", "FSD", "COMMOK", "COMMBAD", "SHUTDOWN"))
        self.write(f"{role}/upsmon.conf",
                   f"MONITOR ups@{host}:{self.port} 1 {user} {password} {role}\n"
                   "MINSUPPLIES 1\n"
                   f'SHUTDOWNCMD {self.path("shutdown-" + role + ".sh")}\n'
                   f"NOTIFYCMD {notify}\n{flags}"
                   f"POWERDOWNFLAG {self.path(role + '-powerdown')}\n"
                   "POLLFREQ 1\nPOLLFREQALERT 1\nFINALDELAY 0\nHOSTSYNC 20\nDEADTIME 10\n"
                   "RBWARNTIME 43200\nNOCOMMWARNTIME 300\n", 0o600)
        env = dict(self.env, NUT_CONFPATH=conf)
        # upsmon keeps its pid file in /run/nut whatever NUT_ALTPIDPATH says: a private tmpfs
        # /run/nut per upsmon, so it neither sees nor clobbers any other instance.
        self.spawn("upsmon-" + role, [
            "unshare", "--mount", "sh", "-c",
            "mkdir -p /run/nut && mount -t tmpfs none /run/nut && exec /lib/nut/upsmon -F -D -p"], env)

    # --- observing and driving ---
    def nut(self, request):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(request.encode() + b"\n")
            s.shutdown(socket.SHUT_WR)
            out = b""
            while chunk := s.recv(65536):
                out += chunk
        return out.decode(errors="replace").strip()

    def status(self):
        reply = self.nut("GET VAR ups ups.status")
        return reply.split('"')[1] if reply.startswith("VAR ") else ""

    def logins(self):
        reply = self.nut("GET NUMLOGINS ups")
        return int(reply.split()[-1]) if reply.startswith("NUMLOGINS") else -1

    def sim(self, *command):
        out = subprocess.run([self.walnut_sim, *command], env=self.env, capture_output=True,
                             text=True, timeout=30)
        assert out.returncode == 0, f"walnut-sim {' '.join(command)}: {out.stderr}"
        return dict(line.split(": ", 1) for line in out.stdout.splitlines() if ": " in line)

    def event_lines(self):
        return [line.strip() for line in open(self.events) if line.strip()]

    def wait_event(self, event):
        wait_until(lambda: event in self.event_lines(), f"event '{event}'")

    def assert_order(self, *events):
        lines = self.event_lines()
        positions = [lines.index(event) for event in events]
        assert positions == sorted(positions), f"events out of order: {events} in {lines}"

    def assert_log_order(self, name, *messages):
        """upsmon's own log is written in order, unlike its NOTIFYCMD children's lines."""
        log = open(self.path(name + ".log"), errors="replace").read()
        positions = [log.find(message) for message in messages]
        assert -1 not in positions and positions == sorted(positions), \
            f"{name} log: expected {messages} in this order"

    def assert_primary_shut_down_on_low_battery(self):
        for event in ("primary ONBATT", "primary LOWBATT", "primary SHUTDOWN"):
            self.wait_event(event)
        self.assert_order("primary ONBATT", "primary shutdowncmd")
        self.assert_log_order("upsmon-primary", "on battery", "battery is low",
                              "Executing automatic power-fail shutdown")

    def kill_power_and_restore(self):
        """What the host's shutdown scripts do last (upsdrvctl shutdown): usbhid-ups -k. The
        sim cuts its output after the delay, drops off USB while the mains is out, and powers
        the load again when the mains returns."""
        assert self.sim("status")["output"] == "on"
        out = subprocess.run([self.usbhid_ups, "-a", "ups", "-k"], env=self.env,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, f"usbhid-ups -k failed: {out.stdout}{out.stderr}"
        wait_until(lambda: self.sim("status")["shutdown_timer"] != "none" or
                   self.sim("status")["output"] == "off", "the UPS to accept the shutdown")
        wait_until(lambda: self.sim("status")["output"] == "off", "the UPS cutting its output")
        assert self.sim("status")["usb"] == "gone"
        self.sim("mains", "on")
        wait_until(lambda: self.sim("status")["output"] == "on", "the output restored on mains")
        wait_until(lambda: "OL" in self.status().split(), "upsd seeing the UPS on line again")


def story_standalone(stack):
    stack.start_upsmon("primary")
    wait_until(lambda: stack.logins() == 1, "upsmon logged in")
    assert stack.status().split()[:1] == ["OL"], stack.status()
    stack.sim("charge", "30")
    stack.sim("mains", "off")
    stack.wait_event("primary ONBATT")
    stack.wait_event("primary shutdowncmd")
    assert "FSD" in stack.status().split() and "LB" in stack.status().split(), stack.status()
    # NOTIFYCMD runs in children of upsmon: LOWBATT, SHUTDOWN and SHUTDOWNCMD's lines may
    # land in any order; upsmon's own log has the true one.
    stack.assert_primary_shut_down_on_low_battery()
    assert "primary shutdowncmd logins=1" in stack.event_lines()
    stack.kill_power_and_restore()


def story_netserver(stack):
    stack.start_upsmon("primary")
    stack.start_upsmon("secondary")
    wait_until(lambda: stack.logins() == 2, "primary and secondary logged in")
    clients = stack.nut("LIST CLIENT ups")
    assert "127.0.0.1" in clients and "::1" in clients, clients
    stack.sim("charge", "30")
    stack.sim("mains", "off")
    stack.wait_event("primary ONBATT")
    stack.wait_event("secondary ONBATT")
    stack.wait_event("primary shutdowncmd")
    stack.wait_event("secondary shutdowncmd")
    stack.wait_event("secondary FSD")
    stack.assert_primary_shut_down_on_low_battery()
    stack.assert_order("secondary ONBATT", "secondary shutdowncmd")
    # The primary (still logged in itself) ran SHUTDOWNCMD only once the secondary had
    # logged out (HOSTSYNC): one login left, not two.
    assert "primary shutdowncmd logins=1" in stack.event_lines(), stack.event_lines()
    assert "FSD" in stack.status().split(), stack.status()
    stack.kill_power_and_restore()


def story_commloss(stack):
    stack.start_upsmon("primary")
    wait_until(lambda: stack.logins() == 1, "upsmon logged in")
    stack.sim("charge", "60")
    stack.sim("scale", "1")  # the outage pauses (nearly) while the driver is away
    stack.sim("mains", "off")
    stack.wait_event("primary ONBATT")
    # The driver dies mid-outage and comes back: the device kept its state meanwhile.
    stack.stop("driver")
    stack.wait_event("primary COMMBAD")
    stack.start_driver()
    stack.wait_event("primary COMMOK")
    assert "OB" in stack.status().split(), stack.status()
    assert stack.sim("status")["mains"] == "off"
    # The USB cable is pulled and put back mid-outage.
    stack.sim("unplug")
    wait_until(lambda: stack.event_lines().count("primary COMMBAD") == 2, "a second COMMBAD")
    stack.sim("replug")
    wait_until(lambda: stack.event_lines().count("primary COMMOK") == 2, "a second COMMOK")
    assert "primary shutdowncmd" not in stack.event_lines()
    stack.sim("scale", SCALE)
    stack.wait_event("primary shutdowncmd")
    stack.assert_order("primary ONBATT", "primary COMMBAD", "primary COMMOK", "primary shutdowncmd")
    stack.assert_primary_shut_down_on_low_battery()
    stack.kill_power_and_restore()


def main():
    story, usbhid_ups, walnut_sim, upsd, capture = sys.argv[1:6]
    if not (os.path.exists("/lib/nut/upsmon") and os.path.exists(upsd) and shutil.which("unshare")
            and os.geteuid() == 0):
        print("stock upsmon, upsd or unshare missing, or not root (upsmon's private /run/nut "
              "needs a mount namespace): skipped")
        return 77
    stack = Stack(usbhid_ups, walnut_sim, upsd, capture)
    failed = True
    try:
        stack.start_driver()
        stack.start_upsd()
        {"standalone": story_standalone, "netserver": story_netserver,
         "commloss": story_commloss}[story](stack)
        print("events:\n  " + "\n  ".join(stack.event_lines()))
        failed = False
        return 0
    finally:
        stack.close(failed or os.environ.get("WALNUT_E2E_KEEP"))


if __name__ == "__main__":
    sys.exit(main())
