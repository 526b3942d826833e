#!/usr/bin/env python3
"""plot_check.py - check tcpscope's SVG plots against tshark and a real renderer.

  plot_check.py capture PCAP STREAM TSEQ.svg TPUT.svg
      One tshark pass over the connection that is tshark's tcp.stream
      STREAM in PCAP, then its time-sequence SVG: valid XML; every retransmission tshark flags
      (tcp.analysis.retransmission, fast_retransmission or
      spurious_retransmission) is one drawn element with its frame number,
      and no other; tshark's fast retransmissions are drawn as fast (tcpscope
      may call more of them fast: docs/DESIGN.md), its spurious ones as
      spurious; every zero-window advertisement (tcp.analysis.zero_window)
      is one drawn mark lying inside a shaded zero-window span; all of them
      inside their panel's drawing area.
      Its throughput SVG: each direction's bytes per interval (data-bytes)
      equal tshark's tcp.len summed per interval of frame.time_relative
      from the stream's first packet.
  plot_check.py xml SVG...
      Each file is well-formed XML with an <svg> root.
Exit 0 when all hold, 1 otherwise (the differences printed).
"""
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

NS = "{http://www.w3.org/2000/svg}"
PREFS = ["-o", "tcp.analyze_sequence_numbers:TRUE", "-o", "tcp.relative_sequence_numbers:TRUE",
         "-o", "tcp.calculate_timestamps:TRUE", "-o", "tcp.check_checksum:FALSE"]


FIELDS = ["frame.number", "frame.time_relative", "ip.src", "ipv6.src", "tcp.srcport", "tcp.len", "tcp.flags.syn",
          "tcp.flags.ack", "tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
          "tcp.analysis.spurious_retransmission", "tcp.analysis.zero_window"]


