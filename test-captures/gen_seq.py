#!/usr/bin/env python3
"""gen_seq.py - crafted captures for the sequence, window and RTT analysis.

Usage:  python3 test-captures/gen_seq.py [OUTDIR]   (default: crafted/)
        python3 test-captures/gen_seq.py --expected  (the hand-worked values, JSON)

Deterministic, python3 standard library only, built on gen_crafted.py's
helpers.  Each scenario writes test-captures/crafted/seq_<name>.pcap: one
connection 10.0.1.1:<port> -> 10.0.1.2:80 whose handshake carries MSS 1460,
window scale 7 and SACK-permitted on both sides.  After the handshake the
window fields are 502 (client) and 509 (server) unless said otherwise, so
the scaled windows are 64256 and 65152 bytes.  Server data goes in 1000-byte
segments named S1, S2, ...; the server's ISN is 5000, so S1 is
[5001, 6001), S2 [6001, 7001), and so on.

Every docstring works out what tcpscope must report for the connection, by
the definitions in docs/DESIGN.md ("Sequence analysis"); EXPECTED below
holds the same numbers, checked by tests/seq_expected.py, and
tests/tshark_golden.sh checks retransmissions, dup_acks, sack_blocks,
dsack_blocks and zero_windows against tshark on every file.
"""

import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_crafted import (  # noqa: E402
    ACK, FIN, LINKTYPE_ETHERNET, OPT_SYN, PSH, SYN, Clock, Conn, frames_of,
    pcap_bytes)

CLI, SRV = "10.0.1.1", "10.0.1.2"
SEG = 1000
MS = 1000  # Conn's clock ticks in microseconds


def sack(*blocks):
    """NOP, NOP, SACK option with the (left, right) blocks."""
    body = b"".join(struct.pack("!II", l & 0xFFFFFFFF, r & 0xFFFFFFFF) for l, r in blocks)
    return bytes([1, 1, 5, 2 + len(body)]) + body


def data(n=SEG):
    return bytes((i * 13 + 1) & 0xFF for i in range(n))


class Flow(Conn):
    """Conn with explicit segments: seg() sends `length` bytes at `seq` from
    one side without touching the running sequence numbers unless asked."""

    def seg(self, from_client, seq, ack, length=0, flags=ACK, us=100, win=None,
            options=b"", advance=False):
        item = self._emit(from_client, flags, data(length) if length else b"",
                          options=options, seq=seq, ack=ack, us=us, win=win)
        if advance:
            end = seq + length
            if from_client:
                self.cseq = end
            else:
                self.sseq = end
        return item


def start(port, cisn=1000, sisn=5000):
    """Handshake (SYN at 0.1 ms, SYN-ACK 0.25 ms later, ACK 0.06 ms later:
    handshake RTT 0.31 ms) and a 100-byte request the server ACKs with its
    first segment.  Returns the Flow."""
    f = Flow(Clock(), CLI, port, SRV, 80, cisn, sisn)
    f.handshake()
    f.c2s(data(100))
    return f


def close(f):
    f.fin_close(client_first=True)


def pcap(name, f):
    return {name: pcap_bytes(frames_of(f.out), LINKTYPE_ETHERNET)}


# ===========================================================================

