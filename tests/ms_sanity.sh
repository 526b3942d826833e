#!/usr/bin/env bash
# ms_sanity.sh - no "*_ms" figure of any record of any project capture
# (test-captures/crafted and real, and ../shared/captures when present) is
# negative or longer than its capture (issue 12: a time difference is
# signed; a negative sample is dropped and counted in the summary's
# negative_gaps, which crafted/lc_negative_gaps.pcap checks: 5, worked out
# in test-captures/lifecycle_expected.py).  See tests/ms_sanity.py.
#
# Environment (set by make check): TCPSCOPE, TOP_SRCDIR.
# Exit: 0 pass, 1 fail, 77 skip (python3 missing).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TCPSCOPE=${TCPSCOPE:-$TOP_SRCDIR/tcpscope}
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
[ -x "$TCPSCOPE" ] || { echo "FAIL: tcpscope binary not found at $TCPSCOPE"; exit 1; }
files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(
    find "$TOP_SRCDIR/test-captures" "$TOP_SRCDIR/../shared/captures" -type f \
        \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.gz' -o -name '*.zst' \
           -o -name '*.lz4' -o -name '*.xz' \) -print0 2>/dev/null | sort -z)
exec python3 "$TOP_SRCDIR/tests/ms_sanity.py" "$TCPSCOPE" --expect lc_negative_gaps.pcap=5 "${files[@]}"
