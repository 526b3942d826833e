/* check_tcp_seq.c - sequence, window and RTT analysis driven packet by packet, with hand-worked values. */
#include <check.h>
#include <stdarg.h>
#include <string.h>

#include "analyzer.h"
#include "pktbuild.h"
#include "seq.h"
#include "suites.h"
#include "tcp_seq.h"

#define US 1000ull
#define MS (1000ull * US)
#define T0 (1700000000ull * 1000000000ull)

#define C ROLE_CLIENT
#define S ROLE_SERVER

#define F_SYN TCP_FLAG_SYN
#define F_ACK TCP_FLAG_ACK
#define F_FIN TCP_FLAG_FIN
#define F_RST TCP_FLAG_RST
#define F_PA (TCP_FLAG_PSH | TCP_FLAG_ACK)

/* Bits a step's expectation ignores unless it names them. */
#define RTT TCP_SEQ_RTT_SAMPLE

static struct pkt mkpkt(uint64_t ts, uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len,
			uint16_t win)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.ts_ns = ts;
	p.flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.payload_len = len;
	p.window = win;
	return p;
}

/* SYN options: window scale `ws` (or none when ws < 0), SACK permitted. */
static void syn_opts(struct pkt *p, int ws)
{
	p->opt.present = TCP_OPT_HAS_SACK_PERM;
	if (ws >= 0) {
		p->opt.present |= TCP_OPT_HAS_WSCALE;
		p->opt.wscale = (uint8_t)ws;
	}
}

static void add_sack(struct pkt *p, unsigned n, ...)
{
	va_list ap;
	va_start(ap, n);
	p->opt.present |= TCP_OPT_HAS_SACK;
	p->opt.sack_count = (uint8_t)n;
	for (unsigned i = 0; i < n; i++) {
		p->opt.sack[i].left = va_arg(ap, uint32_t);
		p->opt.sack[i].right = va_arg(ap, uint32_t);
	}
	va_end(ap);
}

/*
 * The handshake used by most tests: client ISN 1000, server ISN 5000, both
 * with window scale 7; SYN at t = 0, SYN-ACK at 0.25 ms, ACK at 0.31 ms.
 * After it the client sends 100 bytes at 0.4 ms: [1001, 1101).
 * Returns the time of the last packet.
 */
static uint64_t handshake(struct tcp_seq_conn *s)
{
	tcp_seq_init(s);
	struct pkt p = mkpkt(T0, F_SYN, 1000, 0, 0, 64240);
	syn_opts(&p, 7);
	ck_assert_uint_eq(tcp_seq_packet(s, &p, C), 0);
	p = mkpkt(T0 + 250 * US, F_SYN | F_ACK, 5000, 1001, 0, 65160);
	syn_opts(&p, 7);
	ck_assert_uint_eq(tcp_seq_packet(s, &p, S), RTT); /* ACKs the SYN: 250 us */
	p = mkpkt(T0 + 310 * US, F_ACK, 1001, 5001, 0, 502);
	ck_assert_uint_eq(tcp_seq_packet(s, &p, C), RTT); /* ACKs the SYN-ACK: 60 us */
	p = mkpkt(T0 + 400 * US, F_PA, 1001, 5001, 100, 502);
	ck_assert_uint_eq(tcp_seq_packet(s, &p, C), 0);
	return T0 + 400 * US;
}

/* Send and return the bits. */
static uint32_t seg_send(struct tcp_seq_conn *s, enum conn_role from, uint64_t ts, uint16_t flags, uint32_t seq,
		     uint32_t ack, uint32_t len, uint16_t win)
{
	struct pkt p = mkpkt(ts, flags, seq, ack, len, win);
	return tcp_seq_packet(s, &p, from);
}

/*
 * The cold part: a clean exchange (request ACKed in 1 ms) allocates none;
 * the client sending [1001,1101) again 2 s later (already ACKed: spurious)
 * gets one, holding that resend's start, 1001; swapping the roles swaps it.
 */
START_TEST(cold_part_only_when_needed)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	ck_assert_uint_eq(seg_send(&s, S, t + 1 * MS, F_ACK, 5001, 1101, 0, 509), RTT);
	ck_assert_ptr_null(s.rare);
	ck_assert_uint_eq(seg_send(&s, C, t + 2000 * MS, F_PA, 1001, 5001, 100, 502),
			  TCP_SEQ_SPURIOUS_RETRANSMISSION);
	ck_assert_ptr_nonnull(s.rare);
	ck_assert_uint_eq(s.rare->half[C].resent_seq, 1001);
	tcp_seq_swap(&s);
	ck_assert_uint_eq(s.rare->half[S].resent_seq, 1001);
	ck_assert_uint_eq(s.rare->half[C].resent_seq, 0);
	tcp_seq_release(&s);
	ck_assert_ptr_null(s.rare);
	ck_assert_uint_eq(tcp_seq_zero_window_ms(&s, C, t + 3000 * MS), 0);
}
END_TEST

