/* check_decode.c - decode_packet on hand-built frames: every link type, IP, TCP options, truncation, malformation. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "pktbuild.h"
#include "suites.h"

#define TS 1700000000123456789ULL

#define ck_status(got, want)                                                          \
	do {                                                                          \
		enum decode_status got_ = (got), want_ = (want);                      \
		ck_assert_msg(got_ == want_, "status %s, expected %s",                \
			      decode_status_name(got_), decode_status_name(want_));  \
	} while (0)

/*
 * Decode from an exact-length heap copy, so AddressSanitizer flags any read
 * past caplen. *p is poisoned first to catch fields decode_packet forgets to
 * fill; on OK, payload is mapped back into `frame`.
 */
static enum decode_status dec_cap(int linktype, const uint8_t *frame, size_t caplen, size_t wire,
				  struct pkt *p)
{
	uint8_t *copy = malloc(caplen);
	ck_assert(copy != NULL || caplen == 0);
	if (caplen)
		memcpy(copy, frame, caplen);
	memset(p, 0xa5, sizeof *p);
	enum decode_status st = decode_packet(linktype, copy, (uint32_t)caplen, (uint32_t)wire, TS, p);
	if (st == DECODE_OK) {
		ck_assert(p->payload >= copy && p->payload <= copy + caplen);
		size_t off = (size_t)(p->payload - copy);
		ck_assert_uint_le(p->payload_caplen, caplen - off);
		p->payload = frame + off;
	}
	free(copy);
	return st;
}

static enum decode_status dec(int linktype, const uint8_t *frame, size_t len, struct pkt *p)
{
	return dec_cap(linktype, frame, len, len, p);
}

static void ck_v4mapped(const uint8_t a[16], const char *text)
{
	uint8_t want[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	ck_assert_int_eq(inet_pton(AF_INET, text, want + 12), 1);
	ck_assert_mem_eq(a, want, 16);
}

static void ck_v6(const uint8_t a[16], const char *text)
{
	uint8_t want[16];
	ck_assert_int_eq(inet_pton(AF_INET6, text, want), 1);
	ck_assert_mem_eq(a, want, 16);
}

/* Insert IPv4 options (a multiple of 4 bytes) after the fixed header at ip; fixes IHL and total length. */
static size_t ip4_add_options(uint8_t *ip, size_t len, const uint8_t *opt, size_t n)
{
	memmove(ip + 20 + n, ip + 20, len - 20);
	memcpy(ip + 20, opt, n);
	ip[0] = (uint8_t)(0x40 | (20 + n) / 4);
	tb_put16(ip + 2, (uint16_t)(len + n));
	return len + n;
}

/*
 * Put an extension header of type `type` right after the IPv6 fixed header at
 * ip: it takes over the old next-header value and payload length grows. Push
 * the innermost header first.
 */
static size_t ip6_push_ext(uint8_t *ip, size_t len, uint8_t type, const uint8_t *ext, size_t n)
{
	memmove(ip + 40 + n, ip + 40, len - 40);
	memcpy(ip + 40, ext, n);
	ip[40] = ip[6];
	ip[6] = type;
	tb_put16(ip + 4, (uint16_t)(len - 40 + n));
	return len + n;
}

static const uint8_t MACS[12] = { 0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01 };

/* The reference segments every link-type test carries. */
static const struct tb_tcp SEG4 = {
	.src = "192.0.2.1", .dst = "198.51.100.7", .sport = 40000, .dport = 443,
	.seq = 0x11223344, .ack = 0xa0b0c0d0, .flags = TCP_FLAG_ACK | TCP_FLAG_PSH,
	.window = 502, .payload_len = 100, .ttl = 57,
};
static const struct tb_tcp SEG6 = {
	.src = "2001:db8::1", .dst = "2001:db8:0:1::2", .sport = 51000, .dport = 80,
	.seq = 1, .ack = 0xfffffffe, .flags = TCP_FLAG_ACK, .window = 65535,
	.payload_len = 33, .ttl = 255,
};

/* SEG4 decoded with `hdr` bytes of link header in front: 20 IP + 20 TCP, then 100 payload. */
static void ck_seg4(const struct pkt *p, const uint8_t *frame, size_t hdr)
{
	ck_assert_uint_eq(p->ip_version, 4);
	ck_v4mapped(p->src, "192.0.2.1");
	ck_v4mapped(p->dst, "198.51.100.7");
	ck_assert_uint_eq(p->sport, 40000);
	ck_assert_uint_eq(p->dport, 443);
	ck_assert_uint_eq(p->seq, 0x11223344);
	ck_assert_uint_eq(p->ack, 0xa0b0c0d0);
	ck_assert_uint_eq(p->flags, 0x18);
	ck_assert_uint_eq(p->window, 502);
	ck_assert_uint_eq(p->ttl, 57);
	ck_assert_uint_eq(p->payload_len, 100);
	ck_assert_uint_eq(p->payload_caplen, 100);
	ck_assert_ptr_eq(p->payload, frame + hdr + 40);
	ck_assert_uint_eq(p->opt.present, 0);
	ck_status(p->opt_status, DECODE_OK);
}

/* SEG6: 40 IP + 20 TCP, then 33 payload. */
static void ck_seg6(const struct pkt *p, const uint8_t *frame, size_t hdr)
{
	ck_assert_uint_eq(p->ip_version, 6);
	ck_v6(p->src, "2001:db8::1");
	ck_v6(p->dst, "2001:db8:0:1::2");
	ck_assert_uint_eq(p->sport, 51000);
	ck_assert_uint_eq(p->dport, 80);
	ck_assert_uint_eq(p->seq, 1);
	ck_assert_uint_eq(p->ack, 0xfffffffe);
	ck_assert_uint_eq(p->flags, TCP_FLAG_ACK);
	ck_assert_uint_eq(p->window, 65535);
	ck_assert_uint_eq(p->ttl, 255);
	ck_assert_uint_eq(p->payload_len, 33);
	ck_assert_uint_eq(p->payload_caplen, 33);
	ck_assert_ptr_eq(p->payload, frame + hdr + 60);
	ck_status(p->opt_status, DECODE_OK);
}

/* Link header bytes, then the segment's IP+TCP. */
static size_t with_link(uint8_t *f, const uint8_t *hdr, size_t hlen, const struct tb_tcp *t)
{
	memcpy(f, hdr, hlen);
	return hlen + tb_ip_tcp(f + hlen, t);
}

/* ---------------------------------------------------------------- core */

START_TEST(test_eth_ipv4)
{
	uint8_t f[256];
	struct pkt p;
	size_t n = tb_eth_tcp(f, &SEG4);
	ck_assert_uint_eq(n, 154); /* 14 + 20 + 20 + 100 */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_seg4(&p, f, 14);
	ck_assert_uint_eq(p.ts_ns, TS);
	ck_assert_uint_eq(p.wire_len, 154);
	ck_assert_uint_eq(p.cap_len, 154);
	ck_assert_uint_eq(p.vlan_depth, 0);
	ck_assert_uint_eq(p.payload[0], 'x');
	/* memset first: option fields are zero, not the poison */
	ck_assert_uint_eq(p.opt.mss, 0);
	ck_assert_uint_eq(p.opt.sack_count, 0);
	ck_assert_uint_eq(p.opt.ts_val, 0);
}
END_TEST

START_TEST(test_eth_ipv6)
{
	uint8_t f[256];
	struct pkt p;
	size_t n = tb_eth_tcp(f, &SEG6);
	ck_assert_uint_eq(n, 107); /* 14 + 40 + 20 + 33 */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_seg6(&p, f, 14);
	ck_assert_uint_eq(p.vlan_depth, 0);
}
END_TEST

START_TEST(test_vlan_8021q)
{
	/* one 802.1Q tag, VLAN 100 priority 5, wrapping IPv4 */
	const uint8_t hdr[18] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x81, 0x00, 0xa0, 0x64, 0x08, 0x00 };
	uint8_t f[256];
	struct pkt p;
	size_t n = with_link(f, hdr, sizeof hdr, &SEG4);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_seg4(&p, f, 18);
	ck_assert_uint_eq(p.vlan_depth, 1);
}
END_TEST

START_TEST(test_qinq_88a8)
{
	/* 802.1ad S-tag 10 outside an 802.1Q C-tag 100, wrapping IPv6 */
	const uint8_t hdr[22] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xa8, 0x00, 0x0a,
				  0x81, 0x00, 0x00, 0x64, 0x86, 0xdd };
	uint8_t f[256];
	struct pkt p;
	size_t n = with_link(f, hdr, sizeof hdr, &SEG6);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_seg6(&p, f, 22);
	ck_assert_uint_eq(p.vlan_depth, 2);
}
END_TEST

START_TEST(test_triple_tags)
{
	/* pre-standard 0x9100, then 0x88a8, then 0x8100: three tags */
	const uint8_t hdr[26] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x91, 0x00, 0x00, 0x01,
				  0x88, 0xa8, 0x00, 0x02, 0x81, 0x00, 0x00, 0x03, 0x08, 0x00 };
	uint8_t f[256];
	struct pkt p;
	size_t n = with_link(f, hdr, sizeof hdr, &SEG4);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_seg4(&p, f, 26);
	ck_assert_uint_eq(p.vlan_depth, 3);
}
END_TEST

START_TEST(test_pppoe)
{
	/* PPPoE session: ver/type 0x11, code 0, session 0x1234, length 142
	 * (2 PPP + 140 IP), PPP protocol 0x0021 IPv4 */
	const uint8_t hdr4[22] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x64,
				   0x11, 0x00, 0x12, 0x34, 0x00, 0x8e, 0x00, 0x21 };
	/* same with PPP 0x0057 IPv6: length 2 + 93 */
	const uint8_t hdr6[22] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x64,
				   0x11, 0x00, 0x12, 0x34, 0x00, 0x5f, 0x00, 0x57 };
	uint8_t f[256];
	struct pkt p;
	size_t n = with_link(f, hdr4, sizeof hdr4, &SEG4);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_seg4(&p, f, 22);
	ck_assert_uint_eq(p.vlan_depth, 0);

	n = with_link(f, hdr6, sizeof hdr6, &SEG6);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_seg6(&p, f, 22);
}
END_TEST

START_TEST(test_pppoe_in_qinq)
{
	/* the shape of a DSL access network: S-tag, C-tag, PPPoE, IPv4 */
	const uint8_t hdr[30] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xa8, 0x00, 0x64,
				  0x81, 0x00, 0x00, 0xc8, 0x88, 0x64, 0x11, 0x00, 0x00, 0x07,
				  0x00, 0x8e, 0x00, 0x21 };
	uint8_t f[256];
	struct pkt p;
	size_t n = with_link(f, hdr, sizeof hdr, &SEG4);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_seg4(&p, f, 30);
	ck_assert_uint_eq(p.vlan_depth, 2);
}
END_TEST

START_TEST(test_pppoe_not_ip)
{
	/* PPP LCP (0xc021) and PPPoE discovery (0x8863) are not IP */
	const uint8_t lcp[30] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x64, 0x11, 0x00,
				  0x12, 0x34, 0x00, 0x0a, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08,
				  1, 2, 3, 4 };
	const uint8_t padi[20] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1,
				   0x88, 0x63, 0x11, 0x09, 0x00, 0x00, 0x00, 0x00 };
	struct pkt p;
	ck_status(dec(LINK_ETHERNET, lcp, sizeof lcp, &p), DECODE_NOT_IP);
	ck_status(dec(LINK_ETHERNET, padi, sizeof padi, &p), DECODE_NOT_IP);
}
END_TEST

