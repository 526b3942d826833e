/* main.c - command line, wiring capture -> analyzer -> report; the only place that talks to the user. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "byhost.h"
#include "byhost_write.h"
#include "capture.h"
#include "decode.h"
#include "feed.h"
#include "fieldlist.h"
#include "fields.h"
#include "progress.h"
#include "report.h"
#include "tui.h"
#include "view.h"
#include "viewloop.h"
#include "stop.h"
#include "writer.h"
#include "filter.h"
#include "pcapout.h"
#include "selection.h"
#include "timeline.h"
#include "plotout.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

static const char usage_line[] =
	"usage: tcpscope [-r FILE [-r FILE]... | -i IFACE] [-c COUNT] [-F text|csv|json] [-o FILE] [-s SNAPLEN]\n"
	"                [-B KIB] [--duration SECONDS] [-Z USER] [--tui | --no-tui] [--replay [SPEED]]\n"
	"                [-d SECONDS] [--linger SECONDS]\n"
	"                [--max-flows N] [--idle-timeout SECONDS] [--time-wait SECONDS]\n"
	"                [--events] [--summary FILE] [--sort FIELD] [--top N] [--by server|client]\n"
	"                [--reassembly-budget MIB] [--conn LIST] [--where FILTER]\n"
	"                [--timeline] [-w FILE] [--plot FILE.svg] [--plot-rtt FILE.svg]\n"
	"                [--plot-tput FILE.svg] [-h] [-V] [expression]\n";

static const char help_text[] =
	"Follow every TCP connection in a capture and explain it.\n"
	"\n"
	"  -r, --read FILE          read a pcap or pcapng file (- for stdin), plain or\n"
	"                           gzip, zstd, lz4 or xz compressed; repeat -r to read\n"
	"                           several files as one capture merged in time order\n"
	"  -i, --interface IFACE    capture live on IFACE until SIGINT/SIGTERM\n"
	"  -c, --count COUNT        stop after COUNT frames (counted after the filter)\n"
	"  -F, --format FORMAT      text (default), csv or json (JSON Lines)\n"
	"  -o, --output FILE        write the report to FILE instead of stdout\n"
	"  -s, --snaplen SNAPLEN    live capture: bytes kept per frame (default: libpcap's)\n"
	"  -B, --buffer-size KIB    live capture: the kernel's capture buffer in KiB\n"
	"                           (default: libpcap's, 2 MiB); raise it when packets drop\n"
	"      --duration SECS      live capture: stop after SECS seconds and report\n"
	"  -Z, --user USER          live capture: once the interface is open, run as USER\n"
	"                           (default nobody; root keeps root) with no capabilities\n"
	"      --max-flows N        connections held at once; the least recently active\n"
	"                           is reported and evicted beyond it (default 1000000)\n"
	"      --idle-timeout SECS  report an established connection idle this long\n"
	"                           (packet time; default 7500)\n"
	"      --time-wait SECS     how long TIME_WAIT lasts, 2 x MSL (packet time;\n"
	"                           default 60, as Linux)\n"
	"      --events             also write events (state changes, RSTs, flagged\n"
	"                           segments such as retransmissions) as they\n"
	"                           happen (text and json formats)\n"
	"      --summary FILE       write the summary to FILE as one JSON object\n"
	"                           (any format) instead of into the report\n"
	"      --sort FIELD         hold the records and write them sorted: id, start,\n"
	"                           duration, bytes, packets, retx, rtt, state (sizes\n"
	"                           largest first); text is in id order without it\n"
	"      --top N              only the first N records after sorting\n"
	"      --by server|client   one record per server address:port (or client\n"
	"                           address) instead of one per connection: refused,\n"
	"                           unanswered, reset, SYN retries, handshake and data\n"
	"                           RTT percentiles, retransmitted share, zero-window\n"
	"                           time, bytes; most connections first (--sort bytes,\n"
	"                           retx or rtt; --top N)\n"
	"      --tui                the live view (ncurses, as top): the default for -i\n"
	"                           on a terminal without -F or -o; with -r, browse the\n"
	"                           file's connections\n"
	"      --no-tui             stream the report even on a terminal\n"
	"      --replay [SPEED]     play a file in the view in packet time (1 = real\n"
	"                           time, max = as fast as it can), then browse it\n"
	"  -d, --delay SECS         the view's refresh interval (default 1)\n"
	"      --linger SECS        ended connections stay in the view (default 5)\n"
	"      --reassembly-budget MIB  memory for reassembling TLS and HTTP hellos of\n"
	"                           all connections together (default 256; 0: no\n"
	"                           bound); a parse beyond it gives up, counted\n"
	"      --conn LIST          only these connections: ids (7), ranges (3-9), 4-tuples\n"
	"                           (10.0.0.1:5555-10.0.0.2:443, [v6]:port-[v6]:port),\n"
	"                           comma-separated; the summary still counts all\n"
	"      --where FILTER       only connections the view's filter matches\n"
	"                           ('state:RSTO retx>0 sni:*.example.com')\n"
	"      --timeline           with --conn/--where: every packet of the selected\n"
	"                           connections, one line (or JSON \"packet\" record) each\n"
	"  -w, --write FILE         with --conn/--where: their frames, untouched, to FILE\n"
	"                           (pcap; pcapng when an input is pcapng)\n"
	"      --plot FILE.svg      with one connection selected: its time-sequence graph\n"
	"                           (tcptrace style) as SVG, one panel per direction\n"
	"      --plot-rtt FILE.svg  its RTT samples and SRTT over time, as SVG\n"
	"      --plot-tput FILE.svg its throughput per interval, as SVG\n"
	"  -h, --help               this help\n"
	"  -V, --version            version\n"
	"      --list-fields        every output field (JSON key, CSV column, type,\n"
	"                           unit, meaning) as tab-separated lines, and exit\n"
	"  expression               pcap-filter(7) expression, as in tcpdump\n"
	"\n"
	"Examples:\n"
	"  tcpscope -r trace.pcapng                                # one row per connection\n"
	"  tcpscope -r trace.pcap -F json | jq -c 'select(.end_reason == \"reset\")'\n"
	"  tcpscope -r trace.pcap -F csv -o conns.csv\n"
	"  tcpscope -r trace.pcap --sort bytes --top 10             # the ten biggest\n"
	"  tcpdump -U -w - -i eth0 tcp | tcpscope -r -             # as it is captured\n"
	"  tcpscope -i eth0 -F json -o live.jsonl 'tcp port 443'   # until Ctrl-C\n"
	"  tcpscope -r ring.pcap0 -r ring.pcap1.zst -r ring.pcap2.gz  # rotated files as one capture\n"
	"  tcpscope -r trace.pcap --conn 7 --timeline               # connection 7, packet by packet\n"
	"  tcpscope -r trace.pcap --where 'state:RSTO retx>0' -w bad.pcap  # their frames as a pcap\n"
	"  tcpscope -r trace.pcap --conn 7 --plot c7.svg            # its time-sequence graph\n";

struct options {
	const char *read_path;      /* the first -r */
	const char **read_paths;    /* every -r, in command-line order */
	size_t read_count;
	char **filter_args;         /* the trailing arguments the filter is joined from */
	const char *iface;
	const char *out_path;
	enum report_format format;
	uint64_t count;      /* 0 = no limit */
	int snaplen;
	int buffer_kib;      /* 0 = libpcap's default */
	uint64_t duration_ns; /* live: stop after this long (0 = until a signal) */
	struct flow_config flow;
	bool events;
	const char *summary_path; /* --summary FILE, or NULL */
	const char *user;         /* -Z USER: live capture runs as this user once the handle is open */
	uint64_t reasm_budget;    /* --reassembly-budget, bytes */
	bool sorted;              /* --sort or --top given */
	enum table_sort sort;
	uint64_t top;             /* 0 = all */
	char *filter;        /* joined trailing arguments, or NULL */
	bool format_given;
	int tui;                  /* --tui 1, --no-tui 0, -1: the view for -i on a terminal without -F/-o */
	bool replay;              /* --replay: play a file in packet time in the view */
	double replay_speed;      /* its speed; 0 = as fast as possible */
	uint64_t refresh_ns;      /* -d: the view's refresh interval */
	uint64_t linger_ns;       /* --linger: how long ended connections stay in the view */
	struct selection sel;     /* --conn (every one given) */
	const char *where;        /* --where FILTER, or NULL */
	struct filter where_filter;
	bool selecting;           /* --conn or --where given: only selected records are written */
	bool timeline;            /* --timeline */
	const char *write_path;   /* -w FILE, or NULL */
	struct plotout plot;      /* --plot, --plot-rtt, --plot-tput */
	bool by;                  /* --by: records summed up per server or client (byhost.h) */
	enum byhost_kind by_kind;
	enum byhost_order by_order;
};

