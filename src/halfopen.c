/* halfopen.c - half-open connections per server address:port and their distinct sources, in fixed memory (space-saving). */
#include "halfopen.h"

#include <stdlib.h>
#include <string.h>

#include <uthash.h>

/*
 * A SYN flood to many addresses would make a table of every server grow
 * without end. So at most HALFOPEN_TRACKED servers are held, counted with
 * the space-saving algorithm (Metwally, Agrawal, El Abbadi, "Efficient
 * computation of frequent and top-k elements in data streams", 2005): a
 * server not held takes the place of the one with the fewest half-open
 * connections, inheriting that count as its possible overcount (`error`).
 * Every server with more than total / HALFOPEN_TRACKED half-open connections
 * is held, and its count is exact unless it once took another's place. A
 * min-heap on the counts finds the one to replace in O(log n).
 *
 * Distinct sources are remembered as (server, client) pairs, at most
 * HALFOPEN_MAX_PAIRS of them; a server's pairs go with it when it is
 * replaced. Beyond the cap, or after a replacement, `sources` is a lower
 * bound (sources_capped).
 */

/* Zero-initialised so the keys hash as raw bytes. */
struct server_key {
	uint8_t addr[16];
	uint16_t port;
	uint8_t ip_version;
	uint8_t pad;
};

struct pair_key {
	struct server_key server;
	uint8_t client[16];
};

struct pair_entry {
	UT_hash_handle hh;
	struct pair_key key;
	struct pair_entry *next; /* the server's other pairs */
};

struct server_entry {
	UT_hash_handle hh;
	struct server_key key;
	struct halfopen_server counts;
	uint64_t error;          /* counts.half_open may be this much too high */
	uint32_t heap_pos;       /* index in the table's heap */
	struct pair_entry *pairs;
};

struct halfopen_table {
	struct server_entry *by_key; /* uthash head over entries[] */
	struct server_entry entries[HALFOPEN_TRACKED];
	uint32_t heap[HALFOPEN_TRACKED]; /* indices into entries[], min-heap on counts.half_open */
	uint32_t used;
	struct pair_entry *pairs;
	size_t npairs;
	uint64_t total;             /* half-open connections, all servers */
	uint64_t entered;           /* servers that entered the table (again, after a replacement) */
	struct halfopen_server list[HALFOPEN_REPORT_MAX]; /* built by halfopen_list */
};

struct halfopen_table *halfopen_new(void)
{
	return calloc(1, sizeof(struct halfopen_table));
}

static void drop_pairs(struct halfopen_table *t, struct server_entry *s)
{
	struct pair_entry *p = s->pairs, *next;
	for (; p; p = next) {
		next = p->next;
		HASH_DEL(t->pairs, p);
		free(p);
		t->npairs--;
	}
	s->pairs = NULL;
}

void halfopen_free(struct halfopen_table *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->used; i++)
		drop_pairs(t, &t->entries[i]);
	HASH_CLEAR(hh, t->by_key);
	HASH_CLEAR(hh, t->pairs);
	free(t);
}

static uint64_t heap_count(const struct halfopen_table *t, uint32_t pos)
{
	return t->entries[t->heap[pos]].counts.half_open;
}

static void heap_swap(struct halfopen_table *t, uint32_t a, uint32_t b)
{
	uint32_t x = t->heap[a];
	t->heap[a] = t->heap[b];
	t->heap[b] = x;
	t->entries[t->heap[a]].heap_pos = a;
	t->entries[t->heap[b]].heap_pos = b;
}

/* The count at pos grew: move it down below smaller children. */
static void sift_down(struct halfopen_table *t, uint32_t pos)
{
	for (;;) {
		uint32_t l = 2 * pos + 1, r = l + 1, min = pos;
		if (l < t->used && heap_count(t, l) < heap_count(t, min))
			min = l;
		if (r < t->used && heap_count(t, r) < heap_count(t, min))
			min = r;
		if (min == pos)
			return;
		heap_swap(t, pos, min);
		pos = min;
	}
}

/* A new entry at the end of the heap (count >= 1): move it up above larger parents. */
static void sift_up(struct halfopen_table *t, uint32_t pos)
{
	while (pos > 0 && heap_count(t, (pos - 1) / 2) > heap_count(t, pos)) {
		heap_swap(t, pos, (pos - 1) / 2);
		pos = (pos - 1) / 2;
	}
}

