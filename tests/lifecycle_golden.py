#!/usr/bin/env python3
"""lifecycle_golden.py - compare tcpscope's connection life cycle (issue 3)
with the hand-worked expectations of test-captures/lifecycle_expected.py.

  lifecycle_golden.py compare --tcpscope BIN --root TEST_CAPTURES_DIR
      runs `tcpscope -r FILE -F json` on every crafted/lc_*.pcap, pairs the
      "type":"conn" records with the expected connections in order of first
      packet (ts_first, then id) and prints every mismatch (field path,
      expected, got).  Exit 1 on any mismatch, on a capture without an
      expectation or an expectation without its capture.

  --set real (both commands) uses test-captures/lifecycle_real_expected.py
      and the real/ captures it names instead; there `compare` also checks
      tcpscope's handshake figures (SYN/SYN-ACK counts and retry intervals,
      syn_synack_ms, FIN/RST per direction, first FIN) against tshark
      directly, since the expected file leaves real timings to tshark.

  lifecycle_golden.py tshark-check --root TEST_CAPTURES_DIR
      checks the EXPECTED FILE itself against tshark (an independent reader of
      the same bytes): per stream, SYN and SYN-ACK counts, the client's SYN and
      the server's SYN-ACK retry intervals, syn_synack_ms, FIN and RST counts
      per direction and the side of the first FIN.  A mismatch here is a bug in
      the oracle, not in tcpscope.  Exit 1 on any mismatch.
"""

import argparse
import glob
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys

# --set: (expected file, capture folder, captures that must all have an expectation)
SETS = {"crafted": ("lifecycle_expected.py", "crafted", "lc_*.pcap"),
        "real": ("lifecycle_real_expected.py", "real", None)}

# tcpscope keeps the first 7 SYN (SYN-ACK) sends of a side: 6 retry intervals
MAX_INTERVALS = 6


