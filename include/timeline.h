/* timeline.h - --timeline: one line (text) or one "type":"packet" JSON object per packet record (pktrec.h). */
#ifndef TCPSCOPE_TIMELINE_H
#define TCPSCOPE_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "pktrec.h"

/* One field of the JSON packet record: what the project's table of fields will hold. */
struct timeline_field {
	const char *name;      /* JSON key */
	const char *json_type; /* "integer", "number", "string", "boolean", "array" */
	const char *unit;      /* "" when none */
	const char *meaning;
};

/* The packet record's fields in the order they are written; n gets their count. */
const struct timeline_field *timeline_fields(size_t *n);

/* The text timeline's column header line (without newline). */
const char *timeline_text_header(void);

/*
 * Format p as one line, newline included, into dst (cap bytes; at least
 * TIMELINE_LINE_MAX is always enough). json: a "type":"packet" object,
 * else a text line under timeline_text_header(). Returns the length.
 */
#define TIMELINE_LINE_MAX 2048
size_t timeline_format(char *dst, size_t cap, const struct packet_record *p, bool json);

/* "S.", "FP.", "R" ...: tcpdump's letters for TCP flags into dst (at least 12 bytes). */
void timeline_flag_letters(char *dst, uint16_t flags);

#endif
