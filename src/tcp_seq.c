/* tcp_seq.c - sequence, window and RTT analysis: Wireshark's tcp.analysis rules, RFC 6298 RTT, RFC 2883 D-SACK. */
#include "tcp_seq.h"

#include <stdlib.h>
#include <string.h>

#include "pair.h"
#include "seq.h"

/* tcp_seq_half.flags */
enum {
	HALF_NEXT_SEQ_KNOWN = 1u << 0, /* next_seq and max_seq_to_be_acked hold a value */
	HALF_SEEN = 1u << 1,           /* it sent a segment: last_ack / raw_win / last_us hold a value */
	HALF_WIN_SEEN = 1u << 2,       /* win_min/win_max hold a value */
	HALF_IN_ZERO_WINDOW = 1u << 3, /* its last window was 0 (its rare part's zero_window_us is its start) */
	HALF_DATA_SENT = 1u << 4,      /* last_send_us holds a value */
	HALF_ACK_FLAG = 1u << 5,       /* its last segment had the ACK bit: last_ack is an acknowledgment */
	HALF_SACKED = 1u << 7,         /* its rare part's sack_high holds a value */
};

/* tcp_seq_conn.flags */
enum {
	CONN_SYN_SEEN = 1u << 0,
	CONN_SYNACK_SEEN = 1u << 1,
	CONN_IRTT_NEGATIVE = 1u << 2, /* the handshake ACK came stamped before the SYN: irtt_us is the default */
	CONN_SYN_FROM_CLIENT = 1u << 3, /* half[0] sent a SYN (or SYN-ACK): its sequence space is known */
	CONN_SYN_FROM_SERVER = 1u << 4,
};

/* Wireshark's thresholds (packet-tcp.c): a fast retransmission follows the
 * last dup ACK within 20 ms; out-of-order is within the handshake RTT of the
 * highest segment, 3 ms when that RTT is unknown. */
#define FAST_RETX_WINDOW_US 20000u
#define OOO_DEFAULT_US 3000u
/* Linux's minimum RTO (TCP_RTO_MIN): no timeout retransmission comes sooner. */
#define RTO_MIN_LINUX_US 200000u
/* A tail-loss probe waits PTO = 2 SRTT, at least 10 ms (RFC 8985 7.2); we
 * accept from 1 SRTT, the capture point being off the sender. */
#define TLP_MIN_US 10000u
/* RFC 6298: G (clock granularity) taken as 1 ms, RTO at least 1 s, initial 1 s. */
#define RTO_GRANULARITY_US 1000u
#define RTO_MIN_US 1000000u

static uint32_t time_us(uint64_t ts_ns)
{
	return (uint32_t)(ts_ns / 1000u);
}

/*
 * Time from then to now, both low 32 bits of microseconds: signed, so a
 * packet stamped before the one it follows (captures merged from two
 * interfaces, two sockets' stamps, a clock step) gives a negative gap,
 * never one wrapped to 71 minutes.
 */
static int32_t gap_us(uint32_t now, uint32_t then)
{
	return (int32_t)(now - then);
}

/* The same for thresholds (silences, windows of time): a negative gap is no time at all. */
static uint32_t since_us(uint32_t now, uint32_t then)
{
	int32_t gap = gap_us(now, then);
	return gap > 0 ? (uint32_t)gap : 0u;
}

/*
 * A sample (RTT, zero-window period) from then to now; false when now is
 * before then: the sample is dropped (the caller reports
 * TCP_SEQ_NEGATIVE_GAP, counted in the summary) rather than wrapped.
 */
static bool sample_gap_us(uint32_t now, uint32_t then, uint32_t *gap)
{
	int32_t d = gap_us(now, then);
	if (d < 0)
		return false;
	*gap = (uint32_t)d;
	return true;
}

static bool has(uint16_t flags, uint16_t which)
{
	return (flags & which) != 0;
}

static uint32_t seg_len(const struct pkt *p)
{
	return p->payload_len;
}

/* Sequence space the segment occupies: payload, plus one for SYN and for FIN. */
static uint32_t seq_space(const struct pkt *p)
{
	return p->payload_len + (has(p->flags, TCP_FLAG_SYN) ? 1u : 0u) + (has(p->flags, TCP_FLAG_FIN) ? 1u : 0u);
}

/* Side `role`'s cold part, allocated with its twin on first need (NULL: out of memory). */
static struct tcp_seq_rare_half *rare_of(struct tcp_seq_conn *s, int role)
{
	if (!s->rare && !(s->rare = calloc(1, sizeof(*s->rare))))
		return NULL;
	return &s->rare->half[role];
}

/* The same without allocating: NULL while the connection has none. */
static const struct tcp_seq_rare_half *rare_peek(const struct tcp_seq_conn *s, int role)
{
	return s->rare ? &s->rare->half[role] : NULL;
}

void tcp_seq_init(struct tcp_seq_conn *s)
{
	memset(s, 0, sizeof(*s));
	s->half[0].wscale = TCP_WSCALE_UNKNOWN;
	s->half[1].wscale = TCP_WSCALE_UNKNOWN;
}

bool tcp_seq_wscale_known(const struct tcp_seq_half *h)
{
	return h->wscale != TCP_WSCALE_UNKNOWN;
}

static unsigned wscale_shift(const struct tcp_seq_half *h)
{
	return h->wscale >= 0 ? (unsigned)h->wscale : 0u;
}

