#!/bin/sh
# inputs.sh - several files read as one capture, and compressed files.
# A capture split by editcap (at arbitrary packet numbers, given in shuffled
# order) must give the same JSON lines, byte for byte, as the whole file; a
# copy compressed by gzip, zstd, lz4 or xz (also several members or frames,
# also through stdin) must give the same as the plain file. The oracle is
# the file before editcap or the compressor touched it; frame and connection
# counts of mixed link types come from capinfos and tshark.
set -u
: "${TCPSCOPE:?}"
: "${TOP_SRCDIR:?}"
for tool in editcap capinfos mergecap tshark gzip zstd lz4 xz python3; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
REAL=$TOP_SRCDIR/test-captures/real
CRAFTED=$TOP_SRCDIR/test-captures/crafted
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

ok() { echo "ok   $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
check() { # check DESCRIPTION EXPECTED_STATUS ACTUAL_STATUS
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: exit $3, expected $2"; fi
}
same() { # same DESCRIPTION EXPECTED_FILE ACTUAL_FILE
	if cmp -s "$2" "$3"; then ok "$1"; else
		fail "$1: output differs"; diff "$2" "$3" | head -6 | sed 's/^/    /'; fi
}
expect_grep() { # expect_grep DESCRIPTION PATTERN FILE
	if grep -q -- "$2" "$3"; then ok "$1"; else
		fail "$1: no '$2' in:"; sed 's/^/    /' "$3"; fi
}
frames_of() { capinfos -c -M "$1" 2>/dev/null | sed -n 's/^Number of packets: *//p'; }
json_field() { # json_field FILE KEY: the summary's integer KEY
	sed -n "s/.*\"type\":\"summary\".*\"$2\":\([0-9]*\).*/\1/p" "$1"
}

# ---- one capture in three files, at arbitrary cut points, given shuffled ----
editcap -F pcapng "$REAL/demo.pcap" "$T/demo.pcapng" 2>/dev/null
for cap in "$REAL/demo.pcap" "$REAL/bulk_tbf.pcap" "$REAL/parallel_50.pcap" "$T/demo.pcapng" \
	"$CRAFTED/pcapng_nsec.pcapng"; do
	name=$(basename "$cap")
	n=$(frames_of "$cap")
	a=$((n * 2 / 7)) b=$((n * 3 / 5))
	editcap -r "$cap" "$T/p1" "1-$a" 2>/dev/null
	editcap -r "$cap" "$T/p2" "$((a + 1))-$b" 2>/dev/null
	editcap -r "$cap" "$T/p3" "$((b + 1))-$n" 2>/dev/null
	got=$(( $(frames_of "$T/p1") + $(frames_of "$T/p2") + $(frames_of "$T/p3") ))
	[ "$got" = "$n" ] || fail "$name: editcap split $n frames into $got"
	"$TCPSCOPE" -r "$cap" -F json --events >"$T/whole" 2>&1
	"$TCPSCOPE" -r "$T/p3" -r "$T/p1" -r "$T/p2" -F json --events >"$T/parts" 2>&1
	check "$name: three parts exit 0" 0 $?
	same "$name: three parts (3,1,2) = whole file, every JSON line" "$T/whole" "$T/parts"
done

# editcap -c: demo.pcap in files of 40 frames, given in reverse order
(cd "$T" && editcap -c 40 "$REAL/demo.pcap" chunk.pcap 2>/dev/null)
set --
for f in $(ls "$T"/chunk_* | sort -r); do set -- "$@" -r "$f"; done
"$TCPSCOPE" -F json "$@" >"$T/parts" 2>&1
"$TCPSCOPE" -F json -r "$REAL/demo.pcap" >"$T/whole" 2>&1
same "demo.pcap: $(($# / 2)) files of 40 frames (editcap -c), reversed = whole file" "$T/whole" "$T/parts"
rm -f "$T"/chunk_*

# ---- compressed copies: byte-identical output, from a file, stdin and a pipe ----
for cap in "$REAL/demo.pcap" "$REAL/bulk_tbf.pcap" "$T/demo.pcapng"; do
	name=$(basename "$cap")
	"$TCPSCOPE" -r "$cap" -F json >"$T/whole" 2>&1
	gzip -c "$cap" >"$T/c.gz"
	zstd -q -c "$cap" >"$T/c.zst"
	lz4 -q -c "$cap" >"$T/c.lz4"
	xz -c "$cap" >"$T/c.xz"
	for ext in gz zst lz4 xz; do
		"$TCPSCOPE" -r "$T/c.$ext" -F json >"$T/out" 2>&1
		same "$name.$ext = plain" "$T/whole" "$T/out"
		"$TCPSCOPE" -r - -F json <"$T/c.$ext" >"$T/out" 2>&1
		same "$name.$ext on stdin = plain" "$T/whole" "$T/out"
		cat "$T/c.$ext" | "$TCPSCOPE" -r - -F json >"$T/out" 2>&1
		same "$name.$ext through a pipe = plain" "$T/whole" "$T/out"
	done
	# the file in two pieces at an odd byte offset, each compressed: two gzip
	# members, zstd/lz4 frames, xz streams in one file, as cat a.gz b.gz makes
	size=$(wc -c <"$cap")
	head -c $((size / 3 + 7)) "$cap" >"$T/h1"
	tail -c +$((size / 3 + 8)) "$cap" >"$T/h2"
	for z in "gzip -c" "zstd -q -c" "lz4 -q -c" "xz -c"; do
		$z "$T/h1" >"$T/two"
		$z "$T/h2" >>"$T/two"
		"$TCPSCOPE" -r "$T/two" -F json >"$T/out" 2>&1
		same "$name: two ${z%% *} members/frames in one file = plain" "$T/whole" "$T/out"
	done
done
cat "$REAL/demo.pcap" | "$TCPSCOPE" -r - -F json >"$T/out" 2>&1
"$TCPSCOPE" -r "$REAL/demo.pcap" -F json >"$T/whole" 2>&1
same "plain capture through a pipe = file" "$T/whole" "$T/out"

# split and compressed at once: three parts, each in a different format
cap=$REAL/parallel_50.pcap
n=$(frames_of "$cap")
editcap -r "$cap" "$T/p1" "1-$((n / 4))" 2>/dev/null
editcap -r "$cap" "$T/p2" "$((n / 4 + 1))-$((n / 2))" 2>/dev/null
editcap -r "$cap" "$T/p3" "$((n / 2 + 1))-$n" 2>/dev/null
gzip -c "$T/p1" >"$T/p1.gz"; zstd -q -c "$T/p2" >"$T/p2.zst"; xz -c "$T/p3" >"$T/p3.xz"
"$TCPSCOPE" -r "$cap" -F json >"$T/whole" 2>&1
"$TCPSCOPE" -r "$T/p2.zst" -r "$T/p3.xz" -r "$T/p1.gz" -F json >"$T/parts" 2>&1
same "parallel_50.pcap: parts as .zst, .xz, .gz = whole file" "$T/whole" "$T/parts"

# ---- a compressed file cut in the middle: what was read is reported, with a warning ----
# (zstd packs up to 128 KiB in a block, decoded whole: the larger capture for it)
for ext in gz zst; do
	case $ext in
	gz) cap=$REAL/bulk_tbf.pcap; gzip -c "$cap" >"$T/c.$ext" ;;
	zst) cap=$REAL/http_ipv4.pcap; zstd -q -c "$cap" >"$T/c.$ext" ;;
	esac
	whole_frames=$(frames_of "$cap")
	size=$(wc -c <"$T/c.$ext")
	head -c $((size / 2)) "$T/c.$ext" >"$T/cut.$ext"
	"$TCPSCOPE" -r "$T/cut.$ext" -F json >"$T/out" 2>"$T/err"
	check "cut .$ext exits 0" 0 $?
	expect_grep "cut .$ext: the warning names the file" "^tcpscope: $T/cut.$ext: warning: .*cut short" "$T/err"
	frames=$(json_field "$T/out" frames)
	if [ -n "$frames" ] && [ "$frames" -gt 0 ] && [ "$frames" -le "$whole_frames" ]; then
		ok "cut .$ext: a partial report ($frames of $whole_frames frames)"
	else fail "cut .$ext: frames '$frames' not in 1..$whole_frames"; fi
	expect_grep "cut .$ext: the summary carries the warning" '"warning":"input ended early: ' "$T/out"
	"$TCPSCOPE" -r - -F json <"$T/cut.$ext" >"$T/out" 2>"$T/err"
	check "cut .$ext on stdin exits 0" 0 $?
	expect_grep "cut .$ext on stdin: the warning names stdin" "^tcpscope: -: warning: " "$T/err"
