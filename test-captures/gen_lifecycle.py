#!/usr/bin/env python3
"""gen_lifecycle.py - crafted captures for issue 3 (connection life cycle).

Usage:  python3 test-captures/gen_lifecycle.py [OUTDIR]   (default: crafted/
        next to this script)

One small capture per life-cycle outcome: how a connection opened (normal,
retried SYNs, retried SYN-ACKs, refused, unanswered, simultaneous open,
SYN-ACK without its SYN, mid-stream) and how it ended (FIN/FIN either side
first, simultaneous close, half-close, RST by either side, RST after FIN,
abort with unread data, out-of-window RST, RST with an odd TTL, TIME_WAIT
expiry, port reuse in and after TIME_WAIT), plus a SYN flood next to a
normal connection.  All files are named lc_*.pcap.  The expected tcpscope
output for every file, worked out by hand, is in lifecycle_expected.py next
to this script; tests/lifecycle_golden.sh compares.

Deterministic, standard library only; the low-level packet builders come
from gen_crafted.py (same folder).  Timestamps are written as milliseconds
after 1700000000 s so every gap in lifecycle_expected.py can be read off
the scenario functions below.  Client 10.0.0.1 (or 2001:db8::1), server
10.0.0.2 (2001:db8::2); every IP header has TTL / hop limit 64 unless a
scenario says otherwise.  No retransmitted payload and no zero window
anywhere (so no Zeek T/W letters), correct checksums (no C).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_crafted as g  # noqa: E402

FIN, SYN, RST, PSH, ACK = g.FIN, g.SYN, g.RST, g.PSH, g.ACK
C, S = 0, 1
CLI4, SRV4 = g.V4_CLI, g.V4_SRV
CLI6, SRV6 = g.V6_CLI, g.V6_SRV

# SYN options.  OPT_PLAIN: MSS 1460, NOP, WS 7, SACK-permitted, NOP, NOP.
OPT_PLAIN = g.OPT_SYN


def opt_ts(tsval, tsecr):
    return bytes([8, 10]) + tsval.to_bytes(4, "big") + tsecr.to_bytes(4, "big")


# Linux-like: MSS, SACK-permitted, timestamps, NOP, WS.
def opt_syn_ts(mss, ws, tsval, tsecr):
    return (bytes([2, 4]) + mss.to_bytes(2, "big") + bytes([4, 2]) + opt_ts(tsval, tsecr)
            + bytes([1, 3, 3, ws]))


# MSS 1440, SACK-permitted, NOP, NOP, NOP, WS 7, TFO (kind 34) cookie
# request (client, length 2) or an 8-byte cookie (server), NOP padding.
OPT_TFO_CLIENT = (bytes([2, 4, 0x05, 0xA0, 4, 2, 1, 1, 1, 3, 3, 7]) + bytes([34, 2, 1, 1]))
OPT_TFO_SERVER = (bytes([2, 4, 0x05, 0xA0, 4, 2, 1, 1, 1, 3, 3, 7])
                  + bytes([34, 10]) + bytes.fromhex("a1b2c3d4e5f60718") + bytes([1, 1]))


class Tcp:
    """Packets of one TCP connection.  send() takes the time in ms after
    BASE_TS_NS, the sender (C or S) and the flags; seq defaults to the
    sender's next sequence number (advanced by payload, SYN and FIN), ack to
    the peer's next sequence number when ACK is set."""

    def __init__(self, out, cli, cport, srv, sport, cisn, sisn, ttl=(64, 64)):
        self.out = out
        self.ep = [(cli, cport), (srv, sport)]
        self.isn = [cisn, sisn]
        self.nxt = [cisn, sisn]
        self.ttl = list(ttl)
        self.ident = [0x1000 + (cport & 0xFFF), 0x8000 + (cport & 0xFFF)]
        self.tsopt = None  # (tsval base) when timestamps were negotiated

    def send(self, at_ms, frm, flags, payload=b"", seq=None, ack=None, win=None,
             opts=None, ttl=None, advance=True):
        (src, sp), (dst, dp) = self.ep[frm], self.ep[1 - frm]
        s = self.nxt[frm] if seq is None else seq
        a = (self.nxt[1 - frm] if ack is None else ack) if flags & ACK else 0
        if win is None:
            win = (64240 if frm == C else 65160) if flags & SYN else (502 if frm == C else 509)
        if opts is None:
            opts = b""
            if self.tsopt is not None and not flags & SYN:
                opts = bytes([1, 1]) + opt_ts(self.tsopt[frm] + int(at_ms), self.tsopt[1 - frm])
        seg = g.tcp_segment(g.addr(src), g.addr(dst), sp, dp, s, a, flags, payload,
                            win=win, options=opts)
        hop = self.ttl[frm] if ttl is None else ttl
        if ":" in src:
            pkt = g.ip_packet(src, dst, g.IPPROTO_TCP, seg, hop_limit=hop)
        else:
            pkt = g.ip_packet(src, dst, g.IPPROTO_TCP, seg, ttl=hop, ident=self.ident[frm])
            self.ident[frm] += 1
        if seq is None and advance:
            self.nxt[frm] += len(payload) + (1 if flags & SYN else 0) + (1 if flags & FIN else 0)
        ts = g.BASE_TS_NS + round(at_ms * 1000) * 1000
        self.out.append((ts, frm == C, pkt))

    # helpers -------------------------------------------------------------
    def syn(self, at, opts=OPT_PLAIN):
        """SYN (first or retransmitted: always the ISN)."""
        self.send(at, C, SYN, seq=self.isn[C], opts=opts, advance=False)
        self.nxt[C] = self.isn[C] + 1

    def synack(self, at, opts=OPT_PLAIN, frm=S):
        self.send(at, frm, SYN | ACK, seq=self.isn[frm], opts=opts, advance=False)
        self.nxt[frm] = self.isn[frm] + 1

    def data(self, at, frm, n, flags=PSH | ACK):
        self.send(at, frm, flags, payload=bytes((i * 13 + n) & 0x7F | 0x20 for i in range(n)))

    def ack(self, at, frm):
        self.send(at, frm, ACK)

    def fin(self, at, frm, ack=None):
        self.send(at, frm, FIN | ACK, ack=ack)

    def rst(self, at, frm, seq=None, ttl=None, with_ack=True):
        self.send(at, frm, RST | ACK if with_ack else RST, seq=seq, ttl=ttl)


