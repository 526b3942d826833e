#!/bin/sh
# bench/run.sh: tcpscope's wall time as a ratio to a bare libpcap read loop, and its memory per connection.
#
# Usage: sh bench/run.sh BUILDDIR        (what `make bench` runs)
#
# Environment:
#   FILE=path     capture to measure (default BUILDDIR/bench/bench.pcap, which
#                 bench/gen_bench generates when it is missing)
#   CONNS=n       without FILE: measure a generated capture of n connections
#                 (default 100000: BUILDDIR/bench/bench.pcap; others
#                 BUILDDIR/bench/bench_n.pcap, about 6.4 KB per connection)
#   ROUNDS=n      timed rounds of each program (default 5)
#   TCPSCOPE=path binary to measure (default BUILDDIR/tcpscope)
#
# The last lines: the live view's refresh cost with every connection of the
# capture held (bench/view_bench; target under 50 ms at 100k connections).
#
# Method: warm the page cache, then run the floor (bench/pcap_floor: open with
# nanosecond precision, pcap_next_ex until the end, nothing else) and
# `tcpscope -r FILE -F json > /dev/null` back to back, alternating, ROUNDS
# times each, and report the median wall time of each and their ratio.  Peak
# RSS comes from separate untimed runs.  This is a measurement, not a test: it
# exits 0 whether or not the targets are met, and non-zero only when it could
# not measure (missing program, unreadable capture, tcpscope failing).

set -u

die() {
	echo "bench: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: run.sh BUILDDIR"
builddir=$(cd "$1" 2>/dev/null && pwd) || die "$1: no such build directory"
tcpscope=${TCPSCOPE:-$builddir/tcpscope}
gen=$builddir/bench/gen_bench
floor=$builddir/bench/pcap_floor
rounds=${ROUNDS:-5}
small=$builddir/bench/small.pcap

case $rounds in
'' | *[!0-9]* | 0) die "ROUNDS=$rounds: want a positive integer" ;;
esac
for prog in "$tcpscope" "$gen" "$floor"; do
	[ -x "$prog" ] || die "$prog: not built (run: make bench)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpscope-bench.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Generates a capture unless it is there and newer than gen_bench; writes to
# a temporary name first so an interrupted run never leaves a truncated
# capture to be reused.
generate() { # OUT CONNECTIONS
	[ -s "$1" ] && [ -z "$(find "$gen" -newer "$1")" ] && return 0
	echo "bench: generating $1 ($2 connections)"
	if ! "$gen" "$1.tmp" "$2" || ! mv "$1.tmp" "$1"; then
		rm -f "$1.tmp"
		die "$gen failed"
	fi
}

if [ -n "${FILE:-}" ]; then
	file=$FILE
	[ -r "$file" ] || die "FILE=$file: cannot read it"
else
	conns_wanted=${CONNS:-100000}
	case $conns_wanted in
	'' | *[!0-9]* | 0) die "CONNS=$conns_wanted: want a positive integer" ;;
	100000) file=$builddir/bench/bench.pcap ;;
	*) file=$builddir/bench/bench_$conns_wanted.pcap ;;
	esac
	generate "$file" "$conns_wanted"
fi
generate "$small" 10

# ---------------------------------------------------------------- timer
#
# time_run CMD...: runs CMD with stdout to /dev/null and prints its wall time
# in seconds.  python3's perf_counter around the child when python3 is there
# (its own start-up is outside the interval), else date +%s%N (GNU date).
if command -v python3 >/dev/null 2>&1; then
	timer="python3 perf_counter"
	time_run() {
		python3 -c '
import subprocess, sys, time
t = time.perf_counter()
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
t = time.perf_counter() - t
if rc != 0:
    sys.exit("bench: %s exited with status %d" % (sys.argv[1], rc))
print("%.6f" % t)
' "$@"
	}
