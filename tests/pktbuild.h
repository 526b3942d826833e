/* pktbuild.h - build test frames byte by byte (Ethernet/IPv4/IPv6 + TCP), for the Check suites. */
#ifndef TCPSCOPE_TEST_PKTBUILD_H
#define TCPSCOPE_TEST_PKTBUILD_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A TCP segment to build; addresses as text ("10.0.0.1" or "2001:db8::1"). */
struct tb_tcp {
	const char *src, *dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t flags;           /* TCP_FLAG_* (NS as 0x100) */
	uint16_t window;
	const uint8_t *opts;      /* raw option bytes, padded by the builder to 4 */
	size_t optlen;
	size_t payload_len;       /* payload bytes (filled with 'x') */
	uint8_t ttl;              /* 0 means 64 */
};

static inline void tb_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void tb_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* Write the TCP header + payload at p; returns its length. */
static inline size_t tb_tcp_header(uint8_t *p, const struct tb_tcp *t)
{
	size_t optpad = (t->optlen + 3) & ~(size_t)3;
	size_t hl = 20 + optpad;
	memset(p, 0, hl);
	tb_put16(p, t->sport);
	tb_put16(p + 2, t->dport);
	tb_put32(p + 4, t->seq);
	tb_put32(p + 8, t->ack);
	p[12] = (uint8_t)((hl / 4) << 4 | ((t->flags >> 8) & 1));
	p[13] = (uint8_t)t->flags;
	tb_put16(p + 14, t->window);
	if (t->optlen)
		memcpy(p + 20, t->opts, t->optlen);
	memset(p + hl, 'x', t->payload_len);
	return hl + t->payload_len;
}

/* IP header (v4 or v6 by the address text) + TCP; returns the length. */
static inline size_t tb_ip_tcp(uint8_t *p, const struct tb_tcp *t)
{
	uint8_t a[16], b[16];
	uint8_t ttl = t->ttl ? t->ttl : 64;
	if (inet_pton(AF_INET, t->src, a) == 1) {
		inet_pton(AF_INET, t->dst, b);
		size_t tl = tb_tcp_header(p + 20, t);
		memset(p, 0, 20);
		p[0] = 0x45;
		tb_put16(p + 2, (uint16_t)(20 + tl));
		p[6] = 0x40; /* DF */
		p[8] = ttl;
		p[9] = 6;
		memcpy(p + 12, a, 4);
		memcpy(p + 16, b, 4);
		return 20 + tl;
	}
	inet_pton(AF_INET6, t->src, a);
	inet_pton(AF_INET6, t->dst, b);
	size_t tl = tb_tcp_header(p + 40, t);
	memset(p, 0, 40);
	p[0] = 0x60;
	tb_put16(p + 4, (uint16_t)tl);
	p[6] = 6;
	p[7] = ttl;
	memcpy(p + 8, a, 16);
	memcpy(p + 24, b, 16);
	return 40 + tl;
}

/* Ethernet frame (LINKTYPE_ETHERNET) carrying the segment; returns its length. */
static inline size_t tb_eth_tcp(uint8_t *p, const struct tb_tcp *t)
{
	static const uint8_t macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
	memcpy(p, macs, 12);
	int v6 = strchr(t->src, ':') != NULL;
	tb_put16(p + 12, v6 ? 0x86dd : 0x0800);
	return 14 + tb_ip_tcp(p + 14, t);
}

#endif
