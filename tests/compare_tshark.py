#!/usr/bin/env python3
"""compare_tshark.py - compare tcpscope's connection records with tshark.

Shared helper of tests/tshark_golden.sh and tests/shared_crosscheck.sh
(python3 standard library only).

  compare_tshark.py golden --tcpscope BIN [--cut-short-ok] FILE
      Runs tshark (preferences pinned as in ../shared/captures/make_ref.sh)
      and "tcpscope -r FILE -F json" on FILE and compares, per connection and
      per direction: packets, bytes (frame.len) and payload_bytes (tcp.len),
      and the client/server orientation.  Also per connection, from a
      second tshark pass over the same file: tcpscope's tls.sni against
      tls.handshake.extensions_server_name of the stream's first
      ClientHello (its first name), and tcpscope's http.method / http.host
      against http.request.method / http.host of the stream's first HTTP
      request (see "Application layer" below).  Prints "ok FILE N
      connections" or one line per difference, then "  l7 FILE: SNI agree
      A/P, with a name a/n; HTTP agree B/P, with a request b/r" (P = paired
      connections, n = those with a server name on either side, r = those
      with an HTTP request on either side).
      Exit 0 = agree, 1 = differ, 2 = could not run.

  compare_tshark.py seq --tcpscope BIN [--tcptrace] FILE
      The sequence-analysis fields only (see golden's "seq" line): one
      tshark pass, per connection and direction retransmissions, dup_acks,
      sack_blocks, dsack_blocks, zero_windows; with --tcptrace also RTT
      min/avg/max against tcptrace -n -l -r.  Prints the tallies and up to
      --max-diffs differences; exit 0 (the caller applies a threshold).

  compare_tshark.py ref --tcpscope BIN --ref REF.tsv --frames N --tshark-rc RC FILE
      Compares tcpscope's records for FILE with a make_ref.sh reference
      table (per-stream totals: client, server, packets, bytes,
      payload_bytes) and with the file's line in ref/_status.tsv (frames
      tshark read, tshark's exit code).  Prints "FILE: agree A/T" (T = max
      of both sides' connection counts) and the differences.  A file tshark
      could not open at all (exit code != 0, no frame read) must make
      tcpscope exit 1; a file tshark read only in part must give tcpscope
      exit 0 with a "warning" in the summary; otherwise tcpscope must exit 0
      and its summary's frames must equal tshark's.  Also the SNI: for
      every connection paired with a reference stream, tcpscope's tls.sni
      must be one of the ref's "sni" values (tshark's distinct
      tls.handshake.extensions_server_name values in the stream, ';'-joined);
      an empty "sni" and no tls.sni (no tls object, or "sni": null) agree.
      Prints "  SNI FILE: agree S/P, with a name A/N" (P = paired
      connections, N = those with a name on either side) and one line per
      difference; --sni-known STREAM=REASON (repeatable) lists an expected
      difference on the ref's stream STREAM, printed with its reason; it
      must still differ.  Exit status: 0 = everything agrees exactly (SNI
      differences all listed), 2 = could not run, else the sum of 1 (the
      counts differ) and 4 (an SNI difference not listed, or a listed one
      that now agrees).

Matching: tshark streams and tcpscope connections are grouped by their
unordered endpoint pair; inside a group they are paired in order of first
packet (tshark: first frame number; tcpscope: connection id, which is given
in order of creation).  Anything left over on either side is a difference.

Orientation rule (make_ref.sh's, and tcpscope's documented one): client =
source of the first pure SYN; else destination of the first SYN-ACK; else
the higher port is the client (the lower port is taken as the server); if
both ports are equal, the source of the first packet.  direction_inferred
must be true exactly when neither a SYN nor a SYN-ACK was seen.

Expected differences between tcpscope and tshark, applied to tshark's
frames in golden mode and printed as notes whenever they change anything
(never silently):
  * IP fragments.  tcpscope counts IPv4/IPv6 fragments in the summary
    (ip_fragments) and does not reassemble them nor attribute them to a
    connection (documented decision).  tshark reassembles and gives the
    reassembled TCP segment to the frame of the last fragment.  So frames
    with ip.flags.mf == 1 or ip.frag_offset > 0 (IPv6: a fragment header
    with M = 1 or offset > 0) are dropped from tshark's per-stream counts,
    and their number must equal tcpscope's summary ip_fragments.
  * TCP headers quoted inside ICMP/ICMPv6 errors are not packets of a
    connection (tshark gives them a tcp.stream; make_ref.sh skips them too).
  * Malformed headers that tshark flags yet still gives a tcp.stream:
    a TCP data offset below 5 (tcp.bogus_header_length), a TCP header longer
    than the segment (tcp.short_segment), an IPv4 total length larger than
    the frame carried on the wire (ip.bogus_ip_length; a snaplen cut does not
    raise it).  tcpscope counts these frames in decode_errors
    (bad_tcp_header_len, bad_ip_total_len), not as packets.

Application layer (golden mode).  A second tshark pass, same preferences,
display filter "tls.handshake.type == 1 || http.request.method" (not
"http.request": tshark sets that flag only once it has parsed the whole
header, which a snaplen-cut request never gives it), all occurrences
of each field (tcp.stream: the last one, the innermost, as in the first
pass; the TLS and HTTP fields: the first one, the first message in the
frame).  Per tshark stream, the first frame with a
ClientHello gives the expected SNI (its first server_name entry, or none)
and the first frame with an HTTP request gives the expected method and Host
(none when that request has no Host header).  tcpscope's connection record
must have exactly that: tls.sni equal to the name, or no name (no tls
object, or "sni": null) when tshark has none; http.method and http.host
likewise (no http object agrees with no request).  Frames set aside above
(ICMP quotes, fragments, malformed headers) are set aside here too.  A
difference is printed with both values and the frame tshark took them
from, and fails the file, also one listed with --known-diff (that option
excuses per-connection packet figures only), unless it is listed with
--l7-known KIND:STREAM=REASON (KIND sni or http, STREAM tshark's tcp.stream
index): then it is printed with its reason, and it must still differ.
"""

