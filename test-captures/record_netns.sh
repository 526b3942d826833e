#!/usr/bin/env bash
# record_netns.sh - record real Linux TCP traffic between network namespaces
# into test-captures/real/ (the committed pcaps are this script's output).
#
# Usage (as root):  test-captures/record_netns.sh [--only NAME[,NAME...]] [OUTDIR]
#                   OUTDIR defaults to real/ next to this script.  --only
#                   records just the named captures (file names without
#                   .pcap, e.g. --only tls_handshakes), leaving the other
#                   committed files alone.  Re-runnable: each capture is
#                   written to a temporary name and moved into place when
#                   complete and checked.
# Needs: ip (iproute2) with netns, tc with the tbf qdisc, tcpdump, curl,
#        python3, tshark (for the sanity checks at the end of each step),
#        and for tls_handshakes nginx (Debian: nginx-light or nginx, with
#        the ssl and http2 modules) and openssl.
#
# Topology (three namespaces, all created here and deleted on exit):
#
#   cli 10.10.1.1          rtr 10.10.1.254 | 10.10.2.254          srv 10.10.2.1
#       fd00:10:1::1  c0 <-veth-> r0       r1 <-veth-> s0       fd00:10:2::1
#   tcpdump -i c0 here            (tbf on r0 for the bulk capture)
#
# Every capture is taken with tcpdump on the client's veth (c0), inside the
# client namespace.  The client and server are joined through a router
# namespace rather than one veth pair because of capture (c): a tbf
# bottleneck on the sending host itself never produces a retransmission on
# the wire (a locally dropped segment is reported back to TCP by the qdisc
# and simply sent later, and TCP small queues keep the qdisc nearly empty),
# while a drop at a forwarding hop is a real loss that the sender must
# detect and repair with SACK and retransmissions.  For the other captures
# the router only forwards (TTL/hop limit decremented by one).
#
# Offloads are left as the kernel sets them (no ethtool): a Linux veth has
# TSO/GSO on, so the capture may contain TCP "super-segments" larger than the
# MTU (one frame carrying several MSS worth of payload, its IP total length
# set accordingly).  That is what tcpdump shows on a real Linux host too, and
# the analyzer must count such a frame as one packet with its whole payload.
#
# Captures written (see test-captures/README.md for which test uses which):
#   http_ipv4.pcap      (a) 3 x curl GET of a 1 MiB file over IPv4, then one
#                           curl fetching a small file twice (HTTP/1.0 server:
#                           a new connection per request).  -s 0.
#   http_ipv6.pcap      (b) the same over IPv6, nanosecond timestamps.  -s 0.
#   bulk_tbf.pcap       (c) one 4 MiB GET through "tbf rate 8mbit burst 16kb
#                           latency 20ms" on the router's egress towards the
#                           client: Linux's own loss recovery (SACK, fast
#                           retransmissions, maybe RTOs).  -s 200.
#   refused.pcap        (d) curl to closed port 9, IPv4 and IPv6: SYN answered
#                           by RST.  -s 0.
#   parallel_50.pcap    (e) 50 curls started at once against python's
#                           http.server (listen backlog 5, so some SYNs are
#                           dropped and retransmitted by the client).  -s 200.
#   port_reuse.pcap     (f) a python client binding the fixed source port
#                           45678 (IPv4) and 45679 (IPv6): 3 connections that
#                           the server closes first (the server keeps the
#                           TIME_WAIT, so the client may reuse the 4-tuple and
#                           the server accepts the new SYN over its TIME_WAIT),
#                           then 2 connections the client aborts with RST
#                           (SO_LINGER 0).  5 connections per 4-tuple.  -s 0.
#   tls_handshakes.pcap (g) real TLS handshakes with nginx on port 443
#                           (self-signed ECDSA P-256 certificate made here with
#                           openssl req -x509 for *.tcpscope.test; TLS 1.2 and
#                           1.3, ALPN h2 and http/1.1, session tickets), one
#                           connection each, in this order:
#                             1 curl --tlsv1.2 --tls-max 1.2, IPv4, SNI
#                               tls12.tcpscope.test, ALPN h2,http/1.1
#                             2 curl --tlsv1.3, IPv4, SNI tls13.tcpscope.test,
#                               ALPN h2,http/1.1
#                             3 openssl s_client -tls1_3, IPv4, SNI
#                               sclient.tcpscope.test, no ALPN
#                             4 curl --tlsv1.3, IPv6, SNI tls13v6.tcpscope.test
#                             5 curl to https://10.10.2.1/ (IP literal: no SNI)
#                             6 curl to https://[fd00:10:2::1]/ (no SNI)
#                             7 openssl s_client -tls1_2 -sess_out, SNI
#                               resume.tcpscope.test (full handshake)
#                             8 the same with -sess_in: an abbreviated TLS 1.2
#                               handshake resuming 7's session (ticket)
#                           The script checks with tshark that each stream's
#                           ClientHello carries exactly the intended SNI (or
#                           none), and with s_client that 8 was resumed.  -s 0.
#
#   Life-cycle (issue 3) and sequence/window (issue 4) captures: the client
#   and server are netns_peers.py (python3 sockets, one scenario each, own
#   server port 91xx), tcpdump filter "tcp", client 10.10.1.1 -> server
#   10.10.2.1 unless said.  netns_facts.py --check NAME verifies the intended
#   facts below with tshark before the file is kept; "netns_facts.py FILE"
#   prints them (figures here are from the committed files; a re-recording
#   changes ports, times and, for the bulk ones, the counts).
#   unanswered.pcap     (h) SYNs to 10.10.2.99:9100 and [fd00:10:2::99]:9100
#                           (permanent neighbour entries on the router to a
#                           MAC nobody has: forwarded, never answered),
#                           TCP_SYNCNT 3, which bounds the attempt by time
#                           (1+2+4+8 = 15 s).  Streams 0 (IPv4) and 1 (IPv6,
#                           0.05 s later), at once, Linux 6.x defaults: the
#                           first tcp_syn_linear_timeouts (4) retries are
#                           1 s apart, then 2, 4 s: 8 SYNs, same ISN, at
#                           about 0, 1, 2, 3, 4, 5, 7, 11 s (tshark: 7
#                           retransmissions each), connect() fails at the
#                           next expiry, ~19.6 s.  Stream 2 (IPv4, from 20.1
#                           s) with tcp_syn_linear_timeouts=0: 4 SYNs at
#                           0, 1.03, 3.05, 7.18 s (exponential), fails at
#                           ~15 s.  Nothing comes back.  27.3 s.  -s 0.
#   close_client_first.pcap (i) request, reply, the client closes 0.1 s later
#                           (FIN, ACKed 41 ms later), the server 0.2 s after:
#                           client ends in TIME_WAIT, server LAST_ACK ->
#                           CLOSED.  11 frames, no RST.  -s 0.
#   close_server_first.pcap (j) the mirror: the server's FIN first, the
#                           client's 0.2 s later (TIME_WAIT on the server).
#                           11 frames.  -s 0.
#   half_close.pcap     (k) the client sends 32 bytes and shutdown(SHUT_WR)
#                           (FIN right after the request); the server sends
#                           10 x 1000 bytes, 0.1 s apart, after that FIN,
#                           then its own FIN at about 1.0 s.  28 frames.  -s 0.
#   abort_linger0.pcap  (l) two connections: 1) request/reply, then the
#                           client closes with SO_LINGER {1,0}: RST/ACK from
#                           the client, no FIN; 2) the client sends 2008
#                           bytes, the server reads 8 and close()s 0.3 s
#                           later with 2000 unread: RST/ACK from the server
#                           (ack 2009), no FIN.  14 frames.  -s 0.
#   keepalive_idle.pcap (m) SO_KEEPALIVE, TCP_KEEPIDLE 1, TCP_KEEPINTVL 1 on
#                           the client, idle 5.5 s after the reply: 5 keep-
#                           alive probes (relative seq 14 = snd_nxt - 1, no
#                           data) about 1.02 s apart, each ACKed by the
#                           server; then the client closes first.  20 frames.
#   simultaneous_close.pcap (n) tbf rate 1mbit on the router both ways,
#                           tail-loss probes off at both ends; at a common
#                           wall-clock time both send 10000 bytes and
#                           shutdown(SHUT_WR): the client's FIN (ack 1) and
#                           the server's (ack 1449, seen 61 ms later) cross:
#                           neither acknowledges the other; both then ACK
#                           the peer's FIN (CLOSING -> TIME_WAIT on both
#                           sides).  25 frames, 2 FINs, no retransmission.
#   simultaneous_open.pcap (o) ports 40001 <-> 40002, both connect() at the
#                           same moment, each SYN held ~120 ms in a tbf
#                           queue (1mbit both ways) behind 20 kB of UDP
#                           junk (not captured): SYN, SYN, SYN-ACK,
#                           SYN-ACK (tshark calls each SYN-ACK a
#                           retransmission of that side's SYN), then both
#                           ACKs carry a D-SACK of the duplicate SYN
#                           (sack 0-1); 21 bytes each way, the client closes
#                           first.  14 frames.  -s 0.
#   rst_in_transfer.pcap (p) the server writes 1 MiB to a slow reader and
#                           aborts (SO_LINGER {1,0}) with it in flight: RST/ACK
#                           from the server after 248832 payload bytes, no
#                           FIN (the client's window hit 0 once on the way).
#                           24 frames.  -s 200.
#   zero_window.pcap    (q) SO_RCVBUF 4096 on the client (window 2920, no
#                           scaling), which reads nothing for 5 s of a 2 MiB
#                           transfer: zero window from 0.088 s to the window
#                           update at 5.0006 s; the server's zero-window
#                           probes (seq snd_una - 1, no data; tshark labels
#                           them keep-alive) at 0.30, 0.74, 1.61, 3.34 s, each
#                           answered with a zero window except the one at
#                           0.74 s (Linux rate-limits those ACKs,
#                           tcp_invalid_ratelimit 500 ms).  Also two
#                           tail-loss probes resending data the client
#                           already had (at 0.008 s and 5.012 s; tshark:
#                           2 retransmissions), each answered with a D-SACK
#                           block.  1472 frames.  -s 200.
#   dsack.pcap          (r) 4 MiB from the server through tbf rate 8mbit burst
#                           16kb latency 20ms towards the client (real losses,
#                           SACK, fast retransmissions) and tbf rate 1mbit
#                           towards the server; at 1.0 s and 2.5 s the client
#                           pushes 50 kB of UDP junk (not captured) in front
#                           of its ACKs, holding them ~400 ms, past the
#                           server's RTO: the server resends data the client
#                           has (tshark: spurious retransmission) and the
#                           client answers with a D-SACK block below its ACK
#                           (2 D-SACK blocks).  1155 frames.  -s 200.
#   by_server.pcap      (s) by_server_peers.py (its header says more):
#                           servers that are fast, slow to answer (5-30 ms,
#                           one aborting with RST), slow to accept (a full
#                           accept queue: SYNs retried), refusing (closed
#                           port) and unanswered (10.10.2.99), over IPv4 and
#                           IPv6, from 10.10.1.1 and 10.10.1.2, some with a
#                           TLS ClientHello (SNI), one zero window; first a
#                           400 kB download through tbf rate 2mbit burst 16kb
#                           latency 50ms on the router (real losses), the
#                           slow server's connections queued behind it.  For
#                           tests/by_server.sh (--by server|client against
#                           tshark).  -s 700 (a whole ClientHello).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/real
ONLY=
ALL_CAPTURES="http_ipv4 http_ipv6 bulk_tbf refused parallel_50 port_reuse tls_handshakes"
ALL_CAPTURES+=" unanswered close_client_first close_server_first half_close abort_linger0"
ALL_CAPTURES+=" keepalive_idle simultaneous_close simultaneous_open rst_in_transfer"
ALL_CAPTURES+=" zero_window dsack"
ALL_CAPTURES+=" by_server"

