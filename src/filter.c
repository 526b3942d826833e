/* filter.c - parse a connection filter expression and match rows against it (grammar in filter.h). */
#include "filter.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "tcp_state.h"

enum filter_op { OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE };

enum filter_kind { KIND_COUNT, KIND_BYTES, KIND_TIME_MS, KIND_TIME_S, KIND_TEXT };

enum filter_field {
	F_TEXT = 0, /* plain text, no field */
	F_ID, F_PORT, F_CPORT, F_SPORT, F_PKTS, F_BYTES, F_RETX, F_IPV,
	F_RTT, F_SRTT, F_AGE, F_IDLE,
	F_NAME, F_SNI, F_HOST, F_IP, F_CLIENT, F_SERVER, F_STATE, F_CSTATE, F_SSTATE, F_END, F_FLAG,
	F__COUNT
};

static const struct {
	const char *name;
	enum filter_kind kind;
} fields[F__COUNT] = {
	[F_TEXT] = {"", KIND_TEXT},
	[F_ID] = {"id", KIND_COUNT}, [F_PORT] = {"port", KIND_COUNT}, [F_CPORT] = {"cport", KIND_COUNT},
	[F_SPORT] = {"sport", KIND_COUNT}, [F_PKTS] = {"pkts", KIND_COUNT}, [F_BYTES] = {"bytes", KIND_BYTES},
	[F_RETX] = {"retx", KIND_COUNT}, [F_IPV] = {"ipv", KIND_COUNT},
	[F_RTT] = {"rtt", KIND_TIME_MS}, [F_SRTT] = {"srtt", KIND_TIME_MS},
	[F_AGE] = {"age", KIND_TIME_S}, [F_IDLE] = {"idle", KIND_TIME_S},
	[F_NAME] = {"name", KIND_TEXT}, [F_SNI] = {"sni", KIND_TEXT}, [F_HOST] = {"host", KIND_TEXT},
	[F_IP] = {"ip", KIND_TEXT}, [F_CLIENT] = {"client", KIND_TEXT}, [F_SERVER] = {"server", KIND_TEXT},
	[F_STATE] = {"state", KIND_TEXT}, [F_CSTATE] = {"cstate", KIND_TEXT}, [F_SSTATE] = {"sstate", KIND_TEXT},
	[F_END] = {"end", KIND_TEXT}, [F_FLAG] = {"flag", KIND_TEXT},
};

static const struct {
	const char *name;
	uint16_t bit;
} flag_names[] = {
	{"reset", ROW_RESET}, {"refused", ROW_REFUSED}, {"slow", ROW_SLOW_OPEN}, {"loss", ROW_LOSS},
	{"gap", ROW_CAPTURE_GAP}, {"zw", ROW_ZERO_WINDOW}, {"ended", ROW_ENDED}, {"inferred", ROW_INFERRED},
};

#define FLAG_NAMES (sizeof(flag_names) / sizeof(flag_names[0]))

/* ---- parsing ---- */

/* At most this much of a word is quoted back in a message. */
#define QUOTE(len) ((int)((len) < 40 ? (len) : 40))

/* The operator at s (longest first); its length, 0 if none. */
static size_t parse_op(const char *s, enum filter_op *op)
{
	static const struct {
		const char *text;
		enum filter_op op;
	} ops[] = {{"!=", OP_NE}, {">=", OP_GE}, {"<=", OP_LE}, {":", OP_EQ}, {"=", OP_EQ}, {">", OP_GT}, {"<", OP_LT}};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].text);
		if (strncmp(s, ops[i].text, n) == 0) {
			*op = ops[i].op;
			return n;
		}
	}
	return 0;
}

