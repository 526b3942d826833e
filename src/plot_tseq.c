/*
 * plot_tseq.c - the time-sequence graph (Stevens, tcptrace): for each
 * direction that sent data, its relative sequence numbers against time.
 *
 *   seq ▲            ___ window line (ACK + advertised window, gold)
 *       │       ____|
 *       │      |   ┃ ┃┃  data segments: vertical bars from seq to seq+len
 *       │   ┃┃ |___▐     retransmissions: thick, coloured by kind
 *       │ ┃┃ ____|       ACK line (green): the peer's cumulative ACK
 *       │┃___|  ▪        SACK blocks (purple) above the ACK line
 *       └────────────────────────────────────► time
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "plot.h"
#include "plot_common.h"
#include "plot_panel.h"
#include "plot_thin.h"
#include "svg.h"
#include "tcp_seq.h"

#define RETX_MIN_PX 6.0   /* a retransmission is drawn at least this tall */
#define MARK_LABELS_MAX 8 /* SYN/FIN/RST marks of one kind that get a text label */

enum retx_kind { RETX_NONE, RETX_FAST, RETX_TIMEOUT, RETX_TLP, RETX_SPURIOUS, RETX_OTHER, RETX__COUNT };

static const char *const retx_class[RETX__COUNT] = {
	[RETX_FAST] = "retx fast", [RETX_TIMEOUT] = "retx timeout", [RETX_TLP] = "retx tlp",
	[RETX_SPURIOUS] = "retx spurious", [RETX_OTHER] = "retx other",
};

/* The kind a retransmission is drawn as: the analysis' most specific bit (fast, timeout, TLP, spurious), else other. */
static enum retx_kind retx_kind_of(uint32_t bits)
{
	if (bits & TCP_SEQ_FAST_RETRANSMISSION)
		return RETX_FAST;
	if (bits & TCP_SEQ_TIMEOUT_RETRANSMISSION)
		return RETX_TIMEOUT;
	if (bits & TCP_SEQ_TLP_RETRANSMISSION)
		return RETX_TLP;
	if (bits & TCP_SEQ_SPURIOUS_RETRANSMISSION)
		return RETX_SPURIOUS;
	if (bits & TCP_SEQ_RETRANSMISSION)
		return RETX_OTHER;
	return RETX_NONE;
}

/* Sequence space of direction d as the panel sees it, fed every packet in capture order. */
struct seq_space {
	int d;
	struct plot_unwrap uw;
	bool base_set;            /* sequence numbers of d without a known ISN: relative to the first seen */
	uint32_t base;
};

/* What one packet puts into d's sequence space. */
struct seq_view {
	bool seg;                 /* d sent sequence space: [seg_lo, seg_hi) (SYN and FIN count 1) */
	bool at_seq;              /* d sent it: seq holds its (relative) sequence number */
	int64_t seq, seg_lo, seg_hi;
	bool ack;                 /* the peer acknowledged up to ack (and advertised win_edge) */
	int64_t ack_v, win_edge;
	int nsack;
	int64_t sack_lo[PKTREC_SACK_MAX], sack_hi[PKTREC_SACK_MAX];
};

static void seq_space_init(struct seq_space *s, int d)
{
	memset(s, 0, sizeof *s);
	s->d = d;
}

static void seq_view_of(struct seq_space *s, const struct packet_record *p, struct seq_view *v)
{
	memset(v, 0, sizeof *v);
	if (p->dir == s->d) {
		uint32_t rel = p->seq_rel;
		if (!p->seq_known) {
			if (!s->base_set) {
				s->base = rel;
				s->base_set = true;
			}
			rel -= s->base;
		}
		v->at_seq = true;
		v->seq = plot_unwrap(&s->uw, rel);
		uint32_t space = p->len + ((p->tcp_flags & TCP_FLAG_SYN) ? 1 : 0) + ((p->tcp_flags & TCP_FLAG_FIN) ? 1 : 0);
		if (space > 0 && !(p->tcp_flags & TCP_FLAG_RST)) {
			v->seg = true;
			v->seg_lo = v->seq;
			v->seg_hi = v->seq + space;
		}
		return;
	}
	if (!p->ack_known)
		return;
	v->ack = true;
	v->ack_v = plot_unwrap(&s->uw, p->ack_rel);
	v->win_edge = v->ack_v + (int64_t)p->window;
	for (int i = 0; i < p->sack_count && i < PKTREC_SACK_MAX; i++) {
		v->sack_lo[v->nsack] = plot_unwrap(&s->uw, p->sack[i].left_rel);
		v->sack_hi[v->nsack] = v->sack_lo[v->nsack] + (int64_t)(uint32_t)(p->sack[i].right_rel - p->sack[i].left_rel);
		v->nsack++;
	}
}

