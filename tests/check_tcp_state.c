/* check_tcp_state.c - both endpoints' RFC 793 states: open, close, resets, wrap, TIME_WAIT, garbage. */
#include <check.h>
#include <string.h>

#include "suites.h"
#include "tcp_state.h"

#define SEC 1000000000ull
#define T0 (1700000000ull * SEC)
#define MSL2 (60 * SEC) /* 2*MSL as Linux uses it (TCP_TIMEWAIT_LEN) */

enum { C = 0, S = 1 }; /* client, server */

#define F_SYN TCP_FLAG_SYN
#define F_ACK TCP_FLAG_ACK
#define F_FIN TCP_FLAG_FIN
#define F_RST TCP_FLAG_RST
#define F_PSH TCP_FLAG_PSH

#define NONE TCP_ST_NONE
#define SYN_SENT TCP_ST_SYN_SENT
#define SYN_RCVD TCP_ST_SYN_RCVD
#define ESTAB TCP_ST_ESTABLISHED
#define FIN_WAIT_1 TCP_ST_FIN_WAIT_1
#define FIN_WAIT_2 TCP_ST_FIN_WAIT_2
#define CLOSING TCP_ST_CLOSING
#define TIME_WAIT TCP_ST_TIME_WAIT
#define CLOSE_WAIT TCP_ST_CLOSE_WAIT
#define LAST_ACK TCP_ST_LAST_ACK
#define CLOSED TCP_ST_CLOSED

/* One segment of a scenario and both states expected after it, worked by
 * hand from RFC 793 section 3.5 and its figures. */
struct step {
	int from;
	uint16_t flags;
	uint32_t seq, ack, len;
	enum tcp_state client, server;
};

static struct pkt mkpkt(uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.payload_len = len;
	return p;
}

/*
 * Send one segment and check what tcp_state_packet() reported against the
 * states before and after: one change per endpoint whose state moved, the
 * sender's first, each with the right old and new state and time. Returns
 * the number of changes, or -1 when the report is inconsistent. Plain tests,
 * no ck_assert: the garbage loop calls it millions of times.
 */
static int send_raw(struct tcp_endpoints *e, int from, uint16_t flags, uint32_t seq, uint32_t ack,
		    uint32_t len, uint64_t ts)
{
	struct pkt p = mkpkt(flags, seq, ack, len);
	enum tcp_state before[2] = {e->state[0], e->state[1]};
	struct tcp_state_change ch[2];
	int n = -1;
	bool changed = tcp_state_packet(e, &p, from, ts, ch, &n);
	if (e->state[0] >= TCP_ST__COUNT || e->state[1] >= TCP_ST__COUNT)
		return -1;
	int expect_n = 0;
	int order[2] = {from, !from};
	for (int i = 0; i < 2; i++) {
		int ep = order[i];
		if (before[ep] == e->state[ep])
			continue;
		if (n <= expect_n || ch[expect_n].endpoint != ep || ch[expect_n].old_state != before[ep] ||
		    ch[expect_n].new_state != (enum tcp_state)e->state[ep] || ch[expect_n].ts_ns != ts)
			return -1;
		expect_n++;
	}
	if (n != expect_n || changed != (n > 0))
		return -1;
	return n;
}

static int send_checked(struct tcp_endpoints *e, int from, uint16_t flags, uint32_t seq, uint32_t ack,
			uint32_t len, uint64_t ts)
{
	int n = send_raw(e, from, flags, seq, ack, len, ts);
	ck_assert_msg(n >= 0, "inconsistent change report for flags 0x%x from %d", flags, from);
	return n;
}

/* Run steps[0..n-1] from the current state, one microsecond apart from t. */
static void run(struct tcp_endpoints *e, const struct step *steps, int n, uint64_t t)
{
	for (int i = 0; i < n; i++) {
		const struct step *st = &steps[i];
		send_checked(e, st->from, st->flags, st->seq, st->ack, st->len, t + (uint64_t)i * 1000);
		ck_assert_msg(e->state[C] == st->client && e->state[S] == st->server,
			      "step %d: client %s server %s, expected %s %s", i, tcp_state_name(e->state[C]),
			      tcp_state_name(e->state[S]), tcp_state_name(st->client), tcp_state_name(st->server));
	}
}

#define RUN(e, steps, t) run((e), (steps), (int)(sizeof(steps) / sizeof((steps)[0])), (t))

