/* drops.c - checkpoints of the kernel's drop counter, asked per connection when its record is written. */
#include "drops.h"

#include <string.h>

bool drop_log_note(struct drop_log *log, uint64_t now_ns, uint64_t dropped_total)
{
	if (dropped_total <= log->last_dropped)
		return false;
	if (log->n == DROP_LOG_MAX) {
		/* Thin the older half: keep every second checkpoint. A removed one
		 * only makes an earlier one answer for it, which counts more. */
		unsigned half = DROP_LOG_MAX / 2, k = 0;
		for (unsigned i = 1; i < half; i += 2)
			log->cp[k++] = log->cp[i];
		memmove(&log->cp[k], &log->cp[half], (DROP_LOG_MAX - half) * sizeof(log->cp[0]));
		log->n = k + (DROP_LOG_MAX - half);
	}
	log->cp[log->n].at_ns = now_ns;
	log->cp[log->n].dropped = dropped_total;
	log->n++;
	log->last_dropped = dropped_total;
	return true;
}

uint64_t drop_log_since(const struct drop_log *log, uint64_t since_ns)
{
	/* What was read before since_ns was dropped before the connection
	 * began; what was read later may have been dropped any time since the
	 * reading before it, so it counts. */
	uint64_t before = 0;
	unsigned lo = 0, hi = log->n;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (log->cp[mid].at_ns < since_ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0)
		before = log->cp[lo - 1].dropped;
	return log->last_dropped - before;
}
