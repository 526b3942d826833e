#!/usr/bin/env python3
"""netns_peers.py - the client and server programs behind record_netns.sh's
life-cycle and window captures (python3 standard library only).

    netns_peers.py server SCENARIO        run in the server namespace
    netns_peers.py client SCENARIO [T]    run in the client namespace
    netns_peers.py port SCENARIO          print the scenario's server port

T is an absolute wall-clock time (time.time(), same clock for both
namespaces) for the scenarios where both ends must act at once
(simultaneous_close, simultaneous_open).  Every scenario uses its own
server port (PORTS) so a capture filter on it is possible; client ports are
ephemeral unless said.  Each side exits non-zero if the kernel does not
behave as the scenario expects (e.g. no RST where one is meant), so
record_netns.sh never keeps a capture of something else.
"""
import socket, struct, sys, threading, time

SRV4, SRV6 = "10.10.2.1", "fd00:10:2::1"
CLI4 = "10.10.1.1"
# addresses in the server subnet that nobody owns; the router has permanent
# neighbour entries for them pointing at a MAC no interface has
DEAD4, DEAD6 = "10.10.2.99", "fd00:10:2::99"
# ... and one in the client subnet (junk traffic towards the client side)
DEAD4_CLI = "10.10.1.99"

PORTS = {
    "unanswered": 9100, "close_client_first": 9101, "close_server_first": 9102,
    "half_close": 9103, "abort_linger0": 9104, "keepalive_idle": 9105,
    "simultaneous_close": 9106, "simultaneous_open": 9107,
    "rst_in_transfer": 9108, "zero_window": 9109, "dsack": 9110,
}
# simultaneous_open: both ends bind these and connect() to each other
SOPEN_CLI_PORT, SOPEN_SRV_PORT = 40001, 40002


def fail(msg):
    sys.stderr.write("netns_peers.py: %s\n" % msg)
    sys.exit(1)


def listener(port, fam=socket.AF_INET):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", port))
    else:
        s.bind(("0.0.0.0", port))
    s.listen(8)
    return s


def connect(port, host=SRV4, **opts):
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                      socket.SOCK_STREAM)
    for (level, name), val in opts.get("sockopts", {}).items():
        s.setsockopt(level, name, val)
    s.connect((host, port))
    return s


def read_to_eof(s, bufsize=65536):
    n = 0
    while True:
        d = s.recv(bufsize)
        if not d:
            return n
        n += len(d)


