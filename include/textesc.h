/* textesc.h - strings from the wire made safe for people: UTF-8 checking and the escapes of the text and CSV reports. Pure: no I/O. */
#ifndef TCPSCOPE_TEXTESC_H
#define TCPSCOPE_TEXTESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Length of the well-formed UTF-8 sequence starting at s (RFC 3629 section
 * 4: no overlong forms, no surrogates, nothing above U+10FFFF), or 0 if s
 * does not start one; avail bytes are left (at least 1). Its code point
 * goes to *cp.
 */
size_t utf8_char_len(const unsigned char *s, size_t avail, uint32_t *cp);

/* A C1 control (U+0080..U+009F): a terminal may act on it like on ESC. */
static inline bool unicode_is_c1(uint32_t cp)
{
	return cp >= 0x80 && cp <= 0x9F;
}

/*
 * An invisible or bidirectional formatting character: valid UTF-8 that
 * shows nothing yet can reorder or hide what follows on a terminal (Trojan
 * Source, CVE-2021-42574): the bidi embeddings and overrides U+202A..U+202E,
 * the isolates U+2066..U+2069, zero-width space, joiners and marks
 * U+200B..U+200F, the Arabic letter mark U+061C, the line and paragraph
 * separators U+2028/U+2029 and the byte order mark / zero-width no-break
 * space U+FEFF. Escaped like the controls.
 */
static inline bool unicode_is_invisible(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C || cp == 0xFEFF;
}

/* The most bytes one input byte can become (\xNN). */
#define TEXT_ESCAPE_MAX 4

/*
 * Escape s (n bytes) for a terminal, on one line: '\' as "\\", newline, CR
 * and tab as \n \r \t, other control bytes (C0, DEL, both bytes of a UTF-8
 * C1 control), each byte of an invisible or bidi formatting character
 * (unicode_is_invisible) and bytes that are not well-formed UTF-8 as \xNN; with
 * double_quotes, '"' is doubled as inside an RFC 4180 field. Writes at most
 * cap bytes to dst (not terminated), stopping before a character whose
 * escape would not fit; *used gets the input bytes consumed. Returns the
 * bytes written.
 */
size_t text_escape(char *dst, size_t cap, const char *s, size_t n, bool double_quotes, size_t *used);

#endif
