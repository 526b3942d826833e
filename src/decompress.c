/* decompress.c - a FILE* that yields the bytes of a file or stdin, decompressed (gzip, zstd, lz4, xz) when its magic says so. */
#define _GNU_SOURCE /* fopencookie */
#include "decompress.h"

#include <errno.h>
#include <fcntl.h>
#include <lz4frame.h>
#include <lzma.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "stop.h"

/*
 * Both buffers are 64 KiB: the stdio one for the reason capture.c gives
 * (one read() per 4 KiB costs a quarter of the bare read loop's time), the
 * compressed one so that a read() brings a useful amount to the decoder.
 */
#define DECOMPRESS_STDIO_BUF 65536
#define DECOMPRESS_IN_BUF 65536
#define MAGIC_MAX 6

enum codec { CODEC_PLAIN, CODEC_GZIP, CODEC_ZSTD, CODEC_LZ4, CODEC_XZ };

/* One table from magic bytes to codec, in the order they are tried. */
static const struct {
	enum codec codec;
	const char *name;
	size_t len;
	uint8_t magic[MAGIC_MAX];
} magics[] = {
	{CODEC_GZIP, "gzip", 2, {0x1f, 0x8b}},
	{CODEC_ZSTD, "zstd", 4, {0x28, 0xb5, 0x2f, 0xfd}},
	{CODEC_LZ4, "lz4", 4, {0x04, 0x22, 0x4d, 0x18}},
	{CODEC_XZ, "xz", 6, {0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00}},
};

struct decompress {
	int fd;           /* the raw input; -1 once closed or handed to stdio */
	int raw_fd;       /* the same descriptor, kept for decompress_raw_fd, open as long as the stream */
	enum codec codec;
	const char *format; /* magics[].name, NULL when plain */
	bool decoder_live;  /* the decoder below is initialised and not yet ended */
	bool in_eof;        /* read() said end of file */
	bool in_member;     /* the decoder is inside a member/frame/stream: an end here is a cut */
	bool gzip_member_seen; /* a gzip member has ended: what follows must be another */
	union {
		z_stream gz;
		ZSTD_DStream *zstd;
		LZ4F_dctx *lz4;
		lzma_stream xz;
	} dec;
	char error[200];
	size_t in_pos, in_len; /* in[in_pos, in_len) not yet given to the decoder */
	uint8_t in[DECOMPRESS_IN_BUF];
	char stdio_buf[DECOMPRESS_STDIO_BUF];
};

static void set_error(struct decompress *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_error(struct decompress *d, const char *fmt, ...)
{
	if (d->error[0])
		return; /* the first reason is the one that counts */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->error, sizeof(d->error), fmt, ap);
	va_end(ap);
}

/*
 * Wait until fd has bytes (or an end, or an error) to read; false when a
 * stop signal came first (stop.h): a read on an idle pipe must not hold up
 * the end of the run.
 */
static bool wait_readable(int fd)
{
	int wake = stop_wakeup_fd();
	if (wake < 0)
		return true;
	struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = wake, .events = POLLIN}};
	for (;;) {
		int n = poll(p, 2, -1);
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 || !(p[1].revents & POLLIN); /* a poll error: read() names it */
	}
}

/* Outcome of one attempt to read more raw bytes. */
enum fill_status { FILL_OK, FILL_INTERRUPTED };

/* Move what is left to the front and read() more after it; sets in_eof or the error. */
static enum fill_status fill_input(struct decompress *d)
{
	if (d->in_pos > 0) {
		memmove(d->in, d->in + d->in_pos, d->in_len - d->in_pos);
		d->in_len -= d->in_pos;
		d->in_pos = 0;
	}
	if (d->in_len == sizeof(d->in)) {
		/* no decoder leaves a full buffer untouched while it has room to write; never loop on one */
		set_error(d, "%s decoder stalled", d->format ? d->format : "input");
		return FILL_OK;
	}
	if (!wait_readable(d->fd))
		return FILL_INTERRUPTED;
	ssize_t n = read(d->fd, d->in + d->in_len, sizeof(d->in) - d->in_len);
	if (n > 0)
		d->in_len += (size_t)n;
	else if (n == 0)
		d->in_eof = true;
	else if (errno == EINTR)
		return FILL_INTERRUPTED; /* a stop signal: let the reader see it, as a plain read would */
	else
		set_error(d, "read error: %s", strerror(errno));
	return FILL_OK;
}

