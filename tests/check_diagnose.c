/* check_diagnose.c - every diagnosis sentence, in each of its forms, against English written by hand. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"
#include "lifecycle.h"
#include "record.h"
#include "suites.h"

/*
 * Each case builds the life cycle (or the sequence figures) a connection
 * would leave, by hand, and lists every sentence it must give, in order.
 * The last test reads each lifecycle_record_say() call in the sources (src/, every .c) and
 * fails when a sentence form there matches none of the sentences below:
 * a new diagnosis, or a reworded one, needs its English written here.
 */

enum { C = 0, S = 1 };

#define MAX_SAID 9

struct said {
	const char *text[MAX_SAID]; /* NULL-terminated */
};

/* Every sentence any case expects, for the coverage test. */
static const char *all_expected[256];
static size_t n_all_expected;

static void expect_said(const struct lifecycle_record *r, const struct said *want, const char *name)
{
	int n = 0;
	while (n < MAX_SAID && want->text[n])
		n++;
	for (int i = 0; i < r->ndiag && i < n; i++)
		ck_assert_msg(strcmp(r->diag[i], want->text[i]) == 0, "%s: diagnosis %d is \"%s\", want \"%s\"", name, i,
			      r->diag[i], want->text[i]);
	ck_assert_msg(r->ndiag == n, "%s: %d diagnoses, want %d (first extra: \"%s\")", name, r->ndiag, n,
		      r->ndiag > n ? r->diag[n] : want->text[r->ndiag]);
}

/* ---- the life cycle's sentences (lifecycle.c) ---- */

struct lc_case {
	const char *name;
	void (*build)(struct lifecycle *lc);
	bool direction_inferred, ended_by_timeout;
	struct said want;
};

/* The connection's endpoints (tcp_endpoint.h), which the builders fill beside the life cycle. */
static struct tcp_endpoint ends[2];

/* A handshake that completed: one SYN, one SYN-ACK, both ACKed. */
static void opened(struct lifecycle *lc)
{
	lc->side[C].syns = 1;
	lc->side[S].synacks = 1;
	lc->side[C].zeek = lc->side[S].zeek = ZK_ESTABLISHED;
	ends[C].seen |= TCP_EP_SND_KNOWN | TCP_EP_RCV_KNOWN;
	ends[S].seen |= TCP_EP_SND_KNOWN | TCP_EP_RCV_KNOWN;
	lc->have_syn_synack = lc->have_synack_ack = true;
	lc->ep.state[C] = lc->ep.state[S] = TCP_ST_ESTABLISHED;
}

static void syn_once(struct lifecycle *lc)
{
	lc->side[C].syns = 1;
	lc->side[C].zeek = ZK_SYN_SENT;
}

static void syns_over(struct lifecycle *lc, uint16_t n, uint32_t span_us)
{
	syn_once(lc);
	lc->side[C].syns = n;
	lc->side[C].first_syn_us = 1000;
	lc->side[C].last_syn_us = 1000 + span_us;
}

static void syns_over_31s(struct lifecycle *lc) { syns_over(lc, 6, 31000000); }
static void syns_over_40ms(struct lifecycle *lc) { syns_over(lc, 2, 40000); }
static void syns_over_300us(struct lifecycle *lc) { syns_over(lc, 2, 300); }
static void syns_over_999_6ms(struct lifecycle *lc) { syns_over(lc, 3, 999600); }

/* The client's SYN, then its ACK and data: it had a SYN-ACK the capture does not hold. */
static void client_side_only(struct lifecycle *lc)
{
	syn_once(lc);
	ends[C].seen |= TCP_EP_SND_KNOWN | TCP_EP_RCV_KNOWN;
	lc->side[C].sent_data = true;
}

static void refused(struct lifecycle *lc)
{
	syn_once(lc);
	lc->side[S].rsts = 1;
	lc->side[S].zeek = ZK_RESET;
}

