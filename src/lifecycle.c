/* lifecycle.c - how a connection opened and ended: states, handshake, teardown, Zeek's summary, diagnoses. */
#include "lifecycle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"
#include "pair.h"
#include "seq.h"

static bool has(const struct pkt *p, uint16_t flag) { return (p->flags & flag) != 0; }

void lifecycle_init(struct lifecycle *lc, int first_sender)
{
	memset(lc, 0, sizeof(*lc));
	tcp_state_init(&lc->ep);
	lc->first_fin = -1;
	/* Zeek marks a connection whose first packet came from the responder. */
	if (first_sender == 1)
		lc->history[lc->history_len++] = '^';
}

/* The cold part, allocated on first need (NULL: out of memory). */
static struct lc_rare *rare_of(struct lifecycle *lc)
{
	if (!lc->rare)
		lc->rare = calloc(1, sizeof(*lc->rare));
	return lc->rare;
}

/* What became of side s's RSTs: all zero while nothing is held. */
static struct lc_rst_side rst_side(const struct lifecycle *lc, int s)
{
	static const struct lc_rst_side none;
	return lc->rare ? lc->rare->rst[s] : none;
}

/* ---- Zeek history ---- */

/* One bit per history letter, per side (lc_side.hist_flags). */
enum {
	HIST_SYN = 1u << 0,
	HIST_FIN = 1u << 1,
	HIST_RST = 1u << 2,
	HIST_DATA = 1u << 3,
	HIST_ACK = 1u << 4,
	HIST_MULTI_FLAG = 1u << 5,
	HIST_FIN_RST = 1u << 6,
};

/* Append a letter: upper case for the originator (client), lower for the responder. */
static void hist_append(struct lifecycle *lc, int side, char letter)
{
	if (lc->history_len >= LC_HISTORY_MAX)
		return;
	lc->history[lc->history_len++] = side == 0 ? letter : (char)(letter - 'A' + 'a');
}

/* Record `letter` the first time this side shows `bit`; true if it was already recorded. */
static bool hist_once(struct lifecycle *lc, int side, uint16_t bit, char letter)
{
	struct lc_side *s = &lc->side[side];
	if (s->hist_flags & bit)
		return true;
	s->hist_flags |= bit;
	hist_append(lc, side, letter);
	return false;
}

/*
 * Zeek's history rules (its TCP analyzer's update_history): a segment with
 * more than one of SYN, FIN, RST is 'I' (FIN+RST) or 'Q'; with one of them,
 * 'S'/'H' (SYN without/with ACK), 'F', 'R', where F and R repeat for a new
 * sequence position; with none, 'D' for payload, else 'A' for an ACK. Each
 * letter once per side otherwise.
 */
static void hist_update(struct lifecycle *lc, const struct pkt *p, int from)
{
	struct lc_side *s = &lc->side[from];
	int bits = has(p, TCP_FLAG_SYN) + has(p, TCP_FLAG_FIN) + has(p, TCP_FLAG_RST);

	if (bits > 1) {
		if (has(p, TCP_FLAG_FIN) && has(p, TCP_FLAG_RST))
			hist_once(lc, from, HIST_FIN_RST, 'I');
		else
			hist_once(lc, from, HIST_MULTI_FLAG, 'Q');
	} else if (has(p, TCP_FLAG_SYN)) {
		hist_once(lc, from, HIST_SYN, has(p, TCP_FLAG_ACK) ? 'H' : 'S');
	} else if (has(p, TCP_FLAG_FIN)) {
		uint32_t at = p->seq + p->payload_len;
		if (hist_once(lc, from, HIST_FIN, 'F') && at != s->hist_last_fin)
			hist_append(lc, from, 'F');
		s->hist_last_fin = at;
	} else if (has(p, TCP_FLAG_RST)) {
		struct lc_rare *r = rare_of(lc); /* out of memory: 'R' once */
		if (hist_once(lc, from, HIST_RST, 'R') && r && p->seq != r->rst[from].last_seq)
			hist_append(lc, from, 'R');
		if (r)
			r->rst[from].last_seq = p->seq;
	} else if (p->payload_len > 0) {
		hist_once(lc, from, HIST_DATA, 'D');
	} else if (has(p, TCP_FLAG_ACK)) {
		hist_once(lc, from, HIST_ACK, 'A');
	}
}

void lifecycle_note_seq(struct lifecycle *lc, int from, enum lc_seq_letter what, uint32_t count)
{
	static const char letters[LC_SEQ__COUNT] = {[LC_SEQ_RETRANSMISSION] = 'T',
						    [LC_SEQ_ZERO_WINDOW] = 'W',
						    [LC_SEQ_GAP] = 'G'};
	if ((from != 0 && from != 1) || (unsigned)what >= LC_SEQ__COUNT)
		return;
	/* Zeek's ScaledHistoryEntry: the 1st, 10th, 100th, ... occurrence. */
	for (uint64_t threshold = 1; threshold <= count; threshold *= 10)
		if (threshold == count)
			hist_append(lc, from, letters[what]);
}