/*
 * One decoding step per codec: take what it can from in[in_pos, in_len),
 * write at most size bytes to out, return how many; keep in_member true
 * while inside a member/frame/stream; set the error on damage.
 */
static size_t step_plain(struct decompress *d, uint8_t *out, size_t size)
{
	size_t n = d->in_len - d->in_pos < size ? d->in_len - d->in_pos : size;
	memcpy(out, d->in + d->in_pos, n);
	d->in_pos += n;
	return n;
}

static size_t step_gzip(struct decompress *d, uint8_t *out, size_t size)
{
	z_stream *z = &d->dec.gz;
	size_t avail = d->in_len - d->in_pos;
	if (!d->in_member) {
		if (avail == 0)
			return 0;
		/* A new member, as gzip -d reads concatenated ones; anything else after the first is not gzip data. */
		if (d->gzip_member_seen && (avail < 2 || d->in[d->in_pos] != 0x1f || d->in[d->in_pos + 1] != 0x8b)) {
			if (avail < 2 && !d->in_eof)
				return 0;
			set_error(d, "gzip: %zu bytes after the compressed data are not gzip data", avail);
			return 0;
		}
	}
	z->next_in = d->in + d->in_pos;
	z->avail_in = avail > UINT32_MAX ? UINT32_MAX : (uInt)avail;
	z->next_out = out;
	z->avail_out = size > UINT32_MAX ? UINT32_MAX : (uInt)size;
	int rc = inflate(z, Z_NO_FLUSH);
	size_t used = (size_t)(z->next_in - (d->in + d->in_pos));
	size_t produced = (size_t)(z->next_out - out);
	d->in_pos += used;
	if (used || produced)
		d->in_member = true;
	if (rc == Z_STREAM_END) {
		d->in_member = false;
		d->gzip_member_seen = true;
		inflateReset(z);
	} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
		set_error(d, "gzip data damaged: %s", z->msg ? z->msg : zError(rc));
	}
	return produced;
}

static size_t step_zstd(struct decompress *d, uint8_t *out, size_t size)
{
	ZSTD_inBuffer in = {d->in + d->in_pos, d->in_len - d->in_pos, 0};
	ZSTD_outBuffer o = {out, size, 0};
	/* Frames follow one another, skippable ones included, as zstd -d reads them. */
	size_t rc = ZSTD_decompressStream(d->dec.zstd, &o, &in);
	d->in_pos += in.pos;
	if (ZSTD_isError(rc)) {
		set_error(d, "zstd data damaged: %s", ZSTD_getErrorName(rc));
		return o.pos;
	}
	if (in.pos || o.pos)
		d->in_member = rc != 0; /* 0: a frame ended and is flushed */
	return o.pos;
}

static size_t step_lz4(struct decompress *d, uint8_t *out, size_t size)
{
	size_t used = d->in_len - d->in_pos, produced = size;
	/* A finished frame resets the context: the next frame follows, as lz4 -d reads them. */
	size_t rc = LZ4F_decompress(d->dec.lz4, out, &produced, d->in + d->in_pos, &used, NULL);
	d->in_pos += used;
	if (LZ4F_isError(rc)) {
		set_error(d, "lz4 data damaged: %s", LZ4F_getErrorName(rc));
		return produced;
	}
	if (used || produced)
		d->in_member = rc != 0; /* 0: a frame ended and is flushed */
	return produced;
}

