#!/usr/bin/env python3
"""upsd and the upsd.conf / upsd.users keys of NUT 2.8.5 (docs/config.md, "NUT 2.8.5 keys").

1. Files using every key of server/conf.c and server/user.c at v2.8.5 start upsd, which
   answers; the keys walnut cannot honour (CERTIDENT, ACCEPT/REJECT/ACL, allowfrom) are
   one-line warnings naming file and line.
2. ALLOW_NOT_ALL_LISTENERS: a LISTEN address this host does not have stops upsd without it;
   with it (in upsd.conf, or the environment variable) upsd serves on the other address.
3. DEBUG_MIN: raises the debug level without -D (upsd logs its level-2 "Connect from").
Usage: nut285_keys_test.py UPSD
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

UPSD = sys.argv[1]
# TEST-NET-1 (RFC 5737): never a local address, so binding it fails; nothing is sent to it.
FOREIGN = "192.0.2.1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(port, line):
    deadline = time.time() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(line.encode() + b"\n")
                return s.makefile().readline().strip()
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)


class Upsd:
    def __init__(self, conf_dir, env=None):
        environment = dict(os.environ, NUT_CONFPATH=conf_dir, NUT_STATEPATH=conf_dir,
                           NUT_ALTPIDPATH=conf_dir)
        environment.pop("ALLOW_NOT_ALL_LISTENERS", None)
        environment.update(env or {})
        args = [UPSD, "-F"] + (["-u", "root"] if os.geteuid() == 0 else [])
        self.log = open(os.path.join(conf_dir, "upsd.log"), "w+")
        self.process = subprocess.Popen(args, env=environment, stdout=self.log,
                                        stderr=subprocess.STDOUT)

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.log.close()


failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def write(directory, name, text, mode=0o640):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


with tempfile.TemporaryDirectory() as d:
    os.chmod(d, 0o755)
    # 1. Every key of NUT 2.8.5's upsd.conf and upsd.users.
    key, cert = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    with open(os.path.join(d, "upsd.pem"), "w") as f:
        f.write(open(cert).read() + open(key).read())
    port = free_port()
    write(d, "upsd.conf", f"""# every directive of NUT 2.8.5's server/conf.c
DEBUG_MIN 0
MAXAGE 15
TRACKINGDELAY 3600
ALLOW_NO_DEVICE true
ALLOW_NOT_ALL_LISTENERS false
MAXCONN 1024
STATEPATH {d}
DATAPATH /usr/share/nut
CERTFILE {d}/upsd.pem
CERTPATH {cert}
CERTIDENT "walnut test" secret
CERTREQUEST REQUEST
DISABLE_WEAK_SSL true
ACCEPT all
REJECT none
LISTEN 127.0.0.1 {port}
ACL all 0.0.0.0/0
""")
    write(d, "ups.conf", "")
    write(d, "upsd.users", """# every setting of NUT 2.8.5's server/user.c
[admin]
  password = secret
  actions = SET FSD
  instcmds = all
  upsmon primary
[monitor]
  password = other
  upsmon secondary
  allowfrom = localhost
[legacy]
  password = third
  upsmon master
[legacy2]
  password = fourth
  upsmon slave
""", 0o600)
    upsd = Upsd(d)
    try:
        check(ask(port, "VER").startswith("Network UPS Tools upsd"), "every NUT 2.8.5 key: upsd starts and answers")
        check(upsd.process.poll() is None, "every NUT 2.8.5 key: upsd keeps running")
        out = upsd.output()
        for warned, line in (("CERTIDENT", 12), ("ACCEPT", 15), ("REJECT", 16), ("ACL", 18)):
            check(f"upsd.conf:{line}: {warned}" in out, f"{warned} warns with file and line")
        check("upsd.users:10: allowfrom" in out, "allowfrom warns with file and line")
    finally:
        upsd.stop()

    # 2. ALLOW_NOT_ALL_LISTENERS.
    port = free_port()
    base = f"ALLOW_NO_DEVICE 1\nLISTEN 127.0.0.1 {port}\nLISTEN {FOREIGN} {port}\n"
    write(d, "upsd.conf", base)
    upsd = Upsd(d)
    try:
        code = upsd.process.wait(timeout=10)
        check(code != 0, f"a LISTEN this host lacks stops upsd (exit {code})")
        check("ALLOW_NOT_ALL_LISTENERS" in upsd.output(), "the error names ALLOW_NOT_ALL_LISTENERS")
    finally:
        upsd.stop()
    for how, conf, env in (("upsd.conf", base + "ALLOW_NOT_ALL_LISTENERS true\n", None),
                           ("environment", base, {"ALLOW_NOT_ALL_LISTENERS": "yes"})):
        write(d, "upsd.conf", conf)
        upsd = Upsd(d, env)
        try:
            check(ask(port, "VER").startswith("Network UPS Tools upsd"),
                  f"ALLOW_NOT_ALL_LISTENERS ({how}): serves on the address it could bind")
            check("some listening interfaces were not available" in upsd.output(),
                  f"ALLOW_NOT_ALL_LISTENERS ({how}): warns")
        finally:
            upsd.stop()

    # 3. DEBUG_MIN: level-2 messages without -D.
    for debug_min, expected in ((None, False), (2, True)):
        port = free_port()
        conf = f"ALLOW_NO_DEVICE 1\nLISTEN 127.0.0.1 {port}\n"
        if debug_min is not None:
            conf += f"DEBUG_MIN {debug_min}\n"
        write(d, "upsd.conf", conf)
        upsd = Upsd(d)
        try:
            ask(port, "VER")
            time.sleep(0.2)
            logged = "Connect from 127.0.0.1" in upsd.output()
            check(logged == expected, f"DEBUG_MIN {debug_min}: debug-2 'Connect from' logged: {logged}")
        finally:
            upsd.stop()

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
