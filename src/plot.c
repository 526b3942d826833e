/* plot.c - the packets a plot is drawn from, and what the three plots share (style, document frame, conversions). */
#include "plot.h"

#include <stdlib.h>

#include "plot_common.h"
#include "plot_panel.h"
#include "svg.h"

#define TITLE_H 30

void plot_packets_init(struct plot_packets *pp)
{
	pp->v = NULL;
	pp->n = pp->cap = 0;
	pp->out_of_memory = false;
}

void plot_packets_free(struct plot_packets *pp)
{
	free(pp->v);
	plot_packets_init(pp);
}

void plot_packets_add(void *ctx, const struct packet_record *p)
{
	struct plot_packets *pp = ctx;
	if (pp->n == pp->cap) {
		size_t cap = pp->cap ? pp->cap * 2 : 1024;
		if (cap > SIZE_MAX / sizeof *pp->v) {
			pp->out_of_memory = true;
			return;
		}
		struct packet_record *v = realloc(pp->v, cap * sizeof *v);
		if (v == NULL) {
			pp->out_of_memory = true;
			return;
		}
		pp->v = v;
		pp->cap = cap;
	}
	pp->v[pp->n] = *p;
	pp->v[pp->n].sni = NULL;      /* the record's strings and frame are valid during the call only */
	pp->v[pp->n].captured = NULL;
	pp->n++;
}

/*
 * Colours: data black as in Stevens' figures and tcptrace; the ACK line
 * green and the window line gold as tcptrace draws them; SACK purple; the
 * retransmissions in colours that differ for people with the common
 * colour-vision deficiencies (ColorBrewer Set1: fast orange, timeout red,
 * tail-loss probe magenta, spurious brown, other dark grey), thicker.
 */
static const char plot_css[] =
	".bg{fill:#fff}\n"
	"text{font-family:DejaVu Sans,Verdana,sans-serif;font-size:11px;fill:#222}\n"
	".title{font-size:14px;font-weight:bold}\n"
	".heading{font-size:13px;font-weight:bold}\n"
	".tx{text-anchor:middle}.ty{text-anchor:end}\n"
	".note{text-anchor:middle;font-size:13px;fill:#666}\n"
	".frame{fill:none;stroke:#333;stroke-width:1}\n"
	".grid{fill:none;stroke:#e2e2e2;stroke-width:1}\n"
	".data{fill:none;stroke:#000;stroke-width:1}\n"
	".ack{fill:none;stroke:#1a9850;stroke-width:1.2}\n"
	".win{fill:none;stroke:#d4a017;stroke-width:1.2}\n"
	".sack{fill:none;stroke:#8e44ad;stroke-width:2}\n"
	".retx{fill:none;stroke-width:3}\n"
	".fast{stroke:#ff7f00}.timeout{stroke:#e41a1c}.tlp{stroke:#e7298a}.spurious{stroke:#a65628}.other{stroke:#555}\n"
	".zwin-span{fill:#ffcccc;fill-opacity:0.55;stroke:none}\n"
	".zwin{fill:none;stroke:#c00;stroke-width:1.5}\n"
	".syn{fill:#1a9850}.fin{fill:#2166ac}.rst{fill:#e41a1c}\n"
	".mark text{font-size:10px;font-weight:bold}\n"
	".rtt-sample{fill:none;stroke:#1f78b4;stroke-width:3;stroke-opacity:0.6}\n"
	".srtt{fill:none;stroke:#e41a1c;stroke-width:1.5}\n"
	".tput0{fill:none;stroke:#1f78b4;stroke-width:1.5}.tput1{fill:none;stroke:#33a02c;stroke-width:1.5}\n"
	".good0{fill:none;stroke:#1f78b4;stroke-width:1;stroke-dasharray:4 3}"
	".good1{fill:none;stroke:#33a02c;stroke-width:1;stroke-dasharray:4 3}\n";

const char *plot_dir_name(int dir)
{
	return dir == 0 ? "client \xe2\x86\x92 server" : "server \xe2\x86\x92 client";
}

void plot_doc_begin(FILE *out, const char *title, int panels)
{
	svg_begin(out, PLOT_WIDTH, TITLE_H + panels * PLOT_PANEL_H, title, plot_css);
	fprintf(out, "<text class=\"title\" x=\"%d\" y=\"20\">", PLOT_MARGIN_LEFT);
	svg_text(out, title);
	fputs("</text>\n", out);
}

double plot_doc_panel_top(int i)
{
	return TITLE_H + (double)i * PLOT_PANEL_H;
}

double plot_rel_s(const struct packet_record *p)
{
	return p->rel_ns > 0 ? (double)p->rel_ns / 1e9 : 0.0;
}

double plot_span_s(const struct packet_record *p, size_t n)
{
	double span = 0;
	for (size_t i = 0; i < n; i++) {
		double t = plot_rel_s(&p[i]);
		if (t > span)
			span = t;
	}
	return span;
}

int64_t plot_unwrap(struct plot_unwrap *u, uint32_t v)
{
	if (!u->started) {
		u->started = true;
		u->high = v;
		return v;
	}
	int32_t d = (int32_t)(v - (uint32_t)u->high);
	int64_t r = u->high + d;
	if (r > u->high)
		u->high = r;
	return r;
}
