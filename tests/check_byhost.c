/* check_byhost.c - --by's groups (byhost.c), and the progress line's text (progress.c), worked by hand. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "byhost.h"
#include "progress.h"
#include "textesc.h"
#include "suites.h"

/* A record from client 10.0.0.C:cport to server 10.0.1.S:sport, handshake seen and closed cleanly. */
static struct conn_record rec(uint8_t c, uint16_t cport, uint8_t s, uint16_t sport)
{
	struct conn_record r;
	memset(&r, 0, sizeof(r));
	r.ip_version = 4;
	uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	memcpy(r.client.addr, v4mapped, 12);
	memcpy(r.server.addr, v4mapped, 12);
	r.client.addr[12] = 10, r.client.addr[14] = 0, r.client.addr[15] = c;
	r.server.addr[12] = 10, r.server.addr[14] = 1, r.server.addr[15] = s;
	r.client.port = cport;
	r.server.port = sport;
	r.lc.state = "SF";
	r.lc.syn_count = 1;
	r.lc.synack_count = 1;
	r.end_reason = END_CLOSED;
	r.s2c.packets = 3;
	return r;
}

static void set_handshake(struct conn_record *r, uint32_t us)
{
	r->lc.have_syn_synack = r->lc.have_synack_ack = true;
	r->lc.syn_synack_us = us / 2;
	r->lc.synack_ack_us = us - us / 2;
}

static const struct byhost_group *only_group(struct byhost *b)
{
	size_t n;
	const struct byhost_group *const *g = byhost_groups(b, BYHOST_BY_CONNECTIONS, &n);
	ck_assert_uint_eq(n, 1);
	return g[0];
}

/* Wikipedia's nearest-rank example: 15, 20, 35, 40, 50 -> p5 15, p30 20, p40 20, p50 35, p100 50. */
START_TEST(percentile_nearest_rank)
{
	static const uint32_t values[] = {40, 15, 50, 35, 20}; /* any order */
	struct byhost *b = byhost_new(BYHOST_SERVER);
	for (size_t i = 0; i < 5; i++) {
		struct conn_record r = rec(1, (uint16_t)(40000 + i), 1, 443);
		set_handshake(&r, values[i]);
		ck_assert(byhost_add(b, &r));
	}
	const struct byhost_group *g = only_group(b);
	static const struct { unsigned p; uint32_t want; } cases[] = {{5, 15}, {30, 20}, {40, 20}, {50, 35}, {90, 50}, {99, 50}, {100, 50}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t us;
		ck_assert(byhost_percentile(&g->handshake, cases[i].p, &us));
		ck_assert_msg(us == cases[i].want, "p%u: %u, want %u", cases[i].p, us, cases[i].want);
	}
	uint32_t us;
	ck_assert(!byhost_percentile(&g->data, 50, &us)); /* no data RTT at all */
	byhost_free(b);
}
END_TEST