/* Window of a segment in bytes. RFC 7323 2.2: a SYN's window is never scaled. */
static uint32_t scaled_window(const struct tcp_seq_half *h, const struct pkt *p)
{
	if (has(p->flags, TCP_FLAG_SYN))
		return p->window;
	return (uint32_t)p->window << wscale_shift(h);
}

/*
 * Window scale from the handshake (RFC 7323 2.2-2.3), as Wireshark settles
 * it: a SYN without the option means neither side scales; a SYN-ACK with it
 * after a SYN without it is ignored. A SYN-ACK alone says nothing of the
 * client, whose scale stays unknown.
 */
static void learn_wscale(struct tcp_seq_half *h, struct tcp_seq_half *peer, const struct pkt *p)
{
	bool synack = has(p->flags, TCP_FLAG_ACK);
	if (p->opt.present & TCP_OPT_HAS_WSCALE)
		h->wscale = (int8_t)(p->opt.wscale > 14 ? 14 : p->opt.wscale); /* RFC 7323 2.3 caps it */
	if (h->wscale == TCP_WSCALE_UNKNOWN) {
		h->wscale = TCP_WSCALE_NONE;
		peer->wscale = TCP_WSCALE_NONE;
	} else if (synack && peer->wscale == TCP_WSCALE_NONE) {
		h->wscale = TCP_WSCALE_NONE;
	}
}

/* --- Named predicates: Wireshark's definitions, no side effects. --- */

/*
 * Zero window probe: exactly one byte at the next expected sequence number
 * while the peer advertises a zero window. Linux's probe (tcp_xmit_probe_skb)
 * instead carries no data at snd_una - 1, the shape of a keepalive:
 *
 *      acked          | peer window 0
 *   ---------------->|
 *                   ^ seq = snd_una - 1, len 0  -> probe, not keepalive
 *
 * With the peer's window at zero we call both probes (Wireshark calls the
 * second a keep-alive).
 */
static bool is_zero_window_probe(const struct tcp_seq_half *h, const struct tcp_seq_half *peer,
				 const struct pkt *p)
{
	if (!(h->flags & HALF_NEXT_SEQ_KNOWN) || !(peer->flags & HALF_SEEN) || peer->raw_win != 0)
		return false;
	if (has(p->flags, TCP_FLAG_SYN | TCP_FLAG_FIN | TCP_FLAG_RST))
		return seg_len(p) == 1 && p->seq == h->next_seq;
	if (seg_len(p) == 1 && p->seq == h->next_seq)
		return true;
	return seg_len(p) <= 1 && p->seq == h->next_seq - 1;
}

/* Keepalive (RFC 9293 3.8.4): 0 or 1 byte one before the next sequence number. */
static bool is_keepalive(const struct tcp_seq_half *h, const struct pkt *p)
{
	return (h->flags & HALF_NEXT_SEQ_KNOWN) && seg_len(p) <= 1 && p->seq == h->next_seq - 1 &&
	       !has(p->flags, TCP_FLAG_SYN | TCP_FLAG_FIN | TCP_FLAG_RST);
}

/* A pure ACK repeating this side's previous seq and ACK (dup ACK, window update, keepalive ACK). */
static bool repeats_last_ack(const struct tcp_seq_half *h, const struct pkt *p)
{
	return seg_len(p) == 0 && (h->flags & HALF_NEXT_SEQ_KNOWN) && (h->flags & HALF_SEEN) &&
	       p->seq == h->next_seq && p->ack == h->last_ack &&
	       !has(p->flags, TCP_FLAG_SYN | TCP_FLAG_FIN | TCP_FLAG_RST);
}

/* Window update: same seq and ACK, no data, a different non-zero window. */
static bool is_window_update(const struct tcp_seq_half *h, const struct pkt *p)
{
	return repeats_last_ack(h, p) && p->window != 0 && p->window != h->raw_win;
}

/* Duplicate ACK (Wireshark's): same seq, ACK and non-zero window, no data. */
static bool is_dup_ack(const struct tcp_seq_half *h, const struct pkt *p)
{
	return repeats_last_ack(h, p) && p->window != 0 && p->window == h->raw_win;
}

/*
 * Window full: the data reaches exactly the right edge of the peer's
 * advertised window (its ACK + its window, scaled), when the peer's scale is
 * known.
 */
static bool is_window_full(const struct tcp_seq_half *peer, const struct pkt *p)
{
	if (seg_len(p) == 0 || !(peer->flags & HALF_ACK_FLAG) || !tcp_seq_wscale_known(peer) ||
	    has(p->flags, TCP_FLAG_SYN | TCP_FLAG_FIN | TCP_FLAG_RST))
		return false;
	uint32_t right_edge = peer->last_ack + ((uint32_t)peer->raw_win << wscale_shift(peer));
	return p->seq + seg_len(p) == right_edge;
}

/* The segment starts past everything this side sent before: some segment was not captured. */
static bool is_not_captured(const struct tcp_seq_half *h, const struct pkt *p)
{
	return (h->flags & HALF_NEXT_SEQ_KNOWN) && seq_gt(p->seq, h->next_seq) && !has(p->flags, TCP_FLAG_RST);
}

/* --- Retransmission kinds. --- */

static uint32_t rto_estimate_us(const struct tcp_seq_half *h)
{
	if (h->rtt.samples == 0)
		return RTO_MIN_LINUX_US;
	uint32_t rto = h->rtt.srtt_us + 4u * h->rtt.rttvar_us;
	return rto > RTO_MIN_LINUX_US ? rto : RTO_MIN_LINUX_US;
}

