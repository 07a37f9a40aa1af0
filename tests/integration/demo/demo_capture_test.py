#!/usr/bin/env python3
"""scripts/demo --capture FILE reproduces a user's device in one command (issue 20).

usage: demo_capture_test.py SOURCE_DIR BUILD_DIR CAPTURE

Runs the demo on CAPTURE (not the demo's default device) on an ephemeral loopback port, and
checks that stock upsc sees that device (its ups.mfr/ups.model as the capture's own upsc:
section records them), that `walnut-sim mains off` with the socket the demo prints puts it on
battery in the demo's own status lines, and that Ctrl-C (SIGINT) stops everything and removes
the demo's directory. Exit 77 (skipped) without stock NUT's upsc.
"""
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def capture_upsc(path):
    values, inside = {}, False
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if re.fullmatch(r"[a-z-]+:", line):
            inside = line == "upsc:"
        elif inside and ": " in line:
            name, value = line.split(": ", 1)
            values[name] = value
    return values


def main():
    source, build, capture = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    if shutil.which("upsc") is None:
        print("SKIP: stock NUT's upsc is not installed")
        return 77
    expected = capture_upsc(capture)
    port = free_port()
    demo = subprocess.Popen(
        ["bash", str(source / "scripts/demo"), "--capture", str(capture), "--no-setup",
         "--build-dir", str(build), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = queue.Queue()
    output = []

    def read():
        for line in demo.stdout:
            output.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()

    def wait_for(pattern, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            if m := re.search(pattern, line):
                return m
        raise AssertionError(f"no line matching {pattern!r} in the demo's output:\n{''.join(output)}")

    failures = []
    run_dir = None
    try:
        socket_path = wait_for(r"WALNUT_SIM_SOCKET=(\S+) ", 300).group(1)
        run_dir = Path(socket_path).parent
        wait_for(r"Watching the UPS", 30)
        wait_for(r"status: OL", 30)
        if str(capture) not in "".join(output):
            failures.append("the demo does not name the capture it plays")
        for name in ("ups.mfr", "ups.model"):
            got = subprocess.run(["upsc", f"sim@127.0.0.1:{port}", name], capture_output=True,
                                 text=True, timeout=10).stdout.strip()
            if got != expected.get(name):
                failures.append(f"{name}: upsc says {got!r}, the capture {expected.get(name)!r}")
        sim = subprocess.run([str(build / "bin/walnut-sim"), "-s", socket_path, "mains", "off"],
                             capture_output=True, text=True, timeout=10)
        if sim.returncode != 0:
            failures.append(f"walnut-sim mains off: {sim.stderr}")
        else:
            wait_for(r"status: OB", 30)
    except AssertionError as error:
        failures.append(str(error))
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            rc = demo.wait(timeout=30)
            if rc != 0:
                failures.append(f"the demo exited {rc} after SIGINT")
        except subprocess.TimeoutExpired:
            demo.kill()
            failures.append("the demo did not stop on SIGINT")
    if run_dir is not None and run_dir.exists():
        failures.append(f"the demo left {run_dir} behind")
    for failure in failures:
        print(f"FAIL: {failure}")
    if failures:
        return 1
    print(f"ok: the demo played {capture.name}: {expected.get('ups.model')}, OL then OB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
