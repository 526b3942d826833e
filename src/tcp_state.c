/* tcp_state.c - both endpoints' RFC 793 states rebuilt from the segments seen on the wire. */
#include "tcp_state.h"

#include <stddef.h>

#include "seq.h"

static const char *const state_names[TCP_ST__COUNT] = {
	[TCP_ST_NONE] = "NONE",
	[TCP_ST_SYN_SENT] = "SYN_SENT",
	[TCP_ST_SYN_RCVD] = "SYN_RCVD",
	[TCP_ST_ESTABLISHED] = "ESTABLISHED",
	[TCP_ST_FIN_WAIT_1] = "FIN_WAIT_1",
	[TCP_ST_FIN_WAIT_2] = "FIN_WAIT_2",
	[TCP_ST_CLOSING] = "CLOSING",
	[TCP_ST_TIME_WAIT] = "TIME_WAIT",
	[TCP_ST_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_ST_LAST_ACK] = "LAST_ACK",
	[TCP_ST_CLOSED] = "CLOSED",
};

/* Short forms for narrow columns, as ss and netstat abbreviate them. */
static const char *const state_short_names[TCP_ST__COUNT] = {
	[TCP_ST_NONE] = "-",
	[TCP_ST_SYN_SENT] = "SS",
	[TCP_ST_SYN_RCVD] = "SR",
	[TCP_ST_ESTABLISHED] = "EST",
	[TCP_ST_FIN_WAIT_1] = "FW1",
	[TCP_ST_FIN_WAIT_2] = "FW2",
	[TCP_ST_CLOSING] = "CLG",
	[TCP_ST_TIME_WAIT] = "TW",
	[TCP_ST_CLOSE_WAIT] = "CW",
	[TCP_ST_LAST_ACK] = "LA",
	[TCP_ST_CLOSED] = "CL",
};

const char *tcp_state_name(enum tcp_state s)
{
	if ((unsigned)s >= TCP_ST__COUNT)
		return "?";
	return state_names[s];
}

const char *tcp_state_short_name(enum tcp_state s)
{
	if ((unsigned)s >= TCP_ST__COUNT)
		return "?";
	return state_short_names[s];
}

void tcp_state_init(struct tcp_endpoints *e)
{
	*e = (struct tcp_endpoints){0};
}

/* What one segment says, computed once and read by both endpoints' handlers. */
struct seg {
	uint16_t flags;
	uint32_t seq;
	uint32_t ack;
	uint32_t fin_at; /* the sequence number a FIN on this segment occupies */
	uint64_t ts_ns;
	int from;
};

static bool has(const struct seg *s, uint16_t flag) { return (s->flags & flag) != 0; }
static bool sent_by(const struct seg *s, int me) { return s->from == me; }
static int peer_of(int me) { return me ^ 1; }

/* The endpoint's SYN is on record (syn_seq valid). */
static bool holds_syn(enum tcp_state st)
{
	return st == TCP_ST_SYN_SENT || st == TCP_ST_SYN_RCVD;
}

/* The endpoint has sent its FIN (fin_seq valid). */
static bool holds_fin(enum tcp_state st)
{
	switch (st) {
	case TCP_ST_FIN_WAIT_1:
	case TCP_ST_FIN_WAIT_2:
	case TCP_ST_CLOSING:
	case TCP_ST_TIME_WAIT:
	case TCP_ST_LAST_ACK:
		return true;
	default:
		return false;
	}
}

/*
 * The segment acknowledges endpoint `who`'s SYN: RFC 9293 3.10.7.4 (fifth,
 * SYN-RECEIVED) "SND.UNA < SEG.ACK", with SND.UNA = ISS. No upper bound: a
 * SYN may carry data (TFO) the observer does not track here. When `who`'s
 * SYN is not on record, an ACK from NONE means the SYN-ACK was not captured
 * and counts; one from CLOSED does not.
 */
static bool acks_syn(const struct tcp_endpoints *e, int who, const struct seg *s)
{
	enum tcp_state st = e->state[who];
	if (!has(s, TCP_FLAG_ACK) || st == TCP_ST_CLOSED)
		return false;
	if (!holds_syn(st))
		return true;
	return seq_gt(s->ack, e->syn_seq[who]);
}

