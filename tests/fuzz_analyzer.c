/* fuzz_analyzer.c - libFuzzer target: the whole core (decode, flow table, trackers, observers, report) on any packets. */
/*
 * Build and run (clang with libFuzzer; tests/fuzz.sh does this):
 *   clang -std=c11 -g -O1 -D_DEFAULT_SOURCE -Iinclude \
 *     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *     tests/fuzz_analyzer.c <every src file but main.c and capture.c> -o fuzz_analyzer
 *
 * The input is read as a list of 16-byte segment descriptions between a few
 * endpoints, each turned into a raw IPv4 TCP packet (random bytes rarely make
 * a TCP header, so this reaches the trackers' corners: odd flag mixes, wild
 * sequence and ACK numbers, windows, SACK blocks, TTLs, time jumps back and
 * forth). Every record goes through the JSON writer. Any violated invariant
 * aborts, which libFuzzer reports as a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "report.h"
#include "timeline.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINKTYPE_RAW 101

struct run {
	struct report *rep;
	uint64_t records;
	uint64_t packets;
	uint64_t sink_packets;  /* packet records of the selected (odd) connections */
	uint64_t last_frame;
};

static bool valid_history(const char *h)
{
	size_t n = strlen(h);
	CHECK(n <= LC_HISTORY_MAX);
	for (size_t i = 0; i < n; i++)
		if (!strchr("^SHADFRCGIQTWshadfrcgiqtw", h[i]))
			return false;
	return true;
}

static void on_record(void *ctx, const struct conn_record *r)
{
	struct run *run = ctx;
	run->records++;
	run->packets += r->c2s.packets + r->s2c.packets;
	CHECK(r->end_reason < END__COUNT);
	CHECK(r->lc.state && r->lc.client_state && r->lc.server_state);
	CHECK(strcmp(r->lc.client_state, "?") != 0 && strcmp(r->lc.server_state, "?") != 0);
	CHECK(valid_history(r->lc.history));
	CHECK(r->lc.ndiag >= 0 && r->lc.ndiag <= LC_DIAG_MAX);
	for (int i = 0; i < r->lc.ndiag; i++)
		CHECK(memchr(r->lc.diag[i], '\0', LC_DIAG_LEN) != NULL);
	CHECK(r->lc.syn_intervals < LC_SYN_TIMES && r->lc.synack_intervals < LC_SYN_TIMES);
	report_conn(run->rep, r);
}

static void on_event(void *ctx, const struct conn_event *ev)
{
	struct run *run = ctx;
	CHECK(ev->side == 0 || ev->side == 1);
	report_event(run->rep, ev);
}

/* The packet sink follows odd ids, so selected and unselected connections mix. */
static bool select_odd(void *ctx, uint64_t id, const struct flow_key *key)
{
	(void)ctx;
	(void)key;
	return id & 1;
}

static void on_packet(void *ctx, const struct packet_record *p)
{
	struct run *run = ctx;
	CHECK(p->conn_id & 1);
	CHECK(p->frame > run->last_frame); /* capture order, each frame once */
	run->last_frame = p->frame;
	run->sink_packets++;
	CHECK(p->dir == 0 || p->dir == 1);
	CHECK(p->sack_count <= PKTREC_SACK_MAX && p->dsack_blocks <= p->sack_count);
	CHECK((unsigned)p->client_before < TCP_ST__COUNT && (unsigned)p->client_after < TCP_ST__COUNT);
	CHECK((unsigned)p->server_before < TCP_ST__COUNT && (unsigned)p->server_after < TCP_ST__COUNT);
	CHECK(p->captured && p->captured->caplen > 0 && p->captured->data);
	char line[TIMELINE_LINE_MAX];
	size_t n = timeline_format(line, sizeof(line), p);
	CHECK(n > 0 && n < sizeof(line) && line[n - 1] == '\n' && memchr(line, '\n', n - 1) == NULL);
	struct report *rep = report_open_memory(REPORT_JSON);
	CHECK(rep != NULL);
	report_record(rep, FIELD_PACKET, p);
	const char *json = report_memory_take(rep, &n);
	CHECK(n > 0 && json[n - 1] == '\n' && memchr(json, '\n', n - 1) == NULL);
	report_close(rep);
}

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

