/* analyzer.c - the core: decode each frame, find its connection, track it, emit records. No I/O. */
#include "analyzer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "app.h"
#include "decode.h"
#include "diagnose.h"
#include "drops.h"
#include "halfopen.h"
#include "lifecycle.h"
#include "pair.h"
#include "row.h"
#include "tcp_seq.h"
#include "tcp_track.h"

struct analyzer {
	struct flow_table flows;
	conn_record_fn emit;
	void *emit_ctx;
	uint64_t frames;
	uint64_t frame_bytes;
	uint64_t ts_first_ns;
	uint64_t ts_last_ns;
	uint64_t status[DECODE__COUNT];
	uint64_t connections;
	uint64_t end_reasons[END__COUNT];
	struct app_counters app;
	conn_event_fn on_event;
	void *event_ctx;
	uint64_t two_msl_ns;      /* TIME_WAIT length: the closed connections' timeout */
	uint64_t time_wait_reuses;
	uint64_t rst_ignored;
	uint64_t rst_suspect_ttl;
	uint64_t negative_gaps;   /* time gaps dropped (or, within the handshake skew, read as 0) for being negative */
	struct halfopen_table *half_open;
	/* Live capture: records written at close (analyzer_report_at_close). */
	uint64_t close_grace_ns;  /* 0: records leave with their table entry */
	struct close_wait *closing; /* closed, record not yet written: a FIFO by due time */
	size_t closing_head, closing_len, closing_cap;
	uint64_t late_packets;
	struct analyzer_totals totals; /* for the live view's rates (analyzer_totals) */
	struct drop_log *drops;   /* kernel drops read during a live capture; NULL until the first */
	/* The packet sink (analyzer_set_packet_sink): on_packet NULL when unused. */
	packet_record_fn on_packet;
	conn_select_fn select_conn;
	void *packet_ctx;
	struct sink_conn *sink_conns; /* the selected connections held, by id */
};

/*
 * A connection the packet sink follows: the base each side's relative
 * sequence numbers count from, by key side (a reorientation swaps roles,
 * not key sides). Wireshark's rule: a side's SYN sets its base to the ISN;
 * without one, its first segment sets it to seq - 1, or an ACK of the peer
 * to ack - 1, whichever comes first (so midstream data starts at 1).
 */
struct sink_conn {
	UT_hash_handle hh;
	uint64_t id;
	uint32_t base[2];
	bool base_set[2];
};

/* What the packet record needs from before its packet was analysed. */
struct sink_before {
	struct sink_conn *sc;
	enum tcp_state state[2];  /* by role */
	uint64_t peer_rtt_sum_us; /* the RTT total of the sender's peer's data */
	uint32_t peer_rtt_samples;
	bool had_sni;
};

/* A connection that closed without settling (RST, or the last ACK not yet seen): write it at due_ns. */
struct close_wait {
	struct flow_key key;
	uint64_t id;
	uint64_t due_ns;
};

/* Window and RTT figures of one side's half of the sequence analysis, at the record's last packet. */
static void seq_figures_of(const struct tcp_seq_half *h, const struct seq_counts *n, int role,
			   uint64_t ts_last_ns, struct seq_figures *f)
{
	if (n) {
		memcpy(f->counts, n->n[role], sizeof(f->counts));
		f->retransmitted_bytes = n->retransmitted_bytes[role];
		f->content_gaps = n->content_gaps[role];
	}
	f->win_known = tcp_seq_wscale_known(h) && tcp_seq_win_seen(h);
	f->win_min = h->win_min;
	f->win_max = h->win_max;
	f->max_in_flight = h->max_in_flight;
	f->zero_window_ms = tcp_seq_zero_window_ms(h, ts_last_ns);
	f->rtt = h->rtt;
	f->ts_rtt = h->ts_rtt;
	f->ts_avg_known = !(h->pending & TCP_SEQ_PENDING_TS_SUM_FULL);
	f->rto_us = tcp_rtt_rto_us(&h->rtt);
	if (n && n->backoff) {
		const struct seq_backoff *b = &n->backoff[role];
		f->backoff_n = b->best_n;
		for (int i = 0; i < b->best_n; i++)
			f->backoff_us[i] = b->best_ms[i] * 1000u;
	}
}

void conn_to_record(const struct conn *c, enum end_reason why, struct conn_record *r)
{
	const struct dir_stats *d = c->dir;
	int cs = c->client_side;

	memset(r, 0, sizeof(*r));
	r->id = c->id;
	r->ts_first_ns = c->ts_first_ns;
	r->ts_last_ns = c->ts_last_ns;
	r->ip_version = c->key.ip_version;
	r->direction_inferred = c->direction_inferred;
	r->end_reason = why;
	memcpy(r->client.addr, c->key.addr[cs], 16);
	r->client.port = c->key.port[cs];
	memcpy(r->server.addr, c->key.addr[!cs], 16);
	r->server.port = c->key.port[!cs];
	r->c2s = d[ROLE_CLIENT];
	r->s2c = d[ROLE_SERVER];
	seq_figures_of(&c->seq.half[ROLE_CLIENT], c->seq_counts, ROLE_CLIENT, c->ts_last_ns, &r->c2s_seq);
	seq_figures_of(&c->seq.half[ROLE_SERVER], c->seq_counts, ROLE_SERVER, c->ts_last_ns, &r->s2c_seq);
	lifecycle_to_record(&c->lc, d[ROLE_CLIENT].payload_bytes, d[ROLE_SERVER].payload_bytes,
			    c->direction_inferred, why == END_TIMEOUT, &r->lc);
	diagnose_sequence(r);
}

