/* check_pcapmap.c - classic pcap records read in place: byte orders, magics, fractions, and what is left to libpcap. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "pcapmap.h"
#include "suites.h"

/* Write v at p in the file's byte order. */
static void put32(uint8_t *p, uint32_t v, int big)
{
	for (int i = 0; i < 4; i++)
		p[big ? i : 3 - i] = (uint8_t)(v >> (24 - 8 * i));
}

static void put16(uint8_t *p, uint16_t v, int big)
{
	p[big ? 0 : 1] = (uint8_t)(v >> 8);
	p[big ? 1 : 0] = (uint8_t)v;
}

static size_t file_header(uint8_t *p, uint32_t magic, int big, uint16_t minor)
{
	memset(p, 0, 24);
	put32(p, magic, big);
	put16(p + 4, 2, big);
	put16(p + 6, minor, big);
	put32(p + 16, 65535, big);
	put32(p + 20, 1, big);
	return 24;
}

static size_t record(uint8_t *p, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len, int big)
{
	put32(p, sec, big);
	put32(p + 4, frac, big);
	put32(p + 8, caplen, big);
	put32(p + 12, len, big);
	for (uint32_t i = 0; i < caplen; i++)
		p[16 + i] = (uint8_t)(0xa0 + i);
	return 16 + caplen;
}

/*
 * Hand-worked, each byte order: a microsecond record at 1700000000 s +
 * 250000 us is 1700000000250000000 ns; a nanosecond one with fraction 7 is
 * ...000000007; wire length 60 with 4 bytes captured, in place after the
 * 16-byte record header at offset 24.
 */
START_TEST(both_byte_orders_and_magics)
{
	for (int big = 0; big < 2; big++) {
		for (int nano = 0; nano < 2; nano++) {
			uint8_t buf[128];
			size_t n = file_header(buf, nano ? 0xa1b23c4du : 0xa1b2c3d4u, big, 4);
			n += record(buf + n, 1700000000u, nano ? 7u : 250000u, 4, 60, big);
			struct pcap_map *m = pcap_map_of_bytes(buf, n, 65535, 1);
			ck_assert_ptr_nonnull(m);
			struct frame f;
			ck_assert_int_eq(pcap_map_next(m, &f), PCAP_MAP_FRAME);
			ck_assert_uint_eq(f.ts_ns, nano ? 1700000000000000007ull : 1700000000250000000ull);
			ck_assert_uint_eq(f.caplen, 4);
			ck_assert_uint_eq(f.wire_len, 60);
			ck_assert_ptr_eq(f.data, buf + 24 + 16);
			ck_assert(f.in_place);
			ck_assert_int_eq(f.linktype, 1);
			ck_assert_int_eq(pcap_map_next(m, &f), PCAP_MAP_END);
			ck_assert_uint_eq(pcap_map_offset(m), n);
			pcap_map_close(m);
		}
	}
}
END_TEST

/*
 * libpcap reads the fraction as a signed 32-bit value and scales it: a
 * microsecond fraction 0xfffffff0 is -16 us, so 100 s + (-16 us) =
 * 99999984000 ns; seconds past 2^31 (2040) stay positive.
 */
START_TEST(fraction_signed_seconds_unsigned)
{
	uint8_t buf[128];
	size_t n = file_header(buf, 0xa1b2c3d4u, 0, 4);
	n += record(buf + n, 100, 0xfffffff0u, 0, 0, 0);
	n += record(buf + n, 2208988800u, 0, 0, 0, 0);
	struct pcap_map *m = pcap_map_of_bytes(buf, n, 65535, 1);
	struct frame f;
	ck_assert_int_eq(pcap_map_next(m, &f), PCAP_MAP_FRAME);
	ck_assert_uint_eq(f.ts_ns, 99999984000ull);
	ck_assert_int_eq(pcap_map_next(m, &f), PCAP_MAP_FRAME);
	ck_assert_uint_eq(f.ts_ns, 2208988800000000000ull);
	pcap_map_close(m);
}
END_TEST

/* Left to libpcap at the record's offset: a header cut, data cut, caplen beyond the snapshot. */
START_TEST(irregular_records_left_at_their_offset)
{
	uint8_t buf[256];
	size_t first = file_header(buf, 0xa1b2c3d4u, 0, 4);
	size_t second = first + record(buf + first, 1, 0, 8, 8, 0);
	size_t end = second + record(buf + second, 2, 0, 20, 20, 0);
	struct frame f;
	/* cut inside the second record's header, then inside its data */
	size_t cuts[] = {second + 7, end - 1};
	for (size_t k = 0; k < 2; k++) {
		struct pcap_map *m = pcap_map_of_bytes(buf, cuts[k], 65535, 1);
		ck_assert_int_eq(pcap_map_next(m, &f), PCAP_MAP_FRAME);
		ck_assert_int_eq(pcap_map_next(m, &f), PCAP_MAP_IRREGULAR);
		ck_assert_uint_eq(pcap_map_offset(m), second);
		ck_assert_int_eq(pcap_map_next(m, &f), PCAP_MAP_IRREGULAR); /* stays there */
		pcap_map_close(m);
	}
	/* snapshot 16: the 20-byte record is libpcap's to cut */
	struct pcap_map *m = pcap_map_of_bytes(buf, end, 16, 1);
	ck_assert_int_eq(pcap_map_next(m, &f), PCAP_MAP_FRAME);
	ck_assert_int_eq(pcap_map_next(m, &f), PCAP_MAP_IRREGULAR);
	ck_assert_uint_eq(pcap_map_offset(m), second);
	pcap_map_close(m);
}
END_TEST

/* Not taken: pcapng, Kuznetzov's magic, version 2.3, a file shorter than its header. */
START_TEST(other_files_not_taken)
{
	uint8_t buf[64];
	file_header(buf, 0x0a0d0d0au, 0, 4);
	ck_assert_ptr_null(pcap_map_of_bytes(buf, 24, 65535, 1));
	file_header(buf, 0xa1b2cd34u, 0, 4);
	ck_assert_ptr_null(pcap_map_of_bytes(buf, 24, 65535, 1));
	file_header(buf, 0xa1b2c3d4u, 1, 3);
	ck_assert_ptr_null(pcap_map_of_bytes(buf, 24, 65535, 1));
	file_header(buf, 0xa1b2c3d4u, 1, 4);
	ck_assert_ptr_null(pcap_map_of_bytes(buf, 23, 65535, 1));
	struct pcap_map *m = pcap_map_of_bytes(buf, 24, 65535, 1);
	ck_assert_ptr_nonnull(m);
	struct frame f;
	ck_assert_int_eq(pcap_map_next(m, &f), PCAP_MAP_END);
	pcap_map_close(m);
}
END_TEST

Suite *pcapmap_suite(void)
{
	Suite *s = suite_create("pcapmap");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, both_byte_orders_and_magics);
	tcase_add_test(tc, fraction_signed_seconds_unsigned);
	tcase_add_test(tc, irregular_records_left_at_their_offset);
	tcase_add_test(tc, other_files_not_taken);
	suite_add_tcase(s, tc);
	return s;
}