die() { echo "record_netns.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
    case $1 in
        --only) [ $# -ge 2 ] || die "--only needs a list of capture names"; ONLY=$2; shift 2 ;;
        --only=*) ONLY=${1#--only=}; shift ;;
        -h|--help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//; /^set -u/d'; exit 0 ;;
        -*) die "unknown option $1 (usage: record_netns.sh [--only NAME[,NAME...]] [OUTDIR])" ;;
        *) OUT=$1; shift ;;
    esac
done
for n in ${ONLY//,/ }; do
    case " $ALL_CAPTURES " in *" $n "*) ;; *) die "unknown capture '$n' (one of: $ALL_CAPTURES)" ;; esac
done
# want NAME: record this capture? (all of them unless --only was given)
want() { [ -z "$ONLY" ] && return 0; case ",$ONLY," in *",$1,"*) return 0 ;; esac; return 1; }

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"
for t in ip tc tcpdump curl python3 tshark; do
    command -v "$t" >/dev/null 2>&1 || die "missing tool: $t"
done
if want tls_handshakes; then
    for t in nginx openssl; do
        command -v "$t" >/dev/null 2>&1 ||
            die "missing tool: $t (tls_handshakes; Debian: apt-get install nginx-light openssl)"
    done
fi
mkdir -p "$OUT" || die "cannot create $OUT"

