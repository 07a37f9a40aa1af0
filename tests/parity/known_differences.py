"""The documented, justified differences between stock NUT and walnut (known-differences.md).

Each row of the table in that file is `| kind | capture | report set | item | reason |`; capture,
report set and item are shell patterns (fnmatch). A difference the table does not cover fails the
suite; a row that matched nothing is reported so the list does not rot.
"""
import fnmatch
import re


class KnownDifferences:
    def __init__(self, path):
        self.rows = []
        for line in open(path):
            cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
            if len(cells) != 5 or not line.lstrip().startswith("|"):
                continue
            if cells[0] in ("kind", "") or re.match(r"^-+$", cells[0]):
                continue
            self.rows.append({"kind": cells[0], "capture": cells[1], "set": cells[2], "item": cells[3],
                              "reason": cells[4], "used": 0})

    def covers(self, kind, capture, report_set, item):
        for row in self.rows:
            if (row["kind"] == kind and fnmatch.fnmatchcase(capture, row["capture"])
                    and fnmatch.fnmatchcase(report_set, row["set"]) and fnmatch.fnmatchcase(item, row["item"])):
                row["used"] += 1
                return True
        return False

    def unused(self):
        return [r for r in self.rows if r["used"] == 0]
