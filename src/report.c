/* report.c - the report writer: connection records and the summary as text, CSV or JSON Lines. */
#include "report.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
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

/* ,"name": of each sequence counter, made once (a record writes 34 of them). */
#define SEQ_KEY_MAX 32

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
	char seq_key[SEQ__COUNT][SEQ_KEY_MAX];
	uint8_t seq_key_len[SEQ__COUNT];
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

/* ---- CSV ---- */

/* The RTT figures, in the order of the CSV columns and of the JSON rtt object. */
enum { RTT_MIN, RTT_AVG, RTT_MAX, RTT_STDDEV, RTT_SRTT, RTT_RTTVAR, RTT_RTO, RTT__COUNT };
static const char *const rtt_names[RTT__COUNT] = {
	"min_ms", "avg_ms", "max_ms", "stddev_ms", "srtt_ms", "rttvar_ms", "rto_ms",
};

static uint64_t isqrt_u64(uint64_t v)
{
	if (v == 0)
		return 0;
	/* the highest power of four not above v */
	uint64_t x = 0, bit = (uint64_t)1 << ((63 - __builtin_clzll(v)) & ~1);
	while (bit != 0) {
		if (v >= x + bit) {
			v -= x + bit;
			x = (x >> 1) + bit;
		} else {
			x >>= 1;
		}
		bit >>= 2;
	}
	return x;
}

/* The RTT figures in microseconds (only meaningful when there are samples). */
static void rtt_values(const struct seq_figures *f, uint64_t v[RTT__COUNT])
{
	const struct tcp_rtt_stats *t = &f->rtt;
	uint64_t n = t->samples ? t->samples : 1;
	/* the mean rounded to the microsecond, without overflowing sum + n/2 */
	uint64_t mean = t->sum_us / n + (t->sum_us % n >= n - n / 2 ? 1 : 0);
	/* sample variance, as tcptrace: (sum x^2 - (sum x)^2 / n) / (n - 1), in
	 * us^2; double because (sum x)^2 overflows 64 bits on long captures */
	double var = 0.0;
	if (n > 1) {
		double sum = (double)t->sum_us;
		var = ((double)t->sum_sq_us - sum * sum / (double)n) / (double)(n - 1);
	}

	v[RTT_MIN] = t->min_us;
	v[RTT_AVG] = mean;
	v[RTT_MAX] = t->max_us;
	v[RTT_STDDEV] = isqrt_u64(var > 0.0 ? (uint64_t)(var + 0.5) : 0);
	v[RTT_SRTT] = t->srtt_us;
	v[RTT_RTTVAR] = t->rttvar_us;
	v[RTT_RTO] = f->rto_us;
}

/* The timestamp RTT's min, avg and max (us) and whether each is known. */
static void ts_rtt_values(const struct seq_figures *f, uint64_t v[3], bool known[3])
{
	const struct tcp_ts_rtt *t = &f->ts_rtt;
	bool any = t->samples > 0;
	v[0] = t->min_us;
	v[1] = any ? (t->sum_us + t->samples / 2) / t->samples : 0;
	v[2] = t->max_us;
	known[0] = known[2] = any;
	known[1] = any && f->ts_avg_known;
}

static void csv_seq_header(struct report *r, const char *dir)
{
	for (int k = 0; k < SEQ__COUNT; k++) {
		put_str(r, dir);
		put_str(r, seq_counter_name((enum seq_counter)k));
		put_char(r, ',');
	}
	static const char *const more[] = {"retransmitted_bytes", "zero_window_time", "win_min", "win_max", "max_in_flight",
					   "timeout_backoff_ms", "rtt_samples"};
	for (size_t k = 0; k < sizeof(more) / sizeof(more[0]); k++) {
		put_str(r, dir);
		put_str(r, more[k]);
		put_char(r, ',');
	}
	for (int k = 0; k < RTT__COUNT; k++) {
		put_str(r, dir);
		PUT_LIT(r, "rtt_");
		put_str(r, rtt_names[k]);
		put_char(r, ',');
	}
	static const char *const ts[] = {"rtt_ts_samples", "rtt_ts_min_ms", "rtt_ts_avg_ms", "rtt_ts_max_ms"};
	for (size_t k = 0; k < sizeof(ts) / sizeof(ts[0]); k++) {
		put_str(r, dir);
		put_str(r, ts[k]);
		put_char(r, ',');
	}
}

