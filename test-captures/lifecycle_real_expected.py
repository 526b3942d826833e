"""lifecycle_real_expected.py - tcpscope's expected life cycle (issue 3) on the
REAL Linux captures of test-captures/real/ (record_netns.sh), worked out by
hand from each capture's packet list as tshark prints it
(`tshark -r FILE -T fields -e tcp.stream -e tcp.srcport -e tcp.flags.str
-e tcp.seq -e tcp.ack -e tcp.len`), RFC 793 / include/tcp_state.h's observer
rules and Zeek's history and conn_state definitions, in the format of
lifecycle_expected.py (whose helpers this file reuses).

Timing figures (syn_synack_ms, retry intervals) are not written here: for
these files tests/lifecycle_golden.py compares them with tshark directly.
The "why" of each file names the packets each value was read from.
"""

import importlib.util
import os

_spec = importlib.util.spec_from_file_location(
    "lifecycle_expected", os.path.join(os.path.dirname(os.path.abspath(__file__)), "lifecycle_expected.py"))
_base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_base)

ANY = _base.ANY
TOL_MS = _base.TOL_MS
ep, d, td, conn = _base.ep, _base.d, _base.td, _base.conn

CLI4, SRV4, DARK4 = "10.10.1.1", "10.10.2.1", "10.10.2.99"
CLI6, SRV6, DARK6 = "fd00:10:1::1", "fd00:10:2::1", "fd00:10:2::99"


def hs(syn=1, synack=1, completed=True, simultaneous=False, server_seen=True, client_seen=True):
    """Counts and flags only; times and options are checked against tshark or not at all."""
    return {"syn_count": syn, "synack_count": synack, "completed": completed,
            "simultaneous_open": simultaneous,
            "client": ANY if client_seen else None, "server": ANY if server_seen else None}


def fin_fin(client, server, history, closer, client_state, server_state, diag, twr=False):
    """A connection closed by FIN both ways, `closer` first (its FIN acknowledged by the other's)."""
    return conn(client, server, "SF", history, client_state, server_state, hs(), d(fin=1), d(fin=1),
                td(first_fin=closer, active_closer=closer, time_wait_reuse=twr),
                diagnoses=[diag], absent=[r"reset by", r"refused"], end_reason="closed")


def unanswered(client, server, syns, over):
    return conn(client, server, "S0", "S", "SYN_SENT", "NONE", hs(syn=syns, synack=0, completed=False,
                                                                   server_seen=False),
                d(), d(), td(), diagnoses=[r"^unanswered: %d SYNs over %s s$" % (syns, over)],
                end_reason="end_of_input")


def client_abort(client, server, twr=False):
    """SYN, SYN-ACK, ACK, C data, S ACK, S data, C ACK, then the client's RST/ACK with nothing unacknowledged."""
    return conn(client, server, "RSTO", "ShADadR", "CLOSED", "CLOSED", hs(), d(rst=1), d(),
                td(reset_by="client", time_wait_reuse=twr),
                diagnoses=[r"^reset by the client: RST instead of FIN \(abort\)$"], end_reason="reset")


def reuse_series(client_ip, server_ip, port):
    """Three server-first closes, then two client aborts, on one 4-tuple, 0.2 s apart."""
    client, server = ep(client_ip, port), ep(server_ip, 9000)
    closes = [fin_fin(client, server, "ShADadfF", "server", "CLOSED", "TIME_WAIT",
                      r"^server closed first; TIME_WAIT on the server$", twr=(i > 0)) for i in range(3)]
    return closes + [client_abort(client, server, twr=True), client_abort(client, server)]


