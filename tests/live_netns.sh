#!/usr/bin/env bash
# live_netns.sh - live capture end to end: tcpscope -i on a veth inside a
# network namespace sees real Linux TCP connections and reports them.
#
# Two namespaces joined by a veth pair (10.199.0.1 client, 10.199.0.2
# server); python3's http.server in the server namespace; "tcpscope -i <veth>
# -F json -o OUT" in the client namespace, in the background; 5 curl GETs
# with fixed source ports 41001..41005 and one curl to the closed port 9 from
# source port 41006; then SIGINT.  Asserts: exit status 0; exactly those 6
# connections, each with the right client and server endpoints and packets
# both ways; the 5 GETs closed by FIN from both sides with payload both ways;
# the refused one reset, with at most 3 packets; a summary with "live":true,
# a "pcap" statistics object and "connections":6.
#
# Needs root, ip netns, python3, curl.  Exit: 0 pass, 1 fail, 77 skip.
# Bounded: every wait below has a limit; the whole test takes about 3 s.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u

TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TCPSCOPE=${TCPSCOPE:-$TOP_SRCDIR/tcpscope}

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; [ -s "${ERR:-/dev/null}" ] && sed 's/^/  tcpscope stderr: /' "$ERR"; exit 1; }
. "$TOP_SRCDIR/tests/netns_lib.sh"

netns_setup 10.199.0
OUT=$WORK/out.json; ERR=$WORK/err.txt
mkdir -p "$WORK/www" && printf 'hello from the live test\n%.0s' $(seq 200) > "$WORK/www/index.html"
netns_http_server

ip netns exec "$NSC" "$TCPSCOPE" -i "$VC" -F json -o "$OUT" 2>"$ERR" &
SCOPE_PID=$!; CLEANUP_PIDS=$SCOPE_PID
netns_wait_capturing "$SCOPE_PID"

for port in 41001 41002 41003 41004 41005; do
    ip netns exec "$NSC" curl -s -o /dev/null --max-time 3 --local-port "$port" \
        http://10.199.0.2:8000/ || fail "curl from port $port failed"
done
if ip netns exec "$NSC" curl -s -o /dev/null --max-time 3 --local-port 41006 http://10.199.0.2:9/; then
    fail "port 9 accepted a connection"
fi
sleep 0.5

netns_stop "$SCOPE_PID"; CLEANUP_PIDS=
[ "$rc" = 0 ] || fail "tcpscope exited $rc after SIGINT (expected 0)"
[ -s "$OUT" ] || fail "tcpscope wrote nothing to $OUT"

python3 - "$OUT" <<'EOF' || fail "the report does not hold what was sent (see above)"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
conns = [r for r in recs if r.get("type") == "conn"]
sums = [r for r in recs if r.get("type") == "summary"]
errors = []
expected = {p: 8000 for p in range(41001, 41006)}
expected[41006] = 9
if len(conns) != 6:
    errors.append("%d connection records, expected 6: %s" % (
        len(conns), [(c["client"], c["server"]) for c in conns]))
seen = {}
for c in conns:
    cp = c["client"]["port"]
    if c["client"]["ip"] != "10.199.0.1" or c["server"]["ip"] != "10.199.0.2" or cp not in expected:
        errors.append("unexpected connection %s -> %s" % (c["client"], c["server"]))
        continue
    seen[cp] = c
    if c["server"]["port"] != expected[cp]:
        errors.append("client port %d: server port %d, expected %d" % (cp, c["server"]["port"], expected[cp]))
    if c.get("direction_inferred"):
        errors.append("client port %d: direction inferred although the SYN was captured" % cp)
    if c["c2s"]["packets"] <= 0 or c["s2c"]["packets"] <= 0:
        errors.append("client port %d: packets c2s %d s2c %d, expected > 0 both ways"
                      % (cp, c["c2s"]["packets"], c["s2c"]["packets"]))
    if cp == 41006:
        total = c["c2s"]["packets"] + c["s2c"]["packets"]
        if total > 3:
            errors.append("refused connection has %d packets, expected at most 3 (SYN, RST)" % total)
        if c.get("end_reason") != "reset":
            errors.append("refused connection: end_reason %r, expected 'reset'" % c.get("end_reason"))
    else:
        if c.get("end_reason") != "closed":
            errors.append("client port %d: end_reason %r, expected 'closed'" % (cp, c.get("end_reason")))
        if c["c2s"]["payload_bytes"] <= 0 or c["s2c"]["payload_bytes"] <= 0:
            errors.append("client port %d: no payload in one direction" % cp)
for cp in sorted(set(expected) - set(seen)):
    errors.append("no connection record for client port %d" % cp)
if len(sums) != 1:
    errors.append("%d summary records, expected 1" % len(sums))
else:
    s = sums[0]
    if s.get("live") is not True:
        errors.append("summary live = %r, expected true" % s.get("live"))
    if not isinstance(s.get("pcap"), dict):
        errors.append("summary has no \"pcap\" statistics object")
    if s.get("connections") != 6:
        errors.append("summary connections = %r, expected 6" % s.get("connections"))
for e in errors:
    print("  " + e)
if not errors:
    print("ok live capture: 6 connections (5 GET closed, 1 refused), summary live with pcap stats %s"
          % json.dumps(sums[0]["pcap"]))
sys.exit(1 if errors else 0)
EOF
echo "PASS"
exit 0