static void csv_header(struct report *r)
{
	PUT_LIT(r, "id,ts_first,ts_last,duration,ip_version,client_ip,client_port,server_ip,"
		   "server_port,direction_inferred,end_reason,c2s_packets,c2s_bytes,"
		   "c2s_payload_bytes,s2c_packets,s2c_bytes,s2c_payload_bytes,");
	csv_seq_header(r, "c2s_");
	csv_seq_header(r, "s2c_");
	PUT_LIT(r, "tls_sni,tls_alpn,tls_versions,tls_version_chosen,tls_ech,"
		   "http_method,http_host,http_path,http_status,"
		   "state,history,client_state,server_state,syn_count,synack_count,"
		   "syn_synack_ms,synack_ack_ms,c2s_fin,c2s_rst,c2s_rst_ignored,s2c_fin,s2c_rst,"
		   "s2c_rst_ignored,first_fin,active_closer,reset_by,half_close,time_wait_reuse,"
		   "diagnoses\n");
}

static void csv_endpoint(struct report *r, const struct endpoint *e, int ip_version)
{
	char ip[ADDR_TEXT_MAX];

	endpoint_addr_str(e, ip_version, ip, sizeof(ip));
	put_csv_field(r, ip);
	put_char(r, ',');
	put_u64(r, e->port);
	put_char(r, ',');
}

static void csv_dir(struct report *r, const struct dir_stats *d)
{
	put_u64(r, d->packets);
	put_char(r, ',');
	put_u64(r, d->bytes);
	put_char(r, ',');
	put_u64(r, d->payload_bytes);
}

/* The c2s_* or s2c_* sequence columns, each preceded by a comma; empty cells for unknowns. */
static void csv_seq(struct report *r, const struct seq_figures *f)
{
	for (int k = 0; k < SEQ__COUNT; k++) {
		put_char(r, ',');
		put_u64(r, f->counts[k]);
	}
	put_char(r, ',');
	put_u64(r, f->retransmitted_bytes);
	put_char(r, ',');
	put_ms(r, f->zero_window_ms); /* ms -> seconds, three decimals */
	put_char(r, ',');
	if (f->win_known)
		put_u64(r, f->win_min);
	put_char(r, ',');
	if (f->win_known)
		put_u64(r, f->win_max);
	put_char(r, ',');
	put_u64(r, f->max_in_flight);
	put_char(r, ',');
	for (int i = 0; i < f->backoff_n; i++) {
		if (i > 0)
			put_char(r, ';');
		put_ms(r, f->backoff_us[i]);
	}
	put_char(r, ',');
	put_u64(r, f->rtt.samples);
	uint64_t v[RTT__COUNT];
	rtt_values(f, v);
	for (int k = 0; k < RTT__COUNT; k++) {
		put_char(r, ',');
		if (f->rtt.samples)
			put_ms(r, v[k]);
	}
	uint64_t ts[3];
	bool ts_known[3];
	ts_rtt_values(f, ts, ts_known);
	put_char(r, ',');
	put_u64(r, f->ts_rtt.samples);
	for (int k = 0; k < 3; k++) {
		put_char(r, ',');
		if (ts_known[k])
			put_ms(r, ts[k]);
	}
}

/* A string the observers kept, as a CSV field (empty when absent). */
static void csv_app_string(struct report *r, const struct app_info *ai, enum app_string k)
{
	if (ai->str[k])
		put_csv_wire(r, ai->str[k], ai->len[k]);
}

/*
 * The offered ALPN names joined by ',' as one CSV field. A comma inside a
 * name (any byte may be one) is written \x2c, as the text escapes write
 * bytes, so that the list splits back into the names it was.
 */
