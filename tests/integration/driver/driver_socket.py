#!/usr/bin/env python3
"""Integration test of walnut's usbhid-ups on its own, through its driver socket.

    driver_socket.py USBHID_UPS CAPTURE

Starts the driver on a simulated UPS (port=sim:CAPTURE) with NUT_STATEPATH in a temp dir and
checks, as upsd and other readers see it: the socket's permissions; DUMPALL to two readers at
once; PING/PONG; INSTCMD with TRACKING answered to the requester only, the change pushed to every
reader; unplug (SIGUSR1) -> DATASTALE and replug (SIGUSR2) -> DATAOK pushed to every reader; the
driver idles without burning CPU; -d 1 prints the capture's NUT variables (driver.* aside).
"""
import os
import pwd
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

# As root the driver would become "nut", who cannot write the test's state dir.
AS_ROOT = ["-u", "root"] if os.geteuid() == 0 else []

TIMEOUT = 30.0


class Reader:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.sock.settimeout(0.2)
        self.buffer = b""

    def send(self, line):
        self.sock.sendall(line.encode() + b"\n")

    def wait_for(self, text):
        """Reads until `text` has arrived; returns (and consumes) everything up to its end."""
        deadline = time.monotonic() + TIMEOUT
        while text.encode() not in self.buffer:
            if time.monotonic() > deadline:
                raise AssertionError(f"never got {text!r}; got {self.buffer.decode()!r}")
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise AssertionError(f"socket closed before {text!r}")
            self.buffer += chunk
        end = self.buffer.index(text.encode()) + len(text.encode())
        seen, self.buffer = self.buffer[:end].decode(), self.buffer[end:]
        return seen


def expected_variables(capture):
    variables, in_upsc = {}, False
    for line in open(capture, encoding="utf-8"):
        line = line.rstrip("\n")
        if line == "upsc:":
            in_upsc = True
            continue
        if in_upsc:
            if line.endswith(":") and " " not in line:
                break
            name, _, value = line.partition(": ")
            if not name.startswith("driver."):
                variables[name] = value.rstrip() if value.strip() == "" else value
    return variables


