/* selection.h - which connections a drill-down picks (--conn ids, ranges and 4-tuples): parsed once, asked once per connection. No I/O. */
#ifndef TCPSCOPE_SELECTION_H
#define TCPSCOPE_SELECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

/* An inclusive range of connection ids. */
struct selection_range {
	uint64_t first, last;
};

/* A 4-tuple: either endpoint may be the client. IPv4 v4-mapped, as in a flow_key. */
struct selection_tuple {
	uint8_t addr[2][16];
	uint16_t port[2];
	uint8_t ip_version;
};

struct selection {
	struct selection_range *ranges; /* sorted and merged once selection_finish ran */
	size_t nranges, cap_ranges;
	struct selection_tuple *tuples;
	size_t ntuples, cap_tuples;
};

/*
 * Add what spec names: a comma-separated list of ids ("7"), id ranges
 * ("3-9") and 4-tuples ("10.0.0.1:5555-10.0.0.2:443", IPv6 in brackets:
 * "[2001:db8::1]:5555-[2001:db8::2]:443", either endpoint first). Call it
 * once per --conn. On a bad spec returns false and writes one line into err
 * (s keeps what was added before); false without a message when memory runs out.
 */
bool selection_parse(struct selection *s, const char *spec, char *err, size_t errlen);

/* Add one id (ids found by a first pass over a file). False when memory runs out. */
bool selection_add_id(struct selection *s, uint64_t id);

/* Sort and merge the ranges: call after the last add, before selection_has. */
void selection_finish(struct selection *s);

/* Nothing selected (no --conn given, or a first pass matched nothing). */
bool selection_empty(const struct selection *s);

/* Whether the connection with this id and canonical key is selected. */
bool selection_has(const struct selection *s, uint64_t id, const struct flow_key *key);

/* The same for a connection's record (its endpoints make the 4-tuple). */
bool selection_has_record(const struct selection *s, const struct conn_record *r);

void selection_free(struct selection *s);

#endif
