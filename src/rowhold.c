/* rowhold.c - report rows held in a binary heap until their turn (id reorder, sort, top N). */
#include "rowhold.h"

#include <stdlib.h>
#include <string.h>

struct held_row {
	struct table_sort_key key;
	char *text;
	size_t len;
};

enum rowhold_mode { ROWHOLD_REORDER, ROWHOLD_SORTED };

/*
 * One binary heap serves both modes. Reorder: a min-heap on id, its root
 * the next row to go out. Sorted with a top N: a max-heap on the sort key,
 * its root the row the next better one pushes out. Sorted without a top: a
 * plain array, sorted at the end.
 */
struct rowhold {
	enum rowhold_mode mode;
	size_t bound;        /* reorder: most rows held; sorted: the top N (0 = all) */
	uint64_t next_id;    /* reorder: the id due next */
	bool finished;
	struct held_row *rows;
	size_t n, cap;
	rowhold_emit_fn emit;
	void *ctx;
};

static struct rowhold *rowhold_new(enum rowhold_mode mode, size_t bound, rowhold_emit_fn emit, void *ctx)
{
	struct rowhold *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->mode = mode;
	h->bound = bound;
	h->next_id = 1;
	h->emit = emit;
	h->ctx = ctx;
	return h;
}

struct rowhold *rowhold_new_reorder(size_t bound, rowhold_emit_fn emit, void *ctx)
{
	return rowhold_new(ROWHOLD_REORDER, bound ? bound : 1, emit, ctx);
}

struct rowhold *rowhold_new_sorted(uint64_t top, rowhold_emit_fn emit, void *ctx)
{
	return rowhold_new(ROWHOLD_SORTED, top > SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)top, emit, ctx);
}

/* a must be nearer the heap's root than b. */
static bool heap_above(const struct rowhold *h, const struct held_row *a, const struct held_row *b)
{
	if (h->mode == ROWHOLD_REORDER)
		return a->key.id < b->key.id;
	return table_sort_compare(&a->key, &b->key) > 0; /* top N: the last in order on top */
}

static void swap_rows(struct held_row *a, struct held_row *b)
{
	struct held_row t = *a;
	*a = *b;
	*b = t;
}

static void sift_up(struct rowhold *h, size_t i)
{
	while (i > 0 && heap_above(h, &h->rows[i], &h->rows[(i - 1) / 2])) {
		swap_rows(&h->rows[i], &h->rows[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
}

static void sift_down(struct rowhold *h, size_t i)
{
	for (;;) {
		size_t top = i, l = 2 * i + 1, r = l + 1;
		if (l < h->n && heap_above(h, &h->rows[l], &h->rows[top]))
			top = l;
		if (r < h->n && heap_above(h, &h->rows[r], &h->rows[top]))
			top = r;
		if (top == i)
			return;
		swap_rows(&h->rows[i], &h->rows[top]);
		i = top;
	}
}

/* Take the root off the heap (the caller owns its text). */
static struct held_row pop_root(struct rowhold *h)
{
	struct held_row root = h->rows[0];
	h->rows[0] = h->rows[--h->n];
	sift_down(h, 0);
	return root;
}

static void release(struct rowhold *h, struct held_row *r)
{
	h->emit(h->ctx, r->text, r->len);
	free(r->text);
}

/* Reorder: send out the rows now due. */
static void release_due(struct rowhold *h)
{
	while (h->n > 0 && (h->rows[0].key.id <= h->next_id || h->n > h->bound)) {
		struct held_row r = pop_root(h);
		if (r.key.id >= h->next_id)
			h->next_id = r.key.id + 1;
		release(h, &r);
	}
}

static bool grow(struct rowhold *h)
{
	if (h->n < h->cap)
		return true;
	size_t cap = h->cap ? h->cap * 2 : 256;
	struct held_row *rows = realloc(h->rows, cap * sizeof(*rows));
	if (!rows)
		return false;
	h->rows = rows;
	h->cap = cap;
	return true;
}

bool rowhold_add(struct rowhold *h, const struct table_sort_key *key, const char *text, size_t len)
{
	if (h->finished || (h->mode == ROWHOLD_REORDER && key->id < h->next_id)) {
		h->emit(h->ctx, text, len); /* its turn has passed: out at once */
		return true;
	}
	if (h->mode == ROWHOLD_SORTED && h->bound > 0 && h->n == h->bound) {
		/* full top N: a row after the worst held goes nowhere */
		if (table_sort_compare(key, &h->rows[0].key) >= 0)
			return true;
	}
	char *copy = malloc(len ? len : 1);
	if (!copy || !grow(h)) {
		free(copy);
		h->emit(h->ctx, text, len);
		return false;
	}
	memcpy(copy, text, len);
	struct held_row row = {*key, copy, len};
	if (h->mode == ROWHOLD_SORTED && h->bound > 0 && h->n == h->bound) {
		free(h->rows[0].text); /* the worst held row makes way */
		h->rows[0] = row;
		sift_down(h, 0);
		return true;
	}
	h->rows[h->n++] = row;
	if (h->mode == ROWHOLD_REORDER || h->bound > 0)
		sift_up(h, h->n - 1);
	if (h->mode == ROWHOLD_REORDER)
		release_due(h);
	return true;
}

static int compare_rows(const void *a, const void *b)
{
	return table_sort_compare(&((const struct held_row *)a)->key, &((const struct held_row *)b)->key);
}

void rowhold_finish(struct rowhold *h)
{
	if (h->finished)
		return;
	h->finished = true;
	if (h->mode == ROWHOLD_REORDER) {
		while (h->n > 0) {
			struct held_row r = pop_root(h);
			release(h, &r);
		}
		return;
	}
	if (h->n > 0)
		qsort(h->rows, h->n, sizeof(h->rows[0]), compare_rows);
	for (size_t i = 0; i < h->n; i++)
		release(h, &h->rows[i]);
	h->n = 0;
}

void rowhold_free(struct rowhold *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++)
		free(h->rows[i].text);
	free(h->rows);
	free(h);
}
