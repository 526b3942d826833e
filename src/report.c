/* report.c - the report writer: connection records and the summary as text, CSV or JSON Lines. */
#include "report.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "fields.h"
#include "jsonprog.h"
#include "halfopen.h"
#include "record.h"
#include "rowhold.h"
#include "table.h"
#include "textesc.h"

/*
 * The report is on the output hot path (one line per connection, 100k+ per
 * capture), so nothing here goes through printf: every line is assembled in
 * one fixed buffer with hand-rolled integer formatting and leaves with one
 * fwrite per REPORT_BUF_SIZE bytes. Times are integer nanoseconds throughout
 * and are printed from integers, never through a double. A failed or short
 * fwrite (and ferror on the stream) is remembered, with its errno, and
 * surfaces as -1 from report_close.
 */
#define REPORT_BUF_SIZE 65536

/* Room for an address as text: INET6_ADDRSTRLEN (46) plus brackets, port, '?'. */
#define ADDR_TEXT_MAX 64

/* Longest u64 in decimal is 20 digits; a time adds '.' and 9 digits. */
#define U64_TEXT_MAX 20
#define TS_TEXT_MAX (U64_TEXT_MAX + 1 + 9)

#define NS_PER_SEC 1000000000u
#define NS_PER_MS 1000000u

struct report {
	FILE *out;              /* NULL: a memory report (report_open_memory) */
	char *mem;              /* a memory report's text, mem_len of mem_cap bytes */
	size_t mem_len, mem_cap;
	enum report_format fmt;
	bool write_failed;
	int write_errno;        /* errno of the first failure */
	size_t len;
	struct table_layout layout; /* text: the columns fitted to the width */
	struct rowhold *hold;   /* records held back (id order, sorting), NULL when streamed */
	struct report *scratch; /* a memory report formatting the records to hold */
	enum table_sort sort;
	char buf[REPORT_BUF_SIZE];
};

/* ---- the output buffer ---- */

/* Remember the first failure and its errno (EIO when the call left none). */
static void note_failure(struct report *r, int err)
{
	if (!r->write_failed)
		r->write_errno = err ? err : EIO;
	r->write_failed = true;
}

/* Send n bytes on: to the stream, or to the end of a memory report's text. */
static void emit(struct report *r, const char *s, size_t n)
{
	if (r->out) {
		errno = 0;
		if (fwrite(s, 1, n, r->out) != n)
			note_failure(r, errno);
		return;
	}
	if (n > r->mem_cap - r->mem_len) {
		size_t cap = r->mem_cap ? r->mem_cap : REPORT_BUF_SIZE;
		while (cap - r->mem_len < n)
			cap *= 2;
		char *m = realloc(r->mem, cap);
		if (!m) {
			note_failure(r, ENOMEM);
			return;
		}
		r->mem = m;
		r->mem_cap = cap;
	}
	memcpy(r->mem + r->mem_len, s, n);
	r->mem_len += n;
}

static void flush_buf(struct report *r)
{
	if (r->len > 0)
		emit(r, r->buf, r->len);
	r->len = 0;
}

/*
 * The writers below are called a few hundred times per record: their fast
 * paths are forced inline so a literal's length and copy fold into a few
 * moves; only a full buffer takes a call.
 */
#define INLINE static inline __attribute__((always_inline))

/* Make room for n (at most REPORT_BUF_SIZE) bytes; returns where to write them. */
INLINE char *reserve(struct report *r, size_t n)
{
	if (__builtin_expect(n > REPORT_BUF_SIZE - r->len, 0))
		flush_buf(r);
	return r->buf + r->len;
}

static __attribute__((noinline)) void put_bytes_slow(struct report *r, const char *s, size_t n)
{
	flush_buf(r);
	if (n > REPORT_BUF_SIZE) {
		emit(r, s, n);
		return;
	}
	memcpy(r->buf, s, n);
	r->len = n;
}

