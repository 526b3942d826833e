/* check_fields.c - the field table (fields.h): its own rules, the columns that name its fields, the CSV layout. */
#include <stdio.h>
#include <string.h>

#include "byhost_write.h"
#include "fieldlist.h"
#include "fields.h"
#include "record.h"
#include "suites.h"
#include "table.h"
#include "viewcols.h"

static const struct field *find(enum field_kind k, const char *path)
{
	size_t n;
	const struct field *rows = fields_of(k, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].path, path) == 0)
			return &rows[i];
	return NULL;
}

START_TEST(table_keeps_its_rules)
{
	ck_assert_msg(fields_check() == NULL, "%s", fields_check());
	for (int k = 0; k < FIELD_KIND__COUNT; k++) {
		const struct field_plan *p = fields_plan((enum field_kind)k);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_gt(p->n, 0);
		/* each record starts with its type, then the rows of its objects follow them */
		ck_assert_str_eq(p->rows[0].path, "type");
		for (size_t i = 0; i < p->n; i++) {
			ck_assert_uint_gt(p->plan[i].end, i);
			ck_assert_uint_le(p->plan[i].end, p->n);
			if (p->plan[i].parent >= 0)
				ck_assert_uint_le(p->plan[i].end, p->plan[p->plan[i].parent].end);
		}
	}
}
END_TEST

/* Hand-counted: handshake.client has mss, wscale, sack_permitted, timestamps, tfo; c2s.rtt has 8 members. */
START_TEST(objects_end_where_their_members_do)
{
	const struct field_plan *p = fields_plan(FIELD_CONN);
	const struct field *hs = find(FIELD_CONN, "handshake.client"), *rtt = find(FIELD_CONN, "c2s.rtt");
	ck_assert_ptr_nonnull(hs);
	ck_assert_ptr_nonnull(rtt);
	ck_assert_uint_eq(p->plan[hs - p->rows].end - (size_t)(hs - p->rows), 1 + 5);
	ck_assert_uint_eq(p->plan[rtt - p->rows].end - (size_t)(rtt - p->rows), 1 + 8);
	ck_assert_str_eq(p->plan[rtt - p->rows + 1].key, ",\"samples\":");
	ck_assert_int_eq(p->plan[rtt - p->rows + 1].parent, rtt - p->rows);
}
END_TEST

/* The sequence counters' JSON keys and CSV columns are record.c's names, both directions. */
START_TEST(sequence_counters_named_alike)
{
	char path[64], csv[64];
	for (const char *const *dir = (const char *const[]){"c2s", "s2c", NULL}; *dir; dir++) {
		for (int k = 0; k < SEQ__COUNT; k++) {
			snprintf(path, sizeof(path), "%s.%s", *dir, seq_counter_name((enum seq_counter)k));
			snprintf(csv, sizeof(csv), "%s_%s", *dir, seq_counter_name((enum seq_counter)k));
			const struct field *f = find(FIELD_CONN, path);
			ck_assert_msg(f != NULL, "no row %s", path);
			ck_assert_str_eq(f->csv, csv);
			ck_assert_int_eq(f->type, FIELD_COUNT);
		}
	}
}
END_TEST

/* Every text and view column names the record fields it shows, and they are in the table. */
START_TEST(columns_name_fields_of_the_table)
{
	const char *bad = fieldlist_unknown_column_field();
	ck_assert_msg(bad == NULL, "a column names %s, not a field of the table", bad);
	bad = byhost_text_unknown_field();
	ck_assert_msg(bad == NULL, "--by's text column %s shows no field of the server and client tables", bad);
	for (int i = 0; i < TABLE_COL__COUNT; i++)
		ck_assert_msg(table_columns[i].fields && *table_columns[i].fields, "%s", table_columns[i].title);
	for (int i = 0; i < VIEWCOL__COUNT; i++)
		ck_assert_msg(viewcols[i].fields && *viewcols[i].fields, "%s", viewcols[i].title);
}
END_TEST

/*
 * The CSV layout in blocks: the first columns as README's and the man page's
 * CSV header shows them, c2s's analysis before s2c's, diagnoses last.
 */
START_TEST(csv_columns_in_blocks)
{
	static const char *const first[] = {"id", "ts_first", "ts_last", "duration", "ip_version", "client_ip",
					    "client_port", "server_ip", "server_port", "direction_inferred",
					    "end_reason", "c2s_packets", "c2s_bytes", "c2s_payload_bytes",
					    "s2c_packets", "s2c_bytes", "s2c_payload_bytes", "c2s_retransmissions"};
	const struct field_plan *p = fields_plan(FIELD_CONN);
	for (size_t i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		ck_assert_str_eq(p->rows[p->csv_order[i]].csv, first[i]);
	ck_assert_str_eq(p->rows[p->csv_order[p->csv_n - 1]].csv, "diagnoses");
	/* 11 head + 6 volume + 2 x 35 analysis + 9 application + 8 life cycle + 6 FIN/RST + 5 teardown + diagnoses */
	ck_assert_uint_eq(p->csv_n, 11 + 6 + 2 * 35 + 9 + 8 + 6 + 5 + 1);
}
END_TEST

/* What a value reads as, from a hand-built record: RTT mean rounded, the sample standard deviation, nulls. */
START_TEST(values_read_from_a_record)
{
	struct conn_record c;
	struct field_value v;
	memset(&c, 0, sizeof(c));
	c.ts_first_ns = 2000;
	c.ts_last_ns = 1000; /* backwards: duration 0 */
	c.c2s_seq.rtt = (struct tcp_rtt_stats){.samples = 2, .min_us = 1000, .max_us = 2000, .sum_us = 3001,
					       .sum_sq_us = 1000ull * 1000 + 2001ull * 2001};
	field_read(find(FIELD_CONN, "duration"), &c, 0, &v);
	ck_assert(v.known);
	ck_assert_uint_eq(v.u, 0);
	field_read(find(FIELD_CONN, "c2s.rtt.avg_ms"), &c, 0, &v);
	ck_assert_uint_eq(v.u, 1501); /* 3001 / 2 = 1500.5, rounded up */
	/* (1000^2 + 2001^2 - 3001^2 / 2) / 1 = 501000.5 us^2, rounded 501001, whose integer root is 707 (708^2 = 501264) */
	field_read(find(FIELD_CONN, "c2s.rtt.stddev_ms"), &c, 0, &v);
	ck_assert_uint_eq(v.u, 707);
	field_read(find(FIELD_CONN, "s2c.rtt.min_ms"), &c, 0, &v);
	ck_assert(!v.known);
	field_read(find(FIELD_CONN, "c2s.win_min"), &c, 0, &v);
	ck_assert(!v.known);
	c.c2s_seq.win_known = true;
	c.c2s_seq.win_min = 29200;
	field_read(find(FIELD_CONN, "c2s.win_min"), &c, 0, &v);
	ck_assert(v.known);
	ck_assert_uint_eq(v.u, 29200);
}
END_TEST

Suite *fields_suite(void)
{
	Suite *s = suite_create("fields");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, table_keeps_its_rules);
	tcase_add_test(tc, objects_end_where_their_members_do);
	tcase_add_test(tc, sequence_counters_named_alike);
	tcase_add_test(tc, columns_name_fields_of_the_table);
	tcase_add_test(tc, csv_columns_in_blocks);
	tcase_add_test(tc, values_read_from_a_record);
	suite_add_tcase(s, tc);
	return s;
}
