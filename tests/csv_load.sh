#!/usr/bin/env bash
# csv_load.sh - every capture of test-captures/ (crafted and real, not the
# deliberately broken files) through -F csv: a strict RFC 4180 table (header
# and one row per connection, nothing else) whose rows carry the JSON
# records' values, read by Python's csv module and, when installed, pandas
# and DuckDB; --summary FILE writes the summary as one JSON object.  The
# checks are in tests/csv_load.py.
#
# Environment (set by make check): TCPSCOPE = the binary, TOP_SRCDIR = the
# source tree.  Exit: 0 pass, 1 fail, 77 skip (python3 missing).
set -u
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TCPSCOPE=${TCPSCOPE:-$TOP_SRCDIR/tcpscope}
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
[ -x "$TCPSCOPE" ] || { echo "FAIL: tcpscope binary not found at $TCPSCOPE"; exit 1; }

caps=()
for f in "$TOP_SRCDIR"/test-captures/crafted/* "$TOP_SRCDIR"/test-captures/real/*; do
    case "$f" in
        *.pcap|*.pcapng) ;;
        *) continue ;;
    esac
    case "$(basename "$f")" in
        empty.pcap) continue ;;   # not a capture: tests/cli.sh
    esac
    caps+=("$f")
done
exec python3 "$TOP_SRCDIR/tests/csv_load.py" "$TCPSCOPE" "${caps[@]}"
