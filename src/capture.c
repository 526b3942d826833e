/* capture.c - the only module that talks to libpcap: offline files (one, or several merged in time order) and live interfaces. */
#include "capture.h"

#include <pcap/pcap.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "decompress.h"
#include "merge.h"
#include "pcapmap.h"
#include "pcapng.h"

/*
 * Files are read through a stdio buffer of 64 KiB (decompress.c keeps it):
 * libpcap's own fopen gets one of the file system's block size (4 KiB): a
 * read() per 4 KiB costs a quarter of the bare read loop's time; 64 KiB
 * still fits the L2 cache the copy goes through.
 *
 * Several files are merged behind capture_next: each input holds one
 * look-ahead frame, and the earliest (merge_pop) is handed on. A frame's
 * bytes live in its own handle's buffer, which libpcap reuses on that
 * handle's next read; the handle a frame came from is read again only at
 * the next capture_next, so the frame stays valid until then, and the other
 * inputs' look-ahead frames are not touched meanwhile.
 *
 * A plain classic pcap file (not stdin, not compressed) of a link type
 * whose bytes libpcap hands on as they are is read by pcapmap.c instead:
 * in place from a mapping, without libpcap's fread and copy (and the
 * batch's copy behind it, see frame.in_place). libpcap still opens it (its
 * checks and messages on the file header), compiles the filter and reads
 * any irregular record and all after it (pcapmap.h).
 */
struct capture_input {
	pcap_t *pcap;
	struct decompress *dz; /* files: the stream's state, freed after pcap_close; NULL live */
	int raw_fd;     /* a regular file's descriptor, for capture_progress; -1: not a regular file (a pipe) */
	uint64_t raw_size;
	char *name;
	bool nano;      /* timestamps are in nanoseconds (else microseconds) */
	bool ended;     /* end of file, or stopped by damage (error set) */
	int linktype;
	struct frame next; /* the look-ahead frame while the input is in the merge */
	char *error;    /* why it stopped early; NULL if it did not */
	struct pcap_map *map;  /* read in place up to map_left; NULL: libpcap reads */
	bool map_left;         /* libpcap reads on from the record the map left to it */
	bool map_filtered;     /* map_filter holds the filter, applied to mapped frames */
	struct bpf_program map_filter;
	/* a pcapng libpcap declined, read on by pcapng.c (see switch_to_pcapng) */
	struct pcapng_reader *ng;
	FILE *ng_file;
	uint64_t ng_skip;  /* bytes libpcap had read: its packets were handed on */
	struct ng_filter {
		int linktype;
		bool usable;   /* the filter compiled for this link type */
		struct bpf_program prog;
	} ng_filters[8];
	unsigned ng_nfilters;
};

struct capture {
	struct capture_input *inputs;
	size_t n;
	struct merge merge;  /* the inputs holding a look-ahead frame, by its time */
	bool merge_started;  /* every input has been read once */
	size_t handed_on;    /* the input whose frame capture_next returned last: read it next time */
	bool damaged;        /* an input stopped at damage */
	bool live;
	char *filter;        /* the filter expression, for inputs read by pcapng.c */
	/* clock faults: see capture_next */
	bool clock_set;
	uint64_t clock_ns;   /* the latest trusted frame time */
	uint64_t clock_faults;
	uint8_t *held;       /* a copy of the frame found too far ahead, while the next one is read */
	size_t held_size;
	bool has_pending;    /* the frame read after it, handed on at the next call */
	enum capture_status pending_status;
	struct frame pending;
	char err[PCAP_ERRBUF_SIZE + 300];
};

static void set_err(char *err, size_t errlen, const char *msg)
{
	if (errlen)
		snprintf(err, errlen, "%s", msg);
}

/* pcap_datalink returns a DLT_ value; decode speaks LINKTYPE_ values. */
static int linktype_of(pcap_t *p)
{
	int dlt = pcap_datalink(p);
	return dlt == DLT_RAW ? 101 : dlt;
}