/*
 * The segment acknowledges endpoint `who`'s FIN. RFC 9293 3.10.7.4 (fifth):
 * an ACK counts when SND.UNA < SEG.ACK =< SND.NXT; nothing follows a FIN, so
 * SND.NXT = FIN + 1 and the only such value is FIN + 1, computed modulo 2^32:
 *
 *        ... data ][FIN]
 *                    ^   ^
 *              fin_seq   fin_seq + 1 = the ACK (0 when fin_seq = 0xffffffff)
 */
static bool acks_fin(const struct tcp_endpoints *e, int who, const struct seg *s)
{
	return has(s, TCP_FLAG_ACK) && holds_fin(e->state[who]) &&
	       s->ack == (uint32_t)(e->fin_seq[who] + 1u);
}

/* RFC 793 3.5 / RFC 9293 3.6: the FIN-sending states record the FIN's place. */
static enum tcp_state fin_sent(struct tcp_endpoints *e, int me, const struct seg *s, enum tcp_state next)
{
	e->fin_seq[me] = s->fin_at;
	e->fin_acked[me] = false;
	return next;
}

/* RFC 793 3.9 (SEGMENT ARRIVES): entering TIME-WAIT starts the 2 MSL timer. */
static enum tcp_state time_wait_entered(struct tcp_endpoints *e, int me, const struct seg *s)
{
	e->time_wait_ns[me] = s->ts_ns;
	return TCP_ST_TIME_WAIT;
}

/* RFC 793 3.9 OPEN / RFC 9293 3.10.1: a SYN sent from NONE or CLOSED. */
static enum tcp_state opened_by(struct tcp_endpoints *e, int me, const struct seg *s)
{
	e->syn_seq[me] = s->seq;
	if (has(s, TCP_FLAG_ACK))
		/* RFC 793 3.9 LISTEN: a SYN answered with SYN,ACK -> SYN-RECEIVED. */
		return TCP_ST_SYN_RCVD;
	if (e->state[peer_of(me)] == TCP_ST_SYN_SENT)
		/* RFC 793 3.4 figure 8: the SYNs crossed. The peer's SYN has already
		 * passed the observer, so this endpoint is on its way from
		 * SYN-SENT to SYN-RECEIVED (RFC 9293 3.10.7.3 "Otherwise, enter
		 * SYN-RECEIVED"): reported as one change. */
		return TCP_ST_SYN_RCVD;
	return TCP_ST_SYN_SENT;
}

/*
 * One handler per state. Each takes the endpoint `me` in that state and the
 * segment (sent by me when sent_by(s, me), else received), and returns me's
 * next state; the handlers record fin_seq and the TIME-WAIT start. Where RFC
 * 793 says "continue processing" in the new state, a handler hands over to
 * that state's handler. RST is checked first everywhere (RFC 9293 3.10.7.4
 * "second, check the RST bit"), before SYN and ACK.
 */
static enum tcp_state st_established(struct tcp_endpoints *e, int me, const struct seg *s);
static enum tcp_state st_fin_wait_2(struct tcp_endpoints *e, int me, const struct seg *s);

static enum tcp_state st_none(struct tcp_endpoints *e, int me, const struct seg *s)
{
	if (has(s, TCP_FLAG_RST))
		return TCP_ST_CLOSED; /* RFC 793 3.4: no TCB, or aborted by it */
	if (sent_by(s, me)) {
		if (has(s, TCP_FLAG_SYN))
			return opened_by(e, me, s);
	} else if (has(s, TCP_FLAG_SYN)) {
		if (!has(s, TCP_FLAG_ACK))
			return TCP_ST_NONE; /* LISTEN or not: unknown until it answers */
		/* A SYN-ACK answers a SYN we did not capture: its receiver sent
		 * that SYN (ISS = SEG.ACK - 1) and waits in SYN-SENT. */
		e->inferred = true;
		e->syn_seq[me] = s->ack - 1u;
		return TCP_ST_SYN_SENT;
	}
	/* An ACK to a peer in SYN-SENT that does not acknowledge its SYN comes
	 * from an earlier incarnation of the 4-tuple (RFC 9293 3.10.7.3: the
	 * peer answers it with a RST and waits on): nothing of this one. */
	if (sent_by(s, me) && e->state[peer_of(me)] == TCP_ST_SYN_SENT &&
	    s->ack != (uint32_t)(e->syn_seq[peer_of(me)] + 1u))
		return TCP_ST_NONE;
	/* ACK without SYN (the caller's filter let through nothing else): only
	 * synchronized connections send those (RFC 9293 3.10.7.4). Mid-stream. */
	e->inferred = true;
	return st_established(e, me, s);
}