static void slow_open(struct lifecycle *lc)
{
	opened(lc);
	lc->side[C].syns = 3;
}

static void simultaneous_open(struct lifecycle *lc)
{
	opened(lc);
	lc->side[S].syns = 1;
	lc->simultaneous_open = true;
}

static void synack_retried_half_open(struct lifecycle *lc)
{
	syn_once(lc);
	lc->side[S].synacks = 3;
	ends[S].seen |= TCP_EP_SND_KNOWN;
	lc->have_syn_synack = true;
	lc->ep.state[S] = TCP_ST_SYN_RCVD;
}

static void half_open(struct lifecycle *lc)
{
	synack_retried_half_open(lc);
	lc->side[S].synacks = 1;
}

static void syn_not_captured(struct lifecycle *lc)
{
	opened(lc);
	lc->side[C].syns = 0;
	lc->have_syn_synack = false;
}

static void midstream(struct lifecycle *lc)
{
	opened(lc);
	lc->side[C].syns = lc->side[S].synacks = 0;
	lc->have_syn_synack = lc->have_synack_ack = false;
}

static void closed_by(struct lifecycle *lc, int first, bool client_tw, bool server_tw)
{
	opened(lc);
	lc->first_fin = (int8_t)first;
	lc->side[first].fins = 1;
	lc->side[C].entered_time_wait = client_tw;
	lc->side[S].entered_time_wait = server_tw;
}

static void simultaneous_close(struct lifecycle *lc) { closed_by(lc, C, true, true); }
static void client_closed_tw(struct lifecycle *lc) { closed_by(lc, C, true, false); }
static void server_closed_tw(struct lifecycle *lc) { closed_by(lc, S, false, true); }
static void client_fin_unfinished(struct lifecycle *lc) { closed_by(lc, C, false, false); }
static void server_fin_unfinished(struct lifecycle *lc) { closed_by(lc, S, false, false); }

static void server_half_close(struct lifecycle *lc)
{
	closed_by(lc, C, true, false);
	lc->side[S].data_after_peer_fin = true;
}

static void client_half_close(struct lifecycle *lc)
{
	closed_by(lc, S, false, true);
	lc->side[C].data_after_peer_fin = true;
}

/* RSTs taken from side(s) `by` (0, 1, 2 for both), after first_fin's FIN (-1 none), during transfer or not. */
static void reset(struct lifecycle *lc, int by, int first_fin, bool during_transfer)
{
	opened(lc);
	for (int s = 0; s < 2; s++)
		if (by == s || by == 2)
			lc->side[s].rsts = 1;
	lc->first_fin = (int8_t)first_fin;
	if (first_fin >= 0)
		lc->side[first_fin].fins = 1;
	lc->rst_after_fin = first_fin >= 0;
	lc->rst_during_transfer = during_transfer;
}

static void client_rst_after_own_fin(struct lifecycle *lc) { reset(lc, C, C, false); }
static void server_rst_after_own_fin(struct lifecycle *lc) { reset(lc, S, S, false); }
static void client_rst_after_server_fin(struct lifecycle *lc) { reset(lc, C, S, false); }
static void server_rst_after_client_fin(struct lifecycle *lc) { reset(lc, S, C, false); }
static void both_rst_after_client_fin(struct lifecycle *lc) { reset(lc, 2, C, false); }
static void both_rst_after_server_fin(struct lifecycle *lc) { reset(lc, 2, S, false); }
static void client_rst_in_transfer(struct lifecycle *lc) { reset(lc, C, -1, true); }
static void server_rst_in_transfer(struct lifecycle *lc) { reset(lc, S, -1, true); }
static void both_rst_in_transfer(struct lifecycle *lc) { reset(lc, 2, -1, true); }
static void client_abort(struct lifecycle *lc) { reset(lc, C, -1, false); }
static void server_abort(struct lifecycle *lc) { reset(lc, S, -1, false); }
static void both_abort(struct lifecycle *lc) { reset(lc, 2, -1, false); }

