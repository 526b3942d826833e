#!/bin/sh
# fields_docs.sh - the field lists of README.md and man/tcpscope.1 name
# exactly the fields of the field table (tcpscope --list-fields): a doc that
# lists a field the table lacks, or misses one it has, fails. The checks are
# in tests/fields_docs.py.
#
# Environment (set by make check): TCPSCOPE = the binary, TOP_SRCDIR = the
# source tree.  Exit: 0 pass, 1 fail, 77 skip (python3 missing).
set -u
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TCPSCOPE=${TCPSCOPE:-$TOP_SRCDIR/tcpscope}
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
[ -x "$TCPSCOPE" ] || { echo "FAIL: tcpscope binary not found at $TCPSCOPE"; exit 1; }
exec python3 "$TOP_SRCDIR/tests/fields_docs.py" "$TCPSCOPE" "$TOP_SRCDIR/README.md" "$TOP_SRCDIR/man/tcpscope.1"
