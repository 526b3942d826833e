#!/usr/bin/env bash
# live_stream.sh - a live capture streams: each record comes down the pipe
# as its connection closes, the records equal those of the same packets read
# from a file, --duration and -c end a capture cleanly, and kernel drops are
# loud.
#
# Two namespaces joined by a veth pair (10.198.0.1 client, 10.198.0.2 server,
# http.server on :8000).  tcpdump and "tcpscope -i -F json" capture the same
# veth (nanosecond timestamps both); tcpscope's stdout is a FIFO read line by line by a script that
# stamps each line with its arrival time.  Connections: 4 GETs closed by FIN
# (client ports 41101-41104), one refused by RST (41105, port 9) and one
# aborted by the client with SO_LINGER 0 (41106), 0.6 s apart; the time each
# one's client finished is written down.  Asserts: each record arrived at
# most 2 s after its client finished, and before the SIGINT; the final
# report has all 6 and a summary with late_packets; the records equal, field
# for field, those of "tcpscope -r" on tcpdump's file of the same packets
# (times within the microseconds two packet sockets' stamps differ by).
# Then: --duration 2 stops by itself after about 2 s with a full report; -c 3
# stops after 3 frames; with -B 64 and tcpscope stopped (SIGSTOP) while 20 MB
# go by, the kernel drops packets: a warning on stderr that names the count
# and -B, the summary's pcap.dropped > 0, and the download's record says its
# capture is incomplete.
#
# Needs root, ip netns, python3, curl, tcpdump.  Exit: 0 pass, 1 fail, 77 skip.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u

TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TCPSCOPE=${TCPSCOPE:-$TOP_SRCDIR/tcpscope}

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; [ -s "${ERR:-/dev/null}" ] && sed 's/^/  tcpscope stderr: /' "$ERR"; exit 1; }
. "$TOP_SRCDIR/tests/netns_lib.sh"
command -v tcpdump >/dev/null 2>&1 || skip "tcpdump not found"

netns_setup 10.198.0
ERR=$WORK/err.txt
mkdir -p "$WORK/www"
printf 'a small page\n%.0s' $(seq 100) > "$WORK/www/index.html"
head -c 20000000 /dev/zero > "$WORK/www/big"
netns_http_server
now() { date +%s.%N; }

# ---- 1. records stream, and equal the file analysis of the same packets ----
ip netns exec "$NSC" tcpdump -i "$VC" --time-stamp-precision=nano -U -w "$WORK/same.pcap" tcp 2>/dev/null &
DUMP_PID=$!; CLEANUP_PIDS=$DUMP_PID
netns_wait_capturing "$DUMP_PID" 1
mkfifo "$WORK/pipe"
python3 -u -c '
import sys, time
for line in sys.stdin:
    sys.stdout.write("%.6f %s" % (time.time(), line))' < "$WORK/pipe" > "$WORK/stamped" &
STAMP_PID=$!
ip netns exec "$NSC" "$TCPSCOPE" -i "$VC" -F json tcp > "$WORK/pipe" 2>"$ERR" &
SCOPE_PID=$!; CLEANUP_PIDS="$DUMP_PID $SCOPE_PID $STAMP_PID"
netns_wait_capturing "$SCOPE_PID" 2

for port in 41101 41102 41103 41104; do
    ip netns exec "$NSC" curl -s -o /dev/null --max-time 3 --local-port "$port" \
        http://10.198.0.2:8000/ || fail "curl from port $port failed"
    echo "$port $(now)" >> "$WORK/ends"
    sleep 0.6
done
ip netns exec "$NSC" curl -s -o /dev/null --max-time 3 --local-port 41105 http://10.198.0.2:9/ &&
    fail "port 9 accepted a connection"
echo "41105 $(now)" >> "$WORK/ends"
sleep 0.6
ip netns exec "$NSC" python3 -c '
import socket, struct
s = socket.socket()
s.bind(("10.198.0.1", 41106))
s.connect(("10.198.0.2", 8000))
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
s.recv(100)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()' || fail "the aborting client failed"
echo "41106 $(now)" >> "$WORK/ends"
sleep 2.5
SIGINT_AT=$(now)
netns_stop "$SCOPE_PID"
[ "$rc" = 0 ] || fail "tcpscope exited $rc after SIGINT (expected 0)"
wait "$STAMP_PID"
kill -INT "$DUMP_PID"; wait "$DUMP_PID"; CLEANUP_PIDS=
"$TCPSCOPE" -r "$WORK/same.pcap" -F json > "$WORK/file.json" 2>>"$ERR" || fail "tcpscope -r on tcpdump's file failed"

python3 - "$WORK/stamped" "$WORK/ends" "$SIGINT_AT" "$WORK/file.json" <<'PY' || fail "live records (see above)"
import json, sys
lines = [l.split(" ", 1) for l in open(sys.argv[1])]
ends = {int(p): float(t) for p, t in (l.split() for l in open(sys.argv[2]))}
sigint_at = float(sys.argv[3])
# Two packet sockets stamp the same packet a few microseconds apart: times
# (seconds) and durations (ms) may differ that much, nothing else may.
def close_enough(a, b, path):
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b)):
        return False
    if path.endswith(("ts_first", "ts_last", "duration", "zero_window_time")):
        return abs(a - b) <= 0.0005
    return "_ms" in path and abs(a - b) <= 0.5
