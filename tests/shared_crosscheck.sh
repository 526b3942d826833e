#!/usr/bin/env bash
# shared_crosscheck.sh - tcpscope against tshark's reference figures for the
# public capture corpus in $TOP_SRCDIR/../shared/captures (not part of this
# repository: the test skips when it is absent).
#
# For each capture listed in ref/_status.tsv and ref/_status_tunnel.tsv (the
# tunnel/ category, kept apart in the corpus until tunnels were decoded; read
# when present), tests/compare_tshark.py (ref
# mode) runs "tcpscope -r FILE -F json" and compares per connection the
# client/server endpoints and the packets, bytes and payload_bytes totals
# with ref/<file>.tsv (made by make_ref.sh with tshark 4.0.17), matching by
# endpoint pair and then by order of first frame; it also checks tcpscope's
# exit code, summary frame count and "warning" against _status.tsv.  Prints
# "FILE: agree A/T" per file plus the differences.
#
# SNI: for every connection paired with a reference stream (in every file,
# EXACT or KNOWN), tcpscope's tls.sni must be one of the ref's "sni" values
# (tshark's distinct tls.handshake.extensions_server_name values of the
# stream); no name on both sides agrees.  Printed per file as "SNI FILE:
# agree S/P, with a name A/N" and in total at the end ("SNI: A/N
# connections with a server name agree ...").  SNI_KNOWN lists expected SNI
# differences per stream with their reason; any other SNI difference fails
# the test, and so does a listed one that agrees.
#
# Pass = every file in EXACT agrees exactly, and every SNI agrees or is in
# SNI_KNOWN.  Files in KNOWN differ for a reason written next to them: their
# figures are printed, not failed.  A KNOWN file that starts agreeing, or a
# corpus file in neither list, fails the test so that the lists stay true.
#
# Sequence analysis: see SEQ_MIN below.
#
# Environment (set by make check): TCPSCOPE, TOP_SRCDIR.
# Exit: 0 pass, 1 fail, 77 skip (corpus or python3 missing).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u

TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TCPSCOPE=${TCPSCOPE:-$TOP_SRCDIR/tcpscope}
CORPUS=$TOP_SRCDIR/../shared/captures
HELPER=$TOP_SRCDIR/tests/compare_tshark.py

if [ ! -f "$CORPUS/ref/_status.tsv" ]; then
    echo "SKIP: shared capture corpus not found ($CORPUS/ref/_status.tsv)"
    exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 not found"
    exit 77
fi
[ -x "$TCPSCOPE" ] || { echo "FAIL: tcpscope binary not found at $TCPSCOPE"; exit 1; }

# Files whose every connection must agree exactly with tshark (including the
# unreadable ones, where agreeing means tcpscope refuses them with exit 1,
# and the cut-short ones, where it means a warning and the same frames).
EXACT="
pcapng_mixed_linktypes.pcapng
sslv2_hello.pcap tls12_sni_heise.pcap tls13_ech_cloudflare.pcap
tls13_ech_ipv6_nano.pcapng tls13_kyber_bigch.pcap tls13_sni_curl.pcap
tls_esni_draft.pcap tls_huge_ch_12seg.pcapng tls_nosni_simulclose.pcap
tls_record_frag_ipsni.pcap tls_split_ch_ech.pcap tls_split_ch_mtu300.pcap
tls_starttls_smtp_vlan_v6.pcap
bulk_smb_vlan_298s.pcap fast_retransmit_sack.pcap handshake_reorder.pcap
keepalive_nest.pcap many_short_synscan.pcap missing_syn_midstream.pcap
mptcp_v1_sll.pcap retrans_wireshark.pcap rst_inject.pcap rst_many_ethereum.pcap
simultaneous_close_mysql.pcap simultaneous_open_4whs.pcap tfo_syn_data.pcap
window_full_mime.pcap zero_window_206b.pcap zwp_truncated_file.pcap
ipv6_http_fastretr.pcap nano_pcap_ether.pcap nano_pcap_sll.pcap
null_loopback_multiflows.pcap null_pgsql_tls.pcapng pcapng_22ifaces_sites.pcapng
pcapng_4ifaces_nano.pcapng qinq_http.pcap qinq_pppoe_tls.pcap qinqinq_http.pcap
rawip4_syslog.pcap rawip_ocs_sack.pcap rawip_tfo_tls.pcap sll2_http.pcap
sll2_openjdk_tls13.pcap sll_kakaotalk.pcap vlan_ultrasurf.pcap
cut_short_nano.pcap damaged_reclen_smtp.pcap damaged_tls_der.pcap empty.pcap
heapoverflow_tcp_print.pcap mptcp_dss_oobr.pcap pcap_invalid_version.pcap
pcapng_invalid_version.pcapng pcapng_shb_option_too_long.pcapng
syn_bad_checksum.pcap tcp_all_flags.pcap tcp_auth_heapoverflow.pcap
tcp_header_heapoverflow.pcap tcp_rst_data_trunc.pcap tcp_truncated_header.pcap
tls_esni_fuzzed.pcap
echo_500conns_loopback.pcap mixed_1kxun_98flows.pcap
gre_tcp.pcap ip4in6_tcp.pcap mpls_in_vlan.pcap mpls_vlan_mixed.pcap
nflog_http.pcap pbb_tcp.pcap vxlan_http.pcap
"

