/* check_view.c - the live view's model without a terminal: order, filter, rates, header, linger, pause, selection, details. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "view.h"
#include "viewcols.h"

#define SEC 1000000000ull
#define T0 (1700000000ull * SEC)

static void endpoint(struct endpoint *e, const char *ip, uint16_t port)
{
	memset(e, 0, sizeof(*e));
	e->addr[10] = e->addr[11] = 0xff;
	ck_assert_int_eq(inet_pton(AF_INET, ip, e->addr + 12), 1);
	e->port = port;
}

/* A live row: id, client port, bytes each way, last and first packet times, RTT, retransmissions. */
static struct conn_row row(uint64_t id, uint16_t cport, uint64_t c2s, uint64_t s2c, uint64_t first, uint64_t last,
			   uint32_t rtt_us, uint32_t retx)
{
	struct conn_row r;
	memset(&r, 0, sizeof(r));
	r.id = id;
	r.ip_version = 4;
	endpoint(&r.client, "10.0.0.1", cport);
	endpoint(&r.server, "10.0.0.2", 443);
	r.bytes[0] = c2s, r.bytes[1] = s2c;
	r.ts_first_ns = first, r.ts_last_ns = last;
	r.handshake_rtt_us = rtt_us;
	r.retx[1] = retx;
	r.state[0] = r.state[1] = TCP_ST_ESTABLISHED;
	strcpy(r.zeek_state, "S1");
	return r;
}

static const struct analyzer_totals no_totals;

/* The ids shown, in order, as "3 1 2". */
static const char *shown_ids(const struct view *v)
{
	static char buf[256];
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < v->nshown && n < sizeof(buf) - 24; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%llu", i ? " " : "",
				      (unsigned long long)view_shown(v, i)->row.id);
	return buf;
}

/*
 * Four connections: 1 (oldest, 5000 B, RTT 30 ms, quiet), 2 (200 B, RTT
 * unknown, last packet latest), 3 (9000 B, RTT 80 ms, 4 retransmissions,
 * FIN_WAIT_1/CLOSE_WAIT), 4 (100 B, RTT 10 ms, the newest). Between the two
 * snapshots, 1 s apart, connection 4 moves 1000 bytes each way.
 */
static void four(struct view *v)
{
	struct conn_row r[4] = {
		row(1, 40001, 4000, 1000, T0, T0 + 2 * SEC, 30000, 0),
		row(2, 40002, 100, 100, T0 + SEC, T0 + 5 * SEC, 0, 0),
		row(3, 40003, 1000, 8000, T0 + 2 * SEC, T0 + 4 * SEC, 80000, 4),
		row(4, 40004, 50, 50, T0 + 3 * SEC, T0 + 3 * SEC, 10000, 0),
	};
	r[2].state[0] = TCP_ST_FIN_WAIT_1, r[2].state[1] = TCP_ST_CLOSE_WAIT;
	view_snapshot(v, T0 + 5 * SEC, &no_totals, r, 4, NULL);
	r[3].bytes[0] += 1000, r[3].bytes[1] += 1000;
	r[3].ts_last_ns = T0 + 6 * SEC - 1;
	view_snapshot(v, T0 + 6 * SEC, &no_totals, r, 4, NULL);
}

START_TEST(test_sort_orders)
{
	static const char *const want[VIEW_SORT__COUNT] = {
		[VIEW_SORT_ACTIVITY] = "4 2 3 1", [VIEW_SORT_RATE] = "4 1 2 3", [VIEW_SORT_BYTES] = "3 1 4 2",
		[VIEW_SORT_RTT] = "3 1 4 2",      [VIEW_SORT_RETX] = "3 1 2 4", [VIEW_SORT_AGE] = "1 2 3 4",
		[VIEW_SORT_STATE] = "1 2 4 3",    [VIEW_SORT_ID] = "1 2 3 4",
	};
	struct view v;
	view_init(&v, VIEW_LIVE, 5 * SEC);
	four(&v);
	for (int s = 0; s < VIEW_SORT__COUNT; s++) {
		v.sort = (enum view_sort)s;
		v.reverse = false;
		view_arrange(&v);
		ck_assert_msg(strcmp(shown_ids(&v), want[s]) == 0, "sort %s: %s, want %s", view_sort_name(v.sort),
			      shown_ids(&v), want[s]);
	}
	v.sort = VIEW_SORT_BYTES;
	v.reverse = true;
	view_arrange(&v);
	ck_assert_str_eq(shown_ids(&v), "2 4 1 3");
	view_free(&v);
}
END_TEST