/* Set by the first SIGINT/SIGTERM (stop.c's thread) or by a failed write. */
static volatile sig_atomic_t stop_requested;

static int usage_error(const char *msg)
{
	if (msg)
		fprintf(stderr, "tcpscope: %s\n", msg);
	fputs(usage_line, stderr);
	return EXIT_USAGE;
}

/* A whole-string unsigned decimal in [min, max]. */
static bool parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Join argv[first..argc-1] with spaces, as tcpdump does for its filter. */
static char *join_args(int argc, char **argv, int first)
{
	size_t len = 1;
	for (int i = first; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (int i = first; i < argc; i++) {
		if (i > first)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

enum {
	OPT_MAX_FLOWS = 256, OPT_IDLE_TIMEOUT, OPT_TIME_WAIT, OPT_EVENTS, OPT_DURATION, OPT_SUMMARY, OPT_SORT, OPT_TOP,
	OPT_TUI, OPT_NO_TUI, OPT_REPLAY, OPT_LINGER, OPT_REASM_BUDGET, OPT_CONN, OPT_WHERE, OPT_TIMELINE,
	OPT_LIST_FIELDS,
	OPT_PLOT, OPT_PLOT_RTT, OPT_PLOT_TPUT, /* in enum plot_kind order */
	OPT_BY,
};

/* Seconds with an optional fraction ("0.5", "2"), at least min_s; false otherwise. */
static bool parse_seconds(const char *s, double min_s, uint64_t *ns)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !(v >= min_s) || v > 1e9)
		return false;
	*ns = (uint64_t)(v * 1e9 + 0.5);
	return true;
}

/* A replay speed: a factor ("1" real time, "10", "0.5") or "max". */
static bool parse_speed(const char *s, double *speed)
{
	if (s && strcmp(s, "max") == 0) {
		*speed = 0;
		return true;
	}
	char *end;
	errno = 0;
	double v = s ? strtod(s, &end) : 0;
	if (!s || errno || *end || !(v > 0) || v > 1e6)
		return false;
	*speed = v;
	return true;
}

/* --conn, --where, --timeline, -w: what goes with what. Returns -1 to go on, or an exit status. */
static int drilldown_options_check(struct options *o)
{
	selection_finish(&o->sel);
	bool selected = o->selecting = !selection_empty(&o->sel) || o->where;
	if ((o->timeline || o->write_path) && !selected)
		return usage_error(o->timeline ? "--timeline needs a selection: --conn LIST or --where FILTER"
					       : "-w needs a selection: --conn LIST or --where FILTER");
	if (o->timeline && o->format == REPORT_CSV)
		return usage_error("--timeline needs -F text or -F json (CSV holds connections only)");
	if (selected && (o->tui == 1 || o->replay))
		return usage_error("--conn and --where select for the report: the view has its own filter ('/')");
	/* --where is known only when a record is made: the timeline and the
	 * export read a file twice (docs/DESIGN.md, "Drill-down"). */
	if (o->where && (o->timeline || o->write_path)) {
		for (size_t i = 0; i < o->read_count; i++)
			if (strcmp(o->read_paths[i], "-") == 0)
				return usage_error("--where with --timeline or -w reads the input twice: "
						   "it needs -r FILE, not stdin (select with --conn instead)");
		if (o->iface)
			return usage_error("--where with --timeline or -w reads the input twice: "
					   "not live (select with --conn instead)");
	}
	if (o->write_path && strcmp(o->write_path, "-") == 0)
		return usage_error("-w needs a file name (the report goes to stdout)");
	if (o->write_path && ((o->out_path && strcmp(o->write_path, o->out_path) == 0) ||
			      (o->summary_path && strcmp(o->write_path, o->summary_path) == 0)))
		return usage_error("-w names the same file as -o or --summary");
	return -1;
}

/*
 * --plot, --plot-rtt, --plot-tput draw one connection: --conn with one id or
 * one 4-tuple (which may still match several: said at the end), or --where
 * (read twice, as for --timeline). Returns -1 to go on, or an exit status.
 */
static int plot_options_check(const struct options *o)
{
	if (!plotout_wanted(&o->plot))
		return -1;
	const struct selection *s = &o->sel;
	bool one = (s->nranges == 1 && s->ranges[0].first == s->ranges[0].last && s->ntuples == 0) ||
		   (s->nranges == 0 && s->ntuples == 1);
	char msg[160];
	enum plot_kind first = o->plot.path[PLOT_TSEQ] ? PLOT_TSEQ : o->plot.path[PLOT_RTT] ? PLOT_RTT : PLOT_TPUT;
	const char *opt = plotout_option(first);
	if (!one && !o->where) {
		snprintf(msg, sizeof msg, "%s needs one connection: --conn ID (or one 4-tuple, or --where)", opt);
		return usage_error(msg);
	}
	bool reads_stdin = false;
	for (size_t i = 0; i < o->read_count; i++)
		reads_stdin = reads_stdin || strcmp(o->read_paths[i], "-") == 0;
	if (o->where && (o->iface || reads_stdin)) {
		snprintf(msg, sizeof msg, "%s with --where reads the input twice: it needs -r FILE (or --conn ID)", opt);
		return usage_error(msg);
	}
	/* each plot its own file: not stdout, not another output's (by name) */
	const char *taken[3 + PLOT__COUNT] = {o->out_path, o->summary_path, o->write_path};
	for (int k = 0; k < PLOT__COUNT; k++) {
		const char *path = o->plot.path[k];
		if (!path)
			continue;
		if (strcmp(path, "-") == 0) {
			snprintf(msg, sizeof msg, "%s needs a file name (the report goes to stdout)", plotout_option(k));
			return usage_error(msg);
		}
		for (int i = 0; i < 3 + k; i++) {
			if (taken[i] && strcmp(path, taken[i]) == 0) {
				snprintf(msg, sizeof msg, "%s: %s is already an output", plotout_option(k), path);
				return usage_error(msg);
			}
		}
		taken[3 + k] = path;
	}
	return -1;
}

/*
 * --by writes groups, not connections: the view and --events do not go with
 * it, and --sort orders the groups (bytes, retx, rtt). Says what is wrong
 * and returns true, or sets o->by_order.
 */
static bool by_options_conflict(struct options *o)
{
	static const struct {
		enum table_sort sort;
		enum byhost_order order;
	} orders[] = {{TABLE_SORT_BYTES, BYHOST_BY_BYTES}, {TABLE_SORT_RETX, BYHOST_BY_RETX}, {TABLE_SORT_RTT, BYHOST_BY_RTT}};
	const char *why = o->tui == 1 || o->replay ? "--by writes a report: it does not go with the view (--tui, --replay)"
			  : o->events ? "--by writes one record per host: it does not go with --events"
			  : o->timeline ? "--by writes one record per host: it does not go with --timeline" : NULL;
	/* --top alone sets sorted with the id order: the groups' own order then */
	bool sort_ok = !o->sorted || (o->top && o->sort == TABLE_SORT_ID);
	for (size_t i = 0; o->sorted && i < sizeof(orders) / sizeof(orders[0]); i++)
		if (o->sort == orders[i].sort) {
			o->by_order = orders[i].order;
			sort_ok = true;
		}
	if (!why && !sort_ok)
		why = "--sort with --by: bytes, retx or rtt (the default: most connections first)";
	if (why)
		usage_error(why);
	return why != NULL;
}

/* Returns -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"read", required_argument, NULL, 'r'},
		{"interface", required_argument, NULL, 'i'},
		{"count", required_argument, NULL, 'c'},
		{"format", required_argument, NULL, 'F'},
		{"output", required_argument, NULL, 'o'},
		{"snaplen", required_argument, NULL, 's'},
		{"buffer-size", required_argument, NULL, 'B'},
		{"duration", required_argument, NULL, OPT_DURATION},
		{"max-flows", required_argument, NULL, OPT_MAX_FLOWS},
		{"idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT},
		{"time-wait", required_argument, NULL, OPT_TIME_WAIT},
		{"events", no_argument, NULL, OPT_EVENTS},
		{"summary", required_argument, NULL, OPT_SUMMARY},
		{"user", required_argument, NULL, 'Z'},
		{"reassembly-budget", required_argument, NULL, OPT_REASM_BUDGET},
		{"sort", required_argument, NULL, OPT_SORT},
		{"top", required_argument, NULL, OPT_TOP},
		{"by", required_argument, NULL, OPT_BY},
		{"tui", no_argument, NULL, OPT_TUI},
		{"no-tui", no_argument, NULL, OPT_NO_TUI},
		{"replay", optional_argument, NULL, OPT_REPLAY},
		{"linger", required_argument, NULL, OPT_LINGER},
		{"delay", required_argument, NULL, 'd'},
		{"conn", required_argument, NULL, OPT_CONN},
		{"where", required_argument, NULL, OPT_WHERE},
		{"timeline", no_argument, NULL, OPT_TIMELINE},
		{"write", required_argument, NULL, 'w'},
		{"plot", required_argument, NULL, OPT_PLOT},
		{"plot-rtt", required_argument, NULL, OPT_PLOT_RTT},
		{"plot-tput", required_argument, NULL, OPT_PLOT_TPUT},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"list-fields", no_argument, NULL, OPT_LIST_FIELDS},
		{NULL, 0, NULL, 0},
	};
	uint64_t v;
	int ch;

	memset(o, 0, sizeof(*o));
	o->format = REPORT_TEXT;
	o->tui = -1;
	o->refresh_ns = 1000000000ull;
	o->linger_ns = 5000000000ull;
	o->reasm_budget = APP_REASM_BUDGET_DEFAULT;
	flow_config_defaults(&o->flow);
	/* '+': stop at the first non-option, which begins the filter expression. */
	while ((ch = getopt_long(argc, argv, "+r:i:c:F:o:s:B:d:Z:w:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			/* repeatable: every file is read, merged in time order */
			if (!o->read_paths && !(o->read_paths = calloc((size_t)argc, sizeof(*o->read_paths)))) {
				fprintf(stderr, "tcpscope: out of memory\n");
				return EXIT_RUNTIME;
			}
			o->read_paths[o->read_count++] = optarg;
			o->read_path = o->read_paths[0];
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 'c':
			if (!parse_u64(optarg, 1, UINT64_MAX, &o->count))
				return usage_error("invalid count: expected a positive integer");
			break;
		case 'F':
			if (!report_format_parse(optarg, &o->format))
				return usage_error("invalid format: expected text, csv or json");
			o->format_given = true;
			break;
		case 'o':
			o->out_path = optarg;
			break;
		case 's':
			if (!parse_u64(optarg, 0, 262144, &v))
				return usage_error("invalid snaplen: expected 0..262144");
			o->snaplen = (int)v;
			break;
		case 'B':
			/* libpcap takes the size in bytes as an int */
			if (!parse_u64(optarg, 1, INT_MAX / 1024, &v))
				return usage_error("invalid -B: expected a buffer size in KiB, 1..2097151");
			o->buffer_kib = (int)v;
			break;
		case OPT_DURATION:
			if (!parse_u64(optarg, 1, UINT64_MAX / 1000000000ull, &v))
				return usage_error("invalid --duration: expected seconds > 0");
			o->duration_ns = v * 1000000000ull;
			break;
		case OPT_MAX_FLOWS:
			if (!parse_u64(optarg, 1, UINT64_MAX, &o->flow.max_flows))
				return usage_error("invalid --max-flows: expected a positive integer");
			break;
		case OPT_IDLE_TIMEOUT:
			if (!parse_u64(optarg, 1, UINT64_MAX / 1000000000ull, &v))
				return usage_error("invalid --idle-timeout: expected seconds > 0");
			o->flow.timeout_ns[FLOW_CLASS_ESTABLISHED] = v * 1000000000ull;
			break;
		case OPT_TIME_WAIT:
			/* Closed connections stay in the table through TIME_WAIT so that a
			 * SYN reusing the 4-tuple during it is recognised. */
			if (!parse_u64(optarg, 1, UINT64_MAX / 1000000000ull, &v))
				return usage_error("invalid --time-wait: expected seconds > 0");
			o->flow.timeout_ns[FLOW_CLASS_CLOSED] = v * 1000000000ull;
			break;
		case OPT_EVENTS:
			o->events = true;
			break;
		case OPT_SUMMARY:
			o->summary_path = optarg;
			break;
		case 'Z':
			o->user = optarg;
			break;
		case OPT_REASM_BUDGET:
			if (!parse_u64(optarg, 0, UINT64_MAX >> 20, &v))
				return usage_error("invalid --reassembly-budget: expected MiB, 0 for no bound");
			o->reasm_budget = v << 20;
			break;
		case OPT_SORT:
			if (!table_sort_parse(optarg, &o->sort)) {
				fprintf(stderr, "tcpscope: invalid --sort: expected one of %s\n", table_sort_names());
				return usage_error(NULL);
			}
			o->sorted = true;
			break;
		case OPT_TOP:
			if (!parse_u64(optarg, 1, UINT64_MAX, &o->top))
				return usage_error("invalid --top: expected a positive integer");
			o->sorted = true;
			break;
		case OPT_BY:
			if (!byhost_kind_parse(optarg, &o->by_kind))
				return usage_error("invalid --by: expected server or client");
			o->by = true;
			break;
		case OPT_TUI:
		case OPT_NO_TUI:
			o->tui = ch == OPT_TUI;
			break;
		case OPT_REPLAY:
			/* "--replay 10" as well as "--replay=10": a speed may follow */
			if (!optarg && optind < argc && parse_speed(argv[optind], &o->replay_speed))
				optind++;
			else if (!optarg)
				o->replay_speed = 1;
			else if (!parse_speed(optarg, &o->replay_speed))
				return usage_error("invalid --replay speed: expected a factor > 0 (1 = real time) or max");
			o->replay = true;
			break;
		case OPT_LINGER:
			if (!parse_seconds(optarg, 0, &o->linger_ns))
				return usage_error("invalid --linger: expected seconds >= 0");
			break;
		case 'd':
			if (!parse_seconds(optarg, 0.05, &o->refresh_ns))
				return usage_error("invalid -d: expected seconds >= 0.05");
			break;
		case OPT_CONN: {
			char err[256];
			if (!selection_parse(&o->sel, optarg, err, sizeof(err)))
				return usage_error(err);
			break;
		}
		case OPT_WHERE: {
			char err[256];
			if (!filter_parse(optarg, &o->where_filter, err, sizeof(err))) {
				fprintf(stderr, "tcpscope: --where: %s\n", err);
				return usage_error(NULL);
			}
			o->where = optarg;
			break;
		}
		case OPT_TIMELINE:
			o->timeline = true;
			break;
		case 'w':
			o->write_path = optarg;
			break;
		case OPT_PLOT:
		case OPT_PLOT_RTT:
		case OPT_PLOT_TPUT:
			o->plot.path[ch - OPT_PLOT] = optarg;
			break;
		case 'h':
			fputs(usage_line, stdout);
			fputs(help_text, stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("tcpscope %s (%s)\n", PACKAGE_VERSION, pcap_lib_version());
			return EXIT_SUCCESS;
		case OPT_LIST_FIELDS:
			if (fieldlist_write(stdout))
				return EXIT_SUCCESS;
			fprintf(stderr, "tcpscope: --list-fields: %s\n", fields_check() ? fields_check() : strerror(errno));
			return EXIT_FAILURE;
		default:
			return usage_error(NULL); /* getopt has named the problem */
		}
	}
	if (!o->read_path == !o->iface)
		return usage_error("exactly one of -r FILE or -i IFACE is required");
	if (o->read_path && (o->buffer_kib || o->duration_ns))
		return usage_error(o->buffer_kib ? "-B applies to live capture (-i)"
						 : "--duration applies to live capture (-i); -c limits a file");
	if (o->replay && !o->read_path)
		return usage_error("--replay plays a file: it needs -r FILE");
	if (o->tui == 0 && o->replay)
		return usage_error("--replay shows the view: it cannot go with --no-tui");
	if (o->user && !o->iface)
		return usage_error("-Z applies to live capture (-i)");
	if (o->events && o->format == REPORT_CSV)
		return usage_error("--events needs -F text or -F json (CSV holds connections only)");
	if (o->by && by_options_conflict(o))
		return EXIT_USAGE;
	int rc = drilldown_options_check(o);
	if (rc < 0)
		rc = plot_options_check(o);
	if (rc >= 0)
		return rc;
	if (optind < argc) {
		o->filter_args = argv + optind;
		o->filter = join_args(argc, argv, optind);
		if (!o->filter) {
			fprintf(stderr, "tcpscope: out of memory\n");
			return EXIT_RUNTIME;
		}
	}
	return -1;
}

/*
 * The text table's width: $COLUMNS when it is set, else the terminal's when
 * out is one, else REPORT_DEFAULT_WIDTH (a file or a pipe).
 */
static unsigned table_width(FILE *out)
{
	const char *columns = getenv("COLUMNS");
	struct winsize ws;
	uint64_t v;

	if (columns && parse_u64(columns, 1, 100000, &v))
		return (unsigned)v;
	if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return REPORT_DEFAULT_WIDTH;
}

/*
 * The summary goes to --summary FILE as one JSON object when given (FILE
 * opened as summary_out), else into the report after the records; CSV is a
 * table alone, so without FILE its summary goes to stderr in words.
 * Returns -1 when it could not be written (said on stderr).
 */
static int put_summary(const struct options *o, struct report *rep, FILE *summary_out,
		       const struct summary_record *sum)
{
	if (!summary_out && o->format != REPORT_CSV) {
		report_summary(rep, sum);
		return 0;
	}
	struct report *side = report_open_bare(summary_out ? summary_out : stderr,
					       summary_out ? REPORT_JSON : REPORT_TEXT);
	if (side)
		report_summary(side, sum);
	errno = 0;
	bool failed = !side || report_close(side) < 0;
	int err = errno;
	if (summary_out && fclose(summary_out) != 0 && !failed) {
		failed = true;
		err = errno;
	}
	if (failed) {
		fprintf(stderr, "tcpscope: %s: %s\n", summary_out ? o->summary_path : "stderr",
			err ? strerror(err) : "write error");
		return -1;
	}
	return 0;
}

static uint64_t reading_started_ns; /* CLOCK_MONOTONIC, for the progress line */

static uint64_t clock_ns(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Where records and events go: the writer thread, or the report directly when there is none; and the view. */
struct output {
	struct report *rep;       /* NULL: the view alone, no report */
	struct writer *writer;
	bool report_events;       /* --events */
	struct view *view;        /* the live view, or NULL */
	struct byhost *byhost;    /* --by: records are summed up here instead of written */
	bool byhost_failed;       /* memory ran out adding a record to it */
	bool view_live_clock;     /* the view runs on the wall clock (live capture) */
	/* the drill-down (--conn, --where, --timeline, -w) */
	const struct options *opts;
	bool selecting;           /* only selected records are written */
	FILE *timeline;           /* --timeline: where packet lines go (the report's stream), else NULL */
	struct report *timeline_json; /* JSON: a memory report formatting the packet records, else NULL (text) */
	int timeline_errno;       /* the first failed write of a packet line */
	struct pcap_out *export;  /* -w, or NULL */
	bool export_failed;
	struct plotout *plot;     /* --plot*, or NULL */
};

/* The record is one --conn and --where select (either may be absent, not both; after --where's first pass, an empty --conn selects nothing). */
static bool record_selected(const struct options *o, const struct conn_record *r)
{
	if ((!o->where || !selection_empty(&o->sel)) && !selection_has_record(&o->sel, r))
		return false;
	if (!o->where)
		return true;
	struct conn_row row;
	conn_row_from_record(r, &row);
	/* a record is judged as of its last packet: age is its duration, idle 0 */
	return filter_match(&o->where_filter, &row, r->ts_last_ns);
}

/* A write failed (the reader of a pipe left, the disk is full): reading stops at once. */
static void stop_if_output_failed(const struct output *out)
{
	if (out->rep && report_failed(out->rep))
		stop_requested = 1;
}

static void emit_record(void *ctx, const struct conn_record *r)
{
	struct output *out = ctx;
	if (out->selecting && !record_selected(out->opts, r))
		return;
	if (out->plot)
		plotout_record(out->plot, r);
	if (out->byhost) { /* --by: summed up per host, written at the end */
		out->byhost_failed |= !byhost_add(out->byhost, r);
		return;
	}
	if (out->view) /* live: it ended now; a file: at its last packet */
		view_add_record(out->view, r, out->view_live_clock ? clock_ns(CLOCK_REALTIME) : r->ts_last_ns);
	if (out->writer) {
		writer_conn(out->writer, r);
	} else if (out->rep) {
		report_conn(out->rep, r);
		stop_if_output_failed(out);
	}
}

static void emit_event(void *ctx, const struct conn_event *ev)
{
	struct output *out = ctx;
	if (out->view)
		view_add_event(out->view, ev);
	if (!out->report_events)
		return;
	if (out->writer) {
		writer_event(out->writer, ev);
	} else if (out->rep) {
		report_event(out->rep, ev);
		stop_if_output_failed(out);
	}
}

/* The packet sink's choice: a connection --conn names (after a --where pass, the ids it found). */
static bool select_conn(void *ctx, uint64_t id, const struct flow_key *key)
{
	const struct output *out = ctx;
	return selection_has(&out->opts->sel, id, key);
}

/* A packet of a selected connection: its timeline line, its frame to -w. */
static void emit_packet(void *ctx, const struct packet_record *p)
{
	struct output *out = ctx;
	if (out->timeline && !out->timeline_errno) {
		char text[TIMELINE_LINE_MAX];
		const char *line = text;
		size_t n;
		if (out->timeline_json) {
			report_record(out->timeline_json, FIELD_PACKET, p);
			line = report_memory_take(out->timeline_json, &n);
		} else {
			n = timeline_format(text, sizeof(text), p);
		}
		if (out->rep)
			report_flush(out->rep); /* the records before it come first */
		errno = 0;
		if (out->timeline_json && report_failed(out->timeline_json)) {
			out->timeline_errno = ENOMEM;
			stop_requested = 1;
		} else if (fwrite(line, 1, n, out->timeline) != n) {
			out->timeline_errno = errno ? errno : EIO;
			stop_requested = 1;
		}
	}
	if (out->export && !out->export_failed && !pcap_out_frame(out->export, p->captured)) {
		fprintf(stderr, "tcpscope: %s: %s\n", out->opts->write_path, pcap_out_error(out->export));
		out->export_failed = true;
		stop_requested = 1;
	}
	if (out->plot)
		plotout_packet(out->plot, p);
}

/* What a live capture does besides reading: records out as they come, a deadline, loud drops. */
struct live_watch {
	const char *iface;
	struct capture *cap;
	struct analyzer *a;
	struct report *rep;        /* flushed whenever records may have been written */
	uint64_t deadline_ns;      /* CLOCK_MONOTONIC; 0: none */
	uint64_t next_stats_ns;    /* when to read the drop counters next */
	uint64_t warned_at_ns;     /* the last drop warning, 0: none yet */
	uint64_t warned_dropped;   /* the count it gave */
	bool quiet;                /* the view owns the terminal: drops show in its header */
};

#define LIVE_STATS_EVERY_NS 250000000ull  /* read pcap_stats four times a second */
#define LIVE_BLOCK_MS 50                  /* the capture's block timeout (capture.c) */
#define LIVE_WARN_EVERY_NS 5000000000ull  /* at most one drop warning per 5 s */

static const char drop_advice[] = "try a bigger buffer (-B KIB), a shorter snaplen (-s) or a capture filter";

static double percent(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* Read the drop counters: tell the analyzer (records say they may be incomplete) and the user (rate-limited). */
static void live_check_drops(struct live_watch *w, uint64_t now_ns)
{
	struct capture_stats cs;
	if (!capture_stats(w->cap, &cs) ||
	    !analyzer_note_drops(w->a, clock_ns(CLOCK_REALTIME), cs.dropped))
		return;
	if (w->quiet || (w->warned_at_ns && now_ns - w->warned_at_ns < LIVE_WARN_EVERY_NS))
		return;
	fprintf(stderr, "tcpscope: %s: warning: the kernel dropped %" PRIu64 " packets%s (%" PRIu64
		" of %" PRIu64 " so far, %.1f%%); %s\n",
		w->iface, cs.dropped - w->warned_dropped, w->warned_at_ns ? " since the last warning" : "",
		cs.dropped, cs.received, percent(cs.dropped, cs.received), drop_advice);
	w->warned_at_ns = now_ns;
	w->warned_dropped = cs.dropped;
}

/* Between batches: pass records on, check drops; false once --duration is over. */
static bool live_tick(struct live_watch *w)
{
	if (!w)
		return true;
	if (w->rep) {
		report_flush(w->rep);
		if (report_failed(w->rep))
			return false; /* the reader of a pipe left, or the disk is full */
	}
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	if (now >= w->next_stats_ns) {
		live_check_drops(w, now);
		w->next_stats_ns = now + LIVE_STATS_EVERY_NS;
	}
	return !w->deadline_ns || now < w->deadline_ns;
}

/* live_tick for the view's loop. */
static bool live_tick_cb(void *ctx)
{
	return live_tick(ctx);
}

/* How long to wait for packets: 100 ms (idle connections expire meanwhile), less near the deadline. */
static int live_poll_ms(const struct live_watch *w)
{
	if (!w || !w->deadline_ns)
		return 100;
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	uint64_t left_ms = now < w->deadline_ns ? (w->deadline_ns - now + 999999) / 1000000 : 0;
	return left_ms < 100 ? (int)left_ms : 100;
}

/*
 * In line (live capture, or a file when no thread can be had, w NULL):
 * batches filled between polls.
 */
static enum capture_status run_live(struct capture *cap, struct analyzer *a, uint64_t count,
				    struct live_watch *w)
{
	static struct frame_batch b;
	int linktype = capture_linktype(cap);
	int fd = capture_fd(cap);
	uint64_t seen = 0;
	enum capture_status st = CAPTURE_EOF;
	struct frame f;

	while (!stop_requested) {
		st = capture_next(cap, &f);
		if (st == CAPTURE_FRAME) {
			if (frame_batch_feed(&b, &linktype, a, &f) && !live_tick(w))
				break;
			if (count && ++seen >= count) {
				st = CAPTURE_EOF;
				break;
			}
		} else if (st == CAPTURE_NONE) {
			/* Idle: analyse what is pending, let the clock expire idle
			 * connections (live packet times are wall-clock times), then wait
			 * for the descriptor or a signal. */
			frame_batch_flush(&b, linktype, a);
			analyzer_expire(a, clock_ns(CLOCK_REALTIME));
			if (!live_tick(w))
				break;
			/* the stop pipe wakes the wait at once on SIGINT/SIGTERM */
			struct pollfd pfd[2] = {{.fd = fd, .events = POLLIN}, {.fd = stop_wakeup_fd(), .events = POLLIN}};
			poll(pfd, 2, live_poll_ms(w));
		} else {
			break;
		}
	}
	/* Stopped by a signal or --duration: what the kernel still holds in a
	 * block not yet handed over was captured before the stop; read it. */
	bool counted_out = count && seen >= count;
	while (w && !counted_out && st != CAPTURE_ERROR && capture_next_wait(cap, &f, 2 * LIVE_BLOCK_MS) == CAPTURE_FRAME) {
		frame_batch_feed(&b, &linktype, a, &f);
		counted_out = count && ++seen >= count;
	}
	frame_batch_flush(&b, linktype, a);
	if (st == CAPTURE_ERROR && stop_requested)
		return CAPTURE_EOF; /* a read cut by a stop signal */
	return st == CAPTURE_NONE || st == CAPTURE_FRAME ? CAPTURE_EOF : st;
}

/* The progress line on stderr while a large file is read (NULL: none; see want_progress). */
static struct progress *progress_line;

static void show_progress(struct capture *cap, struct analyzer *a)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	struct progress_state s = {.elapsed_ns = 0};
	struct analyzer_totals t;
	if (!progress_due(progress_line, now) || !capture_progress(cap, &s.bytes_done, &s.bytes_total))
		return;
	analyzer_totals(a, &t);
	s.frames = t.frames;
	s.connections = t.opened;
	s.elapsed_ns = now - reading_started_ns;
	progress_draw(progress_line, &s, now);
}

/*
 * A progress line for files of PROGRESS_MIN_BYTES or more (together) when
 * stderr is a terminal, never with the view, and only when the report does
 * not go to the same terminal while it is read: stdout is not a terminal,
 * or nothing is written before the end (--by, --sort, --top).
 */
static void want_progress(const struct options *o, struct capture *cap, FILE *out, bool use_view)
{
	uint64_t done, total;
	struct winsize ws;
	bool report_on_tty = out == stdout && isatty(STDOUT_FILENO) && !o->by && !o->sorted;
	if (!o->read_path || use_view || !isatty(STDERR_FILENO) || report_on_tty ||
	    !capture_progress(cap, &done, &total) || total < PROGRESS_MIN_BYTES)
		return;
	unsigned width = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
	reading_started_ns = clock_ns(CLOCK_MONOTONIC);
	progress_line = progress_start(stderr, width, total, reading_started_ns);
}

/* Feed frames until the end of input, COUNT frames, a stop signal, or an error (w: live capture). */
static enum capture_status run_capture(struct capture *cap, struct analyzer *a, uint64_t count,
				       struct live_watch *w)
{
	if (w)
		return run_live(cap, a, count, w);
	/* A file: read and decoded ahead on a second thread while this one tracks. */
	struct feed *feed = feed_start(cap, count, &stop_requested);
	if (!feed)
		return run_live(cap, a, count, NULL); /* no thread to be had: read in line */
	const struct feed_batch *b;
	while ((b = feed_next(feed))) {
		analyzer_track(a, b->decoded, b->frames.n);
		if (progress_line)
			show_progress(cap, a);
	}
	return feed_end(feed);
}

/*
 * When the filter did not compile: the first trailing argument that names an
 * existing regular file, as in "-r a.pcap b.pcap" (trailing arguments are the
 * filter, as in tcpdump); NULL if none.
 */
static const char *filter_names_a_file(const struct options *o)
{
	struct stat st;
	for (char **arg = o->filter_args; arg && *arg; arg++)
		if (stat(*arg, &st) == 0 && S_ISREG(st.st_mode))
			return *arg;
	return NULL;
}

static struct capture *open_input(const struct options *o, const char **name)
{
	char err[PCAP_ERRBUF_SIZE + 128];
	struct capture *cap;
	size_t failed = 0;

	*name = o->read_path ? o->read_path : o->iface;
	if (o->read_path)
		cap = capture_open_files(o->read_paths, o->read_count, &failed, err, sizeof(err));
	else
		cap = capture_open_live(o->iface, o->snaplen, o->buffer_kib, err, sizeof(err));
	if (!cap) {
		if (o->read_path && stop_signal())
			return NULL; /* stopped while waiting for the first bytes: no error */
		if (o->read_path)
			*name = o->read_paths[failed];
		/* libpcap often starts its message with the file name: say it once. */
		const char *reason = err;
		size_t n = strlen(*name);
		if (strncmp(reason, *name, n) == 0 && strncmp(reason + n, ": ", 2) == 0)
			reason += n + 2;
		fprintf(stderr, "tcpscope: %s: %s\n", *name, reason);
		return NULL;
	}
	/* A link type we do not decode is not fatal (docs/DESIGN.md, "Link types
	 * not decoded"): the input is read, each of its frames counted as
	 * unknown_linktype, and one line says so, so that the other inputs
	 * still report every connection they hold. */
	for (size_t i = 0; i < capture_input_count(cap); i++) {
		int lt = capture_input_linktype(cap, i);
		if (!decode_linktype_supported(lt))
			fprintf(stderr, "tcpscope: warning: %s: link type %s (%d) not decoded, "
					"its frames are counted as unknown_linktype\n",
				capture_input_name(cap, i), capture_linktype_name(lt), lt);
	}
	if (o->filter && !capture_set_filter(cap, o->filter, err, sizeof(err))) {
		const char *file = filter_names_a_file(o);
		if (file)
			fprintf(stderr, "tcpscope: %s: a file is not a filter expression; to read several files, "
					"repeat -r (-r FILE -r FILE ...)\n", file);
		else
			fprintf(stderr, "tcpscope: invalid filter expression: %s\n", err);
		capture_close(cap);
		return NULL;
	}
	return cap;
}

/*
 * An input stopped before its end: damage is a warning (what came before is
 * reported and complete for what the file holds). A pcapng whose interfaces
 * differ in link type or snapshot length is no damage but a file libpcap
 * cannot read past its second kind of interface (dumpcap -i any -i eth0
 * writes them): the report of the frames before is written, and it is an
 * error (exit 1) rather than an empty success. Returns true for the latter.
 */
static bool say_input_stopped(const char *file, const char *why)
{
	if (strstr(why, "an interface has a") && strstr(why, "different from")) {
		fprintf(stderr, "tcpscope: %s: cannot read this pcapng past the frames reported: its interfaces "
				"differ in link type or snapshot length, which libpcap does not read (%s); split it "
				"per interface first, e.g. tshark -r FILE -Y 'frame.interface_id == 0' -w part0.pcapng\n",
			file, why);
		return true;
	}
	fprintf(stderr, "tcpscope: %s: warning: %s; the frames before it are reported\n", file, why);
	return false;
}

/* Copy what was held (a text timeline's table and summary) to the end of out. */
static int append_held(FILE *held, FILE *out)
{
	char buf[65536];
	size_t n;
	rewind(held);
	if (fputc('\n', out) == EOF)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), held)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			return -1;
	return ferror(held) ? -1 : 0;
}

/* Close the report and the stream: 0, or the errno of the first write that failed (the writer threads' first). */
static int finish_output(struct report *rep, FILE *out, FILE *held, int writer_errno)
{
	int err = writer_errno;
	if (!rep)
		return err; /* the view alone */
	if (report_close(rep) < 0 && !err)
		err = errno;
	if (held) {
		errno = 0;
		if (append_held(held, out) < 0 && !err)
			err = errno ? errno : EIO;
		fclose(held);
	}
	errno = 0;
	if ((out != stdout ? fclose(out) : fflush(out)) != 0 && !err)
		err = errno ? errno : EIO;
	return err;
}

/*
 * The view owns the terminal until the user quits or a stop signal: live,
 * a replay in packet time, or a file read whole and browsed. The terminal
 * is given back on every way out; warnings wait until then.
 */
static enum capture_status run_view(const struct options *o, struct capture *cap, struct analyzer *a,
				    struct view *v, struct tui *t, struct live_watch *live)
{
	char source[256];
	size_t n = 0;
	for (size_t i = 0; i < capture_input_count(cap) && n < sizeof(source); i++)
		n += (size_t)snprintf(source + n, sizeof(source) - n, "%s%s", i ? " + " : "", capture_input_name(cap, i));
	struct viewloop_config cfg = {
		.mode = v->mode, .speed = o->replay_speed, .refresh_ns = o->refresh_ns, .count = o->count,
		.deadline_ns = live->deadline_ns, .source = source, .bpf = o->filter, .stop = &stop_requested,
		.between_batches = o->iface ? live_tick_cb : NULL, .ctx = live,
	};
	bool finished;
	return viewloop_run(cap, a, v, t, &cfg, &finished);
}

static void options_free(struct options *o)
{
	selection_free(&o->sel);
	free(o->filter);
	free(o->read_paths);
}

/* Clear every capability set (Linux capset(2), version 3: two 32-bit words each). */
static bool drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	return syscall(SYS_capset, &hdr, data) == 0;
}

