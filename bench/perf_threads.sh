#!/bin/sh
# bench/perf_threads.sh: per-thread CPU and each busy thread's top symbols, from a timer-based profile.
#
# Usage: sh bench/perf_threads.sh OUT_PREFIX TCPSCOPE ARGS...
#   Runs `perf record -e cpu-clock` (this VM has no hardware counters) on
#   TCPSCOPE ARGS... (stdout to /dev/null) and prints, per thread, its
#   samples (ms of CPU at the sampling rate) and its top 12 symbols (self
#   time). The raw profile stays in OUT_PREFIX.data for perf report/annotate.
# A measurement, not a test.
set -u
[ $# -ge 2 ] || { echo "usage: perf_threads.sh OUT_PREFIX TCPSCOPE ARGS..." >&2; exit 2; }
out=$1
shift
command -v perf >/dev/null || { echo "perf_threads: perf not installed" >&2; exit 1; }
freq=${FREQ:-2000}
perf record -q -e cpu-clock -F "$freq" -o "$out.data" "$@" >/dev/null 2>"$out.err" ||
	{ cat "$out.err" >&2; exit 1; }
perf script -i "$out.data" -F tid,ip,sym 2>/dev/null | awk -v freq="$freq" '
	NF >= 1 { tid = $1; sym = (NF >= 3 ? $3 : "[unknown]"); n[tid]++; s[tid " " sym]++; total++ }
	END {
		for (t in n) printf "thread %s: %d samples (%.0f ms CPU, %.1f%% of all)\n", t, n[t], n[t] * 1000 / freq, 100 * n[t] / total | "sort -t: -k2 -rn"
		close("sort -t: -k2 -rn")
		for (k in s) { split(k, a, " "); if (n[a[1]] * 10 >= total) printf "%s %d %.1f\n", k, s[k], 100 * s[k] / n[a[1]] }
	}' >"$out.txt"
grep '^thread' "$out.txt"
for t in $(grep '^thread' "$out.txt" | sed 's/thread \([0-9]*\).*/\1/'); do
	grep -q "^$t " "$out.txt" || continue
	echo "top symbols of thread $t (self %):"
	grep "^$t " "$out.txt" | sort -k3 -rn | head -12 | awk '{ printf "  %5.1f%%  %s\n", $4, $2 }'
done