INLINE void put_bytes(struct report *r, const char *s, size_t n)
{
	if (__builtin_expect(n > REPORT_BUF_SIZE - r->len, 0)) {
		put_bytes_slow(r, s, n);
		return;
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
}

INLINE void put_char(struct report *r, char c)
{
	if (__builtin_expect(r->len == REPORT_BUF_SIZE, 0))
		flush_buf(r);
	r->buf[r->len++] = c;
}

INLINE void put_str(struct report *r, const char *s)
{
	put_bytes(r, s, strlen(s));
}

/* Append a string literal without a strlen at run time. */
#define PUT_LIT(r, lit) put_bytes((r), "" lit, sizeof(lit) - 1)

/* ---- numbers and times, from integers ---- */

/* Write v in decimal at dst (U64_TEXT_MAX bytes, not terminated); returns the length. */
static size_t fmt_u64(char *dst, uint64_t v)
{
	char tmp[U64_TEXT_MAX];
	size_t n = 0;

	if (v < 10) { /* most counters are small */
		dst[0] = (char)('0' + v);
		return 1;
	}
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	for (size_t i = 0; i < n; i++)
		dst[i] = tmp[n - 1 - i];
	return n;
}

/* Write v as exactly `digits` decimal digits, zero-padded (v must fit). */
static void fmt_fixed(char *dst, uint64_t v, size_t digits)
{
	while (digits > 0) {
		dst[--digits] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Nanoseconds as "<seconds>.<9 digits>" at dst (TS_TEXT_MAX bytes); returns the length. */
static size_t fmt_ts(char *dst, uint64_t ns)
{
	size_t n = fmt_u64(dst, ns / NS_PER_SEC);

	dst[n++] = '.';
	fmt_fixed(dst + n, ns % NS_PER_SEC, 9);
	return n + 9;
}

/* Numbers are formatted straight into the output buffer. */
INLINE void put_u64(struct report *r, uint64_t v)
{
	r->len += fmt_u64(reserve(r, U64_TEXT_MAX), v);
}

static void put_ts(struct report *r, uint64_t ns)
{
	r->len += fmt_ts(reserve(r, TS_TEXT_MAX), ns);
}

/* Microseconds as milliseconds with 3 decimals ("1000.250"). */
INLINE void put_ms(struct report *r, uint64_t us)
{
	char *dst = reserve(r, U64_TEXT_MAX + 4);
	size_t n = fmt_u64(dst, us / 1000);

	dst[n++] = '.';
	fmt_fixed(dst + n, us % 1000, 3);
	r->len += n + 3;
}

/* Millionths with 6 decimals ("0.250000"). */
static void put_micro(struct report *r, uint64_t millionths)
{
	char *dst = reserve(r, U64_TEXT_MAX + 7);
	size_t n = fmt_u64(dst, millionths / 1000000u);

	dst[n++] = '.';
	fmt_fixed(dst + n, millionths % 1000000u, 6);
	r->len += n + 6;
}

INLINE void put_bool(struct report *r, bool b)
{
	if (b)
		PUT_LIT(r, "true");
	else
		PUT_LIT(r, "false");
}

/* Timestamps can go backwards: a negative span is reported as 0. */
static uint64_t span_ns(uint64_t first, uint64_t last)
{
	return last >= first ? last - first : 0;
}

/* ---- strings from outside (warnings): UTF-8 check and escaping ---- */

static const char hex_digits[16] = "0123456789abcdef";

static void put_json_u00(struct report *r, unsigned char b)
{
	char esc[6] = { '\\', 'u', '0', '0', hex_digits[b >> 4], hex_digits[b & 15] };

	put_bytes(r, esc, sizeof(esc));
}

/*
 * Write s as a JSON string, quotes included (RFC 8259 section 7). '"' and '\'
 * are escaped, control characters become \b \f \n \r \t or \u00XX, and so do
 * DEL and the C1 controls U+0080..U+009F so that a terminal showing the
 * output never receives a control sequence; the invisible and bidi
 * formatting characters (unicode_is_invisible) become \uXXXX, the same code
 * point to a JSON reader, but no line reordered on a screen. Our choice for bytes that are not
 * well-formed UTF-8: each becomes \u00XX of the byte value (its Latin-1
 * reading), so the byte value survives and the output stays valid JSON; a
 * reader cannot tell such a byte from the code point U+00XX sent as UTF-8.
 */
static void put_json_bytes(struct report *r, const char *str, size_t left)
{
	const unsigned char *s = (const unsigned char *)str;

	put_char(r, '"');
	while (left > 0) {
		/* the common case first: a run of printable ASCII needing no escape */
		size_t run = 0;
		while (run < left && s[run] >= 0x20 && s[run] < 0x7f && s[run] != '"' && s[run] != '\\')
			run++;
		if (run > 0) {
			put_bytes(r, (const char *)s, run);
			s += run;
			left -= run;
			continue;
		}
		unsigned char c = *s;
		uint32_t cp;
		size_t n = utf8_char_len(s, left, &cp);

		if (n == 0) {
			put_json_u00(r, c);
			n = 1;
		} else if (unicode_is_c1(cp)) {
			put_json_u00(r, s[1]);
		} else if (unicode_is_invisible(cp)) { /* bidi and zero-width: visible as \u202e */
			char esc[6] = { '\\', 'u', hex_digits[cp >> 12], hex_digits[(cp >> 8) & 15],
					hex_digits[(cp >> 4) & 15], hex_digits[cp & 15] };
			put_bytes(r, esc, sizeof(esc));
		} else if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };

			put_bytes(r, esc, 2);
		} else if (c == '\b') {
			PUT_LIT(r, "\\b");
		} else if (c == '\f') {
			PUT_LIT(r, "\\f");
		} else if (c == '\n') {
			PUT_LIT(r, "\\n");
		} else if (c == '\r') {
			PUT_LIT(r, "\\r");
		} else if (c == '\t') {
			PUT_LIT(r, "\\t");
		} else if (c < 0x20 || c == 0x7F) {
			put_json_u00(r, c);
		} else {
			put_bytes(r, (const char *)s, n);
		}
		s += n;
		left -= n;
	}
	put_char(r, '"');
}

static void put_json_string(struct report *r, const char *str)
{
	put_json_bytes(r, str, strlen(str));
}

/* The escapes of a string from the wire, written a chunk at a time (textesc.h). */
#define ESCAPE_CHUNK 256

/*
 * Write s for a human (text report, a CSV field) on one line, escaped as
 * text_escape does; with double_quotes, '"' is doubled as inside an RFC 4180
 * field.
 */
static void put_text_bytes(struct report *r, const char *str, size_t left, bool double_quotes)
{
	while (left > 0) {
		size_t used;
		char *dst = reserve(r, ESCAPE_CHUNK);

		r->len += text_escape(dst, ESCAPE_CHUNK, str, left, double_quotes, &used);
		str += used;
		left -= used;
	}
}

static void put_text_string(struct report *r, const char *str, bool double_quotes)
{
	put_text_bytes(r, str, strlen(str), double_quotes);
}

/*
 * A name from the wire as one CSV field: escaped as for text (so it stays on
 * its line and no control byte reaches a terminal), then quoted as RFC 4180
 * asks when it holds a comma or a quote.
 */
static void put_csv_wire(struct report *r, const char *s, size_t n)
{
	bool quote = memchr(s, ',', n) != NULL || memchr(s, '"', n) != NULL;
	if (quote)
		put_char(r, '"');
	put_text_bytes(r, s, n, quote);
	if (quote)
		put_char(r, '"');
}

/*
 * Write s as one CSV field (RFC 4180 section 2): in double quotes, with inner
 * quotes doubled, if it contains a comma, a quote, CR or LF; as it is
 * otherwise.
 */
static void put_csv_field(struct report *r, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		put_str(r, s);
		return;
	}
	put_char(r, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			put_char(r, '"');
		put_char(r, *s);
	}
	put_char(r, '"');
}

