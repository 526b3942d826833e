/* timeline.h - --timeline's text lines, one per packet record (pktrec.h); its "type":"packet" JSON records are the field table's (fields.h, report_record). */
#ifndef TCPSCOPE_TIMELINE_H
#define TCPSCOPE_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "pktrec.h"

/* The text timeline's column header line (without newline). */
const char *timeline_text_header(void);

/*
 * Format p as one text line under timeline_text_header(), newline included,
 * into dst (cap bytes; at least TIMELINE_LINE_MAX is always enough).
 * Returns the length.
 */
#define TIMELINE_LINE_MAX 2048
size_t timeline_format(char *dst, size_t cap, const struct packet_record *p);

/* "S.", "FP.", "R" ...: tcpdump's letters for TCP flags into dst (at least 12 bytes). */
void timeline_flag_letters(char *dst, uint16_t flags);

/* The names of the TCP flags set ("SYN", "ACK", ...: the packet record's "flags"), in the letters' order, into names; returns how many. */
#define TIMELINE_FLAGS_MAX 9
size_t timeline_flag_names(uint16_t flags, const char *names[TIMELINE_FLAGS_MAX]);

#endif