# Files with known, explained differences: "file<TAB>reason" (figures from
# tcpscope at the time of writing vs tshark 4.0.17).
KNOWN=$(cat <<'EOF'
rawip6_frag_tcp.pcap	IPv6 fragments: the only TCP segment arrives as 3 fragments. tcpscope counts them (ip_fragments = 3) and does not reassemble (documented); tshark reassembles and gives stream 0 one packet.
fuzz_huge_reclen.pcap	Damaged record header after the first record: libpcap (and tcpdump -r) stop there, 1 frame + warning; tshark's wiretap guesses a second, 1-byte record (frame 2, frame.len 1048576) before giving up. No TCP connection on either side.
ipv4_malformed_midstream.pcap	Frame 8 carries IPv4 option 130 (Security) with length 2, below the minimum of 3 (RFC 1108; 11 in RFC 791): tshark flags the frame malformed and gives it no TCP stream, and the capture's source (Suricata-verify) expects it dropped (the FIN in frame 9 reuses seq 1035). tcpscope walks IPv4 options for length consistency only (length >= 2, inside the header), like the Linux receive path, which does not check the Security option's length either (documented decision, docs/DESIGN.md "IPv4 options"), so it counts the frame: stream 0 is 11/649/43 (packets/bytes/payload) in tcpscope vs 10/582/42 in tshark.
kday4.pcap	Fuzzed timestamps: frame 6 jumps 24 days ahead, later frames go back. tcpscope's idle timeouts run on packet time (documented), so frame 6 ends the open connections (end_reason timeout) and, on 204.9.54.80:55936-204.0.55.10:323 (tshark stream 2: frames 5, 9, 13), frame 5 stays in record 3 while frames 9 and 13 start record 7. Frame 10 has an IPv4 total length (820) beyond the 66-byte frame: tcpscope decode error bad_ip_total_len, tshark still counts it in stream 3.
wireshark_fuzz_2594.pcap	Frames 62, 65 and 83 have an IPv4 total length beyond the frame (not a snaplen cut): tcpscope counts them as bad_ip_total_len decode errors; tshark dissects what is there and makes each a one-frame stream (8, 10, 18).
wireshark_fuzz_28586.pcap	Frame 27 (all TCP flags set) and frame 80 declare a 40-byte TCP header in a 20-byte segment (tshark: "Short segment"): tcpscope decode errors (bad_tcp_header_len). tshark still dissects frame 27 as a SYN with a new sequence number and opens stream 8 for it, so frames 40/42/43 land in stream 8 in tshark but stay in connection 2 (tshark stream 1) in tcpscope; frame 80 alone is tshark stream 23. Frame 72 has an IPv4 total length of 9587 in a 1514-byte frame: tcpscope bad_ip_total_len, tshark counts it in stream 19.
teredo_tcp.pcap	Packets after an accepted RST (docs/DESIGN.md, issue 12): on 192.168.2.16:1576 (tshark stream 0) the client's RST (frame 18) is followed 16 s later by the server's RST (frame 51), and on :1578 (stream 2) likewise; more than 5 s after an accepted RST tcpscope starts a new record (as Zeek does), tshark keeps one stream: tcpscope 3+1 and 10+1 packets where tshark has 4 and 11. (Its Teredo frames carry ICMPv6 only: the TCP connections are native IPv4, so the file agreed the same way before tunnels were decoded; Teredo with TCP inside is checked on crafted captures.)
EOF
)

# Expected SNI differences: "file<TAB>ref stream<TAB>reason".  Empty at the
# moment: every connection of the corpus agrees.  The one that used to
# differ is tls_starttls_smtp_vlan_v6.pcap stream 1 (SMTP STARTTLS over
# IPv6, SNI dovecot.weberlab.de in a ClientHello that follows the clear-text
# SMTP dialogue); tcpscope observes a ClientHello after STARTTLS since
# commit e2b23d0 ("Observers follow STARTTLS").  Stream 0 of that file is
# STARTTLS too, with a ClientHello without SNI: both sides have none.
SNI_KNOWN=$(cat <<'EOF'
EOF
)