/* A number with an optional fraction and unit suffix, scaled to the field's base unit (bytes, count, us). */
static bool parse_number(const char *s, size_t len, enum filter_kind kind, uint64_t *out)
{
	static const struct {
		const char *suffix;
		enum filter_kind kind;
		double scale;
	} units[] = {
		{"us", KIND_TIME_MS, 1}, {"ms", KIND_TIME_MS, 1e3}, {"s", KIND_TIME_MS, 1e6},
		{"m", KIND_TIME_MS, 6e7}, {"h", KIND_TIME_MS, 3.6e9},
		{"ki", KIND_BYTES, 1024.0}, {"mi", KIND_BYTES, 1048576.0}, {"gi", KIND_BYTES, 1073741824.0},
		{"k", KIND_BYTES, 1e3}, {"m", KIND_BYTES, 1e6}, {"g", KIND_BYTES, 1e9},
	};
	size_t i = 0, digits = 0;
	double v = 0, frac = 0.1;
	for (; i < len && isdigit((unsigned char)s[i]); i++, digits++)
		v = v * 10 + (s[i] - '0');
	if (i < len && s[i] == '.')
		for (i++; i < len && isdigit((unsigned char)s[i]); i++, digits++, frac /= 10)
			v += (s[i] - '0') * frac;
	if (digits == 0 || v > 1e15)
		return false;
	/* times: bare numbers are ms (rtt, srtt) or s (age, idle) */
	enum filter_kind unit_kind = kind == KIND_TIME_S ? KIND_TIME_MS : kind;
	double scale = kind == KIND_TIME_MS ? 1e3 : kind == KIND_TIME_S ? 1e6 : 1;
	if (i < len) {
		scale = 0;
		for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
			if (units[u].kind == unit_kind && len - i == strlen(units[u].suffix) &&
			    strncasecmp(s + i, units[u].suffix, len - i) == 0) {
				scale = units[u].scale;
				break;
			}
		if (scale == 0)
			return false;
	}
	*out = (uint64_t)(v * scale + 0.5);
	return true;
}

static bool is_field_word(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)s[i]) && s[i] != '_')
			return false;
	return len > 0;
}

static bool known_flag(const char *name)
{
	for (size_t i = 0; i < FLAG_NAMES; i++)
		if (strcmp(name, flag_names[i].name) == 0)
			return true;
	return false;
}

static void copy_lower(char *dst, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[len] = '\0';
}

/* One term at s (len bytes, at column col). */
static bool parse_term(const char *s, size_t len, size_t col, struct filter_term *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	if (len > 1 && s[0] == '!') {
		t->negate = true;
		s++, len--, col++;
	}
	size_t name_len = 0;
	while (name_len < len && (islower((unsigned char)s[name_len]) || s[name_len] == '_'))
		name_len++;
	enum filter_op op = OP_EQ;
	size_t op_len = name_len < len ? parse_op(s + name_len, &op) : 0;
	if (op_len == 0 || !is_field_word(s, name_len)) {
		/* plain text */
		if (len >= FILTER_PATTERN_MAX) {
			snprintf(err, errlen, "text '%.*s...' at column %zu is too long", QUOTE(20), s, col);
			return false;
		}
		t->field = F_TEXT;
		copy_lower(t->pattern, s, len);
		return true;
	}
	int field = -1;
	for (int i = 1; i < F__COUNT; i++)
		if (strlen(fields[i].name) == name_len && strncmp(s, fields[i].name, name_len) == 0)
			field = i;
	if (field < 0) {
		snprintf(err, errlen,
			 "unknown field '%.*s' at column %zu (fields: id port cport sport pkts bytes retx ipv rtt "
			 "srtt age idle name sni host ip client server state cstate sstate end flag)",
			 QUOTE(name_len), s, col);
		return false;
	}
	t->field = (uint8_t)field;
	t->op = (uint8_t)op;
	const char *v = s + name_len + op_len;
	size_t vlen = len - name_len - op_len;
	size_t vcol = col + name_len + op_len;
	if (vlen == 0) {
		snprintf(err, errlen, "'%.*s' at column %zu needs a value", QUOTE(name_len + op_len), s, col);
		return false;
	}
	if (fields[field].kind != KIND_TEXT) {
		if (!parse_number(v, vlen, fields[field].kind, &t->number)) {
			snprintf(err, errlen, "'%.*s' at column %zu is not a number with a unit %s takes", QUOTE(vlen),
				 v, vcol, fields[field].name);
			return false;
		}
		return true;
	}
	if (op != OP_EQ && op != OP_NE) {
		snprintf(err, errlen, "'%.*s' at column %zu: %s takes ':', '=' or '!=' only", QUOTE(len), s, col,
			 fields[field].name);
		return false;
	}
	if (vlen >= FILTER_PATTERN_MAX) {
		snprintf(err, errlen, "value '%.*s...' at column %zu is too long", QUOTE(20), v, vcol);
		return false;
	}
	copy_lower(t->pattern, v, vlen);
	if (field == F_FLAG && !known_flag(t->pattern)) {
		snprintf(err, errlen,
			 "unknown flag '%.*s' at column %zu (flags: reset refused slow loss gap zw ended inferred)",
			 QUOTE(vlen), v, vcol);
		return false;
	}
	return true;
}

