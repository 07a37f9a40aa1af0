#!/usr/bin/env python3
"""Differential parity suite: stock NUT 2.8.0 usbhid-ups (through stockhid/fakeusb.c) vs walnut's
usbhid-ups, over every capture of the HID corpus and several report sets (issue 12).

  parity_test.py WALNUT_USBHID_UPS CORPUS_DIR [--jobs N] [--only GLOB] [--sets captured,zero,seed1,...]

Compares (1) fields: stock's Path: dump (explore subdriver, -DDDDD) vs walnut's `-x explore -d 1`;
(2) variables: both drivers' `-d 1` dumps; (3) commands and writes (APC captures): every INSTCMD and
every writable variable stock offers, sent to both through the driver socket, SET_REPORTs compared;
(4) events: a scripted interrupt sequence, the ups.status sequences compared. Differences listed in
known-differences.md are allowed; any other fails. Exit 77 (skip) when stock NUT or gcc is missing.
"""
import argparse
import concurrent.futures
import fnmatch
import glob
import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ left in the source tree by CTest runs
import drivers  # noqa: E402
import events  # noqa: E402
import known_differences  # noqa: E402
import socket_checks  # noqa: E402

# Self-descriptions: which program, which build, which USB library, which port string it was given.
SELF_DESCRIPTIONS = {"driver.version", "driver.version.internal", "driver.version.usb", "driver.parameter.port"}
REPORT_SETS = {"captured": (None, None), "zero": ("zero", None), "seed1": ("pattern", 1),
               "seed2": ("pattern", 2), "seed3": ("pattern", 3)}


def field_key(line):
    return line.split(", Offset:")[0]


def first_per_field(lines):
    """Each field's first reading: stock's debug log prints a field again when an update (or an
    interrupt report) changes it; walnut's explore prints the reading before any update."""
    fields = {}
    for line in lines:
        fields.setdefault(field_key(line), line)
    return fields


def difference_item(key, stock, walnut):
    """The name a difference is listed under: a status differing only by walnut's extra ALARM flag
    is its own item (KEY (ALARM only)), so listing it cannot hide any other status difference;
    likewise one differing only by an RB stock lacks (KEY (RB only), KEY (ALARM, RB only)):
    NUT 2.8.5 raises RB for a missing battery, 2.8.0 did not. A SET or INSTCMD stock 2.8.0
    answered by writing -1 (every payload byte 0xff) where walnut answers CONVERSION-FAILED (status
    4) and writes nothing is KEY (2.8.0 wrote -1): 2.8.5's hu_find_valinfo refuses a text no
    lookup entry has."""
    if walnut == "status 4, wrote []" and re.fullmatch(
            r"status 0, wrote \['SET_REPORT 0x([0-9a-f]{2}): \1( ff)+'\]", stock):
        return key + " (2.8.0 wrote -1)"
    s, w = stock.split(), walnut.split()
    if w == ["ALARM"] + s:
        return key + " (ALARM only)"
    if "RB" in w and "RB" not in s:
        rest = [t for t in w if t != "RB"]
        if rest == s:
            return key + " (RB only)"
        if rest == ["ALARM"] + s:
            return key + " (ALARM, RB only)"
    return key


def compare_maps(kind, stock, walnut, capture, report_set, known, failures):
    """Returns [equal, documented, total] over the union of items; a difference not listed in
    known-differences.md is a failure."""
    counts = [0, 0, 0]
    for key in sorted(set(stock) | set(walnut)):
        s, w = stock.get(key, "<absent>"), walnut.get(key, "<absent>")
        counts[2] += 1
        if s == w:
            counts[0] += 1
        elif known.covers(kind, capture, report_set, difference_item(key, s, w)):
            counts[1] += 1
        else:
            failures.append("%s %s/%s %s: stock %r, walnut %r" % (kind, capture, report_set, key, s, w))
    return counts


def one_report_set(stock, walnut, capture, report_set, workdir):
    """Runs both drivers over CAPTURE served as REPORT_SET; returns (fields, variables) as maps."""
    fill, seed = REPORT_SETS[report_set]
    vid = drivers.header_value(capture, "vendorid") or "0000"
    explore = ("explore", "vendorid=" + vid)
    s_explore = stock.dump(capture, fill, seed, explore)
    s_normal = stock.dump(capture, fill, seed)
    served = capture
    if fill:
        reports = dict(s_explore.reports)
        reports.update(s_normal.reports)
        served = drivers.capture_with_reports(
            capture, reports, os.path.join(workdir, "%s.%s.txt" % (os.path.basename(capture), report_set)))
    w_explore = walnut.dump(served, explore)
    w_normal = walnut.dump(served)
    s_fields = first_per_field(drivers.path_lines(s_explore.stderr))
    w_fields = first_per_field(drivers.path_lines(w_explore.stdout))
    if "No matching HID UPS found" in s_normal.stderr:
        # No NUT subdriver claims the device: both must refuse it (walnut too exits without variables).
        s_vars = {"<device refused>": "yes"}
        w_vars = {"<device refused>": "yes" if w_normal.returncode != 0 and
                  not drivers.variables(w_normal.stdout) else "no"}
    else:
        s_vars = {k: v for k, v in drivers.variables(s_normal.stdout).items() if k not in SELF_DESCRIPTIONS}
        w_vars = {k: v for k, v in drivers.variables(w_normal.stdout).items() if k not in SELF_DESCRIPTIONS}
    if not s_fields or not s_vars:
        raise RuntimeError("stock driver read nothing from %s/%s:\n%s" % (capture, report_set, s_normal.stderr[-2000:]))
    return s_fields, w_fields, s_vars, w_vars