in_exact() { case " $(printf "%s" "$EXACT" | tr "\n" " ") " in *" $1 "*) return 0 ;; esac; return 1; }
known_reason() { printf '%s\n' "$KNOWN" | awk -F'\t' -v f="$1" '$1 == f { print $2; exit }'; }
sni_known_args() {  # --sni-known STREAM=REASON for each SNI_KNOWN line of file $1
    printf '%s\n' "$SNI_KNOWN" | awk -F'\t' -v f="$1" '$1 == f { print $2 "=" $3 }' |
        while IFS= read -r kv; do printf '%s\0' --sni-known "$kv"; done
}

# Sequence analysis (issue 4): one tshark pass per file (compare_tshark.py
# seq) compares per connection and direction retransmissions, dup_acks,
# sack_blocks, dsack_blocks and zero_windows with tshark's tcp.analysis
# flags and SACK options; at least SEQ_MIN% of the corpus's paired
# connections must agree; the agreement of each field is printed too.
# With tcptrace installed the RTT min/avg/max agreement is printed (in all
# and per metric) and must reach RTT_MIN directions: a figure that must not
# fall.  Skipped with a note when tshark is missing.
SEQ_MIN=95
SEQ_OPTS=()
command -v tcptrace >/dev/null 2>&1 && SEQ_OPTS=(--tcptrace)
have_tshark=false
command -v tshark >/dev/null 2>&1 && have_tshark=true
seq_ok=0 seq_n=0 rtt_ok=0 rtt_n=0
rtt_min_ok=0 rtt_avg_ok=0 rtt_max_ok=0
declare -A field_ok=()
# RTT_MIN: directions (of those with tcptrace samples) on which min, avg and
# max must all agree with tcptrace: the figure may rise, never fall. Set
# to the count reached by the RTT sampling of issue 12 (1603 before it).
RTT_MIN=1625

