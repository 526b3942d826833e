#!/bin/sh
# pcap_mapped.sh - classic pcap files read in place (pcapmap.c) give what libpcap gives.
# The oracle is libpcap reading the same bytes: through stdin (never mapped)
# or a gzip copy (never mapped). Both byte orders and magics, records cut in
# the header and in the data, caplen beyond the snaplen and beyond libpcap's
# maximum, a damaged fraction, a clock jump, version 2.2 (left to libpcap),
# a filter, -c, and several files merged; stdout, the warnings (with the
# inputs' names made the same) and the exit status must agree.
set -u
: "${TCPSCOPE:?}"
: "${TOP_SRCDIR:?}"
for tool in python3 gzip; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
REAL=$TOP_SRCDIR/test-captures/real
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }

python3 "$TOP_SRCDIR/tests/pcap_variants.py" "$REAL/demo.pcap" "$T/v" || { echo "FAIL generator"; exit 1; }

# run OUT ARGS...: stdout, stderr (input names as FILE) and the exit status in OUT
run() {
	out=$1
	shift
	"$TCPSCOPE" "$@" >"$out.raw" 2>"$out.err"
	echo "exit $?" >>"$out.raw"
	sed 's#tcpscope: [^ ]*: #tcpscope: FILE: #; s#warning: [^ ]*: #warning: FILE: #' "$out.err" >>"$out.raw"
	sed "s#$T/v/##g; s#$T/##g; s#[.]pcap[.]gz#.pcap#g" "$out.raw" >"$out" # the same name for the same bytes
}
agree() { # agree DESCRIPTION MAPPED_OUT LIBPCAP_OUT
	if cmp -s "$2" "$3"; then ok "$1"; else
		fail "$1: differs from libpcap's reading"; diff "$3" "$2" | head -8 | sed 's/^/    /'; fi
}

for f in "$T"/v/*.pcap; do
	name=$(basename "$f" .pcap)
	for args in "-F json --events" "-F csv" "-F text -c 7" "-F json tcp port 8080 or tcp port 443"; do
		run "$T/mapped" -r "$f" $args
		run "$T/stdin" -r - $args <"$f"
		agree "$name $args" "$T/mapped" "$T/stdin"
	done
done

run "$T/cut" -r "$T/v/cut_in_data.pcap" -F json
if grep -q "truncated dump file; tried to read" "$T/cut"; then ok "a cut record is reported as libpcap words it"; else
	fail "no truncation warning for a cut record:"; sed 's/^/    /' "$T/cut"; fi
run "$T/absurd" -r "$T/v/absurd_caplen.pcap" -F json
if grep -q "invalid packet capture length 300000" "$T/absurd"; then ok "an absurd caplen is reported as libpcap words it"; else
	fail "no message for an absurd caplen:"; sed 's/^/    /' "$T/absurd"; fi

# Several files merged: mapped inputs against gzip copies (read by libpcap).
for x in le_us be_ns clock_jump cut_in_data; do gzip -c "$T/v/$x.pcap" >"$T/$x.pcap.gz"; done
run "$T/merged" -F json --events -r "$T/v/le_us.pcap" -r "$T/v/be_ns.pcap" -r "$T/v/clock_jump.pcap" -r "$T/v/cut_in_data.pcap"
run "$T/merged_gz" -F json --events -r "$T/le_us.pcap.gz" -r "$T/be_ns.pcap.gz" -r "$T/clock_jump.pcap.gz" -r "$T/cut_in_data.pcap.gz"
agree "four files merged" "$T/merged" "$T/merged_gz"
run "$T/mixed" -F csv -r "$T/v/le_us.pcap" -r "$T/be_ns.pcap.gz" -c 40
run "$T/mixed_gz" -F csv -r "$T/le_us.pcap.gz" -r "$T/be_ns.pcap.gz" -c 40
agree "a mapped and a compressed file merged, -c 40" "$T/mixed" "$T/mixed_gz"

echo "pcap_mapped: $fails failed"
[ "$fails" -eq 0 ]
