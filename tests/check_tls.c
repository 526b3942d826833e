/* check_tls.c - ClientHello/ServerHello parsing on hand-built hellos: fields, record fragmentation, every prefix, malformation. */
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "tls.h"

#define ck_status(got, want)                                                         \
	do {                                                                         \
		enum tls_status got_ = (got), want_ = (want);                        \
		ck_assert_msg(got_ == want_, "status %s, expected %s",               \
			      tls_status_name(got_), tls_status_name(want_));       \
	} while (0)

/*
 * Parse from an exact-length heap copy, so AddressSanitizer flags any read
 * past len; *out is poisoned first to catch fields the parser forgets.
 */
static enum tls_status ch_parse(const uint8_t *s, size_t len, struct tls_client_hello *out,
				size_t *need)
{
	uint8_t *copy = malloc(len);
	ck_assert(copy != NULL || len == 0);
	if (len)
		memcpy(copy, s, len);
	memset(out, 0xa5, sizeof *out);
	*need = 0xdeadbeef;
	enum tls_status st = tls_parse_client_hello(copy, len, out, need);
	free(copy);
	return st;
}

static enum tls_status sh_parse(const uint8_t *s, size_t len, struct tls_server_hello *out,
				size_t *need)
{
	uint8_t *copy = malloc(len);
	ck_assert(copy != NULL || len == 0);
	if (len)
		memcpy(copy, s, len);
	memset(out, 0xa5, sizeof *out);
	*need = 0xdeadbeef;
	enum tls_status st = tls_parse_server_hello(copy, len, out, need);
	free(copy);
	return st;
}

/* ------------------------------------------------------------ builder */

/*
 * A handshake message built byte by byte; hb_open leaves room for a 1-, 2-
 * or 3-byte length that hb_close fills in with what was written since.
 */
enum { HB_MAX = 20480, MAX_RECORDS = 512 };

struct hb {
	uint8_t b[HB_MAX];
	size_t n;
	int depth;
	size_t at[8];
	unsigned width[8];
};

static void hb_u8(struct hb *h, unsigned v)
{
	ck_assert_uint_lt(h->n, HB_MAX);
	h->b[h->n++] = (uint8_t)v;
}

static void hb_u16(struct hb *h, unsigned v)
{
	hb_u8(h, v >> 8 & 0xff);
	hb_u8(h, v & 0xff);
}

static void hb_bytes(struct hb *h, const void *p, size_t n)
{
	ck_assert_uint_le(h->n + n, HB_MAX);
	if (n)
		memcpy(h->b + h->n, p, n);
	h->n += n;
}

static void hb_fill(struct hb *h, uint8_t v, size_t n)
{
	ck_assert_uint_le(h->n + n, HB_MAX);
	memset(h->b + h->n, v, n);
	h->n += n;
}

static void hb_open(struct hb *h, unsigned width)
{
	h->at[h->depth] = h->n;
	h->width[h->depth++] = width;
	hb_fill(h, 0, width);
}

static void hb_close(struct hb *h)
{
	ck_assert_int_gt(h->depth, 0);
	h->depth--;
	size_t at = h->at[h->depth], w = h->width[h->depth];
	size_t len = h->n - at - w;
	for (size_t i = 0; i < w; i++)
		h->b[at + i] = (uint8_t)(len >> 8 * (w - 1 - i));
}

static void hb_close_all(struct hb *h)
{
	while (h->depth > 0)
		hb_close(h);
}

static const uint8_t SUITES2[4] = { 0xc0, 0x2f, 0x13, 0x01 };

/* ClientHello up to its extensions: type 1, length, version, random of
 * 0x5a, a session id of sid_len 0x33 bytes, the suites, compression null. */
static void ch_fixed(struct hb *h, uint16_t version, size_t sid_len, const uint8_t *suites,
		     size_t suites_len)
{
	h->n = 0;
	h->depth = 0;
	hb_u8(h, 1);
	hb_open(h, 3);
	hb_u16(h, version);
	hb_fill(h, 0x5a, 32);
	hb_u8(h, (unsigned)sid_len);
	hb_fill(h, 0x33, sid_len);
	hb_u16(h, (unsigned)suites_len);
	hb_bytes(h, suites, suites_len);
	hb_u8(h, 1);
	hb_u8(h, 0);
}

/* The usual start: TLS 1.2 legacy version, no session id, two suites, then
 * the extensions block opened. */
static void ch_start(struct hb *h)
{
	ch_fixed(h, 0x0303, 0, SUITES2, sizeof SUITES2);
	hb_open(h, 2);
}

static void ext_open(struct hb *h, uint16_t type)
{
	hb_u16(h, type);
	hb_open(h, 2);
}

static void ext_raw(struct hb *h, uint16_t type, const void *data, size_t n)
{
	ext_open(h, type);
	hb_bytes(h, data, n);
	hb_close(h);
}

/* server_name with n entries of (type, name); name lengths from strlen
 * unless lens is given. */
static void ext_sni_list(struct hb *h, const uint8_t *types, const char *const *names,
			 const size_t *lens, size_t n)
{
	ext_open(h, 0);
	hb_open(h, 2);
	for (size_t i = 0; i < n; i++) {
		size_t len = lens ? lens[i] : strlen(names[i]);
		hb_u8(h, types ? types[i] : 0);
		hb_u16(h, (unsigned)len);
		hb_bytes(h, names[i], len);
	}
	hb_close(h);
	hb_close(h);
}

static void ext_sni(struct hb *h, const char *name)
{
	ext_sni_list(h, NULL, &name, NULL, 1);
}

static void ext_alpn(struct hb *h, const char *const *names, size_t n)
{
	ext_open(h, 16);
	hb_open(h, 2);
	for (size_t i = 0; i < n; i++) {
		hb_u8(h, (unsigned)strlen(names[i]));
		hb_bytes(h, names[i], strlen(names[i]));
	}
	hb_close(h);
	hb_close(h);
}

static void ext_versions(struct hb *h, const uint16_t *v, size_t n)
{
	ext_open(h, 43);
	hb_open(h, 1);
	for (size_t i = 0; i < n; i++)
		hb_u16(h, v[i]);
	hb_close(h);
	hb_close(h);
}

/*
 * A stream: the handshake bytes cut into records whose payload sizes are
 * given (the last record takes the rest), and what the record layout is,
 * for the model of *need below.
 */
struct stream {
	uint8_t b[HB_MAX + 5 * MAX_RECORDS];
	size_t n;
	size_t hs_n;  /* handshake bytes: 4 + hello length */
	size_t nrec;
	size_t rec_len[MAX_RECORDS];
};

static void wrap_records(struct stream *st, const struct hb *h, uint16_t version, const size_t *sizes,
			 size_t nsizes)
{
	size_t done = 0;
	st->n = 0;
	st->nrec = 0;
	st->hs_n = h->n;
	while (done < h->n) {
		size_t len = st->nrec < nsizes ? sizes[st->nrec] : h->n - done;
		if (len > h->n - done)
			len = h->n - done;
		ck_assert_uint_lt(st->nrec, MAX_RECORDS);
		uint8_t *p = st->b + st->n;
		p[0] = 22;
		p[1] = (uint8_t)(version >> 8);
		p[2] = (uint8_t)version;
		p[3] = (uint8_t)(len >> 8);
		p[4] = (uint8_t)len;
		memcpy(p + 5, h->b + done, len);
		st->n += 5 + len;
		st->rec_len[st->nrec++] = len;
		done += len;
	}
}

static void one_record(struct stream *st, const struct hb *h)
{
	wrap_records(st, h, 0x0301, NULL, 0);
}

/*
 * The contract's *need, modelled from the layout: the points where the
 * answer can change are each record header's bytes 1, 2, 3 and 5, and in the
 * handshake bytes the end of the type byte, of the 4-byte header and of the
 * message; the end of a record the message goes on after is a point too.
 * need(k) is the first point past k.
 */
