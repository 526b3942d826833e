/* byhost.h - connection records summed up per server (address:port) or per client (address): --by server|client. No I/O. */
#ifndef TCPSCOPE_BYHOST_H
#define TCPSCOPE_BYHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

/* What a group is keyed by. */
enum byhost_kind {
	BYHOST_SERVER = 0, /* the server's address and port */
	BYHOST_CLIENT,     /* the client's address (its ports are ephemeral) */
};

/* Parse "server" or "client"; false for anything else. */
bool byhost_kind_parse(const char *name, enum byhost_kind *out);

/* How the groups are ordered when written (ties: address, then port, ascending). */
enum byhost_order {
	BYHOST_BY_CONNECTIONS = 0, /* most connections first (the default) */
	BYHOST_BY_BYTES,           /* most bytes on the wire, both ways, first */
	BYHOST_BY_RETX,            /* largest retransmitted share of payload first */
	BYHOST_BY_RTT,             /* slowest median handshake RTT first (groups without one last) */
};

/*
 * Groups held at most. Past it, the connections of groups not held are
 * summed into one more group, the rest (byhost_group.rest), written last:
 * totals stay exact, and so is every group held.
 */
#define BYHOST_GROUPS_MAX 100000

/* Names (TLS SNI, else HTTP Host) counted exactly per group: the first distinct ones seen. */
#define BYHOST_NAMES_MAX 4
#define BYHOST_NAME_LEN 255  /* bytes kept of a name (an SNI is at most 255) */

struct byhost_name {
	char *name;              /* raw bytes from the wire (escape before showing), NUL-terminated */
	uint16_t len;
	uint64_t connections;
};

/* A growing list of values in microseconds, for exact percentiles. */
struct byhost_values {
	uint32_t *us;
	size_t n, cap;
	bool sorted;
};

/* One server (or client) and what its connections add up to. */
struct byhost_group {
	struct endpoint host;    /* port 0 for a client */
	uint8_t ip_version;
	bool rest;               /* the groups past BYHOST_GROUPS_MAX, together: host is meaningless */
	uint64_t connections;
	uint64_t refused;        /* the server answered the client's SYN with a RST (Zeek REJ, no SYN-ACK) */
	uint64_t unanswered;     /* the client sent SYNs, the server nothing */
	uint64_t reset;          /* ended by a RST, refused ones left out */
	uint64_t syn_retries;    /* client SYNs beyond the first, summed */
	uint64_t bytes[2];       /* frame bytes on the wire: [0] client to server, [1] server to client */
	uint64_t payload_bytes;  /* TCP payload both ways */
	uint64_t retransmitted_bytes; /* of which sent again (both ways) */
	uint64_t zero_window_ms[2]; /* time [0] the client, [1] the server advertised a zero window */
	struct byhost_values handshake; /* handshake RTT per connection with one */
	struct byhost_values data;      /* data RTT per connection with one (byhost_data_rtt_us) */
	struct byhost_name names[BYHOST_NAMES_MAX];
	uint8_t nnames;
	uint64_t names_other;    /* connections with a name beyond the BYHOST_NAMES_MAX counted */
};

struct byhost;

/* An empty set of groups; NULL when memory runs out. */
struct byhost *byhost_new(enum byhost_kind kind);

/* Add one connection's record to its group. False when memory ran out (the record is then not counted). */
bool byhost_add(struct byhost *b, const struct conn_record *r);

/*
 * The groups in `order`, the rest last; *n gets how many. Valid until
 * byhost_free; names sorted most connections first, values in ascending
 * order (byhost_percentile needs that). No byhost_add after it. NULL with *n = 0
 * when there are none (or memory ran out).
 */
const struct byhost_group *const *byhost_groups(struct byhost *b, enum byhost_order order, size_t *n);

enum byhost_kind byhost_kind_of(const struct byhost *b);

void byhost_free(struct byhost *b);

/* ---- the figures of one connection and of a group ---- */

/* The connection's handshake RTT (SYN -> SYN-ACK -> ACK) in microseconds; false when not all of it was seen. */
bool byhost_handshake_rtt_us(const struct conn_record *r, uint32_t *us);

/*
 * The connection's data RTT in microseconds: the mean RTT of the client's
 * data (capture point -> server -> capture point) plus the mean RTT of the
 * server's data (capture point -> client -> capture point), each rounded to
 * the microsecond: the whole round trip wherever the capture was taken, as
 * the handshake's rtt_ms is built. When only one direction has samples,
 * that one alone. False when neither has.
 */
bool byhost_data_rtt_us(const struct conn_record *r, uint32_t *us);

/*
 * Nearest-rank percentile p (1..100) of a group's values, once byhost_groups
 * has ordered them: the smallest value with at least p% of the values at or
 * below it (rank ceil(p/100 x n)). False when there are none.
 */
bool byhost_percentile(const struct byhost_values *v, unsigned p, uint32_t *us);

#endif
