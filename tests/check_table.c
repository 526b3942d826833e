/* check_table.c - the table for people (column fitting, cutting by display width, human units, sort orders) and rowhold's ordering. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowhold.h"
#include "suites.h"
#include "table.h"
#include "textesc.h"

#define ELLIPSIS "\xe2\x80\xa6"

/* The layout as "TITLE:width ..." for one readable comparison. */
static void layout_string(const struct table_layout *t, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int k = 0; k < t->ncols && n < cap; k++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%s:%u", k ? " " : "", table_columns[t->col[k]].title,
				      t->col_width[k]);
}

static unsigned layout_total(const struct table_layout *t)
{
	unsigned total = 0;
	for (int k = 0; k < t->ncols; k++)
		total += t->col_width[k] + (k > 0);
	return total;
}

/*
 * Worked by hand from the descriptors (table.c): ranks 0-7 at their minimum
 * are ID 5, SERVER 15, STATE 6, DIAGNOSES 10, S>C 7, RETX 5, CLIENT 13,
 * NAME 8: 69 + 7 spaces = 76.
 */
START_TEST(fit_80)
{
	/* 4 left: rank 8 grows ID to 6 and CLIENT by 3; C>S (8 more) does not fit */
	struct table_layout t;
	char s[512];
	table_fit(80, &t);
	layout_string(&t, s, sizeof(s));
	ck_assert_str_eq(s, "ID:6 CLIENT:16 SERVER:15 NAME:8 S>C:7 RETX:5 STATE:6 DIAGNOSES:10");
	ck_assert_uint_eq(layout_total(&t), 80);
}
END_TEST

START_TEST(fit_120)
{
	/* rank 8: ID 6, CLIENT 22, SERVER 21, NAME 20 (104); rank 9: DUR (112); rank 10:
	 * DIAGNOSES grows by the other 8 */
	struct table_layout t;
	char s[512];
	table_fit(120, &t);
	layout_string(&t, s, sizeof(s));
	ck_assert_str_eq(s, "ID:6 DUR:7 CLIENT:22 SERVER:21 NAME:20 S>C:7 RETX:5 STATE:6 DIAGNOSES:18");
	ck_assert_uint_eq(layout_total(&t), 120);
}
END_TEST

START_TEST(fit_250)
{
	/* every column: 104, DUR 112, DIAGNOSES to 40 (142), C>S 150, RTT 158, END 171,
	 * PKTS 179 (grown to 7), START 192; DIAGNOSES gets the 58 left: 98 */
	struct table_layout t;
	char s[512];
	table_fit(250, &t);
	layout_string(&t, s, sizeof(s));
	ck_assert_str_eq(s, "ID:6 START:12 DUR:7 CLIENT:22 SERVER:21 NAME:20 PKTS:7 C>S:7 S>C:7 RETX:5 "
			    "RTT:7 STATE:6 END:12 DIAGNOSES:98");
	ck_assert_uint_eq(layout_total(&t), 250);
}
END_TEST

START_TEST(fit_narrow_and_wide)
{
	struct table_layout t;
	char s[512];
	/* below the minimum: fitted to 40 (ID, SERVER, STATE, DIAGNOSES: 39, ID grows by 1) */
	table_fit(10, &t);
	layout_string(&t, s, sizeof(s));
	ck_assert_str_eq(s, "ID:6 SERVER:15 STATE:6 DIAGNOSES:10");
	ck_assert_uint_eq(t.width, TABLE_WIDTH_MIN);
	table_fit(100000, &t);
	ck_assert_uint_eq(t.width, TABLE_WIDTH_MAX);
	ck_assert_uint_eq(layout_total(&t), TABLE_WIDTH_MAX);
	ck_assert_int_eq(t.ncols, TABLE_COL__COUNT);
}
END_TEST