TAG=$$
CLI=tsrec-cli-$TAG; RTR=tsrec-rtr-$TAG; SRV=tsrec-srv-$TAG
WORK=$(mktemp -d /tmp/tsrec.XXXXXX) || die "mktemp failed"
SERVER_PIDS=()
TCPDUMP_PID=

cleanup() {
    [ -n "$TCPDUMP_PID" ] && kill "$TCPDUMP_PID" 2>/dev/null && wait "$TCPDUMP_PID" 2>/dev/null
    for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    for ns in "$CLI" "$RTR" "$SRV"; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run() { "$@" || die "failed: $*"; }
# Background processes are started with "ip netns exec ... &" directly (not
# through the in_* functions, which would fork a bash subshell): ip execs the
# command, so $! is the server's or tcpdump's own pid and kill reaches it.
in_cli() { ip netns exec "$CLI" "$@"; }
in_rtr() { ip netns exec "$RTR" "$@"; }
in_srv() { ip netns exec "$SRV" "$@"; }

# ---- topology -------------------------------------------------------------
run ip netns add "$CLI"; run ip netns add "$RTR"; run ip netns add "$SRV"
run ip link add c0 netns "$CLI" type veth peer name r0 netns "$RTR"
run ip link add s0 netns "$SRV" type veth peer name r1 netns "$RTR"
for ns in "$CLI" "$RTR" "$SRV"; do run ip -n "$ns" link set lo up; done
run ip -n "$CLI" link set c0 up; run ip -n "$SRV" link set s0 up
run ip -n "$RTR" link set r0 up; run ip -n "$RTR" link set r1 up
run ip -n "$CLI" addr add 10.10.1.1/24 dev c0
run ip -n "$CLI" addr add fd00:10:1::1/64 dev c0 nodad
run ip -n "$RTR" addr add 10.10.1.254/24 dev r0
run ip -n "$RTR" addr add fd00:10:1::254/64 dev r0 nodad
run ip -n "$RTR" addr add 10.10.2.254/24 dev r1
run ip -n "$RTR" addr add fd00:10:2::254/64 dev r1 nodad
run ip -n "$SRV" addr add 10.10.2.1/24 dev s0
run ip -n "$SRV" addr add fd00:10:2::1/64 dev s0 nodad
run ip -n "$CLI" route add default via 10.10.1.254
run ip -n "$CLI" -6 route add default via fd00:10:1::254
run ip -n "$SRV" route add default via 10.10.2.254
run ip -n "$SRV" -6 route add default via fd00:10:2::254
run in_rtr sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# Addresses nobody owns, with permanent neighbour entries on the router
# pointing at a MAC no interface has: what the router forwards to them goes
# out on the veth and is dropped by the peer (not its MAC), no ARP/ND, no
# ICMP error (unanswered: the SYNs; simultaneous_open: UDP junk that fills
# a tbf queue).
run ip -n "$RTR" neigh add 10.10.2.99 lladdr 02:00:00:00:00:99 dev r1 nud permanent
run ip -n "$RTR" -6 neigh add fd00:10:2::99 lladdr 02:00:00:00:00:99 dev r1 nud permanent
run ip -n "$RTR" neigh add 10.10.1.99 lladdr 02:00:00:00:01:99 dev r0 nud permanent

# ---- content and servers -----------------------------------------------------
WWW=$WORK/www; mkdir -p "$WWW"
# deterministic, incompressible-looking content (no randomness: re-runs serve
# the same bytes)
python3 - "$WWW" <<'EOF' || die "cannot write web content"
import hashlib, sys
d = sys.argv[1]
def blob(n, seed):
    out, h = bytearray(), hashlib.sha256(seed).digest()
    while len(out) < n:
        h = hashlib.sha256(h).digest(); out += h
    return bytes(out[:n])
open(d + "/1m.bin", "wb").write(blob(1 << 20, b"1m"))
open(d + "/4m.bin", "wb").write(blob(4 << 20, b"4m"))
open(d + "/small.txt", "wb").write(b"hello from the server namespace\n" * 40)
EOF

# python3 -m http.server binds [::] dual-stack, HTTP/1.0: one request per
# connection and the server closes first.
ip netns exec "$SRV" python3 -m http.server 8080 --bind :: --directory "$WWW" >"$WORK/http.log" 2>&1 &
SERVER_PIDS+=($!)

cat >"$WORK/reuse_server.py" <<'EOF'
# Port-reuse peer: "FIN" -> answer and close first (server keeps TIME_WAIT);
# "RST" -> answer and wait for the client, which aborts with RST.
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 9000))
s.listen(16)
while True:
    c, _ = s.accept()
    req = c.recv(100)
    if req.startswith(b"FIN"):
        c.sendall(b"bye\n")
        c.close()
    else:
        c.sendall(b"ok\n")
        try:
            while c.recv(100):
                pass
        except ConnectionResetError:
            pass
        c.close()