START_TEST(seq_helpers_wrap)
{
	ck_assert(seq_lt(0xFFFFFFF0u, 0x10u));
	ck_assert(seq_gt(0x10u, 0xFFFFFFF0u));
	ck_assert(seq_in_range(0x5u, 0xFFFFFFF0u, 0x20u));
	ck_assert(!seq_in_range(0x20u, 0xFFFFFFF0u, 0x20u));
}
END_TEST

/*
 * RTT samples and RFC 6298: client SYN -> SYN-ACK 250 us (first sample:
 * SRTT 250, RTTVAR 125); request [1001,1101) at 0.4 ms ACKed at 1.4 ms:
 * 1000 us.  RTTVAR = 3/4 * 125 + 1/4 * |250 - 1000| = 93 + 187 = 280
 * (integer steps: 125 - 31 + 187 = 281), SRTT = 250 - 31 + 125 = 344.
 */
START_TEST(rtt_rfc6298)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	ck_assert_uint_eq(s.half[C].rtt.samples, 1);
	ck_assert_uint_eq(s.half[C].rtt.srtt_us, 250);
	ck_assert_uint_eq(s.half[C].rtt.rttvar_us, 125);
	ck_assert_uint_eq(s.half[S].rtt.samples, 1);
	ck_assert_uint_eq(s.half[S].rtt.min_us, 60);

	ck_assert_uint_eq(seg_send(&s, S, t + 1 * MS, F_PA, 5001, 1101, 1000, 509), RTT);
	const struct tcp_rtt_stats *r = &s.half[C].rtt;
	ck_assert_uint_eq(r->samples, 2);
	ck_assert_uint_eq(r->min_us, 250);
	ck_assert_uint_eq(r->max_us, 1000);
	ck_assert_uint_eq(r->sum_us, 1250);
	ck_assert_uint_eq(r->sum_sq_us, 250ull * 250 + 1000ull * 1000);
	ck_assert_uint_eq(r->rttvar_us, 125 - 125 / 4 + 750 / 4); /* 94 + 187 = 281 */
	ck_assert_uint_eq(r->srtt_us, 250 - 250 / 8 + 1000 / 8);  /* 219 + 125 = 344 */
	/* RTO = 344 + 4 * 281 = 1468 us, below RFC 6298's 1 s floor */
	ck_assert_uint_eq(tcp_rtt_rto_us(r), 1000000);
	/* the window is scaled: 502 << 7 */
	ck_assert_uint_eq(s.half[C].win_max, 64256);
	ck_assert_uint_eq(s.half[C].win_min, 64240); /* the SYN's, unscaled */
	tcp_seq_release(&s);
}
END_TEST

/*
 * Dup ACKs and fast retransmission.  Server segments S1..S4 of 1000 bytes
 * at 5001..9001; S2 lost.  Client: ACK 6001, then three identical ACKs
 * (dup #1..#3); the server resends S2 5 ms later: fast.  A second resend of
 * S2 30 ms after the last dup ACK is no longer Wireshark's "fast" (20 ms
 * rule): a plain retransmission; 30 ms of silence is below the 200 ms
 * minimum RTO, and the client's SACK [7001,10001) above its ACK 6001 shows
 * the hole S2 fills: fast by SACK (RFC 6675).
 */
START_TEST(dup_ack_fast_retransmission)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	for (uint32_t i = 0; i < 4; i++)
		seg_send(&s, S, t + (1 + i) * 100 * US, F_PA, 5001 + i * 1000, 1101, 1000, 509);
	t += 500 * US;
	ck_assert_uint_eq(seg_send(&s, C, t + 100 * US, F_ACK, 1101, 6001, 0, 502), RTT);
	for (int k = 1; k <= 3; k++) {
		struct pkt p = mkpkt(t + (100 + 100 * (uint64_t)k) * US, F_ACK, 1101, 6001, 0, 502);
		add_sack(&p, 1, 7001u, 7001u + 1000u * (uint32_t)k);
		ck_assert_uint_eq(tcp_seq_packet(&s, &p, C), TCP_SEQ_DUP_ACK);
		ck_assert_uint_eq(tcp_seq_dsack_blocks(&p), 0);
		ck_assert_int_eq(s.half[C].dup_acks, k);
	}
	t += 400 * US;
	ck_assert_uint_eq(seg_send(&s, S, t + 5 * MS, F_PA, 6001, 1101, 1000, 509),
			  TCP_SEQ_FAST_RETRANSMISSION);
	ck_assert_uint_eq(seg_send(&s, S, t + 35 * MS, F_PA, 6001, 1101, 1000, 509),
			  TCP_SEQ_RETRANSMISSION | TCP_SEQ_FAST_RETRANSMISSION);
	/* The ACK of everything: S4 was sent before the resends, no sample. */
	ck_assert_uint_eq(seg_send(&s, C, t + 36 * MS, F_ACK, 1101, 9001, 0, 502), 0);
	ck_assert_int_eq(s.half[C].dup_acks, 0);
	tcp_seq_release(&s);
}
END_TEST

/*
 * Timeout retransmission with back-off, Karn's rule: S1 at t, resent at
 * t + 200 ms and t + 600 ms (silence 200 then 400 ms >= max(RTO estimate,
 * 200 ms)); its ACK gives no sample.
 */
