#!/usr/bin/env python3
"""Records what stock NUT 2.8.0 usbhid-ups writes for instant commands and SETs: test data.

  nut_command_oracle.py CAPTURE OUT [--commands FILE]

For each request line of the command list (default: the APC list below), starts a fresh stock
/lib/nut/usbhid-ups on CAPTURE through /work/shared/stockhid's fakeusb shim (FAKEUSB_LOG records
every SET_REPORT), sends the request on the driver socket with TRACKING, and writes to OUT the
request, NUT's status (0 handled, 1 unknown, 2 invalid, 3 failed) and the SET_REPORTs in order,
after the commands and variable types the fresh driver announced (its DUMPALL, driver.* aside):

  dump ADDCMD beeper.disable
  dump SETFLAGS battery.charge.low RW STRING
  instcmd load.off.delay 5 => 0
  SET_REPORT 0x41: 41 05 00

Run by hand when the mapping changes (needs gcc, libusb-1.0-0-dev, nut-server); the unit tests
read OUT (tests/data/hid-corpus/*.commands.txt) and never run NUT themselves.
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

SHIM_SRC = "/work/shared/stockhid/fakeusb.c"
DRIVER = "/lib/nut/usbhid-ups"

APC_REQUESTS = """
instcmd test.battery.start.quick
instcmd test.battery.start.deep
instcmd test.battery.stop
instcmd test.panel.start
instcmd test.panel.stop
instcmd load.off.delay
instcmd load.off.delay 5
instcmd load.on.delay
instcmd load.on.delay 7
instcmd load.off
instcmd load.on
instcmd shutdown.stop
instcmd shutdown.reboot
instcmd shutdown.return
instcmd shutdown.stayoff
instcmd beeper.enable
instcmd beeper.disable
instcmd beeper.mute
instcmd beeper.on
instcmd beeper.off
instcmd no.such.command
setvar battery.charge.low 15
setvar battery.runtime.low 200
setvar input.transfer.low 170
setvar input.transfer.high 270
setvar input.sensitivity high
setvar input.sensitivity bogus
setvar battery.mfr.date 2022/01/15
setvar ups.delay.shutdown 40
setvar ups.delay.start 60
setvar battery.charge 50
setvar no.such.var 1
"""


def shim():
    so = os.path.join(tempfile.gettempdir(), "walnut-fakeusb-commands.so")
    if not os.path.exists(so) or os.path.getmtime(so) < os.path.getmtime(SHIM_SRC):
        subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", so, SHIM_SRC], check=True)
    return so


def dump_lines(reply):
    """The DUMPALL lines that describe commands and variable types, driver.* left out."""
    keep = []
    for l in reply.splitlines():
        words = l.split()
        if len(words) >= 2 and words[0] in ("ADDCMD", "SETFLAGS", "SETAUX", "ADDENUM", "ADDRANGE"):
            if words[1].startswith("driver."):
                continue
            keep.append("dump " + l)
    return keep


def run_one(capture, request):
    state = tempfile.mkdtemp(prefix="nutcmd-")
    log = os.path.join(state, "set.log")
    env = dict(os.environ, FAKEUSB_CAPTURE=os.path.abspath(capture), LD_PRELOAD=shim(), NUT_STATEPATH=state,
               FAKEUSB_INTERRUPT_MS="50", FAKEUSB_LOG=log)
    argv = [DRIVER, "-s", "oracle", "-x", "port=auto", "-D", "-u", "root"]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    path = os.path.join(state, "usbhid-ups-oracle")
    try:
        for _ in range(200):
            if os.path.exists(path):
                break
            time.sleep(0.05)
        time.sleep(0.3)
        words = request.split()
        kind, name, value = words[0], (words[1] if len(words) > 1 else None), (words[2] if len(words) > 2 else None)
        if kind == "dumpall":
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            s.sendall(b"DUMPALL\n")
            s.settimeout(10)
            reply = b""
            while b"DUMPDONE" not in reply:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
            s.close()
            return None, dump_lines(reply.decode(errors="replace"))
        if kind == "instcmd":
            line = "INSTCMD %s%s TRACKING 1\n" % (name, " " + value if value else "")
        else:
            line = 'SET %s "%s" TRACKING 1\n' % (name, value)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        s.sendall(line.encode())
        s.settimeout(10)
        reply = b""
        while b"TRACKING 1" not in reply:
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
        s.close()
        status = "?"
        for l in reply.decode(errors="replace").splitlines():
            if l.startswith("TRACKING 1 "):
                status = l.split()[2]
        writes = open(log).read().splitlines() if os.path.exists(log) else []
        return status, writes
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main():
    capture, out = sys.argv[1], sys.argv[2]
    requests = "dumpall\n" + APC_REQUESTS
    if len(sys.argv) > 4 and sys.argv[3] == "--commands":
        requests = open(sys.argv[4]).read()
    lines = ["# What stock NUT 2.8.0 usbhid-ups sent for each request on %s (one fresh driver each)," % os.path.basename(capture),
             "# recorded by tests/unit/drivers/usbhid/mapping/nut_command_oracle.py: request => status, then SET_REPORTs."]
    for request in requests.strip().splitlines():
        request = request.strip()
        if not request or request.startswith("#"):
            continue
        status, writes = run_one(capture, request)
        if status is not None:
            lines.append("%s => %s" % (request, status))
        lines.extend(writes)
    open(out, "w").write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
