/* check_report.c - the report writer (text, CSV, JSON Lines) and record.c's names and addresses. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "halfopen.h"
#include "record.h"
#include "report.h"
#include "suites.h"

/*
 * Every expected string below was worked out by hand from the record fields:
 * 1700000000 s is 2023-11-14 22:13:20 UTC (1700000000 mod 86400 = 80000 s =
 * 22:13:20), 951782400 s is 2000-02-29 00:00:00 UTC (both checked with
 * `date -u -d @N`), and UINT64_MAX ns is 18446744073.709551615 s.
 */

#define TS_BASE 1700000000000000000ull /* 2023-11-14 22:13:20 UTC */

static void set_v4(struct endpoint *e, uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
	memset(e, 0, sizeof(*e));
	e->addr[10] = 0xff;
	e->addr[11] = 0xff;
	e->addr[12] = a;
	e->addr[13] = b;
	e->addr[14] = c;
	e->addr[15] = d;
	e->port = port;
}

static void set_v6(struct endpoint *e, const uint16_t groups[8], uint16_t port)
{
	memset(e, 0, sizeof(*e));
	for (int i = 0; i < 8; i++) {
		e->addr[2 * i] = (uint8_t)(groups[i] >> 8);
		e->addr[2 * i + 1] = (uint8_t)groups[i];
	}
	e->port = port;
}

/* No life cycle known: what a record says before any SYN, FIN or RST. */
static void lc_none(struct lifecycle_record *lc)
{
	memset(lc, 0, sizeof(*lc));
	lc->state = "OTH";
	lc->client_state = "NONE";
	lc->server_state = "NONE";
	lc->first_fin = lc->active_closer = lc->reset_by = -1;
	lc->options[0].wscale = lc->options[1].wscale = LC_NO_WSCALE;
}

/*
 * A whole life: handshake (SYN -> SYN-ACK 1.5 ms, SYN-ACK -> ACK 0.25 ms),
 * data, the client's FIN first and the server's after it.
 */
static void lc_client_closed(struct lifecycle_record *lc)
{
	lc_none(lc);
	lc->state = "SF";
	strcpy(lc->history, "ShADadFf");
	lc->client_state = "TIME_WAIT";
	lc->server_state = "CLOSED";
	lc->syn_count = lc->synack_count = 1;
	lc->have_syn_synack = lc->have_synack_ack = lc->completed = true;
	lc->syn_synack_us = 1500;
	lc->synack_ack_us = 250;
	lc->options[0] = (struct lc_syn_options){ .seen = true, .has_mss = true, .mss = 1460, .wscale = 7,
						  .sack_permitted = true, .timestamps = true };
	lc->options[1] = (struct lc_syn_options){ .seen = true, .has_mss = true, .mss = 1400,
						  .wscale = LC_NO_WSCALE };
	lc->fin[0] = lc->fin[1] = 1;
	lc->first_fin = lc->active_closer = 0;
	lc->ndiag = 1;
	strcpy(lc->diag[0], "client closed first; TIME_WAIT on the client");
}

/* IPv4, handshake seen, closed: 10.0.0.1:40000 -> 10.0.0.2:80 for 250 ms. */
static struct conn_record conn_v4(void)
{
	struct conn_record c;

	memset(&c, 0, sizeof(c));
	c.id = 1;
	c.ts_first_ns = TS_BASE + 1;
	c.ts_last_ns = TS_BASE + 250000001;
	c.ip_version = 4;
	c.end_reason = END_CLOSED;
	set_v4(&c.client, 10, 0, 0, 1, 40000);
	set_v4(&c.server, 10, 0, 0, 2, 80);
	c.c2s = (struct dir_stats){ .packets = 5, .bytes = 400, .payload_bytes = 100 };
	c.s2c = (struct dir_stats){ .packets = 4, .bytes = 300, .payload_bytes = 0 };
	lc_client_closed(&c.lc);
	return c;
}

/*
 * IPv6, direction guessed, still open at end of input. The client address
 * 2001:db8:0:0:1:0:0:1 has two equal zero runs: RFC 5952 section 4.2.3
 * shortens the first, giving 2001:db8::1:0:0:1. Times straddle a second
 * boundary: 22:14:19.999999999 to 22:14:21.000000001 is 1.000000002 s.
 */
static struct conn_record conn_v6(void)
{
	static const uint16_t client[8] = { 0x2001, 0x0db8, 0, 0, 1, 0, 0, 1 };
	static const uint16_t server[8] = { 0x2001, 0x0db8, 0, 0, 0, 0, 0, 0x80 };
	struct conn_record c;

	memset(&c, 0, sizeof(c));
	c.id = 2;
	c.ts_first_ns = TS_BASE + 59999999999ull;
	c.ts_last_ns = TS_BASE + 61000000001ull;
	c.ip_version = 6;
	c.direction_inferred = true;
	c.end_reason = END_END_OF_INPUT;
	set_v6(&c.client, client, 51234);
	set_v6(&c.server, server, 443);
	c.c2s = (struct dir_stats){ .packets = 3, .bytes = 180, .payload_bytes = 0 };
	lc_none(&c.lc);
	return c;
}