/* What became of side s's RSTs: the life cycle's cold part, allocated here as the tracker would. */
static struct lc_rst_side *rsts_of(struct lifecycle *lc, int s)
{
	if (!lc->rare)
		lc->rare = calloc(1, sizeof(*lc->rare));
	ck_assert_ptr_nonnull(lc->rare);
	return &lc->rare->rst[s];
}

/* An out-of-window RST from the server, then the usual close. */
static void one_rst_ignored(struct lifecycle *lc)
{
	closed_by(lc, C, true, false);
	lc->side[S].rsts = rsts_of(lc, S)->ignored = 1;
}

static void two_rsts_ignored(struct lifecycle *lc)
{
	closed_by(lc, S, false, true);
	lc->side[C].rsts = rsts_of(lc, C)->ignored = 2;
}

/* A RST "from" the server with TTL 51 where its packets had 64, taken. */
static void server_rst_odd_ttl(struct lifecycle *lc)
{
	server_abort(lc);
	ends[S].ttl = 64;
	rsts_of(lc, S)->ttl = 51;
	rsts_of(lc, S)->suspect_ttl = 1;
}

static void client_rst_odd_ttl_ignored(struct lifecycle *lc)
{
	client_closed_tw(lc);
	ends[C].ttl = 58;
	rsts_of(lc, C)->ttl = 120;
	lc->side[C].rsts = rsts_of(lc, C)->ignored = rsts_of(lc, C)->suspect_ttl = 1;
}

static void time_wait_reuse(struct lifecycle *lc)
{
	client_closed_tw(lc);
	lc->time_wait_reuse = true;
}

static void idle(struct lifecycle *lc) { opened(lc); }

/* The server refused the SYN with a RST, the client retried it (same ISN) and was answered. */
static void refused_once_then_answered(struct lifecycle *lc)
{
	opened(lc);
	lc->side[S].rsts = 1;
	lc->refusals = 1;
}

static void refused_twice_then_answered(struct lifecycle *lc)
{
	opened(lc);
	lc->side[S].rsts = 2;
	lc->refusals = 2;
}

/* In SYN-SENT the client got a stale ACK and answered it with a RST (RFC 9293 3.10.7.3), then went on. */
static void stale_ack_answered(struct lifecycle *lc)
{
	opened(lc);
	lc->side[C].rsts = rsts_of(lc, C)->stale = 1;
}

/* More than LC_DIAG_MAX to say: the first eight are kept. */
static void everything(struct lifecycle *lc)
{
	synack_retried_half_open(lc);
	lc->side[C].syns = 2;
	lc->simultaneous_open = true;
	lc->side[S].syns = 1;
	lc->first_fin = C;
	lc->side[S].data_after_peer_fin = true;
	lc->side[S].rsts = rsts_of(lc, S)->ignored = rsts_of(lc, S)->suspect_ttl = 3;
	ends[S].ttl = 64;
	rsts_of(lc, S)->ttl = 51;
	lc->time_wait_reuse = true;
}

#define SAID(...) {{__VA_ARGS__, NULL}}