EOF
ip netns exec "$SRV" python3 "$WORK/reuse_server.py" >"$WORK/reuse.log" 2>&1 &
SERVER_PIDS+=($!)

cat >"$WORK/reuse_client.py" <<'EOF'
# Bind a fixed source port, connect, close; 3 times server-closes-first, then
# 2 times client abort (RST).  Fails loudly if the kernel refuses the reuse.
import socket, struct, sys, time
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
local, server, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
for mode in ("FIN", "FIN", "FIN", "RST", "RST"):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((local, port))
    s.connect((server, 9000))
    s.sendall(mode.encode() + b"\n")
    if mode == "FIN":
        while s.recv(100):
            pass
    else:
        s.recv(100)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    time.sleep(0.2)
EOF

if want tls_handshakes; then
    # nginx serving HTTPS (HTTP/2 and HTTP/1.1 over TLS 1.2/1.3) on port 443,
    # IPv4 and IPv6, with a throw-away self-signed ECDSA certificate (small:
    # it keeps the capture a few KB).  Everything lives in $WORK; -e keeps
    # nginx from touching /var/log/nginx before it reads this configuration.
    NGX=$WORK/nginx; mkdir -p "$NGX"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$NGX/key.pem" -out "$NGX/cert.pem" -days 3650 -subj "/CN=tcpscope.test" \
        -addext "subjectAltName=DNS:tcpscope.test,DNS:*.tcpscope.test" >"$NGX/openssl.log" 2>&1 ||
        die "openssl req failed: $(cat "$NGX/openssl.log")"
    cat >"$NGX/nginx.conf" <<NGINX_CONF
