/* tui.c - the ncurses front end: header, table, detail pane, help and status line; keys mapped to actions by one table. */
#include "tui.h"

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_state.h"
#include "viewcols.h"

enum { PAIR_EST = 1, PAIR_CLOSING, PAIR_BAD, PAIR_ENDED, PAIR_TITLE, PAIR_ALARM };

#define HEADER_LINES 4
#define DETAIL_MAX 64

struct tui {
	bool color;
	bool detail;         /* the detail pane is open */
	bool help;           /* the help overlay is shown */
	bool editing;        /* the filter is being typed */
	char edit[256];      /* what is typed */
	char before_edit[256]; /* the filter to go back to on Esc */
	char status[256];    /* a message for the status line */
	int detail_scroll;
};

/* ---- keys ---- */

enum tui_cmd {
	CMD_UP, CMD_DOWN, CMD_PAGE_UP, CMD_PAGE_DOWN, CMD_HOME, CMD_END,
	CMD_SORT_NEXT, CMD_SORT_PREV, CMD_REVERSE, CMD_FILTER, CMD_PAUSE, CMD_ENDED,
	CMD_DETAIL, CMD_CLOSE, CMD_HELP, CMD_QUIT, CMD_FASTER, CMD_SLOWER,
};

/* Every key, once: what it does and how the help names it (htop's Action table). */
static const struct {
	int key;
	enum tui_cmd cmd;
	const char *name; /* NULL: shown with the key before it */
	const char *help;
} keys[] = {
	{KEY_UP, CMD_UP, "Up k", "select the row above"},
	{'k', CMD_UP, NULL, NULL},
	{KEY_DOWN, CMD_DOWN, "Down j", "select the row below"},
	{'j', CMD_DOWN, NULL, NULL},
	{KEY_PPAGE, CMD_PAGE_UP, "PgUp", "a page up"},
	{KEY_NPAGE, CMD_PAGE_DOWN, "PgDn", "a page down"},
	{KEY_HOME, CMD_HOME, "Home g", "the first row"},
	{'g', CMD_HOME, NULL, NULL},
	{KEY_END, CMD_END, "End G", "the last row"},
	{'G', CMD_END, NULL, NULL},
	{'>', CMD_SORT_NEXT, "> s", "sort by the next column (activity, rate, bytes, rtt, retx, age, state, id)"},
	{'s', CMD_SORT_NEXT, NULL, NULL},
	{'<', CMD_SORT_PREV, "<", "sort by the previous column"},
	{'r', CMD_REVERSE, "r", "reverse the order"},
	{'/', CMD_FILTER, "/", "filter: text, port:443 state:RSTO retx>0 rtt>100ms sni:*.example.com (Enter keeps, Esc undoes)"},
	{' ', CMD_PAUSE, "Space", "pause the display (capture goes on)"},
	{'t', CMD_ENDED, "t", "show or hide ended connections"},
	{'\r', CMD_DETAIL, "Enter", "details of the selected connection"},
	{'\n', CMD_DETAIL, NULL, NULL},
	{KEY_ENTER, CMD_DETAIL, NULL, NULL},
	{27, CMD_CLOSE, "Esc", "close the details or the help"},
	{'h', CMD_HELP, "h ?", "this help"},
	{'?', CMD_HELP, NULL, NULL},
	{'+', CMD_FASTER, "+ -", "replay: twice as fast, half as fast"},
	{'-', CMD_SLOWER, NULL, NULL},
	{'q', CMD_QUIT, "q Ctrl-C", "quit (the -o report is written first)"},
	{3, CMD_QUIT, NULL, NULL},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* ---- terminal ---- */

struct tui *tui_open(void)
{
	struct tui *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	setlocale(LC_ALL, "");
	if (!newterm(NULL, stdout, stdin)) {
		free(t);
		return NULL;
	}
	raw(); /* Ctrl-C is the quit key here, not a signal: a second one must not kill the process in curses mode */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	const char *no_color = getenv("NO_COLOR");
	if (has_colors() && !(no_color && no_color[0])) {
		start_color();
		use_default_colors();
		init_pair(PAIR_EST, COLOR_GREEN, -1);
		init_pair(PAIR_CLOSING, COLOR_YELLOW, -1);
		init_pair(PAIR_BAD, COLOR_RED, -1);
		init_pair(PAIR_ENDED, COLORS >= 16 ? 8 : COLOR_WHITE, -1);
		init_pair(PAIR_TITLE, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_ALARM, COLOR_WHITE, COLOR_RED);
		t->color = true;
	}
	return t;
}

void tui_close(struct tui *t)
{
	if (!t)
		return;
	endwin();
	free(t);
}

int tui_fd(const struct tui *t)
{
	(void)t;
	return fileno(stdin);
}

int tui_page_rows(const struct tui *t)
{
	(void)t;
	int rows = LINES - HEADER_LINES - 2; /* the table's title and the status line */
	return rows > 1 ? rows : 1;
}

bool tui_detail_open(const struct tui *t)
{
	return t->detail;
}

/* ---- drawing ---- */

static void put_line(int y, const char *s, attr_t attr)
{
	move(y, 0);
	clrtoeol();
	if (attr)
		attron(attr);
	addnstr(s, (int)strlen(s));
	if (attr)
		attroff(attr);
}

static attr_t pair(const struct tui *t, int p)
{
	return t->color ? COLOR_PAIR(p) : 0;
}

/* A row's look: green established, yellow closing or TIME_WAIT, red reset or refused, dim once ended. */
static attr_t row_attr(const struct tui *t, const struct conn_row *r)
{
	if (r->flags & ROW_ENDED)
		return A_DIM | pair(t, PAIR_ENDED);
	if (r->flags & (ROW_RESET | ROW_REFUSED))
		return pair(t, PAIR_BAD) | (t->color ? 0 : A_BOLD);
	for (int i = 0; i < 2; i++) {
		switch (r->state[i]) {
		case TCP_ST_FIN_WAIT_1: case TCP_ST_FIN_WAIT_2: case TCP_ST_CLOSING: case TCP_ST_TIME_WAIT:
		case TCP_ST_CLOSE_WAIT: case TCP_ST_LAST_ACK:
			return pair(t, PAIR_CLOSING);
		default:
			break;
		}
	}
	if (r->state[0] == TCP_ST_ESTABLISHED && r->state[1] == TCP_ST_ESTABLISHED)
		return pair(t, PAIR_EST);
	return 0;
}

static void draw_header(struct tui *t, const struct view *v, const struct tui_info *info)
{
	const struct view_header *h = &v->header;
	char line[512], a[32], b[32], c[32], d[32], e[32];

	viewcols_human_age(e, sizeof(e), h->elapsed_ns);
	snprintf(line, sizeof(line), "tcpscope  %s%s%s%s  %s  %s  sort: %s%s  filter: %s%s", info->source,
		 info->bpf ? " '" : "", info->bpf ? info->bpf : "", info->bpf ? "'" : "", info->mode, e,
		 view_sort_name(v->sort), v->reverse ? " (reversed)" : "", v->filter_text[0] ? v->filter_text : "-",
		 v->hide_ended ? "  ended hidden" : "");
	put_line(0, line, A_BOLD);
	if (v->paused) {
		snprintf(line, sizeof(line), " PAUSED: %llu rows changed ", (unsigned long long)v->paused_changes);
		mvaddstr(0, COLS - (int)strlen(line) > 0 ? COLS - (int)strlen(line) : 0, "");
		attron(A_REVERSE);
		mvaddnstr(0, COLS > (int)strlen(line) ? COLS - (int)strlen(line) : 0, line, COLS);
		attroff(A_REVERSE);
	}

	viewcols_human_bits(a, sizeof(a), h->bps[0]);
	viewcols_human_bits(b, sizeof(b), h->bps[1]);
	snprintf(line, sizeof(line),
		 "c>s %.0f pkt/s %s/s  s>c %.0f pkt/s %s/s  conns %llu active  %.1f/s opened  %.1f/s closed",
		 h->pps[0], a, h->pps[1], b, (unsigned long long)h->active, h->opened_ps, h->closed_ps);
	put_line(1, line, 0);

	size_t n = 0;
	for (int side = 0; side < 2; side++) {
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s", side ? "   servers" : "clients", "");
		for (int s = TCP_ST_SYN_SENT; s < TCP_ST__COUNT && n < sizeof(line); s++)
			if (h->states[side][s])
				n += (size_t)snprintf(line + n, sizeof(line) - n, " %s %u",
						      tcp_state_short_name((enum tcp_state)s), h->states[side][s]);
	}
	put_line(2, line, 0);

	snprintf(a, sizeof(a), "%.1f%%", 100.0 * h->retx_share);
	snprintf(line, sizeof(line),
		 "retx %.1f/s (%s of data)  RST %.1f/s  zero window %llu  unanswered SYN %llu  half-open %llu  decode errors %llu",
		 h->retx_ps, a, h->rst_ps, (unsigned long long)h->zero_window, (unsigned long long)h->unanswered,
		 (unsigned long long)h->half_open_max, (unsigned long long)h->decode_errors);
	put_line(3, line, 0);
	int x = (int)strlen(line);
	if (h->syn_flood && x + 2 < COLS) {
		char ep[80];
		viewcols_cell(VIEWCOL_SERVER, &(struct view_row){.row = h->half_open_server}, 0, ep, sizeof(ep));
		snprintf(c, sizeof(c), " SYN FLOOD ");
		attron(pair(t, PAIR_ALARM) | A_BOLD | (t->color ? 0 : A_REVERSE));
		mvaddnstr(3, x + 2, c, COLS - x - 2);
		attroff(pair(t, PAIR_ALARM) | A_BOLD | (t->color ? 0 : A_REVERSE));
		mvaddnstr(3, x + 2 + (int)strlen(c), ep, COLS - x - 2 - (int)strlen(c) > 0 ? COLS - x - 2 - (int)strlen(c) : 0);
		x += 2 + (int)strlen(c) + (int)strlen(ep);
	}
	if (h->have_pcap && x + 2 < COLS) {
		snprintf(d, sizeof(d), "drops %llu", (unsigned long long)h->pcap.dropped);
		attr_t at = h->pcap.dropped ? (pair(t, PAIR_ALARM) | A_BOLD | (t->color ? 0 : A_REVERSE)) : 0;
		attron(at);
		mvaddnstr(3, x + 2, d, COLS - x - 2);
		attroff(at);
	}
	(void)b;
}

static void draw_table(struct tui *t, const struct view *v)
{
	struct table_layout lay;
	static char line[TABLE_LINE_MAX];
	viewcols_fit((unsigned)COLS, &lay);
	table_render_header(&lay, line);
	line[strcspn(line, "\n")] = '\0';
	put_line(HEADER_LINES, line, A_REVERSE | pair(t, PAIR_TITLE));
	mvchgat(HEADER_LINES, 0, -1, A_REVERSE | pair(t, PAIR_TITLE), t->color ? PAIR_TITLE : 0, NULL);

	int rows = tui_page_rows(t);
	size_t sel = view_selected_index(v);
	for (int i = 0; i < rows; i++) {
		size_t k = v->top + (size_t)i;
		const struct view_row *r = view_shown(v, k);
		if (!r) {
			move(HEADER_LINES + 1 + i, 0);
			clrtoeol();
			continue;
		}
		viewcols_render(&lay, r, v->now_ns, line);
		line[strcspn(line, "\n")] = '\0';
		attr_t at = row_attr(t, &r->row);
		if (k == sel)
			at |= A_REVERSE;
		put_line(HEADER_LINES + 1 + i, line, at);
		if (k == sel)
			mvchgat(HEADER_LINES + 1 + i, 0, -1, at, (short)PAIR_NUMBER(at), NULL);
	}
}

static void draw_detail(struct tui *t, const struct view *v, const struct view_detail *d)
{
	static char lines[DETAIL_MAX][VIEWCOLS_DETAIL_LINE];
	const struct view_row *r = view_selected(v);
	int n = r && d ? viewcols_detail_lines(r, d, v->spark_id == r->row.id ? v->spark_bps : NULL,
					       v->spark_id == r->row.id ? v->nspark : 0, lines, DETAIL_MAX) : 0;
	int rows = tui_page_rows(t) + 1;
	if (t->detail_scroll > n - rows)
		t->detail_scroll = n - rows > 0 ? n - rows : 0;
	put_line(HEADER_LINES, "details (Esc closes, Up/Down scroll)", A_REVERSE | pair(t, PAIR_TITLE));
	for (int i = 1; i < rows; i++) {
		int k = t->detail_scroll + i - 1;
		put_line(HEADER_LINES + i, k < n ? lines[k] : (n == 0 && i == 1 ? "(nothing selected)" : ""), 0);
	}
}

static void draw_help(struct tui *t)
{
	int w = COLS > 100 ? 96 : COLS - 4, y = 1, x = (COLS - w) / 2;
	if (w < 20)
		return;
	attron(A_REVERSE | pair(t, PAIR_TITLE));
	mvhline(y, x, ' ', w);
	mvaddnstr(y++, x + 1, "keys (any key closes this help)", w - 2);
	attroff(A_REVERSE | pair(t, PAIR_TITLE));
	for (size_t i = 0; i < NKEYS && y < LINES - 1; i++) {
		if (!keys[i].name)
			continue;
		/* the description wraps at a space under itself, so a long one is read whole */
		const char *d = keys[i].help, *name = keys[i].name;
		int dw = w - 11;
		do {
			int n = (int)strlen(d);
			if (n > dw) {
				n = dw;
				while (n > 0 && d[n] != ' ')
					n--;
				if (n == 0)
					n = dw;
			}
			char line[256];
			snprintf(line, sizeof(line), " %-8s %.*s", name, n, d);
			mvhline(y, x, ' ', w);
			mvaddnstr(y++, x, line, w);
			name = "";
			d += n;
			while (*d == ' ')
				d++;
		} while (*d && y < LINES - 1);
	}
	mvhline(y, x, ' ', w);
	mvaddnstr(y++, x, " flags: R reset  X refused  S slow open  L loss  G capture gap; ZW zero window", w);
}

static void draw_status(struct tui *t, const struct view *v)
{
	char line[1024];
	if (t->editing)
		snprintf(line, sizeof(line), "filter: %s_%s%s", t->edit, t->status[0] ? "   " : "", t->status);
	else if (t->status[0])
		snprintf(line, sizeof(line), "%s", t->status);
	else
		snprintf(line, sizeof(line), "%zu of %zu rows  q quit  / filter  s sort  r reverse  space pause  "
			 "t ended  Enter details  ? help", v->nshown, v->nrows);
	put_line(LINES - 1, line, t->editing ? A_BOLD : 0);
}

void tui_draw(struct tui *t, const struct view *v, const struct tui_info *info, const struct view_detail *d)
{
	erase();
	draw_header(t, v, info);
	if (t->detail)
		draw_detail(t, v, d);
	else
		draw_table(t, v);
	if (info->problem)
		put_line(LINES - 2, info->problem, A_BOLD | pair(t, PAIR_BAD));
	draw_status(t, v);
	if (t->help)
		draw_help(t);
	refresh();
}

/* ---- keys ---- */

static void select_by(struct view *v, struct tui *t, long delta)
{
	size_t i = view_selected_index(v);
	size_t page = (size_t)tui_page_rows(t);
	if (delta < 0)
		i = (size_t)-delta > i ? 0 : i - (size_t)-delta;
	else
		i += (size_t)delta;
	view_select_index(v, i, page);
}

/* Typing a filter: applied as it is typed when it parses; Enter keeps it, Esc goes back. */
static enum tui_action edit_key(struct tui *t, struct view *v, int ch)
{
	size_t n = strlen(t->edit);
	if (ch == 27) {
		t->editing = false;
		view_set_filter(v, t->before_edit, t->status, sizeof(t->status));
		t->status[0] = '\0';
		return TUI_REDRAW;
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		t->editing = false;
		if (!view_set_filter(v, t->edit, t->status, sizeof(t->status)))
			return TUI_REDRAW; /* the message stays; the last good filter stays */
		t->status[0] = '\0';
		return TUI_REDRAW;
	}
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (n > 0)
			t->edit[n - 1] = '\0';
	} else if (ch >= 32 && ch < 127 && n + 1 < sizeof(t->edit)) {
		t->edit[n] = (char)ch;
		t->edit[n + 1] = '\0';
	} else {
		return TUI_NONE;
	}
	if (view_set_filter(v, t->edit, t->status, sizeof(t->status)))
		t->status[0] = '\0';
	return TUI_REDRAW;
}

