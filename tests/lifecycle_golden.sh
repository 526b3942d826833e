#!/usr/bin/env bash
# lifecycle_golden.sh - issue 3 (connection life cycle): tcpscope's state,
# history, client_state/server_state, handshake, per-direction fin/rst
# counters, teardown, diagnoses and the summary's syn_flood on every
# test-captures/crafted/lc_*.pcap (written by test-captures/gen_lifecycle.py)
# must equal the values worked out by hand in
# test-captures/lifecycle_expected.py (RFC 793/9293, include/tcp_state.h's
# observer rules, Zeek's conn_state/history source); then the same for the
# real Linux captures named in test-captures/lifecycle_real_expected.py,
# whose timings are compared with tshark directly.  Every mismatch is
# printed as FILE conn N (client -> server): field: expected X, got Y.
#
# When tshark is installed the expected file itself is first checked against
# tshark (SYN/SYN-ACK counts and intervals, syn_synack_ms, FIN/RST per
# direction, first FIN, '^'): a disagreement there is an oracle bug and fails
# the test too ("ORACLE MISMATCH").
#
# Environment (set by make check): TCPSCOPE = the binary, TOP_SRCDIR = the
# source tree.  Exit: 0 pass, 1 fail, 77 skip (python3 missing).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u

TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TCPSCOPE=${TCPSCOPE:-$TOP_SRCDIR/tcpscope}
CAPS=$TOP_SRCDIR/test-captures
HELPER=$TOP_SRCDIR/tests/lifecycle_golden.py

if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 not found"
    exit 77
fi
[ -x "$TCPSCOPE" ] || { echo "FAIL: tcpscope binary not found at $TCPSCOPE"; exit 1; }
[ -f "$CAPS/lifecycle_expected.py" ] || { echo "FAIL: $CAPS/lifecycle_expected.py missing"; exit 1; }

rc=0
if command -v tshark >/dev/null 2>&1; then
    python3 "$HELPER" tshark-check --root "$CAPS" || rc=1
else
    echo "note: tshark not found, the expected file is not cross-checked"
fi
python3 "$HELPER" compare --tcpscope "$TCPSCOPE" --root "$CAPS" || rc=1
# the same on the real Linux captures (record_netns.sh), timings against tshark
if command -v tshark >/dev/null 2>&1; then
    python3 "$HELPER" tshark-check --set real --root "$CAPS" || rc=1
fi
python3 "$HELPER" compare --set real --tcpscope "$TCPSCOPE" --root "$CAPS" || rc=1
exit $rc
