/* check_flow.c - flow table and analyzer: orientation, port reuse, timeouts, eviction, end of input. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "flow.h"
#include "pktbuild.h"
#include "row.h"
#include "suites.h"

#define SEC 1000000000ull
#define T0 (1700000000ull * SEC)
#define MAX_RECS 16

/* Records the analyzer emitted, in order. */
static struct conn_record recs[MAX_RECS];
static int nrecs;

static void collect(void *ctx, const struct conn_record *r)
{
	(void)ctx;
	ck_assert_int_lt(nrecs, MAX_RECS);
	recs[nrecs++] = *r;
}

/* A record collector with its own array, for tests that run two analyzers. */
struct rec_sink {
	struct conn_record *recs;
	int n, cap;
};

static void sink_collect(void *ctx, const struct conn_record *r)
{
	struct rec_sink *s = ctx;
	ck_assert_int_lt(s->n, s->cap);
	s->recs[s->n++] = *r;
}

static struct analyzer *new_analyzer(uint64_t max_flows)
{
	struct flow_config cfg;
	flow_config_defaults(&cfg);
	if (max_flows)
		cfg.max_flows = max_flows;
	nrecs = 0;
	memset(recs, 0, sizeof(recs));
	struct analyzer *a = analyzer_new(&cfg, collect, NULL);
	ck_assert_ptr_nonnull(a);
	return a;
}

/* Feed one Ethernet frame built from t at time ts; returns its length. */
static size_t feed(struct analyzer *a, uint64_t ts, struct tb_tcp t)
{
	uint8_t buf[2048];
	size_t len = tb_eth_tcp(buf, &t);
	analyzer_frame(a, 1, buf, (uint32_t)len, (uint32_t)len, ts);
	return len;
}

#define F_SYN TCP_FLAG_SYN
#define F_ACK TCP_FLAG_ACK
#define F_FIN TCP_FLAG_FIN
#define F_RST TCP_FLAG_RST
#define F_PSH TCP_FLAG_PSH

/* A segment from a to b (addresses and ports). */
static struct tb_tcp seg(const char *src, uint16_t sp, const char *dst, uint16_t dp, uint32_t seq, uint32_t ack,
			 uint16_t flags, size_t payload)
{
	struct tb_tcp t = {.src = src, .dst = dst, .sport = sp, .dport = dp, .seq = seq, .ack = ack,
			   .flags = flags, .window = 65535, .payload_len = payload};
	return t;
}

static void assert_endpoint(const struct endpoint *e, int ipv, const char *ip, uint16_t port)
{
	char buf[64];
	endpoint_addr_str(e, ipv, buf, sizeof(buf));
	ck_assert_str_eq(buf, ip);
	ck_assert_uint_eq(e->port, port);
}

/* Client 10.0.0.2:40000 opens to 10.0.0.1:80 (client sorts after the server
 * in key order), sends 100 bytes, closes first. Every frame is 54 bytes
 * (14 Ethernet + 20 IP + 20 TCP) plus its payload. */
static void full_connection(struct analyzer *a, uint64_t t0, uint32_t isn)
{
	const char *C = "10.0.0.2", *S = "10.0.0.1";
	feed(a, t0 + 0, seg(C, 40000, S, 80, isn, 0, F_SYN, 0));
	feed(a, t0 + 1000, seg(S, 80, C, 40000, 5000, isn + 1, F_SYN | F_ACK, 0));
	feed(a, t0 + 2000, seg(C, 40000, S, 80, isn + 1, 5001, F_ACK, 0));
	feed(a, t0 + 3000, seg(C, 40000, S, 80, isn + 1, 5001, F_ACK | F_PSH, 100));
	feed(a, t0 + 4000, seg(S, 80, C, 40000, 5001, isn + 101, F_ACK, 0));
	feed(a, t0 + 5000, seg(C, 40000, S, 80, isn + 101, 5001, F_FIN | F_ACK, 0));
	feed(a, t0 + 6000, seg(S, 80, C, 40000, 5001, isn + 102, F_FIN | F_ACK, 0));
	feed(a, t0 + 7000, seg(C, 40000, S, 80, isn + 102, 5002, F_ACK, 0));
}

START_TEST(test_orientation_from_syn)
{
	struct analyzer *a = new_analyzer(0);
	full_connection(a, T0, 1000);
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 1);
	struct conn_record *r = &recs[0];
	ck_assert_uint_eq(r->id, 1);
	assert_endpoint(&r->client, 4, "10.0.0.2", 40000);
	assert_endpoint(&r->server, 4, "10.0.0.1", 80);
	ck_assert(!r->direction_inferred);
	ck_assert_int_eq(r->end_reason, END_CLOSED);
	/* c2s: SYN, ACK, data, FIN, ACK = 5 frames, 4*54 + 154 bytes */
	ck_assert_uint_eq(r->c2s.packets, 5);
	ck_assert_uint_eq(r->c2s.bytes, 4 * 54 + 154);
	ck_assert_uint_eq(r->c2s.payload_bytes, 100);
	/* s2c: SYN-ACK, ACK, FIN = 3 frames of 54 */
	ck_assert_uint_eq(r->s2c.packets, 3);
	ck_assert_uint_eq(r->s2c.bytes, 162);
	ck_assert_uint_eq(r->s2c.payload_bytes, 0);
	ck_assert_uint_eq(r->ts_first_ns, T0);
	ck_assert_uint_eq(r->ts_last_ns, T0 + 7000);
	analyzer_free(a);
}
END_TEST

