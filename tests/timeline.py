#!/usr/bin/env python3
"""timeline.py - the drill-down (--conn, --where, --timeline, -w) against tshark.

For each capture below, every connection is selected (--conn 1-...) and its
--timeline -F json packets are compared with tshark's fields of the same
frames (frame.number, tcp.seq, tcp.ack, tcp.len, tcp.flags with relative
sequence numbers): every TCP frame must be there, once, with equal values.
The analysis column is then summed per connection and direction and must
equal the counters of that connection's own record (an independent path:
the record's counters are the ones tests/tshark_golden.sh holds to tshark).
Then the export: each connection of a capture with port reuse written with
-w, read back by tcpscope (its record equal to the original's but for the id
and what depends on the connection before it) and by tshark (the frames'
bytes equal to the original frames').  Finally selection: a 4-tuple selects
every connection of it, --where's two passes give the --conn output of the
ids it matched, and a pcapng input is exported as pcapng.

Usage: timeline.py TCPSCOPE TOP_SRCDIR.  Exit 0 pass, 1 fail.
"""
import json
import os
import subprocess
import sys
import tempfile

tcpscope, top = sys.argv[1], sys.argv[2]
CAPS = os.path.join(top, "test-captures")
# Handshakes, teardowns, port reuse, losses and the sequence-analysis kinds,
# SACK and D-SACK, zero windows, keep-alives, midstream starts, IPv6, TLS.
CAPTURES = [
    "real/demo.pcap", "real/dsack.pcap", "real/zero_window.pcap", "real/bulk_tbf.pcap",
    "real/keepalive_idle.pcap", "real/tls_handshakes.pcap", "real/port_reuse.pcap",
    "real/rst_in_transfer.pcap", "real/simultaneous_open.pcap",
    "crafted/eth_ipv6_http_fin.pcap", "crafted/lc_midstream.pcap", "crafted/midstream_https.pcap",
    "crafted/seq_fast_retransmit.pcap", "crafted/seq_spurious_dsack.pcap", "crafted/seq_wrap.pcap",
    "crafted/seq_keepalive.pcap", "crafted/seq_out_of_order.pcap", "crafted/seq_not_captured.pcap",
    "crafted/seq_timeout_backoff.pcap", "crafted/seq_window_full.pcap", "crafted/seq_zero_window.pcap",
    "crafted/port_reuse_fin.pcap", "crafted/port_reuse_rst.pcap", "crafted/pcapng_nsec.pcapng",
]
ALL = "1-1000000"
FLAG_BITS = {"FIN": 0x01, "SYN": 0x02, "RST": 0x04, "PSH": 0x08, "ACK": 0x10, "URG": 0x20,
             "ECE": 0x40, "CWR": 0x80, "NS": 0x100}
fails = 0


def fail(msg):
    global fails
    fails += 1
    if fails <= 40:
        print("FAIL: " + msg)


def run_json(args):
    out = subprocess.run([tcpscope] + args + ["-F", "json"], capture_output=True, text=True)
    if out.returncode != 0:
        fail("%s: exit %d: %s" % (" ".join(args), out.returncode, out.stderr.strip()))
    recs = [json.loads(l) for l in out.stdout.splitlines()]
    return ([r for r in recs if r["type"] == "packet"], [r for r in recs if r["type"] == "conn"])


def tshark_fields(path, *extra):
    out = subprocess.run(["tshark", "-r", path, "-o", "tcp.relative_sequence_numbers:TRUE",
                          "-o", "tcp.analyze_sequence_numbers:TRUE", "-T", "fields",
                          "-e", "frame.number", "-e", "tcp.seq", "-e", "tcp.ack", "-e", "tcp.len",
                          "-e", "tcp.flags", "-e", "tcp.analysis.duplicate_ack_num",
                          "-e", "tcp.analysis.retransmission", "-e", "tcp.analysis.fast_retransmission",
                          "-e", "tcp.analysis.spurious_retransmission"] + list(extra),
                         capture_output=True, text=True, check=True)
    rows = {}
    for line in out.stdout.splitlines():
        f = line.split("\t")
        if len(f) < 5 or not f[1]:
            continue  # not TCP
        rows[int(f[0])] = f
    return rows