/*
 * RFC 793 figure 7 (three-way handshake) then figure 13 (normal close), the
 * client closing first. Client ISS 100, server ISS 300; the client sends 50
 * bytes (101..150), so its FIN sits at 151 and the server's at 301.
 */
static const struct step client_closes[] = {
	{C, F_SYN, 100, 0, 0, SYN_SENT, NONE},                /* fig 7 line 2 */
	{S, F_SYN | F_ACK, 300, 101, 0, SYN_SENT, SYN_RCVD},  /* line 3: client waits for its own ACK */
	{C, F_ACK, 101, 301, 0, ESTAB, ESTAB},                /* line 4 */
	{C, F_PSH | F_ACK, 101, 301, 50, ESTAB, ESTAB},       /* line 5 */
	{S, F_ACK, 301, 151, 0, ESTAB, ESTAB},
	{C, F_FIN | F_ACK, 151, 301, 0, FIN_WAIT_1, CLOSE_WAIT}, /* fig 13 line 2 */
	{S, F_ACK, 301, 152, 0, FIN_WAIT_2, CLOSE_WAIT},         /* line 3 */
	{S, F_FIN | F_ACK, 301, 152, 0, TIME_WAIT, LAST_ACK},    /* line 4 */
	{C, F_ACK, 152, 302, 0, TIME_WAIT, CLOSED},              /* line 5 */
};

START_TEST(test_open_close_client_first)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	RUN(&e, client_closes, T0);
	ck_assert_uint_eq(e.fin_seq[C], 151);
	ck_assert_uint_eq(e.fin_seq[S], 301);
	ck_assert(e.fin_acked[C] && e.fin_acked[S]);
	ck_assert(!e.inferred);
	ck_assert_uint_eq(e.time_wait_ns[C], T0 + 7 * 1000); /* entered at step 7 */
}
END_TEST

/* Same open, then the server closes first: it ends in TIME_WAIT. */
START_TEST(test_open_close_server_first)
{
	static const struct step steps[] = {
		{C, F_SYN, 100, 0, 0, SYN_SENT, NONE},
		{S, F_SYN | F_ACK, 300, 101, 0, SYN_SENT, SYN_RCVD},
		{C, F_ACK, 101, 301, 0, ESTAB, ESTAB},
		{S, F_PSH | F_ACK, 301, 101, 20, ESTAB, ESTAB},           /* 301..320 */
		{S, F_FIN | F_ACK, 321, 101, 0, CLOSE_WAIT, FIN_WAIT_1},
		{C, F_ACK, 101, 322, 0, CLOSE_WAIT, FIN_WAIT_2},
		{C, F_FIN | F_ACK, 101, 322, 0, LAST_ACK, TIME_WAIT},
		{S, F_ACK, 322, 102, 0, CLOSED, TIME_WAIT},
	};
	struct tcp_endpoints e;
	tcp_state_init(&e);
	RUN(&e, steps, T0);
	ck_assert_uint_eq(e.fin_seq[S], 321);
	ck_assert_uint_eq(e.fin_seq[C], 101);
}
END_TEST

/* Open with client ISS 99 and server ISS 299, leaving RFC 793 figure 14's
 * numbers (A at 100 acking 300, B at 300 acking 100). */
static const struct step open_99_299[] = {
	{C, F_SYN, 99, 0, 0, SYN_SENT, NONE},
	{S, F_SYN | F_ACK, 299, 100, 0, SYN_SENT, SYN_RCVD},
	{C, F_ACK, 100, 300, 0, ESTAB, ESTAB},
};

/*
 * RFC 793 figure 14, simultaneous close. On the wire: A's FIN, then B's FIN
 * (ack 100: sent before A's FIN arrived), B's ACK of A's FIN, A's ACK of B's.
 * A's FIN first shows B in CLOSE_WAIT (the observer assumes it arrived); B's
 * FIN that does not acknowledge it shows the FINs crossed, and B goes to
 * CLOSING like A. Each ACK then takes its receiver to TIME_WAIT.
 */
static const struct step simultaneous_close[] = {
	{C, F_FIN | F_ACK, 100, 300, 0, FIN_WAIT_1, CLOSE_WAIT},
	{S, F_FIN | F_ACK, 300, 100, 0, CLOSING, CLOSING},
	{S, F_ACK, 301, 101, 0, TIME_WAIT, CLOSING},
	{C, F_ACK, 101, 301, 0, TIME_WAIT, TIME_WAIT},
};

