/* byhost.c - connection records summed up per server or per client, with exact nearest-rank RTT percentiles. */
#include "byhost.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"

/* uthash reports out-of-memory through this hook, on the entry it could not add, instead of exiting: byhost_add says so. */
#define uthash_nonfatal_oom(elt) ((elt)->add_failed = true)
#include <uthash.h>

/* The hash key: zero-initialised, so padding never differs between equal keys. */
struct group_key {
	uint8_t addr[16];
	uint16_t port;
	uint8_t ip_version;
	uint8_t pad;
};
_Static_assert(sizeof(struct group_key) == 20, "group_key has no hidden padding");

struct group_entry {
	struct group_key key;
	struct byhost_group g;
	bool add_failed;  /* uthash ran out of memory adding it */
	UT_hash_handle hh;
};

struct byhost {
	enum byhost_kind kind;
	struct group_entry *by_key;   /* uthash head */
	size_t ngroups;
	struct group_entry *rest;     /* past BYHOST_GROUPS_MAX, NULL until needed */
	struct byhost_group **sorted; /* byhost_groups' answer */
};

bool byhost_kind_parse(const char *name, enum byhost_kind *out)
{
	if (strcmp(name, "server") == 0)
		*out = BYHOST_SERVER;
	else if (strcmp(name, "client") == 0)
		*out = BYHOST_CLIENT;
	else
		return false;
	return true;
}

struct byhost *byhost_new(enum byhost_kind kind)
{
	struct byhost *b = calloc(1, sizeof(*b));
	if (b)
		b->kind = kind;
	return b;
}

enum byhost_kind byhost_kind_of(const struct byhost *b)
{
	return b->kind;
}

bool byhost_handshake_rtt_us(const struct conn_record *r, uint32_t *us)
{
	if (!r->lc.have_syn_synack || !r->lc.have_synack_ack)
		return false;
	uint64_t sum = (uint64_t)r->lc.syn_synack_us + r->lc.synack_ack_us;
	*us = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
	return true;
}

/* The mean of one direction's RTT samples, rounded to the microsecond. */
static uint64_t mean_rtt_us(const struct tcp_rtt_stats *s)
{
	return (s->sum_us + s->samples / 2) / s->samples;
}

bool byhost_data_rtt_us(const struct conn_record *r, uint32_t *us)
{
	const struct tcp_rtt_stats *half[2] = {&r->c2s_seq.rtt, &r->s2c_seq.rtt};
	uint64_t sum = 0;
	bool any = false;
	for (int i = 0; i < 2; i++) {
		if (half[i]->samples == 0)
			continue;
		sum += mean_rtt_us(half[i]);
		any = true;
	}
	if (any)
		*us = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
	return any;
}

static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static void values_sort(struct byhost_values *v)
{
	if (!v->sorted && v->n > 1)
		qsort(v->us, v->n, sizeof(v->us[0]), compare_u32);
	v->sorted = true;
}

bool byhost_percentile(const struct byhost_values *v, unsigned p, uint32_t *us)
{
	if (v->n == 0 || p == 0 || p > 100 || !v->sorted)
		return false;
	/* nearest rank: ceil(p/100 * n), 1-based */
	size_t rank = ((size_t)p * v->n + 99) / 100;
	*us = v->us[rank - 1];
	return true;
}

static bool values_add(struct byhost_values *v, uint32_t us)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 4;
		uint32_t *grown = realloc(v->us, cap * sizeof(*grown));
		if (!grown)
			return false;
		v->us = grown;
		v->cap = cap;
	}
	v->us[v->n++] = us;
	v->sorted = false;
	return true;
}

/* The connection's name as the live view shows it: the TLS SNI, else the HTTP Host; NULL if none. */
static const char *name_of(const struct conn_record *r, size_t *len)
{
	static const enum app_string which[] = {APP_SNI, APP_HTTP_HOST};
	for (size_t i = 0; r->app && i < sizeof(which) / sizeof(which[0]); i++) {
		if (r->app->str[which[i]]) {
			*len = r->app->len[which[i]] > BYHOST_NAME_LEN ? BYHOST_NAME_LEN : r->app->len[which[i]];
			return r->app->str[which[i]];
		}
	}
	return NULL;
}

