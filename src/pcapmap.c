/* pcapmap.c - classic pcap records in place from a read-only mapping; pages far behind the reader given back. */
#include "pcapmap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytes.h"

#define FILE_HEADER_LEN 24u
#define RECORD_HEADER_LEN 16u
/* Pages behind the oldest valid frame are given back in steps of this much (one madvise per step). */
#define RELEASE_STEP ((size_t)512 << 10)

struct pcap_map {
	const uint8_t *base;
	size_t size;
	size_t off;          /* the next record */
	bool mapped;         /* base is our mapping of size bytes */
	bool big_endian;     /* the file's byte order, from its magic */
	bool nano;           /* fractions are nanoseconds (else microseconds) */
	uint32_t snapshot;
	int linktype;
	uint64_t frames;     /* handed on so far */
	uint64_t read_mark;  /* off, published for pcap_map_bytes_read on another thread */
	size_t released;     /* bytes before this offset are unmapped (page aligned) */
	size_t page;
	uint64_t starts[PCAP_MAP_KEEP_FRAMES]; /* starts[k % KEEP]: offset of frame k's record */
};

static uint32_t get32(const struct pcap_map *m, size_t at)
{
	const uint8_t *p = m->base + at;
	return m->big_endian ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
			     : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The file header: byte order and precision from the magic, version 2.4 only. */
static bool read_file_header(struct pcap_map *m)
{
	struct byte_reader r;
	uint32_t magic;
	uint16_t major, minor;
	br_init(&r, m->base, m->size);
	if (!br_u32be(&r, &magic))
		return false;
	switch (magic) {
	case 0xa1b2c3d4u: m->big_endian = true; m->nano = false; break;
	case 0xa1b23c4du: m->big_endian = true; m->nano = true; break;
	case 0xd4c3b2a1u: m->big_endian = false; m->nano = false; break;
	case 0x4d3cb2a1u: m->big_endian = false; m->nano = true; break;
	default: return false;
	}
	if (!br_u16be(&r, &major) || !br_u16be(&r, &minor))
		return false;
	if (!m->big_endian) {
		major = (uint16_t)(major >> 8 | major << 8);
		minor = (uint16_t)(minor >> 8 | minor << 8);
	}
	if (major != 2 || minor != 4 || m->size < FILE_HEADER_LEN)
		return false;
	m->off = FILE_HEADER_LEN;
	return true;
}

static struct pcap_map *map_new(const uint8_t *bytes, size_t len, uint32_t snapshot, int linktype)
{
	struct pcap_map *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->base = bytes;
	m->size = len;
	m->snapshot = snapshot;
	m->linktype = linktype;
	long page = sysconf(_SC_PAGESIZE);
	m->page = page > 0 ? (size_t)page : 4096;
	if (!read_file_header(m)) {
		free(m);
		return NULL;
	}
	return m;
}

struct pcap_map *pcap_map_of_bytes(const uint8_t *bytes, size_t len, uint32_t snapshot, int linktype)
{
	return map_new(bytes, len, snapshot, linktype);
}

struct pcap_map *pcap_map_open(int fd, uint32_t snapshot, int linktype)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)FILE_HEADER_LEN ||
	    (uintmax_t)st.st_size > SIZE_MAX)
		return NULL;
	size_t len = (size_t)st.st_size;
	void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_SEQUENTIAL); /* a hint: read-ahead, and pages read may go soon */
	struct pcap_map *m = map_new(p, len, snapshot, linktype);
	if (!m) {
		munmap(p, len);
		return NULL;
	}
	m->mapped = true;
	return m;
}

/*
 * Frames older than the last PCAP_MAP_KEEP_FRAMES are no longer anyone's:
 * unmap the whole pages before the oldest one still valid. A private
 * read-only file mapping refaults from the file if touched again.
 */
static void give_back_old_pages(struct pcap_map *m)
{
	if (!m->mapped || m->frames < PCAP_MAP_KEEP_FRAMES)
		return;
	uint64_t oldest_valid = m->starts[m->frames % PCAP_MAP_KEEP_FRAMES];
	size_t upto = (size_t)oldest_valid & ~(m->page - 1);
	if (upto < m->released + RELEASE_STEP)
		return;
	madvise((void *)(m->base + m->released), upto - m->released, MADV_DONTNEED);
	m->released = upto;
}

enum pcap_map_status pcap_map_next(struct pcap_map *m, struct frame *f)
{
	size_t left = m->size - m->off;
	if (left == 0)
		return PCAP_MAP_END;
	if (left < RECORD_HEADER_LEN)
		return PCAP_MAP_IRREGULAR; /* libpcap: "truncated dump file; tried to read 16 header bytes ..." */
	uint32_t caplen = get32(m, m->off + 8);
	if (caplen > m->snapshot || caplen > left - RECORD_HEADER_LEN)
		return PCAP_MAP_IRREGULAR; /* cut, rejected or cut short: libpcap's own words and rules */
	uint32_t sec = get32(m, m->off);
	int64_t frac = (int32_t)get32(m, m->off + 4);
	if (!m->nano)
		frac *= 1000;
	f->ts_ns = (uint64_t)sec * 1000000000ull + (uint64_t)frac;
	f->caplen = caplen;
	f->wire_len = get32(m, m->off + 12);
	f->data = m->base + m->off + RECORD_HEADER_LEN;
	f->linktype = m->linktype;
	f->in_place = true;
	m->starts[m->frames % PCAP_MAP_KEEP_FRAMES] = m->off;
	m->frames++;
	m->off += RECORD_HEADER_LEN + caplen;
	__atomic_store_n(&m->read_mark, (uint64_t)m->off, __ATOMIC_RELAXED);
	give_back_old_pages(m);
	return PCAP_MAP_FRAME;
}

uint64_t pcap_map_offset(const struct pcap_map *m)
{
	return m->off;
}

uint64_t pcap_map_bytes_read(const struct pcap_map *m)
{
	return __atomic_load_n(&m->read_mark, __ATOMIC_RELAXED);
}

uint64_t pcap_map_size(const struct pcap_map *m)
{
	return m->size;
}

void pcap_map_close(struct pcap_map *m)
{
	if (!m)
		return;
	if (m->mapped)
		munmap((void *)m->base, m->size);
	free(m);
}
