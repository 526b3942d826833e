/* view.c - the live view's model: rows from snapshots and records, rates, the header's figures, order and filter. */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "tcp_state.h"

/* Rows whose details are kept, at most this much memory (browse mode keeps every ended row). */
#define VIEW_KEPT_BUDGET (256u << 20)
/* Connections whose events are kept for their detail pane, at most. */
#define VIEW_EVENT_CONNS_MAX 20000

struct view_prev_bytes {
	uint64_t id;
	uint64_t bytes[2];
};

struct view_events {
	UT_hash_handle hh;
	uint64_t id;
	int n, head;                   /* a ring of the last VIEW_EVENTS_KEPT */
	struct conn_event ev[VIEW_EVENTS_KEPT];
};

static const char *const sort_names[VIEW_SORT__COUNT] = {
	[VIEW_SORT_ACTIVITY] = "activity", [VIEW_SORT_RATE] = "rate", [VIEW_SORT_BYTES] = "bytes",
	[VIEW_SORT_RTT] = "rtt",           [VIEW_SORT_RETX] = "retx", [VIEW_SORT_AGE] = "age",
	[VIEW_SORT_STATE] = "state",       [VIEW_SORT_ID] = "id",
};

const char *view_sort_name(enum view_sort s)
{
	return (unsigned)s < VIEW_SORT__COUNT ? sort_names[s] : "unknown";
}

void view_init(struct view *v, enum view_mode mode, uint64_t linger_ns)
{
	memset(v, 0, sizeof(*v));
	v->mode = mode;
	v->linger_ns = linger_ns;
	v->sort = mode == VIEW_BROWSE ? VIEW_SORT_ID : VIEW_SORT_ACTIVITY;
	v->kept_budget = VIEW_KEPT_BUDGET;
}

static void free_row_detail(struct view *v, struct view_row *r)
{
	if (r->kept) {
		free(r->kept);
		r->kept = NULL;
		v->kept_bytes -= sizeof(struct view_detail);
	}
}

void view_free(struct view *v)
{
	for (size_t i = 0; i < v->nrows; i++)
		free_row_detail(v, &v->rows[i]);
	for (size_t i = 0; i < v->nincoming; i++)
		free_row_detail(v, &v->incoming[i]);
	struct view_events *e, *tmp;
	HASH_ITER(hh, v->events, e, tmp) {
		HASH_DEL(v->events, e);
		free(e);
	}
	free(v->rows);
	free(v->spare);
	free(v->incoming);
	free(v->order);
	free(v->keys);
	free(v->prev);
	memset(v, 0, sizeof(*v));
}

