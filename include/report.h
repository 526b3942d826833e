/* report.h - the report writer: connection records and the summary as text, CSV or JSON Lines. */
#ifndef TCPSCOPE_REPORT_H
#define TCPSCOPE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "record.h"

enum report_format { REPORT_TEXT, REPORT_CSV, REPORT_JSON };

/* Parse "text", "csv" or "json"; false for anything else. */
bool report_format_parse(const char *name, enum report_format *out);

struct report;

/*
 * Start a report on out (not closed by the report). Text writes its table
 * header now, CSV its header line. Returns NULL when memory runs out.
 */
struct report *report_open(FILE *out, enum report_format fmt);

/* Write one connection record (streamed: records appear as connections end). */
void report_conn(struct report *r, const struct conn_record *c);

/* Write one event (text and JSON; the CSV table has no place for them). */
void report_event(struct report *r, const struct conn_event *ev);

/* Write the closing summary. */
void report_summary(struct report *r, const struct summary_record *s);

/* Flush and free. Returns 0, or -1 if any write to out failed, with errno set to the first failure's. */
int report_close(struct report *r);

/* Pass on what is buffered (a header, say) to out and out's own buffer to the system, so others may write after it and a reader sees it now. */
void report_flush(struct report *r);

/*
 * A report kept in memory and without a header, so that records can be
 * formatted on several threads and written out in order (writer.c).
 */
struct report *report_open_memory(enum report_format fmt);

/* A memory report's text since the last call; valid until its next write. */
const char *report_memory_take(struct report *r, size_t *len);

/* A write (or, for a memory report, an allocation) has failed. */
bool report_failed(const struct report *r);

#endif
