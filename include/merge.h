/* merge.h - which of several time-ordered inputs hands on the next frame, as mergecap merges files. */
#ifndef TCPSCOPE_MERGE_H
#define TCPSCOPE_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One input's look-ahead: whether it holds a frame, and that frame's time. */
struct merge_head {
	bool ready;
	uint64_t ts_ns;
};

#define MERGE_NONE SIZE_MAX

/*
 * The input whose look-ahead frame comes next: the smallest timestamp, and
 * among equal ones the input listed first (the earlier file on the command
 * line), so the merge is deterministic and a single input comes out in its
 * own order. MERGE_NONE when no input holds a frame. Pure; O(n).
 */
size_t merge_pick(const struct merge_head *heads, size_t n);

#endif
