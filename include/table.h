/* table.h - the connection table for people: columns, fitting them to a width, human units, sort orders. Pure: no I/O. */
#ifndef TCPSCOPE_TABLE_H
#define TCPSCOPE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

/*
 * The columns in the order they are shown. One descriptor each
 * (table_columns[]): title, widths, how soon it is dropped when the width is
 * short, how a record's value is written. The text report renders these;
 * the live view (next) is meant to read the same table.
 */
enum table_col {
	TABLE_ID = 0,   /* the record's id */
	TABLE_START,    /* time of day (UTC) of the first packet, HH:MM:SS.mmm */
	TABLE_DURATION, /* first to last packet, human units */
	TABLE_CLIENT,   /* ip:port ([ip6]:port), '?' when the direction was guessed */
	TABLE_SERVER,
	TABLE_NAME,     /* TLS SNI or HTTP Host, escaped */
	TABLE_PACKETS,  /* both directions */
	TABLE_C2S_BYTES, /* bytes on the wire, human units */
	TABLE_S2C_BYTES,
	TABLE_RETX,     /* retransmitted payload as a share of all payload, both directions */
	TABLE_RTT,      /* handshake round trip (SYN -> SYN-ACK -> ACK) */
	TABLE_STATE,    /* Zeek conn_state */
	TABLE_END,      /* end reason */
	TABLE_DIAGNOSES, /* the diagnoses joined by "; " (always the last column) */
	TABLE_COL__COUNT
};

/* How a value wider than its column is shortened. */
enum table_cut {
	TABLE_CUT_NEVER,  /* numbers: never cut (a wider value pushes the rest of its row right) */
	TABLE_CUT_END,    /* names: "www.exampl…" */
	TABLE_CUT_MIDDLE, /* addresses: "[2001:db8:…:1]:443" keeps the port */
};

struct table_column {
	const char *title;
	const char *fields;  /* the record fields it shows, JSON paths of fields.h's table, space-separated */
	unsigned min_width;  /* display columns it needs to be shown at all */
	unsigned want_width; /* grown to this when there is room (the last column then takes the rest) */
	unsigned rank;       /* taken in rank order (0 first) while it fits: the highest goes first when short */
	unsigned grow_rank;  /* grows towards want_width when the ranks up to this one are placed */
	bool right;          /* right-aligned */
	enum table_cut cut;
	/* Write the record's value, whole, NUL-terminated, into buf (cap bytes,
	 * at least TABLE_VALUE_MAX); returns its length in bytes. */
	size_t (*format)(const struct conn_record *c, char *buf, size_t cap);
};

extern const struct table_column table_columns[TABLE_COL__COUNT];

/* Room for any value a column's format writes (names are escaped: up to TEXT_ESCAPE_MAX bytes per byte). */
#define TABLE_VALUE_MAX 2048

/* The widths tables are fitted to: narrower is taken as TABLE_WIDTH_MIN, wider as TABLE_WIDTH_MAX. */
#define TABLE_WIDTH_MIN 40
#define TABLE_WIDTH_MAX 1000

/* Room for one rendered line (header or row) with its newline and NUL: a display column is at most 4 bytes. */
#define TABLE_LINE_MAX (4 * TABLE_WIDTH_MAX + 2 * TABLE_VALUE_MAX)

/* Columns any table of these descriptors may have (the report's, the live view's). */
#define TABLE_COLS_MAX 24

/* The columns chosen for a width, in display order, and the width of each. */
struct table_layout {
	unsigned width;                    /* the width fitted to */
	const struct table_column *cols;   /* the descriptors col[] indexes */
	int ncols;
	int col[TABLE_COLS_MAX];           /* index into cols, e.g. an enum table_col */
	unsigned col_width[TABLE_COLS_MAX]; /* indexed like col[] */
};

/*
 * Choose columns for a line of `width` display columns (clamped to
 * TABLE_WIDTH_MIN..TABLE_WIDTH_MAX), one space between columns: for rank 0,
 * 1, 2, ... the columns of that rank are taken at min_width if they still
 * fit, then the columns whose grow_rank it is grow towards want_width as far
 * as the width lets them; the last column takes what is left. So the least
 * useful columns are the ones left out when the width is short. A rendered
 * line is never wider than the width, unless numbers are wider than their
 * columns by more than the last column can give up.
 */