static const struct lc_case lc_cases[] = {
	{"unanswered, once", syn_once, false, false, SAID("unanswered: 1 SYN")},
	{"unanswered, seconds", syns_over_31s, false, false, SAID("unanswered: 6 SYNs over 31.0 s")},
	{"unanswered, ms", syns_over_40ms, false, false, SAID("unanswered: 2 SYNs over 40 ms")},
	{"unanswered, under 1 ms", syns_over_300us, false, false, SAID("unanswered: 2 SYNs over less than 1 ms")},
	{"unanswered, rounds to 1 s", syns_over_999_6ms, false, false, SAID("unanswered: 3 SYNs over 1.0 s")},
	{"one direction", client_side_only, false, false, SAID("only one direction captured: nothing from the server")},
	{"refused", refused, false, false, SAID("refused: RST answered the SYN")},
	{"refused once, retried, answered", refused_once_then_answered, false, false,
	 SAID("SYN retried after 1 RST refusing it")},
	{"refused twice, retried, answered", refused_twice_then_answered, false, false,
	 SAID("SYN retried after 2 RSTs refusing it")},
	{"stale ACK answered by RST", stale_ack_answered, false, false,
	 SAID("stale ACK in SYN-SENT: the client answered it with a RST and waited on")},
	{"slow open", slow_open, false, false, SAID("slow open: 3 SYNs before the SYN-ACK")},
	{"simultaneous open", simultaneous_open, false, false, SAID("simultaneous open: both sides sent a SYN")},
	{"SYN-ACK retried, half-open", synack_retried_half_open, false, false,
	 SAID("SYN-ACK retransmitted: 3 SYN-ACKs", "half-open: the SYN-ACK was never acknowledged")},
	{"half-open", half_open, false, false, SAID("half-open: the SYN-ACK was never acknowledged")},
	{"SYN not captured", syn_not_captured, false, false, SAID("SYN not captured: the connection starts at the SYN-ACK")},
	{"start not captured", midstream, true, false, SAID("start not captured: client and server inferred")},
	{"simultaneous close", simultaneous_close, false, false,
	 SAID("simultaneous close: both sides went through TIME_WAIT")},
	{"client closed", client_closed_tw, false, false, SAID("client closed first; TIME_WAIT on the client")},
	{"server closed", server_closed_tw, false, false, SAID("server closed first; TIME_WAIT on the server")},
	{"client FIN only", client_fin_unfinished, false, false,
	 SAID("client closed first (FIN); the server did not finish")},
	{"server FIN only", server_fin_unfinished, false, false,
	 SAID("server closed first (FIN); the client did not finish")},
	{"server half-close", server_half_close, false, false,
	 SAID("client closed first; TIME_WAIT on the client", "half-close: the server kept sending after the client's FIN")},
	{"client half-close", client_half_close, false, false,
	 SAID("server closed first; TIME_WAIT on the server", "half-close: the client kept sending after the server's FIN")},
	{"client RST after its FIN", client_rst_after_own_fin, false, false, SAID("reset by the client after its FIN")},
	{"server RST after its FIN", server_rst_after_own_fin, false, false, SAID("reset by the server after its FIN")},
	{"client RST after server FIN", client_rst_after_server_fin, false, false,
	 SAID("reset by the client after the server's FIN")},
	{"server RST after client FIN", server_rst_after_client_fin, false, false,
	 SAID("reset by the server after the client's FIN")},
	{"both RST after client FIN", both_rst_after_client_fin, false, false,
	 SAID("reset by both sides after the client's FIN")},
	{"both RST after server FIN", both_rst_after_server_fin, false, false,
	 SAID("reset by both sides after the server's FIN")},
	{"client RST in transfer", client_rst_in_transfer, false, false,
	 SAID("reset by the client during transfer (data unacknowledged)")},
	{"server RST in transfer", server_rst_in_transfer, false, false,
	 SAID("reset by the server during transfer (data unacknowledged)")},
	{"both RST in transfer", both_rst_in_transfer, false, false,
	 SAID("reset by both sides during transfer (data unacknowledged)")},
	{"client abort", client_abort, false, false, SAID("reset by the client: RST instead of FIN (abort)")},
	{"server abort", server_abort, false, false, SAID("reset by the server: RST instead of FIN (abort)")},
	{"both abort", both_abort, false, false, SAID("reset by both sides: RST instead of FIN (abort)")},
	{"one RST ignored", one_rst_ignored, false, false,
	 SAID("client closed first; TIME_WAIT on the client", "out-of-window RST ignored (1 from the server)")},
	{"two RSTs ignored", two_rsts_ignored, false, false,
	 SAID("server closed first; TIME_WAIT on the server", "out-of-window RSTs ignored (2 from the client)")},
	{"server RST odd TTL", server_rst_odd_ttl, false, false,
	 SAID("reset by the server: RST instead of FIN (abort)", "RST possibly injected: TTL 51 unlike the server's 64")},
	{"client RST odd TTL", client_rst_odd_ttl_ignored, false, false,
	 SAID("client closed first; TIME_WAIT on the client", "out-of-window RST ignored (1 from the client)",
	      "RST possibly injected: TTL 120 unlike the client's 58")},
	{"TIME_WAIT reuse", time_wait_reuse, false, false,
	 SAID("client closed first; TIME_WAIT on the client", "4-tuple reused during the previous connection's TIME_WAIT")},
	{"idle", idle, false, true, SAID("idle: left the table after its timeout, still open")},
	{"at most eight", everything, false, true,
	 SAID("slow open: 2 SYNs before the SYN-ACK", "simultaneous open: both sides sent a SYN",
	      "SYN-ACK retransmitted: 3 SYN-ACKs", "half-open: the SYN-ACK was never acknowledged",
	      "client closed first (FIN); the server did not finish",
	      "half-close: the server kept sending after the client's FIN",
	      "out-of-window RSTs ignored (3 from the server)", "RST possibly injected: TTL 51 unlike the server's 64")},
};