bool filter_parse(const char *expr, struct filter *f, char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	if (errlen)
		err[0] = '\0';
	for (size_t i = 0; expr && expr[i];) {
		if (isspace((unsigned char)expr[i])) {
			i++;
			continue;
		}
		size_t start = i;
		while (expr[i] && !isspace((unsigned char)expr[i]))
			i++;
		if (f->n == FILTER_MAX_TERMS) {
			snprintf(err, errlen, "more than %d terms ('%.*s' at column %zu)", FILTER_MAX_TERMS,
				 QUOTE(i - start), expr + start, start + 1);
			f->n = 0;
			return false;
		}
		if (!parse_term(expr + start, i - start, start + 1, &f->terms[f->n], err, errlen)) {
			f->n = 0;
			return false;
		}
		f->n++;
	}
	return true;
}

/* ---- matching ---- */

/* Glob with * and ?, pattern in lower case, text compared in lower case. */
static bool glob_match(const char *pat, const char *text)
{
	const char *star = NULL, *resume = NULL;
	while (*text) {
		char c = (char)tolower((unsigned char)*text);
		if (*pat == '?' || *pat == c) {
			pat++, text++;
		} else if (*pat == '*') {
			star = pat++;
			resume = text;
		} else if (star) {
			pat = star + 1;
			text = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

static bool contains_lower(const char *text, const char *needle)
{
	size_t n = strlen(needle);
	for (; *text; text++)
		if (strncasecmp(text, needle, n) == 0)
			return true;
	return n == 0;
}

/* "10.0.0.1:80" or "[2001:db8::1]:443", the forms plain text is looked for in. */
static void endpoint_text(const struct endpoint *e, int ip_version, char *buf, size_t len)
{
	char ip[64];
	endpoint_addr_str(e, ip_version, ip, sizeof(ip));
	snprintf(buf, len, ip_version == 6 ? "[%s]:%u" : "%s:%u", ip, e->port);
}

static bool compare(uint64_t have, enum filter_op op, uint64_t want)
{
	switch (op) {
	case OP_EQ: return have == want;
	case OP_NE: return have != want;
	case OP_GT: return have > want;
	case OP_GE: return have >= want;
	case OP_LT: return have < want;
	case OP_LE: return have <= want;
	}
	return false;
}

static bool state_matches(const char *pat, uint8_t state)
{
	return glob_match(pat, tcp_state_name((enum tcp_state)state)) ||
	       glob_match(pat, tcp_state_short_name((enum tcp_state)state));
}

static bool text_field_matches(const struct filter_term *t, const struct conn_row *row)
{
	char a[80], b[80];
	switch (t->field) {
	case F_TEXT:
		endpoint_text(&row->client, row->ip_version, a, sizeof(a));
		endpoint_text(&row->server, row->ip_version, b, sizeof(b));
		return contains_lower(a, t->pattern) || contains_lower(b, t->pattern) ||
		       contains_lower(row->name, t->pattern);
	case F_NAME:
		return row->name[0] && glob_match(t->pattern, row->name);
	case F_SNI:
		return (row->flags & ROW_NAME_SNI) && glob_match(t->pattern, row->name);
	case F_HOST:
		return (row->flags & ROW_NAME_HOST) && glob_match(t->pattern, row->name);
	case F_IP:
	case F_CLIENT:
	case F_SERVER:
		endpoint_addr_str(&row->client, row->ip_version, a, sizeof(a));
		endpoint_addr_str(&row->server, row->ip_version, b, sizeof(b));
		return (t->field != F_SERVER && glob_match(t->pattern, a)) ||
		       (t->field != F_CLIENT && glob_match(t->pattern, b));
	case F_STATE:
		return glob_match(t->pattern, row->zeek_state);
	case F_CSTATE:
		return state_matches(t->pattern, row->state[0]);
	case F_SSTATE:
		return state_matches(t->pattern, row->state[1]);
	case F_END:
		return (row->flags & ROW_ENDED) &&
		       glob_match(t->pattern, end_reason_name((enum end_reason)row->end_reason));
	case F_FLAG:
		for (size_t i = 0; i < FLAG_NAMES; i++)
			if (strcmp(t->pattern, flag_names[i].name) == 0)
				return (row->flags & flag_names[i].bit) != 0;
		return false;
	}
	return false;
}

static uint64_t since_us(uint64_t now_ns, uint64_t then_ns)
{
	return now_ns > then_ns ? (now_ns - then_ns) / 1000 : 0;
}

/* A numeric field's value; false when it is unknown (no RTT yet). */
static bool number_of(const struct filter_term *t, const struct conn_row *row, uint64_t now_ns,
		      uint64_t *v, bool *either_port)
{
	*either_port = false;
	switch (t->field) {
	case F_ID: *v = row->id; return true;
	case F_PORT: *either_port = true; *v = row->client.port; return true;
	case F_CPORT: *v = row->client.port; return true;
	case F_SPORT: *v = row->server.port; return true;
	case F_PKTS: *v = row->packets[0] + row->packets[1]; return true;
	case F_BYTES: *v = row->bytes[0] + row->bytes[1]; return true;
	case F_RETX: *v = (uint64_t)row->retx[0] + row->retx[1]; return true;
	case F_IPV: *v = row->ip_version; return true;
	case F_RTT: *v = conn_row_rtt_us(row); return *v != 0;
	case F_SRTT: *v = row->srtt_us; return *v != 0;
	case F_AGE: *v = since_us(now_ns, row->ts_first_ns); return true;
	case F_IDLE: *v = since_us(now_ns, row->ts_last_ns); return true;
	}
	return false;
}

static bool term_holds(const struct filter_term *t, const struct conn_row *row, uint64_t now_ns)
{
	if (fields[t->field].kind == KIND_TEXT) {
		bool m = text_field_matches(t, row);
		return t->op == OP_NE ? !m : m;
	}
	uint64_t v;
	bool either_port;
	if (!number_of(t, row, now_ns, &v, &either_port))
		return false;
	if (either_port)
		return t->op == OP_NE ? row->client.port != t->number && row->server.port != t->number
				      : compare(row->client.port, t->op, t->number) ||
					compare(row->server.port, t->op, t->number);
	return compare(v, t->op, t->number);
}

bool filter_match(const struct filter *f, const struct conn_row *row, uint64_t now_ns)
{
	for (int i = 0; i < f->n; i++)
		if (term_holds(&f->terms[i], row, now_ns) == f->terms[i].negate)
			return false;
	return true;
}

bool filter_needs_names(const struct filter *f)
{
	for (int i = 0; i < f->n; i++)
		switch (f->terms[i].field) {
		case F_TEXT: case F_NAME: case F_SNI: case F_HOST:
			return true;
		default:
			break;
		}
	return false;
}
