/* report.h - the report writer: connection records and the summary as text, CSV or JSON Lines. */
#ifndef TCPSCOPE_REPORT_H
#define TCPSCOPE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "fields.h"
#include "record.h"
#include "table.h"

enum report_format { REPORT_TEXT, REPORT_CSV, REPORT_JSON };

/* Parse "text", "csv" or "json"; false for anything else. */
bool report_format_parse(const char *name, enum report_format *out);

struct report;

/* Rows held back in id order (text) at most: past it the lowest held row is written. */
#define REPORT_REORDER_MAX 65536

/* The text table's width when the caller has none (a file or a pipe). */
#define REPORT_DEFAULT_WIDTH 160

/* How records are laid out and ordered (report_open_with). */
struct report_options {
	unsigned width;      /* text: the table's line width in display columns (0: REPORT_DEFAULT_WIDTH) */
	bool id_order;       /* text: rows in id order, through a reorder buffer of REPORT_REORDER_MAX rows */
	bool sorted;         /* any format: hold every record, write them in `sort` order when the report ends */
	enum table_sort sort;
	uint64_t top;        /* with sorted: only the first `top` records (0: all) */
};

/*
 * Start a report on out (not closed by the report). Text writes its table
 * header now, CSV its header line. Records are written as they come
 * (report_open) or as opts says. Returns NULL when memory runs out.
 */
struct report *report_open(FILE *out, enum report_format fmt);
struct report *report_open_with(FILE *out, enum report_format fmt, const struct report_options *opts);

/* A report without a header, for a summary alone (--summary FILE, CSV's summary on stderr). */
struct report *report_open_bare(FILE *out, enum report_format fmt);

/* The report holds records back (id order, sorting): it must get them in line, not from writer threads. */
bool report_holds_records(const struct report *r);

/* Write one connection record (streamed: records appear as connections end). */
void report_conn(struct report *r, const struct conn_record *c);

/* Write one event (text and JSON; the CSV table has no place for them). */
void report_event(struct report *r, const struct conn_event *ev);

/*
 * Write one record of kind k (the struct fields.h names for it: a packet
 * record, a --by group) from the field table, as report_conn does: JSON, one
 * line; CSV, a row of the kind's columns (report_csv_header first, on a
 * report_open_bare). Text: nothing (those layouts are their modules').
 */
void report_record(struct report *r, enum field_kind k, const void *rec);
void report_csv_header(struct report *r, enum field_kind k);

/*
 * Write the closing summary, after the records still held back. Text: in
 * words; JSON: the "type":"summary" record; CSV: nothing (a CSV file is the
 * table alone: the caller puts the summary elsewhere).
 */
void report_summary(struct report *r, const struct summary_record *s);

/* Write the records still held back, flush and free. Returns 0, or -1 if any write to out failed, with errno set to the first failure's. */
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
