#!/usr/bin/env python3
"""Checks a program linked in its order file's order (cmake/link_order.cmake).

link_order_test.py PROGRAM ORDER_FILE
  - fresh: at least 90 % of the file's functions are still in the program (renamed or removed
    functions make the listed code smaller than what runs: more resident memory);
  - applied: the listed functions are the start of .text, with little unlisted among them, and
    the PLT comes before .text (cmake/plt_first.ld).
Each failure says what to do.
"""
import subprocess
import sys

MIN_FRESH = 0.90
MAX_STRAYS = 0.30


def nm_lines(program):
    """`nm -S` of `program`, each line split into its fields."""
    out = subprocess.run(["nm", "-S", program], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()]


def text_symbols(lines):
    """(address, size, name) of every function symbol, by address."""
    return sorted((int(fields[0], 16), int(fields[1], 16), fields[3]) for fields in lines
                  if len(fields) == 4 and fields[2] in "tTwW" and int(fields[1], 16) > 0)


def section_start(program, name):
    out = subprocess.run(["readelf", "-SW", program], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        fields = line.replace("[ ", "[").split()
        if len(fields) > 4 and fields[1] == name:
            return int(fields[3], 16)
    return None


def main():
    program, order_file = sys.argv[1], sys.argv[2]
    listed = [line.strip() for line in open(order_file)
              if line.strip() and not line.startswith("#")]
    lines = nm_lines(program)
    symbols = text_symbols(lines)
    # Data listed too (the driver's packed tables lead .rodata): any symbol counts as found.
    defined = {fields[-1] for fields in lines if len(fields) >= 2}
    found = [name for name in listed if name in defined]
    fresh = len(found) / len(listed) if listed else 0.0
    failures = []
    if fresh < MIN_FRESH:
        failures.append(f"only {len(found)} of the {len(listed)} symbols {order_file} lists "
                        f"({fresh:.0%}) are in {program}: the code changed; run scripts/link-order "
                        f"(as root) and commit {order_file}")
    # Aliases (a constructor's C1 and C2 names) share an address: compare addresses.
    found_names = set(found)
    listed_addresses = {address for address, _, name in symbols if name in found_names}
    if listed_addresses:
        end = max(address + size for address, size, name in symbols if address in listed_addresses)
        start = section_start(program, ".text")
        if start is None:
            sys.exit(f"{program}: no .text section")
        # An object built without a section per function (yaml-cpp's static library) moves
        # whole: its unlisted functions come along. Linked in the default order, most of the
        # span would be unlisted code.
        strays = sum(size for address, size, name in symbols
                     if address < end and address not in listed_addresses)
        share = strays / (end - start)
        if min(listed_addresses) - start > 64:
            failures.append(f"the listed functions start {min(listed_addresses) - start} bytes "
                            "into .text: the order was not applied (cmake/link_order.cmake)")
        elif share > MAX_STRAYS:
            failures.append(f"{share:.0%} of the first {(end - start) // 1024} kB of .text are "
                            "unlisted functions: the order was not applied (cmake/link_order.cmake)")
        else:
            print(f"{program}: {len(found)} of {len(listed)} listed symbols ({fresh:.0%}) make "
                  f"the first {(end - start) // 1024} kB of .text ({share:.0%} unlisted)")
    plt = section_start(program, ".plt")
    if plt is not None and plt > section_start(program, ".text"):
        failures.append("the PLT comes after .text: cmake/plt_first.ld was not applied "
                        "(cmake/link_order.cmake)")
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
