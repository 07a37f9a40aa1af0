#!/usr/bin/env python3
"""Turns scripts/bench's raw result lines into docs/benchmarks/README.md and a PNG chart.

Each input line is `round=R server=S id=ID scenario=... key=value ...` (walnut-bench's output,
prefixed by the runner). Figures are medians over the rounds; a ratio is the median over the
rounds of the ratio within each round (the machine's speed drifts between rounds). The targets are issue 9's. Server "floor" is walnut-bench's
floor-server (one recv and one send per request): it runs the GET VAR scenarios only and shows
the most any server can do on the machine.
"""
import argparse
import os
import statistics
import subprocess
import sys
from collections import defaultdict

TEXT_KEYS = {"round", "server", "id", "scenario", "mode", "error"}
# figures[...][ROUNDS_OF + key]: the round each value of key came from (for paired ratios).
ROUNDS_OF = "@round:"


def read_results(path):
    """{(server, id): {key: [values...]}} and the list of error lines."""
    figures = defaultdict(lambda: defaultdict(list))
    errors = []
    order = []
    with open(path) as results:
        for line in results:
            words = dict(word.split("=", 1) for word in line.split() if "=" in word)
            if "server" not in words or "id" not in words:
                continue
            key = (words["server"], words["id"])
            if words["id"] not in order:
                order.append(words["id"])
            if "error" in words:
                errors.append(line.strip())
                continue
            numbers = {}
            for name, value in words.items():
                if name in TEXT_KEYS:
                    continue
                try:
                    numbers[name] = float(value)
                except ValueError:
                    pass
            # CPU time per request (µs), server and load generator: what bounds lock-step
            # throughput when both share 2 cores.
            rate = numbers.get("req_per_s")
            for cpu, derived in (("server_cpu_pct", "server_us_per_req"), ("bench_cpu_pct", "bench_us_per_req")):
                if rate and cpu in numbers:
                    numbers[derived] = round(numbers[cpu] * 1e4 / rate, 2)
            for name, value in numbers.items():
                figures[key][name].append(value)
                figures[key][ROUNDS_OF + name].append(int(words["round"]))
    return figures, errors, order


def median(figures, server, scenario, key):
    values = figures.get((server, scenario), {}).get(key)
    return statistics.median(values) if values else None


def paired_ratio(figures, server, reference, scenario, key):
    """The median over rounds of server/reference, each ratio taken within one round: the
    machine's speed drifts between rounds (other tenants), and a ratio of two medians taken
    in different rounds would mix that drift in."""
    def by_round(name):
        entry = figures.get((name, scenario), {})
        return dict(zip(entry.get(ROUNDS_OF + key, []), entry.get(key, [])))
    ours, theirs = by_round(server), by_round(reference)
    ratios = [ours[r] / theirs[r] for r in ours if r in theirs and theirs[r]]
    return statistics.median(ratios) if ratios else None


def fmt(value, digits=1):
    if value is None:
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}" if value != int(value) or digits > 1 else f"{value:.0f}"


