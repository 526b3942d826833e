/* writer.h - the report written on a thread of its own: records and events are handed over as copies. */
#ifndef TCPSCOPE_WRITER_H
#define TCPSCOPE_WRITER_H

#include "record.h"
#include "report.h"

/*
 * Formatting a record costs about as much as analysing its packets, so on
 * two cores the analysis hands each record and event over (a copy, strings
 * included: the connection behind it is freed at once) and a second thread
 * writes them, in the order given, to the report.
 */
struct writer;

/* Start writing to rep; NULL when the thread or its memory cannot be had. */
struct writer *writer_start(struct report *rep);

/* Queue a copy of r (and of what r->app points to). */
void writer_conn(struct writer *w, const struct conn_record *r);

/* Queue a copy of ev. */
void writer_event(struct writer *w, const struct conn_event *ev);

/* Write what is queued, stop the thread and free the writer (the report stays open). */
void writer_end(struct writer *w);

#endif