START_TEST(timeout_retransmission_karn)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	ck_assert_uint_eq(seg_send(&s, S, t + 100 * US, F_PA, 5001, 1101, 1000, 509), RTT);
	t += 100 * US;
	uint32_t want = TCP_SEQ_RETRANSMISSION | TCP_SEQ_TIMEOUT_RETRANSMISSION;
	ck_assert_uint_eq(seg_send(&s, S, t + 200 * MS, F_PA, 5001, 1101, 1000, 509), want);
	ck_assert_uint_eq(seg_send(&s, S, t + 600 * MS, F_PA, 5001, 1101, 1000, 509), want);
	ck_assert_uint_eq(seg_send(&s, C, t + 601 * MS, F_ACK, 1101, 6001, 0, 502), 0);
	ck_assert_uint_eq(s.half[S].rtt.samples, 1); /* the SYN-ACK's only */
	tcp_seq_release(&s);
}
END_TEST

/*
 * Tail-loss probe: S1 ACKed 20 ms after it left (SRTT of the server's data:
 * 60 us, then 60 - 7 + 2500 = 2553 us).  S2, S3 sent; S3 resent alone
 * 30 ms later: >= max(SRTT, 10 ms), < 200 ms, the tail -> TLP.
 */
START_TEST(tail_loss_probe)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	seg_send(&s, S, t + 100 * US, F_PA, 5001, 1101, 1000, 509);
	ck_assert_uint_eq(seg_send(&s, C, t + 20100 * US, F_ACK, 1101, 6001, 0, 502), RTT);
	ck_assert_uint_eq(s.half[S].rtt.srtt_us, 60 - 60 / 8 + 20000 / 8);
	t += 20100 * US;
	ck_assert_uint_eq(seg_send(&s, S, t + 100 * US, F_PA, 6001, 1101, 1000, 509), 0);
	ck_assert_uint_eq(seg_send(&s, S, t + 200 * US, F_PA, 7001, 1101, 1000, 509), 0);
	ck_assert_uint_eq(seg_send(&s, S, t + 30200 * US, F_PA, 7001, 1101, 1000, 509),
			  TCP_SEQ_RETRANSMISSION | TCP_SEQ_TLP_RETRANSMISSION);
	tcp_seq_release(&s);
}
END_TEST

/*
 * Out-of-order vs not captured: S1, S3 (starts past the highest: a gap),
 * S2 100 us later (below the highest, within the 310 us handshake RTT, not
 * ending at the highest): out-of-order.  The same S2 500 us after S3 would
 * be a retransmission.
 */
START_TEST(out_of_order_and_gap)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	ck_assert_uint_eq(s.irtt_us, 310);
	seg_send(&s, S, t + 100 * US, F_PA, 5001, 1101, 1000, 509);
	ck_assert_uint_eq(seg_send(&s, S, t + 200 * US, F_PA, 7001, 1101, 1000, 509),
			  TCP_SEQ_NOT_CAPTURED);
	ck_assert_uint_eq(seg_send(&s, S, t + 300 * US, F_PA, 6001, 1101, 1000, 509), TCP_SEQ_OUT_OF_ORDER);

	struct tcp_seq_conn s2;
	t = handshake(&s2);
	seg_send(&s2, S, t + 100 * US, F_PA, 5001, 1101, 1000, 509);
	seg_send(&s2, S, t + 200 * US, F_PA, 7001, 1101, 1000, 509);
	ck_assert_uint_eq(seg_send(&s2, S, t + 700 * US, F_PA, 6001, 1101, 1000, 509),
			  TCP_SEQ_RETRANSMISSION);
	tcp_seq_release(&s);
	tcp_seq_release(&s2);
}
END_TEST

/*
 * Spurious retransmission: data the peer had already ACKed (Wireshark's
 * definition), and one proven by a D-SACK (RFC 2883/3708): S1 resent after
 * 250 ms (timeout), then the ACK of S1-S2 and a D-SACK [S1] below it.
 */
START_TEST(spurious_and_dsack)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	seg_send(&s, S, t + 100 * US, F_PA, 5001, 1101, 1000, 509);
	seg_send(&s, S, t + 200 * US, F_PA, 6001, 1101, 1000, 509);
	ck_assert_uint_eq(seg_send(&s, S, t + 250 * MS, F_PA, 5001, 1101, 1000, 509),
			  TCP_SEQ_RETRANSMISSION | TCP_SEQ_TIMEOUT_RETRANSMISSION);
	t += 250 * MS;
	/* S2 was sent before the resend of S1 below it: no sample */
	ck_assert_uint_eq(seg_send(&s, C, t + 1 * MS, F_ACK, 1101, 7001, 0, 502), 0);
	struct pkt p = mkpkt(t + 1200 * US, F_ACK, 1101, 7001, 0, 502);
	add_sack(&p, 1, 5001u, 6001u);
	ck_assert_uint_eq(tcp_seq_dsack_blocks(&p), 1);
	ck_assert_uint_eq(tcp_seq_packet(&s, &p, C), TCP_SEQ_DUP_ACK | TCP_SEQ_DSACK_SPURIOUS);
	ck_assert_uint_eq(seg_send(&s, S, t + 300 * MS, F_PA, 6001, 1101, 1000, 509),
			  TCP_SEQ_SPURIOUS_RETRANSMISSION);
	tcp_seq_release(&s);
}
END_TEST