import argparse
import ipaddress
import json
import os
import subprocess
import sys
import tempfile

TSHARK_PREFS = [
    "-o", "tcp.analyze_sequence_numbers:TRUE", "-o", "tcp.relative_sequence_numbers:TRUE",
    "-o", "tcp.desegment_tcp_streams:TRUE", "-o", "tcp.calculate_timestamps:TRUE",
    "-o", "tcp.check_checksum:FALSE", "-o", "tcp.track_bytes_in_flight:TRUE",
    "-o", "ip.defragment:TRUE", "-o", "ipv6.defragment:TRUE",
]
FIELDS = ["frame.number", "frame.len", "frame.protocols", "tcp.stream",
          "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport",
          "tcp.len", "tcp.flags.syn", "tcp.flags.ack", "ip.flags.mf", "ip.frag_offset",
          "ipv6.fraghdr.offset", "ipv6.fraghdr.more", "tcp.bogus_header_length",
          "tcp.short_segment", "ip.bogus_ip_length",
          # sequence analysis (one value per frame: occurrence=l is enough,
          # a segment has at most one SACK option)
          "tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
          "tcp.analysis.spurious_retransmission", "tcp.analysis.duplicate_ack",
          "tcp.analysis.zero_window", "tcp.options.sack.count", "tcp.options.sack.dsack_le"]
# tcpscope's names of the per-direction fields compared with tshark, in the
# order Stream keeps them after packets/bytes/payload.
SEQ_FIELDS = ["retransmissions", "retransmitted_bytes", "dup_acks", "sack_blocks", "dsack_blocks",
              "zero_windows"]


def on(v):
    return v not in ("", "0", "False", "false")


def ep(ip, port):
    return ("[%s]:%s" % (ip, port)) if ":" in ip else ("%s:%s" % (ip, port))


class Stream:
    """One tshark TCP stream: per sending endpoint packets/bytes/payload."""

    def __init__(self, key, first_frame, src, dst, sport, dport, index=None):
        self.key, self.first_frame, self.index = key, first_frame, index
        self.first_src, self.first_dst = src, dst
        self.first_sport, self.first_dport = sport, dport
        self.syn = None          # (client, server) from the first pure SYN
        self.synack = None       # (client, server) from the first SYN-ACK
        self.by_sender = {}      # endpoint -> [packets, bytes, payload] + SEQ_FIELDS
        self.frames = set()      # frame numbers counted in this stream
        self.hello = None        # (frame, SNI or None): first ClientHello
        self.request = None      # (frame, method, Host or None): first HTTP request

    def add(self, fnum, src, flen, tlen, seq=(0,) * len(SEQ_FIELDS)):
        self.frames.add(fnum)
        c = self.by_sender.setdefault(src, [0] * (3 + len(SEQ_FIELDS)))
        c[0] += 1
        c[1] += flen
        c[2] += tlen
        for i, n in enumerate(seq):
            c[3 + i] += n

    def orientation(self):
        """(client, server, basis) by make_ref.sh's rule."""
        if self.syn:
            return self.syn + ("syn",)
        if self.synack:
            return self.synack + ("synack",)
        if self.first_sport > self.first_dport:
            return self.first_src, self.first_dst, "port"
        if self.first_sport < self.first_dport:
            return self.first_dst, self.first_src, "port"
        return self.first_src, self.first_dst, "first"


