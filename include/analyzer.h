/* analyzer.h - the core: frames in, connection records and a summary out. No I/O. */
#ifndef TCPSCOPE_ANALYZER_H
#define TCPSCOPE_ANALYZER_H

#include <stdbool.h>
#include <stdint.h>

#include "flow.h"
#include "frame.h"
#include "pktrec.h"
#include "record.h"

typedef void (*conn_record_fn)(void *ctx, const struct conn_record *r);
typedef void (*conn_event_fn)(void *ctx, const struct conn_event *ev);

struct analyzer;

/*
 * Create an analyzer that calls emit for every connection as it leaves the
 * flow table (closed and expired, evicted, reused, or at analyzer_finish).
 * Returns NULL when memory runs out.
 */
struct analyzer *analyzer_new(const struct flow_config *cfg, conn_record_fn emit, void *ctx);

/* Also call on_event for every event (state change, RST, ...) as it happens. */
void analyzer_set_event_sink(struct analyzer *a, conn_event_fn on_event, void *ctx);

/*
 * Which connections the packet sink hears of: asked once per connection, at
 * its first packet, with its id and canonical 4-tuple.
 */
typedef bool (*conn_select_fn)(void *ctx, uint64_t id, const struct flow_key *key);

/*
 * Also call on_packet for every packet of a connection select() chose, in
 * capture order, after the analysis of that packet (pktrec.h says what it
 * holds). Set it before the first frame; NULL on_packet turns it off (the
 * default, which costs one branch per packet).
 */
void analyzer_set_packet_sink(struct analyzer *a, conn_select_fn select, packet_record_fn on_packet, void *ctx);

/* Feed one captured frame (bytes are only read during the call). */
void analyzer_frame(struct analyzer *a, int linktype, const uint8_t *data, uint32_t caplen,
		    uint32_t wire_len, uint64_t ts_ns);

/*
 * Feed n frames in capture order; the result is the same as n calls of
 * analyzer_frame, only faster (cache misses overlap). Bytes are only read
 * during the call.
 */
void analyzer_frames(struct analyzer *a, int linktype, const struct frame *frames, size_t n);

/* A frame decoded, with its flow key and hash, ready to be tracked. */
struct decoded_frame {
	struct pkt pkt;           /* points into the frame's bytes */
	struct flow_key key;
	uint32_t hash;
	int sender;               /* key side of the packet's source */
	enum decode_status status;
	uint32_t wire_len;
	uint64_t ts_ns;
	const struct frame *frame; /* what was decoded: for the packet sink */
};

/*
 * analyzer_frames in two halves, so that decoding can run on another
 * thread: analyzer_decode touches no analyzer state; analyzer_track takes
 * decoded frames in capture order, while the frames' bytes are still there.
 */
void analyzer_decode(int linktype, const struct frame *f, struct decoded_frame *d);
void analyzer_track(struct analyzer *a, const struct decoded_frame *d, size_t n);

/*
 * Let time pass without packets (live capture while the link is quiet):
 * connections idle past their timeout at now_ns are emitted.
 */
void analyzer_expire(struct analyzer *a, uint64_t now_ns);

/*
 * Live capture: emit a connection's record when it closes instead of when
 * it leaves the table (TIME_WAIT keeps it there 2 x MSL). A FIN exchange
 * seen to its last ACK is emitted at once; a RST, or a close whose last
 * ACK is missing, grace_ns after the packet that closed it (its peer's
 * answers to a RST come in that time). The entry stays in the table, so
 * late packets stay in their connection and a reuse of the 4-tuple is
 * seen; they are counted (summary late_packets), not written. 0 turns it
 * off (the default: a file's records include what comes in TIME_WAIT).
 */
void analyzer_report_at_close(struct analyzer *a, uint64_t grace_ns);

/*
 * Bound the TLS/HTTP reassembly buffers of all connections together to
 * `bytes` (default APP_REASM_BUDGET_DEFAULT; 0: no bound). A parse that
 * would need more gives up, counted in the summary's app.over_budget.
 */
void analyzer_set_reasm_budget(struct analyzer *a, uint64_t bytes);

/*
 * Live capture: libpcap's cumulative drop counter read at now_ns. Records
 * of connections that were open when drops were read say so in their
 * diagnoses. Returns true when the counter grew since the last reading.
 */
bool analyzer_note_drops(struct analyzer *a, uint64_t now_ns, uint64_t dropped_total);

/* End of input: emit every connection still held, with its end reason. */
void analyzer_finish(struct analyzer *a);

/*
 * Fill the analyzer's part of the summary (capture fields are left as they
 * are). Its half_open list stays valid until the analyzer is freed.
 */
void analyzer_summary(struct analyzer *a, struct summary_record *s);

void analyzer_free(struct analyzer *a);

/* Running totals for the live view's header; its rates come from two readings. */
struct analyzer_totals {
	uint64_t frames, tcp_packets, decode_errors;
	uint64_t packets[2], bytes[2]; /* by role: sent by clients [0], by servers [1] */
	uint64_t data_segments;        /* packets with payload */
	uint64_t retransmissions;      /* packets counted in retransmissions */
	uint64_t rsts;                 /* packets with RST */
	uint64_t opened;               /* connections begun */
	uint64_t ended;                /* records written */
	uint64_t late_packets;
};

void analyzer_totals(const struct analyzer *a, struct analyzer_totals *t);

struct conn_row;

/*
 * The live view's picture: a row (row.h) for each connection held whose
 * record is not written yet, at most max of them into rows, in no
 * particular order. Returns how many there are (more than max: call again
 * with room for them). Cheap: no diagnoses are made, and the names (SNI,
 * Host) only with_names.
 */
size_t analyzer_rows(struct analyzer *a, struct conn_row *rows, size_t max, bool with_names);

/*
 * The record a connection still held would have if it ended now (its
 * diagnoses, handshake, counters), found by its row: false when it has
 * left or been written since. r->app points into the connection: valid
 * until the next frame.
 */
bool analyzer_peek_record(struct analyzer *a, const struct conn_row *row, struct conn_record *r);

/* Snapshot of a live connection as a record (used by the analyzer and the live view). */
void conn_to_record(const struct conn *c, enum end_reason why, struct conn_record *r);

#endif
