/* halfopen.c - half-open connections per server address:port and their distinct sources. */
#include "halfopen.h"

#include <stdlib.h>
#include <string.h>

#include <uthash.h>

/* Zero-initialised so the keys hash as raw bytes. */
struct server_key {
	uint8_t addr[16];
	uint16_t port;
	uint8_t ip_version;
	uint8_t pad;
};

struct server_entry {
	UT_hash_handle hh;
	struct server_key key;
	struct halfopen_server counts;
};

struct pair_key {
	struct server_key server;
	uint8_t client[16];
};

struct pair_entry {
	UT_hash_handle hh;
	struct pair_key key;
};

struct halfopen_table {
	struct server_entry *servers;
	struct pair_entry *pairs;
	size_t npairs;
	struct halfopen_server *list; /* built by halfopen_list */
};

struct halfopen_table *halfopen_new(void)
{
	return calloc(1, sizeof(struct halfopen_table));
}

void halfopen_free(struct halfopen_table *t)
{
	if (!t)
		return;
	struct server_entry *s, *stmp;
	HASH_ITER(hh, t->servers, s, stmp) {
		HASH_DEL(t->servers, s);
		free(s);
	}
	struct pair_entry *p, *ptmp;
	HASH_ITER(hh, t->pairs, p, ptmp) {
		HASH_DEL(t->pairs, p);
		free(p);
	}
	free(t->list);
	free(t);
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
	HASH_ADD(hh, t->pairs, key, sizeof(p->key), p);
	t->npairs++;
	s->counts.sources++;
	return true;
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
	HASH_FIND(hh, t->servers, &k, sizeof(k), s);
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return false;
		s->key = k;
		memcpy(s->counts.server.addr, server_addr, 16);
		s->counts.server.port = port;
		s->counts.ip_version = ip_version;
		HASH_ADD(hh, t->servers, key, sizeof(s->key), s);
	}
	s->counts.half_open++;
	return count_source(t, s, client_addr);
}

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

const struct halfopen_server *halfopen_list(struct halfopen_table *t, size_t *n)
{
	*n = 0;
	free(t->list);
	t->list = NULL;
	size_t count = HASH_COUNT(t->servers);
	if (count == 0)
		return NULL;
	t->list = malloc(count * sizeof(*t->list));
	if (!t->list)
		return NULL;
	size_t i = 0;
	struct server_entry *s, *tmp;
	HASH_ITER(hh, t->servers, s, tmp) {
		struct halfopen_server *h = &t->list[i++];
		*h = s->counts;
		h->flood = h->half_open >= HALFOPEN_FLOOD_MIN && h->sources >= HALFOPEN_FLOOD_SOURCES;
	}
	qsort(t->list, count, sizeof(*t->list), by_half_open_desc);
	*n = count;
	return t->list;
}
