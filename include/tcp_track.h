/* tcp_track.h - per-connection TCP state as seen from the wire. */
#ifndef TCPSCOPE_TCP_TRACK_H
#define TCPSCOPE_TCP_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"

/* Which endpoint sent a packet, by role in the connection. */
enum conn_role { ROLE_CLIENT = 0, ROLE_SERVER = 1 };

/* What one endpoint has sent so far. */
struct tcp_half {
	uint32_t isn;      /* initial sequence number, valid if isn_known */
	bool isn_known;    /* from its SYN, or implied by the peer's SYN-ACK */
	bool syn_seen;
	bool fin_seen;
	bool rst_seen;
};

/*
 * The tracker's state for one connection. This layer knows only what the flow
 * table needs: whether the handshake was seen and whether the connection is
 * over. The life-cycle and sequence trackers extend it.
 */
struct tcp_conn {
	struct tcp_half half[2]; /* indexed by enum conn_role */
	bool synack_seen;
	bool data_seen;
	uint8_t acked_by;        /* bit r: role r sent a segment with the ACK flag */
};

/* Update the connection with one packet sent by `from`. */
void tcp_track_packet(struct tcp_conn *t, const struct pkt *p, enum conn_role from);

/* The connection is over: a RST from either side, or a FIN from both. */
bool tcp_is_closed(const struct tcp_conn *t);
/* The connection ended by RST. */
bool tcp_is_reset(const struct tcp_conn *t);
/* A SYN-ACK, data, or ACKs both ways (a connection caught mid-stream) were seen: past the opening handshake. */
bool tcp_is_established(const struct tcp_conn *t);

/*
 * Port reuse (RFC 793 / RFC 6191): true when `p`, sent by `from`, is a SYN
 * without ACK that must begin a new connection on this 4-tuple rather than
 * belong to `t`: the old one closed with FIN both ways, or the SYN carries a
 * different ISN than the sender's known one, or the sender has no known ISN
 * and the connection is past its handshake or reset. A SYN repeating the
 * sender's ISN is a retransmission, even after a RST.
 */
bool tcp_syn_starts_new_connection(const struct tcp_conn *t, const struct pkt *p,
				   enum conn_role from);

#endif