worker_processes 1;
pid $NGX/nginx.pid;
error_log $NGX/error.log;
events { worker_connections 64; }
http {
    access_log off;
    default_type text/plain;
    ssl_certificate $NGX/cert.pem;
    ssl_certificate_key $NGX/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:TLS:1m;
    ssl_session_tickets on;
    server {
        listen 443 ssl http2;
        listen [::]:443 ssl http2;
        server_name _;
        location / { return 200 "hello over TLS\n"; }
    }
}
NGINX_CONF
    ip netns exec "$SRV" nginx -p "$NGX" -e "$NGX/error.log" -c "$NGX/nginx.conf" \
        -g 'daemon off;' >"$NGX/stdout.log" 2>&1 &
    SERVER_PIDS+=($!)
    # wait until it listens on both families (no probe connection: nothing
    # should reach nginx's session cache before the capture)
    for _ in $(seq 50); do
        [ "$(in_srv ss -Hltn 'sport = :443' | grep -c .)" = 2 ] && break
        sleep 0.1
    done
    [ "$(in_srv ss -Hltn 'sport = :443' | grep -c .)" = 2 ] ||
        die "nginx does not listen on port 443 (v4 and v6): $(cat "$NGX/error.log" "$NGX/stdout.log")"
fi

# wait for both servers (before any capture starts)
for _ in $(seq 50); do
    in_cli curl -s -o /dev/null --max-time 1 http://10.10.2.1:8080/small.txt && break
    sleep 0.1
done
in_cli curl -s -o /dev/null --max-time 1 http://10.10.2.1:8080/small.txt || die "http.server did not start"
for _ in $(seq 50); do
    in_cli python3 -c 'import socket; socket.create_connection(("10.10.2.1", 9000), 1).close()' 2>/dev/null && break
    sleep 0.1
done
sleep 0.3   # let the probe connections finish their teardown before capturing

# ---- capture helpers ---------------------------------------------------------
# start_capture FILE SNAPLEN [extra tcpdump args]
start_capture() {
    CAP_FINAL=$1; CAP_TMP=$WORK/$(basename "$1").part
    local snap=$2; shift 2
    # --immediate-mode: without it libpcap's TPACKET_V3 ring hands packets
    # over in blocks (1 s timeout) and the last block is lost when tcpdump
    # is stopped; -B 65536 (KiB): a ring big enough for a veth at full speed.
    ip netns exec "$CLI" tcpdump -i c0 -s "$snap" -U -Z root --immediate-mode -B 65536 \
        -w "$CAP_TMP" "$@" 2>"$WORK/tcpdump.err" &
    TCPDUMP_PID=$!
    for _ in $(seq 50); do
        grep -q "listening on" "$WORK/tcpdump.err" && return 0
        sleep 0.1
    done
    die "tcpdump did not start: $(cat "$WORK/tcpdump.err")"
}
stop_capture() {
    sleep 1                         # let the last ACKs/FINs cross the veth
    kill -INT "$TCPDUMP_PID" || die "cannot stop tcpdump"
    wait "$TCPDUMP_PID"; local rc=$?
    TCPDUMP_PID=
    [ "$rc" = 0 ] || die "tcpdump exited $rc: $(cat "$WORK/tcpdump.err")"
    grep -q "^0 packets dropped by kernel" "$WORK/tcpdump.err" ||
        die "tcpdump lost packets: $(cat "$WORK/tcpdump.err")"
    # optional check of the new capture before it replaces the old one
    if [ -n "${CAP_CHECK:-}" ]; then
        "$CAP_CHECK" "$CAP_TMP" || die "$(basename "$CAP_FINAL") not as intended ($CAP_FINAL left unchanged)"
        CAP_CHECK=
    fi
    mv "$CAP_TMP" "$CAP_FINAL" || die "cannot move capture to $CAP_FINAL"
    local n
    n=$(tshark -n -r "$CAP_FINAL" -T fields -e tcp.stream 2>/dev/null | sort -u | grep -c .)
    printf '%-20s %8d bytes  %3d TCP streams\n' "$(basename "$CAP_FINAL")" \
        "$(stat -c %s "$CAP_FINAL")" "$n"
}
tshark_count() {  # tshark_count FILE DISPLAY_FILTER -> number of frames
    tshark -n -r "$1" -Y "$2" 2>/dev/null | grep -c .
}

