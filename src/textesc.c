/* textesc.c - UTF-8 checking and the escapes that keep strings from the wire on one line and away from the terminal. */
#include "textesc.h"

#include <string.h>

size_t utf8_char_len(const unsigned char *s, size_t avail, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c == 0xE0) {
		n = 3;
		lo = 0xA0;
	} else if (c == 0xED) {
		n = 3;
		hi = 0x9F;
	} else if (c >= 0xE1 && c <= 0xEF) {
		n = 3;
	} else if (c == 0xF0) {
		n = 4;
		lo = 0x90;
	} else if (c == 0xF4) {
		n = 4;
		hi = 0x8F;
	} else if (c >= 0xF1 && c <= 0xF3) {
		n = 4;
	} else {
		return 0;
	}
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	*cp = c & (0xFFu >> (n + 1));
	for (size_t i = 1; i < n; i++)
		*cp = (*cp << 6) | (s[i] & 0x3Fu);
	return n;
}

static const char hex_digits[16] = "0123456789abcdef";

/* The escape of the character of len bytes at s (code point cp; len 0: a stray byte) into esc; returns its length. */
static size_t escape_one(const unsigned char *s, size_t len, uint32_t cp, bool double_quotes,
			 char esc[4 * TEXT_ESCAPE_MAX])
{
	if (len == 0 || unicode_is_c1(cp) || unicode_is_invisible(cp) || cp < 0x20 || cp == 0x7F) {
		if (len == 1 && (cp == '\n' || cp == '\r' || cp == '\t')) {
			esc[0] = '\\';
			esc[1] = cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't';
			return 2;
		}
		size_t k = len ? len : 1, e = 0;
		for (size_t i = 0; i < k; i++) {
			esc[e++] = '\\';
			esc[e++] = 'x';
			esc[e++] = hex_digits[s[i] >> 4];
			esc[e++] = hex_digits[s[i] & 15];
		}
		return e;
	}
	if (cp == '\\' || (cp == '"' && double_quotes)) {
		esc[0] = (char)cp;
		esc[1] = (char)cp;
		return 2;
	}
	memcpy(esc, s, len);
	return len;
}

size_t text_escape(char *dst, size_t cap, const char *str, size_t n, bool double_quotes, size_t *used)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t out = 0, in = 0;

	while (in < n) {
		/* the common case first: a run of printable ASCII needing no escape */
		size_t run = 0;
		while (in + run < n && run < cap - out && s[in + run] >= 0x20 && s[in + run] < 0x7F &&
		       s[in + run] != '\\' && (s[in + run] != '"' || !double_quotes))
			run++;
		if (run > 0) {
			memcpy(dst + out, s + in, run);
			out += run;
			in += run;
			continue;
		}
		uint32_t cp = 0;
		size_t len = utf8_char_len(s + in, n - in, &cp);
		char esc[4 * TEXT_ESCAPE_MAX]; /* up to 4 bytes of UTF-8, each \xNN */
		size_t e = escape_one(s + in, len, cp, double_quotes, esc);
		if (e > cap - out)
			break;
		memcpy(dst + out, esc, e);
		out += e;
		in += len ? len : 1;
	}
	*used = in;
	return out;
}
