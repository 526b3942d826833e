/* pcapng.h - a small bounds-checked pcapng block reader, for the files libpcap declines (interfaces of different link types). */
#ifndef TCPSCOPE_PCAPNG_H
#define TCPSCOPE_PCAPNG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "frame.h"

/*
 * libpcap refuses a pcapng whose interfaces differ in link type or snapshot
 * length (dumpcap -i any -i eth0 writes them); capture.c falls back to this
 * reader there. It reads the Section Header, Interface Description,
 * Enhanced, Simple and (obsolete) Packet Blocks (pcapng draft,
 * draft-ietf-opsawg-pcapng), each section in its own byte order, and skips
 * every other block by its length. Each frame carries its interface's link
 * type and a timestamp in nanoseconds (if_tsresol, powers of 10 and of 2,
 * and if_tsoffset applied). Bounded: a block is at most PCAPNG_MAX_BLOCK
 * bytes, a section at most PCAPNG_MAX_INTERFACES interfaces; anything that
 * contradicts its own lengths is an error with a reason, never a read past
 * the block.
 */
#define PCAPNG_MAX_BLOCK (16u << 20)
#define PCAPNG_MAX_INTERFACES 65536u

struct pcapng_reader;

/* Read the pcapng in f (from its current position, which must be a Section Header Block); NULL when out of memory. */
struct pcapng_reader *pcapng_open(FILE *f);

/*
 * The next packet: 1 with *out filled (its bytes valid until the next call),
 * 0 at a clean end of the file, -1 on damage (pcapng_error says why).
 * Packet blocks that end at or before skip_until bytes into the file are
 * passed over (the frames libpcap already handed on); every other block
 * still counts.
 */
int pcapng_next(struct pcapng_reader *r, struct frame *out, uint64_t skip_until);

const char *pcapng_error(const struct pcapng_reader *r);

/* Free the reader (not the FILE). NULL is allowed. */
void pcapng_free(struct pcapng_reader *r);

#endif
