/* selection.c - --conn's ids, ranges and 4-tuples, and the question "is this connection selected?". */
#include "selection.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for one more item of size sz in *p (capacity *cap, n used). */
static bool grow(void **p, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return true;
	size_t ncap = *cap ? 2 * *cap : 16;
	void *q = realloc(*p, ncap * sz);
	if (!q)
		return false;
	*p = q;
	*cap = ncap;
	return true;
}

static bool add_range(struct selection *s, uint64_t first, uint64_t last)
{
	if (!grow((void **)&s->ranges, &s->cap_ranges, s->nranges, sizeof(*s->ranges)))
		return false;
	s->ranges[s->nranges++] = (struct selection_range){first, last};
	return true;
}

bool selection_add_id(struct selection *s, uint64_t id)
{
	return add_range(s, id, id);
}

/* A decimal id >= 1 at *p, advancing *p past it. */
static bool parse_id(const char **p, uint64_t *id)
{
	if (**p < '0' || **p > '9')
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(*p, &end, 10);
	if (errno || v == 0)
		return false;
	*id = v;
	*p = end;
	return true;
}

/* A port 0..65535 at *p (decimal digits only), advancing *p. */
static bool parse_port(const char **p, uint16_t *port)
{
	uint32_t v = 0;
	const char *q = *p;
	if (*q < '0' || *q > '9')
		return false;
	while (*q >= '0' && *q <= '9' && v <= 65535)
		v = v * 10 + (uint32_t)(*q++ - '0');
	if (v > 65535)
		return false;
	*port = (uint16_t)v;
	*p = q;
	return true;
}

/*
 * One endpoint at *p: "a.b.c.d:port" or "[v6]:port", advancing *p. The
 * address is stored as the decoder stores it (IPv4 as ::ffff:a.b.c.d).
 */
static bool parse_endpoint(const char **p, uint8_t addr[16], uint16_t *port, uint8_t *ip_version)
{
	char text[INET6_ADDRSTRLEN + 1];
	const char *s = *p, *end;
	bool v6 = *s == '[';
	if (v6) {
		s++;
		end = strchr(s, ']');
		if (!end)
			return false;
	} else {
		end = s + strspn(s, "0123456789.");
	}
	size_t n = (size_t)(end - s);
	if (n == 0 || n >= sizeof(text))
		return false;
	memcpy(text, s, n);
	text[n] = '\0';
	memset(addr, 0, 16);
	if (v6) {
		if (inet_pton(AF_INET6, text, addr) != 1)
			return false;
		end++; /* the ']' */
		*ip_version = 6;
	} else {
		if (inet_pton(AF_INET, text, addr + 12) != 1)
			return false;
		addr[10] = addr[11] = 0xff;
		*ip_version = 4;
	}
	if (*end != ':')
		return false;
	end++;
	if (!parse_port(&end, port))
		return false;
	*p = end;
	return true;
}

/* "A:P-B:P" with nothing after it. */
static bool parse_tuple(const char *item, struct selection_tuple *t)
{
	uint8_t v1, v2;
	const char *p = item;
	memset(t, 0, sizeof(*t));
	if (!parse_endpoint(&p, t->addr[0], &t->port[0], &v1) || *p++ != '-' ||
	    !parse_endpoint(&p, t->addr[1], &t->port[1], &v2) || *p != '\0' || v1 != v2)
		return false;
	t->ip_version = v1;
	return true;
}

/* One item of the list (NUL-terminated): an id, an id range or a 4-tuple. */
static bool parse_item(struct selection *s, const char *item, bool *oom)
{
	if (strchr(item, ':') || item[0] == '[') {
		struct selection_tuple t;
		if (!parse_tuple(item, &t))
			return false;
		if (!grow((void **)&s->tuples, &s->cap_tuples, s->ntuples, sizeof(*s->tuples))) {
			*oom = true;
			return false;
		}
		s->tuples[s->ntuples++] = t;
		return true;
	}
	uint64_t first, last;
	const char *p = item;
	if (!parse_id(&p, &first))
		return false;
	last = first;
	if (*p == '-') {
		p++;
		if (!parse_id(&p, &last) || last < first)
			return false;
	}
	if (*p != '\0')
		return false;
	if (!add_range(s, first, last)) {
		*oom = true;
		return false;
	}
	return true;
}

