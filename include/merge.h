/* merge.h - which of several time-ordered inputs hands on the next frame, as mergecap merges files. */
#ifndef TCPSCOPE_MERGE_H
#define TCPSCOPE_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MERGE_NONE SIZE_MAX

/*
 * The inputs that hold a look-ahead frame, by that frame's time: a binary
 * min-heap on (timestamp, input number), so the smallest timestamp comes
 * first and among equal ones the input listed first (the earlier file on
 * the command line). The order is total, so the merge is deterministic and
 * a single input comes out in its own order. O(log n) per frame.
 */
struct merge {
	size_t *heap;     /* input numbers, heap-ordered */
	uint64_t *ts_ns;  /* ts_ns[input]: the time its look-ahead frame has */
	size_t len;       /* inputs in the heap */
	size_t inputs;    /* inputs 0 .. inputs-1 */
};

/* Room for inputs 0 .. inputs-1, none ready. False when memory runs out (m is then empty). */
bool merge_init(struct merge *m, size_t inputs);

/* Input i (< inputs, not already in) now holds a frame of time ts_ns. */
void merge_push(struct merge *m, size_t input, uint64_t ts_ns);

/* The input whose frame comes next, taken out; MERGE_NONE when none holds a frame. */
size_t merge_pop(struct merge *m);

void merge_free(struct merge *m);

#endif