/* ---- decode outcomes in the summary ---- */

/*
 * The summary lists every error outcome of decode.h in enum order, zeros
 * included, also bad_tcp_option and trunc_tcp_options whose segments are
 * still tracked.
 */
static bool summary_lists_status(enum decode_status s)
{
	return decode_status_is_error(s);
}

/* ---- observer outcomes in the summary ---- */

/* A parse that never got all its bytes is "incomplete" in every output. */
static const char *tls_outcome(int i)
{
	return i == TLS_NEED_MORE ? "incomplete" : tls_status_name((enum tls_status)i);
}

static const char *http_outcome(int i)
{
	return i == HTTP_NEED_MORE ? "incomplete" : http_status_name((enum http_status)i);
}

/* The four observers' counters, named once for every format. */
struct observer_counts {
	const char *name;
	const uint64_t *counts;
	int n;
	const char *(*outcome)(int);
};

enum { OBSERVERS = 4 };

static void observer_table(const struct summary_record *s, struct observer_counts t[OBSERVERS])
{
	t[0] = (struct observer_counts){ "tls_client_hello", s->app.tls_client, TLS__COUNT, tls_outcome };
	t[1] = (struct observer_counts){ "tls_server_hello", s->app.tls_server, TLS__COUNT, tls_outcome };
	t[2] = (struct observer_counts){ "http_request", s->app.http_request, HTTP__COUNT, http_outcome };
	t[3] = (struct observer_counts){ "http_response", s->app.http_response, HTTP__COUNT, http_outcome };
}

/* "client", "server", "both", or NULL for -1 (lifecycle_record's side codes). */
static const char *side_code_name(int side)
{
	static const char *const names[3] = {"client", "server", "both"};
	return side >= 0 && side <= 2 ? names[side] : NULL;
}

/* ---- text ---- */

/* "ip:port", "[ip6]:port", with a trailing '?' when the direction was guessed. */
static size_t fmt_endpoint_text(char *dst, const struct endpoint *e, int ip_version, bool guessed)
{
	char ip[ADDR_TEXT_MAX];
	size_t n = 0, iplen;

	endpoint_addr_str(e, ip_version, ip, sizeof(ip));
	iplen = strlen(ip);
	if (ip_version == 6)
		dst[n++] = '[';
	memcpy(dst + n, ip, iplen);
	n += iplen;
	if (ip_version == 6)
		dst[n++] = ']';
	dst[n++] = ':';
	n += fmt_u64(dst + n, e->port);
	if (guessed)
		dst[n++] = '?';
	return n;
}

/* The table's header line for the report's layout (table.c fits and renders it). */
static void text_header(struct report *r)
{
	char line[TABLE_LINE_MAX];

	put_bytes(r, line, table_render_header(&r->layout, line));
}