def pcap(items, keep_order=False):
    if not keep_order:
        items = sorted(items, key=lambda x: x[0])
    frames = [g.Frame(ts, g.link_ether(pkt, from_client=fc, pad=True)) for ts, fc, pkt in items]
    return g.pcap_bytes(frames, g.LINKTYPE_ETHERNET)


# ===========================================================================
# Scenarios: each returns (filename, [items]).  Times in ms.
# ===========================================================================

def lc_close_client_first():
    """Handshake with timestamps (client MSS 1460 WS 7, server MSS 1400 WS 9),
    request/response, client closes first: FIN(C) 1040.3, FIN/ACK(S)
    1060.3, ACK(C) 1060.4.  SYN 0, SYN-ACK 20.0, ACK 20.1."""
    o = []
    t = Tcp(o, CLI4, 40001, SRV4, 80, 1_000_000, 2_000_000)
    t.syn(0, opts=opt_syn_ts(1460, 7, 100000, 0))
    t.synack(20.0, opts=opt_syn_ts(1400, 9, 700000, 100000))
    t.tsopt = [100000, 700000]
    t.ack(20.1, C)
    t.data(20.2, C, 100)
    t.send(40.2, S, PSH | ACK, payload=b"r" * 1000, win=128)
    t.ack(40.3, C)
    t.fin(1040.3, C)
    t.send(1060.3, S, FIN | ACK, win=128)
    t.ack(1060.4, C)
    return "lc_close_client_first.pcap", o


def lc_close_server_first_v6():
    """IPv6.  TFO cookie request in the SYN, cookie in the SYN-ACK (no data
    on either).  SYN 0, SYN-ACK 15.0, ACK 15.08; data; server FIN 30.5,
    client FIN/ACK 30.6, server ACK 30.7."""
    o = []
    t = Tcp(o, CLI6, 40002, SRV6, 8080, 3_000_000, 4_000_000)
    t.syn(0, opts=OPT_TFO_CLIENT)
    t.synack(15.0, opts=OPT_TFO_SERVER)
    t.ack(15.08, C)
    t.data(15.2, C, 80)
    t.data(30.2, S, 500)
    t.ack(30.3, C)
    t.fin(30.5, S)
    t.fin(30.6, C)
    t.ack(30.7, S)
    return "lc_close_server_first_v6.pcap", o


