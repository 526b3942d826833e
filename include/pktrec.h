/* pktrec.h - one packet of a connection as the analysis saw it: what the
 * timeline (--timeline) writes and the plots (--plot*) draw. */
#ifndef TCPSCOPE_PKTREC_H
#define TCPSCOPE_PKTREC_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"
#include "tcp_state.h"

#define PKTREC_SACK_MAX 4

/* A SACK block in the receiver's (this packet's sender's) peer's sequence
 * space, relative to that peer's ISN as the ACK number is. */
struct pktrec_sack {
	uint32_t left_rel, right_rel;
};

struct packet_record {
	uint64_t frame;           /* 1-based number of the frame in the input, as Wireshark numbers it */
	uint64_t conn_id;
	uint64_t ts_ns;           /* capture time */
	int64_t rel_ns;           /* time since the connection's first packet (never negative in order) */
	int dir;                  /* 0: client to server, 1: server to client (enum conn_role) */
	uint16_t tcp_flags;       /* TCP_FLAG_* of decode.h */
	bool seq_known;           /* seq_rel is relative (always, as Wireshark: to the ISN, or to the first seq seen - 1)... */
	uint32_t seq_rel;         /* ...else it is the absolute sequence number */
	bool ack_known;           /* ACK flag set (ack_rel relative to the peer's base, which the ACK sets if unknown) */
	uint32_t ack_rel;
	uint32_t len;             /* TCP payload length (from the IP header) */
	bool win_scaled;          /* window scale known (window is bytes) */
	uint64_t window;          /* advertised window, scaled when win_scaled */
	uint8_t sack_count;
	uint8_t dsack_blocks;     /* of those, D-SACK blocks (RFC 2883: 0 or 1) */
	struct pktrec_sack sack[PKTREC_SACK_MAX];
	uint32_t seq_bits;        /* TCP_SEQ_* flags the sequence analysis gave this packet (tcp_seq.h) */
	uint32_t dup_ack_n;       /* with TCP_SEQ_DUP_ACK: its number in the run (1, 2, ...) */
	uint32_t rtt_sample_us;   /* with TCP_SEQ_RTT_SAMPLE: the RTT sample of the peer's data this ACK gave */
	uint32_t srtt_us;         /* SRTT of the peer's data after this packet (0: none yet) */
	enum tcp_state client_before, client_after; /* endpoint states around this packet */
	enum tcp_state server_before, server_after;
	const char *sni;          /* the SNI, on the packet that completed the ClientHello; else NULL */
	const struct frame *captured; /* the frame as captured (time, lengths, link type, bytes): valid during the call only */
};

/* Called for every packet of a selected connection, in capture order. */
typedef void (*packet_record_fn)(void *ctx, const struct packet_record *p);

#endif
