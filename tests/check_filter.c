/* check_filter.c - the filter language: every field and operator against hand-built rows, and bad expressions. */
#include <arpa/inet.h>
#include <check.h>
#include <string.h>

#include "filter.h"
#include "suites.h"

#define MS 1000ull
#define SEC 1000000000ull
#define NOW (1700000000ull * SEC)

static struct conn_row row_a, row_b;

static void set_endpoint(struct endpoint *e, const char *ip, uint16_t port)
{
	memset(e, 0, sizeof(*e));
	if (inet_pton(AF_INET, ip, e->addr + 12) == 1) {
		e->addr[10] = e->addr[11] = 0xff; /* v4-mapped */
	} else {
		ck_assert_int_eq(inet_pton(AF_INET6, ip, e->addr), 1);
	}
	e->port = port;
}

/*
 * A: 10.0.0.1:40000 -> 93.184.216.34:443, SNI www.example.com, SF, ended
 * closed, client in TIME_WAIT; 6000 bytes; 3 retransmissions by the
 * server; handshake RTT 100.5 ms, SRTT 40 ms; began 10 s ago, last packet
 * 2 s ago. B: [2001:db8::1]:50000 -> [2001:db8::2]:22, still open, S1,
 * both ESTABLISHED, 300 bytes, no RTT known, began 100 s ago.
 */
static void make_rows(void)
{
	memset(&row_a, 0, sizeof(row_a));
	row_a.id = 7;
	row_a.ip_version = 4;
	set_endpoint(&row_a.client, "10.0.0.1", 40000);
	set_endpoint(&row_a.server, "93.184.216.34", 443);
	strcpy(row_a.name, "www.example.com");
	strcpy(row_a.zeek_state, "SF");
	row_a.state[0] = TCP_ST_TIME_WAIT;
	row_a.state[1] = TCP_ST_CLOSED;
	row_a.end_reason = END_CLOSED;
	row_a.flags = ROW_ENDED | ROW_LOSS | ROW_NAME_SNI;
	row_a.packets[0] = 10, row_a.packets[1] = 8;
	row_a.bytes[0] = 1000, row_a.bytes[1] = 5000;
	row_a.retx[1] = 3;
	row_a.srtt_us = 40 * MS;
	row_a.handshake_rtt_us = 100500;
	row_a.ts_first_ns = NOW - 10 * SEC;
	row_a.ts_last_ns = NOW - 2 * SEC;

	memset(&row_b, 0, sizeof(row_b));
	row_b.id = 8;
	row_b.ip_version = 6;
	set_endpoint(&row_b.client, "2001:db8::1", 50000);
	set_endpoint(&row_b.server, "2001:db8::2", 22);
	strcpy(row_b.zeek_state, "S1");
	row_b.state[0] = row_b.state[1] = TCP_ST_ESTABLISHED;
	row_b.packets[0] = 3, row_b.packets[1] = 2;
	row_b.bytes[0] = 200, row_b.bytes[1] = 100;
	row_b.ts_first_ns = NOW - 100 * SEC;
	row_b.ts_last_ns = NOW - 1 * SEC;
}

/* Which of A and B the expression keeps: "AB", "A", "B" or "". */
static const char *kept(const char *expr)
{
	static char out[3];
	struct filter f;
	char err[256];
	ck_assert_msg(filter_parse(expr, &f, err, sizeof(err)), "'%s': %s", expr, err);
	int n = 0;
	if (filter_match(&f, &row_a, NOW))
		out[n++] = 'A';
	if (filter_match(&f, &row_b, NOW))
		out[n++] = 'B';
	out[n] = '\0';
	return out;
}

#define KEEPS(expr, which) ck_assert_msg(strcmp(kept(expr), which) == 0, "'%s' kept '%s', expected '%s'", \
					 expr, kept(expr), which)

START_TEST(test_empty_matches_all)
{
	make_rows();
	KEEPS("", "AB");
	KEEPS("   ", "AB");
	struct filter f;
	ck_assert(filter_parse(NULL, &f, NULL, 0));
	ck_assert(filter_match(&f, &row_a, NOW));
}
END_TEST