/*
 * Zeek's 'T' (update_last_seq in its TCP analyzer, then DidRxmit): a segment
 * with payload whose end (sequence + payload + SYN + FIN) does not pass the
 * highest end the side has sent is a retransmission, counted per side and
 * written at the 1st, 10th, 100th, ... (ScaledHistoryEntry). Nothing once
 * the side is RESET ("don't trust any subsequent sequence numbers").
 * Called before tcp_endpoint_packet() moves snd_nxt.
 */
static void zeek_note_rxmt(struct lifecycle *lc, const struct tcp_endpoint *sender, const struct pkt *p, int from)
{
	struct lc_side *me = &lc->side[from];
	if (p->payload_len == 0 || !(sender->seen & TCP_EP_SND_KNOWN) || me->zeek == ZK_RESET)
		return;
	uint32_t end = p->seq + p->payload_len + has(p, TCP_FLAG_SYN) + has(p, TCP_FLAG_FIN);
	if (seq_gt(end, sender->snd_nxt))
		return;
	if (me->zeek_rxmt < UINT16_MAX)
		me->zeek_rxmt++;
	lifecycle_note_seq(lc, from, LC_SEQ_RETRANSMISSION, me->zeek_rxmt);
}

/* ---- Zeek endpoint states ---- */

static void zk_set(struct lc_side *s, enum zeek_state st)
{
	s->zeek_prev = s->zeek;
	s->zeek = (uint8_t)st;
}

/* Zeek's TCP analyzer state machine (UpdateStateMachine and its helpers), without its weirds. */
static void zeek_update(struct lifecycle *lc, const struct pkt *p, int from)
{
	struct lc_side *me = &lc->side[from], *peer = &lc->side[!from];
	bool is_orig = from == 0;

	switch ((enum zeek_state)me->zeek) {
	case ZK_INACTIVE:
		if (has(p, TCP_FLAG_SYN)) {
			if (is_orig) {
				zk_set(me, has(p, TCP_FLAG_ACK) ? ZK_SYN_ACK_SENT : ZK_SYN_SENT);
			} else {
				if (peer->zeek == ZK_SYN_SENT)
					zk_set(peer, ZK_ESTABLISHED);
				zk_set(me, ZK_ESTABLISHED);
			}
		}
		if (has(p, TCP_FLAG_FIN))
			zk_set(me, ZK_CLOSED);
		if (has(p, TCP_FLAG_RST))
			zk_set(me, ZK_RESET);
		if (me->zeek == ZK_INACTIVE) {
			/* Some stacks ACK a SYN before answering it: not a partial connection. */
			if (!is_orig && p->payload_len == 0 && lc->side[0].zeek == ZK_SYN_SENT)
				break;
			if (has(p, TCP_FLAG_ACK) && peer->zeek == ZK_ESTABLISHED)
				zk_set(me, ZK_ESTABLISHED); /* SYN missed, SYN-ACK seen */
			else
				zk_set(me, ZK_PARTIAL);
		}
		break;
	case ZK_SYN_SENT:
	case ZK_SYN_ACK_SENT:
		if (has(p, TCP_FLAG_FIN))
			zk_set(me, ZK_CLOSED);
		if (has(p, TCP_FLAG_RST))
			zk_set(me, ZK_RESET);
		break;
	case ZK_ESTABLISHED:
	case ZK_PARTIAL:
		if (has(p, TCP_FLAG_SYN) && !has(p, TCP_FLAG_ACK) && me->zeek == ZK_PARTIAL &&
		    peer->zeek == ZK_INACTIVE)
			zk_set(me, ZK_SYN_SENT);
		if (has(p, TCP_FLAG_FIN) && !has(p, TCP_FLAG_RST)) {
			zk_set(me, ZK_CLOSED);
			/* A FIN then a RST from the peer was a normal end after all. */
			if (peer->zeek == ZK_RESET && peer->zeek_prev == ZK_CLOSED)
				zk_set(peer, ZK_CLOSED);
		}
		if (has(p, TCP_FLAG_RST))
			zk_set(me, ZK_RESET);
		break;
	case ZK_CLOSED:
		/* After a FIN exchange a RST changes nothing. */
		if (has(p, TCP_FLAG_RST) && peer->zeek != ZK_CLOSED)
			zk_set(me, ZK_RESET);
		break;
	case ZK_RESET:
		break;
	}
}

/* Zeek's RSTOS0 test: the history matches ^?S[^HAFGIQ]*R.* */
static bool history_is_syn_then_rst(const struct lifecycle *lc)
{
	const char *h = lc->history, *end = h + lc->history_len;
	if (h < end && *h == '^')
		h++;
	if (h >= end || *h++ != 'S')
		return false;
	for (; h < end; h++) {
		if (*h == 'R')
			return true;
		if (strchr("HAFGIQ", *h))
			return false;
	}
	return false;
}