static enum tcp_state st_syn_sent(struct tcp_endpoints *e, int me, const struct seg *s)
{
	int peer = peer_of(me);
	if (has(s, TCP_FLAG_RST))
		return TCP_ST_CLOSED; /* RFC 793 3.9 SYN-SENT: "connection reset" */
	if (sent_by(s, me)) {
		if (has(s, TCP_FLAG_SYN)) {
			e->syn_seq[me] = s->seq; /* retransmission, maybe with a new ISS */
			/* SYN,ACK from SYN-SENT: it got a SYN we did not capture. */
			return has(s, TCP_FLAG_ACK) ? TCP_ST_SYN_RCVD : TCP_ST_SYN_SENT;
		}
		/* RFC 793 3.9 SYN-SENT: with its SYN acked and the peer's SYN in,
		 * it "enter[s] ESTABLISHED ... form[s] an ACK segment and send[s]
		 * it". The observer dates the change to that ACK, then goes on
		 * with the rest of the segment (a FIN on it). */
		if (acks_syn(e, peer, s)) {
			if (e->state[peer] == TCP_ST_NONE)
				e->inferred = true; /* SYN-ACK not captured */
			return st_established(e, me, s);
		}
		return TCP_ST_SYN_SENT;
	}
	/* RFC 793 3.9 SYN-SENT / figure 8: a SYN without ACK is a simultaneous
	 * open -> SYN-RECEIVED. A SYN,ACK leaves it in SYN-SENT until it is seen
	 * sending the ACK (above). */
	if (has(s, TCP_FLAG_SYN) && !has(s, TCP_FLAG_ACK))
		return TCP_ST_SYN_RCVD;
	return TCP_ST_SYN_SENT;
}

static enum tcp_state st_syn_rcvd(struct tcp_endpoints *e, int me, const struct seg *s)
{
	if (has(s, TCP_FLAG_RST))
		return TCP_ST_CLOSED; /* RFC 793 3.4: back to LISTEN or CLOSED; the connection is gone */
	if (sent_by(s, me)) {
		/* RFC 793 3.9 CLOSE, SYN-RECEIVED: "form a FIN segment and send
		 * it, and enter FIN-WAIT-1 state". */
		if (has(s, TCP_FLAG_FIN) && !has(s, TCP_FLAG_SYN))
			return fin_sent(e, me, s, TCP_ST_FIN_WAIT_1);
		return TCP_ST_SYN_RCVD; /* SYN,ACK retransmitted, or TFO data */
	}
	/* RFC 9293 3.10.7.4 fifth, SYN-RECEIVED: "If SND.UNA < SEG.ACK =<
	 * SND.NXT, then enter ESTABLISHED state and continue processing". This
	 * holds for the final ACK and for the peer's SYN,ACK of figure 8. */
	if (acks_syn(e, me, s))
		return st_established(e, me, s);
	return TCP_ST_SYN_RCVD;
}

static enum tcp_state st_established(struct tcp_endpoints *e, int me, const struct seg *s)
{
	if (has(s, TCP_FLAG_RST))
		return TCP_ST_CLOSED; /* RFC 793 3.4: abort */
	/* A SYN here is the flow table's business (retransmission or a new
	 * connection); RFC 9293 3.10.7.4 fourth answers it with a challenge ACK. */
	if (has(s, TCP_FLAG_SYN) || !has(s, TCP_FLAG_FIN))
		return TCP_ST_ESTABLISHED;
	if (sent_by(s, me))
		/* RFC 793 3.9 CLOSE, ESTABLISHED: send FIN, enter FIN-WAIT-1. */
		return fin_sent(e, me, s, TCP_ST_FIN_WAIT_1);
	/* RFC 793 3.9 eighth, check the FIN bit: ESTABLISHED -> CLOSE-WAIT. */
	return TCP_ST_CLOSE_WAIT;
}

