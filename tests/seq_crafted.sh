#!/usr/bin/env bash
# seq_crafted.sh - the sequence-analysis scenarios of test-captures/gen_seq.py:
# tcpscope's JSON must hold exactly the hand-worked values of the generator's
# EXPECTED table (worked out in each scenario's docstring).  Then the one
# deliberate difference from Wireshark: in seq_zero_window.pcap tshark flags
# the two Linux zero-window probes (no data, at snd_una - 1) as keep-alives;
# tcpscope counts them as zero_window_probes (the peer's window was 0) and
# reports no keepalives (docs/DESIGN.md).  The other oracle fields are
# checked against tshark on every capture by tests/tshark_golden.sh.
#
# Environment (set by make check): TCPSCOPE, TOP_SRCDIR.  Exit: 0 pass,
# 1 fail, 77 skip (python3 missing).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u

TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TCPSCOPE=${TCPSCOPE:-$TOP_SRCDIR/tcpscope}
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }

exec python3 - "$TCPSCOPE" "$TOP_SRCDIR" <<'EOF'
import json, os, shutil, subprocess, sys

tcpscope, top = sys.argv[1], sys.argv[2]
caps = os.path.join(top, "test-captures", "crafted")
gen = os.path.join(top, "test-captures", "gen_seq.py")
expected = json.loads(subprocess.run([sys.executable, gen, "--expected"],
                                     capture_output=True, text=True, check=True).stdout)
fails = 0

def conn_of(path):
    out = subprocess.run([tcpscope, "-r", path, "-F", "json"], capture_output=True, text=True)
    conns = [json.loads(l) for l in out.stdout.splitlines() if '"type":"conn"' in l]
    assert len(conns) == 1, "%s: %d connections" % (path, len(conns))
    return conns[0]

def field(obj, dotted):
    for k in dotted.split("."):
        obj = obj[k]
    return obj

for name in sorted(expected):
    conn = conn_of(os.path.join(caps, name))
    bad = []
    for d, fields in sorted(expected[name].items()):
        for k, want in sorted(fields.items()):
            got = field(conn[d], k)
            ok = abs(got - want) < 1e-9 if isinstance(want, float) else got == want
            if not ok:
                bad.append("%s.%s = %r, expected %r" % (d, k, got, want))
    if bad:
        fails += 1
        print("FAIL %s: %s" % (name, "; ".join(bad)))
    else:
        print("ok   %s (%d values)" % (name, sum(len(v) for v in expected[name].values())))

# The documented difference, shown on the capture.
zw = os.path.join(caps, "seq_zero_window.pcap")
conn = conn_of(zw)
if shutil.which("tshark"):
    out = subprocess.run(["tshark", "-n", "-r", zw, "-Y",
                          "tcp.analysis.keep_alive && tcp.srcport == 80",
                          "-T", "fields", "-e", "frame.number"],
                         capture_output=True, text=True).stdout.split()
    if len(out) == 2 and conn["s2c"]["keepalives"] == 0 and conn["s2c"]["zero_window_probes"] == 3:
        print("ok   seq_zero_window.pcap: tshark calls the 2 Linux probes keep-alives "
              "(frames %s); tcpscope counts 3 zero_window_probes, 0 keepalives" % ",".join(out))
    else:
        fails += 1
        print("FAIL seq_zero_window.pcap: tshark keep-alives %r, tcpscope s2c %r" % (out, conn["s2c"]))
else:
    print("note: tshark not found, the zero-window-probe difference is not shown")
sys.exit(1 if fails else 0)
EOF
