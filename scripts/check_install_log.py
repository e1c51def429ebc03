#!/usr/bin/env python3
"""Fail when an Odoo log file holds WARNING, ERROR or CRITICAL records.

Usage: check_install_log.py LOGFILE
Prints each offending record (with its traceback lines) and exits 1 if there
is any, 0 otherwise.
"""

import re
import sys

RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) ")
BAD = {"WARNING", "ERROR", "CRITICAL"}
MAX_LINES = 30  # per record


def bad_records(lines):
    record = None
    for line in lines:
        match = RECORD.match(line)
        if match:
            if record:
                yield record
            record = [line] if match.group(1) in BAD else None
        elif record is not None:
            record.append(line)
    if record:
        yield record


def main(path):
    with open(path, encoding="utf-8", errors="replace") as log:
        records = list(bad_records(log))
    for record in records:
        sys.stdout.write("".join(record[:MAX_LINES]))
        if len(record) > MAX_LINES:
            print(f"    ... ({len(record) - MAX_LINES} more lines)")
    if records:
        print(f"{path}: {len(records)} WARNING/ERROR/CRITICAL record(s) during install")
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
