"""Reading walnut's programs' -h output (shared by man_help_test.py and doc_claims_test.py)."""
import re
import subprocess

# An option word: -x or --long, not inside another word (drop-in, 940-0095B) and not -FF.
OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[A-Za-z0-9])(?![\w-])")


def run_help(program, flag="-h"):
    """(exit status, stdout, stderr) of `program flag`."""
    result = subprocess.run([program, flag], capture_output=True, text=True, timeout=30)
    return result.returncode, result.stdout, result.stderr


def options(help_text):
    return set(OPTION.findall(help_text))


def driver_settings(help_text):
    """usbhid-ups's table of -x settings: {name: description}. Two layouts are read: NUT 2.8.0's
    `<description> : -x name[=<value>]` and NUT 2.8.5's `name[=<value>]<TAB><description>`."""
    table = help_text.split("Acceptable values for -x", 1)[-1].split("\nPorts:", 1)[0]
    settings = {}
    for line in table.splitlines()[1:]:
        if m := re.match(r"\s*(.*?) : -x ([\w.]+)", line):
            settings[m.group(2)] = m.group(1).strip()
        elif m := re.match(r"\s*([\w.]+)(?:=<value>)?\s+(.*)", line):
            settings[m.group(1)] = m.group(2).strip()
    return settings


def sim_commands(help_text):
    return re.findall(r"^  ([a-z]+)\b", help_text.split("Commands:", 1)[-1], re.M)