bool selection_parse(struct selection *s, const char *spec, char *err, size_t errlen)
{
	char item[2 * (INET6_ADDRSTRLEN + 8) + 4];
	const char *p = spec;
	if (!*p) {
		snprintf(err, errlen, "--conn: empty list; expected ids (7, 3-9) or a 4-tuple (10.0.0.1:5555-10.0.0.2:443)");
		return false;
	}
	for (;;) {
		size_t n = strcspn(p, ",");
		bool oom = false;
		if (n == 0 || n >= sizeof(item)) {
			snprintf(err, errlen, "--conn: %s item at column %zu; expected an id (7), a range (3-9) "
				 "or a 4-tuple (10.0.0.1:5555-10.0.0.2:443, [v6]:port-[v6]:port)",
				 n ? "overlong" : "empty", (size_t)(p - spec) + 1);
			return false;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		if (!parse_item(s, item, &oom)) {
			if (oom)
				snprintf(err, errlen, "out of memory");
			else
				snprintf(err, errlen, "--conn: cannot read '%s'; expected an id >= 1 (7), a range (3-9) "
					 "or a 4-tuple (10.0.0.1:5555-10.0.0.2:443, [v6]:port-[v6]:port)", item);
			return false;
		}
		p += n;
		if (*p == '\0')
			return true;
		p++; /* the ',' */
	}
}

static int range_cmp(const void *a, const void *b)
{
	const struct selection_range *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

void selection_finish(struct selection *s)
{
	if (s->nranges < 2)
		return;
	qsort(s->ranges, s->nranges, sizeof(*s->ranges), range_cmp);
	size_t out = 0;
	for (size_t i = 1; i < s->nranges; i++) {
		struct selection_range *cur = &s->ranges[out];
		/* overlapping or adjacent (cur->last + 1 cannot wrap: ids stay far below 2^64) */
		if (s->ranges[i].first <= cur->last || s->ranges[i].first - 1 == cur->last) {
			if (s->ranges[i].last > cur->last)
				cur->last = s->ranges[i].last;
		} else {
			s->ranges[++out] = s->ranges[i];
		}
	}
	s->nranges = out + 1;
}

bool selection_empty(const struct selection *s)
{
	return s->nranges == 0 && s->ntuples == 0;
}

static bool has_id(const struct selection *s, uint64_t id)
{
	size_t lo = 0, hi = s->nranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (id < s->ranges[mid].first)
			hi = mid;
		else if (id > s->ranges[mid].last)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static bool endpoint_is(const struct flow_key *key, int side, const uint8_t addr[16], uint16_t port)
{
	return key->port[side] == port && memcmp(key->addr[side], addr, 16) == 0;
}

static bool tuple_matches(const struct selection_tuple *t, const struct flow_key *key)
{
	if (t->ip_version != key->ip_version)
		return false;
	return (endpoint_is(key, 0, t->addr[0], t->port[0]) && endpoint_is(key, 1, t->addr[1], t->port[1])) ||
	       (endpoint_is(key, 0, t->addr[1], t->port[1]) && endpoint_is(key, 1, t->addr[0], t->port[0]));
}

bool selection_has(const struct selection *s, uint64_t id, const struct flow_key *key)
{
	if (has_id(s, id))
		return true;
	for (size_t i = 0; i < s->ntuples; i++)
		if (tuple_matches(&s->tuples[i], key))
			return true;
	return false;
}

bool selection_has_record(const struct selection *s, const struct conn_record *r)
{
	if (has_id(s, r->id))
		return true;
	struct flow_key key;
	memset(&key, 0, sizeof(key));
	memcpy(key.addr[0], r->client.addr, 16);
	key.port[0] = r->client.port;
	memcpy(key.addr[1], r->server.addr, 16);
	key.port[1] = r->server.port;
	key.ip_version = r->ip_version;
	for (size_t i = 0; i < s->ntuples; i++)
		if (tuple_matches(&s->tuples[i], &key)) /* either order: no need to be canonical */
			return true;
	return false;
}

void selection_free(struct selection *s)
{
	free(s->ranges);
	free(s->tuples);
	memset(s, 0, sizeof(*s));
}
