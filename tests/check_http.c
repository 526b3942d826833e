/* check_http.c - the HTTP/1.x request and response parsers on hand-written streams: fields, every prefix, hostile input, bounds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "suites.h"

/* A string literal as bytes and length (NULs inside included, the final one not). */
#define LIT(s) (const uint8_t *)(s), sizeof(s) - 1

#define ck_hstatus(got, want)                                                      \
	do {                                                                       \
		enum http_status got_ = (got), want_ = (want);                     \
		ck_assert_msg(got_ == want_, "status %s, expected %s",             \
			      http_status_name(got_), http_status_name(want_));   \
	} while (0)

/*
 * Parse from an exact-length heap copy, so AddressSanitizer flags any read
 * past len (len 0 passes NULL). *out is poisoned first to catch fields the
 * parser forgets to set.
 */
static enum http_status req_copy(const uint8_t *bytes, size_t len, size_t claim,
				 struct http_request *out)
{
	uint8_t *copy = len ? malloc(len) : NULL;
	ck_assert(copy != NULL || len == 0);
	if (len)
		memcpy(copy, bytes, len);
	memset(out, 0xa5, sizeof *out);
	enum http_status st = http_parse_request(copy, claim, out);
	free(copy);
	return st;
}

static enum http_status req(const uint8_t *bytes, size_t len, struct http_request *out)
{
	return req_copy(bytes, len, len, out);
}

static enum http_status resp(const uint8_t *bytes, size_t len, struct http_response *out)
{
	uint8_t *copy = len ? malloc(len) : NULL;
	ck_assert(copy != NULL || len == 0);
	if (len)
		memcpy(copy, bytes, len);
	memset(out, 0xa5, sizeof *out);
	enum http_status st = http_parse_response(copy, len, out);
	free(copy);
	return st;
}

/* Two parses gave the same request (the fields the contract promises). */
static void ck_same_request(const struct http_request *a, const struct http_request *b)
{
	ck_assert_int_eq(a->method, b->method);
	ck_assert_uint_eq(a->version_minor, b->version_minor);
	ck_assert_uint_eq(a->path_len, b->path_len);
	ck_assert_mem_eq(a->path, b->path, a->path_len + 1u);
	ck_assert(a->path_truncated == b->path_truncated);
	ck_assert(a->path_suspicious == b->path_suspicious);
	ck_assert(a->has_host == b->has_host);
	ck_assert_uint_eq(a->host_len, b->host_len);
	ck_assert_mem_eq(a->host, b->host, a->host_len + 1u);
	ck_assert(a->host_truncated == b->host_truncated);
	ck_assert(a->host_suspicious == b->host_suspicious);
}

/*
 * The parser decides at byte `stop` of this stream: every shorter prefix is
 * NEED_MORE, every prefix from stop to the whole stream gets `want`, with the
 * same fields when there are fields. *out gets the parse of the whole stream.
 */
static void ck_req_decides(const uint8_t *s, size_t len, size_t stop, enum http_status want,
			   struct http_request *out)
{
	struct http_request got;
	ck_hstatus(req(s, len, out), want);
	for (size_t c = 0; c <= len; c++) {
		enum http_status st = req(s, c, &got);
		enum http_status w = c < stop ? HTTP_NEED_MORE : want;
		ck_assert_msg(st == w, "prefix %zu of %zu: %s, expected %s", c, len,
			      http_status_name(st), http_status_name(w));
		if (c >= stop && (w == HTTP_OK || w == HTTP_HEADERS_TOO_LONG))
			ck_same_request(&got, out);
	}
}

static void ck_resp_decides(const uint8_t *s, size_t len, size_t stop, enum http_status want,
			    struct http_response *out)
{
	struct http_response got;
	ck_hstatus(resp(s, len, out), want);
	for (size_t c = 0; c <= len; c++) {
		enum http_status st = resp(s, c, &got);
		enum http_status w = c < stop ? HTTP_NEED_MORE : want;
		ck_assert_msg(st == w, "prefix %zu of %zu: %s, expected %s", c, len,
			      http_status_name(st), http_status_name(w));
		if (c >= stop && w == HTTP_OK) {
			ck_assert_uint_eq(got.status_code, out->status_code);
			ck_assert_uint_eq(got.interim_code, out->interim_code);
			ck_assert_uint_eq(got.version_minor, out->version_minor);
		}
	}
}

static void ck_path(const struct http_request *r, const char *want)
{
	ck_assert_uint_eq(r->path_len, strlen(want));
	ck_assert_str_eq(r->path, want);
}

static void ck_host(const struct http_request *r, const char *want)
{
	ck_assert(r->has_host);
	ck_assert_uint_eq(r->host_len, strlen(want));
	ck_assert_str_eq(r->host, want);
}

