/* gen_flood.c - hostile captures for the memory bounds (issue 13): a reassembly flood and a half-open flood, as pcap on stdout. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 *   gen_flood reasm N [GAP]  N connections, each four 1-byte segments and no
 *                          handshake: a 0x16 byte (the first byte of a TLS
 *                          record) from each side, then one byte GAP
 *                          (default 24,000) bytes further on from each side. A reassembler
 *                          that makes room up to the far byte keeps ~24 KB
 *                          per direction while waiting for the hole to fill.
 *   gen_flood halfopen N   N SYN + SYN-ACK pairs, each to another server
 *                          address (10.0.0.0/8 and on, port 80), never
 *                          completed: N half-open servers.
 *   gen_flood synflood N   N SYNs to one server (192.168.0.1:80), each from
 *                          another source: addresses 11.0.0.0/8 in a
 *                          scrambled order (a bijection of the SYN's number,
 *                          so no 4-tuple repeats; N <= 2^24), ports
 *                          scrambled too: N half-open connections.
 *   gen_flood clockfault   a connection open across one frame stamped
 *                          2100-01-01 (see clock_fault)
 *   gen_flood y2040        one connection on 2040-01-01
 *
 * Raw IPv4 frames (LINKTYPE_RAW), 1 us apart from 2023-11-14 22:13:20 UTC.
 */

static uint8_t frame[128];
static uint64_t now_us = 1700000000ull * 1000000ull;

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

static void le32(uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	fwrite(b, 1, 4, stdout);
}

static void pcap_header(void)
{
	le32(0xa1b2c3d4);
	uint8_t ver[4] = {2, 0, 4, 0};
	fwrite(ver, 1, 4, stdout);
	le32(0);
	le32(0);
	le32(65535);
	le32(101); /* LINKTYPE_RAW */
}

/* One IPv4/TCP segment with n payload bytes of value fill, stamped ts_us. */
static void segment(uint64_t ts_us, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq,
		    uint32_t ack, uint8_t flags, uint8_t fill, unsigned n)
{
	unsigned len = 40 + n;
	memset(frame, 0, sizeof(frame));
	frame[0] = 0x45;
	put16(frame + 2, (uint16_t)len);
	put16(frame + 6, 0x4000);
	frame[8] = 64;
	frame[9] = 6;
	put32(frame + 12, src);
	put32(frame + 16, dst);
	uint8_t *t = frame + 20;
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 65535);
	memset(t + 20, fill, n);
	le32((uint32_t)(ts_us / 1000000));
	le32((uint32_t)(ts_us % 1000000));
	le32(len);
	le32(len);
	fwrite(frame, 1, len, stdout);
}

enum { FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16 };

static void reasm_flood(unsigned long n, uint32_t gap)
{
	for (unsigned long i = 0; i < n; i++) {
		uint32_t c = 0x0a000000u + (uint32_t)(i / 50000), s = 0xc0a80001u; /* 10.x -> 192.168.0.1 */
		uint16_t sp = (uint16_t)(10000 + i % 50000), dp = 443;
		segment(now_us++, c, s, sp, dp, 1000, 5000, ACK | PSH, 0x16, 1);
		segment(now_us++, s, c, dp, sp, 5000, 1001, ACK | PSH, 0x16, 1);
		segment(now_us++, c, s, sp, dp, 1000 + gap, 5001, ACK | PSH, 0x41, 1);
		segment(now_us++, s, c, dp, sp, 5000 + gap, 1001, ACK | PSH, 0x41, 1);
	}
}

static void halfopen_flood(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		uint32_t c = 0xc0a80001u, s = 0x0a000000u + (uint32_t)i; /* 192.168.0.1 -> 10.x.y.z */
		uint16_t sp = (uint16_t)(10000 + i % 50000);
		segment(now_us++, c, s, sp, 80, 1000, 0, SYN, 0, 0);
		segment(now_us++, s, c, 80, sp, 7000, 1001, SYN | ACK, 0, 0);
	}
}

