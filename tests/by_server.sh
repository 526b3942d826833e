#!/usr/bin/env bash
# by_server.sh - --by server and --by client (issue 14 item 5) on
# test-captures/real/by_server.pcap (fast, slow, backlogged, refusing and
# unanswered servers, recorded by record_netns.sh): every figure of every
# group, in JSON, CSV (python's csv module) and the text table's counts,
# equals what tests/by_server.py computes from tshark's per-frame fields.
# Then the option's edges: bad values and combinations are usage errors
# (exit 2), --top and --sort order the groups.
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

[ "$fails" = 0 ] || exit 1
echo "PASS: --by server and --by client agree with tshark in three formats"