def run_tshark(path):
    """Returns (rc, stderr_text, frames_read, streams{stream: Stream}, notes
    {reason: count}, fragment_frames)."""
    cmd = ["tshark", "-n", "-r", path] + TSHARK_PREFS + [
        "-T", "fields", "-E", "header=n", "-E", "separator=/t", "-E", "occurrence=l"]
    for f in FIELDS:
        cmd += ["-e", f]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = "\n".join(l for l in p.stderr.decode(errors="replace").splitlines()
                    if l and "Running as user" not in l)
    streams, notes, nframes, nfrag = {}, {}, 0, 0
    for line in p.stdout.decode(errors="replace").splitlines():
        v = line.split("\t")
        if len(v) < len(FIELDS):
            v += [""] * (len(FIELDS) - len(v))
        (fnum, flen, protos, st, ip_s, ip_d, ip6_s, ip6_d, sp, dp, tlen, syn, ack,
         mf, foff, f6off, f6more, bogus_tcp_hlen, short_seg, bogus_ip_len,
         retx, fast, spurious, dup, zwin, sack_count, dsack) = v[:len(FIELDS)]
        nframes += 1
        is_frag = (on(mf) or (foff not in ("", "0"))
                   or (f6off not in ("", "0")) or on(f6more))
        if is_frag:
            nfrag += 1
        if st == "":
            continue
        prs = protos.split(":")
        l3, icmp = "", False
        for pr in prs:
            if pr == "tcp":
                break
            if pr in ("ip", "ipv6"):
                l3 = pr
            if pr in ("icmp", "icmpv6"):
                icmp = True
        if icmp:
            notes["TCP header quoted in an ICMP error: not a packet"] = \
                notes.get("TCP header quoted in an ICMP error: not a packet", 0) + 1
            continue
        if is_frag:
            k = "IP fragment: tshark reassembles, tcpscope counts ip_fragments only"
            notes[k] = notes.get(k, 0) + 1
            continue
        bad = None
        if bogus_tcp_hlen != "":
            bad = "TCP data offset < 5 (tcp.bogus_header_length): tcpscope decode error"
        elif short_seg != "":
            bad = "TCP header longer than the segment (tcp.short_segment): tcpscope decode error"
        elif bogus_ip_len != "":
            bad = "IPv4 total length beyond the frame (ip.bogus_ip_length): tcpscope decode error"
        if bad:
            notes[bad] = notes.get(bad, 0) + 1
            continue
        if l3 == "ipv6":
            s, d = ep(ip6_s, sp), ep(ip6_d, dp)
        else:
            s, d = ep(ip_s, sp), ep(ip_d, dp)
        stream = streams.get(st)
        if stream is None:
            stream = streams[st] = Stream(frozenset((s, d)), int(fnum), s, d, int(sp), int(dp), st)
        # the DESIGN.md counting rule: a packet counts once in
        # retransmissions if tshark flags any of the three kinds
        # retransmitted_bytes: tcp.len summed over those same frames
        resent = bool(retx or fast or spurious)
        seq = (int(resent), int(tlen) if (resent and tlen) else 0, int(bool(dup)),
               int(sack_count) if sack_count else 0, int(bool(dsack)), int(bool(zwin)))
        stream.add(int(fnum), s, int(flen), int(tlen) if tlen else 0, seq)
        if on(syn) and not on(ack) and stream.syn is None:
            stream.syn = (s, d)
        if on(syn) and on(ack) and stream.synack is None:
            stream.synack = (d, s)
    return p.returncode, err, nframes, streams, notes, nfrag


L7_FIELDS = ["frame.number", "tcp.stream", "tls.handshake.type",
             "tls.handshake.extensions_server_name", "http.request.method", "http.host"]
AGG = "\x1f"    # aggregator between occurrences: not in a tshark-printed name


def start_tshark_l7(path):
    """Starts the second tshark pass (it runs while the first one does);
    its output goes to a temporary file.  Returns what finish_tshark_l7 needs."""
    cmd = ["tshark", "-n", "-r", path] + TSHARK_PREFS + [
        "-Y", "tls.handshake.type == 1 || http.request.method",
        "-T", "fields", "-E", "header=n", "-E", "separator=/t",
        "-E", "occurrence=a", "-E", "aggregator=" + AGG]
    for f in L7_FIELDS:
        cmd += ["-e", f]
    out = tempfile.TemporaryFile()
    return subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL), out


def tshark_unescape(v):
    """Undo the escapes tshark -T fields puts in a value (backslash, newline,
    CR and tab written as two characters), so that a name holding a newline
    compares with tcpscope's JSON string."""
    if v is None or "\\" not in v:
        return v
    out, i = [], 0
    named = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}
    while i < len(v):
        if v[i] == "\\" and i + 1 < len(v) and v[i + 1] in named:
            out.append(named[v[i + 1]])
            i += 2
        else:
            out.append(v[i])
            i += 1
    return "".join(out)


def finish_tshark_l7(started, streams):
    """Waits for the second tshark pass and fills Stream.hello and
    Stream.request of the streams of the first pass (frames that pass set
    aside belong to no stream's frames and are ignored here too)."""
    proc, out = started
    rc = proc.wait()
    out.seek(0)
    text = out.read().decode(errors="replace")
    out.close()
    for line in text.splitlines():
        v = line.split("\t")
        v += [""] * (len(L7_FIELDS) - len(v))
        fnum, st, htype, sni, method, host = v[:len(L7_FIELDS)]
        last = lambda x: x.split(AGG)[-1]
        first = lambda x: x.split(AGG)[0] if x != "" else None
        stream = streams.get(last(st))
        if stream is None or int(fnum) not in stream.frames:
            continue
        if stream.hello is None and "1" in htype.split(AGG):
            stream.hello = (int(fnum), tshark_unescape(first(sni)))
        if stream.request is None and method != "":
            stream.request = (int(fnum), first(method), tshark_unescape(first(host)))
    return rc


def conn_endpoint(obj):
    return ep(obj["ip"], obj["port"])


