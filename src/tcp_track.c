/* tcp_track.c - per-connection TCP state from the wire: handshake seen, FIN/RST seen, port reuse. */
#include "tcp_track.h"


void tcp_track_packet(struct tcp_conn *t, const struct pkt *p, enum conn_role from)
{
	struct tcp_half *h = &t->half[from];

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
	return t->synack_seen || t->data_seen;
}

bool tcp_syn_starts_new_connection(const struct tcp_conn *t, const struct pkt *p, enum conn_role from)
{
	if ((p->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) != TCP_FLAG_SYN)
		return false;
	if (tcp_is_closed(t))
		return true;
	/* Past the handshake, a SYN cannot belong to this connection (RFC 793
	 * answers it with an ACK): unless it carries the sender's ISN (its own
	 * earlier SYN, or what the peer's SYN-ACK acknowledged), it is a new
	 * connection on a reused 4-tuple. Before that, SYNs with any ISN are
	 * retries (or a simultaneous open) of the same attempt. */
	if (!tcp_is_established(t))
		return false;
	const struct tcp_half *h = &t->half[from];
	return !h->isn_known || h->isn != p->seq;
}
