"""What the security tests share: a log flood by unauthenticated clients, and upsd's RSS."""
import socket
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
