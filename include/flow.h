/* flow.h - the flow table: canonical 4-tuple -> connection, with idle expiry and an LRU cap. */
#ifndef TCPSCOPE_FLOW_H
#define TCPSCOPE_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "flow_index.h"
#include "lifecycle.h"
#include "record.h"
#include "slab.h"
#include "tcp_endpoint.h"
#include "tcp_seq.h"

/*
 * Canonical key: the two endpoints in a fixed order (lower address, then lower
 * port, first), so both directions of a connection find the same entry.
 * Zero-initialised and packed so it can be hashed as raw bytes.
 */
struct flow_key {
	uint8_t addr[2][16];
	uint16_t port[2];
	uint8_t ip_version;
	uint8_t pad[3];
};
_Static_assert(sizeof(struct flow_key) == 40, "flow_key must have no hidden padding");

/* Idle-timeout classes: each has its own timeout and its own LRU list. */
enum flow_class {
	FLOW_CLASS_OPENING = 0, /* handshake not complete */
	FLOW_CLASS_ESTABLISHED,
	FLOW_CLASS_CLOSED,      /* FIN both ways or RST: kept briefly for late packets */
	FLOW_CLASS__COUNT
};

struct conn {
	struct flow_key key;      /* held in the index under flow_key_hash(&key) */
	struct conn *lru_prev, *lru_next; /* in the list of its class, by lru_stamp_ns */
	uint64_t lru_stamp_ns;    /* when it was (re)queued in that list (see flow.c) */
	uint64_t id;
	uint64_t ts_first_ns;
	uint64_t ts_last_ns;
	uint8_t lru_class;        /* enum flow_class */
	uint8_t client_side;      /* index into key.addr/port of the client */
	bool direction_inferred;
	bool app_done;            /* the observers have nothing more to look for */
	bool reported;            /* its record is out (live: written at close); later packets are late */
	struct dir_stats dir[2];  /* indexed by enum conn_role */
	struct tcp_endpoint ep[2]; /* indexed by enum conn_role (tcp_endpoint.h) */
	struct lifecycle lc;
	struct tcp_seq_conn seq;  /* sequence, window and RTT analysis (tcp_seq.h) */
	struct seq_counts *seq_counts; /* its counters; NULL until one is non-zero */
	struct app_state *app;    /* TLS/HTTP observers, NULL until the first payload byte */
};
/* The hot part (docs/DESIGN.md, "Hot and cold"): 616 bytes since issue 15,
 * toward 640 per connection on the bench with everything else it holds;
 * growing past it needs a saving elsewhere. */
_Static_assert(sizeof(struct conn) <= 616, "struct conn grew past its memory budget");

struct flow_config {
	uint64_t max_flows;                       /* 0 = no cap */
	uint64_t timeout_ns[FLOW_CLASS__COUNT];   /* 0 = never expires */
};

/* Called once for every connection leaving the table, before it is freed. */
typedef void (*flow_end_fn)(void *ctx, struct conn *c, enum end_reason why);

struct flow_lru {
	struct conn *head, *tail;
};

struct flow_table {
	struct flow_index by_key; /* key hash -> connection (flow_index.h) */
	struct flow_lru lru[FLOW_CLASS__COUNT];
	struct flow_config cfg;
	flow_end_fn on_end;
	void *ctx;
	uint64_t count;
	uint64_t peak;
	uint64_t next_id;
	struct slab_pool conns;   /* where connections live (slab.h) */
};

/* Defaults: opening 120 s, established 7500 s (outlives Linux's 7200 s keepalive), closed 60 s (2 x MSL). */
void flow_config_defaults(struct flow_config *cfg);

void flow_table_init(struct flow_table *t, const struct flow_config *cfg, flow_end_fn on_end, void *ctx);

/* Build the canonical key for p; *sender_side gets the key index (0/1) of p's source. */
void flow_key_from_pkt(const struct pkt *p, struct flow_key *key, int *sender_side);

/* The hash of a key, for flow_prefetch and flow_lookup_hashed. */
uint32_t flow_key_hash(const struct flow_key *key);

/*
 * Batches hide memory latency: stage 0 prefetches the index slot a hash falls
 * in, stage 1 (once that slot is likely cached) the connection held under
 * that hash, the only one the lookup will read. Hints only: they change nothing.
 */
void flow_prefetch(const struct flow_table *t, uint32_t hash, int stage);

/*
 * The connection held for key, or NULL. One idle past its class's timeout at
 * now_ns is ended (END_TIMEOUT) first and NULL returned, so expiry is exact
 * whatever the periodic sweep has reached.
 */
struct conn *flow_lookup(struct flow_table *t, const struct flow_key *key, uint64_t now_ns);
/* The same with the key's hash already computed by flow_key_hash. */
struct conn *flow_lookup_hashed(struct flow_table *t, const struct flow_key *key, uint32_t hash,
				uint64_t now_ns);

/* The connection held for key, or NULL; no expiry check (for bookkeeping, not for packets). */
struct conn *flow_find(struct flow_table *t, const struct flow_key *key);

/*
 * Add a new connection for key, first seen at ts_ns, with a fresh id. If the
 * table is at its cap, the least recently active connection (approximately:
 * the oldest head of the lazy lists, see flow.c) is ended first with
 * END_EVICTED. Returns NULL only when memory runs out.
 */
struct conn *flow_insert(struct flow_table *t, const struct flow_key *key, uint64_t ts_ns);

/* Record activity at ts_ns and file the connection under class cls. */
void flow_touch(struct flow_table *t, struct conn *c, uint64_t ts_ns, enum flow_class cls);

/* Hand c to on_end with why, then remove and free it. */
void flow_end(struct flow_table *t, struct conn *c, enum end_reason why);

/*
 * Sweep: end (END_TIMEOUT) connections idle longer than their class's timeout
 * at now_ns. Cheap enough to call per packet. A connection can be swept later
 * than its exact expiry (never earlier); flow_lookup makes that invisible to
 * the connection's records.
 */
void flow_expire(struct flow_table *t, uint64_t now_ns);

/*
 * Visit the connections held: *cursor starts at 0; NULL after the last. In
 * no particular order; the table must not change during the walk.
 */
struct conn *flow_walk(const struct flow_table *t, size_t *cursor);

/* End every remaining connection with why, in id order (first packet first). */
void flow_end_all(struct flow_table *t, enum end_reason why);

/* Free the table's memory; call after flow_end_all. */
void flow_table_release(struct flow_table *t);

#endif
