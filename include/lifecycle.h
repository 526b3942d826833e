/* lifecycle.h - how a connection opened and ended, as each endpoint lived it. */
#ifndef TCPSCOPE_LIFECYCLE_H
#define TCPSCOPE_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"
#include "tcp_endpoint.h"
#include "tcp_state.h"

/*
 * The life-cycle tracker: both endpoints' RFC 793 states (tcp_state.h), the
 * handshake (SYN and SYN-ACK retries, options, handshake RTTs), the teardown
 * (who closed first, half-close, RSTs and whether a real stack would have
 * taken them), Zeek's conn_state and history, and the sentences that sum it
 * up. No I/O; the only allocation is the cold part (struct lc_rare: retry
 * times, what became of RSTs), lifecycle_release() frees it. The caller turns what lifecycle_packet()
 * reports into events.
 *
 * Sides are roles: 0 client, 1 server (tcp_endpoint.h's enum conn_role).
 * The endpoints' sequence numbers, windows, options and TTLs are the
 * connection's struct tcp_endpoint pair (tcp_endpoint.h), which the caller
 * updates after lifecycle_packet() with the verdict on a RST.
 */

#define LC_SYN_TIMES 7       /* SYN sends remembered per side: a first try and Linux's 6 retries */
#define LC_HISTORY_MAX 24    /* Zeek history letters kept; more are dropped (counted) */
#define LC_NO_WSCALE TCP_EP_NO_WSCALE

/* Zeek's per-endpoint states (its TCP_Endpoint), from which conn_state follows. */
enum zeek_state {
	ZK_INACTIVE = 0,
	ZK_SYN_SENT,
	ZK_SYN_ACK_SENT,
	ZK_PARTIAL,
	ZK_ESTABLISHED,
	ZK_CLOSED,
	ZK_RESET,
};

/* What the sequence tracker found that Zeek's history shows, with its letter. */
enum lc_seq_letter {
	LC_SEQ_RETRANSMISSION = 0, /* 'T': payload sent again */
	LC_SEQ_ZERO_WINDOW,        /* 'W': a zero window advertised */
	LC_SEQ_GAP,                /* 'G': data after a hole never captured */
	LC_SEQ__COUNT
};

/* What one endpoint did. */
struct lc_side {
	int32_t first_syn_us;      /* its first send of SYN (or of SYN-ACK, see times_are_synacks), microseconds after the
				    * connection's first packet (negative: stamped before it) */
	int32_t last_syn_us;       /* its latest send of that kind, same clock */
	uint32_t hist_last_fin;    /* ...and 'F' only for a new FIN position */
	uint16_t syns;             /* SYNs without ACK it sent */
	uint16_t synacks;          /* SYN-ACKs it sent */
	uint16_t fins;
	uint16_t rsts;             /* RSTs it sent, taken or not (what became of them: lc_rst_side) */
	uint16_t hist_flags;       /* Zeek history letters already recorded for this side */
	uint16_t zeek_rxmt;        /* Zeek's rxmt_cnt: payload segments ending at or below its highest sequence ('T') */
	uint8_t zeek, zeek_prev;   /* enum zeek_state */
	bool times_are_synacks : 1; /* its send times are of SYN-ACKs: its first SYN-flag segment was one */
	bool sent_data : 1;
	bool data_after_peer_fin : 1; /* it sent new data after the peer's FIN: a half-close */
	bool entered_time_wait : 1;
};

/* What became of one side's RSTs, with the lc_side counter they refine. */
struct lc_rst_side {
	uint32_t last_seq;         /* of its latest RST: Zeek adds 'R' again only for a new sequence number */
	uint16_t ignored;          /* outside the receiver's window */
	uint16_t suspect_ttl;      /* with a TTL unlike its other packets */
	uint8_t stale;             /* sent in SYN-SENT answering a stale ACK (RFC 9293 3.10.7.3): not this connection's end */
	uint8_t ttl;               /* TTL of its latest suspect RST */
};