V4=10.10.2.1; V6='[fd00:10:2::1]'

# (a) HTTP over IPv4
if want http_ipv4; then
    start_capture "$OUT/http_ipv4.pcap" 0
    for _ in 1 2 3; do
        run in_cli curl -s -o /dev/null "http://$V4:8080/1m.bin"
    done
    run in_cli curl -s -o /dev/null -o /dev/null "http://$V4:8080/small.txt" "http://$V4:8080/small.txt"
    stop_capture
fi

# (b) HTTP over IPv6, nanosecond timestamps
if want http_ipv6; then
    start_capture "$OUT/http_ipv6.pcap" 0 --time-stamp-precision=nano
    for _ in 1 2 3; do
        run in_cli curl -s -g -o /dev/null "http://$V6:8080/1m.bin"
    done
    run in_cli curl -s -g -o /dev/null -o /dev/null "http://$V6:8080/small.txt" "http://$V6:8080/small.txt"
    stop_capture
fi

# (c) bulk transfer through a tbf bottleneck on the router (towards the client)
if want bulk_tbf; then
    run in_rtr tc qdisc add dev r0 root tbf rate 8mbit burst 16kb latency 20ms
    start_capture "$OUT/bulk_tbf.pcap" 200
    run in_cli curl -s -o /dev/null "http://$V4:8080/4m.bin"
    stop_capture
    run in_rtr tc qdisc del dev r0 root
    echo "  bulk_tbf.pcap: $(tshark_count "$OUT/bulk_tbf.pcap" tcp.analysis.retransmission) retransmissions," \
         "$(tshark_count "$OUT/bulk_tbf.pcap" tcp.options.sack_le) frames with SACK blocks (tshark)"
    [ "$(tshark_count "$OUT/bulk_tbf.pcap" tcp.analysis.retransmission)" -gt 0 ] ||
        die "bulk_tbf.pcap has no retransmission: the bottleneck did not drop anything"
fi

# (d) connection refused (closed port 9), IPv4 and IPv6
if want refused; then
    start_capture "$OUT/refused.pcap" 0
    in_cli curl -s -o /dev/null --max-time 3 "http://$V4:9/" && die "port 9 answered?"
    in_cli curl -s -g -o /dev/null --max-time 3 "http://$V6:9/" && die "port 9 answered (v6)?"
    stop_capture
fi

# (e) 50 parallel short connections
if want parallel_50; then
    start_capture "$OUT/parallel_50.pcap" 200
    pids=()
    for _ in $(seq 50); do
        in_cli curl -s -o /dev/null --max-time 15 "http://$V4:8080/small.txt" &
        pids+=($!)
    done
    fails=0
    for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
    [ "$fails" = 0 ] || die "$fails of the 50 parallel curls failed"
    stop_capture
fi

# (f) port reuse: same 4-tuple, 5 connections, over IPv4 and IPv6
if want port_reuse; then
    start_capture "$OUT/port_reuse.pcap" 0
    run in_cli python3 "$WORK/reuse_client.py" 10.10.1.1 10.10.2.1 45678
    run in_cli python3 "$WORK/reuse_client.py" fd00:10:1::1 fd00:10:2::1 45679
    stop_capture
    for p in 45678 45679; do
        n=$(tshark -n -r "$OUT/port_reuse.pcap" -Y "tcp.port == $p" -T fields -e tcp.stream 2>/dev/null | sort -u | grep -c .)
        echo "  port_reuse.pcap: source port $p appears in $n tshark streams"
        [ "$n" = 5 ] || die "port reuse did not happen as planned on port $p ($n streams, want 5)"
    done
fi

