#!/bin/sh
# pipes.sh - where the report goes away or cannot be written. A reader that
# leaves (tcpscope ... | head -1) stops tcpscope at once, quietly, with exit
# 0, as grep does: even on an endless input it must not read on. A real
# write error (a full device) exits 1 with one line naming its cause.
# The endless input is written here (python3 struct): short connections of
# raw IPv4 (LINKTYPE_RAW), 1 ms apart, each SYN, SYN-ACK, ACK with 100 bytes,
# RST, from a new client port each time.
set -u
: "${TCPSCOPE:?}"
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

fail() { echo "FAIL $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

cat > "$T/endless.py" <<'PY'
import struct, sys
def pkt(src, dst, sp, dp, seq, ack, flags, payload=b''):
    tcph = struct.pack('>HHIIBBHHH', sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 40 + len(payload), 1, 0x4000, 64, 6, 0, src, dst)
    return ip + tcph + payload
out = sys.stdout.buffer
out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
s = bytes([10, 0, 0, 2])
n = int(sys.argv[1]) if len(sys.argv) > 1 else -1
i = 0
while i != n:
    c = bytes([10, 1, (i >> 16) & 255, (i >> 8) & 255])
    sp = 1024 + i % 60000
    us = i * 1000
    frames = [pkt(c, s, sp, 80, 100, 0, 0x02), pkt(s, c, 80, sp, 500, 101, 0x12),
              pkt(c, s, sp, 80, 101, 501, 0x18, b'x' * 100), pkt(c, s, sp, 80, 201, 501, 0x14)]
    buf = b''
    for k, fr in enumerate(frames):
        t = us + k * 100
        buf += struct.pack('<IIII', 1700000000 + t // 1000000, t % 1000000, len(fr), len(fr)) + fr
    out.write(buf)
    i += 1
PY

# A reader that leaves: an endless capture on stdin, the report into head -1.
# --time-wait 1: records leave the table 1 s (1000 connections) after their
# RST, so the report keeps growing past the pipe's buffer.
run_into_head() { # run_into_head NAME TCPSCOPE-ARGS...
	name=$1
	shift
	start=$(date +%s)
	{ python3 "$T/endless.py" 2>/dev/null | timeout 30 "$TCPSCOPE" -r - --time-wait 1 "$@" 2>"$T/err"
	  echo $? >"$T/status"; } | head -1 >"$T/first"
	took=$(($(date +%s) - start))
	st=$(cat "$T/status")
	if [ "$st" = 124 ]; then
		fail "$name: still reading an endless input after 30 s"
	elif [ "$st" != 0 ]; then
		fail "$name: exit $st, expected 0"
	elif [ -s "$T/err" ]; then
		fail "$name: wrote to stderr:"; sed 's/^/    /' "$T/err"
	elif [ ! -s "$T/first" ]; then
		fail "$name: head got nothing"
	elif [ "$took" -gt 5 ]; then
		fail "$name: took $took s to stop"
	else
		ok "$name: exit 0, quiet, stopped within $took s"
	fi
}
run_into_head "endless text into head -1"
run_into_head "endless json with events into head -1" -F json --events
run_into_head "endless csv into head -1" -F csv

# A file read to its end, a report bigger than the pipe holds.
python3 "$T/endless.py" 3000 >"$T/big.pcap"
{ "$TCPSCOPE" -r "$T/big.pcap" --time-wait 1 -F json --events 2>"$T/err"; echo $? >"$T/status"; } | head -1 >/dev/null
st=$(cat "$T/status")
if [ "$st" = 0 ] && [ ! -s "$T/err" ]; then ok "file into head -1: exit 0, quiet"; else
	fail "file into head -1: exit $st"; sed 's/^/    /' "$T/err"; fi

# A reader that is gone before anything is written: still quiet.
{ "$TCPSCOPE" -r "$T/big.pcap" 2>"$T/err"; echo $? >"$T/status"; } | true
st=$(cat "$T/status")
if [ "$st" = 0 ] && [ ! -s "$T/err" ]; then ok "reader gone at once: exit 0, quiet"; else
	fail "reader gone at once: exit $st"; sed 's/^/    /' "$T/err"; fi

# A full device: exit 1, one line with the file and the cause.
if [ -w /dev/full ]; then
	full_check() { # full_check NAME EXPECTED-LINE
		st=$(cat "$T/status")
		if [ "$st" != 1 ]; then fail "$1: exit $st, expected 1"
		elif [ "$(wc -l <"$T/err")" != 1 ] || [ "$(cat "$T/err")" != "$2" ]; then
			fail "$1: stderr is not the one line '$2':"; sed 's/^/    /' "$T/err"
		else ok "$1: exit 1, '$2'"; fi
	}
	"$TCPSCOPE" -r "$T/big.pcap" -o /dev/full 2>"$T/err"; echo $? >"$T/status"
	full_check "-o /dev/full" "tcpscope: /dev/full: No space left on device"
	"$TCPSCOPE" -r "$T/big.pcap" -F json >/dev/full 2>"$T/err"; echo $? >"$T/status"
	full_check "stdout on /dev/full" "tcpscope: stdout: No space left on device"
	# a report small enough to fail only when the stream is closed
	head -c $((24 + 4 * 16 + 3 * 40 + 140)) "$T/big.pcap" >"$T/one.pcap"
	"$TCPSCOPE" -r "$T/one.pcap" -F csv -o /dev/full 2>"$T/err"; echo $? >"$T/status"
	full_check "small report, -o /dev/full" "tcpscope: /dev/full: No space left on device"
else
	echo "skip /dev/full: not writable here"
fi

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
