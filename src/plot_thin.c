/* plot_thin.c - bars and step lines thinned per pixel column (see plot_thin.h for the rules). */
#include "plot_thin.h"

#include <math.h>
#include <string.h>

#include "svg.h"

#define MAX_CMDS_PER_ELEMENT 1000u

static int column_of(double x)
{
	if (!(x > -1e9 && x < 1e9))
		return 0;
	return (int)floor(x);
}

void plot_bars_init(struct plot_bars *b, FILE *out, const char *cls, double y0, double height)
{
	memset(b, 0, sizeof *b);
	b->out = out;
	b->cls = cls;
	b->y0 = y0;
	int rows = (int)ceil(height) + 1;
	b->rows = rows < 1 ? 1 : rows > PLOT_THIN_MAX_ROWS ? PLOT_THIN_MAX_ROWS : rows;
	b->covered_col = -1;
}

static int row_of(const struct plot_bars *b, double y)
{
	double r = floor(y - b->y0);
	if (r < 0)
		return 0;
	if (r >= b->rows)
		return b->rows - 1;
	return (int)r;
}

/* Mark the pending bar's rows; false when all of them were drawn already. */
static bool claim_rows(struct plot_bars *b)
{
	if (b->covered_col != b->col) {
		memset(b->covered, 0, (size_t)b->rows);
		b->covered_col = b->col;
	}
	int r0 = row_of(b, b->top), r1 = row_of(b, b->bottom);
	bool fresh = false;
	for (int r = r0; r <= r1; r++) {
		if (!b->covered[r]) {
			b->covered[r] = 1;
			fresh = true;
		}
	}
	return fresh;
}

static void write_pending(struct plot_bars *b)
{
	if (!b->pending)
		return;
	b->pending = false;
	if (!claim_rows(b))
		return;
	if (b->path_cmds == 0)
		fprintf(b->out, "<path class=\"%s\" d=\"", b->cls);
	else
		fputc(' ', b->out);
	fputc('M', b->out);
	svg_num(b->out, b->x);
	fputc(' ', b->out);
	svg_num(b->out, b->top);
	fputc('V', b->out);
	svg_num(b->out, b->bottom);
	b->written++;
	if (++b->path_cmds >= MAX_CMDS_PER_ELEMENT) {
		fputs("\"/>\n", b->out);
		b->path_cmds = 0;
	}
}

void plot_bars_add(struct plot_bars *b, double x, double top, double bottom)
{
	if (top > bottom) {
		double t = top;
		top = bottom;
		bottom = t;
	}
	int col = column_of(x);
	if (b->pending && col == b->col && top <= b->bottom + 1.0 && bottom >= b->top - 1.0) {
		b->top = fmin(b->top, top);
		b->bottom = fmax(b->bottom, bottom);
		return;
	}
	write_pending(b);
	b->pending = true;
	b->col = col;
	b->x = x;
	b->top = top;
	b->bottom = bottom;
}

void plot_bars_finish(struct plot_bars *b)
{
	write_pending(b);
	if (b->path_cmds > 0) {
		fputs("\"/>\n", b->out);
		b->path_cmds = 0;
	}
}

void plot_steps_init(struct plot_steps *s, FILE *out, const char *cls)
{
	memset(s, 0, sizeof *s);
	s->out = out;
	s->cls = cls;
}

static void put_point(struct plot_steps *s, double x, double y)
{
	if (s->poly_points > 0 && x == s->prev_x && y == s->prev_y)
		return;
	if (s->poly_points == 0) {
		fprintf(s->out, "<polyline class=\"%s\" points=\"", s->cls);
	} else {
		fputc(' ', s->out);
	}
	svg_num(s->out, x);
	fputc(',', s->out);
	svg_num(s->out, y);
	s->written++;
	s->have_prev = true;
	s->prev_x = x;
	s->prev_y = y;
	if (++s->poly_points >= MAX_CMDS_PER_ELEMENT) {
		/* start the next element where this one ends, so the line stays joined */
		fputs("\"/>\n", s->out);
		fprintf(s->out, "<polyline class=\"%s\" points=\"", s->cls);
		svg_num(s->out, x);
		fputc(',', s->out);
		svg_num(s->out, y);
		s->poly_points = 1;
	}
}

static void flush_column(struct plot_steps *s)
{
	if (s->count == 0)
		return;
	if (s->have_prev)
		put_point(s, s->first_x, s->prev_y); /* the step: hold, then jump */
	put_point(s, s->first_x, s->first_y);
	if (s->count > 1) {
		put_point(s, s->first_x, s->min_y);
		put_point(s, s->first_x, s->max_y);
		put_point(s, s->first_x, s->last_y);
		put_point(s, s->last_x, s->last_y);
	}
	s->count = 0;
}

void plot_steps_add(struct plot_steps *s, double x, double y)
{
	int col = column_of(x);
	if (s->count > 0 && col != s->col)
		flush_column(s);
	if (s->count == 0) {
		s->col = col;
		s->first_x = s->last_x = x;
		s->first_y = s->min_y = s->max_y = s->last_y = y;
	} else {
		s->min_y = fmin(s->min_y, y);
		s->max_y = fmax(s->max_y, y);
		s->last_x = x;
		s->last_y = y;
	}
	s->count++;
}

void plot_steps_finish(struct plot_steps *s, double x_end)
{
	flush_column(s);
	if (s->have_prev && x_end > s->prev_x)
		put_point(s, x_end, s->prev_y);
	if (s->poly_points > 0) {
		fputs("\"/>\n", s->out);
		s->poly_points = 0;
	}
}
