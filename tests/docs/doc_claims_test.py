#!/usr/bin/env python3
"""What docs/*.md, docs/man/*.scd and README.md name must exist in the code (issue 20).

usage: doc_claims_test.py SOURCE_DIR BIN_DIR

A class of contradictions checked mechanically, the rest being a review's job:
- every repository path the docs name (`drivers/usbhid/sim/`, `config/scenarios/*.yaml`,
  [links](...)) exists (NUT's own files they cite, `*.c` and `docs/*.txt`, excepted);
- every command line the docs show for walnut's programs (upsd, usbhid-ups, walnut-textfile,
  walnut-sim, walnut-udev-rules) uses only options that program's -h output lists, and for
  usbhid-ups only -x settings its -h table (or NUT's main.c) accepts; walnut-sim only its
  commands;
- every upsd.conf directive a docs table or a line about upsd.conf names is one the upsd.conf
  reader (common/config/upsd_conf.cpp) knows;
- every setting of docs/usbhid-ups.md's settings table is one the driver accepts.
"""
import glob
import re
import sys
from pathlib import Path

from help_text import driver_settings, options, run_help, sim_commands

PROGRAMS = ["usbhid-ups", "upsd", "walnut-textfile", "walnut-sim", "walnut-udev-rules"]
# NUT's drivers/main.c keys, which usbhid-ups's -h table does not list (driver_options.cpp).
MAIN_KEYS = {"port", "user", "group", "sddelay", "synchronous", "sdorder", "desc", "debug_min",
             "pollinterval", "driver", "sdcommands", "chroot", "maxstartdelay", "maxretry",
             "retrydelay", "nowait", "nolock", "ignorelb"}
TOP = r"(?:common|drivers|server|metrics|udev|config|tests|docs|scripts|fuzz|cmake)"
REPO_PATH = re.compile(rf"(?<![\w./$-]){TOP}/[\w./*-]*[\w*/]")


def doc_files(source):
    files = sorted(source.glob("docs/**/*.md")) + sorted(source.glob("docs/man/*.scd"))
    return [source / "README.md"] + files


def code_texts(text):
    """Code spans and code block lines: where command lines are shown."""
    blocks = re.findall(r"```[^\n]*\n(.*?)```", text, re.S)
    outside = re.sub(r"```.*?```", "", text, flags=re.S)
    lines = [line for block in blocks for line in block.splitlines()]
    return lines + re.findall(r"`([^`\n]+)`", outside)


class Programs:
    def __init__(self, bin_dir):
        self.help = {}
        for program in PROGRAMS:
            path = Path(bin_dir, program)
            if path.exists():
                self.help[program] = run_help(str(path))[1]
        self.options = {p: options(h) for p, h in self.help.items()}
        self.settings = set(driver_settings(self.help.get("usbhid-ups", ""))) | MAIN_KEYS
        self.sim_commands = set(sim_commands(self.help.get("walnut-sim", ""))) | {"help", "hostwrite"}

    def setting_known(self, key):
        key = key.split("=", 1)[0]
        return key in self.settings or key.startswith(("override.", "default."))

    def check_command(self, program, args, problems, where):
        if program not in self.help:
            return
        words = args.split()
        command_seen = False
        i = 0
        while i < len(words):
            word = words[i]
            if word in ("|", "||", "&&", ";", "#", ">", "2>&1", "&") or word.startswith(("#", ">", "$(", "`")):
                break
            if re.fullmatch(r"-[A-Za-z0-9]+", word):
                for letter in sorted(set(word[1:])) if re.fullmatch(r"-([A-Za-z])\1+", word) else [word[1:]]:
                    option = "-" + letter
                    if len(option) != 2 or option not in self.options[program]:
                        problems.append(f"{where}: `{program} ... {word}`: not an option of `{program} -h`")
                if word == "-x" and i + 1 < len(words):
                    key = words[i + 1].strip("'\"")
                    if program == "usbhid-ups" and re.fullmatch(r"[\w.]+(=\S*)?", key) and not self.setting_known(key):
                        problems.append(f"{where}: `-x {key}`: not a setting of `usbhid-ups -h`")
                    i += 1
            elif word.startswith("--") and len(word) > 2:
                if word.split("=", 1)[0] not in self.options[program]:
                    problems.append(f"{where}: `{program} ... {word}`: not an option of `{program} -h`")
            elif program == "walnut-sim" and not command_seen and re.fullmatch(r"[a-z]+", word):
                command_seen = True
                if word not in self.sim_commands:
                    problems.append(f"{where}: `walnut-sim {word}`: not a command of `walnut-sim -h`")
            i += 1