/* Segment with timestamps TSval val, TSecr ecr. */
static uint32_t ts_send(struct tcp_seq_conn *s, enum conn_role from, uint64_t ts, uint16_t flags, uint32_t seq,
			uint32_t ack, uint32_t len, uint32_t val, uint32_t ecr)
{
	struct pkt p = mkpkt(ts, flags, seq, ack, len, 509);
	p.opt.present = TCP_OPT_HAS_TIMESTAMPS;
	p.opt.ts_val = val;
	p.opt.ts_ecr = ecr;
	return tcp_seq_packet(s, &p, from);
}

/*
 * Eifel (RFC 3522): S1 (TSval 100) is resent on a timeout 250 ms later
 * (TSval 350). The first ACK covering S1 echoes 100: it answered the
 * original, so the resend was spurious; echoing 350 it answered the resend,
 * which was needed. Only that first ACK decides.
 */
START_TEST(eifel_spurious)
{
	for (int original = 1; original >= 0; original--) {
		struct tcp_seq_conn s;
		uint64_t t = handshake(&s);
		ts_send(&s, S, t + 100 * US, F_PA, 5001, 1101, 1000, 100, 7);
		ck_assert_uint_eq(ts_send(&s, S, t + 250 * MS, F_PA, 5001, 1101, 1000, 350, 7),
				  TCP_SEQ_RETRANSMISSION | TCP_SEQ_TIMEOUT_RETRANSMISSION);
		uint32_t bits = ts_send(&s, C, t + 251 * MS, F_ACK, 1101, 6001, 0, 9, original ? 100 : 350);
		ck_assert_uint_eq(bits & TCP_SEQ_DSACK_SPURIOUS, original ? TCP_SEQ_DSACK_SPURIOUS : 0);
		/* a later ACK echoing the old value changes nothing */
		bits = ts_send(&s, C, t + 252 * MS, F_ACK, 1101, 6001, 0, 10, 100);
		ck_assert_uint_eq(bits & TCP_SEQ_DSACK_SPURIOUS, 0);
		tcp_seq_release(&s);
	}
}
END_TEST

/*
 * RTT from timestamps (RFC 7323 RTTM). S1 (TSval 500) at +0.1 ms, its echo
 * at +1.1 ms: 1000 us. S2 and S3 share TSval 600 (one clock tick): only S2
 * starts the wait, the echo of 600 at +3 ms gives 1000 us from S2. S4
 * (TSval 700) waits; its resend (TSval 900) starts nothing; the echo of 900
 * passes 700, which will never be echoed: no sample. Two samples of 1000 us.
 */
START_TEST(timestamp_rtt)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	ts_send(&s, S, t + 100 * US, F_PA, 5001, 1101, 1000, 500, 7);
	ck_assert_uint_eq(ts_send(&s, C, t + 1100 * US, F_ACK, 1101, 6001, 0, 9, 500) & TCP_SEQ_TS_RTT_SAMPLE,
			  TCP_SEQ_TS_RTT_SAMPLE);
	ts_send(&s, S, t + 2 * MS, F_PA, 6001, 1101, 1000, 600, 9);
	ts_send(&s, S, t + 2100 * US, F_PA, 7001, 1101, 1000, 600, 9);
	ck_assert_uint_eq(ts_send(&s, C, t + 3 * MS, F_ACK, 1101, 8001, 0, 10, 600) & TCP_SEQ_TS_RTT_SAMPLE,
			  TCP_SEQ_TS_RTT_SAMPLE);
	ts_send(&s, S, t + 4 * MS, F_PA, 8001, 1101, 1000, 700, 10);
	ts_send(&s, S, t + 300 * MS, F_PA, 8001, 1101, 1000, 900, 10);
	ck_assert_uint_eq(ts_send(&s, C, t + 301 * MS, F_ACK, 1101, 9001, 0, 11, 900) & TCP_SEQ_TS_RTT_SAMPLE, 0);
	const struct tcp_ts_rtt *r = &s.half[S].ts_rtt;
	ck_assert_uint_eq(r->samples, 2);
	ck_assert_uint_eq(r->min_us, 1000);
	ck_assert_uint_eq(r->max_us, 1000);
	ck_assert_uint_eq(r->sum_us, 2000);
	ck_assert_uint_eq(s.half[C].ts_rtt.samples, 0); /* the client sent no data with timestamps */
	tcp_seq_release(&s);
}
END_TEST

/*
 * The capture put an ACK 20 us before the data it acknowledges (two
 * interfaces merged, two sockets' stamps): no sample, neither from the
 * data/ACK pair nor from the timestamp echo, instead of a gap wrapped to
 * 71 minutes. A later segment is timed as usual.
 */
