#!/usr/bin/env bash
# timeline.sh - the drill-down against tshark: --timeline's frame numbers,
# relative seq/ack, lengths and flags on crafted and recorded captures, its
# analysis column summed against each record's counters, -w exports read
# back (by tcpscope and tshark, port reuse respected, pcapng kept), 4-tuple
# selection and --where's two passes (tests/timeline.py says how), then the
# command-line rules of the drill-down options.
#
# Environment (set by make check): TCPSCOPE, TOP_SRCDIR.  Exit: 0 pass,
# 1 fail, 77 skip (tshark or python3 missing).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u

TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TCPSCOPE=${TCPSCOPE:-$TOP_SRCDIR/tcpscope}
for t in tshark python3; do
    command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not found"; exit 77; }
done
DEMO=$TOP_SRCDIR/test-captures/real/demo.pcap
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
passes=0

# expect STATUS MESSAGE-PART -- ARGS...: the exit status and one line naming the problem
expect() {
    local want=$1 part=$2
    shift 3
    "$TCPSCOPE" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    local got=$?
    if [ "$got" -ne "$want" ] || ! grep -q -- "$part" "$TMP/err"; then
        echo "FAIL: tcpscope $* exited $got (want $want), stderr: $(head -1 "$TMP/err")"
        fails=$((fails + 1))
    else
        passes=$((passes + 1))
    fi
}

expect 2 "-w needs a selection" -- -r "$DEMO" -w "$TMP/x.pcap"
expect 2 "--timeline needs a selection" -- -r "$DEMO" --timeline
expect 2 "--timeline needs -F text or -F json" -- -r "$DEMO" --conn 1 --timeline -F csv
expect 2 "cannot read '0'" -- -r "$DEMO" --conn 0
expect 2 "cannot read '5-3'" -- -r "$DEMO" --conn 5-3
expect 2 "cannot read '10.0.0.1:1-10.0.0.2'" -- -r "$DEMO" --conn 10.0.0.1:1-10.0.0.2
expect 2 "cannot read '10.0.0.1:1-\[::1\]:2'" -- -r "$DEMO" --conn '10.0.0.1:1-[::1]:2'
expect 2 "empty item" -- -r "$DEMO" --conn 1,,2
expect 2 "unknown field" -- -r "$DEMO" --where 'prot:7'
expect 2 "reads the input twice" -- -r - --where 'retx>0' --timeline
expect 2 "the same file as -o" -- -r "$DEMO" --conn 1 -w "$TMP/same" -o "$TMP/same"
expect 2 "refusing to write the export over the input" -- -r "$DEMO" --conn 1 -w "$DEMO"

# stdin: --conn is known at a connection's first packet, so one pass will do
"$TCPSCOPE" -r - --conn 2 --timeline -F json <"$DEMO" >"$TMP/stdin.json" &&
    "$TCPSCOPE" -r "$DEMO" --conn 2 --timeline -F json >"$TMP/file.json" &&
    cmp -s "$TMP/stdin.json" "$TMP/file.json" && grep -q '"type":"packet"' "$TMP/file.json" &&
    passes=$((passes + 1)) || { echo "FAIL: --conn from stdin differs from the file's"; fails=$((fails + 1)); }

# a selection filters the report, the summary still counts every connection
n=$("$TCPSCOPE" -r "$DEMO" --conn 3,7-8 -F json | python3 -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
ids = sorted(r["id"] for r in recs if r["type"] == "conn")
s = [r for r in recs if r["type"] == "summary"][0]
print(ids, s["connections"])')
all=$("$TCPSCOPE" -r "$DEMO" -F json | grep -c '"type":"conn"')
if [ "$n" = "[3, 7, 8] $all" ]; then passes=$((passes + 1)); else
    echo "FAIL: --conn 3,7-8 wrote $n (want [3, 7, 8] $all)"; fails=$((fails + 1)); fi

# --where matching nothing: two passes, and nothing written but the summary
out=$("$TCPSCOPE" -r "$DEMO" --where 'port=1' --timeline -w "$TMP/none.pcap" -F json | grep -c -v '"type":"summary"')
if [ "$out" = 0 ] && [ "$(tshark -r "$TMP/none.pcap" 2>/dev/null | wc -l)" = 0 ]; then passes=$((passes + 1)); else
    echo "FAIL: --where matching nothing wrote $out lines, or its export is not an empty capture"; fails=$((fails + 1)); fi

# live: --conn selects at a connection's first packet, so the timeline and
# the export work on an interface too (loopback of a network namespace of
# our own: two connections to 127.0.0.1:5555, the first selected)
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
    cat >"$TMP/live.sh" <<LIVE
ip link set lo up
"$TCPSCOPE" -i lo --no-tui --conn 1 --timeline -F json -w "$TMP/live.pcap" >"$TMP/live.json" 2>"$TMP/live.err" &
pid=\$!
# capturing once its packet socket is open (this namespace's /proc/net/packet)
for i in \$(seq 50); do [ "\$(wc -l </proc/net/packet)" -gt 1 ] && break; sleep 0.1; done
sleep 0.3
python3 - <<'PY'
import socket
srv = socket.socket(); srv.bind(("127.0.0.1", 5555)); srv.listen()
for i in range(2):
    s = socket.create_connection(("127.0.0.1", 5555)); c, _ = srv.accept()
    s.sendall(b"hello"); c.sendall(c.recv(100) * 10); s.recv(1000)
    c.close(); s.recv(10); s.close()
PY
sleep 0.2
kill -INT \$pid
wait \$pid
LIVE
    unshare -n bash "$TMP/live.sh"
    # the packets of connection 1 (only), as many as its record counts and the export holds
    got=$(python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
pk = [r for r in recs if r["type"] == "packet"]
conn = [r["c2s"]["packets"] + r["s2c"]["packets"] for r in recs if r["type"] == "conn"]
summ = [r["connections"] for r in recs if r["type"] == "summary"]
print(sorted({p["conn"] for p in pk}), len(pk), conn, summ)' "$TMP/live.json")
    frames=$(tshark -r "$TMP/live.pcap" 2>/dev/null | wc -l)
    if [ "$got" = "[1] $frames [$frames] [2]" ] && [ "$frames" -ge 8 ]; then passes=$((passes + 1)); else
        echo "FAIL: live --conn 1: $got (want [1] N [N] [2]), $frames frames exported; $(head -2 "$TMP/live.err")"
        fails=$((fails + 1)); fi
else
    echo "skip: live check (needs root and unshare -n)"
fi

python3 "$TOP_SRCDIR/tests/timeline.py" "$TCPSCOPE" "$TOP_SRCDIR" || fails=$((fails + 1))
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
