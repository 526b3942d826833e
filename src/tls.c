/* tls.c - ClientHello/ServerHello parsing: record layer -> handshake header -> hello body -> extensions. */
#include "tls.h"

#include <stdio.h>
#include <string.h>

#include "bytes.h"

enum {
	CT_ALERT = 21,           /* TLS record content types */
	CT_HANDSHAKE = 22,
	HS_CLIENT_HELLO = 1,     /* handshake message types */
	HS_SERVER_HELLO = 2,
	RECORD_HEADER_LEN = 5,
	HS_HEADER_LEN = 4,
	RANDOM_LEN = 32,
	SESSION_ID_MAX = 32,
	SNI_HOST_NAME = 0,       /* RFC 6066 NameType */
};

enum {
	EXT_SERVER_NAME = 0,
	EXT_ALPN = 16,
	EXT_PRE_SHARED_KEY = 41,
	EXT_SUPPORTED_VERSIONS = 43,
	EXT_ECH = 0xfe0d,        /* draft-ietf-tls-esni-13 onwards */
	EXT_ESNI_DRAFT = 0xffce, /* draft-ietf-tls-esni-01..06 */
};

/* ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest"), RFC 8446 4.1.3. */
static const uint8_t hrr_random[RANDOM_LEN] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static const char *const tls_status_names[] = {
	[TLS_OK] = "ok",
	[TLS_NEED_MORE] = "need_more",
	[TLS_NOT_TLS] = "not_tls",
	[TLS_ALERT] = "alert",
	[TLS_BAD_RECORD] = "bad_record",
	[TLS_BAD_HANDSHAKE] = "bad_handshake",
	[TLS_TOO_LONG] = "too_long",
	[TLS_BAD_EXTENSION] = "bad_extension",
	[TLS_DUP_EXTENSION] = "dup_extension",
	[TLS_BAD_SERVER_NAME] = "bad_server_name",
	[TLS_BAD_ALPN] = "bad_alpn",
	[TLS_BAD_SUPPORTED_VERSIONS] = "bad_supported_versions",
};
_Static_assert(sizeof tls_status_names / sizeof tls_status_names[0] == TLS__COUNT,
	       "one name per tls_status");

const char *tls_status_name(enum tls_status s)
{
	if ((unsigned)s >= TLS__COUNT)
		return "invalid";
	return tls_status_names[s];
}

bool tls_status_is_error(enum tls_status s)
{
	return s > TLS_ALERT && s < TLS__COUNT;
}

/* RFC 8701 section 2: both bytes equal, each of the form 0x?a. */
bool tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

const char *tls_version_name(uint16_t v, char *buf, size_t size)
{
	static const char *const names[] = { "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3" };

	if (v >= 0x0300 && v <= 0x0304)
		return names[v - 0x0300];
	if (v >> 8 == 0x7f)
		snprintf(buf, size, "TLS 1.3 draft %u", v & 0xffu);
	else
		snprintf(buf, size, "0x%04x", v);
	return buf;
}

/* Alert descriptions: RFC 8446 section 6, with the older ones of RFC 5246
 * and SSL 3.0, and ech_required (RFC 9849). */
static const char *const alert_names[256] = {
	[0] = "close_notify",
	[10] = "unexpected_message",
	[20] = "bad_record_mac",
	[21] = "decryption_failed",
	[22] = "record_overflow",
	[30] = "decompression_failure",
	[40] = "handshake_failure",
	[41] = "no_certificate",
	[42] = "bad_certificate",
	[43] = "unsupported_certificate",
	[44] = "certificate_revoked",
	[45] = "certificate_expired",
	[46] = "certificate_unknown",
	[47] = "illegal_parameter",
	[48] = "unknown_ca",
	[49] = "access_denied",
	[50] = "decode_error",
	[51] = "decrypt_error",
	[60] = "export_restriction",
	[70] = "protocol_version",
	[71] = "insufficient_security",
	[80] = "internal_error",
	[86] = "inappropriate_fallback",
	[90] = "user_canceled",
	[100] = "no_renegotiation",
	[109] = "missing_extension",
	[110] = "unsupported_extension",
	[111] = "certificate_unobtainable",
	[112] = "unrecognized_name",
	[113] = "bad_certificate_status_response",
	[114] = "bad_certificate_hash_value",
	[115] = "unknown_psk_identity",
	[116] = "certificate_required",
	[120] = "no_application_protocol",
	[121] = "ech_required",
};

