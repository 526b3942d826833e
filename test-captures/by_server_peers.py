#!/usr/bin/env python3
"""by_server_peers.py - the servers and clients behind record_netns.sh's
by_server.pcap (issue 14, --by server|client): several servers that behave
differently, so that each per-server figure has something to show.

    by_server_peers.py server           in the server namespace (until killed)
    by_server_peers.py client PHASE     in the client namespace; PHASE is
                                        "bulk" (run under a tbf bottleneck)
                                        or "rest"

Servers on 10.10.2.1 / fd00:10:2::1 (python3 standard library only):
  9201 fast:     reads a request, answers at once.
  9202 slow:     waits the delay the request asks for (5-30 ms), then
                 answers, delayed ACKs on (TCP_QUICKACK 0: its answer
                 carries the ACK of the request); a
                 request ending in "rst" is answered and then aborted
                 (SO_LINGER 0: RST instead of FIN).
  9203 backlog:  listen(0), accepts only 1.5 s after its first connection:
                 meanwhile the full accept queue makes Linux drop new SYNs,
                 which the client retries.
  9204           nothing listens: refused (RST answers the SYN).
  10.10.2.99:9205  nobody owns it (the router forwards into a void):
                 unanswered; TCP_SYNCNT 1 (one retry, ~3 s).

A request is "REQ <bytes> <delay s> [rst]\\n", or a TLS ClientHello (made
with the ssl module, never completed): then the answer is 2000 bytes. The
client reads the whole answer and closes first. Clients use 10.10.1.1 and,
for some connections, 10.10.1.2 (record_netns.sh adds it).
"""
import select, socket, ssl, struct, sys, threading, time

SRV4, SRV6, DEAD4 = "10.10.2.1", "fd00:10:2::1", "10.10.2.99"
CLI4, CLI4B = "10.10.1.1", "10.10.1.2"
FAST, SLOW, BACKLOG, CLOSED, VOID = 9201, 9202, 9203, 9204, 9205
SNI_ANSWER = 2000


def fail(msg):
    sys.stderr.write("by_server_peers.py: %s\n" % msg)
    sys.exit(1)


def listener(port, backlog=16):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(backlog)
    return s


def read_request(c):
    """The request's size, delay and abort flag."""
    data = b""
    while True:
        chunk = c.recv(4096)
        if not chunk:
            return None
        data += chunk
        if data[:1] == b"\x16" and len(data) >= 5:
            if len(data) >= 5 + struct.unpack("!H", data[3:5])[0]:
                return SNI_ANSWER, 0.0, False
        elif b"\n" in data:
            f = data.split(b"\n")[0].split()
            return int(f[1]), float(f[2]), len(f) > 3 and f[3] == b"rst"


def serve_one(c, no_quickack):
    if no_quickack:
        # delayed ACKs from the start: an answer within the delayed-ACK
        # timeout (40 ms) carries the ACK of the request, so the time the
        # server takes shows in the RTT of the client's data
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 0)
    req = read_request(c)
    if req is None:
        c.close()
        return
    size, delay, rst = req
    time.sleep(delay)
    c.sendall(b"x" * size)
    if rst:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        time.sleep(0.2)
        c.close()
        return
    while c.recv(4096):  # the client closes first
        pass
    c.close()


def accept_loop(s, first_delay=0.0, no_quickack=False):
    first = True
    while True:
        if first and first_delay:
            # wait for the first connection to be queued, then sit on the queue
            select.select([s], [], [])
            time.sleep(first_delay)
        first = False
        c, _ = s.accept()
        threading.Thread(target=serve_one, args=(c, no_quickack), daemon=True).start()


def server():
    threads = [threading.Thread(target=accept_loop, args=(listener(FAST),), daemon=True),
               threading.Thread(target=accept_loop, args=(listener(SLOW), 0.0, True), daemon=True),
               threading.Thread(target=accept_loop, args=(listener(BACKLOG, 0), 1.5), daemon=True)]
    for t in threads:
        t.start()
    while True:
        time.sleep(3600)


