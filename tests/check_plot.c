/* check_plot.c - the SVG plots on hand-built packet records: axes, escaping, thinning, and what each plot draws for a worked scenario. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "plot.h"
#include "plot_axis.h"
#include "plot_common.h"
#include "plot_thin.h"
#include "suites.h"
#include "svg.h"
#include "tcp_seq.h"

/* An in-memory FILE and its text. */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	ck_assert_ptr_nonnull(m->f);
}

static const char *mem_text(struct mem *m)
{
	fflush(m->f);
	return m->buf;
}

static void mem_close(struct mem *m)
{
	fclose(m->f);
	free(m->buf);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *s = strstr(hay, needle); s != NULL; s = strstr(s + 1, needle))
		n++;
	return n;
}

START_TEST(nice_steps)
{
	ck_assert_double_eq_tol(plot_nice_step(4.37, 10), 0.5, 1e-12);
	ck_assert_double_eq_tol(plot_nice_step(4.37, 8), 1.0, 1e-12);
	ck_assert_double_eq_tol(plot_nice_step(4.0, 8), 0.5, 1e-12); /* exactly 8 steps of 0.5 */
	ck_assert_double_eq_tol(plot_nice_step(1.0, 5), 0.2, 1e-12);
	ck_assert_double_eq_tol(plot_nice_step(0.037, 10), 0.005, 1e-15);
	ck_assert_double_eq_tol(plot_nice_step(730.0, 7), 200.0, 1e-9);
}
END_TEST

START_TEST(axis_units)
{
	struct plot_axis ax;
	char buf[32];
	/* 4.2 MB: ticks 0, 1, 2, 3, 4 MB (4.2e6 / 8 = 525 kB, so 1 MB steps) */
	plot_axis_setup(&ax, 0, 4.2e6, PLOT_Q_BYTES, 8);
	ck_assert_str_eq(ax.unit, "MB");
	ck_assert_int_eq(ax.count, 5);
	ck_assert_str_eq(plot_axis_label(&ax, plot_axis_tick(&ax, 2), buf, sizeof buf), "2");
	/* 1500 B stays in bytes (1.5 kB is under 2 kB): 200 B steps */
	plot_axis_setup(&ax, 0, 1500, PLOT_Q_BYTES, 8);
	ck_assert_str_eq(ax.unit, "B");
	ck_assert_int_eq(ax.count, 8);
	ck_assert_str_eq(plot_axis_label(&ax, plot_axis_tick(&ax, 7), buf, sizeof buf), "1400");
	/* 0.37 s: in ms, 50 ms steps */
	plot_axis_setup(&ax, 0, 0.37, PLOT_Q_SECONDS, 10);
	ck_assert_str_eq(ax.unit, "ms");
	ck_assert_int_eq(ax.count, 8);
	ck_assert_str_eq(plot_axis_label(&ax, plot_axis_tick(&ax, 1), buf, sizeof buf), "50");
	/* 4.37 s: 0.5 s steps labelled with one decimal */
	plot_axis_setup(&ax, 0, 4.37, PLOT_Q_SECONDS, 10);
	ck_assert_str_eq(ax.unit, "s");
	ck_assert_int_eq(ax.count, 9);
	ck_assert_str_eq(plot_axis_label(&ax, plot_axis_tick(&ax, 3), buf, sizeof buf), "1.5");
	/* 8.4 Mbit/s */
	plot_axis_setup(&ax, 0, 8.4e6, PLOT_Q_BITRATE, 8);
	ck_assert_str_eq(ax.unit, "Mbit/s");
	/* an empty domain is widened, never divides by zero */
	plot_axis_setup(&ax, 3, 3, PLOT_Q_BYTES, 8);
	ck_assert(ax.hi > ax.lo);
}
END_TEST

START_TEST(svg_escapes_text)
{
	struct mem m;
	mem_open(&m);
	/* what an attacker can put in a SNI: markup, quotes, a control byte, invalid UTF-8; é stays */
	svg_text(m.f, "<script>&\"'\x01 caf\xc3\xa9 \xff");
	ck_assert_str_eq(mem_text(&m), "&lt;script&gt;&amp;&quot;&#39;\\x01 caf\xc3\xa9 \\xff");
	mem_close(&m);
}
END_TEST