def lc_simultaneous_close():
    """Both FINs cross (RFC 793 figure 14): client FIN 1020.30, server FIN
    1020.35 whose ACK field does not cover the client's FIN, then each side
    ACKs the other's FIN (client 1020.40, server 1020.45)."""
    o = []
    t = Tcp(o, CLI4, 40003, SRV4, 80, 5_000_000, 6_000_000)
    t.syn(0)
    t.synack(10.0)
    t.ack(10.1, C)
    t.data(10.2, C, 50)
    t.data(20.2, S, 200)
    t.ack(20.3, C)
    cfin = t.nxt[C]
    t.fin(1020.30, C)
    t.fin(1020.35, S, ack=cfin)          # crosses: does not ack the client's FIN
    t.ack(1020.40, C)                    # acks the server's FIN
    t.ack(1020.45, S)                    # acks the client's FIN
    return "lc_simultaneous_close.pcap", o


def lc_half_close():
    """Client sends its request and shuts down its sending side at once
    (FIN 12.3); the server ACKs the FIN and goes on sending 3400 bytes
    (24.4 .. 25.0), then closes (FIN 25.1); client ACK 25.2."""
    o = []
    t = Tcp(o, CLI4, 40004, SRV4, 80, 7_000_000, 8_000_000)
    t.syn(0)
    t.synack(12.0)
    t.ack(12.1, C)
    t.data(12.2, C, 60)
    t.fin(12.3, C)
    t.ack(24.3, S)
    t.data(24.4, S, 1400, flags=ACK)
    t.data(24.5, S, 1400, flags=ACK)
    t.ack(24.6, C)
    t.data(25.0, S, 600)
    t.fin(25.1, S)
    t.ack(25.2, C)
    return "lc_half_close.pcap", o


def lc_refused():
    """SYN 0; RST/ACK from the server 0.15 ms later (seq 0, ack ISN+1)."""
    o = []
    t = Tcp(o, CLI4, 40005, SRV4, 9, 9_000_000, 0)
    t.syn(0)
    t.send(0.15, S, RST | ACK, seq=0)
    return "lc_refused.pcap", o


def lc_syn_unanswered():
    """Six SYNs, same ISN, at 0, 1, 3, 7, 15, 31 s (RTO 1 s doubling)."""
    o = []
    t = Tcp(o, CLI4, 40006, "10.0.0.99", 80, 10_000_000, 0)
    for s in (0, 1, 3, 7, 15, 31):
        t.syn(s * 1000.0)
    return "lc_syn_unanswered.pcap", o


def lc_syn_unanswered_linux():
    """Linux with net.ipv4.tcp_syn_linear_timeouts=4 and tcp_syn_retries=6:
    four retries 1 s apart, then 2 s and 4 s: SYNs at 0,1,2,3,4,6,10 s."""
    o = []
    t = Tcp(o, CLI4, 40007, "10.0.0.99", 443, 11_000_000, 0)
    for s in (0, 1, 2, 3, 4, 6, 10):
        t.syn(s * 1000.0)
    return "lc_syn_unanswered_linux.pcap", o


def lc_synack_retrans():
    """Capture near the server: SYN 0, SYN-ACK 30, SYN-ACK again at 1030 and
    3030 (the client's ACKs were lost before the tap), the client's ACK
    finally at 3060, then data and a client-first FIN close."""
    o = []
    t = Tcp(o, CLI4, 40008, SRV4, 80, 12_000_000, 13_000_000)
    t.syn(0)
    t.synack(30.0)
    t.synack(1030.0)
    t.synack(3030.0)
    t.ack(3060.0, C)
    t.data(3060.1, C, 100)
    t.ack(3090.1, S)
    t.data(3090.2, S, 300)
    t.ack(3090.3, C)
    t.fin(4090.3, C)
    t.fin(4120.3, S)
    t.ack(4120.4, C)
    return "lc_synack_retrans.pcap", o


def lc_simultaneous_open():
    """RFC 793 figure 8 (NAT hole punching): 10.0.0.1:5000 and 10.0.0.2:6000
    send SYNs that cross (0 and 0.5 ms), then each sends SYN,ACK (20.5,
    20.6); data from A, ACK from B, A closes first."""
    o = []
    t = Tcp(o, CLI4, 5000, SRV4, 6000, 14_000_000, 15_000_000)
    t.syn(0)
    t.send(0.5, S, SYN, seq=t.isn[S], opts=OPT_PLAIN, advance=False)
    t.nxt[S] = t.isn[S] + 1
    t.synack(20.5, frm=C)
    t.synack(20.6, frm=S)
    t.data(30.0, C, 20)
    t.ack(40.0, S)
    t.fin(1040.0, C)
    t.fin(1050.0, S)
    t.ack(1050.1, C)
    return "lc_simultaneous_open.pcap", o


