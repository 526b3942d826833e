/* reasm.c - bounded in-order reassembly of the first bytes of a TCP direction. */
#include "reasm.h"

#include <stdlib.h>
#include <string.h>

void reasm_init(struct reasm *r, uint32_t base_seq, uint32_t cap, struct reasm_budget *budget)
{
	memset(r, 0, sizeof(*r));
	r->base_seq = base_seq;
	r->cap = cap;
	r->budget = budget;
}

void reasm_free(struct reasm *r)
{
	free(r->buf);
	if (r->budget)
		r->budget->used -= r->allocated;
	r->buf = NULL;
	r->allocated = 0;
}

#define REASM_ROUND 256u /* allocations are multiples of this */

/*
 * Make buf hold at least `end` bytes (end <= cap): to `end` rounded up at
 * first (most hellos and request heads are a few hundred bytes, and a
 * 1-byte segment needs no 2 KiB), then doubling, so that bytes arriving in
 * order are copied O(1) times each; never past cap.
 */
static bool reserve(struct reasm *r, uint32_t end)
{
	if (end <= r->allocated)
		return true;
	uint32_t size = (end + REASM_ROUND - 1) / REASM_ROUND * REASM_ROUND;
	if (r->allocated && size < 2 * (uint64_t)r->allocated)
		size = 2 * r->allocated;
	if (size > r->cap)
		size = r->cap;
	uint64_t more = size - r->allocated;
	if (r->budget && r->budget->limit && r->budget->used + more > r->budget->limit) {
		r->over_budget = true;
		return false;
	}
	uint8_t *b = realloc(r->buf, size);
	if (!b)
		return false;
	r->buf = b;
	r->allocated = size;
	if (r->budget)
		r->budget->used += more;
	return true;
}

/* Remember [start, end) beyond the contiguous part, merging with what overlaps. */
static void add_piece(struct reasm *r, uint32_t start, uint32_t end)
{
	unsigned i = 0;
	while (i < r->npieces && r->pieces[i].end < start)
		i++;
	/* pieces[i..] end at or after start: merge every one that touches [start, end) */
	unsigned j = i;
	while (j < r->npieces && r->pieces[j].start <= end) {
		if (r->pieces[j].start < start)
			start = r->pieces[j].start;
		if (r->pieces[j].end > end)
			end = r->pieces[j].end;
		j++;
	}
	if (j == i && r->npieces == REASM_MAX_PIECES) {
		r->dropped = true; /* no room for one more disjoint range */
		return;
	}
	/* replace pieces[i..j-1] by the merged one */
	unsigned removed = j - i;
	if (removed != 1)
		memmove(&r->pieces[i + 1], &r->pieces[j], (r->npieces - j) * sizeof(r->pieces[0]));
	r->npieces = (uint8_t)(r->npieces - removed + 1);
	r->pieces[i].start = start;
	r->pieces[i].end = end;
}

/* Pieces that now join the contiguous part extend it. */
static void absorb_pieces(struct reasm *r)
{
	unsigned k = 0;
	while (k < r->npieces && r->pieces[k].start <= r->contiguous) {
		if (r->pieces[k].end > r->contiguous)
			r->contiguous = r->pieces[k].end;
		k++;
	}
	memmove(&r->pieces[0], &r->pieces[k], (r->npieces - k) * sizeof(r->pieces[0]));
	r->npieces = (uint8_t)(r->npieces - k);
}

/*
 *   base_seq                    base_seq + cap
 *      |==contiguous==|  hole  |piece|   |
 *                 seq |--------n--------|     offset = seq - base_seq (wrap-safe)
 */
uint32_t reasm_add(struct reasm *r, uint32_t seq, const uint8_t *data, uint32_t n)
{
	int32_t off = (int32_t)(seq - r->base_seq);
	if (off < 0) { /* starts before the window: keep the tail */
		uint32_t skip = (uint32_t)-(int64_t)off;
		if (skip >= n)
			return r->contiguous;
		data += skip;
		n -= skip;
		off = 0;
	}
	uint32_t start = (uint32_t)off;
	if (start >= r->cap || n == 0)
		return r->contiguous;
	/* Far past anything a parser can use before the hole fills: not worth the room. */
	uint64_t reach = (uint64_t)r->contiguous + REASM_AHEAD;
	if (start > reach && start > r->want) {
		r->dropped = true;
		return r->contiguous;
	}
	uint32_t end = n > r->cap - start ? r->cap : start + n;

	/* Bytes already in order are kept as they are. */
	if (end <= r->contiguous)
		return r->contiguous;
	if (!reserve(r, end)) {
		r->dropped = true;
		return r->contiguous;
	}
	if (start < r->contiguous) {
		data += r->contiguous - start;
		start = r->contiguous;
	}
	memcpy(r->buf + start, data, end - start);
	add_piece(r, start, end);
	absorb_pieces(r);
	return r->contiguous;
}
