/* check_lifecycle.c - the life-cycle tracker: Zeek state and history, handshake, teardown, RST checks, diagnoses. */
#include <check.h>
#include <string.h>

#include "lifecycle.h"
#include "suites.h"

/*
 * Every expected value is worked by hand: Zeek's letters and conn_state from
 * its documentation (base/protocols/conn/main.zeek: "S" SYN, "h" SYN-ACK,
 * "A" pure ACK, "D" payload, "F" FIN, "R" RST, upper case for the
 * originator, each once per side), RFC 793 states from section 3.5.
 */

#define MS 1000000ull
#define T0 (1700000000ull * 1000 * MS)
#define MSL2 (60000 * MS)

enum { C = 0, S = 1 };
#define F_SYN TCP_FLAG_SYN
#define F_ACK TCP_FLAG_ACK
#define F_FIN TCP_FLAG_FIN
#define F_RST TCP_FLAG_RST

struct seg {
	uint64_t at_us; /* after T0 */
	int from;
	uint16_t flags;
	uint32_t seq, ack, len;
	uint16_t window;
	uint8_t ttl;
};

static struct lc_result last;
/* The connection's two endpoints, which the life cycle reads (tcp_endpoint.h). */
static struct tcp_endpoint ends[2];

static void start(struct lifecycle *lc, int first_sender)
{
	tcp_endpoints_init(ends);
	lifecycle_init(lc, first_sender);
}

/* One segment, as the analyzer applies it: the life cycle, then the endpoints with its verdict on a RST. */
static void feed(struct lifecycle *lc, const struct pkt *p, int from, int32_t us)
{
	lifecycle_packet(lc, ends, p, from, us, MSL2, &last);
	tcp_endpoint_packet(ends, p, (enum conn_role)from, !last.rst || last.rst_in_window);
}

static void run(struct lifecycle *lc, int first_sender, const struct seg *s, size_t n)
{
	start(lc, first_sender);
	for (size_t i = 0; i < n; i++) {
		struct pkt p;
		memset(&p, 0, sizeof(p));
		p.ts_ns = T0 + s[i].at_us * 1000;
		p.flags = s[i].flags;
		p.seq = s[i].seq;
		p.ack = s[i].ack;
		p.payload_len = s[i].len;
		p.window = s[i].window ? s[i].window : 1000;
		p.ttl = s[i].ttl ? s[i].ttl : 64;
		if (s[i].flags & F_SYN) {
			/* the client offers MSS 1460, wscale 7, SACK, timestamps; the server MSS 1400, wscale 8 */
			p.opt.present = TCP_OPT_HAS_MSS | TCP_OPT_HAS_WSCALE;
			p.opt.mss = s[i].from == C ? 1460 : 1400;
			p.opt.wscale = s[i].from == C ? 7 : 8;
			if (s[i].from == C)
				p.opt.present |= TCP_OPT_HAS_SACK_PERM | TCP_OPT_HAS_TIMESTAMPS;
		}
		feed(lc, &p, s[i].from, (int32_t)s[i].at_us);
	}
}

static void record(const struct lifecycle *lc, uint64_t c2s, uint64_t s2c, struct lifecycle_record *r)
{
	lifecycle_to_record(lc, ends, c2s, s2c, false, false, r);
}

static bool has_diag(const struct lifecycle_record *r, const char *text)
{
	for (int i = 0; i < r->ndiag; i++)
		if (strcmp(r->diag[i], text) == 0)
			return true;
	return false;
}

/* The handshake of most scenarios: client ISN 100, server ISN 500, 1 ms then 0.25 ms. */
#define HANDSHAKE                                        \
	{ 0, C, F_SYN, 100, 0, 0, 0, 0 },                \
	{ 1000, S, F_SYN | F_ACK, 500, 101, 0, 0, 0 },   \
	{ 1250, C, F_ACK, 101, 501, 0, 0, 0 }

