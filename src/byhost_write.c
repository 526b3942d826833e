/* byhost_write.c - the --by records: JSON Lines and CSV from the field table (report_record), text as a table of some of its fields. */
#include "byhost_write.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "textesc.h"

/*
 * The text table's columns. JSON and CSV are the field table's (fields.c,
 * written by report_record); the text table shows some of its fields in
 * human units, read through the same rows (by path, checked by
 * byhost_text_unknown_field).
 */
enum text_style {
	T_HOST,    /* the group's address (and port), left-aligned */
	T_NAMES,   /* the name most seen, and how many connections had another, left-aligned */
	T_COUNT,   /* an integer */
	T_BYTES,   /* bytes in SI units */
	T_MS,      /* a field in thousandths of a millisecond (FIELD_MILLI, "ms") as a duration */
	T_S,       /* a field in thousandths of a second (FIELD_MILLI, "s") as a duration, blank when 0 */
	T_SHARE,   /* path / path2 as a percentage */
};

struct text_column {
	const char *title;     /* the client kind's host column is "CLIENT" */
	const char *path;      /* the row of the kind's table it shows */
	const char *path2;     /* T_SHARE: the whole */
	enum text_style style;
};

static const struct text_column text_columns[] = {
	{"SERVER", NULL, NULL, T_HOST}, /* the kind's host object's members: server.ip, server.port or client.ip */
	{"NAME", "names", NULL, T_NAMES},
	{"CONNS", "connections", NULL, T_COUNT},
	{"REFUSED", "refused", NULL, T_COUNT},
	{"UNANS", "unanswered", NULL, T_COUNT},
	{"RESET", "reset", NULL, T_COUNT},
	{"SYN-RETRY", "syn_retries", NULL, T_COUNT},
	{"HS-P50", "handshake_rtt_p50_ms", NULL, T_MS},
	{"HS-P90", "handshake_rtt_p90_ms", NULL, T_MS},
	{"HS-P99", "handshake_rtt_p99_ms", NULL, T_MS},
	{"HS-MAX", "handshake_rtt_max_ms", NULL, T_MS},
	{"DATA-P50", "data_rtt_p50_ms", NULL, T_MS},
	{"DATA-P99", "data_rtt_p99_ms", NULL, T_MS},
	{"C>S", "c2s_bytes", NULL, T_BYTES},
	{"S>C", "s2c_bytes", NULL, T_BYTES},
	{"RETX", "retransmitted_bytes", "payload_bytes", T_SHARE},
	{"ZW-C", "c2s_zero_window_time", NULL, T_S},
	{"ZW-S", "s2c_zero_window_time", NULL, T_S},
};
#define NCOLUMNS (sizeof(text_columns) / sizeof(text_columns[0]))

bool byhost_text_shows(enum field_kind k, const char *path)
{
	for (size_t c = 0; c < NCOLUMNS; c++) {
		const struct text_column *col = &text_columns[c];
		if (col->style == T_HOST && strncmp(path, k == FIELD_SERVER ? "server." : "client.", 7) == 0)
			return true;
		/* the share column shows retx_share, worked out from its two fields as a percentage */
		if (strcmp(path, col->style == T_SHARE ? "retx_share" : col->path ? col->path : "") == 0)
			return true;
	}
	return false;
}

static enum field_kind kind_of(const struct byhost *b)
{
	return byhost_kind_of(b) == BYHOST_SERVER ? FIELD_SERVER : FIELD_CLIENT;
}

/* Row `path` of kind k's table; NULL when there is none. */
static const struct field *row_of(enum field_kind k, const char *path)
{
	size_t n;
	const struct field *rows = fields_of(k, &n);
	for (size_t i = 0; path && i < n; i++)
		if (strcmp(rows[i].path, path) == 0)
			return &rows[i];
	return NULL;
}

const char *byhost_text_unknown_field(void)
{
	for (int k = FIELD_SERVER; k <= FIELD_CLIENT; k++)
		for (size_t c = 1; c < NCOLUMNS; c++) {
			if (!row_of((enum field_kind)k, text_columns[c].path))
				return text_columns[c].title;
			if (text_columns[c].path2 && !row_of((enum field_kind)k, text_columns[c].path2))
				return text_columns[c].title;
		}
	return NULL;
}

/* ---- a growing line ---- */

struct line {
	char *s;
	size_t len, cap;
	bool failed; /* out of memory */
};

static char *line_reserve(struct line *l, size_t n)
{
	if (l->len + n + 1 > l->cap) {
		size_t cap = l->cap ? l->cap : 256;
		while (l->len + n + 1 > cap)
			cap *= 2;
		char *grown = realloc(l->s, cap);
		if (!grown) {
			l->failed = true;
			return NULL;
		}
		l->s = grown;
		l->cap = cap;
	}
	return l->s + l->len;
}

static void put(struct line *l, const char *s, size_t n)
{
	char *dst = line_reserve(l, n);
	if (!dst)
		return;
	memcpy(dst, s, n);
	l->len += n;
	l->s[l->len] = '\0';
}