/* What the panel of one direction shows, gathered in a first pass. */
struct dir_facts {
	bool sent_data;
	uint64_t segments, payload;
	unsigned retx[RETX__COUNT];
	unsigned zero_windows, zw_episodes;
	double zw_seconds;
	bool have_y;
	int64_t ymin, ymax, win_max;
};

static void widen(struct dir_facts *f, int64_t v)
{
	if (!f->have_y) {
		f->ymin = f->ymax = v;
		f->have_y = true;
	}
	if (v < f->ymin)
		f->ymin = v;
	if (v > f->ymax)
		f->ymax = v;
}

/* Zero-window episodes of the receiver of d's data: from a zero-window advertisement to the next non-zero window. */
struct zw_tracker {
	bool open;
	double t0;
};

/* Feed packet p (sent by the peer of d); true when an episode ended at *t1 (it began at *t0). */
static bool zw_step(struct zw_tracker *z, int d, const struct packet_record *p, double *t0, double *t1)
{
	if (p->dir == d)
		return false;
	double t = plot_rel_s(p);
	if (p->seq_bits & TCP_SEQ_ZERO_WINDOW) {
		if (!z->open) {
			z->open = true;
			z->t0 = t;
		}
		return false;
	}
	if (z->open && p->window > 0) {
		z->open = false;
		*t0 = z->t0;
		*t1 = t;
		return true;
	}
	return false;
}

static void gather(const struct packet_record *p, size_t n, int d, double span, struct dir_facts *f)
{
	memset(f, 0, sizeof *f);
	struct seq_space s;
	seq_space_init(&s, d);
	struct zw_tracker z = {0};
	for (size_t i = 0; i < n; i++) {
		struct seq_view v;
		seq_view_of(&s, &p[i], &v);
		if (p[i].dir == d) {
			if (p[i].len > 0) {
				f->sent_data = true;
				f->segments++;
				f->payload += p[i].len;
			}
			f->retx[retx_kind_of(p[i].seq_bits)]++;
		} else if (p[i].seq_bits & TCP_SEQ_ZERO_WINDOW) {
			f->zero_windows++;
		}
		if (v.seg) {
			widen(f, v.seg_lo);
			widen(f, v.seg_hi);
		} else if (v.at_seq) {
			widen(f, v.seq);
		}
		if (v.ack) {
			widen(f, v.ack_v);
			if (v.win_edge > f->win_max)
				f->win_max = v.win_edge;
			for (int k = 0; k < v.nsack; k++) {
				widen(f, v.sack_lo[k]);
				widen(f, v.sack_hi[k]);
			}
		}
		double t0, t1;
		if (zw_step(&z, d, &p[i], &t0, &t1)) {
			f->zw_episodes++;
			f->zw_seconds += t1 - t0;
		}
	}
	if (z.open) {
		f->zw_episodes++;
		f->zw_seconds += span - z.t0;
	}
}

static const char *const retx_name[RETX__COUNT] = {
	[RETX_FAST] = "fast", [RETX_TIMEOUT] = "timeout", [RETX_TLP] = "TLP", [RETX_SPURIOUS] = "spurious",
	[RETX_OTHER] = "other",
};

/* "server → client: 2.1 MB in 731 segments; 2 retransmissions (2 other); zero window 4 times, 4.908 s" */
static void heading_of(const struct dir_facts *f, int d, char *buf, size_t n)
{
	char bytes[32];
	unsigned retx = 0;
	for (int k = RETX_FAST; k < RETX__COUNT; k++)
		retx += f->retx[k];
	size_t w = (size_t)snprintf(buf, n, "%s: %s in %llu segments; %u retransmissions", plot_dir_name(d),
				    plot_format_value(PLOT_Q_BYTES, (double)f->payload, bytes, sizeof bytes),
				    (unsigned long long)f->segments, retx);
	const char *sep = " (";
	for (int k = RETX_FAST; k < RETX__COUNT && w < n; k++) {
		if (f->retx[k] == 0)
			continue;
		w += (size_t)snprintf(buf + w, n - w, "%s%u %s", sep, f->retx[k], retx_name[k]);
		sep = ", ";
	}
	if (retx > 0 && w < n)
		w += (size_t)snprintf(buf + w, n - w, ")");
	if (f->zero_windows > 0 && w < n)
		snprintf(buf + w, n - w, "; zero window %u times, %.3f s", f->zero_windows, f->zw_seconds);
}

