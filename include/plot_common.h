/* plot_common.h - what the three plots share: the style sheet, the document frame, direction names, time and sequence-number conversions. */
#ifndef TCPSCOPE_PLOT_COMMON_H
#define TCPSCOPE_PLOT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pktrec.h"

/* "client → server" (dir 0) or "server → client" (dir 1). */
const char *plot_dir_name(int dir);

/* Open the document: height for `panels` panels under the title line. */
void plot_doc_begin(FILE *out, const char *title, int panels);

/* The top edge of panel i. */
double plot_doc_panel_top(int i);

/* A packet's time since the connection's first packet, in seconds (negative times count as 0). */
double plot_rel_s(const struct packet_record *p);

/* The latest plot_rel_s of the packets (0 for none). */
double plot_span_s(const struct packet_record *p, size_t n);

/*
 * 32-bit relative sequence numbers of one direction made 64-bit and
 * monotone across the 2^32 wrap (a transfer over 4 GiB): each value is
 * placed within 2^31 of the highest seen so far (seq.h's rule).
 */
struct plot_unwrap {
	bool started;
	int64_t high;
};

int64_t plot_unwrap(struct plot_unwrap *u, uint32_t v);

#endif
