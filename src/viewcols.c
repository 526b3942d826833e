/* viewcols.c - the live view's columns: what each shows of a row, and how soon it gives way on a narrow terminal. */
#include "viewcols.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "tcp_seq.h"
#include "tcp_state.h"
#include "tls.h"
#include "textesc.h"

#define NS_PER_SEC 1000000000ull

/* What snprintf wrote (0 when it did not fit). */
static size_t put(size_t cap, int n)
{
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

size_t viewcols_human_bits(char *buf, size_t cap, double bps)
{
	static const char *const units[] = {"b", "kb", "Mb", "Gb", "Tb"};
	int u = 0;
	if (bps < 0.5)
		return put(cap, snprintf(buf, cap, "0 b"));
	while (bps >= 999.5 && u < 4) {
		bps /= 1000;
		u++;
	}
	if (u == 0)
		return put(cap, snprintf(buf, cap, "%.0f b", bps));
	return put(cap, snprintf(buf, cap, bps < 9.95 ? "%.1f %s" : "%.0f %s", bps, units[u]));
}

size_t viewcols_human_age(char *buf, size_t cap, uint64_t ns)
{
	uint64_t s = ns / NS_PER_SEC;
	if (s < 60)
		return put(cap, snprintf(buf, cap, "%llus", (unsigned long long)s));
	if (s < 3600)
		return put(cap, snprintf(buf, cap, "%llum%02llus", (unsigned long long)(s / 60),
					     (unsigned long long)(s % 60)));
	if (s < 86400)
		return put(cap, snprintf(buf, cap, "%lluh%02llum", (unsigned long long)(s / 3600),
					     (unsigned long long)(s / 60 % 60)));
	return put(cap, snprintf(buf, cap, "%llud%02lluh", (unsigned long long)(s / 86400),
				     (unsigned long long)(s / 3600 % 24)));
}

static size_t endpoint_cell(const struct endpoint *e, int ipv, bool guessed, char *buf, size_t cap)
{
	char ip[64];
	endpoint_addr_str(e, ipv, ip, sizeof(ip));
	return put(cap, snprintf(buf, cap, ipv == 6 ? "[%s]:%u%s" : "%s:%u%s", ip, (unsigned)e->port,
				      guessed ? "?" : ""));
}

/* s escaped for the terminal (names from the wire), NUL-terminated. */
static size_t escaped(char *buf, size_t cap, const char *s)
{
	size_t used, n = text_escape(buf, cap - 1, s, strlen(s), false, &used);
	buf[n] = '\0';
	return n;
}

static uint64_t since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

size_t viewcols_cell(enum viewcol c, const struct view_row *vr, uint64_t now_ns, char *buf, size_t cap)
{
	const struct conn_row *r = &vr->row;
	/* an ended row's clock stopped when it ended */
	uint64_t now = (r->flags & ROW_ENDED) && vr->ended_ns ? vr->ended_ns : now_ns;
	buf[0] = '\0';
	switch (c) {
	case VIEWCOL_ID:
		return put(cap, snprintf(buf, cap, "%llu", (unsigned long long)r->id));
	case VIEWCOL_CLIENT:
		return endpoint_cell(&r->client, r->ip_version, r->flags & ROW_INFERRED, buf, cap);
	case VIEWCOL_SERVER:
		return endpoint_cell(&r->server, r->ip_version, false, buf, cap);
	case VIEWCOL_NAME:
		if (!r->name[0])
			return put(cap, snprintf(buf, cap, "-"));
		return escaped(buf, cap, r->name);
	case VIEWCOL_STATES:
		return put(cap, snprintf(buf, cap, "%s/%s", tcp_state_short_name((enum tcp_state)r->state[0]),
					      tcp_state_short_name((enum tcp_state)r->state[1])));
	case VIEWCOL_ZEEK:
		return put(cap, snprintf(buf, cap, "%s", r->zeek_state[0] ? r->zeek_state : "-"));
	case VIEWCOL_AGE:
		return viewcols_human_age(buf, cap, since(now, r->ts_first_ns));
	case VIEWCOL_IDLE:
		if (r->flags & ROW_ENDED)
			return put(cap, snprintf(buf, cap, "-"));
		return viewcols_human_age(buf, cap, since(now, r->ts_last_ns));
	case VIEWCOL_RATE_C2S:
	case VIEWCOL_RATE_S2C:
		if (r->flags & ROW_ENDED)
			return put(cap, snprintf(buf, cap, "-"));
		return viewcols_human_bits(buf, cap, (double)vr->rate_bps[c == VIEWCOL_RATE_S2C]);
	case VIEWCOL_BYTES:
		return table_human_bytes(buf, cap, r->bytes[0] + r->bytes[1]);
	case VIEWCOL_SRTT:
		if (!r->srtt_us)
			return put(cap, snprintf(buf, cap, "-"));
		return table_human_duration(buf, cap, (uint64_t)r->srtt_us * 1000u);
	case VIEWCOL_RETX: {
		uint64_t n = (uint64_t)r->retx[0] + r->retx[1];
		if (n == 0)
			return put(cap, snprintf(buf, cap, "0"));
		char share[16];
		table_human_share(share, sizeof(share), n, r->packets[0] + r->packets[1]);
		return put(cap, snprintf(buf, cap, "%llu %s", (unsigned long long)n, share));
	}
	case VIEWCOL_ZW:
		return put(cap, snprintf(buf, cap, "%s", r->flags & ROW_ZERO_WINDOW ? "ZW" : ""));
	case VIEWCOL_FLAGS: {
		static const struct {
			uint16_t bit;
			char mark;
		} marks[] = {{ROW_RESET, 'R'}, {ROW_REFUSED, 'X'}, {ROW_SLOW_OPEN, 'S'}, {ROW_LOSS, 'L'},
			     {ROW_CAPTURE_GAP, 'G'}};
		size_t n = 0;
		for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]) && n + 1 < cap; i++)
			if (r->flags & marks[i].bit)
				buf[n++] = marks[i].mark;
		buf[n] = '\0';
		return n;
	}
	case VIEWCOL_DIAG:
		return escaped(buf, cap, vr->diag);
	case VIEWCOL__COUNT:
		break;
	}
	return 0;
}