static void text_conn(struct report *r, const struct conn_record *c)
{
	char line[TABLE_LINE_MAX];

	put_bytes(r, line, table_render_row(&r->layout, c, line));
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian; H. Hinnant's days_to_civil). */
static void civil_from_days(uint64_t days, uint64_t *y, unsigned *m, unsigned *d)
{
	uint64_t z = days + 719468; /* days since 0000-03-01 */
	uint64_t era = z / 146097;
	uint64_t doe = z - era * 146097;                                   /* [0, 146096] */
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);             /* [0, 365] */
	uint64_t mp = (5 * doy + 2) / 153;                                  /* March = 0 */

	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" in UTC. */
static void put_utc_datetime(struct report *r, uint64_t ns)
{
	char tmp[U64_TEXT_MAX + 32];
	uint64_t sec = ns / NS_PER_SEC, year;
	unsigned month, day;
	size_t n;

	civil_from_days(sec / 86400, &year, &month, &day);
	n = fmt_u64(tmp, year);
	tmp[n++] = '-';
	fmt_fixed(tmp + n, month, 2);
	n += 2;
	tmp[n++] = '-';
	fmt_fixed(tmp + n, day, 2);
	n += 2;
	tmp[n++] = ' ';
	fmt_fixed(tmp + n, sec % 86400 / 3600, 2);
	tmp[n + 2] = ':';
	fmt_fixed(tmp + n + 3, sec % 3600 / 60, 2);
	tmp[n + 5] = ':';
	fmt_fixed(tmp + n + 6, sec % 60, 2);
	tmp[n + 8] = '.';
	fmt_fixed(tmp + n + 9, ns % NS_PER_SEC, 9);
	put_bytes(r, tmp, n + 18);
}

static void put_kv(struct report *r, const char *sep, const char *key, uint64_t v)
{
	put_str(r, sep);
	put_str(r, key);
	put_char(r, '=');
	put_u64(r, v);
}

/* "half-open: 10.0.0.1:80 50 connections from 50 sources (looks like a SYN flood)" */
static void text_half_open(struct report *r, const struct halfopen_server *h)
{
	char tmp[ADDR_TEXT_MAX + U64_TEXT_MAX];

	PUT_LIT(r, "\nhalf-open: ");
	put_bytes(r, tmp, fmt_endpoint_text(tmp, &h->server, h->ip_version, false));
	put_char(r, ' ');
	if (h->half_open_capped)
		PUT_LIT(r, "at least ");
	put_u64(r, h->half_open);
	put_str(r, h->half_open == 1 ? " connection from " : " connections from ");
	if (h->sources_capped)
		PUT_LIT(r, "at least ");
	put_u64(r, h->sources);
	put_str(r, h->sources == 1 ? " source" : " sources");
	if (h->flood)
		PUT_LIT(r, " (looks like a SYN flood)");
}

/* The signal's name, as a shell says it. */
static const char *stop_signal_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

/* The summary's rare lines (summary_record: written only when not zero). */
static void text_faults(struct report *r, const struct summary_record *s)
{
	if (s->interrupted_by) {
		PUT_LIT(r, "interrupted: by ");
		put_str(r, stop_signal_name(s->interrupted_by));
		put_str(r, s->live ? "\n" : "; the input was not read to its end\n");
	}
	if (s->clock_faults) {
		put_kv(r, "", "clock_faults", s->clock_faults);
		PUT_LIT(r, " (timestamps more than a day ahead, tracked at the time before them)\n");
	}
	if (s->app.over_budget) {
		put_kv(r, "", "reassembly_over_budget", s->app.over_budget);
		PUT_LIT(r, " (TLS/HTTP parses given up: the reassembly budget of ");
		put_u64(r, s->app.reasm.limit >> 20);
		PUT_LIT(r, " MiB was spent; --reassembly-budget)\n");
	}
}

static void text_summary(struct report *r, const struct summary_record *s)
{
	bool any = false;

	PUT_LIT(r, "\nframes: ");
	put_u64(r, s->frames);
	PUT_LIT(r, " (");
	put_u64(r, s->frame_bytes);
	PUT_LIT(r, " bytes), TCP packets: ");
	put_u64(r, s->tcp_packets);
	PUT_LIT(r, ", connections: ");
	put_u64(r, s->connections);
	if (s->live)
		PUT_LIT(r, "\nsource: live capture\ntime: ");
	else
		PUT_LIT(r, "\nsource: capture file\ntime: ");
	if (s->frames == 0) {
		PUT_LIT(r, "no frames");
	} else {
		put_utc_datetime(r, s->ts_first_ns);
		PUT_LIT(r, " to ");
		put_utc_datetime(r, s->ts_last_ns);
		PUT_LIT(r, " UTC (");
		put_ts(r, span_ns(s->ts_first_ns, s->ts_last_ns));
		PUT_LIT(r, " s)");
	}
	put_kv(r, "\nnot TCP: ", "not_ip", s->status[DECODE_NOT_IP]);
	put_kv(r, " ", "not_tcp", s->status[DECODE_NOT_TCP]);
	put_kv(r, " ", "ip_fragments", s->status[DECODE_IP_FRAGMENT]);
	PUT_LIT(r, "\ndecode errors:");
	for (int i = 0; i < DECODE__COUNT; i++) {
		if (summary_lists_status((enum decode_status)i) && s->status[i] != 0) {
			put_kv(r, " ", decode_status_name((enum decode_status)i), s->status[i]);
			any = true;
		}
	}
	if (!any)
		PUT_LIT(r, " none");
	struct observer_counts obs[OBSERVERS];
	observer_table(s, obs);
	for (int k = 0; k < OBSERVERS; k++) {
		PUT_LIT(r, "\n");
		put_str(r, obs[k].name);
		put_char(r, ':');
		any = false;
		for (int i = 0; i < obs[k].n; i++) {
			if (obs[k].counts[i] != 0) {
				put_kv(r, " ", obs[k].outcome(i), obs[k].counts[i]);
				any = true;
			}
		}
		if (!any)
			PUT_LIT(r, " none");
	}
	PUT_LIT(r, "\nended:");
	for (int i = 0; i < END__COUNT; i++)
		put_kv(r, " ", end_reason_name((enum end_reason)i), s->end_reasons[i]);
	put_kv(r, "\nTCP: ", "time_wait_reuses", s->time_wait_reuses);
	put_kv(r, " ", "rst_ignored", s->rst_ignored);
	put_kv(r, " ", "rst_suspect_ttl", s->rst_suspect_ttl);
	put_kv(r, " ", "negative_gaps", s->negative_gaps);
	for (size_t i = 0; i < s->half_open_servers; i++)
		text_half_open(r, &s->half_open[i]);
	if (s->half_open_omitted_servers) {
		PUT_LIT(r, "\nhalf-open: ");
		put_u64(r, s->half_open_omitted_servers);
		PUT_LIT(r, " more servers not listed, ");
		put_u64(r, s->half_open_omitted);
		PUT_LIT(r, " half-open connections among them");
	}
	PUT_LIT(r, "\npeak flows: ");
	put_u64(r, s->peak_flows);
	PUT_LIT(r, " (cap ");
	put_u64(r, s->max_flows);
	PUT_LIT(r, ")\n");
	if (s->have_pcap_stats) {
		put_kv(r, "pcap: ", "received", s->pcap_received);
		put_kv(r, " ", "dropped", s->pcap_dropped);
		put_kv(r, " ", "if_dropped", s->pcap_if_dropped);
		put_char(r, '\n');
	}
	if (s->live) {
		/* records are written at close: what came after is only counted */
		put_kv(r, "", "late_packets", s->late_packets);
		put_char(r, '\n');
	}
	text_faults(r, s);
	if (s->input_warning != NULL) {
		PUT_LIT(r, "warning: ");
		put_text_string(r, s->input_warning, false);
		put_char(r, '\n');
	}
}

/* ---- CSV and JSON Lines: both driven by the field table (fields.h) ---- */

/* The value of a row whose op is not FIELD_OP_READ: a plain integer at offset off. */
INLINE uint64_t load_at(const void *rec, size_t off, unsigned op)
{
	const unsigned char *at = (const unsigned char *)rec + off;

	switch (op) {
	case FIELD_OP_U8:
	case FIELD_OP_BOOL:
		return *at;
	case FIELD_OP_U16:
		return *(const uint16_t *)(const void *)at;
	case FIELD_OP_U32:
	case FIELD_OP_MILLI32:
		return *(const uint32_t *)(const void *)at;
	default:
		return *(const uint64_t *)(const void *)at;
	}
}

/* Write a value loaded by load_op as its op says. */
INLINE void put_op(struct report *r, unsigned op, uint64_t u)
{
	if (op == FIELD_OP_BOOL)
		put_bool(r, u != 0);
	else if (op == FIELD_OP_TIME)
		put_ts(r, u);
	else if (op == FIELD_OP_MILLI32)
		put_ms(r, u);
	else
		put_u64(r, u);
}

/* Write a plain value (enum field_op, not FIELD_OP_READ) at dst; returns its length. */
INLINE size_t fmt_op(char *dst, unsigned op, uint64_t u)
{
	size_t n;

	switch (op) {
	case FIELD_OP_BOOL:
		memcpy(dst, u ? "true" : "false", 5);
		return u ? 4 : 5;
	case FIELD_OP_TIME:
		return fmt_ts(dst, u);
	case FIELD_OP_MILLI32:
		n = fmt_u64(dst, u / 1000);
		dst[n++] = '.';
		fmt_fixed(dst + n, u % 1000, 3);
		return n + 3;
	default:
		return fmt_u64(dst, u);
	}
}

/* A count (or null) at dst; the common one digit without a call. */
INLINE size_t fmt_count(char *dst, bool known, uint64_t u)
{
	if (!known) {
		memcpy(dst, "null", 4);
		return 4;
	}
	if (u < 10) {
		dst[0] = (char)('0' + u);
		return 1;
	}
	return fmt_u64(dst, u);
}

static void csv_header(struct report *r, enum field_kind k)
{
	const struct field_plan *p = fields_plan(k);

	for (size_t c = 0; p && c < p->csv_n; c++) {
		if (c > 0)
			put_char(r, ',');
		put_str(r, p->rows[p->csv_order[c]].csv);
	}
	put_char(r, '\n');
}

/* A CSV cell of a number, a time, a bool or a name; nothing when unknown. */
static void csv_scalar(struct report *r, enum field_type t, const struct field_value *v)
{
	if (!v->known)
		return;
	if (v->negative)
		put_char(r, '-');
	switch (t) {
	case FIELD_COUNT: put_u64(r, v->u); break;
	case FIELD_TIME: put_ts(r, v->u); break;
	case FIELD_MILLI: put_ms(r, v->u); break;
	case FIELD_MICRO: put_micro(r, v->u); break;
	case FIELD_BOOL: put_bool(r, v->u != 0); break;
	case FIELD_NAME: put_csv_field(r, v->s); break;
	case FIELD_WIRE: put_csv_wire(r, v->s, v->len); break;
	default: break;
	}
}

/*
 * Whether the items of a list joined by csv_sep need RFC 4180 quotes: names
 * when the cell holds a comma, a quote, CR or LF (as put_csv_field); strings
 * from the wire when it holds a quote, or a comma that is not the separator
 * (those are escaped; CR and LF are escaped too, as put_csv_wire).
 */
static bool csv_list_quoted(const struct field *f, const void *rec, size_t n)
{
	struct field_value v;

	if (n > 1 && strpbrk(f->csv_sep, ",\"\r\n") != NULL)
		return true;
	for (size_t i = 0; i < n; i++) {
		field_read(f, rec, i, &v);
		if (!v.known)
			continue;
		if (memchr(v.s, '"', v.len) || (f->csv_sep[0] != ',' && memchr(v.s, ',', v.len)))
			return true;
		if (f->item == FIELD_NAME && (memchr(v.s, ',', v.len) || memchr(v.s, '\r', v.len) || memchr(v.s, '\n', v.len)))
			return true;
	}
	return false;
}

/* A name of ours inside a CSV cell, as it is; in a quoted cell with its quotes doubled (RFC 4180). */
static void put_csv_name(struct report *r, const char *s, size_t n, bool quoted)
{
	const char *q;

	while (quoted && (q = memchr(s, '"', n)) != NULL) {
		put_bytes(r, s, (size_t)(q - s) + 1);
		put_char(r, '"');
		n -= (size_t)(q - s) + 1;
		s = q + 1;
	}
	put_bytes(r, s, n);
}

/*
 * A list as one CSV cell, the items joined by the row's csv_sep. Names are
 * written as they are, in quotes (inner quotes doubled) when the cell needs
 * them; strings from the wire are escaped as text, and the separator's
 * byte inside one is written \xNN, so that the cell splits back into the
 * items it was.
 */
static void csv_list(struct report *r, const struct field *f, const void *rec)
{
	struct field_value v;
	size_t n = f->count(rec);
	bool quote = f->item != FIELD_MILLI && csv_list_quoted(f, rec, n);

	if (quote)
		put_char(r, '"');
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			put_csv_name(r, f->csv_sep, strlen(f->csv_sep), quote);
		field_read(f, rec, i, &v);
		if (!v.known)
			continue;
		if (f->item == FIELD_MILLI) {
			put_ms(r, v.u);
		} else if (f->item == FIELD_NAME) {
			put_csv_name(r, v.s, v.len, quote);
		} else {
			const char *s = v.s, *cut;
			size_t left = v.len;
			while ((cut = memchr(s, f->csv_sep[0], left)) != NULL) {
				char esc[4] = {'\\', 'x', hex_digits[(unsigned char)*cut >> 4], hex_digits[*cut & 15]};
				put_text_bytes(r, s, (size_t)(cut - s), quote);
				put_bytes(r, esc, sizeof(esc));
				left -= (size_t)(cut - s) + 1;
				s = cut + 1;
			}
			put_text_bytes(r, s, left, quote);
		}
	}
	if (quote)
		put_char(r, '"');
}

