/* pcapng.c - a small bounds-checked pcapng block reader, for the files libpcap declines (interfaces of different link types). */
#include "pcapng.h"

#include <stdlib.h>
#include <string.h>

enum {
	BT_SHB = 0x0A0D0D0A,
	BT_IDB = 1,
	BT_OPB = 2, /* obsolete Packet Block */
	BT_SPB = 3,
	BT_EPB = 6,
	BYTE_ORDER_MAGIC = 0x1A2B3C4D,
	OPT_END = 0,
	OPT_IF_TSRESOL = 9,
	OPT_IF_TSOFFSET = 14,
};

struct iface {
	int linktype;
	uint32_t snaplen;
	uint8_t tsresol;      /* as the option says: bit 7 set: 2^-n, else 10^-n; default 6 */
	int64_t tsoffset_s;
};

struct pcapng_reader {
	FILE *f;
	uint64_t offset;      /* bytes read from where the reader started */
	bool in_section;
	bool swap;            /* the section's byte order is not ours */
	struct iface *ifaces;
	uint32_t nifaces, ifaces_cap;
	uint64_t last_ts_ns;  /* for Simple Packet Blocks, which have no time */
	uint8_t *buf;         /* the current block */
	size_t buf_cap;
	char error[160];
};

static uint32_t get32(const struct pcapng_reader *r, const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return r->swap ? __builtin_bswap32(v) : v;
}

static uint16_t get16(const struct pcapng_reader *r, const uint8_t *p)
{
	uint16_t v = (uint16_t)(p[0] | p[1] << 8);
	return r->swap ? (uint16_t)__builtin_bswap16(v) : v;
}

static uint64_t get64(const struct pcapng_reader *r, const uint8_t *p)
{
	/* options hold 64-bit values in the section's byte order, whole */
	uint64_t lo = get32(r, p), hi = get32(r, p + 4);
	return r->swap ? lo << 32 | hi : hi << 32 | lo;
}

static int fail(struct pcapng_reader *r, const char *why)
{
	snprintf(r->error, sizeof(r->error), "pcapng: %s (at byte %llu)", why, (unsigned long long)r->offset);
	return -1;
}

/* Room for a whole block of total bytes in r->buf (grown, never shrunk). */
static bool hold_block(struct pcapng_reader *r, uint32_t total)
{
	if (r->buf_cap >= total)
		return true;
	uint8_t *b = realloc(r->buf, total);
	if (!b)
		return false;
	r->buf = b;
	r->buf_cap = total;
	return true;
}

struct pcapng_reader *pcapng_open(FILE *f)
{
	struct pcapng_reader *r = calloc(1, sizeof(*r));
	if (r)
		r->f = f;
	return r;
}

const char *pcapng_error(const struct pcapng_reader *r)
{
	return r->error[0] ? r->error : NULL;
}

void pcapng_free(struct pcapng_reader *r)
{
	if (!r)
		return;
	free(r->ifaces);
	free(r->buf);
	free(r);
}

/* Read n bytes into p: 1, 0 at the end before any byte, -1 when cut short. */
static int read_exact(struct pcapng_reader *r, void *p, size_t n)
{
	size_t got = fread(p, 1, n, r->f);
	r->offset += got;
	if (got == n)
		return 1;
	return got == 0 && !ferror(r->f) ? 0 : -1;
}

/* The options of an IDB (body from byte 8 on): if_tsresol and if_tsoffset. */
static int idb_options(struct pcapng_reader *r, struct iface *ifc, const uint8_t *p, size_t len)
{
	while (len >= 4) {
		uint16_t code = get16(r, p), olen = get16(r, p + 2);
		size_t padded = (size_t)(olen + 3u) & ~(size_t)3;
		p += 4;
		len -= 4;
		if (code == OPT_END)
			return 0;
		if (padded > len)
			return fail(r, "an interface option runs past its block");
		if (code == OPT_IF_TSRESOL && olen == 1)
			ifc->tsresol = p[0];
		else if (code == OPT_IF_TSOFFSET && olen == 8)
			ifc->tsoffset_s = (int64_t)get64(r, p);
		p += padded;
		len -= padded;
	}
	return 0;
}

static int add_interface(struct pcapng_reader *r, const uint8_t *body, size_t len)
{
	if (len < 8)
		return fail(r, "interface description block too short");
	if (r->nifaces >= PCAPNG_MAX_INTERFACES)
		return fail(r, "too many interfaces");
	if (r->nifaces == r->ifaces_cap) {
		uint32_t cap = r->ifaces_cap ? r->ifaces_cap * 2 : 8;
		struct iface *n = realloc(r->ifaces, cap * sizeof(*n));
		if (!n)
			return fail(r, "out of memory");
		r->ifaces = n;
		r->ifaces_cap = cap;
	}
	struct iface *ifc = &r->ifaces[r->nifaces];
	memset(ifc, 0, sizeof(*ifc));
	ifc->linktype = get16(r, body);
	ifc->snaplen = get32(r, body + 4);
	ifc->tsresol = 6;
	if (idb_options(r, ifc, body + 8, len - 8) < 0)
		return -1;
	if ((ifc->tsresol & 0x80) ? (ifc->tsresol & 0x7f) > 63 : ifc->tsresol > 19)
		return fail(r, "interface time resolution out of range");
	r->nifaces++;
	return 0;
}