/*
 * The columns (shown in enum order). On a narrow terminal they are taken in
 * rank order while they fit: the id, the server, both states, the
 * diagnosis, the client, the name, the rate from the server (80 columns:
 * these, more than tcptrack shows), then retransmissions, SRTT; the
 * diagnosis grows to 30, the name to 24; then idle, the addresses grow,
 * Zeek's state, bytes, the rate from the client, age, the markers.
 */
const struct table_column viewcols[VIEWCOL__COUNT] = {
	[VIEWCOL_ID] = {.title = "ID", .fields = "id", .min_width = 5, .want_width = 6, .rank = 0, .grow_rank = 12, .right = true,
			.cut = TABLE_CUT_NEVER},
	[VIEWCOL_SERVER] = {.title = "SERVER", .fields = "server", .min_width = 15, .want_width = 22, .rank = 1, .grow_rank = 10,
			    .cut = TABLE_CUT_MIDDLE},
	[VIEWCOL_STATES] = {.title = "STATES", .fields = "client_state server_state", .min_width = 7, .want_width = 7, .rank = 2, .grow_rank = 2,
			    .cut = TABLE_CUT_END},
	[VIEWCOL_DIAG] = {.title = "DIAGNOSIS", .fields = "diagnoses", .min_width = 10, .want_width = 30, .rank = 3, .grow_rank = 8,
			  .cut = TABLE_CUT_END},
	[VIEWCOL_CLIENT] = {.title = "CLIENT", .fields = "client direction_inferred", .min_width = 15, .want_width = 22, .rank = 4, .grow_rank = 10,
			    .cut = TABLE_CUT_MIDDLE},
	[VIEWCOL_NAME] = {.title = "NAME", .fields = "tls.sni http.host", .min_width = 10, .want_width = 24, .rank = 5, .grow_rank = 9,
			  .cut = TABLE_CUT_END},
	[VIEWCOL_RATE_S2C] = {.title = "S>C/s", .fields = "s2c.bytes", .min_width = 7, .want_width = 7, .rank = 6, .grow_rank = 6,
			      .right = true, .cut = TABLE_CUT_NEVER},
	[VIEWCOL_RETX] = {.title = "RETX", .fields = "c2s.retransmissions s2c.retransmissions c2s.packets s2c.packets", .min_width = 8, .want_width = 9, .rank = 7, .grow_rank = 12,
			  .right = true, .cut = TABLE_CUT_NEVER},
	[VIEWCOL_SRTT] = {.title = "SRTT", .fields = "c2s.rtt.srtt_ms s2c.rtt.srtt_ms", .min_width = 7, .want_width = 7, .rank = 8, .grow_rank = 8,
			  .right = true, .cut = TABLE_CUT_NEVER},
	[VIEWCOL_IDLE] = {.title = "IDLE", .fields = "ts_last", .min_width = 6, .want_width = 6, .rank = 10, .grow_rank = 10, .right = true,
			  .cut = TABLE_CUT_NEVER},
	[VIEWCOL_ZEEK] = {.title = "ZEEK", .fields = "state", .min_width = 6, .want_width = 6, .rank = 11, .grow_rank = 11,
			  .cut = TABLE_CUT_END},
	[VIEWCOL_BYTES] = {.title = "BYTES", .fields = "c2s.bytes s2c.bytes", .min_width = 8, .want_width = 8, .rank = 12, .grow_rank = 12,
			   .right = true, .cut = TABLE_CUT_NEVER},
	[VIEWCOL_RATE_C2S] = {.title = "C>S/s", .fields = "c2s.bytes", .min_width = 7, .want_width = 7, .rank = 13, .grow_rank = 13,
			      .right = true, .cut = TABLE_CUT_NEVER},
	[VIEWCOL_AGE] = {.title = "AGE", .fields = "ts_first", .min_width = 6, .want_width = 6, .rank = 14, .grow_rank = 14, .right = true,
			 .cut = TABLE_CUT_NEVER},
	[VIEWCOL_ZW] = {.title = "ZW", .fields = "c2s.zero_windows s2c.zero_windows", .min_width = 2, .want_width = 2, .rank = 15, .grow_rank = 15,
			.cut = TABLE_CUT_END},
	[VIEWCOL_FLAGS] = {.title = "FLAGS", .fields = "teardown.reset_by state handshake.syn_count c2s.retransmissions s2c.retransmissions c2s.not_captured s2c.not_captured", .min_width = 5, .want_width = 5, .rank = 15, .grow_rank = 15,
			   .cut = TABLE_CUT_END},
};

