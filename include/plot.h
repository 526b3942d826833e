/*
 * plot.h - the drill-down plots of one connection, as self-contained SVG
 * files that any browser opens (issue 14 item 4):
 *   time-sequence graph (Stevens/tcptrace style), one panel per direction
 *   that sent data; RTT samples and SRTT over time, one panel per direction
 *   with samples; throughput per interval, both directions in one panel.
 * Input: the connection's packets as the analysis saw them (pktrec.h), in
 * capture order. The plots only read them. Drawing is thinned per pixel
 * column (plot_thin.h), so a connection of any length gives a file of
 * bounded size; every retransmission and zero-window advertisement is drawn
 * as its own element, with its frame number (docs/DESIGN.md, Decisions).
 */
#ifndef TCPSCOPE_PLOT_H
#define TCPSCOPE_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "pktrec.h"

/* The packets of one connection, collected from the analyzer's packet sink. */
struct plot_packets {
	struct packet_record *v;
	size_t n, cap;
	bool out_of_memory;       /* a packet could not be kept: the plot would be incomplete */
};

void plot_packets_init(struct plot_packets *pp);
void plot_packets_free(struct plot_packets *pp);

/*
 * A packet_record_fn (ctx: struct plot_packets *): keeps a copy of *p. The
 * copy's sni and captured are NULL (valid during the call only; the plots
 * take names from the title). On allocation failure sets out_of_memory.
 */
void plot_packets_add(void *ctx, const struct packet_record *p);

/*
 * The three plots. `title` (from the wire too: addresses, SNI; escaped here)
 * heads the document. Each writes a whole SVG document to out and returns 0,
 * or -1 when a write failed (ferror(out)) or memory ran out; the caller
 * opens and closes out.
 */
int plot_write_tseq(FILE *out, const struct packet_record *p, size_t n, const char *title);
int plot_write_rtt(FILE *out, const struct packet_record *p, size_t n, const char *title);
int plot_write_tput(FILE *out, const struct packet_record *p, size_t n, const char *title);

#endif