def differences(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in differences(a.get(k), b.get(k), path + "." + k)]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for x, y in zip(a, b) for d in differences(x, y, path)]
    return [] if a == b or close_enough(a, b, path) else ["%s live %r file %r" % (path, a, b)]
file_recs = {r["client"]["port"]: r for r in map(json.loads, open(sys.argv[4])) if r["type"] == "conn"}
errors, conns, summary = [], {}, None
for t, line in lines:
    r = json.loads(line)
    if r["type"] == "conn":
        conns[r["client"]["port"]] = (float(t), r)
    elif r["type"] == "summary":
        summary = r
for port, end in sorted(ends.items()):
    if port not in conns:
        errors.append("no record for client port %d" % port)
        continue
    at, r = conns[port]
    delay = at - end
    print("  client port %d: %-6s record %+.3f s after its client finished" % (port, r["end_reason"], delay))
    if delay > 2.0:
        errors.append("client port %d: record came %.3f s after the close (at most 2 s)" % (port, delay))
    if at >= sigint_at:
        errors.append("client port %d: record only after the SIGINT" % port)
    diff = differences(r, file_recs.get(port))
    if diff:
        errors.append("client port %d: live record differs from the file's: %s" % (port, "; ".join(diff[:8])))
want = {41101: "closed", 41102: "closed", 41103: "closed", 41104: "closed", 41105: "reset", 41106: "reset"}
for port, reason in want.items():
    if port in conns and conns[port][1]["end_reason"] != reason:
        errors.append("client port %d: end_reason %s, expected %s" % (port, conns[port][1]["end_reason"], reason))
if set(conns) != set(want):
    errors.append("connections %s, expected %s" % (sorted(conns), sorted(want)))
if summary is None:
    errors.append("no summary")
elif summary.get("connections") != 6 or "late_packets" not in summary:
    errors.append("summary: connections %r, late_packets %r" % (summary.get("connections"), summary.get("late_packets")))
for e in errors:
    print("  " + e)
sys.exit(1 if errors else 0)
PY
echo "ok   records streamed within 2 s of each close, equal to the file analysis"

# ---- 2. --duration and -c end a live capture by themselves ----
start=$(now)
ip netns exec "$NSC" "$TCPSCOPE" -i "$VC" --duration 2 -F json -o "$WORK/duration.json" 2>"$ERR"
rc=$?; took=$(python3 -c "print(round($(now) - $start, 2))")
[ "$rc" = 0 ] || fail "--duration 2 exited $rc"
python3 -c "import sys; sys.exit(not 1.8 <= $took <= 4.0)" || fail "--duration 2 took $took s"
tail -n 1 "$WORK/duration.json" | grep -q '"type":"summary"' || fail "--duration 2 wrote no summary"
echo "ok   --duration 2 stopped after $took s with its summary"

ip netns exec "$NSC" "$TCPSCOPE" -i "$VC" -c 3 -F json -o "$WORK/count.json" tcp 2>"$ERR" &
SCOPE_PID=$!; CLEANUP_PIDS=$SCOPE_PID
netns_wait_capturing "$SCOPE_PID"
ip netns exec "$NSC" curl -s -o /dev/null --max-time 3 http://10.198.0.2:8000/
for _ in $(seq 30); do kill -0 "$SCOPE_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SCOPE_PID" 2>/dev/null && fail "-c 3 still running after its connection"
wait "$SCOPE_PID"; rc=$?; CLEANUP_PIDS=
[ "$rc" = 0 ] || fail "-c 3 exited $rc"
tail -n 1 "$WORK/count.json" | grep -q '"frames":3,' || fail "-c 3: summary does not say 3 frames"
echo "ok   -c 3 stopped after 3 frames with its summary"

# ---- 3. drops are loud ----
ip netns exec "$NSC" "$TCPSCOPE" -i "$VC" -B 64 -F json -o "$WORK/drops.json" tcp 2>"$ERR" &
SCOPE_PID=$!; CLEANUP_PIDS=$SCOPE_PID
netns_wait_capturing "$SCOPE_PID"
kill -STOP "$SCOPE_PID"
ip netns exec "$NSC" curl -s -o /dev/null --max-time 10 --local-port 41120 http://10.198.0.2:8000/big ||
    { kill -CONT "$SCOPE_PID"; fail "the 20 MB download failed"; }
kill -CONT "$SCOPE_PID"
sleep 1
netns_stop "$SCOPE_PID"; CLEANUP_PIDS=
[ "$rc" = 0 ] || fail "tcpscope -B 64 exited $rc"
sed 's/^/  stderr: /' "$ERR"
grep -q 'warning: the kernel dropped [0-9]* packets.*-B' "$ERR" || fail "no drop warning on stderr"
python3 - "$WORK/drops.json" <<'PY' || fail "drops (see above)"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
s = recs[-1]
big = [r for r in recs if r["type"] == "conn" and r["client"]["port"] == 41120]
errors = []
if s["type"] != "summary" or s["pcap"]["dropped"] <= 0:
    errors.append("summary pcap %r: no drops counted" % s.get("pcap"))
if len(big) != 1 or not any(d.startswith("capture incomplete: the kernel dropped") for d in big[0]["diagnoses"]):
    errors.append("the download's record does not say its capture is incomplete: %r"
                  % [r["diagnoses"] for r in big])
for e in errors:
    print("  " + e)
sys.exit(1 if errors else 0)
PY
echo "ok   drops: warned on stderr, counted, and named in the record's diagnoses"
echo PASS