START_TEST(test_simultaneous_close)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	RUN(&e, open_99_299, T0);
	RUN(&e, simultaneous_close, T0 + SEC);
	ck_assert_uint_eq(e.time_wait_ns[C], T0 + SEC + 2 * 1000);
	ck_assert_uint_eq(e.time_wait_ns[S], T0 + SEC + 3 * 1000);
}
END_TEST

/* The crossing FIN is reported as one change CLOSE_WAIT -> CLOSING for B,
 * then A FIN_WAIT_1 -> CLOSING, sender first. */
START_TEST(test_simultaneous_close_changes)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	RUN(&e, open_99_299, T0);
	send_checked(&e, C, F_FIN | F_ACK, 100, 300, 0, T0 + 10);
	struct pkt p = mkpkt(F_FIN | F_ACK, 300, 100, 0);
	struct tcp_state_change ch[2];
	int n = 0;
	ck_assert(tcp_state_packet(&e, &p, S, T0 + 20, ch, &n));
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(ch[0].endpoint, S);
	ck_assert_int_eq(ch[0].old_state, CLOSE_WAIT);
	ck_assert_int_eq(ch[0].new_state, CLOSING);
	ck_assert_int_eq(ch[1].endpoint, C);
	ck_assert_int_eq(ch[1].old_state, FIN_WAIT_1);
	ck_assert_int_eq(ch[1].new_state, CLOSING);
	ck_assert_uint_eq(ch[1].ts_ns, T0 + 20);
}
END_TEST

/*
 * RFC 793 figure 8, simultaneous open: A SYN 100, B SYN 300 (crossed), A
 * SYN,ACK 100/301 takes B to ESTABLISHED, B SYN,ACK 300/101 takes A there;
 * the closing ACK of line 7 changes nothing.
 */
static const struct step simultaneous_open[] = {
	{C, F_SYN, 100, 0, 0, SYN_SENT, NONE},
	{S, F_SYN, 300, 0, 0, SYN_RCVD, SYN_RCVD},
	{C, F_SYN | F_ACK, 100, 301, 0, SYN_RCVD, ESTAB},
	{S, F_SYN | F_ACK, 300, 101, 0, ESTAB, ESTAB},
	{C, F_ACK, 101, 301, 0, ESTAB, ESTAB},
};

START_TEST(test_simultaneous_open)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	RUN(&e, simultaneous_open, T0);
	ck_assert(!e.inferred);
}
END_TEST

/* A SYN,ACK whose ACK does not cover the SYN_RCVD side's SYN does not
 * establish it (RFC 9293 3.10.7.4: SND.UNA < SEG.ACK). */
START_TEST(test_simultaneous_open_bad_ack)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	run(&e, simultaneous_open, 2, T0);
	send_checked(&e, C, F_SYN | F_ACK, 100, 300, 0, T0 + 10); /* acks nothing of 300 */
	ck_assert_int_eq(e.state[S], SYN_RCVD);
	send_checked(&e, C, F_SYN | F_ACK, 100, 301, 0, T0 + 20);
	ck_assert_int_eq(e.state[S], ESTAB);
}
END_TEST

/* Half-close: the client's side is shut (FIN_WAIT_2) while the server, in
 * CLOSE_WAIT, still sends data and the client acknowledges it. */
START_TEST(test_half_close)
{
	static const struct step steps[] = {
		{C, F_FIN | F_ACK, 101, 301, 0, FIN_WAIT_1, CLOSE_WAIT},
		{S, F_ACK, 301, 102, 0, FIN_WAIT_2, CLOSE_WAIT},
		{S, F_PSH | F_ACK, 301, 102, 1000, FIN_WAIT_2, CLOSE_WAIT},  /* 301..1300 */
		{S, F_PSH | F_ACK, 1301, 102, 1000, FIN_WAIT_2, CLOSE_WAIT}, /* 1301..2300 */
		{C, F_ACK, 102, 2301, 0, FIN_WAIT_2, CLOSE_WAIT},
		{S, F_FIN | F_PSH | F_ACK, 2301, 102, 10, TIME_WAIT, LAST_ACK}, /* FIN at 2311 */
		{C, F_ACK, 102, 2311, 0, TIME_WAIT, LAST_ACK},                  /* acks data, not the FIN */
		{C, F_ACK, 102, 2312, 0, TIME_WAIT, CLOSED},
	};
	struct tcp_endpoints e;
	tcp_state_init(&e);
	run(&e, client_closes, 3, T0);
	RUN(&e, steps, T0 + SEC);
	ck_assert_uint_eq(e.fin_seq[S], 2311);
}
END_TEST