/* Zeek's conn_state() (base/protocols/conn/main.zeek), originator = client. */
const char *lifecycle_zeek_state(const struct lifecycle *lc, uint64_t c2s_payload, uint64_t s2c_payload)
{
	enum zeek_state os = lc->side[0].zeek, rs = lc->side[1].zeek;
	bool o_inactive = os == ZK_INACTIVE || os == ZK_PARTIAL;
	bool r_inactive = rs == ZK_INACTIVE || rs == ZK_PARTIAL;

	if (rs == ZK_RESET) {
		if (os == ZK_SYN_SENT || os == ZK_SYN_ACK_SENT ||
		    (os == ZK_RESET && c2s_payload == 0 && s2c_payload == 0))
			return "REJ";
		return o_inactive ? "RSTRH" : "RSTR";
	}
	if (os == ZK_RESET) {
		if (r_inactive)
			return history_is_syn_then_rst(lc) ? "RSTOS0" : "OTH";
		return "RSTO";
	}
	if (rs == ZK_CLOSED && os == ZK_CLOSED)
		return "SF";
	if (os == ZK_CLOSED)
		return r_inactive ? "SH" : "S2";
	if (rs == ZK_CLOSED)
		return o_inactive ? "SHR" : "S3";
	if (os == ZK_SYN_SENT && rs == ZK_INACTIVE)
		return "S0";
	if (os == ZK_ESTABLISHED && rs == ZK_ESTABLISHED)
		return "S1";
	return "OTH";
}

/* ---- the handshake ---- */

/* The n-th send (0 = the first) of a side's SYN kind, for the retry intervals. */
static void note_retry_time(struct lifecycle *lc, int side, unsigned n, int32_t us)
{
	if (n == 0 || n >= LC_SYN_TIMES)
		return;
	/* Out of memory: the counts stay right, the intervals come out short. */
	struct lc_rare *r = rare_of(lc);
	if (r)
		r->retry_at_us[side][n - 1] = us;
}

void lifecycle_release(struct lifecycle *lc)
{
	free(lc->rare);
	lc->rare = NULL;
}

/*
 * Two stamping points (two sockets, two interfaces of a merged capture) can
 * put a packet a few microseconds before the one it answers. Within this
 * much, the handshake gap reads as 0 (the packets were simultaneous to the
 * precision of the capture); beyond, it is dropped. Either way it is
 * counted (lc_result.negative_gap).
 */
#define HANDSHAKE_SKEW_US 1000

/* The handshake gap from `then` to `now` into *out; false when dropped. */
static bool handshake_gap(int32_t now, int32_t then, uint32_t *out, struct lc_result *res)
{
	int64_t d = (int64_t)now - then;
	if (d < 0) {
		res->negative_gap = true;
		if (d < -HANDSHAKE_SKEW_US)
			return false;
		d = 0;
	}
	*out = (uint32_t)d;
	return true;
}

static void handshake_update(struct lifecycle *lc, const struct pkt *p, int from, int32_t us, struct lc_result *res)
{
	struct lc_side *me = &lc->side[from], *peer = &lc->side[!from];

	if (has(p, TCP_FLAG_RST))
		return;
	if (has(p, TCP_FLAG_SYN)) {
		/* Times of one kind only per side: the kind of its first SYN, so a
		 * simultaneous opener's later SYN-ACK is not taken for a retry. */
		bool synack = has(p, TCP_FLAG_ACK);
		unsigned sent = (unsigned)me->syns + me->synacks;
		if (sent == 0) {
			me->times_are_synacks = synack;
			me->first_syn_us = us;
		}
		if (synack == me->times_are_synacks) {
			unsigned n = synack ? me->synacks : me->syns;
			if (n > 0 && us < me->last_syn_us)
				res->negative_gap = true; /* a retry stamped before the try: its interval is dropped */
			note_retry_time(lc, from, n, us);
			me->last_syn_us = us;
		}
		if (!has(p, TCP_FLAG_ACK)) {
			/* A SYN answering a SYN, before any SYN-ACK: the SYNs crossed. */
			if (me->syns == 0 && peer->syns > 0 && me->synacks == 0 && peer->synacks == 0)
				lc->simultaneous_open = true;
			if (me->syns < UINT16_MAX)
				me->syns++;
			return;
		}
		if (me->synacks < UINT16_MAX)
			me->synacks++;
		/* The handshake RTT is the client's SYN to the server's answer (in a
		 * simultaneous open the client's own SYN-ACK answers the other SYN). */
		if (from == 1 && !lc->have_syn_synack && peer->syns > 0)
			lc->have_syn_synack = handshake_gap(us, peer->last_syn_us, &lc->syn_synack_us, res);
		return;
	}
	/* The client's first plain ACK after the server's SYN-ACK completes the handshake. */
	if (from == 0 && has(p, TCP_FLAG_ACK) && !lc->have_synack_ack && !lc->synack_ack_dropped &&
	    peer->synacks > 0) {
		lc->have_synack_ack = handshake_gap(us, peer->last_syn_us, &lc->synack_ack_us, res);
		lc->synack_ack_dropped = !lc->have_synack_ack;
	}
}

