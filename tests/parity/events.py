"""The events comparison: a scripted sequence of interrupt reports (mains lost, charge falling through
the low limit, mains back, replace battery) fed to both drivers, ups.status compared after each.

The reports are built from the device's own Input fields (stock NUT's Path: dump: report ID, bit
offset, size), starting from the bytes the device reported. Both drivers consume one interrupt
report per update and `-d K` dumps after K updates (NUT's main loop; walnut's dump() does the
same), so the status after the K-th report is read from a `-d K` run: no timing involved.
"""
import os
import re

import drivers

PATH = re.compile(r"^Path: (\S+), Type: (\w+), ReportID: 0x([0-9a-f]+), Offset: (\d+), Size: (\d+)")

# Each step sets fields (by the last usage of their path) in every Input report that has them.
SCRIPT = [
    ("on line, charged", {"ACPresent": 1, "Charging": 0, "Discharging": 0, "BelowRemainingCapacityLimit": 0,
                          "NeedReplacement": 0, "ShutdownImminent": 0, "RemainingCapacity": 100}),
    ("mains lost", {"ACPresent": 0, "Discharging": 1}),
    ("charge falling", {"RemainingCapacity": 50}),
    ("charge below the low limit", {"RemainingCapacity": 5}),
    ("low battery flag", {"BelowRemainingCapacityLimit": 1}),
    ("mains back", {"ACPresent": 1, "Discharging": 0, "Charging": 1, "BelowRemainingCapacityLimit": 0}),
    ("charge rising", {"RemainingCapacity": 60}),
    ("replace battery", {"NeedReplacement": 1, "Charging": 0}),
]


def input_fields(path_lines):
    fields = []
    for line in path_lines:
        m = PATH.match(line)
        if m and m.group(2) == "Input":
            fields.append((m.group(1).rsplit(".", 1)[-1], int(m.group(3), 16), int(m.group(4)), int(m.group(5))))
    return fields


def put(report, offset, size, value):
    for bit in range(size):
        byte, mask = 1 + (offset + bit) // 8, 1 << ((offset + bit) % 8)
        if (value >> bit) & 1:
            report[byte] |= mask
        else:
            report[byte] &= ~mask & 0xFF


def interrupt_script(path_lines, readings):
    """The interrupt reports (hex lines) of SCRIPT for this device; [] when it has no status fields."""
    fields = input_fields(path_lines)
    if not any(name == "ACPresent" for name, *_ in fields):
        return []
    reports = {}
    for name, rid, offset, size in fields:
        need = 1 + (offset + size + 7) // 8
        base = bytes.fromhex(readings.get(rid, "").replace(" ", "")) or bytes([rid])
        current = reports.setdefault(rid, bytearray(base))
        if len(current) < need:
            current.extend(bytes(need - len(current)))
    lines = []
    for _, values in SCRIPT:
        changed = []
        for name, rid, offset, size in fields:
            if name in values:
                before = bytes(reports[rid])
                put(reports[rid], offset, size, values[name])
                if bytes(reports[rid]) != before and rid not in changed:
                    changed.append(rid)
        lines += [" ".join("%02x" % b for b in reports[rid]) for rid in changed]
    return lines


def capture_with_interrupts(capture, lines, out_path):
    kept, skip = [], False
    for line in open(capture):
        m = drivers.SECTION.match(line)
        if m:
            skip = m.group(1) in ("interrupts", "paths", "upsc")
        if not skip:
            kept.append(line.rstrip("\n"))
    with open(out_path, "w") as f:
        f.write("\n".join(kept + ["interrupts:"] + lines) + "\n")
    return out_path


def status_after(result):
    return drivers.variables(result.stdout).get("ups.status", "<none>")


def events_one(stock, walnut, capture, workdir):
    """Returns ({step: status}, {step: status}) for stock and walnut, or None (no status fields)."""
    vid = drivers.header_value(capture, "vendorid") or "0000"
    explore = stock.dump(capture, None, None, ("explore", "vendorid=" + vid))
    normal = stock.dump(capture, None, None)
    lines = interrupt_script(drivers.path_lines(explore.stderr), {**explore.reports, **normal.reports})
    if not lines:
        return None
    scripted = capture_with_interrupts(capture, lines,
                                       os.path.join(workdir, os.path.basename(capture) + ".events.txt"))
    s_items, w_items = {}, {}
    for k in range(1, len(lines) + 1):
        item = "after interrupt %d (%s)" % (k, lines[k - 1][:2])
        s_items[item] = status_after(stock.dump(scripted, None, None, updates=k))
        w_items[item] = status_after(walnut.dump(scripted, updates=k))
    return s_items, w_items