/* Events come before their connection's record: none once it is written. */
static void emit_event(struct analyzer *a, const struct conn *c, const struct conn_event *ev)
{
	if (a->on_event && !c->reported)
		a->on_event(a->event_ctx, ev);
}

static void emit_state_changes(struct analyzer *a, const struct conn *c,
			       const struct tcp_state_change *ch, int n)
{
	for (int i = 0; i < n; i++) {
		struct conn_event ev = {
			.ts_ns = ch[i].ts_ns,
			.conn_id = c->id,
			.kind = EVENT_STATE,
			.side = ch[i].endpoint,
			.old_state = ch[i].old_state,
			.new_state = ch[i].new_state,
		};
		emit_event(a, c, &ev);
	}
}

/* How the TCP connection ended wins over how it left the table. */
static enum end_reason final_end_reason(const struct conn *c, enum end_reason why)
{
	if (tcp_is_reset(&c->tcp))
		return END_RESET;
	if (tcp_is_closed(&c->tcp))
		return END_CLOSED;
	return why;
}

/* Write c's record (once): from the table's end of it, or at its close in live capture. */
static void write_record(struct analyzer *a, struct conn *c, enum end_reason why)
{
	struct conn_record r;
	struct tcp_state_change ch[2];
	int n = 0;

	/* Packet time has moved on since its last packet: TIME_WAIT may be over. */
	lifecycle_advance(&c->lc, a->ts_last_ns, a->two_msl_ns, ch, &n);
	emit_state_changes(a, c, ch, n);
	/* The server answered and the handshake never completed: half-open. */
	if (c->lc.ep.state[ROLE_SERVER] == TCP_ST_SYN_RCVD)
		halfopen_add(a->half_open, c->key.addr[!c->client_side], c->key.port[!c->client_side],
			     c->key.ip_version, c->key.addr[c->client_side]);
	why = final_end_reason(c, why);
	conn_to_record(c, why, &r);
	if (a->drops)
		diagnose_capture_drops(&r, drop_log_since(a->drops, c->ts_first_ns));
	r.app = app_finish(c->app, &a->app);
	a->connections++;
	a->end_reasons[why]++;
	if (a->emit)
		a->emit(a->emit_ctx, &r);
	app_free(c->app);
	c->app = NULL;
	c->app_done = true; /* late payload is not observed */
	c->reported = true;
}

/* ---- the packet sink: one packet_record per packet of a selected connection ---- */

static void sink_forget(struct analyzer *a, uint64_t id)
{
	struct sink_conn *sc;
	HASH_FIND(hh, a->sink_conns, &id, sizeof(id), sc);
	if (sc) {
		HASH_DEL(a->sink_conns, sc);
		free(sc);
	}
}

/* A new connection: follow it when the sink's selection says so (out of memory: not followed). */
static void sink_adopt(struct analyzer *a, const struct conn *c)
{
	if (!a->select_conn(a->packet_ctx, c->id, &c->key))
		return;
	struct sink_conn *sc = calloc(1, sizeof(*sc));
	if (!sc)
		return;
	sc->id = c->id;
	HASH_ADD(hh, a->sink_conns, id, sizeof(sc->id), sc);
}

/* Before p is analysed: false when its connection is not followed. */
static bool sink_before(struct analyzer *a, const struct conn *c, enum conn_role from, struct sink_before *b)
{
	HASH_FIND(hh, a->sink_conns, &c->id, sizeof(c->id), b->sc);
	if (!b->sc)
		return false;
	b->state[ROLE_CLIENT] = c->lc.ep.state[ROLE_CLIENT];
	b->state[ROLE_SERVER] = c->lc.ep.state[ROLE_SERVER];
	b->peer_rtt_sum_us = c->seq.half[!from].rtt.sum_us;
	b->peer_rtt_samples = c->seq.half[!from].rtt.samples;
	const struct app_info *ai = app_result(c->app);
	b->had_sni = ai && ai->str[APP_SNI];
	return true;
}

/* Wireshark's relative sequence bases (struct sink_conn), updated by p from key side s. */
static void sink_bases(struct sink_conn *sc, const struct pkt *p, int s)
{
	if ((p->flags & TCP_FLAG_SYN) && !sc->base_set[s]) {
		sc->base[s] = p->seq;
		sc->base_set[s] = true;
	} else if (!sc->base_set[s]) {
		sc->base[s] = p->seq - 1u;
		sc->base_set[s] = true;
	}
	if ((p->flags & TCP_FLAG_ACK) && !sc->base_set[!s]) {
		sc->base[!s] = p->ack - 1u;
		sc->base_set[!s] = true;
	}
}

/* The window p advertises in bytes (the sender's scale; a SYN's window is never scaled, RFC 7323 2.2). */
static void sink_window(const struct tcp_seq_half *h, const struct pkt *p, struct packet_record *r)
{
	r->window = p->window;
	r->win_scaled = true;
	if (p->flags & TCP_FLAG_SYN)
		return;
	if (h->wscale >= 0)
		r->window = (uint64_t)p->window << h->wscale;
	else if (h->wscale == TCP_WSCALE_UNKNOWN)
		r->win_scaled = false;
}