START_TEST(client_closes_first)
{
	static const struct seg s[] = {
		HANDSHAKE,
		{ 2000, C, F_ACK, 101, 501, 10, 0, 0 },
		{ 3000, S, F_ACK, 501, 111, 20, 0, 0 },
		{ 4000, C, F_ACK, 111, 521, 0, 0, 0 },
		{ 5000, C, F_FIN | F_ACK, 111, 521, 0, 0, 0 },
		{ 6000, S, F_FIN | F_ACK, 521, 112, 0, 0, 0 },
		{ 7000, C, F_ACK, 112, 522, 0, 0, 0 },
	};
	struct lifecycle lc;
	struct lifecycle_record r;
	run(&lc, C, s, sizeof(s) / sizeof(s[0]));
	record(&lc, 10, 20, &r);
	ck_assert_str_eq(r.state, "SF");
	ck_assert_str_eq(r.history, "ShADdFf"); /* the second client ACK adds nothing */
	ck_assert_str_eq(r.client_state, "TIME_WAIT");
	ck_assert_str_eq(r.server_state, "CLOSED");
	ck_assert_uint_eq(r.syn_count, 1);
	ck_assert_uint_eq(r.synack_count, 1);
	ck_assert(r.have_syn_synack && r.have_synack_ack);
	ck_assert_uint_eq(r.syn_synack_us, 1000);
	ck_assert_uint_eq(r.synack_ack_us, 250);
	ck_assert(r.options[C].seen && r.options[C].has_mss);
	ck_assert_uint_eq(r.options[C].mss, 1460);
	ck_assert_uint_eq(r.options[C].wscale, 7);
	ck_assert(r.options[C].sack_permitted && r.options[C].timestamps);
	ck_assert_uint_eq(r.options[S].mss, 1400);
	ck_assert(!r.options[S].sack_permitted);
	ck_assert_int_eq(r.first_fin, C);
	ck_assert_int_eq(r.active_closer, C);
	ck_assert_int_eq(r.reset_by, -1);
	ck_assert_int_eq(r.ndiag, 1);
	ck_assert(has_diag(&r, "client closed first; TIME_WAIT on the client"));
	/* TIME_WAIT from the server's FIN at 6 ms (FIN_WAIT_2 + FIN, RFC 793 3.9):
	 * still on at 60.006 s, over after it (2 MSL) */
	ck_assert(lifecycle_in_time_wait(&lc, T0 + 6 * MS + MSL2, MSL2));
	ck_assert(!lifecycle_in_time_wait(&lc, T0 + 6 * MS + MSL2 + 1, MSL2));
	struct tcp_state_change ch[2];
	int n = 0;
	ck_assert(lifecycle_advance(&lc, T0 + 70000 * MS, MSL2, ch, &n));
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(ch[0].ts_ns, T0 + 6 * MS + MSL2);
	ck_assert_int_eq(ch[0].new_state, TCP_ST_CLOSED);
	lifecycle_release(&lc);
}
END_TEST

START_TEST(refused)
{
	/* RFC 793 3.4: a RST with an acceptable ACK in SYN-SENT resets the connection */
	static const struct seg s[] = {
		{ 0, C, F_SYN, 100, 0, 0, 0, 0 },
		{ 100, S, F_RST | F_ACK, 0, 101, 0, 0, 0 },
	};
	struct lifecycle lc;
	struct lifecycle_record r;
	run(&lc, C, s, 2);
	ck_assert(last.rst && last.rst_in_window);
	record(&lc, 0, 0, &r);
	ck_assert_str_eq(r.state, "REJ");
	ck_assert_str_eq(r.history, "Sr");
	ck_assert_str_eq(r.client_state, "CLOSED");
	ck_assert_int_eq(r.reset_by, S);
	ck_assert_int_eq(r.ndiag, 1);
	ck_assert(has_diag(&r, "refused: RST answered the SYN"));
	lifecycle_release(&lc);
}
END_TEST