START_TEST(svg_numbers)
{
	struct mem m;
	mem_open(&m);
	svg_num(m.f, 1.26);
	fputc(' ', m.f);
	svg_num(m.f, -0.04);
	fputc(' ', m.f);
	svg_num(m.f, 12.0);
	fputc(' ', m.f);
	svg_num(m.f, 0.0 / 0.0);
	ck_assert_str_eq(mem_text(&m), "1.3 0 12 0");
	mem_close(&m);
}
END_TEST

START_TEST(unwrap_across_2_32)
{
	struct plot_unwrap u = {0};
	ck_assert_int_eq(plot_unwrap(&u, 0xFFFFFF00u), 0xFFFFFF00ll);
	ck_assert_int_eq(plot_unwrap(&u, 0x00000100u), 0x100000100ll);
	ck_assert_int_eq(plot_unwrap(&u, 0xFFFFFF80u), 0xFFFFFF80ll); /* behind the highest: before the wrap */
	ck_assert_int_eq(plot_unwrap(&u, 0x00000200u), 0x100000200ll);
}
END_TEST

START_TEST(bars_thinned_per_column)
{
	struct mem m;
	mem_open(&m);
	struct plot_bars b;
	plot_bars_init(&b, m.f, "data", 100, 400);
	/* 10000 segments in one pixel column, all within rows 200..203: one bar */
	for (int i = 0; i < 10000; i++)
		plot_bars_add(&b, 500.2, 300.0 + (i % 4) * 0.5, 301.0 + (i % 4) * 0.5);
	/* two far apart in the next column: both drawn; a third over the first's rows: skipped */
	plot_bars_add(&b, 501.5, 120, 130);
	plot_bars_add(&b, 501.5, 400, 410);
	plot_bars_add(&b, 501.6, 121, 129);
	plot_bars_finish(&b);
	ck_assert_uint_eq(b.written, 3);
	ck_assert_str_eq(mem_text(&m), "<path class=\"data\" d=\"M500.2 300V302.5 M501.5 120V130 M501.5 400V410\"/>\n");
	mem_close(&m);
}
END_TEST

START_TEST(steps_thinned_per_column)
{
	struct mem m;
	mem_open(&m);
	struct plot_steps s;
	plot_steps_init(&s, m.f, "ack");
	plot_steps_add(&s, 10, 50);
	plot_steps_add(&s, 20, 40);
	for (int i = 0; i < 1000; i++) /* one column: 40 down to 30 and up to 45, ends at 35 */
		plot_steps_add(&s, 30.1 + i * 0.0001, i == 999 ? 35 : i < 500 ? 40 - i * 0.02 : 45);
	plot_steps_finish(&s, 60);
	ck_assert_str_eq(mem_text(&m),
			 "<polyline class=\"ack\" points=\"10,50 20,50 20,40 30.1,40 30.1,30 30.1,45 30.1,35 30.2,35 60,35\"/>\n");
	mem_close(&m);
}
END_TEST

/* One packet of the worked scenario. */
static struct packet_record rec(uint64_t frame, double t_ms, int dir, uint16_t flags, uint32_t seq, uint32_t ack,
				uint32_t len, uint64_t win, uint32_t bits)
{
	struct packet_record p;
	memset(&p, 0, sizeof p);
	p.frame = frame;
	p.conn_id = 1;
	p.rel_ns = (int64_t)(t_ms * 1e6 + 0.5);
	p.ts_ns = 1700000000000000000ull + (uint64_t)p.rel_ns;
	p.dir = dir;
	p.tcp_flags = flags;
	p.seq_known = true;
	p.seq_rel = seq;
	p.ack_known = (flags & TCP_FLAG_ACK) != 0;
	p.ack_rel = ack;
	p.len = len;
	p.win_scaled = true;
	p.window = win;
	p.seq_bits = bits;
	return p;
}

