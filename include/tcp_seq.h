/* tcp_seq.h - sequence, window and RTT analysis of one connection, packet by packet (no I/O; allocates only the RTT ring of a side with segments in flight and the cold part of a connection that resends, SACKs or closes a window). */
#ifndef TCPSCOPE_TCP_SEQ_H
#define TCPSCOPE_TCP_SEQ_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"
#include "tcp_endpoint.h"

/*
 * What tcp_seq_packet() found a packet to be: a bitmask, several bits may be
 * set. The definitions follow Wireshark's tcp.analysis flags (packet-tcp.c,
 * tcp_analyze_sequence_number) so that the counts can be checked against
 * tshark; the bits marked "tcpscope" refine or extend them (docs/DESIGN.md).
 */
enum tcp_seq_flag {
	TCP_SEQ_RETRANSMISSION = 1u << 0,      /* data (or SYN/FIN) below the highest sent, none of the kinds below */
	TCP_SEQ_FAST_RETRANSMISSION = 1u << 1, /* resends what >= 2 dup ACKs asked for, within 20 ms of the last;
						* tcpscope also: a RETRANSMISSION of a hole below data the peer SACKed */
	TCP_SEQ_SPURIOUS_RETRANSMISSION = 1u << 2, /* resends data the peer had already ACKed */
	TCP_SEQ_TIMEOUT_RETRANSMISSION = 1u << 3,  /* tcpscope: a RETRANSMISSION after silence >= the RTO estimate */
	TCP_SEQ_TLP_RETRANSMISSION = 1u << 4,      /* tcpscope: a RETRANSMISSION of the tail after >= SRTT of silence */
	TCP_SEQ_OUT_OF_ORDER = 1u << 5,        /* below the highest sent, within the handshake RTT of it */
	TCP_SEQ_NOT_CAPTURED = 1u << 6,        /* starts past the highest sent: a segment before it was not seen */
	TCP_SEQ_ACKED_UNSEEN = 1u << 7,        /* ACKs data of the peer that was never seen */
	TCP_SEQ_DUP_ACK = 1u << 8,             /* no data, same ACK, window and seq as this side's previous segment */
	TCP_SEQ_ZERO_WINDOW = 1u << 9,         /* advertises a zero window (not on SYN/FIN/RST) */
	TCP_SEQ_ZERO_WINDOW_PROBE = 1u << 10,  /* probes a peer that advertised a zero window (incl. Linux's, see below) */
	TCP_SEQ_ZERO_WINDOW_PROBE_ACK = 1u << 11,
	TCP_SEQ_KEEPALIVE = 1u << 12,          /* 0 or 1 byte at highest sent - 1 (not while the peer's window is 0) */
	TCP_SEQ_KEEPALIVE_ACK = 1u << 13,
	TCP_SEQ_WINDOW_FULL = 1u << 14,        /* data up to the right edge of the peer's window */
	TCP_SEQ_WINDOW_UPDATE = 1u << 15,      /* no data, same seq and ACK, a new non-zero window */
	TCP_SEQ_DSACK_SPURIOUS = 1u << 16,     /* tcpscope: this packet's D-SACK, or its timestamp echo (Eifel), shows the peer's last retransmission was not needed */
	TCP_SEQ_RTT_SAMPLE = 1u << 17,         /* this ACK gave an RTT sample of the peer's data */
	TCP_SEQ_TS_RTT_SAMPLE = 1u << 18,      /* this segment's TSecr gave a timestamp RTT sample of the peer */
	TCP_SEQ_NEGATIVE_GAP = 1u << 19,       /* a sample (RTT, handshake RTT, zero-window period) was dropped:
						* this packet is stamped before the one it would be timed from */
};

/* The bits that report on samples, not something the segment was. */
#define TCP_SEQ_SAMPLE_BITS (TCP_SEQ_RTT_SAMPLE | TCP_SEQ_TS_RTT_SAMPLE | TCP_SEQ_NEGATIVE_GAP)

/*
 * RTT of one side's data: time from sending a segment to the peer's ACK that
 * ends exactly at it (tcptrace's rule), never from retransmitted data
 * (Karn's rule). Plus the RFC 6298 estimator fed with the same samples.
 * Microseconds, 32-bit: a sample is at most 71 minutes.
 */
struct tcp_rtt_stats {
	uint32_t samples;
	uint32_t min_us, max_us;
	uint32_t srtt_us, rttvar_us; /* valid once samples > 0 */
	uint64_t sum_us;
	uint64_t sum_sq_us;          /* for the standard deviation */
};