/* ---------------------------------------------------------------- core */

START_TEST(test_get_with_host)
{
	/* curl's request; Host is the first header, so the parse stops after it */
	static const char s[] = "GET /index.html HTTP/1.1\r\n" /* 26 */
				"Host: example.com\r\n"        /* 19 */
				"User-Agent: curl/8.5.0\r\n"   /* 24 */
				"Accept: */*\r\n"              /* 13 */
				"\r\n";                        /*  2 */
	struct http_request r;
	ck_assert_uint_eq(sizeof s - 1, 84);
	ck_req_decides(LIT(s), 45, HTTP_OK, &r);
	ck_assert_int_eq(r.method, HTTP_METHOD_GET);
	ck_assert_str_eq(http_method_name(r.method), "GET");
	ck_assert_uint_eq(r.version_minor, 1);
	ck_path(&r, "/index.html");
	ck_host(&r, "example.com");
	ck_assert(!r.path_truncated && !r.path_suspicious);
	ck_assert(!r.host_truncated && !r.host_suspicious);
}
END_TEST

START_TEST(test_post_host_after_headers)
{
	static const char s[] = "POST /api/v1/items?id=7 HTTP/1.1\r\n"     /* 34 */
				"User-Agent: python-requests/2.31\r\n"     /* 34 */
				"Content-Type: application/json\r\n"       /* 32 */
				"Content-Length: 2\r\n"                    /* 19 */
				"HOST: api.example.org:8080\r\n"           /* 28 */
				"\r\n{}";                                  /*  4 */
	struct http_request r;
	ck_assert_uint_eq(sizeof s - 1, 151);
	ck_req_decides(LIT(s), 147, HTTP_OK, &r);
	ck_assert_int_eq(r.method, HTTP_METHOD_POST);
	ck_assert_uint_eq(r.version_minor, 1);
	ck_path(&r, "/api/v1/items?id=7");
	ck_host(&r, "api.example.org:8080");
}
END_TEST

START_TEST(test_host_case_and_whitespace)
{
	static const struct {
		const char *line; /* the header lines after "GET / HTTP/1.1\r\n" */
		const char *host; /* NULL: no Host field */
	} cases[] = {
		{ "host:example.com\r\n\r\n", "example.com" },
		{ "HoSt: \t example.com \t \r\n\r\n", "example.com" },
		{ "HOST:\texample.com\r\n\r\n", "example.com" },
		{ "Host:\r\n\r\n", "" },     /* present and empty (RFC 9112 section 3.2) */
		{ "Host:  \t \r\n\r\n", "" },
		{ "Host: [2001:db8::1]:8080\r\n\r\n", "[2001:db8::1]:8080" },
		{ "Host : example.com\r\n\r\n", NULL }, /* space before the colon: not Host */
		{ "X-Forwarded-Host: a\r\nHostname: b\r\nHost: c\r\nHost: d\r\n\r\n", "c" },
		{ "X-Long: a\r\n Host: folded\r\nHost: real\r\n\r\n", "real" }, /* obs-fold skipped */
		{ "Accept: */*\r\n\r\nHost: body\r\n", NULL }, /* after the block: body, not a header */
		{ "A: b\r\nHost: short\r\n\r\n", "short" },    /* a line shorter than "Host:" */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char s[128];
		struct http_request r;
		int n = snprintf(s, sizeof s, "GET / HTTP/1.1\r\n%s", cases[i].line);
		ck_assert(n > 0 && (size_t)n < sizeof s);
		ck_hstatus(req((const uint8_t *)s, (size_t)n, &r), HTTP_OK);
		if (cases[i].host) {
			ck_host(&r, cases[i].host);
		} else {
			ck_assert(!r.has_host);
			ck_assert_uint_eq(r.host_len, 0);
			ck_assert_str_eq(r.host, "");
		}
		ck_assert(!r.host_suspicious);
	}
}
END_TEST

START_TEST(test_no_host_http10)
{
	/* HTTP/1.0 needs no Host: OK once the header block ends */
	static const char s[] = "GET / HTTP/1.0\r\n"            /* 16 */
				"User-Agent: Wget/1.21\r\n"     /* 23 */
				"Accept: */*\r\n"               /* 13 */
				"\r\n";                         /*  2 */
	struct http_request r;
	ck_assert_uint_eq(sizeof s - 1, 54);
	ck_req_decides(LIT(s), 54, HTTP_OK, &r);
	ck_assert_int_eq(r.method, HTTP_METHOD_GET);
	ck_assert_uint_eq(r.version_minor, 0);
	ck_path(&r, "/");
	ck_assert(!r.has_host);
	ck_assert_uint_eq(r.host_len, 0);
	ck_assert_str_eq(r.host, "");

	/* no header at all */
	static const char bare[] = "HEAD /x HTTP/1.0\r\n\r\n";
	ck_req_decides(LIT(bare), 20, HTTP_OK, &r);
	ck_assert_int_eq(r.method, HTTP_METHOD_HEAD);
	ck_path(&r, "/x");
	ck_assert(!r.has_host);
}
END_TEST

