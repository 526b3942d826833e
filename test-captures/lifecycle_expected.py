"""lifecycle_expected.py - tcpscope's expected life-cycle output (issue 3) for
every crafted/lc_*.pcap, worked out BY HAND from the packets written by
gen_lifecycle.py, RFC 793 / RFC 9293, the observer rules of
include/tcp_state.h, and Zeek's source (not from tcpscope's output).

Format
------
EXPECTED maps a capture file name to
    {"why": one paragraph,
     "conns": [one dict per connection, in order of first packet],
     "summary": {...}  (optional; only "syn_flood" is checked)}
A connection dict holds the JSON fields of the "type":"conn" record that
must match (nested dicts compare field by field; fields not listed are not
checked).  Values:
  - numbers compare with an absolute tolerance of TOL_MS (all times here are
    milliseconds written with microsecond precision); lists of numbers
    element-wise, with equal length;
  - ANY means "present, any value" (used where the contract leaves the value
    open, e.g. the handshake RTT split of a simultaneous open);
  - None means JSON null (the key must be present).
An entry may hold "tshark_split": how many packets of tshark's one stream
each record has, where tcpscope splits it on purpose (lc_after_rst.pcap).
Two extra keys are not JSON fields:
  - "diagnoses": list of regular expressions (case-insensitive, re.search);
    each must match at least one sentence of the record's "diagnoses".
  - "diagnoses_absent": list of regular expressions none of the sentences
    may match.
Summary "syn_flood": the exact list of entries (order irrelevant); an empty
list also accepts a missing key.  Files without a "summary" key are checked
for an empty or missing syn_flood.

Zeek rules used (zeek/zeek: src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc
update_history() and UpdateStateMachine(); base/protocols/conn/main.zeek
conn_state(); src/Conn.cc FlipRoles(); TCP.cc WantConnection()):
  history, per packet, upper case from the originator (client):
    * more than one of SYN/FIN/RST: FIN+RST -> 'I', otherwise (SYN+FIN,
      SYN+RST) -> 'Q';
    * exactly one: SYN -> 'H' with ACK, 'S' without; FIN -> 'F' (data on the
      FIN segment gives no 'D'); RST -> 'R';
    * none: payload -> 'D', else ACK -> 'A' (a segment with no flag at all
      and no payload gives nothing);
    * a letter is added once per direction; 'S' and 'H' share one slot
      (HIST_SYN_PKT): an originator that sent 'S' never adds 'H' for a
      SYN-ACK with the same sequence number (simultaneous open below).
      Zeek repeats S/H/F/R when a later one has a new sequence number; no
      capture here has that;
    * '^' when the roles were flipped, i.e. the first packet's sender is
      the server (Zeek: first packet a SYN-ACK or no SYN, from a likely
      server port such as 80).
  conn_state from the endpoint states Zeek derives (INACTIVE, SYN_SENT,
  SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET): a SYN-ACK makes BOTH
  endpoints ESTABLISHED (so SYN + SYN-ACK alone is S1), a FIN makes its
  sender CLOSED, a RST its sender RESET, a first packet without SYN makes
  its sender PARTIAL; then REJ / RSTRH / RSTR if the responder is RESET,
  RSTOS0 / OTH / RSTO if the originator is, SF, SH / S2, SHR / S3, S0, S1,
  OTH exactly as in conn_state().
One deliberate difference from Zeek: a RST that is out of the receiver's
window is ignored (issue 3), so it changes no state and conn_state is
computed as if it were absent; its letter still appears in history (history
records what was on the wire).

RFC 793 states: the rules of include/tcp_state.h, applied by hand.  The
report shows the state at the last packet, with TIME_WAIT turned into
CLOSED once the capture's packet time is more than 60 s past the moment the
endpoint entered TIME_WAIT (the FIN that moved it there).

Handshake conventions (judgement calls, see each scenario):
  syn_count counts segments with SYN and without ACK (a SYN+FIN counts),
  synack_count segments with SYN and ACK, retries included;
  syn_retry_intervals_ms are the gaps between successive SYNs of the client,
  synack_retry_intervals_ms between successive SYN-ACKs of the server;
  syn_synack_ms = last SYN before the first SYN-ACK -> first SYN-ACK;
  synack_ack_ms = last SYN-ACK before the client's handshake ACK -> that
  ACK; rtt_ms = their sum, null when either is null.
"""

import re

TOL_MS = 0.002


class _Any:
    def __repr__(self):
        return "ANY"


ANY = _Any()

CLI4, SRV4 = "10.0.0.1", "10.0.0.2"


def ep(ip, port):
    return {"ip": ip, "port": port}


# A side whose SYN (or SYN-ACK) was not captured has no options to show:
# null (README: "or null when it was not captured").
NO_OPTS = None
PLAIN = {"mss": 1460, "wscale": 7, "sack_permitted": True, "timestamps": False, "tfo": False}


def hs(syn=1, synack=1, syn_iv=(), synack_iv=(), syn_synack=None, synack_ack=None,
       simultaneous=False, completed=True, client=PLAIN, server=PLAIN):
    rtt = None if syn_synack is None or synack_ack is None else round(syn_synack + synack_ack, 6)
    return {"syn_count": syn, "synack_count": synack,
            "syn_retry_intervals_ms": list(syn_iv), "synack_retry_intervals_ms": list(synack_iv),
            "syn_synack_ms": syn_synack, "synack_ack_ms": synack_ack, "rtt_ms": rtt,
            "simultaneous_open": simultaneous, "completed": completed,
            "client": None if client is None else dict(client),
            "server": None if server is None else dict(server)}