/* Count client_addr as a source of s unless already counted; false when memory ran out. */
static bool count_source(struct halfopen_table *t, struct server_entry *s, const uint8_t client_addr[16])
{
	struct pair_key k;
	memset(&k, 0, sizeof(k));
	k.server = s->key;
	memcpy(k.client, client_addr, 16);
	struct pair_entry *p;
	HASH_FIND(hh, t->pairs, &k, sizeof(k), p);
	if (p)
		return true;
	if (t->npairs >= HALFOPEN_MAX_PAIRS) {
		s->counts.sources_capped = true;
		return true;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return false;
	p->key = k;
	p->next = s->pairs;
	s->pairs = p;
	HASH_ADD(hh, t->pairs, key, sizeof(p->key), p);
	t->npairs++;
	s->counts.sources++;
	return true;
}

/* The entry for k: a free one, or the one with the fewest half-open connections, replaced. */
static struct server_entry *enter(struct halfopen_table *t, const struct server_key *k)
{
	struct server_entry *s;
	uint64_t inherited = 0;
	if (t->used < HALFOPEN_TRACKED) {
		s = &t->entries[t->used];
		s->heap_pos = t->used;
		t->heap[t->used] = t->used;
		t->used++;
	} else {
		s = &t->entries[t->heap[0]];
		inherited = s->counts.half_open;
		drop_pairs(t, s);
		HASH_DEL(t->by_key, s);
	}
	uint32_t pos = s->heap_pos;
	memset(s, 0, sizeof(*s));
	s->heap_pos = pos;
	s->key = *k;
	memcpy(s->counts.server.addr, k->addr, 16);
	s->counts.server.port = k->port;
	s->counts.ip_version = k->ip_version;
	s->counts.half_open = inherited;
	s->error = inherited;
	s->counts.sources_capped = inherited > 0; /* its earlier sources went with the one replaced */
	HASH_ADD(hh, t->by_key, key, sizeof(s->key), s);
	t->entered++;
	return s;
}

bool halfopen_add(struct halfopen_table *t, const uint8_t server_addr[16], uint16_t port,
		  uint8_t ip_version, const uint8_t client_addr[16])
{
	struct server_key k;
	memset(&k, 0, sizeof(k));
	memcpy(k.addr, server_addr, 16);
	k.port = port;
	k.ip_version = ip_version;
	struct server_entry *s;
	HASH_FIND(hh, t->by_key, &k, sizeof(k), s);
	bool fresh = !s;
	if (!s)
		s = enter(t, &k);
	s->counts.half_open++;
	t->total++;
	if (fresh)
		sift_up(t, s->heap_pos);
	sift_down(t, s->heap_pos);
	return count_source(t, s, client_addr);
}

/* Most half-open connections for sure (count less its possible overcount) first; ties by address, port. */
static int by_half_open_desc(const void *a, const void *b)
{
	const struct halfopen_server *x = a, *y = b;
	if (x->half_open != y->half_open)
		return x->half_open > y->half_open ? -1 : 1;
	int c = memcmp(x->server.addr, y->server.addr, 16);
	if (c)
		return c;
	return (int)x->server.port - (int)y->server.port;
}

/* qsort over the held entries by what is known for sure of each. */
static int by_guaranteed_desc(const void *a, const void *b)
{
	const struct server_entry *x = *(const struct server_entry *const *)a;
	const struct server_entry *y = *(const struct server_entry *const *)b;
	uint64_t gx = x->counts.half_open - x->error, gy = y->counts.half_open - y->error;
	if (gx != gy)
		return gx > gy ? -1 : 1;
	int c = memcmp(x->key.addr, y->key.addr, 16);
	if (c)
		return c;
	return (int)x->key.port - (int)y->key.port;
}

const struct halfopen_server *halfopen_list(struct halfopen_table *t, size_t *n, struct halfopen_rest *rest)
{
	*n = 0;
	memset(rest, 0, sizeof(*rest));
	if (t->used == 0)
		return NULL;
	const struct server_entry **order = malloc(t->used * sizeof(*order));
	if (!order)
		return NULL;
	for (uint32_t i = 0; i < t->used; i++)
		order[i] = &t->entries[i];
	qsort(order, t->used, sizeof(*order), by_guaranteed_desc);
	uint64_t listed = 0;
	for (uint32_t i = 0; i < t->used && *n < HALFOPEN_REPORT_MAX; i++) {
		const struct server_entry *s = order[i];
		uint64_t sure = s->counts.half_open - s->error;
		if (sure == 0)
			break; /* only what may be another server's count */
		struct halfopen_server *h = &t->list[(*n)++];
		*h = s->counts;
		h->half_open = sure;
		h->half_open_capped = s->error > 0;
		h->flood = h->half_open >= HALFOPEN_FLOOD_MIN && h->sources >= HALFOPEN_FLOOD_SOURCES;
		listed += sure;
	}
	free(order);
	qsort(t->list, *n, sizeof(*t->list), by_half_open_desc);
	rest->servers = t->entered - *n;
	rest->half_open = t->total - listed;
	rest->replaced = t->entered > t->used;
	return t->list;
}
