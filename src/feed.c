/* feed.c - batches of frames, and a reader thread that fills a ring of them ahead of the analysis. */
#include "feed.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "handoff.h"
#include "pcapmap.h"

/* A frame in place is held by the ring's batches, the merge's look-ahead and the clock check's: it must outlive them all. */
_Static_assert(HANDOFF_SLOTS * FRAME_BATCH_MAX + 2 < PCAP_MAP_KEEP_FRAMES,
	       "frames in place must outlive the batches holding them");

/* Longer frames (link types with huge snaplens, none of which tcpscope decodes) are cut. */
#define FRAME_COPY_MAX (FRAME_BATCH_ARENA / 2)

bool frame_batch_add(struct frame_batch *b, const struct frame *f)
{
	uint32_t len = f->caplen < FRAME_COPY_MAX ? f->caplen : FRAME_COPY_MAX;
#ifndef TCPSCOPE_EXACT_COPY
	if (f->in_place) { /* a mapped file's bytes outlive the batch (frame.h): no copy */
		if (b->n == FRAME_BATCH_MAX)
			return false;
		struct frame *fr = &b->frames[b->n++];
		*fr = *f;
		fr->caplen = len;
		return true;
	}
#endif
	if (b->n == FRAME_BATCH_MAX || len > FRAME_BATCH_ARENA - b->used)
		return false;
#ifdef TCPSCOPE_EXACT_COPY
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		abort();
#else
	uint8_t *copy = b->arena + b->used;
#endif
	memcpy(copy, f->data, len);
	struct frame *fr = &b->frames[b->n++];
	*fr = *f;
	fr->caplen = len;
	fr->data = copy;
	fr->in_place = false;
	b->used += len;
	return true;
}

void frame_batch_clear(struct frame_batch *b)
{
#ifdef TCPSCOPE_EXACT_COPY
	for (size_t i = 0; i < b->n; i++)
		free((void *)b->frames[i].data);
#endif
	b->n = 0;
	b->used = 0;
}

void frame_batch_flush(struct frame_batch *b, int linktype, struct analyzer *a)
{
	if (b->n)
		analyzer_frames(a, linktype, b->frames, b->n);
	frame_batch_clear(b);
}

bool frame_batch_feed(struct frame_batch *b, int *linktype, struct analyzer *a, const struct frame *f)
{
	if (f->linktype != *linktype) { /* merged files of different link types */
		frame_batch_flush(b, *linktype, a);
		*linktype = f->linktype;
	}
	if (frame_batch_add(b, f))
		return false;
	frame_batch_flush(b, *linktype, a);
	frame_batch_add(b, f);
	return true;
}

struct feed {
	struct capture *cap;
	uint64_t count;
	volatile sig_atomic_t *stop;
	pthread_t thread;
	struct handoff handoff;
	int64_t held;               /* the batch the caller has, -1 when none */
	enum capture_status status; /* how reading ended; read after the join */
	struct feed_batch ring[HANDOFF_SLOTS];
};

/* Fill b from the capture; returns how reading goes on (CAPTURE_FRAME: more to come). */
static enum capture_status fill(struct feed *f, struct frame_batch *b, uint64_t *read_so_far)
{
	struct frame fr;
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
			return st == CAPTURE_ERROR && *f->stop ? CAPTURE_EOF : st; /* a read cut by a stop signal */
		frame_batch_add(b, &fr);
		(*read_so_far)++;
	}
}

static void *reader(void *arg)
{
	struct feed *f = arg;
	uint64_t read_so_far = 0;

	enum capture_status st = CAPTURE_FRAME;
	int slot;
	while (st == CAPTURE_FRAME && (slot = handoff_slot_to_fill(&f->handoff)) >= 0) {
		struct feed_batch *b = &f->ring[slot];
		frame_batch_clear(&b->frames);
		st = fill(f, &b->frames, &read_so_far);
		/* each frame's own link type: merged files may differ */
		for (size_t i = 0; i < b->frames.n; i++)
			analyzer_decode(b->frames.frames[i].linktype, &b->frames.frames[i], &b->decoded[i]);
		if (b->frames.n > 0)
			handoff_publish(&f->handoff);
	}
	f->status = st == CAPTURE_FRAME ? CAPTURE_EOF : st; /* the consumer quit: nothing went wrong */
	handoff_close(&f->handoff);
	return NULL;
}

struct feed *feed_start(struct capture *cap, uint64_t count, volatile sig_atomic_t *stop)
{
	struct feed *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->cap = cap;
	f->count = count;
	f->stop = stop;
	f->held = -1;
	handoff_init(&f->handoff);

	/* The stop signals are taken by stop.c's thread; a read blocked on a
	 * pipe is woken by its pipe (decompress.c), and this thread sees the
	 * stop flag. */
	if (pthread_create(&f->thread, NULL, reader, f) != 0) {
		handoff_destroy(&f->handoff);
		free(f);
		return NULL;
	}
	return f;
}

const struct feed_batch *feed_next(struct feed *f)
{
	if (f->held >= 0)
		handoff_release(&f->handoff, f->held);
	f->held = handoff_take(&f->handoff);
	return f->held < 0 ? NULL : &f->ring[f->held % HANDOFF_SLOTS];
}

enum capture_status feed_end(struct feed *f)
{
	handoff_quit(&f->handoff);
	pthread_join(f->thread, NULL);
	enum capture_status st = f->status;
	for (int k = 0; k < HANDOFF_SLOTS; k++)
		frame_batch_clear(&f->ring[k].frames);
	handoff_destroy(&f->handoff);
	free(f);
	return st;
}