/* Room for n items of size sz in *p (capacity *cap); false when memory runs out. */
static bool reserve(void **p, size_t *cap, size_t n, size_t sz)
{
	if (n <= *cap)
		return true;
	size_t c = *cap ? *cap : 64;
	while (c < n)
		c *= 2;
	void *q = realloc(*p, c * sz);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

/* ---- details: records and events ---- */

void view_keep_record(struct view_detail *d, const struct conn_record *r)
{
	d->have_record = true;
	d->record = *r;
	d->record.app = NULL;
	if (!r->app)
		return;
	d->app_info = *r->app;
	for (int k = 0; k < APP_STRING__COUNT; k++) {
		if (!r->app->str[k]) {
			d->app_info.str[k] = NULL;
			d->app_info.len[k] = 0;
			continue;
		}
		size_t n = r->app->len[k] < sizeof(d->strings[k]) ? r->app->len[k] : sizeof(d->strings[k]) - 1;
		memcpy(d->strings[k], r->app->str[k], n);
		d->strings[k][n] = '\0';
		d->app_info.str[k] = d->strings[k];
		d->app_info.len[k] = (uint16_t)n;
	}
	d->record.app = &d->app_info;
}

/* The events kept for a connection, oldest first, into d. */
static void copy_events(const struct view_events *e, struct view_detail *d)
{
	d->nevents = 0;
	if (!e)
		return;
	for (int i = 0; i < e->n; i++)
		d->events[d->nevents++] = e->ev[(e->head + i) % VIEW_EVENTS_KEPT];
}

void view_add_event(struct view *v, const struct conn_event *ev)
{
	struct view_events *e;
	HASH_FIND(hh, v->events, &ev->conn_id, sizeof(ev->conn_id), e);
	if (!e) {
		if (v->nevent_conns >= VIEW_EVENT_CONNS_MAX || !(e = calloc(1, sizeof(*e)))) {
			v->events_dropped++;
			return;
		}
		e->id = ev->conn_id;
		HASH_ADD(hh, v->events, id, sizeof(e->id), e);
		v->nevent_conns++;
	}
	if (e->n < VIEW_EVENTS_KEPT) {
		e->ev[(e->head + e->n++) % VIEW_EVENTS_KEPT] = *ev;
	} else {
		e->ev[e->head] = *ev; /* the oldest goes */
		e->head = (e->head + 1) % VIEW_EVENTS_KEPT;
	}
}

static struct view_events *events_of(const struct view *v, uint64_t id)
{
	struct view_events *e;
	HASH_FIND(hh, v->events, &id, sizeof(id), e);
	return e;
}

static const char *last_diagnosis(const struct conn_record *r)
{
	return r->lc.ndiag > 0 ? r->lc.diag[r->lc.ndiag - 1] : "";
}

void view_add_record(struct view *v, const struct conn_record *r, uint64_t now_ns)
{
	if (!reserve((void **)&v->incoming, &v->incoming_cap, v->nincoming + 1, sizeof(*v->incoming)))
		return;
	struct view_row *vr = &v->incoming[v->nincoming++];
	memset(vr, 0, sizeof(*vr));
	conn_row_from_record(r, &vr->row);
	vr->ended_ns = now_ns;
	snprintf(vr->diag, sizeof(vr->diag), "%s", last_diagnosis(r));
	struct view_events *e = events_of(v, r->id);
	if (v->kept_bytes + sizeof(struct view_detail) <= v->kept_budget &&
	    (vr->kept = malloc(sizeof(struct view_detail)))) {
		v->kept_bytes += sizeof(struct view_detail);
		view_keep_record(vr->kept, r);
		copy_events(e, vr->kept);
	} else {
		v->kept_dropped++;
	}
	if (e) {
		HASH_DEL(v->events, e);
		free(e);
		v->nevent_conns--;
	}
}

void view_detail_of(const struct view *v, const struct view_row *vr, const struct conn_record *live,
		    struct view_detail *d)
{
	memset(d, 0, sizeof(*d));
	if (vr->kept) {
		*d = *vr->kept;
		if (d->record.app)
			d->record.app = &d->app_info;
		for (int k = 0; k < APP_STRING__COUNT; k++)
			if (d->app_info.str[k])
				d->app_info.str[k] = d->strings[k];
		return;
	}
	if (live)
		view_keep_record(d, live);
	copy_events(events_of(v, vr->row.id), d);
}

void view_set_live_details(struct view *v, size_t i, const struct conn_record *r)
{
	if (i >= v->nshown)
		return;
	struct view_row *vr = &v->rows[v->order[i]];
	snprintf(vr->diag, sizeof(vr->diag), "%s", last_diagnosis(r));
	if (!vr->row.name[0])
		conn_row_set_name(&vr->row, r->app);
}

/* ---- rates ---- */

static int by_prev_id(const void *a, const void *b)
{
	uint64_t x = ((const struct view_prev_bytes *)a)->id, y = ((const struct view_prev_bytes *)b)->id;
	return x < y ? -1 : x > y;
}

static const struct view_prev_bytes *prev_of(const struct view *v, uint64_t id)
{
	struct view_prev_bytes key = {.id = id};
	if (v->nprev == 0)
		return NULL; /* v->prev may still be NULL, which bsearch must not be given */
	return bsearch(&key, v->prev, v->nprev, sizeof(key), by_prev_id);
}

/* Bits per second between two byte counts dt_ns apart (0 for a first sight or a step back). */
static uint64_t rate_bps(uint64_t now, uint64_t before, uint64_t dt_ns)
{
	if (dt_ns == 0 || now <= before)
		return 0;
	return (uint64_t)((double)(now - before) * 8e9 / (double)dt_ns);
}

/* Each live row's rate against the previous snapshot, then remember this one's bytes. */
static void update_rates(struct view *v, struct view_row *rows, size_t n, uint64_t dt_ns)
{
	for (size_t i = 0; i < n; i++) {
		const struct view_prev_bytes *p = prev_of(v, rows[i].row.id);
		for (int d = 0; d < 2; d++)
			rows[i].rate_bps[d] = rate_bps(rows[i].row.bytes[d], p ? p->bytes[d] : rows[i].row.bytes[d], dt_ns);
	}
	if (!reserve((void **)&v->prev, &v->prev_cap, n, sizeof(*v->prev))) {
		v->nprev = 0;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		v->prev[i].id = rows[i].row.id;
		memcpy(v->prev[i].bytes, rows[i].row.bytes, sizeof(v->prev[i].bytes));
	}
	v->nprev = n;
	if (n > 0) /* v->prev may still be NULL, which qsort must not be given */
		qsort(v->prev, n, sizeof(*v->prev), by_prev_id);
}

/* ---- the header ---- */

static double per_second(uint64_t now, uint64_t before, uint64_t dt_ns)
{
	return dt_ns && now >= before ? (double)(now - before) * 1e9 / (double)dt_ns : 0.0;
}

static int by_server_then_client(const void *a, const void *b)
{
	const struct conn_row *x = *(const struct conn_row *const *)a, *y = *(const struct conn_row *const *)b;
	int c = memcmp(x->server.addr, y->server.addr, 16);
	if (c == 0)
		c = (int)x->server.port - (int)y->server.port;
	if (c == 0)
		c = memcmp(x->client.addr, y->client.addr, 16);
	return c;
}

/*
 * Half-open now: the server answered (SYN_RCVD) and nothing came for a
 * second, longer than a handshake takes (a busy server has hundreds of
 * handshakes in flight at any moment; they are not a flood).
 */
#define HALF_OPEN_AFTER_NS 1000000000ull

static bool is_half_open(const struct conn_row *r, uint64_t now_ns)
{
	return r->state[1] == TCP_ST_SYN_RCVD && now_ns > r->ts_last_ns && now_ns - r->ts_last_ns >= HALF_OPEN_AFTER_NS;
}

/* The server with the most half-open connections now, and from how many addresses. */
static void half_open_now(const struct view_row *rows, size_t n, uint64_t now_ns, struct view_header *h)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += is_half_open(&rows[i].row, now_ns);
	if (k == 0)
		return;
	const struct conn_row **half = malloc(k * sizeof(*half));
	if (!half)
		return;
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (is_half_open(&rows[i].row, now_ns))
			half[k++] = &rows[i].row;
	qsort(half, k, sizeof(*half), by_server_then_client);
	for (size_t i = 0; i < k;) {
		size_t j = i, sources = 0;
		for (; j < k && memcmp(half[j]->server.addr, half[i]->server.addr, 16) == 0 &&
		       half[j]->server.port == half[i]->server.port; j++)
			sources += j == i || memcmp(half[j]->client.addr, half[j - 1]->client.addr, 16) != 0;
		if (j - i > h->half_open_max) {
			h->half_open_max = j - i;
			h->half_open_sources = sources;
			h->half_open_server = *half[i];
		}
		i = j;
	}
	free(half);
	/* the summary's flood rule (halfopen.c) */
	h->syn_flood = h->half_open_max >= 20 && h->half_open_sources >= 10;
}

