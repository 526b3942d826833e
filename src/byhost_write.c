/* byhost_write.c - the --by records as text, CSV or JSON Lines, every format looping over one table of fields. */
#include "byhost_write.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "textesc.h"

/* How a field's value is written. */
enum value_kind {
	V_HOST,    /* the group's address (and port): JSON object, CSV one or two columns */
	V_NAMES,   /* the names most seen, with their counts */
	V_COUNT,   /* an integer */
	V_BYTES,   /* an integer of bytes (text: SI units) */
	V_US_AS_MS, /* microseconds written as milliseconds, 3 decimals */
	V_MS_AS_S, /* milliseconds written as seconds, 3 decimals */
	V_SHARE,   /* part of whole, 6 decimals (text: a percentage) */
};

/* A value: v[0] (and for a share v[1], the whole); known false for null. */
struct value {
	uint64_t v[2];
	bool known;
};

struct field_row {
	struct byhost_field f;
	enum value_kind kind;
	void (*get)(const struct byhost_group *g, struct value *out);
};

#define COUNT_GETTER(fn, expr) \
	static void fn(const struct byhost_group *g, struct value *out) \
	{ \
		out->v[0] = (expr); \
		out->known = true; \
	}
COUNT_GETTER(get_connections, g->connections)
COUNT_GETTER(get_refused, g->refused)
COUNT_GETTER(get_unanswered, g->unanswered)
COUNT_GETTER(get_reset, g->reset)
COUNT_GETTER(get_syn_retries, g->syn_retries)
COUNT_GETTER(get_names_other, g->names_other)
COUNT_GETTER(get_hs_samples, g->handshake.n)
COUNT_GETTER(get_data_samples, g->data.n)
COUNT_GETTER(get_c2s_bytes, g->bytes[0])
COUNT_GETTER(get_s2c_bytes, g->bytes[1])
COUNT_GETTER(get_payload, g->payload_bytes)
COUNT_GETTER(get_retx_bytes, g->retransmitted_bytes)
COUNT_GETTER(get_c2s_zw, g->zero_window_ms[0])
COUNT_GETTER(get_s2c_zw, g->zero_window_ms[1])

static void percentile(const struct byhost_values *v, unsigned p, struct value *out)
{
	uint32_t us;
	out->known = byhost_percentile(v, p, &us);
	out->v[0] = us;
}

#define PERCENTILE_GETTER(fn, which, p) \
	static void fn(const struct byhost_group *g, struct value *out) \
	{ \
		percentile(&g->which, p, out); \
	}
PERCENTILE_GETTER(get_hs_p50, handshake, 50)
PERCENTILE_GETTER(get_hs_p90, handshake, 90)
PERCENTILE_GETTER(get_hs_p99, handshake, 99)
PERCENTILE_GETTER(get_hs_max, handshake, 100)
PERCENTILE_GETTER(get_data_p50, data, 50)
PERCENTILE_GETTER(get_data_p99, data, 99)

static void get_retx_share(const struct byhost_group *g, struct value *out)
{
	out->v[0] = g->retransmitted_bytes;
	out->v[1] = g->payload_bytes;
	out->known = g->payload_bytes > 0;
}

static void get_nothing(const struct byhost_group *g, struct value *out)
{
	(void)g;
	out->known = false;
}

/*
 * The record's fields, in the order written. The host's name is the kind's
 * ("server" or "client"), filled in when written.
 */
