/* pcapout.c - write frames to a pcap (nanosecond) or pcapng file, as libpcap and Wireshark read them. */
#include "pcapout.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCAP_NSEC_MAGIC 0xa1b23c4du
#define PCAP_SNAPLEN 262144u
#define PCAPNG_SHB 0x0a0d0d0au
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_EPB 0x00000006u
#define PCAPNG_BYTE_ORDER 0x1a2b3c4du
#define PCAPNG_OPT_TSRESOL 9
#define IFACES_MAX 16

struct pcap_out {
	FILE *f;
	bool pcapng;
	bool header_written;      /* pcap: the file header waits for the first frame's link type */
	int linktype;             /* pcap: the file's */
	int iface_linktype[IFACES_MAX]; /* pcapng: interface i's link type */
	unsigned nifaces;
	unsigned long long count;
	char error[160];
};

/* Fields are written in this machine's byte order: the magic numbers tell readers which it is. */
static bool put32(struct pcap_out *o, uint32_t v)
{
	return fwrite(&v, sizeof(v), 1, o->f) == 1;
}

static bool put16(struct pcap_out *o, uint16_t v)
{
	return fwrite(&v, sizeof(v), 1, o->f) == 1;
}

static bool write_failed(struct pcap_out *o)
{
	snprintf(o->error, sizeof(o->error), "%s", strerror(errno ? errno : EIO));
	return false;
}

/* Section header: byte-order magic, version 1.0, section length unknown (-1), no options. */
static bool pcapng_section(struct pcap_out *o)
{
	const uint32_t len = 28;
	return put32(o, PCAPNG_SHB) && put32(o, len) && put32(o, PCAPNG_BYTE_ORDER) && put16(o, 1) &&
	       put16(o, 0) && put32(o, 0xffffffffu) && put32(o, 0xffffffffu) && put32(o, len);
}

/* Interface description: link type, no snaplen bound, if_tsresol = 9 (nanoseconds), end of options. */
static bool pcapng_interface(struct pcap_out *o, int linktype)
{
	const uint32_t len = 20 + 8 + 4;
	uint8_t resol[4] = {PCAPNG_OPT_TSRESOL, 0, 0, 0};
	return put32(o, PCAPNG_IDB) && put32(o, len) && put16(o, (uint16_t)linktype) && put16(o, 0) &&
	       put32(o, 0) && put16(o, PCAPNG_OPT_TSRESOL) && put16(o, 1) &&
	       fwrite(resol, 1, sizeof(resol), o->f) == sizeof(resol) && put32(o, 0) && put32(o, len);
}

struct pcap_out *pcap_out_open(const char *path, bool pcapng, char *err, size_t errlen)
{
	struct pcap_out *o = calloc(1, sizeof(*o));
	if (!o) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	o->pcapng = pcapng;
	o->f = fopen(path, "wb");
	if (!o->f) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(o);
		return NULL;
	}
	if (pcapng && !pcapng_section(o)) {
		snprintf(err, errlen, "%s", strerror(errno ? errno : EIO));
		fclose(o->f);
		free(o);
		return NULL;
	}
	return o;
}

/* pcapng: the interface for linktype, described on first use; -1 when there are too many. */
static int iface_of(struct pcap_out *o, int linktype)
{
	for (unsigned i = 0; i < o->nifaces; i++)
		if (o->iface_linktype[i] == linktype)
			return (int)i;
	if (o->nifaces == IFACES_MAX) {
		snprintf(o->error, sizeof(o->error), "more than %d link types", IFACES_MAX);
		return -1;
	}
	if (!pcapng_interface(o, linktype)) {
		write_failed(o);
		return -1;
	}
	o->iface_linktype[o->nifaces] = linktype;
	return (int)o->nifaces++;
}

static bool pcapng_frame(struct pcap_out *o, const struct frame *f)
{
	int iface = iface_of(o, f->linktype);
	if (iface < 0)
		return false;
	static const uint8_t zeros[4];
	uint32_t pad = (4u - (f->caplen & 3u)) & 3u;
	uint32_t len = 32 + f->caplen + pad;
	if (!put32(o, PCAPNG_EPB) || !put32(o, len) || !put32(o, (uint32_t)iface) ||
	    !put32(o, (uint32_t)(f->ts_ns >> 32)) || !put32(o, (uint32_t)f->ts_ns) || !put32(o, f->caplen) ||
	    !put32(o, f->wire_len) || fwrite(f->data, 1, f->caplen, o->f) != f->caplen ||
	    fwrite(zeros, 1, pad, o->f) != pad || !put32(o, len))
		return write_failed(o);
	return true;
}

static bool pcap_frame(struct pcap_out *o, const struct frame *f)
{
	if (!o->header_written) {
		o->linktype = f->linktype;
		if (!put32(o, PCAP_NSEC_MAGIC) || !put16(o, 2) || !put16(o, 4) || !put32(o, 0) || !put32(o, 0) ||
		    !put32(o, PCAP_SNAPLEN) || !put32(o, (uint32_t)f->linktype))
			return write_failed(o);
		o->header_written = true;
	} else if (f->linktype != o->linktype) {
		snprintf(o->error, sizeof(o->error),
			 "frames of link types %d and %d: a pcap file holds one (a pcapng input is exported as pcapng)",
			 o->linktype, f->linktype);
		return false;
	}
	if (!put32(o, (uint32_t)(f->ts_ns / 1000000000u)) || !put32(o, (uint32_t)(f->ts_ns % 1000000000u)) ||
	    !put32(o, f->caplen) || !put32(o, f->wire_len) || fwrite(f->data, 1, f->caplen, o->f) != f->caplen)
		return write_failed(o);
	return true;
}

bool pcap_out_frame(struct pcap_out *o, const struct frame *f)
{
	bool ok = o->pcapng ? pcapng_frame(o, f) : pcap_frame(o, f);
	o->count += ok;
	return ok;
}

unsigned long long pcap_out_count(const struct pcap_out *o)
{
	return o->count;
}

const char *pcap_out_error(const struct pcap_out *o)
{
	return o->error;
}

int pcap_out_close(struct pcap_out *o, char *err, size_t errlen)
{
	int rc = 0;
	/* No frame selected: still a valid, empty capture file (pcap: Ethernet). */
	if (!o->pcapng && !o->header_written) {
		struct frame none = {.linktype = 1};
		o->header_written = true;
		o->linktype = none.linktype;
		if (!put32(o, PCAP_NSEC_MAGIC) || !put16(o, 2) || !put16(o, 4) || !put32(o, 0) || !put32(o, 0) ||
		    !put32(o, PCAP_SNAPLEN) || !put32(o, 1))
			rc = -1;
	}
	errno = 0;
	if (fclose(o->f) != 0 || rc < 0) {
		snprintf(err, errlen, "%s", strerror(errno ? errno : EIO));
		rc = -1;
	}
	free(o);
	return rc;
}
