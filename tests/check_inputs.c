/* check_inputs.c - several capture files merged in time order, and compressed files read through decompress. */
#include <check.h>
#include <lz4frame.h>
#include <lzma.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "capture.h"
#include "decompress.h"
#include "merge.h"
#include "suites.h"

/* ---- merge: a heap of the inputs' look-ahead frames by (time, input number) ---- */

/* Pop everything; the input numbers in order, as a string of digits. */
static void pop_all(struct merge *m, char *out, size_t cap)
{
	size_t k = 0, i;
	while ((i = merge_pop(m)) != MERGE_NONE && k + 1 < cap)
		out[k++] = (char)('0' + i);
	out[k] = '\0';
}

START_TEST(merge_smallest_time_first)
{
	struct merge m;
	char order[16];
	ck_assert(merge_init(&m, 3));
	merge_push(&m, 0, 300);
	merge_push(&m, 1, 100);
	merge_push(&m, 2, 200);
	pop_all(&m, order, sizeof(order));
	ck_assert_str_eq(order, "120");
	merge_free(&m);
}
END_TEST

START_TEST(merge_tie_goes_to_earlier_input)
{
	/* as mergecap: equal timestamps, the file given first comes first, whatever the push order */
	struct merge m;
	char order[16];
	ck_assert(merge_init(&m, 5));
	merge_push(&m, 4, 100);
	merge_push(&m, 2, 100);
	merge_push(&m, 3, 50);
	merge_push(&m, 0, 100);
	merge_push(&m, 1, 100);
	pop_all(&m, order, sizeof(order));
	ck_assert_str_eq(order, "30124");
	merge_free(&m);
}
END_TEST

START_TEST(merge_empty_and_refilled)
{
	/* an input that never holds a frame (an empty file) is simply never pushed */
	struct merge m;
	ck_assert(merge_init(&m, 3));
	ck_assert_uint_eq(merge_pop(&m), MERGE_NONE);
	merge_push(&m, 1, 900);
	ck_assert_uint_eq(merge_pop(&m), 1);
	ck_assert_uint_eq(merge_pop(&m), MERGE_NONE);
	/* popped, read again, pushed again: a later frame of input 1 after input 2's earlier one */
	merge_push(&m, 1, 1000);
	merge_push(&m, 2, 950);
	ck_assert_uint_eq(merge_pop(&m), 2);
	ck_assert_uint_eq(merge_pop(&m), 1);
	merge_free(&m);
}
END_TEST

START_TEST(merge_many_inputs_against_a_sort)
{
	/* 200 inputs of 50 pseudo-random times each (many ties), merged as a stable sort by time would */
	enum { INPUTS = 200, PER = 50 };
	static uint64_t times[INPUTS][PER];
	uint32_t x = 12345;
	for (size_t i = 0; i < INPUTS; i++) {
		uint64_t t = 0;
		for (size_t k = 0; k < PER; k++) {
			x = x * 1103515245u + 12345u;
			t += (x >> 16) % 4; /* non-decreasing, steps 0..3: ties everywhere */
			times[i][k] = t;
		}
	}
	struct merge m;
	size_t next[INPUTS] = {0};
	ck_assert(merge_init(&m, INPUTS));
	for (size_t i = 0; i < INPUTS; i++)
		merge_push(&m, i, times[i][0]);
	uint64_t last_t = 0;
	size_t last_i = 0, popped = 0, i;
	while ((i = merge_pop(&m)) != MERGE_NONE) {
		uint64_t t = times[i][next[i]];
		/* never earlier than the previous one; on the same time, a later input number */
		ck_assert(popped == 0 || t > last_t || (t == last_t && i > last_i) || i == last_i);
		last_t = t;
		last_i = i;
		popped++;
		if (++next[i] < PER)
			merge_push(&m, i, times[i][next[i]]);
	}
	ck_assert_uint_eq(popped, INPUTS * PER);
	merge_free(&m);
}
END_TEST