/* After p is analysed (its TCP_SEQ_* bits): fill its record and hand it on. */
static void sink_after(struct analyzer *a, const struct conn *c, const struct decoded_frame *d,
		       enum conn_role from, uint32_t bits, const struct sink_before *b)
{
	const struct pkt *p = &d->pkt;
	struct sink_conn *sc = b->sc;
	int s = d->sender, peer = !d->sender;
	struct packet_record r;

	memset(&r, 0, sizeof(r));
	sink_bases(sc, p, s);
	r.frame = a->frames;
	r.conn_id = c->id;
	r.ts_ns = p->ts_ns;
	r.rel_ns = p->ts_ns >= c->ts_first_ns ? (int64_t)(p->ts_ns - c->ts_first_ns)
					       : -(int64_t)(c->ts_first_ns - p->ts_ns);
	r.dir = from;
	r.tcp_flags = p->flags;
	r.seq_known = true;
	r.seq_rel = p->seq - sc->base[s];
	r.ack_known = (p->flags & TCP_FLAG_ACK) != 0;
	r.ack_rel = r.ack_known ? p->ack - sc->base[peer] : 0;
	r.len = p->payload_len;
	sink_window(&c->seq.half[from], p, &r);
	for (int i = 0; i < p->opt.sack_count && i < PKTREC_SACK_MAX; i++) {
		r.sack[i].left_rel = p->opt.sack[i].left - sc->base[peer];
		r.sack[i].right_rel = p->opt.sack[i].right - sc->base[peer];
		r.sack_count++;
	}
	if (p->opt.present & TCP_OPT_HAS_SACK)
		r.dsack_blocks = (uint8_t)tcp_seq_dsack_blocks(p);
	r.seq_bits = bits;
	if (bits & TCP_SEQ_DUP_ACK)
		r.dup_ack_n = c->seq.half[from].dup_acks > 0 ? (uint32_t)c->seq.half[from].dup_acks : 0;
	const struct tcp_rtt_stats *peer_rtt = &c->seq.half[!from].rtt;
	if ((bits & TCP_SEQ_RTT_SAMPLE) && peer_rtt->samples > b->peer_rtt_samples)
		r.rtt_sample_us = (uint32_t)(peer_rtt->sum_us - b->peer_rtt_sum_us);
	r.srtt_us = peer_rtt->samples > 0 ? peer_rtt->srtt_us : 0;
	r.client_before = b->state[ROLE_CLIENT];
	r.server_before = b->state[ROLE_SERVER];
	r.client_after = c->lc.ep.state[ROLE_CLIENT];
	r.server_after = c->lc.ep.state[ROLE_SERVER];
	const struct app_info *ai = app_result(c->app);
	if (!b->had_sni && ai && ai->str[APP_SNI])
		r.sni = ai->str[APP_SNI];
	r.captured = d->frame;
	a->on_packet(a->packet_ctx, &r);
}

void analyzer_set_packet_sink(struct analyzer *a, conn_select_fn select, packet_record_fn on_packet, void *ctx)
{
	a->select_conn = select;
	a->on_packet = on_packet;
	a->packet_ctx = ctx;
}

static void on_conn_end(void *ctx, struct conn *c, enum end_reason why)
{
	struct analyzer *a = ctx;
	if (!c->reported)
		write_record(a, c, why);
	if (a->sink_conns)
		sink_forget(a, c->id);
	lifecycle_release(&c->lc);
	tcp_seq_release(&c->seq);
	if (c->seq_counts)
		free(c->seq_counts->backoff);
	free(c->seq_counts);
	c->seq_counts = NULL;
}

struct analyzer *analyzer_new(const struct flow_config *cfg, conn_record_fn emit, void *ctx)
{
	struct analyzer *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->emit = emit;
	a->emit_ctx = ctx;
	a->half_open = halfopen_new();
	if (!a->half_open) {
		free(a);
		return NULL;
	}
	a->two_msl_ns = cfg->timeout_ns[FLOW_CLASS_CLOSED] ? cfg->timeout_ns[FLOW_CLASS_CLOSED] : UINT64_MAX;
	flow_table_init(&a->flows, cfg, on_conn_end, a);
	a->app.reasm.limit = APP_REASM_BUDGET_DEFAULT;
	return a;
}

void analyzer_set_reasm_budget(struct analyzer *a, uint64_t bytes)
{
	a->app.reasm.limit = bytes;
}

void analyzer_set_event_sink(struct analyzer *a, conn_event_fn on_event, void *ctx)
{
	a->on_event = on_event;
	a->event_ctx = ctx;
}

