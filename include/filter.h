/* filter.h - the connection filter language shared by the live view ('/') and reports: parse once, match rows. */
#ifndef TCPSCOPE_FILTER_H
#define TCPSCOPE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "row.h"

/*
 * An expression is terms separated by spaces, all of which must hold:
 *
 *   text           plain text: part of an address ("10.0.0.", "fe80::1",
 *                  "10.0.0.1:443") or of the name (SNI or Host), any case
 *   field:value    equals; for text fields a glob (* and ?), any case
 *   field=value    the same
 *   field!=value   does not equal / match
 *   field>value    also >=, <, <= for numeric fields
 *   !term          the term does not hold
 *
 * Numeric fields: id, port (either side), cport, sport, pkts, bytes (both
 * ways; suffixes k M G = 10^3.., Ki Mi Gi = 2^10..), retx, ipv, and the
 * times rtt, srtt (default unit ms) and age, idle (default unit s), with
 * units us ms s m h. Text fields: name (SNI or Host), sni, host, ip (either
 * address), client, server, state (Zeek's), cstate, sstate (RFC 793 names
 * or their short forms: EST, TW, CW, ...), end (end reason), flag (reset,
 * refused, slow, loss, gap, zw, ended, inferred).
 */
#define FILTER_MAX_TERMS 16
#define FILTER_PATTERN_MAX 96

struct filter_term {
	uint8_t field;             /* enum filter_field (filter.c) */
	uint8_t op;                /* enum filter_op (filter.c) */
	bool negate;
	uint64_t number;           /* numeric fields: microseconds for times */
	char pattern[FILTER_PATTERN_MAX]; /* text fields and plain text, lower case */
};

struct filter {
	int n;
	struct filter_term terms[FILTER_MAX_TERMS];
};

/*
 * Parse expr (NULL or blank: matches everything). On error returns false
 * and writes one line for the user into err ("unknown field 'prot' at
 * column 1; fields: ..."); f is then empty.
 */
bool filter_parse(const char *expr, struct filter *f, char *err, size_t errlen);

/* Whether row satisfies every term; now_ns is the time age and idle are measured at. */
bool filter_match(const struct filter *f, const struct conn_row *row, uint64_t now_ns);

/* Some term reads the name (SNI or Host): rows must carry it. */
bool filter_needs_names(const struct filter *f);

#endif
