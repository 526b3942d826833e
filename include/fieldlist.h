/* fieldlist.h - the field table (fields.h) as tab-separated lines, for people and the docs' checks (--list-fields). */
#ifndef TCPSCOPE_FIELDLIST_H
#define TCPSCOPE_FIELDLIST_H

#include <stdbool.h>
#include <stdio.h>

/*
 * Write one line per field of every record kind, after a header line:
 *   kind  path  csv  type  unit  presence  formats  keys  meaning
 * tab-separated; "-" for an empty cell. type is fields.h's type name, a
 * list's as "array:ITEM"; presence is "always", "nullable" (may be null),
 * "optional" (left out when it does not apply) or "optional,nullable";
 * formats are among json, csv, text, view (the text table's and the live
 * view's columns that show it, table.h's .fields); keys, for a map, are its
 * keys joined by ','. Returns false when the table is malformed (nothing is
 * written) or a write failed.
 */
bool fieldlist_write(FILE *out);

/* The first JSON path a text or view column names that the table lacks, or NULL when they all exist. */
const char *fieldlist_unknown_column_field(void);

#endif