/* The server's FIN carries the ACK of the client's FIN (FIN_WAIT_1 straight
 * to TIME_WAIT, RFC 793 3.9 "if our FIN has been ACKed (perhaps in this
 * segment)"); the client's last ACK is lost, the server retransmits its FIN:
 * nothing changes, but the client restarts its 2MSL timer (RFC 793 3.9,
 * TIME-WAIT: "Restart the 2 MSL time-wait timeout"). */
START_TEST(test_finack_and_fin_retransmitted)
{
	static const struct step steps[] = {
		{C, F_FIN | F_ACK, 101, 301, 0, FIN_WAIT_1, CLOSE_WAIT},
		{S, F_FIN | F_ACK, 301, 102, 0, TIME_WAIT, LAST_ACK},
	};
	struct tcp_endpoints e;
	tcp_state_init(&e);
	run(&e, client_closes, 3, T0);
	RUN(&e, steps, T0 + SEC);
	ck_assert_uint_eq(e.time_wait_ns[C], T0 + SEC + 1000);
	ck_assert_int_eq(send_checked(&e, S, F_FIN | F_ACK, 301, 102, 0, T0 + 2 * SEC), 0);
	ck_assert_int_eq(send_checked(&e, S, F_FIN | F_ACK, 301, 102, 0, T0 + 4 * SEC), 0);
	ck_assert_int_eq(e.state[C], TIME_WAIT);
	ck_assert_int_eq(e.state[S], LAST_ACK);
	ck_assert_uint_eq(e.time_wait_ns[C], T0 + 4 * SEC);
	/* the client's ACK of the retransmission closes the server */
	ck_assert_int_eq(send_checked(&e, C, F_ACK, 102, 302, 0, T0 + 4 * SEC + 1), 1);
	ck_assert_int_eq(e.state[S], CLOSED);
	/* a FIN retransmitted by the client from TIME_WAIT changes nothing */
	ck_assert_int_eq(send_checked(&e, C, F_FIN | F_ACK, 101, 302, 0, T0 + 5 * SEC), 0);
}
END_TEST

/* SYN retried at 1 s and 3 s, SYN,ACK retried once: each state change is
 * reported once, at the first copy. */
START_TEST(test_syn_retransmissions)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	ck_assert_int_eq(send_checked(&e, C, F_SYN, 100, 0, 0, T0), 1);
	ck_assert_int_eq(send_checked(&e, C, F_SYN, 100, 0, 0, T0 + SEC), 0);
	ck_assert_int_eq(send_checked(&e, C, F_SYN, 100, 0, 0, T0 + 3 * SEC), 0);
	ck_assert_int_eq(send_checked(&e, S, F_SYN | F_ACK, 300, 101, 0, T0 + 3 * SEC + 10), 1);
	ck_assert_int_eq(send_checked(&e, S, F_SYN | F_ACK, 300, 101, 0, T0 + 4 * SEC), 0);
	ck_assert_int_eq(e.state[C], SYN_SENT);
	ck_assert_int_eq(e.state[S], SYN_RCVD);
	ck_assert_int_eq(send_checked(&e, C, F_ACK, 101, 301, 0, T0 + 4 * SEC + 10), 2);
	/* late copies of the SYN and SYN,ACK on the open connection */
	ck_assert_int_eq(send_checked(&e, S, F_SYN | F_ACK, 300, 101, 0, T0 + 5 * SEC), 0);
	ck_assert_int_eq(send_checked(&e, C, F_SYN, 100, 0, 0, T0 + 5 * SEC), 0);
	ck_assert_int_eq(e.state[C], ESTAB);
	ck_assert_int_eq(e.state[S], ESTAB);
}
END_TEST

/* The client's ACK must acknowledge the server's SYN to establish: ACK 300
 * of ISS 300 does not (RFC 9293 3.10.7.4: SND.UNA < SEG.ACK). */
START_TEST(test_ack_not_covering_synack)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	run(&e, client_closes, 2, T0);
	ck_assert_int_eq(send_checked(&e, C, F_ACK, 101, 300, 0, T0 + 10), 0);
	ck_assert_int_eq(send_checked(&e, C, F_ACK, 101, 301, 0, T0 + 20), 2);
}
END_TEST

