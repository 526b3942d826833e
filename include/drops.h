/* drops.h - when the kernel dropped packets during a live capture, so records can say they may be incomplete. */
#ifndef TCPSCOPE_DROPS_H
#define TCPSCOPE_DROPS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Checkpoints of libpcap's cumulative drop counter: "by time T, D packets
 * had been dropped". Only checkpoints where the counter grew are kept, at
 * most DROP_LOG_MAX; beyond that the older half is thinned, which can only
 * make drop_log_since() larger (never miss a drop).
 */
#define DROP_LOG_MAX 1024

struct drop_checkpoint {
	uint64_t at_ns;   /* when the counter was read (drops since the reading before) */
	uint64_t dropped; /* its cumulative value then */
};

struct drop_log {
	struct drop_checkpoint cp[DROP_LOG_MAX];
	unsigned n;
	uint64_t last_dropped;    /* the latest value */
};

/* Record a reading of the cumulative counter at now_ns (readings in time order). Returns true when it grew. */
bool drop_log_note(struct drop_log *log, uint64_t now_ns, uint64_t dropped_total);

/*
 * Packets dropped that may belong to a connection first seen at since_ns:
 * every drop read at or after since_ns (a drop read then may have happened
 * at any time since the reading before). 0 when none.
 */
uint64_t drop_log_since(const struct drop_log *log, uint64_t since_ns);

#endif
