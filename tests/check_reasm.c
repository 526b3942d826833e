/* check_reasm.c - in-order reassembly of a direction's first bytes. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "reasm.h"
#include "suites.h"

/* The stream every test rebuilds: 100 bytes "0123456789" repeated. */
static uint8_t msg[100];

static void fill_msg(void)
{
	for (int i = 0; i < 100; i++)
		msg[i] = (uint8_t)('0' + i % 10);
}

START_TEST(test_in_order)
{
	struct reasm r;
	fill_msg();
	reasm_init(&r, 1000, 4096, NULL);
	ck_assert_ptr_null(r.buf); /* nothing allocated before the first byte */
	ck_assert_uint_eq(reasm_add(&r, 1000, msg, 30), 30);
	ck_assert_uint_eq(reasm_add(&r, 1030, msg + 30, 70), 100);
	ck_assert_mem_eq(r.buf, msg, 100);
	ck_assert_uint_eq(r.npieces, 0);
	reasm_free(&r);
	ck_assert_ptr_null(r.buf);
}
END_TEST

/* Every split point, both arrival orders, gives the same 100 bytes. */
START_TEST(test_every_split_both_orders)
{
	fill_msg();
	for (uint32_t cut = 1; cut < 100; cut++) {
		for (int order = 0; order < 2; order++) {
			struct reasm r;
			reasm_init(&r, 5, 4096, NULL);
			if (order == 0) {
				ck_assert_uint_eq(reasm_add(&r, 5, msg, cut), cut);
				ck_assert_uint_eq(reasm_add(&r, 5 + cut, msg + cut, 100 - cut), 100);
			} else {
				ck_assert_uint_eq(reasm_add(&r, 5 + cut, msg + cut, 100 - cut), 0);
				ck_assert_uint_eq(r.npieces, 1);
				ck_assert_uint_eq(reasm_add(&r, 5, msg, cut), 100);
			}
			ck_assert_mem_eq(r.buf, msg, 100);
			ck_assert_uint_eq(r.npieces, 0);
			reasm_free(&r);
		}
	}
}
END_TEST

START_TEST(test_retransmission_and_overlap)
{
	struct reasm r;
	uint8_t junk[100];
	fill_msg();
	memset(junk, 'X', sizeof(junk));
	reasm_init(&r, 0, 4096, NULL);
	reasm_add(&r, 0, msg, 50);
	/* a retransmission of bytes 20..59 with different bytes in its old part:
	 * what is already in order stays; bytes 50..59 are new */
	memcpy(junk + 30, msg + 50, 10);
	ck_assert_uint_eq(reasm_add(&r, 20, junk, 40), 60);
	ck_assert_mem_eq(r.buf, msg, 60);
	/* a segment entirely before what is held changes nothing */
	ck_assert_uint_eq(reasm_add(&r, 10, junk, 10), 60);
	ck_assert_mem_eq(r.buf, msg, 60);
	reasm_free(&r);
}
END_TEST

START_TEST(test_before_base_and_past_cap)
{
	struct reasm r;
	fill_msg();
	/* base 10: the segment at 0 carries 10 bytes from before the stream start */
	reasm_init(&r, 10, 50, NULL);
	ck_assert_uint_eq(reasm_add(&r, 0, msg, 30), 20);
	ck_assert_mem_eq(r.buf, msg + 10, 20);
	/* past the cap of 50 bytes: cut there */
	ck_assert_uint_eq(reasm_add(&r, 30, msg + 30, 70), 50);
	ck_assert_mem_eq(r.buf, msg + 10, 50);
	/* wholly beyond the cap: ignored */
	ck_assert_uint_eq(reasm_add(&r, 200, msg, 10), 50);
	reasm_free(&r);
}
END_TEST

START_TEST(test_sequence_wrap)
{
	struct reasm r;
	fill_msg();
	/* the stream starts 40 bytes before 2^32 and crosses the wrap */
	uint32_t base = 0xffffffffu - 39;
	reasm_init(&r, base, 4096, NULL);
	ck_assert_uint_eq(reasm_add(&r, base + 60, msg + 60, 40), 0); /* seq 20 after the wrap */
	ck_assert_uint_eq(reasm_add(&r, base, msg, 60), 100);
	ck_assert_mem_eq(r.buf, msg, 100);
	reasm_free(&r);
}
END_TEST

