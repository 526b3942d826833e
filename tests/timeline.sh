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

python3 "$TOP_SRCDIR/tests/timeline.py" "$TCPSCOPE" "$TOP_SRCDIR" || fails=$((fails + 1))
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