static void csv_alpn(struct report *r, const struct app_info *ai)
{
	const char *name;
	size_t len;
	bool quote = false;
	for (size_t pos = 0, k = 0; app_alpn_next(ai, &pos, &name, &len); k++)
		quote = quote || k > 0 || memchr(name, '"', len) != NULL;
	if (quote)
		put_char(r, '"');
	for (size_t pos = 0, k = 0; app_alpn_next(ai, &pos, &name, &len); k++) {
		if (k > 0)
			put_char(r, ',');
		const char *comma;
		while ((comma = memchr(name, ',', len)) != NULL) {
			put_text_bytes(r, name, (size_t)(comma - name), quote);
			PUT_LIT(r, "\\x2c");
			len -= (size_t)(comma - name) + 1;
			name = comma + 1;
		}
		put_text_bytes(r, name, len, quote);
	}
	if (quote)
		put_char(r, '"');
}

/* tls_* then http_* columns, empty where they do not apply; versions joined by ';'. */
static void csv_app(struct report *r, const struct app_info *ai)
{
	const bool tls = ai && ai->proto == APP_TLS, http = ai && ai->proto == APP_HTTP;
	char vbuf[TLS_VERSION_NAME_MAX];

	put_char(r, ',');
	if (tls)
		csv_app_string(r, ai, APP_SNI);
	put_char(r, ',');
	if (tls)
		csv_alpn(r, ai);
	put_char(r, ',');
	for (int i = 0; tls && i < ai->versions_count; i++) {
		if (i > 0)
			put_char(r, ';');
		put_str(r, tls_version_name(ai->versions[i], vbuf, sizeof(vbuf)));
	}
	put_char(r, ',');
	if (tls && ai->server_hello)
		put_str(r, tls_version_name(ai->version_chosen, vbuf, sizeof(vbuf)));
	put_char(r, ',');
	if (tls)
		put_bool(r, ai->ech);
	put_char(r, ',');
	if (http)
		put_str(r, http_method_name((enum http_method)ai->method));
	put_char(r, ',');
	if (http)
		csv_app_string(r, ai, APP_HTTP_HOST);
	put_char(r, ',');
	if (http)
		csv_app_string(r, ai, APP_HTTP_PATH);
	put_char(r, ',');
	if (http && ai->status)
		put_u64(r, ai->status);
}

static void csv_side(struct report *r, int side)
{
	put_char(r, ',');
	if (side_code_name(side))
		put_str(r, side_code_name(side));
}

/* The life-cycle columns; an unknown time is an empty field, diagnoses are joined by "; ". */
static void csv_lifecycle(struct report *r, const struct lifecycle_record *lc)
{
	put_char(r, ',');
	put_str(r, lc->state);
	put_char(r, ',');
	put_str(r, lc->history); /* letters and '^' only */
	put_char(r, ',');
	put_str(r, lc->client_state);
	put_char(r, ',');
	put_str(r, lc->server_state);
	put_char(r, ',');
	put_u64(r, lc->syn_count);
	put_char(r, ',');
	put_u64(r, lc->synack_count);
	put_char(r, ',');
	if (lc->have_syn_synack)
		put_ms(r, lc->syn_synack_us);
	put_char(r, ',');
	if (lc->have_synack_ack)
		put_ms(r, lc->synack_ack_us);
	for (int i = 0; i < 2; i++) {
		put_char(r, ',');
		put_u64(r, lc->fin[i]);
		put_char(r, ',');
		put_u64(r, lc->rst[i]);
		put_char(r, ',');
		put_u64(r, lc->rst_ignored[i]);
	}
	csv_side(r, lc->first_fin);
	csv_side(r, lc->active_closer);
	csv_side(r, lc->reset_by);
	put_char(r, ',');
	put_bool(r, lc->half_close);
	put_char(r, ',');
	put_bool(r, lc->time_wait_reuse);
	put_char(r, ',');
	char joined[LC_DIAG_MAX * (LC_DIAG_LEN + 2)] = "";
	for (int i = 0; i < lc->ndiag; i++) {
		if (i > 0)
			strcat(joined, "; ");
		strcat(joined, lc->diag[i]);
	}
	put_csv_field(r, joined);
}

