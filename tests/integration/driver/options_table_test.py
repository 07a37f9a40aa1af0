#!/usr/bin/env python3
"""The option table of docs/usbhid-ups.md against NUT 2.8.5 and against the driver itself.

    options_table_test.py USBHID_UPS KEY_LIST DOC CAPTURE

KEY_LIST (tests/data/nut-2.8.5-usbhid-ups-vars.txt) is every key and option of NUT 2.8.5's
usbhid-ups, transcribed from its source. Checks:
- `-L` lists exactly the driver-table keys of KEY_LIST, in NUT's order, with their types
  (walnut's own keys may follow);
- DOC's table has one row per KEY_LIST entry and nothing else, each saying implemented (with
  the test that proves it), ignored (with why), not for the driver, or differs;
- a ups.conf using every key starts the driver on the simulated UPS; the keys it warns about
  (one line each, naming ups.conf and the line) are exactly the rows marked ignored;
- the socket gets `group`'s group, `debug_min` raises the debug level, global STATEPATH places
  the socket; `-c exit` stops the running instance;
- a second instance for the same UPS stops the first ("Duplicate driver instance detected");
- `-k` goes through the running instance (it never opens the device itself);
- `driver =` naming another driver stops the driver with stock's message.
"""
import grp
import os
import pwd
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

TIMEOUT = 30.0
KINDS = {"VALUE": "value", "FLAG": "flag", "MAIN-VALUE": "main value", "MAIN-FLAG": "main flag",
         "GLOBAL": "global", "OPTION": "option"}
ROW = re.compile(r"^\| `([^`]+)` \| ([a-z ]+) \| (\S+) \|([^|]*)\|([^|]*)\|$")


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def key_list(path):
    entries = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        kind, name, source = line.split()
        entries.append((KINDS[kind], name, source))
    return entries


def doc_rows(path):
    rows = {}
    for line in open(path, encoding="utf-8"):
        m = ROW.match(line.rstrip("\n"))
        if m:
            name, kind, source, walnut, proof = (g.strip() for g in m.groups())
            if (name, kind) in rows:
                fail(f"doc: two rows for {kind} {name}")
            rows[(name, kind)] = (source, walnut, proof)
    return rows


def check_list(driver, entries):
    out = subprocess.run([driver, "-L"], capture_output=True, text=True, timeout=30, check=True).stdout
    listed = []
    for line in out.splitlines():
        m = re.match(r'^(VALUE|FLAG) (\S+) "(.*)"$', line)
        if not m:
            fail(f"-L: not NUT's format: {line!r}")
        if not m.group(3).startswith("walnut:"):
            listed.append((KINDS[m.group(1)], m.group(2)))
    want = [(kind, name) for kind, name, _ in entries if kind in ("value", "flag")]
    if listed != want:
        fail(f"-L lists {listed}, NUT 2.8.5 registers {want}")
    help_text = subprocess.run([driver, "-h"], capture_output=True, text=True, timeout=30).stdout
    for kind, name, _ in entries:
        if kind == "option" and f"\n  {name} " not in help_text:
            fail(f"-h does not describe {name}")


def gtest_names(tests_dir):
    """Suite.Name of every GoogleTest test under tests_dir (TEST, TEST_F, TEST_P)."""
    names = set()
    for root, _, files in os.walk(tests_dir):
        for f in files:
            if f.endswith(".cpp"):
                text = open(os.path.join(root, f), encoding="utf-8", errors="replace").read()
                for suite, name in re.findall(r"\bTEST(?:_F|_P)?\((\w+),\s*(\w+)\)", text):
                    names.add(f"{suite}.{name}")
    return names


def check_proofs(rows, tests_dir):
    """Every GoogleTest name a row cites exists (Suite.* : some test of that suite)."""
    names = gtest_names(tests_dir)
    suites = {n.split(".")[0] for n in names}
    for key, (_, _, proof) in rows.items():
        for cited in re.findall(r"`(?:devicelab\.)?([A-Z]\w*)\.(\w+|\*)`", proof):
            suite, name = cited
            if (name == "*" and suite not in suites) or (name != "*" and f"{suite}.{name}" not in names):
                fail(f"doc row {key} cites {suite}.{name}, which is no test")


def check_doc(rows, entries):
    want = {(name, kind): source for kind, name, source in entries}
    if set(rows) != set(want):
        fail(f"doc rows differ from NUT 2.8.5's keys: missing {sorted(set(want) - set(rows))}, "
             f"extra {sorted(set(rows) - set(want))}")
    for key, (source, walnut, proof) in rows.items():
        if source != want[key]:
            fail(f"doc cites {source} for {key}, the key list {want[key]}")
        if not re.match(r"^(implemented|ignored: \S|not for the driver|differs: \S)", walnut):
            fail(f"doc row {key}: walnut column {walnut!r}")
        if walnut.startswith("implemented") and not proof:
            fail(f"doc row {key} is implemented but names no test")


