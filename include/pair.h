/* pair.h - swap the two entries of a per-side pair, for a connection whose client and server turn out the other way round. */
#ifndef TCPSCOPE_PAIR_H
#define TCPSCOPE_PAIR_H

#include <stddef.h>

/* Swap the two `each`-byte entries that start at pair. */
static inline void swap_pair(void *pair, size_t each)
{
	unsigned char *a = pair, *b = a + each;
	for (size_t i = 0; i < each; i++) {
		unsigned char t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

/* Swap arr[0] and arr[1] of a two-entry array (not a pointer: checked). */
#define SWAP_PAIR(arr)                                                                  \
	do {                                                                            \
		_Static_assert(sizeof(arr) == 2 * sizeof((arr)[0]), #arr " is not a pair"); \
		swap_pair((arr), sizeof((arr)[0]));                                     \
	} while (0)

#endif