void viewcols_fit(unsigned width, struct table_layout *out)
{
	table_fit_columns(viewcols, VIEWCOL__COUNT, width, out);
}

size_t viewcols_render(const struct table_layout *t, const struct view_row *r, uint64_t now_ns, char *buf)
{
	static char values[TABLE_COLS_MAX][TABLE_VALUE_MAX];
	const char *value[TABLE_COLS_MAX];
	size_t len[TABLE_COLS_MAX];
	for (int k = 0; k < t->ncols; k++) {
		len[k] = viewcols_cell((enum viewcol)t->col[k], r, now_ns, values[k], TABLE_VALUE_MAX);
		value[k] = values[k];
	}
	return table_render_cells(t, value, len, buf);
}

/* ---- the detail pane ---- */

size_t viewcols_sparkline(char *buf, size_t cap, const uint64_t *samples, int n, int width)
{
	static const char *const blocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
					       "\u2585", "\u2586", "\u2587", "\u2588"};
	int first = n > width ? n - width : 0;
	uint64_t max = 0;
	for (int i = first; i < n; i++)
		if (samples[i] > max)
			max = samples[i];
	size_t len = 0;
	buf[0] = '\0';
	for (int i = first; i < n && len + 4 < cap; i++) {
		int level = max ? (int)((samples[i] * 7 + max - 1) / max) : 0;
		const char *b = samples[i] ? blocks[level > 7 ? 7 : level] : " ";
		size_t bl = strlen(b);
		memcpy(buf + len, b, bl);
		len += bl;
	}
	buf[len] = '\0';
	return len;
}

struct lines {
	char (*line)[VIEWCOLS_DETAIL_LINE];
	int n, max;
};

__attribute__((format(printf, 2, 3))) static void say(struct lines *l, const char *fmt, ...)
{
	if (l->n >= l->max)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->line[l->n++], VIEWCOLS_DETAIL_LINE, fmt, ap);
	va_end(ap);
}

static double ms(uint64_t us)
{
	return (double)us / 1000.0;
}