/* ---- RST checks ---- */

/*
 * Would the receiver take this RST? RFC 9293 3.10.7.3: in SYN-SENT only if
 * it acknowledges the SYN; otherwise (3.10.7.4, RFC 5961 3.2) only if its
 * sequence number is inside the receive window, RCV.NXT =< SEG.SEQ <
 * RCV.NXT + RCV.WND, with RCV.NXT taken as the receiver's highest ACK and
 * RCV.WND its last advertised window, scaled when both SYNs offered scaling.
 * Data the RST's sender sent after that ACK may have arrived and moved
 * RCV.NXT on (a window filled to its edge, then a RST at SND.NXT), so a
 * sequence number up to the sender's SND.NXT is also in.
 * What the observer cannot know is taken as acceptable: no ACK seen from
 * the receiver, or its scale unknown (handshake not seen: the largest
 * window, 2^30, stands in).
 */
static bool rst_in_window(const struct lifecycle *lc, const struct tcp_endpoint ep[2], const struct pkt *p, int from)
{
	int rcv = !from;
	const struct tcp_endpoint *r = &ep[rcv], *s = &ep[from];

	if (lc->ep.state[rcv] == TCP_ST_SYN_SENT)
		return has(p, TCP_FLAG_ACK) && p->ack == (uint32_t)(lc->ep.syn_seq[rcv] + 1u);
	if (!(r->seen & TCP_EP_RCV_KNOWN))
		return true;
	uint32_t wnd;
	bool scale_known = (r->syn_opts & TCP_EP_OPT_SEEN) && (s->syn_opts & TCP_EP_OPT_SEEN);
	if (!scale_known)
		wnd = 1u << 30;
	else if (r->wscale != TCP_EP_NO_WSCALE && s->wscale != TCP_EP_NO_WSCALE)
		wnd = (uint32_t)r->rcv_wnd << r->wscale;
	else
		wnd = r->rcv_wnd;
	if (wnd == 0)
		wnd = 1; /* RFC 9293: with a zero window only SEG.SEQ = RCV.NXT is acceptable */
	uint32_t hi = r->rcv_nxt + wnd;
	if ((s->seen & TCP_EP_SND_KNOWN) && seq_geq(s->snd_nxt + 1u, hi))
		hi = s->snd_nxt + 1u;
	return seq_in_range(p->seq, r->rcv_nxt, hi);
}

/* Side s (endpoint sender) has sent payload beyond what endpoint receiver has acknowledged, up to `ack` when has_ack. */
static bool unacked(const struct lifecycle *lc, int s, const struct tcp_endpoint *sender,
		    const struct tcp_endpoint *receiver, bool has_ack, uint32_t ack)
{
	if (!lc->side[s].sent_data)
		return false;
	bool acked = (receiver->seen & TCP_EP_RCV_KNOWN) != 0;
	if (has_ack && (!acked || seq_gt(ack, receiver->rcv_nxt)))
		return seq_gt(sender->snd_nxt, ack);
	return !acked || seq_gt(sender->snd_nxt, receiver->rcv_nxt);
}

/*
 * RFC 9293 3.10.7.3: in SYN-SENT an ACK that does not acknowledge the SYN
 * (a stale one from an earlier incarnation of the 4-tuple) is answered by
 * <SEQ=SEG.ACK><CTL=RST>, and the sender stays in SYN-SENT. Such a RST
 * ends the peer's old connection, not this attempt.
 */
static bool rst_answers_stale_ack(const struct lifecycle *lc, const struct tcp_endpoint ep[2], const struct pkt *p,
				  int from)
{
	const struct tcp_endpoint *peer = &ep[!from];
	return lc->ep.state[from] == TCP_ST_SYN_SENT && !has(p, TCP_FLAG_ACK) && (peer->seen & TCP_EP_RCV_KNOWN) &&
	       p->seq == peer->rcv_nxt && peer->rcv_nxt != (uint32_t)(lc->ep.syn_seq[from] + 1u);
}