START_TEST(rendered_lines_fit)
{
	/* a long name, an IPv6 pair and a long diagnosis: no line wider than the width */
	struct conn_record c;
	struct app_info ai;
	char name[] = "a-very-long-server-name.subdomain.example.com";
	char line[TABLE_LINE_MAX];
	memset(&c, 0, sizeof(c));
	memset(&ai, 0, sizeof(ai));
	c.id = 7;
	c.ip_version = 6;
	memset(c.client.addr, 0xab, 16);
	memset(c.server.addr, 0xcd, 16);
	c.client.port = 65535;
	c.server.port = 443;
	c.lc.state = "SF";
	c.lc.ndiag = 2;
	strcpy(c.lc.diag[0], "server closed first; TIME_WAIT on the server");
	strcpy(c.lc.diag[1], "loss: 55 retransmissions by the server (55 fast)");
	ai.proto = APP_TLS;
	ai.str[APP_SNI] = name;
	ai.len[APP_SNI] = (uint16_t)strlen(name);
	c.app = &ai;
	static const unsigned widths[] = {40, 80, 100, 120, 160, 250};
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		struct table_layout t;
		table_fit(widths[i], &t);
		size_t n = table_render_row(&t, &c, line);
		ck_assert_uint_le(table_display_width(line, n - 1), widths[i]);
		n = table_render_header(&t, line);
		ck_assert_uint_le(table_display_width(line, n - 1), widths[i]);
	}
}
END_TEST

START_TEST(display_width)
{
	ck_assert_uint_eq(table_display_width("abc", 3), 3);
	ck_assert_uint_eq(table_display_width(ELLIPSIS, 3), 1);
	/* CJK: 2 columns each (U+65E5 U+672C U+8A9E) */
	ck_assert_uint_eq(table_display_width("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9), 6);
	/* e + U+0301 COMBINING ACUTE ACCENT: one column */
	ck_assert_uint_eq(table_display_width("cafe\xcc\x81", 6), 4);
	/* a byte that is not UTF-8 counts one */
	ck_assert_uint_eq(table_display_width("a\xff", 2), 2);
	/* emoji U+1F600: two columns */
	ck_assert_uint_eq(table_display_width("\xf0\x9f\x98\x80", 4), 2);
}
END_TEST

START_TEST(cut_by_display_width)
{
	char out[256];
	const char *name = "www.example.com";

	/* fits: unchanged */
	table_cut(out, name, strlen(name), 15, TABLE_CUT_END);
	ck_assert_str_eq(out, name);
	/* 10 columns: 9 characters and the ellipsis (11 bytes, 10 columns) */
	ck_assert_uint_eq(table_cut(out, name, strlen(name), 10, TABLE_CUT_END), 12);
	ck_assert_str_eq(out, "www.examp" ELLIPSIS);
	/* wide characters: 日本語のテキスト is 16 columns; in 8, three (6) and the ellipsis (7):
	 * a fourth would make 9 */
	const char *jp = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x86\xe3\x82\xad\xe3\x82\xb9\xe3\x83\x88";
	table_cut(out, jp, strlen(jp), 8, TABLE_CUT_END);
	ck_assert_str_eq(out, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e" ELLIPSIS);
	ck_assert_uint_eq(table_display_width(out, strlen(out)), 7);
	/* a combining mark stays with its letter: "cafe\u0301s" (5 columns) in 5 is whole, in 4 "caf…" */
	table_cut(out, "cafe\xcc\x81s", 7, 5, TABLE_CUT_END);
	ck_assert_str_eq(out, "cafe\xcc\x81s");
	table_cut(out, "cafe\xcc\x81s", 7, 4, TABLE_CUT_END);
	ck_assert_str_eq(out, "caf" ELLIPSIS);
	/* middle: 26 characters into 16: 8, the ellipsis, the last 7 (the port kept) */
	const char *addr = "[2001:db8::1:0:0:1]:51234?";
	table_cut(out, addr, strlen(addr), 16, TABLE_CUT_MIDDLE);
	ck_assert_str_eq(out, "[2001:db" ELLIPSIS ":51234?");
	/* no room at all */
	table_cut(out, name, strlen(name), 0, TABLE_CUT_END);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(escape_for_terminals)
{
	char out[64];
	size_t used, n;
	/* newline, ESC, NUL, backslash, a C1 control (U+009B, CSI), a stray byte; é stays */
	static const char in[] = "a\nb\x1b\x00\\\xc2\x9b\xff\xc3\xa9";
	n = text_escape(out, sizeof(out), in, sizeof(in) - 1, false, &used);
	out[n] = '\0';
	ck_assert_str_eq(out, "a\\nb\\x1b\\x00\\\\\\xc2\\x9b\\xff\xc3\xa9");
	ck_assert_uint_eq(used, sizeof(in) - 1);
	/* quotes doubled for a CSV field */
	n = text_escape(out, sizeof(out), "a\"b", 3, true, &used);
	out[n] = '\0';
	ck_assert_str_eq(out, "a\"\"b");
	/* stops before an escape that would not fit, and says what it consumed */
	ck_assert_uint_eq(text_escape(out, 5, "ab\x01", 3, false, &used), 2);
	ck_assert_uint_eq(used, 2);
	/* a UTF-8 character is never split: é (2 bytes) does not fit in 1 */
	ck_assert_uint_eq(text_escape(out, 2, "a\xc3\xa9", 3, false, &used), 1);
	ck_assert_uint_eq(used, 1);
}
END_TEST

/* Issue 13: bidi controls and invisible characters are escaped like C0/C1 controls. */
START_TEST(escape_invisible_and_bidi)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"a\xe2\x80\xae" "b", "a\\xe2\\x80\\xaeb"},     /* U+202E right-to-left override */
		{"\xe2\x80\xaa", "\\xe2\\x80\\xaa"},          /* U+202A left-to-right embedding */
		{"\xe2\x81\xa6x\xe2\x81\xa9", "\\xe2\\x81\\xa6x\\xe2\\x81\\xa9"}, /* U+2066 .. U+2069 isolates */
		{"\xe2\x80\x8b", "\\xe2\\x80\\x8b"},          /* U+200B zero-width space */
		{"\xe2\x80\x8f", "\\xe2\\x80\\x8f"},          /* U+200F right-to-left mark */
		{"\xef\xbb\xbf", "\\xef\\xbb\\xbf"},          /* U+FEFF */
		{"\xe2\x80\xa8\xe2\x80\xa9", "\\xe2\\x80\\xa8\\xe2\\x80\\xa9"}, /* U+2028, U+2029 */
		{"\xe2\x80\x8a\xe2\x80\x90\xe2\x81\xa5", "\xe2\x80\x8a\xe2\x80\x90\xe2\x81\xa5"}, /* neighbours stay */
	};
	char out[64];
	size_t used;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = text_escape(out, sizeof(out) - 1, cases[i].in, strlen(cases[i].in), false, &used);
		out[n] = '\0';
		ck_assert_str_eq(out, cases[i].out);
		ck_assert_uint_eq(used, strlen(cases[i].in));
	}
	/* an escape of 12 bytes for 3 is whole or not at all */
	ck_assert_uint_eq(text_escape(out, 11, "\xe2\x80\xae", 3, false, &used), 0);
	ck_assert_uint_eq(used, 0);
	ck_assert_uint_eq(text_escape(out, 12, "\xe2\x80\xae", 3, false, &used), 12);
}
END_TEST

