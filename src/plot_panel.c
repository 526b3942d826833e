/* plot_panel.c - a chart's frame: heading, legend, axes, clipping. */
#include "plot_panel.h"

#include <math.h>
#include <string.h>

#include "svg.h"

#define MAX_TICKS_X 10
#define MAX_TICKS_Y 8
#define LEGEND_ROW_H 16
#define CHAR_W 6.4 /* rough width of one character at the legend's 11 px */

static void legend(const struct plot_panel *pn, double top, const struct plot_legend_item *items, size_t n)
{
	double x = pn->x, y = top;
	int row = 0;
	for (size_t i = 0; i < n; i++) {
		double w = 22 + CHAR_W * (double)strlen(items[i].label) + 14;
		if (x + w > pn->x + pn->w) {
			if (++row >= 2)
				break;
			x = pn->x;
			y += LEGEND_ROW_H;
		}
		const char *cls = items[i].cls;
		fputs("<g class=\"legend\">", pn->out);
		switch (items[i].swatch) {
		case PLOT_SWATCH_LINE:
			fprintf(pn->out, "<path class=\"%s\" d=\"M%.0f %.0fh18\"/>", cls, x, y - 4);
			break;
		case PLOT_SWATCH_BAR:
			fprintf(pn->out, "<path class=\"%s\" d=\"M%.0f %.0fV%.0f\"/>", cls, x + 9, y - 10, y + 2);
			break;
		case PLOT_SWATCH_AREA:
			fprintf(pn->out, "<rect class=\"%s\" x=\"%.0f\" y=\"%.0f\" width=\"18\" height=\"10\"/>", cls, x,
				y - 9);
			break;
		case PLOT_SWATCH_DOT:
			fprintf(pn->out, "<circle class=\"%s\" cx=\"%.0f\" cy=\"%.0f\" r=\"3\"/>", cls, x + 9, y - 4);
			break;
		}
		fprintf(pn->out, "<text x=\"%.0f\" y=\"%.0f\">", x + 22, y);
		svg_text(pn->out, items[i].label);
		fputs("</text></g>\n", pn->out);
		x += w;
	}
}

static void axes(const struct plot_panel *pn, const char *xname, const char *yname)
{
	FILE *out = pn->out;
	char buf[64];
	fputs("<g class=\"axis\">\n", out);
	for (int i = 0; i < pn->xa.count; i++) {
		double v = plot_axis_tick(&pn->xa, i), px = plot_panel_x(pn, v);
		fputs("<path class=\"grid\" d=\"M", out);
		svg_num(out, px);
		fputc(' ', out);
		svg_num(out, pn->y);
		fputs("v", out);
		svg_num(out, pn->h + 5);
		fputs("\"/><text class=\"tx\" x=\"", out);
		svg_num(out, px);
		fputs("\" y=\"", out);
		svg_num(out, pn->y + pn->h + 18);
		fprintf(out, "\">%s</text>\n", plot_axis_label(&pn->xa, v, buf, sizeof buf));
	}
	for (int i = 0; i < pn->ya.count; i++) {
		double v = plot_axis_tick(&pn->ya, i), py = plot_panel_y(pn, v);
		fputs("<path class=\"grid\" d=\"M", out);
		svg_num(out, pn->x - 5);
		fputc(' ', out);
		svg_num(out, py);
		fputs("h", out);
		svg_num(out, pn->w + 5);
		fputs("\"/><text class=\"ty\" x=\"", out);
		svg_num(out, pn->x - 8);
		fputs("\" y=\"", out);
		svg_num(out, py + 4);
		fprintf(out, "\">%s</text>\n", plot_axis_label(&pn->ya, v, buf, sizeof buf));
	}
	fputs("<text class=\"tx\" x=\"", out);
	svg_num(out, pn->x + pn->w / 2);
	fputs("\" y=\"", out);
	svg_num(out, pn->y + pn->h + 36);
	fputs("\">", out);
	svg_text(out, xname);
	fprintf(out, " (%s)</text>\n", pn->xa.unit);
	double cy = pn->y + pn->h / 2;
	fputs("<text class=\"tx\" transform=\"translate(16 ", out);
	svg_num(out, cy);
	fputs(") rotate(-90)\" x=\"0\" y=\"0\">", out);
	svg_text(out, yname);
	fprintf(out, " (%s)</text>\n</g>\n", pn->ya.unit);
}

void plot_panel_open(struct plot_panel *pn, FILE *out, int id, double top, const char *heading,
		     const struct plot_legend_item *items, size_t nlegend,
		     double xlo, double xhi, enum plot_quantity xq, const char *xname,
		     double ylo, double yhi, enum plot_quantity yq, const char *yname)
{
	pn->out = out;
	pn->id = id;
	pn->x = PLOT_MARGIN_LEFT;
	pn->y = top + PLOT_HEADING_H;
	pn->w = PLOT_WIDTH - PLOT_MARGIN_LEFT - PLOT_MARGIN_RIGHT;
	pn->h = PLOT_AREA_H;
	plot_axis_setup(&pn->xa, xlo, xhi, xq, MAX_TICKS_X);
	plot_axis_setup(&pn->ya, ylo, yhi, yq, MAX_TICKS_Y);

	fprintf(out, "<g class=\"panel\" id=\"panel%d\">\n<text class=\"heading\" x=\"%d\" y=\"", id,
		PLOT_MARGIN_LEFT);
	svg_num(out, top + 18);
	fputs("\">", out);
	svg_text(out, heading);
	fputs("</text>\n", out);
	legend(pn, top + 36, items, nlegend);
	axes(pn, xname, yname);
	fprintf(out, "<clipPath id=\"clip%d\"><rect x=\"", id);
	svg_num(out, pn->x);
	fputs("\" y=\"", out);
	svg_num(out, pn->y);
	fputs("\" width=\"", out);
	svg_num(out, pn->w);
	fputs("\" height=\"", out);
	svg_num(out, pn->h);
	fprintf(out, "\"/></clipPath>\n<g clip-path=\"url(#clip%d)\">\n", id);
}

double plot_panel_x(const struct plot_panel *pn, double v)
{
	return pn->x + (v - pn->xa.lo) / (pn->xa.hi - pn->xa.lo) * pn->w;
}

double plot_panel_y(const struct plot_panel *pn, double v)
{
	double y = pn->y + pn->h - (v - pn->ya.lo) / (pn->ya.hi - pn->ya.lo) * pn->h;
	return fmax(pn->y - pn->h, fmin(y, pn->y + 2 * pn->h));
}

void plot_panel_note(const struct plot_panel *pn, const char *text)
{
	fputs("<text class=\"note\" x=\"", pn->out);
	svg_num(pn->out, pn->x + pn->w / 2);
	fputs("\" y=\"", pn->out);
	svg_num(pn->out, pn->y + pn->h / 2);
	fputs("\">", pn->out);
	svg_text(pn->out, text);
	fputs("</text>\n", pn->out);
}

void plot_panel_close(struct plot_panel *pn)
{
	fputs("</g>\n<rect class=\"frame\" x=\"", pn->out);
	svg_num(pn->out, pn->x);
	fputs("\" y=\"", pn->out);
	svg_num(pn->out, pn->y);
	fputs("\" width=\"", pn->out);
	svg_num(pn->out, pn->w);
	fputs("\" height=\"", pn->out);
	svg_num(pn->out, pn->h);
	fputs("\"/>\n</g>\n", pn->out);
}
