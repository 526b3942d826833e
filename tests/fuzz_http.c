/* fuzz_http.c - libFuzzer target: both HTTP parsers on any bytes, checking the contract's invariants. */
/*
 * Build and run (clang with libFuzzer):
 *   clang -std=c11 -g -O1 -D_DEFAULT_SOURCE -Iinclude \
 *     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *     tests/fuzz_http.c src/http.c -o fuzz_http
 *   ./fuzz_http -max_len=9000 -max_total_time=300 CORPUS_DIR
 * Any violated invariant aborts, which libFuzzer reports as a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The longest method (MKCALENDAR) and its space: NOT_HTTP is known by then. */
enum { METHOD_DECIDED = 11 };

static enum http_status req_prefix(const uint8_t *data, size_t n, struct http_request *out)
{
	uint8_t *copy = n ? malloc(n) : NULL;
	if (n)
		memcpy(copy, data, n);
	enum http_status st = http_parse_request(copy, n, out);
	free(copy);
	return st;
}

static enum http_status resp_prefix(const uint8_t *data, size_t n, struct http_response *out)
{
	uint8_t *copy = n ? malloc(n) : NULL;
	if (n)
		memcpy(copy, data, n);
	enum http_status st = http_parse_response(copy, n, out);
	free(copy);
	return st;
}

static bool any_invisible(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((uint8_t)p[i] < 0x21 || (uint8_t)p[i] > 0x7e)
			return true;
	return false;
}

/* Does the window hold these n bytes somewhere? */
static bool in_window(const uint8_t *data, size_t size, const char *p, size_t n)
{
	size_t w = size < HTTP_HEAD_MAX ? size : HTTP_HEAD_MAX;

	for (size_t i = 0; n <= w && i <= w - n; i++)
		if (memcmp(data + i, p, n) == 0)
			return true;
	return false;
}

static void check_request_fields(const uint8_t *data, size_t size, const struct http_request *r)
{
	const char *m = http_method_name(r->method);
	size_t mlen = strlen(m);

	CHECK(r->method > HTTP_METHOD_NONE && r->method < HTTP_METHOD__COUNT);
	CHECK(r->version_minor <= 9);
	/* the line starts "METHOD SP target": the path is a copy of the target's start */
	CHECK(size > mlen + 1 + r->path_len);
	CHECK(memcmp(data, m, mlen) == 0 && data[mlen] == ' ');
	CHECK(r->path_len >= 1 && r->path_len <= HTTP_PATH_MAX);
	CHECK(memcmp(data + mlen + 1, r->path, r->path_len) == 0);
	CHECK(r->path[r->path_len] == '\0');
	CHECK(r->path_truncated ? r->path_len == HTTP_PATH_MAX : data[mlen + 1 + r->path_len] == ' ');
	CHECK(!any_invisible(r->path, r->path_len) || r->path_suspicious);
	CHECK(r->host_len <= HTTP_HOST_MAX && r->host[r->host_len] == '\0');
	CHECK(r->has_host || (r->host_len == 0 && !r->host_truncated && !r->host_suspicious));
	CHECK(!r->host_truncated || r->host_len == HTTP_HOST_MAX);
	CHECK(!any_invisible(r->host, r->host_len) || r->host_suspicious);
	CHECK(in_window(data, size, r->host, r->host_len));
}

static bool same_request(const struct http_request *a, const struct http_request *b)
{
	return a->method == b->method && a->version_minor == b->version_minor &&
	       a->path_len == b->path_len && memcmp(a->path, b->path, a->path_len) == 0 &&
	       a->path_truncated == b->path_truncated && a->path_suspicious == b->path_suspicious &&
	       a->has_host == b->has_host && a->host_len == b->host_len &&
	       memcmp(a->host, b->host, a->host_len) == 0 && a->host_truncated == b->host_truncated &&
	       a->host_suspicious == b->host_suspicious;
}

static void fuzz_request(const uint8_t *data, size_t size)
{
	struct http_request r, p;
	enum http_status st = http_parse_request(data, size, &r);

	CHECK((unsigned)st < HTTP__COUNT && st != HTTP_BAD_STATUS_LINE);
	CHECK(size < HTTP_HEAD_MAX || st != HTTP_NEED_MORE);
	CHECK(st != HTTP_HEADERS_TOO_LONG || size >= HTTP_HEAD_MAX);
	CHECK(st != HTTP_LINE_TOO_LONG || size >= HTTP_HEAD_MAX);
	if (st == HTTP_OK || st == HTTP_HEADERS_TOO_LONG)
		check_request_fields(data, size, &r);
	if (st == HTTP_HEADERS_TOO_LONG)
		CHECK(!r.has_host);
	if (st == HTTP_NOT_HTTP) /* decided within the method and its space */
		CHECK(req_prefix(data, size < METHOD_DECIDED ? size : METHOD_DECIDED, &p) ==
		      HTTP_NOT_HTTP);

	/* decisions are final: a prefix waits or says the same */
	size_t cuts[3] = { size / 2, size ? size - 1 : 0, size ? data[0] % size : 0 };
	for (int i = 0; i < 3; i++) {
		enum http_status pst = req_prefix(data, cuts[i], &p);
		CHECK(pst == HTTP_NEED_MORE || pst == st);
		if (pst == st && (st == HTTP_OK || st == HTTP_HEADERS_TOO_LONG))
			CHECK(same_request(&p, &r));
	}
}

static void fuzz_response(const uint8_t *data, size_t size)
{
	struct http_response r, p;
	enum http_status st = http_parse_response(data, size, &r);

	CHECK((unsigned)st < HTTP__COUNT && st != HTTP_BAD_REQUEST_LINE);
	CHECK(size < HTTP_HEAD_MAX || st != HTTP_NEED_MORE);
	if (st == HTTP_OK) {
		CHECK(size >= 13 && memcmp(data, "HTTP/1.", 7) == 0);
		CHECK(r.status_code >= 100 && r.status_code <= 999);
		CHECK(r.status_code < 100 || r.status_code > 199 || r.status_code == 101);
		CHECK(r.interim_code == 0 ||
		      (r.interim_code >= 100 && r.interim_code <= 199 && r.interim_code != 101));
		CHECK(r.version_minor <= 9);
	}
	if (st == HTTP_NOT_HTTP) /* decided within "HTTP/1." */
		CHECK(resp_prefix(data, size < 7 ? size : 7, &p) == HTTP_NOT_HTTP);

	size_t cuts[3] = { size / 2, size ? size - 1 : 0, size ? data[0] % size : 0 };
	for (int i = 0; i < 3; i++) {
		enum http_status pst = resp_prefix(data, cuts[i], &p);
		CHECK(pst == HTTP_NEED_MORE || pst == st);
		if (pst == st && st == HTTP_OK)
			CHECK(p.status_code == r.status_code && p.interim_code == r.interim_code &&
			      p.version_minor == r.version_minor);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_request(data, size);
	fuzz_response(data, size);
	return 0;
}