def run_tcpscope(binary, path):
    """Returns (rc, stderr, conns sorted by id, summary or None, parse_error)."""
    p = subprocess.run([binary, "-r", path, "-F", "json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    conns, summary, perr = [], None, None
    for n, line in enumerate(p.stdout.decode(errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            perr = "line %d is not JSON (%s): %s" % (n, e, line[:120])
            break
        if obj.get("type") == "conn":
            conns.append(obj)
        elif obj.get("type") == "summary":
            summary = obj
    conns.sort(key=lambda c: c["id"])
    return p.returncode, p.stderr.decode(errors="replace").strip(), conns, summary, perr


def canonical_ip_problem(conn):
    for side in ("client", "server"):
        ip = conn[side]["ip"]
        try:
            if str(ipaddress.ip_address(ip)) != ip:
                return "%s ip %r is not in canonical form (%s)" % (
                    side, ip, ipaddress.ip_address(ip))
        except ValueError:
            return "%s ip %r is not an IP address" % (side, ip)
    return None


def group(items, keyf, orderf):
    g = {}
    for it in items:
        g.setdefault(keyf(it), []).append(it)
    for k in g:
        g[k].sort(key=orderf)
    return g


def pair_up(left, right):
    """left/right: {key: [items in order]} -> ([(l, r)], [l only], [r only])."""
    pairs, lonly, ronly = [], [], []
    for k in set(left) | set(right):
        a, b = left.get(k, []), right.get(k, [])
        for i in range(max(len(a), len(b))):
            if i < len(a) and i < len(b):
                pairs.append((a[i], b[i]))
            elif i < len(a):
                lonly.append(a[i])
            else:
                ronly.append(b[i])
    return pairs, lonly, ronly


def conn_key(c):
    return frozenset((conn_endpoint(c["client"]), conn_endpoint(c["server"])))


def describe_conn(c):
    return "tcpscope id %s %s -> %s (%d+%d packets)" % (
        c["id"], conn_endpoint(c["client"]), conn_endpoint(c["server"]),
        c["c2s"]["packets"], c["s2c"]["packets"])


# ---------------------------------------------------------------------------
def cmd_golden(a):
    name = os.path.relpath(a.file, a.root) if a.root else a.file
    l7_pass = start_tshark_l7(a.file)
    trc, terr, nframes, streams, notes, nfrag = run_tshark(a.file)
    l7_rc = finish_tshark_l7(l7_pass, streams)
    if trc != 0 and not (a.cut_short_ok and "cut short" in terr):
        print("FAIL %s: tshark exit %d: %s" % (name, trc, terr))
        return 2
    if l7_rc != trc:
        print("FAIL %s: the second tshark pass (TLS/HTTP fields) exited %d, the first %d"
              % (name, l7_rc, trc))
        return 2
    crc, cerr, conns, summary, perr = run_tcpscope(a.tcpscope, a.file)
    diffs = []
    if crc != 0:
        diffs.append("tcpscope exit %d (stderr: %s)" % (crc, cerr[:200]))
    if perr:
        diffs.append(perr)
    if summary is None:
        diffs.append("no summary record")
    else:
        if summary.get("frames") != nframes:
            diffs.append("summary frames %s, tshark read %d frames" % (summary.get("frames"), nframes))
        if summary.get("connections") != len(conns):
            diffs.append("summary connections %s but %d conn records"
                         % (summary.get("connections"), len(conns)))
        if summary.get("ip_fragments", 0) != nfrag:
            diffs.append("summary ip_fragments %s, tshark sees %d fragment frames"
                         % (summary.get("ip_fragments"), nfrag))
        if a.cut_short_ok and "cut short" in terr and "warning" not in summary:
            diffs.append("tshark says the file is cut short but the summary has no warning")
    tg = group(streams.values(), lambda s: s.key, lambda s: s.first_frame)
    cg = group(conns, conn_key, lambda c: c["id"])
    pairs, tonly, conly = pair_up(tg, cg)
    for s in tonly:
        c, sv, _ = s.orientation()
        diffs.append("only in tshark: stream from frame %d %s -> %s (%d packets)" % (
            s.first_frame, c, sv, sum(x[0] for x in s.by_sender.values())))
    for c in conly:
        diffs.append("only in tcpscope: " + describe_conn(c))
    l7 = {"sni": 0, "sni_named": 0, "sni_named_ok": 0, "http": 0, "http_req": 0, "http_req_ok": 0}
    l7_known, l7_known_lines = dict(a.l7_known), []
    seq_ok, seq_lines = 0, []
    for s, c in sorted(pairs, key=lambda p: p[0].first_frame):
        diffs += compare_pair(s, c)
        d = compare_seq(s, c)
        seq_ok += not d
        seq_lines += d
        for kind, d in compare_l7(s, c, l7):
            why = l7_known.pop("%s:%s" % (kind, s.index), None)
            if d is None and why is not None:
                diffs.append("%s stream %s listed with --l7-known but agrees now: remove it"
                             % (kind, s.index))
            elif d is not None and why is not None:
                l7_known_lines.append("  known %s difference: %s" % (kind, d[len(kind) + 1:]))
                l7_known_lines.append("    because: " + why)
            elif d is not None:
                diffs.append(d)
    for k in sorted(l7_known):
        diffs.append("--l7-known %s: no such stream paired with a tcpscope connection" % k)
    for k, n in sorted(notes.items()):
        print("  note %s: %d tshark frame(s) set aside: %s" % (name, n, k))
    # printed after the verdict line: the known differences, then the tally
    seq_pct = 100.0 * seq_ok / len(pairs) if pairs else 100.0
    if seq_pct < a.seq_min_agree:
        diffs += seq_lines
        diffs.append("seq: %d/%d connections agree with tshark (%.1f%%), %g%% required"
                     % (seq_ok, len(pairs), seq_pct, a.seq_min_agree))
    rtt_lines = compare_tcptrace(a.file, pairs) if a.tcptrace else []
    if rtt_lines and summary and summary.get("negative_gaps"):
        # docs/DESIGN.md: a sample whose ACK is stamped before its data is
        # dropped; tcptrace averages it in.  Printed, not a difference.
        rtt_lines = ["  " + x for x in rtt_lines if x.startswith("rtt ")] + [
            x + " (not required: %d negative time gaps, whose samples tcpscope drops and tcptrace keeps)"
            % summary["negative_gaps"] for x in rtt_lines if not x.startswith("rtt ")]
    diffs += [x for x in rtt_lines if x.startswith("rtt ")]
    l7_line = "\n".join(l7_known_lines + [
        "  seq %s: %s/%s connections agree with tshark on %s" % (
            name, seq_ok, len(pairs), ", ".join(SEQ_FIELDS))] +
        ["    " + x for x in seq_lines if seq_pct >= a.seq_min_agree] +
        ["  " + x for x in rtt_lines if not x.startswith("rtt ")] + [
        "  l7 %s: SNI agree %d/%d, with a name %d/%d; HTTP agree %d/%d, with a request %d/%d"
        % (name, l7["sni"], len(pairs), l7["sni_named_ok"], l7["sni_named"],
           l7["http"], len(pairs), l7["http_req_ok"], l7["http_req"])])
    if a.known_diff is not None:
        # A documented tcpscope/tshark difference: the per-connection figures
        # must differ, tcpscope must report exactly known_diff connections,
        # and nothing else (exit code, summary) may be wrong.
        # the per-connection figures, sequence analysis included, are excused
        hard = [d for d in diffs if not d.startswith(("only in", "stream@", "seq"))]
        if hard or len(conns) != a.known_diff or not diffs:
            print("FAIL %s (listed as a known difference, %d tcpscope connections expected)"
                  % (name, a.known_diff))
            for d in diffs:
                print("  " + d)
            if not diffs:
                print("  now agrees exactly with tshark: remove it from the known differences")
            if len(conns) != a.known_diff:
                print("  tcpscope reports %d connections" % len(conns))
            print(l7_line)
            return 1
        print("known-diff %s %d connections (tshark: %d streams)" % (name, len(conns), len(streams)))
        for d in diffs:
            print("  " + d)
        print(l7_line)
        return 0
    if diffs:
        print("FAIL %s" % name)
        for d in diffs:
            print("  " + d)
        print(l7_line)
        return 1
    print("ok %s %d connections" % (name, len(conns)))
    print(l7_line)
    return 0


def cmd_seq(a):
    """Sequence fields (and with --tcptrace the RTT) only, for a corpus
    file whose packet figures are checked elsewhere: one tshark pass.
    Prints "  seq FILE: A/P connections agree ..." and the differences.
    Exit 0 (a measurement: the caller applies the threshold), 2 = could
    not run."""
    name = os.path.relpath(a.file, a.root) if a.root else a.file
    trc, terr, _, streams, _, _ = run_tshark(a.file)
    if trc != 0 and not streams:
        print("  seq %s: 0/0 connections agree (tshark exit %d)" % (name, trc))
        return 0
    crc, _, conns, _, _ = run_tcpscope(a.tcpscope, a.file)
    if crc != 0 and not conns:
        print("  seq %s: 0/0 connections agree (tcpscope exit %d)" % (name, crc))
        return 0
    tg = group(streams.values(), lambda s: s.key, lambda s: s.first_frame)
    cg = group(conns, conn_key, lambda c: c["id"])
    pairs, _, _ = pair_up(tg, cg)
    lines, ok = [], 0
    per_field = dict.fromkeys(SEQ_FIELDS, 0)
    for s, c in sorted(pairs, key=lambda p: p[0].first_frame):
        d = compare_seq(s, c)
        ok += not d
        lines += d
        for k in seq_fields_agreeing(s, c):
            per_field[k] += 1
    print("  seq %s: %d/%d connections agree with tshark on %s"
          % (name, ok, len(pairs), ", ".join(SEQ_FIELDS)))
    # per metric: "  seq-fields FILE: retransmissions=A dup_acks=B ... of P"
    print("  seq-fields %s: %s of %d" % (
        name, " ".join("%s=%d" % (k, per_field[k]) for k in SEQ_FIELDS), len(pairs)))
    for x in lines[:a.max_diffs]:
        print("    " + x)
    if a.tcptrace:
        for x in compare_tcptrace(a.file, pairs):
            print("  " + x)
    return 0


def compare_pair(s, c):
    out = []
    where = "stream@frame%d %s" % (s.first_frame, " <-> ".join(sorted(s.key)))
    tc, ts, basis = s.orientation()
    cc, cs = conn_endpoint(c["client"]), conn_endpoint(c["server"])
    if (cc, cs) != (tc, ts):
        out.append("%s: client/server tcpscope %s -> %s, expected %s -> %s (by %s)"
                   % (where, cc, cs, tc, ts, basis))
    inferred = basis in ("port", "first")
    if bool(c.get("direction_inferred")) != inferred:
        out.append("%s: direction_inferred %s, expected %s (orientation by %s)"
                   % (where, c.get("direction_inferred"), inferred, basis))
    prob = canonical_ip_problem(c)
    if prob:
        out.append("%s: %s" % (where, prob))
    for sender, dname in ((cc, "c2s"), (cs, "s2c")):
        want = s.by_sender.get(sender, [0] * (3 + len(SEQ_FIELDS)))[:3]
        got = [c[dname]["packets"], c[dname]["bytes"], c[dname]["payload_bytes"]]
        if want != got:
            out.append("%s: %s (from %s) packets/bytes/payload_bytes tcpscope %s, tshark %s"
                       % (where, dname, sender, "/".join(map(str, got)), "/".join(map(str, want))))
    return out


def seq_fields_agreeing(s, c):
    """The SEQ_FIELDS on which both directions of c agree with stream s."""
    cc, cs = conn_endpoint(c["client"]), conn_endpoint(c["server"])
    agree = []
    for i, k in enumerate(SEQ_FIELDS):
        if all(s.by_sender.get(sender, [0] * (3 + len(SEQ_FIELDS)))[3 + i] == c[dname].get(k)
               for sender, dname in ((cc, "c2s"), (cs, "s2c"))):
            agree.append(k)
    return agree


def compare_seq(s, c):
    """The sequence-analysis fields of each direction of tcpscope connection c
    against tshark stream s.  Returns a list of differences (empty when both
    directions agree on every field)."""
    out = []
    where = "stream@frame%d %s" % (s.first_frame, " <-> ".join(sorted(s.key)))
    cc, cs = conn_endpoint(c["client"]), conn_endpoint(c["server"])
    for sender, dname in ((cc, "c2s"), (cs, "s2c")):
        want = s.by_sender.get(sender, [0] * (3 + len(SEQ_FIELDS)))[3:]
        got = [c[dname].get(k) for k in SEQ_FIELDS]
        if want != got:
            out.append("seq %s: %s %s tcpscope %s, tshark %s" % (
                where, dname, "/".join(SEQ_FIELDS), "/".join(map(str, got)),
                "/".join(map(str, want))))
    return out


RTT_ROWS = {"RTT samples": "samples", "RTT min": "min_ms", "RTT max": "max_ms",
            "RTT avg": "avg_ms", "RTT stdev": "stddev_ms"}


def tcptrace_conns(path):
    """tcptrace -n -l -r PATH: {frozenset(endpoints): [(a, b, {dir: {rtt}})]},
    dir "a2b"/"b2a" (a = the side tcptrace saw first)."""
    # tcptrace loops forever on some encapsulations (IPv6 in GRE transparent
    # bridging): past the time limit there is nothing of it to compare.
    try:
        p = subprocess.run(["tcptrace", "-n", "-l", "-r", path], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=5)
    except subprocess.TimeoutExpired:
        return {}
    conns, cur = {}, None
    for line in p.stdout.decode(errors="replace").splitlines():
        t = line.strip()
        if t.startswith("TCP connection ") and t.endswith(":"):
            cur = None
            continue
        if t.startswith("host ") and t.split(None, 2)[1].endswith(":"):
            # hosts are lettered a/b, c/d, ... per connection: first one, second one
            addr, port = t.split(None, 2)[2].rsplit(":", 1)
            try:
                e = ep(str(ipaddress.ip_address(addr)), port)
            except ValueError:  # tcptrace prints ::1 as ":0001": not comparable
                e = "?" + addr
            if cur is None:
                cur = {"a": e, "a2b": {}, "b2a": {}}
            else:
                cur["b"] = e
                conns.setdefault(frozenset((cur["a"], e)), []).append(cur)
            continue
        if cur is None or ":" not in t:
            continue
        # "RTT min:  0.1 ms   RTT min:  0.2 ms": a2b, then b2a
        cells = []
        for h in t.split("RTT ")[1:]:
            k, v = h.split(":", 1)
            cells.append(("RTT " + k.strip(), v.replace("ms", "").strip()))
        if len(cells) == 2 and cells[0][0] in RTT_ROWS and cells[0][0] == cells[1][0]:
            key = RTT_ROWS[cells[0][0]]
            cur["a2b"][key] = float(cells[0][1])
            cur["b2a"][key] = float(cells[1][1])
    return conns


def rtt_close(ours, theirs):
    """tcptrace prints one decimal: within 1% or within its rounding."""
    return abs(ours - theirs) <= max(0.01 * theirs, 0.05) + 1e-9


def compare_tcptrace(path, pairs):
    """RTT min/avg/max of every paired connection direction against
    tcptrace's (matched by endpoint pair; pairs with several connections
    are skipped).  Returns lines: "rtt ..." differences, then one tally."""
    tt = tcptrace_conns(path)
    out, ok, n, samples_eq, tt_none, sd_ok = [], 0, 0, 0, 0, 0
    metric_ok = {"min_ms": 0, "avg_ms": 0, "max_ms": 0}
    by_key = {}
    for s, c in pairs:
        by_key.setdefault(s.key, []).append(c)
    for key, cs in sorted(by_key.items(), key=lambda kv: sorted(kv[0])):
        if len(cs) != 1 or len(tt.get(key, [])) != 1:
            continue
        c, t = cs[0], tt[key][0]
        cc = conn_endpoint(c["client"])
        for dname, sender in (("c2s", cc), ("s2c", None)):
            tdir = ("a2b" if t["a"] == cc else "b2a") if dname == "c2s" else \
                   ("b2a" if t["a"] == cc else "a2b")
            mine, theirs = c[dname]["rtt"], t[tdir]
            if not theirs.get("samples"):
                # tcptrace saw no RTT at all (it does not follow IPv6
                # extension headers, for one): nothing to compare with
                tt_none += bool(mine["samples"])
                continue
            n += 1
            samples_eq += mine["samples"] == theirs.get("samples")
            if not mine["samples"] or not theirs.get("samples"):
                out.append("rtt %s %s: samples tcpscope %s, tcptrace %s" % (
                    " <-> ".join(sorted(key)), dname, mine["samples"], theirs.get("samples")))
                continue
            bad = [k for k in ("min_ms", "avg_ms", "max_ms")
                   if not rtt_close(mine[k], theirs.get(k, -1))]
            for k in metric_ok:
                metric_ok[k] += k not in bad
            # the standard deviation is a figure, not a condition (tcptrace
            # prints 0 below 3 samples; sample sets differ on long transfers)
            if theirs.get("samples", 0) > 2 and rtt_close(mine["stddev_ms"], theirs.get("stddev_ms", -1)):
                sd_ok += 1
            if bad:
                out.append("rtt %s %s: %s tcpscope %s, tcptrace %s" % (
                    " <-> ".join(sorted(key)), dname, "/".join(bad),
                    "/".join(str(mine[k]) for k in bad),
                    "/".join(str(theirs.get(k)) for k in bad)))
            else:
                ok += 1
    out.append("tcptrace %s: RTT min/avg/max within 1%% (or tcptrace's 0.1 ms rounding) "
               "on %d/%d directions; sample counts equal on %d, stddev on %d; "
               "min %d, avg %d, max %d%s" % (
                   os.path.basename(path), ok, n, samples_eq, sd_ok,
                   metric_ok["min_ms"], metric_ok["avg_ms"], metric_ok["max_ms"],
                   "; %d direction(s) with samples where tcptrace has none" % tt_none
                   if tt_none else ""))
    return out


def show(v):
    return "none" if v is None else repr(v)


def compare_l7(s, c, tally):
    """tls.sni and http.method/host of tcpscope connection c against tshark
    stream s (see "Application layer" in the module docstring).  Counts
    agreements into tally; returns [("sni", difference or None), ("http",
    difference or None)].  Differences start with "sni " or "http ", so
    --known-diff (packet figures) never excuses them."""
    out = []
    where = "stream@frame%d %s" % (s.first_frame, " <-> ".join(sorted(s.key)))
    tls = c.get("tls") or {}
    got = tls.get("sni")
    want = s.hello[1] if s.hello else None
    named = want is not None or got is not None
    tally["sni_named"] += named
    if got == want:
        tally["sni"] += 1
        tally["sni_named_ok"] += named
        out.append(("sni", None))
    else:
        src = ("first ClientHello in frame %d" % s.hello[0] if s.hello
               else "no ClientHello in the stream")
        out.append(("sni", "sni %s: tcpscope tls.sni %s, tshark %s (%s)%s"
                    % (where, show(got), show(want), src,
                       "" if c.get("tls") else "; tcpscope has no tls object")))
    http = c.get("http") or {}
    got = (http.get("method"), http.get("host"))
    want = (s.request[1], s.request[2]) if s.request else (None, None)
    req = bool(s.request or c.get("http"))
    tally["http_req"] += req
    if got == want:
        tally["http"] += 1
        tally["http_req_ok"] += req
        out.append(("http", None))
    else:
        src = ("first HTTP request in frame %d" % s.request[0] if s.request
               else "no HTTP request in the stream")
        out.append(("http", "http %s: tcpscope http.method/host %s/%s, tshark %s/%s (%s)"
                    % (where, show(got[0]), show(got[1]), show(want[0]), show(want[1]), src)))
    return out


# ---------------------------------------------------------------------------
def read_ref(path):
    rows = []
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            v = dict(zip(header, line.rstrip("\n").split("\t")))
            if not v.get("stream"):
                continue
            rows.append(v)
    return rows


def cmd_ref(a):
    name = os.path.basename(a.file)
    rows = read_ref(a.ref)
    crc, cerr, conns, summary, perr = run_tcpscope(a.tcpscope, a.file)
    diffs = []
    if a.tshark_rc != 0 and a.frames == 0:
        # unreadable for tshark: tcpscope must refuse it too (exit 1, a message)
        if crc == 1 and not conns and cerr:
            print("%s: unreadable, as for tshark (tcpscope exit 1: %s)" % (name, cerr.splitlines()[0]))
            return 0
        print("%s: tshark cannot read it, but tcpscope exit %d with %d connections (stderr: %s)"
              % (name, crc, len(conns), cerr[:200]))
        return 1
    if crc != 0:
        diffs.append("tcpscope exit %d (stderr: %s)" % (crc, cerr[:200]))
    if perr:
        diffs.append(perr)
    if summary is None:
        diffs.append("no summary record")
    else:
        if summary.get("frames") != a.frames:
            diffs.append("frames: tcpscope %s, tshark %d" % (summary.get("frames"), a.frames))
        if a.tshark_rc != 0 and "warning" not in summary:
            diffs.append("tshark stopped early (exit %d) but the summary has no warning" % a.tshark_rc)
        if a.tshark_rc == 0 and "warning" in summary:
            diffs.append("tshark read the whole file but tcpscope warns: %s" % summary["warning"])
    rg = group(rows, lambda r: frozenset((r["client"], r["server"])), lambda r: int(r["first_frame"]))
    cg = group(conns, conn_key, lambda c: c["id"])
    pairs, ronly, conly = pair_up(rg, cg)
    agree = 0
    sni_lines, sni_bad, sni_agree, sni_named, sni_named_agree = compare_ref_sni(pairs, a.sni_known)
    for r, c in sorted(pairs, key=lambda p: int(p[0]["first_frame"])):
        where = "stream %s (frames %s-%s) %s -> %s" % (r["stream"], r["first_frame"], r["last_frame"],
                                                     r["client"], r["server"])
        d = []
        cc, cs = conn_endpoint(c["client"]), conn_endpoint(c["server"])
        if (cc, cs) != (r["client"], r["server"]):
            d.append("client/server tcpscope %s -> %s, expected by %s" % (cc, cs, r["client_basis"]))
        want = [int(r["packets"]), int(r["bytes"]), int(r["payload_bytes"])]
        got = [c["c2s"][k] + c["s2c"][k] for k in ("packets", "bytes", "payload_bytes")]
        if want != got:
            d.append("packets/bytes/payload_bytes tcpscope %s (id %s), tshark %s"
                     % ("/".join(map(str, got)), c["id"], "/".join(map(str, want))))
        if d:
            diffs.append(where + ": " + "; ".join(d))
        else:
            agree += 1
    for r in sorted(ronly, key=lambda r: int(r["first_frame"])):
        diffs.append("only in tshark: stream %s (frames %s-%s) %s -> %s, %s packets"
                     % (r["stream"], r["first_frame"], r["last_frame"], r["client"], r["server"],
                        r["packets"]))
    for c in conly:
        diffs.append("only in tcpscope: " + describe_conn(c))
    total = max(len(rows), len(conns))
    extra = ""
    if summary is not None:
        extra = " (tcpscope: %s frames, %s connections%s)" % (
            summary.get("frames"), summary.get("connections"),
            ", warning" if "warning" in summary else "")
    print("%s: agree %d/%d%s" % (name, agree, total, extra))
    for d in diffs[:a.max_diffs]:
        print("  " + d)
    if len(diffs) > a.max_diffs:
        print("  ... %d more differences" % (len(diffs) - a.max_diffs))
    print("  SNI %s: agree %d/%d, with a name %d/%d" % (name, sni_agree, len(pairs),
                                                         sni_named_agree, sni_named))
    for line in sni_lines:
        print("    " + line)
    return (0 if not diffs and agree == total else 1) | (4 if sni_bad else 0)


def compare_ref_sni(pairs, known):
    """tcpscope's tls.sni against the ref's "sni" column for each paired
    (ref row, connection).  known: {stream: reason} of expected differences.
    Returns (lines to print, unexplained problems, agreements, connections
    with a name on either side, agreements among those)."""
    lines, bad, agree, named, named_agree = [], 0, 0, 0, 0
    seen = set()
    for r, c in sorted(pairs, key=lambda p: int(p[0]["first_frame"])):
        want = [v for v in r.get("sni", "").split(";") if v != ""]
        got = (c.get("tls") or {}).get("sni")
        if want or got is not None:
            named += 1
        ok = (got in want) if want else (got is None)
        st = r["stream"]
        if ok:
            agree += 1
            named_agree += 1 if got is not None else 0
            if st in known:
                seen.add(st)
                lines.append("stream %s listed as a known SNI difference but agrees now "
                             "(tcpscope %s): remove it from the list" % (st, show(got)))
                bad += 1
            continue
        what = "stream %s %s -> %s: tcpscope tls.sni %s, tshark %s" % (
            st, r["client"], r["server"], show(got),
            " or ".join(repr(v) for v in want) if want else "none")
        if st in known:
            seen.add(st)
            lines.append("known SNI difference, " + what + ": " + known[st])
        else:
            lines.append("SNI differs, " + what)
            bad += 1
    for st in sorted(set(known) - seen):
        lines.append("stream %s listed as a known SNI difference but not paired with a "
                     "tcpscope connection" % st)
        bad += 1
    return lines, bad, agree, named, named_agree


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    g = sub.add_parser("golden")
    g.add_argument("--tcpscope", required=True)
    g.add_argument("--root", help="print file names relative to this directory")
    g.add_argument("--cut-short-ok", action="store_true",
                   help="tshark may stop with 'cut short' (file truncated on purpose)")
    g.add_argument("--known-diff", type=int, metavar="N",
                   help="a documented difference: tcpscope must report N connections "
                        "and differ from tshark only in the per-connection figures")
    g.add_argument("--l7-known", action="append", default=[], metavar="KIND:STREAM=REASON",
                   help="an expected application-layer difference: KIND sni or http, "
                        "STREAM tshark's tcp.stream index")
    g.add_argument("--seq-min-agree", type=float, default=100.0, metavar="PCT",
                   help="share of connections whose sequence fields must agree (default 100)")
    g.add_argument("--tcptrace", action="store_true",
                   help="also compare RTT min/avg/max with tcptrace -n -l -r")
    g.add_argument("file")
    q = sub.add_parser("seq")
    q.add_argument("--tcpscope", required=True)
    q.add_argument("--root", help="print file names relative to this directory")
    q.add_argument("--tcptrace", action="store_true")
    q.add_argument("--max-diffs", type=int, default=5)
    q.add_argument("file")
    r = sub.add_parser("ref")
    r.add_argument("--tcpscope", required=True)
    r.add_argument("--ref", required=True)
    r.add_argument("--frames", type=int, required=True, help="frames tshark read (_status.tsv)")
    r.add_argument("--tshark-rc", type=int, required=True, help="tshark's exit code (_status.tsv)")
    r.add_argument("--max-diffs", type=int, default=20)
    r.add_argument("--sni-known", action="append", default=[], metavar="STREAM=REASON",
                   help="an expected SNI difference on the ref's stream STREAM")
    r.add_argument("file")
    a = ap.parse_args()
    if a.mode == "golden":
        known = {}
        for item in a.l7_known:
            k, sep, why = item.partition("=")
            kind, _, st = k.partition(":")
            if not sep or kind not in ("sni", "http") or not st.isdigit() or not why:
                ap.error("--l7-known wants sni:STREAM=REASON or http:STREAM=REASON, got %r" % item)
            known[k] = why
        a.l7_known = known
    if a.mode == "ref":
        known = {}
        for item in a.sni_known:
            st, sep, why = item.partition("=")
            if not sep or not st.isdigit() or not why:
                ap.error("--sni-known wants STREAM=REASON, got %r" % item)
            known[st] = why
        a.sni_known = known
    if a.mode == "seq":
        return cmd_seq(a)
    return cmd_golden(a) if a.mode == "golden" else cmd_ref(a)


if __name__ == "__main__":
    sys.exit(main())