def value_for(name, conf_dir, capture, group_name):
    values = {
        "port": f"sim:{capture}", "user": pwd.getpwuid(os.geteuid()).pw_name, "group": group_name,
        "pollinterval": "2", "pollfreq": "30", "lowbatt": "10", "offdelay": "20", "ondelay": "30",
        "interrupt_pipe_no_events_tolerance": "-1", "onlinedischarge_log_throttle_sec": "30",
        "onlinedischarge_log_throttle_hovercharge": "100", "lbrb_log_delay_sec": "3",
        "subdriver": "apc", "vendor": ".*", "product": ".*", "serial": ".*", "vendorid": "051d",
        "productid": "0002", "bus": ".*", "device": ".*", "busport": ".*",
        "usb_set_altinterface": "0", "usb_config_index": "0", "usb_hid_rep_index": "0",
        "usb_hid_desc_index": "0", "usb_hid_ep_in": "1", "usb_hid_ep_out": "1",
        "interruptsize": "64", "waitbeforereconnect": "1", "sddelay": "0", "synchronous": "no",
        "sdorder": "0", "maxstartdelay": "45", "maxretry": "1", "retrydelay": "5",
        "desc": '"every key"', "sdcommands": "shutdown.default", "debug_min": "1",
        "LIBUSB_DEBUG": "0", "driver": "usbhid-ups", "override.*": None, "default.*": None,
        "chroot": "/", "STATEPATH": conf_dir,
    }
    return values[name]