static struct capture *capture_alloc(size_t n)
{
	struct capture *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->inputs = calloc(n, sizeof(*c->inputs));
	if (!c->inputs || !merge_init(&c->merge, n)) {
		free(c->inputs);
		free(c);
		return NULL;
	}
	c->n = n;
	c->handed_on = MERGE_NONE;
	return c;
}

/*
 * Link types whose frames libpcap hands on unchanged (it rewrites some
 * pseudo-headers of files from a host of the other byte order: USB, NFLOG,
 * and CAN inside Linux cooked captures).
 */
static bool linktype_read_as_is(int linktype, bool swapped)
{
	switch (linktype) {
	case 0:   /* NULL */
	case 1:   /* ETHERNET */
	case 101: /* RAW */
	case 108: /* LOOP */
	case 228: /* IPV4 */
	case 229: /* IPV6 */
		return true;
	case 113: /* LINUX_SLL */
	case 276: /* LINUX_SLL2 */
		return !swapped;
	default:
		return false;
	}
}

/* A plain classic pcap file libpcap has opened: read it in place from now on, when pcapmap takes it. */
static void try_map(struct capture_input *in)
{
	FILE *f = pcap_file(in->pcap);
	if (strcmp(in->name, "-") == 0 || !in->dz || decompress_format(in->dz) || !f ||
	    !linktype_read_as_is(in->linktype, pcap_is_swapped(in->pcap)) || pcap_snapshot(in->pcap) <= 0)
		return;
	in->map = pcap_map_open(fileno(f), (uint32_t)pcap_snapshot(in->pcap), in->linktype);
}

/* Open one file into in (name already set). */
static bool open_file(struct capture_input *in, char *err, size_t errlen)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	FILE *f;
	in->dz = decompress_open(in->name, &f, err, errlen);
	if (!in->dz)
		return false;
	/* Ask libpcap for nanoseconds whatever the file holds. */
	in->pcap = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (!in->pcap) {
		const char *why = decompress_error(in->dz);
		const char *format = decompress_format(in->dz);
		if (why)
			snprintf(err, errlen, "%s", why);
		else if (format)
			snprintf(err, errlen, "%s (in the %s data)", pcap_err[0] ? pcap_err : "cannot open capture", format);
		else
			set_err(err, errlen, pcap_err[0] ? pcap_err : "cannot open capture");
		fclose(f);
		decompress_free(in->dz);
		in->dz = NULL;
		return false;
	}
	in->nano = pcap_get_tstamp_precision(in->pcap) == PCAP_TSTAMP_PRECISION_NANO;
	in->linktype = linktype_of(in->pcap);
	try_map(in);
	struct stat st;
	in->raw_fd = fstat(decompress_raw_fd(in->dz), &st) == 0 && S_ISREG(st.st_mode) ? decompress_raw_fd(in->dz) : -1;
	in->raw_size = in->raw_fd >= 0 ? (uint64_t)st.st_size : 0;
	return true;
}

/* Device and inode of a path ("-": stdin), to refuse the same file twice. */
static bool file_identity(const char *path, struct stat *st)
{
	return strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, st) == 0 : stat(path, st) == 0;
}

/* Is paths[i] the same file as an earlier one? Then says which in err. */
static bool given_before(const char *const *paths, size_t i, char *err, size_t errlen)
{
	struct stat si, sj;
	if (!file_identity(paths[i], &si))
		return false; /* opening it names the problem */
	for (size_t j = 0; j < i; j++) {
		if (file_identity(paths[j], &sj) && si.st_dev == sj.st_dev && si.st_ino == sj.st_ino) {
			snprintf(err, errlen, "the same file as the input %s given before; each file is read once",
				 paths[j]);
			return true;
		}
	}
	return false;
}