def compare_timeline(name, path):
    packets, conns = run_json(["-r", path, "--conn", ALL, "--timeline"])
    ts = tshark_fields(path)
    ours = {}
    for p in packets:
        if p["frame"] in ours:
            fail("%s: frame %d written twice" % (name, p["frame"]))
        ours[p["frame"]] = p
    if set(ours) != set(ts):
        fail("%s: frames tshark has, not in the timeline: %s; the other way: %s" %
             (name, sorted(set(ts) - set(ours))[:10], sorted(set(ours) - set(ts))[:10]))
    for n, p in ours.items():
        t = ts.get(n)
        if not t:
            continue
        flags = sum(FLAG_BITS[f] for f in p["flags"])
        got = (p["seq"], p["ack"] if p["ack"] is not None else 0, p["len"], flags)
        want = (int(t[1]), int(t[2]), int(t[3]), int(t[4], 16) & 0x1ff)
        if got != want:
            fail("%s frame %d: (seq, ack, len, flags) %s, tshark %s" % (name, n, got, want))
        # dup ACK #n and the retransmission flag, as Wireshark's expert info numbers and flags them
        dup = p["dup_ack_n"] if "dup_ack" in p["analysis"] else 0
        if dup != int(t[5] or 0):
            fail("%s frame %d: dup ACK #%d, tshark #%s" % (name, n, dup, t[5] or 0))
        retx = bool({"retransmission", "fast_retransmission", "spurious_retransmission"} & set(p["analysis"]))
        if retx != any(t[6:9]):
            fail("%s frame %d: retransmission %s, tshark %s" % (name, n, retx, any(t[6:9])))
    check_counts(name, packets, conns)
    return len(ours)


def check_counts(name, packets, conns):
    """Per connection and direction, the analysis column summed = the record's counters."""
    by = {}
    for p in packets:
        by.setdefault((p["conn"], p["dir"]), []).append(p)
    for c in conns:
        for d, other in (("c2s", "s2c"), ("s2c", "c2s")):
            mine, theirs = by.get((c["id"], d), []), by.get((c["id"], other), [])
            rec = c[d]

            def n(kind, pk=mine):
                return sum(1 for p in pk if kind in p["analysis"])
            retx = sum(1 for p in mine if {"retransmission", "fast_retransmission",
                                           "spurious_retransmission"} & set(p["analysis"]))
            want = {
                "packets": len(mine),
                "payload_bytes": sum(p["len"] for p in mine),
                "retransmissions": retx,
                "fast_retransmissions": n("fast_retransmission"),
                "timeout_retransmissions": n("timeout_retransmission"),
                "tlp_retransmissions": n("tlp_retransmission"),
                # a D-SACK of the peer also proves this side's resend spurious
                "spurious_retransmissions": n("spurious_retransmission") + n("dsack_spurious", theirs),
                "out_of_order": n("out_of_order"),
                "not_captured": n("not_captured"),
                "dup_acks": n("dup_ack"),
                "zero_windows": n("zero_window"),
                "zero_window_probes": n("zero_window_probe"),
                "keepalives": n("keepalive"),
                "window_full": n("window_full"),
                "window_updates": n("window_update"),
                "sack_blocks": sum(len(p["sack"]) for p in mine),
                "dsack_blocks": sum(p["dsack_blocks"] for p in mine),
                "fin": sum(1 for p in mine if "FIN" in p["flags"]),
            }
            for k, v in want.items():
                if rec[k] != v:
                    fail("%s conn %d %s: record %s = %s, its timeline says %s" %
                         (name, c["id"], d, k, rec[k], v))
            # this side's RTT samples are timed by the peer's ACKs
            samples = sum(1 for p in theirs if p["rtt_ms"] is not None)
            if rec["rtt"]["samples"] != samples:
                fail("%s conn %d %s: rtt.samples %d, timeline %d" % (name, c["id"], d, rec["rtt"]["samples"], samples))
            dup_ns = [p["dup_ack_n"] for p in mine if "dup_ack" in p["analysis"]]
            if any(x < 1 for x in dup_ns):
                fail("%s conn %d %s: a dup ACK numbered < 1" % (name, c["id"], d))


def comparable(rec):
    """A record read back from an export: the id and what depends on the connection before it differ."""
    r = dict(rec)
    r.pop("id")
    r["teardown"] = dict(r["teardown"])
    r["teardown"].pop("time_wait_reuse", None)
    r["diagnoses"] = [d for d in r["diagnoses"] if "TIME_WAIT" not in d or "reused" not in d]
    # the original capture may go on past TIME_WAIT (2 x MSL); the export ends at its last frame
    for k in ("client_state", "server_state"):
        if r[k] == "TIME_WAIT":
            r[k] = "CLOSED"
    return r