static void csv_conn(struct report *r, const struct conn_record *c)
{
	put_u64(r, c->id);
	put_char(r, ',');
	put_ts(r, c->ts_first_ns);
	put_char(r, ',');
	put_ts(r, c->ts_last_ns);
	put_char(r, ',');
	put_ts(r, span_ns(c->ts_first_ns, c->ts_last_ns));
	put_char(r, ',');
	put_u64(r, c->ip_version);
	put_char(r, ',');
	csv_endpoint(r, &c->client, c->ip_version);
	csv_endpoint(r, &c->server, c->ip_version);
	put_bool(r, c->direction_inferred);
	put_char(r, ',');
	put_csv_field(r, end_reason_name(c->end_reason));
	put_char(r, ',');
	csv_dir(r, &c->c2s);
	put_char(r, ',');
	csv_dir(r, &c->s2c);
	csv_seq(r, &c->c2s_seq);
	csv_seq(r, &c->s2c_seq);
	csv_app(r, c->app);
	csv_lifecycle(r, &c->lc);
	put_char(r, '\n');
}

/* ---- JSON Lines ---- */

/* ,"key": (keys are ours: plain ASCII, nothing to escape) */
INLINE void json_key(struct report *r, const char *key)
{
	PUT_LIT(r, ",\"");
	put_str(r, key);
	PUT_LIT(r, "\":");
}

/* ,"key":N */
INLINE void json_num(struct report *r, const char *key, uint64_t v)
{
	json_key(r, key);
	put_u64(r, v);
}

static void json_endpoint(struct report *r, const struct endpoint *e, int ip_version)
{
	char ip[ADDR_TEXT_MAX];

	endpoint_addr_str(e, ip_version, ip, sizeof(ip)); /* digits, '.', ':' only */
	PUT_LIT(r, "{\"ip\":\"");
	put_str(r, ip);
	PUT_LIT(r, "\",\"port\":");
	put_u64(r, e->port);
	put_char(r, '}');
}

/* ,"key":N or ,"key":null */
INLINE void json_num_or_null(struct report *r, const char *key, bool known, uint64_t v)
{
	json_key(r, key);
	if (known)
		put_u64(r, v);
	else
		PUT_LIT(r, "null");
}

/* ,"key":ms (from microseconds) or ,"key":null */
INLINE void json_ms(struct report *r, const char *key, bool known, uint64_t us)
{
	json_key(r, key);
	if (known)
		put_ms(r, us);
	else
		PUT_LIT(r, "null");
}

/* ,"key":[ms,...] from n microsecond values */
static void json_intervals(struct report *r, const char *key, const uint32_t *us, int n)
{
	json_key(r, key);
	put_char(r, '[');
	for (int i = 0; i < n; i++) {
		if (i > 0)
			put_char(r, ',');
		put_ms(r, us[i]);
	}
	put_char(r, ']');
}

/* "rtt_ts":{"samples":N,"min_ms":...,"avg_ms":...,"max_ms":...}, null where unknown. */
static void json_ts_rtt(struct report *r, const struct seq_figures *f)
{
	static const char *const names[3] = {"min_ms", "avg_ms", "max_ms"};
	uint64_t v[3];
	bool known[3];
	ts_rtt_values(f, v, known);
	PUT_LIT(r, ",\"rtt_ts\":{\"samples\":");
	put_u64(r, f->ts_rtt.samples);
	for (int k = 0; k < 3; k++)
		json_ms(r, names[k], known[k], v[k]);
	put_char(r, '}');
}

/* "rtt":{"samples":N,"min_ms":...}; the figures are null without samples. */
static void json_rtt(struct report *r, const struct seq_figures *f)
{
	uint64_t v[RTT__COUNT];

	if (f->rtt.samples == 0) {
		PUT_LIT(r, ",\"rtt\":{\"samples\":0,\"min_ms\":null,\"avg_ms\":null,\"max_ms\":null,"
			   "\"stddev_ms\":null,\"srtt_ms\":null,\"rttvar_ms\":null,\"rto_ms\":null}");
		return;
	}
	rtt_values(f, v);
	PUT_LIT(r, ",\"rtt\":{\"samples\":");
	put_u64(r, f->rtt.samples);
	for (int k = 0; k < RTT__COUNT; k++)
		json_ms(r, rtt_names[k], true, v[k]);
	put_char(r, '}');
}

