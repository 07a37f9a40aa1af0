#!/usr/bin/env python3
"""usbhid-ups -x capture=FILE as users attach it to bug reports (issue 20).

usage: capture_report.py USBHID_UPS CAPTURE

The driver reads a simulated UPS (port=sim:) whose serial number is in string descriptor 3 and,
through the reports' iSerialNumber field, in a second string descriptor. Its capture must hold
no copy of either serial (ASCII text, hex ASCII bytes, hex UTF-16LE bytes), keep their lengths,
name walnut's version and the options it was read with, and play again as port=sim:; with
-x capture_keep_serial the serials stay. An unclaimed device's error says how to capture it.
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

SERIAL = "3B1234X56789"
SECOND_SERIAL = "QQ98765432"  # what UPS.PowerSummary.iSerialNumber points to


def hex_of(data):
    return " ".join(f"{b:02x}" for b in data)


def copies(text, serial):
    """The encodings of `serial` found in a capture file's text."""
    found = []
    if serial in text:
        found.append("ASCII text")
    if hex_of(serial.encode()) in text:
        found.append("ASCII bytes")
    if hex_of(serial.encode("utf-16-le")[:-1]) in text:
        found.append("UTF-16LE bytes")
    return found


def planted_capture(source, path):
    """The corpus capture with a serial, and report 0x02 (iSerialNumber) pointing to string 4."""
    lines = []
    for line in Path(source).read_text().splitlines():
        if re.match(r"\s*0x02:", line):
            continue
        lines.append(line)
        if line.startswith("productid:"):
            lines.append(f"serial: {SERIAL}  ")
        if line.strip() == "reports:":
            lines.append("0x02: 02 04")
    text = "\n".join(lines) + "\n"
    if "\nstrings:\n" in text:
        text = re.sub(r"\nstrings:\n(?:4: .*\n)?", f"\nstrings:\n4: {SECOND_SERIAL}\n", text)
    else:
        text += f"strings:\n4: {SECOND_SERIAL}\n"
    Path(path).write_text(text)


def run(driver, *args, check=True):
    result = subprocess.run([driver, "-s", "report", *args], capture_output=True, text=True,
                            timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"{args}: exit {result.returncode}\n{result.stderr}")
    return result


def main():
    driver, source = sys.argv[1], sys.argv[2]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        device = Path(tmp, "device.txt")
        planted_capture(source, device)
        # Sanity: the simulated device really has both serials.
        dump = run(driver, "-x", f"port=sim:{device}", "-d", "1").stdout
        if f"ups.serial: {SERIAL}" not in dump:
            failures.append(f"the planted device does not show its serial:\n{dump}")

        scrubbed = Path(tmp, "scrubbed.txt")
        run(driver, "-x", f"port=sim:{device}", "-x", f"serial={SERIAL}", "-x", "explore",
            "-x", f"capture={scrubbed}", "-d", "1")
        text = scrubbed.read_text()
        for serial in (SERIAL, SECOND_SERIAL):
            for where in copies(text, serial):
                failures.append(f"serial {serial} left in the capture as {where}")
        if f"serial: {'X' * len(SERIAL)}" not in text:
            failures.append("the serial header is not a same-length placeholder")
        if f"4: {'X' * len(SECOND_SERIAL)}" not in text:
            failures.append("the iSerialNumber string is not a same-length placeholder")
        first = text.splitlines()[0]
        if not re.match(r"# written by usbhid-ups walnut-\S+ with: port=sim:\S+ serial=X+ explore capture=",
                        first):
            failures.append(f"first line does not name the version and options: {first!r}")

        replay = run(driver, "-x", f"port=sim:{scrubbed}", "-d", "1").stdout
        if f"ups.serial: {'X' * len(SERIAL)}" not in replay:
            failures.append(f"the scrubbed capture does not play with its placeholder:\n{replay}")
        if "ups.status: OL" not in replay:
            failures.append(f"the scrubbed capture does not play as the device:\n{replay}")

        kept = Path(tmp, "kept.txt")
        run(driver, "-x", f"port=sim:{device}", "-x", "capture_keep_serial",
            "-x", f"capture={kept}", "-d", "1")
        kept_text = kept.read_text()
        if f"serial: {SERIAL}" not in kept_text or f"4: {SECOND_SERIAL}" not in kept_text:
            failures.append(f"capture_keep_serial did not keep the serials:\n{kept_text[:400]}")

        # A device no subdriver claims: the error names the capture command.
        unclaimed = Path(tmp, "unclaimed.txt")
        unclaimed.write_text(re.sub(r"vendorid: \w+", "vendorid: 1234", device.read_text()))
        refused = run(driver, "-x", f"port=sim:{unclaimed}", "-d", "1", check=False)
        want = ("usbhid-ups -s report -x port=auto -x vendorid=1234 -x productid=")
        if refused.returncode == 0 or want not in refused.stderr or "as root" not in refused.stderr:
            failures.append(f"the unclaimed device's error lacks the capture command:\n{refused.stderr}")

    for failure in failures:
        print(f"FAIL: {failure}")
    if not failures:
        print("ok: no copy of either serial in the capture; it plays again; keep_serial keeps them")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
