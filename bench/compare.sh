#!/bin/sh
# bench/compare.sh: two tcpscope binaries measured back to back, as issue 15 asks.
#
# Usage: sh bench/compare.sh BUILDDIR BEFORE AFTER
#
# BUILDDIR holds bench/gen_bench, bench/pcap_floor and tests/gen_flood (make
# bench tests/gen_flood). Sections (PARTS, default "100k 1m perf flood"):
#   100k   bench.pcap (100,000 connections, what `make bench` reads)
#   1m     a capture of CONNS_1M connections (default 1000000, ~6.4 GB,
#          generated once into WORK)
#            For each: ROUNDS rounds (default 5) of the floor (pcap_floor),
#            BEFORE and AFTER (-r FILE -F json > /dev/null), the order of the
#            three rotating each round so drift hits all alike. Each run's
#            wall time and peak RSS (GNU time); per binary the ratio to the
#            floor (median/median and min/min) and the bytes per connection
#            ((peak RSS - peak RSS on the 10-connection small.pcap) /
#            connections, as bench/run.sh), median and min over the rounds.
#   perf   per-thread CPU and the busiest threads' top symbols of each
#          binary on bench.pcap (bench/perf_threads.sh; timer-based)
#   flood  FLOOD_CONNS (default 5000000) SYNs from distinct sources
#          (gen_flood synflood), with the default cap and with --max-flows
#          100000: wall time, CPU (user + system) and peak RSS (-F csv to
#          /dev/null, two alternating runs each, minimum), and in a third
#          run whether every connection is reported exactly once (as many
#          CSV records as SYNs, as many distinct client address:port as
#          records).
# Environment: WORK (default /tmp/tcpscope-compare; captures are kept there
# between runs), ROUNDS, CONNS_1M, FLOOD_CONNS, PARTS.
# A measurement, not a test: exits 0 unless it could not measure.
set -u
die() { echo "compare: $*" >&2; exit 1; }
[ $# -eq 3 ] || die "usage: compare.sh BUILDDIR BEFORE AFTER"
builddir=$(cd "$1" && pwd) || die "$1: no such build directory"
before=$2 after=$3
gen=$builddir/bench/gen_bench floor=$builddir/bench/pcap_floor flood=$builddir/tests/gen_flood
for p in "$before" "$after" "$gen" "$floor" "$flood" /usr/bin/time; do
	[ -x "$p" ] || die "$p: not an executable (make bench tests/gen_flood; GNU time)"
done
rounds=${ROUNDS:-5}
work=${WORK:-/tmp/tcpscope-compare}
parts=${PARTS:-100k 1m perf flood}
mkdir -p "$work" || die "cannot create $work"
tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

generate() { # OUT CONNECTIONS
	[ -s "$1" ] && return 0
	echo "compare: generating $1 ($2 connections)"
	"$gen" "$1.tmp" "$2" >/dev/null 2>&1 && mv "$1.tmp" "$1" || die "gen_bench failed"
}

# run_one LABEL CMD...: appends "LABEL seconds peak_kib" to $tmp/runs
run_one() {
	label=$1
	shift
	t0=$(date +%s%N)
	/usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; die "$label failed"; }
	t1=$(date +%s%N)
	echo "$label $(((t1 - t0) / 1000)) $(tail -n 1 "$tmp/rss")" >>"$tmp/runs"
}

stat_of() { # LABEL FIELD(2: us, 3: KiB) -> "median min"
	awk -v l="$1" -v f="$2" '$1 == l { print $f }' "$tmp/runs" | sort -n |
		awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1] }'
}

connections_of() { # BINARY FILE: the summary's connection count
	"$1" -r "$2" -F json --summary "$tmp/sum" >/dev/null 2>&1
	sed -n 's/.*"connections":\([0-9]*\).*/\1/p' "$tmp/sum" | head -n 1
}