def write_every_key_conf(conf_dir, entries, capture, group_name):
    """ups.conf with every key; returns {key: line number} of the section's lines."""
    lines, where = [], {}
    for kind, name, _ in entries:
        if kind != "global":
            continue
        if name == "chroot" and os.geteuid() != 0:
            continue  # chroot(2) needs root
        lines.append(f"{name} = {value_for(name, conf_dir, capture, group_name)}")
    lines.append("[every]")
    for kind, name, _ in entries:
        if kind in ("global", "option"):
            continue
        if name == "override.*":
            text = 'override.ups.mfr = "Every Key Inc."'
        elif name == "default.*":
            text = "default.ups.contacts = nobody"
        elif kind in ("flag", "main flag"):
            text = name
        else:
            text = f"{name} = {value_for(name, conf_dir, capture, group_name)}"
        lines.append("  " + text)
        where[name] = len(lines)
    with open(os.path.join(conf_dir, "ups.conf"), "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    return where


def wait_for(predicate, what, proc=None):
    deadline = time.monotonic() + TIMEOUT
    while not predicate():
        if proc is not None and proc.poll() is not None:
            fail(f"driver exited ({proc.returncode}) before {what}: {proc.stderr.read()}")
        if time.monotonic() > deadline:
            fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def dump_all(path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.connect(path)
        s.sendall(b"DUMPALL\n")
        data = b""
        while b"DUMPDONE" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return data.decode(errors="replace")


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def check_every_key(driver, entries, rows, capture, work):
    conf_dir = os.path.join(work, "every")
    os.makedirs(conf_dir)
    group_name = "nogroup" if os.geteuid() == 0 and "nogroup" in [g.gr_name for g in grp.getgrall()] \
        else grp.getgrgid(os.getegid()).gr_name
    where = write_every_key_conf(conf_dir, entries, capture, group_name)
    env = dict(os.environ, NUT_CONFPATH=conf_dir)
    env.pop("NUT_STATEPATH", None)  # the global STATEPATH must place the socket
    env["NUT_ALTPIDPATH"] = conf_dir
    conf = os.path.join(conf_dir, "ups.conf")
    sock = os.path.join(conf_dir, "usbhid-ups-every")
    proc = subprocess.Popen([driver, "-a", "every", "-F"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: os.path.exists(sock), "the socket in STATEPATH", proc)
        dump = dump_all(sock)
        # (explore, and interruptonly with pollonly, leave no ups.status: the device is served)
        if 'device.model "Back-UPS ES 850G2"' not in dump or 'ups.mfr "Every Key Inc."' not in dump:
            fail(f"every-key driver serves no device or ignores override.*: {dump[:500]}")
        if os.stat(sock).st_gid != grp.getgrnam(group_name).gr_gid:
            fail(f"socket group is {os.stat(sock).st_gid}, not {group_name}")
        status = subprocess.run([driver, "-a", "every", "-c", "exit"], env=env, capture_output=True,
                                text=True, timeout=60)
        if status.returncode != 0:
            fail(f"-c exit returned {status.returncode}: {status.stderr}")
        proc.wait(timeout=TIMEOUT)
        err = proc.stderr.read()
    finally:
        stop(proc)
    warned = {}
    for line in err.splitlines():
        m = re.match(r"^(.*):(\d+): '([^']+)' is accepted but ignored by walnut: \S", line)
        if m:
            if m.group(1) != conf:
                fail(f"warning names {m.group(1)}, not {conf}: {line}")
            warned[m.group(3)] = int(m.group(2))
    ignored = {name for (name, kind), (_, walnut, _) in rows.items()
               if walnut.startswith("ignored") and kind not in ("global", "option")}
    if set(warned) != ignored:
        fail(f"warned about {sorted(warned)}, the doc marks ignored {sorted(ignored)}")
    for name, line in warned.items():
        if where[name] != line:
            fail(f"warning for {name} names line {line}, it is on line {where[name]}")
    if "driver socket" not in err:
        fail("debug_min = 1 did not raise the debug level")
    print(f"every-key ups.conf: started, {len(warned)} keys warned about, -c exit stopped it")


def serve(driver, name, capture, state, extra=()):
    env = dict(os.environ, NUT_STATEPATH=state, NUT_ALTPIDPATH=state)
    as_root = ["-u", "root"] if os.geteuid() == 0 else []
    proc = subprocess.Popen([driver, "-s", name, "-x", f"port=sim:{capture}", "-F", *as_root, *extra],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sock = os.path.join(state, f"usbhid-ups-{name}")
    return proc, sock, env


def check_duplicates_and_kill(driver, capture, work):
    state = os.path.join(work, "dup")
    os.makedirs(state)
    first, sock, env = serve(driver, "dup", capture, state)
    second = None
    try:
        wait_for(lambda: os.path.exists(sock), "the first instance's socket", first)
        second, _, _ = serve(driver, "dup", capture, state)
        first.wait(timeout=TIMEOUT)  # asked to exit by the second instance
        wait_for(lambda: os.path.exists(sock) and "DUMPDONE" in dump_all(sock),
                 "the second instance's socket", second)
        # -k through the running instance: this one could not open its (missing) device.
        kill = subprocess.run([driver, "-s", "dup", "-x", "port=sim:/nonexistent/capture", "-k"],
                              env=env, capture_output=True, text=True, timeout=120)
        if kill.returncode != 0:
            fail(f"-k through the running driver returned {kill.returncode}: {kill.stderr}")
        if second.poll() is not None:
            fail("the running driver died from -k")
    finally:
        stop(first)
        if second:
            stop(second)
    second_err = second.stderr.read()
    if "Duplicate driver instance detected (local Unix socket exists)!" not in second_err:
        fail(f"the second instance did not say it stopped the first: {second_err[-2000:]}")
    print("duplicate instance: the first stopped when the second started; -k went through it")


def check_driver_mismatch(driver, capture, work):
    conf_dir = os.path.join(work, "mismatch")
    os.makedirs(conf_dir)
    with open(os.path.join(conf_dir, "ups.conf"), "w", encoding="utf-8") as out:
        out.write(f"[bad]\n  driver = blazer_usb\n  port = sim:{capture}\n")
    env = dict(os.environ, NUT_CONFPATH=conf_dir, NUT_STATEPATH=conf_dir, NUT_ALTPIDPATH=conf_dir)
    run = subprocess.run([driver, "-a", "bad", "-d", "1"], env=env, capture_output=True, text=True,
                         timeout=60)
    if run.returncode == 0 or \
            "Error: UPS [bad] is for driver 'blazer_usb', but I'm 'usbhid-ups'!" not in run.stderr:
        fail(f"driver mismatch: exit {run.returncode}, {run.stderr!r}")
    print("driver = blazer_usb: stopped with stock's message")


def main():
    driver, keys, doc, capture = sys.argv[1:5]
    entries = key_list(keys)
    rows = doc_rows(doc)
    check_list(driver, entries)
    check_doc(rows, entries)
    check_proofs(rows, os.path.join(os.path.dirname(os.path.abspath(doc)), "..", "tests"))
    print(f"-L and the doc table agree with NUT 2.8.5's {len(entries)} keys and options")
    with tempfile.TemporaryDirectory(prefix="walnut-options-") as work:
        os.chmod(work, 0o755)
        check_every_key(driver, entries, rows, capture, work)
        check_duplicates_and_kill(driver, capture, work)
        check_driver_mismatch(driver, capture, work)
    print("PASS")


if __name__ == "__main__":
    main()
