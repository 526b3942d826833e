/* jsonprog.h - a record kind's JSON Lines layout compiled once from the field table: the literal text between values, and where each value comes from. No I/O. */
#ifndef TCPSCOPE_JSONPROG_H
#define TCPSCOPE_JSONPROG_H

#include <stddef.h>
#include <stdint.h>

#include "fields.h"

/*
 * A record is written by running its steps in order: each writes its text
 * (keys, commas and braces, merged: "},\"rtt_ts\":{\"samples\":"), then
 * does its op. So a record costs one copy and one value per field, as a
 * hand-written writer would, while the layout comes from the table.
 */
enum json_step_op {
	/* 0 .. FIELD_OP_MILLI32: a value at .off as enum field_op says (FIELD_OP_READ: row .row through field_read) */
	JSON_STEP_TEXT = 16, /* the text alone */
	JSON_STEP_GATE,      /* if row .row is not present: write the absent text instead, go on at step .skip */
	JSON_STEP_END,       /* the text ("}\n"), and the record is done */
	JSON_STEP_SCALAR,    /* a number, bool or string read by row .row's getter */
};

/* Text longer than this is copied with a call; shorter in one fixed-size move (the text has this much slack). */
#define JSON_STEP_TEXT_FAST 32

struct json_step {
	uint32_t off;       /* the value's offset in the record (fast ops)... */
	uint32_t known_off; /* ...null when the known_size bytes here are 0 (known_size > 0) */
	uint8_t known_size;
	uint32_t text;      /* where its text is in the program's text... */
	uint16_t text_len;  /* ...and its length */
	uint8_t op;         /* enum field_op or enum json_step_op */
	uint16_t row;       /* FIELD_OP_READ, JSON_STEP_GATE: the row in the kind's plan */
	uint16_t skip;      /* JSON_STEP_GATE */
	uint32_t absent;    /* JSON_STEP_GATE: the text written when the row is absent ("" or ,"key":null) */
	uint16_t absent_len;
};

struct json_prog {
	const struct field_plan *plan;
	const struct json_step *steps;
	const char *text;   /* JSON_STEP_TEXT_FAST bytes of slack after its end */
};

/*
 * The program of kind k, compiled on first use (thread-safe); NULL if the
 * table is malformed or memory ran out. Lives until the process ends.
 */
const struct json_prog *json_prog_of(enum field_kind k);

#endif