/* The handshake as a ladder: SYN (and its retries), SYN-ACK, ACK, with the gaps between them. */
static void say_handshake(struct lines *l, const struct conn_record *r)
{
	const struct lifecycle_record *lc = &r->lc;
	say(l, "handshake    client                              server");
	if (lc->syn_count == 0 && lc->synack_count == 0) {
		say(l, "  (not captured)");
		return;
	}
	char retries[160] = "";
	size_t n = 0;
	for (int i = 0; i < lc->syn_intervals && n < sizeof(retries); i++)
		n += (size_t)snprintf(retries + n, sizeof(retries) - n, "%s+%.3f s", i ? ", " : " retried after ",
				      lc->syn_interval_us[i] / 1e6);
	say(l, "  %4u x SYN  -------------------------------->%s", lc->syn_count, retries);
	if (lc->synack_count) {
		n = 0;
		retries[0] = '\0';
		for (int i = 0; i < lc->synack_intervals && n < sizeof(retries); i++)
			n += (size_t)snprintf(retries + n, sizeof(retries) - n, "%s+%.3f s", i ? ", " : " retried after ",
					      lc->synack_interval_us[i] / 1e6);
		if (lc->have_syn_synack)
			say(l, "  %9.3f ms  <--------------------------------  %u x SYN-ACK%s", ms(lc->syn_synack_us),
			    lc->synack_count, retries);
		else
			say(l, "               <--------------------------------  %u x SYN-ACK%s", lc->synack_count, retries);
	}
	if (lc->have_synack_ack)
		say(l, "  %9.3f ms  ACK ---------------------------->   (handshake RTT %.3f ms)", ms(lc->synack_ack_us),
		    ms((uint64_t)lc->syn_synack_us + lc->synack_ack_us));
	for (int s = 0; s < 2; s++) {
		const struct lc_syn_options *o = &lc->options[s];
		if (!o->seen)
			continue;
		char ws[16] = "none";
		if (o->wscale != LC_NO_WSCALE)
			snprintf(ws, sizeof(ws), "%u", o->wscale);
		say(l, "  %s %s options: mss %u, wscale %s%s%s%s", s ? "server" : "client", s ? "SYN-ACK" : "SYN",
		    o->has_mss ? o->mss : 0, ws, o->sack_permitted ? ", SACK" : "", o->timestamps ? ", timestamps" : "",
		    o->tfo ? ", TFO" : "");
	}
}

static void say_direction(struct lines *l, const char *name, const struct dir_stats *d, const struct seq_figures *f)
{
	const uint32_t *n = f->counts;
	say(l, "%s  %llu packets, %llu bytes (%llu payload)", name, (unsigned long long)d->packets,
	    (unsigned long long)d->bytes, (unsigned long long)d->payload_bytes);
	say(l, "      retransmissions %u (fast %u, timeout %u, tail-loss probe %u, spurious %u), %llu bytes", n[SEQ_RETRANSMISSIONS],
	    n[SEQ_FAST_RETRANSMISSIONS], n[SEQ_TIMEOUT_RETRANSMISSIONS], n[SEQ_TLP_RETRANSMISSIONS],
	    n[SEQ_SPURIOUS_RETRANSMISSIONS], (unsigned long long)f->retransmitted_bytes);
	say(l, "      out of order %u, not captured %u, dup ACKs %u, SACK blocks %u (D-SACK %u), zero windows %u (%.3f s)",
	    n[SEQ_OUT_OF_ORDER], n[SEQ_NOT_CAPTURED], n[SEQ_DUP_ACKS], n[SEQ_SACK_BLOCKS], n[SEQ_DSACK_BLOCKS],
	    n[SEQ_ZERO_WINDOWS], f->zero_window_ms / 1000.0);
	if (f->rtt.samples)
		say(l, "      RTT %u samples: min %.3f avg %.3f max %.3f ms, SRTT %.3f ms, RTO %.0f ms", f->rtt.samples,
		    ms(f->rtt.min_us), ms(f->rtt.sum_us / f->rtt.samples), ms(f->rtt.max_us), ms(f->rtt.srtt_us),
		    ms(f->rto_us));
	else
		say(l, "      RTT no samples");
	if (f->win_known)
		say(l, "      window %u..%u bytes, in flight at most %u", f->win_min, f->win_max, f->max_in_flight);
}

