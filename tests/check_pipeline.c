/* check_pipeline.c - the threads around the analysis: the read-ahead feed and the report writer hand over everything once, in order. */
#include <check.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "feed.h"
#include "report.h"
#include "suites.h"
#include "writer.h"

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
	const struct feed_batch *b;
	uint32_t next = 0;
	while ((b = feed_next(f))) {
		ck_assert_uint_gt(b->frames.n, 0);
		for (size_t k = 0; k < b->frames.n; k++, next++) {
			const struct frame *fr = &b->frames.frames[k];
			/* decoded ahead: the frame's own time and length */
			ck_assert_uint_eq(b->decoded[k].ts_ns, fr->ts_ns);
			ck_assert_uint_eq(b->decoded[k].wire_len, frame_len(next));
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
	ck_assert_uint_eq(read_all(0, &stop, &st), FRAMES);
	ck_assert_int_eq(st, CAPTURE_EOF);
}
END_TEST

START_TEST(count_limits_frames)
{
	volatile sig_atomic_t stop = 0;
	enum capture_status st;
	ck_assert_uint_eq(read_all(1234, &stop, &st), 1234);
	ck_assert_uint_eq(read_all(1, &stop, &st), 1);
}
END_TEST

START_TEST(stop_before_start_reads_nothing)
{
	volatile sig_atomic_t stop = 1;
	enum capture_status st;
	ck_assert_uint_eq(read_all(0, &stop, &st), 0);
	ck_assert_int_eq(st, CAPTURE_EOF);
}
END_TEST

/* The caller may end the feed before reading it all: the reader must not hang. */
START_TEST(end_early)
{
	volatile sig_atomic_t stop = 0;
	char err[512];
	struct capture *cap = capture_open_offline(path, err, sizeof(err));
	ck_assert_ptr_nonnull(cap);
	struct feed *f = feed_start(cap, 0, &stop);
	ck_assert_ptr_nonnull(feed_next(f));
	feed_end(f);
	capture_close(cap);
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
	frame_batch_clear(&b);
}
END_TEST

/* ---- the writer ---- */

/* More records than the writer's ring holds at once; every fifth with TLS strings, every third followed by an event. */
#define RECORDS 1000

static void make_record(uint64_t i, struct conn_record *r, struct app_info *ai, char sni[64])
{
	memset(r, 0, sizeof(*r));
	r->id = i + 1;
	r->ts_first_ns = 1700000000ull * 1000000000ull + i * 1000;
	r->ts_last_ns = r->ts_first_ns + 5000;
	r->ip_version = 4;
	r->client.addr[10] = r->client.addr[11] = 0xff;
	r->client.addr[15] = (uint8_t)i;
	r->client.port = (uint16_t)(40000 + i);
	r->server.port = 443;
	r->c2s.packets = i;
	r->s2c.bytes = 3 * i;
	r->lc.state = "SF";
	r->lc.client_state = "TIME_WAIT";
	r->lc.server_state = "CLOSED";
	r->lc.first_fin = r->lc.active_closer = 0;
	r->lc.reset_by = -1;
	if (i % 7 == 0)
		lifecycle_record_say(&r->lc, "diagnosis %llu", (unsigned long long)i);
	if (i % 5 != 0)
		return;
	memset(ai, 0, sizeof(*ai));
	ai->proto = APP_TLS;
	snprintf(sni, 64, "host%llu.example", (unsigned long long)i);
	ai->str[APP_SNI] = sni;
	ai->len[APP_SNI] = (uint16_t)strlen(sni);
	r->app = ai;
}

static void make_event(uint64_t i, struct conn_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = 1700000000ull * 1000000000ull + i * 1000 + 1;
	ev->conn_id = i + 1;
	ev->kind = EVENT_RST;
	ev->side = (int)(i & 1);
	ev->in_window = true;
}

/* All records and events in the report format, through the writer thread or straight. */
static char *render_all(enum report_format fmt, bool threaded)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(out);
	struct report *rep = report_open(out, fmt);
	report_flush(rep);
	struct writer *w = threaded ? writer_start(out, fmt) : NULL;
	ck_assert(!threaded || w);
	for (uint64_t i = 0; i < RECORDS; i++) {
		struct conn_record r;
		struct app_info ai;
		char sni[64];
		make_record(i, &r, &ai, sni);
		if (w)
			writer_conn(w, &r);
		else
			report_conn(rep, &r);
		/* the writer must have its own copy by now */
		memset(sni, 'X', sizeof(sni));
		memset(&ai, 0x55, sizeof(ai));
		if (i % 3 == 0 && fmt != REPORT_CSV) {
			struct conn_event ev;
			make_event(i, &ev);
			if (w)
				writer_event(w, &ev);
			else
				report_event(rep, &ev);
		}
	}
	if (w)
		ck_assert_int_eq(writer_end(w), 0);
	ck_assert_int_eq(report_close(rep), 0);
	ck_assert_int_eq(fclose(out), 0);
	return text;
}