def check_paths(source, doc, text, problems):
    for match in REPO_PATH.finditer(text):
        path = match.group(0).rstrip(".")
        # walnut is C++ and documents itself in Markdown: a C file or a docs/*.txt outside tests/
        # is NUT's source, cited (drivers/main.c, docs/net-protocol.txt).
        if not path.startswith("tests/") and (path.endswith(".c") or re.fullmatch(r"docs/.*\.txt", path)):
            continue
        # A file the build generates from PATH.in (configure_file) counts as there, and a module
        # named without its extension (server/config_loader) when PATH.h or PATH.cpp is.
        if not any(glob.glob(str(source / path) + suffix) for suffix in ("", ".in", ".h", ".cpp")):
            problems.append(f"{doc.relative_to(source)}: names {path}, which does not exist")
    for link in re.findall(r"\]\(([^)#\s]+)", text):
        if link.startswith(("http:", "https:", "mailto:")):
            continue
        if not (doc.parent / link).exists():
            problems.append(f"{doc.relative_to(source)}: links to {link}, which does not exist")


def check_upsd_conf(source, doc, text, problems):
    known = set(re.findall(r'"([A-Z][A-Z_]+)"', (source / "common/config/upsd_conf.cpp").read_text()))
    in_table = False
    for line in text.splitlines():
        if line.startswith("|"):
            header = line.lower()
            if not in_table:
                in_table = "upsd.conf" in header or "directive" in header
                continue
        else:
            in_table = False
        candidates = []
        if in_table:
            first = line.split("|")[1] if line.count("|") > 1 else ""
            candidates = re.findall(r"`([A-Z][A-Z_]{2,})\b", first)
        elif "upsd.conf" in line and doc.suffix == ".md":
            candidates = re.findall(r"`([A-Z][A-Z_]{2,}) [^`]*`", line)
        for directive in candidates:
            if directive not in known:
                problems.append(f"{doc.relative_to(source)}: upsd.conf directive {directive} is not "
                                "one common/config/upsd_conf.cpp reads")


def check_driver_settings(source, programs, problems):
    doc = source / "docs/usbhid-ups.md"
    in_settings = False
    for line in doc.read_text().splitlines():
        if line.startswith("## "):
            in_settings = line.startswith("## Settings")
        if in_settings and line.startswith("| `"):
            for key in re.findall(r"`([\w.]+)(?:=[^`]*)?`", line.split("|")[1]):
                if not programs.setting_known(key.replace("VAR", "x")):
                    problems.append(f"docs/usbhid-ups.md: setting {key} is not one `usbhid-ups -h` "
                                    "or NUT's main.c accepts")


def main():
    source, bin_dir = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    programs = Programs(bin_dir)
    problems = []
    checked = 0
    for doc in doc_files(source):
        text = doc.read_text()
        check_paths(source, doc, text, problems)
        check_upsd_conf(source, doc, text, problems)
        for code in code_texts(text):
            for match in re.finditer(r"(?:^|[\s/(])(" + "|".join(PROGRAMS) + r")((?:[ \t]+[^\s|;&#]+)*)", code):
                checked += 1
                programs.check_command(match.group(1), match.group(2), problems,
                                       str(doc.relative_to(source)))
    check_driver_settings(source, programs, problems)
    for problem in problems:
        print(f"FAIL: {problem}")
    if problems:
        return 1
    print(f"ok: {len(doc_files(source))} docs, {checked} command lines of {len(programs.help)} programs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