def check_dump(driver, capture, env):
    out = subprocess.run([driver, "-s", "x", "-x", f"port=sim:{capture}", "-d", "1"], env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    got = {}
    for line in out.splitlines():
        name, _, value = line.partition(": ")
        if not name.startswith("driver."):
            got[name] = value
    want = expected_variables(capture)
    got = {k: v.rstrip() for k, v in got.items()}
    want = {k: v.rstrip() for k, v in want.items()}
    assert got == want, f"-d 1 differs: missing {set(want) - set(got)}, extra {set(got) - set(want)}, " \
        f"values {[(k, want[k], got[k]) for k in want if k in got and want[k] != got[k]]}"
    print(f"ok: -d 1 prints the capture's {len(want)} variables")


def check_capture_roundtrip(driver, capture, env, work):
    """-x capture=FILE writes a capture that port=sim:FILE replays to the same variables."""
    copy = os.path.join(work, "captured.txt")
    run = lambda port, *extra: subprocess.run(
        [driver, "-s", "x", "-x", f"port=sim:{port}", *extra, "-d", "1"], env=env,
        capture_output=True, text=True, timeout=60, check=True).stdout
    original = run(capture, "-x", f"capture={copy}")
    replayed = run(copy)
    strip = lambda text: [l for l in text.splitlines() if not l.startswith("driver.parameter.")]
    assert strip(original) == strip(replayed), f"replay differs:\n{original}\n---\n{replayed}"
    print(f"ok: -x capture writes a capture that replays to the same {len(strip(original))} lines")


def check_kill_power(driver, capture, env, work):
    """-k sends what stock NUT 2.8.0 sends for this device (measured through stockhid/fakeusb:
    shutdown.return is not mapped, so shutdown.reboot writes DelayBeforeReboot = 10)."""
    log = os.path.join(work, "killpower.log")
    subprocess.run([driver, "-s", "x", "-x", f"port=sim:{capture}", "-k"],
                   env=dict(env, WALNUT_SIM_LOG=log), capture_output=True, timeout=60, check=True)
    with open(log, encoding="ascii") as written:
        assert written.read() == "SET_REPORT 0x40: 40 0a\n"
    print("ok: -k sends SET_REPORT 0x40: 40 0a, as stock NUT does")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sim_command(path, line):
    """One request on the sim's control socket (WALNUT_SIM_SOCKET); returns its reply."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(TIMEOUT)
        sock.connect(path)
        sock.sendall(line.encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
        return reply.decode()


def wait_for_paths(proc, *paths):
    """Until the running driver has created every one of `paths` (its sockets)."""
    deadline = time.monotonic() + TIMEOUT
    while not all(os.path.exists(path) for path in paths):
        assert proc.poll() is None, "driver exited"
        assert time.monotonic() < deadline, f"never appeared: {paths}"
        time.sleep(0.1)


def stop(proc):
    """SIGTERM, then SIGKILL if the driver is still there after TIMEOUT."""
    proc.terminate()
    try:
        proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def check_interrupt_status(driver, capture, env, work):
    """A mains change on the interrupt pipe reaches readers with no poll due for an hour."""
    sim_socket = os.path.join(work, "sim.sock")
    log = open(os.path.join(work, "driver-interrupt.log"), "w")
    proc = subprocess.Popen([driver, "-s", "intr", "-x", f"port=sim:{capture}",
                             "-x", "pollinterval=3600", "-F"] + AS_ROOT,
                            env=dict(env, WALNUT_SIM_SOCKET=sim_socket), stdout=log, stderr=log)
    try:
        path = os.path.join(work, "usbhid-ups-intr")
        wait_for_paths(proc, path, sim_socket)
        reader = Reader(path)
        reader.send("DUMPALL")
        assert 'SETINFO ups.status "OL"' in reader.wait_for("DUMPDONE\n")
        # Slowed down so that the sim's later ticks change little. The status must come from
        # the interrupt reports themselves, before anything the walk after them reads. Like
        # NUT, the driver applies one report per update, so the ES 850G2's 0x13 (discharging)
        # may show as "OL DISCHRG" until its 0x16 (AC lost) follows: every line up to "OB"
        # is a status line, never a walked value.
        assert sim_command(sim_socket, "scale 0.01").endswith("OK\n")
        assert sim_command(sim_socket, "mains off").endswith("OK\n")
        seen = reader.wait_for('SETINFO ups.status "OB')
        setinfos = [line for line in seen.splitlines() if line.startswith("SETINFO")]
        assert setinfos and all(line.startswith("SETINFO ups.status ") for line in setinfos), \
            f"status not first after the interrupt: {seen!r}"
        assert sim_command(sim_socket, "mains on").endswith("OK\n")
        reader.wait_for('SETINFO ups.status "OL')
        print("ok: interrupt status changes published with pollinterval=3600")
    finally:
        stop(proc)


def check_root_becomes_nut(driver, capture, env):
    """Started as root with no -u, the driver runs as "nut" (NUT's RUN_AS_USER), as stock does."""
    try:
        nut = pwd.getpwnam("nut")
    except KeyError:
        print("skip: no user nut")
        return
    if os.geteuid() != 0:
        print("skip: not root")
        return
    with tempfile.TemporaryDirectory(prefix="walnut-driver-nut.") as state:
        os.chown(state, nut.pw_uid, nut.pw_gid)
        log = open(os.path.join(state, "driver.log"), "w")
        proc = subprocess.Popen([driver, "-s", "asnut", "-x", f"port=sim:{capture}", "-F"],
                                env=dict(env, NUT_STATEPATH=state, NUT_ALTPIDPATH=state),
                                stdout=log, stderr=log)
        try:
            path = os.path.join(state, "usbhid-ups-asnut")
            wait_for_paths(proc, path)
            with open(f"/proc/{proc.pid}/status") as status:
                uids = next(line for line in status if line.startswith("Uid:")).split()[1:]
            assert all(int(uid) == nut.pw_uid for uid in uids), uids
            assert os.stat(path).st_uid == nut.pw_uid
            print("ok: started as root without -u, the driver runs as nut")
        finally:
            stop(proc)


def main():
    driver, capture = sys.argv[1], os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="walnut-driver-sock.") as work:
        env = dict(os.environ, NUT_STATEPATH=work, NUT_ALTPIDPATH=work,
                   WALNUT_SIM_LOG=os.path.join(work, "set_report.log"))
        check_dump(driver, capture, env)
        check_capture_roundtrip(driver, capture, env, work)
        check_kill_power(driver, capture, env, work)
        check_interrupt_status(driver, capture, env, work)
        check_root_becomes_nut(driver, capture, env)
        log = open(os.path.join(work, "driver.log"), "w")
        proc = subprocess.Popen([driver, "-s", "sim", "-x", f"port=sim:{capture}",
                                 "-x", "pollinterval=1", "-F"] + AS_ROOT, env=env, stdout=log, stderr=log)
        try:
            path = os.path.join(work, "usbhid-ups-sim")
            wait_for_paths(proc, path)
            mode = os.stat(path).st_mode
            assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o660, oct(mode)
            print("ok: socket STATEPATH/usbhid-ups-sim, mode 0660")

            first, second = Reader(path), Reader(path)
            for reader in (first, second):
                reader.send("DUMPALL")
            for reader in (first, second):
                dump = reader.wait_for("DUMPDONE\n")
                assert 'SETINFO ups.status "OL"' in dump, dump
                assert "ADDCMD beeper.disable" in dump, dump
                assert dump.endswith("DATAOK\nDUMPDONE\n"), dump
            print("ok: DUMPALL to two readers at once")
            # NUT 2.8.5's driver core (drivers/main.c:1821-1822, 3026, 3220-3241).
            for line in ('SETINFO driver.state "quiet"', 'SETINFO driver.debug "0"',
                         "SETFLAGS driver.debug RW NUMBER", 'SETINFO driver.flag.allow_killpower "0"',
                         "SETFLAGS driver.flag.allow_killpower RW NUMBER", "ADDCMD shutdown.default",
                         "ADDCMD driver.killpower", "ADDCMD driver.reload", "ADDCMD driver.reload-or-exit",
                         "ADDCMD driver.reload-or-error"):
                assert line + "\n" in dump, f"{line} missing from DUMPALL:\n{dump}"
            assert "ADDCMD driver.exit" not in dump, dump
            first.send("INSTCMD driver.killpower TRACKING kp-0")
            first.wait_for("TRACKING kp-0 2\n")
            first.send('SET driver.flag.allow_killpower "yes" TRACKING kp-1')
            first.wait_for("TRACKING kp-1 0\n")
            second.wait_for('SETINFO driver.flag.allow_killpower "1"')
            print("ok: driver.state, driver.debug, driver.flag.allow_killpower and the driver.* commands"
                  " as NUT 2.8.5 publishes them; killpower refused until the flag is SET to 1")

            first.send("PING")
            assert first.wait_for("PONG\n").endswith("PONG\n")
            print("ok: PING -> PONG")

            first.send("INSTCMD beeper.disable TRACKING 0123-abcd")
            first.wait_for("TRACKING 0123-abcd 0\n")
            for reader in (first, second):
                reader.wait_for('SETINFO ups.beeper.status "disabled"')
            second.send("PING")
            assert "TRACKING" not in second.wait_for("PONG\n")
            print("ok: INSTCMD with TRACKING answered to its sender, change pushed to both")

            proc.send_signal(signal.SIGUSR1)
            for reader in (first, second):
                # One batch: the variables' changes first, then DATASTALE (state_publisher.h).
                reader.wait_for('SETINFO driver.state "reconnect.trying"')
                reader.wait_for("DATASTALE\n")
            proc.send_signal(signal.SIGUSR2)
            for reader in (first, second):
                reader.wait_for('SETINFO driver.state "quiet"')
                reader.wait_for("DATAOK\n")
            assert proc.poll() is None
            print("ok: unplug -> driver.state reconnect.trying and DATASTALE, replug -> quiet and DATAOK,"
                  " pushed to both readers")

            before, start = cpu_seconds(proc.pid), time.monotonic()
            time.sleep(3)
            used, elapsed = cpu_seconds(proc.pid) - before, time.monotonic() - start
            # A busy loop would use about one whole core; polling a sim every second uses ~0.
            assert used < 0.25 * elapsed, f"driver used {used:.2f} s CPU in {elapsed:.1f} s idle"
            print(f"ok: idle CPU {used:.2f} s over {elapsed:.1f} s")

            first.send("LOGOUT")
            assert "OK Goodbye" in first.wait_for("OK Goodbye")
        finally:
            stop(proc)
        assert not os.path.exists(os.path.join(work, "usbhid-ups-sim")), "socket left behind"
        print("ok: SIGTERM stops the driver and removes its socket")
    print("1 passed, 0 failed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        print(f"FAIL: {error}")
        sys.exit(1)