static const struct plot_legend_item tseq_legend[] = {
	{"data", PLOT_SWATCH_BAR, "data"},
	{"ack", PLOT_SWATCH_LINE, "ACK"},
	{"win", PLOT_SWATCH_LINE, "ACK + window"},
	{"sack", PLOT_SWATCH_BAR, "SACK"},
	{"retx fast", PLOT_SWATCH_BAR, "fast retransmission"},
	{"retx timeout", PLOT_SWATCH_BAR, "timeout retransmission"},
	{"retx tlp", PLOT_SWATCH_BAR, "tail-loss probe"},
	{"retx spurious", PLOT_SWATCH_BAR, "spurious retransmission"},
	{"retx other", PLOT_SWATCH_BAR, "other retransmission"},
	{"zwin-span", PLOT_SWATCH_AREA, "zero window"},
	{"syn", PLOT_SWATCH_DOT, "SYN"},
	{"fin", PLOT_SWATCH_DOT, "FIN"},
	{"rst", PLOT_SWATCH_DOT, "RST"},
};

/* A bar from seq lo to hi at time t, at least min_px tall (grown around its middle). */
static void bar_px(const struct plot_panel *pn, double t, int64_t lo, int64_t hi, double min_px, double *x,
		   double *top, double *bottom)
{
	*x = plot_panel_x(pn, t);
	*top = plot_panel_y(pn, (double)hi);
	*bottom = plot_panel_y(pn, (double)lo);
	if (*bottom - *top < min_px) {
		double mid = (*top + *bottom) / 2;
		*top = mid - min_px / 2;
		*bottom = mid + min_px / 2;
	}
}

static void draw_zero_windows(const struct plot_panel *pn, const struct packet_record *p, size_t n, int d,
			      double span)
{
	struct zw_tracker z = {0};
	double t0, t1;
	for (size_t i = 0; i <= n; i++) {
		bool ended = false;
		if (i < n) {
			ended = zw_step(&z, d, &p[i], &t0, &t1);
		} else if (z.open) {
			ended = true;
			t0 = z.t0;
			t1 = span;
		}
		if (!ended)
			continue;
		double x0 = plot_panel_x(pn, t0), x1 = plot_panel_x(pn, t1);
		fprintf(pn->out, "<rect class=\"zwin-span\" data-t0=\"%.6f\" data-t1=\"%.6f\" x=\"", t0, t1);
		svg_num(pn->out, x0);
		fputs("\" y=\"", pn->out);
		svg_num(pn->out, pn->y);
		fputs("\" width=\"", pn->out);
		svg_num(pn->out, fmax(x1 - x0, 1.0));
		fputs("\" height=\"", pn->out);
		svg_num(pn->out, pn->h);
		fputs("\"/>\n", pn->out);
	}
}

/* One of the peer's lines in d's sequence space: its ACK, ACK + window, or its SACK blocks. */
enum peer_line { LINE_ACK, LINE_WIN, LINE_SACK };

/* Each line in a pass of its own: an SVG element is written whole before the next begins. */
static void draw_peer_line(const struct plot_panel *pn, const struct packet_record *p, size_t n, int d, double span,
			   enum peer_line which)
{
	struct seq_space s;
	seq_space_init(&s, d);
	struct plot_bars sack;
	struct plot_steps line;
	plot_bars_init(&sack, pn->out, "sack", pn->y, pn->h);
	plot_steps_init(&line, pn->out, which == LINE_ACK ? "ack" : "win");
	for (size_t i = 0; i < n; i++) {
		struct seq_view v;
		seq_view_of(&s, &p[i], &v);
		if (!v.ack)
			continue;
		double t = plot_rel_s(&p[i]), x = plot_panel_x(pn, t);
		if (which == LINE_ACK)
			plot_steps_add(&line, x, plot_panel_y(pn, (double)v.ack_v));
		else if (which == LINE_WIN)
			plot_steps_add(&line, x, plot_panel_y(pn, (double)v.win_edge));
		for (int k = 0; which == LINE_SACK && k < v.nsack; k++) {
			double bx, top, bottom;
			bar_px(pn, t, v.sack_lo[k], v.sack_hi[k], 1.0, &bx, &top, &bottom);
			plot_bars_add(&sack, bx, top, bottom);
		}
	}
	plot_bars_finish(&sack);
	plot_steps_finish(&line, plot_panel_x(pn, span));
}