def d(fin=0, rst=0, rst_ignored=0, rst_suspect_ttl=0):
    return {"fin": fin, "rst": rst, "rst_ignored": rst_ignored, "rst_suspect_ttl": rst_suspect_ttl}


def td(first_fin=None, active_closer=None, reset_by=None, half_close=False, time_wait_reuse=False):
    return {"first_fin": first_fin, "active_closer": active_closer, "reset_by": reset_by,
            "half_close": half_close, "time_wait_reuse": time_wait_reuse}


def conn(client, server, state, history, client_state, server_state, handshake, c2s, s2c,
         teardown, diagnoses=(), absent=(), inferred=False, end_reason=None):
    c = {"client": client, "server": server, "direction_inferred": inferred,
         "state": state, "history": history,
         "client_state": client_state, "server_state": server_state,
         "handshake": handshake, "c2s": c2s, "s2c": s2c, "teardown": teardown,
         "diagnoses": list(diagnoses), "diagnoses_absent": list(absent)}
    if end_reason is not None:
        c["end_reason"] = end_reason
    return c


def all_of(*words):
    """One regex: every word (a regex itself) somewhere in the same sentence."""
    return "".join("(?=.*%s)" % w for w in words)


NOT_RESET = [r"reset by", r"refused"]
TW_REUSE = all_of(r"TIME.WAIT", r"reus")

# The normal connection of _closed_conn() in gen_lifecycle.py: SYN t0, SYN-ACK
# t0+20.0, ACK t0+20.1, C data, S data, C ACK, C FIN t0+1040.0, S FIN/ACK
# t0+1060.0 (client -> TIME_WAIT, server -> LAST_ACK), C ACK t0+1060.1
# (server -> CLOSED).  History S h A D d F f.
def closed_conn(cport, client_state, twr=False, diagnoses=(r"client closed first",), absent=(),
                sport=80, client_ip=CLI4):
    return conn(ep(client_ip, cport), ep(SRV4, sport), "SF", "ShADdFf", client_state, "CLOSED",
                hs(syn_synack=20.0, synack_ack=0.1), d(fin=1), d(fin=1),
                td(first_fin="client", active_closer="client", time_wait_reuse=twr),
                diagnoses=diagnoses, absent=list(absent) + NOT_RESET, end_reason="closed")


def flood_conn(i):
    return conn(ep("198.51.100.%d" % i, 30000 + i), ep(SRV4, 80), "S1", "Sh", "SYN_SENT", "SYN_RCVD",
                hs(syn_synack=0.2, synack_ack=None, completed=False), d(), d(), td())


