/* check_slab.c - the slab allocator hands out zeroed, distinct, aligned objects and reuses freed ones. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slab.h"
#include "suites.h"

/* Enough 777-byte objects to need several 2 MiB slabs. */
#define OBJECTS 10000
#define OBJ_SIZE 777

START_TEST(objects_zeroed_distinct_aligned)
{
	struct slab_pool p;
	static uint8_t *objs[OBJECTS];
	static const uint8_t zeros[OBJ_SIZE];
	slab_pool_init(&p, OBJ_SIZE);
	for (int i = 0; i < OBJECTS; i++) {
		objs[i] = slab_alloc(&p);
		ck_assert_ptr_nonnull(objs[i]);
		ck_assert_uint_eq((uintptr_t)objs[i] % 8, 0);
		ck_assert(memcmp(objs[i], zeros, OBJ_SIZE) == 0);
		memset(objs[i], i & 0xff, OBJ_SIZE); /* overlapping objects would clobber each other */
	}
	for (int i = 0; i < OBJECTS; i++) {
		uint8_t want[OBJ_SIZE];
		memset(want, i & 0xff, OBJ_SIZE);
		ck_assert(memcmp(objs[i], want, OBJ_SIZE) == 0);
		slab_free(&p, objs[i]); /* sanitizer builds hand each to free() */
	}
	slab_pool_release(&p);
}
END_TEST

START_TEST(freed_object_comes_back_zeroed)
{
	struct slab_pool p;
	slab_pool_init(&p, OBJ_SIZE);
	uint8_t *a = slab_alloc(&p);
	uint8_t *b = slab_alloc(&p);
	memset(a, 0xab, OBJ_SIZE);
	slab_free(&p, a);
	slab_free(&p, NULL);
	uint8_t *c = slab_alloc(&p);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_ne(c, b);
	for (int k = 0; k < OBJ_SIZE; k++)
		ck_assert_uint_eq(c[k], 0);
	slab_free(&p, b);
	slab_free(&p, c);
	slab_pool_release(&p);
	/* a released pool starts afresh */
	void *d = slab_alloc(&p);
	ck_assert_ptr_nonnull(d);
	slab_free(&p, d);
	slab_pool_release(&p);
}
END_TEST

Suite *slab_suite(void)
{
	Suite *s = suite_create("slab");
	TCase *tc = tcase_create("slab");
	tcase_add_test(tc, objects_zeroed_distinct_aligned);
	tcase_add_test(tc, freed_object_comes_back_zeroed);
	suite_add_tcase(s, tc);
	return s;
}
