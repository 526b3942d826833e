/* http.c - HTTP/1.x request line, Host and response status from a stream's first bytes. */
#include "http.h"

#include <string.h>

#include "bytes.h"

static const char *const http_status_names[] = {
	[HTTP_OK] = "ok",
	[HTTP_NEED_MORE] = "need_more",
	[HTTP_NOT_HTTP] = "not_http",
	[HTTP_BAD_REQUEST_LINE] = "bad_request_line",
	[HTTP_BAD_VERSION] = "bad_version",
	[HTTP_BAD_STATUS_LINE] = "bad_status_line",
	[HTTP_LINE_TOO_LONG] = "line_too_long",
	[HTTP_HEADERS_TOO_LONG] = "headers_too_long",
};
_Static_assert(sizeof http_status_names / sizeof http_status_names[0] == HTTP__COUNT,
	       "one name per http_status");

static const char *const http_method_names[] = {
	[HTTP_METHOD_NONE] = "",
	[HTTP_METHOD_GET] = "GET",
	[HTTP_METHOD_HEAD] = "HEAD",
	[HTTP_METHOD_POST] = "POST",
	[HTTP_METHOD_PUT] = "PUT",
	[HTTP_METHOD_DELETE] = "DELETE",
	[HTTP_METHOD_CONNECT] = "CONNECT",
	[HTTP_METHOD_OPTIONS] = "OPTIONS",
	[HTTP_METHOD_TRACE] = "TRACE",
	[HTTP_METHOD_PATCH] = "PATCH",
	[HTTP_METHOD_PROPFIND] = "PROPFIND",
	[HTTP_METHOD_PROPPATCH] = "PROPPATCH",
	[HTTP_METHOD_MKCOL] = "MKCOL",
	[HTTP_METHOD_COPY] = "COPY",
	[HTTP_METHOD_MOVE] = "MOVE",
	[HTTP_METHOD_LOCK] = "LOCK",
	[HTTP_METHOD_UNLOCK] = "UNLOCK",
	[HTTP_METHOD_SEARCH] = "SEARCH",
	[HTTP_METHOD_REPORT] = "REPORT",
	[HTTP_METHOD_MKCALENDAR] = "MKCALENDAR",
};
_Static_assert(sizeof http_method_names / sizeof http_method_names[0] == HTTP_METHOD__COUNT,
	       "one name per http_method");

const char *http_status_name(enum http_status s)
{
	if ((unsigned)s >= HTTP__COUNT)
		return "invalid";
	return http_status_names[s];
}

bool http_status_is_error(enum http_status s)
{
	return s > HTTP_NOT_HTTP;
}

const char *http_method_name(enum http_method m)
{
	if ((unsigned)m >= HTTP_METHOD__COUNT)
		return "invalid";
	return http_method_names[m];
}

/* ------------------------------------------------------------ the window */

/* The bytes a parse may look at, and whether the stream goes on past them. */
struct http_scan {
	struct byte_reader r;
	bool capped;
};

static void scan_init(struct http_scan *s, const uint8_t *stream, size_t len)
{
	static const uint8_t none[1];

	s->capped = len >= HTTP_HEAD_MAX;
	/* an empty stream may be NULL; the reader's pointer arithmetic needs an object */
	br_init(&s->r, len ? stream : none, s->capped ? HTTP_HEAD_MAX : len);
}

/* The window ran out before what we need: more may come, or the bound is reached. */
static enum http_status scan_short(const struct http_scan *s, enum http_status too_long)
{
	return s->capped ? too_long : HTTP_NEED_MORE;
}

/* Offset from the reader's position of the first byte c, if there is one. */
static bool br_find(const struct byte_reader *r, uint8_t c, size_t *at)
{
	size_t n = br_remaining(r);
	const uint8_t *hit = n ? memchr(br_ptr(r), c, n) : NULL;

	if (hit == NULL)
		return false;
	*at = (size_t)(hit - br_ptr(r));
	return true;
}

/* The next line without its LF and one CR before it; false when no LF is left. */
static bool br_line(struct byte_reader *r, struct byte_reader *line)
{
	size_t at;

	if (!br_find(r, '\n', &at))
		return false;
	size_t n = at > 0 && br_ptr(r)[at - 1] == '\r' ? at - 1 : at;
	br_init(line, br_ptr(r), n);
	br_skip(r, at + 1);
	return true;
}

/* ----------------------------------------------------- small byte tests */

/* Visible ASCII: anything else must be escaped before a person sees it. */
static bool all_visible(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return false;
	return true;
}

static uint8_t ascii_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* Optional whitespace, RFC 9110 section 5.6.3. */
static bool is_ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Keep at most max of the n bytes at p in dst, NUL after them; true if some were cut. */
static bool copy_bounded(char *dst, size_t max, const uint8_t *p, size_t n, uint16_t *dst_len)
{
	size_t k = n < max ? n : max;

	if (k)
		memcpy(dst, p, k);
	dst[k] = '\0';
	*dst_len = (uint16_t)k;
	return n > max;
}