static size_t model_need(const struct stream *st, size_t k)
{
	size_t pos = 0, a = 0;
	for (size_t i = 0; i < st->nrec; i++) {
		const size_t hdr[4] = { pos + 1, pos + 2, pos + 3, pos + 5 };
		for (int j = 0; j < 4; j++)
			if (hdr[j] > k)
				return hdr[j];
		size_t len = st->rec_len[i], start = pos + 5;
		const size_t marks[3] = { 1, 4, st->hs_n };
		for (int j = 0; j < 3; j++)
			if (marks[j] > a && marks[j] <= a + len && start + marks[j] - a > k)
				return start + marks[j] - a;
		if (a + len >= st->hs_n)
			break;
		if (start + len > k)
			return start + len;
		pos = start + len;
		a += len;
	}
	return 0;
}

/*
 * Every prefix of a good ClientHello stream: TLS_NEED_MORE with the modelled
 * need, never TLS_OK early; then the whole stream parses and its fields
 * match `want` (which the caller checked by hand).
 */
static void ck_ch_prefixes(const struct stream *st, const struct tls_client_hello *want)
{
	struct tls_client_hello ch;
	size_t need;
	for (size_t k = 0; k < st->n; k++) {
		enum tls_status got = ch_parse(st->b, k, &ch, &need);
		ck_assert_msg(got == TLS_NEED_MORE, "prefix %zu of %zu: %s", k, st->n,
			      tls_status_name(got));
		ck_assert_msg(need == model_need(st, k), "prefix %zu: need %zu, expected %zu", k, need,
			      model_need(st, k));
	}
	ck_status(ch_parse(st->b, st->n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(need, 0);
	ck_assert_uint_eq(ch.hello_end, st->n);
	ck_assert_uint_eq(ch.records, st->nrec);
	/* fields: all of them but the record layout, through copies */
	struct tls_client_hello a, b;
	memcpy(&a, &ch, sizeof a);
	memcpy(&b, want, sizeof b);
	a.records = b.records = 0;
	a.hello_end = b.hello_end = 0;
	ck_assert_mem_eq(&a, &b, sizeof a);
}

/*
 * A stream whose answer is `want`, decided once `decided` bytes are in: every
 * shorter prefix says TLS_NEED_MORE with a need past it and not past the
 * decision, and every longer one gives the same answer.
 */
static void ck_ch_decided(const uint8_t *s, size_t n, enum tls_status want, size_t decided)
{
	struct tls_client_hello ch;
	size_t need;
	for (size_t k = 0; k <= n; k++) {
		enum tls_status got = ch_parse(s, k, &ch, &need);
		if (k < decided) {
			ck_assert_msg(got == TLS_NEED_MORE, "prefix %zu: %s, expected need_more", k,
				      tls_status_name(got));
			ck_assert_msg(need > k && need <= decided, "prefix %zu: need %zu (decided at %zu)",
				      k, need, decided);
		} else {
			ck_assert_msg(got == want, "prefix %zu: %s, expected %s", k, tls_status_name(got),
				      tls_status_name(want));
			ck_assert_uint_eq(need, 0);
		}
	}
}

static void ck_sh_decided(const uint8_t *s, size_t n, enum tls_status want, size_t decided)
{
	struct tls_server_hello sh;
	size_t need;
	for (size_t k = 0; k <= n; k++) {
		enum tls_status got = sh_parse(s, k, &sh, &need);
		if (k < decided) {
			ck_assert_msg(got == TLS_NEED_MORE, "prefix %zu: %s, expected need_more", k,
				      tls_status_name(got));
			ck_assert_msg(need > k && need <= decided, "prefix %zu: need %zu (decided at %zu)",
				      k, need, decided);
		} else {
			ck_assert_msg(got == want, "prefix %zu: %s, expected %s", k, tls_status_name(got),
				      tls_status_name(want));
		}
	}
}

/* Build a stream from a hello in one TLS 1.0 record and expect `want` at its end. */
static void ck_ch_bad(struct hb *h, enum tls_status want)
{
	struct stream *st = malloc(sizeof *st);
	ck_assert_ptr_nonnull(st);
	hb_close_all(h);
	one_record(st, h);
	ck_ch_decided(st->b, st->n, want, st->n);
	free(st);
}

#define R8 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a

/*
 * The reference hello, written out by hand: TLS 1.2 with SNI example.com
 * and ALPN h2,http/1.1 in one TLS 1.0 record. Offsets in the stream:
 *   0 record 16 03 01 00 57 (87)     5 ClientHello 01 00 00 53 (83)
 *   9 version 03 03  11 random (32)  43 session id 00
 *  44 suites 00 04 c0 2f 13 01       50 compression 01 00
 *  52 extensions 00 26 (38)
 *  54 server_name 00 00 00 10: list 00 0e, host_name 00 00 0b "example.com"
 *  74 ALPN 00 10 00 0e: list 00 0c, 02 "h2" 08 "http/1.1"  -> 92 bytes
 */
static const uint8_t REF_CH[92] = {
	0x16, 0x03, 0x01, 0x00, 0x57, 0x01, 0x00, 0x00, 0x53, 0x03, 0x03,
	R8, R8, R8, R8,
	0x00, 0x00, 0x04, 0xc0, 0x2f, 0x13, 0x01, 0x01, 0x00, 0x00, 0x26,
	0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x00, 0x0b,
	'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm',
	0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 'h', '2', 0x08,
	'h', 't', 't', 'p', '/', '1', '.', '1',
};

static const char *const H2_HTTP11[2] = { "h2", "http/1.1" };

/* REF_CH through the builder. */
static void build_ref(struct hb *h)
{
	ch_start(h);
	ext_sni(h, "example.com");
	ext_alpn(h, H2_HTTP11, 2);
	hb_close_all(h);
}

/* The fields REF_CH must give. */
static void ck_ref_fields(const struct tls_client_hello *ch)
{
	ck_assert_uint_eq(ch->record_version, 0x0301);
	ck_assert_uint_eq(ch->legacy_version, 0x0303);
	ck_assert_uint_eq(ch->max_version, 0x0303);
	ck_assert_uint_eq(ch->hello_len, 83);
	ck_assert_uint_eq(ch->cipher_suites, 2);
	ck_assert_uint_eq(ch->extensions, 2);
	ck_assert(ch->has_sni);
	ck_assert_uint_eq(ch->sni_count, 1);
	ck_assert_uint_eq(ch->sni_len, 11);
	ck_assert_uint_eq(ch->sni_wire_len, 11);
	ck_assert_str_eq(ch->sni, "example.com");
	ck_assert(!ch->sni_truncated);
	ck_assert(!ch->sni_suspicious);
	ck_assert(ch->has_alpn);
	ck_assert_uint_eq(ch->alpn_count, 2);
	ck_assert_uint_eq(ch->alpn_len, 11);
	ck_assert_str_eq(ch->alpn, "h2,http/1.1");
	ck_assert(!ch->alpn_truncated);
	ck_assert(!ch->alpn_suspicious);
	ck_assert(!ch->has_supported_versions);
	ck_assert_uint_eq(ch->versions_count, 0);
	ck_assert(!ch->ech && !ch->esni_draft && !ch->psk);
}

/* ---------------------------------------------------------------- core */

START_TEST(test_ch_tls12_sni_alpn)
{
	struct tls_client_hello ch;
	size_t need;
	ck_status(ch_parse(REF_CH, sizeof REF_CH, &ch, &need), TLS_OK);
	ck_assert_uint_eq(need, 0);
	ck_ref_fields(&ch);
	ck_assert_uint_eq(ch.records, 1);
	ck_assert_uint_eq(ch.hello_end, 92);
	/* unused bytes are zero, not the poison */
	ck_assert_uint_eq(ch.versions[0], 0);
	ck_assert_uint_eq(ch.sni[11], 0);
	ck_assert_uint_eq(ch.sni[200], 0);

	/* the builder writes exactly these bytes */
	struct hb h;
	struct stream st;
	build_ref(&h);
	one_record(&st, &h);
	ck_assert_uint_eq(st.n, sizeof REF_CH);
	ck_assert_mem_eq(st.b, REF_CH, sizeof REF_CH);

	/* bytes after the hello are not looked at */
	uint8_t more[100];
	memcpy(more, REF_CH, 92);
	memset(more + 92, 0xff, 8);
	ck_status(ch_parse(more, sizeof more, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.hello_end, 92);
	ck_ref_fields(&ch);

	/* need may be NULL */
	ck_status(tls_parse_client_hello(REF_CH, sizeof REF_CH, &ch, NULL), TLS_OK);
	ck_status(tls_parse_client_hello(REF_CH, 50, &ch, NULL), TLS_NEED_MORE);
}
END_TEST

START_TEST(test_ch_tls13_versions)
{
	/* supported_versions [GREASE 0x2a2a, 0x0304, 0x0303] and a TLS 1.3 suite */
	const uint16_t v[3] = { 0x2a2a, 0x0304, 0x0303 };
	struct hb h;
	struct stream st;
	struct tls_client_hello ch;
	size_t need;
	ch_start(&h);
	ext_sni(&h, "www.example.org");
	ext_versions(&h, v, 3);
	hb_close_all(&h);
	one_record(&st, &h);
	/* 2+32+1+6+2 + 2 + (4+2+3+15) + (4+1+6) = 80 */
	ck_assert_uint_eq(st.n, 5 + 4 + 80);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert(ch.has_supported_versions);
	ck_assert_uint_eq(ch.versions_count, 2);
	ck_assert_uint_eq(ch.versions[0], 0x0304);
	ck_assert_uint_eq(ch.versions[1], 0x0303);
	ck_assert(!ch.versions_truncated);
	ck_assert_uint_eq(ch.max_version, 0x0304);
	ck_assert_uint_eq(ch.legacy_version, 0x0303);
	ck_assert_str_eq(ch.sni, "www.example.org");
	ck_assert_uint_eq(ch.extensions, 2);
	ck_assert_uint_eq(ch.hello_len, 80);

	/* only GREASE offered: max_version falls back to legacy_version */
	const uint16_t g[2] = { 0x0a0a, 0xfafa };
	ch_start(&h);
	ext_versions(&h, g, 2);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert(ch.has_supported_versions);
	ck_assert_uint_eq(ch.versions_count, 0);
	ck_assert_uint_eq(ch.max_version, 0x0303);

	/* a TLS 1.3 draft ranks above 1.2 and below 1.3 final */
	const uint16_t d1[2] = { 0x0303, 0x7f17 };
	const uint16_t d2[3] = { 0x7f1c, 0x0304, 0x0303 };
	ch_start(&h);
	ext_versions(&h, d1, 2);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.max_version, 0x7f17);
	ch_start(&h);
	ext_versions(&h, d2, 3);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.max_version, 0x0304);
	ck_assert_uint_eq(ch.versions_count, 3);
}
END_TEST

START_TEST(test_ch_several_names)
{
	/* host_name a.example, a name of type 1 (skipped), host_name b.example */
	const uint8_t types[3] = { 0, 1, 0 };
	const char *const names[3] = { "a.example", "x", "b.example" };
	struct hb h;
	struct stream st;
	struct tls_client_hello ch;
	size_t need;
	ch_start(&h);
	ext_sni_list(&h, types, names, NULL, 3);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert_str_eq(ch.sni, "a.example");
	ck_assert_uint_eq(ch.sni_len, 9);
	ck_assert_uint_eq(ch.sni_count, 2);
	ck_assert_uint_eq(ch.extensions, 1);

	/* a non-host_name type first: the first host_name is kept */
	const uint8_t types2[2] = { 7, 0 };
	const char *const names2[2] = { "opaque", "c.example" };
	ch_start(&h);
	ext_sni_list(&h, types2, names2, NULL, 2);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert_str_eq(ch.sni, "c.example");
	ck_assert_uint_eq(ch.sni_count, 1);
}
END_TEST

/* Issue 13: a protocol name holding a comma stays one name in the length-prefixed list. */
START_TEST(test_ch_alpn_comma)
{
	struct hb h;
	struct stream st;
	struct tls_client_hello ch;
	size_t need;
	const char *const names[2] = { "a,b", "h2" };
	ch_start(&h);
	ext_alpn(&h, names, 2);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.alpn_count, 2);
	ck_assert_str_eq(ch.alpn, "a,b,h2"); /* the joined form cannot tell them apart... */
	ck_assert_uint_eq(ch.alpn_list_len, 7); /* ...the list can: 3 "a,b" 2 "h2" */
	ck_assert_mem_eq(ch.alpn_list, "\x03" "a,b" "\x02" "h2", 7);
	ck_assert(ch.alpn_suspicious); /* a comma is odd in a protocol name */
}
END_TEST