/* Rates: 1000 bytes each way over 1 s is 8000 bit/s; rows not seen before or unchanged are 0. */
START_TEST(test_rates_from_two_snapshots)
{
	struct view v;
	view_init(&v, VIEW_LIVE, 5 * SEC);
	four(&v);
	for (size_t i = 0; i < v.nshown; i++) {
		const struct view_row *r = view_shown(&v, i);
		uint64_t want = r->row.id == 4 ? 8000 : 0;
		ck_assert_uint_eq(r->rate_bps[0], want);
		ck_assert_uint_eq(r->rate_bps[1], want);
	}
	view_free(&v);
}
END_TEST

/* The header from totals one second apart, and from the live rows. */
START_TEST(test_header)
{
	struct view v;
	view_init(&v, VIEW_LIVE, 5 * SEC);
	struct analyzer_totals a = {.packets = {100, 50}, .bytes = {10000, 5000}, .data_segments = 40,
				     .retransmissions = 1, .rsts = 0, .opened = 10, .ended = 5, .frames = 150};
	struct analyzer_totals b = a;
	b.packets[0] += 300, b.packets[1] += 100;
	b.bytes[0] += 1000000, b.bytes[1] += 2000;
	b.data_segments += 200, b.retransmissions += 10, b.rsts += 3, b.opened += 4, b.ended += 2;
	b.decode_errors = 7;
	/* 25 half-open connections to 10.0.0.2:443 from 25 addresses (their SYN-ACK unanswered for 1 s), one
	 * unanswered SYN, one zero window */
	struct conn_row r[27];
	for (int i = 0; i < 25; i++) {
		r[i] = row((uint64_t)i + 1, 40000, 0, 0, T0, T0, 0, 0);
		r[i].client.addr[15] = (uint8_t)(i + 1);
		r[i].state[0] = TCP_ST_SYN_SENT, r[i].state[1] = TCP_ST_SYN_RCVD;
	}
	r[25] = row(26, 40026, 0, 0, T0, T0, 0, 0);
	r[25].state[0] = TCP_ST_SYN_SENT, r[25].state[1] = TCP_ST_NONE;
	r[26] = row(27, 40027, 0, 0, T0, T0, 0, 0);
	r[26].flags |= ROW_ZERO_WINDOW;
	struct capture_stats cs = {.received = 1000, .dropped = 12};
	view_snapshot(&v, T0, &a, r, 27, &cs);
	view_snapshot(&v, T0 + SEC, &b, r, 27, &cs);
	const struct view_header *h = &v.header;
	ck_assert_uint_eq(h->elapsed_ns, SEC);
	ck_assert(h->pps[0] == 300 && h->pps[1] == 100);
	ck_assert(h->bps[0] == 8000000 && h->bps[1] == 16000);
	ck_assert(h->opened_ps == 4 && h->closed_ps == 2 && h->rst_ps == 3 && h->retx_ps == 10);
	ck_assert(h->retx_share == 10.0 / 200.0);
	ck_assert_uint_eq(h->active, 27);
	ck_assert_uint_eq(h->states[0][TCP_ST_SYN_SENT], 26);
	ck_assert_uint_eq(h->states[1][TCP_ST_SYN_RCVD], 25);
	ck_assert_uint_eq(h->states[1][TCP_ST_ESTABLISHED], 1);
	ck_assert_uint_eq(h->unanswered, 1);
	ck_assert_uint_eq(h->zero_window, 1);
	ck_assert_uint_eq(h->half_open_max, 25);
	ck_assert_uint_eq(h->half_open_sources, 25);
	ck_assert(h->syn_flood);
	ck_assert_uint_eq(h->decode_errors, 7);
	ck_assert(h->have_pcap && h->pcap.dropped == 12);
	/* handshakes in flight (answered less than a second ago) are not half-open */
	for (int i = 0; i < 25; i++)
		r[i].ts_last_ns = T0 + SEC + 1;
	view_snapshot(&v, T0 + 2 * SEC, &b, r, 27, NULL);
	ck_assert_uint_eq(v.header.half_open_max, 0);
	ck_assert(!v.header.syn_flood);
	for (int i = 0; i < 25; i++)
		r[i].ts_last_ns = T0;
	/* the same 25 from one address: one client retrying is no flood */
	for (int i = 0; i < 25; i++)
		r[i].client.addr[15] = 1;
	view_snapshot(&v, T0 + 2 * SEC, &b, r, 27, NULL);
	ck_assert_uint_eq(v.header.half_open_sources, 1);
	ck_assert(!v.header.syn_flood);
	view_free(&v);
}
END_TEST

