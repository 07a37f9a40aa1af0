#!/usr/bin/python3
"""Differential test: stock NUT 2.8.0 upsd and walnut's upsd, fed by the same drivers (stock
dummy-ups and a scripted driver socket), answer the same transcripts with the same bytes.

Usage: differential_test.py WALNUT_UPSD TRANSCRIPT...
Only the version text (VER, server.info, server.version) and tracking ids may differ, and
the cases in DELIBERATE_DIFFERENCES, where walnut's reply is checked against its own.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nut_harness as nh  # noqa: E402

UPS_CONF = """\
[dummy]
  driver = dummy-ups
  port = {root}/dummy.dev
  desc = "Dummy \\"quoted\\" UPS"
[Second]
  driver = dummy-ups
  port = {root}/second.dev
[edge]
  driver = fakedrv
  port = none
  desc = "Edge \\# cases"
[stale]
  driver = fakedrv
  port = none
[nodriver]
  driver = dummy-ups
  port = {root}/none.dev
"""

UPSD_USERS = """\
[admin]
  password = secret
  actions = SET
  actions = FSD
  instcmds = all
[mon]
  password = monpass
  upsmon primary
[sec]
  password = secpass
  upsmon secondary
[cmduser]
  password = cmdpass
  instcmds = test.battery.start
[setonly]
  password = setpass
  actions = set
"""

DUMMY_DEV = """\
ups.status: OL
ups.mfr: Test Corp
ups.model: Dummy 1000
battery.charge: 100
battery.runtime: 1800
input.voltage: 230.0
output.voltage: 229.5
ups.load: 23
"""

SECOND_DEV = """\
ups.status: OB LB
battery.charge: 5
"""

EDGE_DUMP = [
    'SETINFO ups.status "OL CHRG"',
    'SETINFO ups.mfr "ACME \\"Power\\" \\\\ \\#1"',
    'SETINFO input.sensitivity "medium"',
    'ADDENUM input.sensitivity "low"',
    'ADDENUM input.sensitivity "medium"',
    'ADDENUM input.sensitivity "high"',
    'SETFLAGS input.sensitivity RW',
    'SETINFO battery.charge.low "10"',
    'ADDRANGE battery.charge.low 5 50',
    'ADDRANGE battery.charge.low 60 70',
    'SETFLAGS battery.charge.low RW NUMBER',
    'SETINFO ups.id "abc"',
    'SETAUX ups.id 8',
    'SETFLAGS ups.id RW STRING',
    'SETINFO ups.badstring "x"',
    'SETFLAGS ups.badstring RW STRING',
    'SETINFO Zeta.Var "z"',
    'SETINFO alpha.var "a"',
    'SETINFO empty.var ""',
    'ADDCMD test.battery.start',
    'ADDCMD beeper.disable',
    'ADDCMD Load.Off',
    'DATAOK',
    'DUMPDONE',
]

STALE_DUMP = ['DATASTALE', 'SETINFO ups.status "OB"', 'DUMPDONE']

UUID = re.compile(rb"[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}")
VERSION_LINES = [
    (re.compile(rb"^Network UPS Tools upsd .* - http://www\.networkupstools\.org/$", re.M),
     b"Network UPS Tools upsd <VERSION> - http://www.networkupstools.org/"),
    (re.compile(rb'^(VAR \S+ server\.info) "Network UPS Tools upsd .* - (\S+)"$', re.M),
     rb'\1 "Network UPS Tools upsd <VERSION> - \2"'),
    (re.compile(rb'^(VAR \S+ server\.version) ".*"$', re.M), rb'\1 "<VERSION>"'),
]


def normalize(data):
    data = UUID.sub(b"<UUID>", data)
    for pattern, replacement in VERSION_LINES:
        data = pattern.sub(replacement, data)
    return data


def parse_transcripts(path):
    cases, name, lines = [], None, []
    with open(path, "rb") as f:
        for raw in f.read().split(b"\n"):
            if raw.startswith(b"=== "):
                if name is not None:
                    cases.append((name, lines))
                name, lines = raw[4:].decode(), []
            elif name is not None:
                lines.append(raw)
    if name is not None:
        cases.append((name, lines))
    for index, (name, lines) in enumerate(cases):
        while lines and lines[-1] == b"":
            lines.pop()
        cases[index] = (name, b"".join(expand(line) + b"\n" for line in lines))
    return cases


def expand(line):
    line = re.sub(rb"<0x([0-9a-fA-F]{2})>", lambda m: bytes([int(m.group(1), 16)]), line)
    return re.sub(rb"<REPEAT (\d+) (.)>", lambda m: m.group(2) * int(m.group(1)), line)


def setup(box, walnut_binary):
    root = box.root
    for name, text in (("dummy.dev", DUMMY_DEV), ("second.dev", SECOND_DEV)):
        box.write(name, text, 0o644)
    ports = {}
    for server in ("stock", "walnut"):
        ports[server] = nh.free_port()
        box.write(f"{server}/ups.conf", UPS_CONF.format(root=root))
        box.write(f"{server}/upsd.users", UPSD_USERS)
        box.write(f"{server}/upsd.conf", f"LISTEN 127.0.0.1 {ports[server]}\n")
    box.start_dummy_ups(box.path("stock"), "dummy")
    box.start_dummy_ups(box.path("stock"), "Second")
    box.start_fake_driver("fakedrv", "edge", EDGE_DUMP)
    box.start_fake_driver("fakedrv", "stale", STALE_DUMP)
    box.start_upsd("stock-upsd", nh.STOCK_UPSD, box.path("stock"), ports["stock"])
    box.start_upsd("walnut-upsd", walnut_binary, box.path("walnut"), ports["walnut"])
    return ports


def wait_ready(ports):
    """Both servers have every driver's dump, and both see `stale` as stale."""
    probe = b"GET VAR dummy ups.status\nGET VAR Second ups.status\nGET VAR edge ups.status\n" \
            b"GET VAR stale ups.status\n"
    expected = b'VAR dummy ups.status "OL"\nVAR Second ups.status "OB LB"\n' \
               b'VAR edge ups.status "OL CHRG"\nERR DATA-STALE\n'
    for server, port in ports.items():
        nh.wait_until(lambda: nh.exchange(port, probe) == expected, f"{server} ready")


