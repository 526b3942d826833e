#!/usr/bin/env bash
# privileges.sh - live capture gives up root once the interface is open
# (issue 13): in a network namespace pair (tests/netns_lib.sh), "tcpscope -i"
# started as root runs as nobody with no capabilities and no_new_privs while
# it parses, and still captures a connection and writes its report (the -o
# file was opened before the switch); -Z root keeps root; -Z with an unknown
# user is exit 1 with one line; -Z with -r is a usage error; a user without
# CAP_NET_RAW is told what is needed.
#
# Needs root, ip netns, python3, curl, setpriv.  Exit: 0 pass, 1 fail, 77 skip.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u

TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TCPSCOPE=${TCPSCOPE:-$TOP_SRCDIR/tcpscope}

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; [ -s "${ERR:-/dev/null}" ] && sed 's/^/  tcpscope stderr: /' "$ERR"; exit 1; }
ok() { echo "ok   $*"; }
. "$TOP_SRCDIR/tests/netns_lib.sh"

netns_setup 10.198.0
getent passwd nobody >/dev/null || skip "no user nobody"
nobody_uid=$(id -u nobody)
OUT=$WORK/out.json; ERR=$WORK/err.txt
mkdir -p "$WORK/www" && echo hello > "$WORK/www/index.html"
netns_http_server

field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# default: nobody, nothing left
ip netns exec "$NSC" "$TCPSCOPE" -i "$VC" -F json -o "$OUT" 2>"$ERR" &
SCOPE_PID=$!; CLEANUP_PIDS=$SCOPE_PID
netns_wait_capturing "$SCOPE_PID"
[ "$(field "$SCOPE_PID" Uid)" = "$nobody_uid" ] && ok "runs as nobody ($nobody_uid)" ||
    fail "uid $(field "$SCOPE_PID" Uid), expected $nobody_uid"
[ "$(field "$SCOPE_PID" Gid)" = "$(id -g nobody)" ] && ok "with nobody's group" || fail "gid $(field "$SCOPE_PID" Gid)"
for task in /proc/"$SCOPE_PID"/task/*; do
    eff=$(awk '$1 == "CapEff:" { print $2 }' "$task/status")
    prm=$(awk '$1 == "CapPrm:" { print $2 }' "$task/status")
    [ "$eff" = 0000000000000000 ] && [ "$prm" = 0000000000000000 ] ||
        fail "thread $(basename "$task") keeps capabilities: CapEff $eff CapPrm $prm"
done
ok "no capabilities in any thread"
[ "$(field "$SCOPE_PID" NoNewPrivs)" = 1 ] && ok "no_new_privs set" || fail "no_new_privs not set"
ip netns exec "$NSC" curl -s -o /dev/null --max-time 3 --local-port 41101 http://10.198.0.2:8000/ ||
    fail "curl failed"
sleep 0.8
netns_stop "$SCOPE_PID"; CLEANUP_PIDS=''
[ "$rc" = 0 ] || fail "exit $rc"
grep -q '"client":{"ip":"10.198.0.1","port":41101}' "$OUT" && ok "the connection is reported after the switch" ||
    fail "no record of the connection in $(cat "$OUT")"

# -Z root keeps root
ip netns exec "$NSC" "$TCPSCOPE" -i "$VC" -Z root -F json -o "$WORK/root.json" 2>"$ERR" &
SCOPE_PID=$!; CLEANUP_PIDS=$SCOPE_PID
netns_wait_capturing "$SCOPE_PID"
[ "$(field "$SCOPE_PID" Uid)" = 0 ] && ok "-Z root keeps root" || fail "-Z root: uid $(field "$SCOPE_PID" Uid)"
netns_stop "$SCOPE_PID"; CLEANUP_PIDS=''
[ "$rc" = 0 ] || fail "-Z root: exit $rc"

# -Z an unknown user: exit 1, one line, before any packet is parsed
ip netns exec "$NSC" "$TCPSCOPE" -i "$VC" -Z no-such-user-tcpscope >/dev/null 2>"$ERR"
rc=$?
[ "$rc" = 1 ] && grep -q 'no-such-user-tcpscope' "$ERR" && [ "$(wc -l < "$ERR")" = 1 ] &&
    ok "-Z unknown user: exit 1, one line" || fail "-Z unknown user: exit $rc"
"$TCPSCOPE" -r /dev/null -Z nobody >/dev/null 2>"$ERR"
[ $? = 2 ] && ok "-Z with -r: usage error" || fail "-Z with -r accepted"

# a user without CAP_NET_RAW is told what is needed
if command -v setpriv >/dev/null; then
    ip netns exec "$NSC" setpriv --reuid="$nobody_uid" --regid="$(id -g nobody)" --clear-groups \
        --inh-caps=-all --bounding-set=-all "$TCPSCOPE" -i "$VC" >/dev/null 2>"$ERR"
    rc=$?
    [ "$rc" = 1 ] && grep -q 'CAP_NET_RAW' "$ERR" && ok "without CAP_NET_RAW: exit 1 naming what is needed" ||
        fail "without CAP_NET_RAW: exit $rc"
else
    echo "skip the unprivileged run: setpriv not found"
fi
ERR=''
echo "privileges: all passed"