/* One direction: its counters, what its sender did in the life cycle (side 0
 * client, 1 server), and its sequence analysis. */
static void json_dir(struct report *r, const struct dir_stats *d, const struct seq_figures *f,
		     const struct lifecycle_record *lc, int side)
{
	PUT_LIT(r, "{\"packets\":");
	put_u64(r, d->packets);
	PUT_LIT(r, ",\"bytes\":");
	put_u64(r, d->bytes);
	PUT_LIT(r, ",\"payload_bytes\":");
	put_u64(r, d->payload_bytes);
	json_num(r, "fin", lc->fin[side]);
	json_num(r, "rst", lc->rst[side]);
	json_num(r, "rst_ignored", lc->rst_ignored[side]);
	json_num(r, "rst_suspect_ttl", lc->rst_suspect_ttl[side]);
	char *dst = reserve(r, SEQ__COUNT * (SEQ_KEY_MAX + U64_TEXT_MAX));
	size_t n = 0;
	for (int k = 0; k < SEQ__COUNT; k++) {
		/* a fixed-size copy (two vector moves) beats a short variable one */
		memcpy(dst + n, r->seq_key[k], SEQ_KEY_MAX);
		n += r->seq_key_len[k];
		n += fmt_u64(dst + n, f->counts[k]);
	}
	r->len += n;
	json_num(r, "retransmitted_bytes", f->retransmitted_bytes);
	PUT_LIT(r, ",\"zero_window_time\":");
	put_ms(r, f->zero_window_ms); /* ms -> seconds, three decimals */
	json_num_or_null(r, "win_min", f->win_known, f->win_min);
	json_num_or_null(r, "win_max", f->win_known, f->win_max);
	PUT_LIT(r, ",\"max_in_flight\":");
	put_u64(r, f->max_in_flight);
	json_intervals(r, "timeout_backoff_ms", f->backoff_us, f->backoff_n);
	json_rtt(r, f);
	json_ts_rtt(r, f);
	put_char(r, '}');
}

static void json_times(struct report *r, uint64_t first, uint64_t last)
{
	PUT_LIT(r, ",\"ts_first\":");
	put_ts(r, first);
	PUT_LIT(r, ",\"ts_last\":");
	put_ts(r, last);
	PUT_LIT(r, ",\"duration\":");
	put_ts(r, span_ns(first, last));
}

/* ,"key":"string from the wire" or ,"key":null */
/* A string the observers kept, as a JSON string, or null when absent. */
static void json_app_string(struct report *r, const struct app_info *ai, enum app_string k)
{
	if (ai->str[k])
		put_json_bytes(r, ai->str[k], ai->len[k]);
	else
		PUT_LIT(r, "null");
}

/* ,"key":"string from the wire" or ,"key":null */
static void json_wire(struct report *r, const char *key, const struct app_info *ai, enum app_string k)
{
	put_char(r, ',');
	put_json_string(r, key);
	put_char(r, ':');
	json_app_string(r, ai, k);
}

static void json_tls(struct report *r, const struct app_info *ai)
{
	char vbuf[TLS_VERSION_NAME_MAX];

	PUT_LIT(r, ",\"tls\":{\"sni\":");
	json_app_string(r, ai, APP_SNI);
	/* the offered list, split back into names */
	PUT_LIT(r, ",\"alpn\":[");
	const char *name;
	size_t len;
	for (size_t pos = 0, k = 0; app_alpn_next(ai, &pos, &name, &len); k++) {
		if (k > 0)
			put_char(r, ',');
		put_json_bytes(r, name, len);
	}
	PUT_LIT(r, "],\"versions\":[");
	for (int i = 0; i < ai->versions_count; i++) {
		if (i > 0)
			put_char(r, ',');
		put_json_string(r, tls_version_name(ai->versions[i], vbuf, sizeof(vbuf)));
	}
	PUT_LIT(r, "],\"version_chosen\":");
	if (ai->server_hello)
		put_json_string(r, tls_version_name(ai->version_chosen, vbuf, sizeof(vbuf)));
	else
		PUT_LIT(r, "null");
	json_wire(r, "alpn_chosen", ai, APP_ALPN_CHOSEN);
	PUT_LIT(r, ",\"ech\":");
	put_bool(r, ai->ech);
	PUT_LIT(r, ",\"psk\":");
	put_bool(r, ai->psk);
	put_char(r, '}');
}