START_TEST(rst_with_wrong_ack_in_syn_sent_ignored)
{
	/* RFC 9293 3.10.7.3: in SYN-SENT a RST is taken only if it ACKs the SYN */
	static const struct seg s[] = {
		{ 0, C, F_SYN, 100, 0, 0, 0, 0 },
		{ 100, S, F_RST | F_ACK, 0, 999, 0, 0, 0 },
	};
	struct lifecycle lc;
	struct lifecycle_record r;
	run(&lc, C, s, 2);
	ck_assert(last.rst && !last.rst_in_window);
	record(&lc, 0, 0, &r);
	ck_assert_str_eq(r.client_state, "SYN_SENT");
	ck_assert_uint_eq(r.rst_ignored[S], 1);
	ck_assert_int_eq(r.reset_by, -1);
	lifecycle_release(&lc);
}
END_TEST

START_TEST(unanswered_backoff)
{
	/* the classic exponential back-off: SYNs at 0, 1, 3, 7, 15, 31 s */
	static const struct seg s[] = {
		{ 0, C, F_SYN, 100, 0, 0, 0, 0 },        { 1000000, C, F_SYN, 100, 0, 0, 0, 0 },
		{ 3000000, C, F_SYN, 100, 0, 0, 0, 0 },  { 7000000, C, F_SYN, 100, 0, 0, 0, 0 },
		{ 15000000, C, F_SYN, 100, 0, 0, 0, 0 }, { 31000000, C, F_SYN, 100, 0, 0, 0, 0 },
	};
	struct lifecycle lc;
	struct lifecycle_record r;
	run(&lc, C, s, 6);
	record(&lc, 0, 0, &r);
	ck_assert_str_eq(r.state, "S0");
	ck_assert_str_eq(r.history, "S");
	ck_assert_str_eq(r.client_state, "SYN_SENT");
	ck_assert_str_eq(r.server_state, "NONE");
	ck_assert_uint_eq(r.syn_count, 6);
	ck_assert_uint_eq(r.syn_intervals, 5);
	static const uint32_t gaps[5] = { 1000000, 2000000, 4000000, 8000000, 16000000 };
	for (int i = 0; i < 5; i++)
		ck_assert_uint_eq(r.syn_interval_us[i], gaps[i]);
	ck_assert(has_diag(&r, "unanswered: 6 SYNs over 31.0 s"));
	lifecycle_release(&lc);
}
END_TEST

START_TEST(out_of_window_rst_ignored)
{
	/* The client's window is 1000 << 7 = 128000 from ACK 501: seq 200501 is
	 * outside it, so the RST changes nothing (RFC 5961 3.2). */
	static const struct seg s[] = {
		HANDSHAKE,
		{ 2000, S, F_RST, 200501, 0, 0, 0, 0 },
	};
	struct lifecycle lc;
	struct lifecycle_record r;
	run(&lc, C, s, 4);
	ck_assert(last.rst && !last.rst_in_window && !last.rst_suspect_ttl);
	ck_assert_int_eq(last.nchanges, 0);
	record(&lc, 0, 0, &r);
	ck_assert_str_eq(r.state, "S1"); /* Zeek's state follows the RSTs a stack would take */
	ck_assert_str_eq(r.history, "ShAr");  /* ...its history shows what was on the wire */
	ck_assert_str_eq(r.client_state, "ESTABLISHED");
	ck_assert_str_eq(r.server_state, "ESTABLISHED");
	ck_assert_uint_eq(r.rst[S], 1);
	ck_assert_uint_eq(r.rst_ignored[S], 1);
	ck_assert_int_eq(r.reset_by, -1);
	ck_assert(has_diag(&r, "out-of-window RST ignored (1 from the server)"));
	/* The roles the other way round (a corrected guess): the RST and what
	 * became of it (kept out of line, struct lc_rare) change sides together. */
	lifecycle_swap_roles(&lc);
	struct tcp_endpoint e = ends[C];
	ends[C] = ends[S];
	ends[S] = e;
	record(&lc, 0, 0, &r);
	ck_assert_uint_eq(r.rst[C], 1);
	ck_assert_uint_eq(r.rst_ignored[C], 1);
	ck_assert_uint_eq(r.rst_ignored[S], 0);
	ck_assert(has_diag(&r, "out-of-window RST ignored (1 from the client)"));
	lifecycle_release(&lc);
}
END_TEST

