"""What the security tests share: a log flood by unauthenticated clients, password guessing as
another user, and upsd's RSS."""
import os
import socket
import subprocess
import sys
import threading
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def log_flood(port, seconds, quote_lines=200, workers=4):
    """For `seconds`, `workers` threads open connection after connection to 127.0.0.1:`port`,
    each with a failed LOGIN under a fresh user name (the throttle only delays a repeated
    name, so each is checked and logged at once) and `quote_lines` lines ending inside a
    quote. Returns how many log-worthy events were sent."""
    stop = time.monotonic() + seconds
    caused = [0]
    lock = threading.Lock()

    def flood(worker):
        n = 0
        while time.monotonic() < stop:
            data = f"USERNAME g{worker}x{n}\nPASSWORD p\nLOGIN dummy\n".encode()
            data += b'GET VAR "dummy\n' * quote_lines
            n += 1
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                    s.sendall(data)
                    s.shutdown(socket.SHUT_WR)
                    while s.recv(65536):
                        pass
                with lock:
                    caused[0] += quote_lines + 1
            except OSError:
                pass

    threads = [threading.Thread(target=flood, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return caused[0]


# Run as nobody, not upsd's user: the kernel then names a local client that cannot read
# upsd.users, which upsd's login throttle slows (root and upsd's user are never slowed).
# Prints one "SECONDS REPLY" line per connection.
GUESSER = r"""
import socket, sys, threading, time
port, user, count, password, command = (int(sys.argv[1]), sys.argv[2], int(sys.argv[3]),
                                        sys.argv[4], sys.argv[5])
began = time.monotonic()
lock = threading.Lock()
def guess(n):
    word = password or f"guess{n}"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
            s.sendall(f'USERNAME {user}\nPASSWORD "{word}"\n{command}\n'.encode())
            s.shutdown(socket.SHUT_WR)
            out = b""
            while chunk := s.recv(65536):
                out += chunk
        reply = out.split(b"\n")[2].decode() if out.count(b"\n") >= 3 else "closed"
    except OSError:
        reply = "closed"
    with lock:
        print(f"{time.monotonic() - began:.3f} {reply}", flush=True)
threads = [threading.Thread(target=guess, args=(n,)) for n in range(count)]
for t in threads: t.start()
for t in threads: t.join()
"""


def start_guessing(port, user, count, password="", command="SET VAR dummy bogus.var x"):
    """`count` connections at once as nobody (the caller is root), each `command` as `user`
    with a wrong password (or `password`). The default, SET VAR on a bogus variable of UPS
    `dummy`, is an oracle: VAR-NOT-SUPPORTED would mean the password was right. Returns the
    process; guess_answers() collects it."""
    # The system's python: a per-user one (pyenv under /root) is not nobody's to run.
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    return subprocess.Popen([python, "-c", GUESSER, str(port), user, str(count), password, command],
                            stdout=subprocess.PIPE, text=True,
                            preexec_fn=lambda: (os.setgid(65534), os.setuid(65534)))


def guess_answers(guesser):
    """[(seconds after the start, reply line)] of a start_guessing() process."""
    out, _ = guesser.communicate(timeout=120)
    return [(float(at), reply) for at, reply in (line.split(" ", 1) for line in out.splitlines())]
