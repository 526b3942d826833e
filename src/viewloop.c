/* viewloop.c - the live view's loop: read (live, replayed, or whole), snapshot at each refresh, keys; one thread. */
#include "viewloop.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feed.h"
#include "row.h"
#include "stop.h"

#define MS 1000000ull
#define READ_SLICE_NS (50 * MS)  /* reading without a pause: keys and progress at least this often */

struct loop {
	struct capture *cap;
	struct analyzer *a;
	struct view *v;
	struct tui *t;
	const struct viewloop_config *cfg;
	enum view_mode mode;
	double speed;
	struct frame_batch *batch;
	int linktype;
	uint64_t frames;
	bool eof;                   /* nothing more to read */
	enum capture_status status;
	bool finished;              /* analyzer_finish done */
	/* replay: a frame read before its time, and the clocks it is paced by */
	bool held;
	struct frame hold;
	uint8_t *hold_data;
	uint64_t pkt_base_ns, wall_base_ns;
	uint64_t last_pkt_ns;       /* packet time: the clock of files */
	/* the snapshot's rows */
	struct conn_row *rows;
	size_t rows_cap;
	char mode_text[96];
	char problem[512];
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void analyze_pending(struct loop *l)
{
	frame_batch_flush(l->batch, l->linktype, l->a);
}

/* Take one frame into the batch (analysed when full or of another link type). */
static void take(struct loop *l, const struct frame *f)
{
	frame_batch_feed(l->batch, &l->linktype, l->a, f);
	if (f->ts_ns > l->last_pkt_ns)
		l->last_pkt_ns = f->ts_ns;
	if (l->mode != VIEW_LIVE && (!l->v->first_ns || f->ts_ns < l->v->first_ns))
		l->v->first_ns = f->ts_ns; /* a file's time counts from its first frame */
	l->frames++;
}

/* Replay: when frame f is due in wall time (its offset from the first frame, divided by the speed). */
static uint64_t due_wall_ns(const struct loop *l, const struct frame *f)
{
	uint64_t off = f->ts_ns > l->pkt_base_ns ? f->ts_ns - l->pkt_base_ns : 0;
	return l->wall_base_ns + (uint64_t)((double)off / l->speed);
}

/* Read what is ready: live frames waiting, replayed frames that are due, or a slice of a file. */
static void read_some(struct loop *l, uint64_t now_mono)
{
	struct frame f;
	uint64_t slice_end = now_mono + READ_SLICE_NS;
	for (;;) {
		if (l->cfg->count && l->frames >= l->cfg->count) {
			l->eof = true;
			break;
		}
		if (l->held) {
			if (due_wall_ns(l, &l->hold) > clock_ns(CLOCK_MONOTONIC))
				break;
			take(l, &l->hold);
			l->held = false;
			continue;
		}
		enum capture_status st = capture_next(l->cap, &f);
		if (st == CAPTURE_NONE)
			break;
		if (st != CAPTURE_FRAME) {
			l->eof = true;
			l->status = st;
			break;
		}
		if (l->mode == VIEW_REPLAY && l->speed > 0) {
			if (l->frames == 0) {
				l->pkt_base_ns = f.ts_ns;
				l->wall_base_ns = clock_ns(CLOCK_MONOTONIC);
			}
			if (due_wall_ns(l, &f) > clock_ns(CLOCK_MONOTONIC)) {
				/* not yet: keep a copy (the capture reuses its buffer; not a mapped file's, frame.h) */
				l->hold = f;
				if (!f.in_place) {
					memcpy(l->hold_data, f.data, f.caplen);
					l->hold.data = l->hold_data;
				}
				l->held = true;
				break;
			}
		}
		take(l, &f);
		if (l->batch->n == FRAME_BATCH_MAX) {
			analyze_pending(l);
			if (l->cfg->between_batches && !l->cfg->between_batches(l->cfg->ctx)) {
				l->eof = true;
				break;
			}
			if (clock_ns(CLOCK_MONOTONIC) >= slice_end)
				break; /* keys and the screen get their turn on a busy link too */
		}
	}
	analyze_pending(l);
}

/* The time the view is at: wall clock live, packet time otherwise. */
static uint64_t view_now(const struct loop *l)
{
	return l->mode == VIEW_LIVE ? clock_ns(CLOCK_REALTIME) : l->last_pkt_ns;
}

static void describe_mode(struct loop *l)
{
	if (l->mode == VIEW_LIVE)
		snprintf(l->mode_text, sizeof(l->mode_text), "live");
	else if (l->finished)
		snprintf(l->mode_text, sizeof(l->mode_text), "%llu frames, %s", (unsigned long long)l->frames,
			 l->problem[0] ? "input ended early" : "all read");
	else if (l->mode == VIEW_REPLAY && l->speed > 0)
		snprintf(l->mode_text, sizeof(l->mode_text), "replay %gx, %llu frames", l->speed,
			 (unsigned long long)l->frames);
	else
		snprintf(l->mode_text, sizeof(l->mode_text), "reading: %llu frames", (unsigned long long)l->frames);
}

static void refresh_view(struct loop *l)
{
	size_t n = analyzer_rows(l->a, l->rows, l->rows_cap, filter_needs_names(&l->v->filter));
	if (n > l->rows_cap) {
		size_t cap = n + n / 2 + 64;
		struct conn_row *r = realloc(l->rows, cap * sizeof(*r));
		if (r) {
			l->rows = r;
			l->rows_cap = cap;
		}
		n = analyzer_rows(l->a, l->rows, l->rows_cap, filter_needs_names(&l->v->filter));
		if (n > l->rows_cap)
			n = l->rows_cap;
	}
	struct analyzer_totals totals;
	analyzer_totals(l->a, &totals);
	struct capture_stats cs;
	bool have_cs = capture_stats(l->cap, &cs);
	view_snapshot(l->v, view_now(l), &totals, l->rows, n, have_cs ? &cs : NULL);
	/* the live rows on screen get their latest diagnosis */
	static struct conn_record rec;
	size_t page = (size_t)tui_page_rows(l->t);
	for (size_t i = l->v->top; i < l->v->top + page && i < l->v->nshown; i++) {
		const struct view_row *r = view_shown(l->v, i);
		if (!(r->row.flags & ROW_ENDED) && analyzer_peek_record(l->a, &r->row, &rec))
			view_set_live_details(l->v, i, &rec);
	}
}

static void draw(struct loop *l)
{
	static struct view_detail d;
	static struct conn_record rec;
	const struct view_detail *dp = NULL;
	if (tui_detail_open(l->t)) {
		const struct view_row *r = view_selected(l->v);
		if (r) {
			bool live = !(r->row.flags & ROW_ENDED) && analyzer_peek_record(l->a, &r->row, &rec);
			view_detail_of(l->v, r, live ? &rec : NULL, &d);
			dp = &d;
		}
	}
	describe_mode(l);
	struct tui_info info = {.source = l->cfg->source, .bpf = l->cfg->bpf, .mode = l->mode_text,
				.problem = l->problem[0] ? l->problem : NULL};
	tui_draw(l->t, l->v, &info, dp);
}

/* The file is read: everything still held ends with it, and the view stays to be browsed. */
static void finish_file(struct loop *l)
{
	if (l->status == CAPTURE_ERROR)
		snprintf(l->problem, sizeof(l->problem), "input ended early: %s; what came before is shown",
			 capture_error(l->cap));
	analyzer_finish(l->a);
	l->finished = true;
	l->mode = VIEW_BROWSE;
	l->v->mode = VIEW_BROWSE;
}

/* How long to wait for a key or a frame: until the next refresh or the held frame's time, 0 while reading a file. */
static int wait_ms(const struct loop *l, uint64_t next_refresh)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC), until = next_refresh;
	if (!l->eof && l->mode != VIEW_LIVE && !l->held)
		return 0;
	if (l->held && due_wall_ns(l, &l->hold) < until)
		until = due_wall_ns(l, &l->hold);
	if (l->mode == VIEW_LIVE && !l->eof && now + 100 * MS < until)
		until = now + 100 * MS; /* idle connections expire meanwhile */
	return until > now ? (int)((until - now + MS - 1) / MS) : 0;
}

