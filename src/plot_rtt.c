/*
 * plot_rtt.c - RTT samples and SRTT over time, one panel per direction
 * whose data was timed: a sample is the time from a segment to the peer's
 * ACK that ends exactly at it (tcptrace's rule, Karn's rule: the analysis,
 * tcp_seq.h), drawn at the ACK's time; SRTT (RFC 6298) as a step line.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot.h"
#include "plot_common.h"
#include "plot_panel.h"
#include "plot_thin.h"
#include "svg.h"
#include "tcp_seq.h"

/* RTT facts of d's data: the samples are on the peer's ACKs. */
struct rtt_facts {
	uint64_t samples;
	uint32_t min_us, max_us, last_srtt_us;
	uint64_t sum_us;
};

static bool is_sample_of(const struct packet_record *p, int d)
{
	return p->dir != d && (p->seq_bits & TCP_SEQ_RTT_SAMPLE);
}

static void gather(const struct packet_record *p, size_t n, int d, struct rtt_facts *f)
{
	memset(f, 0, sizeof *f);
	for (size_t i = 0; i < n; i++) {
		if (p[i].dir != d && p[i].srtt_us > 0)
			f->last_srtt_us = p[i].srtt_us;
		if (!is_sample_of(&p[i], d))
			continue;
		uint32_t us = p[i].rtt_sample_us;
		if (f->samples == 0 || us < f->min_us)
			f->min_us = us;
		if (us > f->max_us)
			f->max_us = us;
		f->sum_us += us;
		f->samples++;
	}
}

static const struct plot_legend_item rtt_legend[] = {
	{"rtt-sample", PLOT_SWATCH_BAR, "RTT sample (at the ACK)"},
	{"srtt", PLOT_SWATCH_LINE, "SRTT (RFC 6298)"},
};

static void draw_direction(FILE *out, const struct packet_record *p, size_t n, int d, int panel, double span,
			   const struct rtt_facts *f)
{
	char heading[256];
	double top_s = 1e-3;
	if (f->samples > 0) {
		snprintf(heading, sizeof heading,
			 "RTT of %s data: %llu samples, min %.3f ms, avg %.3f ms, max %.3f ms, last SRTT %.3f ms",
			 plot_dir_name(d), (unsigned long long)f->samples, f->min_us / 1e3,
			 (double)f->sum_us / (double)f->samples / 1e3, f->max_us / 1e3, f->last_srtt_us / 1e3);
		top_s = fmax(f->max_us, f->last_srtt_us) / 1e6 * 1.08;
	} else {
		snprintf(heading, sizeof heading, "RTT: no samples in either direction");
	}
	struct plot_panel pn;
	plot_panel_open(&pn, out, panel, plot_doc_panel_top(panel), heading, rtt_legend,
			sizeof rtt_legend / sizeof rtt_legend[0], 0, span * 1.02, PLOT_Q_SECONDS,
			"time since the first packet", 0, top_s, PLOT_Q_SECONDS, "round-trip time");
	fprintf(out, "<g class=\"rtt\" data-dir=\"%d\" data-samples=\"%llu\" data-min-us=\"%u\" data-max-us=\"%u\">\n", d,
		(unsigned long long)f->samples, f->min_us, f->max_us);
	struct plot_bars dots;
	struct plot_steps srtt;
	plot_bars_init(&dots, out, "rtt-sample", pn.y, pn.h);
	for (size_t i = 0; i < n; i++) {
		if (!is_sample_of(&p[i], d))
			continue;
		double x = plot_panel_x(&pn, plot_rel_s(&p[i])), y = plot_panel_y(&pn, p[i].rtt_sample_us / 1e6);
		plot_bars_add(&dots, x, y - 1.5, y + 1.5);
	}
	plot_bars_finish(&dots);
	plot_steps_init(&srtt, out, "srtt");
	for (size_t i = 0; i < n; i++)
		if (p[i].dir != d && p[i].srtt_us > 0)
			plot_steps_add(&srtt, plot_panel_x(&pn, plot_rel_s(&p[i])), plot_panel_y(&pn, p[i].srtt_us / 1e6));
	plot_steps_finish(&srtt, plot_panel_x(&pn, span));
	fputs("</g>\n", out);
	if (f->samples == 0)
		plot_panel_note(&pn, "no RTT samples (no data ACKed exactly, or only retransmitted data)");
	plot_panel_close(&pn);
}

int plot_write_rtt(FILE *out, const struct packet_record *p, size_t n, const char *title)
{
	double span = fmax(plot_span_s(p, n), 1e-3);
	struct rtt_facts f[2];
	int dirs[2], nd = 0;
	for (int d = 0; d < 2; d++) {
		gather(p, n, d, &f[d]);
		if (f[d].samples > 0)
			dirs[nd++] = d;
	}
	if (nd == 0)
		dirs[nd++] = 0;
	plot_doc_begin(out, title, nd);
	for (int i = 0; i < nd; i++)
		draw_direction(out, p, n, dirs[i], i, span, &f[dirs[i]]);
	return svg_end(out);
}
