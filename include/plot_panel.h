/* plot_panel.h - one chart of a plot: heading, legend, axes with ticks and units, a clipped drawing area mapping data to SVG pixels. */
#ifndef TCPSCOPE_PLOT_PANEL_H
#define TCPSCOPE_PLOT_PANEL_H

#include <stddef.h>
#include <stdio.h>

#include "plot_axis.h"

/* Layout of every panel (SVG pixels). */
#define PLOT_WIDTH 1000
#define PLOT_MARGIN_LEFT 84
#define PLOT_MARGIN_RIGHT 24
#define PLOT_HEADING_H 56   /* heading line and two legend rows above the area */
#define PLOT_AREA_H 420
#define PLOT_AXIS_H 44      /* tick labels and axis name below the area */
#define PLOT_PANEL_H (PLOT_HEADING_H + PLOT_AREA_H + PLOT_AXIS_H)

/* How a legend entry's swatch is drawn (with the entry's CSS class). */
enum plot_swatch { PLOT_SWATCH_LINE, PLOT_SWATCH_BAR, PLOT_SWATCH_AREA, PLOT_SWATCH_DOT };

struct plot_legend_item {
	const char *cls;    /* CSS class of the drawn elements */
	enum plot_swatch swatch;
	const char *label;
};

struct plot_panel {
	FILE *out;
	int id;                 /* unique in the document (clip path id) */
	double x, y, w, h;      /* drawing area */
	struct plot_axis xa, ya;
};

/*
 * Start a panel whose top edge is at top: heading (escaped), legend (at
 * most two rows; entries that do not fit are left out), the axes over the
 * given domains with grid, tick labels and "name (unit)" titles, and open
 * the clipped group the data goes into. Close with plot_panel_close().
 */
void plot_panel_open(struct plot_panel *pn, FILE *out, int id, double top, const char *heading,
		     const struct plot_legend_item *legend, size_t nlegend,
		     double xlo, double xhi, enum plot_quantity xq, const char *xname,
		     double ylo, double yhi, enum plot_quantity yq, const char *yname);

/*
 * Data value to SVG x / y (y grows downwards in SVG). Values outside the
 * y domain map outside the area (clipped there), but at most one area
 * height away, so that coordinates stay short.
 */
double plot_panel_x(const struct plot_panel *pn, double v);
double plot_panel_y(const struct plot_panel *pn, double v);

/* A note (escaped) centred in the area, e.g. "no RTT samples". */
void plot_panel_note(const struct plot_panel *pn, const char *text);

/* Close the clipped group and draw the frame over it. */
void plot_panel_close(struct plot_panel *pn);

#endif