static struct conn_record ended_record(uint64_t id, const char *diag)
{
	struct conn_record r;
	memset(&r, 0, sizeof(r));
	r.id = id;
	r.ip_version = 4;
	endpoint(&r.client, "10.0.0.9", 50000);
	endpoint(&r.server, "10.0.0.2", 80);
	r.end_reason = END_CLOSED;
	r.lc.state = "SF";
	r.lc.client_state = "TIME_WAIT";
	r.lc.server_state = "CLOSED";
	if (diag)
		lifecycle_record_say(&r.lc, "%s", diag);
	return r;
}

/* Ended rows come at the next snapshot, linger (dimmed by the screen), then leave; browse mode keeps them. */
START_TEST(test_linger)
{
	for (int browse = 0; browse < 2; browse++) {
		struct view v;
		view_init(&v, browse ? VIEW_BROWSE : VIEW_LIVE, 5 * SEC);
		v.sort = VIEW_SORT_ID;
		four(&v);
		struct conn_record r = ended_record(9, "client closed first; TIME_WAIT on the client");
		view_add_record(&v, &r, T0 + 6 * SEC);
		ck_assert_str_eq(shown_ids(&v), "1 2 3 4"); /* until the next snapshot */
		view_snapshot(&v, T0 + 7 * SEC, &no_totals, NULL, 0, NULL);
		ck_assert_str_eq(shown_ids(&v), "9");
		const struct view_row *e = view_shown(&v, 0);
		ck_assert(e->row.flags & ROW_ENDED);
		ck_assert_str_eq(e->diag, "client closed first; TIME_WAIT on the client");
		v.hide_ended = true;
		view_arrange(&v);
		ck_assert_str_eq(shown_ids(&v), "");
		v.hide_ended = false;
		view_snapshot(&v, T0 + 11 * SEC, &no_totals, NULL, 0, NULL); /* 5 s after it ended */
		ck_assert_str_eq(shown_ids(&v), "9");
		view_snapshot(&v, T0 + 11 * SEC + 1, &no_totals, NULL, 0, NULL);
		ck_assert_str_eq(shown_ids(&v), browse ? "9" : "");
		view_free(&v);
	}
}
END_TEST

