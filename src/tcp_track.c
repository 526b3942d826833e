/* tcp_track.c - per-connection TCP state from the wire: handshake seen, FIN/RST seen, port reuse. */
#include "tcp_track.h"


void tcp_track_packet(struct tcp_conn *t, const struct pkt *p, enum conn_role from)
{
	struct tcp_half *h = &t->half[from];

	/* A SYN repeating the ISN after a RST refused it (the flow table kept
	 * it here: tcp_syn_starts_new_connection) is the same connect()
	 * trying again: the attempt is open again until answered. */
	if ((p->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN && tcp_is_reset(t) && !t->synack_seen)
		t->half[ROLE_CLIENT].rst_seen = t->half[ROLE_SERVER].rst_seen = false;
	if ((p->flags & TCP_FLAG_ACK) && !(p->flags & TCP_FLAG_RST))
		t->acked_by |= (uint8_t)(1u << from);
	if (p->flags & TCP_FLAG_SYN) {
		h->syn_seen = true;
		if (!h->isn_known) {
			h->isn = p->seq;
			h->isn_known = true;
		}
		if (p->flags & TCP_FLAG_ACK) {
			t->synack_seen = true;
			/* A SYN-ACK acknowledges the peer's SYN: it names the peer's ISN
			 * even when that SYN arrives later (reordered) or not at all. */
			struct tcp_half *peer = &t->half[!from];
			if (!peer->isn_known) {
				peer->isn = p->ack - 1;
				peer->isn_known = true;
			}
		}
	}
	if (p->flags & TCP_FLAG_FIN)
		h->fin_seen = true;
	if (p->flags & TCP_FLAG_RST)
		h->rst_seen = true;
	if (p->payload_len > 0)
		t->data_seen = true;
}

bool tcp_is_reset(const struct tcp_conn *t)
{
	return t->half[ROLE_CLIENT].rst_seen || t->half[ROLE_SERVER].rst_seen;
}

bool tcp_is_closed(const struct tcp_conn *t)
{
	return tcp_is_reset(t) || (t->half[ROLE_CLIENT].fin_seen && t->half[ROLE_SERVER].fin_seen);
}

bool tcp_is_established(const struct tcp_conn *t)
{
	/* Both sides acknowledging is a synchronized connection (RFC 9293
	 * 3.10.7.4: only those send ACKs), e.g. keep-alives caught mid-stream. */
	return t->synack_seen || t->data_seen || t->acked_by == 3u;
}

bool tcp_syn_starts_new_connection(const struct tcp_conn *t, const struct pkt *p, enum conn_role from)
{
	if ((p->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) != TCP_FLAG_SYN)
		return false;
	const struct tcp_half *h = &t->half[from];
	/* After FIN both ways the 4-tuple is free: any SYN is a new connection. */
	if (h->fin_seen && t->half[!from].fin_seen)
		return true;
	/* A stack retransmits its SYN with the same ISN, also when a RST refused
	 * it (Windows retries so): a retry of the same attempt. A different ISN
	 * is a new connect() on a reused 4-tuple. */
	if (h->isn_known)
		return h->isn != p->seq;
	/* This side never sent a SYN (or one the peer's SYN-ACK named): before
	 * the handshake it is a simultaneous open; past it, or after a RST, the
	 * SYN cannot belong to this connection (RFC 793 answers it with an ACK). */
	return tcp_is_established(t) || tcp_is_reset(t);
}