START_TEST(test_orientation_from_synack)
{
	struct analyzer *a = new_analyzer(0);
	/* capture starts at the SYN-ACK: its receiver is the client */
	feed(a, T0, seg("192.168.1.1", 8080, "192.168.1.50", 33000, 1, 101, F_SYN | F_ACK, 0));
	feed(a, T0 + 1, seg("192.168.1.50", 33000, "192.168.1.1", 8080, 101, 2, F_ACK, 0));
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 1);
	assert_endpoint(&recs[0].client, 4, "192.168.1.50", 33000);
	assert_endpoint(&recs[0].server, 4, "192.168.1.1", 8080);
	ck_assert(!recs[0].direction_inferred);
	ck_assert_uint_eq(recs[0].c2s.packets, 1);
	ck_assert_uint_eq(recs[0].s2c.packets, 1);
	ck_assert_int_eq(recs[0].end_reason, END_END_OF_INPUT);
	analyzer_free(a);
}
END_TEST

START_TEST(test_orientation_midstream_by_port)
{
	struct analyzer *a = new_analyzer(0);
	/* first packet is server data from port 443: the lower port is the server */
	feed(a, T0, seg("10.1.1.1", 443, "10.9.9.9", 51000, 7, 9, F_ACK, 1000));
	feed(a, T0 + 5, seg("10.9.9.9", 51000, "10.1.1.1", 443, 9, 1007, F_ACK, 0));
	/* equal ports: the first sender is taken as the client */
	feed(a, T0 + 10, seg("10.2.2.2", 5000, "10.1.1.1", 5000, 1, 1, F_ACK, 10));
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 2);
	assert_endpoint(&recs[0].client, 4, "10.9.9.9", 51000);
	assert_endpoint(&recs[0].server, 4, "10.1.1.1", 443);
	ck_assert(recs[0].direction_inferred);
	ck_assert_uint_eq(recs[0].s2c.payload_bytes, 1000);
	ck_assert_uint_eq(recs[0].c2s.packets, 1);
	assert_endpoint(&recs[1].client, 4, "10.2.2.2", 5000);
	ck_assert(recs[1].direction_inferred);
	analyzer_free(a);
}
END_TEST

START_TEST(test_reorient_when_syn_arrives_late)
{
	struct analyzer *a = new_analyzer(0);
	/* a reordered capture: an ACK from 10.0.0.1:8080 comes first, so the port
	 * guess makes 8080 the client; then the SYN shows 10.0.0.2:80 opened it. */
	feed(a, T0, seg("10.0.0.1", 8080, "10.0.0.2", 80, 501, 101, F_ACK, 0));
	feed(a, T0 + 1, seg("10.0.0.2", 80, "10.0.0.1", 8080, 100, 0, F_SYN, 0));
	feed(a, T0 + 2, seg("10.0.0.1", 8080, "10.0.0.2", 80, 500, 101, F_SYN | F_ACK, 0));
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 1);
	assert_endpoint(&recs[0].client, 4, "10.0.0.2", 80);
	assert_endpoint(&recs[0].server, 4, "10.0.0.1", 8080);
	ck_assert(!recs[0].direction_inferred);
	ck_assert_uint_eq(recs[0].c2s.packets, 1);
	ck_assert_uint_eq(recs[0].s2c.packets, 2);
	analyzer_free(a);
}
END_TEST

START_TEST(test_synack_before_its_syn)
{
	struct analyzer *a = new_analyzer(0);
	const char *C = "141.142.228.5", *S = "192.150.187.43";
	/* reordered capture: the SYN-ACK (ack 1001 acknowledges ISN 1000) comes
	 * before the SYN it answers; that SYN is part of the same connection */
	feed(a, T0, seg(S, 80, C, 59856, 7000, 1001, F_SYN | F_ACK, 0));
	feed(a, T0 + 1, seg(C, 59856, S, 80, 1000, 0, F_SYN, 0));
	feed(a, T0 + 2, seg(C, 59856, S, 80, 1001, 7001, F_ACK, 0));
	/* a SYN with another ISN on the established connection is a new one */
	feed(a, T0 + 3, seg(C, 59856, S, 80, 5555, 0, F_SYN, 0));
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 2);
	assert_endpoint(&recs[0].client, 4, C, 59856);
	ck_assert_uint_eq(recs[0].c2s.packets, 2);
	ck_assert_uint_eq(recs[0].s2c.packets, 1);
	ck_assert_int_eq(recs[0].end_reason, END_REUSED);
	ck_assert_uint_eq(recs[1].c2s.packets, 1);
	analyzer_free(a);
}
END_TEST