START_TEST(lifecycle_sentences)
{
	const struct lc_case *k = &lc_cases[_i];
	struct lifecycle lc;
	struct lifecycle_record r;
	tcp_endpoints_init(ends);
	lifecycle_init(&lc, C);
	k->build(&lc);
	lifecycle_to_record(&lc, ends, 0, 0, k->direction_inferred, k->ended_by_timeout, &r);
	expect_said(&r, &k->want, k->name);
	lifecycle_release(&lc);
}
END_TEST

/* ---- the sequence analysis's sentences (diagnose.c) ---- */

struct seq_case {
	const char *name;
	uint32_t counts[2][SEQ__COUNT]; /* client's, server's */
	uint32_t zero_window_ms[2];
	struct said want;
	uint32_t content_gaps[2];
};

#define RETX SEQ_RETRANSMISSIONS
#define FAST SEQ_FAST_RETRANSMISSIONS
#define TMO SEQ_TIMEOUT_RETRANSMISSIONS
#define TLP SEQ_TLP_RETRANSMISSIONS
#define SPUR SEQ_SPURIOUS_RETRANSMISSIONS
#define ZW SEQ_ZERO_WINDOWS
#define HOLE SEQ_NOT_CAPTURED
#define UNSEEN SEQ_ACKED_UNSEEN /* Wireshark's flag, on the ACKing side: not what the diagnosis counts */