static bool count_name(struct byhost_group *g, const struct conn_record *r)
{
	size_t len;
	const char *name = name_of(r, &len);
	if (!name)
		return true;
	for (uint8_t i = 0; i < g->nnames; i++) {
		if (g->names[i].len == len && memcmp(g->names[i].name, name, len) == 0) {
			g->names[i].connections++;
			return true;
		}
	}
	if (g->nnames == BYHOST_NAMES_MAX) {
		g->names_other++;
		return true;
	}
	char *copy = malloc(len + 1);
	if (!copy)
		return false;
	memcpy(copy, name, len);
	copy[len] = '\0';
	g->names[g->nnames++] = (struct byhost_name){.name = copy, .len = (uint16_t)len, .connections = 1};
	return true;
}

/* RST answered the client's SYN before any SYN-ACK (lifecycle.c's "refused"). */
static bool conn_refused(const struct conn_record *r)
{
	return r->lc.state && strcmp(r->lc.state, "REJ") == 0 && r->lc.synack_count == 0 && r->lc.syn_count > 0;
}

static void key_of(const struct byhost *b, const struct conn_record *r, struct group_key *k)
{
	const struct endpoint *e = b->kind == BYHOST_SERVER ? &r->server : &r->client;
	memset(k, 0, sizeof(*k));
	memcpy(k->addr, e->addr, sizeof(k->addr));
	k->port = b->kind == BYHOST_SERVER ? e->port : 0;
	k->ip_version = r->ip_version;
}

static struct group_entry *entry_new(const struct group_key *k)
{
	struct group_entry *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->key = *k;
	memcpy(e->g.host.addr, k->addr, sizeof(k->addr));
	e->g.host.port = k->port;
	e->g.ip_version = k->ip_version;
	return e;
}

/* The group of r's host: found, made, or the rest when BYHOST_GROUPS_MAX are held. NULL: out of memory. */
static struct byhost_group *group_for(struct byhost *b, const struct conn_record *r)
{
	struct group_key k;
	struct group_entry *e;
	key_of(b, r, &k);
	HASH_FIND(hh, b->by_key, &k, sizeof(k), e);
	if (e)
		return &e->g;
	if (b->ngroups >= BYHOST_GROUPS_MAX) {
		if (!b->rest) {
			struct group_key none;
			memset(&none, 0, sizeof(none));
			if (!(b->rest = entry_new(&none)))
				return NULL;
			b->rest->g.rest = true;
		}
		return &b->rest->g;
	}
	if (!(e = entry_new(&k)))
		return NULL;
	HASH_ADD(hh, b->by_key, key, sizeof(k), e);
	if (e->add_failed) {
		free(e);
		return NULL;
	}
	b->ngroups++;
	return &e->g;
}

bool byhost_add(struct byhost *b, const struct conn_record *r)
{
	struct byhost_group *g = group_for(b, r);
	if (!g)
		return false;
	uint32_t us;
	bool ok = true;
	if (byhost_handshake_rtt_us(r, &us))
		ok = values_add(&g->handshake, us) && ok;
	if (byhost_data_rtt_us(r, &us))
		ok = values_add(&g->data, us) && ok;
	ok = count_name(g, r) && ok;
	g->connections++;
	bool refused = conn_refused(r);
	g->refused += refused;
	g->unanswered += r->lc.syn_count > 0 && r->s2c.packets == 0;
	g->reset += r->end_reason == END_RESET && !refused;
	g->syn_retries += r->lc.syn_count > 1 ? r->lc.syn_count - 1u : 0;
	g->bytes[0] += r->c2s.bytes;
	g->bytes[1] += r->s2c.bytes;
	g->payload_bytes += r->c2s.payload_bytes + r->s2c.payload_bytes;
	g->retransmitted_bytes += r->c2s_seq.retransmitted_bytes + r->s2c_seq.retransmitted_bytes;
	g->zero_window_ms[0] += r->c2s_seq.zero_window_ms;
	g->zero_window_ms[1] += r->s2c_seq.zero_window_ms;
	return ok;
}

/* ---- order ---- */

