/* bytes.h - the one bounds-checked reader every parser goes through. */
#ifndef TCPSCOPE_BYTES_H
#define TCPSCOPE_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A view of `len` bytes starting at `data`, read from `off` onwards.
 * Every read checks that the bytes are there; on failure it returns false and
 * leaves the reader untouched, so a caller can report "truncated" precisely.
 * Byte order is explicit in the function name; nothing is ever cast to a struct.
 */
struct byte_reader {
	const uint8_t *data;
	size_t len;
	size_t off;
};

static inline void br_init(struct byte_reader *r, const uint8_t *data, size_t len)
{
	r->data = data;
	r->len = len;
	r->off = 0;
}

static inline size_t br_remaining(const struct byte_reader *r)
{
	return r->len - r->off;
}

static inline const uint8_t *br_ptr(const struct byte_reader *r)
{
	return r->data + r->off;
}

static inline bool br_has(const struct byte_reader *r, size_t n)
{
	return n <= r->len - r->off;
}

static inline bool br_skip(struct byte_reader *r, size_t n)
{
	if (!br_has(r, n))
		return false;
	r->off += n;
	return true;
}

static inline bool br_u8(struct byte_reader *r, uint8_t *out)
{
	if (!br_has(r, 1))
		return false;
	*out = r->data[r->off];
	r->off += 1;
	return true;
}

static inline bool br_u16be(struct byte_reader *r, uint16_t *out)
{
	if (!br_has(r, 2))
		return false;
	const uint8_t *p = r->data + r->off;
	*out = (uint16_t)((uint16_t)p[0] << 8 | p[1]);
	r->off += 2;
	return true;
}

static inline bool br_u24be(struct byte_reader *r, uint32_t *out)
{
	if (!br_has(r, 3))
		return false;
	const uint8_t *p = r->data + r->off;
	*out = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
	r->off += 3;
	return true;
}

static inline bool br_u32be(struct byte_reader *r, uint32_t *out)
{
	if (!br_has(r, 4))
		return false;
	const uint8_t *p = r->data + r->off;
	*out = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	r->off += 4;
	return true;
}

static inline bool br_u32le(struct byte_reader *r, uint32_t *out)
{
	if (!br_has(r, 4))
		return false;
	const uint8_t *p = r->data + r->off;
	*out = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
	r->off += 4;
	return true;
}

/* Copy n bytes out (for addresses). */
static inline bool br_copy(struct byte_reader *r, void *out, size_t n)
{
	if (!br_has(r, n))
		return false;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)out)[i] = r->data[r->off + i];
	r->off += n;
	return true;
}

/* Carve the next n bytes off as a sub-reader (length-prefixed nesting). */
static inline bool br_sub(struct byte_reader *r, size_t n, struct byte_reader *sub)
{
	if (!br_has(r, n))
		return false;
	br_init(sub, r->data + r->off, n);
	r->off += n;
	return true;
}

#endif