/* Retry after a refusal: SYN, RST,ACK (both CLOSED), the same SYN again
 * (RFC 793 3.9 OPEN from CLOSED), this time answered. */
START_TEST(test_syn_retry_after_rst)
{
	static const struct step steps[] = {
		{C, F_SYN, 100, 0, 0, SYN_SENT, NONE},
		{S, F_RST | F_ACK, 0, 101, 0, CLOSED, CLOSED},
		{C, F_SYN, 100, 0, 0, SYN_SENT, CLOSED},
		{S, F_SYN | F_ACK, 300, 101, 0, SYN_SENT, SYN_RCVD},
		{C, F_ACK, 101, 301, 0, ESTAB, ESTAB},
	};
	struct tcp_endpoints e;
	tcp_state_init(&e);
	RUN(&e, steps, T0);
}
END_TEST

/* A RST from either side, after every prefix of the scripts (which passes
 * through every state), closes both endpoints (RFC 793 3.4; every RST is
 * taken as acceptable for now). */
static void rst_after_prefixes(const struct step *pre, int npre, const struct step *script, int n)
{
	for (int k = 0; k <= n; k++) {
		for (int from = 0; from < 2; from++) {
			for (int withack = 0; withack < 2; withack++) {
				struct tcp_endpoints e;
				tcp_state_init(&e);
				run(&e, pre, npre, T0);
				run(&e, script, k, T0 + SEC);
				int open = (e.state[C] != CLOSED) + (e.state[S] != CLOSED);
				uint16_t f = (uint16_t)(F_RST | (withack ? F_ACK : 0));
				ck_assert_int_eq(send_checked(&e, from, f, 5, 7, 0, T0 + 2 * SEC), open);
				ck_assert_int_eq(e.state[C], CLOSED);
				ck_assert_int_eq(e.state[S], CLOSED);
				/* a second RST changes nothing */
				ck_assert_int_eq(send_checked(&e, !from, F_RST, 7, 0, 0, T0 + 3 * SEC), 0);
			}
		}
	}
}

START_TEST(test_rst_in_every_state)
{
	int n = (int)(sizeof(client_closes) / sizeof(client_closes[0]));
	rst_after_prefixes(NULL, 0, client_closes, n);             /* NONE .. TIME_WAIT/CLOSED, LAST_ACK */
	rst_after_prefixes(NULL, 0, simultaneous_open, 4);         /* SYN_RCVD both */
	rst_after_prefixes(open_99_299, 3, simultaneous_close, 4); /* CLOSING, TIME_WAIT both */
	/* the first segment a RST: both CLOSED */
	struct tcp_endpoints e;
	tcp_state_init(&e);
	ck_assert_int_eq(send_checked(&e, S, F_RST, 1, 0, 0, T0), 2);
}
END_TEST

/* Capture starting mid-stream: the first segment carries ACK and no SYN:
 * both ESTABLISHED, inferred. */
START_TEST(test_midstream_data)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	ck_assert_int_eq(send_checked(&e, S, F_PSH | F_ACK, 5000, 7000, 1400, T0), 2);
	ck_assert_int_eq(e.state[C], ESTAB);
	ck_assert_int_eq(e.state[S], ESTAB);
	ck_assert(e.inferred);
	/* and it closes like any other connection */
	static const struct step steps[] = {
		{C, F_FIN | F_ACK, 7000, 6400, 0, FIN_WAIT_1, CLOSE_WAIT},
		{S, F_FIN | F_ACK, 6400, 7001, 0, TIME_WAIT, LAST_ACK},
		{C, F_ACK, 7001, 6401, 0, TIME_WAIT, CLOSED},
	};
	RUN(&e, steps, T0 + SEC);
}
END_TEST

/* First segment a FIN,ACK: established then closing, in one step each. */
START_TEST(test_midstream_fin)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	ck_assert_int_eq(send_checked(&e, C, F_FIN | F_ACK, 10, 20, 0, T0), 2);
	ck_assert_int_eq(e.state[C], FIN_WAIT_1);
	ck_assert_int_eq(e.state[S], CLOSE_WAIT);
	ck_assert_uint_eq(e.fin_seq[C], 10);
	ck_assert(e.inferred);
}
END_TEST

/* A bare FIN (no ACK) before any SYN: dropped by every state (RFC 9293
 * 3.10.7), nothing changes. */