static void rst_check(struct lifecycle *lc, const struct tcp_endpoint ep[2], const struct pkt *p, int from,
		      int32_t us, struct lc_result *res)
{
	struct lc_side *me = &lc->side[from];
	/* Out of memory, what became of the RST is not counted (all of it is taken as taken). */
	struct lc_rare *rare = rare_of(lc);
	struct lc_rst_side scratch = {0}, *rs = rare ? &rare->rst[from] : &scratch;

	res->rst = true;
	if (rst_answers_stale_ack(lc, ep, p, from)) {
		res->rst_stale = true;
		if (me->rsts < UINT16_MAX)
			me->rsts++;
		if (rs->stale < UINT8_MAX)
			rs->stale++;
		return;
	}
	res->rst_in_window = rst_in_window(lc, ep, p, from);
	res->rst_suspect_ttl = ep[from].ttl != 0 && p->ttl != ep[from].ttl;
	if (me->rsts < UINT16_MAX)
		me->rsts++;
	if (!res->rst_in_window && rs->ignored < UINT16_MAX)
		rs->ignored++;
	if (res->rst_suspect_ttl) {
		if (rs->suspect_ttl < UINT16_MAX)
			rs->suspect_ttl++;
		rs->ttl = p->ttl;
	}
	if (!res->rst_in_window)
		return;
	if (!lc->reset_known) {
		lc->reset_us = us;
		lc->reset_known = true;
	}
	/* The RST's own ACK field says what its sender had received (Linux
	 * acknowledges unread data on the RST it sends when closing). */
	if (lc->first_fin >= 0)
		lc->rst_after_fin = true;
	else if (unacked(lc, from, &ep[from], &ep[!from], false, 0) ||
		 unacked(lc, !from, &ep[!from], &ep[from], has(p, TCP_FLAG_ACK), p->ack))
		lc->rst_during_transfer = true;
}

/* ---- per segment ---- */

/* Data and FIN bookkeeping (the endpoint's own numbers move after, in tcp_endpoint_packet). */
static void side_update(struct lifecycle *lc, const struct tcp_endpoint *sender, const struct pkt *p, int from)
{
	struct lc_side *me = &lc->side[from];

	if (has(p, TCP_FLAG_RST))
		return; /* a RST's numbers are what is being judged */
	uint32_t end = p->seq + p->payload_len + has(p, TCP_FLAG_SYN) + has(p, TCP_FLAG_FIN);
	bool new_data = p->payload_len > 0 && (!(sender->seen & TCP_EP_SND_KNOWN) || seq_gt(end, sender->snd_nxt));
	if (new_data) {
		me->sent_data = true;
		/* A half-close is new data sent after the peer's FIN arrived (it is
		 * acknowledged), not data that crossed the FIN on the wire. */
		const struct lc_side *peer = &lc->side[!from];
		if (lc->first_fin == !from && has(p, TCP_FLAG_ACK) && seq_gt(p->ack, peer->hist_last_fin))
			me->data_after_peer_fin = true;
	}
	if (has(p, TCP_FLAG_FIN)) {
		if (me->fins < UINT16_MAX)
			me->fins++;
		if (lc->first_fin < 0)
			lc->first_fin = (int8_t)from;
	}
}

static void note_changes(struct lifecycle *lc, const struct tcp_state_change *ch, int n)
{
	for (int i = 0; i < n; i++)
		if (ch[i].new_state == TCP_ST_TIME_WAIT)
			lc->side[ch[i].endpoint].entered_time_wait = true;
}

bool lifecycle_advance(struct lifecycle *lc, uint64_t now_ns, uint64_t two_msl_ns,
		       struct tcp_state_change out[2], int *nchanges)
{
	return tcp_state_advance(&lc->ep, now_ns, two_msl_ns, out, nchanges);
}

/* RSTs of side s that ended this connection (taken, and not a refusal the client retried past). */
static unsigned rsts_taken(const struct lifecycle *lc, int s)
{
	struct lc_rst_side rs = rst_side(lc, s);
	int n = (int)lc->side[s].rsts - rs.ignored - rs.stale - (s == 1 ? lc->refusals : 0);
	return n > 0 ? (unsigned)n : 0u;
}

/*
 * The client sends its SYN again, same ISN (else the flow table would have
 * started a new record), after the server refused it with a RST and before
 * any SYN-ACK: the same connect() tries again (Windows does, KB 175523), so
 * the attempt is open again. The refusals are kept apart so that a retry
 * that is then answered is not reported as reset or rejected.
 */
static void reopen_after_refusal(struct lifecycle *lc, const struct pkt *p, int from)
{
	struct lc_side *c = &lc->side[0], *srv = &lc->side[1];
	if (from != 0 || !has(p, TCP_FLAG_SYN) || has(p, TCP_FLAG_ACK) || srv->zeek != ZK_RESET ||
	    srv->synacks > 0 || c->syns == 0)
		return;
	unsigned refused = rsts_taken(lc, 1) + lc->refusals;
	lc->refusals = (uint8_t)(refused > UINT8_MAX ? UINT8_MAX : refused);
	zk_set(srv, ZK_INACTIVE);
	zk_set(c, ZK_SYN_SENT);
	lc->reset_known = false;
	lc->rst_during_transfer = false;
}