START_TEST(test_ch_no_sni)
{
	/* ALPN only; and a hello with no extensions at all (TLS 1.0 style) */
	struct hb h;
	struct stream st;
	struct tls_client_hello ch;
	size_t need;
	ch_start(&h);
	ext_alpn(&h, H2_HTTP11 + 1, 1);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert(!ch.has_sni);
	ck_assert_uint_eq(ch.sni_count, 0);
	ck_assert_uint_eq(ch.sni_len, 0);
	ck_assert_str_eq(ch.sni, "");
	ck_assert_str_eq(ch.alpn, "http/1.1");

	ch_fixed(&h, 0x0301, 32, SUITES2, sizeof SUITES2);
	hb_close_all(&h);
	one_record(&st, &h);
	/* 2+32+(1+32)+(2+4)+2 = 75 */
	ck_assert_uint_eq(st.n, 5 + 4 + 75);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.legacy_version, 0x0301);
	ck_assert_uint_eq(ch.max_version, 0x0301);
	ck_assert_uint_eq(ch.extensions, 0);
	ck_assert(!ch.has_sni && !ch.has_alpn && !ch.has_supported_versions);
	ck_assert_uint_eq(ch.hello_len, 75);

	/* an empty extensions block is fine too */
	ch_start(&h);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.extensions, 0);
}
END_TEST

START_TEST(test_ch_grease)
{
	/* a GREASE suite, GREASE extensions (empty and 1 byte) around the real
	 * ones, GREASE ALPN {0x1a,0x1a} before h2, GREASE in supported_versions */
	const uint8_t suites[6] = { 0x3a, 0x3a, 0x13, 0x01, 0xc0, 0x2b };
	const char *const alpn[3] = { "\x1a\x1a", "h2", "\xfa\xfa" };
	const uint16_t v[2] = { 0xdada, 0x0304 };
	const uint8_t one = 0;
	struct hb h;
	struct stream st;
	struct tls_client_hello ch;
	size_t need;
	ch_fixed(&h, 0x0303, 32, suites, sizeof suites);
	hb_open(&h, 2);
	ext_raw(&h, 0x0a0a, NULL, 0);
	ext_sni(&h, "grease.example");
	ext_alpn(&h, alpn, 3);
	ext_versions(&h, v, 2);
	ext_raw(&h, 0xfafa, &one, 1);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.cipher_suites, 3);
	ck_assert_uint_eq(ch.extensions, 3);
	ck_assert_str_eq(ch.alpn, "h2");
	ck_assert_uint_eq(ch.alpn_count, 1);
	ck_assert_uint_eq(ch.versions_count, 1);
	ck_assert_uint_eq(ch.versions[0], 0x0304);
	ck_assert_uint_eq(ch.max_version, 0x0304);
	ck_assert_str_eq(ch.sni, "grease.example");
	ck_assert(!ch.alpn_suspicious);

	/* a 2-byte name that only looks GREASE-like is kept: 0x1a0a is not GREASE */
	const char *const notg[1] = { "\x1a\x0a" };
	ch_start(&h);
	ext_alpn(&h, notg, 1);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.alpn_count, 1);
	ck_assert_uint_eq(ch.alpn_len, 2);
	ck_assert(ch.alpn_suspicious);
}
END_TEST