START_TEST(test_bare_fin_first)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	struct pkt p = mkpkt(F_FIN, 10, 0, 0);
	int n = -1;
	ck_assert(!tcp_state_packet(&e, &p, C, T0, NULL, &n));
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(e.state[C], NONE);
	ck_assert_int_eq(e.state[S], NONE);
	ck_assert(!e.inferred);
}
END_TEST

/* Capture starting at the SYN,ACK: its receiver sent the SYN (ISS = ack-1). */
START_TEST(test_midstream_synack)
{
	static const struct step steps[] = {
		{S, F_SYN | F_ACK, 300, 101, 0, SYN_SENT, SYN_RCVD},
		{C, F_ACK, 101, 301, 0, ESTAB, ESTAB},
	};
	struct tcp_endpoints e;
	tcp_state_init(&e);
	run(&e, steps, 1, T0);
	ck_assert(e.inferred);
	ck_assert_uint_eq(e.syn_seq[C], 100);
	ck_assert_uint_eq(e.syn_seq[S], 300);
	run(&e, steps + 1, 1, T0 + 1);
}
END_TEST

/* The SYN,ACK was not captured: the client's ACK still shows both sides
 * synchronized (a SYN-SENT endpoint sends only SYNs). */
START_TEST(test_synack_missed)
{
	static const struct step steps[] = {
		{C, F_SYN, 100, 0, 0, SYN_SENT, NONE},
		{C, F_ACK, 101, 301, 0, ESTAB, ESTAB},
	};
	struct tcp_endpoints e;
	tcp_state_init(&e);
	RUN(&e, steps, T0);
	ck_assert(e.inferred);
}
END_TEST

/*
 * Sequence numbers across 2^32. Client ISS 0xfffffffd: its SYN takes
 * 0xfffffffd, one data byte 0xfffffffe, its FIN 0xffffffff, acknowledged by
 * ACK 0. Server ISS 0xffffffff: its SYN is acknowledged by ACK 0, its FIN
 * takes 0 and is acknowledged by ACK 1.
 */
START_TEST(test_seq_wrap)
{
	static const struct step steps[] = {
		{C, F_SYN, 0xfffffffdu, 0, 0, SYN_SENT, NONE},
		{S, F_SYN | F_ACK, 0xffffffffu, 0xfffffffeu, 0, SYN_SENT, SYN_RCVD},
		{C, F_ACK, 0xfffffffeu, 0, 0, ESTAB, ESTAB},             /* acks SYN 0xffffffff */
		{C, F_PSH | F_ACK, 0xfffffffeu, 0, 1, ESTAB, ESTAB},      /* byte 0xfffffffe */
		{C, F_FIN | F_ACK, 0xffffffffu, 0, 0, FIN_WAIT_1, CLOSE_WAIT}, /* FIN at 0xffffffff */
		{S, F_ACK, 0, 0xffffffffu, 0, FIN_WAIT_1, CLOSE_WAIT},    /* acks the byte, not the FIN */
		{S, F_ACK, 0, 0, 0, FIN_WAIT_2, CLOSE_WAIT},              /* 0xffffffff + 1 = 0 */
		{S, F_FIN | F_ACK, 0, 0, 0, TIME_WAIT, LAST_ACK},         /* FIN at 0 */
		{C, F_ACK, 0, 0, 0, TIME_WAIT, LAST_ACK},                 /* ACK 0 does not cover FIN 0 */
		{C, F_ACK, 0, 1, 0, TIME_WAIT, CLOSED},
	};
	struct tcp_endpoints e;
	tcp_state_init(&e);
	RUN(&e, steps, T0);
	ck_assert_uint_eq(e.fin_seq[C], 0xffffffffu);
	ck_assert_uint_eq(e.fin_seq[S], 0);
}
END_TEST

/* Data and FIN on one segment across the wrap: 16 bytes from 0xfffffff0
 * fill 0xfffffff0..0xffffffff, the FIN takes 0, its ACK is 1. */
START_TEST(test_seq_wrap_data_fin)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	run(&e, client_closes, 3, T0);
	send_checked(&e, C, F_FIN | F_PSH | F_ACK, 0xfffffff0u, 301, 16, T0 + SEC);
	ck_assert_uint_eq(e.fin_seq[C], 0);
	ck_assert_int_eq(send_checked(&e, S, F_ACK, 301, 0, 0, T0 + SEC + 1), 0);
	ck_assert_int_eq(send_checked(&e, S, F_ACK, 301, 1, 0, T0 + SEC + 2), 1);
	ck_assert_int_eq(e.state[C], FIN_WAIT_2);
}
END_TEST