START_TEST(test_target_forms)
{
	struct http_request r;

	/* absolute-form, as sent to a proxy (RFC 9112 section 3.2.2) */
	static const char abs[] = "GET http://example.com/x HTTP/1.1\r\nHost: example.com\r\n\r\n";
	ck_hstatus(req(LIT(abs), &r), HTTP_OK);
	ck_path(&r, "http://example.com/x");
	ck_host(&r, "example.com");

	/* authority-form, CONNECT only (section 3.2.3) */
	static const char conn[] = "CONNECT example.com:443 HTTP/1.1\r\n"
				   "Host: example.com:443\r\n"
				   "Proxy-Connection: keep-alive\r\n\r\n";
	ck_hstatus(req(LIT(conn), &r), HTTP_OK);
	ck_assert_int_eq(r.method, HTTP_METHOD_CONNECT);
	ck_path(&r, "example.com:443");
	ck_host(&r, "example.com:443");

	/* asterisk-form (section 3.2.4) */
	static const char star[] = "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n";
	ck_hstatus(req(LIT(star), &r), HTTP_OK);
	ck_assert_int_eq(r.method, HTTP_METHOD_OPTIONS);
	ck_path(&r, "*");
	ck_host(&r, "h");
}
END_TEST

START_TEST(test_bare_lf)
{
	struct http_request r;

	static const char lf[] = "GET /a HTTP/1.1\n"   /* 16 */
				 "Host: h.example\n"   /* 16 */
				 "\n";
	ck_req_decides(LIT(lf), 32, HTTP_OK, &r);
	ck_path(&r, "/a");
	ck_host(&r, "h.example");

	static const char end[] = "GET / HTTP/1.0\n\n";
	ck_req_decides(LIT(end), 16, HTTP_OK, &r);
	ck_assert(!r.has_host);

	/* CRLF and LF mixed; the block ends at "\r\n" after a bare-LF line */
	static const char mixed[] = "GET / HTTP/1.0\r\n"   /* 16 */
				    "Accept: */*\n"        /* 12 */
				    "\r\n";                /*  2 */
	ck_req_decides(LIT(mixed), 30, HTTP_OK, &r);
	ck_assert(!r.has_host);
}
END_TEST

START_TEST(test_every_method)
{
	static const struct {
		const char *name;
		enum http_method m;
	} methods[] = {
		{ "GET", HTTP_METHOD_GET },           { "HEAD", HTTP_METHOD_HEAD },
		{ "POST", HTTP_METHOD_POST },         { "PUT", HTTP_METHOD_PUT },
		{ "DELETE", HTTP_METHOD_DELETE },     { "CONNECT", HTTP_METHOD_CONNECT },
		{ "OPTIONS", HTTP_METHOD_OPTIONS },   { "TRACE", HTTP_METHOD_TRACE },
		{ "PATCH", HTTP_METHOD_PATCH },       { "PROPFIND", HTTP_METHOD_PROPFIND },
		{ "PROPPATCH", HTTP_METHOD_PROPPATCH }, { "MKCOL", HTTP_METHOD_MKCOL },
		{ "COPY", HTTP_METHOD_COPY },         { "MOVE", HTTP_METHOD_MOVE },
		{ "LOCK", HTTP_METHOD_LOCK },         { "UNLOCK", HTTP_METHOD_UNLOCK },
		{ "SEARCH", HTTP_METHOD_SEARCH },     { "REPORT", HTTP_METHOD_REPORT },
		{ "MKCALENDAR", HTTP_METHOD_MKCALENDAR },
	};
	ck_assert_uint_eq(sizeof methods / sizeof methods[0], HTTP_METHOD__COUNT - 1);
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		char s[64];
		struct http_request r;
		int n = snprintf(s, sizeof s, "%s /dav/ HTTP/1.1\r\nHost: d\r\n\r\n", methods[i].name);
		size_t name_len = strlen(methods[i].name);
		/* the method's own prefixes wait; the line is OK at the end of the Host line */
		ck_req_decides((const uint8_t *)s, (size_t)n, name_len + 17 + 9, HTTP_OK, &r);
		ck_assert_int_eq(r.method, methods[i].m);
		ck_assert_str_eq(http_method_name(r.method), methods[i].name);
		ck_path(&r, "/dav/");
		ck_host(&r, "d");
	}
	ck_assert_str_eq(http_method_name(HTTP_METHOD_NONE), "");
	ck_assert_str_eq(http_method_name(HTTP_METHOD__COUNT), "invalid");
}
END_TEST

