/* tcp_endpoint.h - one TCP endpoint as the wire shows it: what it sent, in RFC 9293's terms. */
#ifndef TCPSCOPE_TCP_ENDPOINT_H
#define TCPSCOPE_TCP_ENDPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"

/* Which endpoint sent a packet, by role in the connection. */
enum conn_role { ROLE_CLIENT = 0, ROLE_SERVER = 1 };

/* What an endpoint's segments have shown (bits of tcp_endpoint.seen). */
enum {
	TCP_EP_ISN_KNOWN = 1u << 0, /* isn holds its ISN: from its SYN, or implied by the peer's SYN-ACK */
	TCP_EP_SYN = 1u << 1,       /* it sent a SYN (with or without ACK) */
	TCP_EP_SYNACK = 1u << 2,    /* it sent a SYN-ACK */
	TCP_EP_FIN = 1u << 3,       /* it sent a FIN */
	TCP_EP_RST = 1u << 4,       /* it sent a RST its peer took (in window; see tcp_endpoint_packet) */
	TCP_EP_DATA = 1u << 5,      /* it sent payload */
	TCP_EP_SND_KNOWN = 1u << 6, /* snd_nxt holds a value: it sent a segment that was not a RST */
	TCP_EP_RCV_KNOWN = 1u << 7, /* rcv_nxt and rcv_wnd hold values: it sent an ACK that was not a RST */
};

/* Options it offered on its SYN or SYN-ACK (bits of tcp_endpoint.syn_opts). */
enum {
	TCP_EP_OPT_SEEN = 1u << 0,  /* a SYN or SYN-ACK of this endpoint was seen */
	TCP_EP_OPT_SACK_PERM = 1u << 1,
	TCP_EP_OPT_TIMESTAMPS = 1u << 2,
	TCP_EP_OPT_TFO = 1u << 3,
	TCP_EP_OPT_MSS = 1u << 4,
};

#define TCP_EP_NO_WSCALE 0xff

/*
 * One endpoint of a connection, updated once per segment it sends
 * (tcp_endpoint_packet). Sequence numbers in its own space (snd_*) and its
 * view of the peer's (rcv_*), with RFC 9293's names:
 *
 *        isn        rcv_nxt of the peer            snd_nxt
 *   ------|------------|=============================|-------->  this endpoint's sequence space
 *                      acknowledged  | sent, not yet acknowledged
 *
 * snd_nxt is SND.NXT as a stack would have it after these segments: the
 * highest sequence number used + 1 (a SYN states the ISN again and resets
 * it). rcv_nxt is the highest ACK it sent: the RCV.NXT it had then;
 * rcv_wnd its last advertised window, raw (rcv_wnd << wscale when both
 * SYNs offered scaling). RSTs change neither: their numbers are what the
 * acceptability rule judges. 20 bytes (checked below).
 *
 * The life cycle (lifecycle.h: RFC 793 states, RST rule, Zeek history)
 * reads the endpoints; the sequence analysis (tcp_seq.h) keeps Wireshark's
 * own per-direction view beside them, whose rules differ on purpose (RSTs
 * and probes count there), see docs/DESIGN.md.
 */
struct tcp_endpoint {
	uint32_t isn;       /* initial send sequence number (ISS), valid with TCP_EP_ISN_KNOWN */
	uint32_t snd_nxt;   /* with TCP_EP_SND_KNOWN */
	uint32_t rcv_nxt;   /* with TCP_EP_RCV_KNOWN */
	uint16_t rcv_wnd;   /* raw window field of its last non-RST segment (with TCP_EP_SND_KNOWN) */
	uint16_t mss;       /* offered on its SYN (TCP_EP_OPT_MSS) */
	uint8_t wscale;     /* shift offered on its SYN, TCP_EP_NO_WSCALE if none */
	uint8_t ttl;        /* IP TTL / hop limit of its latest non-RST segment (0 = none yet) */
	uint8_t syn_opts;   /* TCP_EP_OPT_* */
	uint8_t seen;       /* TCP_EP_* */
};
_Static_assert(sizeof(struct tcp_endpoint) == 20, "tcp_endpoint: document its size in docs/DESIGN.md");

/* Both endpoints before their first segment. */
void tcp_endpoints_init(struct tcp_endpoint ep[2]);

/*
 * Update endpoint `from` (and the ISN its SYN-ACK implies for the peer) with
 * segment p. rst_taken says whether the receiver would take p's RST (the
 * life cycle's rule, lifecycle_packet): a RST outside the window is dropped
 * and leaves its sender as if the flag were not there.
 */
void tcp_endpoint_packet(struct tcp_endpoint ep[2], const struct pkt *p, enum conn_role from, bool rst_taken);

/* The connection is over: a RST from either side, or a FIN from both. */
bool tcp_endpoints_closed(const struct tcp_endpoint ep[2]);
/* The connection ended by RST. */
bool tcp_endpoints_reset(const struct tcp_endpoint ep[2]);
/* A SYN-ACK, data, or ACKs both ways (a connection caught mid-stream) were seen: past the opening handshake. */
bool tcp_endpoints_established(const struct tcp_endpoint ep[2]);

/*
 * Port reuse (RFC 793 / RFC 6191): true when `p`, sent by `from`, is a SYN
 * without ACK that must begin a new connection on this 4-tuple rather than
 * belong to the one of `ep`: the old one closed with FIN both ways, or the
 * SYN carries a different ISN than the sender's known one, or the sender has
 * no known ISN and the connection is past its handshake or reset. A SYN
 * repeating the sender's ISN is a retransmission, even after a RST.
 */
bool tcp_syn_starts_new_connection(const struct tcp_endpoint ep[2], const struct pkt *p, enum conn_role from);

#endif