START_TEST(test_numbers)
{
	make_rows();
	KEEPS("id:7", "A");
	KEEPS("port:443", "A");
	KEEPS("port=22", "B");
	KEEPS("!port:443", "B");
	KEEPS("port!=443", "B");
	KEEPS("sport:22", "B");
	KEEPS("cport>=50000", "B");
	KEEPS("retx>0", "A");
	KEEPS("retx=0", "B");
	KEEPS("pkts>=18", "A");
	KEEPS("bytes>5k", "A");       /* 6000 */
	KEEPS("bytes>=6k", "A");
	KEEPS("bytes>6k", "");
	KEEPS("bytes<1Ki", "B");      /* 300 < 1024 */
	KEEPS("bytes>0.005M", "A");
	KEEPS("ipv:6", "B");
}
END_TEST

START_TEST(test_times)
{
	make_rows();
	KEEPS("rtt>100ms", "A");      /* 100.5 ms */
	KEEPS("rtt>100.6", "");       /* bare: ms */
	KEEPS("rtt>100.4", "A");
	KEEPS("rtt<1s", "A");         /* B's RTT is unknown: never compared */
	KEEPS("!rtt>100ms", "B");
	KEEPS("srtt>=40ms", "A");
	KEEPS("srtt>40000us", "");
	KEEPS("age>5s", "AB");        /* 10 s and 100 s */
	KEEPS("age>1m", "B");
	KEEPS("age>5", "AB");         /* bare: s */
	KEEPS("age<0.01h", "A");      /* 36 s */
	KEEPS("idle<1500ms", "B");
	KEEPS("idle>=2s", "A");
}
END_TEST

START_TEST(test_text)
{
	make_rows();
	KEEPS("sni:*.example.com", "A");
	KEEPS("host:*.example.com", "");    /* A's name is an SNI, not a Host */
	KEEPS("name:WWW.EXAMPLE.COM", "A");
	KEEPS("name:www.example.co?", "A");
	KEEPS("name:example.com", "");      /* a glob matches the whole name */
	KEEPS("name!=*.example.com", "B");
	KEEPS("state:sf", "A");
	KEEPS("state:S*", "AB");
	KEEPS("state:RSTO", "");
	KEEPS("cstate:TW", "A");
	KEEPS("cstate:time_wait", "A");
	KEEPS("sstate:EST", "B");
	KEEPS("sstate:ESTABLISHED", "B");
	KEEPS("end:closed", "A");           /* B is open: no end reason */
	KEEPS("end!=closed", "B");
	KEEPS("flag:loss", "A");
	KEEPS("flag:ended", "A");
	KEEPS("!flag:ended", "B");
	KEEPS("ip:10.0.0.*", "A");
	KEEPS("client:10.*", "A");
	KEEPS("server:10.*", "");
	KEEPS("server:2001:db8::2", "B");
	/* plain text: part of an address, address:port or name */
	KEEPS("example", "A");
	KEEPS("EXAMPLE", "A");
	KEEPS("2001:db8::2", "B");
	KEEPS("]:22", "B");
	KEEPS("93.184.216.34:443", "A");
	KEEPS("10.0.0.", "A");
	KEEPS("nowhere", "");
}
END_TEST

START_TEST(test_terms_all_hold)
{
	make_rows();
	KEEPS("port:443 retx>0 sni:*.example.com", "A");
	KEEPS("port:443 retx=0", "");
	KEEPS("  age>5s   !flag:ended ", "B");
}
END_TEST

/* A bad expression: false, an empty filter, and a message naming the problem and its column. */
static void assert_error(const char *expr, const char *words)
{
	struct filter f;
	char err[512];
	ck_assert_msg(!filter_parse(expr, &f, err, sizeof(err)), "'%s' parsed", expr);
	ck_assert_int_eq(f.n, 0);
	ck_assert_msg(strstr(err, words) != NULL, "'%s': message '%s' lacks '%s'", expr, err, words);
}

START_TEST(test_errors)
{
	assert_error("prot:443", "unknown field 'prot' at column 1");
	assert_error("port:443 retx>abc", "'abc' at column 15 is not a number");
	assert_error("rtt>5kb", "'5kb' at column 5 is not a number with a unit rtt takes");
	assert_error("retx>2ms", "not a number with a unit retx takes");
	assert_error("bytes>1h", "not a number");
	assert_error("sni>foo", "sni takes ':', '=' or '!=' only");
	assert_error("flag:bogus", "unknown flag 'bogus' at column 6");
	assert_error("port:", "'port:' at column 1 needs a value");
	assert_error("a b c d e f g h i j k l m n o p q", "more than 16 terms ('q' at column 33)");
	char long_text[200];
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	assert_error(long_text, "is too long");
	long_text[0] = 's', long_text[1] = 'n', long_text[2] = 'i', long_text[3] = ':';
	assert_error(long_text, "is too long");
}
END_TEST

