"""The live comparisons, through each driver's socket: instant commands and writes (every INSTCMD
and every writable variable stock NUT offers, the SET_REPORTs each causes).

Both drivers serve the capture as recorded; every command and write is sent with TRACKING and
its reply awaited, so the SET_REPORT log lines between two replies belong to that one request.
"""
import os
import re
import tempfile

import drivers

# NUT 2.8.5's driver core (drivers/main.c:1821-1822, 3026, 3220-3231) offers these in every driver;
# stock 2.8.0 has none of them. Each is compared as an item of its own ("offered command NAME",
# "writable variable NAME") so known-differences.md can list exactly these, and the joined lists
# still catch any other extra or missing command.
DRIVER_CORE_COMMANDS = {"shutdown.default", "driver.killpower", "driver.reload", "driver.reload-or-exit",
                        "driver.reload-or-error"}
DRIVER_CORE_WRITABLE = {"driver.debug", "driver.flag.allow_killpower"}

DUMPALL_LINE = re.compile(r'^(SETINFO|SETFLAGS|ADDENUM|ADDRANGE|ADDCMD) (\S+) ?(.*)$')


def unquote(text):
    m = re.match(r'^"((?:[^"\\]|\\.)*)"', text)
    return re.sub(r"\\(.)", r"\1", m.group(1)) if m else text


def offered(dump):
    """What a DUMPALL says: variables' values, writable ones with their enums/ranges, commands."""
    values, writable, enums, ranges, commands = {}, [], {}, {}, []
    for line in dump:
        m = DUMPALL_LINE.match(line)
        if not m:
            continue
        verb, name, rest = m.groups()
        if verb == "SETINFO":
            values[name] = unquote(rest)
        elif verb == "SETFLAGS" and "RW" in rest.split():
            writable.append(name)
        elif verb == "ADDENUM":
            enums.setdefault(name, []).append(unquote(rest))
        elif verb == "ADDRANGE":
            ranges[name] = [unquote(w) for w in rest.split()]
        elif verb == "ADDCMD":
            commands.append(name)
    return values, writable, enums, ranges, commands


def value_to_write(name, values, enums, ranges):
    """A valid value other than the current one, so the write has something to send."""
    current = values.get(name, "")
    if name in enums:
        others = [e for e in enums[name] if e != current]
        return (others or enums[name])[0]
    if name in ranges:
        low, high = ranges[name][0], ranges[name][-1]
        return low if current != low else high
    if re.fullmatch(r"-?\d+", current):
        return str(int(current) + 1)
    return "parity"


def session(driver, capture, requests):
    """Serves CAPTURE with DRIVER, sends REQUESTS (None: only look), returns (offer, replies)."""
    with tempfile.TemporaryDirectory(prefix="parity-sock-") as state:
        log = os.path.join(state, "set_report.log")
        proc, path = driver.serve(capture, state, log)
        client = None
        try:
            try:
                client = drivers.SocketClient(path, proc)
            except EOFError:
                return None, []  # the driver refused the device (no subdriver claims it)
            client.send("DUMPALL")
            offer = offered(client.until(lambda l: l == "DUMPDONE"))
            replies = []
            for n, request in enumerate(requests or []):
                before = os.path.getsize(log) if os.path.exists(log) else 0
                client.send("%s TRACKING parity-%d" % (request, n))
                done = client.until(lambda l, n=n: l.startswith("TRACKING parity-%d " % n))[-1]
                written = open(log).read()[before:].splitlines() if os.path.exists(log) else []
                replies.append((done.split()[-1], written))
            return offer, replies
        finally:
            if client:
                client.close()
            drivers.stop(proc)


def requests_for(offer):
    values, writable, enums, ranges, commands = offer
    out = ["INSTCMD " + c for c in commands]
    for name in writable:
        value = value_to_write(name, values, enums, ranges).replace("\\", "\\\\").replace('"', '\\"')
        out.append('SET %s "%s"' % (name, value))
    return out


def commands_one(stock, walnut, capture):
    """Returns {item: description} for both drivers: what each offers and what each request wrote."""
    s_offer, _ = session(stock, capture, None)
    if s_offer is None:
        return None
    requests = requests_for(s_offer)
    _, s_replies = session(stock, capture, requests)
    w_offer, w_replies = session(walnut, capture, requests)
    s_items, w_items = {}, {}
    for items, offer, replies in ((s_items, s_offer, s_replies), (w_items, w_offer, w_replies)):
        if offer is None:
            items["driver"] = "refused the device"
            continue
        items["offered commands"] = " ".join(sorted(c for c in offer[4] if c not in DRIVER_CORE_COMMANDS))
        items["writable variables"] = " ".join(sorted(v for v in offer[1] if v not in DRIVER_CORE_WRITABLE))
        for name in DRIVER_CORE_COMMANDS & set(offer[4]):
            items["offered command " + name] = "offered"
        for name in DRIVER_CORE_WRITABLE & set(offer[1]):
            items["writable variable " + name] = "writable"
        for request, (status, written) in zip(requests, replies):
            items[" ".join(request.split()[:2])] = "status %s, wrote %s" % (status, written)
    return s_items, w_items


def run_all(stock, walnut, captures, pool):
    """Yields (kind, capture name, stock items, walnut items) for every capture stock serves."""
    results = pool.map(lambda c: (c, commands_one(stock, walnut, c)), captures)
    for capture, result in results:
        if result is not None:
            yield "commands", os.path.basename(capture)[:-4], result[0], result[1]