/* ------------------------------------------------------------ request */

/* Does some method's name start with the n bytes at p? */
static bool method_prefix_known(const uint8_t *p, size_t n)
{
	for (int m = HTTP_METHOD_NONE + 1; m < HTTP_METHOD__COUNT; m++) {
		const char *name = http_method_names[m];
		if (strlen(name) >= n && memcmp(name, p, n) == 0)
			return true;
	}
	return false;
}

static enum http_method method_lookup(const uint8_t *p, size_t n)
{
	for (int m = HTTP_METHOD_NONE + 1; m < HTTP_METHOD__COUNT; m++) {
		const char *name = http_method_names[m];
		if (strlen(name) == n && memcmp(name, p, n) == 0)
			return (enum http_method)m;
	}
	return HTTP_METHOD_NONE;
}

/*
 * A known method and the space after it. Every byte is checked as it comes,
 * so a stream that is not HTTP is told apart at its first telling byte.
 */
static enum http_status parse_method(struct http_scan *s, enum http_method *m)
{
	const uint8_t *p = br_ptr(&s->r);
	size_t avail = br_remaining(&s->r);
	size_t n = 0;

	while (n < avail && p[n] != ' ') {
		if (!method_prefix_known(p, n + 1))
			return HTTP_NOT_HTTP;
		n++;
	}
	if (n == avail)
		return scan_short(s, HTTP_LINE_TOO_LONG);
	*m = method_lookup(p, n);
	if (*m == HTTP_METHOD_NONE)
		return HTTP_NOT_HTTP; /* "" or a method's prefix ("GE ") */
	br_skip(&s->r, n + 1);
	return HTTP_OK;
}

/* The request-target up to the space before the version: kept bounded, raw. */
static enum http_status parse_target(struct http_scan *s, struct http_request *out)
{
	const uint8_t *p = br_ptr(&s->r);
	size_t avail = br_remaining(&s->r);
	size_t n = 0;

	while (n < avail && p[n] != ' ') {
		if (p[n] == '\r' || p[n] == '\n')
			return HTTP_BAD_REQUEST_LINE; /* no version: HTTP/0.9 or junk */
		n++;
	}
	if (n == avail)
		return scan_short(s, HTTP_LINE_TOO_LONG);
	if (n == 0)
		return HTTP_BAD_REQUEST_LINE; /* two spaces */
	out->path_truncated = copy_bounded(out->path, HTTP_PATH_MAX, p, n, &out->path_len);
	out->path_suspicious = !all_visible(p, n);
	br_skip(&s->r, n + 1);
	return HTTP_OK;
}

/*
 * "HTTP/1." and one digit, the minor version (RFC 9112 section 2.3: the name
 * is case-sensitive). `differs` is the answer when the bytes are not "HTTP/1.".
 */
static enum http_status parse_version(struct http_scan *s, enum http_status differs, uint8_t *minor)
{
	static const char name[] = "HTTP/1.";
	uint8_t c;

	for (size_t i = 0; i < sizeof name - 1; i++) {
		if (!br_u8(&s->r, &c))
			return scan_short(s, HTTP_LINE_TOO_LONG);
		if (c != (uint8_t)name[i])
			return differs;
	}
	if (!br_u8(&s->r, &c))
		return scan_short(s, HTTP_LINE_TOO_LONG);
	if (c < '0' || c > '9')
		return HTTP_BAD_VERSION;
	*minor = (uint8_t)(c - '0');
	return HTTP_OK;
}

/* A line end right here: CRLF or a bare LF. */
static enum http_status parse_eol(struct http_scan *s, enum http_status bad)
{
	uint8_t c;

	if (!br_u8(&s->r, &c))
		return scan_short(s, HTTP_LINE_TOO_LONG);
	if (c == '\r' && !br_u8(&s->r, &c))
		return scan_short(s, HTTP_LINE_TOO_LONG);
	return c == '\n' ? HTTP_OK : bad;
}

/* "Host:" at the start of the line, in any case; on a match, line is left at the value. */
static bool take_host_name(struct byte_reader *line)
{
	static const char name[] = "host:";
	const uint8_t *p = br_ptr(line);

	if (!br_has(line, sizeof name - 1))
		return false;
	for (size_t i = 0; i < sizeof name - 1; i++)
		if (ascii_lower(p[i]) != (uint8_t)name[i])
			return false;
	br_skip(line, sizeof name - 1);
	return true;
}