static size_t step_xz(struct decompress *d, uint8_t *out, size_t size)
{
	lzma_stream *x = &d->dec.xz;
	x->next_in = d->in + d->in_pos;
	x->avail_in = d->in_len - d->in_pos;
	x->next_out = out;
	x->avail_out = size;
	/* LZMA_CONCATENATED: streams and stream padding follow one another, as xz -d
	 * reads them; the end is only known at the end of the input (LZMA_FINISH). */
	lzma_ret rc = lzma_code(x, d->in_eof ? LZMA_FINISH : LZMA_RUN);
	d->in_pos = d->in_len - x->avail_in;
	size_t produced = size - x->avail_out;
	if (rc == LZMA_STREAM_END)
		d->in_member = false;
	else if (rc != LZMA_OK && rc != LZMA_BUF_ERROR)
		set_error(d, "xz data damaged: %s",
			  rc == LZMA_FORMAT_ERROR    ? "not in the xz format"
			  : rc == LZMA_OPTIONS_ERROR ? "unsupported options"
			  : rc == LZMA_MEM_ERROR     ? "out of memory"
						     : "corrupt data");
	return produced;
}

static size_t step(struct decompress *d, uint8_t *out, size_t size)
{
	switch (d->codec) {
	case CODEC_GZIP:
		return step_gzip(d, out, size);
	case CODEC_ZSTD:
		return step_zstd(d, out, size);
	case CODEC_LZ4:
		return step_lz4(d, out, size);
	case CODEC_XZ:
		return step_xz(d, out, size);
	case CODEC_PLAIN:
		break;
	}
	return step_plain(d, out, size);
}

/* fopencookie's read: some decompressed bytes, 0 at a clean end, -1 on damage or a cut. */
static ssize_t cookie_read(void *cookie, char *buf, size_t size)
{
	struct decompress *d = cookie;
	for (;;) {
		if (d->error[0]) {
			errno = EIO;
			return -1;
		}
		/* Decode first: the decoder may hold output from input it already took. */
		size_t before = d->in_pos;
		size_t n = step(d, (uint8_t *)buf, size);
		if (n > 0)
			return (ssize_t)n; /* an error found meanwhile is returned next time */
		if (d->error[0] || d->in_pos != before)
			continue;
		if (d->in_eof) {
			if (!d->in_member)
				return 0;
			set_error(d, "%s data cut short: the file ends inside the compressed stream", d->format);
			continue;
		}
		if (fill_input(d) == FILL_INTERRUPTED) {
			errno = EINTR;
			return -1;
		}
	}
}

static void end_decoder(struct decompress *d)
{
	if (!d->decoder_live)
		return;
	d->decoder_live = false;
	switch (d->codec) {
	case CODEC_GZIP:
		inflateEnd(&d->dec.gz);
		break;
	case CODEC_ZSTD:
		ZSTD_freeDStream(d->dec.zstd);
		break;
	case CODEC_LZ4:
		LZ4F_freeDecompressionContext(d->dec.lz4);
		break;
	case CODEC_XZ:
		lzma_end(&d->dec.xz);
		break;
	case CODEC_PLAIN:
		break;
	}
}

/* fopencookie's close: the raw descriptor and the decoder go; the state stays for decompress_error. */
static int cookie_close(void *cookie)
{
	struct decompress *d = cookie;
	end_decoder(d);
	int rc = d->fd >= 0 ? close(d->fd) : 0;
	d->fd = -1;
	return rc;
}