const char *tls_alert_name(uint8_t description)
{
	return alert_names[description];
}

/* ------------------------------------------------------------ helpers */

/* A vector with a 1- or 2-byte length prefix, as a sub-reader; r is left
 * untouched on failure, like the br_* readers. */
static bool vec8(struct byte_reader *r, struct byte_reader *v)
{
	struct byte_reader save = *r;
	uint8_t n;

	if (br_u8(r, &n) && br_sub(r, n, v))
		return true;
	*r = save;
	return false;
}

static bool vec16(struct byte_reader *r, struct byte_reader *v)
{
	struct byte_reader save = *r;
	uint16_t n;

	if (br_u16be(r, &n) && br_sub(r, n, v))
		return true;
	*r = save;
	return false;
}

static enum tls_status need_more(size_t *need, size_t n)
{
	*need = n;
	return TLS_NEED_MORE;
}

/* ---------------------------------------------------------- record layer */

/*
 * The record layer's work: the handshake message gathered from consecutive
 * records into buf, its 4-byte header included.
 */
struct hs_gather {
	uint8_t want_type;   /* HS_CLIENT_HELLO or HS_SERVER_HELLO */
	bool alert_ok;       /* a first record of type alert is an answer (server side) */
	uint8_t *buf;        /* HS_HEADER_LEN + TLS_MAX_HELLO_LEN bytes */
	size_t got;          /* bytes of the message in buf */
	size_t total;        /* its length: HS_HEADER_LEN until the header is in */
	uint16_t records;    /* records read, the current one included */
	uint16_t record_version; /* the first record's */
	uint8_t alert[2];    /* level, description: when TLS_ALERT */
};

struct record_header {
	uint8_t type;
	uint16_t version;
	uint16_t len;
};

/*
 * One record header, judged a byte at a time so a stream that is not TLS is
 * told from its first byte. The first record must be a handshake (or, where
 * allowed, an alert) with major version 3: any other start is not TLS.
 * Later ones must be handshake records too (RFC 8446 5.1: handshake
 * messages are not interleaved with other record types), else bad_record.
 * A minor version past 4 or a length outside 1..TLS_MAX_RECORD_LEN is
 * bad_record anywhere (zero-length handshake fragments are forbidden too).
 */
static enum tls_status record_header(struct byte_reader *s, const struct hs_gather *g,
				     struct record_header *h, size_t *need)
{
	size_t start = s->off;
	bool first = g->records == 0;
	enum tls_status wrong = first ? TLS_NOT_TLS : TLS_BAD_RECORD;
	uint8_t major, minor;

	if (!br_u8(s, &h->type))
		return need_more(need, start + 1);
	if (h->type != CT_HANDSHAKE && !(first && g->alert_ok && h->type == CT_ALERT))
		return wrong;
	if (!br_u8(s, &major))
		return need_more(need, start + 2);
	if (major != 3)
		return wrong;
	if (!br_u8(s, &minor))
		return need_more(need, start + 3);
	if (minor > 4)
		return TLS_BAD_RECORD;
	if (!br_u16be(s, &h->len))
		return need_more(need, start + RECORD_HEADER_LEN);
	if (h->len == 0 || h->len > TLS_MAX_RECORD_LEN)
		return TLS_BAD_RECORD;
	h->version = (uint16_t)(major << 8 | minor);
	return TLS_OK;
}

/* An alert record as the first answer: its level and description. */
static enum tls_status read_alert(struct byte_reader *s, const struct record_header *h,
				  struct hs_gather *g, size_t *need)
{
	if (h->len < 2)
		return TLS_BAD_RECORD;
	if (!br_copy(s, g->alert, 2))
		return need_more(need, s->off + 2);
	return TLS_ALERT;
}

/*
 * Checks as the message's first bytes come in: the type byte (not the hello
 * we expect: not TLS), then the length in the 4-byte header.
 */