static enum tcp_state st_fin_wait_1(struct tcp_endpoints *e, int me, const struct seg *s)
{
	if (has(s, TCP_FLAG_RST))
		return TCP_ST_CLOSED;
	if (sent_by(s, me) || has(s, TCP_FLAG_SYN))
		return TCP_ST_FIN_WAIT_1; /* its FIN again, or data after it: no change */
	/* RFC 793 3.9 fifth, FIN-WAIT-1: "if our FIN is now acknowledged then
	 * enter FIN-WAIT-2 and continue processing in that state". */
	if (acks_fin(e, me, s)) {
		e->fin_acked[me] = true;
		return st_fin_wait_2(e, me, s);
	}
	/* RFC 793 3.9 eighth, FIN-WAIT-1: the peer's FIN while ours is not
	 * acknowledged -> CLOSING (figure 14). */
	if (has(s, TCP_FLAG_FIN))
		return TCP_ST_CLOSING;
	return TCP_ST_FIN_WAIT_1;
}

static enum tcp_state st_fin_wait_2(struct tcp_endpoints *e, int me, const struct seg *s)
{
	if (has(s, TCP_FLAG_RST))
		return TCP_ST_CLOSED;
	/* RFC 793 3.9 eighth, FIN-WAIT-2: the peer's FIN -> TIME-WAIT. */
	if (!sent_by(s, me) && !has(s, TCP_FLAG_SYN) && has(s, TCP_FLAG_FIN))
		return time_wait_entered(e, me, s);
	return TCP_ST_FIN_WAIT_2;
}

static enum tcp_state st_closing(struct tcp_endpoints *e, int me, const struct seg *s)
{
	if (has(s, TCP_FLAG_RST))
		return TCP_ST_CLOSED;
	/* RFC 793 3.9 fifth, CLOSING: "if the ACK acknowledges our FIN then
	 * enter the TIME-WAIT state". */
	if (!sent_by(s, me) && !has(s, TCP_FLAG_SYN) && acks_fin(e, me, s)) {
		e->fin_acked[me] = true;
		return time_wait_entered(e, me, s);
	}
	return TCP_ST_CLOSING;
}

static enum tcp_state st_time_wait(struct tcp_endpoints *e, int me, const struct seg *s)
{
	/* RFC 793 3.4: a RST in TIME-WAIT closes it (RFC 1337 would ignore it;
	 * Linux follows RFC 793 by default). */
	if (has(s, TCP_FLAG_RST))
		return TCP_ST_CLOSED;
	/* RFC 793 3.9 eighth, TIME-WAIT: a retransmitted FIN means our last
	 * ACK was lost: "Restart the 2 MSL time-wait timeout". */
	if (!sent_by(s, me) && !has(s, TCP_FLAG_SYN) && has(s, TCP_FLAG_FIN))
		e->time_wait_ns[me] = s->ts_ns;
	return TCP_ST_TIME_WAIT;
}

static enum tcp_state st_close_wait(struct tcp_endpoints *e, int me, const struct seg *s)
{
	if (has(s, TCP_FLAG_RST))
		return TCP_ST_CLOSED;
	if (!sent_by(s, me) || has(s, TCP_FLAG_SYN) || !has(s, TCP_FLAG_FIN))
		return TCP_ST_CLOSE_WAIT; /* the peer's FIN again, data, ACKs */
	/* RFC 793 3.9 CLOSE, CLOSE-WAIT: send FIN, enter LAST-ACK... */
	if (acks_fin(e, peer_of(me), s))
		return fin_sent(e, me, s, TCP_ST_LAST_ACK);
	/* ...unless this FIN does not acknowledge the peer's: it was sent before
	 * the peer's FIN arrived, from ESTABLISHED (-> FIN-WAIT-1), and the
	 * peer's FIN, already past the observer, will find it there (-> CLOSING,
	 * RFC 793 figure 14). The earlier CLOSE_WAIT was the observer's guess. */
	return fin_sent(e, me, s, TCP_ST_CLOSING);
}

static enum tcp_state st_last_ack(struct tcp_endpoints *e, int me, const struct seg *s)
{
	if (has(s, TCP_FLAG_RST))
		return TCP_ST_CLOSED;
	/* RFC 793 3.9 fifth, LAST-ACK: "if our FIN is now acknowledged, delete
	 * the TCB, enter the CLOSED state". */
	if (!sent_by(s, me) && !has(s, TCP_FLAG_SYN) && acks_fin(e, me, s)) {
		e->fin_acked[me] = true;
		return TCP_ST_CLOSED;
	}
	return TCP_ST_LAST_ACK;
}

