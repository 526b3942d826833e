/* reasm.h - the first bytes of one direction of a TCP stream, put back in order in a bounded buffer. */
#ifndef TCPSCOPE_REASM_H
#define TCPSCOPE_REASM_H

#include <stdbool.h>
#include <stdint.h>

#define REASM_MAX_PIECES 8

/*
 * Observers (TLS, HTTP) need a direction's first bytes in order, whatever
 * the capture did to them: split across segments, retransmitted, overlapping,
 * out of order. A reasm keeps the bytes from base_seq up to `cap` of them;
 * `contiguous` says how many from the start are known. Pieces that arrive
 * beyond a hole are remembered (at most REASM_MAX_PIECES ranges) until the
 * hole fills. The buffer is allocated on the first byte, small (most hellos
 * and request heads are a few hundred bytes), grown as bytes arrive further
 * out, and freed by reasm_free, so a connection that needs no observer
 * costs nothing.
 */
struct reasm {
	uint8_t *buf;
	uint32_t allocated;  /* bytes of buf: grows by doubling, up to cap */
	uint32_t cap;
	uint32_t base_seq;   /* sequence number of buf[0] */
	uint32_t contiguous; /* buf[0 .. contiguous-1] are in order */
	uint8_t npieces;
	bool dropped;        /* a piece was lost: too many ranges or out of memory */
	struct {
		uint32_t start, end; /* offsets, end exclusive, sorted, disjoint, > contiguous */
	} pieces[REASM_MAX_PIECES];
};

/* Start empty at base_seq with room for cap bytes (nothing is allocated yet). */
void reasm_init(struct reasm *r, uint32_t base_seq, uint32_t cap);

/*
 * Add the n bytes at seq. Bytes before base_seq or past cap are cut off;
 * bytes already in order are kept (a retransmission does not rewrite what an
 * observer may have read); beyond a hole a later copy overwrites an earlier
 * one. Returns the contiguous length afterwards.
 */
uint32_t reasm_add(struct reasm *r, uint32_t seq, const uint8_t *data, uint32_t n);

/* Free the buffer; the reasm stays valid and empty. */
void reasm_free(struct reasm *r);

#endif