START_TEST(test_ipv6_connection)
{
	struct analyzer *a = new_analyzer(0);
	feed(a, T0, seg("2001:db8::2", 40000, "2001:db8::1", 443, 1, 0, F_SYN, 0));
	feed(a, T0 + 1, seg("2001:db8::1", 443, "2001:db8::2", 40000, 9, 2, F_SYN | F_ACK, 0));
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(recs[0].ip_version, 6);
	assert_endpoint(&recs[0].client, 6, "2001:db8::2", 40000);
	assert_endpoint(&recs[0].server, 6, "2001:db8::1", 443);
	/* 14 + 40 + 20 = 74 bytes per frame */
	ck_assert_uint_eq(recs[0].c2s.bytes, 74);
	analyzer_free(a);
}
END_TEST

START_TEST(test_port_reuse_after_fin)
{
	struct analyzer *a = new_analyzer(0);
	full_connection(a, T0, 1000);
	full_connection(a, T0 + SEC, 900000);
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 2);
	ck_assert_uint_eq(recs[0].id, 1);
	ck_assert_int_eq(recs[0].end_reason, END_CLOSED);
	ck_assert_uint_eq(recs[0].c2s.packets, 5);
	ck_assert_uint_eq(recs[1].id, 2);
	ck_assert_int_eq(recs[1].end_reason, END_CLOSED);
	ck_assert_uint_eq(recs[1].ts_first_ns, T0 + SEC);
	ck_assert_uint_eq(recs[1].c2s.packets, 5);
	analyzer_free(a);
}
END_TEST

START_TEST(test_port_reuse_after_rst)
{
	struct analyzer *a = new_analyzer(0);
	const char *C = "10.0.0.5", *S = "10.0.0.6";
	feed(a, T0, seg(C, 1234, S, 22, 10, 0, F_SYN, 0));
	feed(a, T0 + 1, seg(S, 22, C, 1234, 0, 11, F_RST | F_ACK, 0));
	/* a SYN with a new ISN after the RST: a new connection */
	feed(a, T0 + 2, seg(C, 1234, S, 22, 777, 0, F_SYN, 0));
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 2);
	ck_assert_int_eq(recs[0].end_reason, END_RESET);
	ck_assert_uint_eq(recs[0].c2s.packets + recs[0].s2c.packets, 2);
	ck_assert_int_eq(recs[1].end_reason, END_END_OF_INPUT);
	ck_assert_uint_eq(recs[1].c2s.packets, 1);
	analyzer_free(a);
}
END_TEST

START_TEST(test_syn_retry_after_rst_same_isn)
{
	struct analyzer *a = new_analyzer(0);
	const char *C = "10.0.0.5", *S = "10.0.0.6";
	/* Windows retries a refused connect() with the same SYN (same ISN): one
	 * attempt refused three times, as tshark also keeps it in one stream */
	for (int i = 0; i < 3; i++) {
		feed(a, T0 + (uint64_t)i * SEC, seg(C, 1234, S, 22, 10, 0, F_SYN, 0));
		feed(a, T0 + (uint64_t)i * SEC + 1, seg(S, 22, C, 1234, 0, 11, F_RST | F_ACK, 0));
	}
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_int_eq(recs[0].end_reason, END_RESET);
	ck_assert_uint_eq(recs[0].c2s.packets, 3);
	ck_assert_uint_eq(recs[0].s2c.packets, 3);
	analyzer_free(a);
}
END_TEST

START_TEST(test_unanswered_syn_then_new_isn)
{
	struct analyzer *a = new_analyzer(0);
	const char *C = "10.0.0.1", *S = "10.0.0.2";
	/* an unanswered SYN, then a SYN with another ISN from the same port: a
	 * stack never changes the ISN of a retransmission, so it is a new connect() */
	feed(a, T0, seg(C, 41011, S, 80, 1000, 0, F_SYN, 0));
	feed(a, T0 + 3 * SEC, seg(C, 41011, S, 80, 2000, 0, F_SYN, 0));
	feed(a, T0 + 3 * SEC + 1, seg(S, 80, C, 41011, 9000, 2001, F_SYN | F_ACK, 0));
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 2);
	ck_assert_int_eq(recs[0].end_reason, END_REUSED);
	ck_assert_uint_eq(recs[0].c2s.packets, 1);
	ck_assert_uint_eq(recs[1].c2s.packets, 1);
	ck_assert_uint_eq(recs[1].s2c.packets, 1);
	analyzer_free(a);
}
END_TEST

START_TEST(test_syn_new_isn_on_established)
{
	struct analyzer *a = new_analyzer(0);
	const char *C = "10.0.0.5", *S = "10.0.0.6";
	feed(a, T0, seg(C, 1234, S, 22, 10, 0, F_SYN, 0));
	feed(a, T0 + 1, seg(S, 22, C, 1234, 70, 11, F_SYN | F_ACK, 0));
	/* a retransmitted SYN (same ISN) stays in the connection... */
	feed(a, T0 + 2, seg(C, 1234, S, 22, 10, 0, F_SYN, 0));
	/* ...a SYN with a new ISN replaces it (never closed: end reason reused) */
	feed(a, T0 + 3, seg(C, 1234, S, 22, 99999, 0, F_SYN, 0));
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 2);
	ck_assert_int_eq(recs[0].end_reason, END_REUSED);
	ck_assert_uint_eq(recs[0].c2s.packets, 2);
	ck_assert_uint_eq(recs[1].c2s.packets, 1);
	analyzer_free(a);
}
END_TEST