START_TEST(test_status_names)
{
	static const char *const want[HTTP__COUNT] = {
		"ok", "need_more", "not_http", "bad_request_line", "bad_version",
		"bad_status_line", "line_too_long", "headers_too_long",
	};
	for (int s = 0; s < HTTP__COUNT; s++) {
		ck_assert_str_eq(http_status_name((enum http_status)s), want[s]);
		ck_assert(http_status_is_error((enum http_status)s) == (s >= HTTP_BAD_REQUEST_LINE));
	}
	ck_assert_str_eq(http_status_name(HTTP__COUNT), "invalid");
}
END_TEST

/* ------------------------------------------------------------ not HTTP */

START_TEST(test_not_http_early)
{
	static const struct {
		const char *what;
		const char *bytes;
		size_t len;
		size_t stop; /* the byte count at which NOT_HTTP is decided */
	} cases[] = {
		{ "TLS ClientHello", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11, 1 },
		{ "SSH banner", "SSH-2.0-OpenSSH_9.6\r\n", 21, 2 },      /* S of SEARCH, then SS */
		{ "HELLO", "HELLO world\r\n", 13, 3 },                  /* HE of HEAD, then HEL */
		{ "binary", "\x00\xff\x10\x00", 4, 1 },
		{ "SMTP banner", "220 mx.example.com ESMTP\r\n", 26, 1 },
		{ "lowercase", "get / HTTP/1.1\r\n\r\n", 18, 1 },
		{ "token too long", "GETX / HTTP/1.1\r\n\r\n", 19, 4 },
		{ "method prefix", "GE / HTTP/1.1\r\n\r\n", 17, 3 },
		{ "tab after method", "GET\t/ HTTP/1.1\r\n\r\n", 18, 4 },
		{ "leading space", " GET / HTTP/1.1\r\n\r\n", 19, 1 },
		{ "HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24, 3 }, /* P, PR of PROPFIND */
		{ "a response", "HTTP/1.1 200 OK\r\n\r\n", 19, 2 },          /* H of HEAD */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct http_request r;
		for (size_t c = 0; c <= cases[i].len; c++) {
			enum http_status st = req((const uint8_t *)cases[i].bytes, c, &r);
			enum http_status w = c < cases[i].stop ? HTTP_NEED_MORE : HTTP_NOT_HTTP;
			ck_assert_msg(st == w, "%s, %zu bytes: %s, expected %s", cases[i].what, c,
				      http_status_name(st), http_status_name(w));
		}
	}
}
END_TEST

/* ------------------------------------------------------------ malformed */

START_TEST(test_bad_request_lines)
{
	static const struct {
		const char *bytes;
		size_t stop; /* decided once this many bytes are there */
		enum http_status want;
	} cases[] = {
		{ "GET  / HTTP/1.1\r\n\r\n", 5, HTTP_BAD_REQUEST_LINE },   /* empty target */
		{ "GET /index.html\r\n\r\n", 16, HTTP_BAD_REQUEST_LINE },  /* HTTP/0.9 */
		{ "GET /index.html\n\n", 16, HTTP_BAD_REQUEST_LINE },
		{ "GET / HTTP/2.0\r\n\r\n", 12, HTTP_BAD_VERSION },
		{ "GET / HTTP/1.x\r\n\r\n", 14, HTTP_BAD_VERSION },
		{ "GET / http/1.1\r\n\r\n", 7, HTTP_BAD_VERSION },         /* the name is case-sensitive */
		{ "GET /a b HTTP/1.1\r\n\r\n", 8, HTTP_BAD_VERSION },      /* a space in the target */
		{ "GET / HTTP/1.1 \r\n\r\n", 15, HTTP_BAD_REQUEST_LINE },  /* space before CRLF */
		{ "GET / HTTP/1.10\r\n\r\n", 15, HTTP_BAD_REQUEST_LINE },
		{ "GET / HTTP/1.1\rX\r\n\r\n", 16, HTTP_BAD_REQUEST_LINE }, /* bare CR */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct http_request r;
		size_t len = strlen(cases[i].bytes);
		for (size_t c = 0; c <= len; c++) {
			enum http_status st = req((const uint8_t *)cases[i].bytes, c, &r);
			enum http_status w = c < cases[i].stop ? HTTP_NEED_MORE : cases[i].want;
			ck_assert_msg(st == w, "case %zu, %zu bytes: %s, expected %s", i, c,
				      http_status_name(st), http_status_name(w));
		}
		ck_assert(http_status_is_error(cases[i].want));
	}
}
END_TEST

/* -------------------------------------------------------------- hostile */

START_TEST(test_nul_in_path)
{
	/* kept raw with its length; flagged for the report to escape */
	static const char s[] = "GET /a\0b HTTP/1.1\r\nHost: h\r\n\r\n";
	struct http_request r;
	ck_hstatus(req(LIT(s), &r), HTTP_OK);
	ck_assert_uint_eq(r.path_len, 4);
	ck_assert_mem_eq(r.path, "/a\0b", 5);
	ck_assert(r.path_suspicious);
	ck_assert(!r.path_truncated);
	ck_host(&r, "h");

	/* percent-encoded, it is plain ASCII */
	static const char enc[] = "GET /a%00b HTTP/1.1\r\nHost: h\r\n\r\n";
	ck_hstatus(req(LIT(enc), &r), HTTP_OK);
	ck_path(&r, "/a%00b");
	ck_assert(!r.path_suspicious);

	/* raw UTF-8 in the path (some clients send it) */
	static const char utf8[] = "GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n";
	ck_hstatus(req(LIT(utf8), &r), HTTP_OK);
	ck_path(&r, "/caf\xc3\xa9");
	ck_assert(r.path_suspicious);
}
END_TEST

START_TEST(test_host_control_chars)
{
	struct http_request r;

	/* SOH and an ANSI colour escape: 2 + 1 + 5 + 1 + 4 + 4 = 17 bytes, kept raw */
	static const char ctl[] = "GET / HTTP/1.1\r\nHost: ex\x01" "ample\x1b" "[31m.com\r\n\r\n";
	ck_hstatus(req(LIT(ctl), &r), HTTP_OK);
	ck_assert(r.has_host);
	ck_assert_uint_eq(r.host_len, 17);
	ck_assert_mem_eq(r.host, "ex\x01" "ample\x1b" "[31m.com", 18);
	ck_assert(r.host_suspicious);
	ck_assert(!r.host_truncated);

	/* raw UTF-8 (an IDN not in punycode): b, c3 bc, cher.example = 15 bytes */
	static const char idn[] = "GET / HTTP/1.1\r\nHost: b\xc3\xbc" "cher.example\r\n\r\n";
	ck_hstatus(req(LIT(idn), &r), HTTP_OK);
	ck_assert_uint_eq(r.host_len, 15);
	ck_assert(r.host_suspicious);

	/* whitespace inside the value, and a second CR before the LF */
	static const char tab[] = "GET / HTTP/1.1\r\nHost: a\tb\r\n\r\n";
	ck_hstatus(req(LIT(tab), &r), HTTP_OK);
	ck_host(&r, "a\tb");
	ck_assert(r.host_suspicious);
	static const char cr[] = "GET / HTTP/1.1\r\nHost: example.com\r\r\n\r\n";
	ck_hstatus(req(LIT(cr), &r), HTTP_OK);
	ck_host(&r, "example.com\r");
	ck_assert(r.host_suspicious);

	/* NUL in the value */
	static const char nul[] = "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n";
	ck_hstatus(req(LIT(nul), &r), HTTP_OK);
	ck_assert_uint_eq(r.host_len, 3);
	ck_assert_mem_eq(r.host, "a\0b", 4);
	ck_assert(r.host_suspicious);
}
END_TEST

/* ------------------------------------------------------------- limits */

/* "GET <target> HTTP/1.1\r\nHost: x\r\n\r\n" with a target of n bytes ("/aaa..."). */
static size_t request_with_target(char *buf, size_t n)
{
	size_t len = 0;
	memcpy(buf, "GET /", 5);
	len = 5;
	memset(buf + len, 'a', n - 1);
	len += n - 1;
	memcpy(buf + len, " HTTP/1.1\r\nHost: x\r\n\r\n", 22);
	return len + 22;
}

START_TEST(test_long_path)
{
	static char buf[9000];
	struct http_request r;

	size_t len = request_with_target(buf, 256);
	ck_hstatus(req((const uint8_t *)buf, len, &r), HTTP_OK);
	ck_assert_uint_eq(r.path_len, 256);
	ck_assert(!r.path_truncated);

	len = request_with_target(buf, 257);
	ck_hstatus(req((const uint8_t *)buf, len, &r), HTTP_OK);
	ck_assert_uint_eq(r.path_len, 256);
	ck_assert(r.path_truncated);
	ck_assert_uint_eq(r.path[0], '/');
	ck_assert_uint_eq(r.path[255], 'a');
	ck_assert_uint_eq(r.path[256], '\0');
	ck_host(&r, "x");

	/* 300 bytes, the prefixes included: "GET " 4 + 300 + 11 + "Host: x\r\n" 9 */
	len = request_with_target(buf, 300);
	ck_req_decides((const uint8_t *)buf, len, 4 + 300 + 11 + 9, HTTP_OK, &r);
	ck_assert_uint_eq(r.path_len, 256);
	ck_assert(r.path_truncated);
	ck_assert(!r.path_suspicious);

	/* a target that fills most of the window is still fine */
	len = request_with_target(buf, 8000);
	ck_hstatus(req((const uint8_t *)buf, len, &r), HTTP_OK);
	ck_assert(r.path_truncated);
	ck_host(&r, "x");
}
END_TEST

START_TEST(test_request_line_too_long)
{
	/* the line does not end within HTTP_HEAD_MAX: what Apache and nginx answer with 414 */
	static char buf[9100];
	size_t len = request_with_target(buf, 9000);
	struct http_request r;
	ck_req_decides((const uint8_t *)buf, len, HTTP_HEAD_MAX, HTTP_LINE_TOO_LONG, &r);
}
END_TEST

/* "GET /big HTTP/1.1\r\n" then "X-Pad: aaa...\r\n" lines (99 bytes each) up to at least n bytes. */
static size_t padded_headers(char *buf, size_t n)
{
	size_t len = 0;
	memcpy(buf, "GET /big HTTP/1.1\r\n", 19);
	len = 19;
	while (len < n) {
		memcpy(buf + len, "X-Pad: ", 7);
		memset(buf + len + 7, 'a', 90);
		memcpy(buf + len + 97, "\r\n", 2);
		len += 99;
	}
	return len;
}

START_TEST(test_headers_without_end)
{
	/* 10 KiB of headers, no Host, no empty line: gives up at HTTP_HEAD_MAX, request line kept */
	static char buf[10400];
	size_t len = padded_headers(buf, 10240);
	struct http_request r;
	ck_assert_uint_eq(len, 19 + 104 * 99);
	ck_req_decides((const uint8_t *)buf, len, HTTP_HEAD_MAX, HTTP_HEADERS_TOO_LONG, &r);
	ck_assert_int_eq(r.method, HTTP_METHOD_GET);
	ck_path(&r, "/big");
	ck_assert_uint_eq(r.version_minor, 1);
	ck_assert(!r.has_host);
	ck_assert_uint_eq(r.host_len, 0);

	/* only the window is read: a longer claimed length over an 8192-byte buffer */
	ck_hstatus(req_copy((const uint8_t *)buf, HTTP_HEAD_MAX, (size_t)1 << 30, &r),
		   HTTP_HEADERS_TOO_LONG);

	/* with Host late but inside the window it is found */
	static char late[10400];
	size_t n = padded_headers(late, 8000); /* 19 + 81 * 99 = 8038 */
	ck_assert_uint_eq(n, 8038);
	memcpy(late + n, "Host: late\r\n", 12); /* ends at 8050 */
	memcpy(late + n + 12, "\r\n", 2);
	n += 14;
	ck_req_decides((const uint8_t *)late, n, 8050, HTTP_OK, &r);
	ck_host(&r, "late");
}
END_TEST

START_TEST(test_block_ending_at_window)
{
	/* 16 + 7 + 8165 + 2 + 2 = 8192: the empty line's LF is the window's last byte */
	static char buf[8300];
	struct http_request r;
	memcpy(buf, "GET / HTTP/1.1\r\nX-Pad: ", 23);
	memset(buf + 23, 'b', 8165);
	memcpy(buf + 23 + 8165, "\r\n\r\n", 4);
	ck_req_decides((const uint8_t *)buf, HTTP_HEAD_MAX, HTTP_HEAD_MAX, HTTP_OK, &r);
	ck_assert(!r.has_host);

	/* one byte more of padding pushes that LF out of the window */
	memset(buf + 23, 'b', 8166);
	memcpy(buf + 23 + 8166, "\r\n\r\n", 4);
	ck_req_decides((const uint8_t *)buf, 8193, HTTP_HEAD_MAX, HTTP_HEADERS_TOO_LONG, &r);
}
END_TEST

START_TEST(test_long_host)
{
	static char buf[1100];
	struct http_request r;
	size_t sizes[] = { 255, 256, 1000 };

	for (size_t i = 0; i < 3; i++) {
		size_t len = 0;
		memcpy(buf, "GET / HTTP/1.1\r\nHost: ", 22);
		len = 22;
		memset(buf + len, 'h', sizes[i]);
		len += sizes[i];
		memcpy(buf + len, "\r\n\r\n", 4);
		len += 4;
		ck_req_decides((const uint8_t *)buf, len, len - 2, HTTP_OK, &r);
		ck_assert(r.has_host);
		ck_assert_uint_eq(r.host_len, 255);
		ck_assert(r.host_truncated == (sizes[i] > 255));
		ck_assert(!r.host_suspicious);
		ck_assert_uint_eq(r.host[0], 'h');
		ck_assert_uint_eq(r.host[254], 'h');
		ck_assert_uint_eq(r.host[255], '\0');
	}
}
END_TEST

/* ------------------------------------------------------------ response */

START_TEST(test_response_200_404)
{
	struct http_response r;

	static const char ok[] = "HTTP/1.1 200 OK\r\n"       /* 17 */
				 "Content-Type: text/html\r\nContent-Length: 5\r\n\r\nhello";
	ck_resp_decides(LIT(ok), 17, HTTP_OK, &r);
	ck_assert_uint_eq(r.status_code, 200);
	ck_assert_uint_eq(r.version_minor, 1);
	ck_assert_uint_eq(r.interim_code, 0);

	static const char nf[] = "HTTP/1.0 404 Not Found\r\nServer: x\r\n\r\n"; /* 24 + 13 */
	ck_resp_decides(LIT(nf), 24, HTTP_OK, &r);
	ck_assert_uint_eq(r.status_code, 404);
	ck_assert_uint_eq(r.version_minor, 0);

	/* no reason phrase, with and without the space; bare LF */
	static const char bare[] = "HTTP/1.1 200\r\n\r\n";
	ck_resp_decides(LIT(bare), 14, HTTP_OK, &r);
	ck_assert_uint_eq(r.status_code, 200);
	static const char sp[] = "HTTP/1.1 204 \r\n\r\n";
	ck_resp_decides(LIT(sp), 15, HTTP_OK, &r);
	ck_assert_uint_eq(r.status_code, 204);
	static const char lf[] = "HTTP/1.1 304 Not Modified\n\n";
	ck_resp_decides(LIT(lf), 26, HTTP_OK, &r);
	ck_assert_uint_eq(r.status_code, 304);

	/* the highest code the syntax allows */
	static const char top[] = "HTTP/1.1 999 Whatever\r\n";
	ck_resp_decides(LIT(top), 23, HTTP_OK, &r);
	ck_assert_uint_eq(r.status_code, 999);
}
END_TEST

START_TEST(test_response_101)
{
	/* final: what follows the header block is WebSocket, never parsed */
	static const char s[] = "HTTP/1.1 101 Switching Protocols\r\n"  /* 34 */
				"Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
				"\x81\x05hello";
	struct http_response r;
	ck_resp_decides(LIT(s), 34, HTTP_OK, &r);
	ck_assert_uint_eq(r.status_code, 101);
	ck_assert_uint_eq(r.interim_code, 0);
}
END_TEST

START_TEST(test_response_interim)
{
	struct http_response r;

	/* curl's Expect: 100-continue upload: 23 + 2, then 22 */
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n"
				   "HTTP/1.1 201 Created\r\nLocation: /x\r\n\r\n";
	ck_resp_decides(LIT(cont), 47, HTTP_OK, &r);
	ck_assert_uint_eq(r.status_code, 201);
	ck_assert_uint_eq(r.interim_code, 100);
	ck_assert_uint_eq(r.version_minor, 1);

	/* 103 Early Hints carries headers: 26 + 43 + 2, then 17 */
	static const char hints[] = "HTTP/1.1 103 Early Hints\r\n"
				    "Link: </style.css>; rel=preload; as=style\r\n\r\n"
				    "HTTP/1.1 200 OK\r\n\r\n";
	ck_resp_decides(LIT(hints), 88, HTTP_OK, &r);
	ck_assert_uint_eq(r.status_code, 200);
	ck_assert_uint_eq(r.interim_code, 103);

	/* two interims, bare LF: the last one is kept */
	static const char two[] = "HTTP/1.1 100 Continue\n\nHTTP/1.1 102 Processing\n\n"
				  "HTTP/1.0 500 Oops\n";
	ck_resp_decides(LIT(two), 23 + 25 + 18, HTTP_OK, &r);
	ck_assert_uint_eq(r.status_code, 500);
	ck_assert_uint_eq(r.interim_code, 102);
	ck_assert_uint_eq(r.version_minor, 0);

	/* only the interim so far: waits (for ever, if the server closes here) */
	static const char only[] = "HTTP/1.1 100 Continue\r\n\r\n";
	for (size_t c = 0; c < sizeof only; c++)
		ck_hstatus(resp((const uint8_t *)only, c, &r), HTTP_NEED_MORE);

	/* after an interim, something that is not a status line is an error */
	static const char junk[] = "HTTP/1.1 100 Continue\r\n\r\nSSH-2.0-x\r\n";
	ck_resp_decides(LIT(junk), 26, HTTP_BAD_STATUS_LINE, &r);
}
END_TEST

START_TEST(test_response_malformed)
{
	static const struct {
		const char *bytes;
		size_t stop;
		enum http_status want;
	} cases[] = {
		{ "HTTP/1.1 2x0 OK\r\n", 11, HTTP_BAD_STATUS_LINE },
		{ "HTTP/1.1 099 Low\r\n", 10, HTTP_BAD_STATUS_LINE },
		{ "HTTP/1.1 2000 OK\r\n", 13, HTTP_BAD_STATUS_LINE },
		{ "HTTP/1.1 20\r\n", 12, HTTP_BAD_STATUS_LINE },
		{ "HTTP/1.1  200 OK\r\n", 10, HTTP_BAD_STATUS_LINE },
		{ "HTTP/1.1\r\n", 9, HTTP_BAD_STATUS_LINE },
		{ "HTTP/1.x 200 OK\r\n", 8, HTTP_BAD_VERSION },
		/* not HTTP/1.x at all */
		{ "HTTP/2 200\r\n", 6, HTTP_NOT_HTTP },
		{ "HTTP/2.0 200 OK\r\n", 6, HTTP_NOT_HTTP },
		{ "http/1.1 200 OK\r\n", 1, HTTP_NOT_HTTP },
		{ "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 1, HTTP_NOT_HTTP },
		{ "SSH-2.0-OpenSSH_9.6\r\n", 1, HTTP_NOT_HTTP },
		{ "GET / HTTP/1.1\r\n\r\n", 1, HTTP_NOT_HTTP },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct http_response r;
		size_t len = strlen(cases[i].bytes);
		for (size_t c = 0; c <= len; c++) {
			enum http_status st = resp((const uint8_t *)cases[i].bytes, c, &r);
			enum http_status w = c < cases[i].stop ? HTTP_NEED_MORE : cases[i].want;
			ck_assert_msg(st == w, "case %zu, %zu bytes: %s, expected %s", i, c,
				      http_status_name(st), http_status_name(w));
		}
	}

	/* HTTP/2's server side starts with a binary SETTINGS frame */
	static const uint8_t settings[] = { 0x00, 0x00, 0x12, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00 };
	struct http_response r;
	ck_hstatus(resp(settings, 1, &r), HTTP_NOT_HTTP);
	ck_hstatus(resp(settings, sizeof settings, &r), HTTP_NOT_HTTP);
}
END_TEST

START_TEST(test_response_limits)
{
	static char buf[9000];
	struct http_response r;

	/* a reason phrase that never ends */
	memcpy(buf, "HTTP/1.1 200 ", 13);
	memset(buf + 13, 'r', sizeof buf - 13);
	ck_resp_decides((const uint8_t *)buf, sizeof buf, HTTP_HEAD_MAX, HTTP_LINE_TOO_LONG, &r);

	/* an interim response whose headers never end */
	memcpy(buf, "HTTP/1.1 100 Continue\r\n", 23);
	for (size_t off = 23; off + 10 <= sizeof buf; off += 10)
		memcpy(buf + off, "X-P: abc\r\n", 10);
	ck_resp_decides((const uint8_t *)buf, sizeof buf, HTTP_HEAD_MAX, HTTP_HEADERS_TOO_LONG, &r);
}
END_TEST

Suite *http_suite(void)
{
	Suite *s = suite_create("http");

	TCase *core = tcase_create("core");
	tcase_add_test(core, test_get_with_host);
	tcase_add_test(core, test_post_host_after_headers);
	tcase_add_test(core, test_host_case_and_whitespace);
	tcase_add_test(core, test_no_host_http10);
	tcase_add_test(core, test_target_forms);
	tcase_add_test(core, test_bare_lf);
	tcase_add_test(core, test_every_method);
	tcase_add_test(core, test_status_names);
	tcase_add_test(core, test_not_http_early);
	tcase_add_test(core, test_response_200_404);
	tcase_add_test(core, test_response_101);
	tcase_add_test(core, test_response_interim);
	suite_add_tcase(s, core);

	TCase *limits = tcase_create("limits");
	tcase_add_test(limits, test_long_path);
	tcase_add_test(limits, test_request_line_too_long);
	tcase_add_test(limits, test_headers_without_end);
	tcase_add_test(limits, test_block_ending_at_window);
	tcase_add_test(limits, test_long_host);
	tcase_add_test(limits, test_response_limits);
	suite_add_tcase(s, limits);

	TCase *malformed = tcase_create("malformed");
	tcase_add_test(malformed, test_bad_request_lines);
	tcase_add_test(malformed, test_nul_in_path);
	tcase_add_test(malformed, test_host_control_chars);
	tcase_add_test(malformed, test_response_malformed);
	suite_add_tcase(s, malformed);

	return s;
}