static enum tls_status hs_header_check(struct hs_gather *g)
{
	if (g->got == 1 && g->buf[0] != g->want_type)
		return TLS_NOT_TLS;
	if (g->got == HS_HEADER_LEN && g->total == HS_HEADER_LEN) {
		struct byte_reader r;
		uint32_t len;
		br_init(&r, g->buf + 1, 3);
		br_u24be(&r, &len);
		if (len > TLS_MAX_HELLO_LEN)
			return TLS_TOO_LONG;
		g->total = HS_HEADER_LEN + len;
	}
	return TLS_OK;
}

/*
 * Take the message's bytes from the `left` payload bytes of the current
 * record, a step at a time: the type byte, the rest of the header, the body.
 * Each step is a point where the answer can change, so a missing step's end
 * is what *need says.
 */
static enum tls_status take_payload(struct byte_reader *s, size_t left, struct hs_gather *g,
				    size_t *need)
{
	while (left > 0 && g->got < g->total) {
		size_t step = g->got == 0 ? 1 : g->total - g->got;
		if (step > left)
			step = left;
		if (!br_copy(s, g->buf + g->got, step))
			return need_more(need, s->off + step);
		g->got += step;
		left -= step;
		enum tls_status st = hs_header_check(g);
		if (st != TLS_OK)
			return st;
	}
	return TLS_OK;
}

/*
 * Walk records from the stream's start until the whole handshake message is
 * in g->buf. On TLS_OK, *end is the stream offset just past the message.
 */
static enum tls_status gather_handshake(const uint8_t *stream, size_t len, struct hs_gather *g,
					size_t *end, size_t *need)
{
	struct byte_reader s;

	br_init(&s, stream, len);
	while (g->got < g->total) {
		struct record_header h;
		enum tls_status st = record_header(&s, g, &h, need);
		if (st != TLS_OK)
			return st;
		if (g->records++ == 0)
			g->record_version = h.version;
		if (h.type == CT_ALERT)
			return read_alert(&s, &h, g, need);
		st = take_payload(&s, h.len, g, need);
		if (st != TLS_OK)
			return st;
	}
	*end = s.off;
	return TLS_OK;
}

/* ------------------------------------------------------------ extensions */

/* Next extension of a block: its type and its data as a sub-reader. */
static bool ext_next(struct byte_reader *block, uint16_t *type, struct byte_reader *data)
{
	return br_u16be(block, type) && vec16(block, data);
}

/* RFC 6066 section 3 HostName bytes we call ordinary: LDH, dot, underscore. */
static bool sni_byte_ordinary(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_';
}

/* Keep the first host_name: a bounded copy, its wire length, its oddities. */
static void sni_keep(struct byte_reader name, struct tls_client_hello *out)
{
	struct byte_reader scan = name;
	size_t keep = name.len < TLS_SNI_MAX ? name.len : TLS_SNI_MAX;
	uint8_t c;

	out->has_sni = true;
	out->sni_wire_len = (uint16_t)name.len;
	out->sni_truncated = name.len > TLS_SNI_MAX;
	out->sni_len = (uint16_t)keep;
	br_copy(&name, out->sni, keep);
	out->sni[keep] = '\0';
	while (br_u8(&scan, &c))
		if (!sni_byte_ordinary(c))
			out->sni_suspicious = true;
}

/*
 * server_name (RFC 6066 section 3): ServerNameList<1..2^16-1> of {NameType,
 * HostName<1..2^16-1>}. Names of other types are skipped by the same 2-byte
 * length, as Wireshark reads them (no other type was ever defined).
 */
static enum tls_status ch_server_name(struct byte_reader *data, struct tls_client_hello *out)
{
	struct byte_reader list, name;
	uint8_t type;

	if (!vec16(data, &list) || br_remaining(data) != 0 || list.len == 0)
		return TLS_BAD_SERVER_NAME;
	while (br_remaining(&list) > 0) {
		if (!br_u8(&list, &type) || !vec16(&list, &name) || name.len == 0)
			return TLS_BAD_SERVER_NAME;
		if (type != SNI_HOST_NAME)
			continue;
		if (out->sni_count++ == 0)
			sni_keep(name, out);
	}
	return TLS_OK;
}