static int compare_hosts(const struct byhost_group *a, const struct byhost_group *b)
{
	if (a->rest != b->rest)
		return a->rest ? 1 : -1;
	if (a->ip_version != b->ip_version)
		return a->ip_version < b->ip_version ? -1 : 1;
	int c = memcmp(a->host.addr, b->host.addr, sizeof(a->host.addr));
	if (c)
		return c < 0 ? -1 : 1;
	return (a->host.port > b->host.port) - (a->host.port < b->host.port);
}

/* Larger first: -1 when x comes first. */
static int larger_first(uint64_t x, uint64_t y)
{
	return (x < y) - (x > y);
}

/* A group with the figure it is ordered by (known false: sorts after those with one). */
struct sort_item {
	struct byhost_group *g;
	bool known;
	long double figure;
};

/*
 * The figure of an order: connections, bytes, the retransmitted share (a
 * correctly rounded division: equal shares compare equal), the median
 * handshake RTT.
 */
static void sort_figure(struct sort_item *it, enum byhost_order order)
{
	const struct byhost_group *g = it->g;
	uint32_t us = 0;
	it->known = true;
	switch (order) {
	case BYHOST_BY_CONNECTIONS:
		it->figure = (long double)g->connections;
		break;
	case BYHOST_BY_BYTES:
		it->figure = (long double)g->bytes[0] + (long double)g->bytes[1];
		break;
	case BYHOST_BY_RETX:
		it->known = g->payload_bytes > 0;
		it->figure = it->known ? (long double)g->retransmitted_bytes / (long double)g->payload_bytes : 0;
		break;
	case BYHOST_BY_RTT:
		it->known = byhost_percentile(&g->handshake, 50, &us);
		it->figure = us;
		break;
	}
}

/* The rest last; then known figures, larger first; then most connections; then by address and port. */
static int compare_items(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;
	if (a->g->rest != b->g->rest)
		return a->g->rest ? 1 : -1;
	if (a->known != b->known)
		return a->known ? -1 : 1;
	if (a->figure != b->figure)
		return a->figure > b->figure ? -1 : 1;
	int c = larger_first(a->g->connections, b->g->connections);
	return c ? c : compare_hosts(a->g, b->g);
}

static int compare_names(const void *pa, const void *pb)
{
	const struct byhost_name *a = pa, *b = pb;
	int c = larger_first(a->connections, b->connections);
	if (c)
		return c;
	size_t n = a->len < b->len ? a->len : b->len;
	c = memcmp(a->name, b->name, n);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

const struct byhost_group *const *byhost_groups(struct byhost *b, enum byhost_order order, size_t *n)
{
	size_t total = b->ngroups + (b->rest != NULL), i = 0;
	*n = 0;
	free(b->sorted);
	b->sorted = total ? malloc(total * sizeof(*b->sorted)) : NULL;
	struct sort_item *items = total ? malloc(total * sizeof(*items)) : NULL;
	if (!b->sorted || !items) {
		free(items);
		return NULL;
	}
	for (struct group_entry *e = b->by_key; e; e = e->hh.next)
		items[i++].g = &e->g;
	if (b->rest)
		items[i++].g = &b->rest->g;
	for (size_t k = 0; k < total; k++) {
		struct byhost_group *g = items[k].g;
		qsort(g->names, g->nnames, sizeof(g->names[0]), compare_names);
		values_sort(&g->handshake);
		values_sort(&g->data);
		sort_figure(&items[k], order);
	}
	qsort(items, total, sizeof(*items), compare_items);
	for (size_t k = 0; k < total; k++)
		b->sorted[k] = items[k].g;
	free(items);
	*n = total;
	return (const struct byhost_group *const *)b->sorted;
}

static void entry_free(struct group_entry *e)
{
	free(e->g.handshake.us);
	free(e->g.data.us);
	for (uint8_t i = 0; i < e->g.nnames; i++)
		free(e->g.names[i].name);
	free(e);
}

void byhost_free(struct byhost *b)
{
	if (!b)
		return;
	struct group_entry *e, *tmp;
	HASH_ITER(hh, b->by_key, e, tmp) {
		HASH_DEL(b->by_key, e);
		entry_free(e);
	}
	if (b->rest)
		entry_free(b->rest);
	free(b->sorted);
	free(b);
}
