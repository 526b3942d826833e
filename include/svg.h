/* svg.h - small helpers to write SVG 1.1 text: the document frame, escaped text, compact numbers. Writes to a FILE the caller owns. */
#ifndef TCPSCOPE_SVG_H
#define TCPSCOPE_SVG_H

#include <stdio.h>

/*
 * Write s as XML character data or attribute text: '&' '<' '>' '"' '\''
 * become entities; what a terminal report would escape (control bytes, bytes
 * that are not well-formed UTF-8, invisible and bidi formatting characters:
 * textesc.h) is shown as the same visible \xNN / \n escapes, since most of
 * those bytes are not even allowed in XML 1.0. A NULL s writes nothing.
 */
void svg_text(FILE *out, const char *s);

/*
 * A coordinate or length: at most one decimal, no trailing ".0", no
 * exponent, "-0" written as "0". Non-finite values are written as 0 (a
 * caller bug must not make the file invalid).
 */
void svg_num(FILE *out, double v);

/*
 * Open an SVG document of width x height user units (pixels), with its
 * <title> (escaped) and a <style> block (copied as is: the caller's own
 * constant CSS, never data). Closed with svg_end().
 */
void svg_begin(FILE *out, int width, int height, const char *title, const char *css);

/* Close the document. Returns 0, or -1 if any write to out failed so far (ferror). */
int svg_end(FILE *out);

#endif