START_TEST(test_ch_ech_psk)
{
	/* outer SNI public.example, an ECH extension (outer type 0, then bytes),
	 * PSK last as RFC 8446 wants */
	const uint8_t ech[8] = { 0x00, 0x00, 0x01, 0x00, 0x01, 0x42, 0x00, 0x00 };
	const uint8_t psk[4] = { 0x00, 0x00, 0x00, 0x00 };
	const uint16_t v[1] = { 0x0304 };
	struct hb h;
	struct stream st;
	struct tls_client_hello ch;
	size_t need;
	ch_start(&h);
	ext_sni(&h, "public.example");
	ext_versions(&h, v, 1);
	ext_raw(&h, 0xfe0d, ech, sizeof ech);
	ext_raw(&h, 41, psk, sizeof psk);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert(ch.ech);
	ck_assert(ch.psk);
	ck_assert(!ch.esni_draft);
	ck_assert_str_eq(ch.sni, "public.example");
	ck_assert_uint_eq(ch.extensions, 4);

	/* draft ESNI (0xffce), no SNI, as Firefox sent in 2019 */
	ch_start(&h);
	ext_raw(&h, 0xffce, ech, sizeof ech);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert(ch.esni_draft);
	ck_assert(!ch.ech && !ch.psk && !ch.has_sni);
}
END_TEST

/* ------------------------------------------------------------ ServerHello */

/* ServerHello: type 2, version, random (32 x fill or the HRR value), session
 * id echo of 32, the suite, compression 0, extensions opened. */