enum { SYN = TCP_FLAG_SYN, ACK = TCP_FLAG_ACK, FIN = TCP_FLAG_FIN, PSH = TCP_FLAG_PSH };

/*
 * The worked scenario: the server sends 4 x 1000 bytes; the second is lost;
 * three duplicate ACKs with SACK 2001-4001; a fast retransmission at 60 ms;
 * the client ACKs everything with a zero window at 70 ms and opens it at
 * 170 ms; FIN exchange ending at 200 ms. The client sends no data.
 */
static size_t scenario(struct packet_record *p)
{
	size_t n = 0;
	p[n++] = rec(1, 0, 0, SYN, 0, 0, 0, 64240, 0);
	p[n++] = rec(2, 10, 1, SYN | ACK, 0, 1, 0, 65160, 0);
	p[n++] = rec(3, 20, 0, ACK, 1, 1, 0, 65535, 0);
	p[n++] = rec(4, 30, 1, ACK | PSH, 1, 1, 1000, 65535, 0);
	p[n++] = rec(5, 31, 1, ACK | PSH, 1001, 1, 1000, 65535, 0);
	p[n++] = rec(6, 32, 1, ACK | PSH, 2001, 1, 1000, 65535, 0);
	p[n++] = rec(7, 33, 1, ACK | PSH, 3001, 1, 1000, 65535, 0);
	p[n] = rec(8, 41, 0, ACK, 1, 1001, 0, 65535, 0);
	n++;
	for (int k = 0; k < 3; k++) {
		p[n] = rec(9 + (uint64_t)k, 42 + k, 0, ACK, 1, 1001, 0, 65535, TCP_SEQ_DUP_ACK);
		p[n].sack_count = 1;
		p[n].sack[0].left_rel = 2001;
		p[n].sack[0].right_rel = k == 0 ? 3001 : 4001;
		n++;
	}
	p[n++] = rec(12, 60, 1, ACK, 1001, 1, 1000, 65535, TCP_SEQ_FAST_RETRANSMISSION);
	p[n++] = rec(13, 70, 0, ACK, 1, 4001, 0, 0, TCP_SEQ_ZERO_WINDOW);
	p[n++] = rec(14, 170, 0, ACK, 1, 4001, 0, 8000, TCP_SEQ_WINDOW_UPDATE);
	p[n++] = rec(15, 180, 1, FIN | ACK, 4001, 1, 0, 65535, 0);
	p[n++] = rec(16, 190, 0, FIN | ACK, 1, 4002, 0, 8000, 0);
	p[n++] = rec(17, 200, 1, ACK, 4002, 2, 0, 65535, 0);
	return n;
}

