/* flow.c - the flow table: an open-addressed index by canonical 4-tuple, LRU lists per idle class, expiry and eviction. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

/*
 * Lookup is the hot path: the fixed 40-byte key is hashed with a few
 * multiplies, and compared in place (the index's slot already matched its
 * hash, so the compare nearly always succeeds).
 */
uint32_t flow_key_hash(const struct flow_key *key)
{
	const unsigned char *p = (const unsigned char *)key;
	uint64_t h = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i + 8 <= sizeof(*key); i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return (uint32_t)(h ^ (h >> 29));
}

/* Both addresses (32 bytes), then ports, version and padding (8 bytes): five 8-byte words. */
static inline bool key_equal(const struct flow_key *a, const struct flow_key *b)
{
	uint64_t x[5], y[5];
	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4])) == 0;
}
_Static_assert(sizeof(struct flow_key) == 5 * sizeof(uint64_t), "key_equal compares five words");

static void prefetch_conn(const struct conn *c)
{
	for (size_t off = 0; off < sizeof(*c); off += 64)
		__builtin_prefetch((const char *)c + off);
}

void flow_prefetch(const struct flow_table *t, uint32_t hash, int stage)
{
	if (stage == 0) {
		flow_index_prefetch(&t->by_key, hash);
		return;
	}
	/* The key spans the first cache line; tracking then reads the counters
	 * and both halves of the sequence analysis behind it: ask for the whole
	 * connection. */
	const struct conn *c = flow_index_first_candidate(&t->by_key, hash);
	if (c)
		prefetch_conn(c);
}

#define NS_PER_SEC 1000000000ull

void flow_config_defaults(struct flow_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_flows = 1000000;
	cfg->timeout_ns[FLOW_CLASS_OPENING] = 120 * NS_PER_SEC;
	cfg->timeout_ns[FLOW_CLASS_ESTABLISHED] = 7500 * NS_PER_SEC;
	cfg->timeout_ns[FLOW_CLASS_CLOSED] = 60 * NS_PER_SEC;
}

void flow_table_init(struct flow_table *t, const struct flow_config *cfg, flow_end_fn on_end, void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->cfg = *cfg;
	t->on_end = on_end;
	t->ctx = ctx;
	t->next_id = 1;
	flow_index_init(&t->by_key);
	slab_pool_init(&t->conns, sizeof(struct conn));
}

void flow_table_release(struct flow_table *t)
{
	flow_index_release(&t->by_key);
	slab_pool_release(&t->conns);
}

/* Order endpoints by address, then port, so both directions build one key. */
void flow_key_from_pkt(const struct pkt *p, struct flow_key *key, int *sender_side)
{
	int c = memcmp(p->src, p->dst, 16);
	bool src_first = c < 0 || (c == 0 && p->sport <= p->dport);
	int s = src_first ? 0 : 1;

	memset(key, 0, sizeof(*key));
	memcpy(key->addr[s], p->src, 16);
	memcpy(key->addr[!s], p->dst, 16);
	key->port[s] = p->sport;
	key->port[!s] = p->dport;
	key->ip_version = p->ip_version;
	*sender_side = s;
}

static bool is_idle_past_timeout(const struct flow_table *t, const struct conn *c, uint64_t now_ns);

/* The probe: slots whose hash differs are passed without reading their connection. */
static inline struct conn *find_hashed(const struct flow_index *x, const struct flow_key *key, uint32_t hash)
{
	if (!x->slots)
		return NULL;
	for (size_t i = flow_index_home(x, hash); x->slots[i].item; i = flow_index_next(x, i)) {
		struct conn *c = x->slots[i].item;
		if (x->slots[i].hash == hash && key_equal(&c->key, key))
			return c;
	}
	return NULL;
}

struct conn *flow_lookup(struct flow_table *t, const struct flow_key *key, uint64_t now_ns)
{
	return flow_lookup_hashed(t, key, flow_key_hash(key), now_ns);
}