static void compute_header(struct view *v, const struct view_row *live, size_t n, const struct capture_stats *pcap)
{
	struct view_header *h = &v->header;
	const struct analyzer_totals *t = &v->totals, *p = &v->prev_totals;
	uint64_t dt = v->now_ns > v->prev_ns ? v->now_ns - v->prev_ns : 0;

	memset(h, 0, sizeof(*h));
	h->elapsed_ns = v->now_ns > v->first_ns ? v->now_ns - v->first_ns : 0;
	for (int d = 0; d < 2; d++) {
		h->pps[d] = per_second(t->packets[d], p->packets[d], dt);
		h->bps[d] = 8 * per_second(t->bytes[d], p->bytes[d], dt);
	}
	h->opened_ps = per_second(t->opened, p->opened, dt);
	h->closed_ps = per_second(t->ended, p->ended, dt);
	h->retx_ps = per_second(t->retransmissions, p->retransmissions, dt);
	uint64_t data = t->data_segments - p->data_segments, retx = t->retransmissions - p->retransmissions;
	h->retx_share = data ? (double)retx / (double)data : 0.0;
	h->rst_ps = per_second(t->rsts, p->rsts, dt);
	h->active = n;
	for (size_t i = 0; i < n; i++) {
		const struct conn_row *r = &live[i].row;
		h->states[0][r->state[0] < TCP_ST__COUNT ? r->state[0] : 0]++;
		h->states[1][r->state[1] < TCP_ST__COUNT ? r->state[1] : 0]++;
		h->zero_window += (r->flags & ROW_ZERO_WINDOW) != 0;
		h->unanswered += r->state[0] == TCP_ST_SYN_SENT && r->state[1] == TCP_ST_NONE;
	}
	half_open_now(live, n, v->now_ns, h);
	h->decode_errors = t->decode_errors;
	h->frames = t->frames;
	if (pcap) {
		h->have_pcap = true;
		h->pcap = *pcap;
	}
}