/*
 * The peer's SACK shows a hole where this segment lies: it SACKed data
 * above the segment, which it has not acknowledged (RFC 6675 loss recovery,
 * the SACK form of fast retransmit).
 *
 *   peer ACK      segment        SACKed by the peer
 *   ---|----------[=====]-----[##########]---->
 */
static bool in_sack_hole(const struct tcp_seq_half *peer, const struct tcp_seq_rare_half *peer_rare,
			 const struct pkt *p)
{
	return peer_rare && (peer->flags & HALF_SACKED) && (peer->flags & HALF_ACK_FLAG) &&
	       seq_geq(p->seq, peer->last_ack) && seq_lt(p->seq + seg_len(p), peer_rare->sack_high);
}

/*
 * A generic retransmission's cause, from the silence before it: at least the
 * RTO this side would have computed (never under Linux's 200 ms minimum) is a
 * timeout; a resend of a hole the peer's SACK shows is a fast retransmission;
 * a resend of the tail segment after at least max(SRTT, 10 ms) is a
 * tail-loss probe (RFC 8985 7); anything else stays unclassified.
 */
static uint32_t retransmission_cause(const struct tcp_seq_half *h, const struct tcp_seq_half *peer,
				     const struct tcp_seq_rare_half *peer_rare, const struct pkt *p, uint32_t now)
{
	if (!(h->flags & HALF_DATA_SENT))
		return 0;
	uint32_t silence = since_us(now, h->last_send_us);
	if (silence >= rto_estimate_us(h))
		return TCP_SEQ_TIMEOUT_RETRANSMISSION;
	if (seg_len(p) > 0 && in_sack_hole(peer, peer_rare, p))
		return TCP_SEQ_FAST_RETRANSMISSION;
	uint32_t pto = h->rtt.samples ? h->rtt.srtt_us : 0;
	if (pto < TLP_MIN_US)
		pto = TLP_MIN_US;
	if (seg_len(p) > 0 && p->seq + seg_len(p) == h->next_seq && silence >= pto)
		return TCP_SEQ_TLP_RETRANSMISSION;
	return 0;
}

/*
 * Data (or SYN/FIN) that does not advance the sequence: Wireshark's order of
 * tests. Spurious first (everything in it was already ACKed), then fast (it is
 * what >= 2 dup ACKs asked for, within 20 ms of the last), then out-of-order
 * (within the handshake RTT of the highest segment and not a resend of the
 * last one), else a plain retransmission.
 */
static uint32_t classify_old_data(const struct tcp_seq_conn *s, enum conn_role from, const struct pkt *p,
				  uint32_t now)
{
	const struct tcp_seq_half *h = &s->half[from], *peer = &s->half[!from];
	uint32_t len = seg_len(p);
	bool not_advanced = (h->flags & HALF_NEXT_SEQ_KNOWN) && seq_lt(p->seq, h->next_seq);

	/* One byte below the highest sent, with more data: the byte a probe
	 * sent earlier is resent with new data; not a retransmission. */
	if (len > 1 && h->next_seq - 1 == p->seq)
		not_advanced = false;

	if (len > 0 && (peer->flags & HALF_ACK_FLAG) && seq_leq(p->seq + len, peer->last_ack))
		return TCP_SEQ_SPURIOUS_RETRANSMISSION;
	if (not_advanced && peer->dup_acks >= 2 && peer->last_ack == p->seq &&
	    since_us(now, peer->last_us) < FAST_RETX_WINDOW_US)
		return TCP_SEQ_FAST_RETRANSMISSION;
	uint32_t ooo_threshold = s->irtt_us ? s->irtt_us : OOO_DEFAULT_US;
	if (not_advanced && since_us(now, h->next_seq_us) < ooo_threshold &&
	    h->next_seq != p->seq + seq_space(p))
		return TCP_SEQ_OUT_OF_ORDER;
	if (not_advanced)
		return TCP_SEQ_RETRANSMISSION | retransmission_cause(h, peer, rare_peek(s, !from), p, now);
	return 0;
}

/* --- RTT (RFC 6298, Karn's rule, tcptrace's sample rule). --- */

uint32_t tcp_rtt_rto_us(const struct tcp_rtt_stats *r)
{
	if (r->samples == 0)
		return RTO_MIN_US;
	uint32_t var4 = 4u * r->rttvar_us;
	uint32_t rto = r->srtt_us + (var4 > RTO_GRANULARITY_US ? var4 : RTO_GRANULARITY_US);
	return rto > RTO_MIN_US ? rto : RTO_MIN_US;
}

static uint32_t abs_diff(uint32_t a, uint32_t b)
{
	return a > b ? a - b : b - a;
}

/* RFC 6298 2.2-2.3, alpha = 1/8, beta = 1/4. */
static void rtt_add_sample(struct tcp_rtt_stats *r, uint32_t rtt)
{
	if (r->samples == 0) {
		r->min_us = r->max_us = rtt;
		r->srtt_us = rtt;
		r->rttvar_us = rtt / 2;
	} else {
		if (rtt < r->min_us)
			r->min_us = rtt;
		if (rtt > r->max_us)
			r->max_us = rtt;
		r->rttvar_us = r->rttvar_us - r->rttvar_us / 4 + abs_diff(r->srtt_us, rtt) / 4;
		r->srtt_us = r->srtt_us - r->srtt_us / 8 + rtt / 8;
	}
	r->samples++;
	r->sum_us += rtt;
	r->sum_sq_us += (uint64_t)rtt * rtt;
}

