/* view.h - the live view's model: snapshots in; rows sorted and filtered, rates, header figures and details out. No terminal. */
#ifndef TCPSCOPE_VIEW_H
#define TCPSCOPE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "capture.h"
#include "filter.h"
#include "row.h"

/* Sort orders, in the order '<' and '>' step through them. */
enum view_sort {
	VIEW_SORT_ACTIVITY = 0, /* most recent packet first */
	VIEW_SORT_RATE,         /* both ways, highest first */
	VIEW_SORT_BYTES,        /* both ways, most first */
	VIEW_SORT_RTT,          /* highest first, unknown last */
	VIEW_SORT_RETX,         /* most retransmissions first */
	VIEW_SORT_AGE,          /* oldest first */
	VIEW_SORT_STATE,        /* by the client's, then the server's RFC 793 state, then Zeek's */
	VIEW_SORT_ID,           /* first seen first */
	VIEW_SORT__COUNT
};

/* "activity", "rate", ... */
const char *view_sort_name(enum view_sort s);

#define VIEW_EVENTS_KEPT 20  /* per connection, for the detail pane */
#define VIEW_SPARK_MAX 120   /* throughput samples kept for the selected connection */

/* What a connection's detail pane shows beyond its row: kept for ended ones, made on demand for live ones. */
struct view_detail {
	bool have_record;
	struct conn_record record;            /* record.app points at app_info below, or is NULL */
	struct app_info app_info;             /* its strings point into strings[] */
	char strings[APP_STRING__COUNT][256]; /* the strings from the wire, cut to 255 bytes */
	int nevents;
	struct conn_event events[VIEW_EVENTS_KEPT]; /* the last ones, oldest first */
};

/* A row as the screen shows it: the connection's values and what the view derives. */
struct view_row {
	struct conn_row row;
	uint64_t rate_bps[2];      /* bits/s each way over the last refresh (live rows) */
	uint64_t ended_ns;         /* when its record came (ROW_ENDED): it lingers from then */
	char diag[LC_DIAG_LEN];    /* its latest diagnosis, "" when none is known */
	struct view_detail *kept;  /* ended rows: their record (NULL past the memory budget) */
};

/* The header's figures, from the last two snapshots. */
struct view_header {
	uint64_t elapsed_ns;              /* since the first snapshot */
	double pps[2], bps[2];            /* packets and bits per second sent by clients [0] and servers [1] */
	uint64_t active;                  /* connections held and not ended */
	double opened_ps, closed_ps;
	uint32_t states[2][TCP_ST__COUNT]; /* active connections by each endpoint's state */
	double retx_ps, retx_share;       /* retransmissions per second, and their share of data segments */
	double rst_ps;
	uint64_t zero_window;             /* active connections advertising a zero window now */
	uint64_t unanswered;              /* active connections with SYNs and no answer */
	uint64_t half_open_max;           /* most half-open connections to one server now (SYN-ACK unanswered for 1 s) */
	uint64_t half_open_sources;       /* ...from this many client addresses */
	struct conn_row half_open_server; /* a row of that server's (its server endpoint) */
	bool syn_flood;                   /* 20 or more from 10 or more addresses, as the summary's rule */
	uint64_t decode_errors, frames;
	bool have_pcap;
	struct capture_stats pcap;
};

enum view_mode {
	VIEW_LIVE = 0, /* a capture: ended rows linger, then leave */
	VIEW_BROWSE,   /* a file read whole: every connection stays */
	VIEW_REPLAY,   /* a file played in packet time: as live */
};

struct view_prev_bytes;
struct view_events;
struct sort_key;