static const struct seq_case seq_cases[] = {
	{"zero window, seconds", {[C] = {[ZW] = 2}}, {4900, 0},
	 SAID("receiver stalled: the client advertised a zero window for 4.9 s"), {0, 0}},
	{"zero window, ms", {[S] = {[ZW] = 1}}, {0, 12},
	 SAID("receiver stalled: the server advertised a zero window for 12 ms"), {0, 0}},
	{"zero window, under 1 ms", {[C] = {[ZW] = 1}}, {0, 0},
	 SAID("receiver stalled: the client advertised a zero window for less than 1 ms"), {0, 0}},
	{"zero window, 999 ms", {[C] = {[ZW] = 1}}, {999, 0},
	 SAID("receiver stalled: the client advertised a zero window for 999 ms"), {0, 0}},
	{"one retransmission, kind unknown", {[C] = {[RETX] = 1}}, {0, 0}, SAID("loss: 1 retransmission by the client"), {0, 0}},
	{"one timeout retransmission", {[S] = {[RETX] = 1, [TMO] = 1}}, {0, 0},
	 SAID("loss: 1 retransmission by the server (1 timeout)"), {0, 0}},
	{"fast and spurious", {[S] = {[RETX] = 138, [FAST] = 136, [SPUR] = 2}}, {0, 0},
	 SAID("loss: 138 retransmissions by the server (136 fast, 2 spurious)"), {0, 0}},
	{"one tail-loss probe", {[S] = {[RETX] = 1, [TLP] = 1}}, {0, 0},
	 SAID("loss: 1 retransmission by the server (1 tail-loss probe)"), {0, 0}},
	{"every kind", {[C] = {[RETX] = 9, [FAST] = 3, [TMO] = 2, [TLP] = 2, [SPUR] = 1}}, {0, 0},
	 SAID("loss: 9 retransmissions by the client (3 fast, 2 timeout, 2 tail-loss probes, 1 spurious)"), {0, 0}},
	{"every one spurious", {[S] = {[RETX] = 12, [SPUR] = 12}}, {0, 0},
	 SAID("spurious: 12 retransmissions by the server of data already received"), {0, 0}},
	{"one spurious", {[C] = {[RETX] = 1, [SPUR] = 1}}, {0, 0},
	 SAID("spurious: 1 retransmission by the client of data already received"), {0, 0}},
	{"spurious timeouts", {[C] = {[RETX] = 2, [TMO] = 1, [SPUR] = 2}}, {0, 0},
	 SAID("spurious: 2 retransmissions by the client of data already received (1 timeout)"), {0, 0}},
	{"one gap", {[C] = {[UNSEEN] = 1}}, {0, 0},
	 SAID("capture gap: 1 stretch of the server's data ACKed but never captured"), {0, 1}},
	{"gaps", {[S] = {[UNSEEN] = 55}}, {0, 0},
	 SAID("capture gap: 55 stretches of the client's data ACKed but never captured"), {55, 0}},
	{"ACKed unseen before the capture started: no gap", {[S] = {[UNSEEN] = 1}}, {0, 0}, SAID(NULL), {0, 0}},
	{"holes filled by resends are loss, not gaps", {[S] = {[HOLE] = 238, [RETX] = 238, [FAST] = 238}}, {0, 0},
	 SAID("loss: 238 retransmissions by the server (238 fast)"), {0, 0}},
	{"both sides, in order", {[C] = {[ZW] = 1, [UNSEEN] = 1}, [S] = {[RETX] = 4, [FAST] = 4, [UNSEEN] = 2}}, {1500, 0},
	 SAID("receiver stalled: the client advertised a zero window for 1.5 s",
	      "capture gap: 2 stretches of the client's data ACKed but never captured",
	      "loss: 4 retransmissions by the server (4 fast)",
	      "capture gap: 1 stretch of the server's data ACKed but never captured"), {2, 1}},
};

START_TEST(sequence_sentences)
{
	const struct seq_case *k = &seq_cases[_i];
	struct conn_record r;
	memset(&r, 0, sizeof(r));
	memcpy(r.c2s_seq.counts, k->counts[C], sizeof(r.c2s_seq.counts));
	memcpy(r.s2c_seq.counts, k->counts[S], sizeof(r.s2c_seq.counts));
	r.c2s_seq.zero_window_ms = k->zero_window_ms[C];
	r.s2c_seq.zero_window_ms = k->zero_window_ms[S];
	r.c2s_seq.content_gaps = k->content_gaps[C];
	r.s2c_seq.content_gaps = k->content_gaps[S];
	diagnose_sequence(&r);
	expect_said(&r.lc, &k->want, k->name);
}
END_TEST

START_TEST(sequence_after_lifecycle)
{
	/* The sequence sentences follow the life cycle's, while there is room. */
	struct conn_record r;
	memset(&r, 0, sizeof(r));
	lifecycle_record_say(&r.lc, "client closed first; TIME_WAIT on the client");
	r.s2c_seq.counts[RETX] = 2;
	r.s2c_seq.counts[TMO] = 2;
	diagnose_sequence(&r);
	static const struct said want = SAID("client closed first; TIME_WAIT on the client",
					     "loss: 2 retransmissions by the server (2 timeout)");
	expect_said(&r.lc, &want, "after lifecycle");
}
END_TEST