/* --- The FIFO of timed segments: inline slots, then a ring on the heap. --- */

struct tcp_rtt_spill {
	uint32_t cap, head, count;
	struct tcp_rtt_slot *slot;  /* cap entries, in the same allocation */
	uint8_t *resent;            /* cap flags: the slot gives no sample */
};

static unsigned rtt_queued(const struct tcp_seq_half *h)
{
	return h->rtt_spill ? h->rtt_spill->count : h->rtt_count;
}

/* The n-th queued slot from the oldest. */
static struct tcp_rtt_slot *rtt_at(struct tcp_seq_half *h, unsigned n)
{
	struct tcp_rtt_spill *q = h->rtt_spill;
	if (q)
		return &q->slot[(q->head + n) % q->cap];
	return &h->rtt_slot[(h->rtt_head + n) % TCP_SEQ_RTT_SLOTS];
}

static bool rtt_is_ambiguous(const struct tcp_seq_half *h, unsigned n)
{
	const struct tcp_rtt_spill *q = h->rtt_spill;
	if (q)
		return q->resent[(q->head + n) % q->cap] != 0;
	return (h->rtt_ambiguous >> ((h->rtt_head + n) % TCP_SEQ_RTT_SLOTS)) & 1u;
}

static void rtt_set_ambiguous(struct tcp_seq_half *h, unsigned n, bool on)
{
	struct tcp_rtt_spill *q = h->rtt_spill;
	if (q) {
		q->resent[(q->head + n) % q->cap] = on;
		return;
	}
	uint8_t bit = (uint8_t)(1u << ((h->rtt_head + n) % TCP_SEQ_RTT_SLOTS));
	h->rtt_ambiguous = on ? (uint8_t)(h->rtt_ambiguous | bit) : (uint8_t)(h->rtt_ambiguous & ~bit);
}

static void rtt_pop(struct tcp_seq_half *h)
{
	struct tcp_rtt_spill *q = h->rtt_spill;
	if (q) {
		q->head = (q->head + 1) % q->cap;
		q->count--;
		return;
	}
	h->rtt_head = (uint8_t)((h->rtt_head + 1) % TCP_SEQ_RTT_SLOTS);
	h->rtt_count--;
}

/* Move the queue into a ring of `cap` slots (false: out of memory, nothing changed). */
static bool rtt_regrow(struct tcp_seq_half *h, uint32_t cap)
{
	struct tcp_rtt_spill *q = malloc(sizeof(*q) + cap * (sizeof(struct tcp_rtt_slot) + 1u));
	if (!q)
		return false;
	q->cap = cap;
	q->head = 0;
	q->count = rtt_queued(h);
	q->slot = (struct tcp_rtt_slot *)(q + 1);
	q->resent = (uint8_t *)(q->slot + cap);
	for (unsigned n = 0; n < q->count; n++) {
		q->slot[n] = *rtt_at(h, n);
		q->resent[n] = rtt_is_ambiguous(h, n);
	}
	free(h->rtt_spill);
	h->rtt_spill = q;
	return true;
}

/*
 * New data leaves this side: remember when. A full queue grows (inline
 * slot to a ring of 8, doubling up to TCP_SEQ_RTT_SPILL_MAX); at the
 * bound, or out of memory, the newest entry is replaced: the oldest keep
 * their samples coming, and the last segment of a burst, which the final
 * ACK of the burst ends at, is timed.
 */
static void rtt_track_segment(struct tcp_seq_half *h, uint32_t end_seq, uint32_t now)
{
	unsigned n = rtt_queued(h);
	unsigned cap = h->rtt_spill ? h->rtt_spill->cap : TCP_SEQ_RTT_SLOTS;
	if (n == cap && (cap >= TCP_SEQ_RTT_SPILL_MAX || !rtt_regrow(h, cap < 8u ? 8u : 2u * cap)))
		n--; /* replace the newest */
	else if (h->rtt_spill)
		h->rtt_spill->count++;
	else
		h->rtt_count++;
	struct tcp_rtt_slot *sl = rtt_at(h, n);
	sl->end_seq = end_seq;
	sl->sent_us = now;
	rtt_set_ambiguous(h, n, false);
}

/*
 * Sequence space [seq, ...) is sent again (a resend, or a segment filling a
 * hole): every segment waiting with data above seq gives no sample. For
 * one that ends inside the resent range that is Karn's rule; for one above
 * it, its ACK would time the recovery too (tcptrace's "intervening
 * transmissions"). Segments sent later are not concerned.
 */
static void rtt_forget_above(struct tcp_seq_half *h, uint32_t seq)
{
	unsigned n = rtt_queued(h);
	/* In sequence order: the ones concerned are a tail of the queue. */
	while (n > 0 && seq_gt(rtt_at(h, n - 1)->end_seq, seq))
		rtt_set_ambiguous(h, --n, true);
}

/*
 * The peer ACKs `ack`: slots ending at or below it leave the FIFO; the one
 * ending exactly at it, sent once and with nothing resent below it since,
 * gives a sample (tcptrace counts the others as cumulative ACKs, without a
 * sample). A sample that would be negative (the ACK stamped before the
 * data) is dropped: *negative tells.
 */