struct conn *flow_lookup_hashed(struct flow_table *t, const struct flow_key *key, uint32_t hash,
				uint64_t now_ns)
{
	struct conn *c = find_hashed(&t->by_key, key, hash);
	/* The lazy sweep may not have reached it yet: expiry must not depend on that. */
	if (c && is_idle_past_timeout(t, c, now_ns)) {
		flow_end(t, c, END_TIMEOUT);
		c = NULL;
	}
	return c;
}

struct conn *flow_find(struct flow_table *t, const struct flow_key *key)
{
	return find_hashed(&t->by_key, key, flow_key_hash(key));
}

static void lru_unlink(struct flow_table *t, struct conn *c)
{
	struct flow_lru *l = &t->lru[c->lru_class];
	if (c->lru_prev)
		c->lru_prev->lru_next = c->lru_next;
	else
		l->head = c->lru_next;
	if (c->lru_next)
		c->lru_next->lru_prev = c->lru_prev;
	else
		l->tail = c->lru_prev;
	c->lru_prev = c->lru_next = NULL;
}

/*
 * Lists are lazy: a packet only updates ts_last_ns and never moves its
 * connection (moving would touch two neighbours, i.e. two more cache misses
 * per packet). Each list stays sorted by lru_stamp_ns, the time at which the
 * connection was (re)queued; a head whose ts_last_ns has moved past its stamp
 * is "stale" and is requeued at the tail when a sweep meets it.
 */
static void lru_append(struct flow_table *t, struct conn *c, enum flow_class cls)
{
	struct flow_lru *l = &t->lru[cls];
	c->lru_class = (uint8_t)cls;
	c->lru_stamp_ns = c->ts_last_ns;
	if (l->tail && l->tail->lru_stamp_ns > c->lru_stamp_ns)
		c->lru_stamp_ns = l->tail->lru_stamp_ns; /* keep the list sorted */
	c->lru_prev = l->tail;
	c->lru_next = NULL;
	if (l->tail)
		l->tail->lru_next = c;
	else
		l->head = c;
	l->tail = c;
}

static bool lru_is_stale(const struct conn *c)
{
	return c->ts_last_ns > c->lru_stamp_ns;
}

/* The head of a class list once stale heads have been requeued. */
static struct conn *lru_fresh_head(struct flow_table *t, int cls)
{
	struct conn *h;
	while ((h = t->lru[cls].head) && lru_is_stale(h)) {
		lru_unlink(t, h);
		lru_append(t, h, (enum flow_class)cls);
	}
	return h;
}

/* The least recently active connection: the oldest of the classes' fresh heads. */
static struct conn *lru_oldest(struct flow_table *t)
{
	struct conn *oldest = NULL;
	for (int k = 0; k < FLOW_CLASS__COUNT; k++) {
		struct conn *h = lru_fresh_head(t, k);
		if (h && (!oldest || h->ts_last_ns < oldest->ts_last_ns))
			oldest = h;
	}
	return oldest;
}

static bool is_idle_past_timeout(const struct flow_table *t, const struct conn *c, uint64_t now_ns)
{
	uint64_t timeout = t->cfg.timeout_ns[c->lru_class];
	return timeout && now_ns > c->ts_last_ns && now_ns - c->ts_last_ns > timeout;
}

struct conn *flow_insert(struct flow_table *t, const struct flow_key *key, uint64_t ts_ns)
{
	if (t->cfg.max_flows && t->count >= t->cfg.max_flows) {
		struct conn *victim = lru_oldest(t);
		if (victim)
			flow_end(t, victim, END_EVICTED);
	}
	struct conn *c = slab_alloc(&t->conns);
	if (!c)
		return NULL;
	c->key = *key;
	if (!flow_index_insert(&t->by_key, c, flow_key_hash(key))) {
		slab_free(&t->conns, c);
		return NULL;
	}
	c->id = t->next_id++;
	c->ts_first_ns = c->ts_last_ns = ts_ns;
	lru_append(t, c, FLOW_CLASS_OPENING);
	if (++t->count > t->peak)
		t->peak = t->count;
	return c;
}

