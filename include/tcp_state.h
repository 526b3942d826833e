/* tcp_state.h - both endpoints' RFC 793 states rebuilt from the segments seen on the wire. */
#ifndef TCPSCOPE_TCP_STATE_H
#define TCPSCOPE_TCP_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"

/*
 * The connection states of RFC 793 section 3.2 (RFC 9293 3.3.2), as a wire
 * observer can tell them. TCP_ST_NONE means "nothing seen yet": the observer
 * does not know the endpoint. LISTEN is left out on purpose: a listening
 * endpoint sends nothing, and a SYN does not prove its peer listens (it may
 * answer RST), so the receiver of a SYN stays NONE until it answers. Values
 * are stored in a uint8_t; names come from tcp_state_name().
 */
enum tcp_state {
	TCP_ST_NONE = 0,
	TCP_ST_SYN_SENT,
	TCP_ST_SYN_RCVD,
	TCP_ST_ESTABLISHED,
	TCP_ST_FIN_WAIT_1,
	TCP_ST_FIN_WAIT_2,
	TCP_ST_CLOSING,
	TCP_ST_TIME_WAIT,
	TCP_ST_CLOSE_WAIT,
	TCP_ST_LAST_ACK,
	TCP_ST_CLOSED,
	TCP_ST__COUNT
};

/* "SYN_SENT", "ESTABLISHED", ... ("NONE" for TCP_ST_NONE, "?" out of range).
 * The one table of state names, shared by report, view and tests. */
const char *tcp_state_name(enum tcp_state s);

/* Short form for narrow columns: "EST", "CW", "TW", "SS", "SR", "FW1", ... ("-" for NONE, "?" out of range). */
const char *tcp_state_short_name(enum tcp_state s);

/*
 * Both endpoints of one connection, indexed by role (0 client, 1 server, as
 * tcp_endpoint.h's enum conn_role). 32 bytes (checked below).
 *
 * syn_seq and fin_seq share storage per endpoint: an endpoint's SYN matters
 * only until it is acknowledged, its FIN only once sent, and a FIN
 * acknowledgment covers the SYN before it. syn_seq[i] is valid while
 * state[i] is SYN_SENT or SYN_RCVD; fin_seq[i] (the sequence number the FIN
 * occupies) while state[i] is FIN_WAIT_1, FIN_WAIT_2, CLOSING, TIME_WAIT or
 * LAST_ACK, and it is kept when that endpoint goes on to CLOSED.
 */
struct tcp_endpoints {
	uint64_t time_wait_ns[2]; /* when state[i] entered TIME_WAIT (or last restarted it) */
	union {
		uint32_t syn_seq[2];
		uint32_t fin_seq[2];
	};
	uint8_t state[2];         /* enum tcp_state */
	bool fin_acked[2];        /* the peer acknowledged endpoint i's FIN */
	bool inferred;            /* some state was guessed: the start was not captured */
};

_Static_assert(sizeof(struct tcp_endpoints) <= 32, "struct tcp_endpoints grew past 32 bytes");

/* One transition, for the caller to log as a timestamped event. */
struct tcp_state_change {
	uint64_t ts_ns;           /* the packet's time; for TIME_WAIT expiry, entry + 2MSL */
	int endpoint;             /* 0 client, 1 server */
	enum tcp_state old_state;
	enum tcp_state new_state;
};

/* Both endpoints NONE, nothing inferred. */
void tcp_state_init(struct tcp_endpoints *e);

/*
 * Update both endpoints with segment `p` sent by endpoint `from` (0 or 1) at
 * `ts_ns`: the sender's state follows what it sent, the receiver's what it is
 * taken to receive (the observer assumes a segment it saw arrives). Writes at
 * most one change per endpoint, as the net old -> new over this segment, the
 * sender's first, to out[0..*nchanges-1]; `out` and `nchanges` may be NULL.
 * Returns true when a state changed; false otherwise or when `from` is not 0
 * or 1 (then nothing is touched).
 *
 * Observer rules that differ from a stack's own view, on purpose:
 *  - The active opener enters ESTABLISHED when it is seen sending the ACK of
 *    the SYN-ACK (its ACK proves the SYN-ACK arrived; RFC 793 figure 7 has it
 *    change on receipt, a half round trip earlier seen from the server).
 *  - A FIN moves its receiver at once (ESTABLISHED -> CLOSE_WAIT). If that
 *    receiver's own FIN then appears without acknowledging the first FIN, the
 *    FINs crossed (simultaneous close, RFC 793 figure 14): the receiver is
 *    moved CLOSE_WAIT -> CLOSING, reported as one change.
 *  - Crossed SYNs (RFC 793 figure 8): the second SYN's sender goes straight
 *    NONE -> SYN_RCVD, as the first SYN has already passed the observer.
 *  - Mid-stream start: a first segment with ACK and without SYN or RST makes
 *    both endpoints ESTABLISHED (then FIN rules apply) and sets `inferred`;
 *    a first SYN-ACK makes its receiver SYN_SENT, also `inferred`.
 *  - A segment with none of SYN, RST, ACK (a bare FIN before any SYN, say)
 *    changes nothing: every state drops it (RFC 9293 3.10.7.2-4).
 *  - A SYN on a synchronized connection changes nothing here: whether it
 *    starts a new connection is the flow table's decision
 *    (tcp_syn_starts_new_connection()). An endpoint in CLOSED that sends a
 *    SYN is opening again (RFC 793 3.9 OPEN).
 *  - Every RST is taken as acceptable: both endpoints go CLOSED, whatever
 *    the state (RFC 793 3.4 "Reset Processing"; a passive opener's return to
 *    LISTEN shows as CLOSED). The in-window test (RFC 9293 3.10.7.3/3.10.7.4,
 *    RFC 5961) needs the receiver's RCV.NXT and RCV.WND, which the sequence
 *    tracker owns; until tcp_rst_in_window() exists the caller must not pass
 *    a RST it judges out of window. RST in TIME_WAIT closes it (RFC 793, as
 *    Linux does by default; RFC 1337 would ignore it).
 * TIME_WAIT does not end here: call tcp_state_advance().
 */
bool tcp_state_packet(struct tcp_endpoints *e, const struct pkt *p, int from, uint64_t ts_ns,
		      struct tcp_state_change out[2], int *nchanges);

/*
 * End TIME_WAIT after 2*MSL of packet time (RFC 793 3.5, RFC 9293 3.6.1):
 * an endpoint that entered TIME_WAIT (or restarted it on a retransmitted FIN)
 * at t goes CLOSED when now_ns - t > two_msl_ns, i.e. still TIME_WAIT at
 * exactly t + 2MSL. The change is stamped t + two_msl_ns. A `now_ns` before t
 * (reordered timestamps) changes nothing. Same out/nchanges/return contract
 * as tcp_state_packet().
 */
bool tcp_state_advance(struct tcp_endpoints *e, uint64_t now_ns, uint64_t two_msl_ns,
		       struct tcp_state_change out[2], int *nchanges);

#endif
