/* pcapmap.h - a classic pcap file's records read in place from a memory mapping, without copies. */
#ifndef TCPSCOPE_PCAPMAP_H
#define TCPSCOPE_PCAPMAP_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

/*
 * What it reads: a plain classic pcap (version 2.4; magic a1b2c3d4 for
 * microseconds or a1b23c4d for nanoseconds, in either byte order), from
 * byte 24 on, record by record. A record is handed on in place (frame.data
 * points into the mapping) when it is regular: its 16-byte header and all
 * caplen bytes are in the file and caplen is at most the file's snapshot
 * length. Anything else (a record cut by the end of the file, a caplen
 * beyond the snapshot length, which libpcap cuts or rejects with a message
 * that depends on its version) is left to libpcap, read from that record's
 * offset on: what libpcap says and hands on there stays the reference.
 * Other files (pcapng, other versions, Kuznetzov's magic) are not taken.
 *
 * Timestamps come out as libpcap hands them with nanosecond precision
 * asked: seconds as an unsigned 32-bit count, the fraction as a signed
 * 32-bit value (times 1000 for microseconds), so even a damaged fraction
 * gives the same time as through libpcap.
 *
 * A frame's bytes stay valid until pcap_map_close, or until
 * PCAP_MAP_KEEP_FRAMES more frames have come from the same map: pages that
 * far behind are given back (the file's pages would otherwise count in the
 * resident size as it is read). They are only unmapped from the process,
 * so reading them later still gives the file's bytes.
 */
#define PCAP_MAP_KEEP_FRAMES 1536u

struct pcap_map;

enum pcap_map_status {
	PCAP_MAP_FRAME,     /* *f filled, in place */
	PCAP_MAP_END,       /* the file ended at a record boundary */
	PCAP_MAP_IRREGULAR, /* the record at pcap_map_offset is libpcap's to read (see above) */
};

/*
 * Map the file open on fd if it is a classic pcap this reader takes; NULL
 * when it is not, or the mapping fails (read it with libpcap). snapshot is
 * the snapshot length libpcap settled on (pcap_snapshot); linktype is set
 * on every frame.
 */
struct pcap_map *pcap_map_open(int fd, uint32_t snapshot, int linktype);

/* The same over bytes in memory (tests, fuzzing): nothing is given back; bytes must outlive the map. */
struct pcap_map *pcap_map_of_bytes(const uint8_t *bytes, size_t len, uint32_t snapshot, int linktype);

/* The next record. After PCAP_MAP_END or PCAP_MAP_IRREGULAR it stays there. */
enum pcap_map_status pcap_map_next(struct pcap_map *m, struct frame *f);

/* The offset of the next record to read (the one left to libpcap after PCAP_MAP_IRREGULAR). */
uint64_t pcap_map_offset(const struct pcap_map *m);

/* How far the reader has gone, for a progress line: may be asked from another thread. */
uint64_t pcap_map_bytes_read(const struct pcap_map *m);

/* The file's size when mapped. */
uint64_t pcap_map_size(const struct pcap_map *m);

/* Unmap and free (NULL: nothing). Frames from m become invalid. */
void pcap_map_close(struct pcap_map *m);

#endif
