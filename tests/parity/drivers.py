"""Running stock NUT's usbhid-ups (through the fakeusb libusb stand-in) and walnut's usbhid-ups over
one capture, as a one-shot dump (-d 1) or as a serving driver with its socket.

Both drivers are told the same thing: the same capture, the same report set, the same options. The
stock driver reads the capture through stockhid/fakeusb.c (FAKEUSB_*); walnut's through port=sim:FILE
(WALNUT_SIM_LOG records its SET_REPORTs in fakeusb's FAKEUSB_LOG format).
"""
import os
import re
import socket
import subprocess
import tempfile
import time

STOCK_DRIVER = "/lib/nut/usbhid-ups"
HERE = os.path.dirname(os.path.abspath(__file__))
SECTION = re.compile(r"^\s*(reports|paths|upsc|strings|interrupts|descriptor):\s*$")


def build_fakeusb(workdir):
    """Compiles the libusb stand-in once per run (CI is a clean clone: nothing is cached)."""
    so = os.path.join(workdir, "fakeusb.so")
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", so, os.path.join(HERE, "stockhid", "fakeusb.c")],
                   check=True)
    return so


def header_value(capture, key):
    m = re.search(r"^%s:\s*(\S+)" % re.escape(key), open(capture).read(), re.M)
    return m.group(1) if m else None


def first_readings(reads_log):
    """Report ID -> the bytes fakeusb first served for it (its FAKEUSB_READS log)."""
    reports = {}
    if os.path.exists(reads_log):
        for line in open(reads_log):
            m = re.match(r"GET_REPORT 0x([0-9a-f]+):((?: [0-9a-f]{2})*)$", line.strip())
            if m:
                reports.setdefault(int(m.group(1), 16), m.group(2).strip())
    return reports


def path_lines(text):
    """NUT's Path: lines, each once, in first-seen order (a report read twice logs its fields twice)."""
    seen, out = set(), []
    for line in text.splitlines():
        m = re.search(r"(Path: .*)$", line)
        if m and m.group(1) not in seen:
            seen.add(m.group(1))
            out.append(m.group(1))
    return out


def variables(stdout):
    return dict(l.split(": ", 1) for l in stdout.splitlines() if re.match(r"^[a-z0-9_.]+: ", l))


def capture_with_reports(capture, reports, out_path):
    """CAPTURE with its reports: section replaced by REPORTS (id -> hex bytes): the report set
    the stock driver was served (zero or pattern fill), for walnut's sim to serve in turn."""
    kept, section = [], "header"
    for line in open(capture):
        m = SECTION.match(line)
        if m:
            section = m.group(1)
            if section in ("reports", "paths", "upsc"):
                continue
        if section in ("reports", "paths", "upsc"):
            continue
        kept.append(line.rstrip("\n"))
    kept.append("reports:")
    kept += ["0x%02x: %s" % (k, v) for k, v in sorted(reports.items())]
    with open(out_path, "w") as f:
        f.write("\n".join(kept) + "\n")
    return out_path


class Stock:
    def __init__(self, fakeusb):
        self.fakeusb = fakeusb

    def env(self, state, capture, fill, seed, log=None, reads=None):
        env = dict(os.environ, FAKEUSB_CAPTURE=os.path.abspath(capture), LD_PRELOAD=self.fakeusb,
                   NUT_STATEPATH=state, NUT_ALTPIDPATH=state, NUT_CONFPATH=state, FAKEUSB_INTERRUPT_MS="50")
        for k in ("FAKEUSB_FILL", "FAKEUSB_SEED", "FAKEUSB_LOG", "FAKEUSB_READS"):
            env.pop(k, None)
        if fill:
            env["FAKEUSB_FILL"] = fill
        if seed is not None:
            env["FAKEUSB_SEED"] = str(seed)
        if log:
            env["FAKEUSB_LOG"] = log
        if reads:
            env["FAKEUSB_READS"] = reads
        return env

    def argv(self, name, extra):
        argv = [STOCK_DRIVER, "-s", name, "-x", "port=auto"]
        if os.geteuid() == 0:
            argv += ["-u", "root"]
        for e in extra:
            argv += ["-x", e]
        return argv

    def dump(self, capture, fill, seed, extra=(), updates=1):
        """One `-DDDDD -d UPDATES` run; .reports holds the reports fakeusb served (id -> hex bytes)."""
        with tempfile.TemporaryDirectory(prefix="parity-stock-") as state:
            reads = os.path.join(state, "reads.log")
            r = subprocess.run(self.argv("parity", extra) + ["-DDDDD", "-d", str(updates)],
                               env=self.env(state, capture, fill, seed, reads=reads), capture_output=True,
                               text=True, timeout=120, errors="replace")
            r.reports = first_readings(reads)
        return r

    def serve(self, capture, state, log, extra=()):
        proc = subprocess.Popen(self.argv("parity", extra) + ["-D"], env=self.env(state, capture, None, None, log),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return proc, os.path.join(state, "usbhid-ups-parity")


class Walnut:
    def __init__(self, binary):
        self.binary = binary

    def argv(self, capture, extra):
        argv = [self.binary, "-s", "parity", "-x", "port=sim:" + os.path.abspath(capture)]
        for e in extra:
            argv += ["-x", e]
        return argv

    def env(self, state, log=None):
        env = dict(os.environ, NUT_STATEPATH=state, NUT_ALTPIDPATH=state, NUT_CONFPATH=state)
        env.pop("WALNUT_SIM_LOG", None)
        if log:
            env["WALNUT_SIM_LOG"] = log
        return env

    def dump(self, capture, extra=(), updates=1):
        with tempfile.TemporaryDirectory(prefix="parity-walnut-") as state:
            return subprocess.run(self.argv(capture, extra) + ["-d", str(updates)], env=self.env(state),
                                  capture_output=True, text=True, timeout=120, errors="replace")

    def serve(self, capture, state, log, extra=()):
        # As root both drivers become "nut" unless told otherwise; the state dir is root's.
        as_root = ["-u", "root"] if os.geteuid() == 0 else []
        proc = subprocess.Popen(self.argv(capture, extra) + as_root + ["-D"], env=self.env(state, log),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return proc, os.path.join(state, "usbhid-ups-parity")


class SocketClient:
    """A reader on a driver's socket (NUT's sock-protocol): DUMPALL, INSTCMD/SET with TRACKING."""

    def __init__(self, path, proc, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if proc.poll() is not None:
                    raise EOFError("driver exited with status %d before opening its socket" % proc.returncode)
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.sock.settimeout(timeout)
        self.buf = b""

    def send(self, line):
        self.sock.sendall(line.encode() + b"\n")

    def read_line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("driver closed the socket")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode(errors="replace")

    def until(self, predicate):
        lines = []
        while True:
            line = self.read_line()
            lines.append(line)
            if predicate(line):
                return lines

    def close(self):
        self.sock.close()


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
