/* diagnose.h - the diagnoses' English: counts with their noun, durations, and the sequence analysis's sentences. */
#ifndef TCPSCOPE_DIAGNOSE_H
#define TCPSCOPE_DIAGNOSE_H

#include <stddef.h>
#include <stdint.h>

struct conn_record;

/* Room for any count or duration these write ("4294967295 retransmissions"). */
#define DIAGNOSE_WORDS_LEN 48

/*
 * n with its noun in the number n asks for: "1 SYN", "2 SYNs", "0 SYNs".
 * Written to buf (DIAGNOSE_WORDS_LEN bytes is always enough for the nouns
 * used); returns buf.
 */
const char *diagnose_count(char *buf, size_t len, uint64_t n, const char *one, const char *many);

/*
 * A duration in words: "less than 1 ms" below half a millisecond, whole
 * milliseconds below a second ("40 ms"), else seconds with one decimal
 * ("4.9 s"). Never "0.0 s". Written to buf; returns buf.
 */
const char *diagnose_duration(char *buf, size_t len, uint64_t us);

/*
 * What the sequence analysis found, in words, appended to r->lc's
 * diagnoses from r->c2s_seq and r->s2c_seq: a stalled receiver, loss or
 * spurious retransmissions, capture gaps, client side first.
 */
void diagnose_sequence(struct conn_record *r);

/*
 * Live capture: the kernel dropped `dropped` packets while the connection
 * was open (0: nothing is said), so its figures may be incomplete.
 */
void diagnose_capture_drops(struct conn_record *r, uint64_t dropped);

#endif