struct view {
	/* settings */
	enum view_mode mode;
	uint64_t linger_ns;
	enum view_sort sort;
	bool reverse;
	bool hide_ended;
	struct filter filter;
	char filter_text[256];
	bool paused;                /* the rows shown stay; snapshots still come */
	uint64_t paused_changes;    /* rows that changed since the pause */
	/* rows: the live ones of the last snapshot [0, nlive), then the ended ones */
	struct view_row *rows;
	size_t nlive, nrows, cap;
	struct view_row *spare;     /* the previous snapshot's array, reused by the next */
	size_t spare_cap;
	struct view_row *incoming;  /* ended rows since the last snapshot, merged at the next */
	size_t nincoming, incoming_cap;
	/* what the screen shows: indices into rows, filtered and sorted */
	size_t *order;
	size_t nshown, order_cap;
	struct sort_key *keys;      /* view_arrange's sort keys, kept between calls */
	size_t keys_cap;
	uint64_t selected_id;       /* 0: none yet (the first row) */
	size_t top;                 /* first shown row on the screen */
	/* rates: the previous snapshot's bytes by id */
	struct view_prev_bytes *prev;
	size_t nprev, prev_cap;
	/* figures */
	bool have_snapshot;
	uint64_t first_ns;          /* elapsed time counts from here: the first snapshot, or the capture's first frame when set before */
	uint64_t now_ns, prev_ns;
	struct analyzer_totals totals, prev_totals;
	struct view_header header;
	/* the selected connection's throughput, one sample per snapshot */
	uint64_t spark_id;
	int nspark;
	uint64_t spark_bps[2][VIEW_SPARK_MAX];
	/* events of connections still open, for their detail pane */
	struct view_events *events;
	size_t nevent_conns;
	uint64_t events_dropped;    /* events of connections past the cap, not kept */
	/* details of ended rows */
	size_t kept_bytes, kept_budget;
	uint64_t kept_dropped;      /* ended rows whose details did not fit the budget */
};

/* An empty view; linger_ns: how long ended rows stay (live and replay; browse keeps them). */
void view_init(struct view *v, enum view_mode mode, uint64_t linger_ns);
void view_free(struct view *v);

/*
 * A refresh at now_ns: the connections held now (analyzer_rows), the
 * running totals, and the capture's counters (or NULL). Rates come from
 * the previous snapshot; ended rows that came since join, those past their
 * linger leave; the header is recomputed and the rows arranged. Paused, the
 * rows shown stay as they were (the header goes on).
 */
void view_snapshot(struct view *v, uint64_t now_ns, const struct analyzer_totals *t, const struct conn_row *live,
		   size_t nlive, const struct capture_stats *pcap);

/* A connection's record came (it ended): its row joins at the next snapshot, with its details while they fit. */
void view_add_record(struct view *v, const struct conn_record *r, uint64_t now_ns);

/* An event of a connection, kept (the last VIEW_EVENTS_KEPT) for its detail pane. */
void view_add_event(struct view *v, const struct conn_event *ev);

/* Filter and sort the rows into order (view_snapshot does; again after a setting changes). */
void view_arrange(struct view *v);

/* Change the filter: false and a message for the status line when text does not parse (the old filter stays). */
bool view_set_filter(struct view *v, const char *text, char *err, size_t errlen);

/* The i-th row shown (i < v->nshown). */
const struct view_row *view_shown(const struct view *v, size_t i);

/* Index among the shown rows of the selected connection (the first row when it is gone or none is). */
size_t view_selected_index(const struct view *v);

/* Select the shown row at index i (clamped), keeping it on a screen of `rows` lines. */
void view_select_index(struct view *v, size_t i, size_t rows);

/* The selected row, or NULL when nothing is shown. */
const struct view_row *view_selected(const struct view *v);

/*
 * The detail of row vr into d: its kept record for an ended row, else
 * live's (a record made of the connection now, from analyzer_peek_record;
 * NULL when none could be made), and its events.
 */
void view_detail_of(const struct view *v, const struct view_row *vr, const struct conn_record *live,
		    struct view_detail *d);

/*
 * Set a shown live row's latest diagnosis, and its name when the snapshot
 * left it out, from a record made of it now: the rows on screen get them at
 * each refresh (analyzer_rows leaves both out for the others).
 */
void view_set_live_details(struct view *v, size_t shown_index, const struct conn_record *r);

/* Copy r into d (its strings into d's room, app pointing there). */
void view_keep_record(struct view_detail *d, const struct conn_record *r);

#endif