def add(total, counts):
    for i, n in enumerate(counts):
        total[i] += n


KINDS = ("fields", "variables", "commands", "events")


def family(capture):
    """A capture's family: its file name up to the first '-' (apc, cyberpower, eaton, powercom...)."""
    return os.path.basename(capture).split("-")[0]


def tally(totals, families, kind, capture, counts):
    """Adds COUNTS to the overall and to CAPTURE's family totals of KIND."""
    add(totals[kind], counts)
    add(families.setdefault(family(capture), {k: [0, 0, 0] for k in KINDS})[kind], counts)


def corpus_captures(corpus, only):
    names = sorted(glob.glob(os.path.join(corpus, "*.txt")))
    # The corpus's derived readings (NAME.pattern-seedN.txt, *.commands.txt) are outputs, not devices.
    names = [n for n in names if not re.search(r"\.(pattern-seed\d+|commands)\.txt$", n)]
    return [n for n in names if fnmatch.fnmatch(os.path.basename(n), only)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("walnut")
    ap.add_argument("corpus")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default="*")
    ap.add_argument("--sets", default=",".join(REPORT_SETS))
    ap.add_argument("--known", default=os.path.join(drivers.HERE, "known-differences.md"))
    a = ap.parse_args()
    missing = [p for p in (drivers.STOCK_DRIVER,) if not os.path.exists(p)] + \
        [t for t in ("gcc",) if not shutil.which(t)]
    if missing or not os.path.exists("/usr/include/libusb-1.0/libusb.h"):
        print("SKIP: parity needs stock NUT (apt nut-server), gcc and libusb-1.0-0-dev: missing %s" %
              (missing or ["libusb-1.0-0-dev"]))
        return 77
    known = known_differences.KnownDifferences(a.known)
    captures = corpus_captures(a.corpus, a.only)
    sets = a.sets.split(",")
    workdir = tempfile.mkdtemp(prefix="parity-")
    failures, totals, families = [], {k: [0, 0, 0] for k in KINDS}, {}
    try:
        stock = drivers.Stock(drivers.build_fakeusb(workdir))
        walnut = drivers.Walnut(a.walnut)
        jobs = [(c, s) for c in captures for s in sets]
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
            results = pool.map(lambda job: (job, one_report_set(stock, walnut, job[0], job[1], workdir)), jobs)
            for (capture, report_set), (sf, wf, sv, wv) in results:
                name = os.path.basename(capture)[:-4]
                for kind, s, w in (("fields", sf, wf), ("variables", sv, wv)):
                    tally(totals, families, kind, name, compare_maps(kind, s, w, name, report_set, known, failures))
            # Commands and events: every APC capture (issue 12) and the other devices too; a device
            # stock refuses (no subdriver) has nothing to command, one without status fields no events.
            apc = [c for c in captures if drivers.header_value(c, "vendorid") == "051d"]
            for kind, name, s_items, w_items in socket_checks.run_all(stock, walnut, captures, pool):
                tally(totals, families, kind, name, compare_maps(kind, s_items, w_items, name, "captured", known, failures))
            scripted = pool.map(lambda c: (c, events.events_one(stock, walnut, c, workdir)), captures)
            for capture, result in scripted:
                if result is None and capture not in apc:
                    continue
                if result is None:
                    failures.append("events %s: no ACPresent Input field to script" % capture)
                    continue
                tally(totals, families, "events", capture, compare_maps(
                    "events", result[0], result[1], os.path.basename(capture)[:-4], "captured", known, failures))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for f in failures:
        print("DIFF " + f)
    for row in known.unused():
        print("note: known difference matched nothing: %s %s %s %s" % (row["kind"], row["capture"], row["set"], row["item"]))
    for name, t in sorted(families.items()):
        print("parity[%s]: %s" % (name, ", ".join("%s %d/%d" % (kind, t[kind][0], t[kind][2]) for kind in KINDS)))
    print("parity: %d captures x %d report sets compared; %s" % (len(captures), len(sets), "; ".join(
        "%s %d/%d equal (%d documented differences)" % (kind, t[0], t[2], t[1]) for kind, t in totals.items())))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
