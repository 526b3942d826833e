/* flow_index.c - open addressing with linear probing, backward-shift deletion and growth by doubling. */
#include "flow_index.h"

#include <stdlib.h>
#include <string.h>

/* The first capacity: small captures stay small (16 KiB), big ones double their way up. */
#define FIRST_CAPACITY 1024u

void flow_index_init(struct flow_index *x)
{
	memset(x, 0, sizeof(*x));
}

void flow_index_release(struct flow_index *x)
{
	free(x->slots);
	flow_index_init(x);
}

/* Put item in the first empty slot of its probe run (the index has room). */
static void place(struct flow_index_slot *slots, size_t mask, void *item, uint32_t hash)
{
	size_t i = hash & mask;
	while (slots[i].item)
		i = (i + 1) & mask;
	slots[i].item = item;
	slots[i].hash = hash;
}

/* Move every item to a new array of capacity slots: the hashes are in the slots, the items are not read. */
static bool resize(struct flow_index *x, size_t capacity)
{
	struct flow_index_slot *slots = calloc(capacity, sizeof(*slots));
	if (!slots)
		return false;
	if (x->slots) {
		for (size_t i = 0; i <= x->mask; i++)
			if (x->slots[i].item)
				place(slots, capacity - 1, x->slots[i].item, x->slots[i].hash);
		free(x->slots);
	}
	x->slots = slots;
	x->mask = capacity - 1;
	return true;
}

/* At most 3/4 full (3/8 just after doubling): linear probing then looks at 2.5 slots on
 * average for an item held, 8.5 for one not held (Knuth), i.e. one or two 64-byte lines. */
static bool has_room_for_one_more(const struct flow_index *x)
{
	return x->slots && (x->count + 1) <= (x->mask + 1) / 4 * 3;
}

bool flow_index_insert(struct flow_index *x, void *item, uint32_t hash)
{
	if (!has_room_for_one_more(x) && !resize(x, x->slots ? 2 * (x->mask + 1) : FIRST_CAPACITY))
		return false;
	place(x->slots, x->mask, item, hash);
	x->count++;
	return true;
}

/* Is slot i's home h cyclically within (gap, i]? Then the item must stay after the gap. */
static bool home_between(size_t gap, size_t h, size_t i, size_t mask)
{
	return ((h - gap - 1) & mask) < ((i - gap) & mask);
}

/*
 * Backward shift: the emptied slot is a gap in a run; each later item of
 * the run whose home is not between the gap and itself would no longer be
 * found past the gap, so it moves into the gap, which moves on to its slot.
 * The run ends at an empty slot.
 */
static void close_gap(struct flow_index *x, size_t gap)
{
	struct flow_index_slot *s = x->slots;
	for (size_t i = flow_index_next(x, gap); s[i].item; i = flow_index_next(x, i)) {
		if (home_between(gap, flow_index_home(x, s[i].hash), i, x->mask))
			continue;
		s[gap] = s[i];
		gap = i;
	}
	s[gap].item = NULL;
	s[gap].hash = 0;
}

bool flow_index_remove(struct flow_index *x, const void *item, uint32_t hash)
{
	if (!x->slots)
		return false;
	for (size_t i = flow_index_home(x, hash); x->slots[i].item; i = flow_index_next(x, i)) {
		if (x->slots[i].item == item) {
			close_gap(x, i);
			x->count--;
			return true;
		}
	}
	return false;
}

void flow_index_clear(struct flow_index *x)
{
	if (x->slots)
		memset(x->slots, 0, (x->mask + 1) * sizeof(*x->slots));
	x->count = 0;
}

void *flow_index_walk(const struct flow_index *x, size_t *cursor)
{
	if (!x->slots)
		return NULL;
	while (*cursor <= x->mask) {
		void *item = x->slots[(*cursor)++].item;
		if (item)
			return item;
	}
	return NULL;
}
