/* capture.h - the only module that talks to libpcap: files (pcap, pcapng, stdin) and live interfaces. */
#ifndef TCPSCOPE_CAPTURE_H
#define TCPSCOPE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"

struct capture;

enum capture_status {
	CAPTURE_FRAME,   /* *frame filled in */
	CAPTURE_NONE,    /* live: nothing ready now */
	CAPTURE_EOF,     /* end of file */
	CAPTURE_ERROR,   /* read error; capture_error() says why */
};

struct capture_stats {
	uint64_t received;
	uint64_t dropped;
	uint64_t if_dropped;
};

/*
 * Open a capture file ("-" for stdin) with nanosecond timestamps: pcap or
 * pcapng, plain or compressed (gzip, zstd, lz4, xz; see decompress.h). On
 * failure returns NULL and writes the reason into err.
 */
struct capture *capture_open_offline(const char *path, char *err, size_t errlen);

/*
 * Open n capture files (n >= 1) read as one capture: frames come out merged
 * in timestamp order, on equal timestamps the earlier path first, each
 * file's own order kept (as mergecap). Files may differ in link type: each
 * frame carries its own. The same file (same device and inode, or "-" twice)
 * may not be given twice. On failure returns NULL, writes the reason into
 * err and the index of the path it concerns into *failed.
 */
struct capture *capture_open_files(const char *const *paths, size_t n, size_t *failed, char *err,
				   size_t errlen);

/*
 * Open a live, non-blocking capture on iface (promiscuous, snaplen bytes and
 * a kernel buffer of buffer_kib KiB; 0 = libpcap's defaults). On failure
 * returns NULL and writes the reason.
 */
struct capture *capture_open_live(const char *iface, int snaplen, int buffer_kib, char *err, size_t errlen);

/* Compile and apply a BPF filter (to every input). Returns false and writes the reason on failure. */
bool capture_set_filter(struct capture *c, const char *expr, char *err, size_t errlen);

/* The link type (LINKTYPE_* value) of the capture (of its first input). */
int capture_linktype(const struct capture *c);

/* How many inputs the capture reads (1 but for capture_open_files). */
size_t capture_input_count(const struct capture *c);

/* Input i's path ("-" for stdin) or interface name; i < capture_input_count. */
const char *capture_input_name(const struct capture *c, size_t i);

/* Input i is a pcapng file (so that -w writes pcapng too); false for pcap files and live. */
bool capture_input_is_pcapng(const struct capture *c, size_t i);

/* Input i's link type (LINKTYPE_* value). */
int capture_input_linktype(const struct capture *c, size_t i);

/*
 * Why input i stopped before its end (a damaged or cut file; NULL when it
 * read cleanly so far). With several inputs a damaged one ends there and the
 * others go on; capture_next returns CAPTURE_ERROR only once all have ended.
 */
const char *capture_input_error(const struct capture *c, size_t i);

/* Name of a link type for messages, e.g. "EN10MB". */
const char *capture_linktype_name(int linktype);

/* The next frame (with its link type); its data stays valid until the next call. */
enum capture_status capture_next(struct capture *c, struct frame *f);

/*
 * Live: the next frame, waiting up to timeout_ms for one when none is
 * ready (the kernel hands frames over in blocks, at the latest after the
 * handle's 50 ms block timeout). For reading what was captured before a
 * stop: CAPTURE_NONE when nothing more came.
 */
enum capture_status capture_next_wait(struct capture *c, struct frame *f, int timeout_ms);

/*
 * Files: a frame stamped more than CAPTURE_CLOCK_JUMP_NS (one day) after the
 * capture's latest trusted time, unless the frame after it is as far ahead
 * (time moved on), is a clock fault: handed on with the latest trusted time
 * instead (capture.c says why). How many there were so far.
 */
#define CAPTURE_CLOCK_JUMP_NS (86400ull * 1000000000ull)
uint64_t capture_clock_faults(const struct capture *c);

/* Why the last CAPTURE_ERROR happened (with several inputs: the first damaged one's reason). */
const char *capture_error(const struct capture *c);

/* Live: descriptor to poll() for readability; -1 for files. */
int capture_fd(const struct capture *c);

/* Live: libpcap's drop counters. False when unavailable (files). */
bool capture_stats(struct capture *c, struct capture_stats *out);

/*
 * Files: how far they have been read, in bytes of the files as they lie on
 * disk (compressed ones too), and their sizes, summed over the inputs;
 * false when an input is not a regular file (a pipe, stdin) or live.
 * Safe while another thread reads (it only asks the kernel for offsets).
 */
bool capture_progress(const struct capture *c, uint64_t *done, uint64_t *total);

void capture_close(struct capture *c);

#endif