START_TEST(test_syn_retries_one_connection)
{
	struct analyzer *a = new_analyzer(0);
	/* unanswered SYN sent 4 times with Linux's 1, 2, 4 s back-off: one connection */
	for (int i = 0; i < 4; i++)
		feed(a, T0 + (uint64_t)((1 << i) - 1) * SEC, seg("10.0.0.5", 1234, "10.0.0.6", 22, 10, 0, F_SYN, 0));
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(recs[0].c2s.packets, 4);
	ck_assert_uint_eq(recs[0].s2c.packets, 0);
	analyzer_free(a);
}
END_TEST

START_TEST(test_idle_timeouts)
{
	struct analyzer *a = new_analyzer(0);
	/* established (SYN-ACK seen) then silent; an unanswered SYN; both idle */
	feed(a, T0, seg("10.0.0.1", 1000, "10.0.0.2", 80, 1, 0, F_SYN, 0));
	feed(a, T0 + 1, seg("10.0.0.2", 80, "10.0.0.1", 1000, 1, 2, F_SYN | F_ACK, 0));
	feed(a, T0 + 2, seg("10.0.0.3", 1000, "10.0.0.2", 80, 1, 0, F_SYN, 0));
	/* 121 s later: the opening one (120 s) expires, the established one (7500 s) not */
	feed(a, T0 + 2 + 121 * SEC, seg("10.0.0.9", 1, "10.0.0.8", 2, 1, 0, F_SYN, 0));
	ck_assert_int_eq(nrecs, 1);
	assert_endpoint(&recs[0].client, 4, "10.0.0.3", 1000);
	ck_assert_int_eq(recs[0].end_reason, END_TIMEOUT);
	/* 7501 s after its last packet the established one expires too */
	feed(a, T0 + 1 + 7501 * SEC, seg("10.0.0.9", 1, "10.0.0.8", 2, 1, 0, F_SYN, 0));
	/* the 10.0.0.9 SYN (opening, ~7380 s idle) expires with it; classes are
	 * swept opening first, so it is reported first */
	ck_assert_int_eq(nrecs, 3);
	assert_endpoint(&recs[1].client, 4, "10.0.0.9", 1);
	ck_assert_int_eq(recs[1].end_reason, END_TIMEOUT);
	assert_endpoint(&recs[2].client, 4, "10.0.0.1", 1000);
	ck_assert_int_eq(recs[2].end_reason, END_TIMEOUT);
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 4);
	ck_assert_int_eq(recs[3].end_reason, END_END_OF_INPUT);
	analyzer_free(a);
}
END_TEST

START_TEST(test_expire_without_packets)
{
	struct analyzer *a = new_analyzer(0);
	feed(a, T0, seg("10.0.0.1", 1000, "10.0.0.2", 80, 1, 0, F_SYN, 0));
	analyzer_expire(a, T0 + 120 * SEC); /* exactly the timeout: not yet */
	ck_assert_int_eq(nrecs, 0);
	analyzer_expire(a, T0 + 120 * SEC + 1);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_int_eq(recs[0].end_reason, END_TIMEOUT);
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 1);
	analyzer_free(a);
}
END_TEST

START_TEST(test_closed_kept_for_late_packets)
{
	struct analyzer *a = new_analyzer(0);
	full_connection(a, T0, 1000);
	/* a retransmitted last ACK 30 s later still belongs to it (closed class: 60 s) */
	feed(a, T0 + 30 * SEC, seg("10.0.0.2", 40000, "10.0.0.1", 80, 1102, 5002, F_ACK, 0));
	ck_assert_int_eq(nrecs, 0);
	/* 61 s after that, any packet makes it expire: reported as closed, not timeout */
	feed(a, T0 + 91 * SEC + 1, seg("10.0.0.7", 1, "10.0.0.8", 2, 1, 0, F_SYN, 0));
	ck_assert_int_eq(nrecs, 1);
	ck_assert_int_eq(recs[0].end_reason, END_CLOSED);
	ck_assert_uint_eq(recs[0].c2s.packets, 6);
	analyzer_finish(a);
	analyzer_free(a);
}
END_TEST

START_TEST(test_timestamps_backwards)
{
	struct analyzer *a = new_analyzer(0);
	feed(a, T0 + 10 * SEC, seg("10.0.0.1", 1000, "10.0.0.2", 80, 1, 0, F_SYN, 0));
	feed(a, T0, seg("10.0.0.2", 80, "10.0.0.1", 1000, 1, 2, F_SYN | F_ACK, 0));
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(recs[0].ts_first_ns, T0 + 10 * SEC);
	ck_assert_uint_eq(recs[0].ts_last_ns, T0 + 10 * SEC);
	struct summary_record s;
	memset(&s, 0, sizeof(s));
	analyzer_summary(a, &s);
	ck_assert_uint_eq(s.ts_first_ns, T0);
	ck_assert_uint_eq(s.ts_last_ns, T0 + 10 * SEC);
	analyzer_free(a);
}
END_TEST

