#!/usr/bin/env python3
"""ms_sanity.py - every "*_ms" figure tcpscope reports must be possible.

Usage: ms_sanity.py TCPSCOPE CAPTURE...

For each capture, "tcpscope -r CAPTURE -F json": every field whose name ends
in "_ms", at any depth of every connection record (numbers, or lists of
numbers), must be null or between 0 and the capture's duration (the
summary's ts_last - ts_first), with 1 us of rounding.  rto_ms is left out:
it is an estimate with a 1 s floor (RFC 6298 2.4), not a measured time.
Unreadable captures (exit 1) are skipped.  "--expect FILE=N" checks the
summary's negative_gaps of FILE (a base name).
Exit 0: all possible; 1: an impossible value (each printed).
"""
import json
import os
import subprocess
import sys

NOT_MEASURED = {"rto_ms"}


def walk(obj, path, out):
    if isinstance(obj, dict):
        for k, v in obj.items():
            walk(v, path + [k], out)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            walk(v, path + [str(i)], out)
    elif path and any(p.endswith("_ms") and p not in NOT_MEASURED for p in path[-2:]):
        out.append((".".join(path), obj))


def main():
    args = sys.argv[1:]
    binary = args.pop(0)
    expect = {}
    while args and args[0] == "--expect":
        name, n = args[1].split("=")
        expect[name] = int(n)
        args = args[2:]
    bad, nvals, nfiles = [], 0, 0
    for path in args:
        p = subprocess.run([binary, "-r", path, "-F", "json"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
        if p.returncode == 1:
            continue
        nfiles += 1
        recs = [json.loads(l) for l in p.stdout.decode(errors="replace").splitlines() if l.strip()]
        summary = next((r for r in recs if r.get("type") == "summary"), None)
        if summary is None:
            bad.append("%s: no summary" % path)
            continue
        first, last = summary.get("ts_first"), summary.get("ts_last")
        span_ms = (last - first) * 1000.0 if first is not None and last is not None else 0.0
        base = os.path.basename(path)
        if base in expect and summary.get("negative_gaps") != expect.pop(base):
            bad.append("%s: summary negative_gaps %s" % (path, summary.get("negative_gaps")))
        for r in recs:
            if r.get("type") != "conn":
                continue
            vals = []
            walk(r, [], vals)
            for name, v in vals:
                if v is None:
                    continue
                nvals += 1
                if not isinstance(v, (int, float)) or v < 0 or v > span_ms + 0.001:
                    bad.append("%s: connection %s: %s = %r (capture spans %.3f ms)"
                               % (path, r.get("id"), name, v, span_ms))
    for name in expect:
        bad.append("%s: not among the captures checked" % name)
    for b in bad:
        print("IMPOSSIBLE " + b)
    print("%s: %d *_ms values in %d captures, %d impossible"
          % ("FAIL" if bad else "PASS", nvals, nfiles, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
