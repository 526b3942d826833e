#!/usr/bin/env python3
"""netns_facts.py FILE - what tshark sees in a capture, per TCP stream: the
facts record_netns.sh and README.md quote for the life-cycle and window
captures.

Per stream (tshark's tcp.stream; client = the sender of the first SYN
without ACK, else of the first packet): packets and payload bytes each way,
SYN / SYN-ACK counts with their times relative to the stream's first packet,
every FIN and RST (time, the FIN's own relative sequence number, i.e.
tcp.seq + tcp.len, and the ACK field), and per direction the number of frames
tshark marks with each tcp.analysis.* flag, frames carrying SACK blocks,
SACK blocks (tcp.options.sack.count summed) and D-SACK blocks
(tcp.options.sack.dsack_le).  tshark's default preferences (relative
sequence numbers, analysis on).
"""
import subprocess, sys

FLAGS = ["retransmission", "fast_retransmission", "spurious_retransmission",
         "out_of_order", "lost_segment", "ack_lost_segment", "duplicate_ack",
         "zero_window", "zero_window_probe", "zero_window_probe_ack",
         "keep_alive", "keep_alive_ack", "window_update", "window_full"]
FIELDS = ["tcp.stream", "frame.time_relative", "ip.src", "ipv6.src",
          "tcp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport", "tcp.flags.syn",
          "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset", "tcp.seq",
          "tcp.ack", "tcp.len", "tcp.options.sack.count",
          "tcp.options.sack.dsack_le", "frame.number"] + \
         ["tcp.analysis." + f for f in FLAGS]


