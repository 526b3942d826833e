/* table.c - the connection table for people: column descriptors, fitting to a width, human units, sort keys. No I/O. */
#include "table.h"

#include <stdio.h>
#include <string.h>

#include "textesc.h"

#define NS_PER_US 1000ull
#define NS_PER_MS 1000000ull
#define NS_PER_SEC 1000000000ull

static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026, one display column */

/* ---- UTF-8 and display width ---- */

struct cp_range {
	uint32_t first, last;
};

/* Combining marks and zero-width characters: no column of their own. */
static const struct cp_range zero_width[] = {
	{0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
	{0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
	{0x202A, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
	{0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

/* East Asian wide and fullwidth characters, and the emoji blocks: two columns. */
static const struct cp_range double_width[] = {
	{0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
	{0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0xFF00, 0xFF60},
	{0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static bool in_ranges(uint32_t cp, const struct cp_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cp >= r[i].first && cp <= r[i].last)
			return true;
	return false;
}

/* Columns of the character (or the stray byte, 1) at s; its length in bytes goes to *len. */
static unsigned char_width(const unsigned char *s, size_t avail, size_t *len)
{
	uint32_t cp;
	size_t n = utf8_char_len(s, avail, &cp);

	if (n == 0) {
		*len = 1;
		return 1;
	}
	*len = n;
	if (cp < 0x300)
		return 1;
	if (in_ranges(cp, zero_width, sizeof(zero_width) / sizeof(zero_width[0])))
		return 0;
	if (in_ranges(cp, double_width, sizeof(double_width) / sizeof(double_width[0])))
		return 2;
	return 1;
}

unsigned table_display_width(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned w = 0;

	while (n > 0) {
		size_t len;
		w += char_width(s, n, &len);
		s += len;
		n -= len;
	}
	return w;
}

/* Bytes of the longest start of s (n bytes) that is at most `width` columns wide; its width to *used. */
static size_t prefix_fitting(const unsigned char *s, size_t n, unsigned width, unsigned *used)
{
	size_t at = 0;
	unsigned w = 0;

	while (at < n) {
		size_t len;
		unsigned cw = char_width(s + at, n - at, &len);
		if (w + cw > width)
			break;
		w += cw;
		at += len;
	}
	*used = w;
	return at;
}

/* Byte offset where the shortest end of s (n bytes) at most `width` columns wide begins. */
static size_t suffix_fitting(const unsigned char *s, size_t n, unsigned width)
{
	unsigned total = table_display_width((const char *)s, n);
	size_t at = 0;

	while (at < n && total > width) {
		size_t len;
		total -= char_width(s + at, n - at, &len);
		at += len;
	}
	return at;
}

size_t table_cut(char *dst, const char *str, size_t n, unsigned width, enum table_cut how)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned used;
	size_t out = 0;

	if (table_display_width(str, n) <= width || how == TABLE_CUT_NEVER) {
		/* whole: it fits, or it is a number, never cut */
		size_t k = prefix_fitting(s, n, how == TABLE_CUT_NEVER ? UINT32_MAX : width, &used);
		memcpy(dst, s, k);
		dst[k] = '\0';
		return k;
	}
	if (width == 0) {
		dst[0] = '\0';
		return 0;
	}
	if (how == TABLE_CUT_MIDDLE && width >= 3) {
		unsigned tail_w = (width - 1) / 2, head_w = width - 1 - tail_w;
		size_t head = prefix_fitting(s, n, head_w, &used);
		size_t tail = suffix_fitting(s, n, width - 1 - used);
		memcpy(dst, s, head);
		out = head;
		memcpy(dst + out, ellipsis, 3);
		out += 3;
		memcpy(dst + out, s + tail, n - tail);
		out += n - tail;
	} else {
		size_t head = prefix_fitting(s, n, width - 1, &used);
		memcpy(dst, s, head);
		out = head;
		memcpy(dst + out, ellipsis, 3);
		out += 3;
	}
	dst[out] = '\0';
	return out;
}

/* The escaped text of a string from the wire (textesc.h), NUL-terminated in buf. */
static size_t put_escaped(char *buf, size_t cap, const char *s, size_t n)
{
	size_t used, len = text_escape(buf, cap - 1, s, n, false, &used);

	buf[len] = '\0';
	return len;
}

/* ---- human units ---- */

/*
 * x (>= 0) with 3 significant digits and the unit, "4.37 s", "35.4 ms",
 * "812 B"; false when it would round to 1000 or more (the caller takes the
 * next unit).
 */
static bool three_digits(char *buf, size_t cap, double x, const char *unit, size_t *len)
{
	int n;

	if (x < 9.995)
		n = snprintf(buf, cap, "%.2f %s", x, unit);
	else if (x < 99.95)
		n = snprintf(buf, cap, "%.1f %s", x, unit);
	else if (x < 999.5)
		n = snprintf(buf, cap, "%.0f %s", x, unit);
	else
		return false;
	*len = n > 0 && (size_t)n < cap ? (size_t)n : 0;
	return true;
}

size_t table_human_bytes(char *buf, size_t cap, uint64_t bytes)
{
	static const char *const units[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
	size_t len = 0;

	if (bytes < 1000) {
		int n = snprintf(buf, cap, "%u B", (unsigned)bytes);
		return n > 0 && (size_t)n < cap ? (size_t)n : 0;
	}
	double x = (double)bytes;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		x /= 1000.0;
		if (three_digits(buf, cap, x, units[u], &len))
			return len;
	}
	return len; /* not reached: UINT64_MAX is 18.4 EB */
}

size_t table_human_duration(char *buf, size_t cap, uint64_t ns)
{
	static const struct {
		uint64_t ns;
		const char *unit;
	} small[] = {{1, "ns"}, {NS_PER_US, "\xc2\xb5s"}, {NS_PER_MS, "ms"}, {NS_PER_SEC, "s"}};
	size_t len = 0;
	int n;

	if (ns == 0) {
		n = snprintf(buf, cap, "0 s");
	} else if (ns < 1000) {
		n = snprintf(buf, cap, "%u ns", (unsigned)ns);
	} else if (ns < 60 * NS_PER_SEC - NS_PER_SEC / 20) { /* below 59.95 s: 3 digits */
		for (size_t u = 1; u < sizeof(small) / sizeof(small[0]); u++)
			if (three_digits(buf, cap, (double)ns / (double)small[u].ns, small[u].unit, &len))
				return len;
		return len;
	} else {
		uint64_t s = ns / NS_PER_SEC + (ns % NS_PER_SEC >= NS_PER_SEC / 2); /* the nearest second */
		if (s < 3600)
			n = snprintf(buf, cap, "%um%02us", (unsigned)(s / 60), (unsigned)(s % 60));
		else if (s < 86400)
			n = snprintf(buf, cap, "%uh%02um", (unsigned)(s / 3600), (unsigned)(s / 60 % 60));
		else
			n = snprintf(buf, cap, "%llud%02uh", (unsigned long long)(s / 86400), (unsigned)(s / 3600 % 24));
	}
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

size_t table_human_share(char *buf, size_t cap, uint64_t part, uint64_t whole)
{
	int n;

	if (whole == 0) {
		n = snprintf(buf, cap, "-");
	} else if (part == 0) {
		n = snprintf(buf, cap, "0%%");
	} else {
		double pct = 100.0 * (double)part / (double)whole;
		if (pct < 0.05)
			n = snprintf(buf, cap, "<0.1%%");
		else if (pct < 9.95)
			n = snprintf(buf, cap, "%.1f%%", pct);
		else
			n = snprintf(buf, cap, "%.0f%%", pct);
	}
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* ---- the values of a record ---- */

static uint64_t span_ns(const struct conn_record *c)
{
	return c->ts_last_ns >= c->ts_first_ns ? c->ts_last_ns - c->ts_first_ns : 0;
}

static uint64_t retransmitted_bytes(const struct conn_record *c)
{
	return c->c2s_seq.retransmitted_bytes + c->s2c_seq.retransmitted_bytes;
}

static uint64_t payload_bytes(const struct conn_record *c)
{
	return c->c2s.payload_bytes + c->s2c.payload_bytes;
}

/* The handshake RTT in microseconds, false when the handshake was not all seen. */
static bool handshake_rtt_us(const struct conn_record *c, uint64_t *us)
{
	if (!c->lc.have_syn_synack || !c->lc.have_synack_ack)
		return false;
	*us = (uint64_t)c->lc.syn_synack_us + c->lc.synack_ack_us;
	return true;
}

static size_t put_string(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return n;
}

static size_t put_u64(char *buf, size_t cap, uint64_t v)
{
	int n = snprintf(buf, cap, "%llu", (unsigned long long)v);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static size_t fmt_id(const struct conn_record *c, char *buf, size_t cap)
{
	return put_u64(buf, cap, c->id);
}

static size_t fmt_start(const struct conn_record *c, char *buf, size_t cap)
{
	uint64_t sec = c->ts_first_ns / NS_PER_SEC % 86400;
	int n = snprintf(buf, cap, "%02u:%02u:%02u.%03u", (unsigned)(sec / 3600), (unsigned)(sec / 60 % 60),
			 (unsigned)(sec % 60), (unsigned)(c->ts_first_ns % NS_PER_SEC / NS_PER_MS));
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static size_t fmt_duration(const struct conn_record *c, char *buf, size_t cap)
{
	return table_human_duration(buf, cap, span_ns(c));
}

static size_t fmt_endpoint(const struct endpoint *e, int ip_version, bool guessed, char *buf, size_t cap)
{
	char ip[64];
	endpoint_addr_str(e, ip_version, ip, sizeof(ip));
	int n = snprintf(buf, cap, ip_version == 6 ? "[%s]:%u%s" : "%s:%u%s", ip, (unsigned)e->port,
			 guessed ? "?" : "");
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static size_t fmt_client(const struct conn_record *c, char *buf, size_t cap)
{
	return fmt_endpoint(&c->client, c->ip_version, c->direction_inferred, buf, cap);
}

static size_t fmt_server(const struct conn_record *c, char *buf, size_t cap)
{
	return fmt_endpoint(&c->server, c->ip_version, false, buf, cap);
}

static size_t fmt_name(const struct conn_record *c, char *buf, size_t cap)
{
	const struct app_info *ai = c->app;
	if (!ai)
		return put_string(buf, cap, "-");
	enum app_string k = ai->proto == APP_TLS ? APP_SNI : APP_HTTP_HOST;
	if (!ai->str[k])
		return put_string(buf, cap, "-");
	return put_escaped(buf, cap, ai->str[k], ai->len[k]);
}

static size_t fmt_packets(const struct conn_record *c, char *buf, size_t cap)
{
	return put_u64(buf, cap, c->c2s.packets + c->s2c.packets);
}

static size_t fmt_c2s_bytes(const struct conn_record *c, char *buf, size_t cap)
{
	return table_human_bytes(buf, cap, c->c2s.bytes);
}

static size_t fmt_s2c_bytes(const struct conn_record *c, char *buf, size_t cap)
{
	return table_human_bytes(buf, cap, c->s2c.bytes);
}

static size_t fmt_retx(const struct conn_record *c, char *buf, size_t cap)
{
	return table_human_share(buf, cap, retransmitted_bytes(c), payload_bytes(c));
}

static size_t fmt_rtt(const struct conn_record *c, char *buf, size_t cap)
{
	uint64_t us;
	if (!handshake_rtt_us(c, &us))
		return put_string(buf, cap, "-");
	return table_human_duration(buf, cap, us * NS_PER_US);
}

static size_t fmt_state(const struct conn_record *c, char *buf, size_t cap)
{
	return put_string(buf, cap, c->lc.state ? c->lc.state : "-");
}

static size_t fmt_end(const struct conn_record *c, char *buf, size_t cap)
{
	return put_string(buf, cap, end_reason_name(c->end_reason));
}

static size_t fmt_diagnoses(const struct conn_record *c, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < c->lc.ndiag && n + 3 < cap; i++) {
		if (i > 0) {
			memcpy(buf + n, "; ", 2);
			n += 2;
		}
		n += put_escaped(buf + n, cap - n, c->lc.diag[i], strnlen(c->lc.diag[i], LC_DIAG_LEN));
	}
	return n;
}

/*
 * The columns. When the width is short, columns are taken in rank order
 * while they fit at their min_width; a column grows towards want_width at
 * its grow_rank, on the same scale. So the id, the server, the state and the
 * diagnoses come first, then bytes from the server, RETX, the client and the
 * name (at 80 columns: these eight); then the addresses and the name grow
 * to full width, the duration gets a place and the diagnoses grow to 40
 * (120 columns: the diagnoses get 18); then bytes from the client, the
 * handshake RTT, the end reason, the packet count and the start time as the
 * width allows. The diagnoses, last, take what is left.
 */
const struct table_column table_columns[TABLE_COL__COUNT] = {
	[TABLE_ID] = {.title = "ID", .fields = "id", .min_width = 5, .want_width = 6, .rank = 0, .grow_rank = 8,
		      .right = true, .cut = TABLE_CUT_NEVER, .format = fmt_id},
	[TABLE_START] = {.title = "START", .fields = "ts_first", .min_width = 12, .want_width = 12, .rank = 15, .grow_rank = 15,
			 .cut = TABLE_CUT_END, .format = fmt_start},
	[TABLE_DURATION] = {.title = "DUR", .fields = "duration", .min_width = 7, .want_width = 7, .rank = 9, .grow_rank = 9,
			    .right = true, .cut = TABLE_CUT_NEVER, .format = fmt_duration},
	[TABLE_CLIENT] = {.title = "CLIENT", .fields = "client direction_inferred", .min_width = 13, .want_width = 22, .rank = 6, .grow_rank = 8,
			  .cut = TABLE_CUT_MIDDLE, .format = fmt_client},
	[TABLE_SERVER] = {.title = "SERVER", .fields = "server", .min_width = 15, .want_width = 21, .rank = 1, .grow_rank = 8,
			  .cut = TABLE_CUT_MIDDLE, .format = fmt_server},
	[TABLE_NAME] = {.title = "NAME", .fields = "tls.sni http.host", .min_width = 8, .want_width = 20, .rank = 7, .grow_rank = 8,
			.cut = TABLE_CUT_END, .format = fmt_name},
	[TABLE_PACKETS] = {.title = "PKTS", .fields = "c2s.packets s2c.packets", .min_width = 6, .want_width = 7, .rank = 14, .grow_rank = 14,
			   .right = true, .cut = TABLE_CUT_NEVER, .format = fmt_packets},
	[TABLE_C2S_BYTES] = {.title = "C>S", .fields = "c2s.bytes", .min_width = 7, .want_width = 7, .rank = 11, .grow_rank = 11,
			     .right = true, .cut = TABLE_CUT_NEVER, .format = fmt_c2s_bytes},
	[TABLE_S2C_BYTES] = {.title = "S>C", .fields = "s2c.bytes", .min_width = 7, .want_width = 7, .rank = 4, .grow_rank = 4,
			     .right = true, .cut = TABLE_CUT_NEVER, .format = fmt_s2c_bytes},
	[TABLE_RETX] = {.title = "RETX", .fields = "c2s.retransmitted_bytes s2c.retransmitted_bytes c2s.payload_bytes s2c.payload_bytes", .min_width = 5, .want_width = 5, .rank = 5, .grow_rank = 5,
			.right = true, .cut = TABLE_CUT_NEVER, .format = fmt_retx},
	[TABLE_RTT] = {.title = "RTT", .fields = "handshake.rtt_ms", .min_width = 7, .want_width = 7, .rank = 12, .grow_rank = 12,
		       .right = true, .cut = TABLE_CUT_NEVER, .format = fmt_rtt},
	[TABLE_STATE] = {.title = "STATE", .fields = "state", .min_width = 6, .want_width = 6, .rank = 2, .grow_rank = 2,
			 .cut = TABLE_CUT_END, .format = fmt_state},
	[TABLE_END] = {.title = "END", .fields = "end_reason", .min_width = 12, .want_width = 12, .rank = 13, .grow_rank = 13,
		       .cut = TABLE_CUT_END, .format = fmt_end},
	[TABLE_DIAGNOSES] = {.title = "DIAGNOSES", .fields = "diagnoses", .min_width = 10, .want_width = 40, .rank = 3,
			     .grow_rank = 10, .cut = TABLE_CUT_END, .format = fmt_diagnoses},
};

/* ---- fitting ---- */

void table_fit_columns(const struct table_column *cols, int n, unsigned width, struct table_layout *t)
{
	bool keep[TABLE_COLS_MAX] = {false};
	unsigned w[TABLE_COLS_MAX] = {0};
	unsigned total = 0, max_rank = 0;

	if (n > TABLE_COLS_MAX)
		n = TABLE_COLS_MAX;
	if (width < TABLE_WIDTH_MIN)
		width = TABLE_WIDTH_MIN;
	if (width > TABLE_WIDTH_MAX)
		width = TABLE_WIDTH_MAX;
	for (int i = 0; i < n; i++) {
		if (cols[i].rank > max_rank)
			max_rank = cols[i].rank;
		if (cols[i].grow_rank > max_rank)
			max_rank = cols[i].grow_rank;
	}
	for (unsigned rank = 0; rank <= max_rank; rank++) {
		/* columns of this rank that fit at their minimum, with a space before */
		for (int i = 0; i < n; i++) {
			const struct table_column *c = &cols[i];
			unsigned need = c->min_width + (total > 0);
			if (c->rank != rank || need > width - total)
				continue;
			keep[i] = true;
			w[i] = c->min_width;
			total += need;
		}
		/* columns growing at this rank, as far as the width lets them */
		for (int i = 0; i < n; i++) {
			const struct table_column *c = &cols[i];
			if (!keep[i] || c->grow_rank != rank || w[i] >= c->want_width)
				continue;
			unsigned grow = c->want_width - w[i];
			if (grow > width - total)
				grow = width - total;
			w[i] += grow;
			total += grow;
		}
	}
	memset(t, 0, sizeof(*t));
	t->width = width;
	t->cols = cols;
	for (int i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		t->col[t->ncols] = i;
		t->col_width[t->ncols] = w[i];
		t->ncols++;
	}
	/* the last column takes the rest */
	if (t->ncols > 0)
		t->col_width[t->ncols - 1] += width - total;
}

void table_fit(unsigned width, struct table_layout *t)
{
	table_fit_columns(table_columns, TABLE_COL__COUNT, width, t);
}

/* ---- rendering ---- */

/*
 * Lay out cells: each starts at its column's place, or one space after the
 * previous cell when a number pushed past it. The last cell gets what is
 * left of the width. Trailing spaces are dropped.
 */
struct line {
	char *buf;
	size_t len;
	unsigned pos; /* display columns written */
};

static void line_spaces(struct line *l, unsigned n)
{
	memset(l->buf + l->len, ' ', n);
	l->len += n;
	l->pos += n;
}

static void line_cell(struct line *l, const struct table_layout *t, int k, unsigned start, const char *value,
		      size_t n)
{
	const struct table_column *col = &t->cols[t->col[k]];
	bool last = k == t->ncols - 1;
	unsigned width = t->col_width[k];
	char cut[4 * TABLE_WIDTH_MAX + 8];

	if (l->pos > 0)
		line_spaces(l, l->pos + 1 > start ? 1 : start - l->pos);
	if (last)
		width = t->width > l->pos ? t->width - l->pos : 0;
	size_t len = table_cut(cut, value, n, width, last && col->cut == TABLE_CUT_NEVER ? TABLE_CUT_END : col->cut);
	unsigned vw = table_display_width(cut, len);
	if (col->right && vw < width && !last)
		line_spaces(l, width - vw);
	memcpy(l->buf + l->len, cut, len);
	l->len += len;
	l->pos += vw;
}

static size_t line_end(struct line *l)
{
	while (l->len > 0 && l->buf[l->len - 1] == ' ')
		l->len--;
	l->buf[l->len++] = '\n';
	l->buf[l->len] = '\0';
	return l->len;
}

size_t table_render_cells(const struct table_layout *t, const char *const value[], const size_t len[], char *buf)
{
	struct line l = {buf, 0, 0};
	unsigned start = 0;

	for (int k = 0; k < t->ncols; k++) {
		line_cell(&l, t, k, start, value[k], len[k]);
		start += t->col_width[k] + 1;
	}
	return line_end(&l);
}

size_t table_render_header(const struct table_layout *t, char *buf)
{
	const char *value[TABLE_COLS_MAX];
	size_t len[TABLE_COLS_MAX];
	for (int k = 0; k < t->ncols; k++) {
		value[k] = t->cols[t->col[k]].title;
		len[k] = strlen(value[k]);
	}
	return table_render_cells(t, value, len, buf);
}

size_t table_render_row(const struct table_layout *t, const struct conn_record *c, char *buf)
{
	static _Thread_local char values[TABLE_COLS_MAX][TABLE_VALUE_MAX];
	const char *value[TABLE_COLS_MAX];
	size_t len[TABLE_COLS_MAX];
	for (int k = 0; k < t->ncols; k++) {
		len[k] = t->cols[t->col[k]].format(c, values[k], TABLE_VALUE_MAX);
		value[k] = values[k];
	}
	return table_render_cells(t, value, len, buf);
}

/* ---- sort orders ---- */

static const char *const sort_names[TABLE_SORT__COUNT] = {
	[TABLE_SORT_ID] = "id",         [TABLE_SORT_START] = "start", [TABLE_SORT_DURATION] = "duration",
	[TABLE_SORT_BYTES] = "bytes",   [TABLE_SORT_PACKETS] = "packets", [TABLE_SORT_RETX] = "retx",
	[TABLE_SORT_RTT] = "rtt",       [TABLE_SORT_STATE] = "state",
};

bool table_sort_parse(const char *name, enum table_sort *out)
{
	for (int i = 0; name && i < TABLE_SORT__COUNT; i++) {
		if (strcmp(name, sort_names[i]) == 0) {
			*out = (enum table_sort)i;
			return true;
		}
	}
	return false;
}

const char *table_sort_name(enum table_sort s)
{
	return (unsigned)s < TABLE_SORT__COUNT ? sort_names[s] : "unknown";
}

const char *table_sort_names(void)
{
	return "id, start, duration, bytes, packets, retx, rtt, state";
}

/* The first 8 bytes of s, big-endian: compares as the string does (for names up to 8 bytes). */
static uint64_t string_prefix_key(const char *s)
{
	uint64_t k = 0;
	size_t n = s ? strnlen(s, 8) : 0;
	for (size_t i = 0; i < 8; i++)
		k = (k << 8) | (i < n ? (unsigned char)s[i] : 0);
	return k;
}

void table_sort_key(const struct conn_record *c, enum table_sort s, struct table_sort_key *k)
{
	uint64_t v;

	k->primary = k->secondary = 0;
	k->id = c->id;
	switch (s) {
	case TABLE_SORT_ID:
	case TABLE_SORT__COUNT:
		break;
	case TABLE_SORT_START:
		k->primary = c->ts_first_ns;
		break;
	case TABLE_SORT_DURATION: /* descending: the complement sorts the largest first */
		k->primary = ~span_ns(c);
		break;
	case TABLE_SORT_BYTES:
		k->primary = ~(c->c2s.bytes + c->s2c.bytes);
		break;
	case TABLE_SORT_PACKETS:
		k->primary = ~(c->c2s.packets + c->s2c.packets);
		break;
	case TABLE_SORT_RETX: {
		/* the share in millionths; no payload sorts as 0 */
		uint64_t whole = payload_bytes(c), part = retransmitted_bytes(c);
		uint64_t ppm = whole ? (uint64_t)((double)part / (double)whole * 1e6) : 0;
		k->primary = ~ppm;
		k->secondary = ~part;
		break;
	}
	case TABLE_SORT_RTT:
		if (handshake_rtt_us(c, &v)) {
			k->primary = ~v;
		} else {
			k->primary = UINT64_MAX; /* unknown: last */
			k->secondary = 1;
		}
		break;
	case TABLE_SORT_STATE:
		k->primary = string_prefix_key(c->lc.state);
		break;
	}
}

int table_sort_compare(const struct table_sort_key *a, const struct table_sort_key *b)
{
	if (a->primary != b->primary)
		return a->primary < b->primary ? -1 : 1;
	if (a->secondary != b->secondary)
		return a->secondary < b->secondary ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}
