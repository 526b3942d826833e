#!/bin/sh
# bench/floods.sh: the figures of issue 13, too large for CI: peak RSS and
# wall time under the reassembly flood (1M connections) and the half-open
# flood (3M servers), and the time from SIGINT to exit on an idle pipe
# (-F json: the format whose records go through the writer threads).
#
# Usage: sh bench/floods.sh BUILDDIR [OTHER_TCPSCOPE]
#   OTHER_TCPSCOPE: a second binary to measure the same way (e.g. a build of
#   the commit before, for "before" figures).
# Environment: CONNS (default 1000000), SERVERS (default 3000000),
#   WORK (default a temporary directory; the captures take ~230 MB + ~480 MB).
# The floods come from tests/gen_flood (built here if missing):
#   reasm N    four 1-byte segments per connection, the second pair 24,000
#              bytes past the first (each direction keeps a hole open)
#   halfopen N a SYN and a SYN-ACK to each of N server addresses
# Needs GNU time (/usr/bin/time). A measurement, not a test: exits 0.
set -u
die() { echo "floods: $*" >&2; exit 1; }
[ $# -ge 1 ] || die "usage: floods.sh BUILDDIR [OTHER_TCPSCOPE]"
builddir=$(cd "$1" && pwd) || die "$1: no such build directory"
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time) not installed"
[ -x "$builddir/tests/gen_flood" ] || make -C "$builddir" tests/gen_flood >/dev/null || die "cannot build gen_flood"
gen=$builddir/tests/gen_flood
conns=${CONNS:-1000000}
servers=${SERVERS:-3000000}
work=${WORK:-$(mktemp -d /tmp/tcpscope-floods.XXXXXX)}
trap 'rm -rf "$work"' EXIT

"$gen" reasm "$conns" > "$work/reasm.pcap" || die "gen_flood reasm failed"
"$gen" halfopen "$servers" > "$work/halfopen.pcap" || die "gen_flood halfopen failed"

measure() { # measure BINARY LABEL ARGS...: one line "LABEL: peak RSS, wall time"
	bin=$1 label=$2
	shift 2
	/usr/bin/time -f "%M %e" -o "$work/time" "$bin" "$@" > /dev/null 2> "$work/err"
	set -- $(tail -1 "$work/time")
	printf '  %-44s peak RSS %8d MiB  %6s s\n' "$label" $(($1 / 1024)) "$2"
}

idle_stop_ms() { # idle_stop_ms BINARY: ms from SIGINT to exit, reading a FIFO whose writer sent a header, then nothing
	rm -f "$work/fifo"
	mkfifo "$work/fifo"
	python3 -c "
import struct, sys, time
sys.stdout.buffer.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)); sys.stdout.flush(); time.sleep(12)" > "$work/fifo" &
	writer=$!
	"$1" -r "$work/fifo" -F json > /dev/null 2>&1 &
	pid=$!
	sleep 0.5
	t0=$(date +%s%N)
	kill -INT "$pid"
	wait "$pid"
	t1=$(date +%s%N)
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
	echo $(((t1 - t0) / 1000000))
}

for bin in "$builddir/tcpscope" ${2:+"$2"}; do
	echo "$bin"
	measure "$bin" "reassembly flood, $conns connections" -r "$work/reasm.pcap" -F json
	measure "$bin" "  the same, --max-flows 100000" -r "$work/reasm.pcap" -F json --max-flows 100000
	measure "$bin" "half-open flood, $servers servers" -r "$work/halfopen.pcap" -F csv --max-flows 1000
	printf '  %-44s %s ms\n' "SIGINT to exit, idle FIFO (median of 3)" \
		"$( (idle_stop_ms "$bin"; idle_stop_ms "$bin"; idle_stop_ms "$bin") | sort -n | sed -n 2p)"
done