/* ---- snapshots ---- */

/* Paused: rows shown that the snapshot would change (moved bytes, ended) or add. */
static uint64_t count_changes(const struct view *v, const struct view_row *fresh, size_t n)
{
	struct view_prev_bytes *shown = malloc((v->nlive ? v->nlive : 1) * sizeof(*shown));
	if (!shown)
		return 0;
	for (size_t i = 0; i < v->nlive; i++) {
		shown[i].id = v->rows[i].row.id;
		memcpy(shown[i].bytes, v->rows[i].row.bytes, sizeof(shown[i].bytes));
	}
	qsort(shown, v->nlive, sizeof(*shown), by_prev_id);
	uint64_t changed = 0, still = 0;
	for (size_t i = 0; i < n; i++) {
		struct view_prev_bytes key = {.id = fresh[i].row.id};
		const struct view_prev_bytes *s = bsearch(&key, shown, v->nlive, sizeof(key), by_prev_id);
		still += s != NULL;
		changed += !s || memcmp(s->bytes, fresh[i].row.bytes, sizeof(s->bytes)) != 0;
	}
	free(shown);
	return changed + (v->nlive - still);
}

/* Ended rows stay for linger_ns (browse mode: always). */
static bool lingers(const struct view *v, const struct view_row *r)
{
	return v->mode == VIEW_BROWSE || v->now_ns < r->ended_ns || v->now_ns - r->ended_ns <= v->linger_ns;
}