/* RFC 6298 2.4-2.5 RTO from the estimator: SRTT + max(G, 4 RTTVAR), at least 1 s (no samples: 1 s). */
uint32_t tcp_rtt_rto_us(const struct tcp_rtt_stats *r);

/*
 * RTT from TCP timestamps (RFC 7323 RTTM), kept apart from tcp_rtt_stats
 * (data/ACK pairs, tcptrace's rule): one segment of this side with sequence
 * space at a time awaits the peer's echo of its TSval, and the time until a
 * segment of the peer echoes it (TSecr) is a sample. Retransmissions need no
 * Karn rule: each carries its own TSval. 24 bytes.
 */
struct tcp_ts_rtt {
	uint32_t pending_val;     /* TSval awaiting its echo, while TCP_SEQ_PENDING_TS_ECHO */
	uint32_t pending_us;      /* when its segment was sent */
	uint32_t samples;
	uint32_t min_us, max_us;
	uint32_t sum_us;          /* until it would overflow (TCP_SEQ_PENDING_TS_SUM_FULL: avg unknown) */
};

/* What a side awaits from its peer (tcp_seq_half.pending). */
enum {
	TCP_SEQ_PENDING_DSACK = 1u << 0,       /* a D-SACK naming its last retransmission (RFC 3708) */
	TCP_SEQ_PENDING_EIFEL = 1u << 1,       /* the first ACK covering it, echoing an older TSval (RFC 3522) */
	TCP_SEQ_PENDING_TS_ECHO = 1u << 2,     /* the echo of ts_rtt.pending_val */
	TCP_SEQ_PENDING_TS_SUM_FULL = 1u << 3, /* not awaited: ts_rtt.sum_us stopped before overflowing */
};

/*
 * Segments of one side whose ACK is awaited for an RTT sample: a FIFO in
 * order of sequence number. The first TCP_SEQ_RTT_SLOTS live inline (one:
 * a request, a one-segment answer); a side with more in flight moves them
 * to a ring on the heap (tcp_rtt_spill, up to TCP_SEQ_RTT_SPILL_MAX
 * entries), freed as soon as all are ACKed, so every segment of a burst is
 * timed as tcptrace times it and memory follows the bursts in flight at
 * once, not the connections held.
 */
#define TCP_SEQ_RTT_SLOTS 1
#define TCP_SEQ_RTT_SPILL_MAX 8192u

struct tcp_rtt_slot {
	uint32_t end_seq;  /* seq + len of the segment */
	uint32_t sent_us;  /* low 32 bits of its capture time in microseconds */
};

/* The heap ring (tcp_seq.c): its slots, then one "resent" byte per slot. */
struct tcp_rtt_spill;

/* Window scale states (Wireshark's): not seen yet, or the handshake said no scaling. */
enum { TCP_WSCALE_UNKNOWN = -1, TCP_WSCALE_NONE = -2 };

/*
 * What one side has sent, as the sequence analysis needs it. Times are the
 * low 32 bits of the capture time in microseconds, compared by signed
 * difference (correct for gaps under 35 minutes either way; time going
 * backwards gives a negative gap: no time for a threshold, no sample).
 * What every packet reads or writes; what only a side that resends, SACKs
 * or closes its window needs is out of line (struct tcp_seq_rare).
 * 128 bytes: two cache lines.
 */
struct tcp_seq_half {
	uint32_t next_seq;        /* highest seq + len (+1 for SYN/FIN) sent: snd_max */
	uint32_t max_seq_to_be_acked; /* end of the contiguous data seen from this side */
	uint32_t last_ack;        /* ACK field of this side's last segment */
	uint32_t next_seq_us;     /* when next_seq last advanced */
	uint32_t last_us;         /* when this side last sent a segment (its last_ack's time) */
	uint32_t last_send_us;    /* when this side last sent data, SYN or FIN */
	uint32_t win_min, win_max; /* scaled advertised windows (bytes), once win_seen */
	uint32_t max_in_flight;   /* highest next_seq - peer's ACK seen */
	uint16_t raw_win;         /* last window field sent, unscaled */
	int16_t dup_acks;         /* Wireshark's dupacknum: -1 after an ACK of unseen data */
	int8_t wscale;            /* shift, or TCP_WSCALE_UNKNOWN / TCP_WSCALE_NONE */
	uint8_t flags;            /* HALF_* (tcp_seq.c) */
	uint8_t rtt_head, rtt_count; /* FIFO of rtt_slot, while rtt_spill is NULL */
	uint16_t last_seg_flags;  /* KEEPALIVE / ZERO_WINDOW_PROBE of its last segment */
	uint8_t rtt_ambiguous;    /* bit i: rtt_slot[i] gives no sample (resent, or data below it resent since) */
	uint8_t pending;          /* TCP_SEQ_PENDING_* */
	struct tcp_rtt_slot rtt_slot[TCP_SEQ_RTT_SLOTS];
	struct tcp_rtt_spill *rtt_spill; /* the FIFO once more than TCP_SEQ_RTT_SLOTS wait, else NULL */
	struct tcp_rtt_stats rtt;
	struct tcp_ts_rtt ts_rtt;
};