START_TEST(test_pppoe_length_bounds_ip)
{
	/* Frame 19 of qinq_pppoe_tls.pcap: S-tag 0x0e78, C-tag 0x09aa, PPPoE
	 * length 42 (PPP 2 + IP 40), but the IPv4 total length says 46 and 6
	 * zero bytes follow. tshark: tcp.len 0, and the next segment from
	 * 2.2.2.2 starts at the same sequence number, so PPPoE is right. */
	const uint8_t f[76] = {
		0xbc, 0xd1, 0x77, 0x17, 0x75, 0x0d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x81, 0x00, 0x0e, 0x78,
		0x81, 0x00, 0x09, 0xaa, 0x88, 0x64, 0x11, 0x00, 0x0f, 0x07, 0x00, 0x2a, 0x00, 0x21, 0x45, 0x00,
		0x00, 0x2e, 0x1c, 0x46, 0x40, 0x00, 0xef, 0x06, 0x69, 0x7e, 0x02, 0x02, 0x02, 0x02, 0x01, 0x01,
		0x01, 0x01, 0x01, 0xbb, 0x4f, 0xaa, 0xfc, 0x90, 0xb0, 0x07, 0xd7, 0xa8, 0x44, 0x99, 0x50, 0x10,
		0x08, 0x62, 0x87, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct pkt p;
	ck_status(dec(LINK_ETHERNET, f, sizeof f, &p), DECODE_OK);
	ck_assert_uint_eq(p.vlan_depth, 2);
	ck_v4mapped(p.src, "2.2.2.2");
	ck_v4mapped(p.dst, "1.1.1.1");
	ck_assert_uint_eq(p.ttl, 239);
	ck_assert_uint_eq(p.sport, 443);
	ck_assert_uint_eq(p.dport, 20394);
	ck_assert_uint_eq(p.seq, 4237340679u);
	ck_assert_uint_eq(p.ack, 3618129049u);
	ck_assert_uint_eq(p.flags, TCP_FLAG_ACK);
	ck_assert_uint_eq(p.window, 2146);
	ck_assert_uint_eq(p.payload_len, 0);
	ck_assert_uint_eq(p.payload_caplen, 0);

	/* a PPPoE length beyond the frame changes nothing: IPv4 rules apply */
	uint8_t g[256];
	const uint8_t hdr[22] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x64,
				  0x11, 0x00, 0x12, 0x34, 0xff, 0xff, 0x00, 0x21 };
	size_t n = with_link(g, hdr, sizeof hdr, &SEG4);
	ck_status(dec(LINK_ETHERNET, g, n, &p), DECODE_OK);
	ck_seg4(&p, g, 22);

	/* IPv6 the same way: payload length 93, PPPoE length 2 + 40 + 20 + 3,
	 * so 3 of the 33 payload bytes */
	const uint8_t hdr6[22] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x64,
				   0x11, 0x00, 0x12, 0x34, 0x00, 0x41, 0x00, 0x57 };
	n = with_link(g, hdr6, sizeof hdr6, &SEG6);
	ck_status(dec(LINK_ETHERNET, g, n, &p), DECODE_OK);
	ck_assert_uint_eq(p.payload_len, 3);
	ck_assert_uint_eq(p.payload_caplen, 3);
}
END_TEST

START_TEST(test_sll)
{
	/* Linux cooked v1: packet type 4 (outgoing), ARPHRD_ETHER, address
	 * length 6, MAC + 2 pad bytes, protocol at offset 14 */
	uint8_t hdr[16] = { 0x00, 0x04, 0x00, 0x01, 0x00, 0x06, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00 };
	uint8_t f[256];
	struct pkt p;
	size_t n = with_link(f, hdr, sizeof hdr, &SEG4);
	ck_status(dec(LINK_LINUX_SLL, f, n, &p), DECODE_OK);
	ck_seg4(&p, f, 16);

	hdr[14] = 0x86;
	hdr[15] = 0xdd;
	n = with_link(f, hdr, sizeof hdr, &SEG6);
	ck_status(dec(LINK_LINUX_SLL, f, n, &p), DECODE_OK);
	ck_seg6(&p, f, 16);

	/* an unstripped 802.1Q tag after the cooked header is followed too */
	const uint8_t tagged[20] = { 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 2, 0, 0, 0, 0, 1, 0, 0,
				     0x81, 0x00, 0x00, 0x05, 0x08, 0x00 };
	n = with_link(f, tagged, sizeof tagged, &SEG4);
	ck_status(dec(LINK_LINUX_SLL, f, n, &p), DECODE_OK);
	ck_seg4(&p, f, 20);
	ck_assert_uint_eq(p.vlan_depth, 1);

	/* protocol 0x0806: ARP */
	hdr[14] = 0x08;
	hdr[15] = 0x06;
	n = with_link(f, hdr, sizeof hdr, &SEG4);
	ck_status(dec(LINK_LINUX_SLL, f, n, &p), DECODE_NOT_IP);
}
END_TEST

START_TEST(test_sll2)
{
	/* Linux cooked v2: protocol at offset 0, reserved, ifindex 2,
	 * ARPHRD_ETHER, packet type 0 (to us), address length 6, 8 address bytes */
	uint8_t hdr[20] = { 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
			    0x00, 0x06, 2, 0, 0, 0, 0, 1, 0, 0 };
	uint8_t f[256];
	struct pkt p;
	size_t n = with_link(f, hdr, sizeof hdr, &SEG4);
	ck_status(dec(LINK_LINUX_SLL2, f, n, &p), DECODE_OK);
	ck_seg4(&p, f, 20);

	hdr[0] = 0x86;
	hdr[1] = 0xdd;
	n = with_link(f, hdr, sizeof hdr, &SEG6);
	ck_status(dec(LINK_LINUX_SLL2, f, n, &p), DECODE_OK);
	ck_seg6(&p, f, 20);
}
END_TEST

START_TEST(test_null)
{
	/* the family in either byte order: a little-endian writer stores 2 as
	 * 02 00 00 00, a big-endian one as 00 00 00 02 */
	static const struct {
		uint8_t af[4];
		int ipver;
	} cases[] = {
		{ { 0x02, 0, 0, 0 }, 4 },    { { 0, 0, 0, 0x02 }, 4 },
		{ { 0x18, 0, 0, 0 }, 6 },    { { 0, 0, 0, 0x18 }, 6 },  /* 24: NetBSD/OpenBSD */
		{ { 0x1c, 0, 0, 0 }, 6 },    { { 0, 0, 0, 0x1c }, 6 },  /* 28: FreeBSD */
		{ { 0x1e, 0, 0, 0 }, 6 },    { { 0, 0, 0, 0x1e }, 6 },  /* 30: macOS */
		{ { 0x07, 0, 0, 0 }, 0 },    { { 0, 0, 0, 0x17 }, 0 },  /* OSI, 23: not IP */
	};
	uint8_t f[256];
	struct pkt p;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tb_tcp *t = cases[i].ipver == 6 ? &SEG6 : &SEG4;
		size_t n = with_link(f, cases[i].af, 4, t);
		if (cases[i].ipver == 0) {
			ck_status(dec(LINK_NULL, f, n, &p), DECODE_NOT_IP);
			continue;
		}
		ck_status(dec(LINK_NULL, f, n, &p), DECODE_OK);
		if (cases[i].ipver == 4)
			ck_seg4(&p, f, 4);
		else
			ck_seg6(&p, f, 4);
	}
}
END_TEST

START_TEST(test_loop)
{
	/* OpenBSD LOOP: network order only, so 02 00 00 00 is not AF_INET */
	const uint8_t af4[4] = { 0, 0, 0, 2 }, af6[4] = { 0, 0, 0, 24 }, le4[4] = { 2, 0, 0, 0 };
	uint8_t f[256];
	struct pkt p;
	size_t n = with_link(f, af4, 4, &SEG4);
	ck_status(dec(LINK_LOOP, f, n, &p), DECODE_OK);
	ck_seg4(&p, f, 4);
	n = with_link(f, af6, 4, &SEG6);
	ck_status(dec(LINK_LOOP, f, n, &p), DECODE_OK);
	ck_seg6(&p, f, 4);
	n = with_link(f, le4, 4, &SEG4);
	ck_status(dec(LINK_LOOP, f, n, &p), DECODE_NOT_IP);
}
END_TEST

START_TEST(test_raw)
{
	uint8_t f[256];
	struct pkt p;
	size_t n4 = tb_ip_tcp(f, &SEG4);
	ck_status(dec(LINK_RAW, f, n4, &p), DECODE_OK);
	ck_seg4(&p, f, 0);
	ck_status(dec(LINK_RAW_ALT, f, n4, &p), DECODE_OK);
	ck_seg4(&p, f, 0);
	ck_status(dec(LINK_IPV4, f, n4, &p), DECODE_OK);
	ck_seg4(&p, f, 0);

	size_t n6 = tb_ip_tcp(f, &SEG6);
	ck_status(dec(LINK_RAW, f, n6, &p), DECODE_OK);
	ck_seg6(&p, f, 0);
	ck_status(dec(LINK_RAW_ALT, f, n6, &p), DECODE_OK);
	ck_seg6(&p, f, 0);
	ck_status(dec(LINK_IPV6, f, n6, &p), DECODE_OK);
	ck_seg6(&p, f, 0);
}
END_TEST

START_TEST(test_ipv4_options)
{
	/* IHL 7: Router Alert (94 04 00 00), then NOP NOP NOP EOL */
	const uint8_t opt[8] = { 0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00 };
	uint8_t f[256];
	struct pkt p;
	size_t n = tb_eth_tcp(f, &SEG4);
	n = 14 + ip4_add_options(f + 14, n - 14, opt, sizeof opt);
	ck_assert_uint_eq(f[14], 0x47);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_seg4(&p, f, 14 + 8);

	/* IHL 15: 40 bytes of options, all NOP */
	uint8_t nops[40];
	memset(nops, 1, sizeof nops);
	n = tb_eth_tcp(f, &SEG4);
	n = 14 + ip4_add_options(f + 14, n - 14, nops, sizeof nops);
	ck_assert_uint_eq(f[14], 0x4f);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_seg4(&p, f, 14 + 40);
}
END_TEST

START_TEST(test_ipv4_bad_options)
{
	/* a Timestamp option (kind 68) claiming 12 bytes in an 8-byte options area */
	const uint8_t past_end[8] = { 0x44, 0x0c, 0x05, 0x00, 0, 0, 0, 0 };
	/* an option of length 1 (a length must cover kind and length: >= 2) */
	const uint8_t len_one[4] = { 0x07, 0x01, 0x00, 0x00 };
	/* a kind byte with its length byte missing (last byte of the area) */
	const uint8_t no_len[4] = { 0x01, 0x01, 0x01, 0x44 };
	const uint8_t *cases[] = { past_end, len_one, no_len };
	const size_t sizes[] = { sizeof past_end, sizeof len_one, sizeof no_len };
	uint8_t f[256];
	struct pkt p;
	for (size_t i = 0; i < 3; i++) {
		size_t n = tb_eth_tcp(f, &SEG4);
		n = 14 + ip4_add_options(f + 14, n - 14, cases[i], sizes[i]);
		ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IP_OPTION);
	}
	/* after EOL anything goes: it is padding */
	const uint8_t eol_then_junk[4] = { 0x00, 0xff, 0x01, 0x02 };
	size_t n = tb_eth_tcp(f, &SEG4);
	n = 14 + ip4_add_options(f + 14, n - 14, eol_then_junk, sizeof eol_then_junk);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
}
END_TEST

START_TEST(test_flags)
{
	uint8_t f[256];
	struct pkt p;
	struct tb_tcp t = SEG4;
	t.flags = 0x1ff; /* every flag, NS included */
	size_t n = tb_eth_tcp(f, &t);
	ck_assert_uint_eq(f[14 + 20 + 12], 0x51); /* doff 5, NS bit */
	ck_assert_uint_eq(f[14 + 20 + 13], 0xff);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_assert_uint_eq(p.flags, 0x1ff);

	t.flags = TCP_FLAG_NS | TCP_FLAG_ACK;
	n = tb_eth_tcp(f, &t);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_assert_uint_eq(p.flags, 0x110);

	t.flags = TCP_FLAG_SYN | TCP_FLAG_ECE | TCP_FLAG_CWR;
	n = tb_eth_tcp(f, &t);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_assert_uint_eq(p.flags, 0xc2);
}
END_TEST

START_TEST(test_tso_total_len_zero)
{
	/* a 3000-byte GSO super-segment captured on the sender: total length 0,
	 * the record's wire length (14 + 20 + 20 + 3000) is the truth */
	static uint8_t f[4096];
	struct pkt p;
	struct tb_tcp t = SEG4;
	t.payload_len = 3000;
	size_t n = tb_eth_tcp(f, &t);
	ck_assert_uint_eq(n, 3054);
	tb_put16(f + 14 + 2, 0);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_assert_uint_eq(p.payload_len, 3000);
	ck_assert_uint_eq(p.payload_caplen, 3000);

	/* same with snaplen 128: payload_len still from the wire length */
	ck_status(dec_cap(LINK_ETHERNET, f, 128, n, &p), DECODE_OK);
	ck_assert_uint_eq(p.payload_len, 3000);
	ck_assert_uint_eq(p.payload_caplen, 128 - 54);

	/* IPv6 payload length 0 the same way: 20 TCP + 3000 */
	t = SEG6;
	t.payload_len = 3000;
	n = tb_eth_tcp(f, &t);
	tb_put16(f + 14 + 4, 0);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_assert_uint_eq(p.payload_len, 3000);
}
END_TEST