/*
 * Live capture: once the handle is activated (the only step that needs
 * CAP_NET_RAW) and the outputs are open, become `user` (its uid, gid and
 * supplementary groups) with no capabilities left, as tcpdump -Z does, so
 * that the TLS and HTTP parsers never run with privileges. "root" keeps
 * root. Nothing to change when not started as root, but capabilities given
 * to the binary (setcap) are still dropped. Says why and returns false
 * when the switch fails.
 */
static bool drop_privileges(const char *user)
{
	if (strcmp(user, "root") == 0)
		return true;
	if (geteuid() == 0) {
		errno = 0;
		struct passwd *pw = getpwnam(user);
		if (!pw) {
			fprintf(stderr, "tcpscope: -Z %s: %s\n", user, errno ? strerror(errno) : "no such user");
			return false;
		}
		if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
			fprintf(stderr, "tcpscope: -Z %s: cannot switch to the user: %s\n", user, strerror(errno));
			return false;
		}
		if (pw->pw_uid != 0 && setuid(0) == 0) {
			fprintf(stderr, "tcpscope: -Z %s: root could be regained; stopping\n", user);
			return false;
		}
	}
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (!drop_capabilities()) {
		fprintf(stderr, "tcpscope: cannot drop capabilities: %s\n", strerror(errno));
		return false;
	}
	return true;
}

