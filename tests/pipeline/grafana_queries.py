"""The Grafana dashboard config/grafana/walnut-ups.json, read as Grafana reads it: its panels'
PromQL with the template variables and the built-in interval variables expanded the way
Grafana's Prometheus data source expands them, so the queries can be run against a real
Prometheus (the pipeline test does).

usage: grafana_queries.py --check DASHBOARD   # structure only, no Prometheus needed
"""
import json
import math
import re
import sys

# Grafana's variable syntaxes: $var, [[var]], [[var:fmt]], ${var}, ${var:fmt} (its
# variableRegex, public/app/features/variables/utils.ts).
VARIABLE = re.compile(r"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}")

# What the dashboard must show (issue 20), as words in panel titles.
REQUIRED_PANELS = ["charge", "runtime", "load", "voltage", "status", "alerts"]


def load(path):
    with open(path) as f:
        return json.load(f)


def panels(dashboard):
    """Every panel, those inside collapsed rows included."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def queries(dashboard):
    """(panel title, refId, expr, instant) for every Prometheus target of every panel."""
    for panel in panels(dashboard):
        for target in panel.get("targets", []):
            if target.get("hide"):
                continue
            yield panel["title"], target.get("refId", "A"), target["expr"], bool(target.get("instant"))


def template_variable(dashboard, name):
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable["name"] == name:
            return variable
    return None


def duration(seconds):
    return f"{int(seconds)}s"


def builtins(range_seconds, scrape_interval, max_data_points=1000):
    """Grafana's interval variables for a time range: $__interval is the range over the
    panel's data points, never below the data source's scrape interval; $__rate_interval is
    max($__interval + scrape interval, 4 x scrape interval)."""
    interval = max(math.ceil(range_seconds / max_data_points), scrape_interval)
    rate_interval = max(interval + scrape_interval, 4 * scrape_interval)
    return {
        "__interval": duration(interval),
        "__interval_ms": str(interval * 1000),
        "__rate_interval": duration(rate_interval),
        "__range": duration(range_seconds),
        "__range_s": str(int(range_seconds)),
        "__range_ms": str(int(range_seconds * 1000)),
    }, interval


def regex_escape(value):
    """Grafana's prometheusSpecialRegexEscape, for values of multi-value variables."""
    return re.sub(r"([\\^$*+?.()|{}\[\]])", r"\\\\\1", value)


def format_value(variable, selected):
    """What a variable becomes in a Prometheus query: "All" gives allValue when set; several
    values become (a|b) with regex-escaped values; a single value is used as it is."""
    if selected == "$__all":
        if variable.get("allValue"):
            return variable["allValue"]
        selected = variable["options_all"]
    if isinstance(selected, list):
        escaped = [regex_escape(v) for v in selected]
        return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"
    return selected


def expand(expr, dashboard, selection, interval_variables):
    """Expands every variable of `expr`; `selection` maps template variable names to a value,
    a list of values, or "$__all". Raises KeyError for a variable the dashboard lacks."""
    def replace(match):
        name = match.group(1) or match.group(2) or match.group(4)
        if name in interval_variables:
            return interval_variables[name]
        variable = template_variable(dashboard, name)
        if variable is None or name not in selection:
            raise KeyError(f"unknown variable ${name} in {expr!r}")
        return format_value(variable, selection[name])
    return VARIABLE.sub(replace, expr)


def check(dashboard):
    """Structural problems of the dashboard, as a list of strings."""
    problems = []
    titles = [panel["title"].lower() for panel in panels(dashboard)]
    for word in REQUIRED_PANELS:
        if not any(word in title for title in titles):
            problems.append(f"no panel about {word}")
    ups = template_variable(dashboard, "ups")
    if ups is None or ups.get("type") != "query":
        problems.append("no query template variable 'ups'")
    elif "ups" not in json.dumps(ups.get("query")):
        problems.append("the 'ups' variable does not list ups label values")
    found = list(queries(dashboard))
    if not found:
        problems.append("no queries")
    variables, _ = builtins(3600, 15)
    selection = {"ups": ["a.b", "c"]}
    for title, ref, expr, _ in found:
        try:
            expanded = expand(expr, dashboard, selection, variables)
        except KeyError as error:
            problems.append(f"{title}/{ref}: {error}")
            continue
        if "$" in expanded or "[[" in expanded:
            problems.append(f"{title}/{ref}: not fully expanded: {expanded}")
        if "ups=~" in expr and "(a\\\\.b|c)" not in expanded:
            problems.append(f"{title}/{ref}: multi-value ups not expanded as a regex: {expanded}")
    return problems


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--check":
        sys.exit(__doc__)
    problems = check(load(sys.argv[2]))
    for problem in problems:
        print("FAIL:", problem)
    if not problems:
        print(f"PASS: {len(list(queries(load(sys.argv[2]))))} queries")
    sys.exit(1 if problems else 0)