/* Paused: the rows shown stay; the changes the next snapshot would bring are counted. */
START_TEST(test_pause)
{
	struct view v;
	view_init(&v, VIEW_LIVE, 5 * SEC);
	v.sort = VIEW_SORT_ID;
	four(&v);
	v.paused = true;
	struct conn_row r[3] = {
		row(1, 40001, 4000, 1000, T0, T0 + 2 * SEC, 30000, 0),   /* unchanged */
		row(2, 40002, 900, 100, T0 + SEC, T0 + 7 * SEC, 0, 0),   /* moved */
		row(5, 40005, 10, 0, T0 + 7 * SEC, T0 + 7 * SEC, 0, 0), /* new */
	};
	view_snapshot(&v, T0 + 7 * SEC, &no_totals, r, 3, NULL); /* 3 and 4 ended */
	ck_assert_str_eq(shown_ids(&v), "1 2 3 4");
	ck_assert_uint_eq(v.paused_changes, 4);
	ck_assert_uint_eq(v.header.active, 3); /* the header goes on */
	v.paused = false;
	view_snapshot(&v, T0 + 8 * SEC, &no_totals, r, 3, NULL);
	ck_assert_str_eq(shown_ids(&v), "1 2 5");
	view_free(&v);
}
END_TEST

START_TEST(test_filter_and_selection)
{
	struct view v;
	view_init(&v, VIEW_LIVE, 5 * SEC);
	v.sort = VIEW_SORT_ID;
	four(&v);
	char err[256];
	ck_assert(view_set_filter(&v, "retx>0", err, sizeof(err)));
	ck_assert_str_eq(shown_ids(&v), "3");
	ck_assert(!view_set_filter(&v, "retx>>0", err, sizeof(err)));
	ck_assert(strstr(err, "not a number") != NULL);
	ck_assert_str_eq(shown_ids(&v), "3"); /* the old filter stays */
	ck_assert_str_eq(v.filter_text, "retx>0");
	ck_assert(view_set_filter(&v, "", err, sizeof(err)));
	ck_assert_str_eq(shown_ids(&v), "1 2 3 4");
	/* the selection follows its connection when the order changes */
	view_select_index(&v, 2, 10);
	ck_assert_uint_eq(view_selected(&v)->row.id, 3);
	v.sort = VIEW_SORT_BYTES;
	view_arrange(&v);
	ck_assert_uint_eq(view_selected_index(&v), 0);
	/* clamped, and kept on a screen of 2 rows */
	view_select_index(&v, 99, 2);
	ck_assert_uint_eq(view_selected(&v)->row.id, 2);
	ck_assert_uint_eq(v.top, 2);
	view_select_index(&v, 0, 2);
	ck_assert_uint_eq(v.top, 0);
	view_free(&v);
}
END_TEST

/* Details: the last 20 events, oldest first; an ended row keeps its record with its strings. */
START_TEST(test_details)
{
	struct view v;
	view_init(&v, VIEW_LIVE, 5 * SEC);
	for (uint32_t i = 0; i < 25; i++) {
		struct conn_event ev = {.ts_ns = T0 + i, .conn_id = 9, .kind = EVENT_SEQ, .seq = i};
		view_add_event(&v, &ev);
	}
	static struct conn_record r;
	r = ended_record(9, "refused: RST answered the SYN");
	static struct app_info ai;
	static char sni[] = "www.example.com";
	ai.proto = APP_TLS;
	ai.str[APP_SNI] = sni, ai.len[APP_SNI] = (uint16_t)strlen(sni);
	r.app = &ai;
	view_add_record(&v, &r, T0 + SEC);
	memset(sni, 'x', strlen(sni)); /* the connection's memory goes: the view has its own copy */
	view_snapshot(&v, T0 + 2 * SEC, &no_totals, NULL, 0, NULL);
	static struct view_detail d;
	view_detail_of(&v, view_shown(&v, 0), NULL, &d);
	ck_assert(d.have_record);
	ck_assert_uint_eq(d.record.id, 9);
	ck_assert_str_eq(d.record.app->str[APP_SNI], "www.example.com");
	ck_assert_str_eq(view_shown(&v, 0)->row.name, "www.example.com");
	ck_assert_int_eq(d.nevents, VIEW_EVENTS_KEPT);
	ck_assert_uint_eq(d.events[0].seq, 5);
	ck_assert_uint_eq(d.events[VIEW_EVENTS_KEPT - 1].seq, 24);
	view_free(&v);
}
END_TEST