static const uint8_t HRR_RANDOM[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static void sh_start(struct hb *h, uint16_t version, const uint8_t *random, uint16_t suite)
{
	h->n = 0;
	h->depth = 0;
	hb_u8(h, 2);
	hb_open(h, 3);
	hb_u16(h, version);
	if (random)
		hb_bytes(h, random, 32);
	else
		hb_fill(h, 0x77, 32);
	hb_u8(h, 32);
	hb_fill(h, 0x33, 32);
	hb_u16(h, suite);
	hb_u8(h, 0);
	hb_open(h, 2);
}

static void sh_wrap(struct stream *st, struct hb *h)
{
	hb_close_all(h);
	wrap_records(st, h, 0x0303, NULL, 0);
}

START_TEST(test_sh_built)
{
	struct hb h;
	struct stream st;
	struct tls_server_hello sh;
	size_t need;

	/* TLS 1.2, no extensions at all: 2+32+33+2+1 = 70 */
	sh_start(&h, 0x0303, NULL, 0xc02f);
	h.n -= 2; /* drop the opened extensions length */
	h.depth--;
	sh_wrap(&st, &h);
	ck_assert_uint_eq(st.n, 5 + 4 + 70);
	ck_status(sh_parse(st.b, st.n, &sh, &need), TLS_OK);
	ck_assert_uint_eq(sh.version, 0x0303);
	ck_assert_uint_eq(sh.cipher_suite, 0xc02f);
	ck_assert_uint_eq(sh.extensions, 0);
	ck_assert(!sh.has_alpn && !sh.has_supported_versions);

	/* TLS 1.3: supported_versions 0x0304 */
	const uint8_t v13[2] = { 0x03, 0x04 };
	sh_start(&h, 0x0303, NULL, 0x1301);
	ext_raw(&h, 43, v13, 2);
	sh_wrap(&st, &h);
	ck_status(sh_parse(st.b, st.n, &sh, &need), TLS_OK);
	ck_assert_uint_eq(sh.version, 0x0304);
	ck_assert_uint_eq(sh.legacy_version, 0x0303);
	ck_assert(sh.has_supported_versions);

	/* HelloRetryRequest: the special random, supported_versions, key_share
	 * naming group x25519 (0x001d) */
	const uint8_t group[2] = { 0x00, 0x1d };
	sh_start(&h, 0x0303, HRR_RANDOM, 0x1301);
	ext_raw(&h, 43, v13, 2);
	ext_raw(&h, 51, group, 2);
	sh_wrap(&st, &h);
	ck_status(sh_parse(st.b, st.n, &sh, &need), TLS_OK);
	ck_assert(sh.hello_retry_request);
	ck_assert_uint_eq(sh.version, 0x0304);
	ck_assert_uint_eq(sh.extensions, 2);
	/* one byte of the random different: an ordinary ServerHello */
	st.b[5 + 4 + 2 + 31] ^= 1;
	ck_status(sh_parse(st.b, st.n, &sh, &need), TLS_OK);
	ck_assert(!sh.hello_retry_request);

	/* TLS 1.2 selecting h2 */
	const uint8_t alpn[5] = { 0x00, 0x03, 0x02, 'h', '2' };
	sh_start(&h, 0x0303, NULL, 0xc02f);
	ext_raw(&h, 16, alpn, sizeof alpn);
	sh_wrap(&st, &h);
	ck_status(sh_parse(st.b, st.n, &sh, &need), TLS_OK);
	ck_assert(sh.has_alpn);
	ck_assert_str_eq(sh.alpn, "h2");
	ck_assert_uint_eq(sh.alpn_len, 2);
}
END_TEST

START_TEST(test_sh_then_certificate)
{
	/* ServerHello (74 bytes with its header) and a Certificate message in the
	 * same record of 74 + 100: the hello ends at 5 + 74 = 79, mid-record, and
	 * no prefix needs more than that */
	struct hb h;
	uint8_t s[5 + 174];
	struct tls_server_hello sh;
	size_t need;
	sh_start(&h, 0x0303, NULL, 0xc02f);
	h.n -= 2;
	h.depth--;
	hb_close_all(&h);
	ck_assert_uint_eq(h.n, 74);
	const uint8_t rec[5] = { 0x16, 0x03, 0x03, 0x00, 174 };
	memcpy(s, rec, 5);
	memcpy(s + 5, h.b, 74);
	s[79] = 11; /* Certificate, length 96 */
	s[80] = 0;
	s[81] = 0;
	s[82] = 96;
	memset(s + 83, 0xcc, 96);
	for (size_t k = 0; k < 79; k++) {
		ck_status(sh_parse(s, k, &sh, &need), TLS_NEED_MORE);
		size_t want = k < 3 ? k + 1 : k < 5 ? 5 : k < 6 ? 6 : k < 9 ? 9 : 79;
		ck_assert_uint_eq(need, want);
	}
	for (size_t k = 79; k <= sizeof s; k++) {
		ck_status(sh_parse(s, k, &sh, &need), TLS_OK);
		ck_assert_uint_eq(sh.hello_end, 79);
		ck_assert_uint_eq(sh.records, 1);
	}
}
END_TEST

START_TEST(test_sh_alert)
{
	/* fatal handshake_failure instead of a ServerHello */
	const uint8_t alert[7] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
	struct tls_server_hello sh;
	size_t need;
	ck_status(sh_parse(alert, 7, &sh, &need), TLS_ALERT);
	ck_assert_uint_eq(sh.alert_level, 2);
	ck_assert_uint_eq(sh.alert_description, 40);
	ck_assert_str_eq(tls_alert_name(sh.alert_description), "handshake_failure");
	ck_assert_uint_eq(sh.record_version, 0x0303);
	ck_sh_decided(alert, 7, TLS_ALERT, 7);
	ck_status(sh_parse(alert, 5, &sh, &need), TLS_NEED_MORE);
	ck_assert_uint_eq(need, 7);

	/* an alert record of 1 byte is broken */
	const uint8_t short_alert[6] = { 0x15, 0x03, 0x03, 0x00, 0x01, 0x02 };
	ck_sh_decided(short_alert, 6, TLS_BAD_RECORD, 5);
	/* from a client, an alert first is not a TLS start */
	ck_ch_decided(alert, 7, TLS_NOT_TLS, 1);
}
END_TEST

START_TEST(test_names)
{
	char buf[TLS_VERSION_NAME_MAX];
	ck_assert_str_eq(tls_version_name(0x0300, buf, sizeof buf), "SSL 3.0");
	ck_assert_str_eq(tls_version_name(0x0301, buf, sizeof buf), "TLS 1.0");
	ck_assert_str_eq(tls_version_name(0x0302, buf, sizeof buf), "TLS 1.1");
	ck_assert_str_eq(tls_version_name(0x0303, buf, sizeof buf), "TLS 1.2");
	ck_assert_str_eq(tls_version_name(0x0304, buf, sizeof buf), "TLS 1.3");
	ck_assert_str_eq(tls_version_name(0x7f17, buf, sizeof buf), "TLS 1.3 draft 23");
	ck_assert_str_eq(tls_version_name(0x0a0a, buf, sizeof buf), "0x0a0a");
	ck_assert_str_eq(tls_version_name(0xfefd, buf, sizeof buf), "0xfefd");
	ck_assert_str_eq(tls_version_name(0x0305, buf, sizeof buf), "0x0305");
	ck_assert_str_eq(tls_version_name(0x0200, buf, 4), "0x0");

	ck_assert_str_eq(tls_status_name(TLS_OK), "ok");
	ck_assert_str_eq(tls_status_name(TLS_NEED_MORE), "need_more");
	ck_assert_str_eq(tls_status_name(TLS_NOT_TLS), "not_tls");
	ck_assert_str_eq(tls_status_name(TLS_ALERT), "alert");
	ck_assert_str_eq(tls_status_name(TLS_BAD_RECORD), "bad_record");
	ck_assert_str_eq(tls_status_name(TLS_BAD_HANDSHAKE), "bad_handshake");
	ck_assert_str_eq(tls_status_name(TLS_TOO_LONG), "too_long");
	ck_assert_str_eq(tls_status_name(TLS_BAD_EXTENSION), "bad_extension");
	ck_assert_str_eq(tls_status_name(TLS_DUP_EXTENSION), "dup_extension");
	ck_assert_str_eq(tls_status_name(TLS_BAD_SERVER_NAME), "bad_server_name");
	ck_assert_str_eq(tls_status_name(TLS_BAD_ALPN), "bad_alpn");
	ck_assert_str_eq(tls_status_name(TLS_BAD_SUPPORTED_VERSIONS), "bad_supported_versions");
	ck_assert_str_eq(tls_status_name(TLS__COUNT), "invalid");
	ck_assert(!tls_status_is_error(TLS_OK));
	ck_assert(!tls_status_is_error(TLS_NEED_MORE));
	ck_assert(!tls_status_is_error(TLS_NOT_TLS));
	ck_assert(!tls_status_is_error(TLS_ALERT));
	ck_assert(tls_status_is_error(TLS_BAD_RECORD));
	ck_assert(tls_status_is_error(TLS_BAD_SUPPORTED_VERSIONS));
	ck_assert(!tls_status_is_error(TLS__COUNT));

	/* RFC 8701: the 16 values 0x0a0a .. 0xfafa and nothing else */
	unsigned n = 0;
	for (unsigned v = 0; v <= 0xffff; v++)
		n += tls_is_grease((uint16_t)v);
	ck_assert_uint_eq(n, 16);
	ck_assert(tls_is_grease(0x0a0a));
	ck_assert(tls_is_grease(0xaaaa));
	ck_assert(tls_is_grease(0xfafa));
	ck_assert(!tls_is_grease(0x0a1a));
	ck_assert(!tls_is_grease(0x0b0b));

	ck_assert_str_eq(tls_alert_name(0), "close_notify");
	ck_assert_str_eq(tls_alert_name(70), "protocol_version");
	ck_assert_str_eq(tls_alert_name(112), "unrecognized_name");
	ck_assert_str_eq(tls_alert_name(120), "no_application_protocol");
	ck_assert_ptr_null(tls_alert_name(1));
	ck_assert_ptr_null(tls_alert_name(255));
}
END_TEST

/* ------------------------------------------------------------- limits */

START_TEST(test_prefixes_and_records)
{
	/* REF_CH whole and cut into records: inside the handshake header (2),
	 * at the end of the header (4), inside the SNI (40), three records
	 * (30, 30, 27), and one byte per record (87 records) */
	static const size_t c2[1] = { 2 }, c4[1] = { 4 }, c40[1] = { 40 }, c3[2] = { 30, 30 };
	size_t c1[87];
	for (size_t i = 0; i < 87; i++)
		c1[i] = 1;
	const struct {
		const size_t *sizes;
		size_t n, records;
	} cases[] = {
		{ NULL, 0, 1 }, { c2, 1, 2 }, { c4, 1, 2 }, { c40, 1, 2 }, { c3, 2, 3 }, { c1, 87, 87 },
	};
	struct hb h;
	struct stream *st = malloc(sizeof *st);
	struct tls_client_hello want;
	size_t need;
	ck_assert_ptr_nonnull(st);
	build_ref(&h);
	ck_status(ch_parse(REF_CH, sizeof REF_CH, &want, &need), TLS_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		wrap_records(st, &h, 0x0301, cases[i].sizes, cases[i].n);
		ck_assert_uint_eq(st->nrec, cases[i].records);
		ck_assert_uint_eq(st->n, 87 + 5 * cases[i].records);
		ck_ch_prefixes(st, &want);
	}

	/* the model's values worked by hand for two records of 40 + 47:
	 * header bytes 1,2,3,5, type byte 6, handshake header 9, record end
	 * 45, next header 46,47,48,50, hello end 97 */
	wrap_records(st, &h, 0x0301, c40, 1);
	const size_t hand[][2] = { { 0, 1 }, { 2, 3 }, { 3, 5 }, { 5, 6 }, { 6, 9 }, { 9, 45 },
				   { 44, 45 }, { 45, 46 }, { 47, 48 }, { 48, 50 }, { 50, 97 }, { 96, 97 } };
	for (size_t i = 0; i < sizeof hand / sizeof hand[0]; i++) {
		struct tls_client_hello ch;
		ck_status(ch_parse(st->b, hand[i][0], &ch, &need), TLS_NEED_MORE);
		ck_assert_uint_eq(need, hand[i][1]);
	}
	free(st);
}
END_TEST

START_TEST(test_sni_lengths)
{
	/* 253 (the longest DNS name), 255 (kept whole), 256 and 1000 (cut to 255) */
	const size_t lens[4] = { 253, 255, 256, 1000 };
	char name[1000];
	struct hb h;
	struct stream *st = malloc(sizeof *st);
	struct tls_client_hello ch;
	size_t need;
	ck_assert_ptr_nonnull(st);
	for (size_t i = 0; i < sizeof name; i++)
		name[i] = (char)('a' + i % 26);
	for (size_t i = 0; i < 4; i++) {
		const char *p = name;
		ch_start(&h);
		ext_sni_list(&h, NULL, &p, &lens[i], 1);
		hb_close_all(&h);
		one_record(st, &h);
		ck_status(ch_parse(st->b, st->n, &ch, &need), TLS_OK);
		ck_assert_uint_eq(ch.sni_wire_len, lens[i]);
		ck_assert_uint_eq(ch.sni_len, lens[i] < 255 ? lens[i] : 255);
		ck_assert(ch.sni_truncated == (lens[i] > 255));
		ck_assert_mem_eq(ch.sni, name, ch.sni_len);
		ck_assert_uint_eq(ch.sni[ch.sni_len], 0);
		ck_assert_uint_eq(strlen(ch.sni), ch.sni_len);
		ck_assert(!ch.sni_suspicious);
	}
	free(st);
}
END_TEST

START_TEST(test_sni_suspicious)
{
	static const struct {
		const char *name;
		size_t len;
		bool suspicious;
	} cases[] = {
		{ "_dmarc.Host-9.example", 21, false },
		{ "104.236.167.107", 15, false },
		{ "exa mple.com", 12, true },
		{ "example.com\0evil.net", 20, true },   /* a NUL: stored whole, flagged */
		{ "b\xc3\xbc" "cher.de", 10, true },     /* raw UTF-8 instead of xn-- */
		{ "a/b", 3, true },
		{ "\x1b[2Jx", 5, true },
		{ "*.example", 9, true },
	};
	struct hb h;
	struct stream st;
	struct tls_client_hello ch;
	size_t need;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ch_start(&h);
		ext_sni_list(&h, NULL, &cases[i].name, &cases[i].len, 1);
		hb_close_all(&h);
		one_record(&st, &h);
		ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
		ck_assert_uint_eq(ch.sni_len, cases[i].len);
		ck_assert_mem_eq(ch.sni, cases[i].name, cases[i].len);
		ck_assert_msg(ch.sni_suspicious == cases[i].suspicious, "case %zu", i);
	}
	/* the flag looks at the whole name, past the 255 bytes kept */
	char name[300];
	const char *p = name;
	const size_t len = sizeof name;
	memset(name, 'a', sizeof name);
	name[299] = ' ';
	ch_start(&h);
	ext_sni_list(&h, NULL, &p, &len, 1);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert(ch.sni_truncated);
	ck_assert(ch.sni_suspicious);
}
END_TEST