/*
 * out_path is one of the -r inputs (same device and inode, whatever the
 * path): opening it for writing would destroy the capture. Says so and
 * returns true.
 */
static bool overwrites_an_input(const struct options *o, const char *out_path, const char *what)
{
	struct stat out, in;
	if (!out_path || strcmp(out_path, "-") == 0 || stat(out_path, &out) != 0)
		return false;
	for (size_t i = 0; i < o->read_count; i++) {
		const char *path = o->read_paths[i];
		bool ok = strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &in) == 0 : stat(path, &in) == 0;
		if (ok && in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
			fprintf(stderr, "tcpscope: %s: refusing to write the %s over the input %s "
					"(the same file)\n", out_path, what, path);
			return true;
		}
	}
	return false;
}

/* -o or --summary names one of the -r inputs: refused before anything is opened. */
static bool output_is_an_input(const struct options *o)
{
	return overwrites_an_input(o, o->out_path, "report") || overwrites_an_input(o, o->summary_path, "summary") ||
	       overwrites_an_input(o, o->write_path, "export") || overwrites_an_input(o, o->plot.path[PLOT_TSEQ], "plot") ||
	       overwrites_an_input(o, o->plot.path[PLOT_RTT], "plot") || overwrites_an_input(o, o->plot.path[PLOT_TPUT], "plot");
}

