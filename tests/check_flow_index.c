/* check_flow_index.c - the open-addressed index: found after inserts, removals that shift runs back, wrap-around and growth. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow_index.h"
#include "suites.h"

/* The probe a caller writes: the item under hash, or NULL. */
static void *find(const struct flow_index *x, const void *item, uint32_t hash)
{
	if (!x->slots)
		return NULL;
	for (size_t i = flow_index_home(x, hash); x->slots[i].item; i = flow_index_next(x, i))
		if (x->slots[i].hash == hash && x->slots[i].item == item)
			return x->slots[i].item;
	return NULL;
}

/* Every slot's item is reachable from its home without crossing an empty slot: no run is broken. */
static void assert_runs_intact(const struct flow_index *x)
{
	size_t held = 0;
	for (size_t i = 0; i <= x->mask; i++) {
		if (!x->slots[i].item)
			continue;
		held++;
		for (size_t j = flow_index_home(x, x->slots[i].hash); j != i; j = flow_index_next(x, j))
			ck_assert_ptr_nonnull(x->slots[j].item);
	}
	ck_assert_uint_eq(held, x->count);
}

START_TEST(empty_index_finds_nothing)
{
	struct flow_index x;
	flow_index_init(&x);
	int a;
	ck_assert_ptr_null(flow_index_first_candidate(&x, 7));
	ck_assert(!flow_index_remove(&x, &a, 7));
	size_t cursor = 0;
	ck_assert_ptr_null(flow_index_walk(&x, &cursor));
	flow_index_release(&x);
}
END_TEST

/*
 * Hand-worked: capacity 1024 (mask 1023). Items A, B, C all hash home to
 * slot 1022 and D to 1023: A sits in 1022, B in 1023, C wraps to 0, D
 * (home 1023, taken) goes to 1. Removing B leaves a gap at 1023: C (home
 * 1022, not between the gap and slot 0) shifts to 1023, then D (home 1023,
 * not between gap 0 and slot 1) shifts to 0; slot 1 ends empty.
 */
START_TEST(removal_shifts_a_wrapping_run_back)
{
	struct flow_index x;
	flow_index_init(&x);
	int a, b, c, d;
	uint32_t h1022 = 0x10000u * 7 + 1022, h1023 = 0x10000u * 9 + 1023;
	ck_assert(flow_index_insert(&x, &a, h1022));
	ck_assert(flow_index_insert(&x, &b, h1022 + 0x400));
	ck_assert(flow_index_insert(&x, &c, h1022 + 0x800));
	ck_assert(flow_index_insert(&x, &d, h1023));
	ck_assert_uint_eq(x.mask, 1023);
	ck_assert_ptr_eq(x.slots[1022].item, &a);
	ck_assert_ptr_eq(x.slots[1023].item, &b);
	ck_assert_ptr_eq(x.slots[0].item, &c);
	ck_assert_ptr_eq(x.slots[1].item, &d);

	ck_assert(flow_index_remove(&x, &b, h1022 + 0x400));
	ck_assert_ptr_eq(x.slots[1022].item, &a);
	ck_assert_ptr_eq(x.slots[1023].item, &c);
	ck_assert_ptr_eq(x.slots[0].item, &d);
	ck_assert_ptr_null(x.slots[1].item);
	ck_assert_ptr_eq(find(&x, &c, h1022 + 0x800), &c);
	ck_assert_ptr_eq(find(&x, &d, h1023), &d);
	ck_assert_ptr_null(find(&x, &b, h1022 + 0x400));
	ck_assert(!flow_index_remove(&x, &b, h1022 + 0x400));
	ck_assert_uint_eq(x.count, 3);
	/* first_candidate stops at the first matching hash, passing others */
	ck_assert_ptr_eq(flow_index_first_candidate(&x, h1023), &d);
	flow_index_release(&x);
}
END_TEST

/* A shifted item whose home is between the gap and itself stays where it is. */
START_TEST(removal_keeps_items_at_home)
{
	struct flow_index x;
	flow_index_init(&x);
	int a, b, c;
	ck_assert(flow_index_insert(&x, &a, 5));
	ck_assert(flow_index_insert(&x, &b, 5 + 0x400)); /* home 5: slot 6 */
	ck_assert(flow_index_insert(&x, &c, 7));          /* home 7: slot 7 */
	ck_assert(flow_index_remove(&x, &a, 5));
	ck_assert_ptr_eq(x.slots[5].item, &b); /* moved back to its home */
	ck_assert_ptr_null(x.slots[6].item);
	ck_assert_ptr_eq(x.slots[7].item, &c); /* at home: not moved */
	flow_index_release(&x);
}
END_TEST

static uint64_t rng_state = 0x243f6a8885a308d3ull;
static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

/*
 * Against a plain array as the reference: 20,000 items with hashes from a
 * small range (many collisions, long runs), through growth, random
 * removals and re-inserts; after each phase every held item is found, no
 * removed one is, the walk visits exactly the held ones and runs are intact.
 */
#define ITEMS 20000
START_TEST(matches_a_reference_through_growth_and_removals)
{
	static int items[ITEMS];
	static uint32_t hashes[ITEMS];
	static bool held[ITEMS];
	struct flow_index x;
	flow_index_init(&x);
	for (int i = 0; i < ITEMS; i++) {
		hashes[i] = rng() % 50000; /* about 2.5 items per distinct hash value */
		ck_assert(flow_index_insert(&x, &items[i], hashes[i]));
		held[i] = true;
		ck_assert_uint_le(4 * x.count, 3 * (x.mask + 1));
	}
	ck_assert_uint_eq(x.mask + 1, 32768); /* 20000 > 3/4 of 16384 */
	for (int round = 0; round < 3; round++) {
		for (int k = 0; k < ITEMS / 2; k++) {
			int i = (int)(rng() % ITEMS);
			if (held[i])
				ck_assert(flow_index_remove(&x, &items[i], hashes[i]));
			else
				ck_assert(flow_index_insert(&x, &items[i], hashes[i]));
			held[i] = !held[i];
		}
		assert_runs_intact(&x);
		size_t n_held = 0;
		for (int i = 0; i < ITEMS; i++) {
			n_held += held[i];
			if (held[i])
				ck_assert_ptr_eq(find(&x, &items[i], hashes[i]), &items[i]);
			else
				ck_assert_ptr_null(find(&x, &items[i], hashes[i]));
		}
		ck_assert_uint_eq(x.count, n_held);
		size_t cursor = 0, walked = 0;
		for (int *p; (p = flow_index_walk(&x, &cursor));) {
			ck_assert(held[p - items]);
			walked++;
		}
		ck_assert_uint_eq(walked, n_held);
	}
	flow_index_clear(&x);
	ck_assert_uint_eq(x.count, 0);
	ck_assert_ptr_null(find(&x, &items[0], hashes[0]));
	flow_index_release(&x);
}
END_TEST

Suite *flow_index_suite(void)
{
	Suite *s = suite_create("flow_index");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, empty_index_finds_nothing);
	tcase_add_test(tc, removal_shifts_a_wrapping_run_back);
	tcase_add_test(tc, removal_keeps_items_at_home);
	tcase_add_test(tc, matches_a_reference_through_growth_and_removals);
	suite_add_tcase(s, tc);
	return s;
}
