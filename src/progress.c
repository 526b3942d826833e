/* progress.c - a progress line on stderr while a large file is read: redrawn in place a few times a second, cleared at the end. */
#include "progress.h"

#include <inttypes.h>
#include <stdlib.h>

#include "table.h"

struct progress {
	FILE *tty;
	unsigned width;
	uint64_t total;
	uint64_t started_ns, drawn_ns;
	bool drawn;
};

/* A count for people: 950, 12.3k, 1.23M. */
static void human_count(char *buf, size_t cap, double v)
{
	if (v < 1000)
		snprintf(buf, cap, "%.0f", v);
	else if (v < 1e6)
		snprintf(buf, cap, "%.*fk", v < 1e4 ? 2 : v < 1e5 ? 1 : 0, v / 1e3);
	else
		snprintf(buf, cap, "%.*fM", v < 1e7 ? 2 : v < 1e8 ? 1 : 0, v / 1e6);
}

size_t progress_format(const struct progress_state *s, unsigned width, char *buf, size_t cap)
{
	char size[32], rate[32], left[48] = "";
	uint64_t done = s->bytes_done < s->bytes_total ? s->bytes_done : s->bytes_total;
	unsigned pct = s->bytes_total ? (unsigned)(done * 100 / s->bytes_total) : 0;
	double secs = (double)s->elapsed_ns / 1e9;

	table_human_bytes(size, sizeof(size), s->bytes_total);
	human_count(rate, sizeof(rate), secs > 0 ? (double)s->frames / secs : 0);
	if (done > 0 && done < s->bytes_total) {
		/* elapsed x (total - done) / done, in ns; no overflow below 2^64 ns x 1 */
		double ns = (double)s->elapsed_ns * (double)(s->bytes_total - done) / (double)done;
		char d[32];
		table_human_duration(d, sizeof(d), ns < 1.8e19 ? (uint64_t)ns : UINT64_MAX / 2);
		snprintf(left, sizeof(left), ", %s left", d);
	}
	int n = snprintf(buf, cap, "tcpscope: %u%% of %s, %s packets/s, %" PRIu64 " connections%s", pct, size, rate,
			 s->connections, left);
	size_t len = n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
	/* a line wider than the terminal would wrap and "\r" could not take it back: cut it (all ASCII but the µ of "µs") */
	while (width && len && table_display_width(buf, len) > width - 1)
		len--;
	while (len && ((unsigned char)buf[len] & 0xC0) == 0x80) /* never inside a UTF-8 character */
		len--;
	buf[len] = '\0';
	return len;
}

struct progress *progress_start(FILE *tty, unsigned width, uint64_t total_bytes, uint64_t now_ns)
{
	struct progress *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->tty = tty;
	p->width = width;
	p->total = total_bytes;
	p->started_ns = p->drawn_ns = now_ns;
	return p;
}

bool progress_due(const struct progress *p, uint64_t now_ns)
{
	return now_ns - p->drawn_ns >= PROGRESS_EVERY_NS;
}

void progress_draw(struct progress *p, const struct progress_state *s, uint64_t now_ns)
{
	char line[256];
	progress_format(s, p->width, line, sizeof(line));
	fprintf(p->tty, "\r%s\033[K", line);
	fflush(p->tty);
	p->drawn = true;
	p->drawn_ns = now_ns;
}

void progress_end(struct progress *p)
{
	if (!p)
		return;
	if (p->drawn) {
		fputs("\r\033[K", p->tty);
		fflush(p->tty);
	}
	free(p);
}