/* A bijection of 24-bit numbers that looks random: odd multipliers and xor-shifts, each invertible mod 2^24. */
static uint32_t scramble24(uint32_t x)
{
	x = (x * 0x9e3779u) & 0xffffffu;
	x ^= x >> 11;
	x = (x * 0x5bd1e5u) & 0xffffffu;
	x ^= x >> 13;
	return x;
}

static void syn_flood(unsigned long n)
{
	if (n > (1ul << 24))
		n = 1ul << 24; /* beyond that the sources would repeat */
	for (unsigned long i = 0; i < n; i++) {
		uint32_t src = 0x0b000000u | scramble24((uint32_t)i);
		uint16_t sp = (uint16_t)(1024 + scramble24((uint32_t)i ^ 0x5a5a5au) % 64000);
		segment(now_us++, src, 0xc0a80001u, sp, 80, (uint32_t)i * 2654435761u, 0, SYN, 0, 0);
	}
}

/* A handshake, 10 bytes each way and FIN both ways from start_us; the SYN-ACK stamped synack_us. */
static void short_conn(uint64_t start_us, uint16_t sp, uint64_t synack_us)
{
	uint32_t c = 0x0a000001u, s = 0x0a000002u;
	segment(start_us, c, s, sp, 80, 100, 0, SYN, 0, 0);
	segment(synack_us, s, c, 80, sp, 500, 101, SYN | ACK, 0, 0);
	segment(start_us + 200000, c, s, sp, 80, 101, 501, ACK, 0, 0);
	segment(start_us + 400000, c, s, sp, 80, 101, 501, ACK | PSH, 'a', 10);
	segment(start_us + 600000, s, c, 80, sp, 501, 111, ACK | PSH, 'b', 10);
	segment(start_us + 800000, c, s, sp, 80, 111, 511, ACK | FIN, 0, 0);
	segment(start_us + 900000, s, c, 80, sp, 511, 112, ACK | FIN, 0, 0);
	segment(start_us + 950000, c, s, sp, 80, 112, 512, ACK, 0, 0);
}

/*
 * Connection A opens and sends; connection B's SYN-ACK is stamped
 * 2100-01-01 (a corrupt record); A then sends again and closes. Read as
 * time passing, the jump would expire A and make its last segments a
 * second, mid-stream connection.
 */
static void clock_fault(void)
{
	uint32_t c = 0x0a000001u, s = 0x0a000002u;
	uint64_t t0 = now_us;
	segment(t0, c, s, 39999, 80, 100, 0, SYN, 0, 0);
	segment(t0 + 1000, s, c, 80, 39999, 500, 101, SYN | ACK, 0, 0);
	segment(t0 + 2000, c, s, 39999, 80, 101, 501, ACK, 0, 0);
	segment(t0 + 3000, c, s, 39999, 80, 101, 501, ACK | PSH, 'a', 10);
	short_conn(t0 + 1000000, 40001, 4102444800ull * 1000000ull);
	segment(t0 + 3000000, s, c, 80, 39999, 501, 111, ACK | PSH, 'b', 10);
	segment(t0 + 3100000, c, s, 39999, 80, 111, 511, ACK | FIN, 0, 0);
	segment(t0 + 3200000, s, c, 80, 39999, 511, 112, ACK | FIN, 0, 0);
	segment(t0 + 3300000, c, s, 39999, 80, 112, 512, ACK, 0, 0);
}

/* One short connection on 2040-01-01 00:00:00 UTC: seconds past 2^31. */
static void y2040(void)
{
	uint64_t t = 2208988800ull * 1000000ull;
	short_conn(t, 40000, t + 100000);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_flood reasm N [GAP] | halfopen N | synflood N | clockfault | y2040\n");
		return 2;
	}
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
	pcap_header();
	if (strcmp(argv[1], "reasm") == 0)
		reasm_flood(n, argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 24000);
	else if (strcmp(argv[1], "halfopen") == 0)
		halfopen_flood(n);
	else if (strcmp(argv[1], "synflood") == 0)
		syn_flood(n);
	else if (strcmp(argv[1], "clockfault") == 0)
		clock_fault();
	else if (strcmp(argv[1], "y2040") == 0)
		y2040();
	else
		return 2;
	return fflush(stdout) == 0 ? 0 : 1;
}