/* TIME_WAIT ends after 2MSL: still TIME_WAIT at exactly entry + 2MSL,
 * CLOSED at 2MSL + 1 ns, the change stamped entry + 2MSL. */
START_TEST(test_time_wait_expiry)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	RUN(&e, client_closes, T0);
	uint64_t tw = e.time_wait_ns[C];
	struct tcp_state_change ch[2];
	int n = -1;
	ck_assert(!tcp_state_advance(&e, tw - 1, MSL2, ch, &n)); /* before entry: nothing */
	ck_assert_int_eq(n, 0);
	ck_assert(!tcp_state_advance(&e, tw + MSL2, MSL2, ch, &n));
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(e.state[C], TIME_WAIT);
	ck_assert(tcp_state_advance(&e, tw + MSL2 + 1, MSL2, ch, &n));
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(ch[0].endpoint, C);
	ck_assert_int_eq(ch[0].old_state, TIME_WAIT);
	ck_assert_int_eq(ch[0].new_state, CLOSED);
	ck_assert_uint_eq(ch[0].ts_ns, tw + MSL2);
	ck_assert_int_eq(e.state[C], CLOSED);
	ck_assert_int_eq(e.state[S], CLOSED);
	ck_assert(!tcp_state_advance(&e, tw + 10 * MSL2, MSL2, NULL, NULL));
}
END_TEST

/* Both in TIME_WAIT (simultaneous close), entered 1 us apart: each expires
 * on its own clock. */
START_TEST(test_time_wait_expiry_both)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	RUN(&e, open_99_299, T0);
	RUN(&e, simultaneous_close, T0 + SEC);
	uint64_t tc = e.time_wait_ns[C], ts = e.time_wait_ns[S];
	ck_assert_uint_eq(ts - tc, 1000);
	struct tcp_state_change ch[2];
	int n = -1;
	ck_assert(tcp_state_advance(&e, tc + MSL2 + 1, MSL2, ch, &n));
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(ch[0].endpoint, C);
	ck_assert_int_eq(e.state[S], TIME_WAIT);
	ck_assert(tcp_state_advance(&e, ts + MSL2 + 1, MSL2, ch, &n));
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(ch[0].endpoint, S);
	ck_assert_uint_eq(ch[0].ts_ns, ts + MSL2);
}
END_TEST

/* The retransmitted FIN restarted the timer: 2MSL counts from it. */
START_TEST(test_time_wait_restart)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	RUN(&e, client_closes, T0);
	uint64_t tw = e.time_wait_ns[C];
	send_checked(&e, S, F_FIN | F_ACK, 301, 152, 0, tw + SEC); /* the server's FIN again */
	ck_assert(!tcp_state_advance(&e, tw + MSL2 + 1, MSL2, NULL, NULL));
	ck_assert(!tcp_state_advance(&e, tw + SEC + MSL2, MSL2, NULL, NULL));
	ck_assert(tcp_state_advance(&e, tw + SEC + MSL2 + 1, MSL2, NULL, NULL));
	ck_assert_int_eq(e.state[C], CLOSED);
}
END_TEST

static const uint16_t garbage_flags[] = {F_FIN, F_SYN, F_RST, F_PSH, F_ACK};
#define NGF 5

static uint16_t flags_of(int combo)
{
	uint16_t f = 0;
	for (int b = 0; b < NGF; b++)
		if (combo & (1 << b))
			f |= garbage_flags[b];
	return f;
}

/* Feed k segments, every combination of FIN SYN RST PSH ACK and sender for
 * each, with seq/ack that sometimes acknowledge what came before: no crash,
 * states within the enum, changes consistent (send_checked asserts it). */
static void garbage_from(const struct step *pre, int npre, int k)
{
	int per = (1 << NGF) * 2;
	int total = 1;
	for (int i = 0; i < k; i++)
		total *= per;
	for (int code = 0; code < total; code++) {
		struct tcp_endpoints e;
		tcp_state_init(&e);
		for (int i = 0; i < npre; i++)
			send_raw(&e, pre[i].from, pre[i].flags, pre[i].seq, pre[i].ack, pre[i].len, T0 + (uint64_t)i);
		int c = code;
		for (int i = 0; i < k; i++) {
			int combo = c % per;
			c /= per;
			int from = combo & 1;
			uint16_t f = flags_of(combo >> 1);
			uint32_t seq = 100u + (uint32_t)i;
			uint32_t ack = (combo & 2) ? 102u + (uint32_t)i : 301u + (uint32_t)i;
			if (send_raw(&e, from, f, seq, ack, (uint32_t)(i & 1), T0 + SEC + (uint64_t)i) < 0)
				ck_abort_msg("code %d segment %d: inconsistent change report", code, i);
		}
		tcp_state_advance(&e, T0 + 2 * MSL2, MSL2, NULL, NULL);
		if (e.state[C] >= TCP_ST__COUNT || e.state[S] >= TCP_ST__COUNT)
			ck_abort_msg("code %d: state out of range", code);
	}
}