void view_snapshot(struct view *v, uint64_t now_ns, const struct analyzer_totals *t, const struct conn_row *live,
		   size_t nlive, const struct capture_stats *pcap)
{
	if (!v->have_snapshot) {
		v->have_snapshot = true;
		v->prev_ns = now_ns;
		if (!v->first_ns || v->first_ns > now_ns)
			v->first_ns = now_ns;
		v->prev_totals = *t;
	} else {
		v->prev_ns = v->now_ns;
		v->prev_totals = v->totals;
	}
	v->now_ns = now_ns;
	v->totals = *t;
	uint64_t dt = v->now_ns > v->prev_ns ? v->now_ns - v->prev_ns : 0;

	/* the new rows: live ones first, then the ended ones that still linger, then those that ended since */
	size_t kept_ended = v->paused ? 0 : v->nrows - v->nlive;
	size_t total = nlive + kept_ended + (v->paused ? 0 : v->nincoming);
	/* two arrays in turn: no fresh pages to fault in at every refresh */
	if (!reserve((void **)&v->spare, &v->spare_cap, total ? total : 1, sizeof(*v->spare)))
		return;
	struct view_row *fresh = v->spare;
	for (size_t i = 0; i < nlive; i++) {
		fresh[i].row = live[i];
		fresh[i].ended_ns = 0;
		fresh[i].diag[0] = '\0';
		fresh[i].kept = NULL;
	}
	update_rates(v, fresh, nlive, dt);
	compute_header(v, fresh, nlive, pcap);

	if (v->paused) {
		v->paused_changes = count_changes(v, fresh, nlive);
	} else {
		size_t n = nlive;
		for (size_t i = v->nlive; i < v->nrows; i++) {
			if (lingers(v, &v->rows[i]))
				fresh[n++] = v->rows[i];
			else
				free_row_detail(v, &v->rows[i]);
		}
		for (size_t i = 0; i < v->nincoming; i++) {
			if (lingers(v, &v->incoming[i]))
				fresh[n++] = v->incoming[i];
			else
				free_row_detail(v, &v->incoming[i]);
		}
		v->nincoming = 0;
		v->spare = v->rows;
		v->rows = fresh;
		size_t cap = v->cap;
		v->cap = v->spare_cap;
		v->spare_cap = cap;
		v->nlive = nlive;
		v->nrows = n;
		v->paused_changes = 0;
	}

	/* the order indexes the rows just replaced: rebuild it before finding the selection in it */
	if (!v->paused)
		view_arrange(v);

	/* the selected connection's throughput */
	const struct view_row *sel = view_selected(v);
	uint64_t id = sel ? sel->row.id : 0;
	if (id != v->spark_id) {
		v->spark_id = id;
		v->nspark = 0;
	}
	if (sel) {
		if (v->nspark == VIEW_SPARK_MAX) {
			memmove(v->spark_bps[0], v->spark_bps[0] + 1, (VIEW_SPARK_MAX - 1) * sizeof(uint64_t));
			memmove(v->spark_bps[1], v->spark_bps[1] + 1, (VIEW_SPARK_MAX - 1) * sizeof(uint64_t));
			v->nspark--;
		}
		v->spark_bps[0][v->nspark] = sel->rate_bps[0];
		v->spark_bps[1][v->nspark] = sel->rate_bps[1];
		v->nspark++;
	}
}

/* ---- order and filter ---- */

/*
 * Sorting 100k rows must stay within the refresh budget: each shown row gets
 * its keys computed once into a small contiguous array, ascending in the
 * order wanted (largest-first orders store the complement), then sorted;
 * the comparator never follows a pointer to a row.
 */
struct sort_key {
	uint64_t k1, k2, id;
	size_t idx;
};

static void sort_keys_of(const struct view_row *r, enum view_sort s, struct sort_key *k)
{
	const struct conn_row *x = &r->row;
	k->k1 = k->k2 = 0;
	k->id = x->id;
	switch (s) {
	case VIEW_SORT_ACTIVITY:
		k->k1 = ~x->ts_last_ns;
		break;
	case VIEW_SORT_RATE:
		k->k1 = ~(r->rate_bps[0] + r->rate_bps[1]);
		break;
	case VIEW_SORT_BYTES:
		k->k1 = ~(x->bytes[0] + x->bytes[1]);
		break;
	case VIEW_SORT_RTT: {
		uint32_t rtt = conn_row_rtt_us(x);
		k->k1 = rtt ? ~(uint64_t)rtt : UINT64_MAX; /* unknown last */
		break;
	}
	case VIEW_SORT_RETX:
		k->k1 = ~((uint64_t)x->retx[0] + x->retx[1]);
		break;
	case VIEW_SORT_AGE:
		k->k1 = x->ts_first_ns;
		break;
	case VIEW_SORT_STATE:
		k->k1 = (uint64_t)x->state[0] << 8 | x->state[1];
		for (size_t i = 0; i < 8 && x->zeek_state[i]; i++) /* strcmp's order */
			k->k2 |= (uint64_t)(unsigned char)x->zeek_state[i] << (56 - 8 * i);
		break;
	case VIEW_SORT_ID:
	case VIEW_SORT__COUNT:
		break;
	}
}