def sc_fast_retransmit(sisn=5000, name="seq_fast_retransmit.pcap", port=42001):
    """seq_fast_retransmit.pcap - fast retransmission after three dup ACKs.

    Server sends S1..S5 0.1 ms apart; S2 is lost beyond the capture point.
    The client ACKs S1 (ack = S2 start), then sends three ACKs identical in
    seq, ack and window, each with a growing SACK block ([S3], [S3,S4],
    [S3,S5]): Wireshark's duplicate ACK #1, #2, #3.  5 ms after the third the
    server resends S2: below its highest sequence, the peer's last ACK names
    exactly its start after >= 2 dup ACKs, within 20 ms -> fast
    retransmission.  The client then ACKs everything (ack = S5 end).

    s2c: retransmissions 1, fast_retransmissions 1.
    c2s: dup_acks 3, sack_blocks 3, dsack_blocks 0.
    RTT of s2c data (tcptrace's rule: an ACK ending exactly at a segment sent
    once, with nothing resent below it since): the SYN-ACK (0.06 ms), S1
    (S1 at t, its ACK at t + 0.5 ms) and the FIN (0.06 ms) -> 3 samples,
    max 0.5 ms; the ACK ending at S5 gives none: S5 was sent before the S2
    resend.  c2s: SYN (0.25 ms), the request (ACKed by S1 0.1 ms later),
    the FIN (0.12 ms) -> 3 samples, min 0.1, max 0.25 ms.
    """
    f = start(port, sisn=sisn)
    s1 = sisn + 1
    req_end = f.cseq
    for i in range(5):
        f.seg(False, s1 + i * SEG, req_end, SEG, flags=PSH | ACK, us=100, advance=True)
    s2 = s1 + SEG
    f.seg(True, req_end, s2, us=100)                      # ACK S1 (0.5 ms after S1)
    for k in range(1, 4):                                 # dup ACKs with SACK
        f.seg(True, req_end, s2, us=100, options=sack((s2 + SEG, s2 + SEG * (k + 1))))
    f.seg(False, s2, req_end, SEG, flags=PSH | ACK, us=5 * MS)   # fast retransmission
    f.seg(True, req_end, s1 + 5 * SEG, us=300)
    close(f)
    return pcap(name, f)


def sc_wrap():
    """seq_wrap_fast_retransmit.pcap - the fast-retransmit scenario with the
    server's ISN at 2^32 - 2500: S1 is [2^32-2499, 2^32-1499), S2 crosses the
    wrap, S3..S5 lie past zero, and so do the SACK blocks.  Every count must
    be the same as seq_fast_retransmit.pcap's."""
    return sc_fast_retransmit(sisn=(1 << 32) - 2500, name="seq_wrap_fast_retransmit.pcap",
                              port=42002)


def sc_timeout_backoff():
    """seq_timeout_backoff.pcap - retransmission by timeout, with back-off.

    The server sends S1 and hears nothing; it resends S1 200 ms later and
    again 400 ms after that (RTO doubled), then the client ACKs S1.  Both
    resends are below the highest sequence, with no dup ACKs and far past
    the handshake RTT: Wireshark's plain retransmission.  The silence before
    each (200 ms, 400 ms) is at least the RTO estimate (SRTT 0.06 ms from the
    SYN-ACK, so Linux's 200 ms minimum applies): timeout retransmissions.
    Karn's rule: the ACK of S1 gives no RTT sample.

    s2c: retransmissions 2, timeout_retransmissions 2, rtt samples 2 (the
    SYN-ACK and the FIN).
    """
    f = start(42003)
    s1, req_end = 5001, f.cseq
    f.seg(False, s1, req_end, SEG, flags=PSH | ACK, us=100, advance=True)
    f.seg(False, s1, req_end, SEG, flags=PSH | ACK, us=200 * MS)
    f.seg(False, s1, req_end, SEG, flags=PSH | ACK, us=400 * MS)
    f.seg(True, req_end, s1 + SEG, us=300)
    close(f)
    return pcap("seq_timeout_backoff.pcap", f)


