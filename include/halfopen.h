/* halfopen.h - half-open connections per server, for the SYN flood view in the summary. */
#ifndef TCPSCOPE_HALFOPEN_H
#define TCPSCOPE_HALFOPEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

/*
 * A half-open connection is one whose server answered with SYN-ACK (SYN_RCVD)
 * and never saw the handshake complete. Counted per server address:port with
 * the number of distinct client addresses, which is what tells a flood from
 * spoofed or many sources apart from one client retrying.
 */
#define HALFOPEN_TRACKED 4096u      /* servers held at once (space-saving: see halfopen.c) */
#define HALFOPEN_REPORT_MAX 100     /* servers listed in the summary, most half-open first */
#define HALFOPEN_MAX_PAIRS 65536u   /* distinct (server, source) pairs remembered; beyond, sources is a floor */
#define HALFOPEN_FLOOD_MIN 20       /* half-open connections to one server port that look like a flood... */
#define HALFOPEN_FLOOD_SOURCES 10   /* ...when they come from at least this many addresses */

struct halfopen_server {
	struct endpoint server;
	uint8_t ip_version;
	uint64_t half_open;
	uint64_t sources;         /* distinct client addresses */
	bool sources_capped;      /* the pair memory was full, or the server was once
				   * dropped from the table: sources is a lower bound */
	bool half_open_capped;    /* the server took a dropped one's place: half_open is
				   * what is sure, the true count may be higher */
	bool flood;
};

struct halfopen_table;

struct halfopen_table *halfopen_new(void);
void halfopen_free(struct halfopen_table *t);

/* One half-open connection from client_addr to server addr:port. False when memory ran out. */
bool halfopen_add(struct halfopen_table *t, const uint8_t server_addr[16], uint16_t port,
		  uint8_t ip_version, const uint8_t client_addr[16]);

/* What the list leaves out. */
struct halfopen_rest {
	uint64_t servers;   /* servers not listed (one dropped from the table and seen again counts again) */
	uint64_t half_open; /* half-open connections not counted in the listed servers' half_open */
	bool replaced;      /* the table was full: servers were dropped for others */
};

/*
 * The servers, at most HALFOPEN_REPORT_MAX, most half-open connections
 * first (ties by address, port); the array stays owned by the table and
 * valid until the next add or free. Sets *n and *rest; NULL when there are
 * none or memory ran out.
 */
const struct halfopen_server *halfopen_list(struct halfopen_table *t, size_t *n, struct halfopen_rest *rest);

#endif