/* -w's file: pcapng when an input is, or when the inputs differ in link type (a pcap holds one). NULL: said why. */
static struct pcap_out *open_export(const struct options *o, struct capture *cap)
{
	bool ng = false;
	for (size_t i = 0; cap && i < capture_input_count(cap); i++)
		ng = ng || capture_input_is_pcapng(cap, i) ||
		     capture_input_linktype(cap, i) != capture_input_linktype(cap, 0);
	char err[256];
	struct pcap_out *x = pcap_out_open(o->write_path, ng, cap ? capture_linktype(cap) : 1, err, sizeof(err));
	if (!x)
		fprintf(stderr, "tcpscope: %s: %s\n", o->write_path, err);
	return x;
}

/* The first pass of --where: the ids of the records it selects. */
struct where_pass {
	const struct options *o;
	struct selection ids;
	bool out_of_memory;
};

static void where_pass_record(void *ctx, const struct conn_record *r)
{
	struct where_pass *w = ctx;
	if (record_selected(w->o, r) && !selection_add_id(&w->ids, r->id))
		w->out_of_memory = true;
}

/*
 * --where with --timeline or -w: read the files once to find the ids it
 * selects (ids are stable for a given input, filter and options), which
 * then select as --conn does. Returns -1 to go on, or an exit status.
 */
