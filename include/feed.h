/* feed.h - frames from a capture in batches: filled in line (live) or read ahead on a thread of their own (files). */
#ifndef TCPSCOPE_FEED_H
#define TCPSCOPE_FEED_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "capture.h"
#include "frame.h"

/*
 * libpcap reuses its buffer on every read, so a batch copies each frame into
 * an arena of its own (but a frame in place in a mapped file, frame.h). The arena holds at least one frame of the largest
 * snaplen libpcap accepts (262144). Sanitizer builds (TCPSCOPE_EXACT_COPY)
 * copy each frame to a heap block of its exact length instead, so that an
 * over-read is caught.
 */
#define FRAME_BATCH_MAX 256
#define FRAME_BATCH_ARENA (2 * 262144)

struct frame_batch {
	struct frame frames[FRAME_BATCH_MAX];
	size_t n;
	size_t used;  /* arena bytes taken */
	uint8_t arena[FRAME_BATCH_ARENA];
};

/* Copy f in. False when the batch has no room left: hand it on and clear it first. */
bool frame_batch_add(struct frame_batch *b, const struct frame *f);

void frame_batch_clear(struct frame_batch *b);

/* Analyse what b holds (its frames are of link type linktype) and empty it. */
void frame_batch_flush(struct frame_batch *b, int linktype, struct analyzer *a);

/*
 * Read in line: add f to b, analysing what b holds first when it is full or
 * f comes from an input of another link type (*linktype follows f). Returns
 * true when a full batch was analysed (a moment to look up from reading).
 */
bool frame_batch_feed(struct frame_batch *b, int *linktype, struct analyzer *a, const struct frame *f);

/*
 * A file read ahead: a second thread reads frames with capture_next into a
 * ring of batches and decodes them (analyzer_decode) while the caller
 * tracks the ones before, so the work overlaps on two cores. Batches come
 * out in capture order.
 */
struct feed;

struct feed_batch {
	struct frame_batch frames;
	struct decoded_frame decoded[FRAME_BATCH_MAX]; /* decoded[i] is frames.frames[i] */
};

/*
 * Start reading cap: at most count frames (0: all), until the end of the
 * file, a read error, or *stop becomes non-zero. SIGINT and SIGTERM go to
 * the reading thread (a read blocked on a pipe must see them) until
 * feed_end. NULL when the thread or its memory cannot be had.
 */
struct feed *feed_start(struct capture *cap, uint64_t count, volatile sig_atomic_t *stop);

/* The next batch, waiting for it; NULL after the last. Valid until the next call. */
const struct feed_batch *feed_next(struct feed *f);

/* Stop the reader, wait for it and free the feed: how reading ended (CAPTURE_EOF or CAPTURE_ERROR). */
enum capture_status feed_end(struct feed *f);

#endif