START_TEST(test_alpn_limits)
{
	/* 30 names "proto-NN-abcdefgh" (17 bytes): 17 + 13 * 18 = 251 bytes hold
	 * 14 names, a 15th would make 269 */
	char names[30][18];
	const char *ptr[30];
	struct hb h;
	struct stream st;
	struct tls_client_hello ch;
	size_t need;
	for (int i = 0; i < 30; i++) {
		memcpy(names[i], "proto-00-abcdefgh", 18);
		names[i][6] = (char)('0' + i / 10);
		names[i][7] = (char)('0' + i % 10);
		ptr[i] = names[i];
	}
	ch_start(&h);
	ext_alpn(&h, ptr, 30);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.alpn_count, 30);
	ck_assert_uint_eq(ch.alpn_len, 251);
	ck_assert(ch.alpn_truncated);
	ck_assert_uint_eq(strlen(ch.alpn), 251);
	ck_assert_str_eq(ch.alpn + 251 - 17, "proto-13-abcdefgh");

	/* one name of 255 fits exactly; a second of 1 byte does not */
	char big[256];
	memset(big, 'p', 255);
	big[255] = '\0';
	const char *two[2] = { big, "x" };
	ch_start(&h);
	ext_alpn(&h, two, 1);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.alpn_len, 255);
	ck_assert(!ch.alpn_truncated);
	ch_start(&h);
	ext_alpn(&h, two, 2);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.alpn_len, 255);
	ck_assert_uint_eq(ch.alpn_count, 2);
	ck_assert(ch.alpn_truncated);

	/* a comma inside a name would make the joined list ambiguous */
	const char *const comma[1] = { "a,b" };
	ch_start(&h);
	ext_alpn(&h, comma, 1);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert(ch.alpn_suspicious);
}
END_TEST

START_TEST(test_versions_limit)
{
	/* 18 drafts 0x7f01..0x7f12, then 0x0304 and 0x0303: 20 entries, 16 kept */
	uint16_t v[20];
	struct hb h;
	struct stream st;
	struct tls_client_hello ch;
	size_t need;
	for (int i = 0; i < 18; i++)
		v[i] = (uint16_t)(0x7f01 + i);
	v[18] = 0x0304;
	v[19] = 0x0303;
	ch_start(&h);
	ext_versions(&h, v, 20);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.versions_count, 16);
	ck_assert(ch.versions_truncated);
	ck_assert_uint_eq(ch.versions[15], 0x7f10);
	ck_assert_uint_eq(ch.max_version, 0x0304);
}
END_TEST

/* A hello of body length `body` (>= 69): SNI example.com and a padding
 * extension (21) making up the rest. */
static void build_padded(struct hb *h, size_t body)
{
	/* 2+32+1+6+2 + 2 + (4+16) = 65 before the padding extension's 4 */
	ch_start(h);
	ext_sni(h, "example.com");
	ext_open(h, 21);
	hb_fill(h, 0, body - 69);
	hb_close_all(h);
	ck_assert_uint_eq(h->n, 4 + body);
}