static bool rtt_on_ack(struct tcp_seq_half *h, uint32_t ack, bool advanced, uint32_t now, bool *negative)
{
	bool sampled = false, at_boundary = false;
	while (rtt_queued(h) > 0) {
		const struct tcp_rtt_slot *sl = rtt_at(h, 0);
		if (seq_gt(sl->end_seq, ack))
			break;
		at_boundary = sl->end_seq == ack;
		uint32_t gap;
		if (sl->end_seq == ack && !rtt_is_ambiguous(h, 0)) {
			if (sample_gap_us(now, sl->sent_us, &gap)) {
				rtt_add_sample(&h->rtt, gap);
				sampled = true;
			} else {
				*negative = true;
			}
		}
		rtt_pop(h);
	}
	/* All ACKed: the ring goes back to the allocator (a burst's ring is
	 * reused by the next connection's, so memory follows the bursts in
	 * flight at once, not the connections held). */
	if (h->rtt_spill && h->rtt_spill->count == 0) {
		free(h->rtt_spill);
		h->rtt_spill = NULL;
		h->rtt_head = h->rtt_count = 0;
		h->rtt_ambiguous = 0;
	}
	/* An ACK into the middle of a segment (a GSO super-segment ACKed per
	 * MSS) counts it as ACKed for tcptrace: its final ACK then only
	 * repeats, no sample. An ACK ending exactly at the slot it popped is
	 * not inside the next one. */
	if (advanced && !at_boundary && rtt_queued(h) > 0 && seq_lt(ack, rtt_at(h, 0)->end_seq))
		rtt_set_ambiguous(h, 0, true);
	return sampled;
}

void tcp_seq_release(struct tcp_seq_conn *s)
{
	for (int i = 0; i < 2; i++) {
		free(s->half[i].rtt_spill);
		s->half[i].rtt_spill = NULL;
		s->half[i].rtt_head = s->half[i].rtt_count = 0; /* the waiting segments are forgotten */
	}
	/* What the cold part held is forgotten too; the accessors read it as never seen. */
	free(s->rare);
	s->rare = NULL;
}

/* --- SACK. --- */

unsigned tcp_seq_dsack_blocks(const struct pkt *p)
{
	if (!(p->opt.present & TCP_OPT_HAS_SACK) || p->opt.sack_count == 0)
		return 0;
	const struct sack_block *b = p->opt.sack;
	/* RFC 2883 4 (and the kernel's tcp_check_dsack): first block below the
	 * cumulative ACK, or inside the second block. */
	if (has(p->flags, TCP_FLAG_ACK) && seq_lt(b[0].left, p->ack))
		return 1;
	if (p->opt.sack_count >= 2 && seq_geq(b[0].left, b[1].left) && seq_leq(b[0].right, b[1].right))
		return 1;
	return 0;
}

/*
 * The peer's last retransmission was not needed when this segment (a) holds
 * a D-SACK naming it, or (b) is the first ACK to cover it and echoes a
 * timestamp older than the retransmission's own: that ACK answered the
 * original (Eifel; RFC 7323 echoes the segment that advanced the ACK).
 */
static uint32_t check_spurious(struct tcp_seq_half *peer, const struct tcp_seq_rare_half *peer_rare,
			       const struct pkt *p)
{
	uint32_t found = 0;
	if (!peer_rare) /* nothing pending without it (tcp_seq_packet) */
		return 0;
	if ((peer->pending & TCP_SEQ_PENDING_DSACK) && tcp_seq_dsack_blocks(p) > 0 &&
	    p->opt.sack[0].left == peer_rare->resent_seq)
		found = TCP_SEQ_DSACK_SPURIOUS;
	if ((peer->pending & TCP_SEQ_PENDING_EIFEL) && (p->opt.present & TCP_OPT_HAS_TIMESTAMPS) &&
	    seq_gt(p->ack, peer_rare->resent_seq)) {
		if (seq_lt(p->opt.ts_ecr, peer_rare->resent_tsval))
			found = TCP_SEQ_DSACK_SPURIOUS;
		peer->pending &= (uint8_t)~TCP_SEQ_PENDING_EIFEL; /* only the first such ACK tells */
	}
	if (found)
		peer->pending &= (uint8_t)~(TCP_SEQ_PENDING_DSACK | TCP_SEQ_PENDING_EIFEL);
	return found;
}

/* The highest edge side `from` SACKed, D-SACK blocks left out (they report duplicates). */
static void track_sack(struct tcp_seq_conn *s, enum conn_role from, const struct pkt *p)
{
	if (!(p->opt.present & TCP_OPT_HAS_SACK))
		return;
	struct tcp_seq_half *h = &s->half[from];
	struct tcp_seq_rare_half *r = NULL;
	for (unsigned i = tcp_seq_dsack_blocks(p); i < p->opt.sack_count && i < TCP_MAX_SACK_BLOCKS; i++) {
		if (!r && !(r = rare_of(s, from)))
			return;
		uint32_t right = p->opt.sack[i].right;
		if (!(h->flags & HALF_SACKED) || seq_gt(right, r->sack_high)) {
			r->sack_high = right;
			h->flags |= HALF_SACKED;
		}
	}
}

/* --- Window bookkeeping. --- */

