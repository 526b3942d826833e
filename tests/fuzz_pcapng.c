/* fuzz_pcapng.c - libFuzzer target for pcapng.c: the block reader over any bytes, checking its contract. */
#define _GNU_SOURCE /* fmemopen */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "pcapng.h"

/*
 * Input: 8 bytes of skip_until (little-endian, taken modulo the size + 1),
 * then the file. The reader gets it through fmemopen, as it gets a file;
 * every frame it hands on must lie inside the block it came from (checked by
 * AddressSanitizer on the reader's exact-size block buffer as the frame is
 * read through) and carry consistent lengths. A broken invariant aborts.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	uint64_t skip = 0;
	for (int i = 7; i >= 0; i--)
		skip = skip << 8 | data[i];
	data += 8;
	size -= 8;
	skip %= size + 1;
	if (size == 0)
		return 0;
	uint8_t *copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	FILE *f = fmemopen(copy, size, "rb");
	if (!f) {
		free(copy);
		return 0;
	}
	struct pcapng_reader *r = pcapng_open(f);
	struct frame fr;
	int rc;
	unsigned frames = 0;
	volatile uint8_t sink = 0;
	while ((rc = pcapng_next(r, &fr, skip)) == 1) {
		CHECK(fr.caplen <= fr.wire_len);
		CHECK(fr.caplen <= PCAPNG_MAX_BLOCK);
		CHECK(fr.linktype >= 0 && fr.linktype <= 0xffff);
		for (uint32_t i = 0; i < fr.caplen; i++)
			sink ^= fr.data[i];
		CHECK(++frames <= size / 12); /* every frame is a block of 12 bytes or more */
	}
	CHECK(rc == 0 || (rc == -1 && pcapng_error(r)));
	CHECK(pcapng_next(r, &fr, skip) == rc || rc == 0); /* an error stays an error */
	(void)sink;
	pcapng_free(r);
	fclose(f);
	free(copy);
	return 0;
}
