/* fuzz_decode.c - libFuzzer target: decode_packet on any bytes, under every link type it knows. */
/*
 * Build and run (tests/fuzz.sh does this):
 *   clang -std=c11 -g -O1 -Iinclude -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz_decode.c src/decode.c -o fuzz_decode
 *
 * The first input byte picks the link type (an index into the table below),
 * the second the wire length's excess over the captured bytes; the rest is
 * the frame, copied to a buffer of exactly its size so that AddressSanitizer
 * sees any read past caplen. Seeds in tests/fuzz_corpus/decode are one frame
 * of each encapsulation (test-captures/crafted/encap_*, link_*).
 */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = {
	LINK_ETHERNET, LINK_LINUX_SLL, LINK_LINUX_SLL2, LINK_RAW, LINK_NULL, LINK_LOOP,
	LINK_IPV4, LINK_IPV6, LINK_PPP, LINK_PPP_HDLC, LINK_C_HDLC, LINK_IEEE802_11,
	LINK_IEEE802_11_RADIOTAP, LINK_NFLOG, 147,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	int lt = linktypes[data[0] % (sizeof linktypes / sizeof linktypes[0])];
	uint32_t extra = data[1];
	size_t n = size - 2;
	uint8_t *frame = malloc(n ? n : 1);
	CHECK(frame != NULL);
	memcpy(frame, data + 2, n);
	struct pkt p;
	enum decode_status st = decode_packet(lt, frame, (uint32_t)n, (uint32_t)n + extra, 1, &p);
	CHECK((unsigned)st < DECODE__COUNT);
	if (st == DECODE_OK) {
		CHECK(p.ip_version == 4 || p.ip_version == 6);
		CHECK(p.payload >= frame && p.payload <= frame + n);
		CHECK(p.payload_caplen <= (size_t)(frame + n - p.payload));
		CHECK(p.payload_caplen <= p.payload_len);
	}
	free(frame);
	return 0;
}
