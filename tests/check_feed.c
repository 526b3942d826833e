/* check_feed.c - the read-ahead feed hands over every frame once, in order, and stops where told. */
#include <check.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "feed.h"
#include "suites.h"

/* More frames than the ring's four batches hold, so slots are reused many times. */
#define FRAMES 5000

/* Frame i is i % 1500 + 5 bytes: i (4 bytes) and then i % 256 repeated, so order and content can be checked. */
static uint32_t frame_len(uint32_t i)
{
	return i % 1500 + 5;
}

static char path[64];

static void write_capture(void)
{
	snprintf(path, sizeof(path), "/tmp/check_feed_%d.pcap", (int)getpid());
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = pcap_dump_open(p, path);
	ck_assert_ptr_nonnull(d);
	static uint8_t buf[1505];
	for (uint32_t i = 0; i < FRAMES; i++) {
		struct pcap_pkthdr h = {.ts = {.tv_sec = 1000 + i, .tv_usec = 0}};
		h.caplen = h.len = frame_len(i);
		memset(buf, (int)(i & 0xff), sizeof(buf));
		memcpy(buf, &i, 4);
		pcap_dump((u_char *)d, &h, buf);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

/* Read the test capture through a feed; returns how many frames came, checking each. */
static uint32_t read_all(uint64_t count, volatile sig_atomic_t *stop, enum capture_status *st)
{
	char err[512];
	struct capture *cap = capture_open_offline(path, err, sizeof(err));
	ck_assert_msg(cap != NULL, "%s", err);
	struct feed *f = feed_start(cap, count, stop);
	ck_assert_ptr_nonnull(f);
	const struct frame_batch *b;
	uint32_t next = 0;
	while ((b = feed_next(f))) {
		ck_assert_uint_gt(b->n, 0);
		for (size_t k = 0; k < b->n; k++, next++) {
			const struct frame *fr = &b->frames[k];
			uint32_t id;
			memcpy(&id, fr->data, 4);
			ck_assert_uint_eq(id, next);
			ck_assert_uint_eq(fr->caplen, frame_len(next));
			ck_assert_uint_eq(fr->ts_ns, (1000ull + next) * 1000000000ull);
			ck_assert_uint_eq(fr->data[fr->caplen - 1], next & 0xff);
		}
	}
	*st = feed_end(f);
	capture_close(cap);
	return next;
}

START_TEST(every_frame_in_order)
{
	volatile sig_atomic_t stop = 0;
	enum capture_status st;
	write_capture();
	ck_assert_uint_eq(read_all(0, &stop, &st), FRAMES);
	ck_assert_int_eq(st, CAPTURE_EOF);
	unlink(path);
}
END_TEST

START_TEST(count_limits_frames)
{
	volatile sig_atomic_t stop = 0;
	enum capture_status st;
	write_capture();
	ck_assert_uint_eq(read_all(1234, &stop, &st), 1234);
	ck_assert_uint_eq(read_all(1, &stop, &st), 1);
	unlink(path);
}
END_TEST

START_TEST(stop_before_start_reads_nothing)
{
	volatile sig_atomic_t stop = 1;
	enum capture_status st;
	write_capture();
	ck_assert_uint_eq(read_all(0, &stop, &st), 0);
	ck_assert_int_eq(st, CAPTURE_EOF);
	unlink(path);
}
END_TEST

/* The caller may end the feed before reading it all: the reader must not hang. */
START_TEST(end_early)
{
	volatile sig_atomic_t stop = 0;
	char err[512];
	write_capture();
	struct capture *cap = capture_open_offline(path, err, sizeof(err));
	ck_assert_ptr_nonnull(cap);
	struct feed *f = feed_start(cap, 0, &stop);
	ck_assert_ptr_nonnull(feed_next(f));
	feed_end(f);
	capture_close(cap);
	unlink(path);
}
END_TEST

START_TEST(batch_cuts_oversized_frame)
{
	static struct frame_batch b;
	static uint8_t big[FRAME_BATCH_ARENA];
	struct frame f = {.caplen = FRAME_BATCH_ARENA, .wire_len = FRAME_BATCH_ARENA, .data = big};
	ck_assert(frame_batch_add(&b, &f));
	ck_assert_uint_eq(b.frames[0].caplen, FRAME_BATCH_ARENA / 2);
	ck_assert_uint_eq(b.frames[0].wire_len, FRAME_BATCH_ARENA);
	ck_assert(frame_batch_add(&b, &f));   /* exactly fills the arena */
	ck_assert(!frame_batch_add(&b, &f));  /* no room: hand on first */
	frame_batch_clear(&b);
	ck_assert(frame_batch_add(&b, &f));
}
END_TEST

Suite *feed_suite(void)
{
	Suite *s = suite_create("feed");
	TCase *tc = tcase_create("feed");
	tcase_add_test(tc, every_frame_in_order);
	tcase_add_test(tc, count_limits_frames);
	tcase_add_test(tc, stop_before_start_reads_nothing);
	tcase_add_test(tc, end_early);
	tcase_add_test(tc, batch_cuts_oversized_frame);
	suite_add_tcase(s, tc);
	return s;
}