/* The columns chosen at a width, as "ID CLIENT ...". */
static const char *columns_at(unsigned width)
{
	static char buf[256];
	struct table_layout t;
	viewcols_fit(width, &t);
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < t.ncols; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "", viewcols[t.col[i]].title);
	return buf;
}

/*
 * Columns fit the terminal: the least useful go first. Rows of a long IPv6
 * connection with a long name never pass the width, and are cut with the
 * ellipsis (addresses in the middle: the port stays).
 */
START_TEST(test_columns_fit)
{
	ck_assert_str_eq(columns_at(80), "ID CLIENT SERVER NAME STATES S>C/s DIAGNOSIS");
	ck_assert_str_eq(columns_at(120), "ID CLIENT SERVER NAME STATES S>C/s SRTT RETX DIAGNOSIS");
	ck_assert_str_eq(columns_at(250), "ID CLIENT SERVER NAME STATES ZEEK AGE IDLE C>S/s S>C/s BYTES SRTT RETX ZW "
					  "FLAGS DIAGNOSIS");
	struct view_row vr;
	memset(&vr, 0, sizeof(vr));
	vr.row.id = 123456;
	vr.row.ip_version = 6;
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:1234:5678:9abc:def0:1234:5678", vr.row.client.addr), 1);
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:ffff:eeee:dddd:cccc:bbbb:aaaa", vr.row.server.addr), 1);
	vr.row.client.port = 50123, vr.row.server.port = 443;
	strcpy(vr.row.name, "a-very-long-server-name.with.many.labels.example.com");
	strcpy(vr.diag, "reset by the server during transfer (data unacknowledged)");
	vr.row.state[0] = TCP_ST_ESTABLISHED, vr.row.state[1] = TCP_ST_CLOSE_WAIT;
	vr.row.retx[1] = 7, vr.row.packets[1] = 100;
	vr.row.ts_first_ns = vr.row.ts_last_ns = T0;
	static const unsigned widths[] = {80, 120, 250};
	for (size_t k = 0; k < sizeof(widths) / sizeof(widths[0]); k++) {
		struct table_layout t;
		static char line[TABLE_LINE_MAX];
		viewcols_fit(widths[k], &t);
		size_t n = viewcols_render(&t, &vr, T0, line);
		ck_assert_uint_le(table_display_width(line, n - 1), widths[k]);
		const char *cut = strstr(line, "[2001:d");
		ck_assert_msg(cut && strstr(cut, "\xe2\x80\xa6") && strstr(cut, "]:50123"),
			      "%u: client cut in the middle, port kept: %s", widths[k], line);
		ck_assert_msg(strstr(line, "EST/CW") != NULL, "%u: %s", widths[k], line);
	}
	char b[32];
	viewcols_human_bits(b, sizeof(b), 0);
	ck_assert_str_eq(b, "0 b");
	viewcols_human_bits(b, sizeof(b), 12345678);
	ck_assert_str_eq(b, "12 Mb");
	viewcols_human_bits(b, sizeof(b), 4500);
	ck_assert_str_eq(b, "4.5 kb");
	viewcols_human_age(b, sizeof(b), 123 * SEC);
	ck_assert_str_eq(b, "2m03s");
	viewcols_human_age(b, sizeof(b), 2 * 86400 * SEC + 4 * 3600 * SEC);
	ck_assert_str_eq(b, "2d04h");
}
END_TEST

Suite *view_suite(void)
{
	Suite *s = suite_create("view");
	TCase *tc = tcase_create("model");
	tcase_add_test(tc, test_sort_orders);
	tcase_add_test(tc, test_rates_from_two_snapshots);
	tcase_add_test(tc, test_header);
	tcase_add_test(tc, test_linger);
	tcase_add_test(tc, test_pause);
	tcase_add_test(tc, test_filter_and_selection);
	tcase_add_test(tc, test_details);
	tcase_add_test(tc, test_columns_fit);
	suite_add_tcase(s, tc);
	return s;
}