static void draw_segments(const struct plot_panel *pn, const struct packet_record *p, size_t n, int d)
{
	struct seq_space s;
	seq_space_init(&s, d);
	struct plot_bars data;
	plot_bars_init(&data, pn->out, "data", pn->y, pn->h);
	for (size_t i = 0; i < n; i++) {
		struct seq_view v;
		seq_view_of(&s, &p[i], &v);
		if (!v.seg || retx_kind_of(p[i].seq_bits) != RETX_NONE)
			continue;
		double x, top, bottom;
		bar_px(pn, plot_rel_s(&p[i]), v.seg_lo, v.seg_hi, 1.0, &x, &top, &bottom);
		plot_bars_add(&data, x, top, bottom);
	}
	plot_bars_finish(&data);
}

/* Every retransmission, each its own element with its frame number and time. */
static void draw_retransmissions(const struct plot_panel *pn, const struct packet_record *p, size_t n, int d)
{
	struct seq_space s;
	seq_space_init(&s, d);
	for (size_t i = 0; i < n; i++) {
		struct seq_view v;
		seq_view_of(&s, &p[i], &v);
		enum retx_kind k = p[i].dir == d ? retx_kind_of(p[i].seq_bits) : RETX_NONE;
		if (k == RETX_NONE || !v.at_seq)
			continue;
		int64_t hi = v.seg ? v.seg_hi : v.seq;
		double t = plot_rel_s(&p[i]), x, top, bottom;
		bar_px(pn, t, v.seq, hi, RETX_MIN_PX, &x, &top, &bottom);
		fprintf(pn->out, "<path class=\"%s\" data-frame=\"%llu\" data-t=\"%.6f\" d=\"M", retx_class[k],
			(unsigned long long)p[i].frame, t);
		svg_num(pn->out, x);
		fputc(' ', pn->out);
		svg_num(pn->out, top);
		fputc('V', pn->out);
		svg_num(pn->out, bottom);
		fputs("\"/>\n", pn->out);
	}
}

/* A SYN, FIN or RST: a dot, and a label above it (this side's) or below it (the peer's: they often coincide). */
static void mark(const struct plot_panel *pn, const char *cls, const char *label, bool with_label, bool below,
		 uint64_t frame, double t, double x, double y)
{
	FILE *out = pn->out;
	fprintf(out, "<g class=\"mark %s\" data-frame=\"%llu\" data-t=\"%.6f\"><circle cx=\"", cls,
		(unsigned long long)frame, t);
	svg_num(out, x);
	fputs("\" cy=\"", out);
	svg_num(out, y);
	fputs("\" r=\"3.5\"/>", out);
	if (with_label) {
		/* near the right edge the label goes to the left of its dot */
		bool left = x > pn->x + pn->w - 70;
		fprintf(out, "<text%s x=\"", left ? " class=\"ty\"" : "");
		svg_num(out, left ? x - 5 : x + 5);
		fputs("\" y=\"", out);
		svg_num(out, below ? y + 14 : y - 5);
		fprintf(out, "\">%s</text>", label);
	}
	fputs("</g>\n", out);
}

/*
 * Zero-window advertisements of the peer (on the ACK line, one element each)
 * and the SYN, FIN and RST of both sides: this side's at its sequence
 * number, the peer's at its ACK (or the last ACK seen).
 */
