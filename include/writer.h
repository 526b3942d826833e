/* writer.h - records and events formatted on threads of their own and written out in order. */
#ifndef TCPSCOPE_WRITER_H
#define TCPSCOPE_WRITER_H

#include <signal.h>
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

/*
 * When a write fails (a closed pipe, a full disk), set *stop, the flag the
 * input is read under (feed_start), so that reading ends at once; later
 * batches are dropped unformatted. Call before queuing anything.
 */
void writer_stop_on_failure(struct writer *w, volatile sig_atomic_t *stop);

/* A write has failed: whatever is queued now is dropped. */
bool writer_failed(const struct writer *w);

/* Queue a copy of r (and of what r->app points to). */
void writer_conn(struct writer *w, const struct conn_record *r);

/* Queue a copy of ev. */
void writer_event(struct writer *w, const struct conn_event *ev);

/*
 * Write what is queued, stop the threads and free the writer. Returns 0, or
 * -1 if a write failed, with errno set to the first failure's.
 */
int writer_end(struct writer *w);

#endif
