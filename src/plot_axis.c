/* plot_axis.c - nice tick values and units for the plots' axes. */
#include "plot_axis.h"

#include <math.h>
#include <stdio.h>

struct unit {
	double div;
	const char *name;
};

static const struct unit time_units[] = {{1e-6, "\xc2\xb5s"}, {1e-3, "ms"}, {1.0, "s"}};
static const struct unit byte_units[] = {{1.0, "B"}, {1e3, "kB"}, {1e6, "MB"}, {1e9, "GB"}, {1e12, "TB"}};
static const struct unit rate_units[] = {{1.0, "bit/s"}, {1e3, "kbit/s"}, {1e6, "Mbit/s"}, {1e9, "Gbit/s"}};

double plot_nice_step(double range, int max_ticks)
{
	if (!(range > 0) || !isfinite(range))
		return 1.0;
	if (max_ticks < 1)
		max_ticks = 1;
	double raw = range / max_ticks;
	double p = pow(10.0, floor(log10(raw)));
	static const double mult[] = {1, 2, 5, 10};
	for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++) {
		/* the 1e-9 slack keeps 4.0 / 8 = 0.5 from choosing 1 through rounding */
		if (mult[i] * p >= raw * (1 - 1e-9))
			return mult[i] * p;
	}
	return 10 * p;
}

static const struct unit *pick_unit(enum plot_quantity q, double mag)
{
	const struct unit *u;
	size_t n;
	switch (q) {
	case PLOT_Q_SECONDS: u = time_units; n = sizeof time_units / sizeof time_units[0]; break;
	case PLOT_Q_BYTES: u = byte_units; n = sizeof byte_units / sizeof byte_units[0]; break;
	default: u = rate_units; n = sizeof rate_units / sizeof rate_units[0]; break;
	}
	const struct unit *best = &u[0];
	for (size_t i = 1; i < n; i++)
		if (mag / u[i].div >= 2.0)
			best = &u[i];
	return best;
}

void plot_axis_setup(struct plot_axis *ax, double lo, double hi, enum plot_quantity q, int max_ticks)
{
	if (!isfinite(lo))
		lo = 0;
	if (!isfinite(hi) || hi <= lo)
		hi = lo + 1.0;
	ax->lo = lo;
	ax->hi = hi;
	ax->step = plot_nice_step(hi - lo, max_ticks);
	ax->first = ceil(lo / ax->step - 1e-9) * ax->step;
	ax->count = (int)floor((hi - ax->first) / ax->step + 1e-9) + 1;
	if (ax->count < 0)
		ax->count = 0;
	double mag = fmax(fabs(hi), fabs(lo));
	const struct unit *u = pick_unit(q, mag);
	ax->unit_div = u->div;
	ax->unit = u->name;
	double step_in_unit = ax->step / u->div;
	int d = (int)ceil(-log10(step_in_unit) - 1e-9);
	ax->decimals = d > 0 ? d : 0;
}

double plot_axis_tick(const struct plot_axis *ax, int i)
{
	return ax->first + i * ax->step;
}

char *plot_axis_label(const struct plot_axis *ax, double v, char *buf, size_t n)
{
	double x = v / ax->unit_div;
	if (fabs(x) < ax->step / ax->unit_div * 1e-6)
		x = 0; /* no "-0" from rounding */
	snprintf(buf, n, "%.*f", ax->decimals, x);
	return buf;
}

char *plot_format_value(enum plot_quantity q, double v, char *buf, size_t n)
{
	const struct unit *u = pick_unit(q, fabs(v) * 2);
	snprintf(buf, n, "%.3g %s", v / u->div, u->name);
	return buf;
}