bool lifecycle_reset_over(const struct lifecycle *lc, int32_t us)
{
	return lc->reset_known && (int64_t)us - lc->reset_us > LC_RESET_LINGER_US;
}

void lifecycle_packet(struct lifecycle *lc, const struct tcp_endpoint ep[2], const struct pkt *p, int from,
		      int32_t us, uint64_t two_msl_ns, struct lc_result *res)
{
	memset(res, 0, sizeof(*res));
	if (from != 0 && from != 1)
		return;
	hist_update(lc, p, from);
	zeek_note_rxmt(lc, &ep[from], p, from);
	reopen_after_refusal(lc, p, from);
	if (has(p, TCP_FLAG_RST))
		rst_check(lc, ep, p, from, us, res);
	/* An out-of-window RST is dropped by the receiver: no state moves. */
	if (!res->rst || res->rst_in_window) {
		zeek_update(lc, p, from);
		struct tcp_state_change expired[2];
		int nexp = 0;
		tcp_state_advance(&lc->ep, p->ts_ns, two_msl_ns, expired, &nexp);
		tcp_state_packet(&lc->ep, p, from, p->ts_ns, res->changes, &res->nchanges);
		/* A TIME_WAIT that ended before this segment is reported first. */
		if (nexp > 0 && res->nchanges == 0) {
			memcpy(res->changes, expired, sizeof(expired));
			res->nchanges = nexp;
		}
		note_changes(lc, res->changes, res->nchanges);
	}
	handshake_update(lc, p, from, us, res);
	side_update(lc, &ep[from], p, from);
}

bool lifecycle_in_time_wait(const struct lifecycle *lc, uint64_t now_ns, uint64_t two_msl_ns)
{
	for (int s = 0; s < 2; s++) {
		if (lc->ep.state[s] != TCP_ST_TIME_WAIT)
			continue;
		uint64_t since = lc->ep.time_wait_ns[s];
		if (now_ns <= since || now_ns - since <= two_msl_ns)
			return true;
	}
	return false;
}

void lifecycle_swap_roles(struct lifecycle *lc)
{
	SWAP_PAIR(lc->side);
	if (lc->rare) {
		SWAP_PAIR(lc->rare->retry_at_us);
		SWAP_PAIR(lc->rare->rst);
	}
	SWAP_PAIR(lc->ep.time_wait_ns);
	SWAP_PAIR(lc->ep.syn_seq);
	SWAP_PAIR(lc->ep.state);
	SWAP_PAIR(lc->ep.fin_acked);
	if (lc->first_fin >= 0)
		lc->first_fin = (int8_t)!lc->first_fin;
	for (int i = 0; i < lc->history_len; i++) {
		char c = lc->history[i];
		if (c >= 'A' && c <= 'Z')
			lc->history[i] = (char)(c - 'A' + 'a');
		else if (c >= 'a' && c <= 'z')
			lc->history[i] = (char)(c - 'a' + 'A');
	}
}

/* ---- summaries ---- */

static int which_sides(bool client, bool server)
{
	if (client && server)
		return 2;
	return client ? 0 : server ? 1 : -1;
}

/* The side that closed actively (entered TIME_WAIT): 0, 1, 2 for both, -1 none. */
static int lifecycle_active_closer(const struct lifecycle *lc)
{
	return which_sides(lc->side[0].entered_time_wait, lc->side[1].entered_time_wait);
}

/* The side whose accepted RST ended the connection: 0, 1, 2 for both, -1 none. */
static int lifecycle_reset_by(const struct lifecycle *lc)
{
	return which_sides(rsts_taken(lc, 0) > 0, rsts_taken(lc, 1) > 0);
}

static const char *const side_names[2] = {"client", "server"};

/* What the diagnoses need beyond the life cycle itself. */
struct lc_diag_input {
	const struct tcp_endpoint *ep; /* both endpoints */
	const char *zeek_state;
	bool direction_inferred;
	bool ended_by_timeout;     /* left the table idle, not closed */
};

void lifecycle_record_say(struct lifecycle_record *r, const char *fmt, ...)
{
	if (r->ndiag >= LC_DIAG_MAX)
		return;
	char *dst = r->diag[r->ndiag++];
	if (!strchr(fmt, '%')) { /* a plain sentence (most are): no formatting to pay for */
		size_t n = strlen(fmt);
		n = n < LC_DIAG_LEN ? n : LC_DIAG_LEN - 1;
		memcpy(dst, fmt, n);
		dst[n] = '\0';
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, LC_DIAG_LEN, fmt, ap);
	va_end(ap);
}