struct capture *capture_open_files(const char *const *paths, size_t n, size_t *failed, char *err,
				   size_t errlen)
{
	size_t dummy;
	if (!failed)
		failed = &dummy;
	*failed = 0;
	struct capture *c = n ? capture_alloc(n) : NULL;
	if (!c) {
		set_err(err, errlen, n ? "out of memory" : "no input");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		*failed = i;
		c->inputs[i].name = strdup(paths[i]);
		if (!c->inputs[i].name) {
			set_err(err, errlen, "out of memory");
			goto fail;
		}
		if (given_before(paths, i, err, errlen) || !open_file(&c->inputs[i], err, errlen))
			goto fail;
	}
	return c;
fail:
	capture_close(c);
	return NULL;
}

struct capture *capture_open_offline(const char *path, char *err, size_t errlen)
{
	return capture_open_files(&path, 1, NULL, err, errlen);
}

/* A pcap_activate warning or error as one line. */
static void activate_message(pcap_t *p, int rc, char *err, size_t errlen)
{
	const char *detail = pcap_geterr(p);
	if (rc == PCAP_ERROR_PERM_DENIED) /* say what would do */
		snprintf(err, errlen, "%s; live capture needs root or the CAP_NET_RAW capability (and "
			 "CAP_NET_ADMIN for promiscuous mode): run it as root (it drops to -Z USER once the "
			 "interface is open), or grant them to the program: setcap cap_net_raw,cap_net_admin=eip tcpscope",
			 detail && detail[0] ? detail : pcap_statustostr(rc));
	else if (rc == PCAP_ERROR_NO_SUCH_DEVICE || rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR ||
	    rc == PCAP_ERROR_IFACE_NOT_UP)
		snprintf(err, errlen, "%s", detail && detail[0] ? detail : pcap_statustostr(rc));
	else
		snprintf(err, errlen, "%s", pcap_statustostr(rc));
}

struct capture *capture_open_live(const char *iface, int snaplen, int buffer_kib, char *err, size_t errlen)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = capture_alloc(1);
	struct capture_input *in = c ? &c->inputs[0] : NULL;
	if (!c || !(in->name = strdup(iface))) {
		set_err(err, errlen, "out of memory");
		capture_close(c);
		return NULL;
	}
	c->live = true;
	in->pcap = pcap_create(iface, pcap_err);
	if (!in->pcap) {
		set_err(err, errlen, pcap_err);
		capture_close(c);
		return NULL;
	}
	if (snaplen > 0)
		pcap_set_snaplen(in->pcap, snaplen);
	if (buffer_kib > 0)
		pcap_set_buffer_size(in->pcap, buffer_kib * 1024);
	pcap_set_promisc(in->pcap, 1);
	/*
	 * Packets come in blocks the kernel hands over when full or after this
	 * many milliseconds: soon enough for records and the view (a second at
	 * most), and cheap. Immediate mode would deliver each packet at once,
	 * but on Linux it takes TPACKET_V2's ring of fixed slots of the snaplen
	 * (256 KiB by default): 8 slots in the 2 MiB buffer, and a capture at
	 * 40k packets/s lost a fifth of them where tcpdump lost none.
	 */
	pcap_set_timeout(in->pcap, 50);
	/* Nanoseconds where the platform offers them; microseconds otherwise. */
	pcap_set_tstamp_precision(in->pcap, PCAP_TSTAMP_PRECISION_NANO);
	int rc = pcap_activate(in->pcap);
	if (rc < 0) {
		activate_message(in->pcap, rc, err, errlen);
		capture_close(c);
		return NULL;
	}
	if (pcap_setnonblock(in->pcap, 1, pcap_err) < 0) {
		set_err(err, errlen, pcap_err);
		capture_close(c);
		return NULL;
	}
	in->nano = pcap_get_tstamp_precision(in->pcap) == PCAP_TSTAMP_PRECISION_NANO;
	in->linktype = linktype_of(in->pcap);
	return c;
}

