#!/usr/bin/env bash
# schema.sh - docs/schema.json (JSON Schema draft 2020-12) is generated from
# the field table (tcpscope --list-fields | tests/gen_schema.py), every
# record of every capture in test-captures/ (-F json --events; the packets
# of --conn 1-3 --timeline; --by server and --by client) validates
# against it with python3-jsonschema, and wrong records fail. The checks are
# in tests/schema_check.py.
#
# Environment (set by make check): TCPSCOPE = the binary, TOP_SRCDIR = the
# source tree.  Exit: 0 pass, 1 fail, 77 skip (no python3).
set -u
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TCPSCOPE=${TCPSCOPE:-$TOP_SRCDIR/tcpscope}
[ -x "$TCPSCOPE" ] || { echo "FAIL: tcpscope binary not found at $TCPSCOPE"; exit 1; }

# The python3 first on PATH may be another installation than Debian's,
# which bootstrap.sh gives python3-jsonschema.
py=
for p in python3 /usr/bin/python3; do
	command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null && { py=$p; break; }
done
if [ -z "$py" ]; then
	command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
	echo "FAIL: no python3 with the jsonschema module (bootstrap.sh installs python3-jsonschema)"
	exit 1
fi

caps=()
while IFS= read -r f; do
	[ "$(basename "$f")" = empty.pcap ] && continue # not a capture: tests/cli.sh
	caps+=("$f")
done < <(find "$TOP_SRCDIR/test-captures" -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort)
exec "$py" "$TOP_SRCDIR/tests/schema_check.py" "$TCPSCOPE" "$TOP_SRCDIR/docs/schema.json" "${caps[@]}"