/*
 * One description: [0] endpoints (bit 0 direction, bits 1-2 which of 4
 * client ports), [1] TCP flags, [2..5] sequence delta, [6..9] ACK delta,
 * [10..11] window, [12] payload length / 8, [13] time step, [14] TTL,
 * [15] options (bit 0 MSS/wscale/SACK-permitted/timestamps, bit 1 SACK
 * blocks, bits 2-3 time step scale).
 */
static size_t build(const uint8_t *d, uint32_t seq[2][4], uint32_t ack[2][4], uint8_t *pkt)
{
	int dir = d[0] & 1, port = (d[0] >> 1) & 3;
	/* deltas from huge to a few bytes: the low bits of the first byte pick the shift */
	uint32_t s = seq[dir][port] += get32(d + 2) >> (d[2] & 7) * 4;
	uint32_t a = ack[dir][port] += get32(d + 6) >> (d[6] & 7) * 4;
	size_t payload = (size_t)d[12] * 8, opt = 0;
	uint8_t *tcp = pkt + 20, *o = tcp + 20;

	if (d[15] & 1) {
		static const uint8_t syn_opts[] = { 2, 4, 5, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0 };
		memcpy(o, syn_opts, sizeof(syn_opts));
		opt = sizeof(syn_opts);
	}
	if (d[15] & 2) {
		/* two SACK blocks around the ACK: the first may be a D-SACK */
		uint8_t *b = o + opt;
		b[0] = 1;
		b[1] = 1;
		b[2] = 5;
		b[3] = 18;
		put32(b + 4, a - 1000);
		put32(b + 8, a - (uint32_t)payload);
		put32(b + 12, a + 1000);
		put32(b + 16, a + 2000 + d[13]);
		opt += 20;
	}
	size_t tcp_len = 20 + opt, total = 20 + tcp_len + payload;
	memset(pkt, 0, 20);
	pkt[0] = 0x45;
	put16(pkt + 2, (unsigned)total);
	pkt[8] = d[14];
	pkt[9] = 6;
	uint8_t client[4] = { 10, 0, 0, 1 }, server[4] = { 10, 0, 0, 2 };
	memcpy(pkt + 12, dir ? server : client, 4);
	memcpy(pkt + 16, dir ? client : server, 4);
	unsigned cport = 40000 + (unsigned)port, sport = port == 3 ? 40003 : 80;
	put16(tcp, dir ? sport : cport);
	put16(tcp + 2, dir ? cport : sport);
	put32(tcp + 4, s);
	put32(tcp + 8, a);
	tcp[12] = (uint8_t)((tcp_len / 4) << 4);
	tcp[13] = d[1];
	put16(tcp + 14, (unsigned)d[10] << 8 | d[11]);
	memset(tcp + tcp_len, 'x', payload);
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[20 + 60 + 255 * 8];
	uint32_t seq[2][4] = { { 0 } }, ack[2][4] = { { 0 } };
	struct run run = { 0 };
	FILE *sink = fopen("/dev/null", "w");
	CHECK(sink != NULL);
	run.rep = report_open(sink, REPORT_JSON);
	struct flow_config cfg;
	flow_config_defaults(&cfg);
	cfg.max_flows = 3; /* four 4-tuples: eviction happens too */
	struct analyzer *a = analyzer_new(&cfg, on_record, &run);
	CHECK(a != NULL && run.rep != NULL);
	analyzer_set_event_sink(a, on_event, &run);
	analyzer_set_packet_sink(a, select_odd, on_packet, &run);

	uint64_t ts = 1700000000ull * 1000000000ull;
	uint64_t fed = 0;
	for (size_t off = 0; off + 16 <= size; off += 16) {
		const uint8_t *d = data + off;
		size_t n = build(d, seq, ack, pkt);
		uint64_t step = (uint64_t)d[13] << ((d[15] >> 2 & 3) * 10); /* ns, us, ms or s-ish steps */
		ts = (d[15] & 0x10) && ts > step ? ts - step : ts + step; /* now and then backwards */
		analyzer_frame(a, LINKTYPE_RAW, pkt, (uint32_t)n, (uint32_t)n, ts);
		fed++;
	}
	analyzer_finish(a);
	struct summary_record s;
	memset(&s, 0, sizeof(s));
	analyzer_summary(a, &s);
	CHECK(s.frames == fed);
	CHECK(s.connections == run.records);
	CHECK(run.packets == s.tcp_packets);
	CHECK(run.sink_packets <= s.tcp_packets);
	report_summary(run.rep, &s);
	analyzer_free(a);
	CHECK(report_close(run.rep) == 0);
	fclose(sink);
	return 0;
}