START_TEST(tseq_worked_scenario)
{
	struct packet_record p[32];
	size_t n = scenario(p);
	struct mem m;
	mem_open(&m);
	ck_assert_int_eq(plot_write_tseq(m.f, p, n, "conn 1 <sni>"), 0);
	const char *svg = mem_text(&m);
	ck_assert_ptr_nonnull(strstr(svg, "<title>conn 1 &lt;sni&gt;</title>"));
	/* only the server sent data: one panel */
	ck_assert_uint_eq(count(svg, "<g class=\"tseq\""), 1);
	ck_assert_ptr_nonnull(strstr(svg, "<g class=\"tseq\" data-dir=\"1\">"));
	/*
	 * Domain: x -0.002..0.204 s (1% and 2% of the 200 ms added) over 892 px
	 * from x=84; y 0..6123.06 over 420 px from y=86 (seq 0..4002, window
	 * line capped at 4002 + 4002/2, then 3% of 4002 added on top). The
	 * retransmission (seq 1001..2001 at 60 ms): x = 84 + 0.062/0.206*892 =
	 * 352.47; y = 506 - 2001/6123.06*420 = 368.74 and 506 - 1001/6123.06*420
	 * = 437.34.
	 */
	ck_assert_uint_eq(count(svg, "class=\"retx fast\" data-frame"), 1);
	ck_assert_ptr_nonnull(
		strstr(svg, "<path class=\"retx fast\" data-frame=\"12\" data-t=\"0.060000\" d=\"M352.5 368.7V437.3\"/>"));
	/* one zero-window advertisement, one episode 70 ms .. 170 ms (x = 84 + 0.072/0.206*892 = 395.77) */
	ck_assert_uint_eq(count(svg, "class=\"zwin\""), 1);
	ck_assert_ptr_nonnull(strstr(svg, "<circle class=\"zwin\" data-frame=\"13\" data-t=\"0.070000\" cx=\"395.8\""));
	ck_assert_uint_eq(count(svg, "class=\"zwin-span\" data-"), 1);
	ck_assert_ptr_nonnull(strstr(svg, "data-t0=\"0.070000\" data-t1=\"0.170000\" x=\"395.8\""));
	/* SYN and SYN-ACK, both FINs marked (the client's as the peer's) */
	ck_assert_uint_eq(count(svg, "<g class=\"mark syn\""), 2);
	ck_assert_uint_eq(count(svg, "<g class=\"mark fin\""), 2);
	ck_assert_ptr_nonnull(strstr(svg, ">peer FIN</text>"));
	/* 4000 bytes and their 1000-byte resend */
	ck_assert_ptr_nonnull(strstr(svg, "server \xe2\x86\x92 client: 5 kB in 5 segments; 1 retransmissions (1 fast)"));
	mem_close(&m);
}
END_TEST

/*
 * Sequence numbers across 2^32 (a transfer past 4 GiB, relative numbers
 * wrap): three 4096-byte segments at relative 2^32 - 8192, 2^32 - 4096 and
 * 0 (= 2^32), 100 ms apart, each ACKed. Unwrapped, the third is drawn
 * above the second, the second above the first (SVG y grows downwards).
 */
START_TEST(tseq_across_wrap)
{
	struct packet_record p[6];
	uint32_t seqs[3] = {0xFFFFE000u, 0xFFFFF000u, 0x00000000u};
	for (int i = 0; i < 3; i++) {
		p[2 * i] = rec(2 * (uint64_t)i + 1, i * 100.0, 1, ACK, seqs[i], 1, 4096, 65535, 0);
		p[2 * i + 1] = rec(2 * (uint64_t)i + 2, i * 100.0 + 1, 0, ACK, 1, seqs[i] + 4096, 0, 65535, 0);
	}
	struct mem m;
	mem_open(&m);
	ck_assert_int_eq(plot_write_tseq(m.f, p, 6, "wrap"), 0);
	const char *svg = mem_text(&m);
	const char *panel = strstr(svg, "<g class=\"tseq\"");
	ck_assert_ptr_nonnull(panel);
	const char *d = strstr(panel, "<path class=\"data\" d=\""); /* after the legend's swatch */
	ck_assert_ptr_nonnull(d);
	d += strlen("<path class=\"data\" d=\"");
	double x[3], top[3], bottom[3];
	ck_assert_int_eq(sscanf(d, "M%lf %lfV%lf M%lf %lfV%lf M%lf %lfV%lf", &x[0], &top[0], &bottom[0], &x[1], &top[1],
				&bottom[1], &x[2], &top[2], &bottom[2]),
			 9);
	ck_assert(top[2] < top[1] && top[1] < top[0]);
	/* contiguous: each bar ends where the next begins (within the 0.1 px rounding) */
	ck_assert_double_eq_tol(top[0], bottom[1], 0.11);
	ck_assert_double_eq_tol(top[1], bottom[2], 0.11);
	mem_close(&m);
}
END_TEST