static void draw_marks(const struct plot_panel *pn, const struct packet_record *p, size_t n, int d)
{
	struct seq_space s;
	seq_space_init(&s, d);
	unsigned labels[3] = {0, 0, 0};
	double last_y = pn->y + pn->h;
	for (size_t i = 0; i < n; i++) {
		struct seq_view v;
		seq_view_of(&s, &p[i], &v);
		double t = plot_rel_s(&p[i]), x = plot_panel_x(pn, t);
		double y = last_y;
		if (v.at_seq)
			y = plot_panel_y(pn, (double)v.seq);
		else if (v.ack)
			y = last_y = plot_panel_y(pn, (double)v.ack_v);
		if (p[i].dir != d && (p[i].seq_bits & TCP_SEQ_ZERO_WINDOW)) {
			fprintf(pn->out, "<circle class=\"zwin\" data-frame=\"%llu\" data-t=\"%.6f\" cx=\"",
				(unsigned long long)p[i].frame, t);
			svg_num(pn->out, x);
			fputs("\" cy=\"", pn->out);
			svg_num(pn->out, y);
			fputs("\" r=\"4\"/>\n", pn->out);
		}
		uint16_t fl = p[i].tcp_flags;
		const char *peer = p[i].dir == d ? "" : "peer ";
		char label[16];
		if (fl & TCP_FLAG_SYN) {
			snprintf(label, sizeof label, "%s%s", peer, (fl & TCP_FLAG_ACK) ? "SYN-ACK" : "SYN");
			mark(pn, "syn", label, labels[0]++ < MARK_LABELS_MAX, *peer != 0, p[i].frame, t, x, y);
		}
		if (fl & TCP_FLAG_FIN) {
			snprintf(label, sizeof label, "%sFIN", peer);
			mark(pn, "fin", label, labels[1]++ < MARK_LABELS_MAX, *peer != 0, p[i].frame, t, x, y);
		}
		if (fl & TCP_FLAG_RST) {
			snprintf(label, sizeof label, "%sRST", peer);
			mark(pn, "rst", label, labels[2]++ < MARK_LABELS_MAX, *peer != 0, p[i].frame, t, x, y);
		}
	}
}

static void draw_direction(FILE *out, const struct packet_record *p, size_t n, int d, int panel, double span,
			   const struct dir_facts *f)
{
	double ylo = 0, yhi = 1;
	if (f->have_y) {
		ylo = (double)f->ymin;
		yhi = (double)f->ymax;
		double range = fmax(yhi - ylo, 1.0);
		/* the window line is shown up to half the data's range above it; beyond, it is clipped */
		double top = fmin((double)f->win_max, yhi + range / 2);
		if (top > yhi)
			yhi = top;
		yhi += range * 0.03;
		ylo = ylo >= 0 ? fmax(0.0, ylo - range * 0.03) : ylo - range * 0.03;
	}
	char heading[256];
	heading_of(f, d, heading, sizeof heading);
	struct plot_panel pn;
	plot_panel_open(&pn, out, panel, plot_doc_panel_top(panel), heading, tseq_legend,
			sizeof tseq_legend / sizeof tseq_legend[0], -span * 0.01, span * 1.02, PLOT_Q_SECONDS,
			"time since the first packet", ylo, yhi, PLOT_Q_BYTES, "relative sequence number");
	fprintf(out, "<g class=\"tseq\" data-dir=\"%d\">\n", d);
	draw_zero_windows(&pn, p, n, d, span);
	draw_peer_line(&pn, p, n, d, span, LINE_SACK);
	draw_peer_line(&pn, p, n, d, span, LINE_WIN);
	draw_peer_line(&pn, p, n, d, span, LINE_ACK);
	draw_segments(&pn, p, n, d);
	draw_retransmissions(&pn, p, n, d);
	draw_marks(&pn, p, n, d);
	fputs("</g>\n", out);
	if (!f->sent_data)
		plot_panel_note(&pn, "this direction sent no data");
	plot_panel_close(&pn);
}

int plot_write_tseq(FILE *out, const struct packet_record *p, size_t n, const char *title)
{
	double span = plot_span_s(p, n);
	if (span < 1e-3)
		span = 1e-3;
	struct dir_facts f[2];
	gather(p, n, 0, span, &f[0]);
	gather(p, n, 1, span, &f[1]);
	int dirs[2], nd = 0;
	for (int d = 0; d < 2; d++)
		if (f[d].sent_data)
			dirs[nd++] = d;
	if (nd == 0)
		dirs[nd++] = 0; /* no data at all: the client's side still shows the handshake and how it ended */
	plot_doc_begin(out, title, nd);
	for (int i = 0; i < nd; i++)
		draw_direction(out, p, n, dirs[i], i, span, &f[dirs[i]]);
	return svg_end(out);
}
