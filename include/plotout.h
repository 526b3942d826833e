/*
 * plotout.h - --plot, --plot-rtt, --plot-tput: the files, the packets of the
 * one selected connection (collected from the analyzer's packet sink) and
 * its title (from its record), then the SVG written at the end of input.
 * Reports failures as one line for main to print; never prints itself.
 */
#ifndef TCPSCOPE_PLOTOUT_H
#define TCPSCOPE_PLOTOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "plot.h"
#include "record.h"

enum plot_kind { PLOT_TSEQ, PLOT_RTT, PLOT_TPUT, PLOT__COUNT };

struct plotout {
	const char *path[PLOT__COUNT];  /* NULL: that plot was not asked for */
	FILE *file[PLOT__COUNT];
	struct plot_packets packets;    /* of the first selected connection */
	uint64_t conn_id;               /* its id, once a packet came */
	uint64_t other_id;              /* a second selected connection's id (0: none) */
	bool have_title;
	char title[384];
};

/* The option that asks for a plot kind: "--plot", "--plot-rtt", "--plot-tput". */
const char *plotout_option(enum plot_kind k);

/* Some plot was asked for. */
bool plotout_wanted(const struct plotout *po);

/* Open every asked-for file (before reading, so a bad path fails at once). False with "PATH: reason" in err. */
bool plotout_open(struct plotout *po, char *err, size_t errlen);

/* A packet_record_fn (ctx: struct plotout *): keeps the first selected connection's packets. */
void plotout_packet(void *ctx, const struct packet_record *p);

/* A selected connection's record: the title, when it is the plotted one. */
void plotout_record(struct plotout *po, const struct conn_record *r);

/*
 * Write the plots and close the files. Returns 0; or -1 with one line in err
 * (no packet of a selected connection, several connections selected,
 * packets lost to memory, a failed write), the files then removed.
 */
int plotout_finish(struct plotout *po, char *err, size_t errlen);

/* Close and remove what is still open (an early exit). */
void plotout_abandon(struct plotout *po);

#endif
