/* check_drops.c - the kernel-drop checkpoints: which drops may touch a connection begun at a given time. */
#include <check.h>
#include <stdlib.h>

#include "drops.h"
#include "suites.h"

/*
 * Readings at 10, 20, 30, 40 of 0, 5, 5, 8 dropped. A drop read at 20 happened
 * after the reading at 10, so a connection begun at 15 may have lost it.
 */
START_TEST(test_drops_since)
{
	static struct drop_log log;
	ck_assert(!drop_log_note(&log, 10, 0));
	ck_assert(drop_log_note(&log, 20, 5));
	ck_assert(!drop_log_note(&log, 30, 5));
	ck_assert(drop_log_note(&log, 40, 8));
	ck_assert_uint_eq(drop_log_since(&log, 5), 8);
	ck_assert_uint_eq(drop_log_since(&log, 15), 8);
	ck_assert_uint_eq(drop_log_since(&log, 20), 8); /* read at its first packet's time: may be its */
	ck_assert_uint_eq(drop_log_since(&log, 21), 3);
	ck_assert_uint_eq(drop_log_since(&log, 40), 3);
	ck_assert_uint_eq(drop_log_since(&log, 41), 0);
}
END_TEST

/* Past DROP_LOG_MAX growing readings the log is thinned: answers may grow, never shrink; recent ones stay exact. */
START_TEST(test_drops_thinned_never_undercounts)
{
	static struct drop_log log;
	const uint64_t n = 3 * DROP_LOG_MAX;
	for (uint64_t t = 1; t <= n; t++)
		ck_assert(drop_log_note(&log, t, t));
	ck_assert_uint_le(log.n, DROP_LOG_MAX);
	for (uint64_t s = 1; s <= n + 1; s++) {
		uint64_t exact = n - (s - 1); /* everything read at s or later */
		ck_assert_uint_ge(drop_log_since(&log, s), exact);
		if (s > n - DROP_LOG_MAX / 2)
			ck_assert_uint_eq(drop_log_since(&log, s), exact);
	}
}
END_TEST

Suite *drops_suite(void)
{
	Suite *s = suite_create("drops");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_drops_since);
	tcase_add_test(tc, test_drops_thinned_never_undercounts);
	suite_add_tcase(s, tc);
	return s;
}
