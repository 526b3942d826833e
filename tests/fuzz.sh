#!/bin/sh
# fuzz.sh - build the libFuzzer targets with clang and run each for a while.
#   sh tests/fuzz.sh [SECONDS]     (default 30 per target; CI runs this)
# Needs clang with libFuzzer (Debian: clang libclang-rt-14-dev). A crash or a
# broken invariant makes libFuzzer exit non-zero, and so does this script;
# the reproducer is left in the work directory it prints.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-30}
command -v clang >/dev/null || { echo "fuzz: clang not installed"; exit 77; }
work=$(mktemp -d /tmp/tcpscope-fuzz.XXXXXX)
echo "fuzz: work directory $work"
# the analyzer target takes the whole core: every module but main, the capture side and the view's terminal and loop
core=$(ls src/*.c | grep -v -e '/main\.c$' -e '/capture\.c$' -e '/feed\.c$' -e '/decompress\.c$' -e '/stop\.c$' -e '/pcapng\.c$' -e '/tui\.c$' -e '/viewloop\.c$')
for target in tls http analyzer pcapng decode; do
	src=tests/fuzz_$target.c
	[ -f "$src" ] || continue
	if [ "$target" = analyzer ]; then deps=$core; else deps=src/$target.c; fi
	# shellcheck disable=SC2086 # deps is a list of files
	clang -std=c11 -g -O1 -D_DEFAULT_SOURCE -DTCPSCOPE_PLAIN_MALLOC=1 -pthread -Iinclude \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		"$src" $deps -o "$work/fuzz_$target"
	corpus="$work/corpus_$target"
	mkdir -p "$corpus"
	# the committed seeds are copied: the run's new inputs stay out of the tree
	[ -d tests/fuzz_corpus/$target ] && cp tests/fuzz_corpus/$target/* "$corpus"/ 2>/dev/null || true
	echo "fuzz: $target for $secs s"
	(cd "$work" && ./fuzz_$target -max_len=20000 -max_total_time="$secs" -print_final_stats=1 \
		"$corpus" 2>&1 | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY)" || true)
	# libFuzzer's status is what counts: rerun the corpus once to confirm no crash input remains
	(cd "$work" && ./fuzz_$target -runs=0 "$corpus" >/dev/null 2>&1) || { echo "fuzz: $target crashed"; exit 1; }
	if ls "$work"/crash-* >/dev/null 2>&1; then
		echo "fuzz: $target found a crash: $(ls "$work"/crash-*)"
		exit 1
	fi
done
echo "fuzz: no crash"

# Robustness under floods (issue 13), with the built binary (.ci/run builds it
# first): the reassembly flood (gap far past REASM_AHEAD, then one inside it,
# where the budget bounds it) and the half-open flood, each under a peak RSS
# limit and a virtual-memory cap, so a lost bound fails here instead of
# swapping the machine. Skipped when the binary or GNU time is missing.
if [ -x ./tcpscope ] && [ -x tests/gen_flood ] && [ -x /usr/bin/time ]; then
	flood() { # flood NAME MAX_RSS_KIB GEN_ARGS -- TCPSCOPE_ARGS
		name=$1 max=$2
		shift 2
		gen=""
		while [ "$1" != "--" ]; do gen="$gen $1"; shift; done
		shift
		# shellcheck disable=SC2086 # gen is a word list
		tests/gen_flood $gen > "$work/flood.pcap"
		(ulimit -v 4000000; /usr/bin/time -f %M -o "$work/rss" ./tcpscope -r "$work/flood.pcap" "$@" >/dev/null 2>&1) ||
			{ echo "fuzz: $name: tcpscope failed"; exit 1; }
		kb=$(tail -1 "$work/rss")
		if [ "$kb" -gt "$max" ]; then
			echo "fuzz: $name: peak RSS $kb KiB over the limit of $max KiB"
			exit 1
		fi
		echo "fuzz: $name: peak RSS $kb KiB (limit $max)"
	}
	flood "reassembly flood, 200k connections" 300000 reasm 200000 -- -F json
	flood "reassembly flood inside the window, 200k connections" 450000 reasm 200000 8000 -- -F json
	flood "half-open flood, 300k servers" 40000 halfopen 300000 -- -F csv --max-flows 1000
	rm -f "$work/flood.pcap"
else
	echo "fuzz: flood checks skipped (./tcpscope, tests/gen_flood or GNU time missing)"
fi