START_TEST(test_16k_boundary)
{
	struct hb h;
	struct stream *st = malloc(sizeof *st);
	struct tls_client_hello ch;
	size_t need;
	ck_assert_ptr_nonnull(st);

	/* a hello of exactly TLS_MAX_HELLO_LEN: in one record of 16388, and in
	 * two records of 16384 + 4 */
	build_padded(&h, 16384);
	one_record(st, &h);
	ck_assert_uint_eq(st->n, 16393);
	ck_status(ch_parse(st->b, st->n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.hello_len, 16384);
	ck_assert_str_eq(ch.sni, "example.com");
	ck_status(ch_parse(st->b, st->n - 1, &ch, &need), TLS_NEED_MORE);
	ck_assert_uint_eq(need, 16393);
	const size_t cut[1] = { 16384 };
	wrap_records(st, &h, 0x0303, cut, 1);
	ck_assert_uint_eq(st->n, 16398);
	ck_status(ch_parse(st->b, st->n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.records, 2);
	ck_assert_uint_eq(ch.hello_len, 16384);

	/* one byte more: too_long, from the 4-byte handshake header (byte 9) */
	build_padded(&h, 16385);
	one_record(st, &h);
	ck_ch_decided(st->b, 40, TLS_TOO_LONG, 9);

	/* the record length bound: 18432 (2^14 + 2048) is accepted, with the
	 * hello done before the record's end; 18433 is bad_record at byte 5 */
	uint8_t *s = malloc(5 + 18432);
	ck_assert_ptr_nonnull(s);
	memcpy(s, REF_CH, sizeof REF_CH);
	memset(s + 92, 0, 5 + 18432 - 92);
	s[3] = 0x48;
	s[4] = 0x00;
	ck_status(ch_parse(s, 5 + 18432, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.hello_end, 92);
	ck_ref_fields(&ch);
	s[4] = 0x01;
	ck_ch_decided(s, 100, TLS_BAD_RECORD, 5);
	free(s);
	free(st);
}
END_TEST

/* ---------------------------------------------------------- malformed */

/* REF_CH with the bytes at `off` replaced. */
static void ck_ref_patched(size_t off, const uint8_t *bytes, size_t n, enum tls_status want,
			   size_t decided)
{
	uint8_t s[sizeof REF_CH];
	memcpy(s, REF_CH, sizeof s);
	memcpy(s + off, bytes, n);
	ck_ch_decided(s, sizeof s, want, decided);
}

START_TEST(test_bad_lengths)
{
	/* server_name extension length 0x00ff: past the extensions block */
	ck_ref_patched(56, (const uint8_t[]){ 0x00, 0xff }, 2, TLS_BAD_EXTENSION, 92);
	/* server_name list length 15 in an extension of 16: larger than what is left */
	ck_ref_patched(58, (const uint8_t[]){ 0x00, 0x0f }, 2, TLS_BAD_SERVER_NAME, 92);
	/* list length 13: a byte of the extension left over */
	ck_ref_patched(58, (const uint8_t[]){ 0x00, 0x0d }, 2, TLS_BAD_SERVER_NAME, 92);
	/* host_name length 12: past the list */
	ck_ref_patched(61, (const uint8_t[]){ 0x00, 0x0c }, 2, TLS_BAD_SERVER_NAME, 92);
	/* extensions length 39 and 37 for the 38 bytes there */
	ck_ref_patched(52, (const uint8_t[]){ 0x00, 0x27 }, 2, TLS_BAD_EXTENSION, 92);
	ck_ref_patched(52, (const uint8_t[]){ 0x00, 0x25 }, 2, TLS_BAD_EXTENSION, 92);
	/* ALPN list length 13 in an extension of 14... and 11 */
	ck_ref_patched(78, (const uint8_t[]){ 0x00, 0x0d }, 2, TLS_BAD_ALPN, 92);
	ck_ref_patched(78, (const uint8_t[]){ 0x00, 0x0b }, 2, TLS_BAD_ALPN, 92);
	/* last ALPN name length 9: past the list */
	ck_ref_patched(83, (const uint8_t[]){ 0x09 }, 1, TLS_BAD_ALPN, 92);
	/* cipher suites length 0x4000: past the hello */
	ck_ref_patched(44, (const uint8_t[]){ 0x40, 0x00 }, 2, TLS_BAD_HANDSHAKE, 92);
	/* session id length 0xff: past the hello */
	ck_ref_patched(43, (const uint8_t[]){ 0xff }, 1, TLS_BAD_HANDSHAKE, 92);
	/* handshake length 0xffffff (16 MiB - 1) and 16385: too long, at byte 9 */
	ck_ref_patched(6, (const uint8_t[]){ 0xff, 0xff, 0xff }, 3, TLS_TOO_LONG, 9);
	ck_ref_patched(6, (const uint8_t[]){ 0x00, 0x40, 0x01 }, 3, TLS_TOO_LONG, 9);
	/* handshake length 10: the fixed fields do not fit (record still 87) */
	ck_ref_patched(6, (const uint8_t[]){ 0x00, 0x00, 0x0a }, 3, TLS_BAD_HANDSHAKE, 19);
	/* handshake length 0 */
	ck_ref_patched(6, (const uint8_t[]){ 0x00, 0x00, 0x00 }, 3, TLS_BAD_HANDSHAKE, 9);
}
END_TEST

START_TEST(test_bad_records)
{
	/* record version 3.5 and 3.255: bad_record at byte 3 */
	ck_ref_patched(2, (const uint8_t[]){ 0x05 }, 1, TLS_BAD_RECORD, 3);
	ck_ref_patched(2, (const uint8_t[]){ 0xff }, 1, TLS_BAD_RECORD, 3);
	/* record length 0, and 18433 */
	ck_ref_patched(3, (const uint8_t[]){ 0x00, 0x00 }, 2, TLS_BAD_RECORD, 5);
	ck_ref_patched(3, (const uint8_t[]){ 0x48, 0x01 }, 2, TLS_BAD_RECORD, 5);
	/* major version 2 (or DTLS's 0xfe): not TLS at byte 2 */
	ck_ref_patched(1, (const uint8_t[]){ 0x02 }, 1, TLS_NOT_TLS, 2);
	ck_ref_patched(1, (const uint8_t[]){ 0xfe, 0xfd }, 2, TLS_NOT_TLS, 2);
	/* a ServerHello (2) where the ClientHello belongs: not TLS at byte 6 */
	ck_ref_patched(5, (const uint8_t[]){ 0x02 }, 1, TLS_NOT_TLS, 6);

	/* a second record that is not handshake: application data (23) at 45,
	 * or version 2.3 at 46, or 3.9 at 47, or length 0 */
	struct hb h;
	struct stream st;
	const size_t cut[1] = { 40 };
	build_ref(&h);
	wrap_records(&st, &h, 0x0303, cut, 1);
	const struct {
		size_t off;
		uint8_t v0, v1;
		size_t n;
		enum tls_status want;
		size_t decided;
	} cases[] = {
		{ 45, 23, 0, 1, TLS_BAD_RECORD, 46 },
		{ 45, 21, 0, 1, TLS_BAD_RECORD, 46 },
		{ 46, 2, 0, 1, TLS_BAD_RECORD, 47 },
		{ 47, 9, 0, 1, TLS_BAD_RECORD, 48 },
		{ 48, 0, 0, 2, TLS_BAD_RECORD, 50 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t s[sizeof st.b];
		memcpy(s, st.b, st.n);
		s[cases[i].off] = cases[i].v0;
		if (cases[i].n == 2)
			s[cases[i].off + 1] = cases[i].v1;
		ck_ch_decided(s, st.n, cases[i].want, cases[i].decided);
	}
}
END_TEST

START_TEST(test_bad_fields)
{
	struct hb h;
	const uint8_t odd[3] = { 0x13, 0x01, 0x13 };

	/* cipher suites of odd length, and empty */
	ch_fixed(&h, 0x0303, 0, odd, 3);
	ck_ch_bad(&h, TLS_BAD_HANDSHAKE);
	ch_fixed(&h, 0x0303, 0, odd, 0);
	ck_ch_bad(&h, TLS_BAD_HANDSHAKE);
	/* session id of 33 */
	ch_fixed(&h, 0x0303, 33, SUITES2, 4);
	ck_ch_bad(&h, TLS_BAD_HANDSHAKE);
	/* no compression method */
	ch_fixed(&h, 0x0303, 0, SUITES2, 4);
	h.n -= 2;
	hb_u8(&h, 0);
	ck_ch_bad(&h, TLS_BAD_HANDSHAKE);
	/* one lone byte where the extensions length would be */
	ch_fixed(&h, 0x0303, 0, SUITES2, 4);
	hb_u8(&h, 0);
	ck_ch_bad(&h, TLS_BAD_HANDSHAKE);
	/* an extension header cut: type and one byte of length */
	ch_start(&h);
	hb_u16(&h, 0x0017);
	hb_u8(&h, 0);
	ck_ch_bad(&h, TLS_BAD_EXTENSION);

	/* ALPN with a zero-length name, and an empty ALPN list */
	const char *const zero[2] = { "h2", "" };
	ch_start(&h);
	ext_alpn(&h, zero, 2);
	ck_ch_bad(&h, TLS_BAD_ALPN);
	ch_start(&h);
	ext_alpn(&h, zero, 0);
	ck_ch_bad(&h, TLS_BAD_ALPN);
	ch_start(&h);
	ext_raw(&h, 16, NULL, 0);
	ck_ch_bad(&h, TLS_BAD_ALPN);

	/* server_name: an empty host_name, an empty list, an empty extension */
	const char *const empty = "";
	ch_start(&h);
	ext_sni(&h, empty);
	ck_ch_bad(&h, TLS_BAD_SERVER_NAME);
	ch_start(&h);
	ext_sni_list(&h, NULL, NULL, NULL, 0);
	ck_ch_bad(&h, TLS_BAD_SERVER_NAME);
	ch_start(&h);
	ext_raw(&h, 0, NULL, 0);
	ck_ch_bad(&h, TLS_BAD_SERVER_NAME);
	/* a name type with no length after it */
	ch_start(&h);
	ext_raw(&h, 0, (const uint8_t[]){ 0x00, 0x01, 0x00 }, 3);
	ck_ch_bad(&h, TLS_BAD_SERVER_NAME);

	/* supported_versions: length 3, length byte 4 with 2 bytes, empty list */
	ch_start(&h);
	ext_raw(&h, 43, (const uint8_t[]){ 0x03, 0x03, 0x04, 0x03 }, 4);
	ck_ch_bad(&h, TLS_BAD_SUPPORTED_VERSIONS);
	ch_start(&h);
	ext_raw(&h, 43, (const uint8_t[]){ 0x04, 0x03, 0x04 }, 3);
	ck_ch_bad(&h, TLS_BAD_SUPPORTED_VERSIONS);
	ch_start(&h);
	ext_raw(&h, 43, (const uint8_t[]){ 0x00 }, 1);
	ck_ch_bad(&h, TLS_BAD_SUPPORTED_VERSIONS);

	/* the same extension twice */
	ch_start(&h);
	ext_sni(&h, "a.example");
	ext_sni(&h, "b.example");
	ck_ch_bad(&h, TLS_DUP_EXTENSION);
	ch_start(&h);
	ext_raw(&h, 41, NULL, 0);
	ext_raw(&h, 41, NULL, 0);
	ck_ch_bad(&h, TLS_DUP_EXTENSION);
	/* ... but unknown ones and GREASE twice are not our business */
	struct stream st;
	struct tls_client_hello ch;
	size_t need;
	ch_start(&h);
	ext_raw(&h, 0x0a0a, NULL, 0);
	ext_raw(&h, 0x0a0a, NULL, 0);
	ext_raw(&h, 23, NULL, 0);
	ext_raw(&h, 23, NULL, 0);
	hb_close_all(&h);
	one_record(&st, &h);
	ck_status(ch_parse(st.b, st.n, &ch, &need), TLS_OK);
	ck_assert_uint_eq(ch.extensions, 2);
}
END_TEST

START_TEST(test_not_tls)
{
	static const char http[] = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
	static const char ssh[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
	/* SSLv2-format ClientHello, the first bytes of sslv2_hello.pcap's client */
	static const uint8_t sslv2[12] = { 0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15,
					   0x00, 0x00, 0x00, 0x10, 0x07 };
	/* "\x16\x03" then not a TLS record: an SMTP server greeting does not
	 * start so, but a TLS-looking 0x16 0x00 does */
	static const uint8_t sixteen[6] = { 0x16, 0x00, 0x01, 0x00, 0x10, 0x01 };
	ck_ch_decided((const uint8_t *)http, sizeof http - 1, TLS_NOT_TLS, 1);
	ck_ch_decided((const uint8_t *)ssh, sizeof ssh - 1, TLS_NOT_TLS, 1);
	ck_ch_decided(sslv2, sizeof sslv2, TLS_NOT_TLS, 1);
	ck_ch_decided(sixteen, sizeof sixteen, TLS_NOT_TLS, 2);
	ck_sh_decided((const uint8_t *)http, sizeof http - 1, TLS_NOT_TLS, 1);
	ck_sh_decided(sslv2, sizeof sslv2, TLS_NOT_TLS, 1);
	/* a ClientHello where the server's hello belongs */
	ck_sh_decided(REF_CH, sizeof REF_CH, TLS_NOT_TLS, 6);

	/* nothing yet: need the first byte */
	struct tls_client_hello ch;
	size_t need;
	ck_status(ch_parse(REF_CH, 0, &ch, &need), TLS_NEED_MORE);
	ck_assert_uint_eq(need, 1);
}
END_TEST

START_TEST(test_sh_bad)
{
	struct hb h;
	struct stream st;

	/* ALPN with two names in a ServerHello */
	const uint8_t two[8] = { 0x00, 0x06, 0x02, 'h', '2', 0x02, 'h', '3' };
	sh_start(&h, 0x0303, NULL, 0xc02f);
	ext_raw(&h, 16, two, sizeof two);
	sh_wrap(&st, &h);
	ck_sh_decided(st.b, st.n, TLS_BAD_ALPN, st.n);
	/* supported_versions of 3 bytes */
	sh_start(&h, 0x0303, NULL, 0x1301);
	ext_raw(&h, 43, (const uint8_t[]){ 0x03, 0x04, 0x00 }, 3);
	sh_wrap(&st, &h);
	ck_sh_decided(st.b, st.n, TLS_BAD_SUPPORTED_VERSIONS, st.n);
	/* supported_versions twice */
	sh_start(&h, 0x0303, NULL, 0x1301);
	ext_raw(&h, 43, (const uint8_t[]){ 0x03, 0x04 }, 2);
	ext_raw(&h, 43, (const uint8_t[]){ 0x03, 0x04 }, 2);
	sh_wrap(&st, &h);
	ck_sh_decided(st.b, st.n, TLS_DUP_EXTENSION, st.n);
	/* session id echo of 33 */
	sh_start(&h, 0x0303, NULL, 0x1301);
	h.b[4 + 2 + 32] = 33;
	hb_u8(&h, 0);
	sh_wrap(&st, &h);
	ck_sh_decided(st.b, st.n, TLS_BAD_HANDSHAKE, st.n);
	/* an extension length past the block */
	sh_start(&h, 0x0303, NULL, 0x1301);
	ext_raw(&h, 43, (const uint8_t[]){ 0x03, 0x04 }, 2);
	sh_wrap(&st, &h);
	st.b[st.n - 3] = 3;
	ck_sh_decided(st.b, st.n, TLS_BAD_EXTENSION, st.n);
	/* an extensions length of 7 for the 6 bytes there */
	st.b[st.n - 3] = 2;
	st.b[st.n - 7] = 7;
	ck_sh_decided(st.b, st.n, TLS_BAD_EXTENSION, st.n);
	/* a hello of 40 bytes: the random is there, not the session id echo */
	sh_start(&h, 0x0303, NULL, 0x1301);
	h.n = 4 + 40;
	h.depth = 1;
	sh_wrap(&st, &h);
	ck_assert_uint_eq(st.n, 49);
	ck_sh_decided(st.b, st.n, TLS_BAD_HANDSHAKE, 49);

	/* need may be NULL here too: a TLS 1.2 hello without extensions, whole and cut */
	struct tls_server_hello sh;
	sh_start(&h, 0x0303, NULL, 0xc02f);
	h.n -= 2;
	h.depth--;
	sh_wrap(&st, &h);
	ck_status(tls_parse_server_hello(st.b, st.n, &sh, NULL), TLS_OK);
	ck_status(tls_parse_server_hello(st.b, 20, &sh, NULL), TLS_NEED_MORE);
}
END_TEST

Suite *tls_suite(void)
{
	Suite *s = suite_create("tls");

	TCase *core = tcase_create("core");
	tcase_add_test(core, test_ch_tls12_sni_alpn);
	tcase_add_test(core, test_ch_alpn_comma);
	tcase_add_test(core, test_ch_tls13_versions);
	tcase_add_test(core, test_ch_several_names);
	tcase_add_test(core, test_ch_no_sni);
	tcase_add_test(core, test_ch_grease);
	tcase_add_test(core, test_ch_ech_psk);
	tcase_add_test(core, test_sh_built);
	tcase_add_test(core, test_sh_then_certificate);
	tcase_add_test(core, test_sh_alert);
	tcase_add_test(core, test_names);
	suite_add_tcase(s, core);

	TCase *limits = tcase_create("limits");
	tcase_add_test(limits, test_prefixes_and_records);
	tcase_add_test(limits, test_sni_lengths);
	tcase_add_test(limits, test_sni_suspicious);
	tcase_add_test(limits, test_alpn_limits);
	tcase_add_test(limits, test_versions_limit);
	tcase_add_test(limits, test_16k_boundary);
	suite_add_tcase(s, limits);

	TCase *malformed = tcase_create("malformed");
	tcase_add_test(malformed, test_bad_lengths);
	tcase_add_test(malformed, test_bad_records);
	tcase_add_test(malformed, test_bad_fields);
	tcase_add_test(malformed, test_not_tls);
	tcase_add_test(malformed, test_sh_bad);
	suite_add_tcase(s, malformed);

	return s;
}