START_TEST(tseq_no_data)
{
	/* a refused connection: SYN, RST-ACK; one panel (the client's), the RST marked */
	struct packet_record p[2];
	p[0] = rec(1, 0, 0, SYN, 0, 0, 0, 64240, 0);
	p[1] = rec(2, 0.1, 1, TCP_FLAG_RST | ACK, 0, 1, 0, 0, 0);
	struct mem m;
	mem_open(&m);
	ck_assert_int_eq(plot_write_tseq(m.f, p, 2, "refused"), 0);
	const char *svg = mem_text(&m);
	ck_assert_uint_eq(count(svg, "<g class=\"tseq\" data-dir=\"0\">"), 1);
	ck_assert_uint_eq(count(svg, "<g class=\"mark rst\""), 1);
	ck_assert_ptr_nonnull(strstr(svg, "this direction sent no data"));
	mem_close(&m);
}
END_TEST

START_TEST(rtt_worked)
{
	struct packet_record p[32];
	size_t n = scenario(p);
	/* the client's ACKs at 41 ms and 70 ms time the server's data: 11 ms and 37 ms (from 30 and 33 ms) */
	p[7].seq_bits |= TCP_SEQ_RTT_SAMPLE;
	p[7].rtt_sample_us = 11000;
	p[7].srtt_us = 11000;
	p[13].seq_bits |= TCP_SEQ_RTT_SAMPLE;
	p[13].rtt_sample_us = 37000;
	p[13].srtt_us = 14250; /* 7/8 * 11 + 1/8 * 37 ms */
	struct mem m;
	mem_open(&m);
	ck_assert_int_eq(plot_write_rtt(m.f, p, n, "rtt"), 0);
	const char *svg = mem_text(&m);
	ck_assert_uint_eq(count(svg, "<g class=\"rtt\""), 1);
	ck_assert_ptr_nonnull(strstr(svg, "<g class=\"rtt\" data-dir=\"1\" data-samples=\"2\" data-min-us=\"11000\" data-max-us=\"37000\">"));
	ck_assert_ptr_nonnull(strstr(svg, "avg 24.000 ms"));
	mem_close(&m);
}
END_TEST

START_TEST(tput_worked)
{
	struct packet_record p[32];
	size_t n = scenario(p);
	struct mem m;
	mem_open(&m);
	ck_assert_int_eq(plot_write_tput(m.f, p, n, "tput"), 0);
	const char *svg = mem_text(&m);
	/* span 200 ms: interval 2 ms (200/100), 101 bins; the server's 4000 bytes at 30..33 ms: bins 15 and 16, and 30 at 60 ms */
	char want[1024];
	int w = snprintf(want, sizeof want, "<g class=\"tput\" data-dir=\"1\" data-interval=\"0.002\" data-bytes=\"");
	for (int k = 0; k < 101; k++)
		w += snprintf(want + w, sizeof want - (size_t)w, "%s%d", k ? " " : "",
			      k == 15 ? 2000 : k == 16 ? 2000 : k == 30 ? 1000 : 0);
	ck_assert_ptr_nonnull(strstr(svg, want));
	mem_close(&m);
}
END_TEST

/*
 * 100 000 packets of one bulk transfer (50 000 segments of 1448 bytes, each
 * ACKed), 200 of them retransmitted: bounded size, every retransmission
 * drawn.
 */
START_TEST(tseq_100k_bounded)
{
	size_t n = 100000;
	struct packet_record *p = calloc(n, sizeof *p);
	ck_assert_ptr_nonnull(p);
	uint32_t seq = 1;
	for (size_t i = 0; i < n; i += 2) {
		bool retx = (i / 2) % 250 == 125;
		uint32_t s = retx ? seq - 1448 * 10 : seq;
		p[i] = rec(i + 1, (double)i * 0.05, 1, ACK, s, 1, 1448, 0, retx ? TCP_SEQ_TIMEOUT_RETRANSMISSION : 0);
		if (!retx)
			seq += 1448;
		p[i + 1] = rec(i + 2, (double)i * 0.05 + 0.02, 0, ACK, 1, seq, 0, 3u << 20, 0);
	}
	struct mem m;
	mem_open(&m);
	clock_t c0 = clock();
	ck_assert_int_eq(plot_write_tseq(m.f, p, n, "bulk"), 0);
	double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
	const char *svg = mem_text(&m);
	ck_assert_uint_eq(count(svg, "class=\"retx timeout\" data-frame"), 200);
	ck_assert_uint_lt(m.len, 2u << 20);
	ck_assert_msg(secs < 5.0, "100k packets took %.2f s", secs);
	mem_close(&m);
	free(p);
}
END_TEST