START_TEST(test_eviction_lru)
{
	struct analyzer *a = new_analyzer(2);
	feed(a, T0 + 1, seg("10.0.0.1", 1001, "10.0.0.9", 80, 1, 0, F_SYN, 0));
	feed(a, T0 + 2, seg("10.0.0.1", 1002, "10.0.0.9", 80, 1, 0, F_SYN, 0));
	/* touch the first one: the second is now least recently active */
	feed(a, T0 + 3, seg("10.0.0.1", 1001, "10.0.0.9", 80, 1, 0, F_SYN, 0));
	feed(a, T0 + 4, seg("10.0.0.1", 1003, "10.0.0.9", 80, 1, 0, F_SYN, 0));
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(recs[0].client.port, 1002);
	ck_assert_int_eq(recs[0].end_reason, END_EVICTED);
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 3);
	struct summary_record s;
	memset(&s, 0, sizeof(s));
	analyzer_summary(a, &s);
	ck_assert_uint_eq(s.connections, 3);
	ck_assert_uint_eq(s.end_reasons[END_EVICTED], 1);
	ck_assert_uint_eq(s.end_reasons[END_END_OF_INPUT], 2);
	ck_assert_uint_eq(s.peak_flows, 2);
	ck_assert_uint_eq(s.max_flows, 2);
	analyzer_free(a);
}
END_TEST

START_TEST(test_evicted_closed_reports_closed)
{
	struct analyzer *a = new_analyzer(1);
	full_connection(a, T0, 1000);
	feed(a, T0 + SEC, seg("10.0.0.1", 1003, "10.0.0.9", 80, 1, 0, F_SYN, 0));
	ck_assert_int_eq(nrecs, 1);
	ck_assert_int_eq(recs[0].end_reason, END_CLOSED);
	analyzer_finish(a);
	analyzer_free(a);
}
END_TEST

START_TEST(test_summary_counts_non_tcp_and_errors)
{
	struct analyzer *a = new_analyzer(0);
	uint8_t buf[256];
	size_t len = feed(a, T0, seg("10.0.0.1", 1000, "10.0.0.2", 80, 1, 0, F_SYN, 0));
	/* the same frame turned into UDP (protocol 17): counted, not tracked */
	struct tb_tcp t = seg("10.0.0.1", 1000, "10.0.0.2", 53, 1, 0, 0, 0);
	size_t ulen = tb_eth_tcp(buf, &t);
	buf[14 + 9] = 17;
	analyzer_frame(a, 1, buf, (uint32_t)ulen, (uint32_t)ulen, T0 + 1);
	/* a TCP frame cut inside its TCP header */
	t = seg("10.0.0.1", 1000, "10.0.0.2", 80, 1, 0, F_ACK, 0);
	tb_eth_tcp(buf, &t);
	analyzer_frame(a, 1, buf, 14 + 20 + 10, 54, T0 + 2);
	analyzer_finish(a);
	struct summary_record s;
	memset(&s, 0, sizeof(s));
	analyzer_summary(a, &s);
	ck_assert_uint_eq(s.frames, 3);
	ck_assert_uint_eq(s.frame_bytes, len + ulen + 54);
	ck_assert_uint_eq(s.tcp_packets, 1);
	ck_assert_uint_eq(s.status[DECODE_NOT_TCP], 1);
	ck_assert_uint_eq(s.status[DECODE_TRUNC_TCP], 1);
	ck_assert_uint_eq(s.connections, 1);
	ck_assert_int_eq(nrecs, 1);
	analyzer_free(a);
}
END_TEST

/*
 * Batches change nothing: the same frames fed one by one and in one
 * analyzer_frames call (port reuse, expiry and eviction inside the batch,
 * more frames than one batch holds) give the same records in the same order.
 */
START_TEST(test_batch_equals_one_by_one)
{
	enum { N = 150 };
	static uint8_t bufs[N][128];
	struct frame frames[N];
	uint64_t ts = T0;
	for (int i = 0; i < N; i++) {
		/* 5 client ports; every 3rd frame a SYN with a new ISN (reuse), the
		 * rest data both ways; a 200 s gap at frame 100 expires the openers */
		uint16_t port = (uint16_t)(40000 + i % 5);
		ts += (i == 100) ? 200 * SEC : 1000;
		struct tb_tcp t = (i % 3 == 0) ? seg("10.0.0.1", port, "10.0.0.2", 80, (uint32_t)i * 1000, 0, F_SYN, 0)
			      : (i % 3 == 1) ? seg("10.0.0.2", 80, "10.0.0.1", port, 5, (uint32_t)i, F_SYN | F_ACK, 0)
					     : seg("10.0.0.1", port, "10.0.0.2", 80, 7, 6, F_ACK, (size_t)(i % 7));
		size_t len = tb_eth_tcp(bufs[i], &t);
		frames[i] = (struct frame){.ts_ns = ts, .caplen = (uint32_t)len, .wire_len = (uint32_t)len, .data = bufs[i]};
	}
	struct conn_record one[200];
	int n_one = 0;
	for (int pass = 0; pass < 2; pass++) {
		struct flow_config cfg;
		flow_config_defaults(&cfg);
		cfg.max_flows = 3; /* evictions inside the batch too */
		struct conn_record got[200];
		struct rec_sink sink = {got, 0, 200};
		struct analyzer *a = analyzer_new(&cfg, sink_collect, &sink);
		if (pass == 0)
			for (int i = 0; i < N; i++)
				analyzer_frames(a, 1, &frames[i], 1);
		else
			analyzer_frames(a, 1, frames, N);
		analyzer_finish(a);
		analyzer_free(a);
		if (pass == 0) {
			memcpy(one, got, sizeof(got));
			n_one = sink.n;
			ck_assert_int_gt(n_one, 10);
		} else {
			ck_assert_int_eq(sink.n, n_one);
			ck_assert_mem_eq(got, one, (size_t)n_one * sizeof(one[0]));
		}
	}
}
END_TEST