def sc_spurious_dsack():
    """seq_spurious_dsack.pcap - spurious retransmissions, two ways.

    The server sends S1 and S2.  The client's ACK of both is delayed: 250 ms
    later the server resends S1 (a timeout retransmission: nothing had
    ACKed it).  Then the ACK (ack = S2 end) arrives, and 0.2 ms later the
    client's D-SACK: same seq, ack and window (Wireshark: duplicate ACK
    #1), SACK block [S1] lying below the ACK (RFC 2883: a D-SACK).  It names
    the retransmission: that one was spurious.  Then the server resends S2,
    which the client had already ACKed: Wireshark's spurious retransmission;
    the client answers with a second dup ACK carrying D-SACK [S2].

    s2c: retransmissions 2, timeout_retransmissions 1,
    spurious_retransmissions 2 (one shown by the D-SACK, one already ACKed;
    the second D-SACK names a resend already counted).
    c2s: dup_acks 2, sack_blocks 2, dsack_blocks 2.
    """
    f = start(42004)
    s1, req_end = 5001, f.cseq
    f.seg(False, s1, req_end, SEG, flags=PSH | ACK, us=100, advance=True)
    f.seg(False, s1 + SEG, req_end, SEG, flags=PSH | ACK, us=100, advance=True)
    f.seg(False, s1, req_end, SEG, flags=PSH | ACK, us=250 * MS)
    f.seg(True, req_end, s1 + 2 * SEG, us=1 * MS)
    f.seg(True, req_end, s1 + 2 * SEG, us=200, options=sack((s1, s1 + SEG)))
    f.seg(False, s1 + SEG, req_end, SEG, flags=PSH | ACK, us=300 * MS)
    f.seg(True, req_end, s1 + 2 * SEG, us=200, options=sack((s1 + SEG, s1 + 2 * SEG)))
    close(f)
    return pcap("seq_spurious_dsack.pcap", f)


def sc_out_of_order():
    """seq_out_of_order.pcap - reordering seen at the receiver.

    The server's S1, S3, then S2 0.1 ms after S3.  S2 is below the highest
    sequence (S3's end), 0.1 ms after it, less than the handshake RTT
    (0.31 ms), and does not end at the highest sequence: out-of-order, not a
    retransmission.  The client ACKs S1, then dup-ACKs with SACK [S3], then
    ACKs S3's end.  S3 itself started past the highest sequence seen (S1's
    end) when it came: Wireshark's "previous segment not captured", which
    a reordering looks like at that moment.

    s2c: out_of_order 1, not_captured 1, retransmissions 0.
    c2s: dup_acks 1, sack_blocks 1.
    """
    f = start(42005)
    s1, req_end = 5001, f.cseq
    f.seg(False, s1, req_end, SEG, flags=PSH | ACK, us=100)
    f.seg(True, req_end, s1 + SEG, us=50)
    f.seg(False, s1 + 2 * SEG, req_end, SEG, flags=PSH | ACK, us=50)
    f.seg(False, s1 + SEG, req_end, SEG, flags=PSH | ACK, us=100)
    f.seg(True, req_end, s1 + SEG, us=20, options=sack((s1 + 2 * SEG, s1 + 3 * SEG)))
    f.seg(True, req_end, s1 + 3 * SEG, us=50)
    f.sseq = s1 + 3 * SEG
    close(f)
    return pcap("seq_out_of_order.pcap", f)


def sc_not_captured():
    """seq_not_captured.pcap - a segment missing from the capture.

    The server's S1, then S3 (S2 was sent and received but not captured),
    and the client ACKs S3's end.  S3 starts past the highest sequence seen:
    not_captured.  The ACK covers S2, data never seen: acked_unseen; the
    mark then moves to the highest sequence seen (S3's end), so the close
    adds nothing.

    s2c: not_captured 1.  c2s: acked_unseen 1.
    """
    f = start(42006)
    s1, req_end = 5001, f.cseq
    f.seg(False, s1, req_end, SEG, flags=PSH | ACK, us=100)
    f.seg(False, s1 + 2 * SEG, req_end, SEG, flags=PSH | ACK, us=100)
    f.seg(True, req_end, s1 + 3 * SEG, us=300)
    f.sseq = s1 + 3 * SEG
    close(f)
    return pcap("seq_not_captured.pcap", f)