START_TEST(human_bytes)
{
	char b[32];
	static const struct {
		uint64_t v;
		const char *s;
	} cases[] = {
		{0, "0 B"},           {999, "999 B"},        {1000, "1.00 kB"},      {1234, "1.23 kB"},
		{35400000, "35.4 MB"}, {999499, "999 kB"},   {999500, "1.00 MB"},    /* 999.5 kB rounds to 1000: next unit */
		{4220000, "4.22 MB"}, {UINT64_MAX, "18.4 EB"}, /* 18446744073709551615 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		table_human_bytes(b, sizeof(b), cases[i].v);
		ck_assert_str_eq(b, cases[i].s);
	}
}
END_TEST

START_TEST(human_durations)
{
	char b[32];
	static const struct {
		uint64_t ns;
		const char *s;
	} cases[] = {
		{0, "0 s"},
		{870, "870 ns"},
		{12500, "12.5 \xc2\xb5s"},
		{35400000, "35.4 ms"},
		{999600000, "1.00 s"},             /* 999.6 ms rounds to 1000: next unit */
		{4370000000ull, "4.37 s"},
		{59940000000ull, "59.9 s"},
		{59950000000ull, "1m00s"},         /* to the nearest second */
		{123000000000ull, "2m03s"},
		{7384000000000ull, "2h03m"},       /* 2 h 3 min 4 s */
		{90061000000000ull, "1d01h"},      /* 1 d 1 h 1 min 1 s */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		table_human_duration(b, sizeof(b), cases[i].ns);
		ck_assert_str_eq(b, cases[i].s);
	}
}
END_TEST

START_TEST(human_shares)
{
	char b[32];
	table_human_share(b, sizeof(b), 0, 0);
	ck_assert_str_eq(b, "-");
	table_human_share(b, sizeof(b), 0, 100);
	ck_assert_str_eq(b, "0%");
	table_human_share(b, sizeof(b), 1, 10000); /* 0.01% */
	ck_assert_str_eq(b, "<0.1%");
	table_human_share(b, sizeof(b), 31, 1000);
	ck_assert_str_eq(b, "3.1%");
	table_human_share(b, sizeof(b), 123, 1000);
	ck_assert_str_eq(b, "12%");
	table_human_share(b, sizeof(b), 1000, 1000);
	ck_assert_str_eq(b, "100%");
}
END_TEST

