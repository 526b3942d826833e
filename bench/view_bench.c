/* view_bench.c: what one refresh of the live view costs with every connection of a capture held. */

/*
 * Usage: view_bench CAPTURE [refreshes]
 *
 * Reads CAPTURE into an analyzer without ending it, so every connection is
 * still held (the bench capture's 100k are: TIME_WAIT outlasts it), then
 * times refreshes as the view's loop does them: the snapshot
 * (analyzer_rows, analyzer_totals), the model (rates against the previous
 * snapshot, header, filter, sort: view_snapshot), a diagnosis for each of
 * the 50 rows on a screen (analyzer_peek_record) and those rows rendered to
 * text (viewcols_render; curses only copies that text to the terminal).
 * Prints the minimum and median milliseconds per refresh, for the default
 * order (activity) and by rate. A measurement, not a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "analyzer.h"
#include "capture.h"
#include "feed.h"
#include "row.h"
#include "view.h"
#include "viewcols.h"

#define SCREEN_ROWS 50

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double refresh(struct analyzer *a, struct view *v, struct conn_row **rows, size_t *cap, uint64_t now)
{
	static char line[TABLE_LINE_MAX];
	static struct conn_record rec;
	double t0 = now_ms();
	size_t n = analyzer_rows(a, *rows, *cap, filter_needs_names(&v->filter));
	if (n > *cap) {
		*cap = n;
		*rows = realloc(*rows, n * sizeof(**rows));
		n = analyzer_rows(a, *rows, *cap, filter_needs_names(&v->filter));
	}
	struct analyzer_totals t;
	analyzer_totals(a, &t);
	view_snapshot(v, now, &t, *rows, n, NULL);
	struct table_layout lay;
	viewcols_fit(200, &lay);
	for (size_t i = v->top; i < v->top + SCREEN_ROWS && i < v->nshown; i++) {
		if (analyzer_peek_record(a, &view_shown(v, i)->row, &rec))
			view_set_live_details(v, i, &rec);
		viewcols_render(&lay, view_shown(v, i), now, line);
	}
	return now_ms() - t0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: view_bench CAPTURE [refreshes]\n");
		return 2;
	}
	int rounds = argc > 2 ? atoi(argv[2]) : 10;
	if (rounds < 1 || rounds > 1000)
		rounds = 10;
	char err[512];
	size_t failed;
	const char *paths[1] = {argv[1]};
	struct capture *cap = capture_open_files(paths, 1, &failed, err, sizeof(err));
	if (!cap) {
		fprintf(stderr, "view_bench: %s: %s\n", argv[1], err);
		return 1;
	}
	struct flow_config cfg;
	flow_config_defaults(&cfg);
	struct analyzer *a = analyzer_new(&cfg, NULL, NULL);
	static struct frame_batch b;
	struct frame f;
	uint64_t last = 0;
	while (capture_next(cap, &f) == CAPTURE_FRAME) {
		if (!frame_batch_add(&b, &f)) {
			analyzer_frames(a, b.frames[0].linktype, b.frames, b.n);
			frame_batch_clear(&b);
			frame_batch_add(&b, &f);
		}
		last = f.ts_ns;
	}
	if (b.n)
		analyzer_frames(a, b.frames[0].linktype, b.frames, b.n);
	frame_batch_clear(&b);

	static struct view v;
	struct conn_row *rows = NULL;
	size_t cap_rows = 0;
	double ms[2][1000];
	for (int order = 0; order < 2; order++) {
		view_init(&v, VIEW_LIVE, 5000000000ull);
		v.sort = order ? VIEW_SORT_RATE : VIEW_SORT_ACTIVITY;
		for (int i = 0; i < rounds; i++)
			ms[order][i] = refresh(a, &v, &rows, &cap_rows, last + (uint64_t)i * 1000000000ull);
		qsort(ms[order], (size_t)rounds, sizeof(double), by_double);
		printf("view refresh, %zu connections held, sorted by %s: min %.1f ms, median %.1f ms (%d refreshes)\n",
		       v.nrows, view_sort_name(v.sort), ms[order][0], ms[order][rounds / 2], rounds);
		view_free(&v);
	}
	free(rows);
	analyzer_free(a);
	capture_close(cap);
	return 0;
}
