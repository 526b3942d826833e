#!/usr/bin/env python3
"""by_server.py TCPSCOPE CAPTURE - check tcpscope's --by server and --by
client records, in JSON, CSV and text, against figures computed here from
tshark's per-frame fields (tshark -T fields), one TCP stream per connection:

  client          the sender of the stream's first SYN (without ACK)
  refused         the server's answer to the SYN is a RST, no SYN-ACK
  unanswered      the client sent a SYN, the server nothing at all
  reset           the stream has a RST and is not refused
  syn_retries     the client's SYNs beyond the first
  handshake RTT   last client SYN before the first SYN-ACK -> SYN-ACK ->
                  the client's first ACK after it (microseconds)
  data RTT        per direction the mean of tshark's tcp.analysis.ack_rtt
                  on the ACKs of the other side (rounded to the microsecond),
                  the two directions added; a sample counts only when the
                  segment it answers (tcp.analysis.acks_frame) was sent once
                  and nothing below its end was resent before the ACK
                  (Karn's rule, as tcptrace)
  percentiles     nearest rank: the value at rank ceil(p/100 * n)
  bytes           frame.len per direction; payload tcp.len; retransmitted
                  tcp.len of the frames tshark flags as retransmission,
                  fast or spurious retransmission
  zero window     per side, from a segment advertising window 0 (not SYN,
                  not RST) to the side's next segment with a window > 0,
                  whole milliseconds per episode; still zero at the end:
                  until the stream's last frame
  names           tls.handshake.extensions_server_name per stream
Exit 0 when everything agrees, 1 with the differences listed.
"""
import csv, io, json, math, subprocess, sys

TCPSCOPE, CAPTURE = sys.argv[1], sys.argv[2]
FIELDS = ["tcp.stream", "frame.number", "tcp.seq", "tcp.nxtseq", "tcp.analysis.acks_frame", "frame.time_epoch", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
          "tcp.srcport", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.reset",
          "frame.len", "tcp.len", "tcp.window_size", "tcp.analysis.ack_rtt",
          "tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
          "tcp.analysis.spurious_retransmission", "tls.handshake.extensions_server_name"]
problems = []


def us(t):  # an epoch time string with 9 decimals -> integer microseconds, exactly
    s, frac = t.split(".")
    return int(s) * 1000000 + int(frac.ljust(9, "0")[:6])