void flow_touch(struct flow_table *t, struct conn *c, uint64_t ts_ns, enum flow_class cls)
{
	/* Timestamps can go backwards in a capture; last-seen never does. */
	if (ts_ns > c->ts_last_ns)
		c->ts_last_ns = ts_ns;
	if (c->lru_class != cls) {
		lru_unlink(t, c);
		lru_append(t, c, cls);
	}
}

/* The one place a connection is freed: outputs see it first (it is out of the table by then). */
static void hand_over_and_free(struct flow_table *t, struct conn *c, enum end_reason why)
{
	if (t->on_end)
		t->on_end(t->ctx, c, why);
	slab_free(&t->conns, c);
}

void flow_end(struct flow_table *t, struct conn *c, enum end_reason why)
{
	lru_unlink(t, c);
	flow_index_remove(&t->by_key, c, flow_key_hash(&c->key));
	t->count--;
	hand_over_and_free(t, c, why);
}

void flow_expire(struct flow_table *t, uint64_t now_ns)
{
	for (int k = 0; k < FLOW_CLASS__COUNT; k++) {
		uint64_t timeout = t->cfg.timeout_ns[k];
		struct conn *h;
		/* Nothing queued less than a timeout ago can be idle that long, and
		 * the list is sorted by queue time: look no further than that. So a
		 * connection is requeued at most once per timeout, not per packet. */
		while (timeout && (h = t->lru[k].head) && now_ns > h->lru_stamp_ns &&
		       now_ns - h->lru_stamp_ns > timeout) {
			if (lru_is_stale(h)) {
				lru_unlink(t, h);
				lru_append(t, h, (enum flow_class)k);
			} else {
				flow_end(t, h, END_TIMEOUT);
			}
		}
	}
}

struct conn *flow_walk(const struct flow_table *t, size_t *cursor)
{
	return flow_index_walk(&t->by_key, cursor);
}

/* A connection and its id, sorted without going back to the connection. */
struct conn_by_id {
	uint64_t id;
	struct conn *c;
};

static int by_id(const void *a, const void *b)
{
	uint64_t x = ((const struct conn_by_id *)a)->id, y = ((const struct conn_by_id *)b)->id;
	return x < y ? -1 : x > y;
}

/* How far ahead flow_end_all asks for a connection, then for what it points to. */
#define END_PREFETCH 8

/* Every connection held with its id, into all (room for t->count); how many. Ids are asked for ahead. */
static size_t collect_by_id(const struct flow_table *t, struct conn_by_id *all)
{
	const struct flow_index *x = &t->by_key;
	size_t n = 0;
	for (size_t i = 0; x->slots && i <= x->mask && n < t->count; i++) {
		if (i + 4 * END_PREFETCH <= x->mask && x->slots[i + 4 * END_PREFETCH].item)
			__builtin_prefetch(&((const struct conn *)x->slots[i + 4 * END_PREFETCH].item)->id);
		struct conn *c = x->slots[i].item;
		if (c)
			all[n++] = (struct conn_by_id){.id = c->id, .c = c};
	}
	return n;
}

void flow_end_all(struct flow_table *t, enum end_reason why)
{
	struct conn_by_id *all = t->count ? malloc(t->count * sizeof(*all)) : NULL;
	if (all) {
		size_t n = collect_by_id(t, all);
		qsort(all, n, sizeof(*all), by_id);
		/* Everything goes: empty the table at once rather than unlinking
		 * each connection from the index and lists (neighbours out of
		 * cache), and ask for connections a few ahead of the one ended. */
		flow_index_clear(&t->by_key);
		memset(t->lru, 0, sizeof(t->lru));
		t->count = 0;
		for (size_t i = 0; i < n; i++) {
			if (i + END_PREFETCH < n)
				prefetch_conn(all[i + END_PREFETCH].c);
			if (i + END_PREFETCH / 2 < n) {
				const struct conn *next = all[i + END_PREFETCH / 2].c;
				__builtin_prefetch(next->app);
				__builtin_prefetch(next->seq_counts);
			}
			hand_over_and_free(t, all[i].c, why);
		}
		free(all);
	}
	struct conn *c; /* out of memory for the sort: any order will do */
	while ((c = lru_oldest(t)))
		flow_end(t, c, why);
}