def sc_acked_unseen():
    """seq_acked_unseen.pcap - an ACK of data never seen, no gap after it.

    The server's S1, then the client ACKs S2's end: S2 never appears.  The
    close: client FIN-ACK (ACKs S2's end again), server FIN at S2's end
    (past the highest sequence seen: not_captured), client ACK of the FIN.
    Wireshark reports one hole once per ACK run of the other side: the
    first ACK is flagged; the FIN-ACK repeats it while the server has sent
    nothing since (not flagged); the server's FIN moves its ACK; the last
    ACK is past everything the server was seen sending up to then:
    flagged again.

    c2s: acked_unseen 2.  s2c: not_captured 1.
    """
    f = start(42007)
    s1, req_end = 5001, f.cseq
    f.seg(False, s1, req_end, SEG, flags=PSH | ACK, us=100)
    f.seg(True, req_end, s1 + 2 * SEG, us=300)
    f.sseq = s1 + 2 * SEG
    close(f)
    return pcap("seq_acked_unseen.pcap", f)


def sc_zero_window():
    """seq_zero_window.pcap - a stalled reader, Linux zero-window probes.

    The server sends S1, S2; the client ACKs S2's end with window 0 (zero
    window #1).  The server probes as Linux does (tcp_xmit_probe_skb):
    sequence snd_una - 1, no data, 200 ms later; the client answers window 0
    (#2).  A second probe 400 ms later, answer window 0 (#3).  Then a 1-byte
    probe at the next sequence number 800 ms later (the classic form,
    Wireshark's zero window probe), answer window 0 (#4).  The reader then
    drains: window update to 502, 1 s after the last zero window, same seq
    and ACK.  The server resends from the probed byte with S3.

    Wireshark calls the two Linux probes keep-alives; tcpscope calls them
    zero window probes because the peer's window is 0 (docs/DESIGN.md).

    c2s: zero_windows 4, window_updates 1, win_min 0, zero_window_time
    2.4006 s -> 2.400 (from the first zero-window ACK to the update:
    0.2 ms + 200 + 0.2 + 400 + 0.2 + 800 + 0.2 ... see the timeline below).
    s2c: zero_window_probes 3, keepalives 0, retransmissions 0.

    Timeline after the first zero window Z1 at t: probe t+200 ms, Z2
    t+200.1, probe t+600.1, Z3 t+600.2, 1-byte probe t+1400.2, Z4 t+1400.3,
    update t+2400.3: zero_window_time = 2.4003 s, written 2.400.
    """
    f = start(42008)
    s1, req_end = 5001, f.cseq
    f.seg(False, s1, req_end, SEG, flags=PSH | ACK, us=100, advance=True)
    f.seg(False, s1 + SEG, req_end, SEG, flags=PSH | ACK, us=100, advance=True)
    una = s1 + 2 * SEG
    f.seg(True, req_end, una, us=200, win=0)
    f.seg(False, una - 1, req_end, 0, us=200 * MS)
    f.seg(True, req_end, una, us=100, win=0)
    f.seg(False, una - 1, req_end, 0, us=400 * MS)
    f.seg(True, req_end, una, us=100, win=0)
    f.seg(False, una, req_end, 1, flags=PSH | ACK, us=800 * MS)
    f.seg(True, req_end, una, us=100, win=0)
    f.seg(True, req_end, una, us=1000 * MS, win=502)
    f.seg(False, una, req_end, SEG, flags=PSH | ACK, us=100, advance=True)
    f.seg(True, req_end, una + SEG, us=200)
    close(f)
    return pcap("seq_zero_window.pcap", f)


def sc_keepalive():
    """seq_keepalive.pcap - keep-alives on an idle connection, and their ACKs.

    After the server's S1 and the client's ACK, the connection idles.  Twice
    (75 s apart... here 2 s, the numbers do not matter) the client sends a
    keep-alive: sequence next - 1, no data; the server answers with an ACK
    repeating its previous seq, ACK and window: a keep-alive ACK.

    c2s: keepalives 2.  s2c: keepalive_acks 2, dup_acks 0.
    """
    f = start(42009)
    s1, req_end = 5001, f.cseq
    f.seg(False, s1, req_end, SEG, flags=PSH | ACK, us=100, advance=True)
    f.seg(True, req_end, s1 + SEG, us=200)
    for _ in range(2):
        f.seg(True, req_end - 1, s1 + SEG, us=2000 * MS)
        f.seg(False, s1 + SEG, req_end, us=100)
    close(f)
    return pcap("seq_keepalive.pcap", f)


