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
# the analyzer target takes the whole core: every module but main and the capture side
core=$(ls src/*.c | grep -v -e '/main\.c$' -e '/capture\.c$' -e '/feed\.c$' -e '/decompress\.c$')
for target in tls http analyzer decode; do
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
