#!/usr/bin/env python3
"""Transfers per minute and value ages from device-lab timelines (scripts/bench-transfers).

A timeline (devicelab-run, WALNUT_DEVICELAB_TIMELINE) lists every transfer the emulated UPS
answered: "MS g ID" a GET_REPORT of report ID, "MS i ID" an interrupt report handed over,
"MS l 0" / "MS e 0" an interrupt-IN transfer started / stopped waiting, "MS c ID" any other
control transfer; its first line names the report IDs with Input items.

The age of a report at instant t is t minus the last instant the driver had the device's word
on it: a GET_REPORT answer, the report on the interrupt pipe, or, for a report with Input items
(which the UPS sends on its interrupt pipe when it changes), an interrupt-IN transfer waiting at
that instant (what the device did not send had not changed). A variable's age is that of the
report its mapping row reads (the first row whose path the capture has, as the driver chooses);
ups.status is shown once per report its status rows read ("ups.status@0x16"). Rows read only at start-up (static,
semi-static) are left out: neither driver reads them again.
"""
import argparse
import bisect
import re
import sys

import yaml


def feature_reports(capture):
    """Feature path -> report ID, from the capture's `paths:` section."""
    paths = {}
    for line in open(capture, encoding="utf-8"):
        m = re.match(r"Path: ([^,]+), Type: Feature, ReportID: 0x([0-9a-fA-F]+),", line)
        if m:
            paths.setdefault(m.group(1), int(m.group(2), 16))
    return paths


def variables(mapping, paths):
    """NUT variable -> set of report IDs it is read from (ups.status: all its status rows)."""
    table = yaml.safe_load(open(mapping, encoding="utf-8"))["table"]
    chosen = {}
    for row in table:
        path = row.get("path")
        if path not in paths:
            continue
        hid = row.get("hid") or []
        if any(flag in hid for flag in ("static", "semi_static", "absent", "command")):
            if "var" in row:
                chosen.setdefault(row["var"], None)  # taken by a row we do not compare
            continue
        if "status" in row:
            # One line per report feeding ups.status: the quick-poll bits and the full-walk
            # ones age differently.
            chosen.setdefault(f"ups.status@0x{paths[path]:02x}", {paths[path]})
        elif "var" in row and row["var"] not in chosen:
            chosen[row["var"]] = {paths[path]}
    return {name: ids for name, ids in chosen.items() if ids}


class Timeline:
    def __init__(self, path):
        self.inputs = set()
        self.control = []        # ms of every control transfer
        self.word = {}           # report ID -> sorted ms of GET answers and interrupt reports
        self.listen = []         # (start, end) ms of interrupt-IN waits
        start = None
        last = 0.0
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("input-reports:"):
                    self.inputs = {int(x) for x in line.split()[1:]}
                    continue
                ms, kind, rid = line.split()
                ms, rid = float(ms), int(rid)
                last = ms
                if kind in "gc":
                    self.control.append(ms)
                if kind in "gi":
                    self.word.setdefault(rid, []).append(ms)
                if kind == "l":
                    start = ms
                elif kind == "e" and start is not None:
                    self.listen.append((start, ms))
                    start = None
        if start is not None:
            self.listen.append((start, last))
        self.listen_ends = [end for _, end in self.listen]

    def age(self, rid, t):
        times = self.word.get(rid, [])
        i = bisect.bisect_right(times, t)
        last = times[i - 1] if i else float("-inf")
        if rid in self.inputs and self.listen:
            j = bisect.bisect_left(self.listen_ends, t)
            if j < len(self.listen) and self.listen[j][0] <= t:
                return 0.0  # listening now
            if j:
                last = max(last, self.listen_ends[j - 1])
        return t - last

    def per_minute(self, t0, t1):
        n = bisect.bisect_right(self.control, t1) - bisect.bisect_left(self.control, t0)
        return n * 60000.0 / (t1 - t0)


def p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(0.95 * len(values)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--capture", required=True)
    parser.add_argument("--mapping", required=True)
    parser.add_argument("--skip", type=float, default=30)
    parser.add_argument("--seconds", type=float, default=95)
    parser.add_argument("--pair", nargs=3, action="append", metavar=("NAME", "STOCK", "WALNUT"),
                        required=True)
    args = parser.parse_args()
    t0 = args.skip * 1000
    # Whole pollfreq cycles (30 s): both drivers' full walks weigh the same in the window.
    t1 = t0 + 30000 * max(1, int((args.seconds - args.skip - 2) // 30))
    names = variables(args.mapping, feature_reports(args.capture))
    samples = [t0 + k * 1.0 for k in range(int(t1 - t0))]
    verdict = 0
    print(f"window: {t0 / 1000:.0f}-{t1 / 1000:.0f} s after plug-in (steady state), ages sampled every millisecond")
    for name, stock_path, walnut_path in args.pair:
        stock, walnut = Timeline(stock_path), Timeline(walnut_path)
        s_rate, w_rate = stock.per_minute(t0, t1), walnut.per_minute(t0, t1)
        print(f"\n## {name}: control transfers per minute: stock {s_rate:.0f}, walnut {w_rate:.0f},"
              f" ratio {w_rate / s_rate:.2f}")
        print("| variable | reports | stock p95 age s | walnut p95 age s | walnut/stock |")
        print("|---|---|---|---|---|")
        worse = []
        for var in sorted(names):
            ids = names[var]
            ages = {}
            for label, tl in (("stock", stock), ("walnut", walnut)):
                ages[label] = p95([max(tl.age(r, t) for r in ids) for t in samples]) / 1000
            ratio = ages["walnut"] / ages["stock"] if ages["stock"] > 0 else float("nan")
            # 1 ms: the sampling step.
            if ages["walnut"] > ages["stock"] + 0.001:
                worse.append(var)
            print(f"| {var} | {' '.join(f'0x{r:02x}' for r in sorted(ids))} | {ages['stock']:.3f} |"
                  f" {ages['walnut']:.3f} | {ratio:.2f} |")
        print(f"{name}: {len(names) - len(worse)}/{len(names)} variables as fresh or fresher under walnut"
              + (f"; older: {', '.join(worse)}" if worse else ""))
        verdict += len(worse)
    return 0


if __name__ == "__main__":
    sys.exit(main())