START_TEST(test_eth_padding)
{
	/* a bare ACK is 54 bytes; Ethernet pads it to 60 with zeros (the buffer
	 * is larger than 60 only so the compiler sees room for SEG4's options) */
	uint8_t f[128];
	struct pkt p;
	struct tb_tcp t = SEG4;
	t.payload_len = 0;
	size_t n = tb_eth_tcp(f, &t);
	ck_assert_uint_eq(n, 54);
	memset(f + 54, 0, 6);
	ck_status(dec(LINK_ETHERNET, f, 60, &p), DECODE_OK);
	ck_assert_uint_eq(p.payload_len, 0);
	ck_assert_uint_eq(p.payload_caplen, 0);

	/* 2 payload bytes, 4 bytes of padding */
	t.payload_len = 2;
	n = tb_eth_tcp(f, &t);
	memset(f + n, 0xee, 60 - n);
	ck_status(dec(LINK_ETHERNET, f, 60, &p), DECODE_OK);
	ck_assert_uint_eq(p.payload_len, 2);
	ck_assert_uint_eq(p.payload_caplen, 2);
	ck_assert_ptr_eq(p.payload, f + 54);
}
END_TEST

START_TEST(test_snaplen_cut_payload)
{
	/* 1000 payload bytes on the wire (1054-byte frame), snaplen 96 kept 42 */
	static uint8_t f[1100];
	struct pkt p;
	struct tb_tcp t = SEG4;
	t.payload_len = 1000;
	size_t n = tb_eth_tcp(f, &t);
	ck_assert_uint_eq(n, 1054);
	ck_status(dec_cap(LINK_ETHERNET, f, 96, n, &p), DECODE_OK);
	ck_assert_uint_eq(p.payload_len, 1000);
	ck_assert_uint_eq(p.payload_caplen, 42);
	ck_assert_ptr_eq(p.payload, f + 54);
	ck_assert_uint_eq(p.wire_len, 1054);
	ck_assert_uint_eq(p.cap_len, 96);

	/* snaplen exactly at the end of the TCP header */
	ck_status(dec_cap(LINK_ETHERNET, f, 54, n, &p), DECODE_OK);
	ck_assert_uint_eq(p.payload_len, 1000);
	ck_assert_uint_eq(p.payload_caplen, 0);
}
END_TEST

START_TEST(test_ipv6_ext_chain)
{
	/* hop-by-hop (8: PadN 4), destination options (16: PadN 12),
	 * routing (24: type 4, segments left 0, one address) */
	const uint8_t hbh[8] = { 0, 0, 0x01, 0x04, 0, 0, 0, 0 };
	const uint8_t dst[16] = { 0, 1, 0x01, 0x0c };
	const uint8_t rh[24] = { 0, 2, 4, 0, 0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8 };
	uint8_t f[256];
	struct pkt p;
	size_t n = tb_eth_tcp(f, &SEG6);
	n = 14 + ip6_push_ext(f + 14, n - 14, 43, rh, sizeof rh);
	n = 14 + ip6_push_ext(f + 14, n - 14, 60, dst, sizeof dst);
	n = 14 + ip6_push_ext(f + 14, n - 14, 0, hbh, sizeof hbh);
	ck_assert_uint_eq(n, 155); /* 14 + 40 + 48 + 20 + 33 */
	/* the chain as the bytes say: 0 -> 60 -> 43 -> 6, payload length 101 */
	ck_assert_uint_eq(f[14 + 6], 0);
	ck_assert_uint_eq(f[54], 60);
	ck_assert_uint_eq(f[62], 43);
	ck_assert_uint_eq(f[78], 6);
	ck_assert_uint_eq(f[18] << 8 | f[19], 101);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_seg6(&p, f, 14 + 48);
}
END_TEST

START_TEST(test_ipv6_other_ext)
{
	/* AH with payload len 4 = (4+2)*4 = 24 bytes, mobility, HIP and shim6
	 * with length 0 = 8 bytes each, then an atomic fragment (offset 0, M 0) */
	const uint8_t ah[24] = { 0, 4, 0, 0, 0, 0, 0x10, 0x01, 0, 0, 0, 1 };
	const uint8_t ext8[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	const uint8_t frag[8] = { 0, 0, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef };
	uint8_t f[256];
	struct pkt p;
	size_t n = tb_ip_tcp(f, &SEG6);
	n = ip6_push_ext(f, n, 44, frag, sizeof frag);
	n = ip6_push_ext(f, n, 140, ext8, sizeof ext8);
	n = ip6_push_ext(f, n, 139, ext8, sizeof ext8);
	n = ip6_push_ext(f, n, 135, ext8, sizeof ext8);
	n = ip6_push_ext(f, n, 51, ah, sizeof ah);
	ck_assert_uint_eq(n, 40 + 24 + 8 + 8 + 8 + 8 + 20 + 33);
	ck_status(dec(LINK_RAW, f, n, &p), DECODE_OK);
	ck_seg6(&p, f, 56);
}
END_TEST

START_TEST(test_ipv6_atomic_fragment)
{
	const uint8_t frag[8] = { 0, 0, 0x00, 0x00, 0, 0, 0, 7 };
	uint8_t f[256];
	struct pkt p;
	size_t n = tb_eth_tcp(f, &SEG6);
	n = 14 + ip6_push_ext(f + 14, n - 14, 44, frag, sizeof frag);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_seg6(&p, f, 14 + 8);
}
END_TEST

START_TEST(test_ipv6_fragment)
{
	/* first fragment: offset 0, M=1; a later one: offset 185 (1480 bytes), M=0 */
	const uint8_t first[8] = { 0, 0, 0x00, 0x01, 0, 0, 0, 7 };
	const uint8_t later[8] = { 0, 0, 0x05, 0xc8, 0, 0, 0, 7 };
	uint8_t f[256];
	struct pkt p;
	size_t n = tb_eth_tcp(f, &SEG6);
	n = 14 + ip6_push_ext(f + 14, n - 14, 44, first, sizeof first);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_IP_FRAGMENT);
	n = tb_eth_tcp(f, &SEG6);
	n = 14 + ip6_push_ext(f + 14, n - 14, 44, later, sizeof later);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_IP_FRAGMENT);
}
END_TEST

START_TEST(test_ipv6_not_tcp)
{
	/* ESP (50), no next header (59), UDP (17), ICMPv6 (58) straight after
	 * the fixed header, and ESP after a hop-by-hop header */
	const uint8_t nhs[] = { 50, 59, 17, 58 };
	const uint8_t hbh[8] = { 0, 0, 0x01, 0x04, 0, 0, 0, 0 };
	uint8_t f[256];
	struct pkt p;
	for (size_t i = 0; i < sizeof nhs; i++) {
		size_t n = tb_eth_tcp(f, &SEG6);
		f[14 + 6] = nhs[i];
		ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_NOT_TCP);
	}
	size_t n = tb_eth_tcp(f, &SEG6);
	f[14 + 6] = 50;
	n = 14 + ip6_push_ext(f + 14, n - 14, 0, hbh, sizeof hbh);
	ck_assert_uint_eq(f[54], 50);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_NOT_TCP);
}
END_TEST

START_TEST(test_ipv4_fragments)
{
	uint8_t f[256];
	struct pkt p;
	size_t n = tb_eth_tcp(f, &SEG4);
	/* first fragment: MF, offset 0 */
	f[14 + 6] = 0x20;
	f[14 + 7] = 0x00;
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_IP_FRAGMENT);
	/* a later, last fragment: MF clear, offset 185 */
	f[14 + 6] = 0x00;
	f[14 + 7] = 0xb9;
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_IP_FRAGMENT);
	/* a middle one: MF and offset */
	f[14 + 6] = 0x20;
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_IP_FRAGMENT);
	/* DF alone is a whole packet (the builder's default) */
	f[14 + 6] = 0x40;
	f[14 + 7] = 0x00;
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
}
END_TEST

START_TEST(test_not_ip)
{
	/* ARP request, LLDP, an 802.3 length field (LLC follows) */
	uint8_t arp[42] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06,
			    0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01 };
	struct pkt p;
	ck_status(dec(LINK_ETHERNET, arp, sizeof arp, &p), DECODE_NOT_IP);
	arp[12] = 0x88;
	arp[13] = 0xcc;
	ck_status(dec(LINK_ETHERNET, arp, sizeof arp, &p), DECODE_NOT_IP);
	arp[12] = 0x00;
	arp[13] = 0x1c;
	ck_status(dec(LINK_ETHERNET, arp, sizeof arp, &p), DECODE_NOT_IP);
}
END_TEST

START_TEST(test_not_tcp)
{
	uint8_t f[256];
	struct pkt p;
	size_t n = tb_eth_tcp(f, &SEG4);
	f[14 + 9] = 17; /* UDP */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_NOT_TCP);
	f[14 + 9] = 1; /* ICMP */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_NOT_TCP);
}
END_TEST

START_TEST(test_unknown_linktype)
{
	uint8_t f[256];
	struct pkt p;
	size_t n = tb_eth_tcp(f, &SEG4);
	ck_status(dec(147, f, n, &p), DECODE_UNKNOWN_LINKTYPE); /* USER0 */
	ck_status(dec(192, f, n, &p), DECODE_UNKNOWN_LINKTYPE); /* PPI */
	ck_status(dec(-1, f, n, &p), DECODE_UNKNOWN_LINKTYPE);
}
END_TEST

START_TEST(test_status_names)
{
	static const char *const want[DECODE__COUNT] = {
		"ok", "not_ip", "not_tcp", "ip_fragment", "unknown_linktype", "trunc_link",
		"too_many_vlans", "trunc_ip", "bad_ip_version", "bad_ip_header_len",
		"bad_ip_total_len", "bad_ip_option", "trunc_ipv6_ext", "bad_ipv6_ext", "trunc_tcp",
		"bad_tcp_header_len", "bad_tcp_option", "trunc_tcp_options",
		"unknown_encapsulation", "trunc_encap", "bad_encap", "encap_too_deep",
	};
	for (int s = 0; s < DECODE__COUNT; s++) {
		ck_assert_str_eq(decode_status_name((enum decode_status)s), want[s]);
		ck_assert(decode_status_is_error((enum decode_status)s) == (s > DECODE_IP_FRAGMENT));
	}
	ck_assert_ptr_nonnull(decode_status_name(DECODE__COUNT));

	const int supported[] = { 0, 1, 9, 12, 50, 101, 104, 105, 108, 113, 127, 228, 229, 239, 276 };
	for (size_t i = 0; i < sizeof supported / sizeof supported[0]; i++)
		ck_assert(decode_linktype_supported(supported[i]));
	ck_assert(!decode_linktype_supported(147)); /* USER0 */
	ck_assert(!decode_linktype_supported(192)); /* PPI */
	ck_assert(!decode_linktype_supported(-1));
}
END_TEST

/* ------------------------------------------------------------- options */

/* An Ethernet/IPv4 SYN with `opts` (the builder pads them with EOL to 4
 * bytes) and 5 payload bytes; decoded, must be DECODE_OK. */
static void dec_opts(const uint8_t *opts, size_t n, struct pkt *p)
{
	uint8_t f[256];
	struct tb_tcp t = SEG4;
	t.flags = TCP_FLAG_SYN;
	t.opts = opts;
	t.optlen = n;
	t.payload_len = 5;
	size_t len = tb_eth_tcp(f, &t);
	ck_status(dec(LINK_ETHERNET, f, len, p), DECODE_OK);
	ck_assert_uint_eq(p->payload_len, 5);
	ck_assert_uint_eq(p->payload_caplen, 5);
	ck_assert_uint_eq(p->sport, 40000);
	ck_assert_uint_eq(p->flags, TCP_FLAG_SYN);
}

START_TEST(test_opt_linux_syn)
{
	/* a Linux SYN: MSS 1460, SACK-permitted, timestamps 123456/0, NOP, wscale 7 */
	const uint8_t o[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x00, 0x01, 0xe2, 0x40, 0, 0, 0, 0,
			      1, 3, 3, 7 };
	struct pkt p;
	dec_opts(o, sizeof o, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.present, TCP_OPT_HAS_MSS | TCP_OPT_HAS_SACK_PERM |
						 TCP_OPT_HAS_TIMESTAMPS | TCP_OPT_HAS_WSCALE);
	ck_assert_uint_eq(p.opt.mss, 1460);
	ck_assert_uint_eq(p.opt.wscale, 7);
	ck_assert_uint_eq(p.opt.ts_val, 123456);
	ck_assert_uint_eq(p.opt.ts_ecr, 0);
	ck_assert_uint_eq(p.opt.sack_count, 0);
	ck_assert_uint_eq(p.opt.tfo_cookie_len, 0);
}
END_TEST