ratio_part() { # NAME FILE
	name=$1 file=$2 small=$builddir/bench/small.pcap
	generate "$small" 10
	cat "$file" >/dev/null # the page cache, warm
	: >"$tmp/runs"
	for b in before after; do
		eval bin=\$$b
		run_one "small_$b" "$bin" -r "$small" -F json
	done
	i=0
	while [ $i -lt "$rounds" ]; do
		case $((i % 3)) in
		0) order="floor before after" ;;
		1) order="before after floor" ;;
		*) order="after floor before" ;;
		esac
		for who in $order; do
			case $who in
			floor) run_one floor "$floor" "$file" ;;
			before) run_one before "$before" -r "$file" -F json ;;
			after) run_one after "$after" -r "$file" -F json ;;
			esac
		done
		i=$((i + 1))
	done
	conns=$(connections_of "$after" "$file")
	set -- $(stat_of floor 2)
	fmed=$1 fmin=$2
	echo "== $name: $(basename "$file"), $conns connections, $rounds rounds; floor median $(awk -v x="$fmed" 'BEGIN { printf "%.3f", x / 1e6 }') s, min $(awk -v x="$fmin" 'BEGIN { printf "%.3f", x / 1e6 }') s"
	for b in before after; do
		set -- $(stat_of "$b" 2) $(stat_of "$b" 3) $(stat_of "small_$b" 3)
		awk -v b="$b" -v tmed="$1" -v tmin="$2" -v rmed="$3" -v rmin="$4" -v small="$5" \
			-v fmed="$fmed" -v fmin="$fmin" -v conns="$conns" 'BEGIN {
			printf "  %-6s wall median %.3f s, min %.3f s | ratio median %.2f, min %.2f | bytes/conn median %.0f, min %.0f (peak RSS median %d KiB)\n",
				b, tmed / 1e6, tmin / 1e6, tmed / fmed, tmin / fmin,
				(rmed - small) * 1024 / conns, (rmin - small) * 1024 / conns, rmed }'
	done
	grep -v '^small' "$tmp/runs" | awk '{ printf "    %s %.3f s %d KiB\n", $1, $2 / 1e6, $3 }' >"$work/rounds_$name.txt"
}

flood_part() {
	n=${FLOOD_CONNS:-5000000}
	f=$work/synflood_$n.pcap
	[ -s "$f" ] || "$flood" synflood "$n" >"$f" || die "gen_flood synflood failed"
	echo "== flood: $n SYNs from distinct sources ($(wc -c <"$f") bytes), 2 alternating runs each"
	: >"$tmp/flood"
	for cap in "" "--max-flows 100000"; do
		for round in 1 2; do # timed, output to /dev/null, alternating; the minimum is reported
			for b in before after; do
				eval bin=\$$b
				# shellcheck disable=SC2086
				/usr/bin/time -f "%e %U %S %M" -o "$tmp/rss" "$bin" -r "$f" -F csv $cap >/dev/null 2>&1
				echo "$b $(tail -n 1 "$tmp/rss")" >>"$tmp/flood"
			done
		done
		for b in before after; do
			eval bin=\$$b
			# shellcheck disable=SC2086
			"$bin" -r "$f" -F csv $cap 2>/dev/null | awk -F, 'NR > 1 { print $6 " " $7 }' >"$tmp/tuples"
			records=$(wc -l <"$tmp/tuples")
			distinct=$(sort -u "$tmp/tuples" | wc -l)
			once=no
			[ "$records" -eq "$n" ] && [ "$distinct" -eq "$n" ] && once=yes
			awk -v b="$b" -v cap="${cap:-default cap}" -v rec="$records" -v dis="$distinct" -v once="$once" '$1 == b {
				if (!n++ || $2 < w) w = $2
				if (n == 1 || $3 + $4 < cpu) cpu = $3 + $4
				if ($5 > r) r = $5
			} END {
				printf "  %-6s %-20s wall min %6.2f s  CPU min %6.2f s  peak RSS %5d MiB  records %d, distinct %d: every connection once: %s\n",
					b, cap, w, cpu, r / 1024, rec, dis, once
			}' "$tmp/flood"
		done
		: >"$tmp/flood"
	done
}

for part in $parts; do
	case $part in
	100k) generate "$builddir/bench/bench.pcap" 100000; ratio_part 100k "$builddir/bench/bench.pcap" ;;
	1m) n=${CONNS_1M:-1000000}; generate "$work/bench_$n.pcap" "$n"; ratio_part 1m "$work/bench_$n.pcap" ;;
	perf)
		for b in before after; do
			eval bin=\$$b
			echo "== perf, $b ($bin) on bench.pcap"
			sh "$(dirname "$0")/perf_threads.sh" "$work/perf_$b" "$bin" -r "$builddir/bench/bench.pcap" -F json |
				sed 's/^/  /'
		done ;;
	flood) flood_part ;;
	*) die "unknown part $part" ;;
	esac
done
exit 0
