/* record.h - value snapshots the core hands to the outputs (report, live view). */
#ifndef TCPSCOPE_RECORD_H
#define TCPSCOPE_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "decode.h"
#include "lifecycle.h"
#include "tcp_state.h"
#include "tcp_seq.h"

/*
 * Why a connection record was written. closed/reset describe how the TCP
 * connection itself ended and win over how it left the table; the others say
 * the connection was still open when it left: idle timeout, evicted by the
 * --max-flows cap, still open at end of input, or replaced by a new SYN with a
 * different initial sequence number on the same 4-tuple (reused).
 */
enum end_reason {
	END_CLOSED = 0,
	END_RESET,
	END_TIMEOUT,
	END_EVICTED,
	END_END_OF_INPUT,
	END_REUSED,
	END__COUNT
};

const char *end_reason_name(enum end_reason r);

struct endpoint {
	uint8_t addr[16]; /* IPv4 stored v4-mapped */
	uint16_t port;
};

/*
 * Sequence-analysis counters of one direction (what that side sent), in the
 * order the outputs write them; names from seq_counter_name(). Definitions:
 * tcp_seq.h and README.md.
 */
enum seq_counter {
	SEQ_RETRANSMISSIONS = 0,   /* every kind, each packet once */
	SEQ_FAST_RETRANSMISSIONS,
	SEQ_TIMEOUT_RETRANSMISSIONS,
	SEQ_SPURIOUS_RETRANSMISSIONS,
	SEQ_TLP_RETRANSMISSIONS,
	SEQ_OUT_OF_ORDER,
	SEQ_NOT_CAPTURED,
	SEQ_ACKED_UNSEEN,
	SEQ_DUP_ACKS,
	SEQ_SACK_BLOCKS,
	SEQ_DSACK_BLOCKS,
	SEQ_ZERO_WINDOWS,
	SEQ_ZERO_WINDOW_PROBES,
	SEQ_WINDOW_FULL,
	SEQ_WINDOW_UPDATES,
	SEQ_KEEPALIVES,
	SEQ_KEEPALIVE_ACKS,
	SEQ__COUNT
};

/* JSON/CSV name of a counter ("retransmissions", ...); "unknown" out of range. */
const char *seq_counter_name(enum seq_counter k);

/* Counters for one direction of a connection. */
struct dir_stats {
	uint64_t packets;
	uint64_t bytes;         /* sum of frame lengths on the wire (pcap orig len) */
	uint64_t payload_bytes; /* sum of TCP payload lengths from the IP header */
};

/*
 * The sequence counters of both directions of a connection, indexed by enum
 * conn_role then enum seq_counter. A connection gets them on its first
 * packet that counts anywhere (most never do: clean transfers cost nothing).
 */
#define SEQ_BACKOFF_MAX 6 /* timeout retransmissions of one segment remembered */

/*
 * Timeout retransmissions of one direction in runs: a run is one segment
 * (its sequence number) resent on timeouts again and again; the silences
 * before each resend show the back-off (200, 400, 800 ms, ...). The longest
 * run is kept, in whole milliseconds (at most 65535) to stay small.
 */
struct seq_backoff {
	uint32_t seq;               /* the segment of the current run */
	uint8_t n, best_n;
	uint16_t cur_ms[SEQ_BACKOFF_MAX];
	uint16_t best_ms[SEQ_BACKOFF_MAX];
};

struct seq_counts {
	uint32_t n[2][SEQ__COUNT];
	uint64_t retransmitted_bytes[2]; /* TCP payload bytes of the segments counted in SEQ_RETRANSMISSIONS */
	uint32_t content_gaps[2]; /* Zeek's gap_cnt: stretches of this side's data ACKed but never captured ('G') */
	struct seq_backoff *backoff; /* [2], allocated with the first timeout retransmission */
};

/* Sequence counters, window and RTT figures of one direction, taken from the sequence analysis when the record is made. */
struct seq_figures {
	uint32_t counts[SEQ__COUNT]; /* indexed by enum seq_counter */
	uint64_t retransmitted_bytes; /* payload bytes of the segments counted in retransmissions */
	uint32_t content_gaps;   /* stretches of this side's data the peer ACKed but the capture never showed */
	bool win_known;          /* window scale known: win_min/win_max are bytes */
	uint32_t win_min, win_max;
	uint32_t max_in_flight;  /* bytes sent and not yet acknowledged, at most */
	uint32_t zero_window_ms; /* time this side advertised a zero window */
	uint32_t rto_us;         /* RFC 6298 RTO from srtt/rttvar */
	struct tcp_rtt_stats rtt;
	uint8_t backoff_n;       /* the longest run of timeout retransmissions of one segment... */
	uint32_t backoff_us[SEQ_BACKOFF_MAX]; /* ...and the silence before each */
	struct tcp_ts_rtt ts_rtt;  /* RTT from TCP timestamps (its pending_* fields unused here) */
	bool ts_avg_known;         /* its sum did not overflow */
};

