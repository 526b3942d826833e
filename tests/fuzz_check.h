/* fuzz_check.h - the fuzz targets' invariant check: a failure aborts, which libFuzzer reports as a crash. */
#ifndef TCPSCOPE_TEST_FUZZ_CHECK_H
#define TCPSCOPE_TEST_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,  \
				__LINE__, #cond);                                    \
			abort();                                                     \
		}                                                                    \
	} while (0)

#endif
