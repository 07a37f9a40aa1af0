"""Runs NUT processes privately on loopback for walnut's interop tests.

Stock NUT 2.8.0 (Debian) is the reference peer: /lib/nut/upsd, /lib/nut/dummy-ups. Every
process gets its own temporary NUT_CONFPATH / NUT_STATEPATH / NUT_ALTPIDPATH, listens on an
ephemeral loopback port, and is stopped (by its own pid) when the harness closes.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

STOCK_UPSD = "/lib/nut/upsd"
STOCK_DUMMY_UPS = "/lib/nut/dummy-ups"
DEADLINE = 60.0  # seconds any wait may take: generous, the machine is shared


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect_as(port, uid, gid, timeout=DEADLINE):
    """A loopback connection whose socket belongs to `uid` (the test runs as root). The kernel
    records a socket's owner when it is created, and walnut's upsd asks it (sock_diag) who a
    local client is: only that moment runs as `uid`."""
    os.setegid(gid)
    os.seteuid(uid)
    try:
        return socket.create_connection(("127.0.0.1", port), timeout=timeout)
    finally:
        os.seteuid(0)
        os.setegid(0)


def connect_as_stranger(port, timeout=DEADLINE):
    """A loopback connection as nobody when the test runs as root. walnut's upsd never slows
    credential checks from root or its own user on this host (they could read upsd.users), so
    tests of its login throttle must attack as someone else."""
    if os.geteuid() != 0:
        return socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return connect_as(port, 65534, 65534, timeout)


def exchange(port, data, timeout=DEADLINE):
    """Sends `data` on a fresh connection, half-closes, returns every byte until EOF."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk


class LineClient:
    """One connection, one request at a time (for replies that depend on earlier ones)."""

    def __init__(self, port, sock=None):
        """`sock`: an already connected socket to use (connect_as()), instead of a new one."""
        self.sock = sock or socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
        self.buffer = b""

    def request(self, line):
        self.sock.sendall(line.encode() + b"\n")
        return self.read_line()

    def read_line(self):
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode("latin-1")

    def close(self):
        self.sock.close()


def wait_until(predicate, what, deadline=DEADLINE):
    end = time.monotonic() + deadline
    last = None
    while time.monotonic() < end:
        try:
            last = predicate()
            if last:
                return last
        except OSError as error:
            last = error
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {what} (last: {last!r})")


class FakeDriver:
    """A driver socket speaking NUT's driver protocol from a fixed dump, so tests control
    what no stock driver offers (ENUM, RANGE, STRING aux, DATASTALE, odd characters)."""

    def __init__(self, path, dump_lines, tracking_status=0):
        self.path = path
        self.dump = "".join(line + "\n" for line in dump_lines).encode()
        self.tracking_status = tracking_status
        self.received = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(16)
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        buffer = b""
        with conn:
            while not self.stopped:
                try:
                    chunk = conn.recv(4096)
                except OSError:
                    return
                if not chunk:
                    return
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    self._answer(conn, line.decode("latin-1"))

    def _answer(self, conn, line):
        self.received.append(line)
        words = line.split()
        if not words:
            return
        if words[0] == "DUMPALL":
            conn.sendall(self.dump)
        elif words[0] == "PING":
            conn.sendall(b"PONG\n")
        elif "TRACKING" in words:
            tracking_id = words[words.index("TRACKING") + 1]
            conn.sendall(f"TRACKING {tracking_id} {self.tracking_status}\n".encode())

    def stop(self):
        self.stopped = True
        self.server.close()


class NutSandbox:
    """A temporary NUT installation: config files, driver processes, servers."""

    def __init__(self, prefix="walnut-interop-"):
        # Unix socket paths must stay short (sun_path): keep the directory in /tmp.
        self.root = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
        self.state = os.path.join(self.root, "state")
        os.mkdir(self.state)
        os.chmod(self.root, 0o755)
        self.processes = []
        self.fake_drivers = []

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def write(self, name, text, mode=0o640):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def environment(self, confdir):
        env = dict(os.environ)
        env.update(NUT_CONFPATH=confdir, NUT_STATEPATH=self.state, NUT_ALTPIDPATH=confdir)
        return env

    def spawn(self, name, argv, env):
        log = open(self.path(name + ".log"), "wb")
        process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes.append((name, process, log))
        return process

    def start_dummy_ups(self, confdir, upsname):
        """Stock dummy-ups for ups.conf section `upsname` of `confdir` (foreground)."""
        process = self.spawn(f"dummy-ups-{upsname}",
                             [STOCK_DUMMY_UPS, "-a", upsname, "-u", "root", "-F"],
                             self.environment(confdir))
        socket_path = os.path.join(self.state, f"dummy-ups-{upsname}")
        wait_until(lambda: os.path.exists(socket_path) or process.poll() is not None,
                   f"dummy-ups {upsname} socket")
        if process.poll() is not None:
            raise RuntimeError(f"dummy-ups {upsname} exited: {self.log_of(f'dummy-ups-{upsname}')}")
        return process

    def start_fake_driver(self, driver, upsname, dump_lines, tracking_status=0):
        fake = FakeDriver(os.path.join(self.state, f"{driver}-{upsname}"), dump_lines,
                          tracking_status)
        self.fake_drivers.append(fake)
        return fake

    def start_upsd(self, name, binary, confdir, port):
        process = self.spawn(name, [binary, "-F", "-u", "root"], self.environment(confdir))
        wait_until(lambda: self._accepts(port) or process.poll() is not None, f"{name} listening")
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {self.log_of(name)}")
        return process

    @staticmethod
    def _accepts(port):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    def log_of(self, name):
        try:
            with open(self.path(name + ".log"), "rb") as f:
                return f.read().decode("latin-1")
        except OSError:
            return ""

    def stop(self, process):
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()

    def close(self, keep=False):
        for fake in self.fake_drivers:
            fake.stop()
        for _, process, log in reversed(self.processes):
            self.stop(process)
            log.close()
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)