/* One finished (or, for the live view, in-progress) connection. */
struct conn_record {
	uint64_t id;            /* 1, 2, ... in order of each connection's first packet */
	uint64_t ts_first_ns;
	uint64_t ts_last_ns;
	uint8_t ip_version;     /* 4 or 6 */
	bool direction_inferred; /* no SYN or SYN-ACK seen: client guessed from ports */
	enum end_reason end_reason;
	struct endpoint client;
	struct endpoint server;
	struct dir_stats c2s;
	struct dir_stats s2c;
	struct lifecycle_record lc; /* states, handshake, teardown, Zeek state/history, diagnoses */
	struct seq_figures c2s_seq; /* window and RTT of each direction's data */
	struct seq_figures s2c_seq;
	/* TLS or HTTP found by the observers, NULL if neither; points into the
	 * connection, valid while the record is being written. */
	const struct app_info *app;
};

struct halfopen_server;

/* Totals over the whole input, written once at the end. */
struct summary_record {
	uint64_t ts_first_ns;   /* first and last frame timestamps (0 if none) */
	uint64_t ts_last_ns;
	uint64_t frames;        /* frames handed to the analyzer */
	uint64_t frame_bytes;   /* their wire lengths summed */
	uint64_t tcp_packets;   /* frames decoded as TCP and tracked */
	uint64_t status[DECODE__COUNT]; /* frames by decode outcome (status[DECODE_OK] == tcp_packets) */
	uint64_t connections;   /* connection records written */
	uint64_t end_reasons[END__COUNT];
	struct app_counters app; /* how the TLS and HTTP parses ended */
	uint64_t time_wait_reuses; /* connections whose SYN came during the previous one's TIME_WAIT */
	uint64_t rst_ignored;   /* RSTs outside the receiver's window */
	uint64_t rst_suspect_ttl; /* RSTs with a TTL unlike their sender's other packets */
	uint64_t negative_gaps; /* time gaps (RTT, handshake, zero window, SYN retry) found negative: dropped, or 0 within the handshake skew */
	uint64_t late_packets;  /* live: packets of connections whose record was already written */
	const struct halfopen_server *half_open; /* servers with half-open connections, most first (halfopen.h) */
	size_t half_open_servers;
	uint64_t half_open_omitted_servers; /* servers left out of the list (halfopen.h: struct halfopen_rest) */
	uint64_t half_open_omitted;         /* their half-open connections */
	uint64_t peak_flows;    /* most connections held at once */
	uint64_t max_flows;     /* the --max-flows cap in force */
	/* filled in by the capture side, not the analyzer */
	bool live;
	bool have_pcap_stats;
	uint64_t pcap_received;
	uint64_t pcap_dropped;
	uint64_t pcap_if_dropped;
	const char *input_warning; /* e.g. why reading stopped early; NULL if none */
	/* What went wrong or was cut short, written only when not zero, so that
	 * the report of an ordinary run reads as before. */
	int interrupted_by;     /* SIGINT or SIGTERM ended the input early; 0 if none */
	uint64_t clock_faults;  /* frames stamped more than a day ahead of the capture's time (capture.h) */
};

/* Something notable inside a connection, as it happens (the event log). */
enum conn_event_kind {
	EVENT_STATE = 0,  /* an endpoint's RFC 793 state changed */
	EVENT_RST,        /* a RST was sent */
	EVENT_SEQ,        /* the sequence analysis flagged a segment (retransmission, zero window, ...) */
};

struct conn_event {
	uint64_t ts_ns;
	uint64_t conn_id;
	enum conn_event_kind kind;
	int side;               /* 0 client, 1 server: the endpoint that changed, or the RST's sender */
	enum tcp_state old_state, new_state; /* EVENT_STATE */
	bool in_window;         /* EVENT_RST: the receiver would take it */
	bool suspect_ttl;       /* EVENT_RST: TTL unlike the sender's other packets */
	uint32_t seq_bits;      /* EVENT_SEQ: TCP_SEQ_* flags (tcp_seq.h), names from tcp_seq_flag_name() */
	uint32_t seq;           /* EVENT_SEQ: the segment's sequence number and payload length */
	uint32_t len;
};

/* Format an endpoint address as text (dotted quad or RFC 5952 IPv6). */
void endpoint_addr_str(const struct endpoint *e, int ip_version, char *buf, unsigned buflen);

#endif
