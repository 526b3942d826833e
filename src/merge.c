/* merge.c - which of several time-ordered inputs hands on the next frame, as mergecap merges files. */
#include "merge.h"

#include <stdlib.h>

bool merge_init(struct merge *m, size_t inputs)
{
	m->len = 0;
	m->inputs = inputs;
	m->heap = calloc(inputs ? inputs : 1, sizeof(*m->heap));
	m->ts_ns = calloc(inputs ? inputs : 1, sizeof(*m->ts_ns));
	if (!m->heap || !m->ts_ns) {
		merge_free(m);
		return false;
	}
	return true;
}

/* Does input a come before input b: earlier time, or the same time and listed first. */
static bool comes_first(const struct merge *m, size_t a, size_t b)
{
	return m->ts_ns[a] < m->ts_ns[b] || (m->ts_ns[a] == m->ts_ns[b] && a < b);
}

static void swap(size_t *heap, size_t i, size_t j)
{
	size_t t = heap[i];
	heap[i] = heap[j];
	heap[j] = t;
}

void merge_push(struct merge *m, size_t input, uint64_t ts_ns)
{
	if (input >= m->inputs || m->len >= m->inputs)
		return; /* outside the contract: ignored rather than written out of bounds */
	m->ts_ns[input] = ts_ns;
	size_t i = m->len++;
	m->heap[i] = input;
	while (i > 0 && comes_first(m, m->heap[i], m->heap[(i - 1) / 2])) {
		swap(m->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

size_t merge_pop(struct merge *m)
{
	if (m->len == 0)
		return MERGE_NONE;
	size_t top = m->heap[0];
	m->heap[0] = m->heap[--m->len];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, r = l + 1, best = i;
		if (l < m->len && comes_first(m, m->heap[l], m->heap[best]))
			best = l;
		if (r < m->len && comes_first(m, m->heap[r], m->heap[best]))
			best = r;
		if (best == i)
			break;
		swap(m->heap, i, best);
		i = best;
	}
	return top;
}

void merge_free(struct merge *m)
{
	free(m->heap);
	free(m->ts_ns);
	m->heap = NULL;
	m->ts_ns = NULL;
	m->len = 0;
	m->inputs = 0;
}