/* Returns TCP_SEQ_NEGATIVE_GAP when a zero-window period ending here would be negative (dropped). */
static uint32_t track_window(struct tcp_seq_conn *s, enum conn_role from, const struct pkt *p, uint32_t now)
{
	struct tcp_seq_half *h = &s->half[from];
	if (has(p->flags, TCP_FLAG_RST))
		return 0; /* a RST's window means nothing (RFC 9293 3.10.7) */
	uint32_t win = scaled_window(h, p);
	if (!(h->flags & HALF_WIN_SEEN)) {
		h->win_min = h->win_max = win;
		h->flags |= HALF_WIN_SEEN;
	} else {
		if (win < h->win_min)
			h->win_min = win;
		if (win > h->win_max)
			h->win_max = win;
	}
	bool zero = p->window == 0 && !has(p->flags, TCP_FLAG_SYN);
	if (zero && !(h->flags & HALF_IN_ZERO_WINDOW)) {
		struct tcp_seq_rare_half *r = rare_of(s, from);
		if (!r)
			return 0; /* out of memory: the period is not timed */
		h->flags |= HALF_IN_ZERO_WINDOW;
		r->zero_window_us = now;
	} else if (!zero && (h->flags & HALF_IN_ZERO_WINDOW)) {
		h->flags &= (uint8_t)~HALF_IN_ZERO_WINDOW;
		struct tcp_seq_rare_half *r = s->rare ? &s->rare->half[from] : NULL;
		uint32_t gap;
		if (!r)
			return 0; /* released */
		if (!sample_gap_us(now, r->zero_window_us, &gap))
			return TCP_SEQ_NEGATIVE_GAP;
		r->zero_window_ms += gap / 1000u;
	}
	return 0;
}

/* Bytes this side has sent that the peer has not acknowledged (SACKed bytes included). */
static void track_in_flight(struct tcp_seq_half *h, const struct tcp_seq_half *peer)
{
	if (!(h->flags & HALF_NEXT_SEQ_KNOWN) || !(peer->flags & HALF_ACK_FLAG))
		return;
	uint32_t in_flight = h->next_seq - peer->last_ack;
	if (in_flight < 0x80000000u && in_flight > h->max_in_flight)
		h->max_in_flight = in_flight;
}

/*
 * Handshake RTT, Wireshark's ts_first_rtt: last SYN to the first ACK that
 * completes the handshake. An ACK stamped before the SYN leaves it unknown
 * (TCP_SEQ_NEGATIVE_GAP).
 */
static uint32_t track_handshake(struct tcp_seq_conn *s, const struct pkt *p, uint32_t now)
{
	if (has(p->flags, TCP_FLAG_SYN)) {
		if (has(p->flags, TCP_FLAG_ACK)) {
			s->flags |= CONN_SYNACK_SEEN;
		} else {
			s->flags |= CONN_SYN_SEEN;
			s->syn_us = now;
		}
		return 0;
	}
	if (s->irtt_us == 0 && (s->flags & CONN_SYN_SEEN) && (s->flags & CONN_SYNACK_SEEN) &&
	    has(p->flags, TCP_FLAG_ACK)) {
		uint32_t gap;
		if (!sample_gap_us(now, s->syn_us, &gap)) {
			s->flags |= CONN_IRTT_NEGATIVE; /* reported once, then given up */
			s->irtt_us = OOO_DEFAULT_US;
			return TCP_SEQ_NEGATIVE_GAP;
		}
		s->irtt_us = gap ? gap : 1;
	}
	return 0;
}

/*
 * A side's first SYN (or SYN-ACK) states its ISN: what it seemed to send
 * before (a stale ACK of an earlier incarnation of the 4-tuple) was not this
 * connection's sequence space, so that side's analysis restarts there.
 * Later SYNs change nothing: a SYN-ACK retried with another ISN is a
 * retransmission to tshark 4.0 (the shared corpus's rawip_tfo_tls.pcap).
 */
static void syn_starts_sequence(struct tcp_seq_conn *s, enum conn_role from)
{
	uint32_t bit = from == ROLE_CLIENT ? CONN_SYN_FROM_CLIENT : CONN_SYN_FROM_SERVER;
	struct tcp_seq_half *h = &s->half[from];
	if (s->flags & bit)
		return;
	s->flags |= bit;
	h->flags &= (uint8_t)~HALF_NEXT_SEQ_KNOWN;
	if (h->rtt_spill)
		h->rtt_spill->count = 0;
	h->rtt_count = 0;
}

/* --- The packet. --- */

/* Wireshark's checks before the retransmission tests, in its order. */
static uint32_t classify_control(struct tcp_seq_half *h, const struct tcp_seq_half *peer, const struct pkt *p)
{
	uint32_t bits = 0;
	if (is_zero_window_probe(h, peer, p))
		return TCP_SEQ_ZERO_WINDOW_PROBE;
	if (p->window == 0 && !has(p->flags, TCP_FLAG_SYN | TCP_FLAG_FIN | TCP_FLAG_RST))
		bits |= TCP_SEQ_ZERO_WINDOW;
	if (is_not_captured(h, p))
		bits |= TCP_SEQ_NOT_CAPTURED;
	if (is_keepalive(h, p))
		bits |= TCP_SEQ_KEEPALIVE;
	if (is_window_update(h, p))
		bits |= TCP_SEQ_WINDOW_UPDATE;
	if (is_window_full(peer, p))
		bits |= TCP_SEQ_WINDOW_FULL;
	if (repeats_last_ack(h, p) && p->window != 0 && p->window == h->raw_win &&
	    (peer->last_seg_flags & TCP_SEQ_KEEPALIVE))
		return bits | TCP_SEQ_KEEPALIVE_ACK;
	if (repeats_last_ack(h, p) && p->window == 0 && h->raw_win == 0 &&
	    (peer->last_seg_flags & TCP_SEQ_ZERO_WINDOW_PROBE))
		return bits | TCP_SEQ_ZERO_WINDOW_PROBE_ACK;
	if (is_dup_ack(h, p)) {
		h->dup_acks = h->dup_acks < 0 ? 1 : (int16_t)(h->dup_acks + (h->dup_acks < INT16_MAX));
		bits |= TCP_SEQ_DUP_ACK;
	}
	return bits;
}