START_TEST(test_opt_timestamps)
{
	/* NOP NOP TS val 0xdeadbeef ecr 0x01020304 */
	const uint8_t o[] = { 1, 1, 8, 10, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04 };
	struct pkt p;
	dec_opts(o, sizeof o, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.present, TCP_OPT_HAS_TIMESTAMPS);
	ck_assert_uint_eq(p.opt.ts_val, 0xdeadbeef);
	ck_assert_uint_eq(p.opt.ts_ecr, 0x01020304);
}
END_TEST

START_TEST(test_opt_sack_blocks)
{
	/* 1..4 SACK blocks, edges 1000-2000, 3000-4000, 0xfffffff0-0x10
	 * (across the wrap), 5-6; each option preceded by NOP NOP */
	const uint8_t o[] = { 1, 1, 5, 34,
			      0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0,
			      0x00, 0x00, 0x0b, 0xb8, 0x00, 0x00, 0x0f, 0xa0,
			      0xff, 0xff, 0xff, 0xf0, 0x00, 0x00, 0x00, 0x10,
			      0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x06 };
	const uint32_t edges[4][2] = { { 1000, 2000 }, { 3000, 4000 }, { 0xfffffff0, 0x10 }, { 5, 6 } };
	for (unsigned nb = 1; nb <= 4; nb++) {
		uint8_t buf[sizeof o];
		size_t len = 4 + 8 * nb;
		memcpy(buf, o, len);
		buf[3] = (uint8_t)(2 + 8 * nb);
		struct pkt p;
		dec_opts(buf, len, &p);
		ck_status(p.opt_status, DECODE_OK);
		ck_assert_uint_eq(p.opt.present, TCP_OPT_HAS_SACK);
		ck_assert_uint_eq(p.opt.sack_count, nb);
		for (unsigned i = 0; i < nb; i++) {
			ck_assert_uint_eq(p.opt.sack[i].left, edges[i][0]);
			ck_assert_uint_eq(p.opt.sack[i].right, edges[i][1]);
		}
	}
}
END_TEST

START_TEST(test_opt_sack_with_timestamps)
{
	/* the classic 40-byte area: NOP NOP TS, NOP NOP SACK with 3 blocks */
	const uint8_t o[40] = { 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 8,
				1, 1, 5, 26,
				0, 0, 0, 10, 0, 0, 0, 20,
				0, 0, 0, 30, 0, 0, 0, 40,
				0, 0, 0, 50, 0, 0, 0, 60 };
	struct pkt p;
	dec_opts(o, sizeof o, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.present, TCP_OPT_HAS_TIMESTAMPS | TCP_OPT_HAS_SACK);
	ck_assert_uint_eq(p.opt.ts_val, 9);
	ck_assert_uint_eq(p.opt.ts_ecr, 8);
	ck_assert_uint_eq(p.opt.sack_count, 3);
	ck_assert_uint_eq(p.opt.sack[0].left, 10);
	ck_assert_uint_eq(p.opt.sack[0].right, 20);
	ck_assert_uint_eq(p.opt.sack[2].left, 50);
	ck_assert_uint_eq(p.opt.sack[2].right, 60);
}
END_TEST

START_TEST(test_opt_tfo)
{
	struct pkt p;
	/* kind 34 with an 8-byte cookie */
	const uint8_t cookie[] = { 34, 10, 1, 2, 3, 4, 5, 6, 7, 8 };
	dec_opts(cookie, sizeof cookie, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.present, TCP_OPT_HAS_TFO);
	ck_assert_uint_eq(p.opt.tfo_cookie_len, 8);

	/* kind 34, length 2: a cookie request */
	const uint8_t req[] = { 2, 4, 0x05, 0x8c, 34, 2 };
	dec_opts(req, sizeof req, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.present, TCP_OPT_HAS_MSS | TCP_OPT_HAS_TFO);
	ck_assert_uint_eq(p.opt.mss, 1420);
	ck_assert_uint_eq(p.opt.tfo_cookie_len, 0);

	/* kind 34 with the largest cookie, 16 bytes */
	uint8_t big[18] = { 34, 18 };
	dec_opts(big, sizeof big, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.tfo_cookie_len, 16);

	/* experimental 254 with magic 0xF989 and an 8-byte cookie */
	const uint8_t exp[] = { 254, 12, 0xf9, 0x89, 9, 9, 9, 9, 9, 9, 9, 9 };
	dec_opts(exp, sizeof exp, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.present, TCP_OPT_HAS_TFO);
	ck_assert_uint_eq(p.opt.tfo_cookie_len, 8);

	/* experimental 254 request: magic only */
	const uint8_t expreq[] = { 254, 4, 0xf9, 0x89 };
	dec_opts(expreq, sizeof expreq, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.present, TCP_OPT_HAS_TFO);
	ck_assert_uint_eq(p.opt.tfo_cookie_len, 0);

	/* 254 with another experiment's magic is not TFO */
	const uint8_t other[] = { 254, 6, 0x12, 0x34, 0, 0 };
	dec_opts(other, sizeof other, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.present, TCP_OPT_HAS_UNKNOWN);
}
END_TEST

START_TEST(test_opt_unknown_skipped)
{
	/* MPTCP (30, 12 bytes) and MD5 (19, 18 bytes) skipped by their length;
	 * MSS 536 after them still parsed */
	const uint8_t o[] = { 30, 12, 0, 0x81, 1, 2, 3, 4, 5, 6, 7, 8,
			      19, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			      2, 4, 0x02, 0x18 };
	struct pkt p;
	dec_opts(o, sizeof o, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.present, TCP_OPT_HAS_UNKNOWN | TCP_OPT_HAS_MSS);
	ck_assert_uint_eq(p.opt.mss, 536);
}
END_TEST

START_TEST(test_opt_nop_eol)
{
	struct pkt p;
	/* NOP padding before and between */
	const uint8_t nops[] = { 1, 1, 1, 2, 4, 0x05, 0xb4, 1, 3, 3, 14 };
	dec_opts(nops, sizeof nops, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.present, TCP_OPT_HAS_MSS | TCP_OPT_HAS_WSCALE);
	ck_assert_uint_eq(p.opt.mss, 1460);
	ck_assert_uint_eq(p.opt.wscale, 14);

	/* EOL ends the list: the window scale and the (would-be malformed)
	 * bytes after it are not options */
	const uint8_t eol[] = { 2, 4, 0x05, 0xb4, 0, 3, 3, 7, 5, 1, 0, 0 };
	dec_opts(eol, sizeof eol, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.present, TCP_OPT_HAS_MSS);
	ck_assert_uint_eq(p.opt.wscale, 0);

	/* an options area of EOL only */
	const uint8_t zero[4] = { 0 };
	dec_opts(zero, sizeof zero, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.present, 0);

	/* all NOPs to the end of the area */
	const uint8_t allnop[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	dec_opts(allnop, sizeof allnop, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.present, 0);
}
END_TEST

/* ------------------------------------------------------------- limits */

/*
 * One truncation scenario: a full frame and where each layer ends in it,
 * worked out from the bytes written. For caplen c < link_end the reason is
 * trunc_link, < ip_end trunc_ip, < ext_end trunc_ipv6_ext, < ext_end + 20
 * (the fixed TCP header) trunc_tcp; < tcp_end the segment decodes, flagged
 * trunc_tcp_options, with no payload captured; from tcp_end on it decodes with
 * c - tcp_end payload bytes captured of len - tcp_end on the wire.
 */
static void ck_truncations(int linktype, const uint8_t *f, size_t len, size_t link_end,
			   size_t ip_end, size_t ext_end, size_t tcp_end)
{
	struct pkt p;
	for (size_t c = 0; c < len; c++) {
		enum decode_status want = c < link_end ? DECODE_TRUNC_LINK
					: c < ip_end   ? DECODE_TRUNC_IP
					: c < ext_end  ? DECODE_TRUNC_IPV6_EXT
					: c < ext_end + 20 ? DECODE_TRUNC_TCP
						       : DECODE_OK;
		enum decode_status got = dec_cap(linktype, f, c, len, &p);
		ck_assert_msg(got == want, "caplen %zu: %s, expected %s", c,
			      decode_status_name(got), decode_status_name(want));
		if (want == DECODE_OK && c < tcp_end) {
			ck_status(p.opt_status, DECODE_TRUNC_TCP_OPTIONS);
			ck_assert_uint_eq(p.payload_len, len - tcp_end);
			ck_assert_uint_eq(p.payload_caplen, 0);
		} else if (want == DECODE_OK) {
			ck_status(p.opt_status, DECODE_OK);
			ck_assert_uint_eq(p.payload_len, len - tcp_end);
			ck_assert_uint_eq(p.payload_caplen, c - tcp_end);
			ck_assert_ptr_eq(p.payload, f + tcp_end);
			ck_assert_uint_eq(p.cap_len, c);
		}
	}
	ck_status(dec(linktype, f, len, &p), DECODE_OK);
	ck_assert_uint_eq(p.payload_caplen, len - tcp_end);
}

START_TEST(test_trunc_eth_ipv4_options)
{
	/* Ethernet 14 | IPv4 IHL 7 (Router Alert + 4 NOP/EOL) 28 |
	 * TCP doff 10: MSS 4, SACK-perm 2, TS 10, NOP 1, wscale 3 = 20 of options |
	 * 10 payload. Ends: link 14, IP 42, TCP 82, frame 92. */
	const uint8_t ipopt[8] = { 0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00 };
	const uint8_t o[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 };
	uint8_t f[128];
	struct tb_tcp t = SEG4;
	t.opts = o;
	t.optlen = sizeof o;
	t.payload_len = 10;
	size_t n = tb_eth_tcp(f, &t);
	n = 14 + ip4_add_options(f + 14, n - 14, ipopt, sizeof ipopt);
	ck_assert_uint_eq(n, 92);
	ck_truncations(LINK_ETHERNET, f, n, 14, 42, 42, 82);

	/* the options were all there at full length */
	struct pkt p;
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_assert_uint_eq(p.opt.mss, 1460);
	ck_assert_uint_eq(p.opt.wscale, 7);
	ck_assert_uint_eq(p.opt.ts_val, 1);
}
END_TEST

START_TEST(test_trunc_vlan_ipv6_ext)
{
	/* Ethernet + 802.1Q 18 | IPv6 40 | hop-by-hop 8 |
	 * TCP doff 8 (NOP NOP TS) 32 | 5 payload.
	 * Ends: link 18, IP 58, ext 66, TCP 98, frame 103. */
	const uint8_t hdr[18] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x81, 0x00, 0x00, 0x2a, 0x86, 0xdd };
	const uint8_t hbh[8] = { 0, 0, 0x01, 0x04, 0, 0, 0, 0 };
	const uint8_t o[12] = { 1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 6 };
	uint8_t f[128];
	struct tb_tcp t = SEG6;
	t.opts = o;
	t.optlen = sizeof o;
	t.payload_len = 5;
	size_t n = with_link(f, hdr, sizeof hdr, &t);
	n = 18 + ip6_push_ext(f + 18, n - 18, 0, hbh, sizeof hbh);
	ck_assert_uint_eq(n, 103);
	ck_truncations(LINK_ETHERNET, f, n, 18, 58, 66, 98);
}
END_TEST

START_TEST(test_trunc_sll2)
{
	/* SLL2 20 | IPv4 20 | TCP 20 | 3 payload. Ends: 20, 40, 60, frame 63. */
	const uint8_t hdr[20] = { 0x08, 0x00, 0, 0, 0, 0, 0, 2, 0x00, 0x01, 0x00, 0x06,
				  2, 0, 0, 0, 0, 1, 0, 0 };
	uint8_t f[128];
	struct tb_tcp t = SEG4;
	t.payload_len = 3;
	size_t n = with_link(f, hdr, sizeof hdr, &t);
	ck_assert_uint_eq(n, 63);
	ck_truncations(LINK_LINUX_SLL2, f, n, 20, 40, 40, 60);
}
END_TEST