static enum tcp_state st_closed(struct tcp_endpoints *e, int me, const struct seg *s)
{
	/* RFC 793 3.9 OPEN in CLOSED: a SYN from it opens again (the flow table
	 * has judged it part of this connection, e.g. a retry after a RST). */
	if (sent_by(s, me) && has(s, TCP_FLAG_SYN) && !has(s, TCP_FLAG_RST))
		return opened_by(e, me, s);
	return TCP_ST_CLOSED;
}

/* The one dispatch: me's next state for segment s. */
static enum tcp_state step(struct tcp_endpoints *e, int me, const struct seg *s)
{
	switch ((enum tcp_state)e->state[me]) {
	case TCP_ST_NONE: return st_none(e, me, s);
	case TCP_ST_SYN_SENT: return st_syn_sent(e, me, s);
	case TCP_ST_SYN_RCVD: return st_syn_rcvd(e, me, s);
	case TCP_ST_ESTABLISHED: return st_established(e, me, s);
	case TCP_ST_FIN_WAIT_1: return st_fin_wait_1(e, me, s);
	case TCP_ST_FIN_WAIT_2: return st_fin_wait_2(e, me, s);
	case TCP_ST_CLOSING: return st_closing(e, me, s);
	case TCP_ST_TIME_WAIT: return st_time_wait(e, me, s);
	case TCP_ST_CLOSE_WAIT: return st_close_wait(e, me, s);
	case TCP_ST_LAST_ACK: return st_last_ack(e, me, s);
	case TCP_ST_CLOSED: return st_closed(e, me, s);
	case TCP_ST__COUNT: break;
	}
	return TCP_ST_CLOSED; /* a corrupt value: the safest end */
}

/* Apply `next` to endpoint `me`, appending the change when it is one. */
static void set_state(struct tcp_endpoints *e, int me, enum tcp_state next, uint64_t ts_ns,
		      struct tcp_state_change *out, int *n)
{
	enum tcp_state old = e->state[me];
	if (old == next)
		return;
	e->state[me] = (uint8_t)next;
	if (out)
		out[*n] = (struct tcp_state_change){.ts_ns = ts_ns, .endpoint = me, .old_state = old, .new_state = next};
	(*n)++;
}

bool tcp_state_packet(struct tcp_endpoints *e, const struct pkt *p, int from, uint64_t ts_ns,
		      struct tcp_state_change out[2], int *nchanges)
{
	int n = 0;
	if (nchanges)
		*nchanges = 0;
	if (from != 0 && from != 1)
		return false;
	/* RFC 9293 3.10.7.2-4: with none of SYN, RST, ACK every state drops the
	 * segment (LISTEN wants SYN, SYN-SENT wants SYN or RST, the rest ACK). */
	if (!(p->flags & (TCP_FLAG_SYN | TCP_FLAG_RST | TCP_FLAG_ACK)))
		return false;
	bool syn = (p->flags & TCP_FLAG_SYN) != 0;
	struct seg s = {
		.flags = p->flags,
		.seq = p->seq,
		.ack = p->ack,
		/* RFC 793 3.3: SYN comes first, then the data, then the FIN. */
		.fin_at = p->seq + (syn ? 1u : 0u) + p->payload_len,
		.ts_ns = ts_ns,
		.from = from,
	};
	/* The sender first: what it sent shows its state when it sent it, and
	 * the receiver's handler reads the sender's updated record. */
	set_state(e, from, step(e, from, &s), ts_ns, out, &n);
	int to = peer_of(from);
	set_state(e, to, step(e, to, &s), ts_ns, out, &n);
	if (nchanges)
		*nchanges = n;
	return n > 0;
}

bool tcp_state_advance(struct tcp_endpoints *e, uint64_t now_ns, uint64_t two_msl_ns,
		       struct tcp_state_change out[2], int *nchanges)
{
	int n = 0;
	for (int me = 0; me < 2; me++) {
		if (e->state[me] != TCP_ST_TIME_WAIT)
			continue;
		uint64_t since = e->time_wait_ns[me];
		/* RFC 793 3.9 "Timeouts": when the time-wait timeout expires on a
		 * connection delete the TCB, enter the CLOSED state. */
		if (now_ns > since && now_ns - since > two_msl_ns)
			set_state(e, me, TCP_ST_CLOSED, since + two_msl_ns, out, &n);
	}
	if (nchanges)
		*nchanges = n;
	return n > 0;
}