/* Every prefix of a busy expression parses or fails cleanly; a failure leaves nothing behind. */
START_TEST(test_every_prefix)
{
	make_rows();
	const char *expr = "!port:443 retx>=1 rtt<2.5s sni:*.ex?mple.com bytes>1.5Mi 10.0.0.1:4 flag:zw age>3m";
	char buf[128];
	for (size_t n = 0; n <= strlen(expr); n++) {
		memcpy(buf, expr, n);
		buf[n] = '\0';
		struct filter f;
		char err[256];
		if (filter_parse(buf, &f, err, sizeof(err)))
			(void)filter_match(&f, &row_a, NOW);
		else
			ck_assert(f.n == 0 && err[0]);
	}
}
END_TEST

/* A record boiled down: states by name, flags from the counters and Zeek's state, the SNI before the Host. */
START_TEST(test_row_from_record)
{
	static struct conn_record r;
	memset(&r, 0, sizeof(r));
	r.id = 3;
	r.ip_version = 4;
	set_endpoint(&r.client, "10.0.0.1", 40000);
	set_endpoint(&r.server, "10.0.0.2", 443);
	r.end_reason = END_RESET;
	r.lc.state = "RSTR";
	r.lc.client_state = "CLOSED";
	r.lc.server_state = "FIN_WAIT_1";
	r.lc.syn_count = 3;
	r.lc.have_syn_synack = r.lc.have_synack_ack = true;
	r.lc.syn_synack_us = 1500, r.lc.synack_ack_us = 500;
	r.c2s.packets = 4, r.c2s.bytes = 400, r.c2s.payload_bytes = 100;
	r.s2c_seq.counts[SEQ_RETRANSMISSIONS] = 2;
	r.s2c_seq.counts[SEQ_ZERO_WINDOWS] = 1;
	r.c2s_seq.rtt.samples = 1, r.c2s_seq.rtt.srtt_us = 900;
	r.s2c_seq.rtt.samples = 2, r.s2c_seq.rtt.srtt_us = 1200;
	static struct app_info ai;
	static char sni[] = "a.example", host[] = "b.example";
	ai.str[APP_SNI] = sni, ai.len[APP_SNI] = 9;
	ai.str[APP_HTTP_HOST] = host, ai.len[APP_HTTP_HOST] = 9;
	r.app = &ai;

	struct conn_row row;
	conn_row_from_record(&r, &row);
	ck_assert_uint_eq(row.id, 3);
	ck_assert_uint_eq(row.client.port, 40000);
	ck_assert_int_eq(row.state[0], TCP_ST_CLOSED);
	ck_assert_int_eq(row.state[1], TCP_ST_FIN_WAIT_1);
	ck_assert_str_eq(row.zeek_state, "RSTR");
	ck_assert_uint_eq(row.payload[0], 100);
	ck_assert_uint_eq(row.retx[1], 2);
	ck_assert_uint_eq(row.srtt_us, 1200);
	ck_assert_uint_eq(row.handshake_rtt_us, 2000);
	ck_assert_uint_eq(conn_row_rtt_us(&row), 2000);
	ck_assert_uint_eq(row.flags, ROW_ENDED | ROW_RESET | ROW_SLOW_OPEN | ROW_LOSS | ROW_ZERO_WINDOW | ROW_NAME_SNI);
	ck_assert_str_eq(row.name, "a.example");
	ai.str[APP_SNI] = NULL;
	conn_row_from_record(&r, &row);
	ck_assert_str_eq(row.name, "b.example");
	ck_assert(row.flags & ROW_NAME_HOST);
}
END_TEST

Suite *filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_empty_matches_all);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_times);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_terms_all_hold);
	suite_add_tcase(s, tc);
	TCase *bad = tcase_create("malformed");
	tcase_add_test(bad, test_errors);
	tcase_add_test(bad, test_every_prefix);
	suite_add_tcase(s, bad);
	TCase *row = tcase_create("row");
	tcase_add_test(row, test_row_from_record);
	suite_add_tcase(s, row);
	return s;
}
