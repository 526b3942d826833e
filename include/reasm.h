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
/*
 * Bytes held by every reasm sharing it (an analyzer's connections): a reasm
 * that would take more than `limit` in all gives up instead (over_budget).
 * limit 0: no bound.
 */
struct reasm_budget {
	uint64_t used;
	uint64_t limit;
};

/* How far past the in-order part (or past what the parser asked for) a piece may start. */
#define REASM_AHEAD 8192u

struct reasm {
	uint8_t *buf;
	uint32_t allocated;  /* bytes of buf: grows to what is needed, doubling, up to cap */
	uint32_t cap;
	uint32_t want;       /* the stream length the parser asked for (0: not said); a hint */
	struct reasm_budget *budget; /* NULL: no bound */
	uint32_t base_seq;   /* sequence number of buf[0] */
	uint32_t contiguous; /* buf[0 .. contiguous-1] are in order */
	uint8_t npieces;
	bool dropped;        /* a piece was lost: too many ranges, too far ahead, out of memory or budget */
	bool over_budget;    /* ... because the budget was spent */
	struct {
		uint32_t start, end; /* offsets, end exclusive, sorted, disjoint, > contiguous */
	} pieces[REASM_MAX_PIECES];
};

/*
 * Start empty at base_seq with room for cap bytes (nothing is allocated
 * yet), its buffer counted in budget (NULL: none).
 */
void reasm_init(struct reasm *r, uint32_t base_seq, uint32_t cap, struct reasm_budget *budget);

/*
 * Add the n bytes at seq. Bytes before base_seq or past cap are cut off;
 * bytes already in order are kept (a retransmission does not rewrite what an
 * observer may have read); beyond a hole a later copy overwrites an earlier
 * one. A piece that starts more than REASM_AHEAD bytes past the in-order
 * part and past `want` is dropped (no parser can use it before the hole
 * fills, and room for it would cost the whole distance); so is one the
 * budget has no room for. Returns the contiguous length afterwards.
 */
uint32_t reasm_add(struct reasm *r, uint32_t seq, const uint8_t *data, uint32_t n);

/* Free the buffer; the reasm stays valid and empty. */
void reasm_free(struct reasm *r);

#endif
