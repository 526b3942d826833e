/* progress.h - the one-line progress of a long file read on a terminal (stderr): percent, packets/s, connections, time left. */
#ifndef TCPSCOPE_PROGRESS_H
#define TCPSCOPE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Files smaller than this are read too fast to need a progress line. */
#define PROGRESS_MIN_BYTES (8ull << 20)

/* The line is redrawn at most this often (four times a second). */
#define PROGRESS_EVERY_NS 250000000ull

/* Where reading stands. */
struct progress_state {
	uint64_t bytes_done, bytes_total; /* of the input files */
	uint64_t frames;                  /* read so far */
	uint64_t connections;             /* begun so far */
	uint64_t elapsed_ns;              /* since reading began (wall clock) */
};

/*
 * The line for a state, without escapes, at most width display columns
 * (0: no bound), NUL-terminated in buf (cap bytes, at least 128):
 * "43% of 512 MB, 1.23M packets/s, 10234 connections, 3 s left". The time
 * left is elapsed x (total - done) / done. Pure. Returns its length.
 */
size_t progress_format(const struct progress_state *s, unsigned width, char *buf, size_t cap);

struct progress;

/*
 * Start a progress line on tty (a terminal: the caller checks) of `width`
 * columns for an input of total_bytes; now_ns is CLOCK_MONOTONIC. NULL
 * when memory runs out.
 */
struct progress *progress_start(FILE *tty, unsigned width, uint64_t total_bytes, uint64_t now_ns);

/* True when it is time to redraw (PROGRESS_EVERY_NS since the last draw): only then gather a state. */
bool progress_due(const struct progress *p, uint64_t now_ns);

/* Redraw the line in place ("\r", the line, erase to its end) with what the state says. */
void progress_draw(struct progress *p, const struct progress_state *s, uint64_t now_ns);

/* Clear the line (when it was drawn at all) and free. NULL is allowed. */
void progress_end(struct progress *p);

#endif
