/* byhost_write.h - the --by records ("type":"server" / "type":"client") as text, CSV or JSON Lines, from the field table. */
#ifndef TCPSCOPE_BYHOST_WRITE_H
#define TCPSCOPE_BYHOST_WRITE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "byhost.h"
#include "fields.h"
#include "report.h"

/*
 * The records' fields are the field table's (fields.h: FIELD_SERVER,
 * FIELD_CLIENT). The title of the first text column whose field is not a
 * row of both kinds' tables, or NULL when they all are (for the tests).
 */
const char *byhost_text_unknown_field(void);

/* Does --by's text table show field path of kind k (FIELD_SERVER or FIELD_CLIENT)? For --list-fields. */
bool byhost_text_shows(enum field_kind k, const char *path);

/*
 * Write the groups in `order` (at most top of them, 0: all) to out: JSON
 * Lines, one "type":"server" (or "client") object each; CSV, a header and
 * a row each; text, a table (titled columns, human units) followed by a
 * blank line. Returns 0, or -1 when a write failed (errno set).
 */
int byhost_write(FILE *out, enum report_format fmt, struct byhost *b, enum byhost_order order, uint64_t top);

#endif