def frame_bytes(path, display_filter=None):
    """Each frame's time, length on the wire and captured bytes, as tshark reads them."""
    args = ["tshark", "-r", path, "-T", "json", "-x"] + (["-Y", display_filter] if display_filter else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    frames = json.loads(out.stdout) if out.stdout.strip() else []
    return [(f["_source"]["layers"]["frame"]["frame.time_epoch"], f["_source"]["layers"]["frame"]["frame.len"],
             f["_source"]["layers"]["frame_raw"][0]) for f in frames]


def check_export(name, path, tmp, ids=None):
    _, conns = run_json(["-r", path])
    conns = [c for c in conns if ids is None or c["id"] in ids]
    frames_of = {}
    packets, _ = run_json(["-r", path, "--conn", ALL, "--timeline"])
    for p in packets:
        frames_of.setdefault(p["conn"], []).append(p["frame"])
    for c in conns:
        out = os.path.join(tmp, "c%d.pcap" % c["id"])
        _, sel = run_json(["-r", path, "--conn", str(c["id"]), "-w", out])
        if [s["id"] for s in sel] != [c["id"]]:
            fail("%s --conn %d: records %s" % (name, c["id"], [s["id"] for s in sel]))
        _, back = run_json(["-r", out])
        if len(back) != 1:
            fail("%s: export of %d holds %d connections" % (name, c["id"], len(back)))
            continue
        if comparable(back[0]) != comparable(c):
            fail("%s: export of %d read back differs: %s" % (name, c["id"], json.dumps(back[0])[:300]))
        # the same frames, byte for byte, as tshark shows them in both files
        nums = frames_of.get(c["id"], [])
        orig = frame_bytes(path, "frame.number in {%s}" % ",".join(str(x) for x in nums))
        if frame_bytes(out) != orig or not orig:
            fail("%s: export of %d: frames differ from the original's %s" % (name, c["id"], nums))


def main():
    total = 0
    for rel in CAPTURES:
        total += compare_timeline(rel, os.path.join(CAPS, rel))
    print("timeline: %d frames of %d captures compared with tshark" % (total, len(CAPTURES)))

    with tempfile.TemporaryDirectory() as tmp:
        # demo.pcap: a long connection, the 4-tuple reused in TIME_WAIT (4-8, 9-13), TLS
        check_export("real/demo.pcap", os.path.join(CAPS, "real/demo.pcap"), tmp, {1, 5, 6, 7, 10, 14, 17})
        check_export("crafted/port_reuse_fin.pcap", os.path.join(CAPS, "crafted/port_reuse_fin.pcap"), tmp)
        # a pcapng input is exported as pcapng (section header block first)
        ng = os.path.join(CAPS, "crafted/pcapng_nsec.pcapng")
        out = os.path.join(tmp, "ng.pcapng")
        run_json(["-r", ng, "--conn", "1", "-w", out])
        with open(out, "rb") as f:
            if f.read(4) != b"\x0a\x0d\x0d\x0a":
                fail("pcapng input: export is not pcapng")
        check_export("crafted/pcapng_nsec.pcapng", ng, tmp)

        # a 4-tuple selects every connection on it (port reuse: several ids), either order
        demo = os.path.join(CAPS, "real/demo.pcap")
        _, conns = run_json(["-r", demo])
        c = conns[0]
        def ep(e):
            return ("[%s]:%d" if ":" in e["ip"] else "%s:%d") % (e["ip"], e["port"])
        want = sorted(x["id"] for x in conns if {ep(x["client"]), ep(x["server"])} == {ep(c["client"]), ep(c["server"])})
        for spec in (ep(c["client"]) + "-" + ep(c["server"]), ep(c["server"]) + "-" + ep(c["client"])):
            _, sel = run_json(["-r", demo, "--conn", spec])
            if sorted(x["id"] for x in sel) != want:
                fail("--conn %s: ids %s, expected %s" % (spec, sorted(x["id"] for x in sel), want))
        reused = [x for x in conns if x["client"]["port"] == 45678]
        if len(reused) < 2:
            fail("demo.pcap: expected the reused 4-tuple of port 45678")

        # --where: two passes give what --conn of the matched ids gives
        where = "ipv=6 port=45679"
        wp, wc = run_json(["-r", demo, "--where", where, "--timeline"])
        ids = sorted(x["id"] for x in wc)
        want = sorted(x["id"] for x in conns if x["ip_version"] == 6 and 45679 in (x["client"]["port"], x["server"]["port"]))
        if ids != want or not ids:
            fail("--where %r: ids %s, expected %s" % (where, ids, want))
        cp, _ = run_json(["-r", demo, "--conn", ",".join(str(i) for i in ids), "--timeline"])
        if wp != cp or not wp:
            fail("--where's timeline differs from --conn's of the same ids")
    if fails:
        print("%d failed, 0 passed" % fails)
        return 1
    print("all drill-down checks passed")
    return 0


sys.exit(main())