def tracking_case(ports):
    """SET/INSTCMD with tracking: ids differ, the sequence of answers must not."""
    transcripts = {}
    for server, port in ports.items():
        client = nh.LineClient(port)
        replies = [client.request(line) for line in
                   ("USERNAME admin", "PASSWORD secret", "SET TRACKING ON", "GET TRACKING")]
        for command in ("SET VAR edge ups.id abc", "INSTCMD edge beeper.disable",
                        "INSTCMD edge test.battery.start 5"):
            reply = client.request(command)
            replies.append(reply)
            tracking_id = reply.split()[-1]
            final = nh.wait_until(
                lambda: (lambda r: r if r != "PENDING" else None)(
                    client.request(f"GET TRACKING {tracking_id}")), "tracking result")
            replies.append(final)
            replies.append(client.request(f"GET TRACKING {tracking_id.lower()}"))
        replies.append(client.request("GET TRACKING 11111111-2222-4333-8444-555555555555"))
        client.close()
        transcripts[server] = normalize("\n".join(replies).encode())
    return transcripts

# Cases where walnut deliberately answers differently: name -> (why, walnut's expected bytes).
# docs/net-protocol.md lists the same differences.
DELIBERATE_DIFFERENCES = {
    "unterminated quote (stock swallows the next line, walnut answers ERR)": (
        "stock takes a LF inside quotes into the word and serves nothing until a closing "
        "quote (a hung client); no NUT client can send a LF in a quoted word, so walnut ends "
        "the request there with ERR INVALID-ARGUMENT and serves the next line",
        b"ERR INVALID-ARGUMENT\n"
        b"Network UPS Tools upsd <VERSION> - http://www.networkupstools.org/\n"
        b"ERR INVALID-ARGUMENT\n"
        b"Commands: HELP VER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD STARTTLS\n"),
}


def compare(name, stock, walnut, failures):
    if name in DELIBERATE_DIFFERENCES:
        why, expected = DELIBERATE_DIFFERENCES[name]
        if walnut != expected:
            failures.append((name, expected, walnut))
        elif stock == walnut:
            print(f"--- case {name!r}: listed as a deliberate difference but stock agrees")
        return
    if stock != walnut:
        failures.append((name, stock, walnut))


def main():
    walnut_binary, transcript_files = sys.argv[1], sys.argv[2:]
    box = nh.NutSandbox("walnut-diff-")
    failures, lines_checked = [], 0
    try:
        ports = setup(box, walnut_binary)
        wait_ready(ports)
        for path in transcript_files:
            for name, data in parse_transcripts(path):
                lines_checked += data.count(b"\n")
                stock = normalize(nh.exchange(ports["stock"], data))
                walnut = normalize(nh.exchange(ports["walnut"], data))
                compare(name, stock, walnut, failures)
                if os.environ.get("WALNUT_DIFF_SHOW") in (name, "all"):
                    print(f"=== {name}\n{stock.decode('latin-1')}")
        tracked = tracking_case(ports)
        if tracked["stock"] != tracked["walnut"]:
            failures.append(("tracking", tracked["stock"], tracked["walnut"]))
    finally:
        box.close(keep=bool(os.environ.get("WALNUT_KEEP_SANDBOX")))
    for name, stock, walnut in failures:
        print(f"--- case {name!r} differs\n stock: {stock!r}\nwalnut: {walnut!r}")
    print(f"{lines_checked} request lines in transcripts, {len(failures)} differing cases")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