/*
 * Sort keys ascending by (k1, k2, id): a least-significant-digit radix sort
 * in 16-bit digits, id's first, passing over the digits every key shares
 * (the high bits of times and counters): a few linear passes where a
 * comparison sort of 100k rows took most of a refresh. tmp has room for n.
 */
static void radix_sort_keys(struct sort_key *keys, struct sort_key *tmp, size_t n)
{
	static uint32_t count[1u << 16];
	struct sort_key *src = keys, *dst = tmp;
	if (n < 2)
		return;
	for (int field = 2; field >= 0; field--) {
		for (int shift = 0; shift < 64; shift += 16) {
			memset(count, 0, sizeof(count));
			for (size_t i = 0; i < n; i++) {
				const uint64_t *f = field == 0 ? &src[i].k1 : field == 1 ? &src[i].k2 : &src[i].id;
				count[(*f >> shift) & 0xffff]++;
			}
			const uint64_t *f0 = field == 0 ? &src[0].k1 : field == 1 ? &src[0].k2 : &src[0].id;
			if (count[(*f0 >> shift) & 0xffff] == n)
				continue; /* every key has this digit */
			uint32_t sum = 0;
			for (size_t d = 0; d < (1u << 16); d++) {
				uint32_t c = count[d];
				count[d] = sum;
				sum += c;
			}
			for (size_t i = 0; i < n; i++) {
				const uint64_t *f = field == 0 ? &src[i].k1 : field == 1 ? &src[i].k2 : &src[i].id;
				dst[count[(*f >> shift) & 0xffff]++] = src[i];
			}
			struct sort_key *t = src;
			src = dst;
			dst = t;
		}
	}
	if (src != keys)
		memcpy(keys, src, n * sizeof(*keys));
}

void view_arrange(struct view *v)
{
	if (!reserve((void **)&v->order, &v->order_cap, v->nrows, sizeof(*v->order)) ||
	    !reserve((void **)&v->keys, &v->keys_cap, 2 * v->nrows, sizeof(*v->keys))) {
		v->nshown = 0;
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < v->nrows; i++) {
		const struct view_row *r = &v->rows[i];
		if (v->hide_ended && (r->row.flags & ROW_ENDED))
			continue;
		if (v->filter.n && !filter_match(&v->filter, &r->row, v->now_ns))
			continue;
		sort_keys_of(r, v->sort, &v->keys[n]);
		v->keys[n++].idx = i;
	}
	radix_sort_keys(v->keys, v->keys + v->nrows, n);
	for (size_t i = 0; i < n; i++)
		v->order[v->reverse ? n - 1 - i : i] = v->keys[i].idx;
	v->nshown = n;
}

bool view_set_filter(struct view *v, const char *text, char *err, size_t errlen)
{
	struct filter f;
	if (!filter_parse(text, &f, err, errlen))
		return false;
	v->filter = f;
	snprintf(v->filter_text, sizeof(v->filter_text), "%s", text ? text : "");
	view_arrange(v);
	return true;
}

/* ---- selection ---- */

const struct view_row *view_shown(const struct view *v, size_t i)
{
	return i < v->nshown ? &v->rows[v->order[i]] : NULL;
}

size_t view_selected_index(const struct view *v)
{
	for (size_t i = 0; i < v->nshown; i++)
		if (v->rows[v->order[i]].row.id == v->selected_id)
			return i;
	return 0;
}

const struct view_row *view_selected(const struct view *v)
{
	return view_shown(v, view_selected_index(v));
}

void view_select_index(struct view *v, size_t i, size_t rows)
{
	if (v->nshown == 0) {
		v->top = 0;
		return;
	}
	if (i >= v->nshown)
		i = v->nshown - 1;
	v->selected_id = v->rows[v->order[i]].row.id;
	if (rows == 0)
		rows = 1;
	if (i < v->top)
		v->top = i;
	else if (i >= v->top + rows)
		v->top = i - rows + 1;
	if (v->top + rows > v->nshown)
		v->top = v->nshown > rows ? v->nshown - rows : 0;
}