/*
 * The cold part of the life cycle, allocated when a side sends its second
 * SYN (SYN-ACK) or any side a RST: most connections do neither. 72 bytes.
 */
struct lc_rare {
	int32_t retry_at_us[2][LC_SYN_TIMES - 1]; /* the 2nd to 7th send times of each side */
	struct lc_rst_side rst[2];
};
_Static_assert(sizeof(struct lc_rare) == 72, "lc_rare: document its size in docs/DESIGN.md");

struct lifecycle {
	struct tcp_endpoints ep;
	struct lc_side side[2];
	struct lc_rare *rare;      /* NULL until a retried SYN (SYN-ACK) or a RST */
	uint32_t syn_synack_us;    /* last SYN before the first SYN-ACK -> that SYN-ACK */
	uint32_t synack_ack_us;    /* last SYN-ACK -> the handshake ACK */
	int32_t reset_us;          /* when a RST was taken (connection clock), once reset_known */
	char history[LC_HISTORY_MAX];
	uint8_t history_len;
	int8_t first_fin;          /* side that sent the first FIN, -1 none */
	bool have_syn_synack : 1, have_synack_ack : 1;
	bool synack_ack_dropped : 1; /* the handshake ACK was stamped well before the SYN-ACK: no synack_ack_us */
	bool simultaneous_open : 1;
	bool rst_after_fin : 1;      /* a taken RST came after a FIN (first_fin says whose) */
	bool rst_during_transfer : 1; /* a taken RST came with payload still unacknowledged */
	bool time_wait_reuse : 1;    /* this connection's SYN came while the previous one on its 4-tuple was in TIME_WAIT */
	bool reset_known : 1;        /* reset_us holds a value */
	uint8_t refusals;            /* RSTs of the server that refused the SYN before it was retried (same ISN) */
};

/* What lifecycle_packet() saw in one segment, for events and the flow table. */
struct lc_result {
	struct tcp_state_change changes[2];
	int nchanges;
	bool rst;                  /* the segment carried RST... */
	bool rst_in_window;        /* ...inside the receiver's window (taken) */
	bool rst_suspect_ttl;      /* ...with a TTL unlike the sender's others */
	bool rst_stale;            /* ...sent in SYN-SENT to answer a stale ACK: for an older incarnation, not taken here */
	bool negative_gap;         /* a time gap it would have measured was negative (summary negative_gaps) */
};

/*
 * A new connection, first packet sent by side `first_sender`: when that is
 * the server (the client was inferred, or the packet is a SYN-ACK), Zeek's
 * history starts with '^'.
 */
void lifecycle_init(struct lifecycle *lc, int first_sender);

/*
 * Update with segment p sent by side `from` at p->ts_ns, `us` microseconds
 * after the connection's first packet (negative for a packet stamped before
 * it); two_msl_ns ends TIME_WAIT before the
 * segment is applied. A RST outside the receiver's window (RFC 9293
 * 3.10.7.4, RFC 5961 3.2) is counted and changes no state. ep holds the
 * endpoints as of the segments before p (tcp_endpoint_packet comes after).
 */
void lifecycle_packet(struct lifecycle *lc, const struct tcp_endpoint ep[2], const struct pkt *p, int from,
		      int32_t us, uint64_t two_msl_ns, struct lc_result *res);

/*
 * Side `from` had its count-th `what` (the sequence tracker keeps the
 * counts): the letter is written at the 1st, 10th, 100th, ... as Zeek does
 * (its ScaledHistoryEntry).
 */
void lifecycle_note_seq(struct lifecycle *lc, int from, enum lc_seq_letter what, uint32_t count);

/* Free what the connection's life cycle holds out of line (its cold part); lc stays readable. */
void lifecycle_release(struct lifecycle *lc);