/*
 * One row: the cells in column order. As in json_record, a plain number is
 * written straight into the buffer with the length in a register; the
 * object a column sits in (tls, http) is asked once for its run of columns.
 */
static void csv_record(struct report *r, enum field_kind k, const void *c)
{
	const struct field_plan *p = fields_plan(k);
	struct field_value v;
	long asked = -1;
	bool there = true;
	size_t len = r->len;

	for (size_t col = 0; p && col < p->csv_n; col++) {
		const struct field_csv_col *cc = &p->csv_cols[col];

		if (__builtin_expect(REPORT_BUF_SIZE - len < 1 + TS_TEXT_MAX, 0)) {
			r->len = len;
			flush_buf(r);
			len = r->len;
		}
		if (col > 0)
			r->buf[len++] = ',';
		if (cc->gate >= 0) {
			if (cc->gate != asked) {
				asked = cc->gate;
				there = p->rows[cc->gate].present(c, 0);
			}
			if (!there)
				continue;
		}
		if (cc->op != FIELD_OP_READ) {
			if (cc->known_size && field_load((const char *)c + cc->known_off, cc->known_size) == 0)
				continue;
			if (cc->op == FIELD_OP_BOOL || cc->op == FIELD_OP_TIME || cc->op == FIELD_OP_MILLI32)
				len += fmt_op(r->buf + len, cc->op, load_at(c, cc->off, cc->op));
			else
				len += fmt_count(r->buf + len, true, load_at(c, cc->off, cc->op));
			continue;
		}
		const struct field *f = &p->rows[cc->row];
		r->len = len;
		if (f->type == FIELD_LIST || f->type == FIELD_OBJECT_LIST) {
			csv_list(r, f, c);
		} else {
			field_read(f, c, 0, &v);
			csv_scalar(r, f->type, &v);
		}
		len = r->len;
	}
	r->len = len;
	put_char(r, '\n');
}

