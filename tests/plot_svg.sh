#!/bin/sh
# plot_svg.sh - --plot, --plot-rtt, --plot-tput end to end: on recorded
# captures with loss (bulk_tbf, dsack) and zero windows (zero_window) every
# SVG is well-formed XML and renders to PNG with a real renderer
# (rsvg-convert); every retransmission and zero-window advertisement tshark
# flags is drawn (tests/plot_check.py), the throughput bins equal tshark's
# bytes; a hostile SNI is escaped in the title; a 100 000-packet connection
# gives a bounded file in bounded time; usage errors exit 2, a selection
# matching no or several connections exits 1 and leaves no file.
# Exit: 0 pass, 1 fail, 77 skip (tshark, python3 or rsvg-convert missing).
set -u
: "${TCPSCOPE:?}" "${TOP_SRCDIR:?}"
for t in tshark python3 rsvg-convert; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
R="$TOP_SRCDIR/test-captures/real"
C="$TOP_SRCDIR/test-captures/crafted"
CHECK="python3 $TOP_SRCDIR/tests/plot_check.py"
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

# A PNG of at least the SVG's 1000 px width.
png_ok() {
	python3 - "$1" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read(24)
ok = b[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", b[16:20])[0] >= 1000
sys.exit(0 if ok else 1)
PY
}

for cap in bulk_tbf dsack zero_window; do
	if ! "$TCPSCOPE" -r "$R/$cap.pcap" --conn 1 --plot "$T/$cap.svg" --plot-rtt "$T/${cap}_rtt.svg" \
		--plot-tput "$T/${cap}_tput.svg" >"$T/out" 2>"$T/err"; then
		fail "$cap: tcpscope --plot failed: $(cat "$T/err")"
		continue
	fi
	$CHECK xml "$T/$cap.svg" "$T/${cap}_rtt.svg" "$T/${cap}_tput.svg" && ok "$cap: three SVGs are well-formed XML" ||
		fail "$cap: not well-formed"
	for s in "$cap" "${cap}_rtt" "${cap}_tput"; do
		if rsvg-convert -o "$T/$s.png" "$T/$s.svg" 2>"$T/err" && png_ok "$T/$s.png"; then
			ok "$s.svg renders ($(wc -c <"$T/$s.png") bytes of PNG)"
		else
			fail "$s.svg does not render: $(cat "$T/err")"
		fi
	done
	$CHECK capture "$R/$cap.pcap" 0 "$T/$cap.svg" "$T/${cap}_tput.svg" || fail "$cap: against tshark"
done

# Every capture's first connection: the three plots are well-formed XML, or
# (no connection, an unreadable file) exit 1, ending with a "tcpscope: " line, and no file.
mkdir "$T/all"
for f in "$C"/*.pcap* "$R"/*.pcap; do
	b=$(basename "$f")
	"$TCPSCOPE" -r "$f" --conn 1 --plot "$T/all/$b.svg" --plot-rtt "$T/all/$b.rtt.svg" \
		--plot-tput "$T/all/$b.tput.svg" >/dev/null 2>"$T/err"
	rc=$?
	if [ "$rc" -ne 0 ] && { [ "$rc" -ne 1 ] || ! tail -1 "$T/err" | grep -q '^tcpscope: ' || [ -e "$T/all/$b.svg" ]; }; then
		fail "$b: --plot exit $rc: $(cat "$T/err")"
	fi
done
n=$(ls "$T/all" | wc -l)
$CHECK xml "$T"/all/*.svg && ok "$n plots of every capture's first connection are well-formed XML" ||
	fail "plots of every capture"

# The RTT plot's samples are the record's (rtt.samples, checked against tcptrace by tshark_golden.sh).
"$TCPSCOPE" -r "$R/dsack.pcap" --conn 1 -F json >"$T/dsack.json"
python3 - "$T/dsack_rtt.svg" "$T/dsack.json" <<'PY' && ok "RTT plot: samples and extremes as the record's" || fail "RTT plot"
import json, sys, xml.etree.ElementTree as ET
rec = next(r for r in map(json.loads, open(sys.argv[2])) if r["type"] == "conn")
for g in ET.parse(sys.argv[1]).getroot().iter("{http://www.w3.org/2000/svg}g"):
    if g.get("class") == "rtt":
        rtt = rec["c2s" if g.get("data-dir") == "0" else "s2c"]["rtt"]
        got = (int(g.get("data-samples")), int(g.get("data-min-us")) / 1e3, int(g.get("data-max-us")) / 1e3)
        if got != (rtt["samples"], rtt["min_ms"], rtt["max_ms"]):
            sys.exit("dir %s: drawn %s, record %s" % (g.get("data-dir"), got, rtt))
PY

# A SNI with quotes and a newline (crafted/csv_hostile_names.pcap, connection 2) in the title.
"$TCPSCOPE" -r "$C/csv_hostile_names.pcap" --conn 2 --plot "$T/hostile.svg" >/dev/null 2>&1
python3 - "$T/hostile.svg" <<'PY' && ok "hostile SNI escaped in the title" || fail "hostile SNI"
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1]).getroot().find("{http://www.w3.org/2000/svg}title").text
want = 'SNI sni#1,"q"\\nline2.example'
sys.exit(0 if t.endswith(want) and "\n" not in t else "title %r" % t)
PY

# 100 000 packets in one connection: 50 000 segments of 1448 bytes, each
# ACKed, every 250th from the 125th resent 10 segments back (200
# retransmissions).
python3 - "$T/big.pcap" <<'PY'
import struct, sys
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
c, s = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
def frame(us, src, dst, sp, dp, seq, ack, flags, plen):
    tcp = struct.pack(">HHIIBBHHH", sp, dp, seq & 0xffffffff, ack & 0xffffffff, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 40 + plen, 1, 0x4000, 64, 6, 0, src, dst)
    f = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + tcp
    out.write(struct.pack("<IIII", us // 1000000, us % 1000000, len(f), len(f) + plen) + f)
isn_c, isn_s, t = 1000, 5000, 0
frame(t, c, s, 40000, 80, isn_c, 0, 0x02, 0)
frame(t + 100, s, c, 80, 40000, isn_s, isn_c + 1, 0x12, 0)
frame(t + 200, c, s, 40000, 80, isn_c + 1, isn_s + 1, 0x10, 0)
nxt, t = 1, 1000
for i in range(49999):
    resend = i % 250 == 125
    seq = nxt - 1448 * 10 if resend else nxt
    frame(t, s, c, 80, 40000, isn_s + seq, isn_c + 1, 0x10, 1448)
    if not resend:
        nxt += 1448
    frame(t + 50, c, s, 40000, 80, isn_c + 1, isn_s + nxt, 0x10, 0)
    t += 100
frame(t, s, c, 80, 40000, isn_s + nxt, isn_c + 1, 0x11, 0)
PY
t0=$(date +%s%N)
"$TCPSCOPE" -r "$T/big.pcap" --conn 1 --plot "$T/big.svg" --plot-rtt "$T/big_rtt.svg" --plot-tput "$T/big_tput.svg" >/dev/null
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
size=$(wc -c <"$T/big.svg")
retx=$(grep -o 'class="retx [a-z]*" data-frame' "$T/big.svg" | wc -l)
if [ "$size" -lt 2000000 ] && [ "$retx" -eq 200 ] && [ "$ms" -lt 10000 ]; then
	ok "100k packets: $size bytes of SVG, 200 retransmissions drawn, three plots in $ms ms"
else
	fail "100k packets: $size bytes (< 2000000), $retx retransmissions drawn (200), $ms ms (< 10000)"
fi
if rsvg-convert -o "$T/big.png" "$T/big.svg" && png_ok "$T/big.png"; then ok "100k packets: renders"; else fail "100k render"; fi

# Usage: exactly one connection.
expect() { # expect DESCRIPTION STATUS ARGS...
	d=$1 want=$2
	shift 2
	"$TCPSCOPE" "$@" >/dev/null 2>"$T/err"
	got=$?
	if [ "$got" = "$want" ] && [ "$(wc -l <"$T/err")" -ge 1 ] && grep -q '^tcpscope: ' "$T/err"; then ok "$d (exit $got)"; else
		fail "$d: exit $got, expected $want: $(cat "$T/err")"; fi
}
expect "--plot without a selection" 2 -r "$R/bulk_tbf.pcap" --plot "$T/x.svg"
expect "--plot with a range" 2 -r "$R/bulk_tbf.pcap" --conn 1-3 --plot "$T/x.svg"
expect "--plot-rtt with --where on stdin" 2 -r - --where 'retx>0' --plot-rtt "$T/x.svg"
expect "--plot to stdout" 2 -r "$R/bulk_tbf.pcap" --conn 1 --plot -
expect "--plot and --plot-rtt into one file" 2 -r "$R/bulk_tbf.pcap" --conn 1 --plot "$T/x.svg" --plot-rtt "$T/x.svg"
expect "--plot over its input" 2 -r "$R/bulk_tbf.pcap" --conn 1 --plot "$R/bulk_tbf.pcap"
expect "--plot into a missing directory" 1 -r "$R/bulk_tbf.pcap" --conn 1 --plot "$T/no/such/x.svg"
expect "--plot of a connection not in the input" 1 -r "$R/bulk_tbf.pcap" --conn 9 --plot "$T/x.svg"
expect "--plot of a 4-tuple reused 5 times" 1 -r "$R/port_reuse.pcap" --conn 10.10.1.1:45678-10.10.2.1:9000 --plot-tput "$T/x.svg"
[ -e "$T/x.svg" ] && fail "a failed --plot left $T/x.svg" || ok "failed plots leave no file"
"$TCPSCOPE" -r "$R/zero_window.pcap" --where 'retx>0' --plot "$T/w.svg" >/dev/null && $CHECK xml "$T/w.svg" &&
	ok "--where selecting one connection plots it" || fail "--where --plot"

[ "$fails" -eq 0 ] && echo "plot_svg: all passed" || echo "plot_svg: $fails failed"
[ "$fails" -eq 0 ]