/* RFC 8701 section 3: GREASE ALPN names are the two bytes of a GREASE value. */
static bool alpn_is_grease(struct byte_reader name)
{
	uint16_t v;
	return name.len == 2 && br_u16be(&name, &v) && tls_is_grease(v);
}

static bool alpn_byte_odd(uint8_t c)
{
	return c < 0x21 || c > 0x7e || c == ',';
}

/* Append one name to the joined list if it fits whole, with its comma. */
static void alpn_append(struct byte_reader name, struct tls_client_hello *out)
{
	struct byte_reader scan = name;
	size_t sep = out->alpn_len > 0;
	uint8_t c;

	out->alpn_count++;
	if (out->alpn_truncated || out->alpn_len + sep + name.len > TLS_ALPN_MAX) {
		out->alpn_truncated = true;
	} else {
		if (sep)
			out->alpn[out->alpn_len++] = ',';
		size_t len = name.len;
		br_copy(&name, out->alpn + out->alpn_len, len);
		/* the same name, length first: a name may hold a comma itself */
		out->alpn_list[out->alpn_list_len++] = (char)(uint8_t)len;
		memcpy(out->alpn_list + out->alpn_list_len, out->alpn + out->alpn_len, len);
		out->alpn_list_len = (uint16_t)(out->alpn_list_len + len);
		out->alpn_len = (uint16_t)(out->alpn_len + len);
		out->alpn[out->alpn_len] = '\0';
	}
	while (br_u8(&scan, &c))
		if (alpn_byte_odd(c))
			out->alpn_suspicious = true;
}

/* ALPN (RFC 7301 section 3.1): ProtocolNameList<2..2^16-1> of ProtocolName<1..2^8-1>. */
static enum tls_status ch_alpn(struct byte_reader *data, struct tls_client_hello *out)
{
	struct byte_reader list, name;

	if (!vec16(data, &list) || br_remaining(data) != 0 || list.len == 0)
		return TLS_BAD_ALPN;
	out->has_alpn = true;
	while (br_remaining(&list) > 0) {
		if (!vec8(&list, &name) || name.len == 0)
			return TLS_BAD_ALPN;
		if (!alpn_is_grease(name))
			alpn_append(name, out);
	}
	return TLS_OK;
}

/* Order for max_version: numeric, but a TLS 1.3 draft (0x7fNN) between 1.2 and 1.3. */
static uint32_t version_order(uint16_t v)
{
	if (v >> 8 == 0x7f)
		return 0x0303u << 8 | (v & 0xffu);
	return (uint32_t)v << 8;
}

/* supported_versions in a ClientHello (RFC 8446 4.2.1): ProtocolVersion versions<2..254>. */
static enum tls_status ch_supported_versions(struct byte_reader *data, struct tls_client_hello *out)
{
	struct byte_reader list;
	uint16_t v;

	if (!vec8(data, &list) || br_remaining(data) != 0 || list.len == 0 || list.len % 2 != 0)
		return TLS_BAD_SUPPORTED_VERSIONS;
	out->has_supported_versions = true;
	while (br_u16be(&list, &v)) {
		if (tls_is_grease(v))
			continue;
		if (out->versions_count == TLS_VERSIONS_MAX)
			out->versions_truncated = true;
		else
			out->versions[out->versions_count++] = v;
		if (!out->max_version || version_order(v) > version_order(out->max_version))
			out->max_version = v;
	}
	return TLS_OK;
}

/* Extensions only flagged: their presence is the news. */
static enum tls_status ch_psk(struct byte_reader *data, struct tls_client_hello *out)
{
	(void)data;
	out->psk = true;
	return TLS_OK;
}

static enum tls_status ch_ech(struct byte_reader *data, struct tls_client_hello *out)
{
	(void)data;
	out->ech = true;
	return TLS_OK;
}

static enum tls_status ch_esni(struct byte_reader *data, struct tls_client_hello *out)
{
	(void)data;
	out->esni_draft = true;
	return TLS_OK;
}

typedef enum tls_status (*ch_ext_fn)(struct byte_reader *data, struct tls_client_hello *out);

