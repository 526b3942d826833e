/* plot_axis.h - axes of the plots: "nice" tick values (1, 2 or 5 times a power of ten) and the unit of a quantity (s/ms, B/kB/MB, bit/s...). Pure: no I/O. */
#ifndef TCPSCOPE_PLOT_AXIS_H
#define TCPSCOPE_PLOT_AXIS_H

#include <stddef.h>

/* What an axis measures, in its base unit. */
enum plot_quantity {
	PLOT_Q_SECONDS, /* labels in µs, ms or s */
	PLOT_Q_BYTES,   /* B, kB, MB, GB (decimal: 1 kB = 1000 B) */
	PLOT_Q_BITRATE, /* bit/s, kbit/s, Mbit/s, Gbit/s (decimal) */
};

/*
 * One axis: the domain [lo, hi] in the base unit, the ticks
 * first, first + step, ... (count of them, all within [lo, hi]) and the
 * unit the labels are written in (value / unit_div, with `decimals`
 * digits after the point).
 */
struct plot_axis {
	double lo, hi;
	double first, step;
	int count;
	double unit_div;
	const char *unit;
	int decimals;
};

/*
 * The smallest step of the form {1, 2, 5} x 10^k with range / step <= max_ticks
 * (range > 0, max_ticks >= 1). E.g. range 4.37, 8 ticks: 1; range 4.37, 10: 0.5.
 */
double plot_nice_step(double range, int max_ticks);

/*
 * Fill *ax for the domain [lo, hi] (hi <= lo is widened to a unit range) with
 * at most max_ticks ticks. The unit is the largest of the quantity's units
 * in which hi (or -lo, if larger) is at least 2 (so 1500 B stays in B and
 * 4.2 MB is in MB); decimals are just enough to tell the ticks apart.
 */
void plot_axis_setup(struct plot_axis *ax, double lo, double hi, enum plot_quantity q, int max_ticks);

/* The value of tick i (0 <= i < count). */
double plot_axis_tick(const struct plot_axis *ax, int i);

/* Write tick value v's label (without the unit) to buf, e.g. "0.5". Returns buf. */
char *plot_axis_label(const struct plot_axis *ax, double v, char *buf, size_t n);

/* v with three significant digits in the largest unit it is at least 1 of: "7.63 Mbit/s", "40 µs". */
char *plot_format_value(enum plot_quantity q, double v, char *buf, size_t n);

#endif
