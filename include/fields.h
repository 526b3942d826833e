/* fields.h - the one table of output fields: every field of every record described once, and how to read it. No I/O. */
#ifndef TCPSCOPE_FIELDS_H
#define TCPSCOPE_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Each row of the table (fields_of) is one field of one record kind: its
 * JSON key, dotted through the objects that hold it ("c2s.rtt.min_ms"), its
 * CSV column (or none), its type and unit, a one-line meaning, and how its
 * value is read from the record (struct conn_record, conn_event,
 * summary_record of record.h). The JSON and CSV writers (report.c) loop over
 * it, the CSV header is made from it, and the docs (README.md,
 * man/tcpscope.1, docs/schema.json) are checked against it
 * (tcpscope --list-fields, tests/fields_docs.sh). A new field is one row here
 * plus the code that fills the record.
 *
 * Rows of a kind are in JSON key order; an object's members follow its row
 * (FIELD_OBJECT, FIELD_OBJECT_LIST) with its path as their prefix.
 */
enum field_kind {
	FIELD_CONN = 0, /* "type":"conn", one per connection (struct conn_record) */
	FIELD_EVENT,    /* "type":"event" (struct conn_event) */
	FIELD_SUMMARY,  /* "type":"summary" (struct summary_record) */
	FIELD_PACKET,   /* "type":"packet", one per packet of --timeline (struct packet_record, pktrec.h) */
	FIELD_SERVER,   /* "type":"server", one per server of --by server (struct byhost_group, byhost.h) */
	FIELD_CLIENT,   /* "type":"client", one per client of --by client (struct byhost_group) */
	FIELD_KIND__COUNT
};

/* "conn", "event", "summary", "packet", "server", "client": the record's "type". */
const char *field_kind_name(enum field_kind k);

enum field_type {
	FIELD_COUNT,  /* unsigned integer */
	FIELD_TIME,   /* nanoseconds, written as seconds with 9 decimals */
	FIELD_MILLI,  /* thousandths of its unit, written with 3 decimals (us as "ms", ms as "s") */
	FIELD_BOOL,
	FIELD_NAME,   /* a string of ours: a name from a fixed set, an address, a sentence */
	FIELD_WIRE,   /* a string from the wire: escaped for text and CSV, may hold any byte */
	FIELD_LIST,   /* an array of .item values (CSV: joined by .csv_sep) */
	FIELD_OBJECT, /* an object: the rows after it under its path */
	FIELD_OBJECT_LIST, /* an array of objects, one per index below .count (with .csv: its CSV cell
			    * is the .item values .get gives for each, joined by .csv_sep) */
	FIELD_MAP,    /* an object of counts keyed by .key(k), k < .keys (no key: k left out) */
	FIELD_MICRO,  /* millionths of its unit, written with 6 decimals (a share: "0.250000") */
	FIELD_PAIR,   /* a list's item: two integers [u, u_end] (a SACK block's edges) */
	FIELD_TYPE__COUNT
};

/* "integer", "time", ...: a type's name in --list-fields. */
const char *field_type_name(enum field_type t);

/*
 * CSV columns come in blocks, in this order; inside a block, in table order.
 * (The CSV layout predates the table: per-direction volumes first, then each
 * direction's analysis, the application, the life cycle.)
 */
enum field_csv_block {
	CSV_HEAD = 0,   /* id, times, endpoints, end_reason */
	CSV_VOLUME,     /* packets and bytes of both directions */
	CSV_C2S_SEQ,    /* the client's sequence analysis */
	CSV_S2C_SEQ,
	CSV_APP,        /* TLS, HTTP */
	CSV_LIFECYCLE,  /* states, handshake */
	CSV_FIN_RST,    /* FIN and RST counts of both directions */
	CSV_TEARDOWN,
	CSV_DIAGNOSES,
	CSV_BLOCK__COUNT
};

/* Room for a value formatted by a getter (an address, a TLS version name, a name and its count escaped for CSV). */
#define FIELD_TEXT_MAX 1088

/* A value read from a record. */
struct field_value {
	bool known;       /* false: null in JSON, an empty CSV cell */
	uint64_t u;       /* COUNT, TIME (ns), MILLI (thousandths), MICRO (millionths), BOOL (0 or 1), PAIR's first */
	uint64_t u_end;   /* PAIR's second */
	bool negative;    /* TIME, MILLI: the value is -u (field_read clears it before a getter runs) */
	const char *s;    /* NAME, WIRE: len bytes (NUL-terminated for NAME) */
	size_t len;
	char text[FIELD_TEXT_MAX]; /* where a getter formats s when it must */
};

enum {
	FIELD_NULLABLE = 1u << 0,    /* the value may be null (JSON) / empty (CSV) */
	FIELD_ABSENT_NULL = 1u << 1, /* with .present: written as null when not present (else left out) */
	FIELD_SIGNED = 1u << 2,      /* TIME: may be negative (its getter sets .negative); --list-fields: signed_time */
};

