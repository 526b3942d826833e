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
 * Open a capture file ("-" for stdin) with nanosecond timestamps. On failure
 * returns NULL and writes the reason into err.
 */
struct capture *capture_open_offline(const char *path, char *err, size_t errlen);

/*
 * Open a live, non-blocking capture on iface (promiscuous, snaplen bytes and
 * a kernel buffer of buffer_kib KiB; 0 = libpcap's defaults). On failure
 * returns NULL and writes the reason.
 */
struct capture *capture_open_live(const char *iface, int snaplen, int buffer_kib, char *err, size_t errlen);

/* Compile and apply a BPF filter. Returns false and writes the reason on failure. */
bool capture_set_filter(struct capture *c, const char *expr, char *err, size_t errlen);

/* The link type (LINKTYPE_* value) of the capture. */
int capture_linktype(const struct capture *c);

/* Name of a link type for messages, e.g. "EN10MB". */
const char *capture_linktype_name(int linktype);

/* The next frame; its data stays valid until the next call. */
enum capture_status capture_next(struct capture *c, struct frame *f);

/* Why the last CAPTURE_ERROR happened. */
const char *capture_error(const struct capture *c);

/* Live: descriptor to poll() for readability; -1 for files. */
int capture_fd(const struct capture *c);

/* Live: libpcap's drop counters. False when unavailable (files). */
bool capture_stats(struct capture *c, struct capture_stats *out);

void capture_close(struct capture *c);

#endif
