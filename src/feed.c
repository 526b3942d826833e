/* feed.c - batches of frames, and a reader thread that fills a ring of them ahead of the analysis. */
#include "feed.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Longer frames (link types with huge snaplens, none of which tcpscope decodes) are cut. */
#define FRAME_COPY_MAX (FRAME_BATCH_ARENA / 2)

bool frame_batch_add(struct frame_batch *b, const struct frame *f)
{
	uint32_t len = f->caplen < FRAME_COPY_MAX ? f->caplen : FRAME_COPY_MAX;
	if (b->n == FRAME_BATCH_MAX || len > FRAME_BATCH_ARENA - b->used)
		return false;
	struct frame *copy = &b->frames[b->n++];
	*copy = *f;
	copy->caplen = len;
	copy->data = b->arena + b->used;
	memcpy(b->arena + b->used, f->data, len);
	b->used += len;
	return true;
}

void frame_batch_clear(struct frame_batch *b)
{
	b->n = 0;
	b->used = 0;
}

/*
 * Four batches: one being read, one being analysed, two to absorb the
 * difference in pace. Counters only grow; slot k is ring[k % FEED_RING].
 */
#define FEED_RING 4

struct feed {
	struct capture *cap;
	uint64_t count;
	volatile sig_atomic_t *stop;
	pthread_t thread;
	sigset_t caller_mask;
	pthread_mutex_t lock;
	pthread_cond_t changed;   /* a batch was filled, or released, or reading ended */
	uint64_t filled;          /* batches the reader has handed over */
	uint64_t taken;           /* batches the caller has been given */
	uint64_t released;        /* batches the caller is done with (taken or taken - 1) */
	bool reading_done;
	bool quit;                /* the caller wants no more */
	enum capture_status status;
	struct frame_batch ring[FEED_RING];
};

/* Fill b from the capture; returns how reading goes on (CAPTURE_FRAME: more to come). */
static enum capture_status fill(struct feed *f, struct frame_batch *b, uint64_t *read_so_far)
{
	struct frame fr;
	frame_batch_clear(b);
	for (;;) {
		if (*f->stop || (f->count && *read_so_far >= f->count))
			return CAPTURE_EOF;
		/* The arena cannot take the largest possible frame: hand this batch on. */
		if (b->n == FRAME_BATCH_MAX || FRAME_BATCH_ARENA - b->used < FRAME_COPY_MAX)
			return CAPTURE_FRAME;
		enum capture_status st = capture_next(f->cap, &fr);
		if (st == CAPTURE_NONE)
			continue; /* files always have a frame or an end */
		if (st != CAPTURE_FRAME)
			return st;
		frame_batch_add(b, &fr);
		(*read_so_far)++;
	}
}

static void *reader(void *arg)
{
	struct feed *f = arg;
	uint64_t read_so_far = 0;
	sigset_t stops;
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	pthread_sigmask(SIG_UNBLOCK, &stops, NULL);

	for (uint64_t k = 0;; k++) {
		pthread_mutex_lock(&f->lock);
		/* Slot k last held batch k - FEED_RING: wait until that one is released. */
		while (!f->quit && k >= f->released + FEED_RING)
			pthread_cond_wait(&f->changed, &f->lock);
		bool quit = f->quit;
		pthread_mutex_unlock(&f->lock);
		enum capture_status st = quit ? CAPTURE_EOF : fill(f, &f->ring[k % FEED_RING], &read_so_far);

		pthread_mutex_lock(&f->lock);
		if (!quit && f->ring[k % FEED_RING].n > 0)
			f->filled = k + 1;
		if (st != CAPTURE_FRAME) {
			f->status = st;
			f->reading_done = true;
		}
		pthread_cond_broadcast(&f->changed);
		pthread_mutex_unlock(&f->lock);
		if (st != CAPTURE_FRAME)
			return NULL;
	}
}

struct feed *feed_start(struct capture *cap, uint64_t count, volatile sig_atomic_t *stop)
{
	struct feed *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->cap = cap;
	f->count = count;
	f->stop = stop;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->changed, NULL);

	/* The thread inherits a mask with the stop signals blocked and unblocks them. */
	sigset_t stops;
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stops, &f->caller_mask);
	if (pthread_create(&f->thread, NULL, reader, f) != 0) {
		pthread_sigmask(SIG_SETMASK, &f->caller_mask, NULL);
		pthread_cond_destroy(&f->changed);
		pthread_mutex_destroy(&f->lock);
		free(f);
		return NULL;
	}
	return f;
}

const struct frame_batch *feed_next(struct feed *f)
{
	pthread_mutex_lock(&f->lock);
	if (f->released < f->taken) {
		f->released = f->taken;
		pthread_cond_broadcast(&f->changed);
	}
	while (f->taken == f->filled && !f->reading_done)
		pthread_cond_wait(&f->changed, &f->lock);
	const struct frame_batch *b = NULL;
	if (f->taken < f->filled) {
		b = &f->ring[f->taken % FEED_RING];
		f->taken++;
	}
	pthread_mutex_unlock(&f->lock);
	return b;
}

enum capture_status feed_end(struct feed *f)
{
	pthread_mutex_lock(&f->lock);
	f->quit = true;
	pthread_cond_broadcast(&f->changed);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	pthread_sigmask(SIG_SETMASK, &f->caller_mask, NULL);
	enum capture_status st = f->status;
	pthread_cond_destroy(&f->changed);
	pthread_mutex_destroy(&f->lock);
	free(f);
	return st;
}
