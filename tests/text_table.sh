#!/usr/bin/env bash
# text_table.sh - the text report of every capture of test-captures/
# (crafted and real, not the deliberately broken files) at COLUMNS=80, 120
# and 250: in id order, no line wider than the width in display columns,
# long names and addresses cut with an ellipsis; --sort and --top on
# real/demo.pcap.  The checks are in tests/text_table.py.
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
    case "$f" in *.pcap|*.pcapng) ;; *) continue ;; esac
    [ "$(basename "$f")" = empty.pcap ] && continue   # not a capture: tests/cli.sh
    caps+=("$f")
done
exec python3 "$TOP_SRCDIR/tests/text_table.py" "$TCPSCOPE" "${caps[@]}"