/* ACK of data the peer was never seen sending (Wireshark's "ACKed unseen segment"). */
static uint32_t check_acked_unseen(struct tcp_seq_half *peer, const struct pkt *p)
{
	if (!has(p->flags, TCP_FLAG_ACK) || !(peer->flags & HALF_NEXT_SEQ_KNOWN) ||
	    !seq_gt(p->ack, peer->max_seq_to_be_acked))
		return 0;
	/* Wireshark 4.0: the mark moves up to the highest sequence seen, so the
	 * same hole is reported once. */
	if (seq_lt(peer->max_seq_to_be_acked, peer->next_seq)) {
		peer->max_seq_to_be_acked = peer->next_seq;
		return TCP_SEQ_ACKED_UNSEEN;
	}
	/* Stalled the other way with pure ACKs: report the same hole once. */
	uint32_t bits = peer->dup_acks == 0 ? TCP_SEQ_ACKED_UNSEEN : 0;
	peer->dup_acks = -1;
	return bits;
}

static void ts_rtt_add(struct tcp_seq_half *h, uint32_t sample)
{
	struct tcp_ts_rtt *t = &h->ts_rtt;
	if (t->samples == 0 || sample < t->min_us)
		t->min_us = sample;
	if (sample > t->max_us)
		t->max_us = sample;
	t->samples++;
	if (UINT32_MAX - t->sum_us < sample)
		h->pending |= TCP_SEQ_PENDING_TS_SUM_FULL;
	if (!(h->pending & TCP_SEQ_PENDING_TS_SUM_FULL))
		t->sum_us += sample;
}

/*
 * Timestamps (RFC 7323 3.4): p's TSecr may echo the TSval the peer awaits
 * (a sample) or a later one (the awaited one will never be echoed: give up
 * on it); then p's own TSval, on a segment with sequence space, starts this
 * side's wait if none is running.
 */
static uint32_t track_ts_rtt(struct tcp_seq_half *h, struct tcp_seq_half *peer, const struct pkt *p, uint32_t now)
{
	uint32_t bits = 0;
	if (!(p->opt.present & TCP_OPT_HAS_TIMESTAMPS))
		return 0;
	if ((peer->pending & TCP_SEQ_PENDING_TS_ECHO) && has(p->flags, TCP_FLAG_ACK)) {
		uint32_t gap;
		if (p->opt.ts_ecr == peer->ts_rtt.pending_val) {
			if (sample_gap_us(now, peer->ts_rtt.pending_us, &gap)) {
				ts_rtt_add(peer, gap);
				bits = TCP_SEQ_TS_RTT_SAMPLE;
			} else {
				bits = TCP_SEQ_NEGATIVE_GAP;
			}
			peer->pending &= (uint8_t)~TCP_SEQ_PENDING_TS_ECHO;
		} else if (seq_gt(p->opt.ts_ecr, peer->ts_rtt.pending_val)) {
			peer->pending &= (uint8_t)~TCP_SEQ_PENDING_TS_ECHO;
		}
	}
	if (seq_space(p) > 0 && !(h->pending & TCP_SEQ_PENDING_TS_ECHO)) {
		h->ts_rtt.pending_val = p->opt.ts_val;
		h->ts_rtt.pending_us = now;
		h->pending |= TCP_SEQ_PENDING_TS_ECHO;
	}
	return bits;
}

/* After classification: what side `from` has now sent. */
static void advance_sent(struct tcp_seq_conn *s, enum conn_role from, const struct pkt *p, uint32_t bits,
			 uint32_t now)
{
	struct tcp_seq_half *h = &s->half[from];
	uint32_t end = p->seq + seq_space(p);
	bool probe = (bits & TCP_SEQ_ZERO_WINDOW_PROBE) != 0;


	/* Anything sent again below the highest sequence, whatever Wireshark
	 * calls it (a 1-byte keep-alive-shaped resend included), is a resend
	 * for the RTT (Karn's rule, tcptrace's intervening transmissions). */
	if ((h->flags & HALF_NEXT_SEQ_KNOWN) && seq_lt(p->seq, h->next_seq) && seq_space(p) > 0) {
		rtt_forget_above(h, p->seq);
		struct tcp_seq_rare_half *r = rare_of(s, from);
		if (r)
			r->resent_seq = p->seq;
	}
	if ((!(h->flags & HALF_NEXT_SEQ_KNOWN) || seq_gt(end, h->next_seq)) && !probe) {
		if (seq_space(p) > 0 && !(bits & TCP_SEQ_KEEPALIVE))
			rtt_track_segment(h, end, now);
		h->next_seq = end;
		h->next_seq_us = now;
		if (!(h->flags & HALF_NEXT_SEQ_KNOWN))
			h->max_seq_to_be_acked = end;
		h->flags |= HALF_NEXT_SEQ_KNOWN;
	}
	if (p->seq == h->max_seq_to_be_acked && !probe)
		h->max_seq_to_be_acked = h->next_seq;
	if (seq_space(p) > 0) {
		h->last_send_us = now;
		h->flags |= HALF_DATA_SENT;
	}
}