/* Records 1..4 with bytes, durations, handshake RTTs and states chosen to sort differently. */
static void sort_records(struct conn_record c[4])
{
	static const uint64_t bytes[4] = {10, 30, 20, 30};
	static const uint64_t dur_ms[4] = {5, 1, 9, 3};
	static const uint32_t rtt_us[4] = {0, 700, 300, 0}; /* 0: no handshake */
	static const char *const state[4] = {"SF", "REJ", "S0", "RSTO"};
	memset(c, 0, 4 * sizeof(*c));
	for (int i = 0; i < 4; i++) {
		c[i].id = (uint64_t)i + 1;
		c[i].ts_first_ns = 1000 - (uint64_t)i; /* later ids start earlier */
		c[i].ts_last_ns = c[i].ts_first_ns + dur_ms[i] * 1000000;
		c[i].c2s.bytes = bytes[i];
		c[i].c2s.packets = 5 - (uint64_t)i;
		c[i].lc.state = state[i];
		c[i].lc.have_syn_synack = c[i].lc.have_synack_ack = rtt_us[i] != 0;
		c[i].lc.syn_synack_us = rtt_us[i];
	}
	/* RETX: id 2 resent 50 of 100 payload bytes, id 3 5 of 100, the others none */
	c[1].c2s.payload_bytes = 100;
	c[1].c2s_seq.retransmitted_bytes = 50;
	c[2].c2s.payload_bytes = 100;
	c[2].s2c_seq.retransmitted_bytes = 5;
}