/* A mapped input filters its frames itself (pcap_offline_filter, what libpcap applies in pcap_next_ex): it keeps prog. */
static void keep_for_map(struct capture_input *in, struct bpf_program *prog)
{
	if (in->map_filtered)
		pcap_freecode(&in->map_filter);
	in->map_filtered = false;
	if (in->map) {
		in->map_filter = *prog;
		in->map_filtered = true;
	} else {
		pcap_freecode(prog);
	}
}

bool capture_set_filter(struct capture *c, const char *expr, char *err, size_t errlen)
{
	free(c->filter);
	c->filter = strdup(expr);
	/* Compiled per input: inputs of different link types need different programs. */
	for (size_t i = 0; i < c->n; i++) {
		pcap_t *p = c->inputs[i].pcap;
		struct bpf_program prog;
		int rc = pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN);
		if (rc == 0) {
			rc = pcap_setfilter(p, &prog);
			keep_for_map(&c->inputs[i], &prog);
		}
		if (rc < 0) {
			/* with several inputs, say which one it does not fit (its link type may be why) */
			if (c->n > 1 && errlen)
				snprintf(err, errlen, "%s: %s", c->inputs[i].name, pcap_geterr(p));
			else
				set_err(err, errlen, pcap_geterr(p));
			return false;
		}
	}
	return true;
}

int capture_linktype(const struct capture *c)
{
	return c->inputs[0].linktype;
}

size_t capture_input_count(const struct capture *c)
{
	return c->n;
}

const char *capture_input_name(const struct capture *c, size_t i)
{
	return i < c->n ? c->inputs[i].name : "";
}

int capture_input_linktype(const struct capture *c, size_t i)
{
	return i < c->n ? c->inputs[i].linktype : -1;
}

bool capture_input_is_pcapng(const struct capture *c, size_t i)
{
	const struct capture_input *in = &c->inputs[i];
	/* libpcap reports version 1.0 for pcapng (pcap files are 2.x) */
	return !c->live && (in->ng || (in->pcap && pcap_major_version(in->pcap) == 1));
}

const char *capture_input_error(const struct capture *c, size_t i)
{
	return i < c->n ? c->inputs[i].error : NULL;
}

const char *capture_linktype_name(int linktype)
{
	const char *name = pcap_datalink_val_to_name(linktype == 101 ? DLT_RAW : linktype);
	return name ? name : "unknown";
}

/* Note why input in stopped early; the capture's error is the first one. */
static void input_failed_because(struct capture *c, struct capture_input *in, const char *why)
{
	in->ended = true;
	if (in->error)
		return;
	in->error = strdup(why ? why : pcap_geterr(in->pcap));
	if (!in->error)
		in->error = strdup("out of memory");
	if (!c->err[0] || c->n == 1)
		snprintf(c->err, sizeof(c->err), "%s", in->error ? in->error : "out of memory");
}

static void input_failed(struct capture *c, struct capture_input *in)
{
	/* A decompressor's reason says more than libpcap's "error reading dump file". */
	const char *why = in->dz ? decompress_error(in->dz) : NULL;
	input_failed_because(c, in, why);
}

/*
 * A pcap record's seconds are an unsigned 32-bit field (good until 2106),
 * but libpcap reads them into a signed 32-bit value: from 2038-01-19 on,
 * tv_sec comes negative. Read back as unsigned, as tshark does. pcapng's
 * 64-bit timestamps come whole and positive.
 */
static uint64_t frame_seconds(time_t sec)
{
	return sec < 0 ? (uint64_t)(uint32_t)sec : (uint64_t)sec;
}

/*
 * libpcap stops at an interface whose link type or snapshot length differs
 * from the first one's. A plain file (not stdin, not compressed: it can be
 * read again from its start) is then read on by pcapng.c: from the start,
 * passing over the packets that end before the point libpcap had reached
 * (they were handed on), each later frame with its own interface's link
 * type. True when it switched.
 */