# (g) TLS handshakes with nginx on :443 (see the header for the list).
# check_tls FILE: per TCP stream, in order, the SNI of its ClientHello
# (tshark's tls.handshake.extensions_server_name; "-" = none), the ALPN
# protocols offered ("-" = no ALPN extension) and the version the server
# chose must be exactly the intended ones.
TLS_EXPECTED=$(cat <<'TLS_EXPECTED_END'
0	tls12.tcpscope.test	h2,http/1.1	TLS 1.2
1	tls13.tcpscope.test	h2,http/1.1	TLS 1.3
2	sclient.tcpscope.test	-	TLS 1.3
3	tls13v6.tcpscope.test	h2,http/1.1	TLS 1.3
4	-	h2,http/1.1	TLS 1.3
5	-	h2,http/1.1	TLS 1.3
6	resume.tcpscope.test	-	TLS 1.2
7	resume.tcpscope.test	-	TLS 1.2
TLS_EXPECTED_END
)
check_tls() {
    local got
    got=$(python3 - "$1" <<'CHECK_TLS_END'
import subprocess, sys
def fields(filt, *f):
    cmd = ["tshark", "-n", "-r", sys.argv[1], "-Y", filt, "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=,"]
    for x in ("tcp.stream",) + f:
        cmd += ["-e", x]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    return [l.split("\t") for l in out.stdout.decode().splitlines()]
ch, sh = {}, {}
for st, sni, alpn in fields("tls.handshake.type == 1",
                            "tls.handshake.extensions_server_name",
                            "tls.handshake.extensions_alpn_str"):
    ch.setdefault(int(st), (sni or "-", alpn or "-"))
names = {"0x0303": "TLS 1.2", "0x0304": "TLS 1.3"}
for st, ver, sv in fields("tls.handshake.type == 2", "tls.handshake.version",
                          "tls.handshake.extensions.supported_version"):
    v = sv or ver
    sh.setdefault(int(st), names.get(v, v))
for st in sorted(set(ch) | set(sh)):
    sni, alpn = ch.get(st, ("(no ClientHello)", "-"))
    print("%d\t%s\t%s\t%s" % (st, sni, alpn, sh.get(st, "(no ServerHello)")))
CHECK_TLS_END
)
    if [ "$got" != "$TLS_EXPECTED" ]; then
        echo "  tls_handshakes.pcap: tshark sees (stream, SNI, ALPN, version):" >&2
        printf '%s\n' "$got" | sed 's/^/    /' >&2
        echo "  intended:" >&2
        printf '%s\n' "$TLS_EXPECTED" | sed 's/^/    /' >&2
        return 1
    fi
    printf '%s\n' "$got" | awk -F'\t' '{ printf "  tls_handshakes.pcap: stream %s SNI %s, ALPN %s, %s\n", $1, $2, $3, $4 }'
}
if want tls_handshakes; then
    HN=tcpscope.test
    S=$WORK/sclient; mkdir -p "$S"
    tls_curl() { run in_cli curl -s -S -k -o /dev/null --max-time 10 "$@"; sleep 0.2; }
    sclient() {  # sclient LOGNAME ARGS...: openssl s_client to the IPv4 server, no input
        local log=$S/$1.log; shift
        in_cli openssl s_client -connect "$V4:443" "$@" </dev/null >"$log" 2>&1 ||
            die "openssl s_client $* failed: $(cat "$log")"
        sleep 0.2
    }
    start_capture "$OUT/tls_handshakes.pcap" 0
    tls_curl --tlsv1.2 --tls-max 1.2 --resolve "tls12.$HN:443:$V4" "https://tls12.$HN/"
    tls_curl --tlsv1.3 --resolve "tls13.$HN:443:$V4" "https://tls13.$HN/"
    sclient tls13 -servername "sclient.$HN" -tls1_3
    tls_curl --tlsv1.3 --resolve "tls13v6.$HN:443:$V6" "https://tls13v6.$HN/"
    tls_curl "https://$V4/"                 # IP literals: curl sends no SNI
    tls_curl -g "https://$V6/"
    sclient full -servername "resume.$HN" -tls1_2 -sess_out "$S/sess.pem"
    sclient resumed -servername "resume.$HN" -tls1_2 -sess_in "$S/sess.pem"
    grep -q "^Reused, TLSv1.2" "$S/resumed.log" ||
        die "the TLS 1.2 session was not resumed: $(grep -E '^(New|Reused)' "$S/resumed.log")"
    CAP_CHECK=check_tls
    stop_capture
fi