START_TEST(rtt_negative_gap_no_sample)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	ts_send(&s, S, t + 1 * MS, F_PA, 5001, 1101, 1000, 500, 7);
	ck_assert_uint_eq(ts_send(&s, C, t + 980 * US, F_ACK, 1101, 6001, 0, 9, 500) &
			  (RTT | TCP_SEQ_TS_RTT_SAMPLE), 0);
	ck_assert_uint_eq(s.half[S].rtt.samples, 1); /* the handshake's only */
	ck_assert_uint_eq(s.half[S].rtt.max_us, 60);
	ck_assert_uint_eq(s.half[S].ts_rtt.samples, 0);
	ts_send(&s, S, t + 2 * MS, F_PA, 6001, 1101, 1000, 600, 9);
	ck_assert_uint_eq(ts_send(&s, C, t + 2500 * US, F_ACK, 1101, 7001, 0, 10, 600) & (RTT | TCP_SEQ_TS_RTT_SAMPLE),
			  RTT | TCP_SEQ_TS_RTT_SAMPLE);
	ck_assert_uint_eq(s.half[S].rtt.max_us, 500);
	ck_assert_uint_eq(s.half[S].ts_rtt.max_us, 500);
	tcp_seq_release(&s);
}
END_TEST

/* RFC 2883 section 4: D-SACK when the first block is below the ACK or inside the second. */
START_TEST(dsack_rules)
{
	struct pkt p = mkpkt(T0, F_ACK, 1, 5000, 0, 100);
	add_sack(&p, 1, 6000u, 7000u);
	ck_assert_uint_eq(tcp_seq_dsack_blocks(&p), 0);   /* above the ACK: plain SACK */
	add_sack(&p, 1, 4000u, 5000u);
	ck_assert_uint_eq(tcp_seq_dsack_blocks(&p), 1);   /* below the ACK */
	add_sack(&p, 2, 6500u, 7000u, 6000u, 8000u);
	ck_assert_uint_eq(tcp_seq_dsack_blocks(&p), 1);   /* inside the second block */
	add_sack(&p, 2, 6000u, 7000u, 8000u, 9000u);
	ck_assert_uint_eq(tcp_seq_dsack_blocks(&p), 0);   /* two disjoint blocks */
	add_sack(&p, 1, 0xFFFFFF00u, 0x10u);
	p.ack = 0x20u;
	ck_assert_uint_eq(tcp_seq_dsack_blocks(&p), 1);   /* below the ACK across the wrap */
}
END_TEST

/*
 * Zero window and probes.  The client ACKs S1-S2 (7001) with window 0; the
 * server's Linux probe (seq 7000, no data) is a zero window probe, not a
 * keep-alive; the client's answer with window 0 is a zero window again and
 * the probe's ACK.  A 1-byte probe at 7001 too.  Window update to 502
 * 2 s after the first zero window: 2000 ms at zero.  The same probe shape
 * with the window open is a keep-alive, and its answer a keep-alive ACK.
 */
START_TEST(zero_window_probes_keepalive)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	seg_send(&s, S, t + 100 * US, F_PA, 5001, 1101, 1000, 509);
	seg_send(&s, S, t + 200 * US, F_PA, 6001, 1101, 1000, 509);
	t += 300 * US;
	ck_assert_uint_eq(seg_send(&s, C, t, F_ACK, 1101, 7001, 0, 0), TCP_SEQ_ZERO_WINDOW | RTT);
	ck_assert_uint_eq(seg_send(&s, S, t + 200 * MS, F_ACK, 7000, 1101, 0, 509), TCP_SEQ_ZERO_WINDOW_PROBE);
	ck_assert_uint_eq(seg_send(&s, C, t + 201 * MS, F_ACK, 1101, 7001, 0, 0),
			  TCP_SEQ_ZERO_WINDOW | TCP_SEQ_ZERO_WINDOW_PROBE_ACK);
	ck_assert_uint_eq(seg_send(&s, S, t + 600 * MS, F_PA, 7001, 1101, 1, 509), TCP_SEQ_ZERO_WINDOW_PROBE);
	ck_assert_uint_eq(seg_send(&s, C, t + 601 * MS, F_ACK, 1101, 7001, 0, 0),
			  TCP_SEQ_ZERO_WINDOW | TCP_SEQ_ZERO_WINDOW_PROBE_ACK);
	ck_assert_uint_eq(tcp_seq_zero_window_ms(&s, C, t + 1 * 1000 * MS), 1000);
	ck_assert_uint_eq(seg_send(&s, C, t + 2000 * MS, F_ACK, 1101, 7001, 0, 502), TCP_SEQ_WINDOW_UPDATE);
	ck_assert_uint_eq(tcp_seq_zero_window_ms(&s, C, t + 5000 * MS), 2000);
	ck_assert_uint_eq(s.half[C].win_min, 0);
	/* the probed byte goes out again with more data: new data, nothing else */
	ck_assert_uint_eq(seg_send(&s, S, t + 2001 * MS, F_PA, 7001, 1101, 1000, 509), 0);
	ck_assert_uint_eq(seg_send(&s, C, t + 2002 * MS, F_ACK, 1101, 8001, 0, 502), RTT);
	/* window open: the same shape is a keep-alive */
	ck_assert_uint_eq(seg_send(&s, S, t + 9000 * MS, F_ACK, 8000, 1101, 0, 509), TCP_SEQ_KEEPALIVE);
	ck_assert_uint_eq(seg_send(&s, C, t + 9001 * MS, F_ACK, 1101, 8001, 0, 502), TCP_SEQ_KEEPALIVE_ACK);
	tcp_seq_release(&s);
}
END_TEST

