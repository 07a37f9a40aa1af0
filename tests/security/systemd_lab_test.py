"""Issue 18 under the shipped, hardened walnut-upsd.service (Type=notify, User=nut) in a real
systemd (../shared/systemd-lab/boot-systemd, default mode) with a real journald:
- item 3: with the permissions docs/security.md recommends (root:nut 0640) plus one root-only
  0600 password file, a user removed from upsd.users loses FSD after one `systemctl reload`,
  while the others keep working;
- item 4: a flood of failed logins and LF-inside-quote lines puts a bounded number of lines in
  the journal, far below journald's own per-service limit (10,000 per 30 s).
Loopback only. Exit 77 (skip) where namespaces cannot be made.
Usage: systemd_lab_test.py UPSD UNIT_FILE BOOT_SYSTEMD SCRATCH_PARENT"""
import grp
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from hostile_clients import guess_answers, log_flood, start_guessing

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
import nut_harness as nh  # noqa: E402

UPSD, UNIT, BOOT, SCRATCH_PARENT = sys.argv[1:5]
JOURNALD_UNITS = ["systemd-journald.service", "systemd-journald.socket",
                  "systemd-journald-dev-log.socket"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    def __init__(self):
        self.pid = None

    def boot(self, unit_dir):
        out = subprocess.run([BOOT, unit_dir], capture_output=True, text=True, timeout=120)
        if out.returncode != 0 or not out.stdout.strip():
            raise RuntimeError(f"boot-systemd failed: {out.stderr}")
        self.pid = out.stdout.strip().splitlines()[-1]

    def run(self, *argv, check=True):
        out = subprocess.run(["nsenter", "-t", self.pid, "-m", "-p", *argv],
                             capture_output=True, text=True, timeout=60)
        if check and out.returncode != 0:
            raise RuntimeError(f"{argv}: {out.returncode} {out.stdout} {out.stderr}")
        return out.stdout

    def journal(self):
        return self.run("journalctl", "-u", "walnut-upsd", "--no-pager", "-o", "cat", check=False)

    def kill(self):
        if self.pid:
            subprocess.run(["kill", "-9", self.pid])


def wait_until(predicate, what, deadline=30):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def login(port, user, password, command="FSD dummy"):
    s = nh.LineClient(port)
    s.request(f"USERNAME {user}")
    s.request(f'PASSWORD "{password}"')
    return s, s.request(command)


def write(path, text, mode, group):
    with open(path, "w") as f:
        f.write(text)
    os.chown(path, 0, group)
    os.chmod(path, mode)


def users_file(with_x):
    text = "[admin]\n password_file = admin.pw\n actions = FSD\n"
    text += "[y]\n password_file = y.pw\n actions = FSD\n"
    if with_x:
        text += "[x]\n password = xpass\n actions = FSD\n upsmon primary\n"
    return text


def main():
    if os.geteuid() != 0 or not shutil.which("nsenter") or not os.path.exists(BOOT):
        print("SKIP: needs root, nsenter and the systemd lab")
        return 77
    try:
        nut = grp.getgrnam("nut").gr_gid
    except KeyError:
        print("SKIP: no nut group")
        return 77
    os.makedirs(SCRATCH_PARENT, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="walnut-lab-", dir=SCRATCH_PARENT)
    os.chmod(scratch, 0o755)
    lab = Lab()
    try:
        port = free_port()
        conf = os.path.join(scratch, "conf")
        units = os.path.join(scratch, "units")
        os.makedirs(conf)
        os.makedirs(os.path.join(units, "walnut-upsd.service.d"))
        os.makedirs(os.path.join(units, "systemd-journald.service.d"))
        os.chown(conf, 0, nut)
        os.chmod(conf, 0o750)
        # As docs/security.md recommends: root:nut 0640; y's secret is root-only (0600), so
        # the unprivileged upsd cannot read it, at start or on reload.
        write(os.path.join(conf, "upsd.conf"), f"LISTEN 127.0.0.1 {port}\n", 0o640, nut)
        write(os.path.join(conf, "ups.conf"), "[dummy]\n driver = dummy-ups\n port = x.dev\n",
              0o640, nut)
        write(os.path.join(conf, "upsd.users"), users_file(True), 0o640, nut)
        write(os.path.join(conf, "admin.pw"), "admin secret\n", 0o640, nut)
        write(os.path.join(conf, "y.pw"), "ypass\n", 0o600, 0)
        shutil.copy(UNIT, units)
        with open(os.path.join(units, "walnut-upsd.service.d", "lab.conf"), "w") as f:
            f.write(f"[Service]\nExecStart=\nExecStart={UPSD} -F\n"
                    f"Environment=NUT_CONFPATH={conf} NUT_STATEPATH=/run/nut\n")
        for unit in JOURNALD_UNITS:
            shutil.copy(os.path.join("/lib/systemd/system", unit), units)
        # The journal stays in the lab's private /run, never in the host's /var/log/journal.
        with open(os.path.join(units, "systemd-journald.service.d", "lab.conf"), "w") as f:
            f.write("[Service]\nExecStartPre=/bin/sh -c 'mkdir -p /run/systemd/journald.conf.d"
                    " && printf \"[Journal]\\\\nStorage=volatile\\\\n\" >"
                    " /run/systemd/journald.conf.d/lab.conf'\n")
        with open(os.path.join(units, "test.target"), "w") as f:
            f.write("[Unit]\nWants=systemd-journald.socket systemd-journald.service "
                    "walnut-upsd.service\n")
        try:
            lab.boot(units)
        except RuntimeError as error:
            print(f"SKIP: {error}")
            return 77
        wait_until(lambda: lab.run("systemctl", "is-active", "walnut-upsd", check=False).strip()
                   == "active", "walnut-upsd active (READY=1)", 60)
        print(lab.run("systemctl", "show", "-p", "User,Type,ActiveState", "walnut-upsd"))
        journal = lab.journal()
        assert "user [y]: password_file" in journal and "Permission denied" in journal, journal

        # Item 3: x logs in with FSD rights, is removed, one reload takes them away.
        x_session, reply = login(port, "x", "xpass", "LOGIN dummy")
        assert reply == "OK", reply
        assert x_session.request("FSD dummy") == "OK FSD-SET"
        assert login(port, "y", "ypass")[1] == "ERR ACCESS-DENIED"  # unreadable: locked out
        assert login(port, "y", "")[1] == "ERR ACCESS-DENIED"
        write(os.path.join(conf, "upsd.users"), users_file(False), 0o640, nut)
        lab.run("systemctl", "reload", "walnut-upsd")
        wait_until(lambda: lab.journal().count("user [y]: password_file") >= 2,
                   "the reload (y's error logged again)")
        journal = lab.journal()
        assert "Reload failed" not in journal, journal
        assert x_session.request("FSD dummy") == "ERR ACCESS-DENIED"
        assert login(port, "x", "xpass", "LOGIN dummy")[1] == "ERR ACCESS-DENIED"
        assert login(port, "admin", "admin secret")[1] == "OK FSD-SET"
        print("item 3: removed user lost FSD after one reload; admin still works")

        # Item 5: someone on this host (nobody) guesses admin's password on 30 connections at
        # once; upsmon's side runs as nut, upsd's user under the unit: the kernel names it
        # (sock_diag, AF_NETLINK allowed by the unit), and it logs in without waiting.
        nut_uid = pwd.getpwnam("nut").pw_uid
        guesser = start_guessing(port, "admin", 30, command="FSD dummy")  # no driver: FSD checks
        time.sleep(0.5)
        waits = []
        for _ in range(3):
            started = time.monotonic()
            client = nh.LineClient(port, sock=nh.connect_as(port, nut_uid, nut))
            client.request("USERNAME admin")
            client.request('PASSWORD "admin secret"')
            assert client.request("FSD dummy") == "OK FSD-SET"
            waits.append(time.monotonic() - started)
            client.close()
        answered = guess_answers(guesser)
        within_2s = sum(1 for at, _ in answered if at <= 2.0)
        print(f"item 5: nut's logins waited {max(waits):.3f} s at most; "
              f"{within_2s} of the guesser's 30 verdicts came within 2 s")
        assert max(waits) < 0.5, waits
        assert within_2s <= 21, answered
        assert all(reply == "ERR ACCESS-DENIED" for _, reply in answered), answered

        # Item 4: a flood, counted in the journal.
        before = len(lab.journal().splitlines())
        caused = log_flood(port, 5, quote_lines=500)
        time.sleep(1)
        flood_lines = len(lab.journal().splitlines()) - before
        print(f"item 4: {caused} log-worthy events in 5 s -> {flood_lines} journal lines")
        assert caused > 20000, caused
        assert flood_lines < 100, lab.journal()[-3000:]
        wait_until(lambda: "messages suppressed" in lab.journal(), "the summary line", 20)
        everything = lab.run("journalctl", "--no-pager", "-o", "cat", check=False)
        journald_limited = [line for line in everything.splitlines()
                            if line.startswith("Suppressed ") and "walnut-upsd" in line]
        assert not journald_limited, journald_limited
        summary = [line for line in lab.journal().splitlines() if "messages suppressed" in line]
        print("summary:", summary[0][:300])
        assert login(port, "admin", "admin secret")[1] == "OK FSD-SET"
        print("PASS")
        return 0
    finally:
        lab.kill()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