static bool is_pure_syn(const struct pkt *p)
{
	return (p->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN;
}

static bool is_synack(const struct pkt *p)
{
	return (p->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == (TCP_FLAG_SYN | TCP_FLAG_ACK);
}

/*
 * Who is the client of a connection whose first packet is p, sent from key
 * side `sender`: the sender of a SYN, the receiver of a SYN-ACK; otherwise a
 * guess, marked as inferred: the lower port is the server's (services listen
 * on low, well-known ports; clients use ephemeral ones), and with equal ports
 * the first sender is taken as the client.
 */
static void orient_new_conn(struct conn *c, const struct pkt *p, int sender)
{
	if (is_pure_syn(p)) {
		c->client_side = (uint8_t)sender;
	} else if (is_synack(p)) {
		c->client_side = (uint8_t)!sender;
	} else {
		uint16_t sender_port = c->key.port[sender], other_port = c->key.port[!sender];
		c->client_side = (uint8_t)(sender_port >= other_port ? sender : !sender);
		c->direction_inferred = true;
	}
}

/* A guessed orientation gives way to a SYN or SYN-ACK seen later (reordered capture). */
static void reorient_on_handshake(struct conn *c, const struct pkt *p, int sender)
{
	int client;
	if (is_pure_syn(p))
		client = sender;
	else if (is_synack(p))
		client = !sender;
	else
		return;
	c->direction_inferred = false;
	if (client == c->client_side)
		return;
	SWAP_PAIR(c->dir);
	SWAP_PAIR(c->tcp.half);
	lifecycle_swap_roles(&c->lc);
	tcp_seq_swap(&c->seq);
	if (c->seq_counts) {
		SWAP_PAIR(c->seq_counts->n);
		SWAP_PAIR(c->seq_counts->retransmitted_bytes);
		SWAP_PAIR(c->seq_counts->content_gaps);
		if (c->seq_counts->backoff) /* two entries behind a pointer */
			swap_pair(c->seq_counts->backoff, sizeof(*c->seq_counts->backoff));
	}
	c->client_side = (uint8_t)client;
}

static enum flow_class conn_class(const struct conn *c)
{
	if (tcp_is_closed(&c->tcp))
		return FLOW_CLASS_CLOSED;
	return tcp_is_established(&c->tcp) ? FLOW_CLASS_ESTABLISHED : FLOW_CLASS_OPENING;
}

/* Which counter each sequence-analysis bit feeds (a packet can feed several). */
static const struct {
	uint32_t bit;
	enum seq_counter counter;
} seq_bit_counters[] = {
	{TCP_SEQ_FAST_RETRANSMISSION, SEQ_FAST_RETRANSMISSIONS},
	{TCP_SEQ_TIMEOUT_RETRANSMISSION, SEQ_TIMEOUT_RETRANSMISSIONS},
	{TCP_SEQ_SPURIOUS_RETRANSMISSION, SEQ_SPURIOUS_RETRANSMISSIONS},
	{TCP_SEQ_TLP_RETRANSMISSION, SEQ_TLP_RETRANSMISSIONS},
	{TCP_SEQ_OUT_OF_ORDER, SEQ_OUT_OF_ORDER},
	{TCP_SEQ_NOT_CAPTURED, SEQ_NOT_CAPTURED},
	{TCP_SEQ_ACKED_UNSEEN, SEQ_ACKED_UNSEEN},
	{TCP_SEQ_DUP_ACK, SEQ_DUP_ACKS},
	{TCP_SEQ_ZERO_WINDOW, SEQ_ZERO_WINDOWS},
	{TCP_SEQ_ZERO_WINDOW_PROBE, SEQ_ZERO_WINDOW_PROBES},
	{TCP_SEQ_WINDOW_FULL, SEQ_WINDOW_FULL},
	{TCP_SEQ_WINDOW_UPDATE, SEQ_WINDOW_UPDATES},
	{TCP_SEQ_KEEPALIVE, SEQ_KEEPALIVES},
	{TCP_SEQ_KEEPALIVE_ACK, SEQ_KEEPALIVE_ACKS},
};

#define RETRANSMISSION_BITS \
	(TCP_SEQ_RETRANSMISSION | TCP_SEQ_FAST_RETRANSMISSION | TCP_SEQ_SPURIOUS_RETRANSMISSION)

/*
 * Turn what tcp_seq found in p (sent by `from`) into that direction's
 * counters, allocated with the first one (out of memory: not counted).
 */
static void count_seq(struct conn *c, const struct pkt *p, uint32_t bits, enum conn_role from)
{
	/* most packets are plain data or ACKs */
	if ((bits & ~(uint32_t)TCP_SEQ_SAMPLE_BITS) == 0 && !(p->opt.present & TCP_OPT_HAS_SACK))
		return;
	if (!c->seq_counts && !(c->seq_counts = calloc(1, sizeof(*c->seq_counts))))
		return;
	uint32_t *n = c->seq_counts->n[from];
	if (bits & RETRANSMISSION_BITS) {
		n[SEQ_RETRANSMISSIONS]++;
		c->seq_counts->retransmitted_bytes[from] += p->payload_len; /* tshark's tcp.len */
	}
	for (size_t i = 0; i < sizeof(seq_bit_counters) / sizeof(seq_bit_counters[0]); i++)
		if (bits & seq_bit_counters[i].bit)
			n[seq_bit_counters[i].counter]++;
	if (p->opt.present & TCP_OPT_HAS_SACK) {
		n[SEQ_SACK_BLOCKS] += p->opt.sack_count;
		n[SEQ_DSACK_BLOCKS] += tcp_seq_dsack_blocks(p);
	}
	/* A D-SACK proves the peer's retransmission spurious: the peer's count. */
	if (bits & TCP_SEQ_DSACK_SPURIOUS)
		c->seq_counts->n[!from][SEQ_SPURIOUS_RETRANSMISSIONS]++;
}

/* A timeout retransmission of seq after `silence_us`: extend its run or begin a new one. */
static void note_backoff(struct seq_backoff *b, uint32_t seq, uint32_t silence_us)
{
	if (b->n == 0 || seq != b->seq) {
		b->seq = seq;
		b->n = 0;
	}
	uint32_t ms = (silence_us + 500u) / 1000u;
	if (b->n < SEQ_BACKOFF_MAX)
		b->cur_ms[b->n++] = (uint16_t)(ms > UINT16_MAX ? UINT16_MAX : ms);
	if (b->n > b->best_n) {
		b->best_n = b->n;
		memcpy(b->best_ms, b->cur_ms, sizeof(b->best_ms));
	}
}

/* What the sequence analysis flagged: Zeek's history letters and an event. */
static void seq_found(struct analyzer *a, struct conn *c, const struct pkt *p, uint32_t bits,
		      enum conn_role from)
{
	if (c->seq_counts) {
		const uint32_t *n = c->seq_counts->n[from];
		/* 'T' is the life cycle's (Zeek's own rule). */
		if (bits & TCP_SEQ_ZERO_WINDOW)
			lifecycle_note_seq(&c->lc, from, LC_SEQ_ZERO_WINDOW, n[SEQ_ZERO_WINDOWS]);
		/* Zeek's content gap 'G' belongs to the side whose data was ACKed
		 * but never seen, once the capture has seen some of its data (an
		 * ACK of what came before the capture started, a keep-alive's byte
		 * for one, is no gap in it); not from an ACK on a FIN or RST, whose
		 * gaps Zeek leaves out of the history as unreliable. */
		if ((bits & TCP_SEQ_ACKED_UNSEEN) && !(p->flags & (TCP_FLAG_FIN | TCP_FLAG_RST)) &&
		    c->dir[!from].payload_bytes > 0) {
			uint32_t *gaps = &c->seq_counts->content_gaps[!from];
			*gaps += *gaps < UINT32_MAX;
			lifecycle_note_seq(&c->lc, !from, LC_SEQ_GAP, *gaps);
		}
	}
	struct conn_event ev = {
		.ts_ns = p->ts_ns,
		.conn_id = c->id,
		.kind = EVENT_SEQ,
		.side = from,
		.seq_bits = bits & ~(uint32_t)TCP_SEQ_SAMPLE_BITS,
		.seq = p->seq,
		.len = p->payload_len,
	};
	emit_event(a, c, &ev);
}

/* Microseconds since the connection's first packet: negative for one stamped before it, clamped to 35 minutes either way. */
static int32_t conn_clock_us(const struct conn *c, uint64_t ts_ns)
{
	int64_t us = ts_ns >= c->ts_first_ns ? (int64_t)((ts_ns - c->ts_first_ns) / 1000u)
					      : -(int64_t)((c->ts_first_ns - ts_ns) / 1000u);
	return us > INT32_MAX ? INT32_MAX : us < -INT32_MAX ? -INT32_MAX : (int32_t)us;
}

/* The life-cycle tracker's view of p: state changes and RSTs become events. */
static void track_lifecycle(struct analyzer *a, struct conn *c, const struct pkt *p, enum conn_role from,
			    struct lc_result *res)
{
	lifecycle_packet(&c->lc, p, from, conn_clock_us(c, p->ts_ns), a->two_msl_ns, res);
	a->negative_gaps += res->negative_gap;
	emit_state_changes(a, c, res->changes, res->nchanges);
	if (!res->rst)
		return;
	a->rst_ignored += !res->rst_in_window && !res->rst_stale;
	a->rst_suspect_ttl += res->rst_suspect_ttl;
	struct conn_event ev = {
		.ts_ns = p->ts_ns,
		.conn_id = c->id,
		.kind = EVENT_RST,
		.side = from,
		.in_window = res->rst_in_window,
		.suspect_ttl = res->rst_suspect_ttl,
	};
	emit_event(a, c, &ev);
}

/* Both endpoints are done by FIN (CLOSED or TIME_WAIT): nothing more can change its record. */
static bool closed_by_fin_and_settled(const struct conn *c)
{
	if (tcp_is_reset(&c->tcp))
		return false;
	for (int s = 0; s < 2; s++)
		if (c->lc.ep.state[s] != TCP_ST_CLOSED && c->lc.ep.state[s] != TCP_ST_TIME_WAIT)
			return false;
	return true;
}

/*
 * Live capture: a connection that closed is written now when its FIN
 * exchange is complete; otherwise (a RST, whose peer may still answer, or
 * a last ACK still to come) at most close_grace_ns after the packet that
 * closed it. newly_closed: this packet, at ts_ns, closed it.
 */
static void report_closed(struct analyzer *a, struct conn *c, bool newly_closed, uint64_t ts_ns)
{
	if (closed_by_fin_and_settled(c)) {
		write_record(a, c, END_CLOSED);
		return;
	}
	if (!newly_closed)
		return;
	if (a->closing_head + a->closing_len == a->closing_cap) {
		if (a->closing_head > 0) {
			memmove(a->closing, a->closing + a->closing_head, a->closing_len * sizeof(*a->closing));
			a->closing_head = 0;
		} else {
			size_t cap = a->closing_cap ? 2 * a->closing_cap : 64;
			struct close_wait *q = realloc(a->closing, cap * sizeof(*q));
			if (!q) {
				write_record(a, c, END_CLOSED); /* out of memory: now rather than late */
				return;
			}
			a->closing = q;
			a->closing_cap = cap;
		}
	}
	struct close_wait *w = &a->closing[a->closing_head + a->closing_len++];
	w->key = c->key;
	w->id = c->id;
	w->due_ns = ts_ns + a->close_grace_ns;
}

/* Write the closed connections whose grace is over at now_ns (those still held and not yet written). */
static void report_closed_due(struct analyzer *a, uint64_t now_ns)
{
	while (a->closing_len > 0 && a->closing[a->closing_head].due_ns <= now_ns) {
		const struct close_wait *w = &a->closing[a->closing_head];
		struct conn *c = flow_find(&a->flows, &w->key);
		if (c && c->id == w->id && !c->reported)
			write_record(a, c, END_CLOSED);
		a->closing_head++;
		a->closing_len--;
	}
	if (a->closing_len == 0)
		a->closing_head = 0;
}

static void track_tcp(struct analyzer *a, const struct decoded_frame *d)
{
	const struct pkt *p = &d->pkt;
	bool time_wait_reuse = false;

	flow_expire(&a->flows, p->ts_ns);
	if (a->closing_len > 0)
		report_closed_due(a, p->ts_ns);
	struct conn *c = flow_lookup_hashed(&a->flows, &d->key, d->hash, p->ts_ns);
	if (c) {
		enum conn_role from = d->sender == c->client_side ? ROLE_CLIENT : ROLE_SERVER;
		if (tcp_syn_starts_new_connection(&c->tcp, p, from)) {
			time_wait_reuse = lifecycle_in_time_wait(&c->lc, p->ts_ns, a->two_msl_ns);
			flow_end(&a->flows, c, END_REUSED);
			c = NULL;
		} else if (tcp_is_reset(&c->tcp) && lifecycle_reset_over(&c->lc, conn_clock_us(c, p->ts_ns))) {
			/* After an accepted RST the 4-tuple is free (RFC 9293
			 * 3.10.7.4: the TCB is deleted); once what was in flight has
			 * passed (Zeek's 5 s), a packet is a new connection's. */
			flow_end(&a->flows, c, END_RESET);
			c = NULL;
		} else if (c->direction_inferred) {
			reorient_on_handshake(c, p, d->sender);
		}
	}
	if (!c) {
		c = flow_insert(&a->flows, &d->key, p->ts_ns);
		if (!c)
			return; /* out of memory: the frame stays counted in tcp_packets */
		orient_new_conn(c, p, d->sender);
		lifecycle_init(&c->lc, d->sender == c->client_side ? ROLE_CLIENT : ROLE_SERVER);
		c->lc.time_wait_reuse = time_wait_reuse;
		a->time_wait_reuses += time_wait_reuse;
		tcp_seq_init(&c->seq);
		if (a->on_packet)
			sink_adopt(a, c);
	}

	enum conn_role from = d->sender == c->client_side ? ROLE_CLIENT : ROLE_SERVER;
	struct sink_before sink_space, *sink = NULL;
	if (a->on_packet && sink_before(a, c, from, &sink_space))
		sink = &sink_space;
	/* Its record is out (live capture): still tracked, so that TIME_WAIT
	 * and a reuse of the 4-tuple are seen, but counted only here. */
	a->late_packets += c->reported;
	a->totals.packets[from]++;
	a->totals.bytes[from] += p->wire_len;
	a->totals.data_segments += p->payload_len > 0;
	a->totals.rsts += (p->flags & TCP_FLAG_RST) != 0;
	struct dir_stats *ds = &c->dir[from];
	ds->packets++;
	ds->bytes += p->wire_len;
	ds->payload_bytes += p->payload_len;
	struct lc_result lres;
	track_lifecycle(a, c, p, from, &lres);
	if (lres.rst && !lres.rst_in_window) {
		/* The receiver drops an out-of-window RST: it ends nothing. */
		struct pkt kept = *p;
		kept.flags &= (uint16_t)~TCP_FLAG_RST;
		tcp_track_packet(&c->tcp, &kept, from);
	} else {
		tcp_track_packet(&c->tcp, p, from);
	}
	uint32_t silence_us = tcp_seq_send_silence_us(&c->seq.half[from], p->ts_ns);
	uint32_t bits = tcp_seq_packet(&c->seq, p, from);
	a->totals.retransmissions += (bits & RETRANSMISSION_BITS) != 0;
	a->negative_gaps += (bits & TCP_SEQ_NEGATIVE_GAP) != 0;
	count_seq(c, p, bits, from);
	if ((bits & TCP_SEQ_TIMEOUT_RETRANSMISSION) && c->seq_counts &&
	    (c->seq_counts->backoff || (c->seq_counts->backoff = calloc(2, sizeof(struct seq_backoff)))))
		note_backoff(&c->seq_counts->backoff[from], p->seq, silence_us);
	if (bits & ~(uint32_t)TCP_SEQ_SAMPLE_BITS)
		seq_found(a, c, p, bits, from);
	app_observe(&c->app, &c->app_done, &c->tcp, p, from, &a->app);
	if (sink) /* before a live capture may write the record at close */
		sink_after(a, c, d, from, bits, sink);
	enum flow_class cls = conn_class(c);
	if (a->close_grace_ns && !c->reported && cls == FLOW_CLASS_CLOSED)
		report_closed(a, c, c->lru_class != FLOW_CLASS_CLOSED, p->ts_ns);
	flow_touch(&a->flows, c, p->ts_ns, cls);
}

void analyzer_decode(int linktype, const struct frame *f, struct decoded_frame *d)
{
	d->ts_ns = f->ts_ns;
	d->wire_len = f->wire_len;
	d->frame = f;
	d->status = decode_packet(linktype, f->data, f->caplen, f->wire_len, f->ts_ns, &d->pkt);
	if (d->status != DECODE_OK)
		return;
	flow_key_from_pkt(&d->pkt, &d->key, &d->sender);
	d->hash = flow_key_hash(&d->key);
}

static void count_frame(struct analyzer *a, const struct decoded_frame *d)
{
	if (a->frames == 0 || d->ts_ns < a->ts_first_ns)
		a->ts_first_ns = d->ts_ns;
	if (d->ts_ns > a->ts_last_ns)
		a->ts_last_ns = d->ts_ns;
	a->frames++;
	a->frame_bytes += d->wire_len;
	a->status[d->status]++;
	if (d->status == DECODE_OK && d->pkt.opt_status != DECODE_OK)
		a->status[d->pkt.opt_status]++;
}

/*
 * Frames are tracked in batches so that the flow table's cache misses
 * overlap: with 100k live connections nearly every lookup misses twice
 * (bucket, then connection), and waiting for each in turn costs more than
 * everything else per packet. A pipeline asks for buckets and connections
 * a few frames ahead of the one it tracks. Frames are tracked in order, so
 * the result is identical to one-by-one.
 */
#define PREFETCH_DISTANCE 8

void analyzer_track(struct analyzer *a, const struct decoded_frame *batch, size_t m)
{
	/* A software pipeline: bucket of frame i + 2D, connection of i + D
	 * (its bucket has arrived by then), count and track frame i (counted
	 * only now, so a connection ending here sees the capture's time as of
	 * this frame, whatever the batch). */
	for (size_t i = 0; i < m + 2 * PREFETCH_DISTANCE; i++) {
		if (i < m && batch[i].status == DECODE_OK)
			flow_prefetch(&a->flows, batch[i].hash, 0);
		size_t j = i - PREFETCH_DISTANCE, k = i - 2 * PREFETCH_DISTANCE;
		if (i >= PREFETCH_DISTANCE && j < m && batch[j].status == DECODE_OK)
			flow_prefetch(&a->flows, batch[j].hash, 1);
		if (i >= 2 * PREFETCH_DISTANCE) {
			count_frame(a, &batch[k]);
			if (batch[k].status == DECODE_OK)
				track_tcp(a, &batch[k]);
		}
	}
}

#define BATCH_MAX 64

void analyzer_frames(struct analyzer *a, int linktype, const struct frame *frames, size_t n)
{
	struct decoded_frame batch[BATCH_MAX];

	while (n > 0) {
		size_t m = n < BATCH_MAX ? n : BATCH_MAX;
#ifdef TCPSCOPE_EXACT_COPY
		/* Sanitizer builds decode exact-length heap copies so any over-read is caught. */
		struct frame copies[BATCH_MAX];
		for (size_t i = 0; i < m; i++) {
			uint8_t *copy = malloc(frames[i].caplen ? frames[i].caplen : 1);
			if (!copy)
				abort();
			memcpy(copy, frames[i].data, frames[i].caplen);
			copies[i] = frames[i];
			copies[i].data = copy;
		}
		const struct frame *src = copies;
#else
		const struct frame *src = frames;
#endif
		for (size_t i = 0; i < m; i++)
			analyzer_decode(linktype, &src[i], &batch[i]);
		analyzer_track(a, batch, m);
#ifdef TCPSCOPE_EXACT_COPY
		for (size_t i = 0; i < m; i++)
			free((void *)copies[i].data);
#endif
		frames += m;
		n -= m;
	}
}

void analyzer_frame(struct analyzer *a, int linktype, const uint8_t *data, uint32_t caplen,
		    uint32_t wire_len, uint64_t ts_ns)
{
	struct frame f = {.ts_ns = ts_ns, .caplen = caplen, .wire_len = wire_len, .data = data};
	analyzer_frames(a, linktype, &f, 1);
}

void analyzer_expire(struct analyzer *a, uint64_t now_ns)
{
	flow_expire(&a->flows, now_ns);
	report_closed_due(a, now_ns);
}

void analyzer_report_at_close(struct analyzer *a, uint64_t grace_ns)
{
	a->close_grace_ns = grace_ns;
}

bool analyzer_note_drops(struct analyzer *a, uint64_t now_ns, uint64_t dropped_total)
{
	if (!a->drops && !(a->drops = calloc(1, sizeof(*a->drops))))
		return false;
	return drop_log_note(a->drops, now_ns, dropped_total);
}

void analyzer_finish(struct analyzer *a)
{
	flow_end_all(&a->flows, END_END_OF_INPUT);
}

void analyzer_summary(struct analyzer *a, struct summary_record *s)
{
	s->ts_first_ns = a->ts_first_ns;
	s->ts_last_ns = a->ts_last_ns;
	s->frames = a->frames;
	s->frame_bytes = a->frame_bytes;
	s->tcp_packets = a->status[DECODE_OK];
	memcpy(s->status, a->status, sizeof(s->status));
	s->connections = a->connections;
	memcpy(s->end_reasons, a->end_reasons, sizeof(s->end_reasons));
	s->app = a->app;
	s->time_wait_reuses = a->time_wait_reuses;
	s->rst_ignored = a->rst_ignored;
	s->rst_suspect_ttl = a->rst_suspect_ttl;
	s->negative_gaps = a->negative_gaps;
	s->late_packets = a->late_packets;
	struct halfopen_rest rest;
	s->half_open = halfopen_list(a->half_open, &s->half_open_servers, &rest);
	s->half_open_omitted_servers = rest.servers;
	s->half_open_omitted = rest.half_open;
	s->peak_flows = a->flows.peak;
	s->max_flows = a->flows.cfg.max_flows;
}

/* ---- the live view's picture of the table ---- */

void analyzer_totals(const struct analyzer *a, struct analyzer_totals *t)
{
	*t = a->totals;
	t->frames = a->frames;
	t->tcp_packets = a->status[DECODE_OK];
	t->decode_errors = 0;
	for (int k = 0; k < DECODE__COUNT; k++)
		if (decode_status_is_error((enum decode_status)k))
			t->decode_errors += a->status[k];
	t->opened = a->flows.next_id - 1;
	t->ended = a->connections;
	t->late_packets = a->late_packets;
}

/* A connection still open as a row: cheap (no diagnoses), for every connection at every refresh. */
static void conn_to_row(const struct conn *c, bool with_name, struct conn_row *row)
{
	int cs = c->client_side;
	memset(row, 0, sizeof(*row));
	row->id = c->id;
	row->ts_first_ns = c->ts_first_ns;
	row->ts_last_ns = c->ts_last_ns;
	row->ip_version = c->key.ip_version;
	memcpy(row->client.addr, c->key.addr[cs], 16);
	row->client.port = c->key.port[cs];
	memcpy(row->server.addr, c->key.addr[!cs], 16);
	row->server.port = c->key.port[!cs];
	const char *zeek = lifecycle_zeek_state(&c->lc, c->dir[ROLE_CLIENT].payload_bytes,
						c->dir[ROLE_SERVER].payload_bytes);
	conn_row_set_zeek_state(row, zeek);
	if (tcp_is_reset(&c->tcp))
		row->flags |= ROW_RESET;
	if (strcmp(zeek, "REJ") == 0)
		row->flags |= ROW_REFUSED;
	if (c->lc.side[ROLE_CLIENT].syns > 1)
		row->flags |= ROW_SLOW_OPEN;
	if (c->direction_inferred)
		row->flags |= ROW_INFERRED;
	for (int i = 0; i < 2; i++) {
		const struct tcp_seq_half *h = &c->seq.half[i];
		row->state[i] = c->lc.ep.state[i];
		row->packets[i] = c->dir[i].packets;
		row->bytes[i] = c->dir[i].bytes;
		row->payload[i] = c->dir[i].payload_bytes;
		if (h->rtt.samples > 0 && h->rtt.srtt_us > row->srtt_us)
			row->srtt_us = h->rtt.srtt_us;
		/* advertising a zero window now (a RST's window field means nothing) */
		if (tcp_seq_win_seen(h) && h->raw_win == 0 && !tcp_is_reset(&c->tcp))
			row->flags |= ROW_ZERO_WINDOW;
		if (c->seq_counts) {
			const uint32_t *n = c->seq_counts->n[i];
			row->retx[i] = n[SEQ_RETRANSMISSIONS];
			if (n[SEQ_RETRANSMISSIONS] > 0)
				row->flags |= ROW_LOSS;
			if (n[SEQ_NOT_CAPTURED] > 0)
				row->flags |= ROW_CAPTURE_GAP;
		}
	}
	if (c->lc.have_syn_synack && c->lc.have_synack_ack)
		row->handshake_rtt_us = c->lc.syn_synack_us + c->lc.synack_ack_us;
	if (with_name) /* its observer state is another cache miss: only when asked */
		conn_row_set_name(row, app_result(c->app));
}

size_t analyzer_rows(struct analyzer *a, struct conn_row *rows, size_t max, bool with_names)
{
	size_t n = 0;
	for (struct conn *c = a->flows.by_key; c; c = c->hh.next) {
		if (c->reported)
			continue;
		if (n < max)
			conn_to_row(c, with_names, &rows[n]);
		n++;
	}
	return n;
}

/* The table's key of a row's connection, as flow_key_from_pkt builds it. */
static void key_of_row(const struct conn_row *row, struct flow_key *key)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	memcpy(p.src, row->client.addr, 16);
	memcpy(p.dst, row->server.addr, 16);
	p.sport = row->client.port;
	p.dport = row->server.port;
	p.ip_version = row->ip_version;
	int side;
	flow_key_from_pkt(&p, key, &side);
}

bool analyzer_peek_record(struct analyzer *a, const struct conn_row *row, struct conn_record *r)
{
	struct flow_key key;
	key_of_row(row, &key);
	struct conn *c = flow_find(&a->flows, &key);
	if (!c || c->id != row->id || c->reported)
		return false;
	conn_to_record(c, END_END_OF_INPUT, r);
	r->app = app_result(c->app);
	return true;
}

void analyzer_free(struct analyzer *a)
{
	if (!a)
		return;
	/* Callers finish first; anything left is freed without a record. */
	a->emit = NULL;
	a->on_event = NULL;
	flow_end_all(&a->flows, END_END_OF_INPUT);
	flow_table_release(&a->flows);
	halfopen_free(a->half_open);
	struct sink_conn *sc, *tmp;
	HASH_ITER(hh, a->sink_conns, sc, tmp) {
		HASH_DEL(a->sink_conns, sc);
		free(sc);
	}
	free(a->closing);
	free(a->drops);
	free(a);
}