/*
 * Window full: the client ACKs 6001 with window field 24 (scale 7: 3072
 * bytes); three 1024-byte segments, the third ends at 6001 + 3072.
 * Without the handshake (scale unknown) there is no window full.
 */
START_TEST(window_full_needs_scale)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	seg_send(&s, S, t + 100 * US, F_PA, 5001, 1101, 1000, 509);
	seg_send(&s, C, t + 200 * US, F_ACK, 1101, 6001, 0, 24);
	ck_assert_uint_eq(seg_send(&s, S, t + 300 * US, F_PA, 6001, 1101, 1024, 509), 0);
	ck_assert_uint_eq(seg_send(&s, S, t + 310 * US, F_PA, 7025, 1101, 1024, 509), 0);
	ck_assert_uint_eq(seg_send(&s, S, t + 320 * US, F_PA, 8049, 1101, 1024, 509), TCP_SEQ_WINDOW_FULL);
	ck_assert_uint_eq(s.half[C].win_min, 3072);
	ck_assert_uint_eq(s.half[S].max_in_flight, 3072);

	struct tcp_seq_conn m;
	tcp_seq_init(&m);
	seg_send(&m, S, T0, F_PA, 5001, 1101, 1000, 509);
	seg_send(&m, C, T0 + 100 * US, F_ACK, 1101, 6001, 0, 3);
	ck_assert_uint_eq(seg_send(&m, S, T0 + 200 * US, F_PA, 6001, 1101, 3, 509), 0);
	ck_assert(!tcp_seq_wscale_known(&m.half[C]));
	tcp_seq_release(&s);
	tcp_seq_release(&m);
}
END_TEST

/*
 * ACKed unseen: the server's S1 at 5001, the client ACKs 7001 (S2 never
 * seen): flagged once; repeating it while the server sent nothing new is
 * not flagged again.
 */
START_TEST(acked_unseen_once)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	seg_send(&s, S, t + 100 * US, F_PA, 5001, 1101, 1000, 509);
	ck_assert_uint_eq(seg_send(&s, C, t + 200 * US, F_ACK, 1101, 7001, 0, 502), TCP_SEQ_ACKED_UNSEEN);
	ck_assert_uint_eq(seg_send(&s, C, t + 300 * US, F_ACK | F_FIN, 1101, 7001, 0, 502) & TCP_SEQ_ACKED_UNSEEN,
			  0);
	tcp_seq_release(&s);
}
END_TEST

/*
 * The 2^32 wrap: server ISN 0xFFFFFC17 so S1 = [0xFFFFFC18, 0x000000000)
 * ... the fast-retransmit sequence again with every number past the wrap.
 */
START_TEST(wrap_dup_ack_fast_retransmission)
{
	struct tcp_seq_conn s;
	tcp_seq_init(&s);
	const uint32_t isn = 0xFFFFFC17u, s1 = isn + 1; /* S2 starts at 0x00000000 */
	struct pkt p = mkpkt(T0, F_SYN, 1000, 0, 0, 64240);
	syn_opts(&p, 7);
	tcp_seq_packet(&s, &p, C);
	p = mkpkt(T0 + 250 * US, F_SYN | F_ACK, isn, 1001, 0, 65160);
	syn_opts(&p, 7);
	tcp_seq_packet(&s, &p, S);
	seg_send(&s, C, T0 + 310 * US, F_ACK, 1001, s1, 0, 502);
	uint64_t t = T0 + 1 * MS;
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_uint_eq(seg_send(&s, S, t + i * 100 * US, F_PA, s1 + i * 1000, 1001, 1000, 509), 0);
	ck_assert_uint_eq(seg_send(&s, C, t + 500 * US, F_ACK, 1001, s1 + 1000, 0, 502), RTT);
	for (int k = 0; k < 3; k++)
		ck_assert_uint_eq(seg_send(&s, C, t + (600 + 100 * (uint64_t)k) * US, F_ACK, 1001, s1 + 1000, 0, 502),
				  TCP_SEQ_DUP_ACK);
	ck_assert_uint_eq(seg_send(&s, S, t + 1 * MS, F_PA, s1 + 1000, 1001, 1000, 509),
			  TCP_SEQ_FAST_RETRANSMISSION);
	ck_assert_uint_eq(s.half[S].next_seq, s1 + 4000);
	tcp_seq_release(&s);
}
END_TEST

/*
 * A GSO super-segment of 8000 bytes ACKed per MSS: the first partial ACK
 * covers it (tcptrace), the final one gives no sample; no other flag.
 */