def lc_synack_no_syn():
    """The client's SYN was not captured: SYN-ACK 0 from server :80, client
    ACK 2.0, data both ways, client-first FIN close."""
    o = []
    t = Tcp(o, CLI4, 40010, SRV4, 80, 16_000_000, 17_000_000)
    t.nxt[C] = t.isn[C] + 1      # the SYN happened, unseen
    t.synack(0)
    t.ack(2.0, C)
    t.data(2.1, C, 70)
    t.data(20.0, S, 400)
    t.ack(20.1, C)
    t.fin(500.0, C)
    t.fin(520.0, S)
    t.ack(520.1, C)
    return "lc_synack_no_syn.pcap", o


def lc_established_open():
    """SYN 0, SYN again (same ISN) 1000, SYN-ACK 1025, ACK 1025.1, one
    request and one response; the capture ends with the connection open."""
    o = []
    t = Tcp(o, CLI4, 40011, SRV4, 80, 18_000_000, 19_000_000)
    t.syn(0)
    t.syn(1000.0)
    t.synack(1025.0)
    t.ack(1025.1, C)
    t.data(1025.2, C, 100)
    t.data(1050.0, S, 300)
    t.ack(1050.1, C)
    return "lc_established_open.pcap", o


def lc_client_fin_only():
    """Handshake, data both ways, client FIN 500, server ACKs it 520; the
    server never sends its FIN before the capture ends."""
    o = []
    t = Tcp(o, CLI4, 40012, SRV4, 80, 20_000_000, 21_000_000)
    t.syn(0)
    t.synack(20.0)
    t.ack(20.1, C)
    t.data(20.2, C, 100)
    t.data(40.0, S, 300)
    t.ack(40.1, C)
    t.fin(500.0, C)
    t.ack(520.0, S)
    return "lc_client_fin_only.pcap", o


def lc_server_fin_only():
    """Handshake, data both ways, server FIN 60, client ACKs it 60.1; the
    client never sends its FIN."""
    o = []
    t = Tcp(o, CLI4, 40013, SRV4, 80, 22_000_000, 23_000_000)
    t.syn(0)
    t.synack(20.0)
    t.ack(20.1, C)
    t.data(20.2, C, 100)
    t.data(40.0, S, 300)
    t.ack(40.1, C)
    t.fin(60.0, S)
    t.ack(60.1, C)
    return "lc_server_fin_only.pcap", o


def lc_rst_client():
    """Established, data both ways, then the client aborts: RST/ACK at 2000
    with seq = the server's RCV.NXT (exactly in window)."""
    o = []
    t = Tcp(o, CLI4, 40014, SRV4, 80, 24_000_000, 25_000_000)
    t.syn(0)
    t.synack(20.0)
    t.ack(20.1, C)
    t.data(20.2, C, 100)
    t.data(40.0, S, 300)
    t.ack(40.1, C)
    t.rst(2000.0, C)
    return "lc_rst_client.pcap", o


def lc_rst_server():
    """Request, the server sends two 1400-byte segments, the client ACKs,
    then the server resets in the middle of the transfer (RST/ACK 60.0,
    seq = the client's RCV.NXT)."""
    o = []
    t = Tcp(o, CLI4, 40015, SRV4, 80, 26_000_000, 27_000_000)
    t.syn(0)
    t.synack(20.0)
    t.ack(20.1, C)
    t.data(20.2, C, 100)
    t.data(40.0, S, 1400, flags=ACK)
    t.data(40.1, S, 1400, flags=ACK)
    t.ack(40.2, C)
    t.rst(60.0, S)
    return "lc_rst_server.pcap", o


def lc_rst_after_fin():
    """Client FIN 500, server ACKs it 520, then the server resets (RST/ACK
    521) instead of sending its own FIN."""
    o = []
    t = Tcp(o, CLI4, 40016, SRV4, 80, 28_000_000, 29_000_000)
    t.syn(0)
    t.synack(20.0)
    t.ack(20.1, C)
    t.data(20.2, C, 100)
    t.data(40.0, S, 300)
    t.ack(40.1, C)
    t.fin(500.0, C)
    t.ack(520.0, S)
    t.rst(521.0, S)
    return "lc_rst_after_fin.pcap", o