/* ---- kernel drops in a live capture ---- */

static const struct {
	uint64_t dropped;
	struct said want;
} drop_cases[] = {
	{0, SAID(NULL)},
	{1, SAID("capture incomplete: the kernel dropped 1 packet while it was open")},
	{391, SAID("capture incomplete: the kernel dropped 391 packets while it was open")},
};

START_TEST(capture_drops_sentences)
{
	struct conn_record r;
	memset(&r, 0, sizeof(r));
	diagnose_capture_drops(&r, drop_cases[_i].dropped);
	expect_said(&r.lc, &drop_cases[_i].want, "capture drops");
}
END_TEST

/* ---- the words ---- */

START_TEST(counts_and_durations)
{
	char b[DIAGNOSE_WORDS_LEN];
	ck_assert_str_eq(diagnose_count(b, sizeof(b), 0, "SYN", "SYNs"), "0 SYNs");
	ck_assert_str_eq(diagnose_count(b, sizeof(b), 1, "SYN", "SYNs"), "1 SYN");
	ck_assert_str_eq(diagnose_count(b, sizeof(b), 2, "SYN", "SYNs"), "2 SYNs");
	ck_assert_str_eq(diagnose_count(b, sizeof(b), UINT32_MAX, "hole", "holes"), "4294967295 holes");
	ck_assert_str_eq(diagnose_duration(b, sizeof(b), 0), "less than 1 ms");
	ck_assert_str_eq(diagnose_duration(b, sizeof(b), 499), "less than 1 ms");
	ck_assert_str_eq(diagnose_duration(b, sizeof(b), 500), "1 ms");
	ck_assert_str_eq(diagnose_duration(b, sizeof(b), 40000), "40 ms");
	ck_assert_str_eq(diagnose_duration(b, sizeof(b), 999499), "999 ms");
	ck_assert_str_eq(diagnose_duration(b, sizeof(b), 999500), "1.0 s");
	ck_assert_str_eq(diagnose_duration(b, sizeof(b), 4949999), "4.9 s");
	ck_assert_str_eq(diagnose_duration(b, sizeof(b), 31000000), "31.0 s");
}
END_TEST

/* ---- every sentence form in the code has a case above ---- */

#define MAX_FORMS 64
#define FORM_LEN 160

struct form {
	char text[FORM_LEN];
	char where[300];
};

/* Does `s` read as printf format `f`, each conversion standing for any text ("" too)? */
static bool reads_as(const char *f, const char *s)
{
	if (*f == '\0')
		return *s == '\0';
	if (f[0] == '%' && f[1] == '%')
		return *s == '%' && reads_as(f + 2, s + 1);
	if (*f == '%') {
		const char *rest = f + 1;
		while (*rest && strchr("0123456789.-+ #lhzjt", *rest))
			rest++;
		if (*rest)
			rest++; /* the conversion letter */
		for (const char *end = s; end <= s + strlen(s); end++)
			if (reads_as(rest, end))
				return true;
		return false;
	}
	return *f == *s && reads_as(f + 1, s + 1);
}

/* The string literals of the argument starting at p (adjacent ones joined), up to its ',' or ')'. */
static const char *literals_of_argument(const char *p, struct form *forms, int *n, const char *where)
{
	int depth = 0;
	bool in_form = false;
	for (; *p; p++) {
		if (*p == '"') {
			if (!in_form) {
				if (*n >= MAX_FORMS)
					return p;
				forms[*n].text[0] = '\0';
				snprintf(forms[*n].where, sizeof(forms[*n].where), "%s", where);
				(*n)++;
				in_form = true;
			}
			char *t = forms[*n - 1].text;
			size_t len = strlen(t);
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (len + 1 < FORM_LEN)
					t[len++] = *p;
			}
			t[len] = '\0';
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\n')
			continue;
		in_form = false;
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth-- == 0)
			return p;
		else if (*p == ',' && depth == 0)
			return p;
	}
	return p;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len < 2) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* Every sentence form passed to lifecycle_record_say() in src/, every .c: its format string(s). */
