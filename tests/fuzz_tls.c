/* fuzz_tls.c - libFuzzer target for tls.c: both hello parsers on raw and record-wrapped input, checking the contract's invariants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"
#include "fuzz_check.h"

/*
 * Input: one mode byte, then the data.
 *   mode & 0x80: the data is a stream as it is: both parsers read it.
 *   otherwise:   the data is a hello body; it is given a handshake header
 *                (type 1 for the ClientHello parser, 2 for the ServerHello
 *                one) and cut into handshake records of (mode & 0x7f) bytes
 *                (0: one record), so mutations explore the hello rather than
 *                the record lengths.
 * Every call reads an exact-length heap copy, so AddressSanitizer sees any
 * read past the end. A broken invariant aborts.
 */

enum { MAX_CHAIN = 64 };

/* One parse, of either kind, from an exact-length copy of s[0..len-1]. */
struct result {
	enum tls_status st;
	size_t need;
	struct tls_client_hello ch;
	struct tls_server_hello sh;
};

static void parse(int server, const uint8_t *s, size_t len, struct result *r)
{
	uint8_t *copy = malloc(len ? len : 1);
	CHECK(copy != NULL);
	memcpy(copy, s, len);
	memset(r, 0, sizeof *r);
	if (server)
		r->st = tls_parse_server_hello(copy, len, &r->sh, &r->need);
	else
		r->st = tls_parse_client_hello(copy, len, &r->ch, &r->need);
	free(copy);
}

static void check_client_fields(const struct tls_client_hello *ch, size_t len)
{
	CHECK(ch->sni_len <= TLS_SNI_MAX);
	CHECK(ch->sni_len <= ch->sni_wire_len);
	CHECK(ch->sni_truncated == (ch->sni_wire_len > TLS_SNI_MAX));
	CHECK(ch->sni[ch->sni_len] == '\0');
	CHECK(ch->has_sni == (ch->sni_count > 0));
	CHECK(ch->alpn_len <= TLS_ALPN_MAX);
	CHECK(ch->alpn[ch->alpn_len] == '\0');
	CHECK(ch->alpn_len == 0 || ch->alpn_count > 0);
	CHECK(ch->alpn_list_len <= TLS_ALPN_MAX + 1);
	CHECK(ch->versions_count <= TLS_VERSIONS_MAX);
	for (unsigned i = 0; i < ch->versions_count; i++)
		CHECK(!tls_is_grease(ch->versions[i]));
	CHECK(ch->max_version != 0 || ch->legacy_version == 0);
	char name[TLS_VERSION_NAME_MAX];
	CHECK(strlen(tls_version_name(ch->max_version, name, sizeof name)) < sizeof name);
	CHECK(ch->records >= 1);
	CHECK(ch->hello_len <= TLS_MAX_HELLO_LEN);
	CHECK(ch->hello_end <= len);
	CHECK(ch->hello_end == (size_t)ch->hello_len + 4 + 5u * ch->records);
}

static void check_server_fields(const struct tls_server_hello *sh, size_t len)
{
	CHECK(sh->alpn[sh->alpn_len] == '\0');
	CHECK(sh->alpn_len > 0 || !sh->has_alpn);
	CHECK(sh->records >= 1);
	CHECK(sh->hello_len <= TLS_MAX_HELLO_LEN);
	CHECK(sh->hello_end <= len);
	CHECK(sh->hello_end == (size_t)sh->hello_len + 4 + 5u * sh->records);
}

/* The answer for one stream, on its own. */
static void check_one(int server, const struct result *r, size_t len)
{
	CHECK((unsigned)r->st < TLS__COUNT);
	CHECK(tls_status_name(r->st)[0] != '\0');
	if (r->st == TLS_NEED_MORE) {
		CHECK(r->need > len);
		return;
	}
	CHECK(r->need == 0);
	CHECK(r->st != TLS_ALERT || server);
	CHECK(tls_status_is_error(r->st) == (r->st > TLS_ALERT));
	if (r->st == TLS_ALERT)
		(void)tls_alert_name(r->sh.alert_description);
	if (r->st != TLS_OK)
		return;
	if (server)
		check_server_fields(&r->sh, len);
	else
		check_client_fields(&r->ch, len);
}

/* A prefix's answer against the whole stream's: need_more, or the same answer. */
static void check_prefix(int server, const struct result *part, const struct result *whole)
{
	if (part->st == TLS_NEED_MORE)
		return;
	CHECK(part->st == whole->st);
	if (part->st == TLS_OK && server)
		CHECK(memcmp(&part->sh, &whole->sh, sizeof part->sh) == 0);
	else if (part->st == TLS_OK)
		CHECK(memcmp(&part->ch, &whole->ch, sizeof part->ch) == 0);
}

/*
 * Follow the need chain from the empty prefix: each need is past the prefix,
 * the stream one byte shorter than a need still needs more, and every answer
 * on the way agrees with the whole stream's. Then a few other prefixes.
 */
static void check_stream(int server, const uint8_t *s, size_t len)
{
	struct result whole, part, shorter;

	parse(server, s, len, &whole);
	check_one(server, &whole, len);
	size_t k = 0;
	for (int steps = 0; steps < MAX_CHAIN && k <= len; steps++) {
		parse(server, s, k, &part);
		check_one(server, &part, k);
		check_prefix(server, &part, &whole);
		if (part.st != TLS_NEED_MORE)
			break;
		if (part.need - 1 > k && part.need - 1 <= len) {
			parse(server, s, part.need - 1, &shorter);
			CHECK(shorter.st == TLS_NEED_MORE);
		}
		k = part.need;
	}
	const size_t others[3] = { len / 2, len > 0 ? len - 1 : 0, len / 3 };
	for (int i = 0; i < 3; i++) {
		parse(server, s, others[i], &part);
		check_one(server, &part, others[i]);
		check_prefix(server, &part, &whole);
	}
}

/* A hello body given its handshake header and cut into records of `chunk`. */
static size_t wrap(uint8_t *out, uint8_t type, const uint8_t *body, size_t n, size_t chunk)
{
	uint8_t hs_head[4] = { type, (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n };
	size_t total = 4 + n, done = 0, o = 0;
	if (chunk == 0)
		chunk = total;
	while (done < total) {
		size_t len = total - done < chunk ? total - done : chunk;
		out[o++] = 22;
		out[o++] = 3;
		out[o++] = 1;
		out[o++] = (uint8_t)(len >> 8);
		out[o++] = (uint8_t)len;
		for (size_t i = 0; i < len; i++, done++)
			out[o++] = done < 4 ? hs_head[done] : body[done - 4];
	}
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 4 * TLS_MAX_HELLO_LEN)
		return 0;
	uint8_t mode = data[0];
	data++;
	size--;
	if (mode & 0x80) {
		check_stream(0, data, size);
		check_stream(1, data, size);
		return 0;
	}
	if (size > TLS_MAX_HELLO_LEN)
		return 0;
	size_t chunk = mode & 0x7f;
	size_t records = chunk ? (size + 4 + chunk - 1) / chunk : 1;
	uint8_t *s = malloc(size + 4 + 5 * records);
	CHECK(s != NULL);
	size_t n = wrap(s, 1, data, size, chunk);
	check_stream(0, s, n);
	n = wrap(s, 2, data, size, chunk);
	check_stream(1, s, n);
	free(s);
	return 0;
}
