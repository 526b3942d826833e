/* byhost_write.h - the --by records ("type":"server" / "type":"client") as text, CSV or JSON Lines, from one table of fields. */
#ifndef TCPSCOPE_BYHOST_WRITE_H
#define TCPSCOPE_BYHOST_WRITE_H

#include <stdint.h>
#include <stdio.h>

#include "byhost.h"
#include "report.h"

/*
 * One field of the record: the JSON key and CSV column (the host's is
 * "server" or "client": a JSON object {"ip", "port"}, CSV columns
 * server_ip and server_port, or client_ip), its JSON type, unit and
 * meaning, and the text table's title (NULL: not in the text table).
 */
struct byhost_field {
	const char *name;
	const char *json_type;
	const char *unit;
	const char *meaning;
	const char *title;
};

/* The fields in the order written; *n gets how many. */
const struct byhost_field *byhost_fields(size_t *n);

/*
 * Write the groups in `order` (at most top of them, 0: all) to out: JSON
 * Lines, one "type":"server" (or "client") object each; CSV, a header and
 * a row each; text, a table (titled columns, human units) followed by a
 * blank line. Returns 0, or -1 when a write failed (errno set).
 */
int byhost_write(FILE *out, enum report_format fmt, struct byhost *b, enum byhost_order order, uint64_t top);

#endif