START_TEST(test_trunc_more_links)
{
	uint8_t f[160];
	struct tb_tcp t = SEG6;
	t.payload_len = 7;

	/* Ethernet + QinQ + PPPoE 30 (14 + 4 + 4 + 6 + 2) | IPv6 40 |
	 * atomic fragment 8 | TCP 20 | 7 payload. Ends: 30, 70, 78, 98, frame 105. */
	const uint8_t pppoe[30] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xa8, 0, 1,
				    0x81, 0x00, 0, 2, 0x88, 0x64, 0x11, 0x00, 0x00, 0x07,
				    0x00, 0x4d, 0x00, 0x57 };
	const uint8_t frag[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
	size_t n = with_link(f, pppoe, sizeof pppoe, &t);
	n = 30 + ip6_push_ext(f + 30, n - 30, 44, frag, sizeof frag);
	ck_assert_uint_eq(n, 105);
	ck_truncations(LINK_ETHERNET, f, n, 30, 70, 78, 98);

	/* SLL 16 | IPv6 40 | TCP 20 | 7. Ends: 16, 56, 76, frame 83. */
	const uint8_t sll[16] = { 0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x86, 0xdd };
	n = with_link(f, sll, sizeof sll, &t);
	ck_assert_uint_eq(n, 83);
	ck_truncations(LINK_LINUX_SLL, f, n, 16, 56, 56, 76);

	/* NULL 4 | IPv6 40 | TCP 20 | 7. Ends: 4, 44, 64, frame 71. */
	const uint8_t af[4] = { 30, 0, 0, 0 };
	n = with_link(f, af, sizeof af, &t);
	ck_truncations(LINK_NULL, f, n, 4, 44, 44, 64);

	/* raw IPv4: no link header, caplen 0 is already inside IP.
	 * IP 20 | TCP 20 | 7. Ends: 0, 20, 40, frame 47. */
	t = SEG4;
	t.payload_len = 7;
	n = tb_ip_tcp(f, &t);
	ck_assert_uint_eq(n, 47);
	ck_truncations(LINK_RAW, f, n, 0, 20, 20, 40);
}
END_TEST

START_TEST(test_vlan_limit)
{
	/* 8 stacked 802.1Q tags are followed; a 9th is one too many */
	uint8_t f[256];
	struct pkt p;
	for (int tags = 8; tags <= 9; tags++) {
		memcpy(f, MACS, 12);
		size_t off = 12;
		for (int i = 0; i < tags; i++) {
			const uint8_t tag[4] = { 0x81, 0x00, 0x00, (uint8_t)(i + 1) };
			memcpy(f + off, tag, 4);
			off += 4;
		}
		tb_put16(f + off, 0x0800);
		off += 2;
		size_t n = off + tb_ip_tcp(f + off, &SEG4);
		if (tags == 8) {
			ck_assert_uint_eq(off, 46);
			ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
			ck_assert_uint_eq(p.vlan_depth, 8);
			ck_seg4(&p, f, 46);
		} else {
			ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_TOO_MANY_VLANS);
		}
	}
}
END_TEST

START_TEST(test_ipv6_ext_limit)
{
	/* 16 destination-options headers are followed; a 17th is too many */
	const uint8_t dst[8] = { 0, 0, 0x01, 0x04, 0, 0, 0, 0 };
	uint8_t f[512];
	struct pkt p;
	size_t n = tb_ip_tcp(f, &SEG6);
	for (int i = 0; i < 16; i++)
		n = ip6_push_ext(f, n, 60, dst, sizeof dst);
	ck_status(dec(LINK_RAW, f, n, &p), DECODE_OK);
	ck_seg6(&p, f, 16 * 8);
	n = ip6_push_ext(f, n, 60, dst, sizeof dst);
	ck_status(dec(LINK_RAW, f, n, &p), DECODE_BAD_IPV6_EXT);
}
END_TEST

START_TEST(test_full_option_area)
{
	/* doff 15, the whole 40-byte area: MSS 9000 (4), NOP NOP, SACK with
	 * 4 blocks (2 + 32): 4 + 2 + 34 = 40 */
	const uint8_t o[40] = { 2, 4, 0x23, 0x28, 1, 1, 5, 34,
				0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
				0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8 };
	struct pkt p;
	dec_opts(o, sizeof o, &p);
	ck_status(p.opt_status, DECODE_OK);
	ck_assert_uint_eq(p.opt.mss, 9000);
	ck_assert_uint_eq(p.opt.sack_count, 4);
	ck_assert_uint_eq(p.opt.sack[3].left, 7);
	ck_assert_uint_eq(p.opt.sack[3].right, 8);
}
END_TEST

START_TEST(test_extreme_values)
{
	uint8_t f[256];
	struct pkt p;
	struct tb_tcp t = SEG4;
	t.seq = 0xffffffff;
	t.ack = 0;
	t.window = 0;
	t.sport = 0;
	t.dport = 65535;
	t.ttl = 255;
	size_t n = tb_eth_tcp(f, &t);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	ck_assert_uint_eq(p.seq, 0xffffffff);
	ck_assert_uint_eq(p.ack, 0);
	ck_assert_uint_eq(p.window, 0);
	ck_assert_uint_eq(p.sport, 0);
	ck_assert_uint_eq(p.dport, 65535);
	ck_assert_uint_eq(p.ttl, 255);
}
END_TEST

START_TEST(test_wire_len_below_caplen)
{
	/* damaged records claiming fewer wire bytes than the 154 captured: the
	 * captured bytes were on the wire, so they still decode. With 20, a
	 * plain wire - link header would leave 6 L3 bytes against total 140;
	 * with 10, it would wrap. */
	uint8_t f[256];
	struct pkt p;
	size_t n = tb_eth_tcp(f, &SEG4);
	ck_status(dec_cap(LINK_ETHERNET, f, n, 20, &p), DECODE_OK);
	ck_seg4(&p, f, 14);
	ck_assert_uint_eq(p.wire_len, 20);
	ck_status(dec_cap(LINK_ETHERNET, f, n, 10, &p), DECODE_OK);
	ck_seg4(&p, f, 14);
	ck_assert_uint_eq(p.wire_len, 10);
}
END_TEST

/* ---------------------------------------------------------- malformed */

START_TEST(test_bad_version)
{
	uint8_t f[256];
	struct pkt p;
	/* raw IP with version 5 */
	size_t n = tb_ip_tcp(f, &SEG4);
	f[0] = 0x55;
	ck_status(dec(LINK_RAW, f, n, &p), DECODE_BAD_IP_VERSION);
	/* ethertype IPv4 carrying an IPv6 header, and the reverse */
	n = tb_eth_tcp(f, &SEG6);
	tb_put16(f + 12, 0x0800);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IP_VERSION);
	n = tb_eth_tcp(f, &SEG4);
	tb_put16(f + 12, 0x86dd);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IP_VERSION);
	/* LINKTYPE_IPV4 given an IPv6 packet, LINKTYPE_IPV6 an IPv4 one */
	n = tb_ip_tcp(f, &SEG6);
	ck_status(dec(LINK_IPV4, f, n, &p), DECODE_BAD_IP_VERSION);
	n = tb_ip_tcp(f, &SEG4);
	ck_status(dec(LINK_IPV6, f, n, &p), DECODE_BAD_IP_VERSION);
}
END_TEST

START_TEST(test_bad_ihl)
{
	uint8_t f[256];
	struct pkt p;
	size_t n = tb_eth_tcp(f, &SEG4);
	f[14] = 0x44; /* 16 bytes */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IP_HEADER_LEN);
	f[14] = 0x40;
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IP_HEADER_LEN);
}
END_TEST

START_TEST(test_bad_total_len)
{
	uint8_t f[256];
	struct pkt p;
	size_t n = tb_eth_tcp(f, &SEG4); /* total length 140 */
	/* smaller than the 20-byte header */
	tb_put16(f + 16, 19);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IP_TOTAL_LEN);
	/* IHL 6 (24 bytes) with total length 22 */
	f[14] = 0x46;
	tb_put16(f + 16, 22);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IP_TOTAL_LEN);
	/* larger than the 140 L3 bytes on the wire */
	f[14] = 0x45;
	tb_put16(f + 16, 141);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IP_TOTAL_LEN);
	/* ...even when snaplen cut the frame: wire_len decides, not caplen */
	tb_put16(f + 16, 141);
	ck_status(dec_cap(LINK_ETHERNET, f, 60, n, &p), DECODE_BAD_IP_TOTAL_LEN);
	tb_put16(f + 16, 140);
	ck_status(dec_cap(LINK_ETHERNET, f, 60, n, &p), DECODE_OK);

	/* IPv6 payload length 94 > 93 on the wire */
	n = tb_eth_tcp(f, &SEG6);
	tb_put16(f + 18, 94);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IP_TOTAL_LEN);
}
END_TEST

START_TEST(test_bad_doff)
{
	uint8_t f[256];
	struct pkt p;
	struct tb_tcp t = SEG4;
	t.payload_len = 0;
	size_t n = tb_eth_tcp(f, &t); /* 54 bytes, IP payload 20 */
	/* doff 4 and 0 */
	f[46] = 0x40;
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_TCP_HEADER_LEN);
	f[46] = 0x00;
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_TCP_HEADER_LEN);
	/* doff 6 (24) beyond the 20-byte IP payload, though 4 more bytes
	 * (padding) were captured */
	uint8_t g[64];
	memcpy(g, f, 54);
	memset(g + 54, 0, 6);
	g[46] = 0x60;
	ck_status(dec(LINK_ETHERNET, g, 60, &p), DECODE_BAD_TCP_HEADER_LEN);
	/* doff 15 against 20 + 33 payload bytes: 60 > 53 */
	t.payload_len = 33;
	n = tb_eth_tcp(f, &t);
	f[46] = 0xf0;
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_TCP_HEADER_LEN);
	/* an IP payload of 10 bytes cannot hold a TCP header */
	n = tb_eth_tcp(f, &t);
	tb_put16(f + 16, 30);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_TCP_HEADER_LEN);
}
END_TEST

START_TEST(test_bad_ipv6_ext)
{
	const uint8_t hbh[8] = { 0, 0, 0x01, 0x04, 0, 0, 0, 0 };
	uint8_t f[256];
	struct pkt p;
	/* hop-by-hop claims (10+1)*8 = 88 bytes; only 8 + 20 + 33 = 61 of payload */
	size_t n = tb_eth_tcp(f, &SEG6);
	n = 14 + ip6_push_ext(f + 14, n - 14, 0, hbh, sizeof hbh);
	f[55] = 10;
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IPV6_EXT);
	/* and with a big snaplen-cut frame it is still malformed, not truncated */
	ck_status(dec_cap(LINK_ETHERNET, f, 60, n, &p), DECODE_BAD_IPV6_EXT);
	/* an intact 8-byte header but payload length 4 */
	f[55] = 0;
	tb_put16(f + 18, 4);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IPV6_EXT);
	/* payload length 1: not even room for next-header and length */
	tb_put16(f + 18, 1);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IPV6_EXT);
	/* AH claims (20+2)*4 = 88 bytes */
	const uint8_t ah[12] = { 0, 1 };
	n = tb_eth_tcp(f, &SEG6);
	n = 14 + ip6_push_ext(f + 14, n - 14, 51, ah, sizeof ah);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_OK);
	f[55] = 20;
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IPV6_EXT);
}
END_TEST

START_TEST(test_bad_pppoe_length)
{
	/* PPPoE lengths that leave less than an IP header: 0, 1 (not even the
	 * PPP protocol), 2 + 19 for IPv4; 2 + 39 for IPv6 */
	const uint16_t lens4[] = { 0, 1, 21 };
	uint8_t f[256];
	struct pkt p;
	for (size_t i = 0; i < sizeof lens4 / sizeof lens4[0]; i++) {
		const uint8_t hdr[22] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x64, 0x11, 0x00,
					  0x12, 0x34, (uint8_t)(lens4[i] >> 8), (uint8_t)lens4[i],
					  0x00, 0x21 };
		size_t n = with_link(f, hdr, sizeof hdr, &SEG4);
		ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IP_TOTAL_LEN);
	}
	const uint8_t hdr6[22] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x64,
				   0x11, 0x00, 0x12, 0x34, 0x00, 41, 0x00, 0x57 };
	size_t n = with_link(f, hdr6, sizeof hdr6, &SEG6);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IP_TOTAL_LEN);

	/* PPPoE length 2 + 40 + 4 cuts an 8-byte hop-by-hop header: the
	 * extension runs past the packet, malformed */
	const uint8_t hbh[8] = { 0, 0, 0x01, 0x04, 0, 0, 0, 0 };
	uint8_t h6[22];
	memcpy(h6, hdr6, sizeof h6);
	h6[19] = 46;
	n = with_link(f, h6, sizeof h6, &SEG6);
	n = 22 + ip6_push_ext(f + 22, n - 22, 0, hbh, sizeof hbh);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IPV6_EXT);

	/* IPv4 PPPoE length 2 + 30: a TCP segment of 10 bytes cannot hold its header */
	const uint8_t hdr4[22] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x64,
				   0x11, 0x00, 0x12, 0x34, 0x00, 32, 0x00, 0x21 };
	n = with_link(f, hdr4, sizeof hdr4, &SEG4);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_TCP_HEADER_LEN);
}
END_TEST