/*
 * Records with arbitrary values (a fixed pseudo-random stream: times going
 * back, huge windows, any flags and analysis bits, SACK counts past the
 * array, unknown ISNs): the three plots still write a whole document with
 * no NaN or infinity in it (ASan and UBSan builds run this too).
 */
START_TEST(arbitrary_records)
{
	uint64_t x = 0x9E3779B97F4A7C15ull;
	size_t n = 5000;
	struct packet_record *p = calloc(n, sizeof *p);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < n; i++) {
		uint64_t r[6];
		for (int k = 0; k < 6; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			r[k] = x;
		}
		p[i].frame = i + 1;
		p[i].rel_ns = (int64_t)(r[0] % 4000000000000ull) - 1000000000000;
		p[i].dir = (int)(r[1] & 1);
		p[i].tcp_flags = (uint16_t)(r[1] >> 8);
		p[i].seq_known = (r[1] >> 20) & 1;
		p[i].ack_known = (r[1] >> 21) & 1;
		p[i].seq_rel = (uint32_t)r[2];
		p[i].ack_rel = (uint32_t)(r[2] >> 32);
		p[i].len = (uint32_t)(r[3] % 70000);
		p[i].window = r[3] >> 20;
		p[i].sack_count = (uint8_t)(r[4] % 8);
		for (int k = 0; k < PKTREC_SACK_MAX; k++) {
			p[i].sack[k].left_rel = (uint32_t)(r[4] >> (k * 8));
			p[i].sack[k].right_rel = (uint32_t)(r[5] >> (k * 8));
		}
		p[i].seq_bits = (uint32_t)(r[5] >> 32);
		p[i].rtt_sample_us = (uint32_t)r[5];
		p[i].srtt_us = (uint32_t)(r[5] >> 16);
	}
	int (*const writers[3])(FILE *, const struct packet_record *, size_t, const char *) = {
		plot_write_tseq, plot_write_rtt, plot_write_tput};
	for (int w = 0; w < 3; w++) {
		for (size_t len = 0; len <= n; len += len < 10 ? 1 : n / 4) {
			struct mem m;
			mem_open(&m);
			ck_assert_int_eq(writers[w](m.f, p, len, "arbitrary"), 0);
			const char *svg = mem_text(&m);
			ck_assert_msg(m.len > 7 && strcmp(svg + m.len - 7, "</svg>\n") == 0, "plot %d of %zu records unfinished", w, len);
			ck_assert_ptr_null(strstr(svg, "nan"));
			ck_assert_ptr_null(strstr(svg, "inf"));
			mem_close(&m);
		}
	}
	free(p);
}
END_TEST

Suite *plot_suite(void)
{
	Suite *s = suite_create("plot");
	TCase *axis = tcase_create("axis");
	tcase_add_test(axis, nice_steps);
	tcase_add_test(axis, axis_units);
	suite_add_tcase(s, axis);
	TCase *svg = tcase_create("svg");
	tcase_add_test(svg, svg_escapes_text);
	tcase_add_test(svg, svg_numbers);
	tcase_add_test(svg, unwrap_across_2_32);
	suite_add_tcase(s, svg);
	TCase *thin = tcase_create("thin");
	tcase_add_test(thin, bars_thinned_per_column);
	tcase_add_test(thin, steps_thinned_per_column);
	tcase_add_test(thin, tseq_100k_bounded);
	suite_add_tcase(s, thin);
	TCase *plots = tcase_create("plots");
	tcase_add_test(plots, tseq_worked_scenario);
	tcase_add_test(plots, tseq_no_data);
	tcase_add_test(plots, tseq_across_wrap);
	tcase_add_test(plots, arbitrary_records);
	tcase_add_test(plots, rtt_worked);
	tcase_add_test(plots, tput_worked);
	suite_add_tcase(s, plots);
	return s;
}