START_TEST(in_window_rst_edges)
{
	/* RCV.NXT 501, RCV.WND 128000: 501 and 128500 are in, 128501 is not */
	static const uint32_t seqs[3] = { 501, 128500, 128501 };
	static const bool in[3] = { true, true, false };
	for (int i = 0; i < 3; i++) {
		struct seg s[] = { HANDSHAKE, { 2000, S, F_RST, seqs[i], 0, 0, 0, 0 } };
		struct lifecycle lc;
		run(&lc, C, s, 4);
		ck_assert_int_eq(last.rst_in_window, in[i]);
		lifecycle_release(&lc);
	}
}
END_TEST

START_TEST(rst_after_filling_the_window)
{
	/* The client advertises 1 << 7 = 128 bytes from 501; the server sends
	 * exactly 128 and resets at its SND.NXT 629. The client's RCV.NXT moved
	 * to 629 when the data arrived (before any ACK of it): acceptable. 630 is not. */
	static const uint32_t seqs[2] = { 629, 630 };
	static const bool in[2] = { true, false };
	for (int i = 0; i < 2; i++) {
		struct seg s[] = {
			{ 0, C, F_SYN, 100, 0, 0, 0, 0 },
			{ 1000, S, F_SYN | F_ACK, 500, 101, 0, 0, 0 },
			{ 1250, C, F_ACK, 101, 501, 0, 1, 0 },
			{ 2000, S, F_ACK, 501, 101, 128, 0, 0 },
			{ 2001, S, F_RST, seqs[i], 0, 0, 0, 0 },
		};
		struct lifecycle lc;
		run(&lc, C, s, 5);
		ck_assert_int_eq(last.rst_in_window, in[i]);
		lifecycle_release(&lc);
	}
}
END_TEST

START_TEST(rst_window_across_the_wrap)
{
	/* Client ISN 0xffffff00, no window scaling; the server's SYN-ACK ACKs
	 * 0xffffff01 with window 1000: a client RST at 0xffffff01 + 999 (past
	 * 2^32) is in, + 1000 is not. */
	static const uint32_t seqs[2] = { 0xffffff01u + 999u, 0xffffff01u + 1000u };
	static const bool in[2] = { true, false };
	for (int i = 0; i < 2; i++) {
		struct pkt p;
		struct lifecycle lc;
		start(&lc, C);
		memset(&p, 0, sizeof(p));
		p.flags = F_SYN;
		p.seq = 0xffffff00u;
		p.window = 1000;
		p.ttl = 64;
		feed(&lc, &p, C, 0);
		p.flags = F_SYN | F_ACK;
		p.seq = 7;
		p.ack = 0xffffff01u;
		feed(&lc, &p, S, 1000);
		p.flags = F_RST;
		p.seq = seqs[i];
		p.ack = 0;
		feed(&lc, &p, C, 2000);
		ck_assert_int_eq(last.rst_in_window, in[i]);
		lifecycle_release(&lc);
	}
}
END_TEST

