/* viewcols.h - the live view's columns: descriptors in the text table's terms, fitted to the terminal, cells from rows. No I/O. */
#ifndef TCPSCOPE_VIEWCOLS_H
#define TCPSCOPE_VIEWCOLS_H

#include <stddef.h>
#include <stdint.h>

#include "table.h"
#include "view.h"

enum viewcol {
	VIEWCOL_ID = 0,
	VIEWCOL_CLIENT,   /* ip:port, '?' when guessed */
	VIEWCOL_SERVER,
	VIEWCOL_NAME,     /* SNI, else HTTP Host */
	VIEWCOL_STATES,   /* both endpoints' RFC 793 states, short: "EST/CW" */
	VIEWCOL_ZEEK,     /* Zeek's conn_state */
	VIEWCOL_AGE,      /* since its first packet */
	VIEWCOL_IDLE,     /* since its last packet */
	VIEWCOL_RATE_C2S, /* bits/s over the last refresh */
	VIEWCOL_RATE_S2C,
	VIEWCOL_BYTES,    /* both ways, on the wire */
	VIEWCOL_SRTT,     /* smoothed RTT of its data */
	VIEWCOL_RETX,     /* retransmitted segments, and their share of the packets */
	VIEWCOL_ZW,       /* "ZW" while a side advertises a zero window */
	VIEWCOL_FLAGS,    /* R reset, X refused, S slow open, L loss, G capture gap */
	VIEWCOL_DIAG,     /* its latest diagnosis */
	VIEWCOL__COUNT
};

extern const struct table_column viewcols[VIEWCOL__COUNT];

/* Fit the columns to a terminal `width` columns wide (the least useful go first). */
void viewcols_fit(unsigned width, struct table_layout *out);

/* One row's cell of column c at now_ns into buf (TABLE_VALUE_MAX bytes); returns its length. */
size_t viewcols_cell(enum viewcol c, const struct view_row *r, uint64_t now_ns, char *buf, size_t cap);

/* The row as a line of the layout (with '\n'); buf holds TABLE_LINE_MAX. */
size_t viewcols_render(const struct table_layout *t, const struct view_row *r, uint64_t now_ns, char *buf);

/* Bits per second in SI units: "0", "950 b", "12.3 kb", "4.5 Mb", "1.2 Gb". */
size_t viewcols_human_bits(char *buf, size_t cap, double bps);

/* An elapsed time as a clock: "59s", "12m03s", "3h05m", "2d04h". */
size_t viewcols_human_age(char *buf, size_t cap, uint64_t ns);

/* ---- the detail pane, as lines of text ---- */

#define VIEWCOLS_DETAIL_LINE 200

/*
 * The detail pane of row vr (d: its record and events, from view_detail_of;
 * spark: the view's throughput samples of it, nspark of them) as at most max
 * lines of text: the handshake ladder with times and retries, each side's
 * SYN options, the endpoints' state changes, per-direction counters, RTT,
 * retransmissions by kind, SACK, zero windows, TLS and HTTP, the diagnoses,
 * the last events (times from its first packet) and a throughput
 * sparkline. Returns the number of lines.
 */
int viewcols_detail_lines(const struct view_row *vr, const struct view_detail *d, const uint64_t spark[2][VIEW_SPARK_MAX],
			  int nspark, char lines[][VIEWCOLS_DETAIL_LINE], int max);

/* Throughput samples as a sparkline of block characters (UTF-8), scaled to their highest; n samples, at most width shown. */
size_t viewcols_sparkline(char *buf, size_t cap, const uint64_t *samples, int n, int width);

#endif