done
# bulk_tbf.pcap is one zstd block: cut, not even the file header comes out (zstd -d gives
# nothing either), so there is nothing to report: exit 1, one line, as any unreadable file
zstd -q -c "$REAL/bulk_tbf.pcap" >"$T/c.zst"
head -c $(($(wc -c <"$T/c.zst") / 2)) "$T/c.zst" >"$T/cut.zst"
"$TCPSCOPE" -r "$T/cut.zst" >"$T/out" 2>"$T/err"
check "a .zst cut inside its first block exits 1" 1 $?
expect_grep "a .zst cut inside its first block says so" "^tcpscope: $T/cut.zst: zstd data cut short" "$T/err"

# ---- a damaged file among several: it ends there, the others are read on ----
good=$REAL/demo.pcap
size=$(wc -c <"$REAL/zero_window.pcap")
head -c $((size / 2)) "$REAL/zero_window.pcap" >"$T/damaged.pcap"
before=$(tshark -r "$T/damaged.pcap" 2>/dev/null | wc -l) # tshark reads up to the cut too
"$TCPSCOPE" -r "$T/damaged.pcap" -r "$good" -F json >"$T/out" 2>"$T/err"
check "damaged among several exits 0" 0 $?
expect_grep "the warning names the damaged file" "^tcpscope: $T/damaged.pcap: warning: " "$T/err"
frames=$(json_field "$T/out" frames)
want=$(($(frames_of "$good") + before))
[ "$frames" = "$want" ] && ok "damaged among several: every frame of the others plus those before the cut ($want)" ||
	fail "damaged among several: $frames frames, expected $want"

