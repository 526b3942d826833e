#!/usr/bin/env python3
"""text_table.py - the text report's table as people see it.

Usage: text_table.py TCPSCOPE CAPTURE...

For each capture, with COLUMNS=80, 120 and 250 (stdout is a pipe, so
$COLUMNS is the width): no line of the table is wider than the width in
display columns (East Asian wide characters count two, combining marks
none), the header starts with ID, the rows are in id order and there is one
per connection of the JSON report. Over all captures: at 80 columns some
names and addresses are too long and must show the cut as "…" (U+2026). Then, on test-captures/real/demo.pcap: --sort bytes lists the
rows by bytes on the wire (both directions, from the JSON records),
largest first; --top 3 keeps the first three; --sort with an unknown field
is a usage error (exit 2).
"""

import json
import os
import subprocess
import sys
import unicodedata

ELLIPSIS = "\u2026"


def display_width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def run(tcpscope, args, columns):
    env = dict(os.environ, COLUMNS=str(columns))
    p = subprocess.run([tcpscope] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return p.returncode, p.stdout.decode("utf-8")


def table_lines(text):
    """The header and rows: the lines before the blank line of the summary."""
    return text.split("\n\n", 1)[0].splitlines()


def json_records(tcpscope, path):
    p = subprocess.run([tcpscope, "-r", path, "-F", "json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return [o for o in map(json.loads, p.stdout.decode().splitlines()) if o["type"] == "conn"]


def main():
    tcpscope, paths = sys.argv[1], sys.argv[2:]
    problems, cuts, rows_seen = [], 0, 0
    for path in paths:
        name = os.path.relpath(path)
        recs = json_records(tcpscope, path)
        for width in (80, 120, 250):
            rc, text = run(tcpscope, ["-r", path], width)
            lines = table_lines(text)
            if rc != 0 or not lines or not lines[0].lstrip().startswith("ID"):
                problems.append("%s @%d: exit %d, no table header" % (name, width, rc))
                continue
            for l in lines:
                if display_width(l) > width:
                    problems.append("%s @%d: a line %d columns wide: %r" % (name, width, display_width(l), l))
            ids = [int(l.split()[0]) for l in lines[1:]]
            if ids != sorted(r["id"] for r in recs):
                problems.append("%s @%d: ids %s, want %s" % (name, width, ids[:12], sorted(r["id"] for r in recs)[:12]))
            rows_seen += len(ids)
            if width == 80:
                cuts += sum(l.count(ELLIPSIS) for l in lines[1:])
    if cuts == 0:
        problems.append("no name or address was cut with an ellipsis at 80 columns")

    demo = [p for p in paths if p.endswith("real/demo.pcap")]
    if demo:
        recs = json_records(tcpscope, demo[0])
        by_bytes = sorted(recs, key=lambda r: (-(r["c2s"]["bytes"] + r["s2c"]["bytes"]), r["id"]))
        rc, text = run(tcpscope, ["-r", demo[0], "--sort", "bytes"], 160)
        ids = [int(l.split()[0]) for l in table_lines(text)[1:]]
        if ids != [r["id"] for r in by_bytes]:
            problems.append("--sort bytes: ids %s, want %s" % (ids, [r["id"] for r in by_bytes]))
        rc, text = run(tcpscope, ["-r", demo[0], "--sort", "bytes", "--top", "3"], 160)
        ids = [int(l.split()[0]) for l in table_lines(text)[1:]]
        if ids != [r["id"] for r in by_bytes[:3]]:
            problems.append("--top 3: ids %s, want %s" % (ids, [r["id"] for r in by_bytes[:3]]))
        p = subprocess.run([tcpscope, "-r", demo[0], "-F", "json", "--sort", "bytes", "--top", "3"],
                           stdout=subprocess.PIPE)
        ids = [o["id"] for o in map(json.loads, p.stdout.decode().splitlines()) if o["type"] == "conn"]
        if ids != [r["id"] for r in by_bytes[:3]]:
            problems.append("-F json --top 3: ids %s, want %s" % (ids, [r["id"] for r in by_bytes[:3]]))
        rc, _ = run(tcpscope, ["-r", demo[0], "--sort", "size"], 160)
        if rc != 2:
            problems.append("--sort size: exit %d, want 2" % rc)
    else:
        problems.append("test-captures/real/demo.pcap missing")
    for p in problems[:40]:
        print("FAIL " + p)
    print("%d captures at 80, 120, 250 columns: %d rows in id order, none wider than the width; "
          "%d cuts marked with an ellipsis at 80%s"
          % (len(paths), rows_seen, cuts, "" if not problems else "; %d problems" % len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