def blob(n, seed=b"x"):
    return (seed * (n // len(seed) + 1))[:n]


def sleep_until(t):
    d = t - time.time()
    if d < 0:
        fail("start time already passed by %.3f s" % -d)
    time.sleep(d)


def linger0(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def junk(dst, nbytes):
    """nbytes of UDP towards an address nobody answers: fills the router's
    tbf queue in that direction (the capture filter keeps only TCP)."""
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(nbytes // 1000):
        u.sendto(b"j" * 1000, (dst, 9))
    u.close()


# ---------------------------------------------------------------- servers
def srv_unanswered(T):
    pass  # nothing listens: the SYNs go to DEAD4/DEAD6


def srv_close_client_first(T):
    ls = listener(PORTS["close_client_first"])
    c, _ = ls.accept()
    req = c.recv(100)
    c.sendall(b"reply to " + req)
    if read_to_eof(c) != 0:            # the client's FIN
        fail("close_client_first: unexpected data")
    time.sleep(0.2)                     # stay in CLOSE_WAIT a moment
    c.close()                           # LAST_ACK


def srv_close_server_first(T):
    ls = listener(PORTS["close_server_first"])
    c, _ = ls.accept()
    req = c.recv(100)
    c.sendall(b"reply to " + req)
    time.sleep(0.1)
    c.close()                           # FIN first: server ends in TIME_WAIT


def srv_half_close(T):
    ls = listener(PORTS["half_close"])
    c, _ = ls.accept()
    req = read_to_eof(c)                # request, then the client's FIN
    if req == 0:
        fail("half_close: no request")
    for i in range(10):                 # keep sending after the FIN: 1 s
        c.sendall(blob(1000, b"%d" % i))
        time.sleep(0.1)
    c.close()


def srv_abort_linger0(T):
    ls = listener(PORTS["abort_linger0"])
    # connection 1: the client aborts with SO_LINGER {1, 0}
    c, _ = ls.accept()
    c.recv(100)
    c.sendall(b"ok\n")
    try:
        d = c.recv(100)
        fail("abort_linger0: connection 1 got %r instead of a reset" % d)
    except ConnectionResetError:
        pass
    c.close()
    # connection 2: close() with unread data in the receive buffer -> RST
    c, _ = ls.accept()
    c.recv(8)                           # "request\n"; the 2000 bytes after stay unread
    time.sleep(0.3)
    c.close()


def srv_keepalive_idle(T):
    ls = listener(PORTS["keepalive_idle"])
    c, _ = ls.accept()
    req = c.recv(100)
    c.sendall(b"reply to " + req)
    read_to_eof(c)
    c.close()


def srv_simultaneous_close(T):
    ls = listener(PORTS["simultaneous_close"])
    c, _ = ls.accept()
    sleep_until(T)
    c.sendall(blob(10000, b"s"))
    c.shutdown(socket.SHUT_WR)
    n = read_to_eof(c)
    if n != 10000:
        fail("simultaneous_close: server read %d bytes" % n)
    c.close()


def srv_simultaneous_open(T):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((SRV4, SOPEN_SRV_PORT))
    sleep_until(T - 0.02)
    junk(DEAD4_CLI, 20000)              # queue in front of our SYN on r0
    sleep_until(T)
    s.connect((CLI4, SOPEN_CLI_PORT))
    s.sendall(b"hello from 10.10.2.1\n")
    d = s.recv(100)
    if not d:
        fail("simultaneous_open: server got no data")
    if read_to_eof(s) != 0:             # the client closes first
        fail("simultaneous_open: unexpected data")
    time.sleep(0.1)
    s.close()


def srv_rst_in_transfer(T):
    ls = listener(PORTS["rst_in_transfer"])
    c, _ = ls.accept()
    c.recv(100)
    for _ in range(16):                 # 1 MiB into the send buffer ...
        c.sendall(blob(65536, b"r"))
    linger0(c)                          # ... then abort while it is in flight
    c.close()


def srv_zero_window(T):
    ls = listener(PORTS["zero_window"])
    c, _ = ls.accept()
    c.recv(100)
    c.sendall(blob(2 << 20, b"z"))      # 2 MiB
    c.close()


def srv_dsack(T):
    ls = listener(PORTS["dsack"])
    c, _ = ls.accept()
    c.recv(100)
    c.sendall(blob(4 << 20, b"d"))
    c.close()


# ---------------------------------------------------------------- clients
def cli_unanswered(T):
    # TCP_SYNCNT 3 (the attempt is bounded by time: 1+2+4+8 = 15 s).
    # First IPv4 and IPv6 at the same time with Linux's default timer
    # (tcp_syn_linear_timeouts: the first retries 1 s apart), then one more
    # IPv4 attempt with tcp_syn_linear_timeouts = 0 in this namespace: the
    # classic exponential back-off, SYNs at about 0, 1, 3, 7 s.
    errs = []

    def one(host):
        s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                          socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, 3)
        try:
            s.connect((host, PORTS["unanswered"]))
            errs.append((host, "connected?"))
        except OSError as e:
            errs.append((host, e.__class__.__name__))
        s.close()
    ts = [threading.Thread(target=one, args=(h,)) for h in (DEAD4, DEAD6)]
    ts[0].start()
    time.sleep(0.05)
    ts[1].start()
    for t in ts:
        t.join()
    lin = "/proc/sys/net/ipv4/tcp_syn_linear_timeouts"
    old = open(lin).read().strip()
    open(lin, "w").write("0")
    try:
        time.sleep(0.5)
        one(DEAD4)
    finally:
        open(lin, "w").write(old)
    for h, e in errs:
        if e != "TimeoutError":
            fail("unanswered: %s: %s (want TimeoutError)" % (h, e))


def cli_close_client_first(T):
    s = connect(PORTS["close_client_first"])
    s.sendall(b"GET something\n")
    s.recv(100)
    time.sleep(0.1)
    s.close()                           # FIN first: client ends in TIME_WAIT
    time.sleep(0.5)


def cli_close_server_first(T):
    s = connect(PORTS["close_server_first"])
    s.sendall(b"GET something\n")
    read_to_eof(s)                      # the reply, then the server's FIN
    time.sleep(0.2)                     # CLOSE_WAIT a moment
    s.close()


def cli_half_close(T):
    s = connect(PORTS["half_close"])
    s.sendall(b"GET the rest, I am done sending\n")
    s.shutdown(socket.SHUT_WR)          # FIN now, keep reading
    n = read_to_eof(s)
    if n != 10000:
        fail("half_close: client read %d bytes" % n)
    s.close()


def cli_abort_linger0(T):
    s = connect(PORTS["abort_linger0"])
    s.sendall(b"hello\n")
    s.recv(100)
    time.sleep(0.1)
    linger0(s)
    s.close()                           # RST from the client
    time.sleep(0.3)
    s = connect(PORTS["abort_linger0"])
    s.sendall(b"request\n" + blob(2000, b"u"))
    try:
        d = s.recv(100)
        fail("abort_linger0: connection 2 got %r instead of a reset" % d)
    except ConnectionResetError:
        pass
    s.close()


def cli_keepalive_idle(T):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 10)
    s.connect((SRV4, PORTS["keepalive_idle"]))
    s.sendall(b"GET something\n")
    s.recv(100)
    time.sleep(5.5)                     # idle: keepalive probes about every 1 s
    s.close()


def cli_simultaneous_close(T):
    s = connect(PORTS["simultaneous_close"])
    sleep_until(T)
    s.sendall(blob(10000, b"c"))
    s.shutdown(socket.SHUT_WR)
    n = read_to_eof(s)
    if n != 10000:
        fail("simultaneous_close: client read %d bytes" % n)
    s.close()


def cli_simultaneous_open(T):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((CLI4, SOPEN_CLI_PORT))
    sleep_until(T - 0.02)
    junk(DEAD4, 20000)                  # queue in front of our SYN on r1
    sleep_until(T)
    s.connect((SRV4, SOPEN_SRV_PORT))
    s.sendall(b"hello from 10.10.1.1\n")
    d = s.recv(100)
    if not d:
        fail("simultaneous_open: client got no data")
    time.sleep(0.5)
    s.close()                           # FIN first: client ends in TIME_WAIT


def cli_rst_in_transfer(T):
    s = connect(PORTS["rst_in_transfer"])
    s.sendall(b"GET 1m\n")
    n = 0
    try:
        while True:
            d = s.recv(16384)
            if not d:
                fail("rst_in_transfer: clean EOF after %d bytes" % n)
            n += len(d)
            time.sleep(0.002)           # a slow reader: data stays in flight
    except ConnectionResetError:
        pass
    s.close()


def cli_zero_window(T):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((SRV4, PORTS["zero_window"]))
    s.sendall(b"GET 2m\n")
    time.sleep(5)                       # stalled reader: window goes to 0
    n = read_to_eof(s)
    if n != 2 << 20:
        fail("zero_window: read %d bytes" % n)
    s.close()


def cli_dsack(T):
    s = connect(PORTS["dsack"])
    s.sendall(b"GET 4m\n")
    res = []
    th = threading.Thread(target=lambda: res.append(read_to_eof(s)))
    th.start()
    # twice during the transfer: 50 kB of UDP junk through the 1 Mbit/s
    # router egress towards the server holds our ACKs back for ~400 ms,
    # longer than the server's RTO: it retransmits data we already have
    for at in (1.0, 2.5):
        time.sleep(at - (time.time() - T0))
        junk(DEAD4, 50000)
    th.join()
    if res != [4 << 20]:
        fail("dsack: read %r bytes" % res)
    s.close()


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("server", "client", "port") \
            or sys.argv[2] not in PORTS:
        fail("usage: netns_peers.py server|client|port SCENARIO [T]")
    if sys.argv[1] == "port":
        print(PORTS[sys.argv[2]])
        sys.exit(0)
    T = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    T0 = time.time()
    fn = globals()[("srv_" if sys.argv[1] == "server" else "cli_") + sys.argv[2]]
    fn(T)
