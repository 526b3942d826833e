/* tcp_endpoint.c - each endpoint's sequence numbers, window, options and flags, updated once per segment. */
#include "tcp_endpoint.h"

#include <string.h>

#include "seq.h"

static bool has(uint16_t flags, uint16_t which) { return (flags & which) != 0; }

void tcp_endpoints_init(struct tcp_endpoint ep[2])
{
	memset(ep, 0, 2 * sizeof(*ep));
	ep[0].wscale = ep[1].wscale = TCP_EP_NO_WSCALE;
}

/* What a SYN or SYN-ACK offers (RFC 9293 3.1, RFC 7323, RFC 2018, RFC 7413); each SYN states them anew. */
static void note_syn_options(struct tcp_endpoint *e, const struct pkt *p)
{
	const struct tcp_options *o = &p->opt;
	e->syn_opts = TCP_EP_OPT_SEEN;
	e->mss = 0;
	e->wscale = TCP_EP_NO_WSCALE;
	if (o->present & TCP_OPT_HAS_MSS) {
		e->syn_opts |= TCP_EP_OPT_MSS;
		e->mss = o->mss;
	}
	if (o->present & TCP_OPT_HAS_WSCALE)
		e->wscale = o->wscale > 14 ? 14 : o->wscale; /* RFC 7323 2.3 */
	if (o->present & TCP_OPT_HAS_SACK_PERM)
		e->syn_opts |= TCP_EP_OPT_SACK_PERM;
	if (o->present & TCP_OPT_HAS_TIMESTAMPS)
		e->syn_opts |= TCP_EP_OPT_TIMESTAMPS;
	if (o->present & TCP_OPT_HAS_TFO)
		e->syn_opts |= TCP_EP_OPT_TFO;
}

/* SND.NXT, RCV.NXT, RCV.WND, TTL and offered options from a segment without RST. */
static void note_sent(struct tcp_endpoint *e, const struct pkt *p)
{
	bool syn = has(p->flags, TCP_FLAG_SYN);
	uint32_t end = p->seq + p->payload_len + syn + has(p->flags, TCP_FLAG_FIN);
	/* A SYN states the ISN: what the endpoint seemed to send before (a
	 * stale ACK from an earlier incarnation) no longer counts. */
	if (!(e->seen & TCP_EP_SND_KNOWN) || seq_gt(end, e->snd_nxt) || syn)
		e->snd_nxt = end;
	e->seen |= TCP_EP_SND_KNOWN;
	if (has(p->flags, TCP_FLAG_ACK) && (!(e->seen & TCP_EP_RCV_KNOWN) || seq_gt(p->ack, e->rcv_nxt) || syn)) {
		e->rcv_nxt = p->ack;
		e->seen |= TCP_EP_RCV_KNOWN;
	}
	e->rcv_wnd = p->window;
	e->ttl = p->ttl ? p->ttl : e->ttl;
	if (syn)
		note_syn_options(e, p);
}

void tcp_endpoint_packet(struct tcp_endpoint ep[2], const struct pkt *p, enum conn_role from, bool rst_taken)
{
	struct tcp_endpoint *e = &ep[from];
	/* A RST the receiver drops leaves its sender as if the flag were not there. */
	uint16_t flags = rst_taken ? p->flags : (uint16_t)(p->flags & ~TCP_FLAG_RST);

	/* A SYN repeating the ISN after a RST refused it (the flow table kept
	 * it here: tcp_syn_starts_new_connection) is the same connect()
	 * trying again: the attempt is open again until answered. */
	if ((flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN && tcp_endpoints_reset(ep) &&
	    !((ep[0].seen | ep[1].seen) & TCP_EP_SYNACK)) {
		ep[0].seen &= (uint8_t)~TCP_EP_RST;
		ep[1].seen &= (uint8_t)~TCP_EP_RST;
	}
	if (has(flags, TCP_FLAG_SYN)) {
		e->seen |= TCP_EP_SYN;
		if (!(e->seen & TCP_EP_ISN_KNOWN)) {
			e->isn = p->seq;
			e->seen |= TCP_EP_ISN_KNOWN;
		}
		if (has(flags, TCP_FLAG_ACK)) {
			e->seen |= TCP_EP_SYNACK;
			/* A SYN-ACK acknowledges the peer's SYN: it names the peer's ISN
			 * even when that SYN arrives later (reordered) or not at all. */
			struct tcp_endpoint *peer = &ep[!from];
			if (!(peer->seen & TCP_EP_ISN_KNOWN)) {
				peer->isn = p->ack - 1;
				peer->seen |= TCP_EP_ISN_KNOWN;
			}
		}
	}
	if (has(flags, TCP_FLAG_FIN))
		e->seen |= TCP_EP_FIN;
	if (has(flags, TCP_FLAG_RST))
		e->seen |= TCP_EP_RST;
	if (p->payload_len > 0)
		e->seen |= TCP_EP_DATA;
	if (!has(p->flags, TCP_FLAG_RST))
		note_sent(e, p);
}

bool tcp_endpoints_reset(const struct tcp_endpoint ep[2])
{
	return ((ep[0].seen | ep[1].seen) & TCP_EP_RST) != 0;
}

bool tcp_endpoints_closed(const struct tcp_endpoint ep[2])
{
	return tcp_endpoints_reset(ep) || (ep[0].seen & ep[1].seen & TCP_EP_FIN);
}

bool tcp_endpoints_established(const struct tcp_endpoint ep[2])
{
	/* Both sides acknowledging is a synchronized connection (RFC 9293
	 * 3.10.7.4: only those send ACKs), e.g. keep-alives caught mid-stream. */
	return ((ep[0].seen | ep[1].seen) & (TCP_EP_SYNACK | TCP_EP_DATA)) ||
	       (ep[0].seen & ep[1].seen & TCP_EP_RCV_KNOWN);
}

bool tcp_syn_starts_new_connection(const struct tcp_endpoint ep[2], const struct pkt *p, enum conn_role from)
{
	if ((p->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) != TCP_FLAG_SYN)
		return false;
	const struct tcp_endpoint *e = &ep[from];
	/* After FIN both ways the 4-tuple is free: any SYN is a new connection. */
	if (ep[0].seen & ep[1].seen & TCP_EP_FIN)
		return true;
	/* A stack retransmits its SYN with the same ISN, also when a RST refused
	 * it (Windows retries so): a retry of the same attempt. A different ISN
	 * is a new connect() on a reused 4-tuple. */
	if (e->seen & TCP_EP_ISN_KNOWN)
		return e->isn != p->seq;
	/* This side never sent a SYN (or one the peer's SYN-ACK named): before
	 * the handshake it is a simultaneous open; past it, or after a RST, the
	 * SYN cannot belong to this connection (RFC 793 answers it with an ACK). */
	return tcp_endpoints_established(ep) || tcp_endpoints_reset(ep);
}
