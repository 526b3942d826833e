/* check_halfopen.c - the half-open table: exact while it has room, space-saving beyond (issue 13). */
#include <check.h>
#include <string.h>

#include "halfopen.h"
#include "suites.h"

static void addr_of(uint32_t n, uint8_t a[16])
{
	memset(a, 0, 16);
	a[10] = a[11] = 0xff; /* v4-mapped */
	a[12] = (uint8_t)(n >> 24);
	a[13] = (uint8_t)(n >> 16);
	a[14] = (uint8_t)(n >> 8);
	a[15] = (uint8_t)n;
}

static void add(struct halfopen_table *t, uint32_t server, uint32_t client)
{
	uint8_t s[16], c[16];
	addr_of(server, s);
	addr_of(client, c);
	ck_assert(halfopen_add(t, s, 80, 4, c));
}

START_TEST(exact_while_room)
{
	struct halfopen_table *t = halfopen_new();
	/* server 1: 30 from 30 sources (a flood); server 2: 5 from one source */
	for (uint32_t i = 0; i < 30; i++)
		add(t, 1, 1000 + i);
	for (uint32_t i = 0; i < 5; i++)
		add(t, 2, 7);
	size_t n;
	struct halfopen_rest rest;
	const struct halfopen_server *h = halfopen_list(t, &n, &rest);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(h[0].half_open, 30);
	ck_assert_uint_eq(h[0].sources, 30);
	ck_assert(h[0].flood && !h[0].half_open_capped && !h[0].sources_capped);
	ck_assert_uint_eq(h[1].half_open, 5);
	ck_assert_uint_eq(h[1].sources, 1);
	ck_assert(!h[1].flood);
	ck_assert_uint_eq(rest.servers, 0);
	ck_assert_uint_eq(rest.half_open, 0);
	halfopen_free(t);
}
END_TEST

/*
 * A flood to 20 x HALFOPEN_TRACKED distinct servers, one half-open each,
 * with a target hit 500 times spread through it: the table stays its size,
 * the target is listed first with its count exact (500 > total / tracked,
 * so it is never dropped), and the rest is counted.
 */
START_TEST(flood_of_servers)
{
	struct halfopen_table *t = halfopen_new();
	uint32_t servers = 20 * HALFOPEN_TRACKED;
	uint32_t every = servers / 500;
	for (uint32_t i = 0; i < servers; i++) {
		add(t, 0x0a000000u + i, 1);
		if (i % every == 0)
			add(t, 0xc0a80001u, 2 + i / every);
	}
	uint64_t target_hits = (servers + every - 1) / every;
	size_t n;
	struct halfopen_rest rest;
	const struct halfopen_server *h = halfopen_list(t, &n, &rest);
	ck_assert_uint_le(n, HALFOPEN_REPORT_MAX);
	ck_assert_uint_ge(n, 1);
	ck_assert_uint_eq(h[0].server.addr[12], 192);
	ck_assert_uint_eq(h[0].half_open, target_hits);
	ck_assert(!h[0].half_open_capped);
	ck_assert_uint_eq(h[0].sources, target_hits);
	ck_assert(h[0].flood);
	uint64_t listed = 0;
	for (size_t i = 0; i < n; i++)
		listed += h[i].half_open;
	ck_assert_uint_eq(listed + rest.half_open, servers + target_hits);
	ck_assert_uint_ge(rest.servers, servers - n);
	ck_assert(rest.replaced);
	halfopen_free(t);
}
END_TEST

Suite *halfopen_suite(void)
{
	Suite *s = suite_create("halfopen");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, exact_while_room);
	tcase_add_test(tc, flood_of_servers);
	suite_add_tcase(s, tc);
	return s;
}
