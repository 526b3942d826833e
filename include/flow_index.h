/* flow_index.h - the flow table's hot index: open addressing over (hash, pointer) slots, one cache line per lookup. */
#ifndef TCPSCOPE_FLOW_INDEX_H
#define TCPSCOPE_FLOW_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Items (connections) are found by a 32-bit hash of their key. Each slot
 * holds an item's pointer and its full hash, so a probe compares hashes in
 * the index and follows a pointer only when the hash matches: a lookup
 * reads the item it is looking for and no other (but once in ~2^(32 - log2
 * capacity) slots passed, where the hash bits beyond the slot number also
 * agree). Linear probing: an item sits at its hash's home slot or in the
 * run of full slots after it; deletion shifts the run back (no tombstones),
 * so probe runs stay as short as the load factor allows. The capacity is a
 * power of two and doubles when the items would fill more than 3/4 of it.
 *
 * The caller probes itself, so that its key compare is inlined:
 *
 *     for (size_t i = flow_index_home(x, h); x->slots[i].item; i = flow_index_next(x, i))
 *             if (x->slots[i].hash == h && key_equal(x->slots[i].item, key))
 *                     return x->slots[i].item;
 */
struct flow_index_slot {
	void *item;    /* NULL: empty */
	uint32_t hash;
};

struct flow_index {
	struct flow_index_slot *slots; /* capacity (mask + 1) slots; NULL before the first insert */
	size_t mask;
	size_t count;
};

void flow_index_init(struct flow_index *x);

/* Free the slots (not the items). The index is then empty and usable. */
void flow_index_release(struct flow_index *x);

static inline size_t flow_index_home(const struct flow_index *x, uint32_t hash)
{
	return hash & x->mask;
}

static inline size_t flow_index_next(const struct flow_index *x, size_t i)
{
	return (i + 1) & x->mask;
}

/* Ask for the cache line of hash's home slot (a hint: changes nothing). */
static inline void flow_index_prefetch(const struct flow_index *x, uint32_t hash)
{
	if (x->slots)
		__builtin_prefetch(&x->slots[flow_index_home(x, hash)]);
}

/* The first item at or after hash's home slot whose hash is hash, or NULL: the candidate to prefetch. */
static inline void *flow_index_first_candidate(const struct flow_index *x, uint32_t hash)
{
	if (!x->slots)
		return NULL;
	for (size_t i = flow_index_home(x, hash); x->slots[i].item; i = flow_index_next(x, i))
		if (x->slots[i].hash == hash)
			return x->slots[i].item;
	return NULL;
}

/* Add item (not already in) under hash, growing first when needed. False when memory runs out (nothing changed). */
bool flow_index_insert(struct flow_index *x, void *item, uint32_t hash);

/* Take item, held under hash, out. False when it is not there. */
bool flow_index_remove(struct flow_index *x, const void *item, uint32_t hash);

/* Empty the index at once (keeps its capacity). */
void flow_index_clear(struct flow_index *x);

/*
 * Visit every item: *cursor starts at 0; each call returns the next item
 * and advances it, NULL at the end. In slot order, i.e. in no meaningful
 * order; the index must not change during the walk.
 */
void *flow_index_walk(const struct flow_index *x, size_t *cursor);

#endif
