#!/bin/sh
# cli.sh - the command line's promises: usage errors exit 2, unreadable input
# exits 1 with one line naming the file, a capture cut short mid-record is
# still reported (with a warning), filters, -c, -o, stdin and every format.
# The input is a 3-frame capture written here by hand (python3 struct), so the
# expected figures are known without running tcpscope: one connection
# 10.0.0.1:40000 -> 10.0.0.2:80, frames of 54 bytes (SYN, SYN-ACK, ACK).
set -u
: "${TCPSCOPE:?}"
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

check() { # check DESCRIPTION EXPECTED_STATUS ACTUAL_STATUS
	if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: exit $3, expected $2"; fails=$((fails + 1)); fi
}
expect_grep() { # expect_grep DESCRIPTION PATTERN FILE
	if grep -q -- "$2" "$3"; then echo "ok   $1"; else
		echo "FAIL $1: no '$2' in:"; sed 's/^/    /' "$3"; fails=$((fails + 1)); fi
}

python3 - "$T/three.pcap" <<'PY'
import struct, sys
def tcp(src, dst, sp, dp, seq, ack, flags):
    tcph = struct.pack('>HHIIBBHHH', sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 40, 1, 0x4000, 64, 6, 0, bytes(src), bytes(dst))
    eth = bytes([2,0,0,0,0,2, 2,0,0,0,0,1]) + b'\x08\x00'
    return eth + ip + tcph
c, s = [10,0,0,1], [10,0,0,2]
frames = [tcp(c, s, 40000, 80, 100, 0, 0x02), tcp(s, c, 80, 40000, 500, 101, 0x12),
          tcp(c, s, 40000, 80, 101, 501, 0x10)]
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack('<IIII', 1700000000 + i, 0, len(fr), len(fr)) + fr)
PY
# the same file cut in the middle of its last record (header + 20 of 54 bytes)
head -c $((24 + 16 + 54 + 16 + 54 + 16 + 20)) "$T/three.pcap" > "$T/cut.pcap"
printf 'this is not a capture file\n' > "$T/text.txt"
: > "$T/empty.pcap"

# usage errors: exit 2, usage on stderr, nothing on stdout
"$TCPSCOPE" --no-such-option >"$T/out" 2>"$T/err"; check "unknown option exits 2" 2 $?
expect_grep "unknown option prints usage" "usage: tcpscope" "$T/err"
[ -s "$T/out" ] && { echo "FAIL usage error wrote to stdout"; fails=$((fails + 1)); }
"$TCPSCOPE" >/dev/null 2>"$T/err"; check "no input exits 2" 2 $?
expect_grep "no input names the options" "exactly one of -r FILE or -i IFACE" "$T/err"
"$TCPSCOPE" -r "$T/three.pcap" -i lo >/dev/null 2>&1; check "-r with -i exits 2" 2 $?
"$TCPSCOPE" -r "$T/three.pcap" -F xml >/dev/null 2>"$T/err"; check "bad format exits 2" 2 $?
expect_grep "bad format explained" "invalid format" "$T/err"
"$TCPSCOPE" -r "$T/three.pcap" -c 0 >/dev/null 2>&1; check "-c 0 exits 2" 2 $?
"$TCPSCOPE" -r "$T/three.pcap" -c 12x >/dev/null 2>&1; check "-c 12x exits 2" 2 $?
"$TCPSCOPE" -r "$T/three.pcap" --max-flows -1 >/dev/null 2>&1; check "--max-flows -1 exits 2" 2 $?
"$TCPSCOPE" -r >/dev/null 2>&1; check "-r without argument exits 2" 2 $?
"$TCPSCOPE" -h >"$T/out" 2>&1; check "-h exits 0" 0 $?
expect_grep "-h lists --max-flows" "max-flows" "$T/out"
"$TCPSCOPE" --version >"$T/out" 2>&1; check "--version exits 0" 0 $?
expect_grep "--version names the program" "^tcpscope " "$T/out"

# unreadable input: exit 1, one line naming the file
for f in "$T/missing.pcap" "$T/text.txt" "$T/empty.pcap" "$T"; do
	"$TCPSCOPE" -r "$f" >"$T/out" 2>"$T/err"; rc=$?
	check "unreadable $(basename "$f") exits 1" 1 $rc
	expect_grep "unreadable $(basename "$f") named" "^tcpscope: $f: " "$T/err"
	n=$(wc -l < "$T/err"); [ "$n" -eq 1 ] || { echo "FAIL $f: $n lines on stderr"; fails=$((fails + 1)); }
	grep -q "^tcpscope: $f: $f" "$T/err" && { echo "FAIL $f: name repeated"; fails=$((fails + 1)); }