static int where_first_pass(struct options *o)
{
	const char *name;
	struct capture *cap = open_input(o, &name);
	if (!cap)
		return EXIT_RUNTIME;
	struct where_pass w = {.o = o};
	struct analyzer *a = analyzer_new(&o->flow, where_pass_record, &w);
	if (!a) {
		capture_close(cap);
		fprintf(stderr, "tcpscope: out of memory\n");
		return EXIT_RUNTIME;
	}
	analyzer_set_reasm_budget(a, o->reasm_budget);
	run_capture(cap, a, o->count, NULL); /* damage is said by the second pass */
	analyzer_finish(a);
	analyzer_free(a);
	capture_close(cap);
	if (w.out_of_memory) {
		selection_free(&w.ids);
		fprintf(stderr, "tcpscope: out of memory\n");
		return EXIT_RUNTIME;
	}
	selection_finish(&w.ids);
	selection_free(&o->sel);
	o->sel = w.ids;
	o->where = NULL;
	return -1;
}

/* An early exit after the input is open: close what was opened so far (plot files are removed: nothing was drawn). */
static int abandon_outputs(struct options *o, struct capture *cap, FILE *out, FILE *summary_out,
			   struct pcap_out *export)
{
	if (out && out != stdout)
		fclose(out);
	if (summary_out)
		fclose(summary_out);
	if (export)
		pcap_out_close(export, NULL, 0);
	plotout_abandon(&o->plot);
	capture_close(cap);
	options_free(o);
	return EXIT_RUNTIME;
}