def client_hello(name):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    rd, wr = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(rd, wr, server_hostname=name)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return wr.read()


def conn(host, port, src=None, syncnt=None, rcvbuf=None):
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    if syncnt is not None:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, syncnt)
    if rcvbuf is not None:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if src:
        s.bind((src, 0))
    s.connect((host, port))
    return s


def exchange(host, port, request, size, src=None, rcvbuf=None, pause=0.0, expect_rst=False):
    s = conn(host, port, src=src, rcvbuf=rcvbuf)
    s.sendall(request)
    if pause:
        time.sleep(pause)  # reads nothing: the receive window fills and closes
    got = 0
    try:
        while got < size:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += len(chunk)
        if expect_rst:
            while s.recv(4096):
                pass
            fail("expected a RST from %s:%d" % (host, port))
    except ConnectionResetError:
        if not expect_rst:
            raise
    if got < size:
        fail("%s:%d answered %d of %d bytes" % (host, port, got, size))
    s.close()
    time.sleep(0.05)


def req(size, delay=0.0, rst=False):
    return ("REQ %d %g%s\n" % (size, delay, " rst" if rst else "")).encode()


def expect_refused(host, port, src=None):
    try:
        conn(host, port, src=src).close()
    except ConnectionRefusedError:
        return
    fail("%s:%d did not refuse" % (host, port))


def expect_unanswered(host, port):
    try:
        conn(host, port, syncnt=1).close()
    except (TimeoutError, OSError):
        return
    fail("%s:%d answered" % (host, port))


def in_threads(*calls):
    errors = []

    def run(fn, args):
        try:
            fn(*args)
        except BaseException as e:  # noqa: the phase fails below
            errors.append(repr(e))
    ts = [threading.Thread(target=run, args=c) for c in calls]
    for t in ts:
        t.start()
        time.sleep(0.01)
    for t in ts:
        t.join()
    if errors:
        fail("; ".join(errors))


def slow_server():
    time.sleep(0.1)
    for i, delay in enumerate((0.005, 0.01, 0.02, 0.03)):
        exchange(SRV4, SLOW, req(4000, delay), 4000, src=CLI4B if i < 2 else None)
    exchange(SRV4, SLOW, req(4000, 0.015, rst=True), 4000, expect_rst=True)


def client(phase):
    if phase == "bulk":
        # through the router's tbf: real losses and retransmissions; the
        # slow server's connections meanwhile wait behind the download in
        # the tbf queue (up to 50 ms towards the client)
        in_threads((exchange, (SRV4, FAST, req(400000), 400000)), (slow_server, ()))
        return
    # unanswered SYNs run while the rest goes on (3 s)
    void = [threading.Thread(target=expect_unanswered, args=(DEAD4, VOID)) for _ in range(2)]
    for t in void:
        t.start()
        time.sleep(0.02)
    for name, n in (("fast.tcpscope.test", 4), ("www.tcpscope.test", 2)):
        for _ in range(n):
            exchange(SRV4, FAST, client_hello(name), SNI_ANSWER)
    exchange(SRV4, FAST, req(1000), 1000, src=CLI4B)
    exchange(SRV4, FAST, req(5000), 5000, src=CLI4B)
    exchange(SRV4, FAST, req(200000), 200000, rcvbuf=4096, pause=0.4)  # zero window from the client
    exchange(SRV6, FAST, req(3000), 3000)
    exchange(SRV6, FAST, client_hello("v6.tcpscope.test"), SNI_ANSWER)
    for src in (CLI4, CLI4B, CLI4):
        expect_refused(SRV4, CLOSED, src=src)
        time.sleep(0.05)
    # three at once on the backlogged server: one fits its queue, the other two SYNs are retried
    in_threads(*[(exchange, (SRV4, BACKLOG, req(500), 500)) for _ in range(3)])
    for t in void:
        t.join()


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "server":
        server()
    elif len(sys.argv) >= 3 and sys.argv[1] == "client":
        client(sys.argv[2])
    else:
        fail("usage: by_server_peers.py server | client bulk|rest")