/*
 * A connection that ends inside a batch sees the capture's time as of the
 * frame that ended it, not of the batch's last frame: the client closed
 * first, a SYN reuses the 4-tuple 1 s later (within 2 x MSL: still
 * TIME_WAIT), and an unrelated frame 100 s later ends the batch.
 */
START_TEST(test_batch_time_is_the_frames_own)
{
	const char *C = "10.0.0.2", *S = "10.0.0.1";
	struct tb_tcp segs[] = {
		seg(C, 40000, S, 80, 1000, 0, F_SYN, 0),
		seg(S, 80, C, 40000, 5000, 1001, F_SYN | F_ACK, 0),
		seg(C, 40000, S, 80, 1001, 5001, F_ACK, 0),
		seg(C, 40000, S, 80, 1001, 5001, F_FIN | F_ACK, 0),
		seg(S, 80, C, 40000, 5001, 1002, F_FIN | F_ACK, 0),
		seg(C, 40000, S, 80, 1002, 5002, F_ACK, 0),
		seg(C, 40000, S, 80, 900000, 0, F_SYN, 0),
		seg("10.0.0.3", 40001, S, 81, 1, 0, F_SYN, 0),
	};
	enum { N = sizeof(segs) / sizeof(segs[0]) };
	uint64_t ts[N] = {T0, T0 + 1000, T0 + 2000, T0 + 3000, T0 + 4000, T0 + 5000, T0 + SEC, T0 + 100 * SEC};
	static uint8_t bufs[N][128];
	struct frame frames[N];
	for (int i = 0; i < N; i++) {
		size_t len = tb_eth_tcp(bufs[i], &segs[i]);
		frames[i] = (struct frame){.ts_ns = ts[i], .caplen = (uint32_t)len, .wire_len = (uint32_t)len, .data = bufs[i]};
	}
	struct analyzer *a = new_analyzer(0);
	analyzer_frames(a, 1, frames, N);
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 3);
	ck_assert_uint_eq(recs[0].id, 1); /* ended by the reusing SYN */
	ck_assert_str_eq(recs[0].lc.client_state, "TIME_WAIT");
	ck_assert_str_eq(recs[0].lc.server_state, "CLOSED");
	ck_assert_uint_eq(recs[1].id, 2); /* the reusing connection, still opening */
	ck_assert(recs[1].lc.time_wait_reuse);
	analyzer_free(a);
}
END_TEST

/* ---- live capture: records at close (analyzer_report_at_close) ---- */

#define GRACE (SEC / 2)

static uint64_t summary_late(struct analyzer *a)
{
	struct summary_record sum;
	memset(&sum, 0, sizeof(sum));
	analyzer_summary(a, &sum);
	return sum.late_packets;
}

/* The FIN exchange seen to its last ACK: the record comes with that ACK, TIME_WAIT notwithstanding. */
START_TEST(test_live_record_at_last_ack)
{
	struct analyzer *a = new_analyzer(0);
	analyzer_report_at_close(a, GRACE);
	full_connection(a, T0, 1000);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_int_eq(recs[0].end_reason, END_CLOSED);
	ck_assert_uint_eq(recs[0].c2s.packets, 5);
	ck_assert_uint_eq(recs[0].s2c.packets, 3);
	ck_assert_str_eq(recs[0].lc.client_state, "TIME_WAIT"); /* it closed first */
	ck_assert_str_eq(recs[0].lc.server_state, "CLOSED");
	/* a retransmitted last ACK 30 s later: counted as late, never a second record */
	feed(a, T0 + 30 * SEC, seg("10.0.0.2", 40000, "10.0.0.1", 80, 1102, 5002, F_ACK, 0));
	ck_assert_uint_eq(summary_late(a), 1);
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 1);
	analyzer_free(a);
}
END_TEST

/* The entry outlives the record: a SYN during TIME_WAIT is still a reuse of the 4-tuple. */
START_TEST(test_live_reuse_seen_after_record)
{
	struct analyzer *a = new_analyzer(0);
	analyzer_report_at_close(a, GRACE);
	full_connection(a, T0, 1000);
	full_connection(a, T0 + 10 * SEC, 9000);
	ck_assert_int_eq(nrecs, 2);
	ck_assert(!recs[0].lc.time_wait_reuse);
	ck_assert(recs[1].lc.time_wait_reuse);
	ck_assert_uint_eq(recs[1].c2s.packets, 5);
	ck_assert_uint_eq(summary_late(a), 0);
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 2);
	analyzer_free(a);
}
END_TEST