def tshark_packets(pcap, stream):
    """one tshark pass: the stream's packets as dicts of FIELDS (short names)"""
    cmd = ["tshark", "-n", "-r", pcap] + PREFS + ["-Y", "tcp.stream == %d" % stream, "-T", "fields",
                                                  "-E", "separator=\t"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    keys = ["number", "time", "ip4", "ip6", "port", "len", "syn", "ack", "retransmission", "fast_retransmission",
            "spurious_retransmission", "zero_window"]
    return [dict(zip(keys, line.split("\t"))) for line in out.splitlines() if line]


def classes(el):
    return set((el.get("class") or "").split())


def load(path):
    root = ET.parse(path).getroot()
    if root.tag != NS + "svg":
        raise ValueError("%s: root is %s, not svg" % (path, root.tag))
    return root


def areas(root):
    """clip rectangles of the panels: (x0, y0, x1, y1)"""
    out = []
    for cp in root.iter(NS + "clipPath"):
        r = cp.find(NS + "rect")
        x, y = float(r.get("x")), float(r.get("y"))
        out.append((x, y, x + float(r.get("width")), y + float(r.get("height"))))
    return out


def path_x(d):
    # "Mx y1Vy2"
    return float(d[1:].split()[0])


def check_tseq(svg, pcap, pkts):
    root = load(svg)
    errs = []
    boxes = areas(root)

    def inside(x):
        return any(b[0] - 0.1 <= x <= b[2] + 0.1 for b in boxes)

    drawn = {}
    zmarks = {}
    spans = []
    for el in root.iter():
        c = classes(el)
        if "retx" in c and el.get("data-frame"):
            f = int(el.get("data-frame"))
            if f in drawn:
                errs.append("frame %d drawn twice as a retransmission" % f)
            drawn[f] = (c - {"retx"}).pop()
            if not inside(path_x(el.get("d"))):
                errs.append("retransmission %d outside the drawing area" % f)
        elif "zwin" in c and el.tag == NS + "circle":
            zmarks[int(el.get("data-frame"))] = float(el.get("cx"))
        elif "zwin-span" in c and el.tag == NS + "rect" and el.get("data-t0"):
            x = float(el.get("x"))
            spans.append((x, x + float(el.get("width"))))
    rows = [p for p in pkts if p["retransmission"] or p["fast_retransmission"] or p["spurious_retransmission"]]
    want = {int(p["number"]) for p in rows}
    fast = {int(p["number"]) for p in rows if p["fast_retransmission"]}
    spurious = {int(p["number"]) for p in rows if p["spurious_retransmission"]}
    if set(drawn) != want:
        errs.append("retransmissions: tshark %d, drawn %d; only tshark: %s; only drawn: %s" % (
            len(want), len(drawn), sorted(want - set(drawn))[:10], sorted(set(drawn) - want)[:10]))
    for f in sorted(fast):
        if drawn.get(f) != "fast":
            errs.append("frame %d: tshark fast retransmission, drawn as %s" % (f, drawn.get(f)))
    drawn_spurious = {f for f, k in drawn.items() if k == "spurious"}
    if drawn_spurious != spurious:
        errs.append("spurious: tshark %s, drawn %s" % (sorted(spurious), sorted(drawn_spurious)))
    zw = {int(p["number"]) for p in pkts if p["zero_window"]}
    if set(zmarks) != zw:
        errs.append("zero windows: tshark %s, drawn %s" % (sorted(zw), sorted(zmarks)))
    for f, cx in zmarks.items():
        if not any(a - 0.1 <= cx <= b + 0.1 for a, b in spans):
            errs.append("zero window of frame %d (x %.1f) outside every shaded span %s" % (f, cx, spans))
        if not inside(cx):
            errs.append("zero window of frame %d outside the drawing area" % f)
    kinds = defaultdict(int)
    for k in drawn.values():
        kinds[k] += 1
    print("%s: %d retransmissions as tshark (%d fast there; drawn %s), %d zero windows in %d spans" % (
        pcap, len(want), len(fast), dict(sorted(kinds.items())), len(zw), len(spans)))
    return errs


def check_tput(svg, pcap, pkts):
    root = load(svg)
    errs = []
    rows = [(p["time"], p["ip4"] or p["ip6"], p["port"], p["len"], p["syn"], p["ack"]) for p in pkts]
    t0 = float(rows[0][0])
    # the client sent the first SYN (or, without one, the first packet)
    first = next((r for r in rows if r[4] == "1" and r[5] == "0"), rows[0])
    client = (first[1], first[2])
    groups = [g for g in root.iter(NS + "g") if "tput" in classes(g)]
    if len(groups) != 2:
        return ["expected 2 throughput series, found %d" % len(groups)]
    for g in groups:
        d = int(g.get("data-dir"))
        interval = float(g.get("data-interval"))
        drawn = [int(v) for v in g.get("data-bytes").split()]
        want = [0] * len(drawn)
        for r in rows:
            if ((r[1], r[2]) == client) != (d == 0):
                continue
            k = min(int((float(r[0]) - t0) / interval + 1e-9), len(want) - 1)
            want[k] += int(r[3] or 0)
        if drawn != want:
            diff = [(k, want[k], drawn[k]) for k in range(len(want)) if want[k] != drawn[k]]
            errs.append("dir %d: bytes per %g s differ (bin, tshark, drawn): %s" % (d, interval, diff[:8]))
        else:
            print("%s: dir %d: %d bins of %g s, %d bytes, as tshark" % (pcap, d, len(want), interval, sum(want)))
    return errs


def main(argv):
    mode = argv[1]
    errs = []
    if mode == "xml":
        for p in argv[2:]:
            try:
                load(p)
            except Exception as e:  # noqa: BLE001 - any parse failure is the finding
                errs.append("%s: %s" % (p, e))
    elif mode == "capture":
        pcap, stream, tseq, tput = argv[2], int(argv[3]), argv[4], argv[5]
        pkts = tshark_packets(pcap, stream)
        errs = check_tseq(tseq, pcap, pkts) + check_tput(tput, pcap, pkts)
    else:
        sys.exit(__doc__)
    for e in errs:
        print("FAIL " + e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