START_TEST(gso_partial_acks)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	ck_assert_uint_eq(seg_send(&s, S, t + 100 * US, F_PA, 5001, 1101, 8000, 509), RTT);
	ck_assert_uint_eq(seg_send(&s, C, t + 200 * US, F_ACK, 1101, 5001 + 2920, 0, 502), 0);
	ck_assert_uint_eq(seg_send(&s, C, t + 300 * US, F_ACK, 1101, 5001 + 5840, 0, 502), 0);
	ck_assert_uint_eq(seg_send(&s, C, t + 400 * US, F_ACK, 1101, 13001, 0, 502), 0);
	ck_assert_uint_eq(s.half[S].rtt.samples, 1);

	/* A super-segment [5001,12241) and a segment [12241,15001) behind it:
	 * an ACK into the first, then one exactly at its end, then one at the
	 * second's end: the second was not reached into, its sample counts
	 * (sent at t + 0.6 ms, ACKed at t + 2 ms: 1400 us). */
	struct tcp_seq_conn b;
	t = handshake(&b);
	seg_send(&b, S, t + 500 * US, F_PA, 5001, 1101, 7240, 509);
	seg_send(&b, S, t + 600 * US, F_PA, 12241, 1101, 2760, 509);
	ck_assert_uint_eq(seg_send(&b, C, t + 700 * US, F_ACK, 1101, 6449, 0, 502), 0);
	ck_assert_uint_eq(seg_send(&b, C, t + 1900 * US, F_ACK, 1101, 12241, 0, 502), 0);
	ck_assert_uint_eq(seg_send(&b, C, t + 2000 * US, F_ACK, 1101, 15001, 0, 502), RTT);
	ck_assert_uint_eq(b.half[S].rtt.max_us, 1400);
	tcp_seq_release(&s);
	tcp_seq_release(&b);
}
END_TEST

/*
 * More segments in flight than the inline RTT slot and the first ring (1,
 * then 8): they move to a ring that grows, and every one is timed, as tcptrace times them. A burst of 10 sent 100 us
 * apart from t + 0.1 ms, each ACKed on its own from t + 2 ms, 10 us apart:
 * sample i = 2000 + 10 i - 100 (i + 1) us, 1900 down to 1090.
 */
START_TEST(rtt_slots_full_burst)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	for (uint32_t i = 0; i < 10; i++)
		seg_send(&s, S, t + (i + 1) * 100 * US, F_PA, 5001 + i * 1000, 1101, 1000, 509);
	ck_assert_ptr_nonnull(s.half[S].rtt_spill);
	for (uint32_t i = 0; i < 10; i++)
		ck_assert_uint_eq(seg_send(&s, C, t + 2 * MS + i * 10 * US, F_ACK, 1101, 6001 + i * 1000, 0, 502) & RTT,
				  RTT);
	ck_assert_uint_eq(s.half[S].rtt.samples, 11); /* the SYN-ACK's and the ten */
	ck_assert_uint_eq(s.half[S].rtt.max_us, 1900);
	ck_assert_uint_eq(s.half[S].rtt.min_us, 60); /* the SYN-ACK (0.25 ms) ACKed at 0.31 ms */
	ck_assert_ptr_null(s.half[S].rtt_spill); /* all ACKed: the ring is freed */
	tcp_seq_release(&s);
}
END_TEST

/*
 * No sample across an earlier retransmission (tcptrace's "intervening
 * transmissions"): A, B, C leave at t + 0.1, 0.2, 0.3 ms; A is resent at
 * t + 300 ms, then C at t + 301 ms. The ACK ending at B (t + 302 ms) would
 * time the recovery of A: no sample, although the latest resend (C) lies
 * above it.
 */
START_TEST(rtt_no_sample_across_earlier_resend)
{
	struct tcp_seq_conn s;
	uint64_t t = handshake(&s);
	seg_send(&s, S, t + 100 * US, F_PA, 5001, 1101, 1000, 509);
	seg_send(&s, S, t + 200 * US, F_PA, 6001, 1101, 1000, 509);
	seg_send(&s, S, t + 300 * US, F_PA, 7001, 1101, 1000, 509);
	seg_send(&s, S, t + 300 * MS, F_PA, 5001, 1101, 1000, 509);
	seg_send(&s, S, t + 301 * MS, F_PA, 7001, 1101, 1000, 509);
	ck_assert_uint_eq(seg_send(&s, C, t + 302 * MS, F_ACK, 1101, 7001, 0, 502) & RTT, 0);
	ck_assert_uint_eq(s.half[S].rtt.samples, 1); /* the SYN-ACK's only */
	tcp_seq_release(&s);
}
END_TEST

/* A SYN without window scale: neither side scales (RFC 7323 1.3); swap exchanges the halves. */
START_TEST(no_scaling_and_swap)
{
	struct tcp_seq_conn s;
	tcp_seq_init(&s);
	struct pkt p = mkpkt(T0, F_SYN, 1000, 0, 0, 64240);
	syn_opts(&p, -1);
	tcp_seq_packet(&s, &p, C);
	ck_assert_int_eq(s.half[C].wscale, TCP_WSCALE_NONE);
	ck_assert_int_eq(s.half[S].wscale, TCP_WSCALE_NONE);
	p = mkpkt(T0 + 1 * MS, F_SYN | F_ACK, 5000, 1001, 0, 65160);
	syn_opts(&p, 7); /* ignored: the SYN did not offer it */
	tcp_seq_packet(&s, &p, S);
	ck_assert_int_eq(s.half[S].wscale, TCP_WSCALE_NONE);
	seg_send(&s, C, T0 + 2 * MS, F_ACK, 1001, 5001, 0, 502);
	ck_assert_uint_eq(s.half[C].win_max, 64240);
	ck_assert_uint_eq(s.half[C].win_min, 502);
	tcp_seq_swap(&s);
	ck_assert_uint_eq(s.half[S].win_min, 502);
	ck_assert_uint_eq(s.half[C].win_max, 65160);
	tcp_seq_release(&s);
}
END_TEST