nexact=0 nexact_ok=0 nknown=0 failures=""
sni_conns=0 sni_agree=0 sni_named=0 sni_named_agree=0 sni_fail=""
seen=" "
while IFS=$'\t' read -r file category trc frames _malformed _streams _msg; do
    [ "$file" = file ] && continue            # header line
    path=$CORPUS/$category/$file
    ref=$CORPUS/ref/$file.tsv
    seen="$seen$file "
    if [ ! -f "$path" ] || [ ! -f "$ref" ]; then
        echo "FAIL $file: listed in _status.tsv but $path or $ref is missing"
        failures="$failures $file"
        continue
    fi
    sni_args=()
    while IFS= read -r -d '' x; do sni_args+=("$x"); done < <(sni_known_args "$file")
    out=$(python3 "$HELPER" ref --tcpscope "$TCPSCOPE" --ref "$ref" \
          --frames "$frames" --tshark-rc "$trc" "${sni_args[@]}" "$path" 2>&1)
    rc=$?
    # exit status: 2 = could not run; else bit 1 = counts differ, bit 4 = an
    # SNI difference not in SNI_KNOWN (or one listed there that agrees)
    if [ "$rc" = 2 ] || [ "$rc" -gt 5 ]; then
        printf '%s\n' "$out"
        echo "  FAIL: $file: compare_tshark.py could not run (exit $rc)"
        failures="$failures $file"
        continue
    fi
    sni_rc=$((rc & 4)); rc=$((rc & 1))
    # "  SNI FILE: agree S/P, with a name A/N" (absent for unreadable files)
    read -r s p a n < <(printf '%s\n' "$out" |
        sed -n 's|^  SNI .*: agree \([0-9]*\)/\([0-9]*\), with a name \([0-9]*\)/\([0-9]*\)$|\1 \2 \3 \4|p')
    sni_agree=$((sni_agree + ${s:-0})); sni_conns=$((sni_conns + ${p:-0}))
    sni_named_agree=$((sni_named_agree + ${a:-0})); sni_named=$((sni_named + ${n:-0}))
    if [ "$sni_rc" != 0 ]; then
        sni_fail="$sni_fail $file"
        failures="$failures $file"
    fi
    if $have_tshark; then
        sq=$(python3 "$HELPER" seq --tcpscope "$TCPSCOPE" --root "$CORPUS" "${SEQ_OPTS[@]}" "$path" 2>&1)
        out="$out"$'\n'"$sq"
        read -r so sn < <(printf '%s\n' "$sq" | sed -n 's|^  seq .*: \([0-9]*\)/\([0-9]*\) connections agree.*|\1 \2|p')
        seq_ok=$((seq_ok + ${so:-0})); seq_n=$((seq_n + ${sn:-0}))
        read -r ro rn < <(printf '%s\n' "$sq" | sed -n 's|^  tcptrace .* on \([0-9]*\)/\([0-9]*\) directions.*|\1 \2|p')
        rtt_ok=$((rtt_ok + ${ro:-0})); rtt_n=$((rtt_n + ${rn:-0}))
        read -r rmin ravg rmax < <(printf '%s\n' "$sq" |
            sed -n 's|^  tcptrace .*; min \([0-9]*\), avg \([0-9]*\), max \([0-9]*\).*|\1 \2 \3|p')
        rtt_min_ok=$((rtt_min_ok + ${rmin:-0})); rtt_avg_ok=$((rtt_avg_ok + ${ravg:-0}))
        rtt_max_ok=$((rtt_max_ok + ${rmax:-0}))
        # "  seq-fields FILE: retransmissions=A dup_acks=B ... of P"
        for kv in $(printf '%s\n' "$sq" | sed -n 's|^  seq-fields [^:]*: \(.*\) of [0-9]*$|\1|p'); do
            field_ok[${kv%%=*}]=$(( ${field_ok[${kv%%=*}]:-0} + ${kv#*=} ))
        done
    fi
    reason=$(known_reason "$file")
    if in_exact "$file"; then
        nexact=$((nexact + 1))
        printf '%s\n' "$out"
        [ "$sni_rc" = 0 ] || echo "  FAIL: $file: SNI differences not listed in SNI_KNOWN (see above)"
        if [ "$rc" = 0 ]; then
            nexact_ok=$((nexact_ok + 1))
        else
            echo "  FAIL: $file is expected to agree exactly with tshark"
            failures="$failures $file"
        fi
    elif [ -n "$reason" ]; then
        nknown=$((nknown + 1))
        printf '%s\n' "$out"
        echo "  known difference: $reason"
        [ "$sni_rc" = 0 ] || echo "  FAIL: $file: SNI differences not listed in SNI_KNOWN (see above)"
        if [ "$rc" = 0 ]; then
            echo "  FAIL: $file now agrees exactly: move it from KNOWN to EXACT in $0"
            failures="$failures $file"
        fi
    else
        printf '%s\n' "$out"
        echo "  FAIL: $file is in neither EXACT nor KNOWN: classify it in $0"
        failures="$failures $file"
    fi
done < <(cat "$CORPUS/ref/_status.tsv"
         [ -f "$CORPUS/ref/_status_tunnel.tsv" ] && tail -n +2 "$CORPUS/ref/_status_tunnel.tsv")

for f in $EXACT $(printf '%s\n' "$KNOWN" | cut -f1) $(printf '%s\n' "$SNI_KNOWN" | cut -f1); do
    case "$seen" in *" $f "*) ;; *)
        echo "FAIL $f: listed in $0 but not in $CORPUS/ref/_status.tsv (or _status_tunnel.tsv)"
        failures="$failures $f" ;;
    esac
done

echo "shared cross-check: $nexact_ok/$nexact files agree exactly as expected, $nknown with known differences"
nsni_known=$(printf '%s\n' "$SNI_KNOWN" | grep -c .)
echo "SNI: $sni_named_agree/$sni_named connections with a server name agree" \
     "($sni_agree/$sni_conns paired connections in all, no name on both sides counting as agreement;" \
     "$nsni_known known differences listed)"
[ -z "$sni_fail" ] || echo "SNI differences not explained in SNI_KNOWN:$sni_fail"
if $have_tshark; then
    echo "SEQ: $seq_ok/$seq_n connections agree with tshark on retransmissions, dup_acks," \
         "sack_blocks, dsack_blocks, zero_windows ($((seq_n ? 1000 * seq_ok / seq_n : 1000)) per mille;" \
         "at least $SEQ_MIN% required)"
    for k in retransmissions dup_acks sack_blocks dsack_blocks zero_windows; do
        echo "SEQ $k: ${field_ok[$k]:-0}/$seq_n connections agree with tshark"
    done
    if [ ${#SEQ_OPTS[@]} -gt 0 ]; then
        echo "RTT: $rtt_ok/$rtt_n directions with tcptrace samples agree on min/avg/max" \
             "(within 1% or tcptrace's 0.1 ms rounding; at least $RTT_MIN required)"
        echo "RTT min: $rtt_min_ok/$rtt_n, avg: $rtt_avg_ok/$rtt_n, max: $rtt_max_ok/$rtt_n directions agree with tcptrace"
        if [ "$rtt_ok" -lt "$RTT_MIN" ]; then
            echo "FAIL: RTT min/avg/max agree with tcptrace on $rtt_ok directions, fewer than $RTT_MIN"
            failures="$failures (rtt)"
        fi
    fi
    if [ $((seq_ok * 100)) -lt $((seq_n * SEQ_MIN)) ]; then
        echo "FAIL: sequence fields agree on fewer than $SEQ_MIN% of the connections"
        failures="$failures (seq)"
    fi
else
    echo "note: tshark not found, sequence fields not compared"
fi
if [ -n "$failures" ]; then
    echo "FAIL:$failures"
    exit 1
fi
echo "PASS"
exit 0