def lc_abort_unread():
    """The client sends 500 + 500 bytes; the server's kernel ACKs the first
    chunk, the application closes without reading, so the server answers the
    second chunk with RST/ACK (RFC 2525 2.17): RST 30.2, seq = the client's
    RCV.NXT (the server never sent data), ack = all client data."""
    o = []
    t = Tcp(o, CLI4, 40017, SRV4, 80, 30_000_000, 31_000_000)
    t.syn(0)
    t.synack(20.0)
    t.ack(20.1, C)
    t.data(20.2, C, 500)
    t.ack(30.0, S)
    t.data(30.1, C, 500)
    t.rst(30.2, S)
    return "lc_abort_unread.pcap", o


def lc_rstos0():
    """Client SYN 0, then the client itself resets (bare RST, seq ISN+1) at
    500 before any answer."""
    o = []
    t = Tcp(o, CLI4, 40018, SRV4, 80, 32_000_000, 0)
    t.syn(0)
    t.send(500.0, C, RST)
    return "lc_rstos0.pcap", o


def lc_rstrh():
    """No SYN seen: SYN-ACK from server :80 at 0, then RST/ACK from the server
    at 3000 (seq ISN+1, ack = the unseen SYN + 1)."""
    o = []
    t = Tcp(o, CLI4, 40019, SRV4, 80, 34_000_000, 35_000_000)
    t.nxt[C] = t.isn[C] + 1
    t.synack(0)
    t.rst(3000.0, S)
    return "lc_rstrh.pcap", o


def lc_sh():
    """Two half-open probes, no answer: (1) :41001 sends one SYN+FIN segment
    at 0; (2) :41002 sends a SYN at 100 and a bare FIN (no ACK, seq ISN+1)
    at 100.5."""
    o = []
    t = Tcp(o, CLI4, 41001, SRV4, 80, 36_000_000, 0)
    t.send(0, C, SYN | FIN, opts=OPT_PLAIN)
    u = Tcp(o, CLI4, 41002, SRV4, 80, 37_000_000, 0)
    u.syn(100.0)
    u.send(100.5, C, FIN)
    return "lc_sh.pcap", o


def lc_shr():
    """No SYN seen: SYN-ACK from server :80 at 0, then the server's FIN/ACK
    at 1000; nothing from the client."""
    o = []
    t = Tcp(o, CLI4, 40020, SRV4, 80, 38_000_000, 39_000_000)
    t.nxt[C] = t.isn[C] + 1
    t.synack(0)
    t.fin(1000.0, S)
    return "lc_shr.pcap", o


def lc_midstream():
    """Capture starts mid-connection: client 51000 -> server 80 data (ACK
    set) at 0, server data at 20, client ACK at 20.1.  No SYN, no FIN."""
    o = []
    t = Tcp(o, CLI4, 51000, SRV4, 80, 40_000_000, 41_000_000)
    t.data(0, C, 100)
    t.data(20.0, S, 500)
    t.ack(20.1, C)
    return "lc_midstream.pcap", o


def lc_rst_out_of_window():
    """After data both ways, a RST/ACK claiming to come from the server at
    100.0 with seq = the client's RCV.NXT + 1,000,000 (the client's window
    is 502 << 7 = 64256): a real stack drops it.  The connection goes on:
    client data 200.0, server ACK 220.0, client-first FIN close."""
    o = []
    t = Tcp(o, CLI4, 40021, SRV4, 80, 42_000_000, 43_000_000)
    t.syn(0)
    t.synack(20.0)
    t.ack(20.1, C)
    t.data(20.2, C, 100)
    t.data(40.0, S, 300)
    t.ack(40.1, C)
    t.rst(100.0, S, seq=t.nxt[S] + 1_000_000)
    t.data(200.0, C, 50)
    t.ack(220.0, S)
    t.fin(300.0, C)
    t.fin(320.0, S)
    t.ack(320.1, C)
    return "lc_rst_out_of_window.pcap", o