static void json_http(struct report *r, const struct app_info *ai)
{
	PUT_LIT(r, ",\"http\":{\"method\":");
	put_json_string(r, http_method_name((enum http_method)ai->method));
	json_wire(r, "host", ai, APP_HTTP_HOST);
	json_wire(r, "path", ai, APP_HTTP_PATH);
	PUT_LIT(r, ",\"status\":");
	if (ai->status)
		put_u64(r, ai->status);
	else
		PUT_LIT(r, "null");
	put_char(r, '}');
}

/* "key":"client"|"server"|"both"|null */
static void json_side(struct report *r, const char *key, int side)
{
	put_json_string(r, key);
	put_char(r, ':');
	if (side_code_name(side))
		put_json_string(r, side_code_name(side));
	else
		PUT_LIT(r, "null");
}

/* A side's SYN options, or null when its SYN/SYN-ACK was not captured. */
static void json_syn_options(struct report *r, const struct lc_syn_options *o)
{
	if (!o->seen) {
		PUT_LIT(r, "null");
		return;
	}
	PUT_LIT(r, "{\"mss\":");
	if (o->has_mss)
		put_u64(r, o->mss);
	else
		PUT_LIT(r, "null");
	PUT_LIT(r, ",\"wscale\":");
	if (o->wscale != LC_NO_WSCALE)
		put_u64(r, o->wscale);
	else
		PUT_LIT(r, "null");
	PUT_LIT(r, ",\"sack_permitted\":");
	put_bool(r, o->sack_permitted);
	PUT_LIT(r, ",\"timestamps\":");
	put_bool(r, o->timestamps);
	PUT_LIT(r, ",\"tfo\":");
	put_bool(r, o->tfo);
	put_char(r, '}');
}

static void json_handshake(struct report *r, const struct lifecycle_record *lc)
{
	PUT_LIT(r, ",\"handshake\":{\"syn_count\":");
	put_u64(r, lc->syn_count);
	json_num(r, "synack_count", lc->synack_count);
	json_intervals(r, "syn_retry_intervals_ms", lc->syn_interval_us, lc->syn_intervals);
	json_intervals(r, "synack_retry_intervals_ms", lc->synack_interval_us, lc->synack_intervals);
	json_ms(r, "syn_synack_ms", lc->have_syn_synack, lc->syn_synack_us);
	json_ms(r, "synack_ack_ms", lc->have_synack_ack, lc->synack_ack_us);
	json_ms(r, "rtt_ms", lc->have_syn_synack && lc->have_synack_ack,
		(uint64_t)lc->syn_synack_us + lc->synack_ack_us);
	PUT_LIT(r, ",\"completed\":");
	put_bool(r, lc->completed);
	PUT_LIT(r, ",\"simultaneous_open\":");
	put_bool(r, lc->simultaneous_open);
	PUT_LIT(r, ",\"client\":");
	json_syn_options(r, &lc->options[0]);
	PUT_LIT(r, ",\"server\":");
	json_syn_options(r, &lc->options[1]);
	put_char(r, '}');
}

static void json_lifecycle(struct report *r, const struct lifecycle_record *lc)
{
	PUT_LIT(r, ",\"state\":");
	put_json_string(r, lc->state);
	PUT_LIT(r, ",\"history\":");
	put_json_string(r, lc->history);
	PUT_LIT(r, ",\"client_state\":");
	put_json_string(r, lc->client_state);
	PUT_LIT(r, ",\"server_state\":");
	put_json_string(r, lc->server_state);
	json_handshake(r, lc);
	PUT_LIT(r, ",\"teardown\":{");
	json_side(r, "first_fin", lc->first_fin);
	put_char(r, ',');
	json_side(r, "active_closer", lc->active_closer);
	put_char(r, ',');
	json_side(r, "reset_by", lc->reset_by);
	PUT_LIT(r, ",\"half_close\":");
	put_bool(r, lc->half_close);
	PUT_LIT(r, ",\"time_wait_reuse\":");
	put_bool(r, lc->time_wait_reuse);
	put_char(r, '}');
}