EXPECTED = {
    "lc_close_client_first.pcap": {
        "why": "Normal FIN/FIN with the client closing first.  The client's FIN "
               "(1040.3) moves it to FIN_WAIT_1 and the server to CLOSE_WAIT; the "
               "server's FIN/ACK acknowledges it, so the server goes LAST_ACK and the "
               "client FIN_WAIT_2 -> TIME_WAIT; the client's last ACK closes the "
               "server.  The capture ends 0.1 ms later: client TIME_WAIT.  Zeek: both "
               "endpoints CLOSED -> SF.  Options from the SYN / SYN-ACK (timestamps "
               "on both, server MSS 1400 WS 9).  RTT: SYN 0 -> SYN-ACK 20.0 -> ACK 20.1.",
        "conns": [conn(ep(CLI4, 40001), ep(SRV4, 80), "SF", "ShADdFf", "TIME_WAIT", "CLOSED",
                       hs(syn_synack=20.0, synack_ack=0.1,
                          client={"mss": 1460, "wscale": 7, "sack_permitted": True, "timestamps": True, "tfo": False},
                          server={"mss": 1400, "wscale": 9, "sack_permitted": True, "timestamps": True, "tfo": False}),
                       d(fin=1), d(fin=1), td(first_fin="client", active_closer="client"),
                       diagnoses=[r"client closed first", r"TIME.WAIT on the client"],
                       absent=NOT_RESET + [r"half.close"], end_reason="closed")],
    },
    "lc_close_server_first_v6.pcap": {
        "why": "IPv6, the server closes first (HTTP/1.0 style): server FIN -> server "
               "FIN_WAIT_1, client CLOSE_WAIT; the client's FIN/ACK acknowledges it -> "
               "client LAST_ACK, server FIN_WAIT_2 -> TIME_WAIT; the server's ACK closes "
               "the client.  SF; history S h A D d f F a (the server's last ACK is its "
               "first pure ACK).  TFO option (kind 34) on both SYNs, no timestamps.",
        "conns": [conn(ep("2001:db8::1", 40002), ep("2001:db8::2", 8080), "SF", "ShADdfFa",
                       "CLOSED", "TIME_WAIT",
                       hs(syn_synack=15.0, synack_ack=0.08,
                          client={"mss": 1440, "wscale": 7, "sack_permitted": True, "timestamps": False, "tfo": True},
                          server={"mss": 1440, "wscale": 7, "sack_permitted": True, "timestamps": False, "tfo": True}),
                       d(fin=1), d(fin=1), td(first_fin="server", active_closer="server"),
                       diagnoses=[r"server closed first", r"TIME.WAIT on the server"],
                       absent=NOT_RESET, end_reason="closed")],
    },
    "lc_simultaneous_close.pcap": {
        "why": "RFC 793 figure 14.  Client FIN -> client FIN_WAIT_1, server CLOSE_WAIT "
               "(the observer's rule); the server's FIN does not acknowledge the "
               "client's, so the FINs crossed: server CLOSE_WAIT -> CLOSING (tcp_state.h) "
               "and client FIN_WAIT_1 -> CLOSING.  Each ACK of a FIN moves its receiver "
               "CLOSING -> TIME_WAIT: both end in TIME_WAIT, active_closer both.  "
               "first_fin is the first FIN seen (client).  SF.",
        "conns": [conn(ep(CLI4, 40003), ep(SRV4, 80), "SF", "ShADdFfa", "TIME_WAIT", "TIME_WAIT",
                       hs(syn_synack=10.0, synack_ack=0.1), d(fin=1), d(fin=1),
                       td(first_fin="client", active_closer="both"),
                       diagnoses=[r"simultaneous close"], absent=NOT_RESET, end_reason="closed")],
    },
    "lc_half_close.pcap": {
        "why": "The client sends its request and its FIN (shutdown SHUT_WR); the server "
               "ACKs the FIN (client FIN_WAIT_2, server CLOSE_WAIT) and then sends 3400 "
               "bytes in 3 segments before its own FIN: half_close true (data from the "
               "FIN's receiver after the FIN).  Server FIN -> LAST_ACK, client TIME_WAIT; "
               "last ACK -> server CLOSED.  SF; history S h A D F a d f.",
        "conns": [conn(ep(CLI4, 40004), ep(SRV4, 80), "SF", "ShADFadf", "TIME_WAIT", "CLOSED",
                       hs(syn_synack=12.0, synack_ack=0.1), d(fin=1), d(fin=1),
                       td(first_fin="client", active_closer="client", half_close=True),
                       diagnoses=[r"half.close"], absent=NOT_RESET, end_reason="closed")],
    },
    "lc_refused.pcap": {
        "why": "SYN answered by RST/ACK (ack = ISN+1, acceptable in SYN-SENT by RFC 793 "
               "3.4).  Every RST closes both endpoints (tcp_state.h; the server from "
               "NONE).  Zeek: originator SYN_SENT, responder RESET -> REJ; history S r.  "
               "No SYN-ACK, so the server's options are unknown and the RTT fields null.",
        "conns": [conn(ep(CLI4, 40005), ep(SRV4, 9), "REJ", "Sr", "CLOSED", "CLOSED",
                       hs(synack=0, completed=False, server=NO_OPTS), d(), d(rst=1),
                       td(reset_by="server"), diagnoses=[r"refused"], end_reason="reset")],
    },
    "lc_syn_unanswered.pcap": {
        "why": "Six SYNs with the same ISN at 0, 1, 3, 7, 15, 31 s: intervals 1000, 2000, "
               "4000, 8000, 16000 ms, 31.0 s from first to last.  Nothing came back: client "
               "SYN_SENT, server NONE (a SYN does not show the receiver's state).  Zeek S0, "
               "history S (retransmissions with the same sequence number add nothing).",
        "conns": [conn(ep(CLI4, 40006), ep("10.0.0.99", 80), "S0", "S", "SYN_SENT", "NONE",
                       hs(syn=6, synack=0, syn_iv=(1000.0, 2000.0, 4000.0, 8000.0, 16000.0),
                          completed=False, server=NO_OPTS), d(), d(), td(),
                       diagnoses=[all_of(r"unanswered", r"\b6 SYNs", r"\b31\.0 ?s")])],
    },
    "lc_syn_unanswered_linux.pcap": {
        "why": "Linux with tcp_syn_linear_timeouts=4 (linear first retries), "
               "tcp_syn_retries=6: SYNs at 0,1,2,3,4,6,10 s: intervals 1000 x4, 2000, "
               "4000; 7 SYNs over 10.0 s.  S0, history S, SYN_SENT / NONE.",
        "conns": [conn(ep(CLI4, 40007), ep("10.0.0.99", 443), "S0", "S", "SYN_SENT", "NONE",
                       hs(syn=7, synack=0, syn_iv=(1000.0, 1000.0, 1000.0, 1000.0, 2000.0, 4000.0),
                          completed=False, server=NO_OPTS), d(), d(), td(),
                       diagnoses=[all_of(r"unanswered", r"\b7 SYNs", r"\b10\.0 ?s")])],
    },
    "lc_synack_retrans.pcap": {
        "why": "SYN 0; SYN-ACK at 30, 1030, 3030 (same ISN; intervals 1000, 2000); the "
               "client's ACK at 3060.  syn_synack_ms = 30.0 (SYN -> first SYN-ACK); "
               "synack_ack_ms = 30.0 from the LAST SYN-ACK before the ACK (judgement: the "
               "one the ACK answers, symmetric with the syn_synack rule), rtt 60.0.  The "
               "server stays SYN_RCVD through its retries.  Client-first FIN close: "
               "TIME_WAIT / CLOSED, SF; history S h A D a d F f (no repeated h: same "
               "sequence number).",
        "conns": [conn(ep(CLI4, 40008), ep(SRV4, 80), "SF", "ShADadFf", "TIME_WAIT", "CLOSED",
                       hs(synack=3, synack_iv=(1000.0, 2000.0), syn_synack=30.0, synack_ack=30.0),
                       d(fin=1), d(fin=1), td(first_fin="client", active_closer="client"),
                       diagnoses=[r"SYN-ACK.*retransmi|retransmi.*SYN-ACK"], absent=NOT_RESET,
                       end_reason="closed")],
    },
    "lc_simultaneous_open.pcap": {
        "why": "RFC 793 figure 8: 10.0.0.1:5000 sends the first SYN (client), "
               "10.0.0.2:6000's SYN crosses it (SYN_SENT -> SYN_RCVD on both, by the "
               "tcp_state.h rule for crossed SYNs), then each SYN,ACK moves its receiver "
               "to ESTABLISHED.  syn_count 2 and synack_count 2 (both sides' segments); "
               "no third-step ACK exists, completed true because both reached "
               "ESTABLISHED; the RTT split is not defined for this shape (not checked).  "
               "Zeek: the responder's SYN makes both ESTABLISHED (weird "
               "simultaneous_open); history S s, then NO H/h: the SYN-ACKs carry the same "
               "sequence numbers as the SYNs and share their history slot; D a F f A.  "
               "Client-first close: TIME_WAIT / CLOSED, SF.",
        "conns": [conn(ep(CLI4, 5000), ep(SRV4, 6000), "SF", "SsDaFfA", "TIME_WAIT", "CLOSED",
                       {"syn_count": 2, "synack_count": 2, "syn_retry_intervals_ms": [],
                        "synack_retry_intervals_ms": [], "syn_synack_ms": ANY, "synack_ack_ms": ANY,
                        "rtt_ms": ANY, "simultaneous_open": True, "completed": True,
                        "client": dict(PLAIN), "server": dict(PLAIN)},
                       d(fin=1), d(fin=1), td(first_fin="client", active_closer="client"),
                       diagnoses=[r"simultaneous open"], absent=NOT_RESET, end_reason="closed")],
    },
    "lc_synack_no_syn.pcap": {
        "why": "The SYN was not captured: the capture starts with the SYN-ACK from :80, so "
               "the client is its destination (not inferred, as for synack_first.pcap) and "
               "the first packet's sender became the server: '^' (Zeek flips because 80 is "
               "a likely server port).  Client NONE -> SYN_SENT (inferred from the "
               "SYN-ACK), ESTABLISHED on its ACK.  synack_ack_ms 2.0; syn_synack_ms and "
               "rtt_ms null; client options unknown.  Zeek: responder ESTABLISHED from the "
               "SYN-ACK, the originator's pure ACK establishes it too; FINs -> SF.",
        "conns": [conn(ep(CLI4, 40010), ep(SRV4, 80), "SF", "^hADdFf", "TIME_WAIT", "CLOSED",
                       hs(syn=0, synack_ack=2.0, client=NO_OPTS), d(fin=1), d(fin=1),
                       td(first_fin="client", active_closer="client"),
                       diagnoses=[r"not captured|not seen|missed|missing|without (its|a|the) SYN|no SYN"],
                       absent=NOT_RESET, end_reason="closed")],
    },
    "lc_established_open.pcap": {
        "why": "SYN at 0 and again at 1000 (same ISN), SYN-ACK 1025, ACK 1025.1: "
               "syn_count 2, interval 1000, syn_synack_ms = 25.0 from the LAST SYN before "
               "the SYN-ACK, synack_ack 0.1.  Data both ways, no FIN, no RST: both "
               "ESTABLISHED, Zeek S1, history S h A D d.",
        "conns": [conn(ep(CLI4, 40011), ep(SRV4, 80), "S1", "ShADd", "ESTABLISHED", "ESTABLISHED",
                       hs(syn=2, syn_iv=(1000.0,), syn_synack=25.0, synack_ack=0.1), d(), d(), td(),
                       absent=NOT_RESET + [r"closed first"], end_reason="end_of_input")],
    },
    "lc_client_fin_only.pcap": {
        "why": "The client's FIN is ACKed by the server, which never sends its own: client "
               "FIN_WAIT_2, server CLOSE_WAIT.  Zeek: originator CLOSED, responder "
               "ESTABLISHED -> S2; history S h A D d F a.  Nobody in TIME_WAIT: "
               "active_closer null.",
        "conns": [conn(ep(CLI4, 40012), ep(SRV4, 80), "S2", "ShADdFa", "FIN_WAIT_2", "CLOSE_WAIT",
                       hs(syn_synack=20.0, synack_ack=0.1), d(fin=1), d(),
                       td(first_fin="client"), absent=NOT_RESET, end_reason="end_of_input")],
    },
    "lc_server_fin_only.pcap": {
        "why": "The server's FIN is ACKed by the client, which never closes: client "
               "CLOSE_WAIT, server FIN_WAIT_2.  Zeek: responder CLOSED, originator "
               "ESTABLISHED -> S3; history S h A D d f.",
        "conns": [conn(ep(CLI4, 40013), ep(SRV4, 80), "S3", "ShADdf", "CLOSE_WAIT", "FIN_WAIT_2",
                       hs(syn_synack=20.0, synack_ack=0.1), d(), d(fin=1),
                       td(first_fin="server"), absent=NOT_RESET, end_reason="end_of_input")],
    },
    "lc_rst_client.pcap": {
        "why": "Established, then the client's RST/ACK with seq = the server's RCV.NXT "
               "(in window): both CLOSED.  Zeek: originator RESET, responder ESTABLISHED "
               "-> RSTO; history S h A D d R.",
        "conns": [conn(ep(CLI4, 40014), ep(SRV4, 80), "RSTO", "ShADdR", "CLOSED", "CLOSED",
                       hs(syn_synack=20.0, synack_ack=0.1), d(rst=1), d(), td(reset_by="client"),
                       diagnoses=[r"reset by the client"], end_reason="reset")],
    },
    "lc_rst_server.pcap": {
        "why": "The server resets in the middle of its response (RST/ACK, seq = the "
               "client's RCV.NXT, in window): both CLOSED.  Zeek: responder RESET, "
               "originator ESTABLISHED -> RSTR; history S h A D d r.",
        "conns": [conn(ep(CLI4, 40015), ep(SRV4, 80), "RSTR", "ShADdr", "CLOSED", "CLOSED",
                       hs(syn_synack=20.0, synack_ack=0.1), d(), d(rst=1), td(reset_by="server"),
                       diagnoses=[r"reset by the server"], end_reason="reset")],
    },
    "lc_rst_after_fin.pcap": {
        "why": "Client FIN (client FIN_WAIT_1, server CLOSE_WAIT), the server ACKs it "
               "(client FIN_WAIT_2), then resets instead of closing: both CLOSED.  Zeek: "
               "originator CLOSED, responder RESET; the originator is neither SYN_SENT "
               "nor inactive -> RSTR; history S h A D d F a r.  first_fin client, "
               "reset_by server, nobody in TIME_WAIT.",
        "conns": [conn(ep(CLI4, 40016), ep(SRV4, 80), "RSTR", "ShADdFar", "CLOSED", "CLOSED",
                       hs(syn_synack=20.0, synack_ack=0.1), d(fin=1), d(rst=1),
                       td(first_fin="client", reset_by="server"),
                       diagnoses=[r"reset by the server", r"after\b.*\bFIN|RST after FIN"],
                       end_reason="reset")],
    },
    "lc_abort_unread.pcap": {
        "why": "The client sends 500 + 500 bytes; the server ACKs the first, sends no data "
               "and answers the second with RST/ACK (its application closed with unread "
               "data, RFC 2525 2.17).  Both CLOSED; Zeek RSTR, history S h A D a r.",
        "conns": [conn(ep(CLI4, 40017), ep(SRV4, 80), "RSTR", "ShADar", "CLOSED", "CLOSED",
                       hs(syn_synack=20.0, synack_ack=0.1), d(), d(rst=1), td(reset_by="server"),
                       diagnoses=[r"reset by the server", r"unread|abort"], end_reason="reset")],
    },
    "lc_rstos0.pcap": {
        "why": "Client SYN, then the client's own bare RST 0.5 s later, nothing from the "
               "server.  Both CLOSED (every RST closes both; the server from NONE; no "
               "receiver window is known, so the RST is taken).  Zeek: originator RESET, "
               "responder inactive, history S R matches ^?S[^HAFGIQ]*R -> RSTOS0.",
        "conns": [conn(ep(CLI4, 40018), ep(SRV4, 80), "RSTOS0", "SR", "CLOSED", "CLOSED",
                       hs(synack=0, completed=False, server=NO_OPTS), d(rst=1), d(),
                       td(reset_by="client"), end_reason="reset")],
    },
    "lc_rstrh.pcap": {
        "why": "No SYN: a SYN-ACK from :80, then a RST/ACK from the server.  Client = the "
               "SYN-ACK's destination, '^'.  Server SYN_RCVD, client SYN_SENT (inferred), "
               "then the RST (seq = the client's RCV.NXT) closes both.  Zeek: responder "
               "RESET, originator inactive -> RSTRH; history ^ h r.",
        "conns": [conn(ep(CLI4, 40019), ep(SRV4, 80), "RSTRH", "^hr", "CLOSED", "CLOSED",
                       hs(syn=0, completed=False, client=NO_OPTS), d(), d(rst=1),
                       td(reset_by="server"), end_reason="reset")],
    },
    "lc_sh.pcap": {
        "why": "Two half-open probes to :80, nothing answered.  (1) one SYN+FIN segment: "
               "the SYN opens the client (SYN_SENT; its options are the client's), the FIN "
               "on it changes no state (a SYN_SENT endpoint sending FIN is not an RFC "
               "transition) but counts in c2s.fin and first_fin; syn_count 1 (SYN without "
               "ACK).  Zeek: SYN then FIN on the originator -> CLOSED, responder inactive "
               "-> SH; history Q (multi-flag).  (2) SYN, then a bare FIN without ACK: "
               "dropped by every state (RFC 9293 3.10.7), client stays SYN_SENT; Zeek "
               "history S F, SH.  Servers NONE.",
        "conns": [conn(ep(CLI4, 41001), ep(SRV4, 80), "SH", "Q", "SYN_SENT", "NONE",
                       hs(synack=0, completed=False, server=NO_OPTS), d(fin=1), d(),
                       td(first_fin="client")),
                  conn(ep(CLI4, 41002), ep(SRV4, 80), "SH", "SF", "SYN_SENT", "NONE",
                       hs(synack=0, completed=False, server=NO_OPTS), d(fin=1), d(),
                       td(first_fin="client"))],
    },
    "lc_shr.pcap": {
        "why": "No SYN: a SYN-ACK from :80, then the server's FIN/ACK.  '^'.  Server "
               "SYN_RCVD -> FIN_WAIT_1 (RFC 793 CLOSE in SYN-RECEIVED), client SYN_SENT "
               "(inferred; a FIN/ACK does not move SYN_SENT).  Zeek: responder CLOSED, "
               "originator inactive -> SHR; history ^ h f.",
        "conns": [conn(ep(CLI4, 40020), ep(SRV4, 80), "SHR", "^hf", "SYN_SENT", "FIN_WAIT_1",
                       hs(syn=0, completed=False, client=NO_OPTS), d(), d(fin=1),
                       td(first_fin="server"))],
    },
    "lc_midstream.pcap": {
        "why": "No handshake: data 51000 -> 80 with ACK first, so both endpoints are "
               "inferred ESTABLISHED and the direction is inferred (the first sender, from "
               "an ephemeral port, is the client: no '^').  Zeek: both PARTIAL -> OTH; "
               "history D d A.",
        "conns": [conn(ep(CLI4, 51000), ep(SRV4, 80), "OTH", "DdA", "ESTABLISHED", "ESTABLISHED",
                       hs(syn=0, synack=0, completed=False, client=NO_OPTS, server=NO_OPTS),
                       d(), d(), td(), inferred=True, absent=NOT_RESET, end_reason="end_of_input")],
    },
    "lc_rst_out_of_window.pcap": {
        "why": "A RST/ACK 'from the server' with seq = the client's RCV.NXT + 1,000,000, "
               "far outside RCV.WND = 502 << 7 = 64256: a real stack drops it (RFC 793 "
               "3.4 / RFC 9293 3.10.7.4), the connection goes on and closes client-first.  "
               "Counted in s2c.rst and s2c.rst_ignored; reset_by null; states as if it were "
               "absent: TIME_WAIT / CLOSED, end_reason closed.  state SF (judgement: Zeek "
               "itself would say RSTR, it does not check windows), history keeps the 'r': "
               "S h A D d r a F f.",
        "conns": [conn(ep(CLI4, 40021), ep(SRV4, 80), "SF", "ShADdraFf", "TIME_WAIT", "CLOSED",
                       hs(syn_synack=20.0, synack_ack=0.1), d(fin=1), d(fin=1, rst=1, rst_ignored=1),
                       td(first_fin="client", active_closer="client"),
                       diagnoses=[all_of(r"out.of.window", r"ignored")],
                       absent=[r"reset by"], end_reason="closed")],
    },
    "lc_rst_injected_ttl.pcap": {
        "why": "The server's SYN-ACK and ACK have TTL 64; the RST/ACK right after the "
               "request has TTL 51 and seq = the client's RCV.NXT (in window): taken, both "
               "CLOSED, RSTR, reset_by server, and flagged rst_suspect_ttl (possibly "
               "injected).  History S h A D a r.",
        "conns": [conn(ep(CLI4, 40022), ep(SRV4, 80), "RSTR", "ShADar", "CLOSED", "CLOSED",
                       hs(syn_synack=20.0, synack_ack=0.1), d(), d(rst=1, rst_suspect_ttl=1),
                       td(reset_by="server"), diagnoses=[r"possibly injected"], end_reason="reset")],
    },
    "lc_time_wait_expiry.pcap": {
        "why": "Connection A (:43000) closes client-first; its client enters TIME_WAIT at "
               "1060.0 ms.  The capture goes on with connection B (:43001) from 75000 ms "
               "to 76060.1 ms, more than 60 s (2 MSL) later, so A's client shows CLOSED.  "
               "active_closer stays client (it went through TIME_WAIT).  B ends with its "
               "client in TIME_WAIT (capture ends 0.1 ms after).",
        "conns": [closed_conn(43000, "CLOSED"), closed_conn(43001, "TIME_WAIT")],
    },
    "lc_reuse_in_time_wait.pcap": {
        "why": "Same 4-tuple :44000 -> :80 twice.  The first connection's client enters "
               "TIME_WAIT at 1060.0; the new SYN (new ISN) at 6060.1 is 5.0 s later, "
               "TIME_WAIT still running: a new connection with time_wait_reuse true.  The "
               "first shows client TIME_WAIT (its state at its last packet; 5 s < 60 s).",
        "conns": [closed_conn(44000, "TIME_WAIT", absent=[TW_REUSE]),
                  closed_conn(44000, "TIME_WAIT", twr=True,
                              diagnoses=[r"client closed first", TW_REUSE])],
    },
    "lc_reuse_after_time_wait.pcap": {
        "why": "As lc_reuse_in_time_wait but the new SYN comes at 71060.1, 70 s after the "
               "first connection's client entered TIME_WAIT: TIME_WAIT was over (the "
               "first shows CLOSED), time_wait_reuse false.",
        "conns": [closed_conn(44001, "CLOSED", absent=[TW_REUSE]),
                  closed_conn(44001, "TIME_WAIT", absent=[TW_REUSE])],
    },
    "lc_syn_flood.pcap": {
        "why": "A normal connection to :443, then 50 sources x 1 SYN to 10.0.0.2:80, each "
               "answered by a SYN-ACK 0.2 ms later and never completed: client SYN_SENT, "
               "server SYN_RCVD (half-open).  Zeek: the SYN-ACK makes both endpoints "
               "ESTABLISHED, so S1 with history S h (Zeek's own classification of a "
               "SYN-ACKed attempt).  Summary: one syn_flood entry for 10.0.0.2:80, "
               "half_open 50, sources 50, flood true (50 half-open from 50 sources in 0.5 "
               "s); none for :443.",
        "conns": [closed_conn(45000, "TIME_WAIT", sport=443)] + [flood_conn(i) for i in range(1, 51)],
        "summary": {"syn_flood": [{"server": ep(SRV4, 80), "half_open": 50, "sources": 50,
                                  "sources_capped": False, "flood": True}]},
    },
    # ---- issue 12 ----------------------------------------------------------
    "lc_rst_stale_ack.pcap": {
        "why": "RFC 9293 3.10.7.3 (SYN-SENT): the ACK at 0.2 does not acknowledge the SYN "
               "(ack 123456, ISS+1 = 3000001), so the client sends <SEQ=SEG.ACK><CTL=RST> "
               "and stays in SYN-SENT; that RST is for the earlier incarnation the ACK came "
               "from, not this connection: no state moves, reset_by null, not counted as "
               "ignored (it was not out of any window).  The stale ACK leaves the server "
               "NONE (tcp_state.h: an ACK to a SYN-SENT peer that does not acknowledge its "
               "SYN).  The retried SYN (same ISN, 1000) is answered: syn_synack 1000 -> "
               "1020 = 20.0, synack_ack 0.1, syn_retry 1000.0; client-first close.  The "
               "first data is new data (tshark flags no retransmission on it: its SYN "
               "restarts the side's sequence analysis); c2s retransmissions 1 = the SYN "
               "retry (tshark: 'suspected retransmission').  Zeek letters: S, a (stale "
               "ACK), R, then h A D d F f (a second S adds nothing: same ISN).  State SF: "
               "deliberately not Zeek's (Zeek would take the RST and say RSTO-like).",
        "conns": [conn(ep(CLI4, 40120), ep(SRV4, 80), "SF", "SaRhADdFf", "TIME_WAIT", "CLOSED",
                       hs(syn=2, syn_iv=(1000.0,), syn_synack=20.0, synack_ack=0.1),
                       dict(d(fin=1, rst=1), retransmissions=1), dict(d(fin=1), retransmissions=0),
                       td(first_fin="client", active_closer="client"),
                       diagnoses=[r"stale ACK in SYN-SENT", r"client closed first"],
                       absent=NOT_RESET + [r"out-of-window"], end_reason="closed")],
    },
    "lc_refused_retry_answered.pcap": {
        "why": "A refused SYN (RST/ACK seq 0, ack ISN+1: taken in SYN-SENT) retried with the "
               "same ISN at 500 (one record, as tshark's one stream and Zeek's IsReuse: "
               "same ISN, no reuse) and answered: the attempt reopens, so the connection "
               "that then carries data and closes with FINs is SF/closed, not REJ/reset; "
               "the refusal is told (\"SYN retried after 1 RST refusing it\"), reset_by "
               "null.  syn_synack = 500.0 -> 500.2 = 0.2 (last SYN before the first "
               "SYN-ACK), synack_ack 0.1, syn_retry 500.0.  The server's RST sequence 0 "
               "does not enter its sequence analysis (its SYN-ACK restarts it): no s2c "
               "retransmission (tshark: none).  History S r h A D a d F f.",
        "conns": [conn(ep(CLI4, 40121), ep(SRV4, 80), "SF", "SrhADadFf", "TIME_WAIT", "CLOSED",
                       hs(syn=2, syn_iv=(500.0,), syn_synack=0.2, synack_ack=0.1),
                       dict(d(fin=1), retransmissions=1), dict(d(fin=1, rst=1), retransmissions=0),
                       td(first_fin="client", active_closer="client"),
                       diagnoses=[r"SYN retried after 1 RST refusing it", r"client closed first"],
                       absent=[r"reset by", r"^refused"], end_reason="closed")],
    },
    "lc_negative_gaps.pcap": {
        "why": "Packets stamped out of causal order (file order causal).  40122: the "
               "handshake ACK is stamped 50 us before the SYN-ACK: within the 1 ms skew "
               "of two stamping points, synack_ack_ms 0 (never 4294967 ms), rtt 10.0.  "
               "40123: the ACK is stamped 5 ms before the SYN-ACK: dropped, synack_ack_ms "
               "and rtt_ms null; the client's ACK of the server's data (sent 120.3) is "
               "stamped 115.0: no RTT sample, so the server's data gives only its FIN's "
               "sample (140.0 -> 140.1) and the SYN-ACK's none.  negative_gaps in the "
               "summary: 5 (checked by tests/ms_sanity.sh): 40122 its handshake gap and "
               "the SYN-ACK's RTT sample; 40123 the same two and the data's RTT sample.",
        "conns": [conn(ep(CLI4, 40122), ep(SRV4, 80), "SF", "ShADadFf", "TIME_WAIT", "CLOSED",
                       hs(syn_synack=10.0, synack_ack=0.0), d(fin=1), d(fin=1),
                       td(first_fin="client", active_closer="client"), absent=NOT_RESET,
                       end_reason="closed"),
                  conn(ep(CLI4, 40123), ep(SRV4, 80), "SF", "ShADadFf", "TIME_WAIT", "CLOSED",
                       hs(syn_synack=10.0, synack_ack=None), d(fin=1),
                       dict(d(fin=1), rtt={"samples": 1, "min_ms": 0.1, "max_ms": 0.1}),
                       td(first_fin="client", active_closer="client"), absent=NOT_RESET,
                       end_reason="closed")],
    },
    "lc_midstream_keepalive.pcap": {
        "why": "No handshake, only keep-alives 150 s apart, each ACKed: ACKs both ways "
               "make the connection established for the table (RFC 9293 3.10.7.4: only "
               "synchronized connections send them), so the 120 s opening timeout does "
               "not split it: one record to the end of input (before issue 12: four, "
               "each 'timeout').  Inferred direction (51001 -> 80), both ESTABLISHED "
               "(inferred), Zeek both PARTIAL -> OTH, history A a.  The server ACKs the "
               "keep-alive's byte, sent before the capture began: Wireshark's ACKed "
               "unseen, but no content gap ('G') in data the capture never covered.",
        "conns": [conn(ep(CLI4, 51001), ep(SRV4, 80), "OTH", "Aa", "ESTABLISHED", "ESTABLISHED",
                       hs(syn=0, synack=0, completed=False, client=NO_OPTS, server=NO_OPTS),
                       d(), d(), td(), inferred=True, absent=NOT_RESET + [r"capture gap"],
                       end_reason="end_of_input")],
    },
    "lc_after_rst.pcap": {
        "why": "The client's RST/ACK at 50 (seq = RCV.NXT exactly: acceptable, RFC 9293 "
               "3.10.7.4) resets the connection.  The server's data in flight (50.02) and "
               "the client's RST answering it (50.04, same sequence number: no second R) "
               "still belong to it (within Zeek's 5 s tcp_close_delay): RSTO, reset_by "
               "client, history S h A D a R d.  The server's ACK 10 s later finds the "
               "4-tuple free (the TCB was deleted): a new record, as Zeek starts a new "
               "connection; first packet from port 80, so inferred with '^'; the client's "
               "stack answers with a RST (taken: seq = the ACK's ack): history ^ a R, Zeek "
               "originator RESET with a PARTIAL responder and no S -> OTH.  tshark keeps "
               "one stream (tests/tshark_golden.sh lists the difference).",
        "tshark_split": [8, 2],
        "conns": [conn(ep(CLI4, 40124), ep(SRV4, 80), "RSTO", "ShADaRd", "CLOSED", "CLOSED",
                       hs(syn_synack=20.0, synack_ack=0.1), d(rst=2), d(),
                       td(reset_by="client"), diagnoses=[r"reset by the client"], end_reason="reset"),
                  conn(ep(CLI4, 40124), ep(SRV4, 80), "OTH", "^aR", "CLOSED", "CLOSED",
                       hs(syn=0, synack=0, completed=False, client=NO_OPTS, server=NO_OPTS),
                       d(rst=1), d(), td(reset_by="client"), inferred=True, end_reason="reset")],
    },
    "lc_zeek_t.pcap": {
        "why": "Zeek's T (update_last_seq then DidRxmit): payload ending at or below the "
               "side's highest sequence, counted per side and written at the 1st, 10th, "
               "... (ScaledHistoryEntry).  The SYN retry (no payload) is no T, so the "
               "client's data resend at 1300 is its 1st: T; the server's resend at 1600 "
               "its 1st: t.  History S h A D T a d t F f (before issue 12 the SYN retry "
               "used up the client's 1st count and no T was written).  c2s "
               "retransmissions 2 (SYN retry + data, tshark's count), s2c 1.",
        "conns": [conn(ep(CLI4, 40125), ep(SRV4, 80), "SF", "ShADTadtFf", "TIME_WAIT", "CLOSED",
                       hs(syn=2, syn_iv=(1000.0,), syn_synack=20.0, synack_ack=0.1),
                       dict(d(fin=1), retransmissions=2), dict(d(fin=1), retransmissions=1),
                       td(first_fin="client", active_closer="client"), absent=NOT_RESET,
                       end_reason="closed")],
    },
    "lc_gap_vs_loss.pcap": {
        "why": "40126: the client's segment [+100, +200) never appears and the server "
               "ACKs past it: data ACKed but never captured, Zeek's content gap, G for "
               "the client after the server's a; diagnosis 'capture gap: 1 stretch of "
               "the client's data ACKed but never captured'; no retransmission.  40127: "
               "the same hole (tshark: previous segment not captured) is filled by a "
               "resend at 60.0 (tshark: retransmission; Zeek: T) after a duplicate ACK: "
               "loss in the network, no G and no capture-gap sentence; 'loss: 1 "
               "retransmission by the client'.",
        "conns": [conn(ep(CLI4, 40126), ep(SRV4, 80), "SF", "ShADaGFf", "TIME_WAIT", "CLOSED",
                       hs(syn_synack=20.0, synack_ack=0.1), dict(d(fin=1), retransmissions=0),
                       d(fin=1), td(first_fin="client", active_closer="client"),
                       diagnoses=[r"capture gap: 1 stretch of the client's data ACKed but never captured"],
                       absent=NOT_RESET + [r"loss"], end_reason="closed"),
                  conn(ep(CLI4, 40127), ep(SRV4, 80), "SF", "ShADaTFf", "TIME_WAIT", "CLOSED",
                       hs(syn_synack=20.0, synack_ack=0.1), dict(d(fin=1), retransmissions=1),
                       d(fin=1), td(first_fin="client", active_closer="client"),
                       diagnoses=[r"loss: 1 retransmission by the client"],
                       absent=NOT_RESET + [r"capture gap"], end_reason="closed")],
    },

}


def check_regexes():
    """Compile every regex once (a typo here fails loudly)."""
    for f, e in EXPECTED.items():
        for c in e["conns"]:
            for r in c.get("diagnoses", []) + c.get("diagnoses_absent", []):
                re.compile(r, re.I)


check_regexes()
