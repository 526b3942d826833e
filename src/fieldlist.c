/* fieldlist.c - the field table (fields.h) as tab-separated lines, for people and the docs' checks (--list-fields). */
#include "fieldlist.h"

#include <string.h>

#include "byhost_write.h"
#include "fields.h"
#include "table.h"
#include "viewcols.h"

/* Does the space-separated list `paths` name `path`? */
static bool names_path(const char *paths, const char *path)
{
	size_t n = strlen(path);
	for (const char *p = paths; p && *p;) {
		size_t w = strcspn(p, " ");
		if (w == n && strncmp(p, path, n) == 0)
			return true;
		p += w;
		p += strspn(p, " ");
	}
	return false;
}

/* Does any of the n columns show path? */
static bool shown_by(const struct table_column *cols, int n, const char *path)
{
	for (int i = 0; i < n; i++)
		if (names_path(cols[i].fields, path))
			return true;
	return false;
}

/* Is path a field of the conn table? */
static bool is_conn_field(const char *path, size_t len)
{
	size_t n;
	const struct field *rows = fields_of(FIELD_CONN, &n);
	for (size_t i = 0; i < n; i++)
		if (strlen(rows[i].path) == len && strncmp(rows[i].path, path, len) == 0)
			return true;
	return false;
}

static const char *unknown_in(const struct table_column *cols, int n)
{
	static _Thread_local char bad[FIELD_KEY_MAX * 2];
	for (int i = 0; i < n; i++) {
		const char *p = cols[i].fields;
		if (!p || !*p)
			return cols[i].title;
		while (*p) {
			size_t w = strcspn(p, " ");
			if (!is_conn_field(p, w)) {
				snprintf(bad, sizeof(bad), "%.*s", (int)(w < sizeof(bad) - 1 ? w : sizeof(bad) - 1), p);
				return bad;
			}
			p += w;
			p += strspn(p, " ");
		}
	}
	return NULL;
}

const char *fieldlist_unknown_column_field(void)
{
	const char *bad = unknown_in(table_columns, TABLE_COL__COUNT);
	return bad ? bad : unknown_in(viewcols, VIEWCOL__COUNT);
}

static const char *presence(const struct field *f)
{
	bool optional = f->present && !(f->flags & FIELD_ABSENT_NULL);
	bool nullable = (f->flags & (FIELD_NULLABLE | FIELD_ABSENT_NULL)) != 0;
	return optional ? (nullable ? "optional,nullable" : "optional") : nullable ? "nullable" : "always";
}

static void write_row(FILE *out, const struct field *f)
{
	fprintf(out, "%s\t%s\t%s\t", field_kind_name(f->kind), f->path, f->csv ? f->csv : "-");
	if (f->type == FIELD_LIST)
		fprintf(out, "array:%s", field_type_name(f->item));
	else
		fprintf(out, "%s%s", f->flags & FIELD_SIGNED ? "signed_" : "", field_type_name(f->type));
	fprintf(out, "\t%s\t%s\tjson", f->unit ? f->unit : "-", presence(f));
	if (f->csv)
		fputs(",csv", out);
	if (f->kind == FIELD_CONN && shown_by(table_columns, TABLE_COL__COUNT, f->path))
		fputs(",text", out);
	if ((f->kind == FIELD_SERVER || f->kind == FIELD_CLIENT) && byhost_text_shows(f->kind, f->path))
		fputs(",text", out);
	if (f->kind == FIELD_CONN && shown_by(viewcols, VIEWCOL__COUNT, f->path))
		fputs(",view", out);
	fputc('\t', out);
	const char *sep = "";
	for (int k = 0; f->type == FIELD_MAP && k < f->keys; k++) {
		if (f->key(k)) {
			fprintf(out, "%s%s", sep, f->key(k));
			sep = ",";
		}
	}
	fprintf(out, "%s\t%s\n", *sep ? "" : "-", f->meaning);
}

bool fieldlist_write(FILE *out)
{
	if (fields_check())
		return false;
	fputs("kind\tpath\tcsv\ttype\tunit\tpresence\tformats\tkeys\tmeaning\n", out);
	for (int k = 0; k < FIELD_KIND__COUNT; k++) {
		size_t n;
		const struct field *rows = fields_of((enum field_kind)k, &n);
		for (size_t i = 0; i < n; i++)
			write_row(out, &rows[i]);
	}
	return fflush(out) == 0 && !ferror(out);
}