def targets(figures):
    """(what, stock figure, walnut figure, target, met?) for each of issue 9's targets."""
    m = lambda server, scenario, key: median(figures, server, scenario, key)
    rows = []

    def row(what, scenario, key, target, check, digits=1):
        stock, walnut = m("stock", scenario, key), m("walnut", scenario, key)
        met = None if walnut is None or check is None else check(stock, walnut)
        rows.append((what, fmt(stock, digits), fmt(walnut, digits), target, met))

    def ratio(a, b):
        return None if a in (None, 0) or b is None else b / a

    paired = paired_ratio(figures, "walnut", "stock", "getvar-64", "req_per_s")
    paired_text = "—" if paired is None else f"{paired:.2f}x"
    row("GET VAR lock-step, 64 conns: req/s", "getvar-64", "req_per_s",
        f">= 1.5x stock (walnut / stock within each round, median: {paired_text})",
        lambda s, w: paired is not None and paired >= 1.5)
    rows.append(floor_row(figures))
    row("GET VAR lock-step, 64 conns: p99 µs", "getvar-64", "p99_us", "<= stock",
        lambda s, w: s is not None and w <= s)
    row("GET VAR, 8 busy + 5,000 idle: req/s", "getvar-8-idle5000", "req_per_s", ">= 5x stock",
        lambda s, w: s is not None and w >= 5 * s)
    own = m("walnut", "getvar-8", "req_per_s")
    row("GET VAR, 8 busy + 5,000 idle vs 8 busy alone", "getvar-8-idle5000", "req_per_s",
        f"within 20% of walnut's 8-conn figure ({fmt(own)})",
        lambda s, w: own is not None and w >= 0.8 * own)
    for mode in ("upsc", "persistent"):
        row(f"LIST VAR ({mode} client): median ms", f"listvar-{mode}", "median_ms", "< 1 ms",
            lambda s, w: w < 1.0, 2)
    row("Burst of 300 connects: connect p99 ms", "burst-300", "connect_p99_ms", "< 20 ms",
        lambda s, w: w < 20.0)
    row("Burst of 300 connects: first reply p99 ms", "burst-300", "served_p99_ms", "(no target)", None)
    row("Burst of 300 connects: served", "burst-300", "served", "all 300", lambda s, w: w >= 300)
    row("10,000 idle: served", "idle-10000", "served", "all 10,000", lambda s, w: w >= 10000)
    row("10,000 idle: fresh client ms", "idle-10000", "fresh_ms", "< 100 ms", lambda s, w: w < 100, 2)
    row("10,000 idle: RSS kB per connection", "idle-10000", "rss_per_conn_kb", "<= 1 kB",
        lambda s, w: w <= 1.0, 2)
    row("Slow reader: others' req/s meanwhile", "slow-reader", "others_req_per_s", "> 0 (served)",
        lambda s, w: w > 0)
    row("Slow reader: server CPU % while stalled", "slow-reader", "server_cpu_pct", "idle (< 5%)",
        lambda s, w: w < 5)
    row("EMFILE: server CPU % at the limit", "emfile", "server_cpu_pct", "idle (< 5%)",
        lambda s, w: w < 5)
    row("EMFILE: existing client req/s", "emfile", "existing_req_per_s", "> 0 (served)",
        lambda s, w: w > 0)
    row("Driver idle CPU % (stock: dummy-ups; walnut: usbhid-ups on the sim)", "driver-idle-cpu",
        "cpu_pct", "< 0.1%", lambda s, w: w < 0.1, 3)
    row("Sim mains off → GET VAR shows it: median ms (walnut driver, through each upsd)",
        "status-mains", "median_ms", "< 10 ms", lambda s, w: w < 10, 2)
    row("Mains-off interrupt → driver socket broadcasts it: p90 ms (stock: over fakeusb)",
        "status-driver", "p90_ms", "< 10 ms", lambda s, w: w < 10, 3)
    row("Sim mains back on → GET VAR shows it: median ms", "status-mains", "back_median_ms",
        "(no target)", None, 2)
    row("Sim unplugged → GET VAR says DATA-STALE: median ms", "status-unplug", "median_ms",
        "(no target)", None, 2)
    row("Sim replugged → GET VAR has data again: median ms", "status-unplug", "back_median_ms",
        "(no target)", None, 2)
    return rows


def floor_row(figures):
    """The loopback floor at 64 connections: not a target, the ceiling the targets sit under.
    Its stock and walnut cells say how close each server comes to it."""
    what = "GET VAR lock-step, 64 conns: loopback floor (recv + send only)"
    floor = median(figures, "floor", "getvar-64", "req_per_s")
    if floor is None:
        return (what, "—", "—", "ceiling for any server: not measured", "not measured")
    stock = median(figures, "stock", "getvar-64", "req_per_s")
    walnut = median(figures, "walnut", "getvar-64", "req_per_s")
    def share(server):
        paired = paired_ratio(figures, server, "floor", "getvar-64", "req_per_s")
        return "—" if paired is None else f"{paired:.2f}x floor"
    ceiling = paired_ratio(figures, "floor", "stock", "getvar-64", "req_per_s")
    ceiling = f"{ceiling:.2f}x stock (per round, median)" if ceiling else "stock not measured"
    return (what, share("stock"), share("walnut"),
            f"floor {fmt(floor)} req/s; ceiling for any server: {ceiling}", "—")


def paired_text(figures, server, scenario, key):
    value = paired_ratio(figures, server, "stock", scenario, key)
    return "—" if value is None else f"{value:.2f}x"


def detail_table(figures, order):
    lines = ["| scenario | figure | stock | walnut | walnut / stock | floor | floor / stock |",
             "|---|---|---|---|---|---|---|"]
    for scenario in order:
        keys = []
        for server in ("stock", "walnut", "floor"):
            for key in figures.get((server, scenario), {}):
                if key not in keys:
                    keys.append(key)
        for key in keys:
            if key.startswith(ROUNDS_OF):
                continue
            stock = median(figures, "stock", scenario, key)
            walnut = median(figures, "walnut", scenario, key)
            floor = median(figures, "floor", scenario, key)
            lines.append(f"| {scenario} | {key} | {fmt(stock, 3)} | {fmt(walnut, 3)} | "
                         f"{paired_text(figures, 'walnut', scenario, key)} | {fmt(floor, 3)} | "
                         f"{paired_text(figures, 'floor', scenario, key)} |")
    return lines


