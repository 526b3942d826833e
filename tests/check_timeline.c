/* check_timeline.c - the drill-down's modules: --conn's selection, the analyzer's packet sink, the timeline's lines. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "decode.h"
#include "fields.h"
#include "pktbuild.h"
#include "report.h"
#include "selection.h"
#include "suites.h"
#include "tcp_seq.h"
#include "timeline.h"

/* ---- selection ---- */

static struct flow_key key_of(const char *a, uint16_t pa, const char *b, uint16_t pb)
{
	struct pkt p;
	struct flow_key k;
	int side;
	memset(&p, 0, sizeof(p));
	if (strchr(a, ':')) {
		inet_pton(AF_INET6, a, p.src);
		inet_pton(AF_INET6, b, p.dst);
		p.ip_version = 6;
	} else {
		inet_pton(AF_INET, a, p.src + 12);
		inet_pton(AF_INET, b, p.dst + 12);
		p.src[10] = p.src[11] = p.dst[10] = p.dst[11] = 0xff;
		p.ip_version = 4;
	}
	p.sport = pa;
	p.dport = pb;
	flow_key_from_pkt(&p, &k, &side);
	return k;
}

START_TEST(selection_ids_and_ranges)
{
	struct selection s = {0};
	char err[256];
	struct flow_key k = key_of("10.0.0.1", 1, "10.0.0.2", 2);
	ck_assert(selection_empty(&s));
	ck_assert(selection_parse(&s, "7,3-5", err, sizeof(err)));
	ck_assert(selection_parse(&s, "4-6,100", err, sizeof(err))); /* a second --conn adds */
	selection_finish(&s);
	ck_assert_uint_eq(s.nranges, 2); /* 3-7 merged (overlapping and adjacent), 100 */
	const uint64_t yes[] = {3, 4, 5, 6, 7, 100}, no[] = {1, 2, 8, 99, 101};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(selection_has(&s, yes[i], &k), "id %llu", (unsigned long long)yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(!selection_has(&s, no[i], &k), "id %llu", (unsigned long long)no[i]);
	selection_free(&s);
}
END_TEST

START_TEST(selection_tuples_either_order)
{
	struct selection s = {0};
	char err[256];
	ck_assert(selection_parse(&s, "10.0.0.1:5555-10.0.0.2:443,[2001:db8::2]:443-[2001:db8::1]:5555", err,
				  sizeof(err)));
	selection_finish(&s);
	struct flow_key k4 = key_of("10.0.0.2", 443, "10.0.0.1", 5555);
	struct flow_key k6 = key_of("2001:db8::1", 5555, "2001:db8::2", 443);
	struct flow_key other_port = key_of("10.0.0.1", 5556, "10.0.0.2", 443);
	struct flow_key swapped_ports = key_of("10.0.0.1", 443, "10.0.0.2", 5555);
	ck_assert(selection_has(&s, 1, &k4));
	ck_assert(selection_has(&s, 2, &k6));
	ck_assert(!selection_has(&s, 3, &other_port));
	ck_assert(!selection_has(&s, 4, &swapped_ports));
	/* a record's endpoints, client first or not */
	struct conn_record r;
	memset(&r, 0, sizeof(r));
	r.id = 9;
	r.ip_version = 4;
	memcpy(r.client.addr, k4.addr[0], 16);
	r.client.port = k4.port[0];
	memcpy(r.server.addr, k4.addr[1], 16);
	r.server.port = k4.port[1];
	ck_assert(selection_has_record(&s, &r));
	r.server.port = 444;
	ck_assert(!selection_has_record(&s, &r));
	selection_free(&s);
}
END_TEST

START_TEST(selection_rejects)
{
	static const char *const bad[] = {
		"", "0", "5-3", "1,,2", ",1", "1,", "x", "7x", "1-", "-1", "10.0.0.1:1-10.0.0.2",
		"10.0.0.1:1", "10.0.0.1:70000-10.0.0.2:1", "10.0.0.1:1-[::1]:2", "[::1:1-[::2]:2",
		"10.0.0.256:1-10.0.0.2:2", "10.0.0.1:1-10.0.0.2:2x", "18446744073709551616",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct selection s = {0};
		char err[256] = "";
		ck_assert_msg(!selection_parse(&s, bad[i], err, sizeof(err)), "'%s' accepted", bad[i]);
		ck_assert_msg(strncmp(err, "--conn: ", 8) == 0, "'%s': message '%s'", bad[i], err);
		selection_free(&s);
	}
}
END_TEST

/* ---- the packet sink ---- */

#define MAX_RECS 16
static struct packet_record recs[MAX_RECS];
static int nrecs;
static size_t captured_len[MAX_RECS];

static void collect(void *ctx, const struct packet_record *p)
{
	(void)ctx;
	ck_assert_int_lt(nrecs, MAX_RECS);
	captured_len[nrecs] = p->captured->caplen;
	recs[nrecs++] = *p;
}

static bool select_first(void *ctx, uint64_t id, const struct flow_key *key)
{
	(void)ctx;
	(void)key;
	return id == 1;
}

static void feed(struct analyzer *a, const struct tb_tcp *t, uint64_t ts_us)
{
	uint8_t frame[2048];
	size_t n = tb_eth_tcp(frame, t);
	analyzer_frame(a, 1, frame, (uint32_t)n, (uint32_t)n, 1700000000000000000ull + ts_us * 1000u);
}

/*
 * Connection 1: 10.0.0.1:40000 -> 10.0.0.2:80, ISNs 1000 and 5000, both
 * sides window scale 7. A second connection's packet comes between (frame
 * 4), so connection 1's frames are 1 2 3 5 6 7 8. The server ACKs 100
 * bytes, then sends the same ACK twice more: dup ACK #1 and #2 (Wireshark:
 * no data, same ACK, window and seq as its previous segment).
 */
START_TEST(sink_fills_records)
{
	static const uint8_t ws7[] = {3, 3, 7};
	struct flow_config cfg;
	flow_config_defaults(&cfg);
	struct analyzer *a = analyzer_new(&cfg, NULL, NULL);
	ck_assert_ptr_nonnull(a);
	analyzer_set_packet_sink(a, select_first, collect, NULL);
	nrecs = 0;
	const char *c = "10.0.0.1", *s = "10.0.0.2";
	feed(a, &(struct tb_tcp){c, s, 40000, 80, 1000, 0, TCP_FLAG_SYN, 64240, ws7, 3, 0, 0}, 0);
	feed(a, &(struct tb_tcp){s, c, 80, 40000, 5000, 1001, TCP_FLAG_SYN | TCP_FLAG_ACK, 65160, ws7, 3, 0, 0}, 100);
	feed(a, &(struct tb_tcp){c, s, 40000, 80, 1001, 5001, TCP_FLAG_ACK, 502, NULL, 0, 0, 0}, 200);
	feed(a, &(struct tb_tcp){c, s, 40001, 80, 7, 0, TCP_FLAG_SYN, 64240, NULL, 0, 0, 0}, 250); /* not selected */
	feed(a, &(struct tb_tcp){c, s, 40000, 80, 1001, 5001, TCP_FLAG_ACK | TCP_FLAG_PSH, 502, NULL, 0, 100, 0}, 300);
	for (int i = 0; i < 3; i++)
		feed(a, &(struct tb_tcp){s, c, 80, 40000, 5001, 1101, TCP_FLAG_ACK, 100, NULL, 0, 0, 0}, 400 + 10 * (uint64_t)i);
	analyzer_finish(a);
	analyzer_free(a);

	ck_assert_int_eq(nrecs, 7);
	static const uint64_t frames[] = {1, 2, 3, 5, 6, 7, 8};
	static const uint32_t seq[] = {0, 0, 1, 1, 1, 1, 1}, ack[] = {0, 1, 1, 1, 101, 101, 101};
	static const int dir[] = {0, 1, 0, 0, 1, 1, 1};
	for (int i = 0; i < nrecs; i++) {
		ck_assert_uint_eq(recs[i].conn_id, 1);
		ck_assert_uint_eq(recs[i].frame, frames[i]);
		ck_assert_uint_eq(recs[i].seq_rel, seq[i]);
		ck_assert_uint_eq(recs[i].ack_rel, ack[i]);
		ck_assert_int_eq(recs[i].dir, dir[i]);
		ck_assert(recs[i].ack_known == (i > 0));
	}
	ck_assert_int_eq(recs[3].len, 100);
	ck_assert_uint_eq(captured_len[3], 14 + 20 + 20 + 100);
	ck_assert_int_eq(recs[4].rel_ns, 400000);
	/* SYN windows are not scaled; later ones by 2^7 */
	ck_assert_uint_eq(recs[0].window, 64240);
	ck_assert_uint_eq(recs[2].window, 502u << 7);
	ck_assert_uint_eq(recs[4].window, 100u << 7);
	/* the handshake moves both endpoints */
	ck_assert_int_eq(recs[0].client_before, TCP_ST_NONE);
	ck_assert_int_eq(recs[0].client_after, TCP_ST_SYN_SENT);
	ck_assert_int_eq(recs[2].server_before, TCP_ST_SYN_RCVD);
	ck_assert_int_eq(recs[2].server_after, TCP_ST_ESTABLISHED);
	/* the ACK of the 100 bytes times them (100 us); the next two are dup ACKs #1, #2 */
	ck_assert(recs[4].seq_bits & TCP_SEQ_RTT_SAMPLE);
	ck_assert_uint_eq(recs[4].rtt_sample_us, 100);
	ck_assert_uint_eq(recs[4].srtt_us, 100);
	ck_assert(!(recs[4].seq_bits & TCP_SEQ_DUP_ACK));
	ck_assert(recs[5].seq_bits & TCP_SEQ_DUP_ACK);
	ck_assert_uint_eq(recs[5].dup_ack_n, 1);
	ck_assert(recs[6].seq_bits & TCP_SEQ_DUP_ACK);
	ck_assert_uint_eq(recs[6].dup_ack_n, 2);

	/* the text line says so; the JSON record has every field of the table, in order */
	char line[TIMELINE_LINE_MAX];
	timeline_format(line, sizeof(line), &recs[6]);
	ck_assert_ptr_nonnull(strstr(line, " dup_ack#2"));
	ck_assert_ptr_nonnull(strstr(line, " s>c "));
	size_t n;
	const struct field *f = fields_of(FIELD_PACKET, &n);
	struct report *rep = report_open_memory(REPORT_JSON);
	ck_assert_ptr_nonnull(rep);
	report_record(rep, FIELD_PACKET, &recs[6]);
	size_t json_len;
	const char *json = report_memory_take(rep, &json_len);
	ck_assert_uint_lt(json_len, sizeof(line));
	memcpy(line, json, json_len);
	line[json_len] = '\0';
	ck_assert_ptr_nonnull(strstr(line, "\"dup_ack_n\":2,"));
	ck_assert_ptr_nonnull(strstr(line, "\"analysis\":[\"dup_ack\"]"));
	const char *at = line;
	for (size_t i = 0; i < n; i++) {
		char key[64];
		snprintf(key, sizeof(key), "\"%s\":", f[i].path);
		const char *k = strstr(at, key);
		ck_assert_msg(k != NULL, "field %s missing or out of order in %s", f[i].path, line);
		at = k + strlen(key);
	}
	ck_assert_int_eq(line[strlen(line) - 1], '\n');
	report_close(rep);
}
END_TEST

START_TEST(timeline_flags_and_escapes)
{
	char letters[16];
	timeline_flag_letters(letters, TCP_FLAG_SYN | TCP_FLAG_ACK);
	ck_assert_str_eq(letters, "S.");
	timeline_flag_letters(letters, TCP_FLAG_FIN | TCP_FLAG_PSH | TCP_FLAG_ACK);
	ck_assert_str_eq(letters, "FP.");
	timeline_flag_letters(letters, 0);
	ck_assert_str_eq(letters, "-");
	/* a hostile SNI: JSON-escaped, and one line of text */
	struct packet_record p;
	memset(&p, 0, sizeof(p));
	p.sni = "a\"b\\c\n\x1b[31m\xff";
	/* JSON as every record's strings (RFC 8259): \n, \u001b, and the byte that is not UTF-8 as \u00ff */
	struct report *rep = report_open_memory(REPORT_JSON);
	ck_assert_ptr_nonnull(rep);
	report_record(rep, FIELD_PACKET, &p);
	size_t json_len;
	const char *json = report_memory_take(rep, &json_len);
	char line[TIMELINE_LINE_MAX];
	ck_assert_uint_lt(json_len, sizeof(line));
	memcpy(line, json, json_len);
	line[json_len] = '\0';
	report_close(rep);
	ck_assert_ptr_nonnull(strstr(line, "\"sni\":\"a\\\"b\\\\c\\n\\u001b[31m\\u00ff\"}\n"));
	size_t len = timeline_format(line, sizeof(line), &p);
	ck_assert_ptr_null(memchr(line, '\n', len - 1));
	ck_assert_ptr_null(memchr(line, 0x1b, len));
	/* a line cut short still ends with a newline */
	len = timeline_format(line, 40, &p);
	ck_assert_uint_le(len, 39);
	ck_assert_int_eq(line[len - 1], '\n');
}
END_TEST

Suite *timeline_suite(void)
{
	Suite *s = suite_create("timeline");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, selection_ids_and_ranges);
	tcase_add_test(tc, selection_tuples_either_order);
	tcase_add_test(tc, selection_rejects);
	tcase_add_test(tc, sink_fills_records);
	tcase_add_test(tc, timeline_flags_and_escapes);
	suite_add_tcase(s, tc);
	return s;
}