/*
 * One side's state for loss recovery and flow control: the cold part of a
 * tcp_seq_half, 20 bytes. Only a side that sends below its highest
 * sequence (a resend, or a segment filling a hole), SACKs, or advertises a
 * zero window needs it: a clean transfer never does.
 */
struct tcp_seq_rare_half {
	uint32_t resent_seq;      /* start of its latest segment below next_seq (resent or filling a hole) */
	uint32_t resent_tsval;    /* its latest retransmission's TSval (Eifel, RFC 3522), while TCP_SEQ_PENDING_EIFEL */
	uint32_t sack_high;       /* highest right edge it SACKed (as receiver), once HALF_SACKED */
	uint32_t zero_window_us;  /* when the current zero window began */
	uint32_t zero_window_ms;  /* total time advertising a zero window */
};

/* Both sides' cold parts in one allocation (tcp_seq_conn.rare), made at the first segment that needs one. */
struct tcp_seq_rare {
	struct tcp_seq_rare_half half[2]; /* indexed by enum conn_role */
};

/* Both sides, and what concerns the connection as a whole. 280 bytes. */
struct tcp_seq_conn {
	struct tcp_seq_half half[2]; /* indexed by enum conn_role, as the endpoints */
	uint32_t syn_us;             /* last SYN seen (for the handshake RTT) */
	uint32_t irtt_us;            /* SYN -> ACK of the SYN-ACK, 0 = unknown (Wireshark's ts_first_rtt) */
	uint32_t flags;              /* TCP_SEQ_CONN_* */
	struct tcp_seq_rare *rare;   /* NULL until a side resends, SACKs or closes its window */
};
_Static_assert(sizeof(struct tcp_seq_half) == 128, "tcp_seq_half: document its size in docs/DESIGN.md");
_Static_assert(sizeof(struct tcp_seq_conn) == 280, "tcp_seq_conn: document its size in docs/DESIGN.md");

/* "retransmission", "fast_retransmission", ... for one TCP_SEQ_* bit (NULL for none or several). */
const char *tcp_seq_flag_name(uint32_t bit);

/* Zero-initialised memory is not a valid start: call this on a new connection. */
void tcp_seq_init(struct tcp_seq_conn *s);

/* Free what the analysis allocated (the RTT rings of busy sides, the cold part); s stays valid for the accessors below. */
void tcp_seq_release(struct tcp_seq_conn *s);

/*
 * Analyse one packet sent by `from` (after the caller knows the roles) and
 * return its TCP_SEQ_* bits. Updates both halves. Never fails (out of
 * memory, a busy side times fewer segments, and a side without its cold
 * part misses what it holds: D-SACK and Eifel checks, the SACK hole,
 * zero-window time).
 */
uint32_t tcp_seq_packet(struct tcp_seq_conn *s, const struct pkt *p, enum conn_role from);

/*
 * D-SACK blocks (RFC 2883 section 4) in p's SACK option: the first block is
 * a D-SACK when it lies below the cumulative ACK or inside the second block.
 * 0 or 1.
 */
unsigned tcp_seq_dsack_blocks(const struct pkt *p);

/* The window scale of a side is known (its windows can be turned into bytes). */
bool tcp_seq_wscale_known(const struct tcp_seq_half *h);

/* Time since h last sent data, SYN or FIN, at now_ns (0 when it never did). */
uint32_t tcp_seq_send_silence_us(const struct tcp_seq_half *h, uint64_t now_ns);

/* Swap the two halves (the caller corrected a guessed client/server orientation). */
void tcp_seq_swap(struct tcp_seq_conn *s);

/* Time (ms) side advertised a zero window, counting one still open at now_ns. */
uint32_t tcp_seq_zero_window_ms(const struct tcp_seq_conn *s, enum conn_role side, uint64_t now_ns);

/* h has advertised a window (win_min/win_max hold values). */
bool tcp_seq_win_seen(const struct tcp_seq_half *h);

#endif
