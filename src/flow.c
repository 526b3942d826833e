/* flow.c - the flow table: uthash lookup by canonical 4-tuple, LRU lists per idle class, expiry and eviction. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* uthash reports out-of-memory through this hook instead of exiting: flow_insert
 * sees the flag and returns NULL. `insert_oom` is a local of flow_insert. */
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(elt) (insert_oom = true)

/* Lookup is the hot path: hash the fixed 40-byte key with a few multiplies
 * instead of uthash's default (Jenkins). */
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = key_bytes_hash(keyptr, keylen))

static inline uint32_t key_bytes_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return (uint32_t)(h ^ (h >> 29));
}

#include "flow.h"

uint32_t flow_key_hash(const struct flow_key *key)
{
	return key_bytes_hash(key, sizeof(*key));
}

static void prefetch_conn(const struct conn *c)
{
	for (size_t off = 0; off < sizeof(*c); off += 64)
		__builtin_prefetch((const char *)c + off);
}

void flow_prefetch(const struct flow_table *t, uint32_t hash, int stage)
{
	if (!t->by_key)
		return;
	unsigned bkt;
	HASH_TO_BKT(hash, t->by_key->hh.tbl->num_buckets, bkt);
	const UT_hash_bucket *b = &t->by_key->hh.tbl->buckets[bkt];
	if (stage == 0) {
		__builtin_prefetch(b);
	} else if (b->hh_head) {
		/* The handle (first member) and the key span the first two cache
		 * lines; tracking then reads the counters and both halves of the
		 * sequence analysis behind them: ask for the whole connection. */
		prefetch_conn((const struct conn *)b->hh_head);
	}
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
	slab_pool_init(&t->conns, sizeof(struct conn));
}

void flow_table_release(struct flow_table *t)
{
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

struct conn *flow_lookup(struct flow_table *t, const struct flow_key *key, uint64_t now_ns)
{
	return flow_lookup_hashed(t, key, flow_key_hash(key), now_ns);
}

struct conn *flow_lookup_hashed(struct flow_table *t, const struct flow_key *key, uint32_t hash,
				uint64_t now_ns)
{
	struct conn *c;
	HASH_FIND_BYHASHVALUE(hh, t->by_key, key, sizeof(*key), hash, c);
	/* The lazy sweep may not have reached it yet: expiry must not depend on that. */
	if (c && is_idle_past_timeout(t, c, now_ns)) {
		flow_end(t, c, END_TIMEOUT);
		c = NULL;
	}
	return c;
}

struct conn *flow_find(struct flow_table *t, const struct flow_key *key)
{
	struct conn *c;
	HASH_FIND(hh, t->by_key, key, sizeof(*key), c);
	return c;
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
	bool insert_oom = false;

	if (t->cfg.max_flows && t->count >= t->cfg.max_flows) {
		struct conn *victim = lru_oldest(t);
		if (victim)
			flow_end(t, victim, END_EVICTED);
	}
	struct conn *c = slab_alloc(&t->conns);
	if (!c)
		return NULL;
	c->key = *key;
	HASH_ADD(hh, t->by_key, key, sizeof(c->key), c);
	if (insert_oom) {
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
	HASH_DEL(t->by_key, c);
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

static int by_id(const void *a, const void *b)
{
	uint64_t x = (*(struct conn *const *)a)->id, y = (*(struct conn *const *)b)->id;
	return x < y ? -1 : x > y;
}

/* How far ahead flow_end_all asks for a connection, then for what it points to. */
#define END_PREFETCH 8

void flow_end_all(struct flow_table *t, enum end_reason why)
{
	struct conn **all = t->count ? malloc(t->count * sizeof(*all)) : NULL;
	if (all) {
		size_t n = 0;
		for (struct conn *c = t->by_key; c; c = c->hh.next)
			all[n++] = c;
		qsort(all, n, sizeof(*all), by_id);
		/* Everything goes: empty the table at once rather than unlinking
		 * each connection from its chain and lists (neighbours out of
		 * cache), and ask for connections a few ahead of the one ended. */
		HASH_CLEAR(hh, t->by_key);
		memset(t->lru, 0, sizeof(t->lru));
		t->count = 0;
		for (size_t i = 0; i < n; i++) {
			if (i + END_PREFETCH < n)
				prefetch_conn(all[i + END_PREFETCH]);
			if (i + END_PREFETCH / 2 < n) {
				const struct conn *next = all[i + END_PREFETCH / 2];
				__builtin_prefetch(next->app);
				__builtin_prefetch(next->seq_counts);
			}
			hand_over_and_free(t, all[i], why);
		}
		free(all);
	}
	struct conn *c; /* out of memory for the sort: any order will do */
	while ((c = lru_oldest(t)))
		flow_end(t, c, why);
}