START_TEST(rst_with_odd_ttl)
{
	/* the server's packets come with TTL 64; an in-window RST with TTL 50 */
	static const struct seg s[] = {
		HANDSHAKE,
		{ 2000, C, F_ACK, 101, 501, 10, 0, 0 },
		{ 3000, S, F_RST, 501, 0, 0, 0, 50 },
	};
	struct lifecycle lc;
	struct lifecycle_record r;
	run(&lc, C, s, 5);
	ck_assert(last.rst && last.rst_in_window && last.rst_suspect_ttl);
	record(&lc, 10, 0, &r);
	ck_assert_str_eq(r.state, "RSTR");
	ck_assert_uint_eq(r.rst_suspect_ttl[S], 1);
	ck_assert_int_eq(r.reset_by, S);
	ck_assert(has_diag(&r, "RST possibly injected: TTL 50 unlike the server's 64"));
	/* the client's 10 bytes were never acknowledged */
	ck_assert(has_diag(&r, "reset by the server during transfer (data unacknowledged)"));
	lifecycle_release(&lc);
}
END_TEST

START_TEST(simultaneous_close)
{
	/* RFC 793 figure 14: the FINs cross (neither ACKs the other), both CLOSING, then TIME_WAIT */
	static const struct seg s[] = {
		HANDSHAKE,
		{ 2000, C, F_FIN | F_ACK, 101, 501, 0, 0, 0 },
		{ 2001, S, F_FIN | F_ACK, 501, 101, 0, 0, 0 },
		{ 3000, C, F_ACK, 102, 502, 0, 0, 0 },
		{ 3001, S, F_ACK, 502, 102, 0, 0, 0 },
	};
	struct lifecycle lc;
	struct lifecycle_record r;
	run(&lc, C, s, 7);
	record(&lc, 0, 0, &r);
	ck_assert_str_eq(r.state, "SF");
	ck_assert_str_eq(r.history, "ShAFfa");
	ck_assert_str_eq(r.client_state, "TIME_WAIT");
	ck_assert_str_eq(r.server_state, "TIME_WAIT");
	ck_assert_int_eq(r.active_closer, 2);
	ck_assert(has_diag(&r, "simultaneous close: both sides went through TIME_WAIT"));
	lifecycle_release(&lc);
}
END_TEST

START_TEST(half_close)
{
	/* the client shuts down its side; the server sends 50 more bytes, then closes */
	static const struct seg s[] = {
		HANDSHAKE,
		{ 2000, C, F_FIN | F_ACK, 101, 501, 0, 0, 0 },
		{ 3000, S, F_ACK, 501, 102, 50, 0, 0 },
		{ 4000, S, F_FIN | F_ACK, 551, 102, 0, 0, 0 },
		{ 5000, C, F_ACK, 102, 552, 0, 0, 0 },
	};
	struct lifecycle lc;
	struct lifecycle_record r;
	run(&lc, C, s, 7);
	record(&lc, 0, 50, &r);
	ck_assert(r.half_close);
	ck_assert_str_eq(r.client_state, "TIME_WAIT");
	ck_assert_str_eq(r.server_state, "CLOSED");
	ck_assert(has_diag(&r, "half-close: the server kept sending after the client's FIN"));
	lifecycle_release(&lc);
}
END_TEST

START_TEST(zeek_rstos0_sh_oth)
{
	struct lifecycle lc;
	struct lifecycle_record r;
	/* SYN then the originator's own RST, no answer: RSTOS0 (history S...R) */
	static const struct seg a[] = { { 0, C, F_SYN, 100, 0, 0, 0, 0 }, { 10, C, F_RST, 101, 0, 0, 0, 0 } };
	run(&lc, C, a, 2);
	record(&lc, 0, 0, &r);
	ck_assert_str_eq(r.state, "RSTOS0");
	ck_assert_str_eq(r.history, "SR");
	lifecycle_release(&lc);
	/* SYN then FIN, no SYN-ACK: SH */
	static const struct seg b[] = { { 0, C, F_SYN, 100, 0, 0, 0, 0 }, { 10, C, F_FIN | F_ACK, 101, 0, 0, 0, 0 } };
	run(&lc, C, b, 2);
	record(&lc, 0, 0, &r);
	ck_assert_str_eq(r.state, "SH");
	ck_assert_str_eq(r.history, "SF");
	/* mid-stream, the first packet from the (inferred) server: OTH, history ^d,
	 * which swapping the roles turns into ^D */
	static const struct seg c[] = { { 0, S, F_ACK, 5000, 900, 100, 0, 0 } };
	run(&lc, S, c, 1);
	record(&lc, 0, 100, &r);
	ck_assert_str_eq(r.state, "OTH");
	ck_assert_str_eq(r.history, "^d");
	ck_assert_str_eq(r.server_state, "ESTABLISHED");
	lifecycle_swap_roles(&lc);
	record(&lc, 100, 0, &r);
	ck_assert_str_eq(r.history, "^D");
	lifecycle_release(&lc);
}
END_TEST

