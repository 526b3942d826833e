/* view.h - the live view's model: snapshots in; rows sorted and filtered, rates and header figures out. No terminal. */
#ifndef TCPSCOPE_VIEW_H
#define TCPSCOPE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
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
	VIEW_SORT_STATE,        /* by the client's then the server's RFC 793 state, then Zeek's */
	VIEW_SORT_ID,           /* first seen first */
	VIEW_SORT__COUNT
};

const char *view_sort_name(enum view_sort s);

#define VIEW_EVENTS_KEPT 20  /* per connection, for the detail pane */
#define VIEW_SPARK_MAX 60    /* throughput samples kept for the selected connection */

/* A row as the screen shows it: the connection's values and what the view derives. */
struct view_row {
	struct conn_row row;
	uint64_t rate_bps[2];     /* bits/s each way over the last refresh (live rows) */
	uint64_t ended_ns;        /* when its record came (ROW_ENDED): it lingers from then */
	char diag[LC_DIAG_LEN];   /* its latest diagnosis, "" when none is known yet */
};

/* What a connection's detail pane shows beyond its row. */
struct view_detail {
	bool have_record;          /* record is filled in */
	struct conn_record record; /* its record (ended), or what it would be now (live) */
	char app[APP_STRING__COUNT][ROW_NAME_MAX * 2]; /* the record's strings, copied (record.app points here) */
	struct app_info app_info;
	int nevents;
	struct conn_event events[VIEW_EVENTS_KEPT]; /* oldest first */
	int nspark;
	uint64_t spark_bps[2][VIEW_SPARK_MAX];     /* oldest first, one per refresh */
};

/* The header's figures, from the last two snapshots. */
struct view_header {
	uint64_t elapsed_ns;              /* since the first snapshot (packet time) */
	double pps[2], bps[2];            /* packets and bits per second, sent by clients [0] and servers [1] */
	uint64_t active;                  /* connections held and not ended */
	double opened_ps, closed_ps;
	uint32_t states[2][TCP_ST__COUNT]; /* active connections by each endpoint's state */
	double retx_ps, retx_share;       /* retransmissions per second, and as a share of data segments */
	double rst_ps;
	uint64_t zero_window;             /* active connections advertising a zero window now */
	uint64_t unanswered;              /* active connections with a SYN and no answer */
	uint64_t half_open_max;           /* most half-open connections to one server now... */
	struct endpoint half_open_server; /* ...and that server */
	uint8_t half_open_ip_version;
	bool syn_flood;                   /* 20 or more of them, from 10 or more addresses */
	uint64_t decode_errors;
	bool have_pcap;
	uint64_t pcap_received, pcap_dropped;
	uint64_t frames;
};

enum view_mode {
	VIEW_LIVE = 0, /* a capture: ended rows linger, then leave */
	VIEW_BROWSE,   /* a file read whole: every connection stays */
	VIEW_REPLAY,   /* a file played in packet time: as live */
};

struct view_prev_bytes;
struct view_event_ring;

struct view {
	/* settings */
	enum view_mode mode;
	uint64_t linger_ns;
	enum view_sort sort;
	bool reverse;
	bool hide_ended;
	struct filter filter;
	char filter_text[256];
	bool paused;               /* the screen keeps its rows; snapshots are counted, not shown */
	uint64_t paused_changes;   /* rows that differ from what is shown since the pause */
	/* rows: the live ones of the last snapshot, then the ended ones */
	struct view_row *rows;
	size_t nlive, nrows, cap;
	/* what the screen shows: indices into rows, filtered and sorted */
	size_t *order;
	size_t nshown;
	uint64_t selected_id;      /* 0: none */
	/* rates: the previous snapshot's bytes by id */
	struct view_prev_bytes *prev;
	size_t nprev, prev_cap;
	/* figures */
	uint64_t first_ns, now_ns, prev_ns;
	struct analyzer_totals totals, prev_totals;
	struct view_header header;
	/* the detail pane of the selected connection */
	struct view_detail detail;
	uint64_t detail_id;
	/* events kept per connection for the detail pane, and full records of ended ones (browse mode) */
	struct view_event_ring *events;
	struct view_kept_record *kept;
	size_t kept_bytes, kept_budget;
};

/* An empty view; linger_ns: how long ended rows stay (live and replay). */
void view_init(struct view *v, enum view_mode mode, uint64_t linger_ns);
void view_free(struct view *v);

/*
 * A refresh: the connections held now (analyzer_rows) and the running
 * totals at now_ns; pcap: the capture's counters, or NULL. Rates are
 * computed against the previous snapshot, ended rows past their linger
 * leave, the header is recomputed and the rows arranged (filter, sort).
 * Paused, the rows shown do not change (the header does).
 */
void view_snapshot(struct view *v, uint64_t now_ns, const struct analyzer_totals *t, const struct conn_row *live,
		   size_t nlive, const struct capture_stats_view *pcap);

/* A connection's record came (it ended): its row stays as ended; in browse mode its record is kept for the detail pane. */
void view_add_record(struct view *v, const struct conn_record *r, uint64_t now_ns);

/* An event of a connection, kept (the last VIEW_EVENTS_KEPT) for its detail pane. */
void view_add_event(struct view *v, const struct conn_event *ev);

/* Filter and sort the rows into order (called by view_snapshot; call again after changing a setting). */
void view_arrange(struct view *v);

/* Change the filter: false and a message for the status line when text does not parse (the old filter stays). */
bool view_set_filter(struct view *v, const char *text, char *err, size_t errlen);

/* The i-th row shown (i < v->nshown). */
const struct view_row *view_shown(const struct view *v, size_t i);

/* Index in the shown rows of the selected connection; when it is gone, the nearest row (0 when none). */
size_t view_selected_index(const struct view *v);

/* Select the shown row at index i (clamped). */
void view_select_index(struct view *v, size_t i);

#endif