START_TEST(test_garbage_flags)
{
	garbage_from(NULL, 0, 3);
	int n = (int)(sizeof(client_closes) / sizeof(client_closes[0]));
	for (int k = 1; k <= n; k++)
		garbage_from(client_closes, k, 2);
	garbage_from(simultaneous_open, 2, 2);
	garbage_from(open_99_299, 3, 1);
}
END_TEST

START_TEST(test_bad_arguments)
{
	struct tcp_endpoints e;
	tcp_state_init(&e);
	struct pkt p = mkpkt(F_SYN, 1, 0, 0);
	int n = -1;
	ck_assert(!tcp_state_packet(&e, &p, 2, T0, NULL, &n));
	ck_assert(!tcp_state_packet(&e, &p, -1, T0, NULL, &n));
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(e.state[C], NONE);
	ck_assert_int_eq(e.state[S], NONE);
	/* NULL out and nchanges are allowed */
	ck_assert(tcp_state_packet(&e, &p, C, T0, NULL, NULL));
	ck_assert_int_eq(e.state[C], SYN_SENT);
}
END_TEST

START_TEST(test_names)
{
	static const char *const expect[TCP_ST__COUNT] = {
		"NONE", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
		"CLOSING", "TIME_WAIT", "CLOSE_WAIT", "LAST_ACK", "CLOSED",
	};
	for (int s = 0; s < TCP_ST__COUNT; s++)
		ck_assert_str_eq(tcp_state_name((enum tcp_state)s), expect[s]);
	ck_assert_str_eq(tcp_state_name(TCP_ST__COUNT), "?");
	ck_assert_str_eq(tcp_state_name((enum tcp_state)200), "?");
	ck_assert_uint_le(sizeof(struct tcp_endpoints), 32);
}
END_TEST

Suite *tcp_state_suite(void)
{
	Suite *s = suite_create("tcp_state");

	TCase *tc_open = tcase_create("open");
	tcase_add_test(tc_open, test_syn_retransmissions);
	tcase_add_test(tc_open, test_ack_not_covering_synack);
	tcase_add_test(tc_open, test_simultaneous_open);
	tcase_add_test(tc_open, test_simultaneous_open_bad_ack);
	tcase_add_test(tc_open, test_syn_retry_after_rst);
	tcase_add_test(tc_open, test_midstream_data);
	tcase_add_test(tc_open, test_midstream_fin);
	tcase_add_test(tc_open, test_midstream_synack);
	tcase_add_test(tc_open, test_synack_missed);
	suite_add_tcase(s, tc_open);

	TCase *tc_close = tcase_create("close");
	tcase_add_test(tc_close, test_open_close_client_first);
	tcase_add_test(tc_close, test_open_close_server_first);
	tcase_add_test(tc_close, test_simultaneous_close);
	tcase_add_test(tc_close, test_simultaneous_close_changes);
	tcase_add_test(tc_close, test_half_close);
	tcase_add_test(tc_close, test_finack_and_fin_retransmitted);
	tcase_add_test(tc_close, test_rst_in_every_state);
	suite_add_tcase(s, tc_close);

	TCase *limits = tcase_create("limits");
	tcase_add_test(limits, test_seq_wrap);
	tcase_add_test(limits, test_seq_wrap_data_fin);
	tcase_add_test(limits, test_time_wait_expiry);
	tcase_add_test(limits, test_time_wait_expiry_both);
	tcase_add_test(limits, test_time_wait_restart);
	tcase_add_test(limits, test_names);
	suite_add_tcase(s, limits);

	TCase *malformed = tcase_create("malformed");
	tcase_add_test(malformed, test_bare_fin_first);
	tcase_add_test(malformed, test_bad_arguments);
	tcase_add_test(malformed, test_garbage_flags);
	tcase_set_timeout(malformed, 120);
	suite_add_tcase(s, malformed);
	return s;
}