def tshark_frames():
    cmd = ["tshark", "-n", "-r", CAPTURE, "-o", "tcp.relative_sequence_numbers:TRUE",
           "-o", "tcp.calculate_timestamps:TRUE", "-T", "fields", "-E", "occurrence=f"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
    for line in out.decode().splitlines():
        v = dict(zip(FIELDS, line.split("\t")))
        if v["tcp.stream"]:
            yield v


def sent_once(seg, ack, mine):
    """Karn's rule as tcptrace applies it: the segment an ACK answers counts
    only if it was sent once, and nothing below its end was sent again
    between it and the ACK."""
    t0, t1 = us(seg["frame.time_epoch"]), us(ack["frame.time_epoch"])
    end = int(seg["tcp.nxtseq"] or 0)
    for v in mine:
        if v is seg:
            continue
        t = us(v["frame.time_epoch"])
        if v["tcp.seq"] == seg["tcp.seq"] and v["tcp.nxtseq"] == seg["tcp.nxtseq"]:
            return False  # the same segment sent again, before or after
        resent = any(v[f] for f in ("tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
                                    "tcp.analysis.spurious_retransmission"))
        if resent and t0 <= t <= t1 and int(v["tcp.seq"]) < end:
            return False
    return True


def connections():
    streams = {}
    for v in tshark_frames():
        streams.setdefault(int(v["tcp.stream"]), []).append(v)
    for frames in streams.values():
        src = lambda v: (v["ip.src"] or v["ipv6.src"], int(v["tcp.srcport"]))
        dst = lambda v: (v["ip.dst"] or v["ipv6.dst"], int(v["tcp.dstport"]))
        syn = lambda v: v["tcp.flags.syn"] in ("1", "True") and v["tcp.flags.ack"] not in ("1", "True")
        synack = lambda v: v["tcp.flags.syn"] in ("1", "True") and v["tcp.flags.ack"] in ("1", "True")
        flag = lambda v, f: v[f] in ("1", "True")
        first_syn = next(v for v in frames if syn(v))  # every stream here starts with one
        client, server = src(first_syn), dst(first_syn)
        c = {"client": client, "server": server, "v6": ":" in client[0]}
        side = lambda v: 0 if src(v) == client else 1
        sent = [[v for v in frames if side(v) == i] for i in (0, 1)]
        c["syns"] = sum(1 for v in sent[0] if syn(v))
        synacks = [v for v in sent[1] if synack(v)]
        c["refused"] = not synacks and bool(sent[1]) and flag(sent[1][0], "tcp.flags.reset")
        c["unanswered"] = c["syns"] > 0 and not sent[1]
        c["reset"] = any(flag(v, "tcp.flags.reset") for v in frames) and not c["refused"]
        c["hs"] = None
        if synacks:
            t_sa = us(synacks[0]["frame.time_epoch"])
            t_syn = max(us(v["frame.time_epoch"]) for v in sent[0] if syn(v) and us(v["frame.time_epoch"]) <= t_sa)
            acks = [us(v["frame.time_epoch"]) for v in sent[0] if flag(v, "tcp.flags.ack") and not syn(v)
                    and us(v["frame.time_epoch"]) >= t_sa]
            if acks:
                c["hs"] = acks[0] - t_syn
        halves = []
        by_number = {v["frame.number"]: v for v in frames}
        for i in (0, 1):  # RTT of side i's data: tshark's ack_rtt on the other side's ACKs, Karn's rule
            rtts = [us(v["tcp.analysis.ack_rtt"]) for v in sent[1 - i]
                    if v["tcp.analysis.ack_rtt"] and sent_once(by_number[v["tcp.analysis.acks_frame"]], v, sent[i])]
            if rtts:
                halves.append((sum(rtts) + len(rtts) // 2) // len(rtts))
        c["data"] = sum(halves) if halves else None
        c["bytes"] = [sum(int(v["frame.len"]) for v in sent[i]) for i in (0, 1)]
        c["payload"] = sum(int(v["tcp.len"] or 0) for v in frames)
        c["retx"] = sum(int(v["tcp.len"] or 0) for v in frames
                        if any(v[f] for f in ("tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
                                              "tcp.analysis.spurious_retransmission")))
        c["zw"] = []
        t_last = us(frames[-1]["frame.time_epoch"])
        for i in (0, 1):
            total, since = 0, None
            for v in sent[i]:
                if flag(v, "tcp.flags.reset"):
                    continue
                zero = v["tcp.window_size"] == "0" and not flag(v, "tcp.flags.syn")
                t = us(v["frame.time_epoch"])
                if zero and since is None:
                    since = t
                elif not zero and since is not None:
                    total += (t - since) // 1000
                    since = None
            if since is not None:
                total += (t_last - since) // 1000
            c["zw"].append(total)
        names = [v["tls.handshake.extensions_server_name"] for v in frames if v["tls.handshake.extensions_server_name"]]
        c["name"] = names[0] if names else None
        yield c


def nearest_rank(values, p):
    if not values:
        return None
    s = sorted(values)
    return s[math.ceil(p * len(s) / 100) - 1]


def ms(x):  # microseconds -> the JSON number as tcpscope writes it (3 decimals)
    return None if x is None else round(x / 1000, 3)


def expected(kind):
    groups = {}
    for c in connections():
        key = (c["server"][0], c["server"][1]) if kind == "server" else (c["client"][0],)
        groups.setdefault(key, []).append(c)
    out = {}
    for key, cs in groups.items():
        hs = [c["hs"] for c in cs if c["hs"] is not None]
        data = [c["data"] for c in cs if c["data"] is not None]
        names = {}
        for c in cs:
            if c["name"]:
                names[c["name"]] = names.get(c["name"], 0) + 1
        payload = sum(c["payload"] for c in cs)
        retx = sum(c["retx"] for c in cs)
        out[key] = {
            "names": sorted(([n, k] for n, k in names.items()), key=lambda x: (-x[1], x[0])),
            "connections": len(cs),
            "refused": sum(c["refused"] for c in cs),
            "unanswered": sum(c["unanswered"] for c in cs),
            "reset": sum(c["reset"] for c in cs),
            "syn_retries": sum(max(c["syns"] - 1, 0) for c in cs),
            "handshake_rtt_samples": len(hs),
            "handshake_rtt_p50_ms": ms(nearest_rank(hs, 50)),
            "handshake_rtt_p90_ms": ms(nearest_rank(hs, 90)),
            "handshake_rtt_p99_ms": ms(nearest_rank(hs, 99)),
            "handshake_rtt_max_ms": ms(max(hs) if hs else None),
            "data_rtt_samples": len(data),
            "data_rtt_p50_ms": ms(nearest_rank(data, 50)),
            "data_rtt_p99_ms": ms(nearest_rank(data, 99)),
            "c2s_bytes": sum(c["bytes"][0] for c in cs),
            "s2c_bytes": sum(c["bytes"][1] for c in cs),
            "payload_bytes": payload,
            "retransmitted_bytes": retx,
            "retx_share": round(retx / payload, 6) if payload else None,
            "c2s_zero_window_time": sum(c["zw"][0] for c in cs) / 1000,
            "s2c_zero_window_time": sum(c["zw"][1] for c in cs) / 1000,
        }
    return out


def run(*args):
    p = subprocess.run([TCPSCOPE, "-r", CAPTURE] + list(args), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if p.returncode != 0:
        problems.append("tcpscope %s exited %d" % (" ".join(args), p.returncode))
    return p.stdout.decode()


def compare(what, key, got, want):
    for f, w in want.items():
        g = got.get(f, "(missing)")
        if isinstance(w, float) and isinstance(g, (int, float)) and g is not None:
            same = abs(g - w) < 1e-9
        else:
            same = g == w
        if not same:
            problems.append("%s %s %s: tcpscope %r, tshark %r" % (what, key, f, g, w))


def check(kind):
    want = expected(kind)
    # JSON Lines
    got = {}
    for line in run("--by", kind, "-F", "json").splitlines():
        r = json.loads(line)
        if r["type"] == "summary":
            continue
        if r["type"] != kind:
            problems.append("json: record of type %r" % r["type"])
            continue
        h = r[kind]
        key = (h["ip"], h["port"]) if kind == "server" else (h["ip"],)
        r["names"] = [[n["name"], n["connections"]] for n in r["names"]]
        got[key] = r
    if set(got) != set(want):
        problems.append("json %s: groups %s, tshark %s" % (kind, sorted(got), sorted(want)))
    for key in want:
        compare("json " + kind, key, got.get(key, {}), want[key])
    # order: most connections first, then the address
    conns = [got[k]["connections"] for k in got]
    if conns != sorted(conns, reverse=True):
        problems.append("json %s: not in order of connections: %s" % (kind, conns))
    # CSV, with the csv module: numbers as text, empty for null
    rows = list(csv.DictReader(io.StringIO(run("--by", kind, "-F", "csv"))))
    got = {}
    for r in rows:
        key = (r["server_ip"], int(r["server_port"])) if kind == "server" else (r["client_ip"],)
        conv = {}
        for f, w in want[key].items() if key in want else []:
            cell = r.get(f)
            if f == "names":
                conv[f] = [[p.rsplit(" (", 1)[0], int(p.rsplit(" (", 1)[1][:-1])] for p in cell.split("; ")] if cell else []
            elif cell == "":
                conv[f] = None
            elif cell is None:
                conv[f] = "(missing)"
            else:
                conv[f] = float(cell) if "." in cell else int(cell)
        got[key] = conv
    if set(got) != set(want):
        problems.append("csv %s: groups %s, tshark %s" % (kind, sorted(got), sorted(want)))
    for key in want:
        compare("csv " + kind, key, got.get(key, {}), want[key])
    # text: the host and the counts (the times are in units for people)
    lines = run("--by", kind, "-F", "text").split("\n\n")[0].splitlines()
    header = lines[0]
    cols = {"CONNS": "connections", "REFUSED": "refused", "UNANS": "unanswered", "RESET": "reset",
            "SYN-RETRY": "syn_retries"}
    for line in lines[1:]:
        host = line.split()[0]
        if kind == "server":
            ip, port = host.rsplit(":", 1)
            key = (ip.strip("[]"), int(port))
        else:
            key = (host,)
        if key not in want:
            problems.append("text %s: unknown host %s" % (kind, host))
            continue
        # numbers are right-aligned under their title: the cell ends where the title ends
        for title, f in cols.items():
            end = header.index(" " + title + " ") + 1 + len(title)
            value = line[:end].split()[-1]
            if value != str(want[key][f]):
                problems.append("text %s %s %s: tcpscope %s, tshark %d" % (kind, host, title, value, want[key][f]))
    if len(lines) - 1 != len(want):
        problems.append("text %s: %d rows, tshark %d groups" % (kind, len(lines) - 1, len(want)))
    return want


for kind in ("server", "client"):
    want = check(kind)
    print("%s: %d groups checked in JSON, CSV and text" % (kind, len(want)))
if problems:
    print("\n".join(problems))
    sys.exit(1)
