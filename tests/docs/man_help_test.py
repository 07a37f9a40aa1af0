#!/usr/bin/env python3
"""A program's -h output and its man page (docs/man/NAME.SECTION.scd) must agree.

usage: man_help_test.py PROGRAM MAN_PAGE.scd

- `PROGRAM -h` (and `--help` when the man page lists it) prints the usage on stdout, exit 0;
- every option the help names (-x, --long) is an item of the man page's OPTIONS section, and
  every item of that section is named by the help: the help is read, not a list kept here, so
  an option added to the program without its man page (or the reverse) fails this test;
- usbhid-ups: every walnut setting of the help's -x table (its description starts with
  "walnut") is an item of the man page's SETTINGS; NUT's own settings may be left to -h,
  docs/usbhid-ups.md and NUT's ups.conf(5);
- walnut-sim: every command of the help is an item of the man page's COMMANDS section.
"""
import re
import sys
from pathlib import Path

from help_text import OPTION, driver_settings, run_help, sim_commands


def sections(scd_text):
    """{HEADING: [lines]} of an scdoc page's `# HEADING` sections."""
    found, current = {}, None
    for line in scd_text.splitlines():
        if line.startswith("# "):
            current = line[2:].strip()
            found[current] = []
        elif current is not None:
            found[current].append(line)
    return found


def items(lines):
    """The text of each item line (one starting with '*', not indented), markup removed."""
    return [line.replace("*", "") for line in lines if line.startswith("*")]


def checked_help(program, flag, problems):
    status, stdout, stderr = run_help(program, flag)
    if status != 0:
        problems.append(f"{flag}: exit status {status} (want 0); stderr: {stderr.strip()}")
    if not stdout.strip():
        problems.append(f"{flag}: nothing on stdout")
    return stdout


def main():
    program, page = sys.argv[1], Path(sys.argv[2])
    name = Path(program).name
    text = page.read_text()
    problems = []
    if not text.startswith(f"{name}("):
        problems.append(f"{page.name} is not the page of {name}")
    parts = sections(text)
    if "OPTIONS" not in parts:
        print(f"FAIL: {page.name} has no OPTIONS section")
        return 1

    help_text = checked_help(program, "-h", problems)
    man_options = set()
    for line in items(parts["OPTIONS"]):
        man_options.update(OPTION.findall(line))
    if "--help" in man_options:
        checked_help(program, "--help", problems)
    help_options = set(OPTION.findall(help_text))

    for option in sorted(help_options - man_options):
        problems.append(f"{option} is in `{name} -h` but not in {page.name}'s OPTIONS")
    for option in sorted(man_options - help_options):
        problems.append(f"{option} is in {page.name}'s OPTIONS but not in `{name} -h`")

    if name == "usbhid-ups":
        settings = driver_settings(help_text)
        if not settings:
            problems.append("no -x settings found in the help's table")
        man_settings = "\n".join(items(parts.get("SETTINGS", [])))
        for setting, description in settings.items():
            if not description.startswith("walnut"):
                continue
            if not re.search(rf"(?<![\w.]){re.escape(setting)}(?![\w])", man_settings):
                problems.append(f"setting {setting} is in `{name} -h` but not in {page.name}'s SETTINGS")
    if name == "walnut-sim":
        commands = sim_commands(help_text)
        if not commands:
            problems.append("no commands found after `Commands:` in the help")
        man_commands = "\n".join(items(parts.get("COMMANDS", [])))
        for command in commands:
            if not re.search(rf"\b{command}\b", man_commands):
                problems.append(f"command {command} is in `{name} -h` but not in {page.name}'s COMMANDS")

    for problem in problems:
        print(f"FAIL: {problem}")
    if problems:
        return 1
    print(f"ok: {name} -h and {page.name} agree on {len(help_options)} options")
    return 0


if __name__ == "__main__":
    sys.exit(main())
