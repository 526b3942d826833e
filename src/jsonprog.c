/* jsonprog.c - a record kind's JSON Lines layout compiled once from the field table (jsonprog.h). */
#include "jsonprog.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct builder {
	const struct field_plan *p;
	struct json_step *steps;
	size_t nsteps, cap_steps;
	char *text;
	size_t text_len, cap_text;
	char pending[512];  /* text not yet given to a step */
	size_t pending_len;
	bool failed;
};

static void pend(struct builder *b, const char *s, size_t n)
{
	if (n > sizeof(b->pending) - b->pending_len) {
		b->failed = true;
		return;
	}
	memcpy(b->pending + b->pending_len, s, n);
	b->pending_len += n;
}

/* Keep s in the program's text; returns its offset. */
static uint32_t keep_text(struct builder *b, const char *s, size_t n)
{
	if (b->text_len + n + JSON_STEP_TEXT_FAST > b->cap_text) {
		size_t cap = 2 * (b->cap_text + n + JSON_STEP_TEXT_FAST);
		char *t = realloc(b->text, cap);
		if (!t) {
			b->failed = true;
			return 0;
		}
		memset(t + b->cap_text, 0, cap - b->cap_text);
		b->text = t;
		b->cap_text = cap;
	}
	memcpy(b->text + b->text_len, s, n);
	b->text_len += n;
	return (uint32_t)(b->text_len - n);
}

/* A new step carrying the pending text; returns its index. */
static size_t add_step(struct builder *b, uint8_t op, size_t row)
{
	if (b->nsteps == b->cap_steps) {
		size_t cap = b->cap_steps ? 2 * b->cap_steps : 64;
		struct json_step *s = realloc(b->steps, cap * sizeof(*s));
		if (!s) {
			b->failed = true;
			return 0;
		}
		b->steps = s;
		b->cap_steps = cap;
	}
	struct json_step *s = &b->steps[b->nsteps];
	memset(s, 0, sizeof(*s));
	s->op = op;
	s->row = (uint16_t)row;
	s->off = (uint32_t)b->p->rows[row].off;
	s->known_off = (uint32_t)b->p->rows[row].known_off;
	s->known_size = (uint8_t)b->p->rows[row].known_size;
	s->text_len = (uint16_t)b->pending_len;
	s->text = keep_text(b, b->pending, b->pending_len);
	b->pending_len = 0;
	return b->nsteps++;
}

/* The members rows[begin, end) of an object whose '{' is pending. */
static void compile_members(struct builder *b, size_t begin, size_t end)
{
	const struct field_plan *p = b->p;
	bool first = true;

	for (size_t k = begin; k < end && !b->failed; k = p->plan[k].end) {
		const struct field *f = &p->rows[k];
		const char *key = p->plan[k].key + first;
		size_t key_len = p->plan[k].key_len - first;
		size_t gate = 0;

		/* a comma is decided here, once: a member that may be left out is never an object's first */
		if (first && f->present && !(f->flags & FIELD_ABSENT_NULL))
			b->failed = true;
		first = false;
		if (f->present) {
			gate = add_step(b, JSON_STEP_GATE, k);
			if (f->flags & FIELD_ABSENT_NULL) {
				char absent[FIELD_KEY_MAX + 4];
				memcpy(absent, key, key_len);
				memcpy(absent + key_len, "null", 4);
				b->steps[gate].absent_len = (uint16_t)(key_len + 4);
				b->steps[gate].absent = keep_text(b, absent, key_len + 4);
			}
		}
		pend(b, key, key_len);
		if (f->type == FIELD_OBJECT) {
			pend(b, "{", 1);
			compile_members(b, k + 1, p->plan[k].end);
			pend(b, "}", 1);
		} else {
			bool scalar = f->type <= FIELD_WIRE && p->plan[k].op == FIELD_OP_READ;
			add_step(b, scalar ? JSON_STEP_SCALAR : p->plan[k].op, k); /* FIELD_OP_READ: lists, maps, object lists */
		}
		if (f->present) {
			if (b->pending_len)
				add_step(b, JSON_STEP_TEXT, k);
			if (!b->failed)
				b->steps[gate].skip = (uint16_t)b->nsteps;
		}
	}
}

static struct json_prog progs[FIELD_KIND__COUNT];
static bool prog_ok[FIELD_KIND__COUNT];
static pthread_once_t prog_once = PTHREAD_ONCE_INIT;

static void compile_kind(enum field_kind k)
{
	struct builder b = {.p = fields_plan(k)};

	if (!b.p)
		return;
	pend(&b, "{", 1);
	compile_members(&b, 0, b.p->n);
	pend(&b, "}\n", 2);
	add_step(&b, JSON_STEP_END, 0);
	if (b.failed || b.nsteps > UINT16_MAX) {
		free(b.steps);
		free(b.text);
		return;
	}
	progs[k] = (struct json_prog){.plan = b.p, .steps = b.steps, .text = b.text};
	prog_ok[k] = true;
}

static void compile_all(void)
{
	for (int k = 0; k < FIELD_KIND__COUNT; k++)
		compile_kind((enum field_kind)k);
}

const struct json_prog *json_prog_of(enum field_kind k)
{
	pthread_once(&prog_once, compile_all);
	return (unsigned)k < FIELD_KIND__COUNT && prog_ok[k] ? &progs[k] : NULL;
}