/* Through the analyzer: the record of the one connection. */
static struct conn_record one_rec;
static int one_n;

static void keep_rec(void *ctx, const struct conn_record *r)
{
	(void)ctx;
	one_rec = *r;
	one_n++;
}

static void feed(struct analyzer *a, uint64_t ts, struct tb_tcp t)
{
	uint8_t buf[2048];
	size_t len = tb_eth_tcp(buf, &t);
	analyzer_frame(a, 1, buf, (uint32_t)len, (uint32_t)len, ts);
}

/*
 * A guessed orientation corrected later swaps the sequence analysis with
 * the roles.  Client 10.0.0.1:1000, server 10.0.0.2:5000 (the server has
 * the higher port, so the guess from a mid-stream start is wrong).  The
 * server's 100 bytes [5001,5101) come first (taken for the client), then
 * the client's ACK of them 1 ms later with window 0, then the late SYN-ACK
 * shows the roles.  Expected: s2c has the data, its RTT sample (1 ms) and
 * no zero window; c2s has the zero window and a window minimum of 0.
 */
START_TEST(analyzer_reorientation_swaps)
{
	struct flow_config cfg;
	flow_config_defaults(&cfg);
	one_n = 0;
	struct analyzer *a = analyzer_new(&cfg, keep_rec, NULL);
	ck_assert_ptr_nonnull(a);
	struct tb_tcp srv = {.src = "10.0.0.2", .dst = "10.0.0.1", .sport = 5000, .dport = 1000};
	struct tb_tcp cli = {.src = "10.0.0.1", .dst = "10.0.0.2", .sport = 1000, .dport = 5000};
	struct tb_tcp t = srv;
	t.seq = 5001, t.ack = 1001, t.flags = F_PA, t.window = 509, t.payload_len = 100;
	feed(a, T0, t);
	t = cli;
	t.seq = 1001, t.ack = 5101, t.flags = F_ACK, t.window = 0;
	feed(a, T0 + 1 * MS, t);
	t = srv;
	t.seq = 5000, t.ack = 1001, t.flags = F_SYN | F_ACK, t.window = 65160;
	feed(a, T0 + 2 * MS, t);
	analyzer_finish(a);
	analyzer_free(a);
	ck_assert_int_eq(one_n, 1);
	ck_assert(!one_rec.direction_inferred);
	ck_assert_uint_eq(one_rec.client.port, 1000);
	ck_assert_uint_eq(one_rec.s2c.payload_bytes, 100);
	ck_assert_uint_eq(one_rec.s2c_seq.rtt.samples, 1);
	ck_assert_uint_eq(one_rec.s2c_seq.rtt.min_us, 1000);
	ck_assert_uint_eq(one_rec.c2s_seq.rtt.samples, 0);
	ck_assert_uint_eq(one_rec.c2s_seq.counts[SEQ_ZERO_WINDOWS], 1);
	ck_assert_uint_eq(one_rec.s2c_seq.counts[SEQ_ZERO_WINDOWS], 0);
	/* a SYN-ACK without window scale means neither side scales (RFC 7323
	 * 1.3): the client's windows are bytes as they stand */
	ck_assert(one_rec.c2s_seq.win_known);
	ck_assert_uint_eq(one_rec.c2s_seq.win_min, 0);
}
END_TEST

Suite *tcp_seq_suite(void)
{
	Suite *s = suite_create("tcp_seq");
	TCase *core = tcase_create("core");
	tcase_add_test(core, seq_helpers_wrap);
	tcase_add_test(core, rtt_rfc6298);
	tcase_add_test(core, dup_ack_fast_retransmission);
	tcase_add_test(core, timeout_retransmission_karn);
	tcase_add_test(core, tail_loss_probe);
	tcase_add_test(core, out_of_order_and_gap);
	tcase_add_test(core, spurious_and_dsack);
	tcase_add_test(core, eifel_spurious);
	tcase_add_test(core, timestamp_rtt);
	tcase_add_test(core, rtt_negative_gap_no_sample);
	tcase_add_test(core, dsack_rules);
	tcase_add_test(core, zero_window_probes_keepalive);
	tcase_add_test(core, window_full_needs_scale);
	tcase_add_test(core, acked_unseen_once);
	tcase_add_test(core, gso_partial_acks);
	tcase_add_test(core, no_scaling_and_swap);
	suite_add_tcase(s, core);
	TCase *limits = tcase_create("limits");
	tcase_add_test(limits, wrap_dup_ack_fast_retransmission);
	tcase_add_test(limits, rtt_slots_full_burst);
	tcase_add_test(limits, rtt_no_sample_across_earlier_resend);
	tcase_add_test(limits, analyzer_reorientation_swaps);
	tcase_add_test(limits, cold_part_only_when_needed);
	suite_add_tcase(s, limits);
	return s;
}