static int sentence_forms(struct form *forms, int *calls)
{
	const char *top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : ".";
	char dir_path[4096];
	snprintf(dir_path, sizeof(dir_path), "%s/src", top);
	DIR *dir = opendir(dir_path);
	ck_assert_msg(dir != NULL, "cannot read %s (set TOP_SRCDIR)", dir_path);
	int n = 0;
	*calls = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);
		if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
			continue;
		char path[4400];
		snprintf(path, sizeof(path), "%s/%s", dir_path, e->d_name);
		char *text = read_all(path);
		ck_assert_msg(text != NULL, "cannot read %s", path);
		static const char call[] = "lifecycle_record_say(";
		for (const char *p = strstr(text, call); p; p = strstr(p + 1, call)) {
			const char *line = p;
			while (line > text && line[-1] != '\n')
				line--;
			if (strncmp(line, "void ", 5) == 0)
				continue; /* the definition */
			int lineno = 1;
			for (const char *q = text; q < p; q++)
				lineno += *q == '\n';
			char where[300];
			snprintf(where, sizeof(where), "%s:%d", e->d_name, lineno);
			/* skip the record argument, then take the format argument's literals */
			const char *arg = strchr(p, ',');
			ck_assert_msg(arg != NULL, "%s: no format argument", where);
			int before = n;
			literals_of_argument(arg + 1, forms, &n, where);
			ck_assert_msg(n > before, "%s: the format is not a string literal: give its sentences a case", where);
			(*calls)++;
		}
		free(text);
	}
	closedir(dir);
	return n;
}

static void gather_expected(const struct said *w)
{
	for (int i = 0; i < MAX_SAID && w->text[i]; i++)
		if (n_all_expected < sizeof(all_expected) / sizeof(all_expected[0]))
			all_expected[n_all_expected++] = w->text[i];
}

START_TEST(every_sentence_form_has_a_case)
{
	n_all_expected = 0;
	for (size_t i = 0; i < sizeof(lc_cases) / sizeof(lc_cases[0]); i++)
		gather_expected(&lc_cases[i].want);
	for (size_t i = 0; i < sizeof(seq_cases) / sizeof(seq_cases[0]); i++)
		gather_expected(&seq_cases[i].want);
	for (size_t i = 0; i < sizeof(drop_cases) / sizeof(drop_cases[0]); i++)
		gather_expected(&drop_cases[i].want);

	static struct form forms[MAX_FORMS];
	int calls = 0;
	int n = sentence_forms(forms, &calls);
	ck_assert_int_ge(calls, 26); /* the call sites when this test was written */
	for (int f = 0; f < n; f++) {
		bool covered = false;
		for (size_t i = 0; i < n_all_expected && !covered; i++)
			covered = reads_as(forms[f].text, all_expected[i]);
		ck_assert_msg(covered, "%s: no case expects a sentence of the form \"%s\"", forms[f].where, forms[f].text);
	}
}
END_TEST

Suite *diagnose_suite(void)
{
	Suite *s = suite_create("diagnose");
	TCase *tc = tcase_create("sentences");
	tcase_add_loop_test(tc, lifecycle_sentences, 0, (int)(sizeof(lc_cases) / sizeof(lc_cases[0])));
	tcase_add_loop_test(tc, sequence_sentences, 0, (int)(sizeof(seq_cases) / sizeof(seq_cases[0])));
	tcase_add_test(tc, sequence_after_lifecycle);
	tcase_add_loop_test(tc, capture_drops_sentences, 0, (int)(sizeof(drop_cases) / sizeof(drop_cases[0])));
	tcase_add_test(tc, counts_and_durations);
	tcase_add_test(tc, every_sentence_form_has_a_case);
	suite_add_tcase(s, tc);
	return s;
}