enum capture_status viewloop_run(struct capture *cap, struct analyzer *a, struct view *v, struct tui *t,
				 const struct viewloop_config *cfg, bool *finished)
{
	static struct frame_batch batch;
	struct loop l = {.cap = cap, .a = a, .v = v, .t = t, .cfg = cfg, .mode = cfg->mode, .speed = cfg->speed,
			 .batch = &batch, .linktype = capture_linktype(cap), .status = CAPTURE_EOF};
	if (l.mode == VIEW_REPLAY && !(l.hold_data = malloc(2 * 262144)))
		l.speed = 0;
	uint64_t next_refresh = 0;
	bool dirty = true;

	while (!*cfg->stop) {
		uint64_t now = clock_ns(CLOCK_MONOTONIC);
		if (!l.eof) {
			read_some(&l, now);
			if (l.mode == VIEW_LIVE) {
				analyzer_expire(a, clock_ns(CLOCK_REALTIME));
				if (cfg->between_batches && !cfg->between_batches(cfg->ctx))
					l.eof = true;
				if (cfg->deadline_ns && clock_ns(CLOCK_MONOTONIC) >= cfg->deadline_ns)
					l.eof = true;
			}
			if (l.eof && l.mode != VIEW_LIVE) {
				finish_file(&l);
				next_refresh = 0; /* show the whole file at once */
			}
		}
		now = clock_ns(CLOCK_MONOTONIC);
		if (now >= next_refresh) {
			refresh_view(&l);
			next_refresh = now + cfg->refresh_ns;
			dirty = true;
		}
		enum tui_action act = tui_keys(t, v);
		if (act == TUI_QUIT)
			break;
		if (act == TUI_FASTER || act == TUI_SLOWER) {
			if (l.mode == VIEW_REPLAY && l.speed > 0) {
				/* rebase the clocks so the frames already played stay where they were */
				uint64_t n = clock_ns(CLOCK_MONOTONIC);
				l.pkt_base_ns += (uint64_t)((double)(n - l.wall_base_ns) * l.speed);
				l.wall_base_ns = n;
				l.speed = act == TUI_FASTER ? l.speed * 2 : l.speed / 2;
			}
			act = TUI_REDRAW;
		}
		if (act == TUI_REDRAW) {
			size_t page = (size_t)tui_page_rows(t);
			view_select_index(v, view_selected_index(v), page);
			dirty = true;
		}
		if (dirty) {
			draw(&l);
			dirty = false;
		}
		if (l.eof && l.mode == VIEW_LIVE)
			break; /* --duration, -c or a failed output: the capture is over */
		/* keys, a stop signal (stop.c's pipe), and live frames */
		struct pollfd pfd[3] = {{.fd = tui_fd(t), .events = POLLIN}, {.fd = stop_wakeup_fd(), .events = POLLIN},
					{.fd = capture_fd(cap), .events = POLLIN}};
		int nfd = l.mode == VIEW_LIVE && !l.eof && pfd[2].fd >= 0 ? 3 : 2;
		poll(pfd, (nfds_t)nfd, wait_ms(&l, next_refresh));
	}
	if (l.mode == VIEW_LIVE && !(cfg->count && l.frames >= cfg->count) && l.status != CAPTURE_ERROR) {
		/* what the kernel still holds in a block not yet handed over was captured before the quit */
		struct frame f;
		while (capture_next_wait(cap, &f, 100) == CAPTURE_FRAME && !(cfg->count && l.frames >= cfg->count))
			take(&l, &f);
	}
	analyze_pending(&l);
	*finished = l.finished;
	free(l.hold_data);
	free(l.rows);
	return l.status;
}