static enum tui_action command(struct tui *t, struct view *v, enum tui_cmd cmd)
{
	long page = tui_page_rows(t);
	switch (cmd) {
	case CMD_UP:
	case CMD_DOWN:
		if (t->detail)
			t->detail_scroll += cmd == CMD_UP ? (t->detail_scroll > 0 ? -1 : 0) : 1;
		else
			select_by(v, t, cmd == CMD_UP ? -1 : 1);
		break;
	case CMD_PAGE_UP:
		select_by(v, t, -page);
		break;
	case CMD_PAGE_DOWN:
		select_by(v, t, page);
		break;
	case CMD_HOME:
		view_select_index(v, 0, (size_t)page);
		break;
	case CMD_END:
		view_select_index(v, v->nshown ? v->nshown - 1 : 0, (size_t)page);
		break;
	case CMD_SORT_NEXT:
	case CMD_SORT_PREV:
		v->sort = (enum view_sort)((v->sort + (cmd == CMD_SORT_NEXT ? 1 : VIEW_SORT__COUNT - 1)) % VIEW_SORT__COUNT);
		view_arrange(v);
		break;
	case CMD_REVERSE:
		v->reverse = !v->reverse;
		view_arrange(v);
		break;
	case CMD_FILTER:
		t->editing = true;
		snprintf(t->before_edit, sizeof(t->before_edit), "%s", v->filter_text);
		snprintf(t->edit, sizeof(t->edit), "%s", v->filter_text);
		t->status[0] = '\0';
		break;
	case CMD_PAUSE:
		v->paused = !v->paused;
		v->paused_changes = 0;
		break;
	case CMD_ENDED:
		v->hide_ended = !v->hide_ended;
		view_arrange(v);
		break;
	case CMD_DETAIL:
		t->detail = true;
		t->detail_scroll = 0;
		break;
	case CMD_CLOSE:
		t->detail = false;
		t->help = false;
		t->status[0] = '\0';
		break;
	case CMD_HELP:
		t->help = !t->help;
		break;
	case CMD_QUIT:
		return TUI_QUIT;
	case CMD_FASTER:
		return TUI_FASTER;
	case CMD_SLOWER:
		return TUI_SLOWER;
	}
	return TUI_REDRAW;
}

enum tui_action tui_keys(struct tui *t, struct view *v)
{
	enum tui_action out = TUI_NONE;
	int ch;
	while ((ch = getch()) != ERR) {
		enum tui_action a = TUI_NONE;
		if (ch == KEY_RESIZE) {
			a = TUI_REDRAW;
		} else if (t->editing) {
			a = edit_key(t, v, ch);
		} else if (t->help) {
			t->help = false; /* any key closes the help */
			a = TUI_REDRAW;
		} else {
			for (size_t i = 0; i < NKEYS; i++)
				if (keys[i].key == ch) {
					a = command(t, v, keys[i].cmd);
					break;
				}
		}
		if (a == TUI_QUIT)
			return TUI_QUIT;
		if (a == TUI_FASTER || a == TUI_SLOWER)
			return a; /* one speed change per call: the keys after it are read on the next */
		if (a == TUI_REDRAW && out == TUI_NONE)
			out = TUI_REDRAW;
	}
	return out;
}
