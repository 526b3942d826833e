/* tui.h - the ncurses front end of the view: draws the model (view.h), reads keys. The only module that calls curses. */
#ifndef TCPSCOPE_TUI_H
#define TCPSCOPE_TUI_H

#include <stdbool.h>
#include <stdint.h>

#include "view.h"

struct tui;

/* What the screen says besides the view's rows and figures. */
struct tui_info {
	const char *source;   /* interface or file name(s) */
	const char *bpf;      /* the capture filter, or NULL */
	const char *mode;     /* "live", "browse", "replay 2x", "reading 45%", ... */
	const char *problem;  /* something the user must know (a damaged file), or NULL */
};

/* What a key asks of the loop around the view. */
enum tui_action {
	TUI_NONE = 0,   /* nothing changed */
	TUI_REDRAW,     /* the screen must be drawn again */
	TUI_QUIT,
	TUI_FASTER,     /* replay: double the speed */
	TUI_SLOWER,     /* replay: halve it */
};

/*
 * Take the terminal: curses mode, keys without echo, colours when the
 * terminal has them and NO_COLOR is not set. NULL when it cannot (not a
 * terminal). Undo with tui_close, on every way out.
 */
struct tui *tui_open(void);

/* Give the terminal back as it was (endwin). NULL is fine. */
void tui_close(struct tui *t);

/* The descriptor keys come from, for poll(). */
int tui_fd(const struct tui *t);

/* Table rows the screen has room for (the view keeps the selection within them). */
int tui_page_rows(const struct tui *t);

/* The detail pane is open: its data (d) is wanted at each refresh. */
bool tui_detail_open(const struct tui *t);

/* Draw everything; d is the selected connection's detail when the pane is open (else NULL). */
void tui_draw(struct tui *t, const struct view *v, const struct tui_info *info, const struct view_detail *d);

/*
 * Read and act on every key waiting (none: returns at once). The view's
 * settings change here (sort, filter, pause, selection); the returned
 * action is the strongest one asked (quit over redraw). A speed key
 * (TUI_FASTER, TUI_SLOWER) returns at once, so that the caller acts on each
 * one: the keys after it are read by the next call.
 */
enum tui_action tui_keys(struct tui *t, struct view *v);

#endif