static bool switch_to_pcapng(struct capture_input *in)
{
	const char *why = pcap_geterr(in->pcap);
	if (!strstr(why, "an interface has a") || !strstr(why, "different from") || strcmp(in->name, "-") == 0 ||
	    !in->dz || decompress_format(in->dz))
		return false;
	long at = ftell(pcap_file(in->pcap));
	if (at < 0)
		return false;
	in->ng_file = fopen(in->name, "rb");
	if (!in->ng_file)
		return false;
	in->ng = pcapng_open(in->ng_file);
	if (!in->ng) {
		fclose(in->ng_file);
		in->ng_file = NULL;
		return false;
	}
	in->ng_skip = (uint64_t)at;
	return true;
}

/* Does the filter (compiled for the frame's link type on first need) take f? No filter: yes. */
static bool ng_filter_takes(const struct capture *c, struct capture_input *in, const struct frame *f)
{
	if (!c->filter)
		return true;
	struct ng_filter *nf = NULL;
	for (unsigned i = 0; i < in->ng_nfilters; i++)
		if (in->ng_filters[i].linktype == f->linktype)
			nf = &in->ng_filters[i];
	if (!nf) {
		if (in->ng_nfilters == sizeof(in->ng_filters) / sizeof(in->ng_filters[0]))
			return false; /* more link types than any real file: not taken */
		nf = &in->ng_filters[in->ng_nfilters++];
		nf->linktype = f->linktype;
		pcap_t *dead = pcap_open_dead(f->linktype == 101 ? DLT_RAW : f->linktype, 262144);
		nf->usable = dead && pcap_compile(dead, &nf->prog, c->filter, 1, PCAP_NETMASK_UNKNOWN) == 0;
		if (dead)
			pcap_close(dead);
	}
	if (!nf->usable)
		return false; /* the expression means nothing for this link type: as tcpdump, nothing matches */
	struct pcap_pkthdr h = {.caplen = f->caplen, .len = f->wire_len};
	return pcap_offline_filter(&nf->prog, &h, f->data) != 0;
}

/* The next frame of an input read by pcapng.c. */
static enum capture_status read_pcapng(struct capture *c, struct capture_input *in, struct frame *f)
{
	for (;;) {
		int rc = pcapng_next(in->ng, f, in->ng_skip);
		if (rc == 0) {
			in->ended = true;
			return CAPTURE_EOF;
		}
		if (rc < 0) {
			in->ended = true;
			if (!in->error)
				in->error = strdup(pcapng_error(in->ng) ? pcapng_error(in->ng) : "pcapng: read error");
			if (!c->err[0] || c->n == 1)
				snprintf(c->err, sizeof(c->err), "%s", in->error ? in->error : "out of memory");
			return CAPTURE_ERROR;
		}
		f->in_place = false;
		if (ng_filter_takes(c, in, f))
			return CAPTURE_FRAME;
	}
}

/*
 * The next frame of a mapped input that the filter takes. CAPTURE_NONE: the
 * map left the rest to libpcap, from the record at pcap_map_offset on.
 */
static enum capture_status read_mapped(struct capture_input *in, struct frame *f)
{
	for (;;) {
		enum pcap_map_status st = pcap_map_next(in->map, f);
		if (st == PCAP_MAP_END) {
			in->ended = true;
			return CAPTURE_EOF;
		}
		if (st == PCAP_MAP_IRREGULAR) {
			in->map_left = true;
			return CAPTURE_NONE;
		}
		struct pcap_pkthdr h = {.caplen = f->caplen, .len = f->wire_len};
		if (!in->map_filtered || pcap_offline_filter(&in->map_filter, &h, f->data))
			return CAPTURE_FRAME;
	}
}