/* Options must decode with opt_status bad_tcp_option, keeping `want_present`. */
static void ck_bad_opts(const uint8_t *o, size_t n, unsigned want_present)
{
	struct pkt p;
	dec_opts(o, n, &p);
	ck_status(p.opt_status, DECODE_BAD_TCP_OPTION);
	ck_assert_uint_eq(p.opt.present, want_present);
}

START_TEST(test_bad_options)
{
	/* each with MSS 1460 first, which is kept */
	const uint8_t len0[] = { 2, 4, 0x05, 0xb4, 8, 0 };            /* length 0 */
	const uint8_t len1[] = { 2, 4, 0x05, 0xb4, 3, 1 };            /* length 1 */
	const uint8_t past[] = { 2, 4, 0x05, 0xb4, 8, 10, 0, 0 };      /* TS of 10 in 4 left */
	const uint8_t nolen[] = { 2, 4, 0x05, 0xb4, 1, 1, 1, 3 };      /* kind, no length byte */
	const uint8_t unk_past[] = { 2, 4, 0x05, 0xb4, 99, 9, 0, 0 };  /* unknown kind past the end */
	ck_bad_opts(len0, sizeof len0, TCP_OPT_HAS_MSS);
	ck_bad_opts(len1, sizeof len1, TCP_OPT_HAS_MSS);
	ck_bad_opts(past, sizeof past, TCP_OPT_HAS_MSS);
	ck_bad_opts(nolen, sizeof nolen, TCP_OPT_HAS_MSS);
	ck_bad_opts(unk_past, sizeof unk_past, TCP_OPT_HAS_MSS);

	/* wrong lengths for known kinds */
	const uint8_t mss3[] = { 2, 3, 0x05, 0 };
	const uint8_t mss6[] = { 2, 6, 0x05, 0xb4, 0, 0 };
	const uint8_t ws4[] = { 2, 4, 0x05, 0xb4, 3, 4, 7, 0 };
	const uint8_t sp3[] = { 2, 4, 0x05, 0xb4, 4, 3, 0, 0 };
	const uint8_t ts8[] = { 2, 4, 0x05, 0xb4, 8, 8, 0, 0, 0, 1, 0, 0 };
	const uint8_t sack2[] = { 2, 4, 0x05, 0xb4, 5, 2, 0, 0 };
	const uint8_t sack9[] = { 2, 4, 0x05, 0xb4, 5, 9, 0, 0, 0, 1, 0, 0, 0 };
	const uint8_t sack12[] = { 2, 4, 0x05, 0xb4, 5, 12, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0 };
	uint8_t tfo19[24] = { 2, 4, 0x05, 0xb4, 34, 19 };
	uint8_t exp21[28] = { 2, 4, 0x05, 0xb4, 254, 21, 0xf9, 0x89 };
	ck_bad_opts(mss3, sizeof mss3, 0);
	ck_bad_opts(mss6, sizeof mss6, 0);
	ck_bad_opts(ws4, sizeof ws4, TCP_OPT_HAS_MSS);
	ck_bad_opts(sp3, sizeof sp3, TCP_OPT_HAS_MSS);
	ck_bad_opts(ts8, sizeof ts8, TCP_OPT_HAS_MSS);
	ck_bad_opts(sack2, sizeof sack2, TCP_OPT_HAS_MSS);
	ck_bad_opts(sack9, sizeof sack9, TCP_OPT_HAS_MSS);
	ck_bad_opts(sack12, sizeof sack12, TCP_OPT_HAS_MSS);
	ck_bad_opts(tfo19, sizeof tfo19, TCP_OPT_HAS_MSS);
	ck_bad_opts(exp21, sizeof exp21, TCP_OPT_HAS_MSS);

	/* a bad option after a good SACK keeps the blocks already read */
	const uint8_t sack_then_bad[] = { 1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 3, 0 };
	struct pkt p;
	dec_opts(sack_then_bad, sizeof sack_then_bad, &p);
	ck_status(p.opt_status, DECODE_BAD_TCP_OPTION);
	ck_assert_uint_eq(p.opt.sack_count, 1);
	ck_assert_uint_eq(p.opt.sack[0].left, 1);
	ck_assert_uint_eq(p.opt.sack[0].right, 2);
	ck_assert_uint_eq(p.opt.mss, 0);
}
END_TEST

/* ---------------------------------------------------------------- encapsulations */

/* Builders for outer headers; each writes at b and returns its length. */
static size_t enc_eth(uint8_t *b, uint16_t type)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 0x0b, 2, 0, 0, 0, 0, 0x0a };
	memcpy(b, macs, 12);
	tb_put16(b + 12, type);
	return 14;
}

static size_t enc_ip4(uint8_t *b, uint8_t proto, size_t payload)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	tb_put16(b + 2, (uint16_t)(20 + payload));
	b[8] = 9;
	b[9] = proto;
	b[12] = 10, b[13] = 9, b[14] = 9, b[15] = 1;
	b[16] = 10, b[17] = 9, b[18] = 9, b[19] = 2;
	return 20;
}

static size_t enc_ip6(uint8_t *b, uint8_t nh, size_t payload)
{
	memset(b, 0, 40);
	b[0] = 0x60;
	tb_put16(b + 4, (uint16_t)payload);
	b[6] = nh;
	b[7] = 9;
	b[8] = 0x20, b[9] = 0x01, b[10] = 0x0d, b[11] = 0xb8, b[23] = 1;
	b[24] = 0x20, b[25] = 0x01, b[26] = 0x0d, b[27] = 0xb8, b[39] = 2;
	return 40;
}

static size_t enc_udp(uint8_t *b, uint16_t sport, uint16_t dport, size_t payload)
{
	tb_put16(b, sport);
	tb_put16(b + 2, dport);
	tb_put16(b + 4, (uint16_t)(8 + payload));
	tb_put16(b + 6, 0);
	return 8;
}

/* The inner segment: SEG4 with 10 payload bytes (40 + 10 bytes of IP). */
static size_t enc_inner4(uint8_t *b)
{
	struct tb_tcp t = SEG4;
	t.payload_len = 10;
	return tb_ip_tcp(b, &t);
}

static size_t enc_inner6(uint8_t *b)
{
	struct tb_tcp t = SEG6;
	t.payload_len = 10;
	return tb_ip_tcp(b, &t);
}

/* Ethernet + inner IPv4 segment. */
static size_t enc_inner_eth4(uint8_t *b)
{
	struct tb_tcp t = SEG4;
	t.payload_len = 10;
	return tb_eth_tcp(b, &t);
}

/* The inner segment decoded: its 4-tuple, TTL and payload length. */
static void ck_inner4(int linktype, const uint8_t *f, size_t n)
{
	struct pkt p;
	ck_status(dec(linktype, f, n, &p), DECODE_OK);
	ck_v4mapped(p.src, "192.0.2.1");
	ck_v4mapped(p.dst, "198.51.100.7");
	ck_assert_uint_eq(p.sport, 40000);
	ck_assert_uint_eq(p.dport, 443);
	ck_assert_uint_eq(p.ip_version, 4);
	ck_assert_uint_eq(p.ttl, 57);
	ck_assert_uint_eq(p.seq, 0x11223344);
	ck_assert_uint_eq(p.payload_len, 10);
	ck_assert_uint_eq(p.payload_caplen, 10);
	ck_assert_ptr_eq(p.payload, f + n - 10);
	ck_assert_uint_eq(p.wire_len, n);
}

static void ck_inner6(int linktype, const uint8_t *f, size_t n)
{
	struct pkt p;
	ck_status(dec(linktype, f, n, &p), DECODE_OK);
	ck_v6(p.src, "2001:db8::1");
	ck_v6(p.dst, "2001:db8:0:1::2");
	ck_assert_uint_eq(p.sport, 51000);
	ck_assert_uint_eq(p.dport, 80);
	ck_assert_uint_eq(p.ip_version, 6);
	ck_assert_uint_eq(p.ttl, 255);
	ck_assert_uint_eq(p.payload_len, 10);
	ck_assert_ptr_eq(p.payload, f + n - 10);
}

/*
 * Cut the frame at every length below its own (the wire length stays the
 * whole frame) and check the reason: `ends` lists where each part ends and
 * `why` the status of a cut inside it, ascending; a cut at or past the last
 * end decodes (the 10 payload bytes partly captured). dec_cap's exact-size
 * heap copy lets AddressSanitizer catch any read past caplen.
 */
static void ck_cuts(int linktype, const uint8_t *f, size_t n, const size_t *ends,
		    const enum decode_status *why, size_t parts)
{
	struct pkt p;
	for (size_t c = 0; c < n; c++) {
		enum decode_status want = DECODE_OK;
		for (size_t i = 0; i < parts; i++) {
			if (c < ends[i]) {
				want = why[i];
				break;
			}
		}
		enum decode_status got = dec_cap(linktype, f, c, n, &p);
		ck_assert_msg(got == want, "caplen %zu of %zu: %s, expected %s", c, n,
			      decode_status_name(got), decode_status_name(want));
		if (got == DECODE_OK) {
			ck_assert_uint_eq(p.payload_len, 10);
			ck_assert_uint_eq(p.payload_caplen, c - (n - 10));
		}
	}
}

#define CUTS(lt, f, n, ...)                                                                   \
	do {                                                                                  \
		const struct { size_t end; enum decode_status why; } cuts_[] = { __VA_ARGS__ }; \
		size_t e_[16];                                                                \
		enum decode_status w_[16];                                                    \
		size_t k_ = sizeof cuts_ / sizeof cuts_[0];                                   \
		for (size_t i_ = 0; i_ < k_; i_++)                                           \
			e_[i_] = cuts_[i_].end, w_[i_] = cuts_[i_].why;                       \
		ck_cuts(lt, f, n, e_, w_, k_);                                                \
	} while (0)

START_TEST(test_encap_gre)
{
	uint8_t f[256], in[128];
	size_t m = enc_inner4(in);
	/* Ethernet | IPv4 | GRE with C, K, S (16) | IPv4 | TCP | 10 */
	size_t n = enc_eth(f, 0x0800);
	n += enc_ip4(f + n, 47, 16 + m);
	const uint8_t gre[16] = { 0xb0, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0, 0, 0, 7 };
	memcpy(f + n, gre, 16);
	n += 16;
	memcpy(f + n, in, m);
	n += m;
	ck_inner4(LINK_ETHERNET, f, n);
	CUTS(LINK_ETHERNET, f, n, { 14, DECODE_TRUNC_LINK }, { 34, DECODE_TRUNC_IP },
	     { 50, DECODE_TRUNC_ENCAP }, { 70, DECODE_TRUNC_IP }, { 90, DECODE_TRUNC_TCP });

	struct pkt p;
	f[34 + 1] = 0x01; /* version 1 (PPTP) */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_UNKNOWN_ENCAPSULATION);
	f[34 + 1] = 0x00;
	f[34 + 2] = 0x88, f[34 + 3] = 0x0b; /* PPP */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_UNKNOWN_ENCAPSULATION);
	f[34 + 2] = 0x08, f[34 + 3] = 0x00;
	/* the outer IP says its payload ends inside the GRE header: malformed */
	tb_put16(f + 14 + 2, 20 + 10);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_ENCAP);
}
END_TEST