def sc_window_full():
    """seq_window_full.pcap - the sender fills the receiver's window.

    The client ACKs S1 advertising window field 24, scale 7: 3072 bytes.
    The server sends 1024-byte segments A, B, C: C ends at ack + 3072, the
    right edge of the window: window full.  The client ACKs all three
    (window back to 502).

    s2c: window_full 1.  c2s: win_min 3072, win_max 64256 (the handshake's
    SYN window 64240 is unscaled, RFC 7323).
    """
    f = start(42010)
    s1, req_end = 5001, f.cseq
    f.seg(False, s1, req_end, SEG, flags=PSH | ACK, us=100, advance=True)
    ack = s1 + SEG
    f.seg(True, req_end, ack, us=200, win=24)
    for i in range(3):
        f.seg(False, ack + i * 1024, req_end, 1024, flags=PSH | ACK, us=50)
    f.seg(True, req_end, ack + 3 * 1024, us=300)
    f.sseq = ack + 3 * 1024
    close(f)
    return pcap("seq_window_full.pcap", f)


def sc_gso():
    """seq_gso.pcap - a GSO super-segment, captured on the sending host.

    The server's one 8000-byte segment (MSS 1460): the NIC cuts it, the
    capture shows it whole.  The client ACKs 2920, 5840, then 8000 bytes
    into it, 0.1 ms apart.  Nothing is lost or resent: no retransmission, no
    dup ACK, no gap, no out-of-order.  RTT (tcptrace's rule): the first
    partial ACK covers the segment, the last one then only repeats it, so
    no sample from the super-segment.

    s2c: retransmissions 0, rtt samples 2 (the SYN-ACK and the FIN).
    c2s: dup_acks 0.
    """
    f = start(42011)
    s1, req_end = 5001, f.cseq
    f.seg(False, s1, req_end, 8000, flags=PSH | ACK, us=100, advance=True)
    for k in (2920, 5840, 8000):
        f.seg(True, req_end, s1 + k, us=100)
    close(f)
    return pcap("seq_gso.pcap", f)


def sc_tlp():
    """seq_tlp.pcap - a tail-loss probe.

    RTT 20 ms: the client ACKs the server's S1 20 ms after it was sent
    (SRTT 20 ms after the handshake's 0.06 ms sample: 0.06 + (20-0.06)/8 =
    2.55 ms ... see below).  The server sends S2 and S3 (the tail); no ACK;
    30 ms later it resends S3 alone: a tail-loss probe (RFC 8985), after at
    least max(SRTT, 10 ms) of silence and well before Linux's 200 ms RTO.
    The client ACKs S3's end.

    SRTT of s2c after its samples: SYN-ACK 0.06 ms -> SRTT 0.06; S1 20 ms ->
    SRTT 0.06 + (20 - 0.06) / 8 = 2.5525 ms; silence 30 ms >= 10 ms.

    s2c: retransmissions 1, tlp_retransmissions 1, timeout 0.
    """
    f = start(42012)
    s1, req_end = 5001, f.cseq
    f.seg(False, s1, req_end, SEG, flags=PSH | ACK, us=100, advance=True)
    f.seg(True, req_end, s1 + SEG, us=20 * MS)
    f.seg(False, s1 + SEG, req_end, SEG, flags=PSH | ACK, us=100, advance=True)
    f.seg(False, s1 + 2 * SEG, req_end, SEG, flags=PSH | ACK, us=100, advance=True)
    f.seg(False, s1 + 2 * SEG, req_end, SEG, flags=PSH | ACK, us=30 * MS)
    f.seg(True, req_end, s1 + 3 * SEG, us=20 * MS)
    close(f)
    return pcap("seq_tlp.pcap", f)