/* The next frame of one input. */
static enum capture_status read_input(struct capture *c, struct capture_input *in, struct frame *f)
{
	struct pcap_pkthdr *hdr;
	const u_char *data;
	if (in->ended)
		return in->error ? CAPTURE_ERROR : CAPTURE_EOF;
	if (in->ng)
		return read_pcapng(c, in, f);
	if (in->map && !in->map_left) {
		enum capture_status st = read_mapped(in, f);
		if (st != CAPTURE_NONE)
			return st;
		/* libpcap reads on from the record the map left (its stream is still at the file header's end) */
		if (fseeko(pcap_file(in->pcap), (off_t)pcap_map_offset(in->map), SEEK_SET) != 0) {
			input_failed_because(c, in, strerror(errno));
			return CAPTURE_ERROR;
		}
	}
	int rc = pcap_next_ex(in->pcap, &hdr, &data);

	if (rc == 1) {
		uint64_t frac = (uint64_t)hdr->ts.tv_usec;
		f->ts_ns = frame_seconds(hdr->ts.tv_sec) * 1000000000ull + (in->nano ? frac : frac * 1000ull);
		f->caplen = hdr->caplen;
		f->wire_len = hdr->len;
		f->data = data;
		f->linktype = in->linktype;
		f->in_place = false;
		return CAPTURE_FRAME;
	}
	if (rc == 0)
		return CAPTURE_NONE;
	/* A clean end for libpcap may still be a compressed stream cut at a record boundary. */
	if (rc == PCAP_ERROR_BREAK && !(in->dz && decompress_error(in->dz))) {
		in->ended = true;
		return CAPTURE_EOF;
	}
	if (rc == PCAP_ERROR && switch_to_pcapng(in))
		return read_pcapng(c, in, f);
	input_failed(c, in);
	return CAPTURE_ERROR;
}

/* Read input i's next frame into its look-ahead and put it in the merge. */
static void refill(struct capture *c, size_t i)
{
	struct capture_input *in = &c->inputs[i];
	/* files have a frame, an end or an error: never CAPTURE_NONE */
	if (read_input(c, in, &in->next) == CAPTURE_FRAME)
		merge_push(&c->merge, i, in->next.ts_ns);
	else if (in->error)
		c->damaged = true;
}

/*
 * Several files: the earliest look-ahead frame. Only the input whose frame
 * was handed on at the last call is read now (its buffer may be reused from
 * this point); the others' frames stay where libpcap put them.
 */
static enum capture_status merge_next(struct capture *c, struct frame *f)
{
	if (!c->merge_started) {
		c->merge_started = true;
		for (size_t i = 0; i < c->n; i++)
			refill(c, i);
	} else if (c->handed_on != MERGE_NONE) {
		refill(c, c->handed_on);
	}
	c->handed_on = merge_pop(&c->merge);
	if (c->handed_on == MERGE_NONE)
		return c->damaged ? CAPTURE_ERROR : CAPTURE_EOF;
	*f = c->inputs[c->handed_on].next;
	return CAPTURE_FRAME;
}

static enum capture_status next_raw(struct capture *c, struct frame *f)
{
	if (c->has_pending) {
		c->has_pending = false;
		*f = c->pending;
		return c->pending_status;
	}
	return c->n == 1 ? read_input(c, &c->inputs[0], f) : merge_next(c, f);
}

static bool far_apart(uint64_t a, uint64_t b)
{
	return (a > b ? a - b : b - a) > CAPTURE_CLOCK_JUMP_NS;
}

/*
 * A frame stamped more than CAPTURE_CLOCK_JUMP_NS after the latest trusted
 * time is suspect: a corrupt record or a clock set wrong for a moment, which
 * taken as time passing would expire every open connection at once. The
 * frame after it decides: when that one is just as far ahead (within the
 * bound of it), time did move on (a pause, a gap between merged files) and
 * the suspect is trusted; otherwise the suspect is a clock fault, counted
 * and handed on with the latest trusted time. The suspect's bytes are
 * copied first (reading the next frame may reuse libpcap's buffer); the
 * next frame is handed on at the following call, before anything is read.
 * Earlier times (a clock stepped back, reordering) pass as they are. Live
 * capture is stamped by the kernel's clock and is not checked.
 */