/* The ids of the records in order s, as digits. */
static void sorted_ids(enum table_sort s, char out[5])
{
	struct conn_record c[4];
	struct table_sort_key k[4];
	int order[4] = {0, 1, 2, 3};
	sort_records(c);
	for (int i = 0; i < 4; i++)
		table_sort_key(&c[i], s, &k[i]);
	for (int i = 1; i < 4; i++) /* insertion sort over the keys */
		for (int j = i; j > 0 && table_sort_compare(&k[order[j]], &k[order[j - 1]]) < 0; j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (int i = 0; i < 4; i++)
		out[i] = (char)('1' + order[i]);
	out[4] = '\0';
}

START_TEST(sort_orders)
{
	char ids[5];
	sorted_ids(TABLE_SORT_ID, ids);
	ck_assert_str_eq(ids, "1234");
	sorted_ids(TABLE_SORT_START, ids); /* earliest first */
	ck_assert_str_eq(ids, "4321");
	sorted_ids(TABLE_SORT_DURATION, ids); /* 9, 5, 3, 1 ms */
	ck_assert_str_eq(ids, "3142");
	sorted_ids(TABLE_SORT_BYTES, ids); /* 30 (ids 2 and 4: id order), 20, 10 */
	ck_assert_str_eq(ids, "2431");
	sorted_ids(TABLE_SORT_PACKETS, ids); /* 5, 4, 3, 2 */
	ck_assert_str_eq(ids, "1234");
	sorted_ids(TABLE_SORT_RETX, ids); /* 50%, 5%, then none (id order) */
	ck_assert_str_eq(ids, "2314");
	sorted_ids(TABLE_SORT_RTT, ids); /* 700, 300 us, then unknown */
	ck_assert_str_eq(ids, "2314");
	sorted_ids(TABLE_SORT_STATE, ids); /* REJ < RSTO < S0 < SF */
	ck_assert_str_eq(ids, "2431");
}
END_TEST

START_TEST(sort_names)
{
	enum table_sort s = TABLE_SORT_ID;
	ck_assert(table_sort_parse("bytes", &s));
	ck_assert_int_eq(s, TABLE_SORT_BYTES);
	ck_assert(!table_sort_parse("Bytes", &s));
	ck_assert(!table_sort_parse(NULL, &s));
	ck_assert_int_eq(s, TABLE_SORT_BYTES);
	for (int i = 0; i < TABLE_SORT__COUNT; i++) {
		ck_assert(table_sort_parse(table_sort_name((enum table_sort)i), &s));
		ck_assert_int_eq(s, i);
		ck_assert_ptr_nonnull(strstr(table_sort_names(), table_sort_name((enum table_sort)i)));
	}
}
END_TEST

/* ---- rowhold ---- */

struct collected {
	char text[64];
	size_t n;
};

static void collect(void *ctx, const char *text, size_t len)
{
	struct collected *c = ctx;
	ck_assert_uint_lt(c->n + len, sizeof(c->text));
	memcpy(c->text + c->n, text, len);
	c->n += len;
	c->text[c->n] = '\0';
}

static void add_id(struct rowhold *h, uint64_t id, uint64_t primary)
{
	struct table_sort_key k = {primary, 0, id};
	char text[8];
	snprintf(text, sizeof(text), "%llu", (unsigned long long)id);
	ck_assert(rowhold_add(h, &k, text, strlen(text)));
}

START_TEST(reorder_releases_as_soon_as_due)
{
	struct collected out = {"", 0};
	struct rowhold *h = rowhold_new_reorder(100, collect, &out);
	add_id(h, 3, 0);
	ck_assert_str_eq(out.text, "");
	add_id(h, 1, 0);
	ck_assert_str_eq(out.text, "1");
	add_id(h, 2, 0);
	ck_assert_str_eq(out.text, "123"); /* 2 was due, then 3 */
	add_id(h, 5, 0);
	rowhold_finish(h);
	ck_assert_str_eq(out.text, "1235"); /* 4 never came: 5 at the end */
	add_id(h, 4, 0);
	ck_assert_str_eq(out.text, "12354"); /* after the end: at once */
	rowhold_free(h);
}
END_TEST

START_TEST(reorder_past_its_bound)
{
	/* bound 2: the third held row pushes the lowest (3) out, then 4 and 5 are due; 1 comes late */
	struct collected out = {"", 0};
	struct rowhold *h = rowhold_new_reorder(2, collect, &out);
	add_id(h, 5, 0);
	add_id(h, 4, 0);
	ck_assert_str_eq(out.text, "");
	add_id(h, 3, 0);
	ck_assert_str_eq(out.text, "345");
	add_id(h, 1, 0);
	ck_assert_str_eq(out.text, "3451");
	rowhold_finish(h);
	rowhold_free(h);
}
END_TEST

START_TEST(sorted_all_and_top)
{
	struct collected out = {"", 0};
	struct rowhold *h = rowhold_new_sorted(0, collect, &out);
	add_id(h, 1, 30);
	add_id(h, 2, 10);
	add_id(h, 3, 20);
	add_id(h, 4, 10);
	ck_assert_str_eq(out.text, "");
	rowhold_finish(h);
	ck_assert_str_eq(out.text, "2431"); /* 10 (ids 2, 4), 20, 30 */
	rowhold_free(h);

	/* top 2 of the same: a heap of two */
	out.n = 0;
	out.text[0] = '\0';
	h = rowhold_new_sorted(2, collect, &out);
	add_id(h, 1, 30);
	add_id(h, 2, 10);
	add_id(h, 3, 20);
	add_id(h, 4, 10);
	add_id(h, 5, 5);
	rowhold_finish(h);
	ck_assert_str_eq(out.text, "52");
	rowhold_free(h);
}
END_TEST

Suite *table_suite(void)
{
	Suite *s = suite_create("table");
	TCase *fit = tcase_create("fit");
	tcase_add_test(fit, fit_80);
	tcase_add_test(fit, fit_120);
	tcase_add_test(fit, fit_250);
	tcase_add_test(fit, fit_narrow_and_wide);
	tcase_add_test(fit, rendered_lines_fit);
	suite_add_tcase(s, fit);
	TCase *text = tcase_create("text");
	tcase_add_test(text, display_width);
	tcase_add_test(text, cut_by_display_width);
	tcase_add_test(text, escape_for_terminals);
	tcase_add_test(text, escape_invisible_and_bidi);
	tcase_add_test(text, human_bytes);
	tcase_add_test(text, human_durations);
	tcase_add_test(text, human_shares);
	suite_add_tcase(s, text);
	TCase *sort = tcase_create("sort");
	tcase_add_test(sort, sort_orders);
	tcase_add_test(sort, sort_names);
	tcase_add_test(sort, reorder_releases_as_soon_as_due);
	tcase_add_test(sort, reorder_past_its_bound);
	tcase_add_test(sort, sorted_all_and_top);
	suite_add_tcase(s, sort);
	return s;
}
