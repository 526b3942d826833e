/* writer.c - threads that format queued records and events and write them out in order. */
#include "writer.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "handoff.h"

/*
 * Records go over in batches of WRITER_BATCH; their TLS/HTTP strings are
 * copied into the batch's arena. One record's strings are bounded by what
 * the observers keep (two reassembly buffers at most), well under half the
 * arena, so a record that does not fit the rest starts the next batch.
 */
#define WRITER_BATCH 64
#define WRITER_ARENA (256 * 1024)
#define WRITER_RECORD_STRINGS_MAX (WRITER_ARENA / 2)

struct writer_item {
	bool is_event;
	struct conn_event ev;
	struct conn_record rec;
	struct app_info app;   /* rec.app points here when the record has one */
};

struct writer_batch {
	size_t n;
	size_t used;
	struct writer_item items[WRITER_BATCH];
	char arena[WRITER_ARENA];
};

/*
 * Batches go round the hand-over ring. A formatter takes the oldest batch
 * not yet taken, formats it into its own memory report, waits for its turn
 * (every earlier batch written), writes it out and releases the slot.
 */
#define WRITER_THREADS 2

struct writer {
	FILE *out;
	enum report_format fmt;
	int nthreads;
	pthread_t threads[WRITER_THREADS];
	struct handoff handoff;
	atomic_bool failed;         /* a write or a memory report failed (set in turn, read by any) */
	int failed_errno;           /* ...the errno of the first failure */
	volatile sig_atomic_t *stop; /* set when a write fails, NULL when none was given */
	struct writer_batch *filling; /* the producer's current slot, NULL when none is held */
	struct writer_batch ring[HANDOFF_SLOTS];
};

static void format_batch(struct report *rep, const struct writer_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct writer_item *it = &b->items[i];
		if (it->is_event)
			report_event(rep, &it->ev);
		else
			report_conn(rep, &it->rec);
	}
}

/* Called in turn (handoff_wait_turn), so one thread at a time. */
static void fail(struct writer *w, int err)
{
	w->failed_errno = err ? err : EIO;
	w->failed = true;
	if (w->stop)
		*w->stop = 1;
}

static void *format_batches(void *arg)
{
	struct writer *w = arg;
	struct report *rep = report_open_memory(w->fmt);
	int64_t k;

	while ((k = handoff_take(&w->handoff)) >= 0) {
		size_t len = 0;
		const char *text = NULL;
		/* Once the output has failed, batches are only passed through: nothing
		 * more can reach it, and the producer must not wait for a slot. */
		if (rep && !w->failed) {
			format_batch(rep, &w->ring[k % HANDOFF_SLOTS]);
			text = report_memory_take(rep, &len);
		}
		handoff_wait_turn(&w->handoff, k);
		if (!w->failed) {
			errno = 0;
			if (!rep || report_failed(rep))
				fail(w, ENOMEM);
			else if (len > 0 && fwrite(text, 1, len, w->out) != len)
				fail(w, errno);
		}
		handoff_release(&w->handoff, k);
	}
	report_close(rep);
	return NULL;
}

struct writer *writer_start(FILE *out, enum report_format fmt)
{
	struct writer *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->out = out;
	w->fmt = fmt;
	handoff_init(&w->handoff);
	while (w->nthreads < WRITER_THREADS &&
	       pthread_create(&w->threads[w->nthreads], NULL, format_batches, w) == 0)
		w->nthreads++;
	if (w->nthreads == 0) {
		handoff_destroy(&w->handoff);
		free(w);
		return NULL;
	}
	return w;
}

void writer_stop_on_failure(struct writer *w, volatile sig_atomic_t *stop)
{
	w->stop = stop;
}

bool writer_failed(const struct writer *w)
{
	return w->failed;
}

static void publish(struct writer *w)
{
	if (w->filling && w->filling->n > 0) {
		handoff_publish(&w->handoff);
		w->filling = NULL;
	}
}

/* A free item with room for `strings` arena bytes, publishing the batch first if need be. */
static struct writer_item *next_item(struct writer *w, size_t strings)
{
	if (w->filling && (w->filling->n == WRITER_BATCH || strings > WRITER_ARENA - w->filling->used))
		publish(w);
	if (!w->filling) {
		/* The formatters never quit before writer_end: a slot always comes. */
		w->filling = &w->ring[handoff_slot_to_fill(&w->handoff)];
		w->filling->n = 0;
		w->filling->used = 0;
	}
	return &w->filling->items[w->filling->n++];
}

void writer_conn(struct writer *w, const struct conn_record *r)
{
	size_t strings = 0;
	if (r->app)
		for (int k = 0; k < APP_STRING__COUNT; k++)
			if (r->app->str[k])
				strings += r->app->len[k] + 1u;
	if (strings > WRITER_RECORD_STRINGS_MAX)
		strings = WRITER_RECORD_STRINGS_MAX;

	struct writer_item *it = next_item(w, strings);
	it->is_event = false;
	it->rec = *r;
	if (!r->app)
		return;
	it->app = *r->app;
	it->rec.app = &it->app;
	struct writer_batch *b = w->filling;
	for (int k = 0; k < APP_STRING__COUNT; k++) {
		if (!r->app->str[k])
			continue;
		size_t len = r->app->len[k];
		if (len + 1 > WRITER_ARENA - b->used) { /* only past the bound above */
			it->app.str[k] = NULL;
			it->app.len[k] = 0;
			continue;
		}
		char *copy = b->arena + b->used;
		memcpy(copy, r->app->str[k], len);
		copy[len] = '\0';
		b->used += len + 1;
		it->app.str[k] = copy;
	}
}

void writer_event(struct writer *w, const struct conn_event *ev)
{
	struct writer_item *it = next_item(w, 0);
	it->is_event = true;
	it->ev = *ev;
}

int writer_end(struct writer *w)
{
	publish(w);
	handoff_close(&w->handoff);
	for (int i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	int rc = w->failed ? -1 : 0;
	int err = w->failed_errno;
	handoff_destroy(&w->handoff);
	free(w);
	if (rc < 0)
		errno = err;
	return rc;
}