enum capture_status capture_next(struct capture *c, struct frame *f)
{
	enum capture_status st = next_raw(c, f);
	if (st != CAPTURE_FRAME || c->live)
		return st;
	if (!c->clock_set || f->ts_ns <= c->clock_ns || !far_apart(f->ts_ns, c->clock_ns)) {
		c->clock_set = true;
		if (f->ts_ns > c->clock_ns)
			c->clock_ns = f->ts_ns;
		return st;
	}
	if (f->in_place)
		goto look_ahead; /* its bytes stay where they are */
	if (f->caplen > c->held_size) {
		uint8_t *h = realloc(c->held, f->caplen);
		if (!h) { /* no room to look ahead: take it as a fault */
			c->clock_faults++;
			f->ts_ns = c->clock_ns;
			return st;
		}
		c->held = h;
		c->held_size = f->caplen;
	}
	if (f->caplen)
		memcpy(c->held, f->data, f->caplen);
	f->data = c->held;
look_ahead:
	c->pending_status = next_raw(c, &c->pending);
	c->has_pending = true;
	if (c->pending_status == CAPTURE_FRAME && !far_apart(c->pending.ts_ns, f->ts_ns)) {
		c->clock_ns = f->ts_ns; /* confirmed: time moved on */
	} else {
		c->clock_faults++;
		f->ts_ns = c->clock_ns;
	}
	return st;
}

uint64_t capture_clock_faults(const struct capture *c)
{
	return c->clock_faults;
}

enum capture_status capture_next_wait(struct capture *c, struct frame *f, int timeout_ms)
{
	enum capture_status st = capture_next(c, f);
	int fd = capture_fd(c);
	if (st != CAPTURE_NONE || fd < 0)
		return st;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return CAPTURE_NONE;
	return capture_next(c, f);
}

const char *capture_error(const struct capture *c)
{
	return c->err;
}

int capture_fd(const struct capture *c)
{
	return c->live ? pcap_get_selectable_fd(c->inputs[0].pcap) : -1;
}

bool capture_stats(struct capture *c, struct capture_stats *out)
{
	struct pcap_stat ps;
	if (!c->live || pcap_stats(c->inputs[0].pcap, &ps) < 0)
		return false;
	out->received = ps.ps_recv;
	out->dropped = ps.ps_drop;
	out->if_dropped = ps.ps_ifdrop;
	return true;
}

bool capture_progress(const struct capture *c, uint64_t *done, uint64_t *total)
{
	*done = *total = 0;
	for (size_t i = 0; !c->live && i < c->n; i++) {
		const struct capture_input *in = &c->inputs[i];
		off_t at = in->raw_fd >= 0 ? lseek(in->raw_fd, 0, SEEK_CUR) : -1;
		if (at < 0)
			return false;
		/* A mapped file is read from the mapping; libpcap's descriptor
		 * moves only once the map leaves it an irregular record. */
		uint64_t mapped = in->map ? pcap_map_bytes_read(in->map) : 0;
		uint64_t read = mapped > (uint64_t)at ? mapped : (uint64_t)at;
		*done += read < in->raw_size ? read : in->raw_size;
		*total += in->raw_size;
	}
	return !c->live;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct capture_input *in = &c->inputs[i];
		if (in->pcap)
			pcap_close(in->pcap); /* closes the file's stream */
		decompress_free(in->dz);  /* after the stream it feeds */
		free(in->name);
		free(in->error);
		pcapng_free(in->ng);
		if (in->ng_file)
			fclose(in->ng_file);
		for (unsigned k = 0; k < in->ng_nfilters; k++)
			if (in->ng_filters[k].usable)
				pcap_freecode(&in->ng_filters[k].prog);
		if (in->map_filtered)
			pcap_freecode(&in->map_filter);
		pcap_map_close(in->map);
	}
	free(c->inputs);
	merge_free(&c->merge);
	free(c->held);
	free(c->filter);
	free(c);
}