START_TEST(writer_writes_what_the_report_writes)
{
	static const enum report_format fmts[] = {REPORT_TEXT, REPORT_CSV, REPORT_JSON};
	for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
		char *direct = render_all(fmts[k], false);
		char *threaded = render_all(fmts[k], true);
		ck_assert_ptr_nonnull(strstr(direct, "host995.example")); /* the strings made it */
		ck_assert_str_eq(threaded, direct);
		free(direct);
		free(threaded);
	}
}
END_TEST

START_TEST(writer_with_nothing_to_write)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct report *rep = report_open(out, REPORT_JSON);
	struct writer *w = writer_start(out, REPORT_JSON);
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(writer_end(w), 0);
	ck_assert_int_eq(report_close(rep), 0);
	fclose(out);
	ck_assert_uint_eq(len, 0);
	free(text);
}
END_TEST

/* The records of render_all, through a writer onto out; what writer_end returned and its errno. */
static int write_through_writer(FILE *out, volatile sig_atomic_t *stop, int *err)
{
	struct writer *w = writer_start(out, REPORT_JSON);
	ck_assert_ptr_nonnull(w);
	writer_stop_on_failure(w, stop);
	for (uint64_t i = 0; i < RECORDS; i++) {
		struct conn_record r;
		struct app_info ai;
		char sni[64];
		make_record(i, &r, &ai, sni);
		writer_conn(w, &r);
	}
	errno = 0;
	int rc = writer_end(w);
	*err = errno;
	return rc;
}

START_TEST(writer_full_device)
{
	/* /dev/full takes nothing: ENOSPC, the input's stop flag set */
	FILE *out = fopen("/dev/full", "w");
	ck_assert_ptr_nonnull(out);
	volatile sig_atomic_t stop = 0;
	int err;
	ck_assert_int_eq(write_through_writer(out, &stop, &err), -1);
	ck_assert_int_eq(err, ENOSPC);
	ck_assert_int_eq(stop, 1);
	fclose(out);
}
END_TEST

START_TEST(writer_reader_gone)
{
	/* a pipe whose reader has closed: EPIPE (SIGPIPE ignored, as main does) */
	signal(SIGPIPE, SIG_IGN);
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	close(fds[0]);
	FILE *out = fdopen(fds[1], "w");
	ck_assert_ptr_nonnull(out);
	volatile sig_atomic_t stop = 0;
	int err;
	ck_assert_int_eq(write_through_writer(out, &stop, &err), -1);
	ck_assert_int_eq(err, EPIPE);
	ck_assert_int_eq(stop, 1);
	fclose(out);
}
END_TEST

static void remove_capture(void)
{
	unlink(path);
}

Suite *pipeline_suite(void)
{
	Suite *s = suite_create("pipeline");
	TCase *writer = tcase_create("writer");
	tcase_add_test(writer, writer_writes_what_the_report_writes);
	tcase_add_test(writer, writer_with_nothing_to_write);
	tcase_add_test(writer, writer_full_device);
	tcase_add_test(writer, writer_reader_gone);
	suite_add_tcase(s, writer);
	/* every feed test reads a fresh copy of the same capture */
	TCase *tc = tcase_create("feed");
	tcase_add_checked_fixture(tc, write_capture, remove_capture);
	tcase_add_test(tc, every_frame_in_order);
	tcase_add_test(tc, count_limits_frames);
	tcase_add_test(tc, stop_before_start_reads_nothing);
	tcase_add_test(tc, end_early);
	tcase_add_test(tc, batch_cuts_oversized_frame);
	suite_add_tcase(s, tc);
	return s;
}