# ---- link types differ: each frame is decoded with its own ----
"$TCPSCOPE" -r "$CRAFTED/raw_ipv4.pcap" -r "$good" -F json >"$T/out" 2>"$T/err"
check "Ethernet + raw IPv4 files exit 0" 0 $?
mergecap -w "$T/merged.pcapng" "$CRAFTED/raw_ipv4.pcap" "$good" 2>/dev/null
frames=$(json_field "$T/out" frames)
want=$(frames_of "$T/merged.pcapng")
[ "$frames" = "$want" ] && ok "mixed link types: $want frames, as mergecap's file" || fail "mixed link types: $frames frames, expected $want"
conns=$(grep -c '"type":"conn"' "$T/out")
want=$(tshark -r "$T/merged.pcapng" -q -z conv,tcp 2>/dev/null | grep -c '<->')
[ "$conns" = "$want" ] && ok "mixed link types: $want connections, as tshark on mergecap's file" ||
	fail "mixed link types: $conns connections, tshark counts $want"
decode_errors=$(sed -n 's/.*"unknown_linktype":\([0-9]*\).*"trunc_link":\([0-9]*\).*/\1\2/p' "$T/out")
[ "$decode_errors" = "00" ] && ok "mixed link types: no link-layer decode error" || fail "mixed link types: decode errors $decode_errors"
"$TCPSCOPE" -r "$good" -r "$CRAFTED/raw_ipv4.pcap" 'ether host 02:00:00:00:00:01' >"$T/out" 2>"$T/err"
check "a filter one link type cannot take exits 1" 1 $?
expect_grep "a filter one link type cannot take names that file" "invalid filter expression: $CRAFTED/raw_ipv4.pcap: " "$T/err"

# ---- a link type tcpscope does not decode: counted, not refused ----
user0=$CRAFTED/link_user0.pcap
"$TCPSCOPE" -r "$user0" -F json >"$T/out" 2>"$T/err"
check "a file of an undecoded link type alone exits 0" 0 $?
expect_grep "an undecoded link type is named in one warning" "^tcpscope: warning: $user0: link type .*(147) not decoded, its frames are counted as unknown_linktype$" "$T/err"
[ "$(wc -l <"$T/err")" -eq 1 ] && ok "an undecoded link type: one line" || fail "an undecoded link type: $(wc -l <"$T/err") lines"
want=$(frames_of "$user0")
[ "$(json_field "$T/out" unknown_linktype)" = "$want" ] && ok "its $want frames are unknown_linktype" ||
	fail "unknown_linktype $(json_field "$T/out" unknown_linktype), expected $want"
"$TCPSCOPE" -r "$user0" -r "$good" -F json >"$T/out" 2>"$T/err"
check "an undecoded link type beside a readable file exits 0" 0 $?
"$TCPSCOPE" -r "$good" -F json >"$T/alone" 2>/dev/null
[ "$(grep -c '"type":"conn"' "$T/out")" = "$(grep -c '"type":"conn"' "$T/alone")" ] &&
	ok "beside an undecoded link type every connection of the other file is reported" ||
	fail "beside an undecoded link type: $(grep -c '"type":"conn"' "$T/out") connections, alone $(grep -c '"type":"conn"' "$T/alone")"
[ "$(json_field "$T/out" unknown_linktype)" = "$want" ] && ok "beside it, its $want frames are unknown_linktype" ||
	fail "beside it: unknown_linktype $(json_field "$T/out" unknown_linktype), expected $want"

# ---- command lines ----
"$TCPSCOPE" -r "$good" -r "$T/missing.pcap" >"$T/out" 2>"$T/err"
check "-r a -r missing exits 1" 1 $?
expect_grep "-r a -r missing names it" "^tcpscope: $T/missing.pcap: " "$T/err"
[ "$(wc -l <"$T/err")" -eq 1 ] && ok "-r a -r missing: one line" || fail "-r a -r missing: $(wc -l <"$T/err") lines"
"$TCPSCOPE" -r "$good" "$REAL/refused.pcap" >"$T/out" 2>"$T/err"
check "-r a b (b is the filter, as in tcpdump) exits 1" 1 $?
expect_grep "-r a b says to repeat -r" "refused.pcap: a file is not a filter expression; .*repeat -r" "$T/err"
"$TCPSCOPE" -r "$good" -r "$REAL/../real/demo.pcap" >"$T/out" 2>"$T/err"
check "the same file twice exits 1" 1 $?
expect_grep "the same file twice is named" "given before" "$T/err"
# a filter applies to every file
"$TCPSCOPE" -r "$T/p1" -r "$T/p2" -F json 'tcp port 1' >"$T/out" 2>&1
check "filter over several files exits 0" 0 $?
expect_grep "filter over several files keeps nothing of port 1" '"type":"summary".*"frames":0,' "$T/out"

if [ "$fails" -gt 0 ]; then
	echo "$fails failure(s)"
	exit 1
fi
echo "all passed"