done
"$TCPSCOPE" -r "$T/three.pcap" 'tcp port' >/dev/null 2>"$T/err"; check "bad filter exits 1" 1 $?
expect_grep "bad filter explained" "invalid filter expression" "$T/err"
"$TCPSCOPE" -r "$T/three.pcap" -o "$T/no/such/dir/out" 2>"$T/err"; check "unwritable -o exits 1" 1 $?
expect_grep "unwritable -o named" "$T/no/such/dir/out" "$T/err"

# a good run, every format
"$TCPSCOPE" -r "$T/three.pcap" -F json >"$T/out" 2>"$T/err"; check "json run exits 0" 0 $?
expect_grep "json conn" '"client":{"ip":"10.0.0.1","port":40000},"server":{"ip":"10.0.0.2","port":80}' "$T/out"
expect_grep "json c2s" '"c2s":{"packets":2,"bytes":108,"payload_bytes":0,"fin":0,"rst":0,' "$T/out"
expect_grep "json s2c" '"s2c":{"packets":1,"bytes":54,"payload_bytes":0,"fin":0,"rst":0,' "$T/out"
# SYN, SYN-ACK, ACK one second apart: Zeek's S1 with history ShA, both ESTABLISHED
expect_grep "json states" '"state":"S1","history":"ShA","client_state":"ESTABLISHED","server_state":"ESTABLISHED"' "$T/out"
expect_grep "json handshake times" '"syn_synack_ms":1000.000,"synack_ack_ms":1000.000,"rtt_ms":2000.000,"completed":true' "$T/out"
expect_grep "json summary" '"type":"summary"' "$T/out"
expect_grep "json summary frames" '"frames":3,' "$T/out"
"$TCPSCOPE" -r "$T/three.pcap" -F csv >"$T/out" 2>&1; check "csv run exits 0" 0 $?
expect_grep "csv header" '^id,ts_first,' "$T/out"
# SYN at 0 s, SYN-ACK at 1 s, ACK at 2 s: one RTT sample of 1000 ms each way
# (SYN -> SYN-ACK, SYN-ACK -> ACK), RFC 6298: RTTVAR = R/2, RTO = R + 4 RTTVAR.
expect_grep "csv row" '^1,1700000000.000000000,1700000002.000000000,2.000000000,4,10.0.0.1,40000,10.0.0.2,80,false,end_of_input,2,108,0,1,54,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0.000,65535,65535,0,,1,1000.000,1000.000,1000.000,0.000,1000.000,500.000,3000.000,0,,,,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0.000,65535,65535,0,,1,1000.000,1000.000,1000.000,0.000,1000.000,500.000,3000.000,0,,,,,,,,,,,,,S1,ShA,ESTABLISHED,ESTABLISHED,1,1,1000.000,1000.000,0,0,0,0,0,0,,,,false,false,$' "$T/out"
"$TCPSCOPE" -r "$T/three.pcap" >"$T/out" 2>&1; check "text run exits 0" 0 $?
expect_grep "text row" '10.0.0.1:40000' "$T/out"

# stdin, -o, -c, filter
"$TCPSCOPE" -r - -F json <"$T/three.pcap" >"$T/out" 2>&1; check "stdin exits 0" 0 $?
expect_grep "stdin read all frames" '"frames":3,' "$T/out"
"$TCPSCOPE" -r "$T/three.pcap" -F json -o "$T/o.json" >"$T/out" 2>&1; check "-o exits 0" 0 $?
expect_grep "-o wrote the report" '"type":"conn"' "$T/o.json"
[ -s "$T/out" ] && { echo "FAIL -o also wrote to stdout"; fails=$((fails + 1)); }
"$TCPSCOPE" -r "$T/three.pcap" -F json -c 2 >"$T/out" 2>&1; check "-c 2 exits 0" 0 $?
expect_grep "-c 2 stops after 2 frames" '"frames":2,' "$T/out"
"$TCPSCOPE" -r "$T/three.pcap" -F json 'src host 10.0.0.2' >"$T/out" 2>&1; check "filter exits 0" 0 $?
expect_grep "filter keeps only the SYN-ACK" '"frames":1,' "$T/out"
expect_grep "filter: the SYN-ACK alone still orients" '"c2s":{"packets":0,"bytes":0,"payload_bytes":0,.*"s2c":{"packets":1,' "$T/out"
expect_grep "filter: the SYN-ACK is s2c" '"s2c":{"packets":1,' "$T/out"