/* RST answered the client's SYN before any SYN-ACK. */
static bool refused(const struct lifecycle *lc, const struct lc_diag_input *in)
{
	return strcmp(in->zeek_state, "REJ") == 0 && lc->side[1].synacks == 0 && lc->side[0].syns > 0;
}

static void diagnose_open(const struct lifecycle *lc, const struct lc_diag_input *in, struct lifecycle_record *out)
{
	const struct lc_side *c = &lc->side[0], *s = &lc->side[1];
	bool server_answered = s->synacks > 0 || (in->ep[1].seen & TCP_EP_SND_KNOWN) || s->rsts > 0;

	if (c->syns > 0 && !server_answered) {
		char span[DIAGNOSE_WORDS_LEN];
		/* A client that acknowledges after its SYN had a SYN-ACK: the capture missed the server. */
		if (in->ep[0].seen & TCP_EP_RCV_KNOWN)
			lifecycle_record_say(out, "only one direction captured: nothing from the server");
		else if (c->syns == 1)
			lifecycle_record_say(out, "unanswered: 1 SYN");
		else
			lifecycle_record_say(out, "unanswered: %u SYNs over %s", (unsigned)c->syns,
			    diagnose_duration(span, sizeof(span),
					      c->last_syn_us > c->first_syn_us ? (uint64_t)((int64_t)c->last_syn_us - c->first_syn_us) : 0));
		return;
	}
	if (refused(lc, in)) {
		lifecycle_record_say(out, "refused: RST answered the SYN");
		return;
	}
	if (lc->refusals > 0) {
		char n[DIAGNOSE_WORDS_LEN];
		lifecycle_record_say(out, "SYN retried after %s refusing it",
				     diagnose_count(n, sizeof(n), lc->refusals, "RST", "RSTs"));
	}
	for (int i = 0; i < 2; i++)
		if (rst_side(lc, i).stale > 0)
			lifecycle_record_say(out, "stale ACK in SYN-SENT: the %s answered it with a RST and waited on",
					     side_names[i]);
	if (c->syns > 1 && lc->have_syn_synack)
		lifecycle_record_say(out, "slow open: %u SYNs before the SYN-ACK", (unsigned)c->syns);
	if (lc->simultaneous_open)
		lifecycle_record_say(out, "simultaneous open: both sides sent a SYN");
	if (s->synacks > 1)
		lifecycle_record_say(out, "SYN-ACK retransmitted: %u SYN-ACKs", (unsigned)s->synacks);
	if (lc->ep.state[1] == TCP_ST_SYN_RCVD && !lc->have_synack_ack && c->rsts == 0)
		lifecycle_record_say(out, "half-open: the SYN-ACK was never acknowledged");
	if (s->synacks > 0 && c->syns == 0 && !lc->simultaneous_open)
		lifecycle_record_say(out, "SYN not captured: the connection starts at the SYN-ACK");
	else if (in->direction_inferred)
		lifecycle_record_say(out, "start not captured: client and server inferred");
}

static void diagnose_close(const struct lifecycle *lc, struct lifecycle_record *out)
{
	int closer = lifecycle_active_closer(lc);
	int reset_by = lifecycle_reset_by(lc);

	if (closer == 2)
		lifecycle_record_say(out, "simultaneous close: both sides went through TIME_WAIT");
	else if (closer >= 0)
		lifecycle_record_say(out, closer == 0 ? "client closed first; TIME_WAIT on the client"
						     : "server closed first; TIME_WAIT on the server");
	else if (lc->first_fin >= 0 && reset_by < 0)
		lifecycle_record_say(out, "%s closed first (FIN); the %s did not finish", side_names[lc->first_fin],
		    side_names[!lc->first_fin]);
	for (int s = 0; s < 2; s++)
		if (lc->side[s].data_after_peer_fin)
			lifecycle_record_say(out, "half-close: the %s kept sending after the %s's FIN", side_names[s], side_names[!s]);
	if (reset_by >= 0) {
		static const char *const by[3] = {"the client", "the server", "both sides"};
		const char *who = by[reset_by];
		if (lc->rst_after_fin && lc->first_fin == reset_by)
			lifecycle_record_say(out, "reset by %s after its FIN", who);
		else if (lc->rst_after_fin)
			lifecycle_record_say(out, "reset by %s after the %s's FIN", who, side_names[lc->first_fin]);
		else if (lc->rst_during_transfer)
			lifecycle_record_say(out, "reset by %s during transfer (data unacknowledged)", who);
		else
			lifecycle_record_say(out, "reset by %s: RST instead of FIN (abort)", who);
	}
}

static void diagnose_rst_checks(const struct lifecycle *lc, const struct tcp_endpoint ep[2],
				struct lifecycle_record *out)
{
	for (int s = 0; s < 2; s++) {
		struct lc_rst_side d = rst_side(lc, s);
		if (d.ignored > 0)
			lifecycle_record_say(out, "out-of-window %s ignored (%u from the %s)", d.ignored == 1 ? "RST" : "RSTs",
			    (unsigned)d.ignored, side_names[s]);
		if (d.suspect_ttl > 0)
			lifecycle_record_say(out, "RST possibly injected: TTL %u unlike the %s's %u", (unsigned)d.ttl,
			    side_names[s], (unsigned)ep[s].ttl);
	}
}