/* The Host value without the whitespace around it (RFC 9112 section 5.1). */
static void store_host(const struct byte_reader *value, struct http_request *out)
{
	const uint8_t *p = br_ptr(value);
	size_t n = br_remaining(value);

	while (n > 0 && is_ows(p[0])) {
		p++;
		n--;
	}
	while (n > 0 && is_ows(p[n - 1]))
		n--;
	out->has_host = true;
	out->host_truncated = copy_bounded(out->host, HTTP_HOST_MAX, p, n, &out->host_len);
	out->host_suspicious = !all_visible(p, n);
}

/* Header lines until the first Host or the empty line; the others are skipped. */
static enum http_status parse_headers(struct http_scan *s, struct http_request *out)
{
	struct byte_reader line;

	while (br_line(&s->r, &line)) {
		if (br_remaining(&line) == 0)
			return HTTP_OK; /* end of the header block, no Host */
		if (take_host_name(&line)) {
			store_host(&line, out);
			return HTTP_OK;
		}
	}
	return scan_short(s, HTTP_HEADERS_TOO_LONG);
}

enum http_status http_parse_request(const uint8_t *stream, size_t len, struct http_request *out)
{
	struct http_scan s;
	enum http_status st;

	memset(out, 0, sizeof *out);
	scan_init(&s, stream, len);
	if ((st = parse_method(&s, &out->method)) != HTTP_OK ||
	    (st = parse_target(&s, out)) != HTTP_OK ||
	    (st = parse_version(&s, HTTP_BAD_VERSION, &out->version_minor)) != HTTP_OK ||
	    (st = parse_eol(&s, HTTP_BAD_REQUEST_LINE)) != HTTP_OK)
		return st;
	return parse_headers(&s, out);
}

/* ----------------------------------------------------------- response */

/* Three digits, the first not 0 (RFC 9110 section 15: 100..999). */
static enum http_status parse_code(struct http_scan *s, uint16_t *code)
{
	unsigned v = 0;

	for (int i = 0; i < 3; i++) {
		uint8_t c;
		if (!br_u8(&s->r, &c))
			return scan_short(s, HTTP_LINE_TOO_LONG);
		if (c < (i == 0 ? '1' : '0') || c > '9')
			return HTTP_BAD_STATUS_LINE;
		v = v * 10 + (unsigned)(c - '0');
	}
	*code = (uint16_t)v;
	return HTTP_OK;
}

/*
 * `HTTP/1.x SP 3DIGIT`, then a space and the reason phrase, or the line end
 * at once ("HTTP/1.1 200\r\n" is common); the reader is left after the LF.
 */
static enum http_status parse_status_line(struct http_scan *s, enum http_status differs,
					  uint16_t *code, uint8_t *minor)
{
	enum http_status st;
	uint8_t c;
	size_t at;

	if ((st = parse_version(s, differs, minor)) != HTTP_OK)
		return st;
	if (!br_u8(&s->r, &c))
		return scan_short(s, HTTP_LINE_TOO_LONG);
	if (c != ' ')
		return HTTP_BAD_STATUS_LINE;
	if ((st = parse_code(s, code)) != HTTP_OK)
		return st;
	if (!br_has(&s->r, 1))
		return scan_short(s, HTTP_LINE_TOO_LONG);
	c = br_ptr(&s->r)[0];
	if (c != ' ' && c != '\r' && c != '\n')
		return HTTP_BAD_STATUS_LINE; /* a fourth digit, or junk */
	if (!br_find(&s->r, '\n', &at))
		return scan_short(s, HTTP_LINE_TOO_LONG);
	br_skip(&s->r, at + 1);
	return HTTP_OK;
}

/* An interim response's header lines, up to and with the empty line. */
static enum http_status skip_header_block(struct http_scan *s)
{
	struct byte_reader line;

	while (br_line(&s->r, &line))
		if (br_remaining(&line) == 0)
			return HTTP_OK;
	return scan_short(s, HTTP_HEADERS_TOO_LONG);
}

/* 1xx but 101: another status line follows (RFC 9110 section 15.2). */
static bool is_interim(uint16_t code)
{
	return code >= 100 && code <= 199 && code != 101;
}

enum http_status http_parse_response(const uint8_t *stream, size_t len, struct http_response *out)
{
	struct http_scan s;
	enum http_status st, differs = HTTP_NOT_HTTP;
	uint16_t code = 0, interim = 0;
	uint8_t minor = 0;

	scan_init(&s, stream, len);
	for (;;) {
		/* each turn eats at least a status line, so the window bounds the loop */
		if ((st = parse_status_line(&s, differs, &code, &minor)) != HTTP_OK)
			return st;
		if (!is_interim(code))
			break;
		if ((st = skip_header_block(&s)) != HTTP_OK)
			return st;
		interim = code;
		differs = HTTP_BAD_STATUS_LINE; /* HTTP already, so this is an error now */
	}
	out->status_code = code;
	out->interim_code = interim;
	out->version_minor = minor;
	return HTTP_OK;
}