START_TEST(synack_retries_never_completed)
{
	/* the server answers three times (1, 3 s apart... as its timer says), no ACK comes */
	static const struct seg s[] = {
		{ 0, C, F_SYN, 100, 0, 0, 0, 0 },
		{ 1000, S, F_SYN | F_ACK, 500, 101, 0, 0, 0 },
		{ 1001000, S, F_SYN | F_ACK, 500, 101, 0, 0, 0 },
		{ 3001000, S, F_SYN | F_ACK, 500, 101, 0, 0, 0 },
	};
	struct lifecycle lc;
	struct lifecycle_record r;
	run(&lc, C, s, 4);
	record(&lc, 0, 0, &r);
	ck_assert_str_eq(r.server_state, "SYN_RCVD");
	ck_assert_uint_eq(r.synack_count, 3);
	ck_assert_uint_eq(r.synack_intervals, 2);
	ck_assert_uint_eq(r.synack_interval_us[0], 1000000);
	ck_assert_uint_eq(r.synack_interval_us[1], 2000000);
	ck_assert(!r.have_synack_ack);
	ck_assert(has_diag(&r, "SYN-ACK retransmitted: 3 SYN-ACKs"));
	ck_assert(has_diag(&r, "half-open: the SYN-ACK was never acknowledged"));
	lifecycle_release(&lc);
}
END_TEST

START_TEST(scaled_history_letters)
{
	/* Zeek writes T (W, G) at the 1st, 10th, 100th occurrence: 150
	 * retransmissions by the server and one zero window by the client give
	 * "tWtt" after the letters already there. */
	struct lifecycle lc;
	start(&lc, C);
	for (uint32_t n = 1; n <= 150; n++) {
		lifecycle_note_seq(&lc, S, LC_SEQ_RETRANSMISSION, n);
		if (n == 5)
			lifecycle_note_seq(&lc, C, LC_SEQ_ZERO_WINDOW, 1);
	}
	struct lifecycle_record r;
	record(&lc, 0, 0, &r);
	ck_assert_str_eq(r.history, "tWtt");
	lifecycle_release(&lc);
}
END_TEST

Suite *lifecycle_suite(void)
{
	Suite *s = suite_create("lifecycle");
	TCase *tc = tcase_create("scenarios");
	tcase_add_test(tc, client_closes_first);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, rst_with_wrong_ack_in_syn_sent_ignored);
	tcase_add_test(tc, unanswered_backoff);
	tcase_add_test(tc, out_of_window_rst_ignored);
	tcase_add_test(tc, in_window_rst_edges);
	tcase_add_test(tc, rst_after_filling_the_window);
	tcase_add_test(tc, rst_window_across_the_wrap);
	tcase_add_test(tc, rst_with_odd_ttl);
	tcase_add_test(tc, simultaneous_close);
	tcase_add_test(tc, half_close);
	tcase_add_test(tc, zeek_rstos0_sh_oth);
	tcase_add_test(tc, synack_retries_never_completed);
	tcase_add_test(tc, scaled_history_letters);
	suite_add_tcase(s, tc);
	return s;
}