uint32_t tcp_seq_packet(struct tcp_seq_conn *s, const struct pkt *p, enum conn_role from)
{
	struct tcp_seq_half *h = &s->half[from];
	struct tcp_seq_half *peer = &s->half[!from];
	uint32_t now = time_us(p->ts_ns);

	if (has(p->flags, TCP_FLAG_SYN)) {
		learn_wscale(h, peer, p);
		syn_starts_sequence(s, from);
	}
	uint32_t dropped = track_handshake(s, p, now);

	uint32_t bits = classify_control(h, peer, p);
	/* Wireshark's tests that follow every packet, probes and their ACKs included. */
	if ((h->flags & HALF_SEEN) && p->ack != h->last_ack)
		h->dup_acks = 0;
	bits |= check_acked_unseen(peer, p);
	if (seq_space(p) > 0 && !(bits & (TCP_SEQ_KEEPALIVE | TCP_SEQ_ZERO_WINDOW_PROBE)))
		bits |= classify_old_data(s, from, p, now);

	if (bits & (TCP_SEQ_RETRANSMISSION | TCP_SEQ_FAST_RETRANSMISSION | TCP_SEQ_SPURIOUS_RETRANSMISSION)) {
		/* Already-ACKed data needs no D-SACK or timestamp to be called spurious. */
		h->pending &= (uint8_t)~(TCP_SEQ_PENDING_DSACK | TCP_SEQ_PENDING_EIFEL);
		struct tcp_seq_rare_half *r;
		if (!(bits & TCP_SEQ_SPURIOUS_RETRANSMISSION) && (r = rare_of(s, from))) {
			h->pending |= TCP_SEQ_PENDING_DSACK;
			if (p->opt.present & TCP_OPT_HAS_TIMESTAMPS) {
				h->pending |= TCP_SEQ_PENDING_EIFEL;
				r->resent_tsval = p->opt.ts_val;
			}
		}
	}
	/* A RST before the handshake completed carries a number that was never
	 * this connection's sequence space (RFC 9293 3.10.7.3: SEG.ACK of a
	 * stale ACK, answered in SYN-SENT; 0 when refusing a SYN): it does not
	 * enter its sender's state. */
	if (!(has(p->flags, TCP_FLAG_RST) && !(s->flags & CONN_SYNACK_SEEN) && seq_space(p) == 0))
		advance_sent(s, from, p, bits, now);

	if (has(p->flags, TCP_FLAG_ACK)) {
		bits |= check_spurious(peer, rare_peek(s, !from), p);
		bool advanced = !(h->flags & HALF_ACK_FLAG) || seq_gt(p->ack, h->last_ack);
		bool negative = false;
		if (rtt_on_ack(peer, p->ack, advanced, now, &negative))
			bits |= TCP_SEQ_RTT_SAMPLE;
		if (negative)
			dropped = TCP_SEQ_NEGATIVE_GAP;
	}
	bits |= track_ts_rtt(h, peer, p, now);
	dropped |= track_window(s, from, p, now);
	bits |= dropped;
	track_sack(s, from, p);
	h->raw_win = p->window;
	h->last_ack = p->ack;
	h->last_us = now;
	h->flags |= HALF_SEEN;
	if (has(p->flags, TCP_FLAG_ACK))
		h->flags |= HALF_ACK_FLAG;
	else
		h->flags &= (uint8_t)~HALF_ACK_FLAG;
	h->last_seg_flags = (uint16_t)(bits & (TCP_SEQ_KEEPALIVE | TCP_SEQ_ZERO_WINDOW_PROBE));
	track_in_flight(h, peer);
	return bits;
}

void tcp_seq_swap(struct tcp_seq_conn *s)
{
	SWAP_PAIR(s->half);
	if (s->rare)
		SWAP_PAIR(s->rare->half);
}

uint32_t tcp_seq_zero_window_ms(const struct tcp_seq_conn *s, enum conn_role side, uint64_t now_ns)
{
	const struct tcp_seq_rare_half *r = rare_peek(s, side);
	if (!r)
		return 0;
	uint32_t ms = r->zero_window_ms;
	if (s->half[side].flags & HALF_IN_ZERO_WINDOW)
		ms += since_us(time_us(now_ns), r->zero_window_us) / 1000u;
	return ms;
}

bool tcp_seq_win_seen(const struct tcp_seq_half *h)
{
	return (h->flags & HALF_WIN_SEEN) != 0;
}

uint32_t tcp_seq_send_silence_us(const struct tcp_seq_half *h, uint64_t now_ns)
{
	return (h->flags & HALF_DATA_SENT) ? since_us(time_us(now_ns), h->last_send_us) : 0;
}

const char *tcp_seq_flag_name(uint32_t bit)
{
	static const char *const names[] = {
		"retransmission", "fast_retransmission", "spurious_retransmission",
		"timeout_retransmission", "tlp_retransmission", "out_of_order", "not_captured",
		"acked_unseen", "dup_ack", "zero_window", "zero_window_probe", "zero_window_probe_ack",
		"keepalive", "keepalive_ack", "window_full", "window_update", "dsack_spurious",
		"rtt_sample", "ts_rtt_sample", "negative_gap",
	};
	if (bit == 0 || (bit & (bit - 1)) != 0)
		return NULL;
	unsigned i = (unsigned)__builtin_ctz(bit);
	return i < sizeof(names) / sizeof(names[0]) ? names[i] : NULL;
}