static void say_app(struct lines *l, const struct app_info *ai)
{
	if (!ai)
		return;
	/* strings from the wire: escaped before a terminal sees them */
	char wire[4][4 * 64 + 1];
	const enum app_string which[4] = {APP_SNI, APP_ALPN, APP_HTTP_PATH, APP_HTTP_HOST};
	for (int i = 0; i < 4; i++)
		escaped(wire[i], sizeof(wire[i]), ai->str[which[i]] ? ai->str[which[i]] : "-");
	const char *sni = wire[0], *alpn = wire[1], *path = wire[2], *host = wire[3];
	if (ai->proto == APP_TLS) {
		char versions[96] = "", v[24];
		size_t n = 0;
		for (int i = 0; i < ai->versions_count && n < sizeof(versions); i++)
			n += (size_t)snprintf(versions + n, sizeof(versions) - n, "%s%s", i ? " " : "",
					      tls_version_name(ai->versions[i], v, sizeof(v)));
		say(l, "TLS  SNI %s, ALPN %s, versions %s%s%s", sni, alpn, versions, ai->server_hello ? ", chosen " : "",
		    ai->server_hello ? tls_version_name(ai->version_chosen, v, sizeof(v)) : "");
	} else if (ai->proto == APP_HTTP) {
		char status[16] = "-";
		if (ai->status)
			snprintf(status, sizeof(status), "%u", ai->status);
		say(l, "HTTP %s %s, Host %s, status %s", http_method_name((enum http_method)ai->method),
		    path, host, status);
	}
}

static void say_event(struct lines *l, const struct conn_event *e, uint64_t first_ns)
{
	double t = e->ts_ns > first_ns ? (double)(e->ts_ns - first_ns) / 1e9 : 0.0;
	const char *side = e->side ? "server" : "client";
	switch (e->kind) {
	case EVENT_STATE:
		say(l, "  %10.6f s  %s %s -> %s", t, side, tcp_state_name(e->old_state), tcp_state_name(e->new_state));
		break;
	case EVENT_RST:
		say(l, "  %10.6f s  %s sent RST%s%s", t, side, e->in_window ? "" : " (out of window: ignored)",
		    e->suspect_ttl ? " (TTL unlike its other packets)" : "");
		break;
	case EVENT_SEQ: {
		char kinds[120] = "";
		size_t n = 0;
		for (uint32_t b = 1; b && n < sizeof(kinds); b <<= 1)
			if (e->seq_bits & b)
				n += (size_t)snprintf(kinds + n, sizeof(kinds) - n, "%s%s", n ? " " : "",
						      tcp_seq_flag_name(b));
		say(l, "  %10.6f s  %s seq %u len %u: %s", t, side, e->seq, e->len, kinds);
		break;
	}
	}
}

int viewcols_detail_lines(const struct view_row *vr, const struct view_detail *d, const uint64_t spark[2][VIEW_SPARK_MAX],
			  int nspark, char lines[][VIEWCOLS_DETAIL_LINE], int max)
{
	struct lines l = {lines, 0, max};
	const struct conn_row *r = &vr->row;
	char c[80], s[80], name[ROW_NAME_MAX * 4];
	viewcols_cell(VIEWCOL_CLIENT, vr, 0, c, sizeof(c));
	viewcols_cell(VIEWCOL_SERVER, vr, 0, s, sizeof(s));
	viewcols_cell(VIEWCOL_NAME, vr, 0, name, sizeof(name));
	say(&l, "#%llu  %s -> %s  %s  %s  %s/%s%s%s", (unsigned long long)r->id, c, s, name, r->zeek_state,
	    tcp_state_name((enum tcp_state)r->state[0]), tcp_state_name((enum tcp_state)r->state[1]),
	    (r->flags & ROW_ENDED) ? "  ended: " : "", (r->flags & ROW_ENDED) ? end_reason_name((enum end_reason)r->end_reason) : "");
	if (!d->have_record) {
		say(&l, "(no details: past the view's memory for ended connections)");
		return l.n;
	}
	const struct conn_record *rec = &d->record;
	say(&l, "history %s", rec->lc.history);
	say_handshake(&l, rec);
	say_direction(&l, "c>s", &rec->c2s, &rec->c2s_seq);
	say_direction(&l, "s>c", &rec->s2c, &rec->s2c_seq);
	say_app(&l, rec->app);
	for (int i = 0; i < rec->lc.ndiag; i++)
		say(&l, "%s %s", i ? "         " : "diagnoses", rec->lc.diag[i]);
	bool moved = false;
	for (int i = 0; i < nspark; i++)
		moved |= spark[0][i] || spark[1][i];
	if (nspark > 1 && moved) {
		char line[4 * VIEW_SPARK_MAX + 1];
		for (int dir = 0; dir < 2; dir++) {
			viewcols_sparkline(line, sizeof(line), spark[dir], nspark, 60);
			say(&l, "%s/s  %s", dir ? "s>c" : "c>s", line);
		}
	}
	if (d->nevents)
		say(&l, "last %d events (from its first packet):", d->nevents);
	for (int i = 0; i < d->nevents; i++)
		say_event(&l, &d->events[i], r->ts_first_ns);
	return l.n;
}