/* ---- capture_open_files: the merge behind capture_next ---- */

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_inputs_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write frames whose first byte is their label, at the given seconds; n == 0 writes only the header. */
static void write_pcap(const char *path, int dlt, const uint32_t *secs, const uint8_t *labels, size_t n)
{
	pcap_t *p = pcap_open_dead(dlt, 65535);
	pcap_dumper_t *d = pcap_dump_open(p, path);
	ck_assert_ptr_nonnull(d);
	for (size_t i = 0; i < n; i++) {
		uint8_t buf[60];
		memset(buf, labels[i], sizeof(buf));
		struct pcap_pkthdr h = {.ts = {.tv_sec = secs[i], .tv_usec = 0}, .caplen = 60, .len = 60};
		pcap_dump((u_char *)d, &h, buf);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

START_TEST(merged_in_time_order_ties_by_command_line)
{
	make_dir();
	char a[96], b[96], e[96];
	snprintf(a, sizeof(a), "%s/a.pcap", dir);
	snprintf(b, sizeof(b), "%s/b.pcap", dir);
	snprintf(e, sizeof(e), "%s/empty.pcap", dir);
	/* a: 1 3 5 5 ; b: 2 5 6 ; equal 5s: a's come first (a is given first), each file in its own order */
	write_pcap(a, DLT_EN10MB, (uint32_t[]){1, 3, 5, 5}, (uint8_t[]){'a', 'b', 'c', 'd'}, 4);
	write_pcap(b, DLT_EN10MB, (uint32_t[]){2, 5, 6}, (uint8_t[]){'B', 'C', 'D'}, 3);
	write_pcap(e, DLT_EN10MB, NULL, NULL, 0);
	const char *paths[] = {e, a, b};
	char err[512];
	size_t failed = 99;
	struct capture *c = capture_open_files(paths, 3, &failed, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_eq(capture_input_count(c), 3);
	const char *want = "aBbcdCD";
	struct frame f;
	for (size_t i = 0; want[i]; i++) {
		ck_assert_int_eq(capture_next(c, &f), CAPTURE_FRAME);
		ck_assert_int_eq(f.data[0], want[i]);
		ck_assert_int_eq(f.linktype, 1);
	}
	ck_assert_int_eq(capture_next(c, &f), CAPTURE_EOF);
	for (size_t i = 0; i < 3; i++)
		ck_assert_ptr_null(capture_input_error(c, i));
	capture_close(c);

	/* the same file twice is refused, naming the second */
	const char *twice[] = {a, b, a};
	ck_assert_ptr_null(capture_open_files(twice, 3, &failed, err, sizeof(err)));
	ck_assert_uint_eq(failed, 2);
	ck_assert_ptr_nonnull(strstr(err, "given before"));
	remove_dir();
}
END_TEST

START_TEST(merged_frames_keep_their_link_type)
{
	make_dir();
	char a[96], b[96];
	snprintf(a, sizeof(a), "%s/eth.pcap", dir);
	snprintf(b, sizeof(b), "%s/raw.pcap", dir);
	write_pcap(a, DLT_EN10MB, (uint32_t[]){1, 3}, (uint8_t[]){'a', 'b'}, 2);
	write_pcap(b, DLT_RAW, (uint32_t[]){2}, (uint8_t[]){'R'}, 1);
	const char *paths[] = {a, b};
	char err[512];
	struct capture *c = capture_open_files(paths, 2, NULL, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	struct frame f;
	int want[] = {1, 101, 1}; /* LINKTYPE_ETHERNET, LINKTYPE_RAW */
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(capture_next(c, &f), CAPTURE_FRAME);
		ck_assert_int_eq(f.linktype, want[i]);
	}
	ck_assert_int_eq(capture_next(c, &f), CAPTURE_EOF);
	capture_close(c);
	remove_dir();
}
END_TEST

START_TEST(damaged_file_ends_alone)
{
	make_dir();
	char a[96], b[96];
	snprintf(a, sizeof(a), "%s/a.pcap", dir);
	snprintf(b, sizeof(b), "%s/cut.pcap", dir);
	write_pcap(a, DLT_EN10MB, (uint32_t[]){1, 4}, (uint8_t[]){'a', 'b'}, 2);
	write_pcap(b, DLT_EN10MB, (uint32_t[]){2, 3}, (uint8_t[]){'X', 'Y'}, 2);
	/* cut the second file inside its last record: 24 + 2 x (16 + 60) bytes, less 10 */
	ck_assert_int_eq(truncate(b, 24 + 2 * 76 - 10), 0);
	const char *paths[] = {a, b};
	char err[512];
	struct capture *c = capture_open_files(paths, 2, NULL, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	struct frame f;
	const char *want = "aXb"; /* Y is cut; a's frames after the damage are still read */
	for (size_t i = 0; want[i]; i++) {
		ck_assert_int_eq(capture_next(c, &f), CAPTURE_FRAME);
		ck_assert_int_eq(f.data[0], want[i]);
	}
	ck_assert_int_eq(capture_next(c, &f), CAPTURE_ERROR);
	ck_assert_ptr_null(capture_input_error(c, 0));
	ck_assert_ptr_nonnull(capture_input_error(c, 1));
	capture_close(c);
	remove_dir();
}
END_TEST

/* ---- decompress: each format on a tiny stream written here by its library ---- */

#define PLAIN_LEN 100000

static uint8_t plain[PLAIN_LEN];

static void fill_plain(void)
{
	/* compressible but not trivial: a counter mixed with a slow pattern */
	for (size_t i = 0; i < PLAIN_LEN; i++)
		plain[i] = (uint8_t)((i * 7) ^ (i >> 9));
}

/* gzip member of src (zlib's deflate with the gzip wrapper). */
static size_t gzip_of(const uint8_t *src, size_t len, uint8_t *out, size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)src;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t n = z.total_out;
	deflateEnd(&z);
	return n;
}

enum fmt { FMT_GZIP, FMT_ZSTD, FMT_LZ4, FMT_XZ, FMT_COUNT };
static const char *const fmt_names[] = {"gzip", "zstd", "lz4", "xz"};

/* src compressed in format fmt as two members/frames/streams (src split in the middle), as cat a.gz b.gz makes. */
static size_t compress_two(enum fmt fmt, const uint8_t *src, size_t len, uint8_t *out, size_t cap)
{
	size_t half = len / 2, n = 0;
	const uint8_t *part[2] = {src, src + half};
	size_t plen[2] = {half, len - half};
	for (int k = 0; k < 2; k++) {
		size_t m = 0;
		switch (fmt) {
		case FMT_GZIP:
			m = gzip_of(part[k], plen[k], out + n, cap - n);
			break;
		case FMT_ZSTD:
			m = ZSTD_compress(out + n, cap - n, part[k], plen[k], 3);
			ck_assert(!ZSTD_isError(m));
			break;
		case FMT_LZ4:
			m = LZ4F_compressFrame(out + n, cap - n, part[k], plen[k], NULL);
			ck_assert(!LZ4F_isError(m));
			break;
		case FMT_XZ: {
			size_t pos = 0;
			ck_assert_int_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, part[k], plen[k], out + n,
								 &pos, cap - n),
					 LZMA_OK);
			m = pos;
			break;
		}
		case FMT_COUNT:
			break;
		}
		n += m;
	}
	return n;
}

static void write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* Read everything the decompressed stream of path yields into out; returns the count and the error (or NULL). */
static size_t read_through(const char *path, uint8_t *out, size_t cap, const char **format, char *why, size_t whylen)
{
	char err[256];
	FILE *f;
	struct decompress *d = decompress_open(path, &f, err, sizeof(err));
	ck_assert_msg(d != NULL, "%s", err);
	size_t n = fread(out, 1, cap, f);
	*format = decompress_format(d);
	const char *e = decompress_error(d);
	snprintf(why, whylen, "%s", e ? e : "");
	fclose(f);
	decompress_free(d);
	return n;
}

static uint8_t packed[2 * PLAIN_LEN];
static uint8_t unpacked[2 * PLAIN_LEN];

START_TEST(decompress_each_format_two_members)
{
	enum fmt fmt = (enum fmt)_i;
	fill_plain();
	make_dir();
	char path[96], why[256];
	snprintf(path, sizeof(path), "%s/data", dir);
	size_t n = compress_two(fmt, plain, PLAIN_LEN, packed, sizeof(packed));
	write_file(path, packed, n);
	const char *format;
	size_t got = read_through(path, unpacked, sizeof(unpacked), &format, why, sizeof(why));
	ck_assert_str_eq(format, fmt_names[fmt]);
	ck_assert_msg(why[0] == '\0', "%s", why);
	ck_assert_uint_eq(got, PLAIN_LEN); /* both members, nothing more */
	ck_assert_mem_eq(unpacked, plain, PLAIN_LEN);

	/* cut in the middle of the second member: the bytes before come out, then the reason */
	write_file(path, packed, n - n / 4);
	got = read_through(path, unpacked, sizeof(unpacked), &format, why, sizeof(why));
	ck_assert_msg(why[0] != '\0', "a cut %s stream was not noticed", fmt_names[fmt]);
	ck_assert_ptr_nonnull(strstr(why, fmt_names[fmt]));
	ck_assert_uint_lt(got, PLAIN_LEN);
	ck_assert_uint_ge(got, PLAIN_LEN / 2); /* at least the whole first member */
	ck_assert_mem_eq(unpacked, plain, got);

	remove_dir();
}
END_TEST

START_TEST(decompress_plain_passes_through)
{
	fill_plain();
	make_dir();
	char path[96], why[256];
	snprintf(path, sizeof(path), "%s/plain", dir);
	write_file(path, plain, 5); /* shorter than any magic */
	const char *format;
	size_t got = read_through(path, unpacked, sizeof(unpacked), &format, why, sizeof(why));
	ck_assert_ptr_null(format);
	ck_assert_uint_eq(got, 5);
	ck_assert_mem_eq(unpacked, plain, 5);
	write_file(path, plain, PLAIN_LEN);
	got = read_through(path, unpacked, sizeof(unpacked), &format, why, sizeof(why));
	ck_assert_uint_eq(got, PLAIN_LEN);
	ck_assert_mem_eq(unpacked, plain, PLAIN_LEN);
	remove_dir();
}
END_TEST

START_TEST(decompress_damaged_gzip_named)
{
	fill_plain();
	make_dir();
	char path[96], why[256];
	snprintf(path, sizeof(path), "%s/bad.gz", dir);
	size_t n = gzip_of(plain, PLAIN_LEN, packed, sizeof(packed));
	packed[n - 5] ^= 0xff; /* the length in the trailer: zlib checks it */
	write_file(path, packed, n);
	const char *format;
	read_through(path, unpacked, sizeof(unpacked), &format, why, sizeof(why));
	ck_assert_ptr_nonnull(strstr(why, "gzip data damaged"));
	/* garbage after a whole member is named too */
	n = gzip_of(plain, 100, packed, sizeof(packed));
	memcpy(packed + n, "junk", 4);
	write_file(path, packed, n + 4);
	size_t got = read_through(path, unpacked, sizeof(unpacked), &format, why, sizeof(why));
	ck_assert_uint_eq(got, 100);
	ck_assert_ptr_nonnull(strstr(why, "not gzip data"));
	remove_dir();
}
END_TEST

Suite *inputs_suite(void)
{
	Suite *s = suite_create("inputs");
	TCase *merge = tcase_create("merge");
	tcase_add_test(merge, merge_smallest_time_first);
	tcase_add_test(merge, merge_tie_goes_to_earlier_input);
	tcase_add_test(merge, merge_empty_and_refilled);
	tcase_add_test(merge, merge_many_inputs_against_a_sort);
	tcase_add_test(merge, merged_in_time_order_ties_by_command_line);
	tcase_add_test(merge, merged_frames_keep_their_link_type);
	tcase_add_test(merge, damaged_file_ends_alone);
	suite_add_tcase(s, merge);
	TCase *dec = tcase_create("decompress");
	tcase_add_loop_test(dec, decompress_each_format_two_members, 0, FMT_COUNT);
	tcase_add_test(dec, decompress_plain_passes_through);
	tcase_add_test(dec, decompress_damaged_gzip_named);
	suite_add_tcase(s, dec);
	return s;
}