static void json_conn(struct report *r, const struct conn_record *c)
{
	PUT_LIT(r, "{\"type\":\"conn\"");
	json_num(r, "id", c->id);
	json_times(r, c->ts_first_ns, c->ts_last_ns);
	json_num(r, "ip_version", c->ip_version);
	PUT_LIT(r, ",\"client\":");
	json_endpoint(r, &c->client, c->ip_version);
	PUT_LIT(r, ",\"server\":");
	json_endpoint(r, &c->server, c->ip_version);
	PUT_LIT(r, ",\"direction_inferred\":");
	put_bool(r, c->direction_inferred);
	PUT_LIT(r, ",\"end_reason\":");
	put_json_string(r, end_reason_name(c->end_reason));
	json_lifecycle(r, &c->lc);
	PUT_LIT(r, ",\"c2s\":");
	json_dir(r, &c->c2s, &c->c2s_seq, &c->lc, 0);
	PUT_LIT(r, ",\"s2c\":");
	json_dir(r, &c->s2c, &c->s2c_seq, &c->lc, 1);
	if (c->app && c->app->proto == APP_TLS)
		json_tls(r, c->app);
	else if (c->app && c->app->proto == APP_HTTP)
		json_http(r, c->app);
	PUT_LIT(r, ",\"diagnoses\":[");
	for (int i = 0; i < c->lc.ndiag; i++) {
		if (i > 0)
			put_char(r, ',');
		put_json_string(r, c->lc.diag[i]);
	}
	PUT_LIT(r, "]}\n");
}