START_TEST(test_encap_gre_teb_erspan)
{
	uint8_t f[256], in[128];
	size_t m = enc_inner_eth4(in);
	/* IPv6 outer | GRE 0x6558 (4) | Ethernet | IPv4 | TCP */
	size_t n = enc_eth(f, 0x86dd);
	n += enc_ip6(f + n, 47, 4 + m);
	const uint8_t teb[4] = { 0, 0, 0x65, 0x58 };
	memcpy(f + n, teb, 4);
	n += 4;
	memcpy(f + n, in, m);
	n += m;
	ck_inner4(LINK_ETHERNET, f, n);
	CUTS(LINK_ETHERNET, f, n, { 14, DECODE_TRUNC_LINK }, { 54, DECODE_TRUNC_IP },
	     { 58, DECODE_TRUNC_ENCAP }, { 72, DECODE_TRUNC_LINK }, { 92, DECODE_TRUNC_IP },
	     { 112, DECODE_TRUNC_TCP });

	/* ERSPAN II: IPv4 | GRE S (8) | ERSPAN II (8) | Ethernet | IPv4 | TCP */
	n = enc_eth(f, 0x0800);
	n += enc_ip4(f + n, 47, 16 + m);
	const uint8_t e2[16] = { 0x10, 0x00, 0x88, 0xbe, 0, 0, 0, 1,
				 0x10, 0x64, 0x00, 0x07, 0, 0, 0, 3 };
	memcpy(f + n, e2, 16);
	n += 16;
	memcpy(f + n, in, m);
	n += m;
	ck_inner4(LINK_ETHERNET, f, n);
	CUTS(LINK_ETHERNET, f, n, { 14, DECODE_TRUNC_LINK }, { 34, DECODE_TRUNC_IP },
	     { 50, DECODE_TRUNC_ENCAP }, { 64, DECODE_TRUNC_LINK }, { 84, DECODE_TRUNC_IP },
	     { 104, DECODE_TRUNC_TCP });
	struct pkt p;
	f[42] = 0x30; /* ERSPAN version 3: no such thing */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_ENCAP);

	/* ERSPAN type I: 0x88BE without a sequence number, Ethernet at once */
	n = enc_eth(f, 0x0800);
	n += enc_ip4(f + n, 47, 4 + m);
	const uint8_t e1[4] = { 0, 0, 0x88, 0xbe };
	memcpy(f + n, e1, 4);
	n += 4;
	memcpy(f + n, in, m);
	n += m;
	ck_inner4(LINK_ETHERNET, f, n);

	/* ERSPAN III with the platform subheader (O bit): GRE S 8 | 12 + 8 */
	n = enc_eth(f, 0x0800);
	n += enc_ip4(f + n, 47, 28 + m);
	const uint8_t e3[28] = { 0x10, 0x00, 0x22, 0xeb, 0, 0, 0, 1,
				 0x20, 0x00, 0x00, 0x07, 0, 1, 0xe2, 0x40, 0, 0, 0x00, 0x01,
				 0, 0, 0, 0, 0, 0, 0, 0 };
	memcpy(f + n, e3, 28);
	n += 28;
	memcpy(f + n, in, m);
	n += m;
	ck_inner4(LINK_ETHERNET, f, n);
	CUTS(LINK_ETHERNET, f, n, { 14, DECODE_TRUNC_LINK }, { 34, DECODE_TRUNC_IP },
	     { 62, DECODE_TRUNC_ENCAP }, { 76, DECODE_TRUNC_LINK }, { 96, DECODE_TRUNC_IP },
	     { 116, DECODE_TRUNC_TCP });
	f[42 + 10] = 0x08; /* frame type 2 (IP): not followed */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_UNKNOWN_ENCAPSULATION);
}
END_TEST

START_TEST(test_encap_vxlan_geneve)
{
	uint8_t f[256], in[128];
	size_t m = enc_inner_eth4(in);
	/* IPv4 | UDP 4789 | VXLAN 8 | Ethernet | IPv4 | TCP */
	size_t n = enc_eth(f, 0x0800);
	n += enc_ip4(f + n, 17, 16 + m);
	n += enc_udp(f + n, 51234, 4789, 8 + m);
	const uint8_t vx[8] = { 0x08, 0, 0, 0, 0, 0, 42, 0 };
	memcpy(f + n, vx, 8);
	n += 8;
	memcpy(f + n, in, m);
	n += m;
	ck_inner4(LINK_ETHERNET, f, n);
	/* a cut UDP header cannot say what it carries: not TCP, as before */
	CUTS(LINK_ETHERNET, f, n, { 14, DECODE_TRUNC_LINK }, { 34, DECODE_TRUNC_IP },
	     { 42, DECODE_NOT_TCP }, { 50, DECODE_TRUNC_ENCAP }, { 64, DECODE_TRUNC_LINK },
	     { 84, DECODE_TRUNC_IP }, { 104, DECODE_TRUNC_TCP });
	struct pkt p;
	tb_put16(f + 34 + 4, (uint16_t)(8 + 8 + m + 1)); /* UDP length past the IP payload */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_ENCAP);
	tb_put16(f + 34 + 4, 7);
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_ENCAP);
	tb_put16(f + 34 + 4, 0); /* 0: the IP length rules */
	ck_inner4(LINK_ETHERNET, f, n);
	tb_put16(f + 34 + 2, 4790); /* another port: plain UDP */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_NOT_TCP);

	/* IPv6 | UDP 6081 | Geneve 8 + 8 options, 0x6558 | Ethernet | IPv4 | TCP */
	n = enc_eth(f, 0x86dd);
	n += enc_ip6(f + n, 17, 24 + m);
	n += enc_udp(f + n, 51234, 6081, 16 + m);
	const uint8_t gv[16] = { 0x02, 0, 0x65, 0x58, 0, 0, 42, 0, 1, 2, 3, 1, 0, 0, 0, 7 };
	memcpy(f + n, gv, 16);
	n += 16;
	memcpy(f + n, in, m);
	n += m;
	ck_inner4(LINK_ETHERNET, f, n);
	CUTS(LINK_ETHERNET, f, n, { 14, DECODE_TRUNC_LINK }, { 54, DECODE_TRUNC_IP },
	     { 62, DECODE_NOT_TCP }, { 78, DECODE_TRUNC_ENCAP }, { 92, DECODE_TRUNC_LINK },
	     { 112, DECODE_TRUNC_IP }, { 132, DECODE_TRUNC_TCP });
	f[62] = 0x42; /* version 1 */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_ENCAP);
	f[62] = 0x3f; /* options longer than the datagram */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_ENCAP);
}
END_TEST

START_TEST(test_encap_mpls_pbb_fabricpath)
{
	uint8_t f[256], in[128];
	size_t m = enc_inner4(in);
	/* Ethernet 0x8847 | 2 labels | IPv4 | TCP */
	size_t n = enc_eth(f, 0x8847);
	const uint8_t st[8] = { 0, 1, 0, 64, 0, 0x3e, 0x81, 64 };
	memcpy(f + n, st, 8);
	n += 8;
	memcpy(f + n, in, m);
	n += m;
	ck_inner4(LINK_ETHERNET, f, n);
	CUTS(LINK_ETHERNET, f, n, { 14, DECODE_TRUNC_LINK }, { 23, DECODE_TRUNC_ENCAP },
	     { 42, DECODE_TRUNC_IP }, { 62, DECODE_TRUNC_TCP });
	struct pkt p;
	f[22] = 0x15; /* nibble 1: an associated channel */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_UNKNOWN_ENCAPSULATION);

	/* 17 labels and no bottom of stack */
	uint8_t g[128];
	n = enc_eth(g, 0x8848);
	for (int i = 0; i < 17; i++, n += 4)
		tb_put32(g + n, 0x00010040);
	ck_status(dec(LINK_ETHERNET, g, n, &p), DECODE_BAD_ENCAP);

	/* pseudowire: label | control word | Ethernet | IPv6 */
	size_t m6 = enc_inner6(in);
	n = enc_eth(f, 0x8847);
	tb_put32(f + n, 0x00bb8140);
	n += 4;
	memset(f + n, 0, 4);
	n += 4;
	n += enc_eth(f + n, 0x86dd);
	memcpy(f + n, in, m6);
	n += m6;
	ck_inner6(LINK_ETHERNET, f, n);
	/* up to the inner ethertype the kind of pseudowire is unknown */
	CUTS(LINK_ETHERNET, f, n, { 14, DECODE_TRUNC_LINK }, { 36, DECODE_TRUNC_ENCAP },
	     { 76, DECODE_TRUNC_IP }, { 96, DECODE_TRUNC_TCP });
	/* without the control word (a destination MAC starting with 0) */
	memmove(f + 18, f + 22, n - 22);
	n -= 4;
	f[18] = 0x00;
	ck_inner6(LINK_ETHERNET, f, n);

	/* PBB: I-TAG | customer Ethernet | IPv4 */
	size_t me = enc_inner_eth4(in);
	n = enc_eth(f, 0x88e7);
	tb_put32(f + n, 0x00010203);
	n += 4;
	memcpy(f + n, in, me);
	n += me;
	ck_inner4(LINK_ETHERNET, f, n);
	CUTS(LINK_ETHERNET, f, n, { 14, DECODE_TRUNC_LINK }, { 18, DECODE_TRUNC_ENCAP },
	     { 32, DECODE_TRUNC_LINK }, { 52, DECODE_TRUNC_IP }, { 72, DECODE_TRUNC_TCP });

	/* FabricPath: 0x8903, FTag/TTL, classical Ethernet */
	n = enc_eth(f, 0x8903);
	tb_put16(f + n, 0x0401);
	n += 2;
	memcpy(f + n, in, me);
	n += me;
	ck_inner4(LINK_ETHERNET, f, n);
	CUTS(LINK_ETHERNET, f, n, { 14, DECODE_TRUNC_LINK }, { 16, DECODE_TRUNC_ENCAP },
	     { 30, DECODE_TRUNC_LINK }, { 50, DECODE_TRUNC_IP }, { 70, DECODE_TRUNC_TCP });
}
END_TEST

START_TEST(test_encap_ip_in_ip)
{
	uint8_t f[256], in[128];
	size_t m = enc_inner4(in), n;
	struct pkt p;
	/* 4in6: the inner IPv4 address must not keep the outer IPv6's bytes */
	n = enc_eth(f, 0x86dd);
	n += enc_ip6(f + n, 4, m);
	memcpy(f + n, in, m);
	n += m;
	ck_inner4(LINK_ETHERNET, f, n);
	CUTS(LINK_ETHERNET, f, n, { 14, DECODE_TRUNC_LINK }, { 54, DECODE_TRUNC_IP },
	     { 74, DECODE_TRUNC_IP }, { 94, DECODE_TRUNC_TCP });
	f[14 + 6] = 41; /* says IPv6, carries IPv4 */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_BAD_IP_VERSION);

	/* 6in4 */
	size_t m6 = enc_inner6(in);
	n = enc_eth(f, 0x0800);
	n += enc_ip4(f + n, 41, m6);
	memcpy(f + n, in, m6);
	n += m6;
	ck_inner6(LINK_ETHERNET, f, n);

	/* 4in4 inside a fragment: the outer fragment is what counts */
	m = enc_inner4(in);
	n = enc_eth(f, 0x0800);
	n += enc_ip4(f + n, 4, m);
	memcpy(f + n, in, m);
	n += m;
	ck_inner4(LINK_ETHERNET, f, n);
	f[14 + 6] = 0x20; /* MF */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_IP_FRAGMENT);
}
END_TEST

START_TEST(test_encap_teredo)
{
	uint8_t f[256], in[128];
	size_t m = enc_inner6(in);
	/* IPv4 | UDP from 3544 | origin indication 8 | IPv6 | TCP */
	size_t n = enc_eth(f, 0x0800);
	n += enc_ip4(f + n, 17, 16 + m);
	n += enc_udp(f + n, 3544, 40000, 8 + m);
	const uint8_t oi[8] = { 0, 0, 0xf2, 0x27, 0x3f, 0xff, 0xff, 0xfe };
	memcpy(f + n, oi, 8);
	n += 8;
	memcpy(f + n, in, m);
	n += m;
	ck_inner6(LINK_ETHERNET, f, n);
	/* until the IPv6 version nibble is seen, it may be any UDP on 3544 */
	CUTS(LINK_ETHERNET, f, n, { 14, DECODE_TRUNC_LINK }, { 34, DECODE_TRUNC_IP },
	     { 51, DECODE_NOT_TCP }, { 90, DECODE_TRUNC_IP }, { 110, DECODE_TRUNC_TCP });
	struct pkt p;
	f[50] = 0x45; /* not IPv6 after the indication: plain UDP */
	ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_NOT_TCP);
}
END_TEST