# events: the client goes SYN_SENT at the SYN; at the ACK both go ESTABLISHED
# (the server SYN_RCVD at its SYN-ACK): 4 state changes, in packet order
"$TCPSCOPE" -r "$T/three.pcap" -F json --events >"$T/out" 2>&1; check "--events exits 0" 0 $?
n=$(grep -c '"type":"event"' "$T/out"); check "--events: 4 state changes" 4 "$n"
expect_grep "--events: the handshake ACK" '"ts":1700000002.000000000,"conn":1,"side":"server","event":"state","old":"SYN_RCVD","new":"ESTABLISHED"' "$T/out"
"$TCPSCOPE" -r "$T/three.pcap" -F csv --events >/dev/null 2>"$T/err"; check "--events with csv exits 2" 2 $?
# the crafted fast retransmission (gen_seq.py): three duplicate ACKs from the
# client, then the server resends S2 (seq 6001, 1000 bytes) as a fast retransmission
if [ -n "${TOP_SRCDIR:-}" ] && [ -f "$TOP_SRCDIR/test-captures/crafted/seq_fast_retransmit.pcap" ]; then
	"$TCPSCOPE" -r "$TOP_SRCDIR/test-captures/crafted/seq_fast_retransmit.pcap" -F json --events >"$T/out" 2>&1
	n=$(grep -c '"kinds":\["dup_ack"\]' "$T/out"); check "--events: 3 duplicate ACKs" 3 "$n"
	expect_grep "--events: the fast retransmission" '"side":"server","event":"analysis","seq":6001,"len":1000,"kinds":\["fast_retransmission"\]' "$T/out"
	expect_grep "history: Zeek's t for the resent payload" '"history":"ShAD[a-zA-Z]*t' "$T/out"
fi
# gen_seq.py's timeout case: S1 resent after 200 ms of silence, then after 400 ms more
if [ -n "${TOP_SRCDIR:-}" ] && [ -f "$TOP_SRCDIR/test-captures/crafted/seq_timeout_backoff.pcap" ]; then
	"$TCPSCOPE" -r "$TOP_SRCDIR/test-captures/crafted/seq_timeout_backoff.pcap" -F json >"$T/out" 2>&1
	expect_grep "timeout back-off series" '"s2c":{.*"timeout_backoff_ms":\[200.000,400.000\]' "$T/out"
fi
"$TCPSCOPE" -r "$T/three.pcap" --time-wait 0 >/dev/null 2>&1; check "--time-wait 0 exits 2" 2 $?

# cut short mid-record: exit 0, a warning naming the file, the two whole frames reported
"$TCPSCOPE" -r "$T/cut.pcap" -F json >"$T/out" 2>"$T/err"; check "truncated capture exits 0" 0 $?
expect_grep "truncated capture warns" "^tcpscope: $T/cut.pcap: warning: " "$T/err"
expect_grep "truncated capture reports frames before" '"frames":2,' "$T/out"
expect_grep "truncated capture keeps the connection" '"c2s":{"packets":1,"bytes":54' "$T/out"
expect_grep "truncated capture summary warning" '"warning":"' "$T/out"

# --summary FILE, --sort, --top: the summary object goes to FILE; bad values are usage errors
"$TCPSCOPE" -r "$T/three.pcap" -F csv --summary "$T/sum.json" >"$T/out" 2>"$T/err"; check "--summary exits 0" 0 $?
expect_grep "--summary FILE holds the summary object" '^{"type":"summary",.*"frames":3,' "$T/sum.json"
n=$(wc -l <"$T/out"); check "--summary: CSV is the header and one row" 2 "$n"
"$TCPSCOPE" -r "$T/three.pcap" -F csv >"$T/out" 2>"$T/err"
expect_grep "CSV without --summary: the summary in words on stderr" '^frames: 3 ' "$T/err"
"$TCPSCOPE" -r "$T/three.pcap" --summary "$T/no/such/dir/s.json" >/dev/null 2>"$T/err"; check "--summary into a missing directory exits 1" 1 $?
expect_grep "--summary names the file" "^tcpscope: $T/no/such/dir/s.json: " "$T/err"
"$TCPSCOPE" -r "$T/three.pcap" --sort size >/dev/null 2>"$T/err"; check "--sort size exits 2" 2 $?
expect_grep "--sort lists the fields" 'id, start, duration, bytes, packets, retx, rtt, state' "$T/err"
"$TCPSCOPE" -r "$T/three.pcap" --top 0 >/dev/null 2>&1; check "--top 0 exits 2" 2 $?
"$TCPSCOPE" -r "$T/three.pcap" -F json --sort duration --top 1 >"$T/out" 2>&1; check "--sort --top with json exits 0" 0 $?
n=$(grep -c '"type":"conn"' "$T/out"); check "--top 1: one record" 1 "$n"

# a closed stdout is a write error, not a crash
"$TCPSCOPE" -r "$T/three.pcap" -F json >&- 2>"$T/err"; check "closed stdout exits 1" 1 $?

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all command-line checks passed"