/*
 * How long after a RST it took the packets of the 4-tuple still belong to
 * the reset connection (in flight when it came, and the RSTs answering
 * them): Zeek's tcp_close_delay / tcp_reset_delay, 5 s. A later packet
 * starts a new connection record.
 */
#define LC_RESET_LINGER_US 5000000

/* The connection was reset (a RST taken) more than LC_RESET_LINGER_US before `us` (connection clock). */
bool lifecycle_reset_over(const struct lifecycle *lc, int32_t us);

/* Let packet time pass to now_ns (TIME_WAIT may end); changes as tcp_state_advance(). */
bool lifecycle_advance(struct lifecycle *lc, uint64_t now_ns, uint64_t two_msl_ns,
		       struct tcp_state_change out[2], int *nchanges);

/* Some endpoint is in TIME_WAIT at now_ns. */
bool lifecycle_in_time_wait(const struct lifecycle *lc, uint64_t now_ns, uint64_t two_msl_ns);

/* The client and server were the wrong way round: swap the sides (history letters change case). */
void lifecycle_swap_roles(struct lifecycle *lc);

/* Zeek's conn_state ("S1", "SF", "RSTO", ...) as of now; the payload totals feed its REJ rule. */
const char *lifecycle_zeek_state(const struct lifecycle *lc, uint64_t c2s_payload, uint64_t s2c_payload);

/* The notable outcomes in words ("refused: RST answered the SYN", ...): at most
 * LC_DIAG_MAX sentences of LC_DIAG_LEN bytes with the NUL. */
#define LC_DIAG_LEN 96
#define LC_DIAG_MAX 8

/* What the report shows of one side's SYN or SYN-ACK options. */
struct lc_syn_options {
	bool seen;                 /* a SYN or SYN-ACK of this side was captured */
	bool has_mss;
	uint16_t mss;
	uint8_t wscale;            /* LC_NO_WSCALE: not offered */
	bool sack_permitted, timestamps, tfo;
};

/* The life cycle as plain values, for the outputs (see record.h). */
struct lifecycle_record {
	const char *state;         /* Zeek conn_state */
	char history[LC_HISTORY_MAX + 1];
	const char *client_state, *server_state; /* RFC 793 names */
	uint16_t syn_count, synack_count;
	uint8_t syn_intervals, synack_intervals; /* entries used below */
	uint32_t syn_interval_us[LC_SYN_TIMES - 1];    /* gaps between the client's SYN sends */
	uint32_t synack_interval_us[LC_SYN_TIMES - 1]; /* gaps between the server's SYN-ACK sends */
	bool have_syn_synack, have_synack_ack;
	bool completed;            /* the client's handshake ACK was seen (its gap may have been dropped) */
	uint32_t syn_synack_us, synack_ack_us;
	bool simultaneous_open;
	struct lc_syn_options options[2];
	uint16_t fin[2], rst[2], rst_ignored[2], rst_suspect_ttl[2];
	uint8_t rst_stale[2];      /* RSTs answering a stale ACK in SYN-SENT */
	uint8_t refusals;          /* RSTs that refused the SYN before a retry of it */
	int8_t first_fin, active_closer, reset_by; /* 0 client, 1 server, 2 both, -1 none */
	bool half_close;
	bool time_wait_reuse;
	int ndiag;
	char diag[LC_DIAG_MAX][LC_DIAG_LEN];
};

/* Append a sentence to r's diagnoses while there is room (LC_DIAG_MAX of LC_DIAG_LEN bytes). */
__attribute__((format(printf, 2, 3)))
void lifecycle_record_say(struct lifecycle_record *r, const char *fmt, ...);

/* Fill r from lc and its endpoints ep: payload totals feed Zeek's REJ rule; the flags, the diagnoses. */
void lifecycle_to_record(const struct lifecycle *lc, const struct tcp_endpoint ep[2], uint64_t c2s_payload,
			 uint64_t s2c_payload, bool direction_inferred, bool ended_by_timeout,
			 struct lifecycle_record *r);

#endif