static void puts_(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

static void host_ip(const struct byhost_group *g, char *buf, size_t cap)
{
	endpoint_addr_str(&g->host, g->ip_version, buf, (unsigned)cap);
}

/* ---- text ---- */

/* Room for a text cell: a name is cut at half of it (escaped bytes), " +N" follows. */
#define TEXT_CELL_MAX 256

/* A column and its rows in the kind's table (NULL for the host's). */
struct shown_column {
	const struct text_column *col;
	const struct field *row, *whole;
};

/* One cell of the text table, NUL-terminated in buf (TEXT_CELL_MAX bytes). */
static void text_cell(const struct byhost *b, const struct byhost_group *g, const struct shown_column *sc, char *buf)
{
	const struct text_column *col = sc->col;
	size_t cap = TEXT_CELL_MAX;
	struct field_value v, whole;

	strcpy(buf, "-");
	switch (col->style) {
	case T_HOST:
		if (g->rest) {
			snprintf(buf, cap, "(others)");
		} else {
			char ip[64];
			host_ip(g, ip, sizeof(ip));
			if (byhost_kind_of(b) == BYHOST_CLIENT)
				snprintf(buf, cap, "%s", ip);
			else
				snprintf(buf, cap, g->ip_version == 6 ? "[%s]:%u" : "%s:%u", ip, (unsigned)g->host.port);
		}
		return;
	case T_NAMES:
		if (g->nnames > 0) {
			size_t used, n = text_escape(buf, TEXT_CELL_MAX / 2, g->names[0].name, g->names[0].len, false, &used);
			buf[n] = '\0';
			uint64_t more = g->names_other;
			for (uint8_t i = 1; i < g->nnames; i++)
				more += g->names[i].connections;
			if (more)
				snprintf(buf + n, cap - n, " +%" PRIu64, more);
		}
		return;
	default:
		break;
	}
	if (!sc->row || (col->style == T_SHARE && !sc->whole))
		return; /* not in the table: byhost_text_unknown_field says which */
	field_read(sc->row, g, 0, &v);
	if (!v.known)
		return;
	switch (col->style) {
	case T_BYTES:
		table_human_bytes(buf, cap, v.u);
		break;
	case T_MS:
		table_human_duration(buf, cap, v.u * 1000u);
		break;
	case T_S:
		if (v.u)
			table_human_duration(buf, cap, v.u * 1000000u);
		break;
	case T_SHARE:
		field_read(sc->whole, g, 0, &whole);
		table_human_share(buf, cap, v.u, whole.u);
		break;
	default:
		snprintf(buf, cap, "%" PRIu64, v.u);
		break;
	}
}

static const char *text_title(const struct byhost *b, const struct text_column *col)
{
	return col->style == T_HOST && byhost_kind_of(b) == BYHOST_CLIENT ? "CLIENT" : col->title;
}

/*
 * The text table: each shown column as wide as its widest cell (the cells
 * are formatted twice rather than held); the host and names left-aligned,
 * numbers right.
 */
static void text_table(struct line *l, const struct byhost *b, const struct byhost_group *const *groups, size_t n)
{
	struct shown_column shown[NCOLUMNS];
	unsigned width[NCOLUMNS];
	size_t ncols = 0;
	char cell[TEXT_CELL_MAX];

	for (size_t i = 0; i < NCOLUMNS; i++)
		shown[ncols++] = (struct shown_column){&text_columns[i], row_of(kind_of(b), text_columns[i].path),
						       row_of(kind_of(b), text_columns[i].path2)};
	for (size_t c = 0; c < ncols; c++) {
		const char *title = text_title(b, shown[c].col);
		width[c] = table_display_width(title, strlen(title));
		for (size_t r = 0; r < n; r++) {
			text_cell(b, groups[r], &shown[c], cell);
			unsigned w = table_display_width(cell, strlen(cell));
			width[c] = w > width[c] ? w : width[c];
		}
	}
	for (size_t r = 0; r <= n; r++) {
		for (size_t c = 0; c < ncols; c++) {
			const char *s = cell;
			if (r == 0)
				s = text_title(b, shown[c].col);
			else
				text_cell(b, groups[r - 1], &shown[c], cell);
			unsigned w = table_display_width(s, strlen(s));
			bool left = shown[c].col->style == T_HOST || shown[c].col->style == T_NAMES;
			if (c)
				puts_(l, " ");
			for (unsigned k = w; !left && k < width[c]; k++)
				puts_(l, " ");
			puts_(l, s);
			for (unsigned k = w; left && c + 1 < ncols && k < width[c]; k++)
				puts_(l, " ");
		}
		puts_(l, "\n");
	}
}

/* JSON Lines or CSV: the kind's records from the field table, through a report of their own. */
static int write_records(FILE *out, enum report_format fmt, enum field_kind k, const struct byhost_group *const *groups,
			 size_t n)
{
	struct report *r = report_open_bare(out, fmt);
	if (!r) {
		errno = ENOMEM;
		return -1;
	}
	report_csv_header(r, k);
	for (size_t i = 0; i < n; i++)
		report_record(r, k, groups[i]);
	return report_close(r);
}

int byhost_write(FILE *out, enum report_format fmt, struct byhost *b, enum byhost_order order, uint64_t top)
{
	size_t n;
	const struct byhost_group *const *groups = byhost_groups(b, order, &n);
	struct line l = {0};

	if (top && n > top)
		n = top;
	if (!groups && n) {
		errno = ENOMEM;
		return -1;
	}
	if (fmt != REPORT_TEXT)
		return write_records(out, fmt, kind_of(b), groups, n) < 0 || fflush(out) != 0 || ferror(out) ? -1 : 0;
	text_table(&l, b, groups, n);
	if (l.len && !l.failed)
		fwrite(l.s, 1, l.len, out);
	bool failed = l.failed || fflush(out) != 0 || ferror(out);
	if (l.failed)
		errno = ENOMEM;
	free(l.s);
	return failed ? -1 : 0;
}
