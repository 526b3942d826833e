/* pcapout.h - -w: frames written untouched to a pcap or pcapng file (nanosecond times), in the order given. */
#ifndef TCPSCOPE_PCAPOUT_H
#define TCPSCOPE_PCAPOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "frame.h"

struct pcap_out;

/*
 * Create path (truncating it) for frames: pcapng (one interface per link
 * type, if_tsresol 10^-9) or pcap (nanosecond magic; the link type of the
 * first frame, written with it). On failure returns NULL and writes the
 * reason into err.
 */
struct pcap_out *pcap_out_open(const char *path, bool pcapng, char *err, size_t errlen);

/*
 * Append f as captured (its bytes, caplen, wire length and time). False when
 * it cannot be written: a write error, or in pcap a frame whose link type
 * differs from the first's (pcap holds one); pcap_out_error says which.
 */
bool pcap_out_frame(struct pcap_out *o, const struct frame *f);

/* Frames written so far. */
unsigned long long pcap_out_count(const struct pcap_out *o);

/* Why the last call failed. */
const char *pcap_out_error(const struct pcap_out *o);

/* Flush and close: 0, or -1 when something could not be written (pcap_out_error says why). Frees o. */
int pcap_out_close(struct pcap_out *o, char *err, size_t errlen);

#endif