/* The sequence-analysis fields of a direction with nothing counted and no window seen. */
#define JSON_SEQ_ZERO ",\"retransmissions\":0,\"fast_retransmissions\":0,\"timeout_retransmissions\":0,\"spurious_retransmissions\":0,\"tlp_retransmissions\":0,\"out_of_order\":0,\"not_captured\":0,\"acked_unseen\":0,\"dup_acks\":0,\"sack_blocks\":0,\"dsack_blocks\":0,\"zero_windows\":0,\"zero_window_probes\":0,\"window_full\":0,\"window_updates\":0,\"keepalives\":0,\"keepalive_acks\":0,\"retransmitted_bytes\":0,\"zero_window_time\":0.000,\"win_min\":null,\"win_max\":null,\"max_in_flight\":0,\"timeout_backoff_ms\":[],\"rtt\":{\"samples\":0,\"min_ms\":null,\"avg_ms\":null,\"max_ms\":null,\"stddev_ms\":null,\"srtt_ms\":null,\"rttvar_ms\":null,\"rto_ms\":null},\"rtt_ts\":{\"samples\":0,\"min_ms\":null,\"avg_ms\":null,\"max_ms\":null}"
/* ... and with every counter at UINT32_MAX, windows UINT32_MAX. */
#define JSON_SEQ_MAX ",\"retransmissions\":4294967295,\"fast_retransmissions\":4294967295,\"timeout_retransmissions\":4294967295,\"spurious_retransmissions\":4294967295,\"tlp_retransmissions\":4294967295,\"out_of_order\":4294967295,\"not_captured\":4294967295,\"acked_unseen\":4294967295,\"dup_acks\":4294967295,\"sack_blocks\":4294967295,\"dsack_blocks\":4294967295,\"zero_windows\":4294967295,\"zero_window_probes\":4294967295,\"window_full\":4294967295,\"window_updates\":4294967295,\"keepalives\":4294967295,\"keepalive_acks\":4294967295,\"retransmitted_bytes\":18446744073709551615,\"zero_window_time\":0.000,\"win_min\":4294967295,\"win_max\":4294967295,\"max_in_flight\":0,\"timeout_backoff_ms\":[200.000,400.000,800.000,1600.000,3200.000,4294967.295],\"rtt\":{\"samples\":0,\"min_ms\":null,\"avg_ms\":null,\"max_ms\":null,\"stddev_ms\":null,\"srtt_ms\":null,\"rttvar_ms\":null,\"rto_ms\":null},\"rtt_ts\":{\"samples\":0,\"min_ms\":null,\"avg_ms\":null,\"max_ms\":null}"
#define CSV_SEQ_ZERO ",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0.000,,,0,,0,,,,,,,,0,,,"
#define CSV_SEQ_MAX ",4294967295,4294967295,4294967295,4294967295,4294967295,4294967295,4294967295,4294967295,4294967295,4294967295,4294967295,4294967295,4294967295,4294967295,4294967295,4294967295,4294967295,18446744073709551615,0.000,4294967295,4294967295,0,200.000;400.000;800.000;1600.000;3200.000;4294967.295,0,,,,,,,,0,,,"
#define CSV_SEQ_HEADER "c2s_retransmissions,c2s_fast_retransmissions,c2s_timeout_retransmissions,c2s_spurious_retransmissions,c2s_tlp_retransmissions,c2s_out_of_order,c2s_not_captured,c2s_acked_unseen,c2s_dup_acks,c2s_sack_blocks,c2s_dsack_blocks,c2s_zero_windows,c2s_zero_window_probes,c2s_window_full,c2s_window_updates,c2s_keepalives,c2s_keepalive_acks,c2s_retransmitted_bytes,c2s_zero_window_time,c2s_win_min,c2s_win_max,c2s_max_in_flight,c2s_timeout_backoff_ms,c2s_rtt_samples,c2s_rtt_min_ms,c2s_rtt_avg_ms,c2s_rtt_max_ms,c2s_rtt_stddev_ms,c2s_rtt_srtt_ms,c2s_rtt_rttvar_ms,c2s_rtt_rto_ms,c2s_rtt_ts_samples,c2s_rtt_ts_min_ms,c2s_rtt_ts_avg_ms,c2s_rtt_ts_max_ms,s2c_retransmissions,s2c_fast_retransmissions,s2c_timeout_retransmissions,s2c_spurious_retransmissions,s2c_tlp_retransmissions,s2c_out_of_order,s2c_not_captured,s2c_acked_unseen,s2c_dup_acks,s2c_sack_blocks,s2c_dsack_blocks,s2c_zero_windows,s2c_zero_window_probes,s2c_window_full,s2c_window_updates,s2c_keepalives,s2c_keepalive_acks,s2c_retransmitted_bytes,s2c_zero_window_time,s2c_win_min,s2c_win_max,s2c_max_in_flight,s2c_timeout_backoff_ms,s2c_rtt_samples,s2c_rtt_min_ms,s2c_rtt_avg_ms,s2c_rtt_max_ms,s2c_rtt_stddev_ms,s2c_rtt_srtt_ms,s2c_rtt_rttvar_ms,s2c_rtt_rto_ms,s2c_rtt_ts_samples,s2c_rtt_ts_min_ms,s2c_rtt_ts_avg_ms,s2c_rtt_ts_max_ms,"

/* Every counter at its limit: UINT64_MAX, UINT32_MAX for the sequence counters (and ports 0/65535). */
static struct conn_record conn_max(void)
{
	struct conn_record c;

	memset(&c, 0, sizeof(c));
	c.id = UINT64_MAX;
	c.ts_first_ns = 0;
	c.ts_last_ns = UINT64_MAX;
	c.ip_version = 4;
	c.end_reason = END_REUSED;
	set_v4(&c.client, 255, 255, 255, 255, 65535);
	set_v4(&c.server, 0, 0, 0, 0, 0);
	c.c2s = (struct dir_stats){ UINT64_MAX, UINT64_MAX, UINT64_MAX };
	c.s2c = (struct dir_stats){ UINT64_MAX, UINT64_MAX, UINT64_MAX };
	lc_none(&c.lc);
	c.lc.rst[0] = c.lc.rst[1] = c.lc.rst_ignored[0] = c.lc.rst_ignored[1] = UINT16_MAX;
	c.lc.syn_intervals = 2; /* 1 s, then the largest gap a record holds */
	c.lc.syn_interval_us[0] = 1000000;
	c.lc.syn_interval_us[1] = UINT32_MAX;
	for (int k = 0; k < SEQ__COUNT; k++)
		c.c2s_seq.counts[k] = c.s2c_seq.counts[k] = UINT32_MAX;
	c.c2s_seq.retransmitted_bytes = c.s2c_seq.retransmitted_bytes = UINT64_MAX;
	c.c2s_seq.win_known = c.s2c_seq.win_known = true;
	c.c2s_seq.win_min = c.c2s_seq.win_max = c.s2c_seq.win_min = c.s2c_seq.win_max = UINT32_MAX;
	/* a full back-off series: 200 ms doubling, then the largest silence a record holds */
	static const uint32_t backoff[SEQ_BACKOFF_MAX] = {200000, 400000, 800000, 1600000, 3200000, UINT32_MAX};
	c.c2s_seq.backoff_n = c.s2c_seq.backoff_n = SEQ_BACKOFF_MAX;
	memcpy(c.c2s_seq.backoff_us, backoff, sizeof(backoff));
	memcpy(c.s2c_seq.backoff_us, backoff, sizeof(backoff));
	return c;
}

/*
 * 12 frames: 9 TCP (two of them with a malformed option, still tracked), one
 * ARP, one UDP, one TCP header cut short; 2 connections.
 */
static struct summary_record summary_file(void)
{
	struct summary_record s;

	memset(&s, 0, sizeof(s));
	s.ts_first_ns = TS_BASE + 1;
	s.ts_last_ns = TS_BASE + 250000001;
	s.frames = 12;
	s.frame_bytes = 1500;
	s.tcp_packets = 9;
	s.status[DECODE_OK] = 9;
	s.status[DECODE_NOT_IP] = 1;
	s.status[DECODE_NOT_TCP] = 1;
	s.status[DECODE_TRUNC_TCP] = 1;
	s.status[DECODE_BAD_TCP_OPTION] = 2;
	s.connections = 2;
	s.end_reasons[END_CLOSED] = 1;
	s.end_reasons[END_END_OF_INPUT] = 1;
	s.peak_flows = 2;
	s.max_flows = 1000000;
	return s;
}

/* 50 half-open connections from 50 sources to 10.0.0.2:80 (a flood), one to [2001:db8::80]:443. */
static const struct halfopen_server half_open_servers[2] = {
	{ .server = { .addr = { [10] = 0xff, [11] = 0xff, [12] = 10, [15] = 2 }, .port = 80 }, .ip_version = 4,
	  .half_open = 50, .sources = 50, .flood = true },
	{ .server = { .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x80 }, .port = 443 }, .ip_version = 6,
	  .half_open = 1, .sources = 1, .sources_capped = true },
};

/* The same, captured live with drop counters, a warning, and TCP oddities. */
static struct summary_record summary_live(void)
{
	struct summary_record s = summary_file();

	s.live = true;
	s.have_pcap_stats = true;
	s.pcap_received = 100;
	s.pcap_dropped = 3;
	s.pcap_if_dropped = 0;
	s.input_warning = "capture stopped, \"eth0\" went down";
	s.half_open = half_open_servers;
	s.half_open_servers = 2;
	s.time_wait_reuses = 3;
	s.rst_ignored = 4;
	s.rst_suspect_ttl = 5;
	s.negative_gaps = 7;
	s.late_packets = 6;
	return s;
}

