/* viewloop.h - the live view's loop: frames in (live, replayed or read whole), snapshots at each refresh, keys, drawing. */
#ifndef TCPSCOPE_VIEWLOOP_H
#define TCPSCOPE_VIEWLOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "analyzer.h"
#include "capture.h"
#include "tui.h"
#include "view.h"

struct viewloop_config {
	enum view_mode mode;     /* VIEW_LIVE (a capture), VIEW_REPLAY or VIEW_BROWSE (a file) */
	double speed;            /* replay: packet seconds per wall second; 0 = as fast as possible */
	uint64_t refresh_ns;     /* how often the screen is refreshed (-d) */
	uint64_t count;          /* stop reading after this many frames (0: no limit) */
	uint64_t deadline_ns;    /* live: CLOCK_MONOTONIC time to stop reading at (0: none) */
	const char *source;      /* for the header */
	const char *bpf;
	volatile sig_atomic_t *stop; /* set by a signal: the loop ends */
	/* called between batches (live: records flushed, drops checked); false stops reading */
	bool (*between_batches)(void *ctx);
	void *ctx;
};

/*
 * Run the view until the user quits or a stop signal: frames are read and
 * analysed (live as they come, replayed in packet time, or a file read
 * whole first), the view gets a snapshot every refresh, keys act on it.
 * When a file ends, every connection still held ends with it
 * (analyzer_finish) and the view stays to be browsed. Returns how reading
 * ended: CAPTURE_EOF, or CAPTURE_ERROR (the view said so; capture_error
 * says why). *finished is set when analyzer_finish was called.
 */
enum capture_status viewloop_run(struct capture *cap, struct analyzer *a, struct view *v, struct tui *t,
				 const struct viewloop_config *cfg, bool *finished);

#endif