def write_chart(figures, out):
    """Two panels: GET VAR throughput, and latencies (log scale). Needs gnuplot."""
    throughput = ["getvar-8", "getvar-64", "getvar-256", "getvar-8-idle1000", "getvar-8-idle5000"]
    latency = [("listvar-upsc", "median_ms", "LIST VAR upsc"),
               ("listvar-persistent", "median_ms", "LIST VAR persistent"),
               ("burst-300", "connect_p99_ms", "burst 300: connect p99"),
               ("burst-300", "served_p99_ms", "burst 300: answered p99"),
               ("idle-10000", "fresh_ms", "fresh client, 10k idle"),
               ("status-mains", "median_ms", "sim mains off -> GET VAR"),
               ("status-unplug", "median_ms", "sim unplugged -> stale")]
    data = os.path.join(out, "chart.dat")
    with open(data, "w") as chart:
        chart.write("# label stock walnut floor\n")
        for scenario in throughput:
            values = [median(figures, s, scenario, "req_per_s") for s in ("stock", "walnut", "floor")]
            chart.write(f'"{scenario}" {" ".join("0" if v is None else str(v) for v in values)}\n')
        chart.write("\n\n")
        for scenario, key, label in latency:
            values = [median(figures, s, scenario, key) for s in ("stock", "walnut")]
            chart.write(f'"{label}" {" ".join("NaN" if v is None else str(max(v, 0.001)) for v in values)}\n')
    have_walnut = any(server == "walnut" for server, _ in figures)
    have_floor = any(server == "floor" for server, _ in figures)

    def plot(index):
        # gnuplot refuses a series without a single valid point: leave walnut out if absent.
        command = f'plot "{data}" index {index} using 2:xtic(1) title "stock upsd 2.8.0" lc rgb "#9e9e9e"'
        if have_walnut:
            command += f', "" index {index} using 3 title "walnut upsd" lc rgb "#2e7d32"'
        if have_floor and index == 0:
            command += f', "" index {index} using 4 title "loopback floor" lc rgb "#1565c0"'
        return command

    script = f"""
set terminal pngcairo size 1200,520 font ",10" noenhanced
set output "{os.path.join(out, 'benchmarks.png')}"
set multiplot layout 1,2
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key top right
set grid ytics
set xtics rotate by -25
set title "GET VAR lock-step (req/s, higher is better)"
set yrange [0:*]
{plot(0)}
set title "Latency (ms, log scale, lower is better)"
set logscale y
set yrange [0.01:*]
{plot(1)}
unset multiplot
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"report: no chart ({error}); install gnuplot-nox", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", required=True)
    parser.add_argument("--meta", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    figures, errors, order = read_results(args.results)
    meta = dict(line.rstrip("\n").split(": ", 1) for line in open(args.meta) if ": " in line)
    have_walnut = any(server == "walnut" for server, _ in figures)

    lines = ["# Benchmarks: walnut upsd vs stock NUT 2.8.0 upsd", ""]
    lines += [f"- Machine: {meta.get('machine', '?')}",
              f"- Run: {meta.get('date', '?')}, commit {meta.get('commit', '?')}, "
              f"{meta.get('rounds', '?')} rounds (A/B alternating, medians), {meta.get('elapsed_s', '?')} s; "
              f"load average before/after: {meta.get('load_before', '?')} / {meta.get('load_after', '?')}",
              f"- Stock: {meta.get('stock', '?')} with stock dummy-ups; walnut: {meta.get('walnut', '?')}; "
              f"floor: {meta.get('floor', 'not run')}",
              f"- Command: `{meta.get('command', 'scripts/bench')}`; {meta.get('other_jobs', '?')}",
              "- Reproduce (as root, Debian 12): `scripts/setup && scripts/bench` "
              "(raw lines: `raw-results.txt`; method, scenarios and how to read them: `README.md`)", ""]
    if not have_walnut:
        lines += ["**walnut's upsd was not built for this run: only stock's figures are shown.**", ""]
    lines += ["## Issue 9 targets", "", "| target | stock | walnut | goal | met |", "|---|---|---|---|---|"]
    for what, stock, walnut, goal, met in targets(figures):
        if isinstance(met, str):
            verdict = met
        elif met is None:
            verdict = "—" if "no target" in goal or walnut != "—" else "not measured"
        else:
            verdict = "yes" if met else "**no**"
        lines.append(f"| {what} | {stock} | {walnut} | {goal} | {verdict} |")
    lines += ["", "![chart](benchmarks.png)", "", "## Every figure (medians)", ""]
    lines += detail_table(figures, order)
    if errors:
        lines += ["", "## Failed runs", ""] + [f"- `{error}`" for error in errors]
    with open(os.path.join(args.out, "results.md"), "w") as readme:
        readme.write("\n".join(lines) + "\n")
    write_chart(figures, args.out)


if __name__ == "__main__":
    main()