START_TEST(test_pieces_merge_and_limit)
{
	struct reasm r;
	fill_msg();
	reasm_init(&r, 0, 4096, NULL);
	/* 8 disjoint pieces at 10, 20, ..., 80 (5 bytes each) fill the table */
	for (uint32_t k = 1; k <= REASM_MAX_PIECES; k++)
		reasm_add(&r, k * 10, msg + k * 10, 5);
	ck_assert_uint_eq(r.npieces, REASM_MAX_PIECES);
	ck_assert(!r.dropped);
	/* a ninth disjoint one has no room */
	reasm_add(&r, 95, msg + 95, 5);
	ck_assert(r.dropped);
	/* one that bridges 15..20 merges two pieces into one */
	reasm_add(&r, 15, msg + 15, 5);
	ck_assert_uint_eq(r.npieces, REASM_MAX_PIECES - 1);
	ck_assert_uint_eq(r.pieces[0].start, 10);
	ck_assert_uint_eq(r.pieces[0].end, 25);
	/* filling 0..10 and every gap makes it all contiguous up to 85 */
	reasm_add(&r, 0, msg, 10);
	ck_assert_uint_eq(r.contiguous, 25);
	for (uint32_t k = 2; k < REASM_MAX_PIECES; k++)
		reasm_add(&r, k * 10 + 5, msg + k * 10 + 5, 5);
	ck_assert_uint_eq(r.contiguous, 85);
	ck_assert_uint_eq(r.npieces, 0);
	ck_assert_mem_eq(r.buf, msg, 85);
	reasm_free(&r);
}
END_TEST

START_TEST(test_buffer_grows)
{
	/* 9,000 bytes arriving back to front in 1,000-byte pieces (the first
	 * one within REASM_AHEAD of the start): the buffer starts small and
	 * grows to hold the farthest byte, none is lost */
	enum { N = 9000 };
	static uint8_t big[N];
	for (int i = 0; i < N; i++)
		big[i] = (uint8_t)(i * 7 + i / 256);
	struct reasm r;
	reasm_init(&r, 42, 16384, NULL);
	for (int k = N / 1000 - 1; k >= 0; k--)
		reasm_add(&r, 42 + (uint32_t)k * 1000, big + k * 1000, 1000);
	ck_assert_uint_eq(r.contiguous, N);
	ck_assert_uint_ge(r.allocated, N);
	ck_assert_uint_le(r.allocated, 16384);
	ck_assert_mem_eq(r.buf, big, N);
	reasm_free(&r);
}
END_TEST

/* Issue 13: a byte far past the in-order part costs no room; the budget bounds every buffer together. */
START_TEST(test_far_piece_and_budget)
{
	static const uint8_t one = 0x16;
	struct reasm r;
	struct reasm_budget budget = {.used = 0, .limit = 1024};
	reasm_init(&r, 1000, 16384, &budget);
	ck_assert_uint_eq(reasm_add(&r, 1000, &one, 1), 1);
	ck_assert_uint_eq(r.allocated, 256); /* one byte: the smallest allocation, not 2 KiB */
	ck_assert_uint_eq(budget.used, 256);
	/* 12,000 bytes on (inside cap, past REASM_AHEAD): dropped, nothing allocated for it */
	reasm_add(&r, 1000 + 12000, &one, 1);
	ck_assert(r.dropped && !r.over_budget);
	ck_assert_uint_eq(r.allocated, 256);
	/* unless the parser said it wants that far */
	struct reasm w;
	reasm_init(&w, 0, 16384, NULL);
	w.want = 16000;
	reasm_add(&w, 15000, &one, 1);
	ck_assert(!w.dropped);
	reasm_free(&w);
	/* a second stream sharing the budget: 768 bytes are left, 1,000 do not fit */
	static uint8_t kb[1000];
	struct reasm b;
	reasm_init(&b, 0, 16384, &budget);
	ck_assert_uint_eq(reasm_add(&b, 0, kb, 700), 700);
	ck_assert_uint_eq(budget.used, 256 + 768);
	ck_assert_uint_eq(reasm_add(&b, 700, kb, 300), 700);
	ck_assert(b.dropped && b.over_budget);
	reasm_free(&r);
	ck_assert_uint_eq(budget.used, 768);
	reasm_free(&b);
	ck_assert_uint_eq(budget.used, 0);
}
END_TEST

Suite *reasm_suite(void)
{
	Suite *s = suite_create("reasm");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_in_order);
	tcase_add_test(tc, test_far_piece_and_budget);
	tcase_add_test(tc, test_every_split_both_orders);
	tcase_add_test(tc, test_retransmission_and_overlap);
	tcase_add_test(tc, test_before_base_and_past_cap);
	tcase_add_test(tc, test_sequence_wrap);
	tcase_add_test(tc, test_pieces_merge_and_limit);
	tcase_add_test(tc, test_buffer_grows);
	suite_add_tcase(s, tc);
	return s;
}