/* A JSON number, string, bool or null. */
INLINE void json_scalar(struct report *r, enum field_type t, const struct field_value *v)
{
	if (!v->known) {
		PUT_LIT(r, "null");
		return;
	}
	if (v->negative)
		put_char(r, '-');
	switch (t) {
	case FIELD_COUNT: put_u64(r, v->u); break;
	case FIELD_TIME: put_ts(r, v->u); break;
	case FIELD_MILLI: put_ms(r, v->u); break;
	case FIELD_MICRO: put_micro(r, v->u); break;
	case FIELD_BOOL: put_bool(r, v->u != 0); break;
	case FIELD_PAIR:
		put_char(r, '[');
		put_u64(r, v->u);
		put_char(r, ',');
		put_u64(r, v->u_end);
		put_char(r, ']');
		break;
	default: put_json_bytes(r, v->s, v->len); break;
	}
}

static void json_members(struct report *r, const struct field_plan *p, size_t begin, size_t end, const void *rec,
			 size_t index);

/* Row k's value in record rec (index: the entry of the list it is in). */
static void json_value(struct report *r, const struct field_plan *p, size_t k, const void *rec, size_t index)
{
	const struct field *f = &p->rows[k];
	struct field_value v;

	switch (f->type) {
	case FIELD_OBJECT:
		put_char(r, '{');
		json_members(r, p, k + 1, p->plan[k].end, rec, index);
		put_char(r, '}');
		break;
	case FIELD_OBJECT_LIST:
		put_char(r, '[');
		for (size_t i = 0, n = f->count(rec); i < n; i++) {
			if (i > 0)
				put_char(r, ',');
			put_char(r, '{');
			json_members(r, p, k + 1, p->plan[k].end, rec, i);
			put_char(r, '}');
		}
		put_char(r, ']');
		break;
	case FIELD_MAP: {
		const char *sep = "{";
		for (int key = 0; key < f->keys; key++) {
			const char *name = f->key(key);
			if (!name)
				continue;
			put_str(r, sep);
			put_json_string(r, name);
			put_char(r, ':');
			field_read(f, rec, (size_t)key, &v);
			put_u64(r, v.u);
			sep = ",";
		}
		put_str(r, *sep == '{' ? "{}" : "}");
		break;
	}
	case FIELD_LIST:
		put_char(r, '[');
		for (size_t i = 0, n = f->count(rec); i < n; i++) {
			if (i > 0)
				put_char(r, ',');
			field_read(f, rec, i, &v);
			json_scalar(r, f->item, &v);
		}
		put_char(r, ']');
		break;
	default:
		field_read(f, rec, index, &v);
		json_scalar(r, f->type, &v);
		break;
	}
}

/*
 * The members rows[begin, end) of one object, after the caller's '{': each
 * present one as "key":value (a fixed-size copy of the key, two vector
 * moves, then its length kept), absent ones left out or null as their row
 * says.
 */