static void json_summary(struct report *r, const struct summary_record *s)
{
	const char *sep = "";

	PUT_LIT(r, "{\"type\":\"summary\"");
	json_times(r, s->ts_first_ns, s->ts_last_ns);
	json_num(r, "frames", s->frames);
	json_num(r, "frame_bytes", s->frame_bytes);
	json_num(r, "tcp_packets", s->tcp_packets);
	json_num(r, "not_ip", s->status[DECODE_NOT_IP]);
	json_num(r, "not_tcp", s->status[DECODE_NOT_TCP]);
	json_num(r, "ip_fragments", s->status[DECODE_IP_FRAGMENT]);
	PUT_LIT(r, ",\"decode_errors\":{");
	for (int i = 0; i < DECODE__COUNT; i++) {
		if (summary_lists_status((enum decode_status)i)) {
			put_str(r, sep);
			put_json_string(r, decode_status_name((enum decode_status)i));
			put_char(r, ':');
			put_u64(r, s->status[i]);
			sep = ",";
		}
	}
	put_char(r, '}');
	struct observer_counts obs[OBSERVERS];
	observer_table(s, obs);
	PUT_LIT(r, ",\"observers\":{");
	for (int k = 0; k < OBSERVERS; k++) {
		put_json_string(r, obs[k].name);
		PUT_LIT(r, ":{");
		for (int i = 0; i < obs[k].n; i++) {
			if (i > 0)
				put_char(r, ',');
			put_json_string(r, obs[k].outcome(i));
			put_char(r, ':');
			put_u64(r, obs[k].counts[i]);
		}
		PUT_LIT(r, "},");
	}
	PUT_LIT(r, "\"out_of_memory\":");
	put_u64(r, s->app.out_of_memory);
	put_char(r, '}');
	json_num(r, "connections", s->connections);
	PUT_LIT(r, ",\"end_reasons\":{");
	for (int i = 0; i < END__COUNT; i++) {
		if (i > 0)
			put_char(r, ',');
		put_json_string(r, end_reason_name((enum end_reason)i));
		put_char(r, ':');
		put_u64(r, s->end_reasons[i]);
	}
	put_char(r, '}');
	json_num(r, "time_wait_reuses", s->time_wait_reuses);
	json_num(r, "rst_ignored", s->rst_ignored);
	json_num(r, "rst_suspect_ttl", s->rst_suspect_ttl);
	json_num(r, "negative_gaps", s->negative_gaps);
	PUT_LIT(r, ",\"syn_flood\":[");
	for (size_t i = 0; i < s->half_open_servers; i++) {
		const struct halfopen_server *h = &s->half_open[i];
		if (i > 0)
			put_char(r, ',');
		PUT_LIT(r, "{\"server\":");
		json_endpoint(r, &h->server, h->ip_version);
		json_num(r, "half_open", h->half_open);
		json_num(r, "sources", h->sources);
		PUT_LIT(r, ",\"sources_capped\":");
		put_bool(r, h->sources_capped);
		if (h->half_open_capped) /* only then: the count is a lower bound */
			PUT_LIT(r, ",\"half_open_capped\":true");
		PUT_LIT(r, ",\"flood\":");
		put_bool(r, h->flood);
		put_char(r, '}');
	}
	put_char(r, ']');
	if (s->half_open_omitted_servers) {
		PUT_LIT(r, ",\"syn_flood_omitted\":{\"servers\":");
		put_u64(r, s->half_open_omitted_servers);
		json_num(r, "half_open", s->half_open_omitted);
		put_char(r, '}');
	}
	json_num(r, "peak_flows", s->peak_flows);
	json_num(r, "max_flows", s->max_flows);
	PUT_LIT(r, ",\"live\":");
	put_bool(r, s->live);
	if (s->live)
		json_num(r, "late_packets", s->late_packets);
	if (s->have_pcap_stats) {
		PUT_LIT(r, ",\"pcap\":{\"received\":");
		put_u64(r, s->pcap_received);
		json_num(r, "dropped", s->pcap_dropped);
		json_num(r, "if_dropped", s->pcap_if_dropped);
		put_char(r, '}');
	}
	if (s->interrupted_by)
		PUT_LIT(r, ",\"interrupted\":true");
	if (s->clock_faults)
		json_num(r, "clock_faults", s->clock_faults);
	if (s->app.over_budget)
		json_num(r, "reassembly_over_budget", s->app.over_budget);
	if (s->input_warning != NULL) {
		PUT_LIT(r, ",\"warning\":");
		put_json_string(r, s->input_warning);
	}
	PUT_LIT(r, "}\n");
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
	PUT_LIT(r, "{\"type\":\"event\",\"ts\":");
	put_ts(r, ev->ts_ns);
	json_num(r, "conn", ev->conn_id);
	PUT_LIT(r, ",\"side\":");
	put_json_string(r, side_code_name(ev->side));
	if (ev->kind == EVENT_STATE) {
		PUT_LIT(r, ",\"event\":\"state\",\"old\":");
		put_json_string(r, tcp_state_name(ev->old_state));
		PUT_LIT(r, ",\"new\":");
		put_json_string(r, tcp_state_name(ev->new_state));
	} else if (ev->kind == EVENT_RST) {
		PUT_LIT(r, ",\"event\":\"rst\",\"in_window\":");
		put_bool(r, ev->in_window);
		PUT_LIT(r, ",\"suspect_ttl\":");
		put_bool(r, ev->suspect_ttl);
	} else {
		PUT_LIT(r, ",\"event\":\"analysis\",\"seq\":");
		put_u64(r, ev->seq);
		PUT_LIT(r, ",\"len\":");
		put_u64(r, ev->len);
		PUT_LIT(r, ",\"kinds\":[");
		const char *sep = "";
		for (uint32_t bit = 1; bit != 0; bit <<= 1) {
			if ((ev->seq_bits & bit) && tcp_seq_flag_name(bit)) {
				put_str(r, sep);
				put_json_string(r, tcp_seq_flag_name(bit));
				sep = ",";
			}
		}
		put_char(r, ']');
	}
	PUT_LIT(r, "}\n");
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
	for (int k = 0; k < SEQ__COUNT; k++) {
		int n = snprintf(r->seq_key[k], SEQ_KEY_MAX, ",\"%s\":", seq_counter_name((enum seq_counter)k));
		r->seq_key_len[k] = (uint8_t)(n > 0 && n < SEQ_KEY_MAX ? n : 0);
	}
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
		csv_header(r);
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
		csv_conn(r, c);
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
