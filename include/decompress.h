/* decompress.h - a FILE* that yields the bytes of a file or stdin, decompressed when its magic says gzip, zstd, lz4 or xz. */
#ifndef TCPSCOPE_DECOMPRESS_H
#define TCPSCOPE_DECOMPRESS_H

#include <stddef.h>
#include <stdio.h>

/*
 * The format is told by the first bytes, never by the name, as tshark does:
 *   gzip  1f 8b             (zlib; concatenated members are one stream, as gzip -d)
 *   zstd  28 b5 2f fd       (libzstd; several frames and skippable frames, as zstd -d)
 *   lz4   04 22 4d 18       (liblz4 frame format; several frames, as lz4 -d)
 *   xz    fd 37 7a 58 5a 00 (liblzma; concatenated streams and padding, as xz -d)
 * Anything else is passed through unchanged (a plain capture file, or not a
 * capture at all: libpcap says so).
 */
struct decompress;

/*
 * Open path ("-" for standard input) for reading. On success returns the
 * state and sets *stream to the FILE* to read: the decompressed bytes, or
 * the file itself when it is not compressed. Whoever reads the stream closes
 * it with fclose (libpcap's pcap_close does); decompress_free comes after.
 * Standard input itself is never closed (the stream reads a duplicate of its
 * descriptor). On failure returns NULL and writes the reason into err.
 */
struct decompress *decompress_open(const char *path, FILE **stream, char *err, size_t errlen);

/* "gzip", "zstd", "lz4" or "xz"; NULL when the input is not compressed. */
const char *decompress_format(const struct decompress *d);

/*
 * Why the decompressed bytes ended early (damaged data, or the compressed
 * stream cut short), e.g. "gzip data cut short (the compressed stream ends
 * before its end marker)"; NULL while the data is sound. Once set, the
 * stream returns no more bytes (a read error to stdio).
 */
const char *decompress_error(const struct decompress *d);

/*
 * The descriptor of the file itself (compressed or not), open as long as
 * the stream: its offset says how far the file has been read (progress).
 */
int decompress_raw_fd(const struct decompress *d);

/* Free the state once its stream has been closed. NULL is allowed. */
void decompress_free(struct decompress *d);

#endif