static void lifecycle_diagnoses(const struct lifecycle *lc, const struct lc_diag_input *in,
			       struct lifecycle_record *r)
{
	diagnose_open(lc, in, r);
	if (!refused(lc, in))
		diagnose_close(lc, r);
	diagnose_rst_checks(lc, in->ep, r);
	if (lc->time_wait_reuse)
		lifecycle_record_say(r, "4-tuple reused during the previous connection's TIME_WAIT");
	if (in->ended_by_timeout)
		lifecycle_record_say(r, "idle: left the table after its timeout, still open");
}

/* Gaps between side i's first sends of the kind it kept times of (up to LC_SYN_TIMES). */
static uint8_t send_intervals(const struct lifecycle *lc, int i, bool synacks, uint32_t out[LC_SYN_TIMES - 1])
{
	const struct lc_side *s = &lc->side[i];
	if (s->times_are_synacks != synacks || !lc->rare)
		return 0;
	unsigned sent = synacks ? s->synacks : s->syns;
	if (sent > LC_SYN_TIMES)
		sent = LC_SYN_TIMES;
	uint8_t n = 0;
	int32_t prev = s->first_syn_us;
	for (unsigned k = 1; k < sent; k++) {
		int32_t at = lc->rare->retry_at_us[i][k - 1];
		if (at >= prev) /* a negative interval was counted when it came, and is left out */
			out[n++] = (uint32_t)((int64_t)at - prev);
		prev = at;
	}
	return n;
}

void lifecycle_to_record(const struct lifecycle *lc, const struct tcp_endpoint ep[2], uint64_t c2s_payload,
			 uint64_t s2c_payload, bool direction_inferred, bool ended_by_timeout,
			 struct lifecycle_record *r)
{
	memset(r, 0, sizeof(*r));
	r->state = lifecycle_zeek_state(lc, c2s_payload, s2c_payload);
	memcpy(r->history, lc->history, lc->history_len);
	r->client_state = tcp_state_name(lc->ep.state[0]);
	r->server_state = tcp_state_name(lc->ep.state[1]);
	r->syn_count = (uint16_t)(lc->side[0].syns + lc->side[1].syns);
	r->synack_count = (uint16_t)(lc->side[0].synacks + lc->side[1].synacks);
	r->syn_intervals = send_intervals(lc, 0, false, r->syn_interval_us);
	r->synack_intervals = send_intervals(lc, 1, true, r->synack_interval_us);
	r->have_syn_synack = lc->have_syn_synack;
	r->syn_synack_us = lc->syn_synack_us;
	r->have_synack_ack = lc->have_synack_ack;
	r->synack_ack_us = lc->synack_ack_us;
	r->completed = lc->have_synack_ack || lc->synack_ack_dropped;
	r->simultaneous_open = lc->simultaneous_open;
	for (int i = 0; i < 2; i++) {
		const struct lc_side *s = &lc->side[i];
		const struct tcp_endpoint *e = &ep[i];
		struct lc_syn_options *o = &r->options[i];
		o->seen = (e->syn_opts & TCP_EP_OPT_SEEN) != 0;
		o->has_mss = (e->syn_opts & TCP_EP_OPT_MSS) != 0;
		o->mss = e->mss;
		o->wscale = e->wscale;
		o->sack_permitted = (e->syn_opts & TCP_EP_OPT_SACK_PERM) != 0;
		o->timestamps = (e->syn_opts & TCP_EP_OPT_TIMESTAMPS) != 0;
		o->tfo = (e->syn_opts & TCP_EP_OPT_TFO) != 0;
		r->fin[i] = s->fins;
		r->rst[i] = s->rsts;
		struct lc_rst_side rs = rst_side(lc, i);
		r->rst_ignored[i] = rs.ignored;
		r->rst_suspect_ttl[i] = rs.suspect_ttl;
		r->rst_stale[i] = rs.stale;
		if (s->data_after_peer_fin)
			r->half_close = true;
	}
	r->first_fin = lc->first_fin;
	r->active_closer = (int8_t)lifecycle_active_closer(lc);
	r->reset_by = (int8_t)lifecycle_reset_by(lc);
	r->time_wait_reuse = lc->time_wait_reuse;
	r->refusals = lc->refusals;
	struct lc_diag_input in = {
		.ep = ep,
		.zeek_state = r->state,
		.direction_inferred = direction_inferred,
		.ended_by_timeout = ended_by_timeout,
	};
	lifecycle_diagnoses(lc, &in, r);
}
