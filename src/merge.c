/* merge.c - which of several time-ordered inputs hands on the next frame, as mergecap merges files. */
#include "merge.h"

size_t merge_pick(const struct merge_head *heads, size_t n)
{
	size_t best = MERGE_NONE;
	for (size_t i = 0; i < n; i++) {
		/* strictly smaller: on a tie the earlier input keeps its place */
		if (heads[i].ready && (best == MERGE_NONE || heads[i].ts_ns < heads[best].ts_ns))
			best = i;
	}
	return best;
}