/* Run the report over conns (and the summary, if s) into memory; returns the text, caller frees. */
static char *render(enum report_format fmt, const struct conn_record *conns, size_t n,
		    const struct summary_record *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct report *r;

	ck_assert_ptr_nonnull(f);
	r = report_open(f, fmt);
	ck_assert_ptr_nonnull(r);
	for (size_t i = 0; i < n; i++)
		report_conn(r, &conns[i]);
	if (s != NULL)
		report_summary(r, s);
	ck_assert_int_eq(report_close(r), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(strlen(text), len); /* no NUL written */
	return text;
}

static void assert_render(enum report_format fmt, const struct conn_record *conns, size_t n,
			  const struct summary_record *s, const char *expected)
{
	char *got = render(fmt, conns, n, s);

	ck_assert_str_eq(got, expected);
	free(got);
}

/* ---- text ---- */

/*
 * The table at the default width (160, REPORT_DEFAULT_WIDTH): ID 6 right,
 * DUR 7 right, CLIENT 22, SERVER 21, NAME 20, C>S and S>C 7 right, RETX 5
 * right, RTT 7 right, STATE 6, one space between: 118 columns, and
 * DIAGNOSES takes the other 42. START, PKTS and END do not fit (table.c's
 * ranks; tests/check_table.c checks the fitting at other widths).
 */
#define TEXT_HEADER                                                                             \
	"    ID" " " "    DUR" " " "CLIENT                " " " "SERVER               " " "       \
	"NAME                " " " "    C>S" " " "    S>C" " " " RETX" " " "    RTT" " " "STATE " " " \
	"DIAGNOSES\n"

/* No TLS or HTTP: the NAME cell is "-" padded to 20. */
#define NO_NAME "-                   " " "

/*
 * 250 ms in human units; 400 and 300 bytes; no payload resent out of 100
 * bytes: 0%; handshake 1500 + 250 us = 1.75 ms; the 44-character diagnosis
 * cut to 41 characters and the ellipsis.
 */
#define TEXT_ROW_V4                                                                             \
	"     1" " " " 250 ms" " " "10.0.0.1:40000        " " " "10.0.0.2:80          " " "       \
	NO_NAME "  400 B" " " "  300 B" " " "   0%" " " "1.75 ms" " " "SF    " " "                   \
	"client closed first; TIME_WAIT on the cli\xe2\x80\xa6\n"

/*
 * 1.000000002 s is "1.00 s". The IPv6 client (26 characters) is wider than
 * its column (22): cut in the middle, 11 characters before the ellipsis and
 * 10 after, so the port stays. No payload: RETX "-"; no handshake: RTT "-";
 * no diagnosis: the line ends after the state (no trailing spaces).
 */
#define TEXT_ROW_V6                                                                             \
	"     2" " " " 1.00 s" " " "[2001:db8::\xe2\x80\xa6:1]:51234?" " " "[2001:db8::80]:443   " " " \
	NO_NAME "  180 B" " " "    0 B" " " "    -" " " "      -" " " "OTH\n"

/* The observer lines when no parse ended. */
#define NO_OBSERVERS                                                                      \
	"tls_client_hello: none\ntls_server_hello: none\nhttp_request: none\nhttp_response: none\n"

START_TEST(text_header_only)
{
	assert_render(REPORT_TEXT, NULL, 0, NULL, TEXT_HEADER);
}
END_TEST

START_TEST(text_conns)
{
	struct conn_record c[2] = { conn_v4(), conn_v6() };

	assert_render(REPORT_TEXT, c, 2, NULL, TEXT_HEADER TEXT_ROW_V4 TEXT_ROW_V6);
}
END_TEST

START_TEST(text_limits)
{
	/*
	 * UINT64_MAX ns is 213503 days and 84873 s (23 h); UINT64_MAX bytes
	 * 18.4 EB. The 20-digit id pushes its row right: each later cell starts
	 * one space after the one before until the columns catch up (C>S at 81).
	 */
	struct conn_record c = conn_max();

	assert_render(REPORT_TEXT, &c, 1, NULL,
		      TEXT_HEADER "18446744073709551615 213503d23h 255.255.255.255:65535 0.0.0.0:0 -"
				  "                18.4 EB 18.4 EB  100%       - OTH\n");
}
END_TEST

START_TEST(text_width_and_order)
{
	/* at 80 columns: ID, CLIENT, SERVER, NAME, S>C, RETX, STATE, DIAGNOSES; id order held back */
	struct conn_record c[3] = { conn_v4(), conn_v6(), conn_v4() };
	struct report_options o = { .width = 80, .id_order = true };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	c[0].id = 3;
	c[1].id = 1;
	c[2].id = 2;
	struct report *r = report_open_with(f, REPORT_TEXT, &o);
	ck_assert(report_holds_records(r));
	for (int i = 0; i < 3; i++)
		report_conn(r, &c[i]);
	ck_assert_int_eq(report_close(r), 0);
	fclose(f);
	/*
	 * Widths at 80: the eight columns at their minimum take 76; ID grows to
	 * 6 and CLIENT to 16 (rank 8, display order), DIAGNOSES keeps 10. The
	 * IPv6 client: 8 characters, the ellipsis, the last 7; the server: 7,
	 * the ellipsis, 7.
	 */
	ck_assert_str_eq(text,
			 "    ID CLIENT           SERVER          NAME         S>C  RETX STATE  DIAGNOSES\n"
			 "     1 [2001:db\xe2\x80\xa6:51234? [2001:d\xe2\x80\xa6" "80]:443 -            0 B     - OTH\n"
			 "     2 10.0.0.1:40000   10.0.0.2:80     -          300 B    0% SF     client cl\xe2\x80\xa6\n"
			 "     3 10.0.0.1:40000   10.0.0.2:80     -          300 B    0% SF     client cl\xe2\x80\xa6\n");
	free(text);
}
END_TEST

START_TEST(text_summary_file)
{
	struct summary_record s = summary_file();

	assert_render(REPORT_TEXT, NULL, 0, &s,
		      TEXT_HEADER
		      "\nframes: 12 (1500 bytes), TCP packets: 9, connections: 2\n"
		      "source: capture file\n"
		      "time: 2023-11-14 22:13:20.000000001 to 2023-11-14 22:13:20.250000001 UTC (0.250000000 s)\n"
		      "not TCP: not_ip=1 not_tcp=1 ip_fragments=0\n"
		      "decode errors: trunc_tcp=1 bad_tcp_option=2\n"
		      NO_OBSERVERS
		      "ended: closed=1 reset=0 timeout=0 evicted=0 end_of_input=1 reused=0\n"
		      "TCP: time_wait_reuses=0 rst_ignored=0 rst_suspect_ttl=0 negative_gaps=0\n"
		      "peak flows: 2 (cap 1000000)\n");
}
END_TEST

START_TEST(text_summary_live)
{
	struct summary_record s = summary_live();

	assert_render(REPORT_TEXT, NULL, 0, &s,
		      TEXT_HEADER
		      "\nframes: 12 (1500 bytes), TCP packets: 9, connections: 2\n"
		      "source: live capture\n"
		      "time: 2023-11-14 22:13:20.000000001 to 2023-11-14 22:13:20.250000001 UTC (0.250000000 s)\n"
		      "not TCP: not_ip=1 not_tcp=1 ip_fragments=0\n"
		      "decode errors: trunc_tcp=1 bad_tcp_option=2\n"
		      NO_OBSERVERS
		      "ended: closed=1 reset=0 timeout=0 evicted=0 end_of_input=1 reused=0\n"
		      "TCP: time_wait_reuses=3 rst_ignored=4 rst_suspect_ttl=5 negative_gaps=7\n"
		      "half-open: 10.0.0.2:80 50 connections from 50 sources (looks like a SYN flood)\n"
		      "half-open: [2001:db8::80]:443 1 connection from at least 1 source\n"
		      "peak flows: 2 (cap 1000000)\n"
		      "pcap: received=100 dropped=3 if_dropped=0\n"
		      "late_packets=6\n"
		      "warning: capture stopped, \"eth0\" went down\n");
}
END_TEST

START_TEST(text_summary_empty)
{
	/* No frames at all, no decode errors; a leap-day timestamp would read 2000-02-29. */
	struct summary_record s;

	memset(&s, 0, sizeof(s));
	s.max_flows = 5;
	assert_render(REPORT_TEXT, NULL, 0, &s,
		      TEXT_HEADER
		      "\nframes: 0 (0 bytes), TCP packets: 0, connections: 0\n"
		      "source: capture file\n"
		      "time: no frames\n"
		      "not TCP: not_ip=0 not_tcp=0 ip_fragments=0\n"
		      "decode errors: none\n"
		      NO_OBSERVERS
		      "ended: closed=0 reset=0 timeout=0 evicted=0 end_of_input=0 reused=0\n"
		      "TCP: time_wait_reuses=0 rst_ignored=0 rst_suspect_ttl=0 negative_gaps=0\n"
		      "peak flows: 0 (cap 5)\n");
}
END_TEST

START_TEST(text_summary_dates)
{
	/* 951782400 s = 2000-02-29 00:00:00 UTC; UINT64_MAX ns = 2554-07-21 23:34:33.709551615 */
	struct summary_record s;
	char *got;

	memset(&s, 0, sizeof(s));
	s.frames = 1;
	s.ts_first_ns = 951782400ull * 1000000000ull;
	s.ts_last_ns = UINT64_MAX;
	got = render(REPORT_TEXT, NULL, 0, &s);
	ck_assert_ptr_nonnull(strstr(got, "\ntime: 2000-02-29 00:00:00.000000000 to "
					  "2554-07-21 23:34:33.709551615 UTC "
					  "(17494961673.709551615 s)\n"));
	free(got);
}
END_TEST

START_TEST(text_warning_escaped)
{
	/* control bytes and invalid UTF-8 become \xNN, so the warning stays one safe line */
	struct summary_record s = summary_file();
	char *got;

	s.input_warning = "a\\b\n\x01\xff\x1b[2J \xc3\xa9";
	got = render(REPORT_TEXT, NULL, 0, &s);
	ck_assert_ptr_nonnull(strstr(got, "\nwarning: a\\\\b\\n\\x01\\xff\\x1b[2J \xc3\xa9\n"));
	free(got);
}
END_TEST

/* ---- CSV ---- */

#define CSV_HEADER                                                                          \
	"id,ts_first,ts_last,duration,ip_version,client_ip,client_port,server_ip,server_port," \
	"direction_inferred,end_reason,c2s_packets,c2s_bytes,c2s_payload_bytes,s2c_packets,"   \
	"s2c_bytes,s2c_payload_bytes," CSV_SEQ_HEADER "tls_sni,tls_alpn,tls_versions,tls_version_chosen,tls_ech," \
	"http_method,http_host,http_path,http_status,state,history,client_state,server_state,"  \
	"syn_count,synack_count,syn_synack_ms,synack_ack_ms,c2s_fin,c2s_rst,c2s_rst_ignored,"  \
	"s2c_fin,s2c_rst,s2c_rst_ignored,first_fin,active_closer,reset_by,half_close,"         \
	"time_wait_reuse,diagnoses\n"

/* The nine tls_* and http_* columns, empty for a connection without either. */
#define CSV_NO_APP ",,,,,,,,,"
/* The life-cycle columns of lc_none() and lc_client_closed(). */
#define CSV_LC_NONE ",OTH,,NONE,NONE,0,0,,,0,0,0,0,0,0,,,,false,false,"
#define CSV_LC_CLIENT_CLOSED                                                          \
	",SF,ShADadFf,TIME_WAIT,CLOSED,1,1,1.500,0.250,1,0,0,1,0,0,client,client,,false,false," \
	"client closed first; TIME_WAIT on the client"

#define CSV_ROW_V4                                                                      \
	"1,1700000000.000000001,1700000000.250000001,0.250000000,4,10.0.0.1,40000,10.0.0.2," \
	"80,false,closed,5,400,100,4,300,0" CSV_SEQ_ZERO CSV_SEQ_ZERO CSV_NO_APP CSV_LC_CLIENT_CLOSED "\n"

#define CSV_ROW_V6                                                                   \
	"2,1700000059.999999999,1700000061.000000001,1.000000002,6,2001:db8::1:0:0:1," \
	"51234,2001:db8::80,443,true,end_of_input,3,180,0,0,0,0" CSV_SEQ_ZERO CSV_SEQ_ZERO CSV_NO_APP CSV_LC_NONE "\n"

/* Every observer outcome, all zero (names: tls.h and http.h, need_more shown as incomplete). */
#define CSV_NO_OBSERVERS "observer.tls_client_hello.ok=0 observer.tls_client_hello.incomplete=0 observer.tls_client_hello.not_tls=0 observer.tls_client_hello.alert=0 observer.tls_client_hello.bad_record=0 observer.tls_client_hello.bad_handshake=0 observer.tls_client_hello.too_long=0 observer.tls_client_hello.bad_extension=0 observer.tls_client_hello.dup_extension=0 observer.tls_client_hello.bad_server_name=0 observer.tls_client_hello.bad_alpn=0 observer.tls_client_hello.bad_supported_versions=0 observer.tls_server_hello.ok=0 observer.tls_server_hello.incomplete=0 observer.tls_server_hello.not_tls=0 observer.tls_server_hello.alert=0 observer.tls_server_hello.bad_record=0 observer.tls_server_hello.bad_handshake=0 observer.tls_server_hello.too_long=0 observer.tls_server_hello.bad_extension=0 observer.tls_server_hello.dup_extension=0 observer.tls_server_hello.bad_server_name=0 observer.tls_server_hello.bad_alpn=0 observer.tls_server_hello.bad_supported_versions=0 observer.http_request.ok=0 observer.http_request.incomplete=0 observer.http_request.not_http=0 observer.http_request.bad_request_line=0 observer.http_request.bad_version=0 observer.http_request.bad_status_line=0 observer.http_request.line_too_long=0 observer.http_request.headers_too_long=0 observer.http_response.ok=0 observer.http_response.incomplete=0 observer.http_response.not_http=0 observer.http_response.bad_request_line=0 observer.http_response.bad_version=0 observer.http_response.bad_status_line=0 observer.http_response.line_too_long=0 observer.http_response.headers_too_long=0 observer.out_of_memory=0 "

START_TEST(csv_header_only)
{
	assert_render(REPORT_CSV, NULL, 0, NULL, CSV_HEADER);
}
END_TEST

START_TEST(csv_conns)
{
	struct conn_record c[2] = { conn_v4(), conn_v6() };

	assert_render(REPORT_CSV, c, 2, NULL, CSV_HEADER CSV_ROW_V4 CSV_ROW_V6);
}
END_TEST

START_TEST(csv_limits)
{
	struct conn_record c = conn_max();

	assert_render(REPORT_CSV, &c, 1, NULL,
		      CSV_HEADER "18446744073709551615,0.000000000,18446744073.709551615,"
				 "18446744073.709551615,4,255.255.255.255,65535,0.0.0.0,0,false,"
				 "reused,18446744073709551615,18446744073709551615,"
				 "18446744073709551615,18446744073709551615,18446744073709551615,"
				 "18446744073709551615" CSV_SEQ_MAX CSV_SEQ_MAX CSV_NO_APP
				 ",OTH,,NONE,NONE,0,0,,,0,65535,65535,0,65535,65535,,,,false,false,\n");
}
END_TEST

START_TEST(csv_summary_writes_nothing)
{
	/* a CSV report is the table alone: its summary goes elsewhere (main.c) */
	struct summary_record s = summary_live();
	struct conn_record c = conn_v4();

	assert_render(REPORT_CSV, &c, 1, &s, CSV_HEADER CSV_ROW_V4);
}
END_TEST

/* ---- JSON Lines ---- */

#define JSON_V4                                                                                \
	"{\"type\":\"conn\",\"id\":1,\"ts_first\":1700000000.000000001,"                         \
	"\"ts_last\":1700000000.250000001,\"duration\":0.250000000,\"ip_version\":4,"             \
	"\"client\":{\"ip\":\"10.0.0.1\",\"port\":40000},\"server\":{\"ip\":\"10.0.0.2\","        \
	"\"port\":80},\"direction_inferred\":false,\"end_reason\":\"closed\",\"state\":\"SF\","    \
	"\"history\":\"ShADadFf\",\"client_state\":\"TIME_WAIT\",\"server_state\":\"CLOSED\","      \
	"\"handshake\":{\"syn_count\":1,\"synack_count\":1,\"syn_retry_intervals_ms\":[],"            \
	"\"synack_retry_intervals_ms\":[],\"syn_synack_ms\":1.500,\"synack_ack_ms\":0.250,"            \
	"\"rtt_ms\":1.750,\"completed\":true,\"simultaneous_open\":false,\"client\":{\"mss\":1460,"  \
	"\"wscale\":7,\"sack_permitted\":true,\"timestamps\":true,\"tfo\":false},\"server\":"       \
	"{\"mss\":1400,\"wscale\":null,\"sack_permitted\":false,\"timestamps\":false,\"tfo\":false}}," \
	"\"teardown\":{\"first_fin\":\"client\",\"active_closer\":\"client\",\"reset_by\":null,"     \
	"\"half_close\":false,\"time_wait_reuse\":false},"                                          \
	"\"c2s\":{\"packets\":5,\"bytes\":400,\"payload_bytes\":100,\"fin\":1,\"rst\":0,"           \
	"\"rst_ignored\":0,\"rst_suspect_ttl\":0" JSON_SEQ_ZERO "},\"s2c\":{\"packets\":4,\"bytes\":300,"            \
	"\"payload_bytes\":0,\"fin\":1,\"rst\":0,\"rst_ignored\":0,\"rst_suspect_ttl\":0" JSON_SEQ_ZERO "}," \
	"\"diagnoses\":[\"client closed first; TIME_WAIT on the client\"]}\n"

/* lc_none() in JSON, between end_reason and c2s. */
#define JSON_LC_NONE                                                                           \
	",\"state\":\"OTH\",\"history\":\"\",\"client_state\":\"NONE\",\"server_state\":\"NONE\","    \
	"\"handshake\":{\"syn_count\":0,\"synack_count\":0,\"syn_retry_intervals_ms\":[],"            \
	"\"synack_retry_intervals_ms\":[],\"syn_synack_ms\":null,\"synack_ack_ms\":null,"              \
	"\"rtt_ms\":null,\"completed\":false,\"simultaneous_open\":false,\"client\":null,"            \
	"\"server\":null},\"teardown\":{\"first_fin\":null,\"active_closer\":null,\"reset_by\":null," \
	"\"half_close\":false,\"time_wait_reuse\":false}"
#define JSON_DIR_NO_LC ",\"fin\":0,\"rst\":0,\"rst_ignored\":0,\"rst_suspect_ttl\":0" JSON_SEQ_ZERO "}"

#define JSON_V6                                                                                \
	"{\"type\":\"conn\",\"id\":2,\"ts_first\":1700000059.999999999,"                         \
	"\"ts_last\":1700000061.000000001,\"duration\":1.000000002,\"ip_version\":6,"             \
	"\"client\":{\"ip\":\"2001:db8::1:0:0:1\",\"port\":51234},\"server\":{\"ip\":"           \
	"\"2001:db8::80\",\"port\":443},\"direction_inferred\":true,\"end_reason\":"             \
	"\"end_of_input\"" JSON_LC_NONE ",\"c2s\":{\"packets\":3,\"bytes\":180,\"payload_bytes\":0"   \
	JSON_DIR_NO_LC ",\"s2c\":{\"packets\":0,\"bytes\":0,\"payload_bytes\":0" JSON_DIR_NO_LC       \
	",\"diagnoses\":[]}\n"

/* Every observer outcome, all zero. */
#define JSON_NO_OBSERVERS "\"observers\":{\"tls_client_hello\":{\"ok\":0,\"incomplete\":0,\"not_tls\":0,\"alert\":0,\"bad_record\":0,\"bad_handshake\":0,\"too_long\":0,\"bad_extension\":0,\"dup_extension\":0,\"bad_server_name\":0,\"bad_alpn\":0,\"bad_supported_versions\":0},\"tls_server_hello\":{\"ok\":0,\"incomplete\":0,\"not_tls\":0,\"alert\":0,\"bad_record\":0,\"bad_handshake\":0,\"too_long\":0,\"bad_extension\":0,\"dup_extension\":0,\"bad_server_name\":0,\"bad_alpn\":0,\"bad_supported_versions\":0},\"http_request\":{\"ok\":0,\"incomplete\":0,\"not_http\":0,\"bad_request_line\":0,\"bad_version\":0,\"bad_status_line\":0,\"line_too_long\":0,\"headers_too_long\":0},\"http_response\":{\"ok\":0,\"incomplete\":0,\"not_http\":0,\"bad_request_line\":0,\"bad_version\":0,\"bad_status_line\":0,\"line_too_long\":0,\"headers_too_long\":0},\"out_of_memory\":0},"

#define JSON_SUMMARY_HEAD                                                                         \
	"{\"type\":\"summary\",\"ts_first\":1700000000.000000001,\"ts_last\":1700000000.250000001," \
	"\"duration\":0.250000000,\"frames\":12,\"frame_bytes\":1500,\"tcp_packets\":9,"            \
	"\"not_ip\":1,\"not_tcp\":1,\"ip_fragments\":0,\"decode_errors\":{\"unknown_linktype\":0,"  \
	"\"trunc_link\":0,\"too_many_vlans\":0,\"trunc_ip\":0,\"bad_ip_version\":0,"               \
	"\"bad_ip_header_len\":0,\"bad_ip_total_len\":0,\"bad_ip_option\":0,\"trunc_ipv6_ext\":0,\"bad_ipv6_ext\":0,"  \
	"\"trunc_tcp\":1,\"bad_tcp_header_len\":0,\"bad_tcp_option\":2,\"trunc_tcp_options\":0,"          \
	"\"unknown_encapsulation\":0,\"trunc_encap\":0,\"bad_encap\":0,\"encap_too_deep\":0},"          \
	JSON_NO_OBSERVERS "\"connections\":2,"                                                          \
	"\"end_reasons\":{\"closed\":1,\"reset\":0,\"timeout\":0,\"evicted\":0,"                    \
	"\"end_of_input\":1,\"reused\":0},"

START_TEST(json_nothing_before_records)
{
	assert_render(REPORT_JSON, NULL, 0, NULL, "");
}
END_TEST

START_TEST(json_conns)
{
	struct conn_record c[2] = { conn_v4(), conn_v6() };

	assert_render(REPORT_JSON, c, 2, NULL, JSON_V4 JSON_V6);
}
END_TEST

START_TEST(json_limits)
{
	struct conn_record c = conn_max();

	assert_render(REPORT_JSON, &c, 1, NULL,
		      "{\"type\":\"conn\",\"id\":18446744073709551615,\"ts_first\":0.000000000,"
		      "\"ts_last\":18446744073.709551615,\"duration\":18446744073.709551615,"
		      "\"ip_version\":4,\"client\":{\"ip\":\"255.255.255.255\",\"port\":65535},"
		      "\"server\":{\"ip\":\"0.0.0.0\",\"port\":0},\"direction_inferred\":false,"
		      "\"end_reason\":\"reused\",\"state\":\"OTH\",\"history\":\"\",\"client_state\":"
		      "\"NONE\",\"server_state\":\"NONE\",\"handshake\":{\"syn_count\":0,\"synack_count\":0,"
		      "\"syn_retry_intervals_ms\":[1000.000,4294967.295],\"synack_retry_intervals_ms\":[],"
		      "\"syn_synack_ms\":null,\"synack_ack_ms\":null,\"rtt_ms\":null,\"completed\":false,"
		      "\"simultaneous_open\":false,\"client\":null,\"server\":null},\"teardown\":"
		      "{\"first_fin\":null,\"active_closer\":null,\"reset_by\":null,\"half_close\":false,"
		      "\"time_wait_reuse\":false},\"c2s\":{\"packets\":18446744073709551615,"
		      "\"bytes\":18446744073709551615,\"payload_bytes\":18446744073709551615,\"fin\":0,"
		      "\"rst\":65535,\"rst_ignored\":65535,\"rst_suspect_ttl\":0" JSON_SEQ_MAX "},"
		      "\"s2c\":{\"packets\":18446744073709551615,\"bytes\":18446744073709551615,"
		      "\"payload_bytes\":18446744073709551615,\"fin\":0,\"rst\":65535,\"rst_ignored\":65535,"
		      "\"rst_suspect_ttl\":0" JSON_SEQ_MAX "},\"diagnoses\":[]}\n");
}
END_TEST

START_TEST(json_time_precision)
{
	/* ns precision kept (a double would lose it); backwards clock gives duration 0 */
	struct conn_record c = conn_v4();
	char *got;

	c.ts_first_ns = 1700000000999999999ull;
	c.ts_last_ns = 1700000001000000000ull;
	got = render(REPORT_JSON, &c, 1, NULL);
	ck_assert_ptr_nonnull(strstr(got, "\"ts_first\":1700000000.999999999,"
					  "\"ts_last\":1700000001.000000000,"
					  "\"duration\":0.000000001,"));
	free(got);
	c.ts_first_ns = 1700000002000000000ull;
	got = render(REPORT_JSON, &c, 1, NULL);
	ck_assert_ptr_nonnull(strstr(got, "\"ts_first\":1700000002.000000000,"
					  "\"ts_last\":1700000001.000000000,"
					  "\"duration\":0.000000000,"));
	free(got);
}
END_TEST

START_TEST(json_summary_file)
{
	struct summary_record s = summary_file();
	struct conn_record c = conn_v4();

	assert_render(REPORT_JSON, &c, 1, &s,
		      JSON_V4 JSON_SUMMARY_HEAD "\"time_wait_reuses\":0,\"rst_ignored\":0,"
		      "\"rst_suspect_ttl\":0,\"negative_gaps\":0,\"syn_flood\":[],\"peak_flows\":2,\"max_flows\":1000000,"
		      "\"live\":false}\n");
}
END_TEST

START_TEST(json_summary_live)
{
	struct summary_record s = summary_live();

	assert_render(REPORT_JSON, NULL, 0, &s,
		      JSON_SUMMARY_HEAD "\"time_wait_reuses\":3,\"rst_ignored\":4,\"rst_suspect_ttl\":5,\"negative_gaps\":7,"
		      "\"syn_flood\":[{\"server\":{\"ip\":\"10.0.0.2\",\"port\":80},\"half_open\":50,"
		      "\"sources\":50,\"sources_capped\":false,\"flood\":true},{\"server\":{\"ip\":"
		      "\"2001:db8::80\",\"port\":443},\"half_open\":1,\"sources\":1,\"sources_capped\":true,"
		      "\"flood\":false}],\"peak_flows\":2,\"max_flows\":1000000,"
		      "\"live\":true,\"late_packets\":6,\"pcap\":{\"received\":100,\"dropped\":3,"
					"\"if_dropped\":0},\"warning\":\"capture stopped, "
					"\\\"eth0\\\" went down\"}\n");
}
END_TEST

START_TEST(json_warning_escaped)
{
	/*
	 * quote, backslash, newline, tab, 0x01, DEL, 0xff (never valid UTF-8),
	 * é (valid, kept), U+009B CSI (valid but a C1 control), an overlong '/'
	 * (0xC0 0xAF) and a sequence cut short at the end (0xE2 0x82).
	 */
	struct summary_record s = summary_file();
	char *got;

	s.input_warning = "q\"b\\n\n\t\x01\x7f\xff \xc3\xa9 \xc2\x9b \xc0\xaf \xe2\x82";
	got = render(REPORT_JSON, NULL, 0, &s);
	ck_assert_str_eq(strstr(got, ",\"warning\":"),
			 ",\"warning\":\"q\\\"b\\\\n\\n\\t\\u0001\\u007f\\u00ff \xc3\xa9 \\u009b "
			 "\\u00c0\\u00af \\u00e2\\u0082\"}\n");
	free(got);
}
END_TEST

/* A state change, an out-of-window TTL-suspect RST and a flagged segment, in every format. */
static char *render_events(enum report_format fmt)
{
	const struct conn_event ev[3] = {
		{ .ts_ns = TS_BASE + 1, .conn_id = 7, .kind = EVENT_STATE, .side = 0,
		  .old_state = TCP_ST_SYN_SENT, .new_state = TCP_ST_ESTABLISHED },
		{ .ts_ns = TS_BASE + 2, .conn_id = 7, .kind = EVENT_RST, .side = 1,
		  .in_window = false, .suspect_ttl = true },
		{ .ts_ns = TS_BASE + 3, .conn_id = 7, .kind = EVENT_SEQ, .side = 1, .seq = 4294967295u,
		  .len = 1448, .seq_bits = TCP_SEQ_FAST_RETRANSMISSION | TCP_SEQ_WINDOW_FULL },
	};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct report *r = report_open(f, fmt);
	for (int i = 0; i < 3; i++)
		report_event(r, &ev[i]);
	ck_assert_int_eq(report_close(r), 0);
	ck_assert_int_eq(fclose(f), 0);
	return text;
}

START_TEST(events_every_format)
{
	char *got = render_events(REPORT_JSON);
	ck_assert_str_eq(got,
		"{\"type\":\"event\",\"ts\":1700000000.000000001,\"conn\":7,\"side\":\"client\","
		"\"event\":\"state\",\"old\":\"SYN_SENT\",\"new\":\"ESTABLISHED\"}\n"
		"{\"type\":\"event\",\"ts\":1700000000.000000002,\"conn\":7,\"side\":\"server\","
		"\"event\":\"rst\",\"in_window\":false,\"suspect_ttl\":true}\n"
		"{\"type\":\"event\",\"ts\":1700000000.000000003,\"conn\":7,\"side\":\"server\","
		"\"event\":\"analysis\",\"seq\":4294967295,\"len\":1448,"
		"\"kinds\":[\"fast_retransmission\",\"window_full\"]}\n");
	free(got);
	got = render_events(REPORT_TEXT);
	ck_assert_str_eq(got, TEXT_HEADER
		"event 1700000000.000000001 conn 7 client SYN_SENT -> ESTABLISHED\n"
		"event 1700000000.000000002 conn 7 server RST out of window: ignored "
		"TTL unlike its other packets: possibly injected\n"
		"event 1700000000.000000003 conn 7 server seq 4294967295 len 1448 fast_retransmission window_full\n");
	free(got);
	got = render_events(REPORT_CSV);
	ck_assert_str_eq(got, CSV_HEADER); /* the table has no place for events */
	free(got);
}
END_TEST

START_TEST(json_buffer_boundaries)
{
	/* far more than one internal buffer: every line intact across flushes */
	enum { N = 5000 };
	struct conn_record c = conn_v4();
	size_t line = strlen(JSON_V4);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct report *r = report_open(f, REPORT_JSON);

	for (int i = 0; i < N; i++)
		report_conn(r, &c);
	ck_assert_int_eq(report_close(r), 0);
	fclose(f);
	ck_assert_uint_eq(len, N * line);
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(memcmp(text + (size_t)i * line, JSON_V4, line), 0);
	free(text);
}
END_TEST

/* ---- write errors ---- */

START_TEST(write_error_read_only_stream)
{
	FILE *f = fopen("/dev/null", "r");
	struct conn_record c = conn_v4();
	struct summary_record s = summary_file();
	struct report *r;

	ck_assert_ptr_nonnull(f);
	r = report_open(f, REPORT_JSON);
	report_conn(r, &c);
	report_summary(r, &s);
	errno = 0;
	ck_assert_int_eq(report_close(r), -1);
	ck_assert_int_eq(errno, EBADF); /* the first failure's errno */
	fclose(f);
}
END_TEST

START_TEST(write_error_full_device)
{
	/* a report small enough to fail only at the final flush keeps that errno */
	FILE *f = fopen("/dev/full", "w");
	struct conn_record c = conn_v4();
	struct report *r;

	ck_assert_ptr_nonnull(f);
	r = report_open(f, REPORT_CSV);
	report_conn(r, &c);
	errno = 0;
	ck_assert_int_eq(report_close(r), -1);
	ck_assert_int_eq(errno, ENOSPC);
	fclose(f);
}
END_TEST

START_TEST(write_error_full_buffer_small)
{
	/* one short record into a 64-byte buffer: the failure shows only at the final flush */
	char mem[64];
	FILE *f = fmemopen(mem, sizeof(mem), "w");
	struct conn_record c = conn_v4();
	struct report *r;

	ck_assert_ptr_nonnull(f);
	r = report_open(f, REPORT_CSV);
	report_conn(r, &c);
	ck_assert_int_eq(report_close(r), -1);
	fclose(f);
}
END_TEST

START_TEST(write_error_full_buffer_large)
{
	/* many records: the report's own fwrite comes up short */
	static char mem[4096];
	FILE *f = fmemopen(mem, sizeof(mem), "w");
	struct conn_record c = conn_v6();
	struct report *r;

	ck_assert_ptr_nonnull(f);
	r = report_open(f, REPORT_TEXT);
	for (int i = 0; i < 2000; i++)
		report_conn(r, &c);
	ck_assert_int_eq(report_close(r), -1);
	fclose(f);
}
END_TEST

START_TEST(no_write_error_exact_fit)
{
	/* the CSV header alone fits a buffer of its size + 1 (fmemopen keeps a NUL) */
	static char mem[sizeof(CSV_HEADER)];
	FILE *f = fmemopen(mem, sizeof(mem), "w");
	struct report *r;

	ck_assert_ptr_nonnull(f);
	r = report_open(f, REPORT_CSV);
	ck_assert_int_eq(report_close(r), 0);
	fclose(f);
	ck_assert_str_eq(mem, CSV_HEADER);
}
END_TEST

/* ---- TLS and HTTP fields ---- */

/*
 * A TLS connection whose SNI came off the wire hostile: a quote, a comma, a
 * newline, ESC (0x1b) and a NUL in 10 bytes "a\"b,c\n\x1b\0d.". ALPN h2 and
 * http/1.1 offered, versions 1.3 and 1.2, the server chose 1.3.
 */
static struct app_info tls_info(char *sni, char *alpn)
{
	struct app_info ai;
	memset(&ai, 0, sizeof(ai));
	ai.proto = APP_TLS;
	memcpy(sni, "a\"b,c\n\x1b\0d.", 11);
	ai.str[APP_SNI] = sni;
	ai.len[APP_SNI] = 10;
	memcpy(alpn, "\x02h2\x08http/1.1", 13); /* the names, each after its length */
	ai.str[APP_ALPN] = alpn;
	ai.len[APP_ALPN] = 12;
	ai.versions_count = 2;
	ai.versions[0] = 0x0304;
	ai.versions[1] = 0x0303;
	ai.server_hello = true;
	ai.version_chosen = 0x0304;
	ai.ech = true;
	return ai;
}

static struct app_info http_info(char *host, char *path)
{
	struct app_info ai;
	memset(&ai, 0, sizeof(ai));
	ai.proto = APP_HTTP;
	ai.method = HTTP_METHOD_GET;
	strcpy(host, "example.com");
	ai.str[APP_HTTP_HOST] = host;
	ai.len[APP_HTTP_HOST] = 11;
	strcpy(path, "/a,b");
	ai.str[APP_HTTP_PATH] = path;
	ai.len[APP_HTTP_PATH] = 4;
	ai.status = 404;
	return ai;
}

START_TEST(app_json)
{
	char sni[16], alpn[16], host[16], path[16];
	struct app_info t = tls_info(sni, alpn), h = http_info(host, path);
	struct conn_record c[2] = { conn_v4(), conn_v4() };
	c[0].app = &t;
	c[1].app = &h;
	char *got = render(REPORT_JSON, c, 2, NULL);
	/* JSON escapes: \" and \n by name, ESC and NUL as \u00XX */
	ck_assert_ptr_nonnull(strstr(got,
		",\"tls\":{\"sni\":\"a\\\"b,c\\n\\u001b\\u0000d.\",\"alpn\":[\"h2\",\"http/1.1\"],"
		"\"versions\":[\"TLS 1.3\",\"TLS 1.2\"],\"version_chosen\":\"TLS 1.3\","
		"\"alpn_chosen\":null,\"ech\":true,\"psk\":false},\"diagnoses\":["));
	ck_assert_ptr_nonnull(strstr(got,
		",\"http\":{\"method\":\"GET\",\"host\":\"example.com\",\"path\":\"/a,b\","
		"\"status\":404},\"diagnoses\":["));
	free(got);
}
END_TEST

START_TEST(app_csv)
{
	char sni[16], alpn[16], host[16], path[16];
	struct app_info t = tls_info(sni, alpn), h = http_info(host, path);
	struct conn_record c[2] = { conn_v4(), conn_v4() };
	c[0].app = &t;
	c[1].app = &h;
	char *got = render(REPORT_CSV, c, 2, NULL);
	/* the SNI holds a comma and a quote: quoted, the quote doubled, the
	 * newline, ESC and NUL escaped so the row stays one line */
	ck_assert_ptr_nonnull(strstr(got, ",4,300,0" CSV_SEQ_ZERO CSV_SEQ_ZERO ",\"a\"\"b,c\\n\\x1b\\x00d.\",\"h2,http/1.1\","
					  "TLS 1.3;TLS 1.2,TLS 1.3,true,,,," CSV_LC_CLIENT_CLOSED "\n"));
	ck_assert_ptr_nonnull(strstr(got, ",4,300,0" CSV_SEQ_ZERO CSV_SEQ_ZERO ",,,,,,GET,example.com,\"/a,b\",404"
					  CSV_LC_CLIENT_CLOSED "\n"));
	free(got);
}
END_TEST

START_TEST(app_text)
{
	char sni[16], alpn[16], host[16], path[16];
	struct app_info t = tls_info(sni, alpn), h = http_info(host, path);
	struct conn_record c[2] = { conn_v4(), conn_v4() };
	c[0].app = &t;
	c[1].app = &h;
	char *got = render(REPORT_TEXT, c, 2, NULL);
	/* NAME beside the server: the escaped SNI (17 characters, padded to 20), the Host; then C>S */
	ck_assert_ptr_nonnull(strstr(got, "10.0.0.2:80           a\"b,c\\n\\x1b\\x00d.   " "   400 B "));
	ck_assert_ptr_nonnull(strstr(got, "10.0.0.2:80           example.com         " "   400 B "));
	free(got);
}
END_TEST

/* Issue 13: an ALPN name with a comma stays one name; a bidi override in the SNI is escaped. */
START_TEST(app_alpn_comma_and_bidi)
{
	char sni[16], alpn[16], host[16], path[16];
	struct app_info t = tls_info(sni, alpn), h = http_info(host, path);
	(void)h;
	memcpy(sni, "ab\xe2\x80\xae" "cd", 7); /* U+202E RIGHT-TO-LEFT OVERRIDE */
	t.len[APP_SNI] = 7;
	memcpy(alpn, "\x03" "a,b" "\x02" "h2", 7);
	t.len[APP_ALPN] = 7;
	struct conn_record c = conn_v4();
	c.app = &t;
	char *got = render(REPORT_JSON, &c, 1, NULL);
	ck_assert_ptr_nonnull(strstr(got, "\"sni\":\"ab\\u202ecd\",\"alpn\":[\"a,b\",\"h2\"],"));
	free(got);
	got = render(REPORT_CSV, &c, 1, NULL);
	ck_assert_ptr_nonnull(strstr(got, ",ab\\xe2\\x80\\xaecd,\"a\\x2cb,h2\","));
	free(got);
	got = render(REPORT_TEXT, &c, 1, NULL);
	ck_assert_ptr_nonnull(strstr(got, "ab\\xe2\\x80\\xaecd"));
	ck_assert_ptr_null(strstr(got, "\xe2\x80\xae"));
	free(got);
}
END_TEST

/* ---- format names, end reasons, addresses ---- */

START_TEST(format_parse)
{
	enum report_format fmt = REPORT_TEXT;

	ck_assert(report_format_parse("json", &fmt));
	ck_assert_int_eq(fmt, REPORT_JSON);
	ck_assert(report_format_parse("csv", &fmt));
	ck_assert_int_eq(fmt, REPORT_CSV);
	ck_assert(report_format_parse("text", &fmt));
	ck_assert_int_eq(fmt, REPORT_TEXT);

	fmt = REPORT_CSV;
	ck_assert(!report_format_parse("JSON", &fmt));
	ck_assert(!report_format_parse("Text", &fmt));
	ck_assert(!report_format_parse("", &fmt));
	ck_assert(!report_format_parse("jsonl", &fmt));
	ck_assert(!report_format_parse("csv ", &fmt));
	ck_assert(!report_format_parse("tex", &fmt));
	ck_assert(!report_format_parse(NULL, &fmt));
	ck_assert_int_eq(fmt, REPORT_CSV); /* untouched on failure */
}
END_TEST

START_TEST(end_reason_names)
{
	ck_assert_str_eq(end_reason_name(END_CLOSED), "closed");
	ck_assert_str_eq(end_reason_name(END_RESET), "reset");
	ck_assert_str_eq(end_reason_name(END_TIMEOUT), "timeout");
	ck_assert_str_eq(end_reason_name(END_EVICTED), "evicted");
	ck_assert_str_eq(end_reason_name(END_END_OF_INPUT), "end_of_input");
	ck_assert_str_eq(end_reason_name(END_REUSED), "reused");
	ck_assert_str_eq(end_reason_name(END__COUNT), "unknown");
}
END_TEST

START_TEST(endpoint_addresses)
{
	static const uint16_t full[8] = { 0x2001, 0xdb8, 0x1234, 0x5678, 0x9abc, 0xdef0, 0x1, 0xffff };
	static const uint16_t one_zero[8] = { 0x2001, 0xdb8, 0, 1, 1, 1, 1, 1 };
	static const uint16_t loopback[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint16_t longer_later[8] = { 0x2001, 0, 0, 1, 0, 0, 0, 1 };
	struct endpoint e;
	char buf[64];

	set_v4(&e, 192, 168, 100, 7, 1);
	endpoint_addr_str(&e, 4, buf, sizeof(buf));
	ck_assert_str_eq(buf, "192.168.100.7");
	/* the same bytes as an IPv6 address are the v4-mapped form (RFC 5952 section 5) */
	endpoint_addr_str(&e, 6, buf, sizeof(buf));
	ck_assert_str_eq(buf, "::ffff:192.168.100.7");
	set_v4(&e, 0, 9, 10, 255, 1);
	endpoint_addr_str(&e, 4, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0.9.10.255");

	/* RFC 5952: lower case, no leading zeros, "::" for the longest run, not for one group */
	set_v6(&e, full, 1);
	endpoint_addr_str(&e, 6, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2001:db8:1234:5678:9abc:def0:1:ffff");
	set_v6(&e, one_zero, 1);
	endpoint_addr_str(&e, 6, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2001:db8:0:1:1:1:1:1");
	set_v6(&e, loopback, 1);
	endpoint_addr_str(&e, 6, buf, sizeof(buf));
	ck_assert_str_eq(buf, "::1");
	set_v6(&e, longer_later, 1);
	endpoint_addr_str(&e, 6, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2001:0:0:1::1");

	/* too small a buffer: empty string, never an overflow */
	set_v4(&e, 192, 168, 100, 7, 1);
	endpoint_addr_str(&e, 4, buf, 13);
	ck_assert_str_eq(buf, "");
	endpoint_addr_str(&e, 4, buf, 14);
	ck_assert_str_eq(buf, "192.168.100.7");
	set_v6(&e, full, 1);
	endpoint_addr_str(&e, 6, buf, 10);
	ck_assert_str_eq(buf, "");
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *text = tcase_create("text");
	TCase *csv = tcase_create("csv");
	TCase *json = tcase_create("json");
	TCase *errors = tcase_create("write_errors");
	TCase *names = tcase_create("names");

	tcase_add_test(text, text_header_only);
	tcase_add_test(text, text_conns);
	tcase_add_test(text, text_limits);
	tcase_add_test(text, text_width_and_order);
	tcase_add_test(text, text_summary_file);
	tcase_add_test(text, text_summary_live);
	tcase_add_test(text, text_summary_empty);
	tcase_add_test(text, text_summary_dates);
	tcase_add_test(text, text_warning_escaped);
	suite_add_tcase(s, text);

	tcase_add_test(csv, csv_header_only);
	tcase_add_test(csv, csv_conns);
	tcase_add_test(csv, csv_limits);
	tcase_add_test(csv, csv_summary_writes_nothing);
	suite_add_tcase(s, csv);

	tcase_add_test(json, json_nothing_before_records);
	tcase_add_test(json, json_conns);
	tcase_add_test(json, json_limits);
	tcase_add_test(json, json_time_precision);
	tcase_add_test(json, json_summary_file);
	tcase_add_test(json, json_summary_live);
	tcase_add_test(json, json_warning_escaped);
	tcase_add_test(json, json_buffer_boundaries);
	suite_add_tcase(s, json);

	tcase_add_test(errors, write_error_read_only_stream);
	tcase_add_test(errors, write_error_full_device);
	tcase_add_test(errors, write_error_full_buffer_small);
	tcase_add_test(errors, write_error_full_buffer_large);
	tcase_add_test(errors, no_write_error_exact_fit);
	suite_add_tcase(s, errors);

	tcase_add_test(names, format_parse);
	tcase_add_test(names, events_every_format);
	tcase_add_test(names, app_json);
	tcase_add_test(names, app_csv);
	tcase_add_test(names, app_text);
	tcase_add_test(names, app_alpn_comma_and_bidi);
	tcase_add_test(names, end_reason_names);
	tcase_add_test(names, endpoint_addresses);
	suite_add_tcase(s, names);
	return s;
}