else
	case $(date +%s%N) in
	*[!0-9]*) die "no high-resolution timer: need python3 or GNU date (date +%s%N)" ;;
	esac
	timer="date +%s%N"
	time_run() {
		t0=$(date +%s%N)
		"$@" >/dev/null || {
			echo "bench: $1 exited with status $?" >&2
			return 1
		}
		t1=$(date +%s%N)
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", (b - a) / 1e9 }'
	}
fi

# ------------------------------------------------------------- peak RSS
#
# rss_run OUTFILE CMD...: runs CMD with its stdout on this function's stdout
# and writes CMD's peak resident set size in KiB to OUTFILE.  GNU time's %M
# when /usr/bin/time is GNU time, else python3's getrusage(RUSAGE_CHILDREN) in
# a fresh interpreter, whose only child is CMD.
#
# Caveat of the python3 way: Linux folds the size of the process that calls
# exec into the new program's peak (exec_mmap records the old mm's high-water
# mark), so CMD's peak reads at least as large as the forked interpreter
# (~10 MiB).  GNU time is small (~1 MiB), so this does not show there.  With
# python3, rss_harness is that floor, measured on `true`; a baseline run that
# does not rise above it is reported as hidden, and per connection as a lower
# bound.
rss_harness=0
if /usr/bin/time -f %M -o /dev/null true >/dev/null 2>&1; then
	rss_tool="GNU time %M"
	rss_run() {
		out=$1
		shift
		/usr/bin/time -f %M -o "$out.raw" "$@"
		rc=$?
		# GNU time writes "Command exited with non-zero status N" first.
		tail -n 1 "$out.raw" >"$out"
		return $rc
	}
elif command -v python3 >/dev/null 2>&1; then
	rss_tool="python3 getrusage"
	rss_run() {
		python3 -c '
import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    # ru_maxrss is in KiB on Linux (bytes on macOS)
    f.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)
' "$@"
	}
	rss_run "$tmp/rss_harness" true
	rss_harness=$(cat "$tmp/rss_harness")
else
	rss_tool="none"
	rss_run() {
		echo "n/a" >"$1"
		shift
		"$@"
	}
fi