def lc_rst_injected_ttl():
    """Every server packet has TTL 64 except the RST/ACK at 25.0 (TTL 51),
    which arrives right after the request and is exactly in window (seq =
    the client's RCV.NXT): accepted, so the connection is reset, but the
    TTL says someone else probably sent it."""
    o = []
    t = Tcp(o, CLI4, 40022, SRV4, 80, 44_000_000, 45_000_000)
    t.syn(0)
    t.synack(20.0)
    t.ack(20.1, C)
    t.data(20.2, C, 120)
    t.ack(24.0, S)
    t.rst(25.0, S, ttl=51)
    return "lc_rst_injected_ttl.pcap", o


def _closed_conn(o, cport, t0, cisn, sisn):
    t = Tcp(o, CLI4, cport, SRV4, 80, cisn, sisn)
    t.syn(t0)
    t.synack(t0 + 20.0)
    t.ack(t0 + 20.1, C)
    t.data(t0 + 20.2, C, 100)
    t.data(t0 + 40.0, S, 300)
    t.ack(t0 + 40.1, C)
    t.fin(t0 + 1040.0, C)
    t.fin(t0 + 1060.0, S)
    t.ack(t0 + 1060.1, C)
    return t


def lc_time_wait_expiry():
    """Connection A (:43000) closes client-first (client enters TIME_WAIT at
    1060.0 on the server's FIN); connection B (:43001) starts at 75000 (74 s
    later) and closes client-first at 76060.1, where the capture ends."""
    o = []
    _closed_conn(o, 43000, 0.0, 46_000_000, 47_000_000)
    _closed_conn(o, 43001, 75000.0, 48_000_000, 49_000_000)
    return "lc_time_wait_expiry.pcap", o


def lc_reuse_in_time_wait():
    """Same 4-tuple :44000 -> :80 twice: the first connection closes
    client-first (client TIME_WAIT from 1060.0, last packet 1060.1); the
    client's new SYN (new, higher ISN) comes 5 s later at 6060.1, while
    TIME_WAIT still runs (Linux tcp_tw_reuse)."""
    o = []
    _closed_conn(o, 44000, 0.0, 50_000_000, 51_000_000)
    _closed_conn(o, 44000, 6060.1, 52_000_000, 53_000_000)
    return "lc_reuse_in_time_wait.pcap", o


def lc_reuse_after_time_wait():
    """As lc_reuse_in_time_wait, but the new SYN comes 70 s after the close
    (at 71060.1): TIME_WAIT (60 s) was over."""
    o = []
    _closed_conn(o, 44001, 0.0, 54_000_000, 55_000_000)
    _closed_conn(o, 44001, 71060.1, 56_000_000, 57_000_000)
    return "lc_reuse_after_time_wait.pcap", o


def lc_syn_flood():
    """A normal connection 10.0.0.1:45000 -> 10.0.0.2:443 (SYN at 0, closed
    client-first at 1060.1) and, from 5 ms on, 50 SYNs from 50 different
    sources 198.51.100.1 .. .50 (source port 30001 .. 30050) to
    10.0.0.2:80, one every 10 ms, each answered by one SYN-ACK 0.2 ms later
    and never completed."""
    o = []
    t = Tcp(o, CLI4, 45000, SRV4, 443, 58_000_000, 59_000_000)
    t.syn(0)
    t.synack(20.0)
    t.ack(20.1, C)
    t.data(20.2, C, 100)
    t.data(40.0, S, 300)
    t.ack(40.1, C)
    t.fin(1040.0, C)
    t.fin(1060.0, S)
    t.ack(1060.1, C)
    for i in range(1, 51):
        f = Tcp(o, "198.51.100.%d" % i, 30000 + i, SRV4, 80, 60_000_000 + i * 1000, 61_000_000 + i * 1000)
        at = 5.0 + (i - 1) * 10.0
        f.syn(at)
        f.synack(at + 0.2)
    return "lc_syn_flood.pcap", o


SCENARIOS = [
    lc_close_client_first, lc_close_server_first_v6, lc_simultaneous_close, lc_half_close,
    lc_refused, lc_syn_unanswered, lc_syn_unanswered_linux, lc_synack_retrans,
    lc_simultaneous_open, lc_synack_no_syn, lc_established_open, lc_client_fin_only,
    lc_server_fin_only, lc_rst_client, lc_rst_server, lc_rst_after_fin, lc_abort_unread,
    lc_rstos0, lc_rstrh, lc_sh, lc_shr, lc_midstream, lc_rst_out_of_window,
    lc_rst_injected_ttl, lc_time_wait_expiry, lc_reuse_in_time_wait,
    lc_reuse_after_time_wait, lc_syn_flood,
]