/* Timestamp units of interface ifc to nanoseconds since the epoch. */
static uint64_t to_ns(const struct iface *ifc, uint64_t t)
{
	uint64_t ns;
	if (ifc->tsresol & 0x80) {
		unsigned k = ifc->tsresol & 0x7f;
		uint64_t sec = k ? t >> k : t, frac = k ? t & ((1ull << k) - 1) : 0;
		if (k > 30) {
			frac >>= k - 30;
			k = 30;
		}
		ns = sec * 1000000000ull + (k ? (frac * 1000000000ull) >> k : 0);
	} else {
		unsigned p = ifc->tsresol;
		uint64_t scale = 1;
		for (unsigned i = 0; i < (p <= 9 ? 9 - p : p - 9); i++)
			scale *= 10;
		ns = p <= 9 ? t * scale : t / scale;
	}
	return ns + (uint64_t)ifc->tsoffset_s * 1000000000ull;
}

/* A packet block's fields into out; false (with the error set) when its lengths contradict the block. */
static int packet(struct pcapng_reader *r, uint32_t type, const uint8_t *body, size_t len, struct frame *out)
{
	uint32_t iface, caplen, wirelen;
	uint64_t ts = 0;
	const uint8_t *data;
	if (type == BT_SPB) {
		if (len < 4)
			return fail(r, "simple packet block too short");
		iface = 0;
		wirelen = get32(r, body);
		caplen = wirelen;
		if (r->nifaces > 0 && r->ifaces[0].snaplen && caplen > r->ifaces[0].snaplen)
			caplen = r->ifaces[0].snaplen;
		if (caplen > len - 4)
			caplen = (uint32_t)(len - 4);
		data = body + 4;
	} else {
		if (len < 20)
			return fail(r, "packet block too short");
		iface = type == BT_EPB ? get32(r, body) : get16(r, body);
		ts = (uint64_t)get32(r, body + 4) << 32 | get32(r, body + 8);
		caplen = get32(r, body + 12);
		wirelen = get32(r, body + 16);
		data = body + 20;
		if (caplen > len - 20)
			return fail(r, "packet data runs past its block");
	}
	if (iface >= r->nifaces)
		return fail(r, "packet on an interface not described");
	const struct iface *ifc = &r->ifaces[iface];
	out->ts_ns = type == BT_SPB ? r->last_ts_ns : to_ns(ifc, ts);
	r->last_ts_ns = out->ts_ns;
	out->caplen = caplen;
	out->wire_len = wirelen < caplen ? caplen : wirelen;
	out->data = data;
	out->linktype = ifc->linktype;
	return 1;
}

/* Read one whole block into r->buf: 1 with *type and *body_len set, 0 at the end, -1 on damage. */
static int read_block(struct pcapng_reader *r, uint32_t *type, size_t *body_len)
{
	uint8_t hdr[8];
	int rc = read_exact(r, hdr, 8);
	if (rc <= 0)
		return rc < 0 ? fail(r, "file cut inside a block header") : 0;
	uint32_t raw_type = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	if (raw_type == BT_SHB) { /* the byte order comes from the magic right after */
		uint8_t magic[4];
		if (read_exact(r, magic, 4) != 1)
			return fail(r, "file cut inside a section header");
		uint32_t m = (uint32_t)magic[0] | (uint32_t)magic[1] << 8 | (uint32_t)magic[2] << 16 | (uint32_t)magic[3] << 24;
		if (m == BYTE_ORDER_MAGIC)
			r->swap = false;
		else if (__builtin_bswap32(m) == BYTE_ORDER_MAGIC)
			r->swap = true;
		else
			return fail(r, "bad byte-order magic in a section header");
		r->in_section = true;
		r->nifaces = 0;
		uint32_t total = get32(r, hdr + 4);
		if (total < 28 || total % 4 || total > PCAPNG_MAX_BLOCK)
			return fail(r, "bad section header length");
		if (!hold_block(r, total))
			return fail(r, "out of memory");
		memcpy(r->buf, magic, 4);
		if (read_exact(r, r->buf + 4, total - 12) != 1)
			return fail(r, "file cut inside a section header");
		*type = BT_SHB;
		*body_len = total - 16; /* the trailer is checked below */
		return get32(r, r->buf + total - 12) == total ? 1 : fail(r, "section header length and trailer differ");
	}
	if (!r->in_section)
		return fail(r, "no section header first");
	*type = get32(r, hdr);
	uint32_t total = get32(r, hdr + 4);
	if (total < 12 || total % 4 || total > PCAPNG_MAX_BLOCK)
		return fail(r, "bad block length");
	if (!hold_block(r, total))
		return fail(r, "out of memory");
	if (read_exact(r, r->buf, total - 8) != 1)
		return fail(r, "file cut inside a block");
	if (get32(r, r->buf + total - 12) != total)
		return fail(r, "block length and trailer differ");
	*body_len = total - 12;
	return 1;
}

int pcapng_next(struct pcapng_reader *r, struct frame *out, uint64_t skip_until)
{
	if (r->error[0])
		return -1;
	for (;;) {
		uint32_t type;
		size_t len;
		int rc = read_block(r, &type, &len);
		if (rc <= 0)
			return rc;
		if (type == BT_IDB) {
			if (add_interface(r, r->buf, len) < 0)
				return -1;
		} else if (type == BT_EPB || type == BT_SPB || type == BT_OPB) {
			if (r->offset <= skip_until)
				continue; /* handed on already */
			return packet(r, type, r->buf, len, out);
		}
		/* SHB (handled while read), and every other block: skipped by its length */
	}
}
