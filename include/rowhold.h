/* rowhold.h - formatted report rows held back until their turn: id order (a bounded reorder buffer), a sort order, or the top N of one. No I/O. */
#ifndef TCPSCOPE_ROWHOLD_H
#define TCPSCOPE_ROWHOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "table.h"

/* Where released rows go, in order: text is len bytes, valid during the call. */
typedef void (*rowhold_emit_fn)(void *ctx, const char *text, size_t len);

struct rowhold;

/*
 * Release rows in id order as soon as every lower id is out (ids are
 * assigned 1, 2, ... in first-packet order; rows arrive in end order). At
 * most `bound` rows are held: past it the lowest held row is released, and a
 * row whose id is then already passed is released as it arrives (out of
 * order). NULL when memory runs out.
 */
struct rowhold *rowhold_new_reorder(size_t bound, rowhold_emit_fn emit, void *ctx);

/*
 * Hold every row until rowhold_finish, then release them in key order
 * (table_sort_compare). With top > 0 only the first `top` rows are kept (a
 * heap of `top`: memory bounded by top); 0 keeps all. NULL when memory runs out.
 */
struct rowhold *rowhold_new_sorted(uint64_t top, rowhold_emit_fn emit, void *ctx);

/*
 * Take a copy of a row (text, len bytes) with its key; rows due are released
 * at once. When memory runs out the row is released at once instead and
 * false returned (it is not lost, only out of order).
 */
bool rowhold_add(struct rowhold *h, const struct table_sort_key *key, const char *text, size_t len);

/* Release every row still held, in order. Further rows are released as they come. */
void rowhold_finish(struct rowhold *h);

/* Free h and the rows it still holds (without releasing them). NULL is fine. */
void rowhold_free(struct rowhold *h);

#endif
