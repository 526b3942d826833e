/* capture.c - the only module that talks to libpcap: offline files and live interfaces. */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Files are read through a stdio buffer of this size. libpcap's own fopen
 * gets one of the file system's block size (4 KiB): a read() per 4 KiB
 * costs a quarter of the bare read loop's time; 64 KiB still fits the L2
 * cache the copy goes through.
 */
#define CAPTURE_FILE_BUF 65536

struct capture {
	pcap_t *pcap;
	bool live;
	bool nano;     /* timestamps are in nanoseconds (else microseconds) */
	char *file_buf; /* the file's stdio buffer (NULL for stdin); freed after pcap_close */
	char err[PCAP_ERRBUF_SIZE + 64];
};

static void set_err(char *err, size_t errlen, const char *msg)
{
	if (errlen)
		snprintf(err, errlen, "%s", msg);
}

struct capture *capture_open_offline(const char *path, char *err, size_t errlen)
{
	/* stdin outlives the capture: its buffer must too */
	static char stdin_buf[CAPTURE_FILE_BUF];
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	/* "-" reads stdin, as in tcpdump. */
	bool is_stdin = strcmp(path, "-") == 0;
	struct capture *c = calloc(1, sizeof(*c));
	char *buf = is_stdin ? stdin_buf : malloc(CAPTURE_FILE_BUF);
	FILE *f = NULL;

	if (!c || !buf) {
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		set_err(err, errlen, strerror(errno));
		goto fail;
	}
	setvbuf(f, buf, _IOFBF, CAPTURE_FILE_BUF);
	/* Ask libpcap for nanoseconds whatever the file holds. */
	c->pcap = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (!c->pcap) {
		set_err(err, errlen, pcap_err[0] ? pcap_err : "cannot open capture");
		goto fail;
	}
	c->file_buf = is_stdin ? NULL : buf;
	c->nano = pcap_get_tstamp_precision(c->pcap) == PCAP_TSTAMP_PRECISION_NANO;
	return c;
fail:
	if (f && !is_stdin)
		fclose(f);
	if (!is_stdin)
		free(buf);
	free(c);
	return NULL;
}

/* A pcap_activate warning or error as one line. */
static void activate_message(pcap_t *p, int rc, char *err, size_t errlen)
{
	const char *detail = pcap_geterr(p);
	if (rc == PCAP_ERROR_NO_SUCH_DEVICE || rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR ||
	    rc == PCAP_ERROR_IFACE_NOT_UP)
		snprintf(err, errlen, "%s", detail && detail[0] ? detail : pcap_statustostr(rc));
	else
		snprintf(err, errlen, "%s", pcap_statustostr(rc));
}

struct capture *capture_open_live(const char *iface, int snaplen, int buffer_kib, char *err, size_t errlen)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = calloc(1, sizeof(*c));
	if (!c) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	c->live = true;
	c->pcap = pcap_create(iface, pcap_err);
	if (!c->pcap) {
		set_err(err, errlen, pcap_err);
		free(c);
		return NULL;
	}
	if (snaplen > 0)
		pcap_set_snaplen(c->pcap, snaplen);
	if (buffer_kib > 0)
		pcap_set_buffer_size(c->pcap, buffer_kib * 1024);
	pcap_set_promisc(c->pcap, 1);
	pcap_set_timeout(c->pcap, 100);
	/* Deliver packets as they arrive: the report and live view should not lag a buffer behind. */
	pcap_set_immediate_mode(c->pcap, 1);
	/* Nanoseconds where the platform offers them; microseconds otherwise. */
	pcap_set_tstamp_precision(c->pcap, PCAP_TSTAMP_PRECISION_NANO);
	int rc = pcap_activate(c->pcap);
	if (rc < 0) {
		activate_message(c->pcap, rc, err, errlen);
		pcap_close(c->pcap);
		free(c);
		return NULL;
	}
	if (pcap_setnonblock(c->pcap, 1, pcap_err) < 0) {
		set_err(err, errlen, pcap_err);
		pcap_close(c->pcap);
		free(c);
		return NULL;
	}
	c->nano = pcap_get_tstamp_precision(c->pcap) == PCAP_TSTAMP_PRECISION_NANO;
	return c;
}

bool capture_set_filter(struct capture *c, const char *expr, char *err, size_t errlen)
{
	struct bpf_program prog;
	if (pcap_compile(c->pcap, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		set_err(err, errlen, pcap_geterr(c->pcap));
		return false;
	}
	int rc = pcap_setfilter(c->pcap, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		set_err(err, errlen, pcap_geterr(c->pcap));
		return false;
	}
	return true;
}

int capture_linktype(const struct capture *c)
{
	/* pcap_datalink returns a DLT_ value; decode speaks LINKTYPE_ values. */
	int dlt = pcap_datalink(c->pcap);
	return dlt == DLT_RAW ? 101 : dlt;
}

const char *capture_linktype_name(int linktype)
{
	const char *name = pcap_datalink_val_to_name(linktype == 101 ? DLT_RAW : linktype);
	return name ? name : "unknown";
}

enum capture_status capture_next(struct capture *c, struct frame *f)
{
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int rc = pcap_next_ex(c->pcap, &hdr, &data);

	if (rc == 1) {
		uint64_t frac = (uint64_t)hdr->ts.tv_usec;
		f->ts_ns = (uint64_t)hdr->ts.tv_sec * 1000000000ull + (c->nano ? frac : frac * 1000ull);
		f->caplen = hdr->caplen;
		f->wire_len = hdr->len;
		f->data = data;
		return CAPTURE_FRAME;
	}
	if (rc == 0)
		return CAPTURE_NONE;
	if (rc == PCAP_ERROR_BREAK)
		return CAPTURE_EOF;
	snprintf(c->err, sizeof(c->err), "%s", pcap_geterr(c->pcap));
	return CAPTURE_ERROR;
}

const char *capture_error(const struct capture *c)
{
	return c->err;
}

int capture_fd(const struct capture *c)
{
	return c->live ? pcap_get_selectable_fd(c->pcap) : -1;
}

bool capture_stats(struct capture *c, struct capture_stats *out)
{
	struct pcap_stat ps;
	if (!c->live || pcap_stats(c->pcap, &ps) < 0)
		return false;
	out->received = ps.ps_recv;
	out->dropped = ps.ps_drop;
	out->if_dropped = ps.ps_ifdrop;
	return true;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	pcap_close(c->pcap); /* closes the file (not stdin) */
	free(c->file_buf);
	free(c);
}
