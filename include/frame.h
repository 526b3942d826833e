/* frame.h - one captured frame, as the capture hands it to the analyzer. */
#ifndef TCPSCOPE_FRAME_H
#define TCPSCOPE_FRAME_H

#include <stdbool.h>
#include <stdint.h>

struct frame {
	uint64_t ts_ns;
	uint32_t caplen;
	uint32_t wire_len;
	const uint8_t *data; /* caplen bytes, owned by whoever produced the frame */
	int linktype;        /* LINKTYPE_* of the input it came from (several files may differ) */
	bool in_place;       /* data is in a mapped file (pcapmap.h): valid until capture_close or
			      * PCAP_MAP_KEEP_FRAMES later frames of its input, so need not be copied */
};

#endif