static const struct {
	uint16_t type;
	ch_ext_fn parse;
} ch_exts[] = {
	{ EXT_SERVER_NAME, ch_server_name },
	{ EXT_ALPN, ch_alpn },
	{ EXT_SUPPORTED_VERSIONS, ch_supported_versions },
	{ EXT_PRE_SHARED_KEY, ch_psk },
	{ EXT_ECH, ch_ech },
	{ EXT_ESNI_DRAFT, ch_esni },
};

/* Dispatch each extension of a ClientHello to its parser; the others are skipped. */
static enum tls_status ch_extensions(struct byte_reader *block, struct tls_client_hello *out)
{
	unsigned seen = 0;
	uint16_t type;
	struct byte_reader data;

	while (br_remaining(block) > 0) {
		if (!ext_next(block, &type, &data))
			return TLS_BAD_EXTENSION;
		if (tls_is_grease(type))
			continue;
		out->extensions++;
		for (unsigned i = 0; i < sizeof ch_exts / sizeof ch_exts[0]; i++) {
			if (ch_exts[i].type != type)
				continue;
			if (seen & 1u << i)
				return TLS_DUP_EXTENSION;
			seen |= 1u << i;
			enum tls_status st = ch_exts[i].parse(&data, out);
			if (st != TLS_OK)
				return st;
		}
	}
	return TLS_OK;
}

/*
 * What follows the fixed fields of a hello: nothing (extensions are optional
 * before TLS 1.3), or an extensions length that is exactly the rest.
 */
static enum tls_status extensions_block(struct byte_reader *body, struct byte_reader *block)
{
	br_init(block, NULL, 0);
	if (br_remaining(body) == 0)
		return TLS_OK;
	if (br_remaining(body) == 1)
		return TLS_BAD_HANDSHAKE;
	if (!vec16(body, block) || br_remaining(body) != 0)
		return TLS_BAD_EXTENSION;
	return TLS_OK;
}

/*
 * ClientHello body (RFC 8446 4.1.2, RFC 5246 7.4.1.2): legacy_version,
 * random, legacy_session_id<0..32>, cipher_suites<2..2^16-2>,
 * legacy_compression_methods<1..2^8-1>, extensions.
 */
static enum tls_status ch_body(struct byte_reader *body, struct tls_client_hello *out)
{
	struct byte_reader sid, suites, comp, block;

	if (!br_u16be(body, &out->legacy_version) || !br_skip(body, RANDOM_LEN) ||
	    !vec8(body, &sid) || !vec16(body, &suites) || !vec8(body, &comp))
		return TLS_BAD_HANDSHAKE;
	if (sid.len > SESSION_ID_MAX || suites.len == 0 || suites.len % 2 != 0 || comp.len == 0)
		return TLS_BAD_HANDSHAKE;
	out->cipher_suites = (uint16_t)(suites.len / 2);
	enum tls_status st = extensions_block(body, &block);
	if (st == TLS_OK)
		st = ch_extensions(&block, out);
	if (out->max_version == 0)
		out->max_version = out->legacy_version;
	return st;
}

/* The message's body, after its 4-byte header, as a reader. */
static void hs_body(const struct hs_gather *g, struct byte_reader *body)
{
	br_init(body, g->buf + HS_HEADER_LEN, g->total - HS_HEADER_LEN);
}

enum tls_status tls_parse_client_hello(const uint8_t *stream, size_t len, struct tls_client_hello *out,
				       size_t *need)
{
	uint8_t buf[HS_HEADER_LEN + TLS_MAX_HELLO_LEN];
	struct hs_gather g = { .want_type = HS_CLIENT_HELLO, .buf = buf, .total = HS_HEADER_LEN };
	struct byte_reader body;
	size_t end = 0, need_dummy = 0;

	if (!need)
		need = &need_dummy;
	*need = 0;
	memset(out, 0, sizeof *out);
	enum tls_status st = gather_handshake(stream, len, &g, &end, need);
	if (st != TLS_OK)
		return st;
	out->record_version = g.record_version;
	out->records = g.records;
	out->hello_len = (uint32_t)(g.total - HS_HEADER_LEN);
	out->hello_end = end;
	hs_body(&g, &body);
	return ch_body(&body, out);
}

/* ------------------------------------------------------------ ServerHello */