static const struct field_row fields[] = {
	{{"server", "object", "-", "the server's address and port ({\"ip\", \"port\"}; a client: {\"ip\"}); null "
	  "for the groups past the limit, together", "SERVER"}, V_HOST, get_nothing},
	{{"names", "array", "-", "TLS SNI (else HTTP Host) of the connections, most frequent first: "
	  "[{\"name\", \"connections\"}], the first 4 distinct names seen", "NAME"}, V_NAMES, get_nothing},
	{{"names_other", "integer", "connections", "connections with a name beyond the 4 counted", NULL},
	 V_COUNT, get_names_other},
	{{"connections", "integer", "connections", "connection records of this host", "CONNS"}, V_COUNT,
	 get_connections},
	{{"refused", "integer", "connections", "the server answered the SYN with a RST (Zeek REJ, no SYN-ACK)",
	  "REFUSED"}, V_COUNT, get_refused},
	{{"unanswered", "integer", "connections", "the client sent SYNs and the server nothing", "UNANS"}, V_COUNT,
	 get_unanswered},
	{{"reset", "integer", "connections", "ended by a RST (end_reason reset), refused ones left out", "RESET"},
	 V_COUNT, get_reset},
	{{"syn_retries", "integer", "SYNs", "client SYNs beyond the first of each connection", "SYN-RETRY"}, V_COUNT,
	 get_syn_retries},
	{{"handshake_rtt_samples", "integer", "connections", "connections whose whole handshake was seen", NULL},
	 V_COUNT, get_hs_samples},
	{{"handshake_rtt_p50_ms", "number|null", "ms", "handshake RTT (SYN -> SYN-ACK -> ACK), nearest-rank "
	  "median over the connections", "HS-P50"}, V_US_AS_MS, get_hs_p50},
	{{"handshake_rtt_p90_ms", "number|null", "ms", "handshake RTT, nearest-rank 90th percentile", "HS-P90"},
	 V_US_AS_MS, get_hs_p90},
	{{"handshake_rtt_p99_ms", "number|null", "ms", "handshake RTT, nearest-rank 99th percentile", "HS-P99"},
	 V_US_AS_MS, get_hs_p99},
	{{"handshake_rtt_max_ms", "number|null", "ms", "handshake RTT, the largest", "HS-MAX"}, V_US_AS_MS,
	 get_hs_max},
	{{"data_rtt_samples", "integer", "connections", "connections with data RTT samples", NULL}, V_COUNT,
	 get_data_samples},
	{{"data_rtt_p50_ms", "number|null", "ms", "data RTT of a connection (mean RTT of the client's data plus "
	  "mean RTT of the server's data), nearest-rank median over the connections", "DATA-P50"}, V_US_AS_MS,
	 get_data_p50},
	{{"data_rtt_p99_ms", "number|null", "ms", "data RTT, nearest-rank 99th percentile", "DATA-P99"}, V_US_AS_MS,
	 get_data_p99},
	{{"c2s_bytes", "integer", "bytes", "frame bytes on the wire from the clients", "C>S"}, V_BYTES,
	 get_c2s_bytes},
	{{"s2c_bytes", "integer", "bytes", "frame bytes on the wire from the servers", "S>C"}, V_BYTES,
	 get_s2c_bytes},
	{{"payload_bytes", "integer", "bytes", "TCP payload both ways", NULL}, V_BYTES, get_payload},
	{{"retransmitted_bytes", "integer", "bytes", "payload of the retransmitted segments, both ways", NULL},
	 V_BYTES, get_retx_bytes},
	{{"retx_share", "number|null", "fraction", "retransmitted_bytes / payload_bytes (null without payload)",
	  "RETX"}, V_SHARE, get_retx_share},
	{{"c2s_zero_window_time", "number", "s", "time the clients advertised a zero window, summed", "ZW-C"},
	 V_MS_AS_S, get_c2s_zw},
	{{"s2c_zero_window_time", "number", "s", "time the servers advertised a zero window, summed", "ZW-S"},
	 V_MS_AS_S, get_s2c_zw},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

const struct byhost_field *byhost_fields(size_t *n)
{
	static struct byhost_field out[NFIELDS];
	for (size_t i = 0; i < NFIELDS; i++)
		out[i] = fields[i].f;
	*n = NFIELDS;
	return out;
}

/* ---- a growing line ---- */

struct line {
	char *s;
	size_t len, cap;
	bool failed; /* out of memory */
};

static char *line_reserve(struct line *l, size_t n)
{
	if (l->len + n + 1 > l->cap) {
		size_t cap = l->cap ? l->cap : 256;
		while (l->len + n + 1 > cap)
			cap *= 2;
		char *grown = realloc(l->s, cap);
		if (!grown) {
			l->failed = true;
			return NULL;
		}
		l->s = grown;
		l->cap = cap;
	}
	return l->s + l->len;
}

static void put(struct line *l, const char *s, size_t n)
{
	char *dst = line_reserve(l, n);
	if (!dst)
		return;
	memcpy(dst, s, n);
	l->len += n;
	l->s[l->len] = '\0';
}

static void puts_(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void putf(struct line *l, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(l, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void put_json_wire(struct line *l, const char *s, size_t n)
{
	char *dst = line_reserve(l, JSON_ESCAPE_MAX * n + 2);
	if (!dst)
		return;
	dst[0] = '"';
	size_t k = json_escape(dst + 1, s, n);
	dst[1 + k] = '"';
	l->len += k + 2;
	l->s[l->len] = '\0';
}

/* A name for a terminal or a CSV field: escaped (textesc.h); with csv, commas as \x2c and quotes doubled are left to the caller. */
static void put_text_wire(struct line *l, const char *s, size_t n, bool double_quotes)
{
	while (n > 0) {
		size_t used;
		char *dst = line_reserve(l, 256);
		if (!dst)
			return;
		l->len += text_escape(dst, 256, s, n, double_quotes, &used);
		l->s[l->len] = '\0';
		s += used;
		n -= used;
	}
}

/* ---- values ---- */

static void put_fixed3(struct line *l, uint64_t thousandths)
{
	putf(l, "%" PRIu64 ".%03u", thousandths / 1000, (unsigned)(thousandths % 1000));
}

/* part / whole with 6 decimals, rounded half up, in integer arithmetic. */
static void put_share(struct line *l, uint64_t part, uint64_t whole)
{
	unsigned __int128 millionths = ((unsigned __int128)part * 1000000u + whole / 2) / whole;
	putf(l, "%" PRIu64 ".%06u", (uint64_t)(millionths / 1000000u), (unsigned)(millionths % 1000000u));
}

/* A number as JSON and CSV write it (null/empty handled by the caller). */
static void put_number(struct line *l, enum value_kind kind, const struct value *v)
{
	switch (kind) {
	case V_US_AS_MS:
	case V_MS_AS_S:
		put_fixed3(l, v->v[0]);
		break;
	case V_SHARE:
		put_share(l, v->v[0], v->v[1]);
		break;
	default:
		putf(l, "%" PRIu64, v->v[0]);
		break;
	}
}

static const char *host_key(const struct byhost *b)
{
	return byhost_kind_of(b) == BYHOST_SERVER ? "server" : "client";
}

static void host_ip(const struct byhost_group *g, char *buf, size_t cap)
{
	endpoint_addr_str(&g->host, g->ip_version, buf, (unsigned)cap);
}

/* ---- JSON Lines ---- */

static void json_host(struct line *l, const struct byhost *b, const struct byhost_group *g)
{
	char ip[64];
	putf(l, "\"%s\":", host_key(b));
	if (g->rest) {
		puts_(l, "null");
		return;
	}
	host_ip(g, ip, sizeof(ip));
	putf(l, "{\"ip\":\"%s\"", ip);
	if (byhost_kind_of(b) == BYHOST_SERVER)
		putf(l, ",\"port\":%u", (unsigned)g->host.port);
	puts_(l, "}");
}

static void json_names(struct line *l, const struct byhost_group *g)
{
	puts_(l, "\"names\":[");
	for (uint8_t i = 0; i < g->nnames; i++) {
		puts_(l, i ? ",{\"name\":" : "{\"name\":");
		put_json_wire(l, g->names[i].name, g->names[i].len);
		putf(l, ",\"connections\":%" PRIu64 "}", g->names[i].connections);
	}
	puts_(l, "]");
}

static void json_record(struct line *l, const struct byhost *b, const struct byhost_group *g)
{
	putf(l, "{\"type\":\"%s\"", host_key(b));
	for (size_t i = 0; i < NFIELDS; i++) {
		puts_(l, ",");
		if (fields[i].kind == V_HOST) {
			json_host(l, b, g);
			continue;
		}
		if (fields[i].kind == V_NAMES) {
			json_names(l, g);
			continue;
		}
		struct value v;
		fields[i].get(g, &v);
		putf(l, "\"%s\":", fields[i].f.name);
		if (v.known)
			put_number(l, fields[i].kind, &v);
		else
			puts_(l, "null");
	}
	puts_(l, "}\n");
}

/* ---- CSV ---- */

static void csv_header(struct line *l, const struct byhost *b)
{
	for (size_t i = 0; i < NFIELDS; i++) {
		if (i)
			puts_(l, ",");
		if (fields[i].kind == V_HOST)
			putf(l, byhost_kind_of(b) == BYHOST_SERVER ? "%s_ip,%s_port" : "%s_ip", host_key(b), host_key(b));
		else
			puts_(l, fields[i].f.name);
	}
	puts_(l, "\n");
}

/* The names as one CSV field: "name (count); name (count)", escaped, quoted when needed. */
static void csv_names(struct line *l, const struct byhost_group *g)
{
	struct line names = {0};
	for (uint8_t i = 0; i < g->nnames; i++) {
		if (i)
			puts_(&names, "; ");
		put_text_wire(&names, g->names[i].name, g->names[i].len, true);
		putf(&names, " (%" PRIu64 ")", g->names[i].connections);
	}
	l->failed |= names.failed;
	if (names.s && (strchr(names.s, ',') || strchr(names.s, '"'))) {
		puts_(l, "\"");
		puts_(l, names.s);
		puts_(l, "\"");
	} else if (names.s) {
		puts_(l, names.s);
	}
	free(names.s);
}

static void csv_record(struct line *l, const struct byhost *b, const struct byhost_group *g)
{
	for (size_t i = 0; i < NFIELDS; i++) {
		if (i)
			puts_(l, ",");
		if (fields[i].kind == V_HOST) {
			char ip[64] = "";
			if (!g->rest)
				host_ip(g, ip, sizeof(ip));
			puts_(l, ip);
			if (byhost_kind_of(b) == BYHOST_SERVER) {
				puts_(l, ",");
				if (!g->rest)
					putf(l, "%u", (unsigned)g->host.port);
			}
			continue;
		}
		if (fields[i].kind == V_NAMES) {
			csv_names(l, g);
			continue;
		}
		struct value v;
		fields[i].get(g, &v);
		if (v.known)
			put_number(l, fields[i].kind, &v);
	}
	puts_(l, "\n");
}

/* ---- text ---- */

/* Room for a text cell: a name is cut at half of it (escaped bytes), " +N" follows. */
#define TEXT_CELL_MAX 256

/* One cell of the text table, NUL-terminated in buf (TEXT_CELL_MAX bytes). */
static void text_cell(const struct byhost *b, const struct byhost_group *g, const struct field_row *f, char *buf)
{
	struct value v = {{0, 0}, false};
	size_t cap = TEXT_CELL_MAX;

	strcpy(buf, "-");
	switch (f->kind) {
	case V_HOST:
		if (g->rest) {
			snprintf(buf, cap, "(others)");
		} else {
			char ip[64];
			host_ip(g, ip, sizeof(ip));
			if (byhost_kind_of(b) == BYHOST_CLIENT)
				snprintf(buf, cap, "%s", ip);
			else
				snprintf(buf, cap, g->ip_version == 6 ? "[%s]:%u" : "%s:%u", ip, (unsigned)g->host.port);
		}
		return;
	case V_NAMES:
		if (g->nnames > 0) {
			size_t used, n = text_escape(buf, TEXT_CELL_MAX / 2, g->names[0].name, g->names[0].len, false, &used);
			buf[n] = '\0';
			uint64_t more = g->names_other;
			for (uint8_t i = 1; i < g->nnames; i++)
				more += g->names[i].connections;
			if (more)
				snprintf(buf + n, cap - n, " +%" PRIu64, more);
		}
		return;
	default:
		f->get(g, &v);
		break;
	}
	if (!v.known)
		return;
	switch (f->kind) {
	case V_BYTES:
		table_human_bytes(buf, cap, v.v[0]);
		break;
	case V_US_AS_MS:
		table_human_duration(buf, cap, v.v[0] * 1000u);
		break;
	case V_MS_AS_S:
		if (v.v[0])
			table_human_duration(buf, cap, v.v[0] * 1000000u);
		break;
	case V_SHARE:
		table_human_share(buf, cap, v.v[0], v.v[1]);
		break;
	default:
		snprintf(buf, cap, "%" PRIu64, v.v[0]);
		break;
	}
}

static const char *text_title(const struct byhost *b, const struct field_row *f)
{
	return f->kind == V_HOST && byhost_kind_of(b) == BYHOST_CLIENT ? "CLIENT" : f->f.title;
}

/*
 * The text table: each shown column as wide as its widest cell (the cells
 * are formatted twice rather than held); the host and names left-aligned,
 * numbers right.
 */
static void text_table(struct line *l, const struct byhost *b, const struct byhost_group *const *groups, size_t n)
{
	const struct field_row *shown[NFIELDS];
	unsigned width[NFIELDS];
	size_t ncols = 0;
	char cell[TEXT_CELL_MAX];

	for (size_t i = 0; i < NFIELDS; i++)
		if (fields[i].f.title)
			shown[ncols++] = &fields[i];
	for (size_t c = 0; c < ncols; c++) {
		const char *title = text_title(b, shown[c]);
		width[c] = table_display_width(title, strlen(title));
		for (size_t r = 0; r < n; r++) {
			text_cell(b, groups[r], shown[c], cell);
			unsigned w = table_display_width(cell, strlen(cell));
			width[c] = w > width[c] ? w : width[c];
		}
	}
	for (size_t r = 0; r <= n; r++) {
		for (size_t c = 0; c < ncols; c++) {
			const char *s = cell;
			if (r == 0)
				s = text_title(b, shown[c]);
			else
				text_cell(b, groups[r - 1], shown[c], cell);
			unsigned w = table_display_width(s, strlen(s));
			bool left = shown[c]->kind == V_HOST || shown[c]->kind == V_NAMES;
			if (c)
				puts_(l, " ");
			for (unsigned k = w; !left && k < width[c]; k++)
				puts_(l, " ");
			puts_(l, s);
			for (unsigned k = w; left && c + 1 < ncols && k < width[c]; k++)
				puts_(l, " ");
		}
		puts_(l, "\n");
	}
}

int byhost_write(FILE *out, enum report_format fmt, struct byhost *b, enum byhost_order order, uint64_t top)
{
	size_t n;
	const struct byhost_group *const *groups = byhost_groups(b, order, &n);
	struct line l = {0};

	if (top && n > top)
		n = top;
	if (fmt == REPORT_TEXT) {
		text_table(&l, b, groups, n);
	} else {
		if (fmt == REPORT_CSV)
			csv_header(&l, b);
		for (size_t i = 0; i < n; i++) {
			if (fmt == REPORT_CSV)
				csv_record(&l, b, groups[i]);
			else
				json_record(&l, b, groups[i]);
			if (l.len >= 65536 || i + 1 == n) {
				if (fwrite(l.s, 1, l.len, out) != l.len)
					break;
				l.len = 0;
			}
		}
	}
	if (l.len && !l.failed)
		fwrite(l.s, 1, l.len, out);
	bool failed = l.failed || (!groups && n) || fflush(out) != 0 || ferror(out);
	if (l.failed)
		errno = ENOMEM;
	free(l.s);
	return failed ? -1 : 0;
}