START_TEST(test_encap_depth)
{
	uint8_t f[512], in[128];
	size_t m = enc_inner4(in);
	struct pkt p;
	for (unsigned levels = 1; levels <= DECODE_MAX_ENCAP_DEPTH + 2; levels++) {
		size_t n = enc_eth(f, 0x0800);
		for (unsigned i = 0; i < levels; i++)
			n += enc_ip4(f + n, 4, (levels - i - 1) * 20 + m);
		memcpy(f + n, in, m);
		n += m;
		if (levels <= DECODE_MAX_ENCAP_DEPTH)
			ck_inner4(LINK_ETHERNET, f, n);
		else
			ck_status(dec(LINK_ETHERNET, f, n, &p), DECODE_ENCAP_TOO_DEEP);
	}
	/* levels of different kinds add up: MPLS, PBB, GRE, VXLAN are 4 */
	uint8_t e[128];
	size_t me = enc_inner_eth4(in);
	size_t k = enc_eth(e, 0x0800);
	k += enc_ip4(e + k, 17, 16 + me);
	k += enc_udp(e + k, 1, 4789, 8 + me);
	const uint8_t vx[8] = { 0x08, 0, 0, 0, 0, 0, 42, 0 };
	memcpy(e + k, vx, 8);
	k += 8;
	memcpy(e + k, in, me);
	k += me; /* e: a VXLAN frame (1 level) */
	size_t n = enc_eth(f, 0x8847);
	tb_put32(f + n, 0x00010140);
	n += 4;
	n += enc_ip4(f + n, 47, 4 + (k - 14) + 4 + 14);
	const uint8_t teb[4] = { 0, 0, 0x65, 0x58 };
	memcpy(f + n, teb, 4);
	n += 4;
	n += enc_eth(f + n, 0x88e7);
	tb_put32(f + n, 7);
	n += 4;
	memcpy(f + n, e, k);
	n += k;
	tb_put16(f + 18 + 2, (uint16_t)(n - 18)); /* the GRE carrier's IPv4 length */
	ck_inner4(LINK_ETHERNET, f, n);
	/* one more level in front (a PBB tag around the whole frame) is too many */
	uint8_t g[600];
	size_t gn = enc_eth(g, 0x88e7);
	tb_put32(g + gn, 9);
	gn += 4;
	memcpy(g + gn, f, n);
	gn += n;
	ck_status(dec(LINK_ETHERNET, g, gn, &p), DECODE_ENCAP_TOO_DEEP);
}
END_TEST

START_TEST(test_link_ppp_hdlc)
{
	uint8_t f[256], in[128];
	size_t m = enc_inner4(in);
	struct pkt p;
	/* PPP with FF 03 */
	const uint8_t ppp[4] = { 0xff, 0x03, 0x00, 0x21 };
	memcpy(f, ppp, 4);
	memcpy(f + 4, in, m);
	ck_inner4(LINK_PPP, f, 4 + m);
	CUTS(LINK_PPP, f, 4 + m, { 4, DECODE_TRUNC_LINK }, { 24, DECODE_TRUNC_IP },
	     { 44, DECODE_TRUNC_TCP });
	/* without it, protocol compressed to one byte */
	f[1] = 0x21;
	memcpy(f + 2, in, m);
	ck_inner4(LINK_PPP, f + 1, 1 + m);
	/* LCP */
	const uint8_t lcp[8] = { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4 };
	ck_status(dec(LINK_PPP, lcp, sizeof lcp, &p), DECODE_NOT_IP);
	/* PPP in HDLC framing (50): PPP, or Cisco HDLC with an ethertype */
	memcpy(f, ppp, 4);
	memcpy(f + 4, in, m);
	ck_inner4(LINK_PPP_HDLC, f, 4 + m);
	const uint8_t chdlc[4] = { 0x0f, 0x00, 0x08, 0x00 };
	memcpy(f, chdlc, 4);
	ck_inner4(LINK_PPP_HDLC, f, 4 + m);
	ck_inner4(LINK_C_HDLC, f, 4 + m);
	CUTS(LINK_C_HDLC, f, 4 + m, { 4, DECODE_TRUNC_LINK }, { 24, DECODE_TRUNC_IP },
	     { 44, DECODE_TRUNC_TCP });
	f[2] = 0x80, f[3] = 0x35; /* SLARP */
	ck_status(dec(LINK_C_HDLC, f, 4 + m, &p), DECODE_NOT_IP);
}
END_TEST

/* An NFLOG TLV header in the host's order, as libpcap hands it over. */
static size_t nflog_tlv(uint8_t *b, uint16_t len, uint16_t type)
{
	memcpy(b, &len, 2);
	memcpy(b + 2, &type, 2);
	return 4;
}

START_TEST(test_link_nflog)
{
	uint8_t f[256], in[128];
	size_t m = enc_inner4(in);
	struct pkt p;
	/* header 4 | prefix TLV 4 + 5 (+3 padding) | payload TLV 4 + IP | 2 padding */
	size_t n = 0;
	f[n++] = 2, f[n++] = 0, f[n++] = 0, f[n++] = 1;
	n += nflog_tlv(f + n, 4 + 5, 10);
	memcpy(f + n, "abcd\0\0\0\0", 8);
	n += 8;
	n += nflog_tlv(f + n, (uint16_t)(4 + m), 9);
	memcpy(f + n, in, m);
	n += m;
	ck_inner4(LINK_NFLOG, f, n);
	CUTS(LINK_NFLOG, f, n, { 20, DECODE_TRUNC_LINK }, { 40, DECODE_TRUNC_IP },
	     { 60, DECODE_TRUNC_TCP });
	/* trailing padding after the payload TLV is not payload */
	f[n] = f[n + 1] = 0;
	ck_status(dec(LINK_NFLOG, f, n + 2, &p), DECODE_OK);
	ck_assert_uint_eq(p.payload_len, 10);
	/* a TLV shorter than its header, one past the frame, none with a payload */
	nflog_tlv(f + 4, 3, 10);
	ck_status(dec(LINK_NFLOG, f, n, &p), DECODE_BAD_ENCAP);
	nflog_tlv(f + 4, 4 + 5, 10);
	nflog_tlv(f + 16, (uint16_t)(4 + m + 1), 9);
	ck_status(dec(LINK_NFLOG, f, n, &p), DECODE_BAD_ENCAP);
	ck_status(dec(LINK_NFLOG, f, 16, &p), DECODE_NOT_IP);
}
END_TEST

START_TEST(test_link_80211)
{
	uint8_t f[256], in[128];
	size_t m = enc_inner4(in);
	struct pkt p;
	/* radiotap 12 | QoS data 26 (ToDS) | LLC/SNAP 8 | IPv4 | TCP */
	const uint8_t rt[12] = { 0, 0, 12, 0, 0x06, 0, 0, 0, 0x10, 2, 0, 0 };
	uint8_t hdr[34] = { 0x88, 0x01, 0, 0 };
	hdr[24] = 0, hdr[25] = 0; /* QoS control */
	const uint8_t snap[8] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
	memcpy(hdr + 26, snap, 8);
	memcpy(f, rt, 12);
	memcpy(f + 12, hdr, 34);
	memcpy(f + 46, in, m);
	size_t n = 46 + m;
	ck_inner4(LINK_IEEE802_11_RADIOTAP, f, n);
	ck_inner4(LINK_IEEE802_11, f + 12, n - 12);
	CUTS(LINK_IEEE802_11_RADIOTAP, f, n, { 46, DECODE_TRUNC_LINK }, { 66, DECODE_TRUNC_IP },
	     { 86, DECODE_TRUNC_TCP });
	/* a trailing FCS (radiotap flag 0x10) is left out by the IP length */
	f[n] = f[n + 1] = f[n + 2] = f[n + 3] = 0xee;
	ck_status(dec(LINK_IEEE802_11_RADIOTAP, f, n + 4, &p), DECODE_OK);
	ck_assert_uint_eq(p.payload_len, 10);
	uint8_t *w = f + 12;
	w[1] = 0x41; /* protected */
	ck_status(dec(LINK_IEEE802_11, w, n - 12, &p), DECODE_NOT_IP);
	w[1] = 0x05; /* more fragments */
	ck_status(dec(LINK_IEEE802_11, w, n - 12, &p), DECODE_UNKNOWN_ENCAPSULATION);
	w[1] = 0x01;
	w[24] = 0x80; /* A-MSDU */
	ck_status(dec(LINK_IEEE802_11, w, n - 12, &p), DECODE_UNKNOWN_ENCAPSULATION);
	w[24] = 0;
	w[0] = 0x80; /* beacon */
	ck_status(dec(LINK_IEEE802_11, w, n - 12, &p), DECODE_NOT_IP);
	/* plain data, four addresses (WDS): 30-byte header */
	uint8_t d[256];
	const uint8_t h4[30] = { 0x08, 0x03 };
	memcpy(d, h4, 30);
	memcpy(d + 30, snap, 8);
	memcpy(d + 38, in, m);
	ck_inner4(LINK_IEEE802_11, d, 38 + m);
	f[2] = 4; /* radiotap length below its own header */
	ck_status(dec(LINK_IEEE802_11_RADIOTAP, f, n, &p), DECODE_BAD_ENCAP);
}
END_TEST

Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");

	TCase *core = tcase_create("core");
	tcase_add_test(core, test_eth_ipv4);
	tcase_add_test(core, test_eth_ipv6);
	tcase_add_test(core, test_vlan_8021q);
	tcase_add_test(core, test_qinq_88a8);
	tcase_add_test(core, test_triple_tags);
	tcase_add_test(core, test_pppoe);
	tcase_add_test(core, test_pppoe_in_qinq);
	tcase_add_test(core, test_pppoe_not_ip);
	tcase_add_test(core, test_pppoe_length_bounds_ip);
	tcase_add_test(core, test_sll);
	tcase_add_test(core, test_sll2);
	tcase_add_test(core, test_null);
	tcase_add_test(core, test_loop);
	tcase_add_test(core, test_raw);
	tcase_add_test(core, test_ipv4_options);
	tcase_add_test(core, test_ipv4_bad_options);
	tcase_add_test(core, test_flags);
	tcase_add_test(core, test_tso_total_len_zero);
	tcase_add_test(core, test_eth_padding);
	tcase_add_test(core, test_snaplen_cut_payload);
	tcase_add_test(core, test_ipv6_ext_chain);
	tcase_add_test(core, test_ipv6_other_ext);
	tcase_add_test(core, test_ipv6_atomic_fragment);
	tcase_add_test(core, test_ipv6_fragment);
	tcase_add_test(core, test_ipv6_not_tcp);
	tcase_add_test(core, test_ipv4_fragments);
	tcase_add_test(core, test_not_ip);
	tcase_add_test(core, test_not_tcp);
	tcase_add_test(core, test_unknown_linktype);
	tcase_add_test(core, test_status_names);
	suite_add_tcase(s, core);

	TCase *options = tcase_create("options");
	tcase_add_test(options, test_opt_linux_syn);
	tcase_add_test(options, test_opt_timestamps);
	tcase_add_test(options, test_opt_sack_blocks);
	tcase_add_test(options, test_opt_sack_with_timestamps);
	tcase_add_test(options, test_opt_tfo);
	tcase_add_test(options, test_opt_unknown_skipped);
	tcase_add_test(options, test_opt_nop_eol);
	suite_add_tcase(s, options);

	TCase *limits = tcase_create("limits");
	tcase_add_test(limits, test_trunc_eth_ipv4_options);
	tcase_add_test(limits, test_trunc_vlan_ipv6_ext);
	tcase_add_test(limits, test_trunc_sll2);
	tcase_add_test(limits, test_trunc_more_links);
	tcase_add_test(limits, test_vlan_limit);
	tcase_add_test(limits, test_ipv6_ext_limit);
	tcase_add_test(limits, test_full_option_area);
	tcase_add_test(limits, test_extreme_values);
	tcase_add_test(limits, test_wire_len_below_caplen);
	suite_add_tcase(s, limits);

	TCase *malformed = tcase_create("malformed");
	tcase_add_test(malformed, test_bad_version);
	tcase_add_test(malformed, test_bad_ihl);
	tcase_add_test(malformed, test_bad_total_len);
	tcase_add_test(malformed, test_bad_doff);
	tcase_add_test(malformed, test_bad_ipv6_ext);
	tcase_add_test(malformed, test_bad_pppoe_length);
	tcase_add_test(malformed, test_bad_options);
	suite_add_tcase(s, malformed);

	TCase *encap = tcase_create("encap");
	tcase_add_test(encap, test_encap_gre);
	tcase_add_test(encap, test_encap_gre_teb_erspan);
	tcase_add_test(encap, test_encap_vxlan_geneve);
	tcase_add_test(encap, test_encap_mpls_pbb_fabricpath);
	tcase_add_test(encap, test_encap_ip_in_ip);
	tcase_add_test(encap, test_encap_teredo);
	tcase_add_test(encap, test_encap_depth);
	tcase_add_test(encap, test_link_ppp_hdlc);
	tcase_add_test(encap, test_link_nflog);
	tcase_add_test(encap, test_link_80211);
	suite_add_tcase(s, encap);

	return s;
}
