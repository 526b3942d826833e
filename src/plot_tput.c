/*
 * plot_tput.c - throughput per interval, both directions in one panel:
 * TCP payload bytes sent in each interval (retransmissions included) as
 * bit/s, and the goodput (retransmissions left out) dashed. The interval is
 * a nice value near a hundredth of the connection's duration, at least 1 ms.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plot_common.h"
#include "plot_panel.h"
#include "plot_thin.h"
#include "svg.h"
#include "tcp_seq.h"

#define TARGET_BINS 100
#define MIN_INTERVAL_S 1e-3

static const uint32_t retransmitted_bits =
	TCP_SEQ_RETRANSMISSION | TCP_SEQ_FAST_RETRANSMISSION | TCP_SEQ_SPURIOUS_RETRANSMISSION;

struct tput_bins {
	size_t n;
	double interval;
	uint64_t *bytes[2], *good[2];
	uint64_t total[2];
	double peak_bps;
};

static bool bins_fill(struct tput_bins *b, const struct packet_record *p, size_t n, double span)
{
	memset(b, 0, sizeof *b);
	b->interval = fmax(plot_nice_step(span, TARGET_BINS), MIN_INTERVAL_S);
	b->n = (size_t)floor(span / b->interval) + 1;
	for (int d = 0; d < 2; d++) {
		b->bytes[d] = calloc(b->n, sizeof(uint64_t));
		b->good[d] = calloc(b->n, sizeof(uint64_t));
		if (b->bytes[d] == NULL || b->good[d] == NULL)
			return false;
	}
	for (size_t i = 0; i < n; i++) {
		int d = p[i].dir == 1 ? 1 : 0;
		size_t k = (size_t)floor(plot_rel_s(&p[i]) / b->interval);
		if (k >= b->n)
			k = b->n - 1;
		b->bytes[d][k] += p[i].len;
		b->total[d] += p[i].len;
		if (!(p[i].seq_bits & retransmitted_bits))
			b->good[d][k] += p[i].len;
	}
	for (int d = 0; d < 2; d++)
		for (size_t k = 0; k < b->n; k++)
			b->peak_bps = fmax(b->peak_bps, (double)b->bytes[d][k] * 8 / b->interval);
	return true;
}

static void bins_free(struct tput_bins *b)
{
	for (int d = 0; d < 2; d++) {
		free(b->bytes[d]);
		free(b->good[d]);
	}
}

static void draw_series(const struct plot_panel *pn, const struct tput_bins *b, const uint64_t *v, const char *cls)
{
	struct plot_steps s;
	plot_steps_init(&s, pn->out, cls);
	for (size_t k = 0; k < b->n; k++)
		plot_steps_add(&s, plot_panel_x(pn, (double)k * b->interval),
			       plot_panel_y(pn, (double)v[k] * 8 / b->interval));
	plot_steps_finish(&s, plot_panel_x(pn, (double)b->n * b->interval));
}

static void draw(FILE *out, const struct tput_bins *b)
{
	char heading[256], lab[4][48], iv[32], r0[32], r1[32], pk[32];
	double dur = (double)b->n * b->interval;
	snprintf(heading, sizeof heading, "throughput per %s: client \xe2\x86\x92 server avg %s, server \xe2\x86\x92 client avg %s, peak %s",
		 plot_format_value(PLOT_Q_SECONDS, b->interval, iv, sizeof iv),
		 plot_format_value(PLOT_Q_BITRATE, (double)b->total[0] * 8 / dur, r0, sizeof r0),
		 plot_format_value(PLOT_Q_BITRATE, (double)b->total[1] * 8 / dur, r1, sizeof r1),
		 plot_format_value(PLOT_Q_BITRATE, b->peak_bps, pk, sizeof pk));
	snprintf(lab[0], sizeof lab[0], "%s", plot_dir_name(0));
	snprintf(lab[1], sizeof lab[1], "%s", plot_dir_name(1));
	snprintf(lab[2], sizeof lab[2], "%s goodput", plot_dir_name(0));
	snprintf(lab[3], sizeof lab[3], "%s goodput", plot_dir_name(1));
	const struct plot_legend_item legend[] = {
		{"tput0", PLOT_SWATCH_LINE, lab[0]}, {"tput1", PLOT_SWATCH_LINE, lab[1]},
		{"good0", PLOT_SWATCH_LINE, lab[2]}, {"good1", PLOT_SWATCH_LINE, lab[3]},
	};
	struct plot_panel pn;
	plot_panel_open(&pn, out, 0, plot_doc_panel_top(0), heading, legend, sizeof legend / sizeof legend[0], 0,
			dur, PLOT_Q_SECONDS, "time since the first packet", 0, fmax(b->peak_bps * 1.08, 8.0),
			PLOT_Q_BITRATE, "throughput");
	static const char *const tput_cls[2] = {"tput0", "tput1"}, *const good_cls[2] = {"good0", "good1"};
	for (int d = 0; d < 2; d++) {
		/* the bins' byte counts, for whoever checks the drawing against the capture */
		fprintf(out, "<g class=\"tput\" data-dir=\"%d\" data-interval=\"%.9g\" data-bytes=\"", d, b->interval);
		for (size_t k = 0; k < b->n; k++)
			fprintf(out, "%s%llu", k ? " " : "", (unsigned long long)b->bytes[d][k]);
		fputs("\">\n", out);
		draw_series(&pn, b, b->good[d], good_cls[d]);
		draw_series(&pn, b, b->bytes[d], tput_cls[d]);
		fputs("</g>\n", out);
	}
	plot_panel_close(&pn);
}

int plot_write_tput(FILE *out, const struct packet_record *p, size_t n, const char *title)
{
	double span = plot_span_s(p, n);
	struct tput_bins b;
	if (!bins_fill(&b, p, n, span)) {
		bins_free(&b);
		return -1;
	}
	plot_doc_begin(out, title, 1);
	draw(out, &b);
	bins_free(&b);
	return svg_end(out);
}