# ---- life cycle and window captures: netns_peers.py's client and server -------
# peers NAME SNAPLEN [T]: start the scenario's server in the server namespace
# (wait until it listens, when it has a listener), capture on c0 with the
# filter "tcp", run the client in the client namespace, wait for the server
# to finish, check the capture with netns_facts.py --check NAME and keep it.
PEERS=$HERE/netns_peers.py
FACTS=$HERE/netns_facts.py
check_peers() { python3 "$FACTS" --check "$PEERS_NAME" "$1"; }
peers() {
    PEERS_NAME=$1; local snap=$2 t=${3:-0} port spid
    port=$(python3 "$PEERS" port "$1") || die "netns_peers.py port $1"
    ip netns exec "$SRV" timeout 120 python3 "$PEERS" server "$1" "$t" >"$WORK/$1.srv.log" 2>&1 &
    spid=$!; SERVER_PIDS+=("$spid")
    case $1 in unanswered|simultaneous_open) ;; *)
        for _ in $(seq 50); do
            [ -n "$(in_srv ss -Hltn "sport = :$port")" ] && break
            sleep 0.1
        done
        [ -n "$(in_srv ss -Hltn "sport = :$port")" ] ||
            die "$1: server does not listen on $port: $(cat "$WORK/$1.srv.log")" ;;
    esac
    start_capture "$OUT/$1.pcap" "$snap" tcp
    in_cli timeout 120 python3 "$PEERS" client "$1" "$t" ||
        die "$1: client failed (server: $(cat "$WORK/$1.srv.log"))"
    wait "$spid" || die "$1: server failed: $(cat "$WORK/$1.srv.log")"
    CAP_CHECK=check_peers
    stop_capture
}
# start time for the scenarios where both ends act at once: 2 s from now
at_2s() { python3 -c 'import time; print("%.6f" % (time.time() + 2))'; }

if want unanswered; then peers unanswered 0; fi
if want close_client_first; then peers close_client_first 0; fi
if want close_server_first; then peers close_server_first 0; fi
if want half_close; then peers half_close 0; fi
if want abort_linger0; then peers abort_linger0 0; fi
if want keepalive_idle; then peers keepalive_idle 0; fi
if want simultaneous_close; then
    # 1 Mbit/s both ways on the router: each side's 10000 bytes take about
    # 80 ms to drain, its FIN waits behind them, and the FINs cross.
    # Tail-loss probes off at both ends (tcp_early_retrans=0): with the
    # handshake's RTT of about 50 us the probe timer (10 ms) would fire
    # while the FIN still waits in the queue and resend it; the RTO (200 ms
    # minimum) is longer than the ~110 ms the data and its ACKs take.
    er_cli=$(in_cli sysctl -n net.ipv4.tcp_early_retrans); er_srv=$(in_srv sysctl -n net.ipv4.tcp_early_retrans)
    run in_cli sysctl -q -w net.ipv4.tcp_early_retrans=0
    run in_srv sysctl -q -w net.ipv4.tcp_early_retrans=0
    run in_rtr tc qdisc add dev r0 root tbf rate 1mbit burst 3000 latency 2s
    run in_rtr tc qdisc add dev r1 root tbf rate 1mbit burst 3000 latency 2s
    peers simultaneous_close 0 "$(at_2s)"
    run in_rtr tc qdisc del dev r0 root; run in_rtr tc qdisc del dev r1 root
    run in_cli sysctl -q -w net.ipv4.tcp_early_retrans="$er_cli"
    run in_srv sysctl -q -w net.ipv4.tcp_early_retrans="$er_srv"
fi
if want simultaneous_open; then
    run in_rtr tc qdisc add dev r0 root tbf rate 1mbit burst 3000 latency 2s
    run in_rtr tc qdisc add dev r1 root tbf rate 1mbit burst 3000 latency 2s
    peers simultaneous_open 0 "$(at_2s)"
    run in_rtr tc qdisc del dev r0 root; run in_rtr tc qdisc del dev r1 root
fi
if want rst_in_transfer; then peers rst_in_transfer 200; fi
if want zero_window; then peers zero_window 200; fi
if want dsack; then
    run in_rtr tc qdisc add dev r0 root tbf rate 8mbit burst 16kb latency 20ms
    run in_rtr tc qdisc add dev r1 root tbf rate 1mbit burst 3000 latency 2s
    peers dsack 200
    run in_rtr tc qdisc del dev r0 root; run in_rtr tc qdisc del dev r1 root
fi

if want by_server; then
    run ip -n "$CLI" addr add 10.10.1.2/24 dev c0
    ip netns exec "$SRV" python3 "$HERE/by_server_peers.py" server >"$WORK/by_server.srv.log" 2>&1 &
    SERVER_PIDS+=($!)
    for _ in $(seq 50); do
        [ "$(in_srv ss -Hltn 'sport >= :9201 and sport <= :9203' | grep -c .)" = 3 ] && break
        sleep 0.1
    done
    start_capture "$OUT/by_server.pcap" 700 tcp
    run in_rtr tc qdisc add dev r0 root tbf rate 2mbit burst 16kb latency 50ms
    run in_cli python3 "$HERE/by_server_peers.py" client bulk
    run in_rtr tc qdisc del dev r0 root
    sleep 0.5
    run in_cli python3 "$HERE/by_server_peers.py" client rest
    stop_capture
    run ip -n "$CLI" addr del 10.10.1.2/24 dev c0
    echo "  by_server.pcap: $(tshark_count "$OUT/by_server.pcap" tcp.analysis.retransmission) retransmissions (tshark)"
fi

echo "record_netns.sh: captures written to $OUT"