EXPECTED = {
    "refused.pcap": {
        "why": "curl to closed port 9, IPv4 then IPv6: SYN, then RST/ACK with ack = ISN + 1 "
               "(acceptable in SYN-SENT): REJ, history S r, both CLOSED.",
        "conns": [conn(ep(CLI4, 45938), ep(SRV4, 9), "REJ", "Sr", "CLOSED", "CLOSED",
                       hs(synack=0, completed=False, server_seen=False), d(), d(rst=1), td(reset_by="server"),
                       diagnoses=[r"^refused: RST answered the SYN$"], absent=[r"reset by"], end_reason="reset"),
                  conn(ep(CLI6, 60088), ep(SRV6, 9), "REJ", "Sr", "CLOSED", "CLOSED",
                       hs(synack=0, completed=False, server_seen=False), d(), d(rst=1), td(reset_by="server"),
                       diagnoses=[r"^refused: RST answered the SYN$"], absent=[r"reset by"], end_reason="reset")],
    },
    "unanswered.pcap": {
        "why": "SYNs nobody answers.  Stream 0 (IPv4) SYNs at 0 .. 11.152970 s, 8 of them; stream 1 "
               "(IPv6) 8 SYNs 0.050497 .. 11.408983 (11.358 s); stream 2 (IPv4, exponential) 4 SYNs "
               "20.105511 .. 27.280974 (7.175 s).  S0, history S, client SYN_SENT, server NONE.",
        "conns": [unanswered(ep(CLI4, 41722), ep(DARK4, 9100), 8, "11.2"),
                  unanswered(ep(CLI6, 40858), ep(DARK6, 9100), 8, "11.4"),
                  unanswered(ep(CLI4, 37706), ep(DARK4, 9100), 4, "7.2")],
    },
    "close_client_first.pcap": {
        "why": "S, h, A, D (14 bytes), a, d (23 bytes), A again, client FIN (seq 15) F, server ACK 16, "
               "server FIN f (ack 16): client FIN_WAIT_2 -> TIME_WAIT, the last client ACK 25 closes the "
               "server from LAST_ACK.",
        "conns": [fin_fin(ep(CLI4, 50364), ep(SRV4, 9101), "ShADadFf", "client", "TIME_WAIT", "CLOSED",
                          r"^client closed first; TIME_WAIT on the client$")],
    },
    "close_server_first.pcap": {
        "why": "The mirror: after the 23-byte reply the server's FIN (seq 24) f, the client ACKs 25, "
               "client FIN F: the server goes FIN_WAIT_2 -> TIME_WAIT, the client LAST_ACK -> CLOSED.",
        "conns": [fin_fin(ep(CLI4, 34456), ep(SRV4, 9102), "ShADadfF", "server", "CLOSED", "TIME_WAIT",
                          r"^server closed first; TIME_WAIT on the server$")],
    },
    "half_close.pcap": {
        "why": "S h A, D (32 bytes), a, client FIN (seq 33) F, then 10 server segments of 1000 bytes "
               "(ack 34: each acknowledges the FIN) d, server FIN f at 1.003: a half-close; client "
               "TIME_WAIT, server CLOSED.",
        "conns": [conn(ep(CLI4, 44776), ep(SRV4, 9103), "SF", "ShADaFdf", "TIME_WAIT", "CLOSED", hs(),
                       d(fin=1), d(fin=1), td(first_fin="client", active_closer="client", half_close=True),
                       diagnoses=[r"^client closed first; TIME_WAIT on the client$",
                                  r"^half-close: the server kept sending after the client's FIN$"],
                       end_reason="closed")],
    },
    "abort_linger0.pcap": {
        "why": "Stream 0: S h A D(6) a d(3) A, then the client's RST/ACK (seq 7, ack 4: everything "
               "acknowledged): RSTO, an abort.  Stream 1: S h A D(2008) a (ack 2009), the server's "
               "RST/ACK (ack 2009, no data of its own): RSTR, an abort (with 2000 bytes unread, which "
               "the wire cannot show).",
        "conns": [client_abort(ep(CLI4, 39514), ep(SRV4, 9104)),
                  conn(ep(CLI4, 39528), ep(SRV4, 9104), "RSTR", "ShADar", "CLOSED", "CLOSED", hs(), d(),
                       d(rst=1), td(reset_by="server"),
                       diagnoses=[r"^reset by the server: RST instead of FIN \(abort\)$"], end_reason="reset")],
    },
    "keepalive_idle.pcap": {
        "why": "S h A D a d A; five keep-alives (seq 14 = snd_nxt - 1, pure ACKs: no new letter) and "
               "their ACKs; client FIN F at 5.5004, server FIN f (ack 16) at 5.5032: client first.",
        "conns": [fin_fin(ep(CLI4, 46450), ep(SRV4, 9105), "ShADadFf", "client", "TIME_WAIT", "CLOSED",
                          r"^client closed first; TIME_WAIT on the client$")],
    },
    "rst_in_transfer.pcap": {
        "why": "S h A D(7) a, then server data d; at 0.0025 s the client advertises a zero window "
               "(tshark: zero_window, frame 18): Zeek's W; the client's last window is 31 x 1024 from ack 217089, "
               "the server fills it (31744 bytes to 248833) and sends RST seq 248833 = its SND.NXT: "
               "in window once that data arrived, taken; the 31744 bytes are unacknowledged: RSTR "
               "'during transfer'.",
        "conns": [conn(ep(CLI4, 59174), ep(SRV4, 9108), "RSTR", "ShADadWr", "CLOSED", "CLOSED", hs(), d(),
                       d(rst=1), td(reset_by="server"),
                       diagnoses=[r"^reset by the server during transfer"], absent=[r"out-of-window"],
                       end_reason="reset")],
    },
    "simultaneous_close.pcap": {
        "why": "S h A, client data D (10000), server ACK a, client FIN F (seq 10001, ack 1), server "
               "data d (ack 1449: sent before the FIN arrived, so no half-close), server FIN f (seq "
               "10001, ack 1449): neither FIN acknowledges the other, both CLOSING, then each ACK of "
               "a FIN moves its receiver to TIME_WAIT (RFC 793 figure 14).",
        "conns": [conn(ep(CLI4, 44698), ep(SRV4, 9106), "SF", "ShADaFdf", "TIME_WAIT", "TIME_WAIT", hs(),
                       d(fin=1), d(fin=1), td(first_fin="client", active_closer="both"),
                       diagnoses=[r"^simultaneous close: both sides went through TIME_WAIT$"],
                       absent=[r"half-close", r"closed first"], end_reason="closed")],
    },
    "simultaneous_open.pcap": {
        "why": "Client 40001 SYN S, server 40002 SYN s (the SYNs crossed), each SYN-ACK (no new letter: "
               "S and H share one slot), A D a d, client FIN F at 0.626, server FIN f (ack 23) at 0.726: "
               "SF, client TIME_WAIT.",
        "conns": [conn(ep(CLI4, 40001), ep(SRV4, 40002), "SF", "SsADadFf", "TIME_WAIT", "CLOSED",
                       hs(syn=2, synack=2, simultaneous=True), d(fin=1), d(fin=1),
                       td(first_fin="client", active_closer="client"),
                       diagnoses=[r"^simultaneous open: both sides sent a SYN$",
                                  r"^client closed first; TIME_WAIT on the client$"], end_reason="closed")],
    },
    "port_reuse.pcap": {
        "why": "Fixed client ports 45678 (IPv4) and 45679 (IPv6) to port 9000, 5 connections each, "
               "0.2 s apart: three with S h A D a d A, server FIN f, client FIN F (ack 6): the server "
               "goes TIME_WAIT; the next SYN comes 0.2 s later, inside its 60 s TIME_WAIT "
               "(time_wait_reuse on connections 2, 3 and 4 of each port); then two client aborts "
               "(RST/ACK after everything was acknowledged): the 5th follows a RST, no TIME_WAIT.",
        "conns": reuse_series(CLI4, SRV4, 45678) + reuse_series(CLI6, SRV6, 45679),
    },
}