def rows(path):
    cmd = ["tshark", "-n", "-r", path, "-Y", "tcp", "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=True).stdout.decode()
    for line in out.splitlines():
        v = dict(zip(FIELDS, line.split("\t")))
        yield v


def facts(path):
    streams = {}
    for v in rows(path):
        st = int(v["tcp.stream"])
        src = "%s:%s" % (v["ip.src"] or "[%s]" % v["ipv6.src"], v["tcp.srcport"])
        dst = "%s:%s" % (v["ip.dst"] or "[%s]" % v["ipv6.dst"], v["tcp.dstport"])
        streams.setdefault(st, []).append((src, dst, v))
    res = {}
    for st, pkts in sorted(streams.items()):
        cli = None
        for src, dst, v in pkts:
            if v["tcp.flags.syn"] == "1" and v["tcp.flags.ack"] == "0":
                cli = src
                break
        if cli is None:
            cli = pkts[0][0]
        srv = pkts[0][1] if pkts[0][0] == cli else pkts[0][0]
        t0 = float(pkts[0][2]["frame.time_relative"])
        d = {"client": cli, "server": srv, "t0": t0,
             "first_frame": int(pkts[0][2]["frame.number"]),
             "c2s": {}, "s2c": {}, "syn_t": [], "synack_t": [],
             "fin": {}, "rst": {}, "events": []}
        for src, dst, v in pkts:
            dr = "c2s" if src == cli else "s2c"
            side = "client" if dr == "c2s" else "server"
            c = d[dr]
            t = float(v["frame.time_relative"]) - t0
            c["packets"] = c.get("packets", 0) + 1
            c["payload"] = c.get("payload", 0) + int(v["tcp.len"] or 0)
            syn, ack = v["tcp.flags.syn"] == "1", v["tcp.flags.ack"] == "1"
            if syn and not ack:
                d["syn_t"].append((side, t))
            elif syn:
                d["synack_t"].append((side, t))
            if v["tcp.flags.fin"] == "1":   # the FIN's own sequence number
                fs = int(v["tcp.seq"]) + int(v["tcp.len"] or 0)
                d["fin"].setdefault(side, (t, fs, int(v["tcp.ack"] or 0)))
                d["events"].append((t, side, "FIN", fs, int(v["tcp.ack"] or 0)))
            if v["tcp.flags.reset"] == "1":
                d["rst"].setdefault(side, (t, int(v["tcp.seq"]), int(v["tcp.ack"] or 0)))
                d["events"].append((t, side, "RST", int(v["tcp.seq"]), int(v["tcp.ack"] or 0)))
            for f in FLAGS:
                if v["tcp.analysis." + f]:
                    c[f] = c.get(f, 0) + 1
            if v["tcp.options.sack.count"]:
                c["sack_frames"] = c.get("sack_frames", 0) + 1
                c["sack_blocks"] = c.get("sack_blocks", 0) + sum(
                    int(x) for x in v["tcp.options.sack.count"].split(","))
            if v["tcp.options.sack.dsack_le"]:
                c["dsack_blocks"] = c.get("dsack_blocks", 0) + \
                    len(v["tcp.options.sack.dsack_le"].split(","))
        res[st] = d
    return res


# --check NAME FILE: the intended facts of each netns_peers.py scenario;
# each check returns a list of problems (empty: the capture is as intended)
def _one(res, n=1):
    return [] if len(res) == n else ["%d TCP streams, want %d" % (len(res), n)]


def _fins(d):
    return [(t, side, seq, ack) for t, side, w, seq, ack in d["events"] if w == "FIN"]


def _closed_by(d, first):
    """FIN/FIN close, `first` side's FIN first, the other side's FIN sent
    after the first FIN arrived (its ack covers it), no RST"""
    p = []
    other = "server" if first == "client" else "client"
    if d["rst"]:
        p.append("unexpected RST")
    if set(d["fin"]) != {"client", "server"}:
        return p + ["FINs from %s only" % sorted(d["fin"])]
    if d["fin"][first][0] >= d["fin"][other][0]:
        p.append("the %s did not send the first FIN" % first)
    if d["fin"][other][2] != d["fin"][first][1] + 1:
        p.append("the %s's FIN does not ACK the %s's FIN" % (other, first))
    return p


def ck_unanswered(res):
    p = _one(res, 3)
    for st, d in res.items():
        if d["s2c"]:
            p.append("stream %d: something answered" % st)
        if len(d["syn_t"]) < 4:
            p.append("stream %d: %d SYNs, want at least 4" % (st, len(d["syn_t"])))
    if [d["client"].startswith("[") for st, d in sorted(res.items())] != [False, True, False]:
        p.append("want IPv4, IPv6, IPv4 streams")
    if not p:   # the last one: exponential back-off, 4 SYNs at 0, 1, 3, 7 s
        t = [x for s, x in res[2]["syn_t"]]
        if len(t) != 4 or any(abs(a - b) > 0.5 for a, b in zip(t, (0, 1, 3, 7))):
            p.append("stream 2: SYNs at %r, want about 0, 1, 3, 7 s" % t)
    return p


def ck_close_client_first(res):
    return _one(res) or _closed_by(res[0], "client")


def ck_close_server_first(res):
    return _one(res) or _closed_by(res[0], "server")


def ck_half_close(res):
    p = _one(res) or _closed_by(res[0], "client")
    if not p:
        d = res[0]
        if d["fin"]["server"][1] - d["fin"]["client"][2] < 10000:
            p.append("the server did not send its 10000 bytes after the client's FIN")
    return p


def ck_abort_linger0(res):
    p = _one(res, 2)
    if p:
        return p
    a, b = res[0], res[1]
    if list(a["rst"]) != ["client"] or a["fin"]:
        p.append("stream 0: want a RST from the client and no FIN")
    if list(b["rst"]) != ["server"] or b["fin"]:
        p.append("stream 1: want a RST from the server and no FIN")
    if b["c2s"].get("payload") != 2008 or b["s2c"].get("payload", 0) != 0:
        p.append("stream 1: want 2008 bytes from the client, none back")
    return p


def ck_keepalive_idle(res):
    p = _one(res) or _closed_by(res[0], "client")
    if not p:
        d = res[0]
        if d["c2s"].get("keep_alive", 0) < 3 or d["s2c"].get("keep_alive_ack", 0) < 3:
            p.append("want at least 3 keep-alives from the client and 3 ACKs")
    return p


def ck_simultaneous_close(res):
    p = _one(res)
    if p:
        return p
    d = res[0]
    if d["rst"]:
        p.append("unexpected RST")
    if set(d["fin"]) != {"client", "server"}:
        return p + ["FINs from %s only" % sorted(d["fin"])]
    for t, side, seq, ack in _fins(d):
        peer_fin_seq = d["fin"]["server" if side == "client" else "client"][1]
        if ack > peer_fin_seq:
            p.append("the %s's FIN at %.6f ACKs the peer's FIN: not simultaneous" % (side, t))
    if len(_fins(d)) != 2:
        p.append("%d FIN segments, want exactly 2 (no retransmission)" % len(_fins(d)))
    return p


def ck_simultaneous_open(res):
    p = _one(res) or _closed_by(res[0], "client")
    if p:
        return p
    d = res[0]
    if sorted(s for s, t in d["syn_t"]) != ["client", "server"]:
        p.append("want one SYN without ACK from each side, got %r" % d["syn_t"])
    if sorted(s for s, t in d["synack_t"]) != ["client", "server"]:
        p.append("want one SYN-ACK from each side, got %r" % d["synack_t"])
    if d["rst"]:
        p.append("unexpected RST")
    return p


def ck_rst_in_transfer(res):
    p = _one(res)
    if p:
        return p
    d = res[0]
    if list(d["rst"]) != ["server"] or d["fin"]:
        p.append("want a RST from the server and no FIN")
    if d["s2c"].get("payload", 0) < 65536:
        p.append("the RST did not come during a transfer")
    return p


def ck_zero_window(res):
    p = _one(res) or _closed_by(res[0], "server")
    if not p:
        d = res[0]
        if d["c2s"].get("zero_window", 0) < 1:
            p.append("no zero window from the client")
        if d["s2c"].get("zero_window_probe", 0) + d["s2c"].get("keep_alive", 0) < 2:
            p.append("fewer than 2 zero-window probes (or keep-alives) from the server")
        if d["s2c"].get("payload") < 2 << 20:
            p.append("short transfer")
    return p


def ck_dsack(res):
    p = _one(res) or _closed_by(res[0], "server")
    if not p and res[0]["c2s"].get("dsack_blocks", 0) < 1:
        p.append("no D-SACK block from the client")
    return p


CHECKS = {k[3:]: v for k, v in globals().items() if k.startswith("ck_")}


def main():
    if sys.argv[1] == "--check":
        name, path = sys.argv[2], sys.argv[3]
        problems = CHECKS[name](facts(path)) if name in CHECKS else []
        for p in problems:
            sys.stderr.write("  %s: %s\n" % (name, p))
        if problems:
            sys.exit(1)
        summary(path, "  %s: " % name)
        return
    summary(sys.argv[1], "")


def summary(path, pre):
    def print(s):
        sys.stdout.write(pre + s + "\n")
    for st, d in facts(path).items():
        print("stream %d: client %s -> server %s (first frame %d, t=%.6f s)"
              % (st, d["client"], d["server"], d["first_frame"], d["t0"]))
        for dr in ("c2s", "s2c"):
            c = d[dr]
            extra = ", ".join("%s %d" % (k, v) for k, v in c.items()
                              if k not in ("packets", "payload"))
            print("  %s: %d packets, %d payload bytes%s" % (
                dr, c.get("packets", 0), c.get("payload", 0),
                "; " + extra if extra else ""))
        if d["syn_t"]:
            print("  SYN x%d at %s" % (len(d["syn_t"]), ", ".join(
                "%s %.3f" % (s, t) for s, t in d["syn_t"])))
        if d["synack_t"]:
            print("  SYN-ACK x%d at %s" % (len(d["synack_t"]), ", ".join(
                "%s %.3f" % (s, t) for s, t in d["synack_t"])))
        for t, side, what, seq, ack in d["events"]:
            print("  %s by %s at %.6f s (relative seq %d, ack %d)" % (what, side, t, seq, ack))


if __name__ == "__main__":
    main()