# ---- issue 12: accuracy ----------------------------------------------------

def lc_rst_stale_ack():
    """RST before the handshake, form (a): the client's SYN (ISN 3000000) at
    0 draws a stale ACK from an earlier incarnation of the 4-tuple at 0.2 ms
    (seq 7777777, ack 123456: not ISN+1); the client, in SYN-SENT, answers
    with <SEQ=123456><CTL=RST> (RFC 9293 3.10.7.3) at 0.25 and retries its
    SYN (same ISN) at 1000; SYN-ACK 1020, ACK 1020.1, request, response,
    client-first close."""
    o = []
    t = Tcp(o, CLI4, 40120, SRV4, 80, 3_000_000, 8_000_000)
    t.syn(0)
    t.send(0.2, S, ACK, seq=7_777_777, ack=123_456)
    t.send(0.25, C, RST, seq=123_456)
    t.syn(1000.0)
    t.synack(1020.0)
    t.ack(1020.1, C)
    t.data(1020.2, C, 100)
    t.ack(1040.2, S)
    t.data(1040.3, S, 300)
    t.ack(1040.4, C)
    t.fin(1050.0, C)
    t.fin(1060.0, S)
    t.ack(1060.1, C)
    return "lc_rst_stale_ack.pcap", o


def lc_refused_retry_answered():
    """RST before the handshake, form (b): SYN (ISN 4000000) at 0, RST/ACK
    seq 0 ack ISN+1 at 0.15 (refused), the same SYN again at 500 (Windows
    retries a refused connect() with the same ISN), answered this time:
    SYN-ACK 500.2, ACK 500.3, request, response, client-first close."""
    o = []
    t = Tcp(o, CLI4, 40121, SRV4, 80, 4_000_000, 9_000_000)
    t.syn(0)
    t.send(0.15, S, RST | ACK, seq=0)
    t.syn(500.0)
    t.synack(500.2)
    t.ack(500.3, C)
    t.data(500.4, C, 100)
    t.ack(520.4, S)
    t.data(520.5, S, 300)
    t.ack(520.6, C)
    t.fin(530.0, C)
    t.fin(540.0, S)
    t.ack(540.1, C)
    return "lc_refused_retry_answered.pcap", o


def lc_negative_gaps():
    """Two connections whose packets are stamped out of causal order, as in
    captures merged from two interfaces or stamped by two sockets; the file
    order is the causal one (written unsorted).  40122: SYN 0, SYN-ACK 10.0,
    the handshake ACK stamped 9.95 (50 us early: within the 1 ms skew),
    data, close.  40123: SYN 100, SYN-ACK 110, ACK stamped 105 (5 ms early),
    client data 110.2, server ACK 120.2, server data 120.3 ACKed by a client
    ACK stamped 115.0, close at 130 / 140 / 140.1."""
    o = []
    t = Tcp(o, CLI4, 40122, SRV4, 80, 5_000_000, 6_000_000)
    t.syn(0)
    t.synack(10.0)
    t.ack(9.95, C)
    t.data(10.2, C, 100)
    t.ack(30.2, S)
    t.data(30.3, S, 200)
    t.ack(30.4, C)
    t.fin(40.0, C)
    t.fin(50.0, S)
    t.ack(50.1, C)
    t = Tcp(o, CLI4, 40123, SRV4, 80, 7_000_000, 8_000_000)
    t.syn(100.0)
    t.synack(110.0)
    t.ack(105.0, C)
    t.data(110.2, C, 100)
    t.ack(120.2, S)
    t.data(120.3, S, 200)
    t.ack(115.0, C)
    t.fin(130.0, C)
    t.fin(140.0, S)
    t.ack(140.1, C)
    return "lc_negative_gaps.pcap", o


UNSORTED = {"lc_negative_gaps.pcap"}


def lc_midstream_keepalive():
    """A connection caught mid-stream that only exchanges keep-alives: the
    client (51001) sends a keep-alive (seq = next - 1, no data) at 0, 150,
    300 and 450 s, each ACKed by the server 0.2 ms later.  More than the
    120 s opening timeout apart, less than the established one."""
    o = []
    t = Tcp(o, CLI4, 51001, SRV4, 80, 50_000_000, 51_000_000)
    for k in range(4):
        t.send(k * 150_000.0, C, ACK, seq=t.nxt[C] - 1)
        t.ack(k * 150_000.0 + 0.2, S)
    return "lc_midstream_keepalive.pcap", o