int main(int argc, char **argv)
{
	/* Before anything is written: a closed pipe shows as EPIPE, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	/* Before any other thread: SIGINT and SIGTERM go to stop.c's thread only. */
	stop_start(&stop_requested);

	struct options o;
	int rc = parse_options(argc, argv, &o);
	if (rc >= 0) {
		options_free(&o);
		return rc;
	}
	if (output_is_an_input(&o)) {
		options_free(&o);
		return EXIT_USAGE;
	}
	if (o.where && (o.timeline || o.write_path || plotout_wanted(&o.plot)) && (rc = where_first_pass(&o)) >= 0) {
		options_free(&o);
		return rc;
	}

	const char *in_name;
	struct capture *cap = open_input(&o, &in_name);
	/* Stopped before the input said a word (an idle pipe): an empty report that says so. */
	if (!cap && !(stop_signal() && o.read_path)) {
		options_free(&o);
		return EXIT_RUNTIME;
	}

	/* The view: asked for, or live on a terminal when no report was asked for (as top). */
	bool use_view = cap && (o.replay || o.tui == 1 ||
				(o.tui == -1 && o.iface && !o.format_given && !o.out_path && !o.by && isatty(STDOUT_FILENO)));
	if (use_view && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "tcpscope: the view needs a terminal (stdin and stdout); --no-tui streams the report\n");
		capture_close(cap);
		options_free(&o);
		return EXIT_USAGE;
	}

	/* With the view, a report is written only to -o FILE. */
	FILE *out = use_view && !o.out_path ? NULL : stdout;
	if (o.out_path && strcmp(o.out_path, "-") != 0) {
		out = fopen(o.out_path, "w");
		if (!out) {
			fprintf(stderr, "tcpscope: %s: %s\n", o.out_path, strerror(errno));
			capture_close(cap);
			options_free(&o);
			return EXIT_RUNTIME;
		}
	}

	FILE *summary_out = NULL;
	if (o.summary_path && !(summary_out = fopen(o.summary_path, "w"))) {
		fprintf(stderr, "tcpscope: %s: %s\n", o.summary_path, strerror(errno));
		return abandon_outputs(&o, cap, out, NULL, NULL);
	}
	struct pcap_out *export = NULL;
	if (o.write_path && !(export = open_export(&o, cap)))
		return abandon_outputs(&o, cap, out, summary_out, NULL);
	char plot_err[320];
	if (plotout_wanted(&o.plot) && !plotout_open(&o.plot, plot_err, sizeof(plot_err))) {
		fprintf(stderr, "tcpscope: %s\n", plot_err);
		return abandon_outputs(&o, cap, out, summary_out, export);
	}
	/* The handle is open and the outputs too: parse what the wire sends unprivileged. */
	if (o.iface && !drop_privileges(o.user ? o.user : "nobody"))
		return abandon_outputs(&o, cap, out, summary_out, export);

	/* Text is in id order (for a file; live rows as connections end) unless sorted. */
	struct report_options ropts = {.width = out ? table_width(out) : 0, .id_order = o.read_path != NULL,
				       .sorted = o.sorted, .sort = o.sort, .top = o.top};
	/* A text timeline comes first: the table and summary wait in a temporary file. */
	FILE *held = out && o.timeline && o.format == REPORT_TEXT ? tmpfile() : NULL;
	if (out && o.timeline && o.format == REPORT_TEXT && !held) {
		fprintf(stderr, "tcpscope: cannot create a temporary file: %s\n", strerror(errno));
		return abandon_outputs(&o, cap, out, summary_out, export);
	}
	/* --by: the groups are written at the end, before the summary: no header, no records. */
	struct report *rep = !out ? NULL : o.by ? report_open_bare(out, o.format) : report_open_with(held ? held : out, o.format, &ropts);
	/* A file's records are formatted on threads of their own, after the
	 * header, unless the report holds them back to order them. Live
	 * capture writes in line: records are few, and a batch of them would
	 * wait for its 64th. Without threads, in line too. */
	static struct view view;
	struct output sink = {.rep = rep, .report_events = o.events, .opts = &o,
			      .selecting = o.selecting,
			      .timeline = o.timeline ? out : NULL};
	sink.export = export;
	sink.plot = plotout_wanted(&o.plot) ? &o.plot : NULL;
	if (sink.timeline && o.format == REPORT_JSON && !(sink.timeline_json = report_open_memory(REPORT_JSON))) {
		fprintf(stderr, "tcpscope: out of memory\n");
		return EXIT_RUNTIME;
	}
	if (sink.timeline && !sink.timeline_json)
		fprintf(out, "%s\n", timeline_text_header());
	if (o.by && !(sink.byhost = byhost_new(o.by_kind))) {
		fprintf(stderr, "tcpscope: out of memory\n");
		return EXIT_RUNTIME;
	}
	if (use_view) {
		enum view_mode mode = o.iface ? VIEW_LIVE : o.replay && o.replay_speed > 0 ? VIEW_REPLAY : VIEW_BROWSE;
		view_init(&view, mode, o.linger_ns);
		sink.view = &view;
		sink.view_live_clock = o.iface != NULL;
	}
	/* packet lines are written in line, between the records */
	if (rep && o.read_path && !report_holds_records(rep) && !o.timeline && !o.by) {
		report_flush(rep);
		sink.writer = writer_start(out, o.format);
		if (sink.writer)
			writer_stop_on_failure(sink.writer, &stop_requested);
	}
	struct analyzer *a = rep || !out ? analyzer_new(&o.flow, emit_record, &sink) : NULL;
	if (!a) {
		fprintf(stderr, "tcpscope: out of memory\n");
		return EXIT_RUNTIME;
	}
	if (o.events || use_view)
		analyzer_set_event_sink(a, emit_event, &sink);
	if (o.timeline || o.write_path || sink.plot)
		analyzer_set_packet_sink(a, select_conn, emit_packet, &sink);
	struct tui *tui = NULL;
	if (use_view && !(tui = tui_open())) {
		fprintf(stderr, "tcpscope: the terminal cannot show the view (is TERM set?); --no-tui streams the report\n");
		analyzer_free(a);
		finish_output(rep, out, held, 0);
		if (summary_out)
			fclose(summary_out);
		view_free(&view);
		capture_close(cap);
		options_free(&o);
		return EXIT_RUNTIME;
	}
	analyzer_set_reasm_budget(a, o.reasm_budget);
	if (rep)
		stop_if_output_failed(&sink); /* the header could not be written */

	struct live_watch live = {.iface = o.iface, .cap = cap, .a = a, .rep = rep, .quiet = use_view};
	if (o.iface) {
		/* A record as its connection closes, not after TIME_WAIT: half a
		 * second lets a RST's answers and a last ACK in. */
		analyzer_report_at_close(a, 500000000ull);
		if (o.duration_ns)
			live.deadline_ns = clock_ns(CLOCK_MONOTONIC) + o.duration_ns;
	}
	char warning[PCAP_ERRBUF_SIZE + 512] = "";
	if (cap)
		want_progress(&o, cap, out, use_view);
	enum capture_status ended = !cap ? CAPTURE_EOF
				    : use_view ? run_view(&o, cap, a, &view, tui, &live)
					       : run_capture(cap, a, o.count, o.iface ? &live : NULL);
	progress_end(progress_line); /* cleared before any warning */
	tui_close(tui); /* the terminal is given back before any warning */
	/* A stop signal cuts a read short: that is no damage to warn of. */
	size_t inputs = cap && !stop_signal() ? capture_input_count(cap) : 0;
	bool unreadable = false; /* a pcapng libpcap cannot read to its end: exit 1 */
	if (ended == CAPTURE_ERROR && inputs == 1) {
		/* Keep what was read before the damage: report it, and say where it stopped. */
		snprintf(warning, sizeof(warning), "input ended early: %s", capture_error(cap));
		unreadable = say_input_stopped(in_name, capture_error(cap));
	}
	/* Several files: a damaged one ended there while the others were read on. */
	for (size_t i = 0; inputs > 1 && i < inputs; i++) {
		const char *why = capture_input_error(cap, i), *file = capture_input_name(cap, i);
		if (!why)
			continue;
		if (!warning[0])
			snprintf(warning, sizeof(warning), "input ended early: %s: %s", file, why);
		unreadable = say_input_stopped(file, why) || unreadable;
	}
	/* After a failed write nothing more can reach the output: the connections
	 * still open are freed without records, and there is no summary. */
	bool output_failed = (rep && report_failed(rep)) || (sink.writer && writer_failed(sink.writer));
	if (!output_failed)
		analyzer_finish(a);
	int writer_errno = 0;
	if (sink.writer && writer_end(sink.writer) < 0) {
		writer_errno = errno;
		output_failed = true;
	}

	if (sink.byhost && !output_failed) {
		if (sink.byhost_failed)
			fprintf(stderr, "tcpscope: warning: out of memory: some connections are missing from the --by records\n");
		if (byhost_write(out, o.format, sink.byhost, o.by_order, o.top) < 0) {
			writer_errno = errno;
			output_failed = true;
		}
	}
	byhost_free(sink.byhost);

	struct summary_record sum;
	memset(&sum, 0, sizeof(sum));
	analyzer_summary(a, &sum);
	struct capture_stats cs;
	sum.live = o.iface != NULL;
	sum.interrupted_by = stop_signal();
	sum.clock_faults = cap ? capture_clock_faults(cap) : 0;
	if (cap && capture_stats(cap, &cs)) {
		sum.have_pcap_stats = true;
		sum.pcap_received = cs.received;
		sum.pcap_dropped = cs.dropped;
		sum.pcap_if_dropped = cs.if_dropped;
		if (cs.dropped > 0)
			fprintf(stderr, "tcpscope: %s: warning: the kernel dropped %" PRIu64 " of %" PRIu64
				" packets (%.1f%%); records of connections open then say so; %s\n",
				in_name, cs.dropped, cs.received, percent(cs.dropped, cs.received), drop_advice);
	}
	sum.input_warning = warning[0] ? warning : NULL;
	bool summary_failed = false;
	if (!output_failed && rep)
		summary_failed = put_summary(&o, rep, summary_out, &sum) < 0;
	else if (summary_out)
		fclose(summary_out);

	rc = summary_failed || unreadable ? EXIT_RUNTIME : EXIT_SUCCESS;
	if (sink.plot && plotout_finish(sink.plot, plot_err, sizeof(plot_err)) < 0) {
		fprintf(stderr, "tcpscope: %s\n", plot_err);
		rc = EXIT_RUNTIME;
	}
	if (sink.timeline_json)
		report_close(sink.timeline_json); /* a memory report: its failures were seen in emit_packet */
	if (sink.timeline_errno && !writer_errno)
		writer_errno = sink.timeline_errno;
	int err = finish_output(rep, out, held, writer_errno);
	if (sink.export) {
		char xerr[256];
		if (pcap_out_close(sink.export, xerr, sizeof(xerr)) < 0 || sink.export_failed) {
			if (!sink.export_failed)
				fprintf(stderr, "tcpscope: %s: %s\n", o.write_path, xerr);
			rc = EXIT_RUNTIME;
		}
	}
	/* The reader of a pipe left (head, less): stop quietly, as grep does. */
	if (err && err != EPIPE) {
		fprintf(stderr, "tcpscope: %s: %s\n", out != stdout ? o.out_path : "stdout", strerror(err));
		rc = EXIT_RUNTIME;
	}
	analyzer_free(a);
	if (use_view)
		view_free(&view);
	capture_close(cap);
	options_free(&o);
	return rc;
}
