# netns_lib.sh - sourced by the live tests: two network namespaces joined by
# a veth pair, a web server in one, and helpers to start and stop tcpscope.
#
# netns_setup SUBNET     client namespace $NSC (SUBNET.1 on $VC) and server
#                        namespace $NSS (SUBNET.2 on $VS); $WORK a scratch folder
# netns_http_server      python3's http.server on SUBNET.2:8000 serving $WORK/www
# netns_wait_capturing PID   until PID has a packet socket open in $NSC (5 s)
# netns_stop PID         SIGINT, wait up to 5 s; sets $rc to its exit status
# Callers define skip and fail, and set TCPSCOPE.  Every wait is bounded.

NSC=tslive-c-$$; NSS=tslive-s-$$
VC=tlc$$; VS=tls$$                  # interface names must fit in 15 bytes
WORK=''; SERVER_PID=''; CLEANUP_PIDS=''

netns_cleanup() {
    for p in $CLEANUP_PIDS; do kill -KILL "$p" 2>/dev/null; done
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    for p in $CLEANUP_PIDS $SERVER_PID; do wait "$p" 2>/dev/null; done
    ip netns del "$NSC" 2>/dev/null
    ip netns del "$NSS" 2>/dev/null
    [ -n "$WORK" ] && rm -rf "$WORK"
}

netns_setup() {
    [ "$(id -u)" = 0 ] || skip "live capture in network namespaces needs root"
    for t in ip python3 curl; do
        command -v "$t" >/dev/null 2>&1 || skip "$t not found"
    done
    [ -x "$TCPSCOPE" ] || fail "tcpscope binary not found at $TCPSCOPE"
    SUBNET=$1
    WORK=$(mktemp -d /tmp/tslive.XXXXXX) || fail "mktemp failed"
    trap netns_cleanup EXIT
    trap 'exit 1' INT TERM
    ip netns add "$NSC" 2>/dev/null || skip "ip netns add failed (no permission for network namespaces?)"
    ip netns add "$NSS" || fail "ip netns add $NSS failed"
    ip link add "$VC" netns "$NSC" type veth peer name "$VS" netns "$NSS" || fail "cannot create the veth pair"
    if ! { ip -n "$NSC" link set lo up && ip -n "$NSS" link set lo up &&
           ip -n "$NSC" addr add "$SUBNET.1/24" dev "$VC" && ip -n "$NSS" addr add "$SUBNET.2/24" dev "$VS" &&
           ip -n "$NSC" link set "$VC" up && ip -n "$NSS" link set "$VS" up; }; then
        fail "cannot configure the veth pair"
    fi
}

netns_http_server() {
    mkdir -p "$WORK/www"
    # "ip netns exec" execs the command, so $! is the server's own pid.
    ip netns exec "$NSS" python3 -m http.server 8000 --bind "$SUBNET.2" --directory "$WORK/www" \
        >"$WORK/http.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 50); do      # up to 5 s; before any capture starts, so not captured
        if ip netns exec "$NSC" curl -s -o /dev/null --max-time 1 "http://$SUBNET.2:8000/"; then
            sleep 0.3           # the probe's teardown is over before a capture starts
            return 0
        fi
        sleep 0.1
    done
    fail "http.server did not start in $NSS: $(cat "$WORK/http.log")"
}

netns_wait_capturing() {
    local before
    before=${2:-1}
    for _ in $(seq 50); do
        kill -0 "$1" 2>/dev/null || fail "tcpscope exited early"
        if [ "$(ip netns exec "$NSC" cat /proc/net/packet | wc -l)" -gt "$before" ]; then
            sleep 0.3
            return 0
        fi
        sleep 0.1
    done
    fail "tcpscope did not open a packet socket within 5 s"
}

netns_stop() {
    kill -INT "$1" || fail "cannot signal tcpscope"
    for _ in $(seq 50); do      # up to 5 s to write the report and exit
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$1" 2>/dev/null && fail "tcpscope still running 5 s after SIGINT"
    wait "$1"; rc=$?
}