/* Server groups by address and port; client groups by address alone. */
START_TEST(keys)
{
	struct conn_record r[4] = {rec(1, 40000, 1, 443), rec(1, 40001, 1, 443), rec(2, 40000, 1, 80), rec(1, 40002, 2, 443)};
	struct byhost *srv = byhost_new(BYHOST_SERVER), *cli = byhost_new(BYHOST_CLIENT);
	for (int i = 0; i < 4; i++) {
		ck_assert(byhost_add(srv, &r[i]));
		ck_assert(byhost_add(cli, &r[i]));
	}
	size_t n;
	const struct byhost_group *const *g = byhost_groups(srv, BYHOST_BY_CONNECTIONS, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(g[0]->connections, 2); /* 10.0.1.1:443 first: most connections */
	ck_assert_uint_eq(g[0]->host.port, 443);
	ck_assert_uint_eq(g[0]->host.addr[15], 1);
	ck_assert_uint_eq(g[1]->host.port, 80);   /* then 10.0.1.1:80 before 10.0.1.2:443: by address */
	ck_assert_uint_eq(g[2]->host.addr[15], 2);
	g = byhost_groups(cli, BYHOST_BY_CONNECTIONS, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(g[0]->connections, 3);
	ck_assert_uint_eq(g[0]->host.port, 0);
	byhost_free(srv);
	byhost_free(cli);
}
END_TEST

/* Refused, unanswered, reset, SYN retries, bytes, zero windows and the data RTT of hand-made records. */
START_TEST(counts)
{
	struct byhost *b = byhost_new(BYHOST_SERVER);
	struct conn_record refused = rec(1, 40000, 1, 80), silent = rec(1, 40001, 1, 80), reset = rec(1, 40002, 1, 80);
	refused.lc.state = "REJ";
	refused.lc.synack_count = 0;
	refused.end_reason = END_RESET;
	silent.lc.state = "S0";
	silent.lc.syn_count = 3;
	silent.lc.synack_count = 0;
	silent.s2c.packets = 0;
	silent.end_reason = END_TIMEOUT;
	reset.lc.state = "RSTR";
	reset.end_reason = END_RESET;
	reset.c2s.bytes = 1000, reset.s2c.bytes = 5000;
	reset.c2s.payload_bytes = 100, reset.s2c.payload_bytes = 4000;
	reset.s2c_seq.retransmitted_bytes = 400;
	reset.c2s_seq.zero_window_ms = 1500;
	/* data RTT: client's 3 samples summing 300 us (mean 100) + server's 2 summing 51 us (mean 25.5 -> 26) */
	reset.c2s_seq.rtt.samples = 3, reset.c2s_seq.rtt.sum_us = 300;
	reset.s2c_seq.rtt.samples = 2, reset.s2c_seq.rtt.sum_us = 51;
	ck_assert(byhost_add(b, &refused) && byhost_add(b, &silent) && byhost_add(b, &reset));
	const struct byhost_group *g = only_group(b);
	ck_assert_uint_eq(g->connections, 3);
	ck_assert_uint_eq(g->refused, 1);
	ck_assert_uint_eq(g->unanswered, 1);
	ck_assert_uint_eq(g->reset, 1);        /* the refused one's RST is not counted again */
	ck_assert_uint_eq(g->syn_retries, 2);
	ck_assert_uint_eq(g->bytes[0], 1000);
	ck_assert_uint_eq(g->bytes[1], 5000);
	ck_assert_uint_eq(g->payload_bytes, 4100);
	ck_assert_uint_eq(g->retransmitted_bytes, 400);
	ck_assert_uint_eq(g->zero_window_ms[0], 1500);
	uint32_t us;
	ck_assert_uint_eq(g->data.n, 1);
	ck_assert(byhost_percentile(&g->data, 50, &us));
	ck_assert_uint_eq(us, 126);
	ck_assert_uint_eq(g->handshake.n, 0); /* no record here had its handshake timed */
	byhost_free(b);
}
END_TEST

/* Names: SNI, else HTTP Host; 4 distinct counted, most frequent first; the rest in names_other. */
START_TEST(names)
{
	static const char *const sni[] = {"a.test", "b.test", "b.test", "c.test", "d.test", "e.test", "e.test"};
	struct byhost *b = byhost_new(BYHOST_SERVER);
	for (size_t i = 0; i < sizeof(sni) / sizeof(sni[0]); i++) {
		struct app_info ai;
		memset(&ai, 0, sizeof(ai));
		ai.str[APP_SNI] = (char *)sni[i];
		ai.len[APP_SNI] = (uint16_t)strlen(sni[i]);
		struct conn_record r = rec(1, (uint16_t)(40000 + i), 1, 443);
		r.app = &ai;
		ck_assert(byhost_add(b, &r));
	}
	struct conn_record plain = rec(1, 41000, 1, 443); /* no name: not counted anywhere */
	ck_assert(byhost_add(b, &plain));
	const struct byhost_group *g = only_group(b);
	ck_assert_uint_eq(g->nnames, 4);
	ck_assert_str_eq(g->names[0].name, "b.test");
	ck_assert_uint_eq(g->names[0].connections, 2);
	ck_assert_str_eq(g->names[1].name, "a.test"); /* ties by name */
	ck_assert_str_eq(g->names[3].name, "d.test");
	ck_assert_uint_eq(g->names_other, 2);          /* both e.test connections came after 4 names */
	byhost_free(b);
}
END_TEST

/* Past BYHOST_GROUPS_MAX the other hosts are summed into one group written last. */
START_TEST(rest_group)
{
	struct byhost *b = byhost_new(BYHOST_CLIENT);
	for (uint32_t i = 0; i < BYHOST_GROUPS_MAX + 5; i++) {
		struct conn_record r = rec(0, 40000, 1, 80);
		r.client.addr[13] = (uint8_t)(i >> 16), r.client.addr[14] = (uint8_t)(i >> 8), r.client.addr[15] = (uint8_t)i;
		ck_assert(byhost_add(b, &r));
	}
	size_t n;
	const struct byhost_group *const *g = byhost_groups(b, BYHOST_BY_CONNECTIONS, &n);
	ck_assert_uint_eq(n, BYHOST_GROUPS_MAX + 1);
	ck_assert(g[n - 1]->rest);
	ck_assert_uint_eq(g[n - 1]->connections, 5);
	ck_assert(!g[0]->rest);
	byhost_free(b);
}
END_TEST

/* --sort retx: the larger retransmitted share first (3/10 before 1/5), no payload last. */
START_TEST(order_retx)
{
	struct byhost *b = byhost_new(BYHOST_SERVER);
	struct conn_record r1 = rec(1, 40000, 1, 80), r2 = rec(1, 40000, 2, 80), r3 = rec(1, 40000, 3, 80);
	r1.c2s.payload_bytes = 5, r1.c2s_seq.retransmitted_bytes = 1;
	r2.c2s.payload_bytes = 10, r2.c2s_seq.retransmitted_bytes = 3;
	ck_assert(byhost_add(b, &r3) && byhost_add(b, &r1) && byhost_add(b, &r2));
	size_t n;
	const struct byhost_group *const *g = byhost_groups(b, BYHOST_BY_RETX, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(g[0]->host.addr[15], 2);
	ck_assert_uint_eq(g[1]->host.addr[15], 1);
	ck_assert_uint_eq(g[2]->host.addr[15], 3);
	byhost_free(b);
}
END_TEST

/* Half of 100 MB in 1 s: 1 s left; 2000 frames in 1 s. */
START_TEST(progress_text)
{
	struct progress_state s = {.bytes_done = 50000000, .bytes_total = 100000000, .frames = 2000,
				   .connections = 7, .elapsed_ns = 1000000000};
	char buf[256];
	progress_format(&s, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "tcpscope: 50% of 100 MB, 2.00k packets/s, 7 connections, 1.00 s left");
	size_t n = progress_format(&s, 30, buf, sizeof(buf));
	ck_assert_uint_eq(n, 29); /* one column short of the width: it never wraps */
	s.bytes_done = s.bytes_total;
	progress_format(&s, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "tcpscope: 100% of 100 MB, 2.00k packets/s, 7 connections");
}
END_TEST

Suite *byhost_suite(void)
{
	Suite *s = suite_create("byhost");
	TCase *core = tcase_create("core");
	tcase_add_test(core, percentile_nearest_rank);
	tcase_add_test(core, keys);
	tcase_add_test(core, counts);
	tcase_add_test(core, names);
	tcase_add_test(core, order_retx);
	tcase_add_test(core, progress_text);
	suite_add_tcase(s, core);
	TCase *limits = tcase_create("limits");
	tcase_add_test(limits, rest_group);
	suite_add_tcase(s, limits);
	return s;
}