void table_fit(unsigned width, struct table_layout *out);

/* The same over any n (at most TABLE_COLS_MAX) descriptors: the live view's columns. */
void table_fit_columns(const struct table_column *cols, int n, unsigned width, struct table_layout *out);

/*
 * One line of cells for the layout, value[k] (len[k] bytes) in its k-th
 * column, cut and aligned as the column says, with '\n'; returns its length
 * in bytes. buf holds TABLE_LINE_MAX.
 */
size_t table_render_cells(const struct table_layout *t, const char *const value[], const size_t len[], char *buf);

/* The header line (titles) for the layout, with '\n'; returns its length in bytes. buf holds TABLE_LINE_MAX. */
size_t table_render_header(const struct table_layout *t, char *buf);

/* One record's row for the layout, with '\n'; returns its length in bytes. buf holds TABLE_LINE_MAX. */
size_t table_render_row(const struct table_layout *t, const struct conn_record *c, char *buf);

/* ---- text for people ---- */

/*
 * Display width of the UTF-8 text s (n bytes): one column per code point,
 * two for East Asian wide ones and most emoji, none for combining marks and
 * zero-width characters. A byte that is not well-formed UTF-8 counts one.
 */
unsigned table_display_width(const char *s, size_t n);

/*
 * Copy s (n bytes of UTF-8) into dst, at most `width` display columns: when
 * it is wider, cut at a character boundary and mark the cut with "…" (U+2026,
 * one column), at the end or, for TABLE_CUT_MIDDLE, in the middle (the start
 * and the end kept). TABLE_CUT_NEVER copies s whole. dst holds
 * 4 * width + 4 bytes (n + 1 for TABLE_CUT_NEVER); NUL-terminated. Returns
 * the bytes written.
 */
size_t table_cut(char *dst, const char *s, size_t n, unsigned width, enum table_cut how);

/* Bytes in SI units with 3 significant digits: "0 B", "999 B", "1.20 kB", "35.4 MB", "812 GB". */
size_t table_human_bytes(char *buf, size_t cap, uint64_t bytes);

/*
 * A duration: "0 s", "870 ns", "12.5 µs", "35.4 ms", "4.37 s", "59.9 s",
 * then "2m03s", "1h02m", "3d04h": to the nearest second, then the
 * seconds (or minutes) past the shown unit left off.
 */
size_t table_human_duration(char *buf, size_t cap, uint64_t ns);

/* part as a share of whole: "-" when whole is 0, "0%", "<0.1%", "3.1%", "12%", "100%". */
size_t table_human_share(char *buf, size_t cap, uint64_t part, uint64_t whole);

/* ---- sort orders ---- */

/*
 * Orders for --sort. id and start ascending, state alphabetical; the sizes
 * (duration, bytes, packets, retx, rtt) descending, largest first; an
 * unknown rtt last. Ties in id order.
 */
enum table_sort {
	TABLE_SORT_ID = 0,
	TABLE_SORT_START,
	TABLE_SORT_DURATION,
	TABLE_SORT_BYTES,    /* both directions, on the wire */
	TABLE_SORT_PACKETS,
	TABLE_SORT_RETX,     /* the RETX share, then retransmitted bytes */
	TABLE_SORT_RTT,      /* handshake RTT */
	TABLE_SORT_STATE,
	TABLE_SORT__COUNT
};

/* Parse a --sort name ("id", "start", ...); false for anything else. */
bool table_sort_parse(const char *name, enum table_sort *out);

/* The name of a sort order; "unknown" out of range. */
const char *table_sort_name(enum table_sort s);

/* The names joined by ", " (for the usage message and the docs). */
const char *table_sort_names(void);

/* A record's place in a sort order, small enough to keep for every row. */
struct table_sort_key {
	uint64_t primary, secondary; /* compared in that order, smaller first */
	uint64_t id;                 /* then by id */
};

/* The key of c in order s. */
void table_sort_key(const struct conn_record *c, enum table_sort s, struct table_sort_key *k);

/* <0 when a comes before b, >0 after, 0 for the same key. */
int table_sort_compare(const struct table_sort_key *a, const struct table_sort_key *b);

#endif