median() { # numbers on stdin
	sort -n | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Keeps the summary line of tcpscope's JSON Lines and counts the records.
json_filter() {
	awk '/"type" *: *"summary"/ { print > "/dev/stderr" }
	     /"type" *: *"conn"/ { n++ }
	     END { print n + 0 }'
}

# Prints a top-level number of the summary line (for "connections", also an
# object's "total"), or nothing when the summary has no such number.
summary_number() { # SUMMARY_FILE FIELD
	if command -v python3 >/dev/null 2>&1; then
		python3 -c '
import json, sys
try:
    v = json.loads(open(sys.argv[1]).readline()).get(sys.argv[2])
    if isinstance(v, dict):
        v = v.get("total")
    if isinstance(v, int) and not isinstance(v, bool):
        print(v)
except (ValueError, OSError, AttributeError):
    pass
' "$1" "$2"
	else
		sed -n "s/.*\"$2\" *: *\([0-9][0-9]*\).*/\1/p" "$1" | head -n 1
	fi
}

size=$(wc -c <"$file" | tr -d ' ')
echo "bench: $file ($size bytes), $rounds rounds, timer: $timer, peak RSS: $rss_tool"

# Warm the page cache, and the programs, so every round reads from memory.
cat "$file" >/dev/null
packets=$("$floor" "$file") || die "$floor failed on $file"

# Untimed runs for memory.  Per connection is
#
#     (peak RSS on FILE - peak RSS on the 10-connection small.pcap) / connections
#
# The small run's peak is what tcpscope costs with next to no connections:
# the binary and its shared libraries, libc's heap arenas, libpcap's read
# buffer (sized from the file's snaplen), the output buffers and any table
# allocated up front.  None of that grows with the number of connections, so
# it is subtracted as a baseline; what remains is what the connections cost
# (flow table, per-connection state, and whatever the outputs keep per
# connection), divided by the number of connections tcpscope itself reports.
rss_run "$tmp/rss_big" "$tcpscope" -r "$file" -F json 2>"$tmp/err_big" |
	json_filter >"$tmp/conn_records" 2>"$tmp/summary"
if [ ! -s "$tmp/rss_big" ] || [ ! -s "$tmp/summary" ]; then
	cat "$tmp/err_big" >&2
	die "tcpscope -r $file -F json failed or wrote no summary"
fi
rss_run "$tmp/rss_small" "$tcpscope" -r "$small" -F json >/dev/null 2>"$tmp/err_small" || {
	cat "$tmp/err_small" >&2
	die "tcpscope -r $small -F json failed"
}
conns=$(summary_number "$tmp/summary" connections)
peak_flows=$(summary_number "$tmp/summary" peak_flows)
if [ -z "$conns" ]; then
	conns=$(cat "$tmp/conn_records")
	echo "bench: no \"connections\" in the summary; counted $conns connection records"
fi

# Timed rounds, alternating so drift (thermal, noisy neighbours) hits both.
: >"$tmp/t_floor"
: >"$tmp/t_tcpscope"
i=0
while [ $i -lt "$rounds" ]; do
	time_run "$floor" "$file" >>"$tmp/t_floor" || die "$floor failed"
	time_run "$tcpscope" -r "$file" -F json >>"$tmp/t_tcpscope" || die "tcpscope failed"
	i=$((i + 1))
done
t_floor=$(median <"$tmp/t_floor")
t_tcpscope=$(median <"$tmp/t_tcpscope")
echo "rounds (s): floor $(tr '\n' ' ' <"$tmp/t_floor")| tcpscope $(tr '\n' ' ' <"$tmp/t_tcpscope")"

rss_big=$(cat "$tmp/rss_big")
rss_small=$(cat "$tmp/rss_small")
awk -v tf="$t_floor" -v tt="$t_tcpscope" -v pk="$packets" \
	-v big="$rss_big" -v small="$rss_small" -v conns="$conns" -v harness="$rss_harness" \
	-v peak="$peak_flows" 'BEGIN {
	printf "floor (pcap_next_ex): %.3f s  (%d packets, %.2f Mpps)\n", tf, pk, pk / tf / 1e6
	printf "tcpscope -F json:      %.3f s\n", tt
	ratio = tt / tf
	printf "ratio: %.2f   (target <= 1.5%s)\n", ratio, ratio <= 1.5 ? ", met" : ", NOT MET"
	if (big !~ /^[0-9]+$/ || small !~ /^[0-9]+$/ || conns !~ /^[0-9]+$/ || conns == 0) {
		printf "peak RSS: %s KiB for %s connections; per connection: not measurable\n", big, conns
		exit
	}
	per = (big - small) * 1024 / conns
	if (per < 0)
		per = 0
	hidden = harness > 0 && small <= harness + 256
	printf "peak RSS: %d KiB for %d connections; per connection: %s%.0f bytes (target <= 1024%s)\n",
		big, conns, hidden ? "at least " : "", per, per <= 1024 ? ", met" : ", NOT MET"
	printf "          (baseline %d KiB on the 10-connection small.pcap subtracted", small
	if (peak ~ /^[0-9]+$/ && peak > 0)
		printf "; peak_flows in the summary: %d", peak
	printf ")\n"
	if (hidden)
		printf "          (baseline hidden under the %d KiB of python3 itself: install GNU time for an exact figure)\n", harness
}'

# The live view: one refresh (snapshot, model, sort, a screen's rows) with
# every connection of the capture held, as bench/view_bench measures it.
viewbench=$builddir/bench/view_bench
if [ -x "$viewbench" ]; then
	"$viewbench" "$file" 10 || echo "bench: view_bench failed"
fi
exit 0