static void json_members(struct report *r, const struct field_plan *p, size_t begin, size_t end, const void *rec,
			 size_t index)
{
	bool first = true;

	for (size_t k = begin; k < end; k = p->plan[k].end) {
		const struct field *f = &p->rows[k];
		const struct field_plan_row *pr = &p->plan[k];
		bool present = !f->present || f->present(rec, index);

		if (!present && !(f->flags & FIELD_ABSENT_NULL))
			continue;
		char *dst = reserve(r, FIELD_KEY_MAX);
		memcpy(dst, pr->key + first, FIELD_KEY_MAX - 1);
		r->len += pr->key_len - first;
		first = false;
		if (!present)
			PUT_LIT(r, "null");
		else if (pr->op != FIELD_OP_READ && !f->known_size)
			put_op(r, pr->op, load_at(rec, f->off, pr->op));
		else
			json_value(r, p, k, rec, index);
	}
}

/* Room a step's text and value need at most in the buffer, when the value is a number, a time or a bool. */
#define JSON_STEP_ROOM (JSON_STEP_TEXT_FAST + TS_TEXT_MAX)

/*
 * One record of kind k as a JSON line: its program's steps (jsonprog.h), in
 * order. The common step (a short text, then a number at an offset) is
 * written straight into the buffer with the length kept in a register; the
 * others go through the report's writers, the length handed over and back.
 */
static void json_record(struct report *r, enum field_kind k, const void *rec)
{
	const struct json_prog *prog = json_prog_of(k);
	size_t len = r->len;

	if (!prog)
		return;
	for (const struct json_step *s = prog->steps;; s++) {
		if (__builtin_expect(REPORT_BUF_SIZE - len < JSON_STEP_ROOM, 0)) {
			r->len = len;
			flush_buf(r);
			len = r->len;
		}
		if (__builtin_expect(s->text_len <= JSON_STEP_TEXT_FAST, 1)) {
			/* one fixed-size move: the program's text has the slack */
			memcpy(r->buf + len, prog->text + s->text, JSON_STEP_TEXT_FAST);
			len += s->text_len;
		} else {
			r->len = len;
			put_bytes(r, prog->text + s->text, s->text_len);
			len = r->len;
		}
		const char *at = (const char *)rec + s->off;
		bool known = s->known_size == 0 || field_load((const char *)rec + s->known_off, s->known_size) != 0;
		switch (s->op) {
		case FIELD_OP_U8:
			len += fmt_count(r->buf + len, known, *(const uint8_t *)at);
			continue;
		case FIELD_OP_U16:
			len += fmt_count(r->buf + len, known, *(const uint16_t *)(const void *)at);
			continue;
		case FIELD_OP_U32:
			len += fmt_count(r->buf + len, known, *(const uint32_t *)(const void *)at);
			continue;
		case FIELD_OP_U64:
			len += fmt_count(r->buf + len, known, *(const uint64_t *)(const void *)at);
			continue;
		case FIELD_OP_BOOL:
		case FIELD_OP_TIME:
		case FIELD_OP_MILLI32:
			if (known) {
				len += fmt_op(r->buf + len, s->op, load_at(rec, s->off, s->op));
			} else {
				memcpy(r->buf + len, "null", 4);
				len += 4;
			}
			continue;
		default:
			break;
		}
		r->len = len;
		switch (s->op) {
		case JSON_STEP_END:
			return;
		case JSON_STEP_GATE:
			if (!prog->plan->rows[s->row].present(rec, 0)) {
				put_bytes(r, prog->text + s->absent, s->absent_len);
				s = prog->steps + s->skip - 1;
			}
			break;
		case JSON_STEP_SCALAR: {
			const struct field *f = &prog->plan->rows[s->row];
			struct field_value v;
			field_read(f, rec, 0, &v);
			json_scalar(r, f->type, &v);
			break;
		}
		case FIELD_OP_READ:
			json_value(r, prog->plan, s->row, rec, 0);
			break;
		default:
			break;
		}
		len = r->len;
	}
}

static void json_conn(struct report *r, const struct conn_record *c)
{
	json_record(r, FIELD_CONN, c);
}

static void json_summary(struct report *r, const struct summary_record *s)
{
	json_record(r, FIELD_SUMMARY, s);
}

/* ---- events ---- */

static void text_event(struct report *r, const struct conn_event *ev)
{
	PUT_LIT(r, "event ");
	put_ts(r, ev->ts_ns);
	PUT_LIT(r, " conn ");
	put_u64(r, ev->conn_id);
	put_char(r, ' ');
	put_str(r, side_code_name(ev->side));
	if (ev->kind == EVENT_STATE) {
		put_char(r, ' ');
		put_str(r, tcp_state_name(ev->old_state));
		PUT_LIT(r, " -> ");
		put_str(r, tcp_state_name(ev->new_state));
	} else if (ev->kind == EVENT_RST) {
		PUT_LIT(r, " RST");
		if (!ev->in_window)
			PUT_LIT(r, " out of window: ignored");
		if (ev->suspect_ttl)
			PUT_LIT(r, " TTL unlike its other packets: possibly injected");
	} else {
		PUT_LIT(r, " seq ");
		put_u64(r, ev->seq);
		PUT_LIT(r, " len ");
		put_u64(r, ev->len);
		for (uint32_t bit = 1; bit != 0; bit <<= 1) {
			if ((ev->seq_bits & bit) && tcp_seq_flag_name(bit)) {
				put_char(r, ' ');
				put_str(r, tcp_seq_flag_name(bit));
			}
		}
	}
	put_char(r, '\n');
}

