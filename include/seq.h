/* seq.h - wrap-safe comparisons in the 32-bit TCP sequence space (RFC 793 3.3). */
#ifndef TCPSCOPE_SEQ_H
#define TCPSCOPE_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/*
 * a "before" b when the signed distance from b to a is negative: correct as
 * long as the two are less than 2^31 apart, which TCP's window rules ensure.
 * A raw < on two sequence numbers is a bug; use these.
 */
static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

/* lo <= x < hi, all in sequence space. */
static inline bool seq_in_range(uint32_t x, uint32_t lo, uint32_t hi)
{
	return seq_geq(x, lo) && seq_lt(x, hi);
}

#endif