def load_expected(root, which="crafted"):
    path = os.path.join(root, SETS[which][0])
    spec = importlib.util.spec_from_file_location("lifecycle_expected", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def fmt(v):
    if v is None:
        return "null"
    if type(v).__name__ == "_Any":
        return "ANY"
    try:
        return json.dumps(v, sort_keys=False, default=str)
    except TypeError:
        return repr(v)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def compare(path, exp, act, out, mod):
    """Append 'path: ...' lines to out for every difference."""
    if exp is mod.ANY:
        return
    if isinstance(exp, dict):
        if not isinstance(act, dict):
            out.append("%s: expected an object %s, got %s" % (path, fmt(exp), fmt(act)))
            return
        for k, v in exp.items():
            p = "%s.%s" % (path, k) if path else k
            if k not in act:
                out.append("%s: missing (expected %s)" % (p, fmt(v)))
                continue
            compare(p, v, act[k], out, mod)
    elif isinstance(exp, list):
        if not isinstance(act, list) or len(act) != len(exp):
            out.append("%s: expected %s, got %s" % (path, fmt(exp), fmt(act)))
            return
        for i, (e, a) in enumerate(zip(exp, act)):
            compare("%s[%d]" % (path, i), e, a, out, mod)
    elif isinstance(exp, bool) or exp is None or isinstance(exp, str):
        if type(act) is not type(exp) or act != exp:
            out.append("%s: expected %s, got %s" % (path, fmt(exp), fmt(act)))
    elif is_num(exp):
        if not is_num(act) or abs(act - exp) > mod.TOL_MS:
            out.append("%s: expected %s, got %s" % (path, fmt(exp), fmt(act)))
    else:
        out.append("%s: unsupported expectation %r" % (path, exp))


def check_diagnoses(exp, act, out):
    want = exp.get("diagnoses", [])
    never = exp.get("diagnoses_absent", [])
    if not want and not never:
        return
    got = act.get("diagnoses")
    if not isinstance(got, list):
        out.append("diagnoses: missing or not an array (expected sentences matching %s)"
                   % fmt(want))
        return
    sentences = [s for s in got if isinstance(s, str)]
    for r in want:
        if not any(re.search(r, s, re.I) for s in sentences):
            out.append("diagnoses: no sentence matches /%s/ (got %s)" % (r, fmt(got)))
    for r in never:
        bad = [s for s in sentences if re.search(r, s, re.I)]
        if bad:
            out.append("diagnoses: /%s/ must not match, but %s does" % (r, fmt(bad)))


def conn_label(i, c):
    try:
        return "conn %d (%s:%s -> %s:%s)" % (i + 1, c["client"]["ip"], c["client"]["port"],
                                            c["server"]["ip"], c["server"]["port"])
    except (KeyError, TypeError):
        return "conn %d" % (i + 1)


def run_tcpscope(tcpscope, path):
    p = subprocess.run([tcpscope, "-r", path, "-F", "json"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    conns, summary = [], None
    for line in p.stdout.splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        if rec.get("type") == "conn":
            conns.append(rec)
        elif rec.get("type") == "summary":
            summary = rec
    conns.sort(key=lambda r: (r.get("ts_first", 0), r.get("id", 0)))
    return p.returncode, p.stderr.strip(), conns, summary


def canon_flood(entries):
    return sorted(json.dumps(e, sort_keys=True) for e in entries)


def tshark_direct(path, conns, mod):
    """tcpscope's handshake/teardown figures against tshark's own reading of the capture."""
    out = []
    streams = tshark_streams(path)
    for i, (pkts, a) in enumerate(zip(streams, conns)):
        client = (a["client"]["ip"], a["client"]["port"])
        for k, want in from_tshark(pkts, client).items():
            try:
                got = get_path(a, k)
            except (KeyError, TypeError):
                got = "<missing>"
            if isinstance(want, list) and isinstance(got, list):
                ok = len(want) == len(got) and all(abs(x - y) <= mod.TOL_MS for x, y in zip(want, got))
            elif is_num(want) and is_num(got):
                ok = abs(want - got) <= mod.TOL_MS
            else:
                ok = want == got
            if not ok:
                out.append("%s: %s: tshark gives %s, tcpscope %s" % (conn_label(i, a), k, fmt(want), fmt(got)))
    return out


def cmd_compare(args):
    mod = load_expected(args.root, args.set)
    folder, pattern = SETS[args.set][1], SETS[args.set][2]
    if pattern:
        files = sorted(os.path.basename(f) for f in glob.glob(os.path.join(args.root, folder, pattern)))
    else:
        files = sorted(n for n in mod.EXPECTED if os.path.exists(os.path.join(args.root, folder, n)))
    nfail = nconn = nmis = 0
    failed = []
    for name in sorted(set(files) | set(mod.EXPECTED)):
        if name not in mod.EXPECTED:
            print("FAIL %s: no expectation in lifecycle_expected.py" % name)
            nfail += 1
            failed.append(name)
            continue
        if name not in files:
            print("FAIL %s: expected capture missing (run test-captures/gen_lifecycle.py)" % name)
            nfail += 1
            failed.append(name)
            continue
        exp = mod.EXPECTED[name]
        rc, err, conns, summary = run_tcpscope(args.tcpscope, os.path.join(args.root, folder, name))
        lines = []
        if rc != 0:
            lines.append("tcpscope exit %d: %s" % (rc, err))
        if len(conns) != len(exp["conns"]):
            lines.append("%d connection records, expected %d" % (len(conns), len(exp["conns"])))
        grouped = {}  # the same mismatch on several connections is printed once
        for i, (e, a) in enumerate(zip(exp["conns"], conns)):
            out = []
            body = {k: v for k, v in e.items() if k not in ("diagnoses", "diagnoses_absent")}
            compare("", body, a, out, mod)
            check_diagnoses(e, a, out)
            nconn += 1
            for o in out:
                grouped.setdefault(o, []).append(conn_label(i, e))
        for o, labels in grouped.items():
            more = " and %d more connection(s)" % (len(labels) - 1) if len(labels) > 1 else ""
            lines.append("%s%s: %s" % (labels[0], more, o))
        if args.set == "real" and shutil.which("tshark"):
            lines += tshark_direct(os.path.join(args.root, folder, name), conns, mod)
        want_flood = exp.get("summary", {}).get("syn_flood", [])
        got_flood = None if summary is None else summary.get("syn_flood")
        if summary is None:
            lines.append("summary: no \"type\":\"summary\" record")
        elif got_flood is None:
            if want_flood:
                lines.append("summary.syn_flood: missing (expected %s)" % fmt(want_flood))
        elif not isinstance(got_flood, list) or canon_flood(got_flood) != canon_flood(want_flood):
            lines.append("summary.syn_flood: expected %s, got %s" % (fmt(want_flood), fmt(got_flood)))
        if lines:
            nfail += 1
            nmis += len(lines)
            failed.append(name)
            print("FAIL %s: %d mismatch(es)" % (name, len(lines)))
            for ln in lines:
                print("    " + ln)
        else:
            print("ok   %s (%d connection(s))" % (name, len(conns)))
    total = len(set(files) | set(mod.EXPECTED))
    if nfail:
        print("FAIL: %d of %d life-cycle captures disagree (%d mismatches over %d compared connections):%s"
              % (nfail, total, nmis, nconn, " " + " ".join(failed)))
        return 1
    print("PASS: %d life-cycle captures, %d connections as worked out by hand" % (total, nconn))
    return 0


# ---------------------------------------------------------------------------
# The oracle's own cross-check against tshark
# ---------------------------------------------------------------------------
TSHARK_FIELDS = ["frame.time_epoch", "tcp.stream", "ip.src", "ipv6.src", "tcp.srcport",
                 "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset"]


def flag(v):
    return v in ("1", "True", "true")


def tshark_streams(path):
    cmd = ["tshark", "-n", "-r", path, "-Y", "tcp", "-T", "fields", "-E", "separator=\t"]
    for f in TSHARK_FIELDS:
        cmd += ["-e", f]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True)
    streams = {}
    for line in p.stdout.splitlines():
        t, st, ip4, ip6, sp, syn, ack, fin, rst = (line.split("\t") + [""] * 9)[:9]
        streams.setdefault(int(st), []).append({
            "t": float(t), "src": (ip4 or ip6, int(sp)), "syn": flag(syn), "ack": flag(ack),
            "fin": flag(fin), "rst": flag(rst)})
    return [streams[k] for k in sorted(streams)]


def from_tshark(pkts, client):
    """The handshake/teardown figures a plain packet list gives."""
    c2s = [p for p in pkts if p["src"] == client]
    s2c = [p for p in pkts if p["src"] != client]
    syns = [p["t"] for p in c2s if p["syn"] and not p["ack"]]
    synacks = [p["t"] for p in s2c if p["syn"] and p["ack"]]
    all_syn = [p for p in pkts if p["syn"] and not p["ack"]]
    all_synack = [p for p in pkts if p["syn"] and p["ack"]]
    ms = lambda a, b: round((b - a) * 1000.0, 3)
    r = {"handshake.syn_count": len(all_syn), "handshake.synack_count": len(all_synack),
         "handshake.syn_retry_intervals_ms": [ms(a, b) for a, b in zip(syns, syns[1:])][:MAX_INTERVALS],
         "handshake.synack_retry_intervals_ms": [ms(a, b) for a, b in zip(synacks, synacks[1:])][:MAX_INTERVALS],
         "c2s.fin": sum(p["fin"] for p in c2s), "s2c.fin": sum(p["fin"] for p in s2c),
         "c2s.rst": sum(p["rst"] for p in c2s), "s2c.rst": sum(p["rst"] for p in s2c)}
    if synacks:
        before = [t for t in syns if t <= synacks[0]]
        r["handshake.syn_synack_ms"] = ms(before[-1], synacks[0]) if before else None
    else:
        r["handshake.syn_synack_ms"] = None
    fins = [p for p in pkts if p["fin"]]
    r["teardown.first_fin"] = None if not fins else ("client" if fins[0]["src"] == client else "server")
    return r


def get_path(d, path):
    for k in path.split("."):
        d = d[k]
    return d


def cmd_tshark_check(args):
    mod = load_expected(args.root, args.set)
    nval = 0
    bad = []
    for name, exp in sorted(mod.EXPECTED.items()):
        path = os.path.join(args.root, SETS[args.set][1], name)
        if not os.path.exists(path):
            bad.append("%s: capture missing" % name)
            continue
        streams = tshark_streams(path)
        # A documented split (issue 12: a packet more than 5 s after an
        # accepted RST starts a new record; tshark keeps one stream): the
        # expected file says how many of the stream's packets each record has.
        split = exp.get("tshark_split")
        if split and len(streams) == 1 and sum(split) == len(streams[0]):
            parts, at = [], 0
            for n in split:
                parts.append(streams[0][at:at + n])
                at += n
            streams = parts
        if len(streams) != len(exp["conns"]):
            bad.append("%s: tshark sees %d streams, the expected file has %d connections"
                       % (name, len(streams), len(exp["conns"])))
            continue
        for i, (pkts, e) in enumerate(zip(streams, exp["conns"])):
            client = (e["client"]["ip"], e["client"]["port"])
            first = pkts[0]["src"]
            for k, v in from_tshark(pkts, client).items():
                try:
                    want = get_path(e, k)
                except (KeyError, TypeError):
                    continue  # not written by hand (real captures: compared with tshark directly)
                if want is mod.ANY:
                    continue
                if k == "handshake.syn_retry_intervals_ms" and e["handshake"]["simultaneous_open"]:
                    continue
                nval += 1
                ok = (want == v) if not (is_num(want) and is_num(v)) else abs(want - v) <= mod.TOL_MS
                if isinstance(want, list) and isinstance(v, list):
                    ok = len(want) == len(v) and all(abs(a - b) <= mod.TOL_MS for a, b in zip(want, v))
                if not ok:
                    bad.append("%s %s: %s expected %s, tshark gives %s"
                               % (name, conn_label(i, e), k, fmt(want), fmt(v)))
            # '^' in the expected history exactly when the first packet came from the server
            nval += 1
            if e["history"].startswith("^") != (first != client):
                bad.append("%s %s: history %s but the first packet came from the %s"
                           % (name, conn_label(i, e), e["history"],
                              "client" if first == client else "server"))
    for b in bad:
        print("ORACLE MISMATCH " + b)
    if bad:
        print("FAIL: lifecycle_expected.py disagrees with tshark on %d of %d values" % (len(bad), nval))
        return 1
    print("ok   lifecycle_expected.py agrees with tshark on %d values (SYN/SYN-ACK counts and "
          "intervals, syn_synack_ms, FIN/RST per direction, first FIN, '^')" % nval)
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("compare")
    a.add_argument("--tcpscope", required=True)
    a.add_argument("--root", required=True)
    a.add_argument("--set", choices=sorted(SETS), default="crafted")
    b = sub.add_parser("tshark-check")
    b.add_argument("--root", required=True)
    b.add_argument("--set", choices=sorted(SETS), default="crafted")
    args = ap.parse_args()
    return cmd_compare(args) if args.cmd == "compare" else cmd_tshark_check(args)


if __name__ == "__main__":
    sys.exit(main())
