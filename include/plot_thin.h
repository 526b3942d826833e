/*
 * plot_thin.h - drawing many marks as few SVG path commands: vertical bars
 * and step lines thinned per pixel column, so that a connection of any
 * length gives a file of bounded size that a browser draws at once.
 * Coordinates are SVG pixels. Writes to a FILE the caller owns.
 */
#ifndef TCPSCOPE_PLOT_THIN_H
#define TCPSCOPE_PLOT_THIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The tallest plot area (pixels) the bar thinner tracks row by row. */
#define PLOT_THIN_MAX_ROWS 2048

/*
 * Vertical bars (data segments, SACK blocks), thinned by this rule: in
 * order of arrival, a bar in the same pixel column as the pending one that
 * overlaps it or comes within one pixel of it extends it; any other bar
 * flushes the pending one, which is written unless every pixel row it
 * covers in its column is already drawn. So a column holds at most one bar
 * per distinct row it covers, usually one. Bars are written as "M x y Vy2"
 * commands of <path class="cls"> elements of at most 1000 commands each.
 */
struct plot_bars {
	FILE *out;
	const char *cls;
	double y0;                 /* top of the plot area: row 0 */
	int rows;                  /* rows tracked (plot height, at most PLOT_THIN_MAX_ROWS) */
	bool pending;
	int col;                   /* column of the pending bar */
	double x, top, bottom;     /* the pending bar */
	int covered_col;           /* column `covered` describes (-1: none) */
	unsigned path_cmds;        /* commands in the open <path>, 0: none open */
	size_t written;            /* bars written */
	uint8_t covered[PLOT_THIN_MAX_ROWS];
};

/* Start bars of class cls (a constant) in a plot area whose top is y0 and height is height. */
void plot_bars_init(struct plot_bars *b, FILE *out, const char *cls, double y0, double height);

/* One bar at x from top to bottom (top <= bottom; swapped if not). */
void plot_bars_add(struct plot_bars *b, double x, double top, double bottom);

/* Write the pending bar and close the open element. */
void plot_bars_finish(struct plot_bars *b);

/*
 * A step line (ACK, window, SRTT): each point holds its value until the
 * next. In each pixel column with several points, only the first, the
 * lowest, the highest and the last are kept (a vertical stroke there covers
 * all the others), so at most six points per column are written (the
 * held value, the stroke through those four, the last one's x).
 * Written as <polyline class="cls"> elements of at most 1000 points.
 */
struct plot_steps {
	FILE *out;
	const char *cls;
	bool have_prev;            /* a point was written: prev_y holds */
	double prev_x, prev_y;
	unsigned count;            /* points in the current column */
	int col;
	double first_x, first_y, min_y, max_y, last_x, last_y;
	unsigned poly_points;      /* points in the open <polyline>, 0: none open */
	size_t written;            /* points written */
};

void plot_steps_init(struct plot_steps *s, FILE *out, const char *cls);

/* The value becomes y at x (x not decreasing, or the line goes back, still drawn). */
void plot_steps_add(struct plot_steps *s, double x, double y);

/* Hold the last value up to x_end (unless x_end is before it), write what is pending, close. */
void plot_steps_finish(struct plot_steps *s, double x_end);

#endif