/* A RST: the record waits the grace for the peer's answers, then comes without another packet. */
START_TEST(test_live_record_after_rst_grace)
{
	const char *C = "10.0.0.2", *S = "10.0.0.1";
	struct analyzer *a = new_analyzer(0);
	analyzer_report_at_close(a, GRACE);
	feed(a, T0, seg(C, 40000, S, 80, 1000, 0, F_SYN, 0));
	feed(a, T0 + 1000, seg(S, 80, C, 40000, 5000, 1001, F_SYN | F_ACK, 0));
	feed(a, T0 + 2000, seg(C, 40000, S, 80, 1001, 5001, F_ACK, 0));
	feed(a, T0 + SEC, seg(C, 40000, S, 80, 1001, 5001, F_RST | F_ACK, 0));
	/* the server's segment in flight, then its RST answering it, inside the grace */
	feed(a, T0 + SEC + SEC / 10, seg(S, 80, C, 40000, 5001, 1001, F_ACK | F_PSH, 10));
	feed(a, T0 + SEC + SEC / 10 + 1000, seg(C, 40000, S, 80, 1001, 0, F_RST, 0));
	analyzer_expire(a, T0 + SEC + GRACE - 1);
	ck_assert_int_eq(nrecs, 0);
	analyzer_expire(a, T0 + SEC + GRACE);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_int_eq(recs[0].end_reason, END_RESET);
	ck_assert_uint_eq(recs[0].c2s.packets, 4);
	ck_assert_uint_eq(recs[0].s2c.packets, 2);
	ck_assert_uint_eq(summary_late(a), 0);
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 1);
	analyzer_free(a);
}
END_TEST

/* FIN both ways but the last ACK never seen: written the grace after the second FIN. */
START_TEST(test_live_record_without_last_ack)
{
	const char *C = "10.0.0.2", *S = "10.0.0.1";
	struct analyzer *a = new_analyzer(0);
	analyzer_report_at_close(a, GRACE);
	feed(a, T0, seg(C, 40000, S, 80, 1000, 0, F_SYN, 0));
	feed(a, T0 + 1000, seg(S, 80, C, 40000, 5000, 1001, F_SYN | F_ACK, 0));
	feed(a, T0 + 2000, seg(C, 40000, S, 80, 1001, 5001, F_ACK, 0));
	feed(a, T0 + 3000, seg(C, 40000, S, 80, 1001, 5001, F_FIN | F_ACK, 0));
	feed(a, T0 + 4000, seg(S, 80, C, 40000, 5001, 1002, F_FIN | F_ACK, 0));
	/* time passes through another connection's packets, as on a busy link */
	feed(a, T0 + 4000 + GRACE - 1, seg("10.0.0.7", 1, "10.0.0.8", 2, 1, 0, F_SYN, 0));
	ck_assert_int_eq(nrecs, 0);
	feed(a, T0 + 4000 + GRACE, seg("10.0.0.7", 1, "10.0.0.8", 2, 1, 0, F_SYN, 0));
	ck_assert_int_eq(nrecs, 1);
	ck_assert_int_eq(recs[0].end_reason, END_CLOSED);
	ck_assert_str_eq(recs[0].lc.server_state, "LAST_ACK");
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 2);
	analyzer_free(a);
}
END_TEST

/* Kernel drops read while a connection was open mark its record; one begun after them is clean. */
START_TEST(test_live_drops_in_diagnoses)
{
	struct analyzer *a = new_analyzer(0);
	analyzer_note_drops(a, T0 - SEC, 0);
	full_connection(a, T0, 1000);
	ck_assert(analyzer_note_drops(a, T0 + 2 * SEC, 3));
	full_connection(a, T0 + 3 * SEC, 9000); /* reuses the 4-tuple: the first is written */
	analyzer_finish(a);
	ck_assert_int_eq(nrecs, 2);
	ck_assert_str_eq(recs[0].lc.diag[recs[0].lc.ndiag - 1],
			 "capture incomplete: the kernel dropped 3 packets while it was open");
	for (int i = 0; i < recs[1].lc.ndiag; i++)
		ck_assert(strstr(recs[1].lc.diag[i], "kernel") == NULL);
	analyzer_free(a);
}
END_TEST