def lc_after_rst():
    """Packets after an accepted RST.  40124: handshake 0 / 20 / 20.1,
    request 20.2, server ACK 40.2; the client aborts with RST/ACK (seq =
    its SND.NXT) at 50; the server's response, in flight, arrives at
    50.02 and the client's stack answers it with a RST (seq = the data's
    ACK) at 50.04.  10 s later (10050) the server sends a keep-alive-like
    ACK, answered by a RST from the client at 10050.1."""
    o = []
    t = Tcp(o, CLI4, 40124, SRV4, 80, 10_000_000, 11_000_000)
    t.syn(0)
    t.synack(20.0)
    t.ack(20.1, C)
    t.data(20.2, C, 100)
    t.ack(40.2, S)
    t.rst(50.0, C)
    t.data(50.02, S, 300)
    t.rst(50.04, C, with_ack=False)
    t.send(10050.0, S, ACK)
    t.rst(10050.1, C, with_ack=False)
    return "lc_after_rst.pcap", o


def lc_zeek_t():
    """Zeek's T/t: the client's SYN is retried once (1000), then its second
    data segment is resent (1300); the server resends its first data
    segment (1600).  SYN 0 and 1000, SYN-ACK 1020, ACK 1020.1, client data
    100 B at 1020.2 and 1020.3, resent at 1300; server ACK 1320, data
    300 B at 1320.1 and 1320.2, the first resent at 1600; client ACK 1620;
    close 1700 / 1720 / 1720.1."""
    o = []
    t = Tcp(o, CLI4, 40125, SRV4, 80, 12_000_000, 13_000_000)
    t.syn(0)
    t.syn(1000.0)
    t.synack(1020.0)
    t.ack(1020.1, C)
    t.data(1020.2, C, 100)
    t.data(1020.3, C, 100)
    t.send(1300.0, C, PSH | ACK, payload=bytes(100), seq=t.nxt[C] - 100)
    t.ack(1320.0, S)
    first = t.nxt[S]
    t.data(1320.1, S, 300)
    t.data(1320.2, S, 300)
    t.send(1600.0, S, PSH | ACK, payload=bytes(300), seq=first)
    t.ack(1620.0, C)
    t.fin(1700.0, C)
    t.fin(1720.0, S)
    t.ack(1720.1, C)
    return "lc_zeek_t.pcap", o


def lc_gap_vs_loss():
    """Content gap against loss.  40126: the client's second data segment
    (20.3) is missing from the capture and never resent, and the server
    ACKs all three (40.4): data ACKed but never captured, Zeek's G.  40127:
    the client's second segment (20.3) is lost before the capture point,
    the server sends a duplicate ACK (40.4), the client resends it (60.0)
    and the server ACKs all (80.0): a hole filled by a retransmission is
    loss, not a capture gap.  Both close client-first."""
    o = []
    for port, cisn, sisn, resend in ((40126, 14_000_000, 15_000_000, False),
                                     (40127, 16_000_000, 17_000_000, True)):
        t = Tcp(o, CLI4, port, SRV4, 80, cisn, sisn)
        t.syn(0)
        t.synack(20.0)
        t.ack(20.1, C)
        t.data(20.2, C, 100)
        hole = t.nxt[C]
        t.nxt[C] += 100  # the segment [hole, hole + 100) at 20.3 is not in the capture
        t.data(20.4, C, 100)
        if resend:
            t.send(40.4, S, ACK, ack=hole)
            t.send(60.0, C, PSH | ACK, payload=bytes(100), seq=hole)
            t.ack(80.0, S)
        else:
            t.ack(40.4, S)
        t.fin(100.0, C)
        t.fin(120.0, S)
        t.ack(120.1, C)
    return "lc_gap_vs_loss.pcap", o


SCENARIOS += [lc_rst_stale_ack, lc_refused_retry_answered, lc_negative_gaps, lc_midstream_keepalive,
              lc_after_rst, lc_zeek_t, lc_gap_vs_loss]


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "crafted")
    os.makedirs(outdir, exist_ok=True)
    for sc in SCENARIOS:
        name, items = sc()
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(pcap(items, keep_order=name in UNSORTED))
        print("wrote", name, len(items), "frames")


if __name__ == "__main__":
    main()
