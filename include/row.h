/* row.h - one connection as a line: the compact values the live view, its filter and its columns read. */
#ifndef TCPSCOPE_ROW_H
#define TCPSCOPE_ROW_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

/* What a row's markers say. */
enum row_flag {
	ROW_ENDED = 1 << 0,       /* its record was written: end_reason says why */
	ROW_RESET = 1 << 1,       /* a RST was taken */
	ROW_REFUSED = 1 << 2,     /* a RST answered the SYN */
	ROW_SLOW_OPEN = 1 << 3,   /* SYN retried before the SYN-ACK */
	ROW_LOSS = 1 << 4,        /* payload retransmitted */
	ROW_CAPTURE_GAP = 1 << 5, /* data after segments not captured */
	ROW_ZERO_WINDOW = 1 << 6, /* a side advertised a zero window (and, live, still does) */
	ROW_INFERRED = 1 << 7,    /* client and server guessed: no SYN or SYN-ACK seen */
	ROW_NAME_SNI = 1 << 8,    /* name is a TLS SNI ... */
	ROW_NAME_HOST = 1 << 9,   /* ... or an HTTP Host */
};

#define ROW_NAME_MAX 64

/* One connection in a fixed-size value: [0] is what the client sent, [1] the server. */
struct conn_row {
	uint64_t id;
	uint64_t ts_first_ns, ts_last_ns;
	struct endpoint client, server;
	uint8_t ip_version;
	uint8_t state[2];         /* each endpoint's enum tcp_state */
	uint8_t end_reason;       /* enum end_reason, with ROW_ENDED */
	uint16_t flags;           /* enum row_flag */
	char zeek_state[8];       /* "SF", "RSTO", ... */
	uint64_t packets[2];
	uint64_t bytes[2];        /* frame bytes on the wire */
	uint64_t payload[2];      /* TCP payload bytes */
	uint32_t retx[2];         /* retransmitted segments */
	uint32_t srtt_us;         /* smoothed RTT of the side with samples (the larger), 0 unknown */
	uint32_t handshake_rtt_us; /* SYN -> SYN-ACK -> ACK, 0 unknown */
	char name[ROW_NAME_MAX];  /* SNI, else HTTP Host: raw bytes from the wire, cut, NUL-terminated */
};

/* The row of an ended connection's record (ROW_ENDED set; a live view clears it for a record made of a live connection). */
void conn_row_from_record(const struct conn_record *r, struct conn_row *row);

/* Its name from what the observers found (ai may be NULL): the SNI, else the HTTP Host, cut to fit. */
void conn_row_set_name(struct conn_row *row, const struct app_info *ai);

/* Its Zeek conn_state ("SF", "RSTO", ...; NULL: none), cut to fit. */
void conn_row_set_zeek_state(struct conn_row *row, const char *state);

/* The row's RTT for filters and sorting: the handshake's, else the smoothed data RTT; 0 unknown. */
uint32_t conn_row_rtt_us(const struct conn_row *row);

#endif