/* The live view's rows and totals: cheap values of the connections held, and a record made on demand. */
START_TEST(test_live_rows_and_totals)
{
	const char *C = "10.0.0.2", *S = "10.0.0.1";
	struct analyzer *a = new_analyzer(0);
	analyzer_report_at_close(a, GRACE);
	feed(a, T0, seg(C, 40000, S, 80, 1000, 0, F_SYN, 0));
	feed(a, T0 + 1000, seg(S, 80, C, 40000, 5000, 1001, F_SYN | F_ACK, 0));
	feed(a, T0 + 3000, seg(C, 40000, S, 80, 1001, 5001, F_ACK, 0));
	feed(a, T0 + 4000, seg(C, 40000, S, 80, 1001, 5001, F_ACK | F_PSH, 100));
	struct conn_row rows[2];
	ck_assert_uint_eq(analyzer_rows(a, rows, 2, true), 1);
	ck_assert_uint_eq(analyzer_rows(a, rows, 0, true), 1); /* counts without room */
	const struct conn_row *r = &rows[0];
	ck_assert_uint_eq(r->id, 1);
	assert_endpoint(&r->client, 4, C, 40000);
	assert_endpoint(&r->server, 4, S, 80);
	ck_assert_int_eq(r->state[0], TCP_ST_ESTABLISHED);
	ck_assert_int_eq(r->state[1], TCP_ST_ESTABLISHED);
	ck_assert_str_eq(r->zeek_state, "S1");
	ck_assert_uint_eq(r->packets[0], 3);
	ck_assert_uint_eq(r->packets[1], 1);
	ck_assert_uint_eq(r->payload[0], 100);
	ck_assert_uint_eq(r->handshake_rtt_us, 3); /* 1 us SYN -> SYN-ACK, 2 us SYN-ACK -> ACK */
	ck_assert_uint_eq(r->flags, 0);
	struct analyzer_totals t;
	analyzer_totals(a, &t);
	ck_assert_uint_eq(t.packets[0], 3);
	ck_assert_uint_eq(t.packets[1], 1);
	ck_assert_uint_eq(t.data_segments, 1);
	ck_assert_uint_eq(t.opened, 1);
	ck_assert_uint_eq(t.ended, 0);
	static struct conn_record rec;
	ck_assert(analyzer_peek_record(a, r, &rec));
	ck_assert_uint_eq(rec.id, 1);
	ck_assert_str_eq(rec.lc.state, "S1");
	ck_assert_uint_eq(rec.c2s.packets, 3);
	/* closed and written: no longer a row, and no record to peek */
	feed(a, T0 + 5000, seg(C, 40000, S, 80, 1101, 5001, F_FIN | F_ACK, 0));
	feed(a, T0 + 6000, seg(S, 80, C, 40000, 5001, 1102, F_FIN | F_ACK, 0));
	feed(a, T0 + 7000, seg(C, 40000, S, 80, 1102, 5002, F_ACK, 0));
	ck_assert_int_eq(nrecs, 1);
	ck_assert_uint_eq(analyzer_rows(a, rows, 2, true), 0);
	ck_assert(!analyzer_peek_record(a, r, &rec));
	analyzer_totals(a, &t);
	ck_assert_uint_eq(t.ended, 1);
	ck_assert_uint_eq(t.packets[0] + t.packets[1], 7);
	analyzer_finish(a);
	analyzer_free(a);
}
END_TEST

START_TEST(test_key_is_canonical)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.ip_version = 4;
	p.src[15] = 9;
	p.dst[15] = 1;
	p.sport = 1;
	p.dport = 2;
	struct flow_key k1, k2;
	int s1, s2;
	flow_key_from_pkt(&p, &k1, &s1);
	uint8_t tmp[16];
	memcpy(tmp, p.src, 16);
	memcpy(p.src, p.dst, 16);
	memcpy(p.dst, tmp, 16);
	p.sport = 2;
	p.dport = 1;
	flow_key_from_pkt(&p, &k2, &s2);
	ck_assert_mem_eq(&k1, &k2, sizeof(k1));
	ck_assert_int_eq(s1, 1); /* 9 sorts after 1 */
	ck_assert_int_eq(s2, 0);
}
END_TEST

Suite *flow_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *orient = tcase_create("orientation");
	tcase_add_test(orient, test_orientation_from_syn);
	tcase_add_test(orient, test_orientation_from_synack);
	tcase_add_test(orient, test_orientation_midstream_by_port);
	tcase_add_test(orient, test_reorient_when_syn_arrives_late);
	tcase_add_test(orient, test_synack_before_its_syn);
	tcase_add_test(orient, test_ipv6_connection);
	tcase_add_test(orient, test_key_is_canonical);
	suite_add_tcase(s, orient);

	TCase *reuse = tcase_create("port_reuse");
	tcase_add_test(reuse, test_port_reuse_after_fin);
	tcase_add_test(reuse, test_port_reuse_after_rst);
	tcase_add_test(reuse, test_syn_retry_after_rst_same_isn);
	tcase_add_test(reuse, test_unanswered_syn_then_new_isn);
	tcase_add_test(reuse, test_syn_new_isn_on_established);
	tcase_add_test(reuse, test_syn_retries_one_connection);
	suite_add_tcase(s, reuse);

	TCase *limits = tcase_create("limits");
	tcase_add_test(limits, test_idle_timeouts);
	tcase_add_test(limits, test_expire_without_packets);
	tcase_add_test(limits, test_closed_kept_for_late_packets);
	tcase_add_test(limits, test_timestamps_backwards);
	tcase_add_test(limits, test_eviction_lru);
	tcase_add_test(limits, test_evicted_closed_reports_closed);
	tcase_add_test(limits, test_summary_counts_non_tcp_and_errors);
	tcase_add_test(limits, test_batch_equals_one_by_one);
	tcase_add_test(limits, test_batch_time_is_the_frames_own);
	suite_add_tcase(s, limits);

	TCase *live = tcase_create("live_records");
	tcase_add_test(live, test_live_record_at_last_ack);
	tcase_add_test(live, test_live_reuse_seen_after_record);
	tcase_add_test(live, test_live_record_after_rst_grace);
	tcase_add_test(live, test_live_record_without_last_ack);
	tcase_add_test(live, test_live_drops_in_diagnoses);
	tcase_add_test(live, test_live_rows_and_totals);
	suite_add_tcase(s, live);
	return s;
}