SCENARIOS = [
    sc_fast_retransmit, sc_wrap, sc_timeout_backoff, sc_spurious_dsack,
    sc_out_of_order, sc_not_captured, sc_acked_unseen, sc_zero_window,
    sc_keepalive, sc_window_full, sc_gso, sc_tlp,
]

# The hand-worked values of the docstrings: file -> direction -> field ->
# value (fields of the JSON c2s/s2c objects; "rtt.samples" for the nested
# one).  Fields not listed are not checked here (tshark checks the oracle
# fields on every file).
FAST = {"c2s": {"dup_acks": 3, "sack_blocks": 3, "dsack_blocks": 0, "retransmissions": 0,
                "rtt.samples": 3, "rtt.min_ms": 0.1, "rtt.max_ms": 0.25},
        "s2c": {"retransmissions": 1, "fast_retransmissions": 1, "timeout_retransmissions": 0,
                "spurious_retransmissions": 0, "out_of_order": 0, "not_captured": 0,
                "dup_acks": 0, "rtt.samples": 3, "rtt.max_ms": 0.5}}
EXPECTED = {
    "seq_fast_retransmit.pcap": FAST,
    "seq_wrap_fast_retransmit.pcap": FAST,
    "seq_timeout_backoff.pcap": {
        "s2c": {"retransmissions": 2, "timeout_retransmissions": 2, "fast_retransmissions": 0,
                "rtt.samples": 2}},
    "seq_spurious_dsack.pcap": {
        "s2c": {"retransmissions": 2, "timeout_retransmissions": 1,
                "spurious_retransmissions": 2},
        "c2s": {"dup_acks": 2, "sack_blocks": 2, "dsack_blocks": 2}},
    "seq_out_of_order.pcap": {
        "s2c": {"out_of_order": 1, "not_captured": 1, "retransmissions": 0},
        "c2s": {"dup_acks": 1, "sack_blocks": 1}},
    "seq_not_captured.pcap": {
        "s2c": {"not_captured": 1, "retransmissions": 0},
        "c2s": {"acked_unseen": 1}},
    "seq_acked_unseen.pcap": {
        "s2c": {"not_captured": 1},
        "c2s": {"acked_unseen": 2}},
    "seq_zero_window.pcap": {
        "c2s": {"zero_windows": 4, "window_updates": 1, "win_min": 0,
                "zero_window_time": 2.4},
        "s2c": {"zero_window_probes": 3, "keepalives": 0, "retransmissions": 0}},
    "seq_keepalive.pcap": {
        "c2s": {"keepalives": 2},
        "s2c": {"keepalive_acks": 2, "dup_acks": 0}},
    "seq_window_full.pcap": {
        "s2c": {"window_full": 1},
        "c2s": {"win_min": 3072, "win_max": 64256}},
    "seq_gso.pcap": {
        "s2c": {"retransmissions": 0, "rtt.samples": 2},
        "c2s": {"dup_acks": 0}},
    "seq_tlp.pcap": {
        "s2c": {"retransmissions": 1, "tlp_retransmissions": 1, "timeout_retransmissions": 0,
                "rtt.max_ms": 20.0}},
}


def main():
    if sys.argv[1:] == ["--expected"]:
        json.dump(EXPECTED, sys.stdout, indent=1, sort_keys=True)
        print()
        return
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "crafted")
    os.makedirs(outdir, exist_ok=True)
    names = set()
    for sc in SCENARIOS:
        for name, blob in sc().items():
            assert name not in names, name
            assert name in EXPECTED, name
            names.add(name)
            with open(os.path.join(outdir, name), "wb") as fh:
                fh.write(blob)
    print("gen_seq.py: wrote %d files to %s" % (len(names), outdir))


if __name__ == "__main__":
    main()
