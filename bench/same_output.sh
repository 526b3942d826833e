#!/bin/sh
# bench/same_output.sh - does a change keep tcpscope's output byte for byte?
#
# Usage: sh bench/same_output.sh BEFORE_BINARY AFTER_BINARY [CAPTURE...]
#
# Runs both binaries on every capture given (default: every capture under
# test-captures/ and, when present, ../shared/captures/, plus bench/small.pcap
# when built) in each format (text, csv, json), with and without --events, and
# --conn 1-3 --timeline (JSON, text) and --by server|client (each format), and
# compares stdout, stderr (warnings) and the --summary JSON byte for byte. Prints one line per
# difference and a count; exits 1 when anything differs, 0 when all agree.
set -u
[ $# -ge 2 ] || { echo "usage: same_output.sh BEFORE AFTER [CAPTURE...]" >&2; exit 2; }
before=$1 after=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
for b in "$before" "$after"; do
	[ -x "$b" ] || { echo "same_output: $b: not an executable" >&2; exit 2; }
done
if [ $# -eq 0 ]; then
	set -- $(find "$top/test-captures" "$top/../shared/captures" -type f \
		\( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.pcap.gz' \) 2>/dev/null | sort)
	[ -f "$top/bench/small.pcap" ] && set -- "$@" "$top/bench/small.pcap"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/same_output.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
runs=0 diffs=0
for cap in "$@"; do
	for fmt in text csv json; do
		for ev in "" --events; do
			[ "$fmt" = csv ] && [ -n "$ev" ] && continue # CSV has no place for events
			for side in before after; do
				eval bin=\$$side
				COLUMNS=160 "$bin" -r "$cap" -F "$fmt" $ev --summary "$tmp/$side.sum" \
					>"$tmp/$side.out" 2>"$tmp/$side.err"
				echo "exit $?" >>"$tmp/$side.out"
			done
			runs=$((runs + 1))
			if ! cmp -s "$tmp/before.out" "$tmp/after.out" ||
			   ! cmp -s "$tmp/before.err" "$tmp/after.err" ||
			   ! cmp -s "$tmp/before.sum" "$tmp/after.sum" 2>/dev/null; then
				diffs=$((diffs + 1))
				echo "DIFFERS: $cap -F $fmt $ev"
			fi
		done
	done
	# the timeline's packet records and the --by records
	for args in "--conn 1-3 --timeline -F json" "--conn 1-3 --timeline" "--by server -F json" \
		    "--by server -F csv" "--by server" "--by client -F json" "--by client -F csv" "--by client"; do
		for side in before after; do
			eval bin=\$$side
			COLUMNS=160 "$bin" -r "$cap" $args >"$tmp/$side.out" 2>"$tmp/$side.err"
			echo "exit $?" >>"$tmp/$side.out"
		done
		runs=$((runs + 1))
		if ! cmp -s "$tmp/before.out" "$tmp/after.out" || ! cmp -s "$tmp/before.err" "$tmp/after.err"; then
			diffs=$((diffs + 1))
			echo "DIFFERS: $cap $args"
		fi
	done
done
echo "same_output: $runs runs, $diffs differ"
[ "$diffs" -eq 0 ]