static bool start_decoder(struct decompress *d)
{
	switch (d->codec) {
	case CODEC_GZIP:
		/* 15 + 16: a 32 KiB window, gzip header and trailer (CRC-32 and length checked). */
		if (inflateInit2(&d->dec.gz, 15 + 16) != Z_OK)
			return false;
		break;
	case CODEC_ZSTD:
		d->dec.zstd = ZSTD_createDStream();
		if (!d->dec.zstd || ZSTD_isError(ZSTD_initDStream(d->dec.zstd)))
			return false;
		break;
	case CODEC_LZ4:
		if (LZ4F_isError(LZ4F_createDecompressionContext(&d->dec.lz4, LZ4F_VERSION)))
			return false;
		break;
	case CODEC_XZ: {
		lzma_stream init = LZMA_STREAM_INIT;
		d->dec.xz = init;
		if (lzma_stream_decoder(&d->dec.xz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
			return false;
		d->in_member = true; /* the end is only seen at LZMA_STREAM_END */
		break;
	}
	case CODEC_PLAIN:
		break;
	}
	d->decoder_live = true;
	return true;
}

/* Read the first bytes (at least MAGIC_MAX unless the input is shorter) and name the codec. */
static bool sniff(struct decompress *d, char *err, size_t errlen)
{
	while (d->in_len < MAGIC_MAX && !d->in_eof) {
		if (!wait_readable(d->fd)) {
			snprintf(err, errlen, "interrupted before the first bytes came");
			return false;
		}
		ssize_t n = read(d->fd, d->in + d->in_len, sizeof(d->in) - d->in_len);
		if (n > 0) {
			d->in_len += (size_t)n;
		} else if (n == 0) {
			d->in_eof = true;
		} else if (errno != EINTR) {
			snprintf(err, errlen, "%s", strerror(errno));
			return false;
		}
	}
	d->codec = CODEC_PLAIN;
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		if (d->in_len >= magics[i].len && memcmp(d->in, magics[i].magic, magics[i].len) == 0) {
			d->codec = magics[i].codec;
			d->format = magics[i].name;
			break;
		}
	}
	return true;
}

int decompress_raw_fd(const struct decompress *d)
{
	return d->raw_fd;
}

struct decompress *decompress_open(const char *path, FILE **stream, char *err, size_t errlen)
{
	static const cookie_io_functions_t io = {.read = cookie_read, .close = cookie_close};
	/* "-" reads stdin, as in tcpdump; a duplicate, so that closing the stream leaves stdin open. */
	bool is_stdin = strcmp(path, "-") == 0;
	struct decompress *d = calloc(1, sizeof(*d));
	FILE *f = NULL;

	*stream = NULL;
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->fd = is_stdin ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0) : open(path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail;
	}
	d->raw_fd = d->fd;
	if (!sniff(d, err, errlen))
		goto fail;
	/* A plain file that can seek goes back to where it began and is read by stdio directly. */
	if (d->codec == CODEC_PLAIN && lseek(d->fd, -(off_t)d->in_len, SEEK_CUR) >= 0) {
		f = fdopen(d->fd, "rb");
		if (!f) {
			snprintf(err, errlen, "%s", strerror(errno));
			goto fail;
		}
		d->fd = -1; /* stdio owns it now */
		d->in_len = 0;
		d->in_eof = false;
	} else {
		/* Compressed, or a plain pipe whose first bytes are already read: through the cookie. */
		if (!start_decoder(d)) {
			snprintf(err, errlen, "cannot start the %s decoder", d->format ? d->format : "input");
			goto fail;
		}
		f = fopencookie(d, "rb", io);
		if (!f) {
			snprintf(err, errlen, "%s", strerror(errno));
			goto fail;
		}
	}
	setvbuf(f, d->stdio_buf, _IOFBF, sizeof(d->stdio_buf));
	*stream = f;
	return d;
fail:
	end_decoder(d);
	if (d->fd >= 0)
		close(d->fd);
	free(d);
	return NULL;
}

const char *decompress_format(const struct decompress *d)
{
	return d->format;
}

const char *decompress_error(const struct decompress *d)
{
	return d->error[0] ? d->error : NULL;
}

void decompress_free(struct decompress *d)
{
	if (!d)
		return;
	end_decoder(d);
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}
