#!/usr/bin/env bash
# by_server.sh - --by server and --by client (issue 14 item 5) on
# test-captures/real/by_server.pcap (fast, slow, backlogged, refusing and
# unanswered servers, recorded by record_netns.sh): every figure of every
# group, in JSON, CSV (python's csv module) and the text table's counts,
# equals what tests/by_server.py computes from tshark's per-frame fields.
# Then the option's edges: bad values and combinations are usage errors
# (exit 2), --top and --sort order the groups; and a live capture (root,
# network namespaces) writes its groups at SIGINT.
#
# Environment (set by make check): TCPSCOPE, TOP_SRCDIR.
# Exit: 0 pass, 1 fail, 77 skip (python3 or tshark missing).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TCPSCOPE=${TCPSCOPE:-$TOP_SRCDIR/tcpscope}
CAP=$TOP_SRCDIR/test-captures/real/by_server.pcap
for t in python3 tshark; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not found"; exit 77; }
done
[ -x "$TCPSCOPE" ] || { echo "FAIL: tcpscope binary not found at $TCPSCOPE"; exit 1; }
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

python3 "$TOP_SRCDIR/tests/by_server.py" "$TCPSCOPE" "$CAP" || fail "--by figures differ from tshark's"

for args in "--by bogus" "--by" "--by server --events" "--by server --tui" "--by server --sort state" \
            "--by client --sort id"; do
    # shellcheck disable=SC2086
    "$TCPSCOPE" -r "$CAP" $args >/dev/null 2>"${TMPDIR:-/tmp}/by_server.$$"; rc=$?
    [ "$rc" = 2 ] || fail "'$args': exit $rc, want 2"
    grep -q '^tcpscope: ' "${TMPDIR:-/tmp}/by_server.$$" || [ "$args" = "--by" ] ||
        fail "'$args': no 'tcpscope: ...' line"
done
rm -f "${TMPDIR:-/tmp}/by_server.$$"

# --top 2: the two servers with the most connections (10.10.2.1:9201 has 10,
# :9202 has 5 in this capture: tshark -z conv,tcp counts them too)
got=$("$TCPSCOPE" -r "$CAP" --by server --top 2 -F json 2>/dev/null |
      python3 -c 'import json,sys
print(" ".join("%s:%s" % (r["server"]["ip"], r["server"]["port"]) for r in map(json.loads, sys.stdin) if r["type"] == "server"))')
[ "$got" = "10.10.2.1:9201 10.10.2.1:9202" ] || fail "--top 2: $got"
# --sort rtt: the slow server (queued behind the download) has the largest median handshake RTT
got=$("$TCPSCOPE" -r "$CAP" --by server --sort rtt -F csv 2>/dev/null | python3 -c 'import csv,sys
rows = list(csv.DictReader(sys.stdin))
p50 = [float(r["handshake_rtt_p50_ms"]) for r in rows if r["handshake_rtt_p50_ms"]]
ok = p50 == sorted(p50, reverse=True) and all(not r["handshake_rtt_p50_ms"] for r in rows[len(p50):])
print(rows[0]["server_port"] if ok else "unordered")')
[ "$got" = 9202 ] || fail "--sort rtt: first $got, want the slow server 9202 first and the groups without RTT last"

# Live (root and network namespaces, else this part is skipped): the groups
# are written at SIGINT; 3 curls to the web server and 1 to the closed port 9
# are 3 connections to :8000 and 1 refused at :9.
live=$( (
    skip() { echo "skipped: $*"; exit 77; }
    fail() { echo "$*"; exit 1; }
    . "$TOP_SRCDIR/tests/netns_lib.sh"
    netns_setup 10.77.4
    netns_http_server
    ip netns exec "$NSC" "$TCPSCOPE" -i "$VC" --by server -F csv -o "$WORK/by.csv" 2>"$WORK/by.err" & pid=$!
    CLEANUP_PIDS=$pid
    netns_wait_capturing $pid
    for _ in 1 2 3; do ip netns exec "$NSC" curl -s -o /dev/null --max-time 5 "http://10.77.4.2:8000/"; done
    ip netns exec "$NSC" curl -s -o /dev/null --max-time 2 "http://10.77.4.2:9/"
    sleep 0.5
    netns_stop $pid
    [ "$rc" = 0 ] || fail "live --by: exit $rc"
    python3 -c 'import csv, sys
rows = {r["server_port"]: r for r in csv.DictReader(open(sys.argv[1]))}
got = sorted((p, r["connections"], r["refused"]) for p, r in rows.items())
print(" ".join("%s:%s/%s" % g for g in got))' "$WORK/by.csv"
) 2>&1 ); lrc=$?
case $lrc in
    0) [ "$live" = "8000:3/0 9:1/1" ] || fail "live --by server: $live, want 8000:3/0 9:1/1" ;;
    77) echo "live part $live" ;;
    *) fail "live --by server: $live" ;;
esac

[ "$fails" = 0 ] || exit 1
echo "PASS: --by server and --by client agree with tshark in three formats"