/* supported_versions in a ServerHello (RFC 8446 4.2.1): the selected version, 2 bytes. */
static enum tls_status sh_supported_versions(struct byte_reader *data, struct tls_server_hello *out)
{
	if (!br_u16be(data, &out->version) || br_remaining(data) != 0)
		return TLS_BAD_SUPPORTED_VERSIONS;
	out->has_supported_versions = true;
	return TLS_OK;
}

/* ALPN in a ServerHello (RFC 7301 section 3.1): a list of exactly one name. */
static enum tls_status sh_alpn(struct byte_reader *data, struct tls_server_hello *out)
{
	struct byte_reader list, name;

	if (!vec16(data, &list) || br_remaining(data) != 0 || !vec8(&list, &name) ||
	    name.len == 0 || br_remaining(&list) != 0)
		return TLS_BAD_ALPN;
	out->has_alpn = true;
	out->alpn_len = (uint8_t)name.len;
	br_copy(&name, out->alpn, name.len);
	out->alpn[out->alpn_len] = '\0';
	return TLS_OK;
}

typedef enum tls_status (*sh_ext_fn)(struct byte_reader *data, struct tls_server_hello *out);

static const struct {
	uint16_t type;
	sh_ext_fn parse;
} sh_exts[] = {
	{ EXT_SUPPORTED_VERSIONS, sh_supported_versions },
	{ EXT_ALPN, sh_alpn },
};

static enum tls_status sh_extensions(struct byte_reader *block, struct tls_server_hello *out)
{
	unsigned seen = 0;
	uint16_t type;
	struct byte_reader data;

	while (br_remaining(block) > 0) {
		if (!ext_next(block, &type, &data))
			return TLS_BAD_EXTENSION;
		out->extensions++;
		for (unsigned i = 0; i < sizeof sh_exts / sizeof sh_exts[0]; i++) {
			if (sh_exts[i].type != type)
				continue;
			if (seen & 1u << i)
				return TLS_DUP_EXTENSION;
			seen |= 1u << i;
			enum tls_status st = sh_exts[i].parse(&data, out);
			if (st != TLS_OK)
				return st;
		}
	}
	return TLS_OK;
}

/*
 * ServerHello body (RFC 8446 4.1.3, RFC 5246 7.4.1.3): legacy_version,
 * random, legacy_session_id_echo<0..32>, cipher_suite,
 * legacy_compression_method, extensions.
 */
static enum tls_status sh_body(struct byte_reader *body, struct tls_server_hello *out)
{
	struct byte_reader sid, block;
	uint8_t random[RANDOM_LEN], compression;

	if (!br_u16be(body, &out->legacy_version) || !br_copy(body, random, RANDOM_LEN) ||
	    !vec8(body, &sid) || !br_u16be(body, &out->cipher_suite) || !br_u8(body, &compression))
		return TLS_BAD_HANDSHAKE;
	if (sid.len > SESSION_ID_MAX)
		return TLS_BAD_HANDSHAKE;
	out->hello_retry_request = memcmp(random, hrr_random, RANDOM_LEN) == 0;
	out->version = out->legacy_version;
	enum tls_status st = extensions_block(body, &block);
	if (st != TLS_OK)
		return st;
	return sh_extensions(&block, out);
}

enum tls_status tls_parse_server_hello(const uint8_t *stream, size_t len, struct tls_server_hello *out,
				       size_t *need)
{
	uint8_t buf[HS_HEADER_LEN + TLS_MAX_HELLO_LEN];
	struct hs_gather g = { .want_type = HS_SERVER_HELLO, .alert_ok = true, .buf = buf,
			       .total = HS_HEADER_LEN };
	struct byte_reader body;
	size_t end = 0, need_dummy = 0;

	if (!need)
		need = &need_dummy;
	*need = 0;
	memset(out, 0, sizeof *out);
	enum tls_status st = gather_handshake(stream, len, &g, &end, need);
	out->record_version = g.record_version;
	if (st == TLS_ALERT) {
		out->alert_level = g.alert[0];
		out->alert_description = g.alert[1];
	}
	if (st != TLS_OK)
		return st;
	out->records = g.records;
	out->hello_len = (uint32_t)(g.total - HS_HEADER_LEN);
	out->hello_end = end;
	hs_body(&g, &body);
	return sh_body(&body, out);
}
