/* writer.h - records and events formatted on threads of their own and written out in order. */
#ifndef TCPSCOPE_WRITER_H
#define TCPSCOPE_WRITER_H

#include <stdio.h>

#include "record.h"
#include "report.h"

/*
 * Formatting a record costs about as much as analysing its packets, and at
 * the end of a capture every connection still held is reported at once. So
 * the analysis hands each record and event over (a copy, strings included:
 * the connection behind it is freed at once) and two threads format the
 * batches side by side, each into memory; the batches reach the output in
 * the order they were given.
 */
struct writer;

/*
 * Start writing to out in format fmt. Whatever a report on out has buffered
 * must be flushed first (report_flush). NULL when threads or memory cannot
 * be had.
 */
struct writer *writer_start(FILE *out, enum report_format fmt);

/* Queue a copy of r (and of what r->app points to). */
void writer_conn(struct writer *w, const struct conn_record *r);

/* Queue a copy of ev. */
void writer_event(struct writer *w, const struct conn_event *ev);

/* Write what is queued, stop the threads and free the writer. Returns 0, or -1 if a write failed. */
int writer_end(struct writer *w);

#endif