struct field {
	enum field_kind kind;
	const char *path;      /* JSON key with its objects: "c2s.rtt.min_ms" */
	const char *csv;       /* CSV column, NULL: not in CSV */
	enum field_csv_block csv_block;
	enum field_type type;
	enum field_type item;  /* FIELD_LIST: the type of its items */
	const char *unit;      /* "s", "ms", "bytes", "packets", ... or NULL */
	const char *meaning;   /* one line */
	unsigned flags;        /* FIELD_NULLABLE, FIELD_ABSENT_NULL */
	/* Where the value is: the record's bytes at off (size bytes, an unsigned
	 * integer or bool) when get is NULL; else get(record + off, index, v). */
	size_t off;
	unsigned size;
	size_t known_off;      /* with get NULL and known_size > 0: the value is null (unknown) when the */
	unsigned known_size;   /* unsigned integer or bool of known_size bytes at known_off is 0 */
	void (*get)(const void *at, size_t index, struct field_value *v);
	/* NULL: always there; else whether it is in this record (index: of the enclosing list) */
	bool (*present)(const void *record, size_t index);
	size_t (*count)(const void *record);  /* FIELD_LIST, FIELD_OBJECT_LIST: items in this record */
	int keys;                             /* FIELD_MAP: keys k = 0 .. keys-1 ... */
	const char *(*key)(int k);            /* ... named key(k); NULL: that key is not written */
	const char *csv_sep;                  /* FIELD_LIST in CSV: between items */
};

/* The rows of kind k (n of them), in JSON order. */
const struct field *fields_of(enum field_kind k, size_t *n);

/* The unsigned integer (or bool) of size bytes at at. */
static inline uint64_t field_load(const void *at, unsigned size)
{
	switch (size) {
	case 1: return *(const uint8_t *)at;
	case 2: return *(const uint16_t *)at;
	case 4: return *(const uint32_t *)at;
	default: return *(const uint64_t *)at;
	}
}

/* Read row f's value (an item of a list, or a field of an object list's entry, at index) from record. */
static inline void field_read(const struct field *f, const void *record, size_t index, struct field_value *v)
{
	const unsigned char *at = (const unsigned char *)record + f->off;

	if (f->get) {
		v->negative = false;
		f->get(at, index, v);
		return;
	}
	v->u = field_load(at, f->size);
	v->negative = false;
	v->known = f->known_size == 0 || field_load((const unsigned char *)record + f->known_off, f->known_size) != 0;
}

/*
 * How a writer may write a row's value: the common cases (a plain integer,
 * bool or time at an offset, null when its known_size bytes at known_off
 * are 0) without a call; FIELD_OP_READ for the rest (field_read, then by
 * type).
 */
enum field_op {
	FIELD_OP_READ = 0,
	FIELD_OP_U8, FIELD_OP_U16, FIELD_OP_U32, FIELD_OP_U64, /* FIELD_COUNT */
	FIELD_OP_BOOL,   /* FIELD_BOOL, one byte */
	FIELD_OP_TIME,   /* FIELD_TIME, uint64_t ns */
	FIELD_OP_MILLI32, /* FIELD_MILLI, uint32_t thousandths */
};

/*
 * What the writers need beyond the table, worked out once from the paths:
 * for each row, where its object's members end, its parent, and its JSON key
 * ready to copy (",\"leaf\":").
 */
#define FIELD_KEY_MAX 40

struct field_plan_row {
	size_t end;        /* index after this row and its members */
	long parent;       /* index of the enclosing object row, -1 at the top */
	long gate;         /* the row itself or the object holding it that has .present, -1 if none */
	uint8_t op;        /* enum field_op */
	uint8_t key_len;   /* bytes of key, the leading comma included */
	char key[FIELD_KEY_MAX]; /* ,"leaf": */
};

/* A CSV column, compact for the writer's loop: what its cell needs from its row and plan. */
struct field_csv_col {
	uint32_t off, known_off; /* as the row's */
	uint16_t row;            /* index in the kind's rows */
	int16_t gate;            /* the plan row's gate */
	uint8_t op;              /* the plan row's op */
	uint8_t known_size;
};

struct field_plan {
	const struct field *rows;
	size_t n;
	const struct field_plan_row *plan; /* indexed like rows */
	const size_t *csv_order;           /* the CSV columns: row indexes in column order */
	const struct field_csv_col *csv_cols; /* the same columns, compact */
	size_t csv_n;
};

/* The plan of kind k, made on first use (thread-safe); NULL if the table is malformed (see fields_check). */
const struct field_plan *fields_plan(enum field_kind k);

/*
 * The table's own rules, for the tests: paths unique, each member right
 * after its object, keys short enough, CSV names unique. NULL when they hold,
 * else a sentence naming the first row that breaks one.
 */
const char *fields_check(void);

#endif