static void json_event(struct report *r, const struct conn_event *ev)
{
	json_record(r, FIELD_EVENT, ev);
}

/* ---- the public interface ---- */

bool report_format_parse(const char *name, enum report_format *out)
{
	static const struct {
		const char *name;
		enum report_format fmt;
	} formats[] = {
		{ "text", REPORT_TEXT },
		{ "csv", REPORT_CSV },
		{ "json", REPORT_JSON },
	};

	if (name == NULL)
		return false;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(name, formats[i].name) == 0) {
			*out = formats[i].fmt;
			return true;
		}
	}
	return false;
}

static struct report *report_new(FILE *out, enum report_format fmt)
{
	struct report *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->out = out;
	r->fmt = fmt;
	table_fit(REPORT_DEFAULT_WIDTH, &r->layout);
	return r;
}

/* A held row's turn has come: into the output buffer. */
static void put_released_row(void *ctx, const char *text, size_t len)
{
	put_bytes(ctx, text, len);
}

/* Hold records back as opts asks; false when memory runs out. */
static bool report_hold(struct report *r, const struct report_options *opts)
{
	bool reorder = r->fmt == REPORT_TEXT && opts->id_order && !opts->sorted;

	if (!reorder && !opts->sorted)
		return true;
	r->sort = opts->sort;
	r->scratch = report_new(NULL, r->fmt);
	if (!r->scratch)
		return false;
	r->scratch->layout = r->layout;
	r->hold = reorder ? rowhold_new_reorder(REPORT_REORDER_MAX, put_released_row, r)
			  : rowhold_new_sorted(opts->top, put_released_row, r);
	return r->hold != NULL;
}

struct report *report_open_with(FILE *out, enum report_format fmt, const struct report_options *opts)
{
	struct report *r = report_new(out, fmt);

	if (!r)
		return NULL;
	table_fit(opts->width ? opts->width : REPORT_DEFAULT_WIDTH, &r->layout);
	if (!report_hold(r, opts)) {
		report_close(r);
		return NULL;
	}
	if (fmt == REPORT_TEXT)
		text_header(r);
	else if (fmt == REPORT_CSV)
		csv_header(r, FIELD_CONN);
	return r;
}

struct report *report_open(FILE *out, enum report_format fmt)
{
	static const struct report_options streamed = {0};

	return report_open_with(out, fmt, &streamed);
}

struct report *report_open_bare(FILE *out, enum report_format fmt)
{
	return report_new(out, fmt);
}

struct report *report_open_memory(enum report_format fmt)
{
	return report_new(NULL, fmt);
}

bool report_holds_records(const struct report *r)
{
	return r->hold != NULL;
}

const char *report_memory_take(struct report *r, size_t *len)
{
	flush_buf(r);
	*len = r->mem_len;
	r->mem_len = 0;
	return r->mem;
}

bool report_failed(const struct report *r)
{
	return r->write_failed;
}

void report_flush(struct report *r)
{
	flush_buf(r);
	errno = 0;
	if (r->out && fflush(r->out) != 0)
		note_failure(r, errno);
}

static void format_conn(struct report *r, const struct conn_record *c);

/* Format c aside and give it to the holder, which writes it when its turn comes. */
static void hold_conn(struct report *r, const struct conn_record *c)
{
	struct table_sort_key key;
	size_t len;

	format_conn(r->scratch, c);
	const char *text = report_memory_take(r->scratch, &len);
	if (report_failed(r->scratch)) {
		r->write_failed = true;
		return;
	}
	table_sort_key(c, r->sort, &key);
	rowhold_add(r->hold, &key, text, len);
}

/* Write what is still held back, in order. */
static void release_held(struct report *r)
{
	if (r->hold)
		rowhold_finish(r->hold);
}

void report_conn(struct report *r, const struct conn_record *c)
{
	if (r->hold)
		hold_conn(r, c);
	else
		format_conn(r, c);
}

static void format_conn(struct report *r, const struct conn_record *c)
{
	switch (r->fmt) {
	case REPORT_TEXT:
		text_conn(r, c);
		break;
	case REPORT_CSV:
		csv_record(r, FIELD_CONN, c);
		break;
	case REPORT_JSON:
		json_conn(r, c);
		break;
	}
}

void report_event(struct report *r, const struct conn_event *ev)
{
	if (r->fmt == REPORT_TEXT)
		text_event(r, ev);
	else if (r->fmt == REPORT_JSON)
		json_event(r, ev);
}

void report_record(struct report *r, enum field_kind k, const void *rec)
{
	if (r->fmt == REPORT_CSV)
		csv_record(r, k, rec);
	else if (r->fmt == REPORT_JSON)
		json_record(r, k, rec);
}

void report_csv_header(struct report *r, enum field_kind k)
{
	if (r->fmt == REPORT_CSV)
		csv_header(r, k);
}

void report_summary(struct report *r, const struct summary_record *s)
{
	release_held(r);
	switch (r->fmt) {
	case REPORT_TEXT:
		text_summary(r, s);
		break;
	case REPORT_CSV:
		break; /* the table alone: no place for it */
	case REPORT_JSON:
		json_summary(r, s);
		break;
	}
}

int report_close(struct report *r)
{
	int rc;

	if (r == NULL)
		return 0;
	release_held(r);
	rowhold_free(r->hold);
	report_close(r->scratch);
	flush_buf(r);
	errno = 0;
	if (r->out && (fflush(r->out) != 0 || ferror(r->out)))
		note_failure(r, errno);
	rc = r->write_failed ? -1 : 0;
	int err = r->write_errno;
	free(r->mem);
	free(r);
	if (rc < 0)
		errno = err;
	return rc;
}
