#!/usr/bin/env bash
# progress_tmux.sh - the progress line (issue 14 item 7) in a real terminal
# (tmux): tcpscope reads a 22.4 MB capture of 200,000 half-open connections
# (tests/gen_flood halfopen) with stderr on the terminal and the report in a
# file. The process is throttled by hand for its first forty slices (SIGSTOP
# 0.27 s, SIGCONT 0.01 s, so that a read of a tenth of a second, as a
# mapped file on a quiet machine takes, spans several redraws) and the pane
# is read while it is stopped; then it runs to its end (-c 150000 frames: three quarters of the
# file, so that a slow sanitizer build is done soon too):
#   - a line "tcpscope: P% of 33.6 MB, R packets/s, C connections, T left"
#     appears, on one row, rewritten in place (never more than one such row),
#     P never goes back, the size is the file's (stat, in SI units), and C
#     is at most what the bytes read so far can hold (P+1% of 200,000: the
#     tracker never runs ahead of the reader);
#   - after the end the line is gone (cleared) and the exit status is 0;
#   - with stderr a file (-c 60000, throttled at first, so that the read
#     lasts past the time of the first redraw), stderr stays empty.
# Needs tmux.  Exit: 0 pass, 1 fail, 77 skip.  About 10 s.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TCPSCOPE=${TCPSCOPE:-$TOP_SRCDIR/tcpscope}
GEN_FLOOD=${GEN_FLOOD:-$(dirname "$TCPSCOPE")/tests/gen_flood}
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
command -v tmux >/dev/null 2>&1 || skip "tmux not found"
command -v python3 >/dev/null 2>&1 || skip "python3 not found"
[ -x "$TCPSCOPE" ] || fail "tcpscope binary not found at $TCPSCOPE"
[ -x "$GEN_FLOOD" ] || fail "gen_flood not found at $GEN_FLOOD"
for l in C.UTF-8 C.utf8 en_US.UTF-8; do
    if locale -a 2>/dev/null | grep -qix "$l"; then export LC_ALL=$l; break; fi
done

WORK=$(mktemp -d /tmp/tsprog.XXXXXX) || fail "mktemp failed"
SOCK=tsprog$$
PID=
cleanup() {
    [ -n "$PID" ] && kill -CONT "$PID" 2>/dev/null && kill "$PID" 2>/dev/null
    tmux -L "$SOCK" kill-server 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
N=200000
"$GEN_FLOOD" halfopen $N >"$WORK/big.pcap" || fail "gen_flood failed"
size=$(stat -c %s "$WORK/big.pcap")
want_size=$(python3 -c "v = $size / 1e6; print(('%.0f' if v >= 100 else '%.1f' if v >= 10 else '%.2f') % v + ' MB')")

# throttle PIDFILE PANE|- CYCLES: stop and continue the process (for 0.01 s
# at a time) until it exits (at most CYCLES times), reading the pane (if
# any) while stopped
throttle() {
    local pidfile=$1 pane=$2 cycles=$3
    for _ in $(seq 200); do [ -s "$pidfile" ] && break; sleep 0.01; done
    PID=$(cat "$pidfile") || fail "no pid"
    for _ in $(seq "$cycles"); do
        kill -STOP "$PID" 2>/dev/null || break
        sleep 0.27
        [ "$pane" != - ] && tmux -L "$SOCK" capture-pane -p -t "$pane" >>"$WORK/screens"
        [ "$pane" != - ] && echo "=====" >>"$WORK/screens"
        kill -CONT "$PID" 2>/dev/null || break
        sleep 0.01
    done
    PID=
}

# 1. stderr on the terminal, the report in a file
tmux -L "$SOCK" -f /dev/null new-session -d -s prog -x 100 -y 10 \
    "bash -c 'echo \$\$ >$WORK/pid; exec \"$TCPSCOPE\" -r $WORK/big.pcap -c 150000 -F json -o $WORK/out.json'; echo EXIT=\$?; sleep 60" ||
    fail "tmux did not start"
throttle "$WORK/pid" prog 40
for _ in $(seq 50); do
    tmux -L "$SOCK" capture-pane -p -t prog | grep -q '^EXIT=' && break
    sleep 0.2
done
final=$(tmux -L "$SOCK" capture-pane -p -t prog)
python3 - "$WORK/screens" "$want_size" "$N" <<'PY' || fail "progress lines not as they should be"
import re, sys
screens = open(sys.argv[1]).read().split("=====\n")
want_size, n = sys.argv[2], int(sys.argv[3])
pat = re.compile(r"^tcpscope: (\d+)% of ([\d.]+ [kMG]?B), ([\d.]+[kM]?) packets/s, (\d+) connections(, .+ left)?$")
seen, last = 0, -1
for s in screens:
    rows = [r for r in s.splitlines() if r.startswith("tcpscope:")]
    if not rows:
        continue
    if len(rows) > 1:
        sys.exit("more than one progress row on the screen: %r" % rows)
    m = pat.match(rows[0].rstrip())
    if not m:
        sys.exit("not a progress line: %r" % rows[0])
    pct, size, conns = int(m.group(1)), m.group(2), int(m.group(4))
    if size != want_size:
        sys.exit("size %s, the file is %s" % (size, want_size))
    if pct < last or pct > 100:
        sys.exit("percent went from %d to %d" % (last, pct))
    if conns > (pct + 1) * n // 100 + 1:
        sys.exit("%d connections at %d%% of a file of %d" % (conns, pct, n))
    last, seen = pct, seen + 1
if seen < 2:
    sys.exit("%d progress lines seen, want at least 2" % seen)
print("progress: %d redraws seen, last at %d%%" % (seen, last))
PY
[ $? = 0 ] || exit 1
grep -q '^EXIT=0' <<<"$final" || fail "exit status: $(grep EXIT= <<<"$final")"
grep -q 'tcpscope:' <<<"$final" && fail "the progress line was not cleared: $final"
grep -q '"type":"summary"' "$WORK/out.json" || fail "no summary in the report"

# 2. stderr a file: nothing at all
: >"$WORK/pid2"
bash -c "echo \$\$ >$WORK/pid2; exec \"$TCPSCOPE\" -r $WORK/big.pcap -c 60000 -F json -o $WORK/out2.json 2>$WORK/stderr" &
bgpid=$!
throttle "$WORK/pid2" - 20
wait "$bgpid" || fail "tcpscope with stderr in a file: exit $?"
[ -s "$WORK/stderr" ] && fail "stderr is a file, yet: $(head -c 200 "$WORK/stderr")"
echo "PASS: progress line drawn in place on a terminal, cleared at the end, absent when stderr is a file"
