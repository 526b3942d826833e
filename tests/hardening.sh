#!/bin/sh
# hardening.sh - issue 13's promises, each from an input made here:
#   stop signals: SIGINT/SIGTERM on an idle pipe end the run within a second
#     with a full report that says it was interrupted; a second signal while
#     the report is being written (here: blocked on a full pipe) ends it at
#     once with 130/143;
#   the report never overwrites an input (-o is the same file as a -r);
#   timestamps past 2038 (unsigned 32-bit pcap seconds) and a single frame
#     stamped far ahead (a clock fault: counted, not taken as time passing);
#   memory bounds under the reassembly and half-open floods (tests/gen_flood.c);
#   hostile names (bidi controls escaped), an ALPN name holding a comma;
#   pcapng with interfaces of different link types.
# Write errors naming their cause (-o /dev/full) are tests/pipes.sh's.
set -u
: "${TCPSCOPE:?}"
: "${GEN_FLOOD:?}"
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

fail() { echo "FAIL $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }
expect_grep() { # expect_grep DESCRIPTION PATTERN FILE
	if grep -q -- "$2" "$3"; then ok "$1"; else
		fail "$1: no '$2' in:"; sed 's/^/    /' "$3" | head -20; fi
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

"$GEN_FLOOD" clockfault > "$T/cf.pcap"
"$GEN_FLOOD" y2040 > "$T/y2040.pcap"

# ---- 4. never overwrite an input ----
cp "$T/cf.pcap" "$T/in.pcap"
cp "$T/in.pcap" "$T/in.orig"
ln "$T/in.pcap" "$T/hardlink.pcap"
ln -s "$T/in.pcap" "$T/symlink.pcap"
for out in "$T/in.pcap" "$T/hardlink.pcap" "$T/symlink.pcap" "$T/../$(basename "$T")/in.pcap"; do
	"$TCPSCOPE" -r "$T/y2040.pcap" -r "$T/in.pcap" -o "$out" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 2 ] && ok "-o $out over an input: exit 2" || fail "-o $out over an input: exit $rc"
	[ "$(wc -l < "$T/err")" = 1 ] && expect_grep "-o over an input: one line" "refusing to write the report over the input" "$T/err" ||
		fail "-o over an input: not one line: $(cat "$T/err")"
	cmp -s "$T/in.pcap" "$T/in.orig" && ok "the input is untouched" || fail "the input was overwritten"
done
"$TCPSCOPE" -r - -o "$T/in.pcap" < "$T/in.pcap" >/dev/null 2>"$T/err"
[ $? = 2 ] && ok "-o over stdin's file: exit 2" || fail "-o over stdin's file"
"$TCPSCOPE" -r "$T/in.pcap" --summary "$T/hardlink.pcap" >/dev/null 2>"$T/err"
[ $? = 2 ] && ok "--summary over an input: exit 2" || fail "--summary over an input"
expect_grep "--summary over an input: says so" "refusing to write the summary over the input" "$T/err"
cmp -s "$T/in.pcap" "$T/in.orig" || fail "stdin's file was overwritten"
"$TCPSCOPE" -r "$T/in.pcap" -o "$T/report.txt" >/dev/null 2>&1 && [ -s "$T/report.txt" ] &&
	ok "-o elsewhere still writes" || fail "-o elsewhere"

# ---- 5. time after 2038, clock faults ----
"$TCPSCOPE" -r "$T/y2040.pcap" > "$T/out" 2>&1
expect_grep "2040 read as 2040" "time: 2040-01-01 00:00:00.000000000 to 2040-01-01" "$T/out"
"$TCPSCOPE" -r "$T/y2040.pcap" -F json > "$T/out" 2>&1
expect_grep "2040 in JSON" '"ts_first":2208988800.000000000' "$T/out"
"$TCPSCOPE" -r "$T/cf.pcap" -F json > "$T/out" 2>&1
expect_grep "a clock fault is counted" '"clock_faults":1' "$T/out"
expect_grep "a clock fault does not expire the open connection" '"connections":2,"end_reasons":{"closed":2,"reset":0,"timeout":0' "$T/out"
expect_grep "a clock fault does not move the capture's end" '"ts_last":1700000003.300000000' "$T/out"
"$TCPSCOPE" -r "$T/cf.pcap" > "$T/out" 2>&1
expect_grep "clock faults in text" "^clock_faults=1 " "$T/out"
"$TCPSCOPE" -r "$T/cf.pcap" -F csv --summary "$T/sum.json" > "$T/out" 2>&1
expect_grep "clock faults in --summary" '"clock_faults":1' "$T/sum.json"
# two files a week apart, merged: a real gap, trusted once the second frame confirms it
python3 - "$T/y2040.pcap" "$T/week.pcap" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
off = 24
while off < len(d):
    sec, usec, cap, ln = struct.unpack_from('<IIII', d, off)
    struct.pack_into('<I', d, off, sec + 7 * 86400)
    off += 16 + cap
open(sys.argv[2], 'wb').write(d)
PY
"$TCPSCOPE" -r "$T/y2040.pcap" -r "$T/week.pcap" -F json > "$T/out" 2>&1
expect_grep "a gap a week long is time passing" '"ts_last":2209593600.950000000.*"connections":2,"end_reasons":{"closed":2,' "$T/out"
grep -q clock_faults "$T/out" && fail "a gap a week long counted as a clock fault" || ok "a gap is no clock fault"

# ---- 1, 2. memory bounds under floods (peak RSS from GNU time; the large figures are bench/floods.sh's) ----
rss_kb() { # rss_kb FILE: peak RSS in KiB that /usr/bin/time -f %M wrote last in FILE (0 under ASan)
	if [ -n "$asan" ]; then echo 0; else tail -1 "$1"; fi
}
# AddressSanitizer's shadow memory and quarantine make RSS meaningless: the
# limits are checked in ordinary builds only (the floods still run).
asan=$(ldd "$TCPSCOPE" 2>/dev/null | grep -o libasan | head -1)
[ -n "$asan" ] && echo "note: sanitizer build, peak RSS limits not checked"
if [ -x /usr/bin/time ]; then
	"$GEN_FLOOD" reasm 50000 > "$T/rf.pcap"
	/usr/bin/time -f %M -o "$T/rss" "$TCPSCOPE" -r "$T/rf.pcap" --max-flows 10000 -F json > "$T/out" 2>"$T/err"
	kb=$(rss_kb "$T/rss")
	[ "$kb" -lt 60000 ] && ok "reassembly flood (50k connections, gap 24,000): $kb KiB" ||
		fail "reassembly flood: peak RSS $kb KiB (was ~150,000 before the bound)"
	expect_grep "reassembly flood: every connection reported" '"connections":50000' "$T/out"
	"$GEN_FLOOD" reasm 50000 8000 > "$T/rf8k.pcap"
	/usr/bin/time -f %M -o "$T/rss" "$TCPSCOPE" -r "$T/rf8k.pcap" --max-flows 10000 --reassembly-budget 4 \
		-F json > "$T/out" 2>"$T/err"
	kb=$(rss_kb "$T/rss")
	[ "$kb" -lt 60000 ] && ok "reassembly flood inside REASM_AHEAD, budget 4 MiB: $kb KiB" ||
		fail "reassembly flood, budget 4 MiB: peak RSS $kb KiB"
	expect_grep "reassembly over budget counted" '"reassembly_over_budget":[1-9]' "$T/out"
	"$TCPSCOPE" -r "$T/rf8k.pcap" --max-flows 10000 --reassembly-budget 4 > "$T/out" 2>&1
	expect_grep "reassembly over budget in text" "^reassembly_over_budget=[1-9].*budget of 4 MiB" "$T/out"
	"$TCPSCOPE" -r "$T/rf8k.pcap" --reassembly-budget 1x >/dev/null 2>&1
	[ $? = 2 ] && ok "--reassembly-budget 1x: exit 2" || fail "--reassembly-budget 1x accepted"

	"$GEN_FLOOD" halfopen 50000 > "$T/ho.pcap"
	/usr/bin/time -f %M -o "$T/rss" "$TCPSCOPE" -r "$T/ho.pcap" --max-flows 1000 -F json > "$T/out" 2>"$T/err"
	kb=$(rss_kb "$T/rss")
	[ "$kb" -lt 30000 ] && ok "half-open flood (50k servers): $kb KiB" || fail "half-open flood: peak RSS $kb KiB"
	tail -1 "$T/out" > "$T/summary"
	size=$(wc -c < "$T/summary")
	[ "$size" -lt 30000 ] && ok "half-open flood: summary of $size bytes" || fail "half-open flood: summary of $size bytes"
	python3 - "$T/summary" <<'PY' && ok "half-open flood: top 100 listed, the rest counted" || fail "half-open flood: summary"
import json, sys
s = json.load(open(sys.argv[1]))
assert len(s["syn_flood"]) == 100, len(s["syn_flood"])
o = s["syn_flood_omitted"]
assert o["servers"] >= 50000 - 100, o
assert o["half_open"] + sum(h["half_open"] for h in s["syn_flood"]) == 50000, o
PY
	"$TCPSCOPE" -r "$T/ho.pcap" --max-flows 1000 -F csv > /dev/null 2>"$T/err"
	lines=$(grep -c '^half-open:' "$T/err")
	[ "$lines" -le 101 ] && ok "half-open flood, CSV: $lines half-open lines in the summary" ||
		fail "half-open flood, CSV: $lines half-open lines"
else
	echo "skip the flood RSS checks: /usr/bin/time (GNU time) not installed"
fi

# ---- 3. stop signals ----
# SIG to tcpscope reading a FIFO whose writer sent HEADER_BYTES then nothing
idle_stop() { # idle_stop NAME SIGNAL WITH_HEADER FORMAT
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	python3 -c "
import struct, sys, time
if sys.argv[1] == '1':
    sys.stdout.buffer.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
    sys.stdout.flush()
time.sleep(30)" "$3" > "$T/fifo" &
	writer=$!
	"$TCPSCOPE" -r "$T/fifo" -F "$4" > "$T/sig.out" 2> "$T/sig.err" &
	pid=$!
	sleep 0.5
	t0=$(now_ms)
	kill -"$2" "$pid"
	# wait at most 3 s, then report failure and clean up
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.01; i=$((i + 1)); done
	t1=$(now_ms)
	if kill -0 "$pid" 2>/dev/null; then
		fail "$1: still running 3 s after SIG$2"
		kill -9 "$pid"
	fi
	wait "$pid"
	rc=$?
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
	elapsed=$((t1 - t0))
	[ $elapsed -lt 1000 ] && ok "$1: ended $elapsed ms after SIG$2" || fail "$1: took $elapsed ms"
	[ $rc = 0 ] && ok "$1: exit 0" || fail "$1: exit $rc"
	[ "$4" != csv ] && [ -s "$T/sig.err" ] && fail "$1: stderr: $(cat "$T/sig.err")"
}
idle_stop "idle FIFO, header sent" INT 1 json
expect_grep "interrupted run says so (JSON)" '"interrupted":true' "$T/sig.out"
expect_grep "the summary is complete" '"type":"summary".*"max_flows":1000000' "$T/sig.out"
idle_stop "idle FIFO, nothing sent" INT 0 json
expect_grep "interrupted before any byte: a report still" '"type":"summary".*"frames":0.*"interrupted":true' "$T/sig.out"
idle_stop "idle FIFO, SIGTERM" TERM 1 text
expect_grep "interrupted run says so (text)" "^interrupted: by SIGTERM" "$T/sig.out"
idle_stop "idle FIFO, CSV" INT 1 csv
expect_grep "interrupted run says so (CSV: the summary on stderr)" "^interrupted: by SIGINT" "$T/sig.err"
# the report of an ordinary run does not mention it
"$TCPSCOPE" -r "$T/cf.pcap" -F json > "$T/out" 2>&1
grep -q interrupted "$T/out" && fail "an uninterrupted run says interrupted" || ok "an uninterrupted run does not say interrupted"

# A second signal during the final flush: the report's reader never reads, so
# writing blocks on the full pipe after the first signal stopped the input.
second_signal() { # second_signal SIGNAL EXPECTED_STATUS
	rm -f "$T/outfifo"
	mkfifo "$T/outfifo"
	sleep 30 < "$T/outfifo" &
	reader=$!
	"$GEN_FLOOD" halfopen 20000 > "$T/many.pcap"
	"$TCPSCOPE" -r "$T/many.pcap" -F json --events > "$T/outfifo" 2>/dev/null &
	pid=$!
	sleep 0.5
	kill -"$1" "$pid"
	sleep 0.2
	kill -0 "$pid" 2>/dev/null && ok "SIG$1: the flush is still blocked" || fail "SIG$1: ended without a reader"
	t0=$(now_ms)
	kill -"$1" "$pid"
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.01; i=$((i + 1)); done
	t1=$(now_ms)
	kill -0 "$pid" 2>/dev/null && { fail "second SIG$1 did not end the run"; kill -9 "$pid"; }
	wait "$pid"
	rc=$?
	kill "$reader" 2>/dev/null
	wait "$reader" 2>/dev/null
	[ "$rc" = "$2" ] && ok "second SIG$1: exit $rc after $((t1 - t0)) ms" || fail "second SIG$1: exit $rc, expected $2"
}
second_signal INT 130
second_signal TERM 143

# ---- 9. pcapng whose interfaces differ in link type ----
# SHB; IDB 0 Ethernet; EPB on 0 (a SYN); IDB 1 raw IPv4; EPB on 1 (the SYN-ACK)
python3 - "$T/mixed.pcapng" <<'PY'
import struct, sys
def block(btype, body):
    body += b'\0' * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack('<II', btype, n) + body + struct.pack('<I', n)
def ip(src, dst, sp, dp, seq, ack, flags):
    tcph = struct.pack('>HHIIBBHHH', sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0)
    return struct.pack('>BBHHHBBH4s4s', 0x45, 0, 40, 1, 0x4000, 64, 6, 0, bytes(src), bytes(dst)) + tcph
def epb(iface, us, data):
    return block(6, struct.pack('<IIIII', iface, us >> 32, us & 0xffffffff, len(data), len(data)) + data)
eth = bytes([2,0,0,0,0,2, 2,0,0,0,0,1]) + b'\x08\x00'
c, s = [10,0,0,1], [10,0,0,2]
t = 1700000000 * 1000000
out = block(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1))
out += block(1, struct.pack('<HHI', 1, 0, 65535))
out += epb(0, t, eth + ip(c, s, 40000, 80, 100, 0, 0x02))
out += block(1, struct.pack('<HHI', 101, 0, 65535))
out += epb(1, t + 1000, ip(s, c, 80, 40000, 500, 101, 0x12))
open(sys.argv[1], 'wb').write(out)
PY
# a file: libpcap stops at the second IDB, pcapng.c reads on from there
"$TCPSCOPE" -r "$T/mixed.pcapng" -F json > "$T/out" 2> "$T/err"
rc=$?
[ $rc = 0 ] && ok "pcapng with two link types: exit 0" || fail "pcapng with two link types: exit $rc"
[ -s "$T/err" ] && fail "pcapng with two link types: stderr: $(cat "$T/err")"
expect_grep "pcapng with two link types: both frames, one connection" '"frames":2,.*"connections":1,' "$T/out"
expect_grep "pcapng with two link types: SYN and SYN-ACK in one record" '"history":"Sh"' "$T/out"
"$TCPSCOPE" -r "$T/mixed.pcapng" -F json 'tcp port 80' > "$T/out" 2>&1
expect_grep "pcapng with two link types: the filter per link type" '"frames":2,' "$T/out"
"$TCPSCOPE" -r "$T/mixed.pcapng" -F json 'host 10.9.9.9' > "$T/out" 2>&1
expect_grep "pcapng with two link types: the filter drops both" '"frames":0,' "$T/out"
# a pipe cannot be read again from its start: exit 1 and one line
"$TCPSCOPE" -r - -F json < "$T/mixed.pcapng" > "$T/out" 2> "$T/err"
rc=$?
[ $rc = 1 ] && ok "pcapng with two link types on stdin: exit 1" || fail "pcapng with two link types on stdin: exit $rc"
expect_grep "pcapng with two link types on stdin: says why" "interfaces differ in link type" "$T/err"
[ "$(wc -l < "$T/err")" = 1 ] && ok "pcapng with two link types on stdin: one line" || fail "stdin: $(cat "$T/err")"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
